"""Full-text search: index the rendered paper pages with Pagefind, in memory.

The pages are handed to Pagefind through a private temporary folder (never the output
folder), and the index files it writes there come back as RenderedPage values, so write.py
stays the only module that writes the site. Pagefind splits the index into small fragments
that the browser loads on demand, so a search downloads kilobytes even for 20,000 papers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from l2h_site.cache import BuildCache, digest
from l2h_site.diagnostics import Diagnostic, warning
from l2h_site.model import RenderedPage

SEARCH_DIR = "pagefind"
"""Output folder of the search bundle, relative to the site."""
INDEXED_GLOB = "publications/*/index.html"
"""The pages that are searchable: one per paper."""


def index_search(pages: Sequence[RenderedPage],
                 cache: BuildCache | None = None) -> tuple[list[RenderedPage], list[Diagnostic]]:
    """Build the Pagefind bundle for the paper pages; return its files as pages.

    Pagefind is handed only the searchable part of each page (see searchable_part), under the
    page's own path, so results link to the real pages. The bundle depends only on those parts
    and Pagefind's version, so it is cached under their hash and reused while no paper's
    searchable text changes (a changed list of related papers, say, does not rebuild it).
    """
    try:
        import pagefind_bin  # noqa: F401 - optional at import time
    except ImportError:
        return [], [_unavailable("the Python package pagefind[bin] is not installed")]
    indexed = [RenderedPage(p.path, searchable_part(p.content)) for p in pages
               if p.path.startswith("publications/") and p.path.endswith("/index.html")]
    key = digest("pagefind", _pagefind_version(), [p.path for p in indexed], *(p.content for p in indexed))
    if cache is not None:
        stored = cache.get_files("pagefind", key)
        if stored is not None:
            return [RenderedPage(f"{SEARCH_DIR}/{name}", content) for name, content in stored], []
    found, problems = _index(indexed)
    if cache is not None and found and not problems:
        cache.put_files("pagefind", key, [(p.path[len(SEARCH_DIR) + 1:], p.content) for p in found])
    return found, problems


def searchable_part(page: bytes) -> bytes:
    """Cut a page down to the element Pagefind indexes, its data-pagefind-body, in a minimal document.

    Pagefind reads nothing else of a page that has such an element, so the index and the
    fragments are the same, but Pagefind parses a third of the bytes and the temporary copies
    are smaller. A page without the element (or not well formed) is passed whole.
    """
    start = page.find(_BODY_START)
    if start < 0:
        return page
    depth = 0
    for tag in _DIV_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return _SLIM_HEAD + page[start:tag.end()] + _SLIM_TAIL
    return page


_BODY_START = b"<div data-pagefind-body>"
_DIV_TAG = re.compile(rb"<(/?)div[\s>]")
_SLIM_HEAD = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head><body>'
_SLIM_TAIL = b"</body></html>\n"


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version
        return version("pagefind_bin") + "/" + version("pagefind")
    except Exception:  # noqa: BLE001 - any failure only makes the key more specific
        return "unknown"


def _index(pages: Sequence[RenderedPage]) -> tuple[list[RenderedPage], list[Diagnostic]]:
    with tempfile.TemporaryDirectory(prefix="l2h-search-", dir=_scratch_dir(sum(len(p.content) for p in pages))) as tmp:
        source = Path(tmp) / "site"
        bundle = Path(tmp) / "bundle"
        for page in pages:  # index_search passes only the paper pages
            target = source / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.content)
        if not source.is_dir():
            return [], []
        try:
            _run_pagefind(source, bundle)
        except (OSError, subprocess.SubprocessError, ImportError) as exc:  # the site still works without it
            return [], [_unavailable(f"Pagefind failed: {type(exc).__name__}: {exc}")]
        found = [RenderedPage(f"{SEARCH_DIR}/{path.relative_to(bundle).as_posix()}", path.read_bytes())
                 for path in sorted(bundle.rglob("*"))
                 if path.is_file() and not _is_unused_ui(path.relative_to(bundle).as_posix())]
    return found, []


def _scratch_dir(size: int) -> str | None:
    """Pick a memory-backed folder for Pagefind's temporary input and output, if the machine has one.

    Thousands of small files cost seconds to create, write and delete on a journaled disk and
    a fraction of that in tmpfs; None means the system's usual temporary folder.
    """
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 * size + (64 << 20):
            return str(shm)
    except OSError:
        pass
    return None


def _is_unused_ui(rel: str) -> bool:
    """Tell whether a bundle file belongs to Pagefind's ready-made UIs, which the site does not use."""
    return "/" not in rel and rel.startswith(("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui."))


def _run_pagefind(source: Path, bundle: Path) -> None:
    """Run the Pagefind binary (shipped by the pagefind[bin] package) to completion.

    Pagefind's Python service API is not used: closing it terminates the binary, which could cut
    its last files short while they were still being written, and fetching the files through its
    pipe deadlocks on large reviews. A process that exits has written everything.
    """
    from pagefind_bin import get_executable

    completed = subprocess.run(
        [str(get_executable()), "--site", str(source), "--output-path", str(bundle), "--glob", INDEXED_GLOB,
         "--force-language", "en", "--silent"],
        capture_output=True, text=True, timeout=1800, check=False)
    if completed.returncode != 0:
        raise OSError(f"pagefind exited with {completed.returncode}: {completed.stderr.strip()[:300]}")


def _unavailable(reason: str) -> Diagnostic:
    return warning("l2h.yml", 0, 0, "search-unavailable",
                   f"full-text search was not built: {reason}; the papers page filters titles, authors and tags only",
                   "pip install 'pagefind[bin]', or set search: false in l2h.yml")
