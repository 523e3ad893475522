"""The repository's own site: every page is valid HTML5 (html5lib, strict), every internal link resolves.

The site is built once from a copy of the repository's content, templates and settings.
External links are never fetched. `l2h build --check-links` runs the same link checker.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from adversarial.harness import PAPER, diagnostic_lines, run_cli, snapshot
from adversarial.htmlcheck import unsafe_pages
from conftest import GOOD_PAPER, REPO

from l2h_site.build import build
from l2h_site.linkcheck import check_folder, check_pages
from l2h_site.markup import PHONE_LINE
from l2h_site.model import RenderedPage

CONTENT = ("papers", "templates", "static", "taxonomy.yml", "l2h.yml", "CONTRIBUTING.md", "resources.md")
"""What of the repository goes into its site."""


@pytest.fixture(scope="module", params=["full", "paged"])
def repo_site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """Build the repository's own site into a temporary folder and return that folder.

    "paged" builds it as a larger review is built (list_limit 20): the newest papers on the papers
    page with per-year pages, year, tag and facet lists split into linked pages, the map on demand.
    """
    root = tmp_path_factory.mktemp("repo") / "review"
    root.mkdir()
    for name in CONTENT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy(source, root / name)
    if request.param == "paged":
        with (root / "l2h.yml").open("a", encoding="utf-8") as settings:
            settings.write("\nlist_limit: 20\n")
    result = build(root, root / "_site")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert result.written, f"the repository's site does not build: {errors[:5]}"
    return root / "_site"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_valid_html5(repo_site: Path) -> None:
    pages = html_pages(repo_site)
    assert len(pages) > 100
    invalid = {}
    for page in pages:
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            invalid[page.relative_to(repo_site).as_posix()] = f"{exc} at {parser.errors[0][0] if parser.errors else '?'}"
    assert invalid == {}


_SCROLLS = re.compile(r"([^{}]+)\{[^}]*\boverflow(?:-[xy])?:\s*(?:auto|scroll)")
"""A rule of style.css that lets a box scroll: its selectors."""
_FOCUSABLE = frozenset({"a", "button", "input", "select", "summary", "textarea"})


def _scrolling_selectors() -> set[str]:
    """The selectors of the boxes style.css lets scroll (`pre`, `.table-scroll`, …), outside @media lines."""
    css = re.sub(r"/\*.*?\*/", "", (REPO / "static" / "style.css").read_text(encoding="utf-8"), flags=re.DOTALL)
    css = re.sub(r"@media[^{]*\{", "", css)
    return {sel.strip() for match in _SCROLLS.finditer(css) for sel in match.group(1).split(",")}


def _is_tab_stop(el: ElementTree.Element) -> bool:
    tabindex = el.get("tabindex")
    if tabindex is not None:
        return tabindex.lstrip("-").isdigit() and int(tabindex) >= 0
    tag = el.tag.rsplit("}", 1)[-1]
    return tag in _FOCUSABLE and (tag != "a" or el.get("href") is not None) and el.get("type") != "hidden"


def _fits_a_phones_line(box: ElementTree.Element) -> bool:
    """True for the box of an inline formula that fits on a line of a phone's screen (markup.is_wide_formula)."""
    spaces = [el for el in box.iter() if str(el.tag).rsplit("}", 1)[-1] in ("mspace", "mpadded")]
    return "math-inline" in (box.get("class") or "").split() and not spaces \
        and len("".join(box.itertext())) <= PHONE_LINE


def test_every_box_that_may_scroll_is_reached_by_keyboard_and_named(repo_site: Path) -> None:
    """axe's scrollable-region-focusable on every page: a box that style.css lets scroll (a code block, a wide table,
    the BibTeX entry, the tag list, the chart and the map on a phone) is a tab stop or holds one, so that a keyboard
    can scroll it; a box that is a tab stop and not a code block has a name. Without JavaScript, that is: theme.js
    makes the box of a short inline formula a stop only should it scroll, and a formula's box within a link is none
    (the link is the stop). A formula's box in a heading has no name, which would stand for the formula in the
    heading's own name."""
    selectors = _scrolling_selectors()
    assert all(re.fullmatch(r"[a-z]+|\.[a-z-]+", s) for s in selectors), f"teach this test the selector: {selectors}"
    seen: set[str] = set()
    unreachable, unnamed = [], []
    for path in html_pages(repo_site):
        root = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        ids = {el.get("id") for el in root.iter() if el.get("id")}
        within = {child: parent for parent in root.iter() for child in parent}
        for el in root.iter():
            classes = (el.get("class") or "").split()
            kinds = {s for s in selectors if s == el.tag or s.startswith(".") and s[1:] in classes}
            if not kinds:
                continue
            seen |= kinds
            where = f"{path.relative_to(repo_site).as_posix()}: <{el.tag} class={el.get('class')!r}>"
            outer = [within[el]]
            while outer[-1] in within:
                outer.append(within[outer[-1]])
            if any(e.tag == "a" for e in outer) or _fits_a_phones_line(el) and not _is_tab_stop(el):
                continue
            if not any(_is_tab_stop(e) for e in el.iter()):
                unreachable.append(where)
            elif _is_tab_stop(el) and (el.tag != "pre" or el.get("role")) and not any(e.tag == "h1" for e in outer):
                named = el.get("aria-label") or el.get("aria-labelledby") in ids
                if not named:
                    unnamed.append(where)
    assert seen == selectors, "every kind of box is on some page of the site"
    assert unreachable == [] and unnamed == []


