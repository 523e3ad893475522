"""A search that finds no papers because of a misspelt word: "Did you mean …?" with the query corrected.

The words offered are those the page matches locally (titles, authors, venues, tags, facets and, once loaded,
summaries): every paper's of a small review ("full"); a large one's ("paged") only where the search index cannot be
loaded, which the tests of that mode arrange (the status then begins by saying that full-text search is not
available: see said).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from .test_papers_page import visible_keys, wait_count
from .test_search_failures import UNAVAILABLE

SUGGESTION = "#finder-results .finder-suggestion"


def open_finder(page: Any, base_url: str, mode: str, search: str = "") -> None:
    """Open the all-papers page (with ?search), in "paged" mode without the search index: the page then matches words
    in every card and summary itself, which a large review otherwise leaves to the index."""
    if mode == "paged":
        page.route("**/static/search-worker.js", lambda route: route.abort())
        page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(base_url + "papers/" + search)
    expect(page.locator("#finder")).to_be_visible()


def said(indexed: bool, status: str) -> str:
    """The status of a search, which says first that full-text search is not available where the index was not
    loaded (in "paged" mode: see open_finder)."""
    return status if indexed else f"{UNAVAILABLE} {status}"


def test_a_misspelt_word_is_corrected_and_the_suggestion_searches(page: Any, base_url: str, mode: str) -> None:
    """The status says it with "No papers match"; the suggestion is a link that the keyboard reaches, and following it
    searches, as a step of the history that Back undoes."""
    open_finder(page, base_url, mode)
    page.fill("#f-q", "spectral hashign")
    wait_count(page, 0)
    status = page.locator("#finder-status")
    expect(status).to_have_text(said(mode != "paged", "No papers match \u201cspectral hashign\u201d. Did you mean \u201cspectral hashing\u201d?"))
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201cspectral hashing\u201d?")
    link = page.get_by_role("link", name="\u201cspectral hashing\u201d")
    assert link.get_attribute("href") == "/papers/?q=spectral+hashing"
    page.keyboard.press("Enter")  # the query committed: a step of the history
    before = page.url
    assert before.endswith("papers/?q=spectral+hashign")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    wait_count(page, 1)
    expect(page.locator("#f-q")).to_have_value("spectral hashing")
    assert visible_keys(page) == ["weiss2008spectral"]
    expect(status).to_have_text(said(mode != "paged", "Showing 1 of 8 papers matching \u201cspectral hashing\u201d."))
    assert page.url.endswith("papers/?q=spectral+hashing")
    expect(page.locator(SUGGESTION)).to_have_count(0)
    expect(page.locator("#finder-results a.paper-title").first).to_be_focused()
    page.go_back()
    wait_count(page, 0)
    assert page.url == before
    expect(page.locator("#f-q")).to_have_value("spectral hashign")
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201cspectral hashing\u201d?")


@pytest.mark.parametrize(("query", "suggested"), [
    ("quantisaton", "quantisation"),  # 11 letters: up to 2 edits away
    ("Spectral Hashign", "Spectral hashing"),  # the other words stay as typed
    ("supervsied hashing", "supervised hashing"),  # "unsupervised" is 3 edits away
    ("Jegoo", "jégou"),  # shown as the papers write it ("Hervé Jégou"), though compared folded
])
def test_the_closest_word_is_suggested(page: Any, base_url: str, mode: str, query: str, suggested: str) -> None:
    """Following the suggestion shows the papers that typing the corrected query shows."""
    open_finder(page, base_url, mode, "?q=" + quote_plus(suggested))
    assert_suggestion_shows_typed(page, base_url, mode != "paged", query, suggested)


def assert_suggestion_shows_typed(page: Any, base_url: str, indexed: bool, query: str, suggested: str) -> None:
    """With the page open at ?q=<suggested>: typing query suggests `suggested`, and following the suggestion shows the
    papers shown now (indexed: whether the page has loaded the search index, see said)."""
    expect(page.locator("#finder-status")).to_contain_text(f"matching \u201c{suggested}\u201d.")
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    typed = sorted(visible_keys(page))
    assert typed
    page.goto(base_url + "papers/")
    page.fill("#f-q", query)
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text(
        said(indexed, f"No papers match \u201c{query}\u201d. Did you mean \u201c{suggested}\u201d?"))
    page.get_by_role("link", name=f"\u201c{suggested}\u201d").click()
    wait_count(page, len(typed))
    expect(page.locator("#f-q")).to_have_value(suggested)
    assert sorted(visible_keys(page)) == typed


@pytest.mark.parametrize(("search", "status"), [
    ("?q=zzyzx+quixotic", "No papers match \u201czzyzx quixotic\u201d."),  # no word of the papers is close
    ("?q=hazz", "No papers match \u201chazz\u201d."),  # "hash" is 2 edits away: a word of 4 letters is allowed 1
    ("?q=hsh", "No papers match \u201chsh\u201d."),  # 3 letters or less: never corrected
    # "kernels" is a word of the papers, but none has "spectral" too: the suggestion would find nothing either
    ("?q=spectral+kernls", "No papers match \u201cspectral kernls\u201d."),
    # nor would "hashing" with these filters
    ("?q=hashign&tag=Cross-Modal&venue=TPAMI", ("No papers match \u201chashign\u201d with these filters. Removing "
                                                "the search or any one filter alone would still show none.")),
    # every word is in some paper: the words are right, the filters leave none
    ("?q=spectral&tag=Deep+Learning", "No papers match \u201cspectral\u201d with these filters."),
])
def test_nothing_is_suggested_where_no_correction_would_find_papers(page: Any, base_url: str, mode: str, search: str,
                                                                    status: str) -> None:
    open_finder(page, base_url, mode, search)
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text(said(mode != "paged", status))
    expect(page.locator("#finder-results .finder-empty")).to_be_visible()
    expect(page.locator(SUGGESTION)).to_have_count(0)
    # The same page does suggest, for a word one edit from a word of the papers: nothing above was left out by chance.
    page.goto(base_url + "papers/?q=hashign")
    wait_count(page, 0)
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201chashing\u201d?")


def test_a_query_spelt_right_is_not_corrected(page: Any, base_url: str, mode: str) -> None:
    """The suggestion for a misspelt query goes once the reader types the word right."""
    open_finder(page, base_url, mode, "?q=spectral+hashign")
    wait_count(page, 0)
    expect(page.locator(SUGGESTION)).to_have_text("Did you mean \u201cspectral hashing\u201d?")
    page.fill("#f-q", "spectral hashing")
    wait_count(page, 1)
    expect(page.locator("#finder-status")).to_have_text(said(mode != "paged", "Showing 1 of 8 papers matching \u201cspectral hashing\u201d."))
    expect(page.locator(SUGGESTION)).to_have_count(0)
    expect(page.get_by_text("Did you mean")).to_have_count(0)
