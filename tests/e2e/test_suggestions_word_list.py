""""Did you mean …?" in a review whose papers' text the page does not hold: from the build's word list.

The review is the e2e one built as a large review is ("paged": card files of 3 papers, so that the page matches no
words itself and every search goes through Pagefind). The page fetches papers/finder-words.json only when a search
finds nothing, and checks the corrected query through Pagefind, as a query typed is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from .conftest import _QuietHandler, build_in_mode, make_review, serving
from .test_papers_page import visible_keys, wait_count
from .test_suggestions import assert_suggestion_shows_typed

SUGGESTION = "#finder-results .finder-suggestion"
WORDS = "papers/finder-words.json"


@pytest.fixture(scope="module")
def large_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the e2e review as a large one (see the module's docstring) and serve it; yield its address."""
    root = make_review(tmp_path_factory.mktemp("words") / "review")
    (root / "l2h.yml").write_text("list_limit: 3\n", encoding="utf-8")
    with serving(build_in_mode(root, "paged"), _QuietHandler) as address:
        yield address


def watch(page: Any, base_url: str) -> list[str]:
    """Record the addresses that the page requests, relative to the site."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.removeprefix(base_url)))
    return requested


def test_a_misspelt_word_is_corrected_from_the_word_list(page: Any, large_url: str) -> None:
    """The list is fetched once a search finds nothing (not before), the suggestion is searched through Pagefind, and
    following it shows the paper; the page never loads the summaries to find it."""
    requested = watch(page, large_url)
    page.goto(large_url + "papers/")
    page.fill("#f-q", "spectral hashing")
    wait_count(page, 1)
    assert WORDS not in requested  # a search that finds papers needs no word list
    page.fill("#f-q", "spectral hashign")
    wait_count(page, 0)
    status = page.locator("#finder-status")
    expect(status).to_have_text("No papers match \u201cspectral hashign\u201d. Did you mean \u201cspectral hashing\u201d?")
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201cspectral hashing\u201d?")
    link = page.get_by_role("link", name="\u201cspectral hashing\u201d")
    assert link.get_attribute("href") == "/papers/?q=spectral+hashing"
    link.click()
    wait_count(page, 1)
    expect(page.locator("#f-q")).to_have_value("spectral hashing")
    assert visible_keys(page) == ["weiss2008spectral"]
    expect(status).to_have_text("Showing 1 of 8 papers matching \u201cspectral hashing\u201d.")
    page.fill("#f-q", "deep hashign")
    wait_count(page, 0)
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201cdeep hashing\u201d?")
    assert requested.count(WORDS) == 1  # fetched once
    assert "papers.json" not in requested  # no summaries held here: the words came from the list
    assert any(url.startswith("pagefind/") for url in requested)  # the search index: its worker's, or the page's


@pytest.mark.parametrize(("query", "suggested"), [
    ("quantisaton", "quantisation"),  # 11 letters: up to 2 edits away
    ("Spectral Hashign", "Spectral hashing"),  # the other words stay as typed
    ("supervsied hashing", "supervised hashing"),  # "unsupervised" is 3 edits away
    ("eigenfuntions", "eigenfunctions"),  # a word of a summary alone
    ("Jegoo", "jégou"),  # shown as the papers write it ("Hervé Jégou"), though compared folded
])
def test_the_closest_word_of_the_list_is_suggested(page: Any, large_url: str, query: str, suggested: str) -> None:
    """Following the suggestion shows the papers that typing the corrected query shows."""
    page.goto(large_url + "papers/?q=" + quote_plus(suggested))
    assert_suggestion_shows_typed(page, large_url, True, query, suggested)


@pytest.mark.parametrize(("search", "status"), [
    ("?q=zzyzx+quixotic", "No papers match \u201czzyzx quixotic\u201d."),  # no word of the list is close
    ("?q=hazz", "No papers match \u201chazz\u201d."),  # "hash" is 2 edits away: a word of 4 letters is allowed 1
    # "kernels" is in the list, but Pagefind finds no paper with "spectral" too
    ("?q=spectral+kernls", "No papers match \u201cspectral kernls\u201d."),
    # nor any with "hashing" that these filters let through
    ("?q=hashign&tag=Cross-Modal&venue=TPAMI", ("No papers match \u201chashign\u201d with these filters. Removing "
                                                "the search or any one filter alone would still show none.")),
])
def test_nothing_is_suggested_where_the_search_finds_no_papers_for_it(page: Any, large_url: str, search: str,
                                                                      status: str) -> None:
    requested = watch(page, large_url)
    page.goto(large_url + "papers/" + search)
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text(status)
    expect(page.locator(SUGGESTION)).to_have_count(0)
    assert WORDS in requested
    # The same page does suggest, for a word one edit from a word of the list: nothing above was left out by chance.
    page.goto(large_url + "papers/?q=hashign")
    wait_count(page, 0)
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201chashing\u201d?")


@pytest.mark.parametrize("failure", ["missing", "unreachable", "not JSON"])
def test_without_the_word_list_nothing_is_suggested_and_the_page_works(page: Any, large_url: str, failure: str) -> None:
    """A list that is missing (an older build's site), cannot be fetched or cannot be read: "No papers match", and
    nothing else; the next search works, and the list is asked for again by the next search that finds nothing."""
    requested = watch(page, large_url)
    if failure == "missing":
        page.route("**/" + WORDS, lambda route: route.fulfill(status=404, body="Not found"))
    elif failure == "unreachable":
        page.route("**/" + WORDS, lambda route: route.abort())
    else:
        page.route("**/" + WORDS, lambda route: route.fulfill(status=200, content_type="application/json",
                                                              body='{"version": 1, "words": [[1, '))
    page.goto(large_url + "papers/")
    page.fill("#f-q", "spectral hashign")
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text("No papers match \u201cspectral hashign\u201d.")
    expect(page.locator("#finder-results .finder-empty")).to_be_visible()
    expect(page.locator(SUGGESTION)).to_have_count(0)
    assert requested.count(WORDS) == 1
    page.fill("#f-q", "spectral hashing")
    wait_count(page, 1)
    assert visible_keys(page) == ["weiss2008spectral"]
    page.fill("#f-q", "deep hashign")
    wait_count(page, 0)
    expect(page.locator(SUGGESTION)).to_have_count(0)
    assert requested.count(WORDS) == 2
