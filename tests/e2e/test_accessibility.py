"""Every kind of page checked by axe-core in headless Chromium: WCAG 2.0 and 2.1 (levels A and AA) and axe's best
practices, on a phone and a desktop, in the light and the dark theme (the system's and the one chosen with the
site's toggle), with JavaScript and, for the pages as they are served, without.

axe-core comes with the Python package axe-playwright-python (the `test` extra), which injects it into the page.
A failure lists, for each page and variant, each rule broken, its impact and the elements that break it.

The colour contrast of text axe cannot decide (it leaves it "incomplete": text over a gradient, such as the shade of a
box that scrolls, SVG text, text partly covered, text too short to judge such as a formula's letters) is computed here
in the page from the styles (contrast.js) and held to WCAG AA too.

What WCAG holds to 3:1 against the colours next to it is computed in the page too (nontext.js), in each page and
variant: the boundary of each control (a field, a list, a checkbox, a button: its border or its fill; a checkbox the
browser draws itself, from a screenshot), the chart's bars and axis, the topic map's dots and legend, the home page's
diagram (SC 1.4.11), and the focus indicator of each element in the tab order, focused as by keyboard (SC 2.4.7): its
outline, or what else changes when it is focused; none is a failure.

Each page is walked through with the Tab key from its top and back with Shift+Tab from its bottom (obscured.js), and
each element focused, once the browser has scrolled it into view, must not be wholly hidden by what is sticky or fixed
on the page, such as the site's header (WCAG 2.2 SC 2.4.11, focus not obscured). What a :hover rule of the style sheet
changes is hovered with the mouse, one element of each kind in each theme (hovered.js), and held to the same ratios
(its text to AA, a control's boundary to 3:1). The papers page is checked also while a search waits for the index and
its last results are shown stale."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from math import floor
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from l2h_site.build import build, check_site
from l2h_site.diagnostics import format_text
from l2h_site.serve import error_page, inject, overlay_html

from .conftest import REPO, PagesHandler, build_in_mode, make_layout_review, make_review, quoted, serving, throttled
from .test_layout import _rgb_rows

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
"""Every rule of WCAG 2.0 and 2.1 at levels A and AA, and axe's best practices; none is left out."""
COLOUR_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
"""The rules of RULES that depend on the colours (axe's tag cat.color): run again after the toggle changed the theme,
which changes nothing else on the page (theme.js sets data-theme and aria-pressed; the rest was just checked)."""
COLOURS = (Path(__file__).parent / "colours.js").read_text(encoding="utf-8")
"""Defines l2hColours() in the page: the helpers with which contrast.js and nontext.js compute colours."""
AXE_AND_CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
"""Runs axe-core in the page with the options given, and returns its violations and, for each element whose colour
contrast it left undecided, the colours the element's text is seen in (its own against each background it may be on)."""
NON_TEXT = (Path(__file__).parent / "nontext.js").read_text(encoding="utf-8")
"""Returns the colours of what WCAG holds to 3:1 against its neighbours: the boundaries of controls, the marks of the
chart, topic map and diagram, and the focus indicator of each element in the tab order."""
OBSCURED = (Path(__file__).parent / "obscured.js").read_text(encoding="utf-8")
"""Sets up the walk through the tab order with the keyboard: at each press of Tab or Shift+Tab, how much of the element
focused is hidden by what is sticky or fixed on the page."""
HOVERED = (Path(__file__).parent / "hovered.js").read_text(encoding="utf-8")
"""Defines l2hHover: the elements whose look a :hover rule changes (one of each kind not yet hovered), and the colours
a hovered element's text is seen in."""
WALK_STOPS = 60
"""The stops walked through each way: a long page (the review's list of all papers, a tag's) is walked through from
its top and from its bottom, not in the middle, where it repeats the kinds of stop that its ends and the small site's
pages have: from the top the header, the finder's controls and the first papers' cards; from the bottom the footer, the
pages' links and the last cards. (Each press of a key is a round trip to the browser, some 15 ms.)"""
WALK_LIMIT = 1000
"""Presses of Tab (or of Shift+Tab) after which a walk that has not come out of the page or met WALK_STOPS stops is a
failure."""


