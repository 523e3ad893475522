"""When papers were added to the review, and the Atom feed of the newest ones.

A paper's `added` time comes from its file; when the file does not say, from the commit that
first added the file (one `git log` for all papers); when neither is known, it has none and is
left out of the feed. The feed never reads the clock, so builds stay reproducible.

Git gives the commit's full time, so that papers added by several commits of one day come newest
first; an `added:` date in a file (a day, no time) counts as the start of that day, 00:00 UTC: it
sorts after every paper committed later that day, and the feed shows it at midnight as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from l2h_site.diagnostics import Diagnostic, note
from l2h_site.model import Paper
from l2h_site.vcs import git_output

FEED_SIZE = 50
"""Number of newest papers listed in feed.xml."""
_COMMIT_LINE = re.compile(r"^\x00(\d+)$")
"""The line git log writes for each commit (--format=%x00%ct): NUL, which no path printed by git holds, and the
commit time in seconds since 1970."""


def git_added_dates(root: Path, papers_dir: str) -> dict[str, dt.datetime]:
    """Return the time (UTC) each file under papers_dir was first committed, by path relative to root.

    A file renamed since (a key corrected: papers/simhadri2022results.md to simhadri2021results.md) keeps the
    time its first name was added: the paper is not new, and the feed does not list it again.
    """
    log = git_output(root, "log", "--relative", "--diff-filter=AR", "-M", "--format=%x00%ct", "--name-status", "--",
                     papers_dir)
    if log is None:
        return {}
    added: dict[str, dt.datetime] = {}
    renamed: dict[str, str] = {}
    """New name -> the name it had before its last rename."""
    current: dt.datetime | None = None
    for line in log.splitlines():
        commit = _COMMIT_LINE.match(line.strip())
        if commit:
            current = dt.datetime.fromtimestamp(int(commit.group(1)), tz=dt.timezone.utc)
            continue
        status, _, paths = line.partition("\t")
        if current is None or not paths:
            continue
        if status == "A":
            added[paths] = current  # log is newest first: the last one seen is the first addition
        elif status.startswith("R") and "\t" in paths:
            old, new = paths.split("\t", 1)
            renamed.setdefault(new, old)  # the newest rename to a name made the file there now
    dates: dict[str, dt.datetime] = {}
    for path in [*added, *renamed]:
        name, seen = path, set()
        while name not in added and name in renamed and name not in seen:
            seen.add(name)
            name = renamed[name]
        if name in added:
            dates.setdefault(path, added[name])
    return dates


FEED_NOTES = frozenset({"shallow-history", "feed-empty"})
"""Codes of the notes below, which only a build whose papers check without errors gives (it then makes the feed): a
failed build does not come to them, whether or not their cause is still there."""


def shallow_history_note(root: Path, papers_dir: str, history: dict[str, dt.datetime]) -> list[Diagnostic]:
    """Note that the review is a shallow clone, if it is and git gave the papers' dates: each paper added before
    the clone's oldest commit then has that commit's time, and the feed lists the wrong papers as new."""
    if not history or (git_output(root, "rev-parse", "--is-shallow-repository") or "").strip() != "true":
        return []
    return [note(papers_dir.rstrip("/"), 0, 0, "shallow-history",
                 "this clone of the review is shallow: papers added before its oldest commit get that commit's time, "
                 "so the feed lists them as new",
                 "build from a clone with the whole history (git fetch --unshallow; in GitHub Actions, "
                 "actions/checkout with fetch-depth: 0), or give the papers an added: date")]


def empty_feed_note(papers_dir: str, paper_count: int, added: dict[str, dt.datetime]) -> list[Diagnostic]:
    """Note that feed.xml lists no paper although the review has some: none has an `added:` date and git does not
    know when their files were added (a review outside git: a downloaded archive, or files never committed)."""
    if added or not paper_count:
        return []
    return [note(papers_dir.rstrip("/"), 0, 0, "feed-empty",
                 f"feed.xml lists no paper: {'the paper has no' if paper_count == 1 else 'no paper has an'} added: date, "
                 "and git does not know when the files were added (the review is not a git clone, or they are not "
                 "committed)",
                 "build from a git clone of the review, or give each paper the day it joined the review (added: YYYY-MM-DD)")]


def start_of_day(day: dt.date) -> dt.datetime:
    """Return the time an `added:` date stands for: the start of that day, 00:00 UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def added_dates(root: Path, papers_dir: str, papers: Sequence[Paper],
                history: dict[str, dt.datetime] | None = None) -> dict[str, dt.datetime]:
    """Map paper keys to the time each was added: its `added` field, else git history (read if not given)."""
    dates = {p.key: start_of_day(p.added) for p in papers if p.added is not None}
    missing = [p for p in papers if p.added is None]
    if missing:
        if history is None:
            history = git_added_dates(root, papers_dir)
        for paper in missing:
            if paper.source in history:
                dates[paper.key] = history[paper.source]
    return dates


def feed_papers(papers: Sequence[Paper], added: dict[str, dt.datetime], size: int = FEED_SIZE) -> list[Paper]:
    """Return the papers for the feed: dated ones, newest addition first, then (one commit's papers) by key."""
    dated = [p for p in papers if p.key in added]
    return sorted(dated, key=lambda p: (-added[p.key].timestamp(), p.key))[:size]


def atom_date(moment: dt.datetime) -> str:
    """Format a time as an Atom (RFC 3339) timestamp in UTC, to the second."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
