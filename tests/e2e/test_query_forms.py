"""Queries as readers write them: an arXiv id or DOI as they paste it, and a phrase in quotes, hyphenated or not.

A paper's page shows its arXiv id and DOI (they were only in the links' addresses and the BibTeX entry, which the
search index leaves out), and the finder searches a pasted link or prefixed id as the bare id. Pagefind indexes a
hyphenated word as one word, so a phrase is searched with each gap a space or a hyphen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _QuietHandler, build_in_mode, quoted, serving, write_review
from .test_search_failures import UNAVAILABLE
from .test_typing import TAXONOMY, shown_for, shown_for_each

# key: (title, year, identifiers in the front matter, summary)
PAPERS = {
    "ann2001alpha": ("Alpha", 2001, 'arxiv: "2304.04759"\ndoi: 10.14778/3611479.3611537\n', "Codes for images."),
    "bee2002beta": ("Beta", 2002, "doi: 10.1145/1327452.1327494\n", "Codes for images."),
    "cat2003gamma": ("Gamma", 2003, 'arxiv: "1509.02897"\n', "Codes for images."),
    "dog2004delta": ("Delta", 2004, "", "Codes for images."),
    "eel2005hyphen": ("Epsilon", 2005, "", "Locality-sensitive hashing of images."),
    "fox2006space": ("Zeta", 2006, "", "Improved locality sensitive hashing."),
    "gnu2007apart": ("Eta", 2007, "", "Hashing that is sensitive to locality."),
    "hen2008quant": ("Theta", 2008, "", "A product-quantisation index and a k means baseline."),
    "ibis2009nearest": ("Iota", 2009, "doi: 10.18653/v1/P18-1190\n", "Graphs for nearest neighbour search."),
    "jay2010nearest": ("Kappa", 2010, "", "Nearest-neighbour graphs."),
    "kit2011probe": ("Lambda", 2011, "", "A fast multi-probe graph-based bucket index."),
    "lark2012old": ("Mu", 2012, 'arxiv: "hep-th/9901001"\n', "Codes for images."),
}


@pytest.fixture(scope="module", params=["full", "paged"])
def forms_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build this review (in one card file and search bundle, or in several) and serve it."""
    root = write_review(tmp_path_factory.mktemp("query-forms") / "review", TAXONOMY, {
        key: f"---\ntitle: {title}\nauthors: Ann Author\nvenue: CVPR\nyear: {year}\ntags: [Survey]\n"
             f"family: binary\n{ids}---\n{summary}\n"
        for key, (title, year, ids, summary) in PAPERS.items()})
    with serving(build_in_mode(root, request.param), _QuietHandler) as address:
        yield address


IDENTIFIERS = [
    ("2304.04759", ["ann2001alpha"]),
    ("arXiv:2304.04759", ["ann2001alpha"]),
    ("arxiv 2304.04759", ["ann2001alpha"]),
    ("https://arxiv.org/abs/2304.04759v2", ["ann2001alpha"]),
    ("https://arxiv.org/pdf/1509.02897", ["cat2003gamma"]),
    ("10.14778/3611479.3611537", ["ann2001alpha"]),
    ("https://doi.org/10.1145/1327452.1327494", ["bee2002beta"]),
    ("doi:10.1145/1327452.1327494", ["bee2002beta"]),
    ("10.18653/v1/P18-1190", ["ibis2009nearest"]),
    ("https://doi.org/10.18653/v1/P18-1190", ["ibis2009nearest"]),
    ("hep-th/9901001", ["lark2012old"]),  # an id of the old style, before 2007
    ("arXiv:hep-th/9901001", ["lark2012old"]),
    ("arXiv hep-th/9901001", ["lark2012old"]),
    ("https://arxiv.org/abs/hep-th/9901001v2", ["lark2012old"]),
    ("arxiv", []),  # the labels of the ids are not indexed: no paper here is from arXiv
    ("doi", []),
]
"""Queries of ids as readers paste them, and the papers each finds."""


