"""The all-papers page's steps in the browser's history: each view the reader settled on is one step, which Back and
Forward walk exactly (no step per keystroke, no step that looks like the one before it), and a reload keeps."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .test_papers_page import ALL, scroll_past_show_more, tag_box, visible_keys, wait_count


def steps(page: Any) -> int:
    """The number of entries in the tab's history."""
    return int(page.evaluate("history.length"))


def step(page: Any, move: str, count: int, query: str) -> None:
    """Go Back or Forward one step; wait for its view of `count` papers with this query in the box."""
    if move == "back":
        page.go_back()
    else:
        page.go_forward()
    wait_count(page, count)
    expect(page.locator("#f-q")).to_have_value(query)


def test_a_search_typed_and_cleared_is_one_step_back(page: Any, base_url: str) -> None:
    """Typed and then emptied, a search was a view of its own: Back from the emptied box brings it back at once (not a
    step that looks the same as the list shown), Back again the list before it, and Forward walks them again."""
    page.goto(base_url)
    page.get_by_role("link", name="Browse all papers").click()
    wait_count(page, ALL)
    page.get_by_label("Search the papers").click()
    page.keyboard.type("spectral")
    wait_count(page, 1)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    wait_count(page, ALL)
    assert page.url.endswith("/papers/")

    step(page, "back", 1, "spectral")
    assert visible_keys(page) == ["weiss2008spectral"]
    step(page, "back", ALL, "")
    page.go_back()
    expect(page.get_by_role("link", name="Browse all papers")).to_be_visible()  # the home page
    step(page, "forward", ALL, "")
    step(page, "forward", 1, "spectral")
    step(page, "forward", ALL, "")


def test_a_search_deleted_letter_by_letter_keeps_what_was_typed(page: Any, base_url: str) -> None:
    """Deleting a search a letter at a time is one change, as typing it was: Back brings the whole search back, not
    its first letter; and a new search typed into the emptied box replaces the empty view rather than adding to it."""
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    page.get_by_label("Search the papers").click()
    page.keyboard.type("spectral")
    wait_count(page, 1)
    for _ in "spectral":
        page.keyboard.press("Backspace")
    wait_count(page, ALL)
    page.keyboard.type("product")
    wait_count(page, 2)
    assert page.url.endswith("/papers/?q=product")
    before = steps(page)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    wait_count(page, ALL)
    assert steps(page) == before + 1

    step(page, "back", 2, "product")
    step(page, "back", 1, "spectral")
    step(page, "back", ALL, "")
    assert page.url.endswith("/papers/")


def test_a_year_typed_and_cleared_is_one_step_back(page: Any, base_url: str) -> None:
    page.goto(base_url + "papers/?tag=Deep+Learning")
    wait_count(page, 4)
    page.locator("#f-from").click()
    page.keyboard.type("2018")
    wait_count(page, 1)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    wait_count(page, 4)
    step(page, "back", 1, "")
    expect(page.locator("#f-from")).to_have_value("2018")
    expect(tag_box(page, "Deep Learning")).to_be_checked()
    step(page, "back", 4, "")
    expect(page.locator("#f-from")).to_have_value("")


def test_back_and_forward_walk_search_filters_and_sort_one_choice_at_a_time(page: Any, base_url: str) -> None:
    """A tag, a sort, a search committed and a facet: four choices, four steps, which Back undoes one by one and
    Forward makes again, each view with its controls, its papers and its order."""
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    start = steps(page)
    tag_box(page, "Deep Learning").check()
    wait_count(page, 4)
    page.select_option("#f-sort", "title")
    page.get_by_label("Search the papers").click()
    page.keyboard.type("hashing")
    page.keyboard.press("Enter")
    wait_count(page, 4)
    page.select_option("#f-facet-family", "supervised")
    wait_count(page, 2)
    assert steps(page) == start + 4
    views = [
        ("", "", "year", ALL, None),
        ("", "", "year", 4, ["shen2018unsupervised", "cao2017hashnet", "chaidaroon2017variational", "jiang2017deep"]),
        ("", "", "title", 4, ["jiang2017deep", "cao2017hashnet", "shen2018unsupervised", "chaidaroon2017variational"]),
        ("hashing", "", "title", 4, ["jiang2017deep", "cao2017hashnet", "shen2018unsupervised",
                                     "chaidaroon2017variational"]),
        ("hashing", "supervised", "title", 2, ["jiang2017deep", "cao2017hashnet"]),
    ]

    def shows(view: tuple[str, str, str, int, list[str] | None]) -> None:
        q, family, sort, count, keys = view
        wait_count(page, count)
        expect(page.locator("#f-q")).to_have_value(q)
        expect(page.locator("#f-facet-family")).to_have_value(family)
        expect(page.locator("#f-sort")).to_have_value(sort)
        if count < ALL:
            expect(tag_box(page, "Deep Learning")).to_be_checked()
        if keys is not None:
            assert visible_keys(page) == keys

    for view in reversed(views[:-1]):
        page.go_back()
        shows(view)
    for view in views[1:]:
        page.go_forward()
        shows(view)
    page.reload()
    shows(views[-1])


