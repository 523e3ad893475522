"""Every kind of page on a phone and a desktop in a real headless Chromium: no sideways scrolling, the header, anchors."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from l2h_site.build import build

from .conftest import PagesHandler, make_layout_review, serving, throttled

PAGES = {
    "home": "",
    "papers": "papers/",
    "year": "papers/2017/",
    "tag": "tags/image-retrieval/",
    "taxonomy": "taxonomy/",
    "facet value": "taxonomy/family/supervised/",
    "paper": "publications/gong2011iterative/",
    "paper with math in its title": "publications/jegou2011product/",
    "list of a title with math": "papers/2011/",
    "stats": "stats/",
    "resources": "resources/",
    "contributing": "contributing/",
    "404": "publications/no-such-paper/",
}
"""One page of each kind, by name: the 404 page is asked for at a missing address below the root (the paper pages' wide
formulas: conftest.SUMMARY_MATH and TITLE_MATH)."""


@pytest.fixture(scope="module", params=["full", "paged"])
def site_url(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    """Build the e2e review with the repository's Resources and Contributing pages and wide formulas (and,
    "paged", as a review larger than list_limit), serve it on 127.0.0.1 with a 404 page, and yield its address."""
    root = make_layout_review(tmp_path_factory.mktemp("layout") / "review", paged=request.param == "paged")
    result = build(root, out_dir=root / "_site", use_cache=False)
    assert result.written, [d.message for d in result.diagnostics]
    with serving(root / "_site", PagesHandler) as address:
        yield address


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_scrolls_sideways_on_a_phone(page: Any, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 667})
    wider = {}
    for name, path in PAGES.items():
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if size[0] > size[1]:
            wider[name] = size
    assert wider == {}


@pytest.mark.parametrize("width", [320, 390])
def test_the_search_box_placeholder_is_read_whole_on_a_phone(page: Any, site_url: str, width: int) -> None:
    # "Title, author, venue, tag or words from the summary" showed as "Title, author, venue, tag or wor" at 390 px
    page.set_viewport_size({"width": width, "height": 667})
    page.goto(site_url + "papers/")
    expect(page.locator("#f-q")).to_be_visible()
    text, room = page.evaluate("""() => {
        const box = document.getElementById("f-q"), style = getComputedStyle(box);
        const pen = document.createElement("canvas").getContext("2d");
        pen.font = style.font;
        return [pen.measureText(box.placeholder).width,
                box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)]; }""")
    assert 0 < text <= room


def test_the_404_page_is_styled_and_links_work_below_the_root(page: Any, site_url: str) -> None:
    response = page.goto(site_url + "publications/no-such-paper/")
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.get_by_role("link", name="Browse all papers").click()
    assert page.url == site_url + "papers/"


def test_the_phone_header_is_compact_and_scrolls_away(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(site_url + "papers/")
    header = page.locator(".site-header")
    assert header.evaluate("h => getComputedStyle(h).position") == "static"
    assert header.bounding_box()["height"] <= 120
    brand, main = page.locator(".brand").bounding_box(), page.locator("main h1").bounding_box()
    assert brand["x"] >= 16 and abs(brand["x"] - main["x"]) < 1  # the page's side padding, as below


@pytest.mark.parametrize("width", [760, 1280])
def test_anchor_targets_are_not_hidden_under_the_sticky_header(page: Any, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 700})
    for path, target in (("papers/#y2017", "#y2017"), ("contributing/#diagnostic-codes", "#diagnostic-codes"),
                         ("taxonomy/#comparison", "#comparison")):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        header = page.locator(".site-header").bounding_box()
        box = page.locator(target).bounding_box()
        assert page.evaluate("window.scrollY") > 0, path
        assert box["y"] >= header["y"] + header["height"], (path, box, header)
    page.goto(site_url + "papers/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    header = page.locator(".site-header").bounding_box()
    assert page.locator("main").bounding_box()["y"] >= header["y"] + header["height"]


def test_keyboard_focus_is_never_hidden_under_the_sticky_header(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 500})
    for path in ("resources/", "contributing/", "papers/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.evaluate("""() => [...document.querySelectorAll("a[href], button, input, select, summary")]
            .filter(el => el.getBoundingClientRect().height).pop().focus()""")  # the page's last control
        hidden = []
        for _ in range(40):  # backwards through the page, as a keyboard user going up
            page.keyboard.press("Shift+Tab")
            box = page.evaluate("""() => {
                const el = document.activeElement, header = document.querySelector(".site-header");
                if (!el || el === document.body || header.contains(el) || el.matches(".skip-link")) return null;
                const r = el.getBoundingClientRect();
                const below = header.getBoundingClientRect().bottom;
                // all of it in view below the header; of a box taller than that room (a long code block), a part
                const shown = r.height <= innerHeight - below ? r.top >= below - 0.5 : r.bottom > below + 16;
                return r.height && !shown ? [el.outerHTML.slice(0, 80), r.top, below] : null;
            }""")
            if box is not None:
                hidden.append(box)
        assert hidden == [], path


@pytest.mark.parametrize("theme", ["system", "chosen"])
def test_printed_pages_are_dark_on_white_without_the_controls(page: Any, site_url: str, theme: str) -> None:
    page.emulate_media(media="print", color_scheme="dark")
    if theme == "chosen":
        page.add_init_script("localStorage.setItem('l2h-theme', 'dark')")
    page.goto(site_url + "publications/gong2011iterative/")
    # set again once loaded: under L2H_E2E_CPU_THROTTLE, Chromium drops on a load the media set before it
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate("""() => [document.body, document.querySelector("h1"), document.querySelector(".breadcrumb a")]
        .map(el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor])""")
    assert colours[0] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert colours[1][0] == "rgb(0, 0, 0)" and colours[2][0] == "rgb(29, 63, 158)"
    assert page.locator(".site-header").is_hidden() and page.locator("button[data-copy-target]").is_hidden()
    arxiv = page.locator(".link-list a", has_text="arXiv")
    if arxiv.count():
        assert "arxiv.org/abs/" in arxiv.evaluate("a => getComputedStyle(a, '::after').content")
    page.goto(site_url + "papers/")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print", color_scheme="dark")
    assert page.locator("#finder").is_hidden() and page.locator("#finder-map").is_hidden()
    title = page.locator("a.paper-title").first
    assert title.evaluate("a => getComputedStyle(a).color") == "rgb(0, 0, 0)"


def test_a_review_whose_cards_are_all_loaded_prints_every_paper_of_the_list(page: Any, site_url: str) -> None:
    """Here "paged" shows 3 papers and has "Show more", but its 8 cards are one file, loaded at once."""
    page.goto(site_url + "papers/")
    page.wait_for_load_state("networkidle")
    results = page.locator("#finder-results li.paper-item")
    expect(results.first).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser does before printing
    assert results.count() == 8
    expect(page.locator("#finder-more")).to_be_hidden()


def test_the_stats_map_can_be_skipped_by_keyboard(page: Any, site_url: str) -> None:
    page.goto(site_url + "stats/")
    page.locator("figure.topic-map").scroll_into_view_if_needed()
    expect(page.locator(".topic-map a.map-point")).to_have_count(8)
    skip = page.get_by_role("link", name="Skip the map's 8 links")
    skip.focus()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#topic-map-end")).to_be_focused()  # just after the map's last dot
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.topic-map') === null")


@pytest.mark.parametrize(("path", "box", "name"), [
    ("publications/gong2011iterative/", "pre.bibtex", "BibTeX entry"),
    ("contributing/", "#diagnostic-codes ~ .table-scroll", "Diagnostic codes"),
    ("taxonomy/", ".table-scroll", "Unsupervised papers"),
    ("stats/", "figure.chart", "Papers per year"),
    ("publications/gong2011iterative/", ".summary .math-scroll", "Formula 1 of 4 in the summary"),
    ("publications/gong2011iterative/", ".summary p:last-child .math-inline", "Formula 4 of 4 in the summary"),
    ("contributing/", ".math-scroll", "Formula on this page"),
])
def test_a_box_that_scrolls_sideways_is_reached_with_tab_and_scrolled_with_the_arrow_keys(
        page: Any, site_url: str, path: str, box: str, name: str) -> None:
    """axe's scrollable-region-focusable: on a phone, a keyboard user tabs to a box wider than the screen and
    scrolls it, as a finger would."""
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    target = page.locator(box).first
    assert target.evaluate("el => el.scrollWidth > el.clientWidth + 50"), "the box is wider than the screen"
    start = target.evaluate("el => el.scrollLeft")
    # the tab stop just before the box, as a keyboard user comes to it
    target.evaluate("""box => [...document.querySelectorAll("a[href], button, input, select, summary, [tabindex]")]
        .filter(el => el.tabIndex >= 0 && el.getClientRects().length
                && box.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING && !el.contains(box))
        .pop().focus()""")
    page.keyboard.press("Tab")
    expect(target).to_be_focused()
    assert page.evaluate("""() => { const el = document.activeElement;
        const ref = el.getAttribute("aria-labelledby");
        return ref ? document.getElementById(ref).textContent.trim() : el.getAttribute("aria-label"); }""") == name
    onward = "ArrowLeft" if target.evaluate("el => getComputedStyle(el).direction") == "rtl" else "ArrowRight"
    for _ in range(3):  # the chart starts at its right end, the newest years, and scrolls back to the oldest
        page.keyboard.press(onward)
    expect(target).to_be_focused()
    target.evaluate("""(el, start) => new Promise(done => {  // scrolling by keys is smooth: wait for it
        const moved = () => Math.abs(el.scrollLeft - start) >= 40 ? done() : requestAnimationFrame(moved);
        moved(); setTimeout(done, 3000); })""", start)
    assert abs(target.evaluate("el => el.scrollLeft") - start) >= 40


def test_a_wide_formula_scrolls_in_its_own_box_and_the_page_does_not(page: Any, site_url: str) -> None:
    """On a phone, a display formula wider than the screen scrolls sideways by itself, from its first symbol
    (none of it out of reach to the left), and the page does not. On a desktop, where it fits, it is no tab stop;
    it becomes one as the window narrows."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "publications/gong2011iterative/")
    page.wait_for_load_state("networkidle")
    box = page.get_by_role("region", name="Formula 1 of 4 in the summary")
    assert box.evaluate("el => [el.scrollWidth <= el.clientWidth, el.tabIndex]") == [True, -1]
    page.set_viewport_size({"width": 375, "height": 667})
    page.wait_for_function("() => document.querySelector('.summary .math-scroll').tabIndex === 0")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert box.evaluate("el => [el.scrollLeft, el.scrollWidth > el.clientWidth + 100, el.tabIndex]") == [0, True, 0]
    assert box.evaluate("""el => el.querySelector("math").getBoundingClientRect().left
        >= el.getBoundingClientRect().left""")
    assert box.evaluate("el => el.getBoundingClientRect().right") <= 375