@dataclass(frozen=True)
class State:
    """A page as a reader sees it: its address and what they did there."""

    name: str
    path: str
    act: Callable[[Any], None] | None = None
    """What the reader does once the page is loaded (with JavaScript), or what to wait for."""
    interactive: bool = False
    """Reached by using the page's controls: checked with JavaScript only."""
    shows: str = "main h1"
    """An element the page shows once loaded, with or without JavaScript: that this is the page meant."""
    own_colours: bool = False
    """l2h serve's page of a failed build, or its errors laid over a page: in colours of its own, over the toggle."""
    walked_without_script: bool = True
    """Walked through with the Tab key and back (focus not obscured) without JavaScript too: all but l2h serve's errors
    laid over a page, a modal dialog (the page beneath inert) only once its script has run; without it, they cover the
    page whole while the Tab key goes on through it. With JavaScript every state is walked."""


@dataclass(frozen=True)
class Variant:
    """A browser to check the pages in."""

    width: int
    scheme: str
    """The system's colour scheme (prefers-color-scheme); with JavaScript the toggle then chooses the other one."""
    script: bool


VARIANTS = {
    "phone": Variant(375, "light", True),
    "desktop": Variant(1280, "dark", True),
    "phone-no-js": Variant(375, "dark", False),
    "desktop-no-js": Variant(1280, "light", False),
}
"""Each width in each theme: with JavaScript the system's theme and then the toggle's other one; without it (and so
without the toggle) the system's other theme."""


def finder_ready(page: Any) -> None:
    """Wait until the all-papers page's finder shows its papers and is not searching."""
    expect(page.locator("#finder")).to_have_attribute("data-count", re.compile(r"^\d+$"))
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#finder-results")).to_be_visible()


def search(query: str) -> Callable[[Any], None]:
    """Type a query into the finder and wait for its answer."""

    def act(page: Any) -> None:
        finder_ready(page)
        page.fill("#f-q", query)
        expect(page.locator("#finder-status")).to_contain_text(quoted(query))
        finder_ready(page)

    return act


def search_held(query: str) -> Callable[[Any], None]:
    """Type a query that the page cannot answer by itself and hold the search index's answer (its first request is
    never answered): the last results stay, shown as stale (is-stale), while the status says it is searching."""

    def act(page: Any) -> None:
        finder_ready(page)
        held: list[Any] = []  # the requests held, never answered

        def release(_: Any) -> None:  # once the next state's page has loaded: no longer pending when the test ends
            for route in held:
                route.abort()

        page.context.route("**/pagefind/**", lambda route: held.append(route), times=1)
        page.once("load", release)
        page.fill("#f-q", query)
        expect(page.locator("#finder-status")).to_have_text(f"Searching for {quoted(query)}\u2026")
        expect(page.locator("#finder-results")).to_have_class(re.compile(r"\bis-stale\b"))
        expect(page.locator("#finder-results li.paper-item").first).to_be_visible()
        for _ in range(50):  # the request may follow the status by the pause for typing
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the search index was not asked"
        page.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')")  # transitions

    return act


def search_misspelt(page: Any) -> None:
    """Search for a misspelt query where the search index cannot be loaded (so that the paged review's page matches
    words itself, as a small review's does): nothing matches, and "Did you mean …?" offers the query spelt right."""
    finder_ready(page)
    for blocked in ("**/static/search-worker.js", "**/pagefind/**"):
        page.route(blocked, lambda route: route.abort())
    search("spectral hashign")(page)
    expect(page.locator("#finder-results .finder-suggestion a")).to_have_text("\u201cspectral hashing\u201d")
    for blocked in ("**/static/search-worker.js", "**/pagefind/**"):
        page.unroute(blocked)