def test_strict_parser_rejects_broken_html() -> None:
    """The check above has teeth: html5lib in strict mode raises on what a browser would repair."""
    for broken in (b"<!doctype html><title>x</title><p>a</div>", b"<title>x</title>", b"<!doctype html><title>x</title><p a=1 a=2>"):
        with pytest.raises(html5lib.html5parser.ParseError):
            html5lib.HTMLParser(strict=True).parse(broken)


def test_every_internal_link_and_anchor_resolves(repo_site: Path) -> None:
    assert check_folder(repo_site, "https://learning2hash.github.io/") == []


def test_no_page_runs_script_from_content(repo_site: Path) -> None:
    pages = [(p.relative_to(repo_site).as_posix(), p.read_bytes()) for p in html_pages(repo_site)]
    assert unsafe_pages(pages) == {}


def page(path: str, body: str) -> RenderedPage:
    return RenderedPage(path, f"<!doctype html><title>t</title>\n{body}\n".encode())


def test_link_checker_reports_each_kind_of_broken_link() -> None:
    pages = [
        page("index.html", '<h2 id="intro">Intro</h2><a href="papers/">ok</a> <a href="#intro">ok</a> <a href="#top">ok</a>'),
        page("papers/index.html", '<a href="../">ok</a> <a href="../index.html#intro">ok</a>\n'
             '<a href="../tags/">folder without index</a> <a href="../index.html#outro">missing anchor</a>\n'
             '<a href="../../../etc/passwd">outside</a> <a href="https://example.org/x">external</a> '
             '<a href="https://site.example/nowhere/">own absolute URL</a> <a href="#">empty</a>'),
        page("tags/x/index.html", '<img src="../../static/missing.png"><a href="../x">ok</a>'),
    ]
    assert [(d.path, d.line, d.column, d.code, d.message) for d in check_pages(pages, "https://site.example/")] == [
        ("papers/index.html", 3, 1, "broken-link", 'link "../tags/" points to tags/index.html, which is not in the site'),
        ("papers/index.html", 3, 45, "broken-anchor",
         'link "../index.html#outro" points to #outro, but index.html has no element with that id'),
        ("papers/index.html", 4, 1, "broken-link", 'link "../../../etc/passwd" points to ../../etc/passwd, which is not in the site'),
        ("papers/index.html", 4, 88, "broken-link",
         'link "https://site.example/nowhere/" points to nowhere/index.html, which is not in the site'),
        ("tags/x/index.html", 2, 1, "broken-link",
         'link "../../static/missing.png" points to static/missing.png, which is not in the site'),
    ]


def test_build_check_links_fails_on_a_broken_link(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = site({PAPER: GOOD_PAPER})
    assert run_cli("build", "--root", str(root), "--check-links", "-q") == (0, "", "")
    before = snapshot(root / "_site")
    home = root / "templates" / "404.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "{% endblock %}", '<a href="{{ url(\'nowhere/\') }}">x</a> <a href="#no-such-id">y</a>\n{% endblock %}', 1),
        encoding="utf-8")
    code, _, err = run_cli("build", "--root", str(root), "--check-links")
    lines = diagnostic_lines(err)
    assert [line.split(": ", 1)[1] for line in lines] == [
        ('error[broken-link]: link "/nowhere/" points to nowhere/index.html, which is not in the site '
        "(in the built page _site/404.html)"),
        ('error[broken-anchor]: link "#no-such-id" points to #no-such-id, but 404.html has no element with that id '
        "(in the built page _site/404.html)"),
    ]
    assert [line.split(": ", 1)[0] for line in lines] == ["templates/404.html:2:75", "templates/404.html:2:105"]
    assert code == 1
    assert snapshot(root / "_site") == before
    # Without --check-links the same site builds: the checker is opt-in.
    assert run_cli("build", "--root", str(root), "-q")[0] == 0
