"""The all-papers page's "Best match" order: a search's papers best match first, unless the reader chooses an order.

In this review the best match of each query is older than the papers that have its words once in their summaries:
newest first would show it last.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _QuietHandler, build_in_mode, quoted, serving, write_review
from .test_papers_page import visible_keys
from .test_typing import TAXONOMY

# key: (title, year, summary)
PAPERS = {
    "old2009proximity": ("Proximity Graph Search", 2009,
                         "Greedy search over a proximity graph: each graph node links to its neighbours in the graph."),
    "jeg2011product": ("Product Quantization for Nearest Neighbor Search", 2011,
                       "Splits vectors into subvectors, each quantized with a codebook of its own."),
    "mid2015delta": ("Delta Codes", 2015, "Binary codes learned from labels."),
    "new2021alpha": ("Alpha Codes", 2021, "Binary codes for images, with a graph of their labels."),
    "new2022beta": ("Beta Codes", 2022, "Learned codes for text, smoothed over a graph."),
    "new2023gamma": ("Gamma Codes", 2023, "Codes with a graph regulariser."),
    "new2024library": ("The Vector Library", 2024, "A library of product codes and of quantization methods."),
}
GRAPH_NEWEST = ["new2023gamma", "new2022beta", "new2021alpha", "old2009proximity"]


def served_review(folder: Path, papers: dict[str, tuple[str, int, str]], mode: str,
                  authors: dict[str, str] | None = None) -> Iterator[str]:
    """Build a review of these papers, each by Ann Author unless `authors` names others (in one card file and one
    search bundle, or paged: 3 papers a page, in several card files and search bundles) and serve it."""
    root = write_review(folder / "review", TAXONOMY, {
        key: f"---\ntitle: '{title}'\nauthors: {(authors or {}).get(key, 'Ann Author')}\nvenue: CVPR\nyear: {year}\ntags: [Survey]\n"
             f"family: binary\n---\n{summary}\n" for key, (title, year, summary) in papers.items()})
    if mode == "paged":
        (root / "l2h.yml").write_text("list_limit: 3\n", encoding="utf-8")
    with serving(build_in_mode(root, mode), _QuietHandler) as address:
        yield address


@pytest.fixture(scope="module", params=["full", "paged"])
def review_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PAPERS, built and served (see served_review)."""
    yield from served_review(tmp_path_factory.mktemp("best"), PAPERS, request.param)


def is_best_first(keys: list[str]) -> bool:
    """Whether the papers of "graph" are shown best match first: the paper with the word in its title and thrice in its
    summary, then the others (their order is Pagefind's scores', which depend on how the index is split)."""
    return keys[0] == "old2009proximity" and sorted(keys) == sorted(GRAPH_NEWEST)


def shown_in_order(page: Any, query: str, count: int, first: str, total: int = len(PAPERS)) -> list[str]:
    """Keys of the papers the finder shows once it has answered this query and drawn them with `first` first, in the
    page's order (all of them), of a review of `total` papers. A new order is drawn after the status is written (its
    cards or ranks may be fetched)."""
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#finder-status")).to_contain_text(f"Showing {count} of {total} papers matching "
                                                           f"{quoted(query)}.")
    expect(page.locator("#finder-results li.paper-item").first).to_have_attribute("data-key", first)
    return visible_keys(page)


def type_query(page: Any, query: str) -> None:
    """Type a query into the search box, as a reader does."""
    page.get_by_label("Search the papers").click()
    page.keyboard.type(query)


def sort_options(page: Any) -> list[tuple[str, str, bool]]:
    """The sort list's options: (value, label, disabled)."""
    return [tuple(option) for option in page.eval_on_selector_all(
        "#f-sort option", "options => options.map(o => [o.value, o.textContent, o.disabled])")]


def test_a_search_shows_the_best_match_first_and_says_so(page: Any, review_url: str) -> None:
    page.goto(review_url + "papers/")
    expect(page.locator("#f-sort")).to_have_value("year")
    assert ("best", "Best match", True) in sort_options(page)  # not offered without a search
    type_query(page, "graph")
    assert is_best_first(shown_in_order(page, "graph", 4, "old2009proximity"))
    expect(page.locator("#f-sort")).to_have_value("best")
    assert ("best", "Best match", False) in sort_options(page)
    assert page.url.endswith("/papers/?q=graph")  # the default order of a search: no sort in the URL
    page.get_by_label("Search the papers").fill("product quantization")
    assert shown_in_order(page, "product quantization", 2, "jeg2011product") == ["jeg2011product", "new2024library"]