def filter_and_open_the_map(page: Any) -> None:
    """Unfold a phone's filters, tick a tag, choose a method family and a first year, and unfold the topic map, which
    marks the matches."""
    finder_ready(page)
    summary = page.locator("#finder-fold > summary")
    if summary.is_visible():
        summary.click()
    page.locator('#f-tags input[type="checkbox"][value="Deep Learning"]').check()
    page.select_option("#f-facet-family", "supervised")
    page.fill("#f-from", "2012")
    page.locator("#finder-map > summary").click()
    expect(page.locator("#finder-map a.map-point.is-dimmed").first).to_be_attached()
    expect(page.locator("#finder")).to_have_attribute("data-count", "2")
    finder_ready(page)


def show_more(page: Any) -> None:
    """Press "Show more papers" once and wait for them."""
    finder_ready(page)
    shown = page.locator("#finder-results li.paper-item").count()
    page.locator("#finder-more").get_by_role("button", name="Show more papers").click()
    page.wait_for_function("n => document.querySelectorAll('#finder-results li.paper-item').length > n", arg=shown)


def copy_bibtex(page: Any) -> None:
    """Press "Copy BibTeX": the button says "Copied" and the status line says so."""
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.locator(".copy-status")).to_have_text("BibTeX copied to the clipboard.")


def load_the_map(page: Any) -> None:
    """Scroll the topic map into view, which loads a large review's map, and wait for its dots."""
    page.locator("figure.topic-map").scroll_into_view_if_needed()
    expect(page.locator("figure.topic-map a.map-point").first).to_be_attached()


REVIEW_STATES = [
    State("home", ""),
    State("all papers", "papers/", finder_ready),
    State("a year's papers", "papers/2017/"),
    State("paper with formulas, BibTeX copied", "publications/arya1998optimal/", copy_bibtex),
    State("tags", "tags/"),
    State("a tag", "tags/image-retrieval/"),
    State("taxonomy", "taxonomy/"),
    State("a facet's value", "taxonomy/family/data-independent/"),
    State("stats, the topic map loaded", "stats/", load_the_map),
    State("resources", "resources/"),
    State("contributing", "contributing/"),
    State("404", "publications/no-such-paper/"),
]
"""This repository's review (in full: every paper on the all-papers page): every kind of page, at a phone's width."""

BUILD_FAILED = "l2h-serve/build-failed/"
"""The address at which the paged site answers with l2h serve's page for a first build that failed."""
OVERLAY = "?with-l2h-serve-overlay"
"""Added to an address: the page as l2h serve shows it after a build failed, with the errors laid over it."""

OTHER_KINDS = [
    State("home", ""),
    State("tags", "tags/"),
    State("a facet's value", "taxonomy/family/supervised/"),
    State("resources", "resources/"),
    State("contributing", "contributing/"),
    State("404", "publications/no-such-paper/"),
]
"""The kinds of page the small site adds nothing to but a desktop's width (at a phone's: on the review)."""
FINDER_STATES = [
    State("all papers, paged", "papers/", finder_ready),
    State("all papers, paged, more shown", "papers/", show_more, interactive=True),
    State("all papers, a search typed", "papers/", search("hashing"), interactive=True),
    State("all papers, a search waiting for the index, the last results stale", "papers/", search_held("hashing"),
          interactive=True),
    State("all papers, filtered, the topic map open", "papers/", filter_and_open_the_map, interactive=True),
    State("all papers, nothing found", "papers/", search("zzyzx"), interactive=True),
    State("all papers, nothing found for a misspelt word, a suggestion", "papers/", search_misspelt, interactive=True),
]
PAGED_STATES = [
    State("a year's papers, a title with a wide formula", "papers/2011/"),
    State("paper with wide formulas, BibTeX copied", "publications/gong2011iterative/", copy_bibtex),
    State("paper with a wide formula in its title", "publications/jegou2011product/"),
    State("a tag's first page of two", "tags/image-retrieval/"),
    State("taxonomy, paged", "taxonomy/"),
    State("stats, the topic map loaded on demand", "stats/", load_the_map),
    State("l2h serve, the first build failed", BUILD_FAILED, shows="#l2h-error-overlay", own_colours=True),
    State("l2h serve, a build failed over the last good page", "publications/gong2011iterative/" + OVERLAY,
          shows="#l2h-error-overlay", own_colours=True, walked_without_script=False),
]
"""On a small review built as a large one is (list_limit 3, cards and search in pieces, the map on demand), with
this repository's Resources and Contributing pages, wide formulas in a summary and a title, and l2h serve's pages
for a failed build."""
SMALL_SITE_STATES = {
    "phone": FINDER_STATES + PAGED_STATES,
    "desktop": OTHER_KINDS + FINDER_STATES + PAGED_STATES,
    "phone-no-js": [state for state in OTHER_KINDS + FINDER_STATES + PAGED_STATES if not state.interactive],
    "desktop-no-js": [state for state in OTHER_KINDS + FINDER_STATES + PAGED_STATES if not state.interactive],
}
"""What is checked on the small site in each variant: every kind of page but at a phone's width with JavaScript
(on the review), and the finder's states only with JavaScript."""


