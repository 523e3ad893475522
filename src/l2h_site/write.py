"""The only module that writes the site: a new one whole, an existing one page by changed page.

A new site is written into a temporary folder and swapped in whole (SiteWriter); a site l2h
wrote before gets only the pages whose bytes changed, staged beside it and moved in at the end
(SiteUpdater). Either way a failed build leaves the previous site as it was, an interrupted one
is put right by the next build, and l2h never writes into a folder it did not create (it leaves a
marker file in every site it writes).
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import posixpath
import re
import shutil
import signal
import stat
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, final

from l2h_site.cache import CACHE_DIR, SERVE_DIR, FileHashes, Kept
from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.progress import QUIET, TICK_EVERY, Progress
from l2h_site.textutil import WINDOWS_RESERVED

_SWAPS = itertools.count()
"""Numbers the previous sites of one process, so that one still being deleted is never reused."""
MARKER = ".l2h-site"
"""File that marks a folder as a site written by l2h, safe to replace."""


def check_output_dir(out_dir: Path, root: Path, protected: Sequence[Path] = ()) -> None:
    """Refuse an output folder whose replacement would destroy anything but an old site."""
    out = out_dir.resolve()
    root = root.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home or out in root.parents or out == root:
        raise L2hError(f"refusing to write the site to {out_dir}: it would replace "
                       f"{'the project folder' if out == root else 'a folder that contains the project' if out in root.parents else 'your home folder' if out == home else 'the file system root'}; "
                       "choose an empty or new folder such as _site")
    for path in protected:
        p = path.resolve()
        if out == p or p in out.parents or out in p.parents:
            raise L2hError(f"refusing to write the site to {out_dir}: it overlaps {path}, which holds sources; "
                           "choose a separate folder such as _site")
    for managed, by in ((root / ".git", "git"), (root / CACHE_DIR, "l2h's build cache")):
        if (out == managed or managed in out.parents) and out != root / CACHE_DIR / SERVE_DIR:
            raise L2hError(f"refusing to write the site to {out_dir}: it is inside {managed.name}, which {by} "
                           "manages; choose a separate folder such as _site")
    holder = next((folder for folder in out.parents if (folder / MARKER).is_file()), None)
    if holder is not None:
        raise L2hError(f"refusing to write the site to {out_dir}: it is inside the site in {holder}, whose next "
                       "build would delete it; choose a folder outside that site")
    if out.exists() and not out.is_dir():
        raise L2hError(f"refusing to write the site to {out_dir}: it is a file, not a folder; give --out a folder, "
                       "such as _site")
    blocking = next((folder for folder in out.parents if folder.exists() and not folder.is_dir()), None)
    if blocking is not None:  # else the raw "File exists" of the mkdir
        raise L2hError(f"refusing to write the site to {out_dir}: it is inside {blocking}, which is a file, not a "
                       "folder; give --out a folder, such as _site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise L2hError(f"refusing to replace {out_dir}: it is not empty and was not written by l2h "
                       f"(no {MARKER} file); move its contents away or choose another folder")


_NOT_IN_PATHS = re.compile(r"[\x00-\x1f\\:]")
"""Characters no output path holds: control characters, backslashes and colons."""


def check_page_path(path: str) -> str | None:
    """Return why an output path is unsafe (outside the site, reserved name), or None when it is fine."""
    norm = posixpath.normpath(path)
    parts = path.split("/")
    if not path or path.startswith("/") or norm != path or ".." in parts or _NOT_IN_PATHS.search(path):
        return f"output path {path!r} is not a plain path inside the site"
    if any(part.split(".")[0].lower() in WINDOWS_RESERVED for part in parts):
        return f"output path {path!r} uses a name reserved on Windows"
    return None


def check_page_paths(pages: Sequence[RenderedPage]) -> list[str]:
    """Return a message for each output path that is unsafe or collides with another."""
    problems = []
    seen: dict[str, str] = {}
    for page in pages:
        problem = check_page_path(page.path) or _collision(page.path, seen)
        if problem:
            problems.append(problem)
    return problems


def _collision(path: str, seen: dict[str, str]) -> str | None:
    """Record path; return a message if a path equal to it on a case-insensitive disk was seen."""
    folded = unicodedata.normalize("NFC", path).casefold()
    if folded in seen:
        return f"two pages would be written to {path!r} (also {seen[folded]!r})"
    seen[folded] = path
    return None


MARKER_TEXT = "This folder is written by l2h and replaced by each build.\n"
"""The marker's first line; a build adds a line `build: <fingerprint>` when it commits."""