def test_newest_first_chosen_for_a_search_stays_through_back_forward_and_reload(page: Any, review_url: str) -> None:
    page.goto(review_url + "papers/?q=graph")
    assert is_best_first(shown_in_order(page, "graph", 4, "old2009proximity"))
    page.select_option("#f-sort", "year")
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    assert page.url.endswith("/papers/?q=graph&sort=year")
    page.select_option("#f-sort", "title")
    assert shown_in_order(page, "graph", 4, "new2021alpha") == ["new2021alpha", "new2022beta", "new2023gamma", "old2009proximity"]
    page.go_back()
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    expect(page.locator("#f-sort")).to_have_value("year")
    page.go_back()
    assert is_best_first(shown_in_order(page, "graph", 4, "old2009proximity"))
    expect(page.locator("#f-sort")).to_have_value("best")
    page.go_forward()
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    page.reload()
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    expect(page.locator("#f-sort")).to_have_value("year")
    page.select_option("#f-sort", "best")  # chosen back: the default again, which the URL leaves out
    assert is_best_first(shown_in_order(page, "graph", 4, "old2009proximity"))
    assert page.url.endswith("/papers/?q=graph")


def test_clearing_the_query_returns_to_newest_first_without_best_match(page: Any, review_url: str) -> None:
    page.goto(review_url + "papers/?q=graph&sort=year")
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    page.get_by_label("Search the papers").fill("")
    expect(page.locator("#finder-status")).to_have_text(f"Showing all {len(PAPERS)} papers.")
    expect(page.locator("#finder-results li.paper-item").first).to_have_attribute("data-key", "new2024library")
    assert visible_keys(page) == ["new2024library", "new2023gamma", "new2022beta", "new2021alpha", "mid2015delta",
                                  "jeg2011product", "old2009proximity"]
    expect(page.locator("#f-sort")).to_have_value("year")
    assert ("best", "Best match", True) in sort_options(page)
    assert page.url.endswith("/papers/")
    type_query(page, "graph")  # a new search is in best-match order again
    assert is_best_first(shown_in_order(page, "graph", 4, "old2009proximity"))


def test_without_the_search_index_a_search_stays_newest_first(page: Any, review_url: str) -> None:
    """Words matched in the page have no scores: the order is newest first, and "Best match" is not offered."""
    page.route("**/pagefind/pagefind.js", lambda route: route.abort())
    page.goto(review_url + "papers/?q=graph")
    assert shown_in_order(page, "graph", 4, "new2023gamma") == GRAPH_NEWEST
    expect(page.locator("#f-sort")).to_have_value("year")
    assert ("best", "Best match", True) in sort_options(page)
    assert page.url.endswith("/papers/?q=graph")


# A stand-in for Pagefind's module that answers each text with fixed hits, scores, word locations (by default [0]: all
# words at one place, as the parts of a hyphenated word are, so close together) and whether the title matched, by paper
# key (pages the ids file does not know, so found by their addresses), and nothing for any other text.
FAKE_PAGEFIND = """
const answers = %s;
export async function options() {}
export async function mergeIndex() {}
export async function preload() {}
export async function search(text) {
  return { results: (answers[text] || []).map(([key, score, words, title]) => ({
    id: "fake_" + key, score, words: words || [0], matchedMetaFields: title ? ["title"] : [],
    data: async () => ({ url: "/publications/" + key + "/" }) })) };
}
"""


def test_a_paper_s_score_is_its_best_form_s_for_a_word_and_the_sum_of_its_words(page: Any, review_url: str) -> None:
    """Each spelling of "colour" is a search of its own, as is "graph": a paper keeps the best score of its spellings
    and adds up its words'. Taking the first form's score ("new2021alpha" last), adding up the forms' (it first), or a
    paper's best word instead of the sum ("new2023gamma" after "new2022beta") would each order these papers otherwise.
    A phrase's papers are those of its forms, ranked by the scores of its words without quotes (alpha's 7 before
    delta's 3), not by the phrase's own (delta's 9); "new2022beta", which the words did not find, keeps its phrase's
    score (2)."""
    answers = {
        "colour": [["new2021alpha", 1], ["jeg2011product", 7.5], ["mid2015delta", 1], ["new2023gamma", 3]],
        "color": [["new2021alpha", 6], ["new2022beta", 0.5]],
        "graph": [["new2021alpha", 1], ["jeg2011product", 0.1], ["mid2015delta", 2],
                  ["new2023gamma", 3], ["old2009proximity", 9]],
        '"colour graph"': [["mid2015delta", 9], ["new2022beta", 2]],
        '"color graph"': [["mid2015delta", 2], ["new2021alpha", 1]],
    }
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=FAKE_PAGEFIND % json.dumps(answers)))
    page.goto(review_url + "papers/")
    found = page.evaluate("""async ([root, count]) => {
        const find = await window.l2hSearch.open(root, count);
        const words = await find("colour graph"), phrase = await find('"colour graph"');
        return [Array.from(words.numbers), words.keys, Array.from(phrase.numbers), phrase.keys];
    }""", [review_url, len(PAPERS)])
    assert found == [[], ["jeg2011product", "new2021alpha", "new2023gamma", "mid2015delta"],
                     [], ["new2021alpha", "mid2015delta", "new2022beta"]]