LEVEL_WITH_ITS_WORDS = """box => {  // on a line with the word just before it or the one just after it, in their order
    const letter = (text, at) => { const range = document.createRange();
        range.setStart(text, at); range.setEnd(text, at + 1); return range.getBoundingClientRect(); };
    const before = letter(box.previousSibling, box.previousSibling.length - 2), after = letter(box.nextSibling, 1);
    const formula = box.getBoundingClientRect();
    const level = word => formula.top < word.bottom && word.top < formula.bottom;
    return level(before) && formula.left >= before.right - 1 || level(after) && formula.right <= after.left + 1; }"""
UNBOXED = """() => [...document.querySelectorAll(".summary .math-inline > math")].map(math => {
    const box = math.parentElement, before = math.getBoundingClientRect();
    box.replaceWith(math);  // the formula as it stands without its box
    const after = math.getBoundingClientRect();
    math.replaceWith(box); box.append(math);
    return [box.className, ["top", "bottom", "left", "width"].every(side => before[side] === after[side])]; })"""


def test_a_long_inline_formula_scrolls_in_its_line_and_short_inline_math_stays_as_it_was(
        page: Any, site_url: str) -> None:
    """On a phone, an inline formula wider than the line scrolls sideways inside its own box (from its first
    symbol), which stays within the text's column, and the page does not; it is a tab stop, a region with a name.
    Short inline math flows in its sentence: each of its symbols stands where it would without the box, on the
    text's baseline, and its box, which fits, is no tab stop and no region. On a desktop the long one fits too."""
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(site_url + "publications/gong2011iterative/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    long, short = page.locator(".summary p:last-child .math-inline"), page.locator(".summary p:nth-last-child(2) .math-inline")
    expect(long).to_have_attribute("aria-label", "Formula 4 of 4 in the summary")
    assert long.evaluate("""el => [el.getAttribute("role"), el.tabIndex, el.scrollLeft, el.scrollWidth > el.clientWidth + 100,
        el.querySelector("math").getBoundingClientRect().left >= el.getBoundingClientRect().left,
        el.getBoundingClientRect().right <= el.closest("p").getBoundingClientRect().right]""") == [
        "region", 0, 0, True, True, True]
    assert short.count() == 2
    for box in short.all():
        assert box.evaluate("""el => [el.getAttribute("role"), el.getAttribute("aria-label"), el.tabIndex,
            el.scrollWidth <= el.clientWidth]""") == [None, None, -1, True]
        assert box.evaluate(LEVEL_WITH_ITS_WORDS)
    assert page.evaluate(UNBOXED) == [["math-inline", True]] * 3
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("() => document.querySelector('.summary p:last-child .math-inline').tabIndex === -1")
    assert long.evaluate("el => [el.getAttribute('role'), el.scrollWidth <= el.clientWidth]") == [None, True]
    assert long.evaluate(LEVEL_WITH_ITS_WORDS)
    assert page.evaluate(UNBOXED) == [["math-inline", True]] * 3
    # and every symbol is drawn whole, as without the box: none is cut off at the box's top or bottom
    lines = page.locator(".summary p:nth-last-child(-n+2)")
    boxed = [_rgb_rows(line.screenshot(animations="disabled")) for line in lines.all()]
    page.evaluate("""() => document.querySelectorAll(".summary .math-inline").forEach(box => box.replaceWith(...box.childNodes))""")
    unboxed = [_rgb_rows(line.screenshot(animations="disabled")) for line in lines.all()]
    assert [[len(shot), len(shot[0])] for shot in boxed] == [[len(shot), len(shot[0])] for shot in unboxed]
    differences = [max(abs(a - b) for row, other in zip(*shots) for a, b in zip(row, other))
                   for shots in zip(boxed, unboxed)]
    assert differences == [0, 0]


FORMULA_STOPS = """() => [...document.querySelectorAll(".math-scroll, .math-inline")].map(box => [
    box.closest("h1, .summary, .related") ? box.closest("h1, .summary, .related").tagName === "H1" ? "h1"
        : box.closest("h1, .summary, .related").className.split(" ")[0] : "?",
    box.className, box.tabIndex, box.getAttribute("role"), box.scrollWidth > box.clientWidth + 1,
    box.getBoundingClientRect().right <= document.documentElement.clientWidth])"""
"""Each formula's box on the page: where it is (the heading, the summary, the related papers), its class, whether it
is a tab stop and a region, whether it scrolls, and whether it stays within the screen."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_a_long_formula_in_a_title_stays_in_its_box_and_never_widens_the_page(
        browser: Any, site_url: str, scheme: str, script: bool) -> None:
    """On a phone, a title's long formula stays inside its own box, in the paper page's heading, in the cards of a
    list and among the related papers, in either theme, with or without JavaScript, and the page does not scroll
    sideways. In the heading the box scrolls and is a tab stop; in a card, a link's text, it is none (the link is the
    stop, and a keyboard could not scroll a box inside it: axe's scrollable-region-focusable), so there the formula
    is cut at the box's edge, whole on the paper's page."""
    context = browser.new_context(color_scheme=scheme, java_script_enabled=script)
    try:
        page = throttled(context.new_page())
        page.set_viewport_size({"width": 375, "height": 667})
        seen = {}
        for path in ("publications/jegou2011product/", "papers/2011/", "publications/gong2011iterative/"):
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"), path
            title = page.locator("h1 .math-inline, .paper-title .math-inline").first
            seen[path] = title.evaluate("""box => [box.closest("a") ? "link" : box.parentElement.tagName,
                box.tabIndex, getComputedStyle(box).overflowX, box.scrollWidth > box.clientWidth + 100, box.scrollLeft,
                box.getBoundingClientRect().left >= 0, box.getBoundingClientRect().right <= 375]""")
        assert seen == {"publications/jegou2011product/": ["H1", 0, "auto", True, 0, True, True],
                        "papers/2011/": ["link", -1, "hidden", True, 0, True, True],
                        "publications/gong2011iterative/": ["link", -1, "hidden", True, 0, True, True]}
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    finally:
        context.close()


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_without_javascript_a_keyboard_stops_only_at_the_formulas_that_may_scroll(
        browser: Any, site_url: str, script: bool) -> None:
    """Without JavaScript, the page's own tab stops among the formulas are the display formula and the long inline
    one, which scroll on a phone, not every short inline formula of the prose: tabbing through the summary reaches
    those two; short ones are no region. With JavaScript the same on a phone; on a desktop, where all fit, none is a
    stop."""
    context = browser.new_context(java_script_enabled=script)
    try:
        page = throttled(context.new_page())
        page.set_viewport_size({"width": 375, "height": 667})
        page.goto(site_url + "publications/gong2011iterative/")
        page.wait_for_load_state("networkidle")
        if script:
            page.wait_for_function("() => document.querySelector('.summary .math-scroll').tabIndex === 0")
        boxes = [box[:5] for box in page.evaluate(FORMULA_STOPS) if box[0] == "summary"]
        assert boxes == [["summary", "math-scroll", 0, "region", True], ["summary", "math-inline", -1, None, False],
                         ["summary", "math-inline", -1, None, False], ["summary", "math-inline", 0, "region", True]]
        page.locator(".summary").evaluate("""summary => { const before = document.createElement("button");
            summary.prepend(before); before.focus(); }""")
        reached = []
        for _ in range(4):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("""() => document.activeElement.closest(".summary")
                ? document.activeElement.getAttribute("aria-label") : null"""))
        assert reached == ["Formula 1 of 4 in the summary", "Formula 4 of 4 in the summary", None, None]
        if script:
            page.set_viewport_size({"width": 1280, "height": 900})
            page.wait_for_function("() => document.querySelector('.summary .math-scroll').tabIndex === -1")
            page.wait_for_function("() => document.querySelector('.summary p:last-child .math-inline').tabIndex === -1")
            assert [box[2:4] for box in page.evaluate(FORMULA_STOPS) if box[0] == "summary"] == [
                [-1, "region"], [-1, None], [-1, None], [-1, None]]
    finally:
        context.close()


def _rgb_rows(png: bytes) -> list[bytes]:
    """The rows of pixels of a screenshot, 3 bytes (red, green, blue) a pixel: an 8-bit RGB or RGBA PNG, not
    interlaced, as Chromium writes it."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, header = 8, b""
    chunks: list[bytes] = []
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        data, at = png[at + 8:at + 8 + length], at + 12 + length
        header, chunks = (data, chunks) if kind == b"IHDR" else (header, chunks + [data] if kind == b"IDAT" else chunks)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and not interlace, (depth, colour, interlace)
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up, corner = previous[x], previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 255
        previous = line
        rows.append(bytes(line) if size == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
    return rows


def assert_shade_follows_scrolling(box: Any, label: str) -> None:
    """Assert that a box scrolls sideways and shows its shade only at the right edge, then, scrolled to its end, only
    at the left one."""
    box.scroll_into_view_if_needed()
    assert box.evaluate("el => el.scrollWidth > el.clientWidth + 50"), label
    left, right = shades(box)
    assert left <= UNSEEN and right >= SEEN, (label, left, right)
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    left, right = shades(box)
    assert left >= SEEN and right <= UNSEEN, (label, left, right)


def shades(box: Any) -> list[int]:
    """How much a box's scroll shade darkens (or, dark theme, lightens) its left and its right edge: the largest
    difference of a colour channel, within 16 px of each side, from the same box with a transparent shade. The rows
    of a rounded box's corners are left out: there the shade tints the anti-aliased pixels of the curve (by up to 8
    of 255) whatever it shows."""
    # The box's top a quarter of the window down, below the sticky header, and the strips within the window: a
    # screenshot of the window is quick, one of the whole page took seconds (the long Contributing page, at two device
    # pixels to the CSS pixel).
    x, y, width, height, corner, window = box.evaluate("""el => {
        scrollBy({left: 0, top: el.getBoundingClientRect().top - innerHeight / 4, behavior: "instant"});
        const r = el.getBoundingClientRect();
        return [r.left, r.top, r.width, r.height, parseFloat(getComputedStyle(el).borderTopLeftRadius), innerHeight]; }""")
    strips = [{"x": left, "y": y + corner, "width": 16, "height": min(height - 2 * corner, 300)}
              for left in (x, x + width - 16)]
    assert 0 <= strips[0]["y"] and strips[0]["y"] + strips[0]["height"] <= window, (strips, window)
    found = []
    for strip in strips:
        shown = _rgb_rows(box.page.screenshot(clip=strip, animations="disabled"))
        box.evaluate("el => el.style.setProperty('--scroll-shade', 'transparent')")
        plain = _rgb_rows(box.page.screenshot(clip=strip, animations="disabled"))
        box.evaluate("el => el.style.removeProperty('--scroll-shade')")
        found.append(max(abs(a - b) for row, other in zip(shown, plain) for a, b in zip(row, other)))
    return found


SEEN, UNSEEN = 12, 0
"""What shades() says of the side of a box shaded (next to its edge it is some 22 of 255 darker or lighter) and of one
not (no pixel changes)."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_box_that_scrolls_sideways_shows_a_shade_where_more_of_it_is_and_none_where_it_fits(
        browser: Any, site_url: str, scheme: str, request: pytest.FixtureRequest) -> None:
    """On a phone, a box wider than the screen is shaded at its right edge, where more of it is, and not at its left
    while it shows its start; scrolled to its end, the other way round. On a desktop, where the boxes fit, none is
    shaded: every pixel is as it would be without the shades. On a screen of two pixels to the CSS pixel, as phones
    have, where a box's fractional edges would show a hairline of shade."""
    if request.node.callspec.params["site_url"] == "paged":
        pytest.skip("a paper's page and the Contributing page have the same boxes in both modes")
    context = browser.new_context(color_scheme=scheme, device_scale_factor=2)
    try:
        page = throttled(context.new_page())
        page.set_viewport_size({"width": 375, "height": 667})
        boxes = {"publications/gong2011iterative/": [".summary .math-scroll", ".summary p:last-child .math-inline",
                                                     "pre.bibtex"],
                 "contributing/": ["pre", "#diagnostic-codes ~ .table-scroll"]}
        for path, selectors in boxes.items():
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            for selector in selectors:
                assert_shade_follows_scrolling(page.locator(selector).first, selector)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(site_url + "publications/gong2011iterative/")
        page.wait_for_load_state("networkidle")
        fitting = page.locator(".summary .math-scroll, .summary .math-inline, pre.bibtex")
        assert fitting.count() == 5
        for box in fitting.all():
            assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
            assert max(shades(box)) <= UNSEEN, box.evaluate("el => el.outerHTML.slice(0, 60)")
    finally:
        context.close()


def phone_topic_maps(page: Any, site_url: str) -> Iterator[tuple[str, Any]]:
    """Open the stats page and the all-papers page, unfold the latter's map, and yield each page's path and its map's
    figure, scrolled into view and drawn (a large review's map file is fetched as it comes into view)."""
    for path in ("stats/", "papers/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        if path == "papers/":
            page.locator("#finder-map > summary").click()
        box = page.locator("figure.topic-map")
        box.scroll_into_view_if_needed()
        expect(box.locator("a.map-point")).to_have_count(8)
        yield path, box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_topic_map_on_a_phone_shows_its_scroll_shade(browser: Any, site_url: str, scheme: str) -> None:
    """On a phone the topic map scrolls sideways in its box like the other wide boxes, and shows their shade where
    more of it is, over the map's own background (on the stats page and on the all-papers page, where the map is
    folded; a large review's map file loaded on demand)."""
    context = browser.new_context(color_scheme=scheme, device_scale_factor=2)
    try:
        page = throttled(context.new_page())
        page.set_viewport_size({"width": 375, "height": 667})
        for path, box in phone_topic_maps(page, site_url):
            assert_shade_follows_scrolling(box, path)
    finally:
        context.close()


LEGEND_IN_VIEW = """figure => { const box = figure.getBoundingClientRect();
    return [...figure.querySelectorAll(".map-legend li")].map(item => { const r = item.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 4, r.top + r.height / 2);
        return [item.textContent, r.left >= box.left && r.right <= box.right && !!hit && item.contains(hit)]; }); }"""
"""Each legend entry of a topic map's figure, and whether it is wholly inside the figure's box and shown on top."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_topic_maps_legend_stays_in_view_while_the_map_scrolls_on_a_phone(
        browser: Any, site_url: str, scheme: str) -> None:
    """On a phone the map scrolls sideways in its box; its legend stays in the box's view wherever the map is
    scrolled to, instead of scrolling away with the map's left edge (stats page, and the all-papers page's folded
    map; a large review's map file loaded on demand)."""
    context = browser.new_context(color_scheme=scheme)
    try:
        page = throttled(context.new_page())
        page.set_viewport_size({"width": 375, "height": 667})
        legend = [[name, True] for name in ("Unsupervised", "Supervised", "Quantisation")]
        for path, box in phone_topic_maps(page, site_url):
            box.locator(".map-legend").scroll_into_view_if_needed()  # below a map that was loaded as it came into view
            assert box.evaluate(LEGEND_IN_VIEW) == legend, path
            for end in ("el.scrollWidth", "(el.scrollWidth - el.clientWidth) / 2"):
                box.evaluate(f"el => {{ el.scrollLeft = {end}; }}")
                assert box.evaluate("el => el.scrollLeft") > 100, path
                assert box.evaluate(LEGEND_IN_VIEW) == legend, (path, end)
    finally:
        context.close()


SCROLL_STOPS = """() => [...document.querySelectorAll("[data-scroll-stop]")].map(box => [box.tabIndex >= 0,
    getComputedStyle(box).overflowX !== "hidden" && box.scrollWidth > box.clientWidth + 1
    || getComputedStyle(box).overflowY !== "hidden" && box.scrollHeight > box.clientHeight + 1])"""
"""Whether each box is a tab stop, and whether it can scroll (along an axis its overflow lets a reader scroll)."""


def test_a_box_is_a_tab_stop_only_while_it_can_scroll(page: Any, site_url: str) -> None:
    """A box that fits is no tab stop (one stop too many for a keyboard user); narrowed until it scrolls, it is one
    again. Without JavaScript every such box is a tab stop (test_html_valid.py)."""
    seen: set[object] = set()
    for path in ("publications/gong2011iterative/", "contributing/", "taxonomy/", "stats/"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        wide = page.evaluate(SCROLL_STOPS)
        assert wide and all(stop == scrolls for stop, scrolls in wide), (path, wide)
        page.set_viewport_size({"width": 375, "height": 667})
        page.wait_for_function(f"() => ({SCROLL_STOPS})().every(([stop, scrolls]) => stop === scrolls)")
        narrow = page.evaluate(SCROLL_STOPS)
        seen |= {("wide", stop) for stop, _ in wide} | {("narrow", stop) for stop, _ in narrow}
        # a box that fitted the desktop and scrolls on the phone became a tab stop
        seen |= {"came back" for (was, _), (now, _) in zip(wide, narrow) if not was and now}
    assert {("wide", False), ("narrow", True), "came back"} <= seen, seen


def test_the_theme_toggle_says_whether_the_dark_theme_is_on(browser: Any, site_url: str) -> None:
    for scheme, initially in (("light", "false"), ("dark", "true")):
        context = browser.new_context(color_scheme=scheme)
        try:
            page = throttled(context.new_page())
            page.goto(site_url)
            toggle = page.get_by_role("button", name="Dark theme")
            expect(toggle).to_have_attribute("aria-pressed", initially)
            toggle.click()
            expect(toggle).to_have_attribute("aria-pressed", "true" if initially == "false" else "false")
            page.reload()  # the choice is kept
            expect(page.get_by_role("button", name="Dark theme")).to_have_attribute(
                "aria-pressed", "true" if initially == "false" else "false")
        finally:
            context.close()
