"""Ask git about the review's folder: where its repository starts, which files it tracks, and (feed.py) when
each paper file was added.

A review need not be in a git repository, and git need not be installed: then each answer is None.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


def git_output(folder: Path, *args: str) -> str | None:
    """Run git in folder; its output, or None when git is missing or says the folder is not in a repository."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        completed = subprocess.run([git, "-C", str(folder), *args], capture_output=True, text=True, timeout=60,
                                   check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout if completed.returncode == 0 else None


def git_toplevel(folder: Path) -> Path | None:
    """Return the root of the git working tree folder is in, or None."""
    out = git_output(folder, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out and out.strip() else None


def git_tracked(root: Path, paths: Sequence[str]) -> set[str] | None:
    """Return which of paths (relative to root, with forward slashes) git tracks; None when root is not in a
    git working tree (or git is not installed)."""
    if not paths:
        return set()
    # run in root, ls-files names the files relative to it
    out = git_output(root, "ls-files", "-z", "--", *(f":(literal){p}" for p in paths))
    if out is None:
        return None
    listed = {name for name in out.split("\0") if name}
    return {p for p in paths if p in listed}
