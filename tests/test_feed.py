"""The Atom feed of newly added papers, its dates from files and from git, and its discovery links."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest

from l2h_site.build import build
from l2h_site.feed import added_dates, feed_papers, git_added_dates
from l2h_site.model import Paper

Site = Callable[[dict[str, str | bytes]], Path]
ATOM = "{http://www.w3.org/2005/Atom}"


def paper_text(title: str, year: int, added: str | None = None) -> str:
    """A valid paper file, optionally with an added date."""
    extra = f"added: {added}\n" if added else ""
    return (f"---\ntitle: {title}\nauthors: Ann Author\nvenue: CVPR\nyear: {year}\ntags: [Image Retrieval]\n"
            f"family: supervised\n{extra}---\nA summary of {title} with <script>alert(1)</script> & more.\n")


def test_feed_lists_dated_papers_newest_first_and_parses_back(site: Site) -> None:
    root = site({
        "papers/author2020alpha.md": paper_text("Alpha", 2020, "2024-03-01"),
        "papers/author2021beta.md": paper_text("Beta", 2021, "2024-05-02"),
        "papers/author2019gamma.md": paper_text("Gamma", 2019),
    })
    result = build(root, out_dir=root / "_site")
    assert result.written
    feed = ET.parse(root / "_site/feed.xml").getroot()
    assert feed.tag == ATOM + "feed"
    assert feed.findtext(ATOM + "updated") == "2024-05-02T00:00:00Z"
    entries = feed.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "title") for e in entries] == ["Beta", "Alpha"]  # Gamma has no date: left out
    first = entries[0]
    assert first.findtext(ATOM + "id") == "https://example.org/publications/author2021beta/"
    assert first.findtext(ATOM + "published") == "2024-05-02T00:00:00Z"
    assert first.find(ATOM + "author/" + ATOM + "name").text == "Ann Author"  # type: ignore[union-attr]
    assert first.find(ATOM + "category").get("term") == "Image Retrieval"  # type: ignore[union-attr]
    assert "<script" not in first.findtext(ATOM + "content", "")  # the summary HTML was sanitised
    assert "&amp; more" in first.findtext(ATOM + "content", "")
    assert first.findtext(ATOM + "summary") == "CVPR 2021. A summary of Beta with & more."  # its plain text
    home = (root / "_site/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in home and 'href="feed.xml"' in home
    paper_page = (root / "_site/publications/author2021beta/index.html").read_text(encoding="utf-8")
    assert 'href="../../feed.xml"' in paper_page


OLDER_FEED = (Path(__file__).parent.parent / "templates/feed.xml").read_text(encoding="utf-8").replace(
    "{{ view.summary_html|feed_html }}", "{{ view.summary_html }}")
"""A review's own copy of feed.xml, made before l2h had the feed_html filter."""


@pytest.mark.parametrize("templates", [{}, {"templates/feed.xml": OLDER_FEED}], ids=["l2h's feed.xml", "older copy"])
def test_feed_content_has_the_formulas_without_their_boxes_tab_stops_and_names(
        site: Site, templates: dict[str, str]) -> None:
    """The boxes' role, tabindex and names are for a browser's keyboard and screen reader, meaningless in a feed
    reader: the feed's content has none (parsed back), and each formula, table and code block as on the page. So
    too with a review's own feed.xml that does not use the feed_html filter: the feed's summaries come clean."""
    summary = ("The loss\n\n$$\nx^2\n$$\n\nof $b$ and $a+b+c+d+e+f+g$, [in $y$](https://www.acm.org/y).\n\n"
               "| a |\n|---|\n| 1 |\n\n```\ncode\n```\n")
    root = site({"papers/author2020alpha.md": paper_text("Alpha", 2020, "2024-03-01").replace(
        "A summary of Alpha with <script>alert(1)</script> & more.\n", summary), **templates})
    assert build(root, out_dir=root / "_site", use_cache=False).written
    page = (root / "_site/publications/author2020alpha/index.html").read_text(encoding="utf-8")
    assert page.count(' tabindex="0"') == 5 and page.count(" data-label=") == 1  # the page's boxes are stops
    feed = ET.parse(root / "_site/feed.xml").getroot()
    content = html5lib.parse(feed.findtext(ATOM + "entry/" + ATOM + "content", ""), namespaceHTMLElements=False)
    attributes = sorted({name for el in content.iter() for name in el.attrib
                         if not str(el.tag).startswith("{http://www.w3.org/1998/Math/MathML}")})
    assert attributes == ["class", "href", "rel"]
    assert [(el.get("class"), [child.tag.rsplit("}", 1)[-1] for child in el]) for el in content.iter()
            if el.get("class") in ("math-scroll", "math-inline", "table-scroll")] == [
        ("math-scroll", ["math"]), ("math-inline", ["math"]), ("math-inline", ["math"]), ("math-inline", ["math"]),
        ("table-scroll", ["table"])]
    assert [el.tag for el in content.iter() if str(el.tag).endswith("}math")] == [
        "{http://www.w3.org/1998/Math/MathML}math"] * 4


