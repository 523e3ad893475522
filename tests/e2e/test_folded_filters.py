"""The all-papers page on a phone: its filters fold behind a summary that counts those chosen, so that the search, its
count and the first papers are on the first screen (before, the first paper of this repository's review was 1,730 px
down, two screens); at a desktop's width the filters are open as before, with no summary. Unfolded by the reader, they
stay so within the tab (a reload, Back from a paper, a turn to a desktop's width and back), as the reader's place does;
a new tab or a link followed finds them folded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from l2h_site.build import build

from .conftest import REPO, PagesHandler, build_in_mode, make_review, serving, throttled
from .test_history import screen_top
from .test_papers_page import ALL, tag_box, visible_keys, wait_count
from .test_suggestions import open_finder

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SUMMARY = "#finder-fold > summary"


@pytest.fixture(scope="module")
def review_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build and serve this repository's review: a real review's page, its papers over thirty years, five facets."""
    out = tmp_path_factory.mktemp("folded") / "site"
    result = build(REPO, out_dir=out, use_cache=False)
    assert result.written, [d.message for d in result.diagnostics]
    with serving(out, PagesHandler) as url:
        yield url


def expanded(page: Any) -> bool | None:
    """Whether the filters' summary is expanded in Chromium's accessibility tree, as a screen reader is told."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": SUMMARY})["nodeId"]
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
    finally:
        cdp.detach()
    states = {state["name"]: state["value"]["value"] for state in ax.get("properties", [])}
    return states.get("expanded")


def assert_folded(page: Any, text: str) -> None:
    """The filters are folded behind their summary, which reads `text`, and a screen reader is told so."""
    expect(page.locator(SUMMARY)).to_have_text(text)
    expect(page.locator("#f-facet-family")).to_be_hidden()
    assert page.evaluate("document.getElementById('finder-fold').open") is False
    assert expanded(page) is False


def assert_unfolded(page: Any, text: str) -> None:
    """The filters are shown below their summary, which reads `text`, and a screen reader is told so."""
    expect(page.locator(SUMMARY)).to_have_text(text)
    expect(page.locator("#f-facet-family")).to_be_visible()
    assert expanded(page) is True


def test_on_a_phone_the_search_its_count_and_the_first_paper_are_on_the_first_screen(browser: Any,
                                                                                      review_url: str) -> None:
    """This repository's review at 390 x 844: the filters folded behind a summary (a tap target of 44 px or more),
    the years on one line, the first paper begins on the first screen."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = throttled(context.new_page())
        page.goto(review_url + "papers/")
        expect(page.locator("#finder-status")).to_have_text(re.compile(r"^Showing all \d+ papers\.$"))
        assert_folded(page, "Filters")
        first = page.locator("#finder-results a.paper-title").first
        for shown in (page.locator("#f-q"), page.locator("#finder-status"), page.locator(SUMMARY)):
            expect(shown).to_be_in_viewport(ratio=1)
        expect(first).to_be_in_viewport()  # its first lines: the newest paper's title has five on a phone
        top = first.evaluate("el => el.closest('li').getBoundingClientRect().top + scrollY")
        assert top < PHONE["height"], top
        box = page.locator(SUMMARY).bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    finally:
        context.close()


