"""Find the paper files, and report whatever else sits in the papers folder."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

from l2h_site.diagnostics import Diagnostic, error, note, warning
from l2h_site.model import KEY_FORM, SourceFile
from l2h_site.progress import ticking
from l2h_site.vcs import git_tracked

PAPER_SUFFIXES = (".md", ".markdown")
"""Extensions of paper files; `.markdown` is what the Jekyll reviews use."""

IGNORED_NAMES = frozenset({".gitkeep", ".keep"})
"""Empty files that keep an empty folder in git, by either of the names the custom gives them."""
EDITOR_FILE = re.compile(r"^\..+\.sw[a-px]$|~$|^\.#|^#.*#$|^4913$|\.___jb_(?:old|tmp|bak)___$")
"""Names editors give the swap, backup, lock and write-test files they keep beside a file being edited
(vim, Emacs, JetBrains IDEs): not an error (see junk_severity), and `l2h serve` does not rebuild when they change."""

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (C0, DEL and C1), which no paper's file name may hold: found in C, not a character at a time in
Python (5,000 names after every edit in l2h serve)."""

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


def reads_as_paper(name: str) -> bool:
    """Tell whether discover_papers reads a regular file of this name, in the papers folder, as a paper."""
    stem, dot, suffix = name.rpartition(".")
    return (name not in IGNORED_NAMES and not CONTROL.search(name) and not is_editor_file(name)
            and os_file_kind(name) is None and bool(dot) and f".{suffix}" in PAPER_SUFFIXES and not is_readme(stem))


def is_readme(stem: str) -> bool:
    """Tell whether a markdown file of the papers folder is its README, notes for its readers, not a paper."""
    return stem.lower() == "readme"