def test_feed_without_dates_is_still_valid(site: Site) -> None:
    root = site({"papers/author2019gamma.md": paper_text("Gamma", 2019)})
    assert build(root, out_dir=root / "_site").written
    feed = ET.parse(root / "_site/feed.xml").getroot()
    assert feed.findall(ATOM + "entry") == []
    assert feed.findtext(ATOM + "updated") == "1970-01-01T00:00:00Z"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """A time in UTC."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)


def test_feed_papers_order_and_size() -> None:
    papers = [Paper(key=k, source="", title=k, authors=("A",), year=2000) for k in ("b", "a", "c", "d")]
    dates = {"a": utc(2024, 1, 1, 9), "b": utc(2024, 1, 1, 9), "c": utc(2023, 1, 1), "d": utc(2024, 1, 1, 17, 41)}
    assert [p.key for p in feed_papers(papers, dates)] == ["d", "a", "b", "c"]  # same time (one commit): by key
    assert [p.key for p in feed_papers(papers, dates, size=1)] == ["d"]


def git_in(folder: Path) -> Callable[..., None]:
    """Run git in folder, with a fixed identity and the commit time given as date= (no user config read)."""
    def git(*args: str, date: str = "2024-01-01T12:00:00+00:00") -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t",
               "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(folder),
               "GIT_CONFIG_NOSYSTEM": "1"}
        subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)

    return git


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_added_dates_come_from_git_when_the_file_has_none(tmp_path: Path) -> None:
    git = git_in(tmp_path)
    git("init", "-q")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers/a.md").write_text("a", encoding="utf-8")
    git("add", "papers/a.md")
    git("commit", "-q", "-m", "a", date="2023-02-03T10:00:00+00:00")
    (tmp_path / "papers/b.md").write_text("b", encoding="utf-8")
    (tmp_path / "papers/a.md").write_text("a2", encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "b", date="2024-04-05T10:00:00+00:00")
    assert git_added_dates(tmp_path, "papers") == {"papers/a.md": utc(2023, 2, 3, 10),
                                                   "papers/b.md": utc(2024, 4, 5, 10)}
    papers = [Paper(key="a", source="papers/a.md", title="A", authors=("A",), year=2000),
              Paper(key="b", source="papers/b.md", title="B", authors=("A",), year=2000, added=dt.date(2020, 1, 1)),
              Paper(key="c", source="papers/c.md", title="C", authors=("A",), year=2000)]
    assert added_dates(tmp_path, "papers", papers) == {"a": utc(2023, 2, 3, 10), "b": utc(2020, 1, 1)}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_renamed_paper_keeps_the_time_it_was_first_added(tmp_path: Path) -> None:
    """A key corrected by renaming the file is not a new paper: the feed would list it again, dated today."""
    git = git_in(tmp_path)
    git("init", "-q")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers/smith2022results.md").write_text("a paper\n" * 20, encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "add", date="2023-02-03T10:00:00+00:00")
    git("mv", "papers/smith2022results.md", "papers/smith2021results.md")
    git("commit", "-q", "-m", "the conference year", date="2024-04-05T10:00:00+00:00")
    git("mv", "papers/smith2021results.md", "papers/smith2021challenge.md")
    (tmp_path / "papers/other2024x.md").write_text("another paper\n", encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "again", date="2024-05-06T10:00:00+00:00")
    assert git_added_dates(tmp_path, "papers") == {"papers/smith2021challenge.md": utc(2023, 2, 3, 10),
                                                   "papers/smith2021results.md": utc(2023, 2, 3, 10),
                                                   "papers/smith2022results.md": utc(2023, 2, 3, 10),
                                                   "papers/other2024x.md": utc(2024, 5, 6, 10)}


def test_no_git_repository_means_no_dates(tmp_path: Path) -> None:
    assert git_added_dates(tmp_path, "papers") == {}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_feed_orders_papers_added_on_one_day_by_commit_time(site: Site) -> None:
    """Two commits of one day: the later one's papers come first though their keys sort last, each entry is
    published at its commit's time (in UTC, whatever the committer's zone), and an `added:` date of that day
    counts as its start, 00:00 UTC, so it comes after both. Rewriting the history to other times of the same
    day makes the next (cached) build follow it."""
    root = site({"papers/aaa2020first.md": paper_text("First", 2020),
                 "papers/bbb2020second.md": paper_text("Second", 2020),
                 "papers/ccc2020dated.md": paper_text("Dated", 2020, "2026-11-28")})
    git = git_in(root)
    git("init", "-q")
    git("add", "taxonomy.yml", "papers/aaa2020first.md", "papers/ccc2020dated.md")
    git("commit", "-q", "-m", "first", date="2026-11-28T16:42:05+00:00")
    (root / "papers/zzz2021newest.md").write_text(paper_text("Newest", 2021), encoding="utf-8")
    (root / "papers/yyy2021newer.md").write_text(paper_text("Newer", 2021), encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "second", date="2026-11-28T19:41:30+02:00")  # 17:41:30 UTC

    def entries() -> list[tuple[str | None, str | None, str | None]]:
        assert build(root, out_dir=root / "_site").written
        feed = ET.parse(root / "_site/feed.xml").getroot()
        return [(feed.findtext(ATOM + "updated"), None, None)] + [
            (e.findtext(ATOM + "title"), e.findtext(ATOM + "published"), e.findtext(ATOM + "updated"))
            for e in feed.findall(ATOM + "entry")]

    assert entries() == [("2026-11-28T17:41:30Z", None, None),
                         ("Second", "2026-11-28T17:41:30Z", "2026-11-28T17:41:30Z"),
                         ("Newer", "2026-11-28T17:41:30Z", "2026-11-28T17:41:30Z"),
                         ("Newest", "2026-11-28T17:41:30Z", "2026-11-28T17:41:30Z"),
                         ("First", "2026-11-28T16:42:05Z", "2026-11-28T16:42:05Z"),
                         ("Dated", "2026-11-28T00:00:00Z", "2026-11-28T00:00:00Z")]
    git("commit", "-q", "--amend", "-m", "second, later", date="2026-11-28T21:00:00+00:00")
    assert entries()[:2] == [("2026-11-28T21:00:00Z", None, None),
                             ("Second", "2026-11-28T21:00:00Z", "2026-11-28T21:00:00Z")]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_shallow_clone_is_noted_for_its_feed_dates(site: Site, tmp_path: Path) -> None:
    """A shallow clone gives every paper added before its one commit that commit's time: the build says so, in a
    note (which never fails a build, --strict included: pull requests are checked in shallow clones). The papers
    here have keys that do not match their authors: the same warnings in both builds."""
    root = site({"papers/aaa2020first.md": paper_text("First", 2020)})
    git = git_in(root)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "first", date="2023-02-03T10:00:00+00:00")
    (root / "papers/bbb2021second.md").write_text(paper_text("Second", 2021), encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "second", date="2024-04-05T10:00:00+00:00")
    full = build(root, out_dir=tmp_path / "full")
    assert full.written and "shallow-history" not in [d.code for d in full.diagnostics]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(clone)], check=True,
                   env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"})
    shallow = build(clone, out_dir=tmp_path / "shallow")
    assert shallow.written
    noted = [d for d in shallow.diagnostics if d.code == "shallow-history"]
    assert [(d.path, d.severity) for d in noted] == [("papers", "note")]
    assert [d for d in shallow.diagnostics if d.code != "shallow-history"] == full.diagnostics
    assert "fetch-depth: 0" in noted[0].hint


def test_an_empty_feed_of_a_review_outside_git_is_noted(site: Site) -> None:
    """A review outside git (a downloaded archive) whose papers have no added: date gets an empty feed.xml: the build
    says so in a note (never a failure, --strict included), which one dated paper, or git, makes unnecessary."""
    def clean(text: str) -> str:  # no summary warning: --strict passes
        return text.replace("<script>alert(1)</script> ", "")

    root = site({"papers/author2020alpha.md": clean(paper_text("Alpha", 2020)),
                 "papers/author2021beta.md": clean(paper_text("Beta", 2021))})
    empty = build(root, out_dir=root / "_site", strict=True)
    assert empty.written, empty.diagnostics
    feed = ET.parse(root / "_site/feed.xml").getroot()
    assert feed.findall(ATOM + "entry") == []
    noted = [d for d in empty.diagnostics if d.code == "feed-empty"]
    assert [(d.path, d.line, d.severity) for d in noted] == [("papers", 0, "note")]
    assert noted[0].message.startswith("feed.xml lists no paper: no paper has an added: date, and git does not know")
    assert "added: YYYY-MM-DD" in noted[0].hint and "git clone" in noted[0].hint

    (root / "papers/author2020alpha.md").write_text(clean(paper_text("Alpha", 2020, "2024-03-01")), encoding="utf-8")
    dated = build(root, out_dir=root / "_site", strict=True)
    assert dated.written and "feed-empty" not in [d.code for d in dated.diagnostics]
    assert [e.findtext(ATOM + "title") for e in ET.parse(root / "_site/feed.xml").getroot().findall(ATOM + "entry")] \
        == ["Alpha"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_review_in_git_has_no_empty_feed_note(site: Site) -> None:
    """The same undated papers, committed: git dates them, the feed lists them, and nothing is noted."""
    root = site({"papers/author2020alpha.md": paper_text("Alpha", 2020)})
    git = git_in(root)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "first", date="2023-02-03T10:00:00+00:00")
    result = build(root, out_dir=root / "_site")
    assert result.written and "feed-empty" not in [d.code for d in result.diagnostics]
    assert len(ET.parse(root / "_site/feed.xml").getroot().findall(ATOM + "entry")) == 1
