"""The search of the site `l2h serve` writes finds what the one `l2h build` writes finds, from the same files.

l2h serve splits the search index into smaller bundles (search.bundle_pages_for_editing), which the page merges;
l2h build writes one bundle for a review of this size. A real `l2h serve` runs on a generated review of PAPERS papers
(three bundles in it), and the same queries are typed into both sites' papers pages in headless Chromium.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from conftest import ServeProcess, generate_review
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from l2h_site.build import build
from l2h_site.search import bundle_pages_for_editing

from .conftest import _QuietHandler, build_in_mode, make_review, serving
from .test_papers_page import visible_keys

PAPERS = 600
"""Papers of the review: bundles of 250 pages in l2h serve (three), of up to 2,000 in l2h build (one)."""
RARE = "sketchbooks"
"""A word of one paper's summary alone; other bundles have words that start as it does ("sketching")."""
NEW = "hashtables"
"""The word the edit adds to another paper's summary; other bundles have words that start as it does ("hashing")."""
BEFORE = ("quantizati", '"nearest neighbor"', "aumuller", "hashing&family=supervised")
"""Typed into both sites before the edit: a word being typed (its stem's hits), a phrase, an author's name without its
diacritic and a word with a facet chosen (the rare word is checked on its own)."""
AFTER = ("sift", "Aumüller", RARE, "deep&tag=Image+Retrieval")
"""Typed into both sites after the edit, with the new word (each query into both sites costs a few seconds): a word of
summaries, the name with its diacritic, the rare word, and a word with a tag chosen; the edit changed one bundle of
three, and what BEFORE checked of the merging of bundles is checked again by these."""


def _append_to_summary(paper: Path, words: str) -> None:
    paper.write_text(paper.read_text(encoding="utf-8").rstrip("\n") + f" {words}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated review, RARE written into the summary of its first paper."""
    root = generate_review(PAPERS, tmp_path_factory.mktemp("serve-search") / "review", seed=1)
    _append_to_summary(min((root / "papers").glob("*.md")), f"It is drawn in {RARE}.")
    return root


def _built(root: Path, out: Path) -> Path:
    result = build(root, out_dir=out, use_cache=False)
    assert result.written, [d.message for d in result.diagnostics]
    return out


def searched(page: Any, site: str, query: str) -> list[str]:
    """Open the papers page with this query (and filters, as in its address); return the keys it shows, in order,
    once the search has answered."""
    page.goto(f"{site}papers/?q={query if '&' in query else quote_plus(query)}")
    status = page.locator("#finder-status")
    expect(status).to_contain_text(re.compile("matching|No papers match"), timeout=60_000)
    expect(status).not_to_have_attribute("aria-busy", "true", timeout=60_000)
    keys: list[str] = visible_keys(page)
    return keys


RELOADED = ("context was destroyed", "net::ERR_ABORTED", "interrupted by another navigation")
"""What Playwright says of a page that l2h serve reloaded while it was read, or while it was being opened."""


def searched_through_reloads(page: Any, site: str, query: str) -> list[str] | None:
    """searched(), or None where the page was reloaded meanwhile: l2h serve reloads its pages once a rebuild is served,
    which may be while the page is read, or while the next one is opened (its navigation is then aborted)."""
    try:
        return searched(page, site, query)
    except PlaywrightError as error:
        if not any(said in str(error) for said in RELOADED):
            raise
        return None


def found(page: Any, site: str, query: str) -> list[str]:
    """The keys the papers page shows for this query, of which there must be some."""
    keys = searched(page, site, query)
    assert keys, f"{site}: nothing found for {query}"
    return keys


def test_the_served_search_finds_what_the_built_one_does_before_and_after_an_edit(
        page: Any, review: Path, tmp_path: Path) -> None:
    assert -(-PAPERS // bundle_pages_for_editing(PAPERS)) == 3
    root = tmp_path / "review"
    shutil.copytree(review, root)
    server = ServeProcess(root)
    try:
        served = root / ".l2h-cache" / "serve"
        assert sorted(p.name for p in served.iterdir() if p.name.startswith("pagefind")) == [
            "pagefind", "pagefind-1", "pagefind-2"]
        with serving(_built(root, tmp_path / "built"), _QuietHandler) as built:
            assert sorted(p.name for p in (tmp_path / "built").iterdir() if p.name.startswith("pagefind")) == [
                "pagefind"]
            # The same papers; their order, best match first, follows each bundle's scores (Pagefind scores a page
            # against the words of its own bundle), and the served index is in three bundles, the built one in one.
            for query in BEFORE:
                assert sorted(found(page, server.url, query)) == sorted(found(page, built, query)), query
            assert found(page, server.url, "sift&sort=year") == found(page, built, "sift&sort=year")  # newest first
            rare = found(page, built, RARE)
            assert len(rare) == 1 and found(page, server.url, RARE) == rare
        edited = max((root / "papers").glob("*.md"))
        _append_to_summary(edited, f"Its codes index {NEW}.")
        deadline = time.monotonic() + 300
        while (shown := searched_through_reloads(page, server.url, NEW)) != [edited.stem]:  # once the rebuild is served
            assert time.monotonic() < deadline, f"l2h serve's site never found the new word: {shown}"
            time.sleep(0.5)
        with serving(_built(root, tmp_path / "built-after"), _QuietHandler) as built:
            for query in (NEW, *AFTER):
                assert sorted(found(page, server.url, query)) == sorted(found(page, built, query)), query
        server.stop()
    finally:
        server.kill()
    assert server.proc.returncode == 0


def test_a_word_that_starts_with_a_word_of_another_bundle_finds_what_one_bundle_finds(
        page: Any, tmp_path: Path) -> None:
    """One paper has "sentence", the others "sent": l2h build's one bundle finds the one paper for "sentence"; the
    same review in bundles of about 3 pages (as l2h serve splits a review of over 250 papers) finds the same."""
    keys: dict[str, list[str]] = {}
    for mode in ("full", "paged"):
        root = make_review(tmp_path / mode)
        for n, paper in enumerate(sorted((root / "papers").glob("*.md"))):
            _append_to_summary(paper, "A sentence of codes." if n == 0 else "It was sent away.")
        with serving(build_in_mode(root, mode), _QuietHandler) as site:
            keys[mode] = found(page, site, "sentence")
    assert keys["full"] == ["cao2017hashnet"]
    assert keys["paged"] == keys["full"]


def test_a_whole_word_that_the_stemmer_does_not_cut_to_an_indexed_word_finds_nothing(
        page: Any, tmp_path: Path) -> None:
    """All papers but one have "sent", none "sentence" (stemmed "sentenc": Snowball cuts "ence" only after two
    syllables): "sentence" finds no paper, in one bundle or in several, while "sentenc", being typed, finds those of
    "sent"."""
    for mode in ("full", "paged"):
        root = make_review(tmp_path / mode)
        papers = sorted((root / "papers").glob("*.md"))[1:]
        for paper in papers:
            _append_to_summary(paper, "It was sent away.")
        with serving(build_in_mode(root, mode), _QuietHandler) as site:
            assert searched(page, site, "sentence") == [], mode
            assert sorted(found(page, site, "sentenc")) == [paper.stem for paper in papers], mode
