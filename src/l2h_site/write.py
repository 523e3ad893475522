"""The only module that writes the site: into a temporary folder, then swapped in whole.

A failed or interrupted build never leaves a half-written site, and l2h never replaces a
folder it did not create (it leaves a marker file in every site it writes).
"""

from __future__ import annotations

import itertools
import os
import posixpath
import shutil
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import final

from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.progress import QUIET, Progress
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
    if out.exists() and not out.is_dir():
        raise L2hError(f"refusing to write the site to {out_dir}: it is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise L2hError(f"refusing to replace {out_dir}: it is not empty and was not written by l2h "
                       f"(no {MARKER} file); move its contents away or choose another folder")


def check_page_path(path: str) -> str | None:
    """Return why an output path is unsafe (outside the site, reserved name), or None when it is fine."""
    norm = posixpath.normpath(path)
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or norm != path or ".." in parts
            or any(ord(c) < 32 for c in path) or ":" in path):
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


@final
class SiteWriter:
    """Write pages into a temporary folder as they are rendered; swap it in place of the site at the end.

    Used as a context manager: leaving the block without commit() (a failed build, an exception)
    deletes the temporary folder and leaves the previous site as it was. Pages are written as they
    come, so a build never holds the whole site in memory.
    """

    def __init__(self, out_dir: Path, root: Path, protected: Sequence[Path] = (), stamp: str = "",
                 progress: Progress = QUIET) -> None:
        check_output_dir(out_dir, root, protected)
        self.out_dir = out_dir
        self.out = out_dir.resolve()
        self.stamp = stamp
        self.progress = progress
        self.tmp = self.out.parent / f".{self.out.name}.l2h-tmp-{os.getpid()}"
        self.sizes: dict[str, int] = {}
        """Path -> size of every page written so far, in order."""
        self._seen: dict[str, str] = {}
        self._made: set[Path] = set()
        self._open = False

    def __enter__(self) -> SiteWriter:
        with self._errors():
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.out.parent, self.out.name)
            self.tmp.mkdir()
            self._open = True
            self._made.add(self.tmp)
            (self.tmp / MARKER).write_text("This folder is written by l2h and replaced by each build.\n",
                                           encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._open:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._open = False

    def add(self, page: RenderedPage) -> None:
        """Write one page into the temporary folder."""
        with self._errors():
            self._target(page.path).write_bytes(page.content)
        self.sizes[page.path] = len(page.content)
        self.progress.advance()

    def reuse(self, path: str, source: Path) -> None:
        """Put an unchanged page into the site from a file kept by the cache: a hard link, else a copy."""
        target = self._target(path)
        with self._errors():
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            size = target.stat().st_size
        self.sizes[path] = size
        self.progress.advance()

    def location(self, path: str) -> Path:
        """Return where a page written so far lies in the temporary folder."""
        return self.tmp / path

    def _target(self, path: str) -> Path:
        """Check a new page's path and return where it goes, its folder made."""
        problem = check_page_path(path) or _collision(path, self._seen)
        if problem:
            raise L2hError(problem)
        target = self.tmp / path
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def paths(self) -> list[str]:
        """Return the paths of the pages written so far, in the order they were written."""
        return list(self.sizes)

    def read(self, path: str) -> bytes:
        """Read back a page written so far."""
        if path not in self.sizes:
            raise KeyError(path)
        return (self.tmp / path).read_bytes()

    def commit(self, background: bool = False) -> None:
        """Record the stamp in the marker and swap the temporary folder in place of the site.

        The previous site is deleted after the swap; with background, by a thread, so that a
        long-running process (the dev server) serves the new site without waiting for that.
        """
        old = self.out.parent / f".{self.out.name}.l2h-old-{os.getpid()}-{next(_SWAPS)}"
        with self._errors():
            if self.stamp:
                with (self.tmp / MARKER).open("a", encoding="utf-8") as marker:
                    marker.write(f"build: {self.stamp}\n")
            try:
                if self.out.exists():
                    self.out.rename(old)
                self.tmp.rename(self.out)
                self._open = False
                if old.exists() and background:
                    threading.Thread(target=shutil.rmtree, args=(old, True), name="l2h-tidy", daemon=True).start()
                elif old.exists():
                    shutil.rmtree(old)
            except BaseException:
                if old.is_dir() and not self.out.exists():
                    old.rename(self.out)
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise L2hError(f"cannot write the site to {self.out_dir}: {exc.strerror or exc} "
                           f"({exc.filename or self.out}); the previous site was left as it was") from exc


def replace_pages(out_dir: Path, pages: Sequence[RenderedPage]) -> None:
    """Swap single pages into a site l2h wrote (the dev server's preview of an edited paper).

    Each page is written to a temporary file beside its target and renamed over it, so a reader
    never sees half a page, and a page the build cache keeps as a hard link is replaced, not changed.
    """
    out = out_dir.resolve()
    if not (out / MARKER).is_file():
        raise L2hError(f"refusing to update {out_dir}: it is not a site written by l2h (no {MARKER} file)")
    problems = check_page_paths(pages)
    if problems:
        raise L2hError("; ".join(problems))
    for page in pages:
        target = out / page.path
        if not target.parent.is_dir() or target.parent.is_symlink() or target.is_symlink():
            raise L2hError(f"refusing to update {page.path}: its folder is not part of the site")
        tmp = target.parent / f".{target.name}.l2h-tmp-{os.getpid()}"
        try:
            tmp.write_bytes(page.content)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise L2hError(f"cannot update {page.path}: {exc.strerror or exc}") from exc


def restore_interrupted(out_dir: Path) -> bool:
    """Put back the previous site if a build was killed between its two renames; tell if it did.

    Such a build leaves the old site under its temporary -old- name and no site at all.
    """
    out = out_dir.resolve()
    if out.exists() or out.is_symlink() or not out.parent.is_dir():
        return False
    for old in sorted(out.parent.glob(f".{out.name}.l2h-old-*")):
        if old.is_dir() and not old.is_symlink() and (old / MARKER).is_file():
            old.rename(out)
            return True
    return False


def _remove_leftovers(parent: Path, name: str) -> None:
    """Delete temporary folders left by an interrupted build (they carry the marker)."""
    restore_interrupted(parent / name)
    for prefix in (f".{name}.l2h-tmp-", f".{name}.l2h-old-"):
        for leftover in parent.glob(prefix + "*"):
            if leftover.is_dir() and not leftover.is_symlink() and (leftover / MARKER).is_file():
                shutil.rmtree(leftover, ignore_errors=True)  # a background deletion may be at it too
            elif leftover.is_dir() and not leftover.is_symlink() and not any(leftover.iterdir()):
                leftover.rmdir()


def site_manifest(out_dir: Path, paths: Iterable[str]) -> list[tuple[str, int, int]]:
    """List the files of a site just written with their sizes and modification times, to recognise it later."""
    manifest = []
    for path in sorted(paths):
        st = (out_dir / path).lstat()
        manifest.append((path, st.st_size, st.st_mtime_ns))
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
    found = 0
    for folder, _, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(out_dir).as_posix()
            if rel == MARKER:
                continue
            found += 1
            try:
                st = path.lstat()
                if expected.get(rel) != [st.st_size, st.st_mtime_ns] or path.is_symlink():
                    return False
            except OSError:
                return False
    return found == len(expected)
