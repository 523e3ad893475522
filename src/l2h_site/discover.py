"""Find the paper files, and report whatever else sits in the papers folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from l2h_site.diagnostics import Diagnostic, error, warning
from l2h_site.model import SourceFile

PAPER_SUFFIXES = (".md", ".markdown")
"""Extensions of paper files; `.markdown` is what the Jekyll reviews use."""

IGNORED_NAMES = frozenset({".gitkeep"})
EDITOR_FILE = re.compile(r"^\..+\.sw[a-px]$|~$|^\.#|^#.*#$|^4913$|\.___jb_(?:old|tmp|bak)___$")
"""Names editors give the swap, backup, lock and write-test files they keep beside a file being edited
(vim, Emacs, JetBrains IDEs): a warning, not an error, and `l2h serve` does not rebuild when they change."""


OS_FILES = {".ds_store": "macOS's Finder keeps", "thumbs.db": "Windows keeps thumbnails in",
            "ehthumbs.db": "Windows keeps thumbnails in", "desktop.ini": "Windows keeps folder settings in",
            ".directory": "KDE keeps folder settings in"}
"""Files an operating system's file manager leaves in folders it shows (names lowercased), and what they are."""


def os_file_kind(name: str) -> str | None:
    """Say what an operating system's metadata file is (OS_FILES, or macOS's '._' companion files), else None."""
    if name.startswith("._"):
        return "macOS keeps extended attributes in"
    return OS_FILES.get(name.lower())


def is_editor_file(name: str) -> bool:
    """Tell whether a file name is one an editor gives its temporary files (EDITOR_FILE)."""
    return EDITOR_FILE.search(name) is not None


def discover_papers(papers_dir: Path, root: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """List paper files in sorted order; anything that is not a paper is an error."""
    rel_dir = _relative(papers_dir, root)
    if not papers_dir.is_dir():
        return [], [error(rel_dir, 0, 0, "papers-missing", f"the papers folder {rel_dir}/ does not exist",
                          "create it, or set papers_dir in l2h.yml")]
    sources: list[SourceFile] = []
    diagnostics: list[Diagnostic] = []
    with os.scandir(papers_dir) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{rel_dir}/{entry.name}"
            if entry.name in IGNORED_NAMES:
                continue
            if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in entry.name):
                shown = entry.name.encode("unicode_escape").decode("ascii")  # never print raw escapes to a terminal
                diagnostics.append(error(f"{rel_dir}/{shown}", 0, 0, "not-a-paper",
                                         f"file name {shown} contains control characters",
                                         "rename it to <key>.md, e.g. weiss2008spectral.md"))
                continue
            if is_editor_file(entry.name):
                diagnostics.append(warning(rel, 0, 0, "editor-file",
                                           f"{entry.name} looks like an editor's temporary file; it is not read",
                                           "it goes away when the editor closes the paper; never commit it"))
                continue
            kind = os_file_kind(entry.name)
            if kind is not None:
                ignore = "._*" if entry.name.startswith("._") else entry.name
                diagnostics.append(warning(rel, 0, 0, "os-file", f"{entry.name} is a file {kind}; it is not read",
                                           f"delete it, and add {ignore} to .gitignore so that it is never committed"))
                continue
            if entry.is_symlink():
                diagnostics.append(error(rel, 0, 0, "symlink", "paper files may not be symbolic links",
                                         "replace the link with the file itself"))
                continue
            if entry.is_dir():
                diagnostics.append(error(rel, 0, 0, "not-a-paper", f"{rel}/ is a folder; {rel_dir}/ must be flat",
                                         f"move its paper files directly into {rel_dir}/"))
                continue
            stem, dot, suffix = entry.name.rpartition(".")
            if not dot or f".{suffix}" not in PAPER_SUFFIXES:
                diagnostics.append(error(rel, 0, 0, "not-a-paper", f"{entry.name} is not a paper file",
                                         f"paper files end in .md; rename it to <key>.md or move it out of {rel_dir}/"))
                continue
            sources.append(SourceFile(path=Path(entry.path), relpath=rel, key=stem))
    if not sources:
        diagnostics.append(warning(rel_dir, 0, 0, "no-papers", f"{rel_dir}/ holds no paper files",
                                   f"add a paper as {rel_dir}/<key>.md (see CONTRIBUTING.md), or set papers_dir "
                                   "in l2h.yml if the papers are elsewhere"))
    return sources, diagnostics


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
