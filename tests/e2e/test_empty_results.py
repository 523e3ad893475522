"""The all-papers page when nothing matches: which one choice to remove, and how many papers that would show.

The expected buttons and counts are computed here from the built site's own data (papers/finder.json and the card
files) and, for a search, from the papers the finder shows for the search alone."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import quoted, throttled
from .test_papers_page import tag_box, visible_keys, wait_count

INTRO = "To see papers, remove one choice:"


@dataclass(frozen=True)
class Item:
    """A paper as the finder's data has it."""

    key: str
    year: int
    venue: str
    tags: frozenset[str]
    facets: frozenset[tuple[str, str]]


Part = tuple[str, Callable[[Item], bool]]
"""A choice of the view: the start of its button's name, and whether a paper passes it."""


def decode(text: str) -> set[int]:
    """The paper numbers of a posting list (base-36 gaps)."""
    at, out = 0, set()
    for gap in filter(None, text.split(",")):
        at += int(gap, 36)
        out.add(at)
    return out


def site_items(site: Path) -> list[Item]:
    """Every paper of the built review, in page order, from the finder's files."""
    raw = json.loads((site / "papers" / "finder.json").read_text(encoding="utf-8"))
    keys: list[str] = []
    for n in range(-(-raw["count"] // raw["cards"])):
        keys += [row[0] for row in json.loads((site / "papers" / "cards" / f"{n}.json").read_text(encoding="utf-8"))]
    years = [year for year, run in raw["years"] for _ in range(run)]
    tags = {name: decode(posting) for name, _slug, posting in raw["tags"]}
    facets = {(facet, value): decode(posting) for facet, values in raw["facets"].items()
              for value, posting in values.items()}
    return [Item(keys[i], years[i], raw["venues"][venue] if venue >= 0 else "",
                 frozenset(tag for tag, papers in tags.items() if i in papers),
                 frozenset(pair for pair, papers in facets.items() if i in papers))
            for i, venue in enumerate(raw["venue"])]


def expected_buttons(items: list[Item], parts: list[Part]) -> list[str]:
    """The buttons of an empty view whose choices, in the form's order, are `parts`: each choice whose removal alone
    shows papers, with their number, most first (equal numbers in the form's order)."""
    assert not [item for item in items if all(test(item) for _, test in parts)], "the view is not empty"
    counts = [sum(all(test(item) for j, (_, test) in enumerate(parts) if j != k) for item in items)
              for k in range(len(parts))]
    ways = sorted((-count, k) for k, count in enumerate(counts) if count)
    return [f"{parts[k][0]} ({-count} paper{'' if count == -1 else 's'})" for count, k in ways]


def loosen_buttons(page: Any) -> list[str]:
    """The names of the buttons that the empty view offers, in order."""
    return [str(name) for name in page.get_by_role("list", name=INTRO).get_by_role("button").evaluate_all(
        "buttons => buttons.map(b => b.textContent)")]


def tag(name: str) -> Part:
    """A ticked tag."""
    return f"Remove tag \u201c{name}\u201d", lambda item: name in item.tags


def venue(name: str) -> Part:
    """The venue chosen."""
    return f"Remove venue \u201c{name}\u201d", lambda item: item.venue == name


def facet(facet_id: str, value: str, words: str) -> Part:
    """A facet's value chosen; words: how its button names it."""
    return f"Remove {words}", lambda item: (facet_id, value) in item.facets


def search_part(page: Any, base_url: str, query: str) -> Part:
    """The search as a choice: the papers that the finder shows for the query alone."""
    page.goto(base_url + "papers/")
    wait_count(page, 8)
    page.fill("#f-q", query)
    expect(page.locator("#finder-status")).to_contain_text(quoted(query))
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    found = set(visible_keys(page))
    assert found, query
    return f"Remove the search \u201c{query}\u201d", lambda item: item.key in found


def test_an_empty_view_offers_each_choice_whose_removal_alone_shows_papers(
        page: Any, base_url: str, built_site: Path) -> None:
    """Most papers first, equal counts in the order of the form (search, facets, venue, years, tags); a choice whose
    removal alone still shows none is not offered. The list is named by its introduction, the status says only why
    nothing matches, as before."""
    items = site_items(built_site)
    deep = search_part(page, base_url, "deep")
    spectral = search_part(page, base_url, "spectral")
    cases: list[tuple[str, list[Part], list[str]]] = [
        ("tag=Deep+Learning&family=unsupervised&venue=CVPR",
         [facet("family", "unsupervised", "method family \u201cUnsupervised\u201d"), venue("CVPR"), tag("Deep Learning")],
         ["Remove venue \u201cCVPR\u201d (2 papers)", "Remove method family \u201cUnsupervised\u201d (1 paper)",
          "Remove tag \u201cDeep Learning\u201d (1 paper)"]),
        ("q=deep&tag=Deep+Learning&family=unsupervised&venue=CVPR&modality=image",
         [deep, facet("family", "unsupervised", "method family \u201cUnsupervised\u201d"),
          facet("modality", "image", "data modality \u201cImage\u201d"), venue("CVPR"), tag("Deep Learning")],
         ["Remove method family \u201cUnsupervised\u201d (1 paper)", "Remove venue \u201cCVPR\u201d (1 paper)"]),
        ("q=spectral&tag=Deep+Learning", [spectral, tag("Deep Learning")],
         ["Remove the search \u201cspectral\u201d (4 papers)", "Remove tag \u201cDeep Learning\u201d (1 paper)"]),
        ("tag=Deep+Learning&venue=TPAMI&to=2012",
         [venue("TPAMI"), ("Remove the years up to 2012", lambda item: item.year <= 2012), tag("Deep Learning")],
         ["Remove the years up to 2012 (1 paper)", "Remove tag \u201cDeep Learning\u201d (1 paper)"]),
        ("tag=Cross-Modal&tag=Image+Retrieval&from=2017&to=2017",
         [("Remove the year 2017", lambda item: item.year == 2017), tag("Cross-Modal"), tag("Image Retrieval")],
         ["Remove tag \u201cCross-Modal\u201d (1 paper)", "Remove tag \u201cImage Retrieval\u201d (1 paper)"]),
    ]
    for link, parts, spelled in cases:
        expected = expected_buttons(items, parts)
        assert expected == spelled, link  # what the reader reads, from the counts of the site's data
        page.goto(base_url + "papers/?" + link)
        wait_count(page, 0)
        results = page.get_by_role("region", name="Matching papers")
        expect(results.get_by_role("list", name=INTRO)).to_be_visible()
        assert loosen_buttons(page) == expected, link
        expect(results.get_by_role("button", name="Clear the search and filters")).to_be_visible()
        query = link.split("&")[0][2:] if link.startswith("q=") else ""
        status = f"No papers match {quoted(query)} with these filters." if query else "No papers match these filters."
        expect(page.locator("#finder-status")).to_have_text(status)


def test_a_removal_is_a_history_step_and_the_focus_goes_to_the_papers_it_shows(
        page: Any, base_url: str, built_site: Path) -> None:
    items = site_items(built_site)
    _, has_deep = search_part(page, base_url, "deep")
    page.goto(base_url + "papers/?q=deep&tag=Deep+Learning&family=unsupervised&venue=CVPR")
    wait_count(page, 0)
    before = page.url
    buttons = page.get_by_role("list", name=INTRO).get_by_role("button")
    expect(buttons.first).to_have_text("Remove venue \u201cCVPR\u201d (2 papers)")
    buttons.first.focus()
    page.keyboard.press("Enter")
    wait_count(page, 2)
    expect(page.locator("#f-venue")).to_have_value("")
    expect(page.locator("#f-q")).to_have_value("deep")  # only that choice is removed
    expect(tag_box(page, "Deep Learning")).to_be_checked()
    expect(page.locator("#f-facet-family")).to_have_value("unsupervised")
    # The button went with the empty view: the papers it brought take the focus.
    expect(page.locator("#finder-results a.paper-title").first).to_be_focused()
    assert page.url.endswith("papers/?q=deep&tag=Deep+Learning&family=unsupervised")
    shown = sorted(visible_keys(page))
    assert shown == sorted(i.key for i in items if "Deep Learning" in i.tags and ("family", "unsupervised") in i.facets
                           and has_deep(i))
    expect(page.locator("#finder-status")).to_have_text("Showing 2 of 8 papers matching \u201cdeep\u201d.")

    page.go_back()  # the removal was a step of the history
    wait_count(page, 0)
    assert page.url == before
    expect(page.locator("#f-venue")).to_have_value("CVPR")
    expect(page.get_by_role("list", name=INTRO).get_by_role("button").first).to_have_text(
        "Remove venue \u201cCVPR\u201d (2 papers)")
    page.go_forward()
    wait_count(page, 2)

    page.goto(base_url + "papers/?q=spectral&tag=Deep+Learning")
    wait_count(page, 0)
    page.get_by_role("button", name="Remove the search \u201cspectral\u201d (4 papers)").click()  # the search too
    wait_count(page, 4)
    expect(page.locator("#f-q")).to_have_value("")
    expect(page.locator("#finder-results a.paper-title").first).to_be_focused()
    assert page.url.endswith("papers/?tag=Deep+Learning")
    assert sorted(visible_keys(page)) == sorted(i.key for i in items if "Deep Learning" in i.tags)
    page.go_back()
    wait_count(page, 0)
    expect(page.locator("#f-q")).to_have_value("spectral")


def test_years_outside_the_review_are_named_with_the_review_s_span(page: Any, base_url: str, built_site: Path) -> None:
    items = site_items(built_site)
    span = f"Papers here are from {min(i.year for i in items)} to {max(i.year for i in items)}."
    assert span == "Papers here are from 2008 to 2018."
    deep_learning = sum("Deep Learning" in i.tags for i in items)
    page.goto(base_url + "papers/?tag=Deep+Learning")
    wait_count(page, deep_learning)
    for low, high, named in (("2030", "2040", "the years 2030\u20132040"), ("", "1990", "the years up to 1990"),
                             ("2030", "", "the years from 2030"), ("1900", "1900", "the year 1900")):
        page.fill("#f-from", low)
        page.fill("#f-to", high)
        page.locator("#f-to").press("Enter")
        wait_count(page, 0)
        expect(page.locator("#finder-status")).to_have_text("No papers match these filters. " + span)
        results = page.get_by_role("region", name="Matching papers")
        expect(results.locator(".finder-empty p").first).to_have_text("No papers match these filters. " + span)
        assert loosen_buttons(page) == [f"Remove {named} ({deep_learning} papers)"]
    page.get_by_role("button", name=f"Remove the year 1900 ({deep_learning} papers)").click()
    wait_count(page, deep_learning)
    expect(page.locator("#f-from")).to_have_value("")
    expect(page.locator("#f-to")).to_have_value("")
    page.go_back()
    wait_count(page, 0)
    expect(page.locator("#f-from")).to_have_value("1900")
    # Years within the review's span that no paper is from: nothing to say about the span.
    page.fill("#f-from", "2009")
    page.fill("#f-to", "2010")
    page.locator("#f-to").press("Enter")
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text("No papers match these filters.")
    assert loosen_buttons(page) == [f"Remove the years 2009\u20132010 ({deep_learning} papers)"]


def test_when_no_single_removal_helps_it_says_so_and_offers_to_clear(page: Any, base_url: str,
                                                                     built_site: Path) -> None:
    items = site_items(built_site)
    hashing = search_part(page, base_url, "hashing")
    for link, parts, says in (
            ("tag=Cross-Modal&tag=Image+Retrieval&family=quantisation",
             [facet("family", "quantisation", ""), tag("Cross-Modal"), tag("Image Retrieval")],
             "No papers match these filters. Removing any one filter alone would still show none."),
            ("q=hashing&tag=Cross-Modal&tag=Image+Retrieval&family=unsupervised&venue=CVPR",
             [hashing, facet("family", "unsupervised", ""), venue("CVPR"), tag("Cross-Modal"), tag("Image Retrieval")],
             ("No papers match \u201chashing\u201d with these filters. Removing the search or any one filter alone "
              "would still show none."))):
        assert expected_buttons(items, parts) == [], link
        page.goto(base_url + "papers/?" + link)
        wait_count(page, 0)
        expect(page.locator("#finder-status")).to_have_text(says)
        results = page.get_by_role("region", name="Matching papers")
        expect(results).to_contain_text(says.split(". ", 1)[1])
        expect(results.get_by_role("list", name=INTRO)).to_have_count(0)
        expect(results.get_by_role("button")).to_have_text(["Clear the search and filters"])
    results.get_by_role("button", name="Clear the search and filters").click()
    wait_count(page, len(items))


def test_the_ways_out_of_an_empty_view_are_hidden_while_a_new_search_loads(
        page: Any, base_url: str, built_site: Path) -> None:
    """Typing a search into an empty view: until the search answers, the last view stays (greyed, marked stale) without its
    buttons, whose counts were of the view before; then the buttons are those of the new view."""
    items = site_items(built_site)
    deep = search_part(page, base_url, "deep")
    page.goto(base_url + "papers/?tag=Deep+Learning&family=unsupervised&venue=CVPR")
    wait_count(page, 0)
    expect(page.get_by_role("list", name=INTRO).get_by_role("button")).to_have_count(3)
    page.route("**/pagefind/**", lambda route: (page.wait_for_timeout(400), route.continue_()))  # a slow network
    page.fill("#f-q", "deep")
    expect(page.locator("#finder-results")).to_have_class("is-stale")
    expect(page.locator("#finder-results .finder-loosen")).to_be_hidden()
    wait_count(page, 0)
    expect(page.locator("#finder-status")).to_have_text("No papers match \u201cdeep\u201d with these filters.")
    expected = expected_buttons(items, [deep, facet("family", "unsupervised", "method family \u201cUnsupervised\u201d"),
                                        venue("CVPR"), tag("Deep Learning")])
    assert expected == ["Remove venue \u201cCVPR\u201d (2 papers)", "Remove method family \u201cUnsupervised\u201d (1 paper)"]
    expect(page.get_by_role("list", name=INTRO).get_by_role("button")).to_have_text(expected)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_ways_out_fit_a_phone_and_a_desktop_and_are_readable_in_both_themes(
        browser: Any, base_url: str, mode: str, scheme: str, width: int) -> None:
    """The buttons wrap within the page (a long name wraps inside its button) and their text keeps 4.5:1 on the
    page in the light and the dark theme."""
    if mode == "paged":
        pytest.skip("the empty view is drawn the same in both modes")
    from test_site_layout import contrast  # tests/ is on the path: the one WCAG formula of the tests

    from .test_papers_page import rgb

    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    try:
        page = throttled(context.new_page())
        page.goto(base_url + "papers/?q=deep&tag=Deep+Learning&family=unsupervised&venue=CVPR&modality=image")
        wait_count(page, 0)
        buttons = page.get_by_role("list", name=INTRO).get_by_role("button")
        expect(buttons).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for k in range(2):
            box = buttons.nth(k).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (k, box)
        colours = buttons.first.evaluate("""b => [getComputedStyle(b).color,
            getComputedStyle(document.body).backgroundColor]""")
        assert contrast(rgb(colours[0]), rgb(colours[1])) >= 4.5, colours
    finally:
        context.close()


def test_a_year_being_typed_is_applied_at_its_fourth_digit_not_at_each_key(
        page: Any, base_url: str, built_site: Path) -> None:
    # "2", "20", "201" on the way to 2010 were each applied: the list went empty and every count read (0)
    items = site_items(built_site)
    page.goto(base_url + "papers/")
    wait_count(page, len(items))
    box = page.locator("#f-to")
    box.click()
    for digit in "201":
        box.press(digit)  # the input event is handled before press returns; a year applied shows at once
        assert page.locator("#finder").get_attribute("data-count") == str(len(items))
        assert "to=" not in page.url
    box.press("0")
    wait_count(page, sum(i.year <= 2010 for i in items))
    assert page.url.endswith("?to=2010")
    for _ in range(4):
        box.press("Backspace")
    wait_count(page, len(items))  # a year cleared is applied at once
    box.press("2")
    box.press("0")
    box.press("Tab")  # leaving the box applies what the reader left in it
    wait_count(page, 0)
    assert page.url.endswith("?to=20")