def keys_found(page: Any, review_url: str, answers: dict[str, list[list[object]]], query: str) -> list[str]:
    """The keys of the papers that the finder's search finds for a query, in its order, where Pagefind is
    FAKE_PAGEFIND with these answers."""
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=FAKE_PAGEFIND % json.dumps(answers)))
    page.goto(review_url + "papers/")
    keys: list[str] = page.evaluate("""async ([root, count, query]) => {
        const find = await window.l2hSearch.open(root, count);
        return (await find(query)).keys;
    }""", [review_url, len(PAPERS), query])
    return keys


def test_papers_with_the_words_close_together_and_in_order_come_first(page: Any, review_url: str) -> None:
    """Pagefind gives each hit the locations of its words: a paper whose words of the query stand in its order, next
    to each other or with a word or two between them (in one spelling of a word or another), comes before those that
    have them apart or the other way round, whatever their scores; among each, the higher score first."""
    answers = {
        "colour": [["new2021alpha", 1, [3]], ["jeg2011product", 7.5, [4]], ["mid2015delta", 1, [5]],
                   ["new2023gamma", 3, [10]], ["old2009proximity", 1, [1, 30]]],
        "color": [["new2021alpha", 6, [40]], ["new2022beta", 0.5, [2]]],
        "graph": [["new2021alpha", 1, [4]], ["jeg2011product", 0.1, [9]], ["new2022beta", 5, [3]],
                  ["mid2015delta", 2, [3]], ["new2023gamma", 3, [13]], ["old2009proximity", 0.5, [31, 60]]],
    }
    found = keys_found(page, review_url, answers, "colour graph")
    # close: alpha (next to each other; 6 + 1), gamma (two words between; 3 + 3), beta (in "color"; 0.5 + 5),
    # proximity (at 30 and 31; 1 + 0.5); apart: jeg (four words between; 7.5 + 0.1), delta (the other way; 1 + 2)
    assert found == ["new2021alpha", "new2023gamma", "new2022beta", "old2009proximity", "jeg2011product",
                     "mid2015delta"]


def test_papers_whose_title_has_the_words_close_together_come_first(page: Any, review_url: str) -> None:
    """A paper whose title starts with the words of the query, close together and in its order, comes first; then those
    whose title has them so further on; then those that have them so elsewhere (a title is the first text of its page:
    a word's first location is in the title where the title matched); each by score."""
    answers = {
        "spectral": [["new2021alpha", 9, [20]], ["jeg2011product", 1, [2, 20], True], ["mid2015delta", 1, [0], True],
                     ["new2022beta", 1, [1], True], ["old2009proximity", 1, [0, 30], True]],
        "hashing": [["new2021alpha", 9, [21]], ["jeg2011product", 1, [3], True], ["mid2015delta", 1, [1], True],
                    ["new2022beta", 2, [9, 2], True], ["old2009proximity", 1, [5, 31], True]],
    }
    found = keys_found(page, review_url, answers, "spectral hashing")
    # delta: its title starts with them; beta (1 + 2) and jeg (1 + 1): further on in the title; alpha (9 + 9) and
    # proximity (at 30 and 31, its title's at 0 and 5): elsewhere
    assert found == ["mid2015delta", "new2022beta", "jeg2011product", "new2021alpha", "old2009proximity"]