class _SiteOutput:
    """What both ways of writing the site share: the checks of the output folder and of every path.

    Each writes into a folder of its own beside the site (.<site>.l2h-<kind>-<pid>), deleted when the
    `with` block is left without commit().
    """

    def __init__(self, out_dir: Path, root: Path, protected: Sequence[Path], stamp: str, progress: Progress,
                 kind: str) -> None:
        check_output_dir(out_dir, root, protected)
        self.out_dir = out_dir
        self.out = out_dir.resolve()
        self.tmp = self.out.parent / f".{self.out.name}.l2h-{kind}-{os.getpid()}"
        self.stamp = stamp
        self.progress = progress
        self.sizes: dict[str, int] = {}
        """Path -> size of every page written so far, in order."""
        self._seen: dict[str, str] = {}
        self._made: set[Path] = set()
        self._open = False

    def __exit__(self, *exc: object) -> None:
        if self._open:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._open = False

    def _check(self, path: str) -> None:
        """Refuse a path outside the site, or one that collides with a page written before."""
        self._safe(path)
        self._unique(path)

    def add(self, page: RenderedPage) -> None:
        """Write one page (see prepare and record, which this does in one go)."""
        self.record(page.path, len(page.content), self.prepare(page.path, page.content))

    def prepare(self, path: str, content: bytes) -> bool:
        """Put one page's bytes on disk where commit() will take them from; tell whether anything was written.

        Safe in a forked worker of the build (it changes nothing record() relies on), so that the
        workers rendering pages also create their files, in parallel: creating thousands of small
        files costs seconds on some disks. Every prepared page must then be record()ed, in order.
        """
        raise NotImplementedError

    def record(self, path: str, size: int, written: bool) -> None:
        """Count a prepared page as part of the site (in the build process, in the order of the site).

        prepare() refused an unsafe path; what only the build process can tell is a collision.
        """
        self._unique(path)
        self._done(path, size)

    def _safe(self, path: str) -> None:
        problem = check_page_path(path)
        if problem:
            raise L2hError(problem)

    def _unique(self, path: str) -> None:
        problem = _collision(path, self._seen)
        if problem:
            raise L2hError(problem)

    def _place(self, folder: Path, path: str) -> Path:
        """Return where a page goes under folder, its parent folder made."""
        target = folder / path
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def _marker(self) -> bytes:
        return (MARKER_TEXT + (f"build: {self.stamp}\n" if self.stamp else "")).encode()

    def paths(self) -> list[str]:
        """Return the paths of the pages written so far, in the order they were written."""
        return list(self.sizes)

    @property
    def changed(self) -> int:
        """Files this writer puts into the site (all of them: a new site)."""
        return len(self.sizes)

    @property
    def gone(self) -> list[str]:
        """The files of the previous site this writer deletes, sorted (none: a new site replaces an empty folder)."""
        return []

    def _done(self, path: str, size: int) -> None:
        self.sizes[path] = size
        self.progress.advance()

    _left = "the previous site was left as it was"
    """What a write that failed left in the output folder, as the error says it."""

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise L2hError(f"cannot write the site to {self.out_dir}: {exc.strerror or exc} "
                           f"({_failed_path(exc) or self.out}); {self._left}{_write_fix(exc)}") from exc