def test_back_from_a_search_brings_the_list_back_as_long_and_where_it_was(page: Any, base_url: str, mode: str) -> None:
    """The list the reader left for a search comes back with its "Show more" clicks and its place."""
    if mode != "paged":
        pytest.skip("a small review lists all 8 papers at once: there is no 'Show more'")
    items, link = scroll_past_show_more(page, base_url + "papers/", ALL, 6, 4)
    page.wait_for_timeout(300)  # the place is kept once the scrolling stops
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.evaluate("document.getElementById('f-q').focus({preventScroll: true})")
    page.keyboard.type("spectral")
    wait_count(page, 1)
    page.go_back()
    wait_count(page, ALL)
    expect(items).to_have_count(6)
    # The search's status took two lines, the list's takes one: the place is compared once it is written, and once the
    # page has grown long enough for the place the browser remembers (which it no longer restores over the finder's).
    expect(page.locator("#finder-status")).to_have_text(f"Showing all {ALL} papers.")
    page.wait_for_timeout(300)
    expect(link).to_be_in_viewport()
    assert abs(page.evaluate("window.scrollY") - scrolled) <= 1
    page.go_forward()
    wait_count(page, 1)
    expect(page.locator("#f-q")).to_have_value("spectral")


CHOOSE = """orders => {
    const select = document.getElementById("f-sort");
    for (const order of orders) {
        select.value = order;
        select.dispatchEvent(new Event("change", {bubbles: true}));
    }
}"""


def sort_by(page: Any, order: str, count: int) -> None:
    """Choose an order as the reader would with the keyboard or the mouse, without scrolling the page to the list."""
    page.evaluate(CHOOSE, [order])
    expect(page.locator("#finder-results li.paper-item").first).to_be_attached()
    wait_count(page, count)


def scroll_to(page: Any, y: int) -> None:
    """Scroll the window and wait until the place is kept (once the scrolling stops)."""
    page.evaluate("y => window.scrollTo(0, y)", y)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == y


def step_to_order(page: Any, move: str, order: str, y: int) -> None:
    """Go Back or Forward one step to the view of all papers in this order; check that the window is at y."""
    step(page, move, ALL, "")
    expect(page.locator("#f-sort")).to_have_value(order)
    page.wait_for_timeout(300)  # anything that would still move the window
    assert abs(page.evaluate("window.scrollY") - y) <= 1


def test_back_to_a_view_not_scrolled_in_comes_back_where_it_was_left(page: Any, base_url: str) -> None:
    """A view the reader only looked at (no scroll of their own) is left where its step began: Back to it comes back
    there, not where the view after it was scrolled to."""
    page.set_viewport_size({"width": 390, "height": 500})
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    scroll_to(page, 200)
    sort_by(page, "title", ALL)
    sort_by(page, "venue", ALL)
    scroll_to(page, 0)
    step_to_order(page, "back", "title", 200)
    step_to_order(page, "forward", "venue", 0)


def test_a_view_left_while_its_scroll_settles_keeps_where_it_was_left(page: Any, base_url: str) -> None:
    """A view's place is kept once the scrolling stops: a view left for another before then (the order changed from the
    keyboard the moment the reader stops) keeps where it was left, and the new view does not take that place."""
    page.set_viewport_size({"width": 390, "height": 500})
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    page.wait_for_timeout(300)  # the place of the view as drawn is kept
    page.evaluate("window.scrollTo(0, 300)")
    page.evaluate(CHOOSE, ["title"])  # before the scroll has stopped for 150 ms
    expect(page.locator("#f-sort")).to_have_value("title")
    wait_count(page, ALL)
    scroll_to(page, 0)
    step_to_order(page, "back", "year", 300)
    step_to_order(page, "forward", "title", 0)


