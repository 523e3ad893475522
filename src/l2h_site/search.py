"""Full-text search: index the rendered paper pages with Pagefind, in memory.

The pages are handed to Pagefind through a private temporary folder (never the output
folder), and the index files it writes there come back as RenderedPage values, so write.py
stays the only module that writes the site. Pagefind splits the index into small fragments
that the browser loads on demand, so a search downloads kilobytes even for 20,000 papers.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from l2h_site.cache import BuildCache, FileHashes, digest
from l2h_site.diagnostics import Diagnostic, warning
from l2h_site.model import RenderedPage
from l2h_site.parallel import ended_how
from l2h_site.progress import QUIET, Progress

SEARCH_DIR = "pagefind"
"""Output folder of the search bundle, relative to the site."""
INDEXED_GLOB = "publications/*/index.html"
"""The pages that are searchable: one per paper."""


def index_search(pages: Sequence[RenderedPage], cache: BuildCache | None = None, bundle_pages: int | None = None,
                 locate: Callable[[str], Path | None] | None = None, progress: Progress = QUIET,
                 ) -> tuple[list[RenderedPage], list[Diagnostic]]:
    """Build the Pagefind bundles for the paper pages; return their files as pages.

    Pagefind is handed only the searchable part of each page (see searchable_part), under the
    page's own path, so results link to the real pages. Pagefind holds about 80 KB per page
    while it indexes, so a large review is indexed in bundles of at most SHARD_PAGES pages, one
    Pagefind run at a time (while it runs, the build process writes the next bundle's pages and reads back and
    caches the bundle before: see _Run): the first in pagefind/, the others in pagefind-1/, pagefind-2/, ...,
    which the page merges in the browser (Pagefind's mergeIndex). A paper's bundle follows from a
    hash of its path, so adding or editing a paper changes one bundle. Each bundle depends only on
    its pages' searchable parts and Pagefind's version, and is cached under their hash: a changed
    list of related papers, say, rebuilds nothing. bundle_pages: the most pages of a bundle, if not
    SHARD_PAGES (l2h serve's are smaller: see bundle_pages_for_editing). locate: where each page's file is, for a
    cache kept between builds (l2h serve): the hash of a page's searchable part is then remembered by what lstat()
    says of its file (BuildCache.searchable), and only the pages that changed are read again. progress is told of
    nothing (advance(0)) before each bundle and every STOP_POLL_SECONDS while Pagefind runs: a build told to stop
    gives up there (l2h serve's StopPoints raise), and Pagefind is terminated and its temporary folder removed.
    """
    try:
        import pagefind_bin  # noqa: F401 - optional at import time
    except ImportError:
        return [], [_unavailable("the Python package pagefind[bin] is not installed")]
    indexed = [p for p in pages if p.path.startswith("publications/") and p.path.endswith("/index.html")]
    known = cache.searchable if cache is not None and locate is not None else None
    # Kept in memory between builds only by a cache kept between them (l2h serve's: it gives locate).
    kept = cache.bundles if cache is not None and locate is not None else None
    found: dict[int, list[RenderedPage]] = {}  # each bundle's files by its number: bundles finish out of order
    shards = _shards(indexed, bundle_pages or SHARD_PAGES)
    bundles = len(shards)
    running: _Run | None = None  # the bundle Pagefind indexes
    ready: _Run | None = None  # the next one, its pages written meanwhile
    try:
        for number, pages_of_shard in enumerate(shards):
            progress.advance(0)
            # One bundle's pages at a time are read (pages may come from disk) and cut down in memory.
            parts: dict[str, bytes] = {}
            hashes = [_part_hash(page, parts, locate, known) for page in pages_of_shard]
            key = digest("pagefind", _pagefind_version(), number, [p.path for p in pages_of_shard], hashes)
            last = kept.get(number) if kept is not None else None
            if last is not None and last[0] == key:  # the same key: the very files the cache holds under it
                found[number] = last[1]
                continue
            stored = cache.get_files(f"pagefind-{number}", key) if cache is not None else None
            if stored is not None:
                found[number] = _keep(kept, number, key,
                                      [RenderedPage(f"{bundle_folder(number)}/{name}", content) for name, content in stored])
                continue
            # Written while Pagefind indexes the bundle before, which is collected while Pagefind indexes this one:
            # Pagefind uses one core, and the build process does its share of each bundle (cutting the pages down,
            # writing them, reading the bundle back and caching it) on the other. One Pagefind runs at a time.
            ready = _Run([RenderedPage(p.path, parts[p.path] if p.path in parts else searchable_part(p.content))
                          for p in pages_of_shard], number, key)
            del parts
            if running is not None:
                running.wait(progress)
            finished, running, ready = running, ready.start(), None
            if finished is not None:
                _collect(finished, found, kept, cache)
        if running is not None:
            running.wait(progress)
            _collect(running, found, kept, cache)
    except _PagefindFailed as failed:  # the site still works without it
        return [], [_unavailable(str(failed), "build again; if Pagefind fails again, reinstall it (pip install "
                                 "--force-reinstall 'pagefind[bin]'), or set search: false in l2h.yml")]
    finally:  # a build stopped, or Pagefind failed: no Pagefind is left running, no temporary folder is left
        for run in (running, ready):
            if run is not None:
                run.close()
    if kept is not None:
        for number in [n for n in kept if n >= bundles]:  # fewer bundles than the last build had
            del kept[number]
    return [page for number in sorted(found) for page in found[number]], []


def _collect(run: _Run, found: dict[int, list[RenderedPage]], kept: dict[int, tuple[str, list[RenderedPage]]] | None,
             cache: BuildCache | None) -> None:
    """Read a finished run's bundle into found, keep it for the next build and cache it; remove its folder."""
    try:
        files = run.files()
    finally:
        run.close()
    kept_files = [(name, content) for name, content in files if run.number == 0 or not _is_runtime(name)]
    if cache is not None and kept_files:
        cache.put_files(f"pagefind-{run.number}", run.key, kept_files)
    found[run.number] = _keep(kept, run.number, run.key,
                              [RenderedPage(f"{bundle_folder(run.number)}/{name}", content) for name, content in kept_files])


def _keep(kept: dict[int, tuple[str, list[RenderedPage]]] | None, number: int, key: str,
          files: list[RenderedPage]) -> list[RenderedPage]:
    """Remember a bundle's files under its key for the next build (l2h serve), if a cache is kept; return them."""
    if kept is not None:
        kept[number] = (key, files)
    return files


def _part_hash(page: RenderedPage, parts: dict[str, bytes], locate: Callable[[str], Path | None] | None,
               known: FileHashes | None) -> str:
    """The SHA-256 of a page's searchable part: remembered in known by its file's lstat(), else read, cut down and
    kept in parts (for its bundle, if that must be made again). It is remembered under the page's path in the site,
    not its file's: a new site is written into a temporary folder that then takes the site's place."""
    st = None
    if locate is not None and known is not None and (where := locate(page.path)) is not None:
        try:
            st = where.lstat()
        except OSError:
            pass
    if st is None or not stat.S_ISREG(st.st_mode):  # no file to remember it by
        return hashlib.sha256(parts.setdefault(page.path, searchable_part(page.content))).hexdigest()
    assert known is not None
    remembered = known.get(page.path, st)  # by the path as a string: 5,000 Path objects cost 30 ms a rebuild
    if remembered is not None:
        return remembered
    return known.remember(page.path, st, parts.setdefault(page.path, searchable_part(page.content)))


SHARD_PAGES = 2000
"""Most pages indexed by one Pagefind run: its memory grows by about 80 KB a page, so a run peaks near 165 MB.

With 4,000 (320 MB), Pagefind and the build process held 500 MB together at 20,000 papers. More bundles cost a
reader little: the page merges them, and merged bundles share the first one's WebAssembly (see _is_runtime); each
adds its entry file and one index chunk per word searched."""


EDITING_PAGES = 250
"""The fewest pages of a bundle in l2h serve (bundle_pages_for_editing)."""
EDITING_BUNDLES = 32
"""The most bundles in l2h serve: a first search fetches three small files of each."""


def bundle_pages_for_editing(papers: int) -> int:
    """The most pages of a search bundle in l2h serve, for a review of this many papers.

    A Pagefind run takes about 25 ms and 0.6 ms a page, and an edited paper's bundle is indexed again after each
    save: with bundles of SHARD_PAGES, 1.1 s at 5,000 papers (bundles of 1,700 pages), with these 0.17 s. The
    site in the browser merges them all (Pagefind's mergeIndex), as it does a published site's bundles.
    """
    return max(EDITING_PAGES, -(-papers // EDITING_BUNDLES))


def bundle_folder(number: int) -> str:
    """Site folder of search bundle `number`: pagefind, then pagefind-1, pagefind-2, ..."""
    return SEARCH_DIR if number == 0 else f"{SEARCH_DIR}-{number}"


def _shards(pages: Sequence[RenderedPage], most: int) -> list[list[RenderedPage]]:
    """Split the pages into as few bundles as `most` pages a bundle allows, each page by a hash of its path."""
    count = max(1, -(-len(pages) // most))
    if count == 1:
        return [list(pages)] if pages else []
    shards: list[list[RenderedPage]] = [[] for _ in range(count)]
    for page in pages:
        shards[int.from_bytes(hashlib.sha256(page.path.encode()).digest()[:8], "big") % count].append(page)
    return [shard for shard in shards if shard]


def _is_runtime(name: str) -> bool:
    """Tell whether a bundle file is Pagefind's script or WebAssembly, which only the first bundle needs to carry:
    Pagefind's mergeIndex loads no WebAssembly for a merged bundle (it uses the first one's)."""
    return "/" not in name and name.startswith(("pagefind.js", "pagefind-worker.js", "pagefind-highlight.js", "wasm."))


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


class _Run:
    """One bundle's Pagefind run: its pages written into a temporary folder of its own when it is made, then Pagefind
    started on them (start), waited for (wait) and its bundle's files read back (files). close() terminates a
    Pagefind still running and removes the folder, whatever happened before."""

    def __init__(self, pages: Sequence[RenderedPage], number: int = 0, key: str = "") -> None:
        self.number, self.key = number, key
        self.process: subprocess.Popen[str] | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="l2h-search-",
                                                   dir=_scratch_dir(sum(len(p.content) for p in pages)))
        self.source, self.bundle = Path(self._folder.name) / "site", Path(self._folder.name) / "bundle"
        try:
            for page in pages:  # index_search passes only the paper pages
                target = self.source / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(page.content)
        except BaseException:
            self.close()
            raise

    def start(self) -> _Run:
        """Start Pagefind on the pages (_PagefindFailed if it cannot be run)."""
        with _failing():
            self.process = _start_pagefind(self.source, self.bundle)
        return self

    def wait(self, progress: Progress = QUIET) -> None:
        """Wait for Pagefind to end (see _wait_pagefind; _PagefindFailed if it failed)."""
        assert self.process is not None, "start() first"
        with _failing():
            _wait_pagefind(self.process, progress)

    def files(self) -> list[tuple[str, bytes]]:
        """The files of the bundle Pagefind wrote (name inside the bundle, bytes), but its ready-made UIs."""
        return [(path.relative_to(self.bundle).as_posix(), path.read_bytes()) for path in sorted(self.bundle.rglob("*"))
                if path.is_file() and not _is_unused_ui(path.relative_to(self.bundle).as_posix())]

    def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            _end(self.process)
        self._folder.cleanup()


class _PagefindFailed(Exception):
    """Pagefind could not be run, or failed; the message says how, for a warning (the site works without search)."""


@contextmanager
def _failing() -> Iterator[None]:
    """Turn what running Pagefind may raise into _PagefindFailed (not what the build's progress raises)."""
    try:
        yield
    except (OSError, subprocess.SubprocessError, ImportError) as exc:
        raise _PagefindFailed(f"Pagefind failed: {type(exc).__name__}: {exc}") from exc


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


STOP_POLL_SECONDS = 0.05
"""How often a running Pagefind's build is asked whether it is to stop (see _wait_pagefind)."""
PAGEFIND_SECONDS = 1800
"""Longest one Pagefind run may take before it is stopped and the site built without search."""


def _start_pagefind(source: Path, bundle: Path) -> subprocess.Popen[str]:
    """Start the Pagefind binary (shipped by the pagefind[bin] package) on the site in source, its bundle to go in
    bundle.

    Pagefind's Python service API is not used: closing it terminates the binary, which could cut
    its last files short while they were still being written, and fetching the files through its
    pipe deadlocks on large reviews. A process that exits has written everything.
    """
    from pagefind_bin import get_executable

    return subprocess.Popen(
        [str(get_executable()), "--site", str(source), "--output-path", str(bundle), "--glob", INDEXED_GLOB,
         "--force-language", "en", "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_pagefind(process: subprocess.Popen[str], progress: Progress = QUIET) -> None:
    """Wait for a Pagefind run to complete (OSError if it failed, TimeoutExpired after PAGEFIND_SECONDS).

    Meanwhile progress is told of nothing (advance(0)) every STOP_POLL_SECONDS. Whatever that raises (l2h serve's
    BuildStopped: the server stops), or any other exception here (Ctrl-C), terminates Pagefind and waits for its end
    before it is passed on: the caller then removes the folders Pagefind was reading and writing.
    """
    deadline = time.monotonic() + PAGEFIND_SECONDS
    try:
        while True:
            try:
                stderr = process.communicate(timeout=STOP_POLL_SECONDS)[1]
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(process.args, PAGEFIND_SECONDS) from None
                progress.advance(0)
    except BaseException:
        _end(process)
        raise
    if process.returncode < 0:  # killed: by the kernel when memory runs out, say
        raise OSError(f"pagefind {ended_how(process.returncode)}")
    if process.returncode != 0:
        raise OSError(f"pagefind exited with {process.returncode}: {stderr.strip()[:300]}")


def _end(process: subprocess.Popen[str]) -> None:
    """Terminate a process and wait for its end (killing it if it does not end within a second)."""
    process.terminate()
    try:
        process.communicate(timeout=1)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def _unavailable(reason: str, hint: str = "pip install 'pagefind[bin]', or set search: false in l2h.yml") -> Diagnostic:
    return warning("l2h.yml", 0, 0, "search-unavailable",
                   f"full-text search was not built: {reason}; the papers page filters titles, authors and tags only",
                   hint)
