"""Authors' names, and the words of titles and summaries, as readers type them: with their letters, without the
accents, or transliterated.

Pagefind and the page's own matching fold accents away ("Jegou" finds Jégou), but a German or Scandinavian name is
often typed transliterated ("Aumueller", "Soeren", "Aasa"), and some letters have no accent to fold away (ø, ß): a
paper's page gives the search index its authors' names, and the words of its title and summary that are not ASCII,
in those spellings too (paper.html), and the page matches them itself where it cannot use the index
(search-rules.js's asciiNames and asciiWords).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from l2h_site.textutil import ascii_words

from .conftest import _QuietHandler, build_in_mode, serving, write_review
from .test_typing import TAXONOMY, shown_for_each

# key: (authors, year)
PAPERS = {
    "aumuller2001alpha": ("Martin Aumüller, Ann Author", 2001),
    "jegou2002beta": ("Hervé Jégou, Ann Author", 2002),
    "schroder2003gamma": ("Jörg Schröder", 2003),
    "karkkainen2004delta": ("Juha Kärkkäinen", 2004),
    "weiss2005epsilon": ("Max Weiß", 2005),
    "hauberg2006zeta": ("Søren Hauberg", 2006),
    "strom2007eta": ("Åsa Ström", 2007),
    "smith2008theta": ("Bob Smith", 2008),
}
# key: (title, summary, year), by Ann Author
WORDS = {
    "author2009iota": ("Gödel Codes", "Codes for images.", 2009),
    "author2010kappa": ("Kappa codes", "Extends Bjørnstad et al.'s benchmark of codes.", 2010),
    "author2011lambda": ("Codes of the Straße", "Codes for images.", 2011),
    "author2012mu": ("Mu codes", "Codes by Łukasiewicz's rule.", 2012),
}


@pytest.fixture(scope="module", params=["full", "paged"])
def names_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build this review (in one card file and search bundle, or in several) and serve it."""
    root = write_review(tmp_path_factory.mktemp("names") / "review", TAXONOMY, {
        key: f"---\ntitle: {key[-5:].title()} codes\nauthors: {authors}\nvenue: CVPR\nyear: {year}\ntags: [Survey]\n"
             "family: binary\n---\nCodes for images.\n"
        for key, (authors, year) in PAPERS.items()} | {
        key: f"---\ntitle: {title}\nauthors: Ann Author\nvenue: CVPR\nyear: {year}\ntags: [Survey]\nfamily: binary\n---\n"
             f"{summary}\n"
        for key, (title, summary, year) in WORDS.items()})
    with serving(build_in_mode(root, request.param), _QuietHandler) as address:
        yield address


QUERIES = [
    ("Aumüller", "aumuller2001alpha"), ("Aumuller", "aumuller2001alpha"), ("Aumueller", "aumuller2001alpha"),
    ("aumue", "aumuller2001alpha"), ("Jegou", "jegou2002beta"), ("Herve Jegou", "jegou2002beta"),
    ("Joerg", "schroder2003gamma"), ("Schroeder", "schroder2003gamma"), ("Kaerkkaeinen", "karkkainen2004delta"),
    ("Weiss", "weiss2005epsilon"), ("Weiß", "weiss2005epsilon"), ("Soren", "hauberg2006zeta"),
    ("Soeren", "hauberg2006zeta"), ("Aasa", "strom2007eta"), ("Strom", "strom2007eta"), ("Smith", "smith2008theta"),
]
"""Names as typed, and the paper each finds (its only one)."""
WORD_QUERIES = [
    ("Goedel", "author2009iota"), ("Godel", "author2009iota"), ("Bjoernstad", "author2010kappa"),
    ("Bjornstad", "author2010kappa"), ("Strasse", "author2011lambda"), ("Lukasiewicz", "author2012mu"),
]
"""Words of a title or summary as typed, and the paper each finds (its only one)."""


def found_each(page: Any, url: str, where: str, queries: Iterable[str]) -> dict[str, list[str]]:
    """Search the all-papers page for each query in turn (test_typing.shown_for_each), through Pagefind ("index") or
    where it cannot be loaded ("page", which then matches words itself); return the keys each query shows."""
    if where == "page":
        page.route("**/static/search-worker.js", lambda route: route.abort())
        page.route("**/pagefind*/**", lambda route: route.abort())
    return shown_for_each(page, url, queries)


@pytest.mark.parametrize("where", ["index", "page"])
def test_a_name_is_found_transliterated_or_without_its_accents(page: Any, names_url: str, where: str) -> None:
    """Through Pagefind ("index"), and where it cannot be loaded ("page"), each spelling finds its author's paper and
    only it ("Aumueller", "Joerg", "Weiss" and "Soren" found nothing)."""
    assert found_each(page, names_url, where, dict(QUERIES)) == {
        query: [key] for query, key in QUERIES}


def test_a_papers_page_shows_its_names_once(page: Any, names_url: str) -> None:
    """The spellings are for the index alone: the page shows and reads out the names as written."""
    page.goto(names_url + "publications/aumuller2001alpha/")
    byline = page.locator("p.byline")
    expect(byline).to_have_text("Martin Aumüller and Ann Author")
    expect(byline).to_have_attribute("data-names", "martin aumueller ann author martin aumüller ann author")
    expect(page.locator("body")).not_to_contain_text("ueller")


@pytest.mark.parametrize("where", ["index", "page"])
def test_a_word_of_a_title_or_summary_is_found_transliterated_or_in_plain_letters(page: Any, names_url: str,
                                                                                  where: str) -> None:
    """Through Pagefind and where it cannot be loaded, each spelling finds the paper whose title or summary has the
    word, and only it ("Goedel", "Bjornstad", "Strasse" and "Lukasiewicz" found nothing)."""
    assert found_each(page, names_url, where, dict(WORD_QUERIES)) == {
        query: [key] for query, key in WORD_QUERIES}


def test_a_papers_page_shows_its_title_and_summary_as_written(page: Any, names_url: str) -> None:
    """The spellings of a title's and summary's words are for the index alone, and the page's own matching spells
    them as the index is given them (search-rules.js's asciiWords, textutil.ascii_words)."""
    page.goto(names_url + "publications/author2010kappa/")
    expect(page.locator("section.summary")).to_have_text("Extends Bjørnstad et al.'s benchmark of codes.")
    expect(page.locator("section.summary")).to_have_attribute("data-words", "bjoernstad bjornstad")
    expect(page.locator("body")).not_to_contain_text("oernstad")
    page.goto(names_url + "publications/author2009iota/")
    expect(page.locator("h1")).to_have_text("Gödel Codes")
    expect(page.locator("body")).not_to_contain_text("oedel")
    page.goto(names_url + "papers/")
    texts = ["Extends Aumüller et al.'s benchmark of Søren's Gödel codes, Weiß and Aumüller", "Łukasz's Straße",
             "Hervé Jégou, naïve", "Spectral Hashing", "Go\u0308del", "Ærø 2ø ŁÓDŹ"]
    assert page.evaluate("texts => texts.map(l2hSearch.asciiWords)", texts) == [ascii_words(t) for t in texts]