def test_a_view_left_before_it_is_drawn_keeps_where_it_was_left(page: Any, base_url: str) -> None:
    """A view left before its papers are drawn keeps the place the reader left it at, measured from the top of the
    list, which is where it is whatever the list's first line (a year's heading in one order, a paper in another)."""
    page.set_viewport_size({"width": 390, "height": 500})
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    scroll_to(page, 200)
    page.evaluate(CHOOSE, ["title", "venue"])  # in one task: the view by title is left before it is drawn
    expect(page.locator("#f-sort")).to_have_value("venue")
    wait_count(page, ALL)
    scroll_to(page, 0)
    step_to_order(page, "back", "title", 200)


def screen_top(link: Any) -> float:
    """Where a link is in the window, from its top."""
    return float(link.evaluate("a => a.getBoundingClientRect().top"))


def test_back_from_a_paper_brings_a_search_with_filters_and_sort_back_where_it_was(page: Any, base_url: str,
                                                                                   mode: str) -> None:
    """The status under the search box is written a moment after the papers are drawn, and may take two lines where
    the page came with one: the reader's place is kept from the list, not from the top of the page."""
    if mode != "paged":
        pytest.skip("a small review lists all 8 papers at once: there is no 'Show more'")
    items, link = scroll_past_show_more(page, base_url + "papers/?q=hashing&modality=image&sort=title", 5, 5, 3)
    shown, at = visible_keys(page), screen_top(link)
    link.click()
    page.wait_for_url("**/publications/**")
    page.go_back()
    wait_count(page, 5)
    expect(items).to_have_count(5)
    assert visible_keys(page) == shown
    expect(page.locator("#f-q")).to_have_value("hashing")
    expect(page.locator("#f-facet-modality")).to_have_value("image")
    expect(page.locator("#f-sort")).to_have_value("title")
    assert abs(screen_top(link) - at) <= 1  # the scroll is in whole pixels: a return may move the page by one
    expect(page.locator("#finder-status")).to_contain_text("Showing 5 of 8 papers")
    at = screen_top(link)
    page.reload()
    wait_count(page, 5)
    expect(items).to_have_count(5)
    assert abs(screen_top(link) - at) <= 1


def test_back_from_a_paper_past_the_open_topic_map_comes_back_to_the_paper(page: Any, base_url: str,
                                                                           mode: str) -> None:
    """A reader who opened the topic map and scrolled past it finds it closed on coming back, and the list higher up
    the page: the place is kept from the list, so the paper left is where it was in the window."""
    if mode != "paged":
        pytest.skip("a small review lists all 8 papers at once: there is no 'Show more'")
    items, link = scroll_past_show_more(page, base_url + "papers/?sort=title", ALL, 6, 4)
    page.locator("#finder-map summary").click()
    expect(page.locator("#finder-map a.map-point").first).to_be_visible()
    link.scroll_into_view_if_needed()
    at = screen_top(link)
    link.click()
    page.wait_for_url("**/publications/**")
    page.go_back()
    expect(items).to_have_count(6)
    expect(page.locator("#finder-map")).not_to_have_attribute("open", "")
    assert abs(screen_top(link) - at) <= 1


def test_a_list_changed_with_the_arrow_keys_is_one_step(page: Any, base_url: str) -> None:
    """Chromium changes a list at each arrow key: the venue the reader leaves the list on is one step, not each venue
    passed on the way; a list left on the option it had adds none; and the URL follows each option meanwhile."""
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    before = steps(page)
    venue = page.locator("#f-venue")
    venue.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    wait_count(page, 1)
    expect(venue).to_have_value("NeurIPS")
    assert page.url.endswith("/papers/?venue=NeurIPS")
    page.keyboard.press("Tab")
    page.locator("#f-sort").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    assert steps(page) == before + 1

    page.go_back()
    wait_count(page, ALL)
    expect(venue).to_have_value("")
    page.go_forward()
    wait_count(page, 1)
    expect(venue).to_have_value("NeurIPS")
    expect(page.locator("#f-sort")).to_have_value("year")
