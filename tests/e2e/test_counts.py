"""Counts of a review of more than a thousand papers carry thousands separators, as the build's output does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PAPERS, _QuietHandler, build_in_mode, make_review, paper_file, serving

LARGE = 1200
"""Papers of the large review: 1,100 unsupervised ones tagged Image Retrieval, 100 supervised ones in 2008."""


def large_year(n: int) -> int:
    """The year of paper n of the large review."""
    return 2008 if n >= 1100 else 2009 + n % 15


def large_paper(n: int) -> str:
    """Paper n of the large review: "Code0001 hashing" by Yair Weiss, its key weiss<year>code0001."""
    family, tags = ("supervised", []) if n >= 1100 else ("unsupervised", ["Image Retrieval"])
    return paper_file(f"Code{n:04d} hashing", "Yair Weiss", "CVPR" if n % 2 else "ICCV", large_year(n), tags, family, ["image"],
                      f"Binary codes, variant {n}.")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build a review of LARGE papers (the e2e review's taxonomy; none of its papers) and serve it."""
    root = make_review(tmp_path_factory.mktemp("counts") / "review")
    for key in PAPERS:
        (root / "papers" / f"{key}.md").unlink()
    for n in range(LARGE):
        (root / "papers" / f"weiss{large_year(n)}code{n:04d}.md").write_text(large_paper(n), encoding="utf-8")
    site = build_in_mode(root, "full")
    with serving(site, _QuietHandler) as address:
        yield address


def test_counts_of_a_large_review_have_thousands_separators(page: Any, page_without_js: Any, large_site: str) -> None:
    """The pages write 1,200 and (1,100), not 1200 and (1100), and the finder too, whatever the browser's language;
    counts under a thousand stay as they are."""
    page_without_js.goto(large_site + "papers/")
    expect(page_without_js.locator("h1 .count")).to_have_text("1,200")
    expect(page_without_js.locator("footer")).to_contain_text("1,200 papers, curated by its community.")
    for target in (page_without_js, page):
        target.goto(large_site + "papers/")
        options = target.locator("#f-facet-family option")
        expect(options).to_have_text(["Any (1,200)", "Unsupervised (1,100)", "Supervised (100)"])
        expect(target.locator("#f-venue option")).to_have_text(["Any venue (1,200)", "CVPR (600)", "ICCV (600)"])
        expect(target.locator("#f-tags .tag-count")).to_have_text(["(1,100)"])
        expect(target.locator(".year-index li").last).to_have_text("2008 100")
        expect(target.locator(".year-index li").first).to_have_text("2023 73")
    expect(page.locator("#finder-status")).to_have_text("Showing all 1,200 papers.")
    page.locator("#f-facet-family").select_option("unsupervised")
    expect(page.locator("#finder-status")).to_have_text("Showing 1,100 of 1,200 papers.")
    page.locator("#finder-map > summary").click()
    expect(page.locator("#finder-map-count")).to_have_text(" \u2014 1,100 of 1,200 highlighted")
    page.locator("#f-facet-family").select_option("supervised")
    expect(page.locator("#finder-status")).to_have_text("Showing 100 of 1,200 papers.")
    for path, text in (("", "1,200"), ("stats/", "1,200 papers, 2008\u20132023."), ("tags/", "1,100"),
                       ("taxonomy/", "1,100"), ("tags/image-retrieval/", "1,100")):
        page.goto(large_site + path)
        expect(page.locator("main")).to_contain_text(text)


@pytest.fixture(scope="module")
def one_paper_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build a review of one paper (the e2e review's weiss2008spectral) and serve it."""
    root = make_review(tmp_path_factory.mktemp("counts") / "review")
    for key in PAPERS:
        if key != "weiss2008spectral":
            (root / "papers" / f"{key}.md").unlink()
    site = build_in_mode(root, "full")
    with serving(site, _QuietHandler) as address:
        yield address


def test_the_count_of_a_one_paper_review_is_singular(page: Any, one_paper_site: str) -> None:
    """A review of one paper is "Showing 1 paper.", not "Showing all 1 papers."."""
    page.goto(one_paper_site + "papers/")
    expect(page.locator("#finder-status")).to_have_text("Showing 1 paper.")
