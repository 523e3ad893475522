"""Hostile markup in summaries and fields: the site builds, and no page carries live script from content.

Every page of each built site is parsed with html5lib (as a browser would) and walked for
<script> (only the site's own static/theme.js is allowed), on* attributes, javascript:/data:
URLs and elements that embed other documents; see htmlcheck.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest

from adversarial.harness import PAPER, diagnostic_lines, paper, run_cli, snapshot
from adversarial.htmlcheck import unsafe_markup, unsafe_pages

PAGE = "publications/weiss2008spectral/index.html"

SUMMARIES = {
    "script": "Before <script>alert(1)</script> after.",
    "script-unclosed": "Before <script>alert(1)",
    "img-onerror": 'An image <img src=x onerror="alert(1)"> here.',
    "iframe": 'Framed <iframe src="https://evil.example/" srcdoc="<script>alert(1)</script>"></iframe> text.',
    "svg-onload": 'Vector <svg onload="alert(1)"><circle r="1"/><script>alert(2)</script></svg> text.',
    "a-javascript": '<a href="javascript:alert(1)">click</a> and <a href=" JaVaScRiPt:alert(1)">again</a>',
    "a-entity-encoded": '<a href="&#106;avascript&#58;alert(1)">x</a> <a href="jav&#x09;ascript:alert(1)">y</a>',
    "markdown-links": "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,<script>x</script>) "
                      "[d](vbscript:msgbox(1)) [e](&#106;avascript:alert(1)) <javascript:alert(1)>",
    "markdown-images": "![a](javascript:alert(1)) ![b](data:image/svg+xml,<svg/onload=alert(1)>) "
                       '![c](https://example.org/x.png "t\\" onerror=\\"alert(1)")',
    "reference-link": "[x][1]\n\n[1]: javascript:alert(1)",
    "html-comment-hiding": "Visible <!-- <script>alert(1)</script> --> text <!--> <img src=x onerror=alert(1)> -->",
    "conditional-comment": "<!--[if IE]><script>alert(1)</script><![endif]--> text",
    "math-closing-script": "Inline $x</script><script>alert(1)</script>$ and display\n\n$$</script><img src=x onerror=alert(1)>$$",
    "math-href": r"$\href{javascript:alert(1)}{x}$ and $\style{x}{y}$",
    "style-and-form": '<style>*{}</style><form action="https://evil.example/"><input name=x></form><base href="https://evil.example/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "attribute-breakout": '<a href="https://example.org/" title="x" onmouseover="alert(1)">x</a> `<b onclick=x>`',
    "object-embed": '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    "nested-parser-confusion": "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "fenced-code": "```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```\n\n"
                   "~~~\n</code></pre><script>alert(2)</script>\n~~~",
    "deep-but-allowed": ">" * 40 + " quoted " + "[" * 40 + " text",
}


@pytest.fixture
def build_paper(site: Callable[[dict[str, str | bytes]], Path]) -> Callable[[str], tuple[int, str, dict[str, bytes]]]:
    """Build a review whose one paper is the given file; return exit code, stderr and the site."""

    def build(text: str) -> tuple[int, str, dict[str, bytes]]:
        root = site({PAPER: text})
        code, _, err = run_cli("build", "--root", str(root), "-q")
        return code, err, snapshot(root / "_site") if (root / "_site").exists() else {}

    return build


def test_checker_finds_live_script() -> None:
    """The checker itself: it must see what a browser would run, however it is spelled."""
    page = b'<!doctype html><title>x</title><script src="static/theme.js"></script>' \
           b'<p><a href=" java\tscript:x">a</a><IMG SRC=x OnError=y><svg><script>z</script></svg>' \
           b'<iframe></iframe><a href="https://example.org/">ok</a>'
    assert unsafe_markup(page, "index.html") == [
        "<a href=' java\\tscript:x'> dangerous URL",
        "<img onerror='y'> event handler",
        "<script src=''> 'z'",
        "<iframe> element",
    ]


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_hostile_summary_renders_inert(name: str, build_paper: Callable[[str], tuple[int, str, dict[str, bytes]]]) -> None:
    code, err, pages = build_paper(paper(body=SUMMARIES[name] + "\n"))
    assert code == 0, err
    assert PAGE in pages
    assert unsafe_pages(pages.items()) == {}
    html5lib.HTMLParser(strict=True).parse(pages[PAGE])  # the page is still well-formed HTML5


FIELDS = {
    "title-script": {"title": '"Spectral Hashing <script>alert(1)</script>"'},
    "title-math-script": {"title": '"Spectral Hashing $x</script><script>alert(1)</script>$"'},
    "link-name-script": {"extra": 'links:\n  - name: "Code <img src=x onerror=alert(1)>"\n    url: https://arxiv.org/abs/0801.0001\n'},
    "link-url-quote-breakout": {"extra": 'links:\n  - name: Code\n    url: "https://arxiv.org/abs/0801.0001?a=\\"><script>alert(1)</script>"\n'},
    "doi-quote-breakout": {"extra": 'doi: "10.1234/\\"><script>alert(1)</script>"\n'},
}


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_hostile_field_renders_inert(name: str, build_paper: Callable[[str], tuple[int, str, dict[str, bytes]]]) -> None:
    fields = dict(FIELDS[name])
    code, err, pages = build_paper(paper(fields.pop("extra", ""), **fields))
    assert code == 0, err
    assert unsafe_pages(pages.items()) == {}
    assert b"<script>alert" not in pages[PAGE]


def test_removed_markup_is_reported_with_file_and_line(build_paper: Callable[[str], tuple[int, str, dict[str, bytes]]]) -> None:
    code, err, pages = build_paper(paper("added: 2024-01-15\n",
                                         body="Codes.\n\nSee <img src=x> and [the code](javascript:alert(1)).\n"))
    assert code == 0, err
    assert diagnostic_lines(err) == [
        "papers/weiss2008spectral.md:13:5: warning[summary-stripped]: <img> is not allowed in a summary and was removed",
        ("papers/weiss2008spectral.md:13:32: warning[summary-stripped]: the link to 'javascript:alert(1)' was removed, "
        "its text kept: it is not a web address"),
    ]
    assert "help: links must start with https:// (or http://): write the full address" in err
    assert b" the code" in pages[PAGE] and b">the code</a>" not in pages[PAGE]  # its words, as plain text