@dataclass(frozen=True)
class Site:
    """A built site being served."""

    url: str
    states: dict[str, list[State]]
    """What to check in each variant."""
    route: Callable[[Any], None]
    """Sets up a page's routes for the addresses that l2h serve alone answers."""


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Build and serve this repository's review ("review") or the small one built as a large one is ("paged")."""
    tmp = tmp_path_factory.mktemp("a11y")
    if request.param == "review":
        result = build(REPO, out_dir=tmp / "site", use_cache=False)
        assert result.written, [d.message for d in result.diagnostics]
        with serving(tmp / "site", PagesHandler) as url:
            yield Site(url, {"phone": REVIEW_STATES}, lambda page: None)
        return
    out = build_in_mode(make_layout_review(tmp / "review", paged=True), "paged")
    broken = make_review(tmp / "broken")
    paper = broken / "papers" / "weiss2008spectral.md"
    paper.write_text(paper.read_text(encoding="utf-8").replace("[Image Retrieval]", "[Image Retreival]"),
                     encoding="utf-8")
    report = format_text(check_site(broken).diagnostics)
    assert "error[unknown-tag]" in report, report
    with serving(out, PagesHandler) as url:
        yield Site(url, SMALL_SITE_STATES, lambda page: route_serve_pages(page, url, out, report))


def route_serve_pages(page: Any, url: str, out: Path, report: str) -> None:
    """Answer at BUILD_FAILED, and at addresses ending in OVERLAY, with the pages l2h serve makes of a failed build
    (without its reload script, which only reloads)."""
    page.route(url + BUILD_FAILED, lambda route: route.fulfill(
        status=500, content_type="text/html; charset=utf-8", body=error_page(report, "")))

    def overlaid(route: Any) -> None:
        path = route.request.url[len(url):-len(OVERLAY)]
        body = inject((out / path / "index.html").read_bytes(), "", overlay_html(report))
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    page.route(lambda address: address.endswith(OVERLAY), overlaid)


