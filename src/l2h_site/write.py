"""The only module that writes the site: into a temporary folder, then swapped in whole.

A failed or interrupted build never leaves a half-written site, and l2h never replaces a
folder it did not create (it leaves a marker file in every site it writes).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.progress import QUIET, Progress
from l2h_site.textutil import WINDOWS_RESERVED

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


def check_page_paths(pages: Sequence[RenderedPage]) -> list[str]:
    """Return a message for each output path that is unsafe or collides with another."""
    problems = []
    seen: dict[str, str] = {}
    for page in pages:
        path = page.path
        norm = posixpath.normpath(path)
        parts = path.split("/")
        if (not path or path.startswith("/") or "\\" in path or norm != path or ".." in parts
                or any(ord(c) < 32 for c in path) or ":" in path):
            problems.append(f"output path {path!r} is not a plain path inside the site")
            continue
        if any(part.split(".")[0].lower() in WINDOWS_RESERVED for part in parts):
            problems.append(f"output path {path!r} uses a name reserved on Windows")
            continue
        folded = unicodedata.normalize("NFC", path).casefold()
        if folded in seen:
            problems.append(f"two pages would be written to {path!r} (also {seen[folded]!r})")
            continue
        seen[folded] = path
    return problems


def write_site(pages: Sequence[RenderedPage], out_dir: Path, root: Path, protected: Sequence[Path] = (),
               stamp: str = "", progress: Progress = QUIET) -> int:
    """Write pages into a fresh folder and swap it in place of out_dir; return bytes written.

    The stamp (the build's input fingerprint) is recorded in the marker file, so that a later
    build of the same inputs can tell the site is already up to date.
    """
    check_output_dir(out_dir, root, protected)
    problems = check_page_paths(pages)
    if problems:
        raise L2hError("; ".join(problems))
    out = out_dir.resolve()
    try:
        return _swap_in(pages, out, stamp, progress)
    except OSError as exc:
        raise L2hError(f"cannot write the site to {out_dir}: {exc.strerror or exc} "
                       f"({exc.filename or out}); the previous site was left as it was") from exc


def _swap_in(pages: Sequence[RenderedPage], out: Path, stamp: str, progress: Progress) -> int:
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out.name)
    tmp = parent / f".{out.name}.l2h-tmp-{os.getpid()}"
    old = parent / f".{out.name}.l2h-old-{os.getpid()}"
    total = 0
    try:
        tmp.mkdir()
        (tmp / MARKER).write_text("This folder is written by l2h and replaced by each build.\n"
                                  + (f"build: {stamp}\n" if stamp else ""), encoding="utf-8")
        made: set[Path] = {tmp}
        progress.stage("writing pages", len(pages))
        for page in pages:
            progress.advance()
            target = tmp / page.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(page.content)
            total += len(page.content)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.is_dir() and not out.exists():
            old.rename(out)
        raise
    return total


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
                shutil.rmtree(leftover)
            elif leftover.is_dir() and not leftover.is_symlink() and not any(leftover.iterdir()):
                leftover.rmdir()


def site_manifest(pages: Sequence[RenderedPage]) -> list[tuple[str, int]]:
    """List the files a build writes with their sizes, to recognise the site later."""
    return sorted((page.path, len(page.content)) for page in pages)


def is_site_current(out_dir: Path, stamp: str, manifest: Sequence[Sequence[object]]) -> bool:
    """Tell whether out_dir is exactly the site a build with this stamp wrote, untouched since."""
    try:
        marker = (out_dir / MARKER).read_text(encoding="utf-8")
    except OSError:
        return False
    if f"build: {stamp}\n" not in marker:
        return False
    expected = {str(path): size for path, size in manifest}
    found = 0
    for folder, _, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(out_dir).as_posix()
            if rel == MARKER:
                continue
            found += 1
            try:
                if expected.get(rel) != path.lstat().st_size or path.is_symlink():
                    return False
            except OSError:
                return False
    return found == len(expected)