@final
class SiteWriter(_SiteOutput):
    """Write pages into a temporary folder as they are rendered; swap it in place of the site at the end.

    Used as a context manager: leaving the block without commit() (a failed build, an exception)
    deletes the temporary folder and leaves the previous site as it was. Pages are written as they
    come, so a build never holds the whole site in memory. For a new site; SiteUpdater updates one.
    """

    _left = "no site was written"  # a new site: the folder was empty, or not there

    def __init__(self, out_dir: Path, root: Path, protected: Sequence[Path] = (), stamp: str = "",
                 progress: Progress = QUIET) -> None:
        super().__init__(out_dir, root, protected, stamp, progress, "tmp")

    def __enter__(self) -> SiteWriter:
        with self._errors():
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.out.parent, self.out.name)
            self.tmp.mkdir()
            self._open = True
            self._made.add(self.tmp)
            (self.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return self

    def prepare(self, path: str, content: bytes) -> bool:
        """Write one page into the temporary folder."""
        self._safe(path)
        with self._errors():
            self._place(self.tmp, path).write_bytes(content)
        return True

    def reuse(self, path: str, source: Kept) -> None:
        """Put an unchanged page into the site from a file kept by the cache: a hard link, else a copy."""
        self._check(path)
        with self._errors():
            self._done(path, _link(source.path, self._place(self.tmp, path)))

    def current(self, path: str) -> Listed | None:
        """A new site has no files yet."""
        return None

    def location(self, path: str) -> Path:
        """Return where a page written so far lies in the temporary folder."""
        return self.tmp / path

    def read(self, path: str) -> bytes:
        """Read back a page written so far."""
        if path not in self.sizes:
            raise KeyError(path)
        return (self.tmp / path).read_bytes()

    def commit(self) -> None:
        """Record the stamp in the marker and swap the temporary folder in place of the (empty) previous one."""
        old = self.out.parent / f".{self.out.name}.l2h-old-{os.getpid()}-{next(_SWAPS)}"
        with self._errors():
            (self.tmp / MARKER).write_bytes(self._marker())
            try:
                if self.out.exists():
                    self.out.rename(old)
                self.tmp.rename(self.out)
                self._open = False
                if old.exists():
                    shutil.rmtree(old)
            except BaseException:
                if old.is_dir() and not self.out.exists():
                    old.rename(self.out)
                raise


STAGING = ".l2h-staging"
"""File that marks a folder of pages staged by SiteUpdater (beside the site: .<site>.l2h-new-<pid>)."""
JOURNAL = ".l2h-commit"
"""File a SiteUpdater writes into its staging folder when it starts moving pages in: the pages to delete."""


@final
class SiteUpdater(_SiteOutput):
    """Update a site l2h wrote, in place: only the pages whose bytes changed are written.

    Rebuilding after one edit gives mostly the same pages; writing thousands of unchanged files
    into a new folder cost seconds of file creation. Here a page equal to the one in the site is
    left alone, and a changed or new one is staged in a folder beside the site. Leaving the block
    without commit() deletes that folder: the site is as it was. commit() writes a journal (the
    pages to delete) into the staging folder, deletes the pages the new site no longer has, then
    moves each staged page over its old version (a rename: a reader gets the old page or the new
    one, never half of one; a page the build cache keeps as a hard link is replaced, not changed).
    A build killed during that is finished by the next one (restore_interrupted), so a site is
    never left half old, half new past the next build.
    """

    def __init__(self, out_dir: Path, root: Path, protected: Sequence[Path] = (), stamp: str = "",
                 progress: Progress = QUIET, known: dict[str, tuple[Listed, str]] | None = None) -> None:
        super().__init__(out_dir, root, protected, stamp, progress, "new")
        self.staged = self.tmp / "site"
        self.known = known
        """The SHA-256 of the site's files that an earlier update of this process read, with what lstat() said of
        each then (l2h serve keeps it between rebuilds): a file lstat() still says the same of holds those bytes, and
        is not read again to be compared with a page (5,000 search files at 5,000 papers). Replaced at commit() by what
        this update found."""
        self.live: dict[str, Listed] = {}
        """Every file in the site when the update started (never following a link), by path, but for those a page of
        this update was recorded for since: forgotten then (40,000 files at 20,000 papers, 10 MB)."""
        self._confirmed: dict[str, tuple[Listed, str]] = {}
        """The site's files this update found holding the bytes of a hash, and trusts the next update with (known)."""
        self.empty: list[Path] = []
        """Folders of the site that held nothing when the update started: no page makes one, so they go."""
        self.unchanged: dict[str, tuple[int, int]] = {}
        """The size and modification time the listing found of each file of the site this update leaves as it was,
        kept only by an update of l2h serve (known given), for the site's manifest (site_manifest)."""
        self._staged: set[str] = set()

    def __enter__(self) -> SiteUpdater:
        with self._errors():
            _remove_leftovers(self.out.parent, self.out.name)
            self.live = _files(self.out, self.empty, lambda: self.progress.advance(0))  # 0.2-0.5 s at 20,000 papers
            self.tmp.mkdir()
            self._open = True
            (self.tmp / STAGING).write_bytes(b"")
        return self

    def prepare(self, path: str, content: bytes) -> bool:
        """Stage one page, unless the site has it with these bytes already; tell whether it was staged."""
        self._safe(path)
        with self._errors():
            if self._has(path, content):
                return False
            self._place(self.staged, path).write_bytes(content)
        return True

    def record(self, path: str, size: int, written: bool) -> None:
        """Count a prepared page as part of the site, to be moved in at commit() if it was staged."""
        if written:
            self._staged.add(path)
        super().record(path, size, written)

    def _done(self, path: str, size: int) -> None:
        super()._done(path, size)
        listed = self.live.pop(path, None)  # what gone needs of it is that it is a page of the new site
        if listed is not None and self.known is not None and path not in self._staged:
            self.unchanged[path] = (listed.size, listed.mtime_ns)

    def reuse(self, path: str, source: Kept) -> None:
        """Put an unchanged page kept by the cache into the site, unless the site's file is that very file."""
        self._check(path)
        with self._errors():
            current = self.live.get(path)
            if current is not None and (current.ino, current.dev) == (source.ino, source.dev):
                self._done(path, current.size)
                return
            self._staged.add(path)
            self._done(path, _link(source.path, self._place(self.staged, path)))

    def current(self, path: str) -> Listed | None:
        """What lstat() said of the site's file for a page when this update started, if there was one."""
        return self.live.get(path)

    def location(self, path: str) -> Path:
        """Return where a page written so far lies: staged, or in the site if it is unchanged."""
        return self.staged / path if path in self._staged else self.out / path

    def read(self, path: str) -> bytes:
        """Read back a page written so far."""
        if path not in self.sizes:
            raise KeyError(path)
        return self.location(path).read_bytes()

    def commit(self) -> None:
        """Move the staged pages into the site and delete the pages it no longer has (see the class)."""
        with self._errors():
            if not self._has(MARKER, self._marker()):
                self._place(self.staged, MARKER).write_bytes(self._marker())
            if not self.out.is_dir():  # deleted by hand meanwhile (rm -rf _site): the pages staged are not a site
                raise L2hError(f"the site folder {self.out_dir} was deleted while the site was built; build again to "
                               "write it anew")
            blocked = self._unwritable()
            if blocked is not None:  # found before the first move: the site is still the previous one
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(blocked))
            journal = self.tmp / f"{JOURNAL}.part"
            journal.write_text(json.dumps(self.gone), encoding="utf-8")
            journal.rename(self.tmp / JOURNAL)
            self._open = False
            # from here a failure leaves a site part old, part new, which the next build finishes (restore_interrupted)
            self._left = ("the site is now part old, part new: the next l2h build finishes putting the new one in place "
                          "once it can write there")
            _finish_update(self.tmp, self.out)
            for folder in self.empty:  # deepest first; one a page has moved into since stays
                _prune(self.out, folder)
        if self.known is not None:  # the files found unchanged (a staged one is new: not trusted until read again)
            self.known.clear()
            self.known.update((path, found) for path, found in self._confirmed.items() if path not in self._staged)

    def _unwritable(self) -> Path | None:
        """The first folder of the site that moving the staged pages in, or deleting the pages gone, must change and
        this process may not (a subfolder left read-only, or owned by another user), or None.

        Found when a page was moved in, it left the site part old, part new. Checked before the first move, the build
        fails with the previous site whole. A folder a page makes is made in the nearest one that is there."""
        seen: set[Path] = set()
        for rel in sorted({posixpath.dirname(path) for path in (*self._staged, *self.gone, MARKER)}):
            folder = self.out / rel
            while folder != self.out and not folder.is_dir():
                folder = folder.parent
            if folder not in seen:
                seen.add(folder)
                if not os.access(folder, os.W_OK | os.X_OK):
                    return folder
        return None

    @property
    def changed(self) -> int:
        """Files this update writes or links into the site: the new and changed ones."""
        return len(self._staged)

    @property
    def gone(self) -> list[str]:
        """Files of the site the new one no longer has, sorted (known once the pages are all in)."""
        return sorted(set(self.live) - {MARKER})

    def _has(self, path: str, content: bytes) -> bool:
        current = self.live.get(path)
        if current is None or self.known is None:
            return current is not None and _has_bytes(self.out / path, current, content)
        if not stat.S_ISREG(current.mode) or current.size != len(content):
            return False
        value = hashlib.sha256(content).hexdigest()
        remembered = self.known.get(path)
        if remembered is not None and remembered[0] == current:  # the file holds the bytes of that hash
            if remembered[1] != value:
                return False
            self._confirmed[path] = remembered
            return True
        if not _has_bytes(self.out / path, current, content):
            return False
        # Not trusted if changed within RACY_NS of now: a second change in the same tick of the file system's clock,
        # of the same size, would leave lstat() saying the same (see FileHashes).
        if time.time_ns() - current.mtime_ns > FileHashes.RACY_NS:
            self._confirmed[path] = (current, value)
        return True


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the block puts a new site in place; one that came meanwhile comes as it ends.

    Stopped amid its renames, a build left a site of which some pages were new and some old, and said it was
    interrupted with the previous site left as it was. Held back, the signal stops l2h once the site is the new one
    (build says so: StoppedAfterWrite). The renames take a fraction of a second at 20,000 papers. Signals reach the
    main thread alone, which alone can hold them back: in another thread the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def open_site(out_dir: Path, root: Path, protected: Sequence[Path] = (), stamp: str = "",
              progress: Progress = QUIET, known: dict[str, tuple[Listed, str]] | None = None,
              ) -> SiteWriter | SiteUpdater:
    """Return the writer for a build: one that updates a site l2h wrote before, else one that swaps a new one in.
    known: the hashes of the site's files an earlier update read (SiteUpdater.known), kept between builds."""
    if (out_dir / MARKER).is_file():
        return SiteUpdater(out_dir, root, protected, stamp, progress, known)
    return SiteWriter(out_dir, root, protected, stamp, progress)