def test_a_paper_is_found_by_its_arxiv_id_or_doi(page: Any, forms_url: str) -> None:
    """Each form of an id finds its paper, and only it; "arxiv" or "doi" alone does not find every paper with one."""
    assert shown_for_each(page, forms_url, dict(IDENTIFIERS)) == dict(IDENTIFIERS)


def test_without_the_search_index_a_paper_is_found_by_its_arxiv_id_or_doi(page: Any, forms_url: str) -> None:
    """Where Pagefind cannot be loaded, the page matches words itself, in the cards and the summaries of papers.json,
    whose items have the DOI and the arXiv id (in the URL) too: each form of an id finds its paper as with Pagefind,
    and no other file is loaded for it. The status says that full-text search is not available: other words may find
    fewer papers than with Pagefind."""
    page.route("**/static/search-worker.js", lambda route: route.abort())
    page.route("**/pagefind*/**", lambda route: route.abort())
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url.removeprefix(forms_url)))
    assert shown_for_each(page, forms_url, dict(IDENTIFIERS)) == dict(IDENTIFIERS)
    data = {name for name in loaded if name.endswith(".json")} - {"papers/finder-search.json"}  # asked with Pagefind
    assert data <= {"papers/finder.json", "papers/cards/0.json", "papers/cards/1.json", "papers/cards/2.json",
                    "papers/cards/3.json", "papers.json"}, data
    expect(page.locator("#finder-status")).to_contain_text(UNAVAILABLE)


def test_a_papers_page_shows_its_arxiv_id_and_doi(page: Any, forms_url: str) -> None:
    """Readers can read (and copy) the ids, not only follow the buttons; a paper without them shows no line."""
    page.goto(forms_url + "publications/ann2001alpha/")
    expect(page.locator("p.identifiers")).to_have_text("arXiv\u00a02304.04759 · DOI\u00a010.14778/3611479.3611537")
    page.goto(forms_url + "publications/cat2003gamma/")
    expect(page.locator("p.identifiers")).to_have_text("arXiv\u00a01509.02897")
    page.goto(forms_url + "publications/dog2004delta/")
    expect(page.locator("p.identifiers")).to_have_count(0)


PHRASES = [
    ('"locality sensitive hashing"', ["eel2005hyphen", "fox2006space"]),
    ('"Locality-Sensitive Hashing"', ["eel2005hyphen", "fox2006space"]),
    ('"locality sensitive"', ["eel2005hyphen", "fox2006space"]),
    ('"sensitive hashing"', ["eel2005hyphen", "fox2006space"]),
    ('"product quantization"', ["hen2008quant"]),
    ('"k-means baseline"', ["hen2008quant"]),
    ('"hashing locality"', []),
    # longer than four words: every choice of gaps would be too many searches, but the phrase as typed is one
    ('"fast multi-probe graph-based bucket index"', ["kit2011probe"]),
]
"""Phrases in quotes, and the papers each finds."""


def test_a_phrase_in_quotes_finds_it_hyphenated_or_not(page: Any, forms_url: str) -> None:
    """A phrase finds the papers with its words in a row, with a space or a hyphen between them (in either spelling),
    and not the papers that have its words apart; where it finds none, the status says "No papers match"."""
    statuses: dict[str, str] = {}
    assert shown_for_each(page, forms_url, dict(PHRASES), statuses) == dict(PHRASES)
    assert {query: statuses[query] for query, found in PHRASES if not found} == {
        query: f"No papers match {quoted(query)}." for query, found in PHRASES if not found}


HYPHENATED = [
    ("nearest-neighbour", ["ibis2009nearest", "jay2010nearest"]),
    ("nearest-neighbor graphs", ["ibis2009nearest", "jay2010nearest"]),
    ("nearest neighbour", ["ibis2009nearest", "jay2010nearest"]),
    ("locality-sensitive", ["eel2005hyphen", "fox2006space", "gnu2007apart"]),
    ("k-means", ["hen2008quant"]),
]
"""Hyphenated words and words apart, and the papers each finds."""


def test_a_hyphenated_word_finds_its_parts_written_apart(page: Any, forms_url: str) -> None:
    """As the words apart would, whether the papers hyphenate them or not."""
    assert shown_for_each(page, forms_url, dict(HYPHENATED)) == dict(HYPHENATED)


