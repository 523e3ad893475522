"""Summaries rendered: fenced code, what the sanitiser removes (and says so), their plain text."""

from __future__ import annotations

import dataclasses
import pickle
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import GOOD_PAPER

from l2h_site.markup import (
    MarkdownRenderer,
    is_wide_formula,
    latex_to_mathml,
    render_inline,
    sanitise,
    title_heading,
    unfocusable_boxes,
    unsafe_tex,
)


def test_fenced_code_is_shown_escaped_with_its_language() -> None:
    rendered = MarkdownRenderer().render(
        "Hash with:\n\n```python\ncodes = x @ w > 0  # $not math$\n<script>alert(1)</script> <b>x</b>\n```\n\nDone.")
    assert rendered.html == ('<p>Hash with:</p>\n<pre tabindex="0"><code class="language-python">codes = x @ w &gt; 0  # $not math$\n'
                    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;\n</code></pre>\n<p>Done.</p>")
    assert rendered.notes == ()  # code is shown, nothing of it removed


def test_display_math_inside_a_fence_stays_code() -> None:
    html = MarkdownRenderer().render("~~~\n$$x$$\n$$\ny\n$$\n~~~\nThen $$z$$ and\n$$\nw\n$$").html
    assert html.startswith('<pre tabindex="0"><code>$$x$$\n$$\ny\n$$\n</code></pre>\n<p>Then <span class="math-inline" ')
    assert html.count("<math") == 2 and html.count('display="block"') == 1


def test_unclosed_fence_is_text() -> None:
    html = MarkdownRenderer().render("```\nx $y$").html
    assert html.startswith('<p>```\nx <span class="math-inline" ')


STRIPPED = {
    "script": ("Before <script>alert(1)</script> after.", 1, 8,
               "<script> is not allowed in a summary and was removed with what it contains",
               "summaries are plain prose with links and math: remove the <script>"),
    "img": ('Text\nwith <IMG src="https://x.org/a.png"> here.', 2, 6,
            "<img> is not allowed in a summary and was removed",
            "summaries are plain prose with links and math: remove the <img>"),
    "markdown-image": ("Text\n\nA figure: ![plot](https://x.org/a.png)", 3, 11,
                       "an image ![…](…) is not allowed in a summary and was removed",
                       ("summaries are plain prose with links and math: remove the image, or link to it with "
                       "[words](https://…)")),
    "iframe": ('Framed <iframe src="https://evil.example/"></iframe>.', 1, 8,
               "<iframe> is not allowed in a summary and was removed; its text is kept",
               "summaries are plain prose with links and math: remove the <iframe>"),
    "javascript-link": ("See\n[the code](javascript:alert(1)).", 2, 12,
                        "the link to 'javascript:alert(1)' was removed, its text kept: it is not a web address",
                        "links must start with https:// (or http://): write the full address"),
    "data-link": ("[x](data:text/html,hi)", 1, 5,
                  "the link to 'data:text/html,hi' was removed, its text kept: it is not a web address",
                  "links must start with https:// (or http://): write the full address"),
    "relative-link": ("As in [the other paper](../jegou2011product/).", 1, 25,
                      "the link to '../jegou2011product/' was removed, its text kept: it is not a web address",
                      "links must start with https:// (or http://): write the full address"),
    "html-link": ('<a href="mailto:a@b.org">mail</a>', 1, 10,
                  "the link to 'mailto:a@b.org' was removed, its text kept: it is not a web address",
                  "links must start with https:// (or http://): write the full address"),
    # the links a paper's url: may not have (parse.check_url), and an example's address left in
    "private-host-link": ("Our [code](http://192.168.1.20:8000/hash) runs.", 1, 12,
                          ("the link to 'http://192.168.1.20:8000/hash' was removed, its text kept: its host is a local "
                           "or private network address, which readers cannot reach"),
                          "link to the page on the public web, or remove the link and keep its words"),
    "localhost-link": ("Runs\nat <http://localhost:8888/notebook>.", 2, 5,
                       ("the link to 'http://localhost:8888/notebook' was removed, its text kept: its host is the "
                        "writer's own machine (localhost), which readers cannot reach"),
                       "link to the page on the public web, or remove the link and keep its words"),
    "password-link": ("[repo](https://me:secret@gitlab.com/me/hash)", 1, 8,
                      ("the link to 'https://me:secret@gitlab.com/me/hash' was removed, its text kept: it holds a user "
                       "name or password before the host name (user:password@)"),
                      "write the address without them: https://gitlab.com/me/hash"),
    "example-link": ("Code: [here](https://github.com/example/hashing).", 1, 14,
                     ("the link to 'https://github.com/example/hashing' was removed, its text kept: it is an address "
                      "made up for examples, not a real page"),
                     "link to the real page, or remove the link and keep its words"),
    "example-host-link": ('<a href="https://www.example.com/paper.pdf">PDF</a>', 1, 10,
                          ("the link to 'https://www.example.com/paper.pdf' was removed, its text kept: it is an "
                           "address made up for examples, not a real page"),
                          "link to the real page, or remove the link and keep its words"),
    "stray-end-tag": ("A summary with </script> in it.", 1, 16,
                      "<script> is not allowed in a summary and was removed with what it contains",
                      "summaries are plain prose with links and math: remove the <script>"),
    "markdown-heading": ("# Spectral hashing\n\nCodes.", 1, 1,
                         "a top-level heading '# …' is not allowed in a summary and was removed; its text is kept",
                         ("summaries are plain prose with links and math: write the heading's words as a sentence, "
                         "or make it a '## …' heading")),
    # underlined: it was said to be a '# …' heading, at the '=' line, with the fix for one
    "underlined-heading": ("Spectral hashing\n================\n\nCodes.", 2, 1,
                           ("a top-level heading (the line above, underlined with this line of '=') is not allowed in a "
                            "summary and was removed; its text is kept"),
                           ("summaries are plain prose with links and math: delete this line of '=', or write the two "
                            "lines as one '## …' heading")),
}


@pytest.mark.parametrize("name", sorted(STRIPPED))
def test_what_the_sanitiser_removes_is_noted_where_it_was_written(name: str) -> None:
    markdown, line, column, message, hint = STRIPPED[name]
    notes = MarkdownRenderer().render(markdown).notes
    assert [(n.code, n.line, n.column, n.message, n.hint) for n in notes] == [
        ("summary-stripped", line, column, message, hint)]


@pytest.mark.parametrize("name", ["javascript-link", "data-link", "relative-link", "html-link", "private-host-link",
                                  "example-link"])
def test_a_link_whose_address_is_removed_is_shown_as_its_words(name: str) -> None:
    # The sanitiser left <a rel="…"> with no href: coloured and underlined as a link, and dead when clicked
    markdown = STRIPPED[name][0]
    rendered = MarkdownRenderer().render(markdown)
    assert "<a" not in rendered.html
    words = re.search(r"\[([^]]*)\]|>([^<]*)</a>|<(http[^>]*)>", markdown)
    assert words is not None
    assert next(w for w in words.groups() if w) in rendered.text
    kept = MarkdownRenderer().render("[code](https://github.com/a/b), [title](https://a.org/ 'T') and <b>x</b>").html
    assert kept.count("<a href=") == 2 and 'title="T"' in kept


def test_a_summary_indented_as_a_code_block_is_noted_at_its_first_indented_line() -> None:
    for markdown, line, by in (("    Codes from eigenfunctions.\n    More.", 1, "4 spaces"),
                               ("Codes.\n\n```\nx = 1\n```\n\n\tPasted with a tab.", 7, "a tab")):
        notes = MarkdownRenderer().render(markdown).notes
        assert [(n.code, n.line, n.column, n.message, n.hint) for n in notes] == [(
            "summary-indented", line, 1,
            f"this line of the summary is indented by {by}, so it is shown as a code block, not as prose",
            "remove the spaces at the start of the line (for code you mean, put ``` lines around it instead)")]


def test_an_indented_code_block_after_a_list_items_indented_paragraph_is_noted_at_its_own_line() -> None:
    markdown = "Codes.\n\n- first point\n\n    more of the point.\n\nThen.\n\n    Pasted from the abstract.\n"
    rendered = MarkdownRenderer().render(markdown)
    assert "<p>more of the point.</p>" in rendered.html and "<code>Pasted from the abstract." in rendered.html
    assert [(n.code, n.line, n.column) for n in rendered.notes] == [("summary-indented", 9, 1)]


@pytest.mark.parametrize("markdown", ["```\ncode\n    indented in its fence\n```\nText.",
                                      "- an item\n\n    more of the item", "A line\n    continued, indented"])
def test_fenced_code_and_indented_prose_that_is_no_code_block_are_not_noted(markdown: str) -> None:
    assert MarkdownRenderer().render(markdown).notes == ()
    assert MarkdownRenderer(trusted=True).render("    code on a page of the repository").notes == ()


OPEN_DISPLAY = (("these dollars open math that is never closed, so the formula and the text after it are shown as "
                 "written, dollars and all"),
                "close the formula with the same dollars it opens with ($…$ or $$…$$), or write \\$ for a dollar sign")
"""What math-unclosed says of '$$' left open."""
OPEN_INLINE = (("this $ opens math that is never closed, so the formula and the text after it are shown as written, "
                "dollar and all"),
               ("end the formula with a $ right after its last character (no space before it), or write \\$ for a "
                "dollar sign"))
"""What math-unclosed says of '$' left open."""


@pytest.mark.parametrize(("markdown", "line", "column", "said"), [
    ("We minimise $$\\|x - y\\|^2 over codes.\n\nNext.", 1, 13, OPEN_DISPLAY),
    ("Closed $$x^2$$, then open $$y over codes.", 1, 27, OPEN_DISPLAY),
    ("Search runs in $O(n \\log n) time.", 1, 16, OPEN_INLINE),
    ("Codes.\n\nWith $\\ell_p distances, the rest is literal.", 3, 6, OPEN_INLINE),
    ("A closed $\\beta$.\n\nThen $\\ell_p open.", 3, 6, OPEN_INLINE),
    ("The $k nearest neighbours of $q$.", 1, 5, OPEN_INLINE),
    ("A closed $x$, then $(1+\\epsilon)-approximate.", 1, 20, OPEN_INLINE),
    ("A space before the closing dollar: $O(n) $ time.", 1, 36, OPEN_INLINE),
    ("$$x^2$$ and then $y", 1, 18, OPEN_INLINE)])
def test_math_left_open_is_noted_where_its_dollars_are(markdown: str, line: int, column: int,
                                                       said: tuple[str, str]) -> None:
    notes = MarkdownRenderer().render(markdown).notes
    assert [(n.code, n.line, n.column, n.message, n.hint) for n in notes] == [("math-unclosed", line, column, *said)]


def test_inline_math_closed_as_the_fix_says_or_escaped_is_shown_as_meant() -> None:
    closed = MarkdownRenderer().render("Search runs in $O(n \\log n)$ time.")
    assert closed.notes == () and "<math" in closed.html and "$" not in closed.html
    escaped = MarkdownRenderer().render("Search runs in \\$O(n \\log n) time.")
    assert (escaped.notes, escaped.html) == ((), "<p>Search runs in $O(n \\log n) time.</p>")


@pytest.mark.parametrize("markdown", ["Codes $\\ell_p$ and $$x^2$$.", "It costs $5 and $10.", "`$$` and `$\\x`",
                                      "```\n$$\n```", "A price \\$\\alpha", "Display\n\n$$\nx^2\n$$\n\nText.",
                                      "$5M a year, US$ 3, 5$/hour, or $, alone.", "Set `$HOME` and `$k`.",
                                      "A price \\$k", "```\n$O(n\n```"])
def test_closed_math_dollars_in_code_and_dollar_signs_are_not_noted(markdown: str) -> None:
    assert MarkdownRenderer().render(markdown).notes == ()


def test_each_kind_of_removal_is_noted_once_with_a_count() -> None:
    notes = MarkdownRenderer().render("<img src=a> <img src=b> [x](../a) [y](../a) <script>1</script>").notes
    assert [n.message for n in notes] == [
        "<img> is not allowed in a summary and was removed (2 times)",
        "<script> is not allowed in a summary and was removed with what it contains",
        "the link to '../a' was removed, its text kept (2 times): it is not a web address",
    ]


@pytest.mark.parametrize("markdown", [
    "Plain *prose* with **bold**, `<script>` as code, <b>HTML</b> x<sup>2</sup> and <br> a break.",
    '[code](https://github.com/x/y "t") <https://x.org> <a href="http://x.org" onclick="y" style="z">x</a>',
    '<span style="color: red">attributes the sanitiser drops</span> <abbr title="locality">LSH</abbr>',
    "## A heading\n\n- a list\n- of items\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nfenced code\n```",
    "Math $x^2$ and $$\\sum_i x_i$$ and\n$$\n\\frac{a}{b}\n$$",
    "```html\n<img src=x onerror=alert(1)> <a href='javascript:x'>x</a>\n```",
    "A comment <!-- for reviewers --> is not shown, as meant.",
    "Stray end tags of allowed elements: a </p> b </b>.",
])
def test_harmless_markup_is_not_noted(markdown: str) -> None:
    assert MarkdownRenderer().render(markdown).notes == ()


def test_trusted_pages_may_link_within_the_site() -> None:
    assert MarkdownRenderer(trusted=True).render("[papers](../papers/)").notes == ()
    assert len(MarkdownRenderer(trusted=True).render("[x](javascript:x)").notes) == 1


def test_plain_text_is_the_text_of_the_sanitised_html_on_one_line() -> None:
    rendered = MarkdownRenderer().render(
        "Codes **from** [eigenfunctions](https://x.org) <script>alert(1)</script><u>of</u> `<b>` &amp; more.\n\n"
        "- one\n- two<br>three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx < y\n```")
    assert rendered.text == "Codes from eigenfunctions of <b> & more. one two three a b 1 2 x < y"


def test_plain_text_shows_math_as_its_latex_between_the_dollars_it_was_written_with() -> None:
    """Recognisably math in abstracts, feeds and meta descriptions: not bare commands run into the words."""
    text = MarkdownRenderer().render("Points $\\{x_i\\}_{i=1}^n$, $$\\|y\\|_2^2$$ inline,\n$$\n\\sum_i x_i\n$$\n"
                                     "and $\\frac{1}{$ unread; $h(x)=\\mathrm{sign}(r^\\top x)$ costs $5 and $6.").text
    assert text == (r"Points $\{x_i\}_{i=1}^n$, $$\|y\|_2^2$$ inline, $$\sum_i x_i$$ and $\frac{1}{$ unread; "
                    r"$h(x)=\mathrm{sign}(r^\top x)$ costs $5 and $6.")


@pytest.mark.parametrize("name", ["CONTRIBUTING.md", "resources.md"])
def test_the_repositorys_own_pages_show_every_code_block_as_code(name: str) -> None:
    """Python-Markdown reads a fence only at the start of a block, not indented inside a list item, where
    GitHub reads one too: the pages keep their fences outside lists, and this keeps them there."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / name).read_text(encoding="utf-8")
    html = MarkdownRenderer(trusted=True).render(text).html
    assert "```" not in html and "~~~" not in html
    assert html.count('<pre tabindex="0"><code') == text.count("```") // 2 + text.count("~~~") // 2


def test_a_papers_summary_text_is_that_of_its_html_with_math_as_latex_however_it_is_made() -> None:
    """The text is kept only for summaries with math and made from the HTML for the others, when asked:
    either way it must be the text of the sanitised HTML with each formula as its LaTeX source, for every
    summary of the review and for math, a math error, markup and an empty summary."""
    from pathlib import Path

    from l2h_site import markup
    from l2h_site.build import check_site
    from l2h_site.context import paper_view

    renderer = MarkdownRenderer()
    papers = check_site(Path(__file__).resolve().parent.parent).papers
    extra = [dataclasses.replace(papers[0], summary=s) for s in (
        "Plain words, **bold** and a [link](https://www.acm.org/).", "Math $x_i^2$ inline and $$\\sum_i x_i$$ shown.",
        "Broken math $\\frac{1}{$ stays.", "", "<b>kept</b> and <script>gone()</script> text")]
    with_math = 0
    for paper in [*papers, *extra]:
        renderer._md.reset()
        raw = renderer._md.convert(markup._separate_display_math(paper.summary))  # what render() sanitises
        expected = markup.html_text(markup.sanitise(markup._MATH_SPAN.sub(markup._latex_source, raw)))
        view = paper_view(paper, paper.title, renderer.render(paper.summary))
        assert view.summary_text == expected, paper.source
        with_math += bool(view.own_text)
    assert 0 < with_math < len(papers) // 2  # both ways are exercised


def test_a_summarys_table_is_a_named_box_that_a_keyboard_reaches_and_scrolls() -> None:
    """axe's scrollable-region-focusable: a box that may scroll sideways is a tab stop, and a table's box has a name."""
    html = MarkdownRenderer().render("Results:\n\n| bits | mAP |\n|---|---|\n| 32 | 0.5 |\n").html
    assert html == ('<p>Results:</p>\n<div class="table-scroll" role="region" tabindex="0" '
                    'aria-label="Table in the summary"><table>\n<thead>\n<tr>\n<th>bits</th>\n<th>mAP</th>\n</tr>\n'
                    "</thead>\n<tbody>\n<tr>\n<td>32</td>\n<td>0.5</td>\n</tr>\n</tbody>\n</table></div>")


def test_each_of_a_summarys_tables_and_code_blocks_is_reached_and_no_contributor_markup_names_one() -> None:
    """The sanitiser drops the attributes a contributor writes (an id on a heading, a tabindex, a class): the
    names and tab stops are l2h's own."""
    html = MarkdownRenderer().render(
        '<h2 id="forged">Tables</h2>\n\n| a |\n|---|\n| 1 |\n\n```\nlong code\n```\n\n'
        '<pre tabindex="-1" class="table-scroll">raw</pre>\n\n<table aria-label="x"><tr><td>2</td></tr></table>\n').html
    assert "forged" not in html and 'tabindex="-1"' not in html and 'aria-label="x"' not in html
    assert html.count('<pre tabindex="0">') == 2 and html.count("<pre") == 2
    assert html.count('<div class="table-scroll" role="region" tabindex="0" ') == 2
    assert 'aria-label="Table 1 of 2 in the summary"><table>\n<thead>' in html
    assert 'aria-label="Table 2 of 2 in the summary"><table><tbody><tr><td>2</td></tr></tbody></table></div>' in html
    assert html.count("</table></div>") == 2


def test_a_table_of_the_repositorys_own_pages_is_named_by_the_heading_it_follows() -> None:
    html = MarkdownRenderer(trusted=True).render("| x |\n|---|\n| 1 |\n\n## Diagnostic codes\n\n| a |\n|---|\n| 2 |\n").html
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1 of 2 on this page"><table>' in html
    assert ('<h2 id="diagnostic-codes">Diagnostic codes</h2>\n<div class="table-scroll" role="region" tabindex="0" '
            'aria-labelledby="diagnostic-codes"><table>') in html


MATHML = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow>'
"""How an inline formula's MathML starts."""


def test_each_formula_is_a_named_box_that_scrolls_display_math_as_a_block_inline_math_in_its_sentence() -> None:
    """A wide formula scrolls sideways inside its own box instead of widening the page on a phone; the box is a tab
    stop with a name, so that a keyboard can scroll it. Display math's box is a block (span.math-scroll); that of
    $$…$$ within a sentence and of $…$ stays in the sentence (span.math-inline), and is a stop only where the formula
    may be wider than a phone's line: a short one's keeps its name in data-label (for theme.js, should it scroll)."""
    html = MarkdownRenderer().render("The loss\n\n$$\nx^2\n$$\n\nis small, as $$y$$ and $z$ are, and "
                                     "$a+b+c+d+e+f+g$ too.").html
    assert html == (
        '<p>The loss</p>\n<span class="math-scroll" role="region" tabindex="0" aria-label="Formula 1 of 4 in the summary">'
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><msup><mi>x</mi><mn>2</mn></msup>'
        "</mrow></math></span>\n<p>is small, as "
        f'<span class="math-inline" data-label="Formula 2 of 4 in the summary">{MATHML}<mstyle displaystyle="true" '
        'scriptlevel="0"><mi>y</mi></mstyle></mrow></math></span> and '
        f'<span class="math-inline" data-label="Formula 3 of 4 in the summary">{MATHML}<mi>z</mi></mrow></math></span>'
        ' are, and <span class="math-inline" role="region" tabindex="0" aria-label="Formula 4 of 4 in the summary">'
        f"{MATHML}<mi>a</mi><mo>+</mo><mi>b</mi><mo>+</mo><mi>c</mi><mo>+</mo><mi>d</mi><mo>+</mo><mi>e</mi><mo>+</mo>"
        "<mi>f</mi><mo>+</mo><mi>g</mi></mrow></math></span> too.</p>")


@pytest.mark.parametrize(("latex", "wide"), [
    ("a+b+c+d+e+f", False),  # 11 characters
    ("a+b+c+d+e+fg", False),  # 12: PHONE_LINE
    ("a+b+c+d+e+f+g", True),
    ("\\text{twelve chars}", False),
    ("\\text{thirteen char}", True),
    ("a\\quad b\\quad c\\quad d ef", False),  # 6 characters, 3 ems of space counting 6
    ("a\\quad b\\quad c\\quad d\\, ef", True),  # and a sixth of an em
    ("a\\!b\\!c", False),  # space taken away
    ("a\\hspace{2cm}b", True),  # space in another unit: may be any width
    ("\\frac{a+b+c+d}{e+f+g+h}", True),  # stacked: some 8 characters wide, counted as 15 (more stops, never fewer)
])
def test_an_inline_formula_is_wide_when_it_may_not_fit_a_phones_line(latex: str, wide: bool) -> None:
    mathml = latex_to_mathml(latex, False)
    assert mathml is not None
    assert is_wide_formula(sanitise(mathml)) is wide


def test_a_single_inline_formula_is_named_without_a_number() -> None:
    assert MarkdownRenderer().render("Codes $b$ only.").html == (
        f'<p>Codes <span class="math-inline" data-label="Formula in the summary">{MATHML}<mi>b</mi></mrow></math></span>'
        " only.</p>")


def test_each_formula_gets_one_box_that_no_contributor_markup_forges() -> None:
    """The sanitiser drops the class, role, tabindex and names a contributor writes on a span; math written as raw
    MathML gets l2h's box too, a span, which a paragraph may hold, around the outermost formula only, whatever its
    attributes hold and however its display="block" is spelled."""
    html = MarkdownRenderer().render(
        '<span class="math-scroll" role="region" tabindex="-1" aria-label="x">forged</span> '
        '<span class="math-inline" tabindex="0" data-label="y">forged</span>\n\n$$a$$\n\n'
        'Raw <math display="BLOCK"><math display="block"><mi>b</mi></math><mi mathvariant="</math>">c</mi></math>, '
        '<math><mi>d</mi></math>.\n').html
    assert html == (
        '<p><span>forged</span> <span>forged</span></p>\n'
        '<span class="math-scroll" role="region" tabindex="0" aria-label="Formula 1 of 3 in the summary">'
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mi>a</mi></mrow></math></span>\n'
        '<p>Raw <span class="math-scroll" role="region" tabindex="0" aria-label="Formula 2 of 3 in the summary">'
        '<math display="BLOCK"><math display="block"><mi>b</mi></math><mi mathvariant="&lt;/math&gt;">c</mi></math>'
        '</span>, <span class="math-inline" data-label="Formula 3 of 3 in the summary">'
        "<math><mi>d</mi></math></span>.</p>")


def test_math_within_a_link_gets_a_box_that_is_no_tab_stop() -> None:
    """A link may hold no tab stop (HTML: no descendant with a tabindex): its math, inline or display, gets a box
    that scrolls (a long formula in a link would widen a phone's page) with no role, tabindex or name, and is not
    counted among the formulas of the summary; theme.js leaves it so."""
    html = MarkdownRenderer().render(
        '[the $\\ell_2$ case](https://www.acm.org/l2) and <a href="https://www.acm.org/x"><math display="block">'
        "<mi>x</mi></math></a> <abbr title=\"a\">LSH</abbr>, then $y$.").html
    assert html == (
        '<p><a href="https://www.acm.org/l2" rel="noopener noreferrer nofollow">the '
        f'<span class="math-inline">{MATHML}<msub><mi>ℓ</mi><mn>2</mn></msub>'
        '</mrow></math></span> case</a> and <a href="https://www.acm.org/x" rel="noopener noreferrer nofollow">'
        '<span class="math-scroll"><math display="block"><mi>x</mi></math></span></a> <abbr title="a">LSH</abbr>, then '
        f'<span class="math-inline" data-label="Formula in the summary">{MATHML}<mi>y</mi></mrow></math></span>.</p>')


def test_a_titles_formulas_are_boxes_and_a_long_ones_a_tab_stop_only_in_the_paper_pages_heading() -> None:
    """A title is a link's text in lists: its formulas' boxes scroll and are no tab stops; in the paper page's heading
    a long one is a stop, as in a summary, without a name that would stand for the formula in the heading's."""
    title = render_inline("Codes $b$ of $a+b+c+d+e+f+g$ <i>bits</i>")
    short, long = f"{MATHML}<mi>b</mi></mrow></math>", sanitise(latex_to_mathml("a+b+c+d+e+f+g", False) or "")
    assert title == (f'Codes <span class="math-inline">{short}</span> of <span class="math-inline">{long}</span> '
                     "&lt;i&gt;bits&lt;/i&gt;")
    assert title_heading(title) == (f'Codes <span class="math-inline">{short}</span> of '
                                    f'<span class="math-inline" tabindex="0">{long}</span> &lt;i&gt;bits&lt;/i&gt;')
    assert render_inline("No math, $5 and $6") == "No math, $5 and $6"


def test_a_feed_gets_the_boxes_without_what_they_hold_for_a_browsers_keyboard() -> None:
    """Role, tabindex and the names mean nothing in a feed reader; the boxes and formulas stay, and text that only
    reads like such an attribute is left alone."""
    html = MarkdownRenderer().render(
        "Text tabindex=\"0\" role=\"region\", `<span role=\"region\">`\n\n$$a$$\n\nthen $b$ and "
        "$a+b+c+d+e+f+g$.\n\n| a |\n|---|\n| 1 |\n\n```\ncode\n```").html
    assert unfocusable_boxes(html) == (
        '<p>Text tabindex="0" role="region", <code>&lt;span role="region"&gt;</code></p>\n'
        '<span class="math-scroll"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mi>a</mi>'
        f'</mrow></math></span>\n<p>then <span class="math-inline">{MATHML}<mi>b</mi></mrow></math></span> and '
        f'<span class="math-inline">{sanitise(latex_to_mathml("a+b+c+d+e+f+g", False) or "")}</span>.</p>\n'
        '<div class="table-scroll"><table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n'
        "</tr>\n</tbody>\n</table></div>\n<pre><code>code\n</code></pre>")


def test_a_formula_of_the_repositorys_own_pages_is_named_by_its_place_on_the_page() -> None:
    html = MarkdownRenderer(trusted=True).render("## Objective\n\n$$a$$\n\n$$b$$\n").html
    assert html.count('<span class="math-scroll" role="region" tabindex="0" ') == 2
    assert 'aria-label="Formula 1 of 2 on this page"><math' in html and 'aria-label="Formula 2 of 2 on this page"' in html
    assert html.count("</math></span>") == 2


_NEEDLE_TEXTS = [
    "Plain prose with *emphasis* and a [link](https://example.org/x).",
    "`code` in a paragraph, then\n\n- a list item with $x^2$\n- and one with \\(y\\) only",
    "\\(a + b\\) written with parentheses, \\\\(not math\\) after an escaped backslash",
    "An escaped \\$5, two \\\\`x` backslashes before a backtick, `` a ` b `` and a lone ` here",
    "Money: $5 and $6, and math $h(x)$ in *emphasis with `code` and $z$ inside*.",
    "| a | b |\n|---|---|\n| `c` | $d$ |\n\n> quoted \\(e\\)\n\n```\n$not math$ `nor code`\n```",
]


@pytest.mark.parametrize("trusted", [False, True])
def test_inline_patterns_looked_for_only_in_text_with_their_characters_render_as_markdown_does(
        trusted: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer skips looking for code where a text has no backtick and for inline math where it has no dollar nor
    '\\(' (markup._INLINE_NEEDLES): the repository's papers and pages, and texts that mix them in blocks, render
    exactly as with Python-Markdown's own expressions."""
    from pathlib import Path

    import frontmatter

    from l2h_site import markup

    repo = Path(__file__).resolve().parent.parent
    texts = [*_NEEDLE_TEXTS, *(frontmatter.loads(path.read_text(encoding="utf-8")).content
                               for path in sorted((repo / "papers").glob("*.md")))]
    texts += [(repo / name).read_text(encoding="utf-8") for name in ("CONTRIBUTING.md", "resources.md", "README.md")]
    assert any("`" in text for text in texts) and any("\\(" in text for text in texts)
    fast = MarkdownRenderer(trusted)
    copied = pickle.loads(pickle.dumps(MarkdownRenderer(trusted)))  # a new renderer pickles, as before the guard
    # with the Markdown this project installs, both patterns are guarded (another one would leave them as they are)
    assert all(isinstance(fast._md.inlinePatterns[name].compiled_re, markup._Needing) for name in markup._INLINE_NEEDLES)
    monkeypatch.setattr(markup, "_INLINE_NEEDLES", {})
    own = MarkdownRenderer(trusted)
    assert [fast.render(text) for text in texts] == [own.render(text) for text in texts]
    assert [copied.render(text) for text in _NEEDLE_TEXTS] == [own.render(text) for text in _NEEDLE_TEXTS]


class _Elements(HTMLParser):
    """The elements of an HTML fragment, in order, and whether every one is closed in the order it was opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.started: list[str] = []
        self.open: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.started.append(tag)
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.balanced = self.balanced and bool(self.open) and self.open.pop() == tag


def _elements(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    assert parser.balanced and not parser.open, fragment
    return parser


def test_the_text_of_title_math_is_shown_as_written_never_as_markup() -> None:
    """latex2mathml leaves the text of \\text{…} unescaped: a title could hold a table and headings in every card,
    heading and table of the site (sanitised, but there)."""
    html = render_inline("Title $\\text{<table><tr><td>cell</td></tr></table><h2>H</h2>}$ end")
    assert html == (f'Title <span class="math-inline">{MATHML}<mtext>&lt;table&gt;&lt;tr&gt;&lt;td&gt;cell&lt;/td&gt;'
                    "&lt;/tr&gt;&lt;/table&gt;&lt;h2&gt;H&lt;/h2&gt;</mtext></mrow></math></span> end")
    assert _elements(html).started == ["span", "math", "mrow", "mtext"]


def test_markup_nested_in_title_math_stays_text_and_the_formulas_balanced() -> None:
    html = render_inline("A $\\text{<math><mtext><table>}$ b $\\text{</mtext></math></span><table>}$ c")
    assert _elements(html).started == ["span", "math", "mrow", "mtext"] * 2
    assert "<mtext>&lt;math&gt;&lt;mtext&gt;&lt;table&gt;</mtext>" in html
    assert "<mtext>&lt;/mtext&gt;&lt;/math&gt;&lt;/span&gt;&lt;table&gt;</mtext>" in html
    heading = title_heading(html)  # each formula's box found whole: these are wide, so tab stops
    assert heading.count('<span class="math-inline" tabindex="0"><math') == 2
    assert _elements(heading).started == ["span", "math", "mrow", "mtext"] * 2


@pytest.mark.parametrize("latex, text", [
    ("\\textbf{<b>x</b>}", "&lt;b&gt;x&lt;/b&gt;"),
    ("\\mbox{<u>}", "&lt;u&gt;"),
    ("\\hbox{<i>}", "&lt;i&gt;"),
    ("\\texttt{a > b}", "a&nbsp;&gt;&nbsp;b"),
    ("\\verb|<s>|", "&lt;s&gt;"),
    ("\\fbox{<br>}", "&lt;br&gt;"),
    ("\\text{a & b &amp; c}", "a&nbsp;&amp;&nbsp;b&nbsp;&amp;amp;&nbsp;c"),  # an entity written is text too
])
def test_every_text_argument_of_math_is_escaped(latex: str, text: str) -> None:
    html = render_inline(f"${latex}$")
    assert re.search(r"<mtext[^>]*>" + re.escape(text) + "</mtext>", html), html
    assert all(tag in ("span", "math", "mrow", "mtext", "mstyle", "menclose") for tag in _elements(html).started)


def test_math_keeps_the_characters_latex2mathml_writes_as_references() -> None:
    assert latex_to_mathml("x < y \\leq \\infty", False) == (
        f"{MATHML}<mi>x</mi><mo>&#x0003C;</mo><mi>y</mi><mo>&#x02264;</mo><mo>&#x0221E;</mo></mrow></math>")


def test_a_summarys_text_math_with_an_image_shows_it_as_written_and_drops_nothing() -> None:
    """Its <img> was removed without a summary-stripped note: the notes look at Markdown's output, before the math
    is MathML. Now nothing of it is markup, so nothing is removed."""
    rendered = MarkdownRenderer().render("Also $\\text{<img src=x onerror=alert(1)>}$ here.")
    assert rendered.html == (
        '<p>Also <span class="math-inline" role="region" tabindex="0" aria-label="Formula in the summary">'
        f"{MATHML}<mtext>&lt;img&nbsp;src=x&nbsp;onerror=alert(1)&gt;</mtext></mrow></math></span> here.</p>")
    assert rendered.notes == ()
    assert rendered.text == "Also $\\text{<img src=x onerror=alert(1)>}$ here."


@pytest.mark.parametrize("latex, found", [
    ("\\input{/etc/passwd}\\immediate\\write18{touch /tmp/pwn}", ["\\input", "\\immediate", "\\write"]),
    ("\\def\\x{\\input y}\\x", ["\\def", "\\x", "\\input"]),  # \def: latex2mathml knows it, and would define \x
    ("\\newcommand{\\x}{y}", ["\\newcommand", "\\x"]),
    ("\\csname input\\endcsname", ["\\csname", "\\endcsname"]),
    ("\\^^69nput{x}", ["^^"]),  # ^^69 is "i": TeX reads \input
    ("^^5cinput{x}", ["^^"]),  # ^^5c is a backslash
    ("\\begin{filecontents*}{x.tex}", ["\\begin{filecontents*}"]),
    ("\\begin x", ["\\begin"]),  # environment x
    ("\\href{run:rm}{x} \\verb|x| \\url{x}", ["\\href", "\\verb", "\\url"]),
    ("50% x", ["%"]),
    ("x\\", ["\\"]),  # it would escape the $ that closes the formula
    ("\\lamda", ["\\lamda"]),
])
def test_unsafe_tex_names_what_a_readers_tex_could_run(latex: str, found: list[str]) -> None:
    assert [piece for piece, _ in unsafe_tex(latex)] == found


@pytest.mark.parametrize("latex", [
    "k", "\\ell_p", "\\mathcal{O}(n \\log n)", "\\{x_i\\}_{i=1}^n", "\\|y\\|^2", "50\\%", "a\\,b\\;c\\!d\\ e",
    "\\begin{pmatrix}a & b\\\\ c & d\\end{pmatrix}", "\\text{<table>}", "\\operatorname{sgn}(W^\\top x)",
])
def test_plain_math_is_safe_tex(latex: str) -> None:
    assert unsafe_tex(latex) == []


TABLE_TITLE = GOOD_PAPER.replace(
    "title: Spectral Hashing", "title: 'Title $\\text{<table><tr><td>cell</td></tr></table><h2>H</h2>}$ end'").replace(
    "Codes from thresholded eigenfunctions of the graph Laplacian.", "Also $\\text{<img src=x onerror=alert(1)>}$ here.")


def test_a_built_site_shows_the_markup_of_title_math_as_text_everywhere(site: Callable[[dict[str, str]], Path]) -> None:
    """The title's HTML is the paper page's heading, every card (pages, and papers/cards/*.json that papers.js puts in
    with innerHTML) and the taxonomy's table: none of them holds the table; only the LaTeX source (papers.bib,
    papers.json) does. The summary's <img> is shown as written, and so not warned of as removed."""
    from l2h_site.build import build

    root = site({"papers/weiss2008spectral.md": TABLE_TITLE})
    result = build(root, out_dir=root / "_site", use_cache=False)
    assert result.written and [d.code for d in result.diagnostics if d.severity != "note"] == []
    files = {path.relative_to(root / "_site").as_posix(): path.read_bytes()
             for path in (root / "_site").rglob("*") if path.is_file()}
    assert sorted(name for name, data in files.items() if b"<table><tr>" in data) == ["papers.bib", "papers.json"]
    assert [name for name, data in files.items() if b"<img src=x" in data] == ["papers.json"]  # the abstract's LaTeX
    text = b"<mtext>&lt;table&gt;&lt;tr&gt;&lt;td&gt;cell&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h2&gt;H&lt;/h2&gt;</mtext>"
    page = files["publications/weiss2008spectral/index.html"]
    assert re.search(rb'<h1 id="paper-title">Title <span class="math-inline"[^>]*><math [^>]*><mrow>'
                     + re.escape(text) + rb"</mrow></math></span> end</h1>", page)
    assert b"<mtext>&lt;img&nbsp;src=x&nbsp;onerror=alert(1)&gt;</mtext>" in page
    cards = [data for name, data in files.items() if name.startswith("papers/cards/")]
    assert cards and all(text in data for data in cards)
    assert text in files["papers/index.html"] and text in files["taxonomy/index.html"]
