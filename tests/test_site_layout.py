"""What readers see of the site's frame: the 404 page, page headings, navigation, colours, and the CLI entry."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from conftest import GOOD_PAPER, REPO

from l2h_site.build import build
from l2h_site.config import base_path
from l2h_site.context import split_title
from l2h_site.linkcheck import check_pages
from l2h_site.model import RenderedPage
from l2h_site.render import rooted_url
from l2h_site.serve import resolve_site_request
from l2h_site.taxonomy import load_taxonomy


def test_python_m_cli_runs_the_command_line(tmp_path: Path,
                                            site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """`python -m l2h_site.cli build` builds and exits with main()'s code, as `python -m l2h_site` does."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n"})
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-m", "l2h_site.cli", "build", "--root", str(root), "-q"], capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (root / "_site" / "index.html").is_file()
    usage = subprocess.run([sys.executable, "-m", "l2h_site.cli", "build", "--no-such-option"], capture_output=True,
                           text=True, env=env, check=False, timeout=300)
    assert usage.returncode == 2


def _links(html: str) -> list[str]:
    """Every href and src of a page, in order."""
    return re.findall(r'\b(?:href|src)="([^"]*)"', html)


@pytest.mark.parametrize(("base_url", "root"), [("https://example.org/", "/"),
                                                ("https://example.org/review/", "/review/")])
def test_404_page_links_are_rooted_at_the_base_path(site: Callable[[dict[str, str | bytes]], Path],
                                                    base_url: str, root: str) -> None:
    """A host serves 404.html at any missing address (/publications/typo/): its links and assets cannot be relative."""
    review = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": f"base_url: {base_url}\nsearch: false\n"})
    result = build(review, out_dir=review / "_site", use_cache=False)
    assert result.written
    out = review / "_site"
    page = (out / "404.html").read_text(encoding="utf-8")
    links = [link for link in _links(page) if not link.startswith(("#", "https://"))]
    assert f'<link rel="stylesheet" href="{root}static/style.css">' in page
    assert f'href="{root}papers/"' in page and f'href="{root}"' in page
    for link in links:
        assert link.startswith(root), link
        assert resolve_site_request(out, link, root) is not None, link  # as l2h serve answers it
        assert (out / link[len(root):]).resolve().is_relative_to(out.resolve())
    # every other page keeps relative links, so the site can be opened from any folder
    assert 'href="../static/style.css"' in (out / "papers" / "index.html").read_text(encoding="utf-8")
    # it is served at every missing address: noindex, and the canonical page of none (every other page is its own)
    assert '<meta name="robots" content="noindex">' in page and 'rel="canonical"' not in page
    assert f'<link rel="canonical" href="{base_url}papers/">' in (out / "papers" / "index.html").read_text(encoding="utf-8")


def test_rooted_url_and_base_path() -> None:
    assert base_path("https://example.org") == "/"
    assert base_path("https://example.org/review/") == "/review/"
    assert rooted_url("https://example.org/review/", "static/style.css") == "/review/static/style.css"
    assert rooted_url("https://example.org/", "") == "/"


def test_link_checker_follows_links_rooted_at_the_base_path() -> None:
    pages = [RenderedPage("404.html", b'<!doctype html><title>t</title><link rel="stylesheet" href="/review/static/s.css">'
                                      b'<a href="/review/">home</a> <a href="/review/nowhere/">x</a>'),
             RenderedPage("index.html", b"<!doctype html><title>t</title>"),
             RenderedPage("static/s.css", b"")]
    assert [d.message for d in check_pages(pages, "https://example.org/review/")] == [
        'link "/review/nowhere/" points to nowhere/index.html, which is not in the site']


def test_markdown_pages_have_one_h1_from_their_title_line(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """A page's leading `# Title` becomes its <h1> (and <title>), shown once; a page without one gets a default."""
    review = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n",
                   "resources.md": "\n# Reading list #\n\nStart here.\n\n## Surveys\n\nSome.\n",
                   "CONTRIBUTING.md": "Open a pull request.\n\n# Not a title: the first line is text\n"})
    assert build(review, out_dir=review / "_site", use_cache=False).written
    resources = (review / "_site" / "resources" / "index.html").read_text(encoding="utf-8")
    assert "<title>Reading list — " in resources
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", resources) == ["Reading list"]
    assert resources.split("<body>")[1].count("Reading list") == 1  # the <h1>, not again as text
    assert re.search(r'<h1>Reading list</h1>\s*<p>Start here.</p>\s*<h2 id="surveys">Surveys</h2>', resources)
    contributing = (review / "_site" / "contributing" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", contributing) == ["Contributing"]
    assert "<p>Open a pull request.</p>" in contributing


def test_split_title() -> None:
    assert split_title("# Resources\n\nText.\n") == ("Resources", "\nText.\n")
    assert split_title("\n\n  # Closed #  \nText") == ("Closed", "Text")
    assert split_title("## Section\nText") == (None, "## Section\nText")
    assert split_title("#hashtag\nText") == (None, "#hashtag\nText")
    assert split_title("Text\n# Later\n") == (None, "Text\n# Later\n")
    assert split_title("    # code\n") == (None, "    # code\n")


def _current(html: str) -> list[tuple[str, str]]:
    """(label, aria-current) of the main navigation's current items."""
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="[^"]*" aria-current="([a-z]+)">([^<]*)</a>', nav)