def test_a_query_every_paper_matches_is_named_and_one_without_words_is_not(page: Any, forms_url: str) -> None:
    """The status, which a screen reader reads, confirms what was searched for also when every paper matches it (it
    said "Showing all 12 papers." as if nothing had been typed); a query with no word to match (a lone quote) is not
    named, with a filter beside it either."""
    status = page.locator("#finder-status")
    page.goto(forms_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "cvpr")  # every paper's venue
    expect(status).to_have_text(f"Showing all {len(PAPERS)} papers matching \u201ccvpr\u201d.")
    expect(page.locator("#finder-results li.paper-item")).to_have_count(len(PAPERS))
    page.fill("#f-q", "images")
    expect(status).to_have_text(f"Showing 6 of {len(PAPERS)} papers matching \u201cimages\u201d.")
    page.fill("#f-q", '"')
    expect(status).to_have_text(f"Showing all {len(PAPERS)} papers.")
    page.goto(forms_url + "papers/?q=%22&from=2005")
    expect(status).to_have_text(f"Showing 8 of {len(PAPERS)} papers.")
    expect(page.locator("#finder-results li.paper-item")).to_have_count(8)


def test_the_opening_quote_of_a_phrase_shows_every_paper_not_none(page: Any, forms_url: str) -> None:
    """A query of punctuation alone has no word to search for: while a phrase is begun, or for a lone "-", every paper
    stays shown (it said "No papers match" and showed the empty view's buttons for a keystroke)."""
    page.goto(forms_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    query = page.locator("#f-q")
    for typed in ('"', "-"):
        query.fill("")
        query.press_sequentially(typed)
        page.wait_for_function("() => !document.getElementById('finder-status').hasAttribute('aria-busy')")
        expect(page.locator("#finder-status")).to_have_text(f"Showing all {len(PAPERS)} papers.")
        expect(page.locator("#finder-results li.paper-item")).to_have_count(len(PAPERS))
    query.press_sequentially("nearest")
    assert shown_for(page, "-nearest") == ["ibis2009nearest", "jay2010nearest"]


STOP_WORD_QUERIES = [
    ("graphs of nearest neighbour", ["ibis2009nearest", "jay2010nearest"]),  # neither has "of"
    ("the hashing of images", ["eel2005hyphen"]),  # nor "the"
    ("state-of-the-art hashing", []),  # the parts of a hyphenated word too: no paper has "state" or "art"
    ("images for", ["ann2001alpha", "bee2002beta", "cat2003gamma", "dog2004delta", "eel2005hyphen", "lark2012old"]),
    # a query of such words alone is searched as typed, as a word or the start of one ("Theta")
    ("and", ["hen2008quant"]),
    ("the", ["hen2008quant"]),
    ("of the", []),
]
"""Queries with words that nearly every summary has, which a query of several words leaves out."""


@pytest.mark.parametrize("index", ["Pagefind", "no index"])
def test_words_every_paper_has_are_left_out_of_a_query_of_several(page: Any, forms_url: str, index: str) -> None:
    """As search engines do: "graphs of nearest neighbour" finds the papers about nearest-neighbour graphs whether
    they write "of" or not. At 20,000 papers the search of such a word, which every page has, took most of the
    time of a query of four words (benchmarks/HISTORY.md, round 20). Alike where Pagefind cannot be loaded and the
    page matches the words itself."""
    if index == "no index":
        page.route("**/static/search-worker.js", lambda route: route.abort())
        page.route("**/pagefind*/**", lambda route: route.abort())
    statuses: dict[str, str] = {}
    assert shown_for_each(page, forms_url, dict(STOP_WORD_QUERIES), statuses) == dict(STOP_WORD_QUERIES)
    assert {query: statuses[query] for query, found in STOP_WORD_QUERIES if not found} == {
        query: ("" if index == "Pagefind" else UNAVAILABLE + " ") + f"No papers match {quoted(query)}."
        for query, found in STOP_WORD_QUERIES if not found}
