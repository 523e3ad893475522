"""Full-text search: index the rendered paper pages with Pagefind, in memory.

The pages are handed to Pagefind through a private temporary folder (never the output
folder), and the index files it writes there come back as RenderedPage values, so write.py
stays the only module that writes the site. Pagefind splits the index into small fragments
that the browser loads on demand, so a search downloads kilobytes even for 20,000 papers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from l2h_site.cache import BuildCache, digest
from l2h_site.context import PaperView
from l2h_site.diagnostics import Diagnostic, warning
from l2h_site.model import RenderedPage

SEARCH_DIR = "pagefind"
"""Output folder of the search bundle, relative to the site."""
INDEXED_GLOB = "publications/*/index.html"
"""The pages that are searchable: one per paper."""


def finder_records(papers: Sequence[PaperView]) -> list[dict[str, Any]]:
    """Return what the papers page filters on, one small record per paper, in page order."""
    return [{"k": v.paper.key, "t": v.title_text, "a": ", ".join(v.paper.authors), "v": v.paper.venue or "",
             "y": v.paper.year, "g": list(v.paper.tags),
             "f": {name: list(values) for name, values in sorted(v.paper.facets.items())}} for v in papers]


def index_search(pages: Sequence[RenderedPage],
                 cache: BuildCache | None = None) -> tuple[list[RenderedPage], list[Diagnostic]]:
    """Build the Pagefind bundle for the paper pages; return its files as pages.

    The bundle depends only on the indexed pages and Pagefind's version, so it is cached
    under their hash and reused while no paper page changes.
    """
    try:
        from pagefind.index import PagefindIndex  # noqa: F401 - optional at import time
    except ImportError:
        return [], [_unavailable("the Python package pagefind is not installed")]
    indexed = [p for p in pages if p.path.startswith("publications/") and p.path.endswith("/index.html")]
    key = digest("pagefind", _pagefind_version(), [p.path for p in indexed], *(p.content for p in indexed))
    if cache is not None:
        stored = cache.get_files("pagefind", key)
        if stored is not None:
            return [RenderedPage(f"{SEARCH_DIR}/{name}", content) for name, content in stored], []
    found, problems = _index(indexed)
    if cache is not None and found and not problems:
        cache.put_files("pagefind", key, [(p.path[len(SEARCH_DIR) + 1:], p.content) for p in found])
    return found, problems


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version
        return version("pagefind_bin") + "/" + version("pagefind")
    except Exception:  # noqa: BLE001 - any failure only makes the key more specific
        return "unknown"


def _index(pages: Sequence[RenderedPage]) -> tuple[list[RenderedPage], list[Diagnostic]]:
    with tempfile.TemporaryDirectory(prefix="l2h-search-") as tmp:
        source = Path(tmp) / "site"
        bundle = Path(tmp) / "bundle"
        for page in pages:
            if page.path.startswith("publications/") and page.path.endswith("/index.html"):
                target = source / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(page.content)
        if not source.is_dir():
            return [], []
        try:
            # A worker thread has no event loop yet, even when the caller runs one (e.g. under Playwright).
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, _run_pagefind(source, bundle)).result()
        except Exception as exc:  # noqa: BLE001 - the binary may be missing or fail; the site still works
            return [], [_unavailable(f"Pagefind failed: {type(exc).__name__}: {exc}")]
        try:
            found = _read_bundle(bundle)
        except OSError as exc:
            return [], [_unavailable(f"Pagefind failed: {exc}")]
    return found, []


def _read_bundle(bundle: Path) -> list[RenderedPage]:
    """Read Pagefind's output once every file is whole.

    Pagefind can answer that it has written its files while the last ones are still being
    flushed (seen on a loaded machine: a truncated wasm file). Its data files are gzip streams,
    so a file is whole when it decompresses and two reads agree; wait a little until they do.
    """
    previous: list[RenderedPage] | None = None
    for _ in range(100):
        found = []
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                rel = path.relative_to(bundle).as_posix()
                if rel.startswith("playground/") or _is_unused_ui(rel):
                    continue
                found.append(RenderedPage(f"{SEARCH_DIR}/{rel}", path.read_bytes()))
        if found == previous and all(_is_whole(page.content) for page in found):
            return found
        previous = found
        time.sleep(0.05)
    raise OSError("Pagefind's output did not settle")


def _is_whole(content: bytes) -> bool:
    if not content.startswith(b"\x1f\x8b"):
        return True
    try:
        gzip.decompress(content)
    except (OSError, EOFError, zlib.error):
        return False
    return True


def _is_unused_ui(rel: str) -> bool:
    """Tell whether a bundle file belongs to Pagefind's ready-made UIs, which the site does not use."""
    return "/" not in rel and rel.startswith(("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui."))


async def _run_pagefind(source: Path, bundle: Path) -> None:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": str(bundle), "force_language": "en",
                                     "write_playground": False}) as index:
        await index.add_directory(str(source), glob=INDEXED_GLOB)


def _unavailable(reason: str) -> Diagnostic:
    return warning("l2h.yml", 0, 0, "search-unavailable",
                   f"full-text search was not built: {reason}; the papers page filters titles, authors and tags only",
                   "pip install 'pagefind[bin]', or set search: false in l2h.yml")