@pytest.mark.parametrize(("site", "variant"), [
    ("review", "phone"), ("paged", "phone"), ("paged", "desktop"), ("paged", "phone-no-js"), ("paged", "desktop-no-js"),
], indirect=["site"], scope="module")
def test_axe_finds_no_violations(browser: Any, site: Site, variant: str) -> None:
    chosen = VARIANTS[variant]
    context = browser.new_context(viewport={"width": chosen.width, "height": 800}, color_scheme=chosen.scheme)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = throttled(context.new_page())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    site.route(page)
    # Without JavaScript: Playwright's java_script_enabled=False would keep axe from running too, so the page is
    # loaded with scripts off by Chromium's own switch (as in a reader's browser: <noscript> shown, no page script
    # run) and they are turned on only afterwards, for axe alone.
    switch = None if chosen.script else context.new_cdp_session(page)
    axe = Axe()
    found: list[str] = []
    natives: dict[str, dict[str, Any]] = {}
    hovered: dict[str, set[str]] = {"light": set(), "dark": set()}  # the kinds hovered already, in each theme
    try:
        for state in site.states[variant]:
            if switch is not None:
                switch.send("Emulation.setScriptExecutionDisabled", {"value": True})
            page.goto(site.url + state.path)
            if switch is not None:
                switch.send("Emulation.setScriptExecutionDisabled", {"value": False})
                expect(page.locator("[data-theme-toggle]")).to_be_hidden()  # theme.js did not run
            elif state.act is not None:
                state.act(page)
            expect(page.locator(state.shows).first).to_be_visible()
            where = f"{state.name} ({state.path or '/'}) at {chosen.width} px, {chosen.scheme} theme of the system"
            if not chosen.script:
                found += violations(axe, page, RULES, where + ", without JavaScript")
                found += non_text_shortfalls(page, where + ", without JavaScript", natives)
                found += hidden_focus(page, where + ", without JavaScript") if state.walked_without_script else []
                continue
            found += violations(axe, page, RULES, where)
            found += non_text_shortfalls(page, where, natives)
            if not state.own_colours:
                found += hover_shortfalls(page, where, natives, hovered[chosen.scheme])
                other = "dark" if chosen.scheme == "light" else "light"
                page.get_by_role("button", name="Dark theme").click()
                expect(page.locator("html")).to_have_attribute("data-theme", other)
                where = f"{state.name} ({state.path or '/'}) at {chosen.width} px, {other} theme chosen with the toggle"
                found += violations(axe, page, COLOUR_RULES, where)
                found += non_text_shortfalls(page, where, natives)
                found += hover_shortfalls(page, where, natives, hovered[other])
                page.evaluate("localStorage.removeItem('l2h-theme')")
            found += hidden_focus(page, where)  # last: it scrolls the page, and leaves the focus out of it
    finally:
        context.close()
    assert not found, (f"{len(found)} accessibility failures (axe-core's violations, colour contrasts it could not "
                       "decide that are below WCAG AA, and non-text contrasts and focus indicators below 3:1):\n"
                       + "\n".join(found))
    assert not errors, errors


def violations(axe: Axe, page: Any, rules: Mapping[str, object], where: str) -> list[str]:
    """Run axe-core with these rules over the page; describe each violation: where, the rule, its impact, and each
    element that breaks it (its selector and axe's reason); and each colour contrast axe left undecided that is below
    WCAG AA, or that this test cannot compute either."""
    page.evaluate(axe.axe_script)
    page.evaluate(COLOURS)
    results = page.evaluate(AXE_AND_CONTRAST, rules)
    found = []
    for rule in results["violations"]:
        lines = [f"{where}: {rule['id']} ({rule['impact']}): {rule['help']} <{rule['helpUrl']}>"]
        for node in rule["nodes"]:
            target = " >>> ".join(t if isinstance(t, str) else " ".join(t) for t in node["target"])
            reasons = [check["message"] for kind in ("any", "all", "none") for check in node[kind]]
            lines.append(f"    {target}: {reasons[0] if reasons else node['failureSummary']}")
        found.append("\n".join(lines))
    return found + contrast_shortfalls(results["undecided"], where)


def contrast_shortfalls(undecided: list[dict[str, Any]], where: str,
                        what: str = "colour contrast axe left undecided") -> list[str]:
    """Each element whose colour contrast axe left undecided (or what else was computed as contrast.js does: what) and
    whose text is below WCAG AA (4.5:1, large text 3:1) on the worst of the backgrounds it may be on, or whose colours
    this test cannot compute, by colours and ratio: with where, the elements (the first few) and axe's reason."""
    from test_site_layout import contrast  # tests/ is on the path: the one WCAG formula of the tests

    failures: dict[str, list[str]] = {}
    for node in undecided:
        if node["problems"]:
            failure = "its colours could not be computed either"
            target = f"{node['target']} ({'axe: ' + node['reason'] + '; ' if node['reason'] else ''}here: {'; '.join(node['problems'])})"
        else:
            needed = 3.0 if node["large"] else 4.5
            ratio, ink, background = min((contrast(ink, background), ink, background)
                                         for ink, background in node["pairs"])
            if ratio >= needed:
                continue
            failure = f"{shown(ink)} on {shown(background)} is {floor(ratio * 100) / 100:.2f}:1, below {needed:g}:1"
            target = f"{node['target']} ({node['font']}{'; axe: ' + node['reason'] if node['reason'] else ''})"
        failures.setdefault(failure, []).append(target)
    return [f"{where}: {what}: {failure}:\n    " + "\n    ".join(targets[:5])
            + (f"\n    and {len(targets) - 5} more" if len(targets) > 5 else "")
            for failure, targets in failures.items()]


