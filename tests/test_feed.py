"""The Atom feed of newly added papers, its dates from files and from git, and its discovery links."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

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


def test_feed_without_dates_is_still_valid(site: Site) -> None:
    root = site({"papers/author2019gamma.md": paper_text("Gamma", 2019)})
    assert build(root, out_dir=root / "_site").written
    feed = ET.parse(root / "_site/feed.xml").getroot()
    assert feed.findall(ATOM + "entry") == []
    assert feed.findtext(ATOM + "updated") == "1970-01-01T00:00:00Z"


def test_feed_papers_order_and_size() -> None:
    papers = [Paper(key=k, source="", title=k, authors=("A",), year=2000) for k in ("b", "a", "c")]
    dates = {"a": dt.date(2024, 1, 1), "b": dt.date(2024, 1, 1), "c": dt.date(2023, 1, 1)}
    assert [p.key for p in feed_papers(papers, dates)] == ["a", "b", "c"]
    assert [p.key for p in feed_papers(papers, dates, size=1)] == ["a"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_added_dates_come_from_git_when_the_file_has_none(tmp_path: Path) -> None:
    def git(*args: str, date: str = "2024-01-01T12:00:00+00:00") -> None:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t",
               "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers/a.md").write_text("a", encoding="utf-8")
    git("add", "papers/a.md")
    git("commit", "-q", "-m", "a", date="2023-02-03T10:00:00+00:00")
    (tmp_path / "papers/b.md").write_text("b", encoding="utf-8")
    (tmp_path / "papers/a.md").write_text("a2", encoding="utf-8")
    git("add", "papers")
    git("commit", "-q", "-m", "b", date="2024-04-05T10:00:00+00:00")
    assert git_added_dates(tmp_path, "papers") == {"papers/a.md": dt.date(2023, 2, 3),
                                                   "papers/b.md": dt.date(2024, 4, 5)}
    papers = [Paper(key="a", source="papers/a.md", title="A", authors=("A",), year=2000),
              Paper(key="b", source="papers/b.md", title="B", authors=("A",), year=2000, added=dt.date(2020, 1, 1)),
              Paper(key="c", source="papers/c.md", title="C", authors=("A",), year=2000)]
    assert added_dates(tmp_path, "papers", papers) == {"a": dt.date(2023, 2, 3), "b": dt.date(2020, 1, 1)}


def test_no_git_repository_means_no_dates(tmp_path: Path) -> None:
    assert git_added_dates(tmp_path, "papers") == {}
