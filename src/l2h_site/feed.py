"""When papers were added to the review, and the Atom feed of the newest ones.

A paper's `added` date comes from its file; when the file does not say, from the commit that
first added the file (one `git log` for all papers); when neither is known, it has none and is
left out of the feed. The feed never reads the clock, so builds stay reproducible.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from l2h_site.model import Paper

FEED_SIZE = 50
"""Number of newest papers listed in feed.xml."""
_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def git_added_dates(root: Path, papers_dir: str) -> dict[str, dt.date]:
    """Return the date each file under papers_dir was first committed, by path relative to root."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        completed = subprocess.run(
            [git, "-C", str(root), "log", "--relative", "--diff-filter=A", "--no-renames", "--format=%cs",
             "--name-only", "--", papers_dir],
            capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if completed.returncode != 0:
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in completed.stdout.splitlines():
        line = line.strip()
        if _DATE_LINE.match(line):
            current = dt.date.fromisoformat(line)
        elif line and current is not None:
            dates[line] = current  # log is newest first: the last one seen is the first addition
    return dates


def added_dates(root: Path, papers_dir: str, papers: Sequence[Paper],
                history: dict[str, dt.date] | None = None) -> dict[str, dt.date]:
    """Map paper keys to the date each was added: its `added` field, else git history (read if not given)."""
    dates: dict[str, dt.date] = {p.key: p.added for p in papers if p.added is not None}
    missing = [p for p in papers if p.added is None]
    if missing:
        if history is None:
            history = git_added_dates(root, papers_dir)
        for paper in missing:
            if paper.source in history:
                dates[paper.key] = history[paper.source]
    return dates


def feed_papers(papers: Sequence[Paper], added: dict[str, dt.date], size: int = FEED_SIZE) -> list[Paper]:
    """Return the papers for the feed: dated ones, newest addition first, then by key."""
    dated = [p for p in papers if p.key in added]
    return sorted(dated, key=lambda p: (-added[p.key].toordinal(), p.key))[:size]


def atom_date(date: dt.date) -> str:
    """Format a date as an Atom (RFC 3339) timestamp at midnight UTC."""
    return date.isoformat() + "T00:00:00Z"
