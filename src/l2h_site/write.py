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

MARKER = ".l2h-site"
"""File that marks a folder as a site written by l2h, safe to replace."""
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


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
        if any(part.split(".")[0].lower() in _RESERVED for part in parts):
            problems.append(f"output path {path!r} uses a name reserved on Windows")
            continue
        folded = unicodedata.normalize("NFC", path).casefold()
        if folded in seen:
            problems.append(f"two pages would be written to {path!r} (also {seen[folded]!r})")
            continue
        seen[folded] = path
    return problems


def write_site(pages: Sequence[RenderedPage], out_dir: Path, root: Path, protected: Sequence[Path] = ()) -> int:
    """Write pages into a fresh folder and swap it in place of out_dir; return bytes written."""
    check_output_dir(out_dir, root, protected)
    problems = check_page_paths(pages)
    if problems:
        raise L2hError("; ".join(problems))
    out = out_dir.resolve()
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out.name)
    tmp = parent / f".{out.name}.l2h-tmp-{os.getpid()}"
    total = 0
    try:
        tmp.mkdir()
        (tmp / MARKER).write_text("This folder is written by l2h and replaced by each build.\n", encoding="utf-8")
        made: set[Path] = {tmp}
        for page in pages:
            target = tmp / page.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(page.content)
            total += len(page.content)
        old = parent / f".{out.name}.l2h-old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return total


def _remove_leftovers(parent: Path, name: str) -> None:
    """Delete temporary folders left by an interrupted build (they carry the marker)."""
    for prefix in (f".{name}.l2h-tmp-", f".{name}.l2h-old-"):
        for leftover in parent.glob(prefix + "*"):
            if leftover.is_dir() and not leftover.is_symlink() and (leftover / MARKER).is_file():
                shutil.rmtree(leftover)
            elif leftover.is_dir() and not leftover.is_symlink() and not any(leftover.iterdir()):
                leftover.rmdir()