def test_pagefind_s_word_locations_put_a_phrase_before_a_better_scored_page(page: Any, tmp_path: Any) -> None:
    """With a real index: the long page that has "product quantization" comes before the short one that has the two
    words apart, which Pagefind scores higher (a short page's words count for more)."""
    summaries = {
        "near2010long": ("Nearest Neighbour Search at Scale", 2010,
                         ("A system for search in large collections of vectors, with an inverted file over coarse "
                         "centroids and product quantization of the residuals, then a reranking step over the short "
                         "list that the inverted file proposes, measured on a billion vectors against brute force "
                         "and against trees, with a study of memory, speed and recall at many sizes of the lists.")),
        "apart2020short": ("Codes", 2020, "Product codes, then a quantization step."),
    }
    root = write_review(tmp_path / "review", TAXONOMY, {
        key: f"---\ntitle: {title}\nauthors: Ann Author\nvenue: CVPR\nyear: {year}\ntags: [Survey]\n"
             f"family: binary\n---\n{summary}\n" for key, (title, year, summary) in summaries.items()})
    with serving(build_in_mode(root, "full"), _QuietHandler) as address:
        page.goto(address + "papers/")
        scores = page.evaluate("""async () => {
            const pagefind = await import("/pagefind/pagefind.js");
            const scores = {};
            for (const word of ["product", "quantization"]) {
                for (const hit of (await pagefind.search(word)).results) {
                    const key = (await hit.data()).url.split("/").filter(Boolean).pop();
                    scores[key] = (scores[key] || 0) + hit.score;
                }
            }
            return scores;
        }""")
        assert scores["apart2020short"] > scores["near2010long"], scores
        expect(page.locator("#finder")).to_have_attribute("data-count", "2")
        page.fill("#f-q", "product quantization")
        # Both papers have both words, so the page's own matching may show both, in newest-first order, before the
        # search answers ("Searching for “product quantization”…" is then never seen): waited for is the older page
        # first, which only the search's word locations put there.
        expect(page.locator("#finder-results li.paper-item").first).to_have_attribute("data-key", "near2010long")
        expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
        expect(page.locator("#finder-status")).to_have_text("Showing all 2 papers matching \u201cproduct quantization\u201d.")
        assert visible_keys(page) == ["near2010long", "apart2020short"]
        expect(page.locator("#f-sort")).to_have_value("best")


# key: (title, year, summary): the best matches are the oldest papers, so that newest first shows them last.
PHRASE_PAPERS = {
    "wei2008spectral": ("Spectral Hashing", 2008, "Codes from thresholded eigenfunctions of a graph Laplacian."),
    "wei2012multi": ("Multidimensional Spectral Hashing", 2012, "Extends spectral hashing to many dimensions."),
    "liu2014graphs": ("Hashing with Graphs", 2014, "An anchor graph, then codes as in spectral hashing."),
    "kum2016cross": ("Cross-View Codes", 2016, "Codes shared across views, related to spectral hashing."),
    "dat2004pstable": ("Locality-Sensitive Hashing Scheme Based on p-Stable Distributions", 2004,
                       "Random projections whose values follow stable laws."),
    "pau2010compare": ("Locality sensitive hashing: A comparison of hash function types", 2010,
                       "Compares families of hash functions."),
    "fast2015lsh": ("Fast Locality-Sensitive Hashing", 2015, "Builds the tables faster."),
    "new2020beyond": ("Beyond Locality-Sensitive Hashing", 2020, "Data-dependent partitions."),
    "new2022survey": ("Hashing Survey", 2022, "Covers locality-sensitive hashing and its variants at length."),
}