def test_navigation_marks_the_section_and_paper_breadcrumb_links_its_year(
        site: Callable[[dict[str, str | bytes]], Path]) -> None:
    review = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n"})
    assert build(review, out_dir=review / "_site", use_cache=False).written
    out = review / "_site"

    def read(path: str) -> str:
        return (out / path).read_text(encoding="utf-8")

    assert _current(read("papers/index.html")) == [("page", "Papers")]
    assert _current(read("papers/2008/index.html")) == [("true", "Papers")]
    assert _current(read("publications/weiss2008spectral/index.html")) == [("true", "Papers")]
    assert _current(read("tags/index.html")) == [("page", "Tags")]
    assert _current(read("tags/image-retrieval/index.html")) == [("true", "Tags")]
    assert _current(read("index.html")) == [] and _current(read("404.html")) == []
    paper = read("publications/weiss2008spectral/index.html")
    assert ('<p class="breadcrumb"><a href="../../papers/">Papers</a> / <a href="../../papers/2008/">2008</a></p>'
            in paper)
    assert (out / "papers" / "2008" / "index.html").is_file()


def test_markdown_page_tables_scroll_in_their_own_named_box_that_a_keyboard_reaches(
        site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """A wide table of a page scrolls sideways inside .table-scroll instead of widening the page on a phone; the box
    is a tab stop with a name (the heading it follows), so that a keyboard can scroll it too."""
    review = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n",
                   "resources.md": "# Resources\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n## Codes\n\n| c |\n|---|\n| 3 |\n"})
    assert build(review, out_dir=review / "_site", use_cache=False).written
    page = (review / "_site" / "resources" / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="table-scroll" role="region" tabindex="0" ') == 2
    assert 'tabindex="0" aria-label="Table 1 of 2 on this page"><table>' in page
    assert '<h2 id="codes">Codes</h2>\n<div class="table-scroll" role="region" tabindex="0" aria-labelledby="codes"><table>' in page
    assert page.count("</table></div>") == 2



WIDE_FORMULA = (r"\sum_{i=1}^{n} \left\| \mathrm{sgn}(W^\top x_i) - b_i \right\|_2^2 + \lambda \sum_{i,j} S_{ij} "
                r"\|b_i - b_j\|^2 + \mu \|W^\top W - I\|_F^2 + \nu \sum_k \log\left(1 + e^{-y_k w^\top x_k}\right)")
"""A formula some 700 px wide: twice a phone's screen."""


def test_a_summarys_formulas_scroll_in_their_own_named_boxes_that_a_keyboard_reaches(
        site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """A wide formula of a summary scrolls sideways inside its own box instead of widening the page on a phone:
    display math in span.math-scroll, inline math in span.math-inline; each box that may scroll on a phone is a tab
    stop named by its place (a short inline formula's box keeps its name for theme.js), the page stays valid HTML and
    a second build writes it again."""
    summary = f"Codes minimising\n\n$$\n{WIDE_FORMULA}\n$$\n\nover $b_i$ and $$W$$, that is ${WIDE_FORMULA}$.\n"
    review = site({"papers/weiss2008spectral.md": GOOD_PAPER.replace("Codes from thresholded eigenfunctions of the "
                                                                     "graph Laplacian.\n", summary),
                   "l2h.yml": "search: false\n"})
    out = review / "_site" / "publications" / "weiss2008spectral" / "index.html"
    assert build(review, out_dir=review / "_site", use_cache=False).written
    page = out.read_text(encoding="utf-8")
    assert page.count("<math ") == 4 and page.count('display="block"') == 1
    assert ('<p>Codes minimising</p>\n<span class="math-scroll" role="region" tabindex="0" '
            'aria-label="Formula 1 of 4 in the summary"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
            '<mrow><munderover><mo>∑</mo>') in page
    assert re.findall(r'<span class="math-inline" (role="region" tabindex="0" aria-label|data-label)="([^"]+)"><math '
                      r'xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><m', page) == [
        ("data-label", "Formula 2 of 4 in the summary"), ("data-label", "Formula 3 of 4 in the summary"),
        ('role="region" tabindex="0" aria-label', "Formula 4 of 4 in the summary")]
    assert page.count('<span class="math-') == 4 and page.count("</math></span>") == 4
    html5lib.HTMLParser(strict=True).parse(page)
    assert build(review, out_dir=review / "_site", use_cache=False).written
    assert out.read_text(encoding="utf-8") == page


def _declarations(css: str, selector: str) -> dict[str, str]:
    """The custom properties (--name: value) declared in the first rule of css with exactly this selector."""
    start = css.index(selector + " {") + len(selector) + 2
    body = css[start:css.index("}", start)]
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", body))


def _luminance(colour: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels in 0..255."""
    r, g, b = (c / 255 for c in colour)
    r, g, b = ((c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for c in (r, g, b))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.strip().lstrip("#")
    assert len(value) == 6, hex_colour
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def contrast(foreground: tuple[float, float, float], background: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_ratio_matches_wcag_examples() -> None:
    assert round(contrast(_rgb("#000000"), _rgb("#ffffff")), 2) == 21.0
    assert round(contrast(_rgb("#767676"), _rgb("#ffffff")), 2) == 4.54
    assert round(contrast(_rgb("#d9822b"), _rgb("#ffffff")), 2) == 2.93  # the old orange, reported by the audit


def test_topic_map_family_colours_have_3_to_1_contrast_in_both_themes() -> None:
    """Each family colour of the topic map and its legend stands out (WCAG 1.4.11: 3:1 for graphics) against the
    map's surface and the page, in the light theme and both ways to the dark one, also blended as the map's
    semi-transparent dots are, and those also under the shade at a side of the map's box, which scrolls on a phone
    (tests/e2e/test_accessibility.py checks the dots of a real map in the page too)."""
    css = (REPO / "static" / "style.css").read_text(encoding="utf-8")
    light = _declarations(css, ":root")
    dark_by_preference = _declarations(css, '  :root:not([data-theme="light"])')
    dark_by_choice = _declarations(css, ':root[data-theme="dark"]')
    families = [f"--fam-{i}" for i in range(10)]
    assert dark_by_preference == dark_by_choice
    for i, name in enumerate(families):
        assert f".fam-{i} {{ --c: var({name}); }}" in css
    opacity = float(re.search(r"\.map-point circle \{[^}]*fill-opacity: ([\d.]+);", css).group(1))  # type: ignore[union-attr]
    failures = []
    for theme, values in (("light", light), ("dark", dark_by_choice)):
        shade, shade_opacity = _rgba(values.get("--scroll-shade", light["--scroll-shade"]))
        surface = _rgb(values["--surface"])
        shaded = tuple(shade_opacity * s + (1 - shade_opacity) * b for s, b in zip(shade, surface))
        for name in families:
            colour = _rgb(values[name])
            for background_name, background in (("--surface", surface), ("--bg", _rgb(values["--bg"])),
                                                 ("--surface under the shade", shaded)):
                dot = tuple(opacity * c + (1 - opacity) * b for c, b in zip(colour, background))
                for shown, as_what in ((colour, "swatch"), (dot, "map dot")):
                    if as_what == "swatch" and background is shaded:
                        continue  # the legend does not scroll
                    ratio = contrast(shown, background)  # type: ignore[arg-type]
                    if ratio < 3:
                        failures.append(f"{theme} {name} {values[name]} as {as_what} on {background_name}: {ratio:.2f}:1")
    assert failures == []
    taxonomy, _ = load_taxonomy(REPO / "taxonomy.yml", "taxonomy.yml")
    family = taxonomy.facet("family")
    assert family is not None and len(family.values) <= len(families)  # every family of the review has a colour


def test_the_diagram_and_brand_colours_have_3_to_1_contrast_in_both_themes() -> None:
    """The home page's diagram draws points and buckets in --c1, --c2 and --c3 on the page (WCAG 1.4.11)."""
    css = (REPO / "static" / "style.css").read_text(encoding="utf-8")
    light = _declarations(css, ":root")
    dark = _declarations(css, ':root[data-theme="dark"]')
    failures = [f"{theme} {name} on {background}: {contrast(_rgb(colour), _rgb(values[background])):.2f}:1"
                for theme, values in (("light", light), ("dark", {**light, **dark}))
                for name in ("--c1", "--c2", "--c3") for colour in [values[name]]
                for background in ("--bg", "--surface")
                if contrast(_rgb(colour), _rgb(values[background])) < 3]
    assert failures == []


def test_every_page_has_its_own_description_and_a_link_preview(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """Tag, facet and year pages describe themselves (107 pages shared the site's description), and every page
    but the 404 page carries OpenGraph tags, a paper page its own."""
    import html as html_module

    second = GOOD_PAPER.replace("Spectral Hashing", "Hashing & <Codes>").replace("2008", "2009")
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/weiss2009hashing.md": second,
                 "l2h.yml": "title: A Review\nbase_url: https://review.example.org/\n"})
    result = build(root)
    assert result.written, [d.message for d in result.diagnostics]
    out = root / "_site"

    def meta(page: str) -> dict[str, str]:
        text = (out / page).read_text(encoding="utf-8")
        found = re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', text)
        return {name: html_module.unescape(value) for name, value in found}

    tag = meta("tags/image-retrieval/index.html")
    assert tag["description"] == "2 papers tagged Image Retrieval: Retrieval of images."
    facet = meta("taxonomy/family/unsupervised/index.html")
    assert facet["description"] == "2 papers of method family “Unsupervised”: Learned without labels."
    assert meta("papers/2009/index.html")["description"] == "The 1 paper from 2009 in A Review."
    for page in ("index.html", "papers/index.html", "tags/image-retrieval/index.html", "papers/2009/index.html",
                 "stats/index.html"):
        found = meta(page)
        assert found["og:type"] == "website" and found["og:description"] == found["description"], page
        assert found["og:url"] == "https://review.example.org/" + page.removesuffix("index.html"), page
    assert meta("tags/image-retrieval/index.html")["og:title"] == "Image Retrieval — A Review"
    paper = meta("publications/weiss2009hashing/index.html")
    assert paper["og:type"] == "article" and paper["og:title"] == "Hashing & <Codes>"
    assert (out / "publications/weiss2009hashing/index.html").read_text().count('property="og:type"') == 1
    assert not [name for name in meta("404.html") if name.startswith("og:")]


def _rgba(value: str) -> tuple[tuple[float, float, float], float]:
    """The colour and opacity of a CSS rgba(r, g, b, a)."""
    match = re.fullmatch(r"rgba\((\d+), (\d+), (\d+), ([\d.]+)\)", value.strip())
    assert match, value
    red, green, blue, alpha = match.groups()
    return (int(red), int(green), int(blue)), float(alpha)


def test_the_shade_of_a_box_that_scrolls_shows_in_both_themes_and_keeps_text_readable() -> None:
    """The shade at a side of a box that scrolls sideways is seen against the box's background (at its darkest, 1.2:1
    or more), and text beneath it keeps 4.5:1 (WCAG 1.4.3): body text, links and muted text on the page and the
    surface (formulas, tables, the chart's labels), body text on a code block's background; in the light theme and
    both ways to the dark one."""
    css = (REPO / "static" / "style.css").read_text(encoding="utf-8")
    light = _declarations(css, ":root")
    dark_by_preference = _declarations(css, '  :root:not([data-theme="light"])')
    dark_by_choice = _declarations(css, ':root[data-theme="dark"]')
    assert dark_by_preference["--scroll-shade"] == dark_by_choice["--scroll-shade"]
    shown = [("--text", "--bg"), ("--accent", "--bg"), ("--muted", "--bg"), ("--text", "--surface"),
             ("--accent", "--surface"), ("--muted", "--surface"), ("--text", "--bg-alt")]
    failures = []
    for theme, values in (("light", light), ("dark", {**light, **dark_by_choice})):
        shade, opacity = _rgba(values["--scroll-shade"])
        for background_name in ("--bg", "--surface", "--bg-alt"):
            background = _rgb(values[background_name])
            shaded = tuple(opacity * s + (1 - opacity) * b for s, b in zip(shade, background))
            if contrast(shaded, background) < 1.2:  # type: ignore[arg-type]
                failures.append(f"{theme}: the shade is hardly seen on {background_name}")
            for text_name in (text for text, on in shown if on == background_name):
                ratio = contrast(_rgb(values[text_name]), shaded)  # type: ignore[arg-type]
                if ratio < 4.5:
                    failures.append(f"{theme}: {text_name} under the shade on {background_name}: {ratio:.2f}:1")
    assert failures == []