CHECKED = {"boundary": "the boundary of a control (WCAG 1.4.11)", "native": "a control drawn by the browser (WCAG 1.4.11)",
           "mark": "a graphical object (WCAG 1.4.11)", "focus": "the focus indicator (WCAG 2.4.7, 1.4.11)"}


def non_text_shortfalls(page: Any, where: str, natives: dict[str, dict[str, Any]], within: str | None = None) -> list[str]:
    """Press Tab (so that focusing from script is as by keyboard), and describe each control whose boundary, each
    mark of a chart, map or diagram, and each element of the tab order whose focus indicator is below 3:1 against
    the colours next to it (nontext.js), or that has none, or whose colours cannot be computed: with where, what
    fails, its colours and ratio, and the elements (the first few). natives: the colours of each kind of checkbox the
    browser draws, on each background, already read from a screenshot. within: the element hovered, whose boundaries
    and marks alone are checked (no Tab, no focus)."""
    from test_site_layout import contrast  # tests/ is on the path: the one WCAG formula of the tests

    if within is None:
        page.keyboard.press("Tab")
    page.evaluate(COLOURS)
    failures: dict[str, list[str]] = {}
    for item in page.evaluate(NON_TEXT, within):
        if item["check"] == "native":
            seen = f"{item['kind']} on {item['around']} in {page.evaluate('getComputedStyle(document.body).colorScheme')}"
            if seen not in natives:
                natives[seen] = native_colours(page, item)
            item["candidates"] = [natives[seen]]
        what = CHECKED[item["check"]]
        if item["problems"]:
            failure = f"{what}: {'; '.join(item['problems'])}"
        elif not item["candidates"]:
            failure = f"{what}: there is none"
        else:
            ratio, name, colour, background = max(
                min((contrast(colour, background), candidate["what"], colour, background)
                    for colour, background in candidate["pairs"])
                for candidate in item["candidates"])
            if ratio >= 3:
                continue
            failure = (f"{what}: at best its {name}, {shown(colour)} on {shown(background)}, is "
                       f"{floor(ratio * 100) / 100:.2f}:1, below 3:1")
        failures.setdefault(failure, []).append(item["target"])
    return [f"{where}: {failure}:\n    " + "\n    ".join(targets[:5])
            + (f"\n    and {len(targets) - 5} more" if len(targets) > 5 else "")
            for failure, targets in failures.items()]


def hover_shortfalls(page: Any, where: str, natives: dict[str, dict[str, Any]], checked: set[str]) -> list[str]:
    """Hover with the mouse, one by one, the elements whose look a :hover rule of the style sheets changes (one of each
    kind not in checked, which they are added to), and describe what of each, hovered, is below WCAG AA, computed as
    for the contrasts axe leaves undecided (its text, at 4.5:1 or 3:1) and by nontext.js (a control's boundary, a
    mark, at 3:1: WCAG 1.4.3, 1.4.11), or cannot be computed (under a filter); and the :hover rules not taken apart."""
    page.evaluate(COLOURS)
    page.evaluate(HOVERED)
    listed = page.evaluate("(checked) => l2hHover.targets(checked)", sorted(checked))
    found = [f"{where}: {problem}" for problem in listed["problems"]]
    for kind in listed["found"]:
        checked.add(kind["kind"])
        for target in kind["targets"]:
            try:
                page.locator(target).first.hover(timeout=2000)
                break
            except PlaywrightTimeoutError:
                continue
        else:
            found.append(f"{where}: the mouse reaches none of {', '.join(kind['targets'])} ({kind['kind']})")
            continue
        hovered = f"{where}, {target} hovered ({kind['kind']})"
        found += contrast_shortfalls(page.evaluate("(t) => l2hHover.texts(t)", target), hovered, "colour contrast hovered")
        found += non_text_shortfalls(page, hovered, natives, within=target)
    page.mouse.move(0, 0)
    page.evaluate("scrollTo(0, 0)")
    return found