def _link(source: str, target: Path) -> int:
    """Hard-link source at target (a copy where links fail); return its size."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target.stat().st_size


def _has_bytes(path: Path, st: Listed, content: bytes) -> bool:
    """Tell whether the regular file path (st: its lstat) holds exactly these bytes."""
    if not stat.S_ISREG(st.mode) or st.size != len(content):
        return False
    try:
        return path.read_bytes() == content
    except OSError:
        return False


class Listed(NamedTuple):
    """What an update needs of a file's lstat(). A whole os.stat_result holds twenty fields, each its own object:
    the 40,000 files of a 20,000-paper site took 20 MB that way, held while the pages are rendered."""

    mode: int
    size: int
    ino: int
    dev: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Listed:
        """What an update needs of this lstat()."""
        return cls(st.st_mode, st.st_size, st.st_ino, st.st_dev, st.st_mtime_ns)


def _files(folder: Path, empty: list[Path] | None = None, tick: Callable[[], None] | None = None) -> dict[str, Listed]:
    """Map every file under folder (symbolic links included as files, never followed) to its lstat; add the
    folders that hold nothing at all to empty, if given, deepest first. tick, if given, is called every TICK_EVERY
    files (a step at which l2h serve's rebuild can stop)."""
    found: dict[str, Listed] = {}

    def scan(directory: str, prefix: str) -> None:
        held = False
        with os.scandir(directory) as entries:
            for entry in entries:
                held = True
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, f"{prefix}{entry.name}/")
                else:
                    found[prefix + entry.name] = Listed.of(entry.stat(follow_symlinks=False))
                    if tick is not None and len(found) % TICK_EVERY == 0:
                        tick()
        if not held and empty is not None and prefix:
            empty.append(Path(directory))

    if folder.is_dir():
        scan(str(folder), "")
    return found