@pytest.fixture(scope="module", params=["full", "paged"])
def phrase_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PHRASE_PAPERS, built and served (see served_review)."""
    yield from served_review(tmp_path_factory.mktemp("phrase"), PHRASE_PAPERS, request.param)


def test_a_phrase_in_quotes_is_in_best_match_order(page: Any, phrase_url: str) -> None:
    """Pagefind scores every page that has a phrase alike and does not say where it has it: the paper whose title is
    the phrase comes first, then the one whose title has it further on, then those that have it in their summaries,
    not newest first ("Spectral Hashing", the oldest, came last)."""
    page.goto(phrase_url + "papers/?q=%22spectral+hashing%22")
    keys = shown_in_order(page, '"spectral hashing"', 4, "wei2008spectral", len(PHRASE_PAPERS))
    # the status names the phrase as one: it was matching “"spectral hashing"”, quotes within quotes
    expect(page.locator("#finder-status")).to_have_text(
        f"Showing 4 of {len(PHRASE_PAPERS)} papers matching the phrase \u201cspectral hashing\u201d.")
    assert keys[:2] == ["wei2008spectral", "wei2012multi"]
    assert sorted(keys[2:]) == ["kum2016cross", "liu2014graphs"]
    expect(page.locator("#f-sort")).to_have_value("best")


@pytest.mark.parametrize("query", ["locality sensitive hashing", '"locality sensitive hashing"'])
def test_a_title_that_starts_with_the_words_hyphenated_comes_first(page: Any, phrase_url: str, query: str) -> None:
    """Pagefind indexes the parts of "Locality-Sensitive" at one location: the titles that start with the words,
    with a hyphen or without, come first; then those that have them further on; then the summary that has them."""
    page.goto(phrase_url + "papers/")
    page.get_by_label("Search the papers").fill(query)
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#finder-status")).to_contain_text(f"Showing 5 of {len(PHRASE_PAPERS)} papers matching "
                                                           f"{quoted(query)}.")
    page.wait_for_function("""() => ["dat2004pstable", "pau2010compare"].includes(
        document.querySelector("#finder-results li.paper-item").dataset.key)""")
    keys = visible_keys(page)
    assert sorted(keys[:2]) == ["dat2004pstable", "pau2010compare"], keys
    assert sorted(keys[2:4]) == ["fast2015lsh", "new2020beyond"], keys
    assert keys[4] == "new2022survey", keys


def test_a_page_with_the_word_itself_comes_before_those_with_only_longer_words(page: Any, review_url: str) -> None:
    """Pagefind matches a word with every word that starts with it: "li" finds "Limits" and "Linear" as well as the
    surname "Li". A page that has the word itself (the word in quotes finds it) comes first, whatever its title or
    score; the others follow in the order they had (title, then score). With several words, the more of them a page
    has themselves, the earlier it comes."""
    answers = {
        "li": [["new2021alpha", 9, [0], True], ["jeg2011product", 1, [7]], ["mid2015delta", 5, [0], True],
               ["new2023gamma", 2, [12]]],
        '"li"': [["jeg2011product", 1, [7]], ["new2023gamma", 2, [12]]],
        "codes": [["new2021alpha", 1, [1], True], ["jeg2011product", 1, [9]], ["mid2015delta", 1, [1], True],
                  ["new2023gamma", 1, [20]]],
        '"codes"': [["new2021alpha", 1, [1], True], ["mid2015delta", 1, [1], True], ["new2023gamma", 1, [20]]],
    }
    # gamma and jeg have "li" itself (gamma scores higher); alpha and delta only "Li..." words, at the start of
    # their titles (alpha scores higher)
    assert keys_found(page, review_url, answers, "li") == ["new2023gamma", "jeg2011product", "new2021alpha",
                                                          "mid2015delta"]
    # gamma has both words themselves; jeg "li" and alpha and delta "codes" (both in their titles: by score); jeg's
    # "codes" is a longer word ("codesign"), as are alpha's and delta's "li"
    assert keys_found(page, review_url, answers, "li codes") == ["new2023gamma", "new2021alpha", "mid2015delta",
                                                                "jeg2011product"]


# key: (title, year, summary): "Li" is a surname of the authors of some (SURNAME_AUTHORS), and the start of a word in
# the titles of others, which lead with it and are newer.
SURNAME_PAPERS = {
    "li2012codes": ("Binary Codes for Retrieval", 2012, "A method for search."),
    "ann2014trees": ("Search Trees", 2014, "A method for search."),
    "ann2020limits": ("Limits of Retrieval", 2020, "A method for search."),
    "ann2021linear": ("Linear Search Trees", 2021, "A method for search."),
    "lim2022codes": ("Codes for Retrieval", 2022, "A method for search."),
}
SURNAME_AUTHORS = {"li2012codes": "Wei Li and Ann Author", "ann2014trees": "Ann Author and Jun Li",
                   "lim2022codes": "Bo Lim"}


@pytest.fixture(scope="module", params=["full", "paged"])
def surname_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SURNAME_PAPERS, built and served (see served_review)."""
    yield from served_review(tmp_path_factory.mktemp("surname"), SURNAME_PAPERS, request.param, SURNAME_AUTHORS)


def test_a_short_surname_finds_its_authors_papers_first(page: Any, surname_url: str) -> None:
    """With a real index: "Li" finds the papers of Wei Li and Jun Li first, before the titles that start with "Limits",
    "Linear" and the surname "Lim", which Pagefind also matches; "li retrieval" the paper of Wei Li with "Retrieval"
    first."""
    page.goto(surname_url + "papers/")
    type_query(page, "Li")
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#finder-status")).to_have_text(f"Showing all 5 papers matching {quoted('Li')}.")
    # the page's own matching may show them newest first before the search answers
    page.wait_for_function("""() => ["li2012codes", "ann2014trees"].includes(
        document.querySelector("#finder-results li.paper-item").dataset.key)""")
    keys = visible_keys(page)
    assert sorted(keys[:2]) == ["ann2014trees", "li2012codes"], keys
    assert sorted(keys[2:]) == ["ann2020limits", "ann2021linear", "lim2022codes"], keys
    page.get_by_label("Search the papers").fill("li retrieval")
    keys = shown_in_order(page, "li retrieval", 3, "li2012codes", len(SURNAME_PAPERS))
    assert sorted(keys[1:]) == ["ann2020limits", "lim2022codes"], keys