def test_a_link_with_filters_shows_their_count_and_a_change_updates_it(page: Any, base_url: str) -> None:
    """Two filters in the link: "Filters (2)" on the folded summary. Unfolded, each change counts (a tag, a facet
    each; the order, not a filter, is named); folded again, the filters keep applying, and a reload keeps it all."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/?tag=Deep+Learning&family=supervised")
    wait_count(page, 2)
    assert_folded(page, "Filters (2)")
    page.locator(SUMMARY).click()
    assert_unfolded(page, "Filters (2)")
    page.select_option("#f-facet-modality", "text")
    wait_count(page, 1)
    expect(page.locator(SUMMARY)).to_have_text("Filters (3)")
    tag_box(page, "Deep Learning").uncheck()
    expect(page.locator(SUMMARY)).to_have_text("Filters (2)")
    page.select_option("#f-sort", "title")
    expect(page.locator(SUMMARY)).to_have_text("Filters (2) \u00b7 sorted by title")
    page.locator(SUMMARY).click()
    assert_folded(page, "Filters (2) \u00b7 sorted by title")
    wait_count(page, 1)
    assert visible_keys(page) == ["jiang2017deep"]
    page.reload()
    wait_count(page, 1)
    assert_folded(page, "Filters (2) \u00b7 sorted by title")
    page.goto(base_url + "papers/?from=2011&to=2012&venue=CVPR&sort=oldest")  # the years count once, as the venue
    wait_count(page, 2)
    expect(page.locator(SUMMARY)).to_have_text("Filters (2) \u00b7 sorted by year, oldest first")


def test_the_summary_opens_by_keyboard_and_its_filters_work(page: Any, base_url: str) -> None:
    """Tab from the search reaches the summary, in its focus outline; Enter unfolds the filters, the next Tab reaches
    the first, whose arrow keys filter; Space folds them again, the filter still applied."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    page.locator("#f-q").focus()
    page.keyboard.press("Tab")
    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    assert summary.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert_unfolded(page, "Filters")
    page.keyboard.press("Tab")
    expect(page.locator("#f-facet-family")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-facet-family")).to_have_value("unsupervised")
    wait_count(page, 4)
    expect(summary).to_have_text("Filters (1)")
    page.keyboard.press("Shift+Tab")
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    assert_folded(page, "Filters (1)")
    wait_count(page, 4)
    assert page.url.endswith("papers/?family=unsupervised")


def test_the_ways_out_of_no_papers_work_with_the_filters_folded(page: Any, base_url: str, mode: str) -> None:
    """The empty view's buttons remove a folded filter, and its "Did you mean" searches within the folded filters;
    the summary's count follows, the filters stay folded."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/?tag=Cross-Modal&family=quantisation")
    wait_count(page, 0)
    assert_folded(page, "Filters (2)")
    page.get_by_role("button", name=re.compile("^Remove tag \u201cCross-Modal\u201d")).click()
    wait_count(page, 1)
    assert visible_keys(page) == ["jegou2011product"]
    assert_folded(page, "Filters (1)")
    open_finder(page, base_url, mode, "?family=unsupervised&q=spectral+hashign")
    wait_count(page, 0)
    page.get_by_role("link", name="\u201cspectral hashing\u201d").click()
    wait_count(page, 1)
    assert visible_keys(page) == ["weiss2008spectral"]
    assert_folded(page, "Filters (1)")


def test_at_a_desktops_width_the_filters_are_open_without_a_summary(page: Any, base_url: str) -> None:
    """At 1280 px no summary, the filters open, and Tab goes from the search to the first filter; turned to a phone's
    width they fold, and back they open again (no summary there to open them with)."""
    page.set_viewport_size(DESKTOP)
    page.goto(base_url + "papers/?family=supervised")
    wait_count(page, 3)
    expect(page.locator(SUMMARY)).to_be_hidden()
    expect(page.locator("#f-facet-family")).to_be_visible()
    expect(page.get_by_role("button", name="Clear all")).to_be_visible()
    page.locator("#f-q").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#f-facet-family")).to_be_focused()
    page.locator("#f-q").focus()
    page.set_viewport_size(PHONE)
    assert_folded(page, "Filters (1)")
    page.set_viewport_size(DESKTOP)
    expect(page.locator(SUMMARY)).to_be_hidden()
    expect(page.locator("#f-facet-family")).to_be_visible()
    wait_count(page, 3)


def settle(page: Any) -> None:
    """Wait two frames: the browser has told the page of a change of size (its events come before a frame's drawing)."""
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_filters_unfolded_stay_so_after_a_reload_and_back_from_a_paper(page: Any, base_url: str) -> None:
    """Unfolded, the filters are unfolded on coming Back from a paper, which is where it was in the window (the place
    is kept from the list, below the filters), and after a reload; folded again, they stay folded the same ways."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/?family=supervised")
    wait_count(page, 3)
    page.locator(SUMMARY).click()
    link = page.locator("#finder-results a.paper-title").last
    for shows in (assert_unfolded, assert_folded):
        link.scroll_into_view_if_needed()
        at = screen_top(link)
        link.click()
        page.wait_for_url("**/publications/**")
        page.go_back()
        wait_count(page, 3)
        shows(page, "Filters (1)")
        assert abs(screen_top(link) - at) <= 1
        page.reload()
        wait_count(page, 3)
        shows(page, "Filters (1)")
        page.locator(SUMMARY).click()


def test_a_new_tab_and_a_link_followed_find_the_filters_folded(page: Any, base_url: str) -> None:
    """The unfolded filters are this tab's step: the same address in a new tab, or the page reached again by a link,
    finds them folded; Back to the step left finds them unfolded."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/?family=supervised")
    wait_count(page, 3)
    page.locator(SUMMARY).click()
    assert_unfolded(page, "Filters (1)")
    tab = throttled(page.context.new_page())
    tab.set_viewport_size(PHONE)
    tab.goto(page.url)
    wait_count(tab, 3)
    assert_folded(tab, "Filters (1)")
    tab.close()
    page.goto(base_url)
    page.get_by_role("link", name="Browse all papers").click()
    wait_count(page, ALL)
    assert_folded(page, "Filters")
    page.go_back()
    expect(page.get_by_role("link", name="Browse all papers")).to_be_visible()  # the home page
    page.go_back()
    wait_count(page, 3)
    assert_unfolded(page, "Filters (1)")


def test_back_and_forward_between_views_leave_the_filters_as_they_are(page: Any, base_url: str) -> None:
    """Back and Forward change the view, not the fold, and a reload then keeps the fold the reader sees: unfolded for
    a filter, folded again, Back finds them folded, also after a reload; unfolded, Forward and a reload keep them."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/")
    wait_count(page, ALL)
    page.locator(SUMMARY).click()
    page.select_option("#f-facet-family", "supervised")
    wait_count(page, 3)
    page.locator(SUMMARY).click()
    assert_folded(page, "Filters (1)")
    page.go_back()
    wait_count(page, ALL)
    assert_folded(page, "Filters")
    page.reload()
    wait_count(page, ALL)
    assert_folded(page, "Filters")
    page.locator(SUMMARY).click()
    page.go_forward()
    wait_count(page, 3)
    assert_unfolded(page, "Filters (1)")
    page.reload()
    wait_count(page, 3)
    assert_unfolded(page, "Filters (1)")


def test_filters_unfolded_on_a_phone_are_unfolded_again_after_a_desktops_width(page: Any, base_url: str) -> None:
    """Turned to a desktop's width (open, with no summary) and back, the filters are as the reader left them on the
    phone: unfolded, and after a reload at the desktop's width too."""
    page.set_viewport_size(PHONE)
    page.goto(base_url + "papers/?family=supervised")
    wait_count(page, 3)
    page.locator(SUMMARY).click()
    assert_unfolded(page, "Filters (1)")
    page.set_viewport_size(DESKTOP)
    settle(page)
    expect(page.locator(SUMMARY)).to_be_hidden()
    page.set_viewport_size(PHONE)
    settle(page)
    assert_unfolded(page, "Filters (1)")
    page.set_viewport_size(DESKTOP)
    page.reload()
    wait_count(page, 3)
    page.set_viewport_size(PHONE)
    settle(page)
    assert_unfolded(page, "Filters (1)")


@pytest.fixture(scope="module")
def wider_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build and serve the e2e review with its style sheet's phone width moved from 640 px to 800 px, as a review may
    change its own static/style.css."""
    root = make_review(tmp_path_factory.mktemp("wider") / "review")
    css = root / "static" / "style.css"
    text = css.read_text(encoding="utf-8")
    assert text.count("(max-width: 640px)") == 2
    css.write_text(text.replace("(max-width: 640px)", "(max-width: 800px)"), encoding="utf-8")
    with serving(build_in_mode(root, "full"), PagesHandler) as url:
        yield url


def test_the_filters_fold_at_the_width_the_style_sheet_gives(page: Any, wider_url: str) -> None:
    """The phone's width is written in style.css alone: moved to 800 px there, the filters fold behind their summary
    at 720 px, and are open at a desktop's width, without a summary."""
    page.set_viewport_size({"width": 720, "height": 900})
    page.goto(wider_url + "papers/?family=supervised")
    wait_count(page, 3)
    assert_folded(page, "Filters (1)")
    page.locator(SUMMARY).click()
    assert_unfolded(page, "Filters (1)")
    page.locator(SUMMARY).click()
    assert_folded(page, "Filters (1)")
    page.set_viewport_size(DESKTOP)
    settle(page)
    expect(page.locator(SUMMARY)).to_be_hidden()
    expect(page.locator("#f-facet-family")).to_be_visible()
    page.set_viewport_size({"width": 720, "height": 900})
    settle(page)
    assert_folded(page, "Filters (1)")