def _finish_update(tmp: Path, out: Path) -> None:
    """Carry out a SiteUpdater's commit from its staging folder; safe to run again after an interruption.

    Deletes the pages the journal lists (and the folders that leaves empty), moves every staged
    page into the site, the marker with the new build's fingerprint last, then deletes the staging folder.
    """
    try:
        gone = json.loads((tmp / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        gone = []
    for rel in gone if isinstance(gone, list) else []:
        if isinstance(rel, str) and check_page_path(rel) is None:
            (out / rel).unlink(missing_ok=True)
            _prune(out, (out / rel).parent)
    staged = tmp / "site"
    for rel, st in sorted(_files(staged).items(), key=lambda item: (item[0] == MARKER, item[0])):  # the marker last
        if check_page_path(rel) is not None or not stat.S_ISREG(st.mode):
            continue
        target = out / rel
        if target.is_dir() and not target.is_symlink():  # a folder of pages replaced by a page of that name
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / rel, target)
    shutil.rmtree(tmp)


def _prune(out: Path, folder: Path) -> None:
    """Delete folder and its parents up to the site's root while they are empty."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def replace_pages(out_dir: Path, pages: Sequence[RenderedPage]) -> list[str]:
    """Swap single pages into a site l2h wrote (the dev server's preview of an edited paper); return those swapped.

    Each page is written to a temporary file beside its target and renamed over it, so a reader
    never sees half a page, and a page the build cache keeps as a hard link is replaced, not changed.
    A page whose file already holds its bytes is left alone.
    """
    out = out_dir.resolve()
    if not (out / MARKER).is_file():
        raise L2hError(f"refusing to update {out_dir}: it is not a site written by l2h (no {MARKER} file)")
    problems = check_page_paths(pages)
    if problems:
        raise L2hError("; ".join(problems))
    swapped: list[str] = []
    for page in pages:
        target = out / page.path
        if not target.parent.is_dir() or target.parent.is_symlink() or target.is_symlink():
            raise L2hError(f"refusing to update {page.path}: its folder is not part of the site")
        try:
            if _has_bytes(target, Listed.of(target.lstat()), page.content):
                continue
        except OSError:
            pass  # no such page yet
        tmp = target.parent / f".{target.name}.l2h-tmp-{os.getpid()}"
        try:
            tmp.write_bytes(page.content)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise L2hError(f"cannot update {page.path}: {exc.strerror or exc}") from exc
        swapped.append(page.path)
    return swapped


def restore_interrupted(out_dir: Path) -> bool:
    """Put right a site whose build was killed while writing it; tell if there was one.

    A swap killed between its two renames leaves the previous site under its -old- name and no
    site at all: that is put back. An update killed while moving its pages in leaves its staging
    folder with a journal: that is finished.
    """
    try:
        return _restore(out_dir.resolve())
    except OSError as exc:
        raise L2hError(f"cannot finish putting right {out_dir}, which an earlier build left half written: "
                       f"{exc.strerror or exc} ({_failed_path(exc)}); make it writable, then build again") from exc


_WRITE_FIXES = {
    errno.ENOSPC: "free space on that disk, or give --out a folder on another one",
    errno.EDQUOT: "free space within your disk quota, or give --out a folder on another disk",
    errno.EROFS: "the disk is mounted read-only: give --out a folder on a writable disk",
    errno.EACCES: "make the folder writable for you, or give --out another folder",
    errno.EPERM: "make the folder writable for you, or give --out another folder",
}
"""What to do when writing the site failed so, by the error's number."""


def _write_fix(exc: OSError) -> str:
    """The fix of a failure to write the site, after "; ", or "" where none is known."""
    fix = _WRITE_FIXES.get(exc.errno) if exc.errno is not None else None
    return f"; {fix}" if fix else ""


def _failed_path(exc: OSError) -> str:
    """The path an OSError is about: for a move, where to (the source is l2h's own staging folder)."""
    return str(exc.filename2 or exc.filename or "")


def _restore(out: Path) -> bool:
    if not out.parent.is_dir():
        return False
    if not out.exists() and not out.is_symlink():
        for old in sorted(out.parent.glob(f".{out.name}.l2h-old-*")):
            if old.is_dir() and not old.is_symlink() and (old / MARKER).is_file():
                old.rename(out)
                return True
        return False
    finished = False
    for staging in sorted(out.parent.glob(f".{out.name}.l2h-new-*")):
        if (staging.is_dir() and not staging.is_symlink() and (staging / JOURNAL).is_file()
                and (out / MARKER).is_file()):
            _finish_update(staging, out)
            finished = True
    return finished


@contextmanager
def exclusive(out_dir: Path, cache_dir: Path | None = None) -> Iterator[None]:
    """Hold the output folder for one build at a time, across processes (l2h build beside l2h serve, say), and the
    build cache, if given, which l2h build and l2h serve share although their sites are in different folders.

    Two builds writing one site would each tidy away the other's staging folder as a leftover. The
    lock is flock() on the folder the site is in (and on the cache's folder), so it leaves no file behind and is
    released when the process ends however it ends. Another build says it waits, and waits; so does a build of another
    site in the same folder (`--out /tmp/a` beside `--out /tmp/b`), which the lock cannot tell apart: the message names
    the site asked for (not the folder locked, which reads as if the review were locked) and says so.
    Without flock (not a POSIX system) there is no lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    # Each folder once (flock on a second descriptor of a folder this process holds would wait for ever), in one
    # order in every process (so that two builds never each hold what the other waits for).
    site = _existing(out_dir.resolve().parent)
    cache = _existing(cache_dir.resolve()) if cache_dir else None
    fds: list[int] = []
    try:
        for folder in sorted({site, *([cache] if cache else [])}):
            fds.append(os.open(folder, os.O_RDONLY))
            try:
                fcntl.flock(fds[-1], fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if folder == cache:  # also where l2h serve's site is: only builds of this review write there
                    said = (f"l2h: waiting for another l2h build or serve of this review to finish\n"
                            f"  (they share its build cache, {cache_dir}, which one build at a time may use)")
                else:
                    said = (f"l2h: waiting for another l2h build or serve writing {out_dir} to finish\n"
                            "  (or one writing another site in the same folder: l2h cannot tell which)")
                print(said, file=sys.stderr, flush=True)
                fcntl.flock(fds[-1], fcntl.LOCK_EX)
        yield
    finally:
        for fd in fds:
            os.close(fd)


def _existing(folder: Path) -> Path:
    """The folder, or the nearest of its parents that exists (the site's and the cache's may be made later)."""
    return next(f for f in (folder, *folder.parents) if f.is_dir())


def tidy_leftovers(out_dir: Path) -> None:
    """Finish or remove what an interrupted build left beside the site (see _remove_leftovers), for a build that finds
    the site up to date and writes nothing: a stopped l2h serve's staged pages would otherwise stay until the next
    change. The caller holds the site (exclusive, and l2h serve's site lock)."""
    if out_dir.parent.is_dir():
        _remove_leftovers(out_dir.parent, out_dir.name)


def _remove_leftovers(parent: Path, name: str) -> None:
    """Tidy what an interrupted build left beside the site: its temporary folders, which carry a marker, or
    (killed before it wrote the marker) are named after a process that no longer runs."""
    restore_interrupted(parent / name)
    for prefix, mark in ((f".{name}.l2h-tmp-", MARKER), (f".{name}.l2h-old-", MARKER), (f".{name}.l2h-new-", STAGING)):
        for leftover in parent.glob(prefix + "*"):
            if not leftover.is_dir() or leftover.is_symlink():
                continue
            if (leftover / mark).is_file() or _of_a_gone_process(leftover.name[len(prefix):]):
                shutil.rmtree(leftover, ignore_errors=True)
            elif not any(leftover.iterdir()):
                leftover.rmdir()


def _of_a_gone_process(suffix: str) -> bool:
    """Tell whether a temporary folder's suffix (after l2h-tmp-, -old- or -new-) names a process that is gone."""
    pid = suffix.split("-")[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, as another user
        return False
    return False


def site_manifest(out_dir: Path, paths: Iterable[str],
                  unchanged: dict[str, tuple[int, int]] | None = None) -> list[tuple[str, int, int]]:
    """List the files of a site just written with their sizes and modification times, to recognise it later.

    unchanged: the size and modification time of the files an update left as they were, as it listed them when it
    started (SiteUpdater.unchanged), which are not looked at again (10,000 files at 5,000 papers, after every edit in
    l2h serve). A file changed behind l2h's back since then does not match them: the next build is not taken as
    current, where looking again would have recorded that change as the build's own.
    """
    manifest = []
    base = str(out_dir)
    listed = unchanged or {}
    for path in sorted(paths):
        found = listed.get(path)
        if found is None:
            st = os.lstat(os.path.join(base, path))  # not pathlib: 10,000 files at 5,000 papers
            found = (st.st_size, st.st_mtime_ns)
        manifest.append((path, *found))
    return manifest


def is_site_current(out_dir: Path, stamp: str, manifest: Sequence[Sequence[object]]) -> bool:
    """Tell whether out_dir is exactly the site a build with this stamp wrote, untouched since.

    Every file must have the size and modification time it had when written: a page edited in place
    (which would also change the build cache's hard link to it) makes the site out of date.
    """
    try:
        marker = (out_dir / MARKER).read_text(encoding="utf-8")
    except OSError:
        return False
    if f"build: {stamp}\n" not in marker:
        return False
    expected = {str(entry[0]): list(entry[1:]) for entry in manifest}
    empty: list[Path] = []
    try:
        found = _files(out_dir, empty)
    except OSError:  # a file or folder gone while listed
        return False
    found.pop(MARKER, None)
    if empty:
        return False  # an empty folder, which no build makes
    return len(found) == len(expected) and all(
        expected.get(rel) == [st.size, st.mtime_ns] and not stat.S_ISLNK(st.mode) for rel, st in found.items())