def hidden_focus(page: Any, where: str) -> list[str]:
    """Walk the page's tab order with the Tab key, from its first stop on as the browser scrolls each into view, and
    back up with Shift+Tab from its last (obscured.js), WALK_STOPS stops each way (all of them but in the middle of a
    long page); describe each stop wholly hidden by what is sticky or fixed on the page (WCAG 2.2 SC 2.4.11) or left
    out of view (SC 2.4.7), with where and the direction, a walk that never leaves the page (a keyboard trap, SC
    2.1.2), and one whose two ways, each through the whole page, met different stops."""
    page.evaluate(COLOURS)
    page.evaluate(OBSCURED, WALK_STOPS)
    for key, seek, until, batch in (("Tab", "false", "held", 20), ("Tab", "true", "backward", 1),
                                    ("Shift+Tab", None, "held", 20)):
        if seek is not None:
            page.bring_to_front()  # the focus into the page: the walk of the page before left it in the browser
            page.evaluate(f"l2hFocusWalk.start({seek})")
        presses = 0
        while page.evaluate("l2hFocusWalk.phase") != until:
            if presses >= WALK_LIMIT:
                return [f"{where}: {WALK_LIMIT} presses of {key} did not take the focus through the page and out of it"]
            for _ in range(batch):
                page.keyboard.press(key)
            presses += batch
    seen = page.evaluate("l2hFocusWalk.seen")
    failures: dict[str, list[str]] = {}
    for record in seen:
        how = "with Tab" if record["direction"] == "forward" else "with Shift+Tab from the bottom"
        if record["outOfView"]:
            failure = f"focused {how}, it is not in view (WCAG 2.4.7)"
        elif record["hidden"] == "wholly":
            failure = f"focused {how}, it is wholly hidden by {' and '.join(record['by'])} (WCAG 2.4.11)"
        else:
            continue
        failures.setdefault(failure, []).append(record["target"])
    found = [f"{where}: {failure}:\n    " + "\n    ".join(targets[:5])
             + (f"\n    and {len(targets) - 5} more" if len(targets) > 5 else "")
             for failure, targets in failures.items()]
    ways = [[record["target"] for record in seen if record["direction"] == direction]
            for direction in ("forward", "backward")]
    forward, backward = set(ways[0]), set(ways[1])
    if forward != backward and max(len(way) for way in ways) < WALK_STOPS:
        found.append(f"{where}: the Tab key and Shift+Tab met different stops: only with Tab "
                     f"{sorted(forward - backward)}, only with Shift+Tab {sorted(backward - forward)}")
    return found


def shown(colour: list[float]) -> str:
    """A colour as #rrggbb."""
    return "#" + "".join(f"{round(channel):02x}" for channel in colour)


def native_colours(page: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The candidate of a checkbox or radio drawn by the browser: of the pixels of its screenshot, the one that stands
    out most against what is around it (its border where not ticked, its fill where ticked)."""
    from test_site_layout import contrast

    rows = _rgb_rows(page.locator(item["target"]).first.screenshot(animations="disabled", caret="hide"))
    pixels = [(row[i], row[i + 1], row[i + 2]) for row in rows for i in range(0, len(row), 3)]
    around = item["around"]
    pixel = max(set(pixels), key=lambda p: min(contrast(p, background) for background in around))
    return {"what": f"{item['kind']} (its most distinct pixel)", "pairs": [[list(pixel), background] for background in around]}