def discover_papers(papers_dir: Path, root: Path,
                    tick: Callable[[], None] | None = None) -> tuple[list[SourceFile], list[Diagnostic]]:
    """List paper files in sorted order; anything that is not a paper is an error. A paper saved under another ending
    (lee2009small.md.txt, with a paper's front matter and no lee2009small.md beside it) is listed too, under the key
    its name means, so that its content is checked in the same round as its name. tick, if given, is called every
    TICK_EVERY files (a step at which l2h serve's rebuild can stop: 0.2-0.5 s in all at 20,000 papers)."""
    rel_dir = _relative(papers_dir, root)
    if not papers_dir.is_dir():
        return [], [error(rel_dir, 0, 0, "papers-missing", f"the papers folder {rel_dir}/ does not exist",
                          "create it, or set papers_dir in l2h.yml")]
    sources: list[SourceFile] = []
    diagnostics: list[Diagnostic] = []
    with os.scandir(papers_dir) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    names = {entry.name for entry in entries}
    for entry in ticking(entries, tick):
        rel = f"{rel_dir}/{entry.name}"
        if entry.name in IGNORED_NAMES:
            continue
        if CONTROL.search(entry.name):
            shown = entry.name.encode("unicode_escape").decode("ascii")  # never print raw escapes to a terminal
            diagnostics.append(error(f"{rel_dir}/{shown}", 0, 0, "not-a-paper",
                                     f"file name {shown} contains control characters",
                                     "rename it to <key>.md, e.g. weiss2008spectral.md"))
            continue
        if is_editor_file(entry.name):
            diagnostics.append(note(rel, 0, 0, "editor-file",
                                    f"{entry.name} looks like an editor's temporary file; it is not read",
                                    "it goes away when the editor closes the paper; never commit it"))
            continue
        kind = os_file_kind(entry.name)
        if kind is not None:
            ignore = "._*" if entry.name.startswith("._") else entry.name
            diagnostics.append(note(rel, 0, 0, "os-file", f"{entry.name} is a file {kind}; it is not read",
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
        if not entry.is_file():  # a named pipe would wait for a writer for ever; a socket or device holds no text
            diagnostics.append(error(rel, 0, 0, "not-a-paper", f"{entry.name} is not a regular file (a named "
                                     "pipe, socket or device), which git cannot hold",
                                     f"delete it, and write the paper as a plain file, {rel_dir}/<key>.md"))
            continue
        stem, dot, suffix = entry.name.rpartition(".")
        if not dot or f".{suffix}" not in PAPER_SUFFIXES:
            key = _key_meant(entry.name)
            twin = key is not None and any(f"{key}{ending}" in names for ending in PAPER_SUFFIXES)
            message = f"{entry.name} is not a paper file"
            if entry.name != entry.name.strip():  # invisible in a file manager, and in the message as it was
                message = (f"'{entry.name}' is not a paper file: its name "
                           f"{'starts' if entry.name[:1].isspace() else 'ends'} with a space")
            hint = (f"{key}.md is there too: delete this copy, or move it out of {rel_dir}/" if twin else
                    f"paper files end in .md; rename it to {key or '<key>'}.md or move it out of {rel_dir}/")
            diagnostics.append(error(rel, 0, 0, "not-a-paper", message, hint))
            if key is not None and not twin and _looks_like_a_paper(Path(entry.path)):
                # a paper saved under another ending (Notepad's .md.txt): its own problems are reported now, with
                # the name's, not in a second round after the rename
                sources.append(SourceFile(path=Path(entry.path), relpath=rel, key=key))
            continue
        if is_readme(stem):  # notes for the folder's readers: no paper, and not the front matter's fault
            diagnostics.append(error(rel, 0, 0, "not-a-paper", f"{entry.name} is in {rel_dir}/, where every "
                                     "markdown file is read as a paper",
                                     f"move it out of {rel_dir}/ (what it says of adding papers belongs in "
                                     "CONTRIBUTING.md)"))
            continue
        sources.append(SourceFile(path=Path(entry.path), relpath=rel, key=stem))
    if not sources:
        diagnostics.append(warning(rel_dir, 0, 0, "no-papers", f"{rel_dir}/ holds no paper files",
                                   f"add a paper as {rel_dir}/<key>.md (see CONTRIBUTING.md), or set papers_dir "
                                   "in l2h.yml if the papers are elsewhere"))
    return sources, junk_severity(diagnostics, root)


def _key_meant(name: str) -> str | None:
    """The key of a paper file saved under another ending (joly2011random.MD, joly2011random, Notepad's
    joly2011random.md.txt, 'joly2011random.md ' with a space at its end), or None."""
    stem = re.sub(r"(\.(md|markdown))?(\.[A-Za-z]+)?$", "", name.strip().removesuffix(".txt"), flags=re.IGNORECASE)
    return stem if KEY_FORM.fullmatch(stem) else None


JUNK = frozenset({"editor-file", "os-file"})
"""Codes of the files editors and operating systems leave beside the papers."""


STRAY_FOLDERS = frozenset({"publications", "paper", "posts"})
"""Folders beside the papers folder where a paper may be put by mistake, by name without a leading '_': Jekyll's
reviews keep their papers in _publications/ (learning2hash.github.io) or _posts/."""
_PAPER_HEAD = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(?P<fields>.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
_PAPER_FIELDS = ("title", "year")
"""Fields every paper has: a markdown file whose front matter has them and authors is taken for a paper."""


def stray_papers(root: Path, papers_dir: Path) -> list[Diagnostic]:
    """Report markdown files that look like papers (front matter with a title, authors and a year) but lie outside
    the papers folder, which l2h alone reads: at the top of the review's folder, or in a folder such as Jekyll's
    _publications/ (STRAY_FOLDERS). Without this, a paper added there would be left out of the site in silence."""
    try:
        papers = papers_dir.resolve()
        top = root.resolve()
        if papers == top:
            return []
        places = [top] + sorted(entry for entry in top.iterdir() if entry.is_dir() and not entry.is_symlink()
                                and entry.name.lower().lstrip("_") in STRAY_FOLDERS and entry.resolve() != papers)
    except OSError:
        return []
    rel_dir = _relative(papers_dir, root)
    found: list[tuple[str, str]] = []  # each stray's path and its path in the papers folder
    for place in places:
        try:
            names = sorted(entry.name for entry in os.scandir(place) if entry.is_file(follow_symlinks=False))
        except OSError:
            continue
        for name in names:
            if not name.lower().endswith(PAPER_SUFFIXES) or not _looks_like_a_paper(place / name):
                continue
            found.append((_relative(place / name, root), f"{rel_dir}/{name.rpartition('.')[0]}.md"))
    # git mv keeps a committed file's history, and refuses a file it does not track (a new paper, not yet committed)
    tracked = git_tracked(root, [rel for rel, _ in found]) or set()
    return [error(rel, 1, 1, "paper-outside-papers",
                  f"{rel} looks like a paper (its front matter has a title, authors and a year), but l2h reads papers "
                  f"only from {rel_dir}/: it is not on the site",
                  f"move it there: git mv {rel} {meant}" if rel in tracked else f"move it to {meant}")
            for rel, meant in found]


def _looks_like_a_paper(path: Path) -> bool:
    """Tell whether a file starts with front matter that has a title, authors (or author) and a year."""
    try:
        with open(path, "rb") as file:
            head = file.read(8192).decode("utf-8", errors="replace")
    except OSError:
        return False
    match = _PAPER_HEAD.match(head)
    if match is None:
        return False
    fields = {line.partition(":")[0].strip().lower() for line in match.group("fields").splitlines() if ":" in line}
    return all(field in fields for field in _PAPER_FIELDS) and bool(fields & {"authors", "author"})


def junk_severity(diagnostics: list[Diagnostic], root: Path) -> list[Diagnostic]:
    """Make the notes about editors' and operating systems' files warnings (which --strict turns into errors) where
    they may be committed junk: files git tracks, or, in a review that is not a git repository, any under CI.

    A swap file exists while a paper is open in an editor, and Finder makes .DS_Store as a folder is browsed:
    a local `l2h build --strict` or `l2h serve --strict` must not fail because of them. What CI must stop is
    the junk a pull request commits, and git knows which files those are (`git ls-files`). Without git, CI's
    checkout holds only what was committed, so there every such file counts.
    """
    junk = [d.path for d in diagnostics if d.code in JUNK]
    if not junk:
        return diagnostics
    tracked = git_tracked(root, junk)
    in_git = tracked is not None
    if tracked is None:
        tracked = set(junk) if os.environ.get("CI", "").lower() not in ("", "0", "false") else set()
    return [dataclasses.replace(d, severity="warning", hint=_committed_hint(d) if in_git else d.hint)
            if d.code in JUNK and d.path in tracked else d for d in diagnostics]


def _committed_hint(d: Diagnostic) -> str:
    """The fix for an editor's or operating system's file that git tracks."""
    if d.code == "editor-file":  # the editor still needs it while the paper is open: out of git only
        return f"it is committed: take it out of git with git rm --cached {d.path}; never commit it"
    return d.hint.replace("delete it,", f"it is committed: delete it with git rm {d.path},", 1)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
