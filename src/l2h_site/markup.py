"""Turn contributor markdown into safe HTML: math to MathML at build time, then sanitised.

Math is protected from Markdown by pymdownx.arithmatex, converted to MathML by latex2mathml
(no script and no request to another site), and everything is passed through nh3 so that
raw HTML from a pull request never reaches the page as live markup.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import nh3

from l2h_site.parse import check_url, find_deep_nesting, is_example_url, without_userinfo

if TYPE_CHECKING:
    import markdown

MATHML_TAGS = frozenset({
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded",
    "mphantom", "menclose", "merror", "semantics", "annotation", "mfenced",
})
_MATH_ATTRIBUTES = {"display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
                    "accent", "accentunder", "columnalign", "rowalign", "columnspacing", "rowspacing",
                    "linethickness", "minsize", "maxsize", "movablelimits", "notation", "width", "height",
                    "depth", "symmetric", "largeop", "form", "scriptlevel", "displaystyle", "open", "close",
                    "separators", "encoding"}
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "span",
    "div", "dl", "dt", "dd", "abbr", "del", "ins", "kbd",
}) | MATHML_TAGS
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    **{tag: set(_MATH_ATTRIBUTES) for tag in MATHML_TAGS},
}
URL_SCHEMES = {"http", "https"}

_MATH_SPAN = re.compile(r'<(span|div) class="arithmatex">\\[(\[](.*?)\\[)\]]</\1>', re.DOTALL)
_INLINE_MATH = re.compile(r"(?<!\\)\$(?!\s)((?:[^$\\]|\\.)+?)(?<!\s)\$")


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: bool) -> str | None:
    """Convert LaTeX to MathML, or None when latex2mathml cannot read it.

    The text of \\text{…} (and of \\mbox, \\textbf, \\verb …) is shown as written: latex2mathml's own convert() undoes
    the escaping of the whole of its output, which made `\\text{<table>}` a table in a title or an <img> the sanitiser
    silently dropped from a summary. Its tree is written out here instead, escaped, and only the character references
    latex2mathml writes into it as text (&#x0003C; for `<`) are made references again."""
    from xml.etree import ElementTree

    import latex2mathml.converter  # here, not at the top: its import (about 0.05 s) is needed only for math

    try:
        tree = latex2mathml.converter.convert_to_element(latex, display="block" if display else "inline")
        written = ElementTree.tostring(tree, encoding="unicode")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds; any means 'unreadable'
        return None
    return _ESCAPED_REFERENCE.sub(r"&\1", written)


_ESCAPED_REFERENCE = re.compile(r"&amp;(#x[0-9A-Fa-f]+;|#[0-9]+;)")
"""A character reference of latex2mathml's tree, as ElementTree escapes it (its text holds them as written)."""


@lru_cache(maxsize=1)
def _known_commands() -> frozenset[str]:
    """The LaTeX commands latex2mathml shows (its commands and symbols): another is shown as written (`\\lamda`), or
    dropped (`\\mathbbb{R}` is R)."""
    import latex2mathml.commands
    import latex2mathml.symbols_parser

    found: set[str] = set()
    for value in [*vars(latex2mathml.commands).values(), latex2mathml.symbols_parser.SYMBOLS]:
        for item in ([value] if isinstance(value, str) else value if isinstance(value, (dict, list, tuple, set, frozenset))
                     else []):
            if isinstance(item, str) and re.fullmatch(r"\\[A-Za-z]+", item):
                found.add(item)
    return frozenset(found)


_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
"""A LaTeX command, or an escaped character (`\\\\`, a line break, is one: the letters after it are no command)."""


def unknown_commands(latex: str) -> list[str]:
    """The commands of a formula that latex2mathml does not know, in their order, each once."""
    known = _known_commands()
    found = [match.group(0) for match in _COMMAND.finditer(latex) if match.group(0)[1:].isalpha()]
    return list(dict.fromkeys(command for command in found if command not in known))


def meant_command(command: str) -> str | None:
    """The known command a letter away from an unknown one (`\\lamda`: `\\lambda`), if there is one."""
    near = [known for known in sorted(_known_commands()) if abs(len(known) - len(command)) <= 1]
    return next(iter(difflib.get_close_matches(command, near, n=1, cutoff=0.8)), None)


UNSAFE_TEX_COMMANDS = frozenset({
    r"\input", r"\include", r"\InputIfFileExists", r"\IfFileExists", r"\openin", r"\read", r"\readline",
    r"\closein", r"\openout", r"\write", r"\closeout", r"\immediate", r"\ShellEscape", r"\directlua", r"\latelua",
    r"\luaexec", r"\special", r"\pdfliteral", r"\pdfobj", r"\shipout", r"\output", r"\def", r"\edef", r"\gdef",
    r"\xdef", r"\let", r"\futurelet", r"\csname", r"\endcsname", r"\expandafter", r"\scantokens", r"\catcode",
    r"\lccode", r"\uccode", r"\lowercase", r"\uppercase", r"\string", r"\jobname", r"\everypar", r"\everymath",
    r"\newcommand", r"\renewcommand", r"\providecommand", r"\DeclareRobustCommand", r"\newenvironment",
    r"\renewenvironment", r"\DeclareMathOperator", r"\usepackage", r"\RequirePackage", r"\documentclass",
    r"\makeatletter", r"\makeatother", r"\href", r"\url", r"\verb", r"\class", r"\style",
})
"""TeX commands that read or write files, run programs, define commands, build command names or change how TeX reads
its input, and the commands of links and of HTML: what must never reach the TeX of a reader who cites a paper
(papers.bib), although latex2mathml knows some of them (\\def, \\newcommand, \\href, \\verb)."""
_TEX_PIECE = re.compile(r"\\(?:begin|end)\s*\{(?P<environment>[^{}]*)\}|\\[A-Za-z]+|\\(?!\^\^)[ -~]?|%|(?=\^\^)")
"""What of a formula TeX may read otherwise than latex2mathml: a command, an environment, an escaped character, a
backslash before no character it escapes (the last of a formula escapes the $ that closes it), a comment, and TeX's ^^
notation for a character by its code, wherever it stands (^^5cinput is \\input, \\^^69nput too)."""
_UNSAFE_WHY = ("a TeX command that may read or write files, run programs, define commands or change how TeX reads "
               "what follows")
_TEX_PROBLEMS = {"^^": "TeX's notation for a character by its code, which can spell any command",
                 "%": "a TeX comment, which hides the rest of its line",
                 "\\": "a backslash before no command (write \\backslash for one to show)"}


def unsafe_tex(latex: str) -> list[tuple[str, str]]:
    """What of a formula must not be handed to a reader's TeX as TeX (papers.bib), each once, in order, with why: a
    command of UNSAFE_TEX_COMMANDS or one that latex2mathml does not know (an unknown one may be defined by the
    reader's packages to do anything), an environment it does not know, ^^, a comment, a backslash before no command.
    A formula without any is plain math: known commands that only typeset."""
    known, environments = _known_commands(), _known_environments()
    found: dict[str, str] = {}
    for match in _TEX_PIECE.finditer(latex):
        piece = match.group(0) or "^^"
        environment = match.group("environment")
        if environment is not None or piece in (r"\begin", r"\end"):  # \begin x is environment x
            if (environment or "").strip() not in environments:
                found.setdefault(piece, "an environment the site does not know")
        elif piece in UNSAFE_TEX_COMMANDS:
            found.setdefault(piece, _UNSAFE_WHY)
        elif piece[1:].isalpha() and piece not in known:
            found.setdefault(piece, "a command the site does not know")
        elif piece in _TEX_PROBLEMS:
            found.setdefault(piece, _TEX_PROBLEMS[piece])
    return list(found.items())


@lru_cache(maxsize=1)
def _known_environments() -> frozenset[str]:
    """The environments latex2mathml shows (matrix, pmatrix, cases, array, align …): \\begin{…} of another is TeX's
    to do anything with (filecontents writes a file)."""
    import latex2mathml.commands

    return frozenset(name[1:] for name in latex2mathml.commands.MATRICES)


def sanitise(fragment: str, trusted: bool = False) -> str:
    """Keep only harmless markup: known tags and attributes, and http(s) links.

    Trusted fragments (the repository's own pages) may also link within the site and
    give headings an id to link to.
    """
    clean = _cleaner(trusted).clean(fragment)
    # a link whose address was removed (javascript:, a relative one) is its words: not a link to nothing, shown as one
    return _DEAD_LINK.sub(r"\1", clean) if "<a" in clean else clean


_DEAD_LINK = re.compile(r"<a\b(?![^>]*\shref=)[^>]*>((?:(?!</a>).)*)</a>", re.DOTALL)
"""A link of the sanitiser's output with no href (the sanitiser's attributes are quoted, '>' in them escaped)."""


@lru_cache(maxsize=2)
def _cleaner(trusted: bool) -> nh3.Cleaner:
    """nh3's sanitiser, configured once: nh3.clean builds it again on every call, which took 190 µs of the
    200 µs of cleaning a title."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_filter_trusted if trusted else _filter_attribute,
    )


def _filter_trusted(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        scheme = urlsplit(value).scheme.lower() if "\\" not in value else "bad"
        return value if scheme in ("http", "https", "") and not value.startswith("//") else None
    if attribute == "id":
        return value if re.fullmatch(r"[a-z0-9_-]+", value) else None
    return _filter_attribute(tag, attribute, value)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return None
    if attribute == "href":
        return value if _link_problem(value) is None else None
    if attribute == "class" and tag in ("span", "div", "code"):
        return value if re.fullmatch(r"(math|math-error|language-[a-z0-9+-]+)", value) else None
    return value


_NOT_WEB = ("it is not a web address", "links must start with https:// (or http://): write the full address")


def _link_problem(href: str) -> tuple[str, str] | None:
    """Why a summary's link is removed, and the fix; None for a link kept: one to a web address readers can reach,
    as a paper's url must be (parse.check_url), and not an example's (a placeholder left in)."""
    problem = check_url(href)
    if problem is None and re.search(r"(^|\.)localhost$", (urlsplit(href).hostname or "").rstrip(".")):
        problem = "its host is the writer's own machine (localhost), which readers cannot reach"
    if problem is None:
        return (("it is an address made up for examples, not a real page",
                 "link to the real page, or remove the link and keep its words") if is_example_url(href) else None)
    if "user:password@" in problem:
        return problem, f"write the address without them: {without_userinfo(href)[:80]}"
    if "readers cannot reach" in problem:
        return problem, "link to the page on the public web, or remove the link and keep its words"
    if "http(s)" in problem:
        return _NOT_WEB
    return problem, "write the full address, starting with https://"


@dataclass(frozen=True)
class Note:
    """Something of a summary that is not shown as its contributor wrote it, for a warning."""

    code: str
    """Diagnostic code: math-error, math-unclosed, summary-stripped or summary-indented."""
    line: int
    """Line of the markdown it is on, from 1."""
    column: int
    """Column on that line, from 1."""
    message: str
    """What is not shown, naming it."""
    hint: str
    """One concrete fix."""


@dataclass(frozen=True)
class Rendered:
    """Markdown rendered to safe HTML, with what of it is not shown as written."""

    html: str
    """Sanitised HTML, math as MathML."""
    own_text: str = ""
    """The text, where it is not that of the HTML: a summary with math (MathML shown, LaTeX written)."""
    notes: tuple[Note, ...] = ()
    """Markup the sanitiser removed and math that could not be read, in that order."""

    @property
    def text(self) -> str:
        """The text of the sanitised HTML on one line, math as its LaTeX source in $…$ or $$…$$: for abstracts, feeds
        and meta tags.

        Made from the HTML when asked for, unless the summary has math: kept for every paper, and sent back
        from the workers that render summaries, the texts cost the build process 20-30 MB at 20,000 papers.
        """
        return self.own_text or html_text(self.html)


_INLINE_NEEDLES = {"backtick": ("`",), "arithmatex-inline": ("$", "\\(")}
"""Inline patterns of Python-Markdown whose regular expression can match only text holding one of these strings:
code needs a backtick, inline math a dollar or a backslash and a parenthesis. Their expressions begin with a
lookbehind, so that re tries them at every position of every text. Skipping them saves 36 % of the time of rendering
a summary of 100 words with neither (435 -> 278 µs), 19 % of one with math, 24 % for this repository's papers."""


class _Needing:
    """A compiled regular expression whose finditer looks at a text only if one of the needles is in it, which every
    match holds; anything else is the expression's own. Python-Markdown's tree processor finds an inline pattern's
    matches with pattern.getCompiledRegExp().finditer(text, start)."""

    def __init__(self, regex: re.Pattern[str], needles: tuple[str, ...]) -> None:
        self.regex, self.needles = regex, needles

    def finditer(self, text: str, *positions: int) -> Iterator[re.Match[str]]:
        if any(needle in text for needle in self.needles):
            return self.regex.finditer(text, *positions)
        return iter(())

    def __getattr__(self, name: str) -> Any:
        if name == "regex":  # not set yet (unpickling): not the expression's, nor a lookup that calls this again
            raise AttributeError(name)
        return getattr(self.regex, name)


class MarkdownRenderer:
    """Render summaries; one instance is reused across papers for speed."""

    precomputed = False
    """True for a renderer that only looks up results computed before (build._KnownSummaries)."""

    def __init__(self, trusted: bool = False) -> None:
        self.trusted = trusted

    @cached_property
    def _md(self) -> markdown.Markdown:
        """Python-Markdown, made at the first render: a build whose summaries are all memoised (an unchanged
        review's) then never imports it (about 0.04 s)."""
        import markdown

        md = markdown.Markdown(
            extensions=["pymdownx.arithmatex", "fenced_code", "tables", "sane_lists", *(["toc"] if self.trusted else [])],
            extension_configs={"pymdownx.arithmatex": {"generic": True, "smart_dollar": True}},
            output_format="html",
        )
        for name, needles in _INLINE_NEEDLES.items():  # as they are, should another Markdown lack or rename them
            if name not in md.inlinePatterns:  # a Registry, which has no get()
                continue
            pattern = md.inlinePatterns[name]
            if isinstance(getattr(pattern, "compiled_re", None), re.Pattern):
                pattern.compiled_re = _Needing(pattern.compiled_re, needles)  # type: ignore[assignment]
        return md

    def prepare(self) -> None:
        """Import and make now what rendering needs (Markdown, latex2mathml): before a pool of processes forks to
        render, so that its workers inherit them instead of each importing them (build.py, context.py)."""
        import latex2mathml.converter  # noqa: F401

        self._md  # noqa: B018 - made, and kept (a cached property)

    def render(self, text: str) -> Rendered:
        """Render markdown to safe HTML; note what the sanitiser removed and the math that could not be read."""
        self._md.reset()
        # parse.py rejects such summaries with a diagnostic; this guard only keeps markdown from recursing
        if find_deep_nesting(text) is not None:
            return Rendered(f"<p>{html.escape(text)}</p>", " ".join(text.split()))
        try:
            rendered = self._md.convert(_separate_display_math(text))
        except RecursionError:
            return Rendered(f"<p>{html.escape(text)}</p>", " ".join(text.split()))
        notes = removed_markup(text, rendered, self.trusted)
        if not self.trusted and rendered.count("<pre>") > len(_fenced_blocks().findall(text)):
            notes += _indented_code(text, rendered)
        # With math, the text is that of the HTML sanitised with each formula as its LaTeX source instead of MathML.
        source = html_text(sanitise(_MATH_SPAN.sub(_latex_source, rendered), self.trusted)) \
            if _MATH_SPAN.search(rendered) else ""

        def replace(match: re.Match[str]) -> str:
            latex = html.unescape(match.group(2)).strip()
            display = match.group(1) == "div"
            mathml = latex_to_mathml(latex, display)
            if mathml is None:
                written = re.sub(r"^\\displaystyle\s*", "", latex)  # as the contributor wrote it
                line, column = _find(text, re.compile(re.escape(written))) or (1, 1)
                notes.append(Note("math-error", line, column,
                                  f"cannot read the math '{written[:60]}'; it is shown as code",
                                  "check the LaTeX: braces balanced, commands spelled right"))
                return f'<code class="math-error">{html.escape(latex)}</code>'
            unbalanced = unbalanced_brace(latex)
            if unbalanced is not None:  # latex2mathml shows a stray '}' as text, and closes a '{' where it likes
                written = re.sub(r"^\\displaystyle\s*", "", latex)
                line, column = (_find(text, re.compile(re.escape(written) + r"\s*\$"))  # the whole of it, if it can
                                or _find(text, re.compile(re.escape(written))) or (1, 1))
                notes.append(Note("math-error", line, column, f"the math '{written[:60]}' has {unbalanced}",
                                  "check the LaTeX: each { needs its } (write \\{ and \\} for braces to show)"))
            for command in unknown_commands(latex):  # shown as written, or dropped
                line, column = _find(text, re.compile(re.escape(command) + r"(?![A-Za-z])")) or (1, 1)
                meant = meant_command(command)
                notes.append(Note("math-error", line, column,
                                  f"the math command {command} is not one the site can show: it is shown as written, "
                                  "or left out",
                                  f"did you mean {meant}?" if meant else
                                  "check its spelling, or write it another way (\\operatorname{name} for the name of "
                                  "an operator)"))
            return mathml

        safe = sanitise(_MATH_SPAN.sub(replace, rendered), self.trusted)
        if not self.trusted and "$" in text:
            notes += _unclosed_math(text, safe)
        return Rendered(focusable_boxes(safe, "on this page" if self.trusted else "in the summary"), source,
                        tuple(notes))

    def render_title(self, text: str) -> str:
        """Render a title (render_inline)."""
        return render_inline(text)

    def render_page(self, text: str) -> str:
        """Render one of the repository's own pages (Resources, Contributing: trusted, headings get ids) to HTML."""
        return MarkdownRenderer(trusted=True).render(text).html


_BOX = re.compile(r'<h[2-6] id="(?P<heading>[a-z0-9_-]+)"|<table>|<pre>|</table>|<(?P<link>/?)a\b[^>]*>'
                  r'|<(?P<end>/?)math\b(?P<attributes>(?:"[^"]*"|[^">])*)>')
"""What focusable_boxes changes, the headings with an id (the repository's own pages) that name a table, the start and
end tags of links, and those of math (quoted attribute values read whole, so that no '>' in them ends a tag early)."""
_DISPLAY_BLOCK = re.compile(r'\sdisplay="block"', re.IGNORECASE)
"""A math element's attribute that makes it display math (the value is ASCII case-insensitive, as browsers read it)."""


def unbalanced_brace(latex: str) -> str | None:
    """Say what is wrong with the braces of LaTeX if they are not in pairs ({ } grouping; \\{ and \\} are shown)."""
    depth = 0
    for token in re.findall(r"\\.|[{}]", latex, re.DOTALL):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return "a '}' that closes no '{'"
    return "a '{' that is never closed" if depth else None


def focusable_boxes(fragment: str, where: str) -> str:
    """Let a keyboard reach and scroll the boxes of sanitised HTML that may scroll sideways (axe's
    scrollable-region-focusable): each table and each formula goes in a box that scrolls, so that a wide one does not
    widen the page on a phone, named and focusable; and each code block (pre) becomes focusable.

    A table's box (div.table-scroll) is named by the heading it follows where that heading has an id (the
    repository's own pages, never a summary); else by its place, where: "Table in the summary", "Table 2 of 3 in
    the summary". A display formula's box is span.math-scroll, shown as a block (display math may stand in a
    paragraph, where a div may not); an inline formula's, span.math-inline, stays in its sentence and scrolls only
    when the formula is wider than the line. Both are named by the formula's place among all formulas: "Formula in
    the summary", "Formula 2 of 3 on this page". A display formula's box is a named region and a tab stop; so is an
    inline formula's only where the formula may be wider than a phone's line (is_wide_formula): the box of a short
    one keeps its name in data-label, for theme.js to give it should it scroll after all, so that without
    JavaScript a keyboard does not stop at every symbol of the prose. Math within a link (which may hold no tab
    stop) gets a box with no name that scrolls without being a stop (the link is one); math within a formula stays
    as it is. The sanitiser leaves no attribute on <table> and <pre>, and escapes '<' and '>' in attribute values,
    so each tag is found as it is written here and none within another.
    """
    boxed: dict[int, tuple[str, str]] = {}  # where a formula's box opens (before a math start tag): class, how named
    closed: set[int] = set()  # where one closes: after a math end tag
    depth = boxed_at = links = opened = 0  # math elements open; the depth of the open box's formula, or 0; links open
    for match in _BOX.finditer(fragment):
        if match.group("link") is not None:
            links = max(0, links + (-1 if match.group("link") else 1))
        elif match.group("end") == "/":
            depth -= 1
            if depth < boxed_at:
                closed.add(match.start())
                kind, named = boxed[opened]
                if named == "data" and is_wide_formula(fragment[opened:match.end()]):
                    boxed[opened] = kind, "region"
                boxed_at = 0
        elif match.group("end") == "":
            depth += 1
            if not boxed_at:
                display = _DISPLAY_BLOCK.search(match.group("attributes"))
                boxed[match.start()] = ("math-scroll" if display else "math-inline",
                                        "none" if links else "region" if display else "data")
                boxed_at, opened = depth, match.start()
    tables, formulas = fragment.count("<table>"), sum(named != "none" for _, named in boxed.values())
    heading: str | None = None
    table = formula = 0

    def name(what: str, number: int, count: int, attribute: str = "aria-label") -> str:
        return f'{attribute}="{what} {f"{number} of {count} " if count > 1 else ""}{html.escape(where)}"'

    def replace(match: re.Match[str]) -> str:
        nonlocal heading, table, formula
        tag = match.group(0)
        if match.group("heading"):
            heading = match.group("heading")
            return tag
        if tag == "<pre>":
            return '<pre tabindex="0">'
        if tag == "<table>":
            table += 1
            label = f'aria-labelledby="{heading}"' if heading else name("Table", table, tables)
            return f'<div class="table-scroll" role="region" tabindex="0" {label}><table>'
        if tag == "</table>":
            return "</table></div>"
        if match.start() in closed:
            return tag + "</span>"
        box = boxed.get(match.start())
        if box is None:
            return tag
        kind, named = box
        if named == "none":
            return f'<span class="{kind}">{tag}'
        formula += 1
        if named == "data":
            return f'<span class="{kind}" {name("Formula", formula, formulas, "data-label")}>{tag}'
        return f'<span class="{kind}" role="region" tabindex="0" {name("Formula", formula, formulas)}>{tag}'

    return _BOX.sub(replace, fragment)


PHONE_LINE = 12
"""How much an inline formula may hold and surely fit on a line of a phone's screen (is_wide_formula): 12
characters (an em of space counting as two) take at most some 250 px in Chromium (twelve blackboard-bold W, or
twelve = with the space around them), where a line of a 320 px screen holds 280; a script is smaller, a fraction's
parts are stacked."""
_SPACE = re.compile(r'<(?:mspace|mpadded)\b[^>]*\swidth="(?P<width>[^"]*)"')
_EMS = re.compile(r"\+?(\d*\.?\d+)em")


def is_wide_formula(mathml: str) -> bool:
    """True for sanitised MathML that may be wider than a line of a phone's screen: more than PHONE_LINE characters,
    an em of space (\\quad) counting as two, or space of any other width (\\hspace{3cm})."""
    size: float = len(html.unescape(re.sub(r"<[^>]*>", "", mathml)))
    for space in _SPACE.finditer(mathml):
        width = space.group("width").strip()
        ems = _EMS.fullmatch(width)
        if ems:
            size += 2 * float(ems.group(1))
        elif width.startswith(("-", "negative")) or width in ("0", ""):
            continue  # takes space away, or none
        else:
            return True
    return size > PHONE_LINE


_BOX_TAG = re.compile(r"<(?:span|div|pre)\b[^>]*>")
"""A start tag focusable_boxes may have given attributes ('>' in attribute values is escaped by the sanitiser)."""
_BOX_ATTRIBUTE = re.compile(r' (?:role|tabindex|aria-label|aria-labelledby|data-label)="[^"]*"')
"""An attribute focusable_boxes gives a box, for a browser's keyboard and screen reader (the sanitiser keeps none)."""


def unfocusable_boxes(fragment: str) -> str:
    """Take out of HTML made by focusable_boxes what it gave its boxes for a browser's keyboard and screen reader
    (role, tabindex and the names), which mean nothing in a feed reader; the boxes and formulas stay as they are."""
    return _BOX_TAG.sub(lambda tag: _BOX_ATTRIBUTE.sub("", tag.group(0)), fragment)


def _latex_source(match: re.Match[str]) -> str:
    """A formula of Markdown's output as its escaped LaTeX between the dollars it was written with: $…$ inline,
    $$…$$ for display math (the \\displaystyle _separate_display_math gives $$…$$ within a sentence dropped).

    The delimiters keep the plain text (abstracts, feeds, meta descriptions) recognisably math, as TeX readers
    and MathJax-rendering sites know it, rather than bare commands run into the words around them.
    """
    source = html.unescape(match.group(2)).strip()
    within_sentence = re.match(r"\\displaystyle\s*", source)
    latex = html.escape(source[within_sentence.end():] if within_sentence else source, quote=False)
    if match.group(1) == "div":
        return f" $${latex}$$ "  # display math is a block of its own
    return f"$${latex}$$" if within_sentence else f"${latex}$"


_BLOCK_START = re.compile(r"<(?:br|hr|/?(?:p|pre|blockquote|ul|ol|li|h[2-6]|table|thead|tbody|tr|th|td|div|dl|dt|dd))\b")


def html_text(fragment: str) -> str:
    """Return the text of sanitised HTML on one line: tags removed, blocks kept apart, whitespace collapsed."""
    spaced = _BLOCK_START.sub(lambda m: " " + m.group(0), fragment)
    return " ".join(html.unescape(_text_cleaner().clean(spaced)).split())


@lru_cache(maxsize=1)
def _text_cleaner() -> nh3.Cleaner:
    """nh3 keeping no tag: the text of a fragment, escaped (what a browser shows of it, without its markup)."""
    return nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


class _Tags(HTMLParser):
    """The start tags of an HTML fragment, in order, with their attributes (character references resolved), and
    end tags that close no element (a stray </script>, which the sanitiser removes as well)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._opened: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._opened.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._opened:
            self.tags.append((tag, {}))
            self._opened.add(tag)


_MARKDOWN_SPELLING = {
    "img": (("an image ![…](…)", re.compile(r"!\["), "remove the image, or link to it with [words](https://…)"),),
    "h1": (("a top-level heading '# …'", re.compile(r"^ {0,3}#(?!#)", re.MULTILINE),
            "write the heading's words as a sentence, or make it a '## …' heading"),
           ("a top-level heading (the line above, underlined with this line of '=')",
            re.compile(r"^=+[ \t]*$", re.MULTILINE), "delete this line of '=', or write the two lines as one '## …' heading")),
}
"""The elements Markdown itself makes that the sanitiser removes: how a contributor writes them (in each way), where,
the fix."""
_CONTENT_REMOVED = frozenset({"script", "style"})
"""Elements the sanitiser removes with their content (nh3's clean_content_tags); it keeps the text of others."""
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def removed_markup(text: str, fragment: str, trusted: bool = False) -> list[Note]:
    """Note what the sanitiser will remove of the contributor's markup: the elements it does not allow, and the
    href of links to anything but a web address (their text stays). fragment is text as Markdown rendered it.

    Markdown makes only allowed elements but those of _MARKDOWN_SPELLING, and no link the contributor did not
    write, so nothing is noted for its own markup, nor for attributes the sanitiser drops (the element stays).
    """
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    keep = _filter_trusted if trusted else _filter_attribute
    elements: Counter[str] = Counter()
    links: Counter[str] = Counter()
    for tag, attributes in parser.tags:
        href = attributes.get("href")
        if tag not in ALLOWED_TAGS:
            elements[tag] += 1
        elif tag == "a" and href is not None and keep(tag, "href", href) is None:
            links[href] += 1
    notes = []
    for tag, count in elements.items():
        times = f" ({count} times)" if count > 1 else ""
        written = re.compile(f"</?{re.escape(tag)}(?![^\\s/>])", re.IGNORECASE)
        what, where, remedy = f"<{tag}>", _find(text, written), f"remove the <{tag}>"
        if where is None and tag in _MARKDOWN_SPELLING:  # the spelling written first
            where, what, remedy = min(((found, what, remedy) for what, spelling, remedy in _MARKDOWN_SPELLING[tag]
                                       if (found := _find(text, spelling)) is not None), default=(None, what, remedy))
        line, column = where or (1, 1)
        kept = ("" if tag in _VOID else " with what it contains" if tag in _CONTENT_REMOVED
                else "; its text is kept")
        notes.append(Note("summary-stripped", line, column,
                          f"{what} is not allowed in a summary and was removed{times}{kept}",
                          f"summaries are plain prose with links and math: {remedy}"))
    for href, count in links.items():
        times = f" ({count} times)" if count > 1 else ""
        line, column = _find(text, re.compile(re.escape(href))) or (1, 1)
        # a trusted page's link is dropped only for its scheme (it may link within the site)
        problem, fix = (None if trusted else _link_problem(href)) or _NOT_WEB
        notes.append(Note("summary-stripped", line, column,
                          f"the link to {href[:60]!r} was removed, its text kept{times}: {problem}", fix))
    return notes


_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)
_LEFT_DOLLARS = re.compile(r"\$\$|(?<!\\)\$(?=\\[A-Za-z]|[A-Za-z({|])")
"""Dollars that Markdown's output still shows as text, that only math has: '$$', and '$' before a LaTeX command, a
letter or an opening bracket ('$O(n', '$k'); a dollar sign stands before a number ('$5') or alone ('US$ 5')."""
_WITHIN_PARAGRAPH = r"(?:(?!\n[ \t]*\n)(?:\\.|[^\\$]))+?"
"""The text of a formula: no dollar (but an escaped one), no blank line."""
_CLOSED_DISPLAY = re.compile(r"(?<!\\)\$\$" + _WITHIN_PARAGRAPH + r"\$\$")
_CLOSED_INLINE = re.compile(r"(?<!\\)\$(?![\s$])" + _WITHIN_PARAGRAPH + r"(?<!\s)\$")
"""Closed math as arithmatex (smart_dollar) reads it: $$…$$, and $…$ with no space inside either dollar."""


def _blank(match: re.Match[str]) -> str:
    """Spaces in place of a match, its line breaks kept, so that what follows keeps its line and column."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _unclosed_math(text: str, safe: str) -> list[Note]:
    """Note math whose dollars are not closed, so that the formula and the rest of its paragraph are shown as literal
    text: the sanitised HTML still shows '$$' (or '$' before a command, a letter or a bracket) outside code."""
    if not _LEFT_DOLLARS.search(html_text(_CODE.sub(" ", safe))):
        return []
    prose = re.sub(r"`[^`\n]*`", _blank, _fenced_blocks().sub(_blank, text))
    # the dollars of closed formulas are not those shown: "$$x$$ and $$y" is open at its second "$$"
    closed = _CLOSED_INLINE.sub(_blank, _CLOSED_DISPLAY.sub(_blank, prose))
    where = _find(closed, _LEFT_DOLLARS) or _find(prose, _LEFT_DOLLARS)
    if where is None:  # the '$' shown was written '\\$'
        return []
    line, column = where
    if prose.split("\n")[line - 1][column - 1:column + 1] == "$$":
        return [Note("math-unclosed", line, column,
                     "these dollars open math that is never closed, so the formula and the text after it are shown as "
                     "written, dollars and all",
                     "close the formula with the same dollars it opens with ($…$ or $$…$$), or write \\$ for a dollar sign")]
    # arithmatex ends '$…$' only at a dollar with no space before it: "$O(n) $" stays text
    return [Note("math-unclosed", line, column,
                 "this $ opens math that is never closed, so the formula and the text after it are shown as written, "
                 "dollar and all",
                 "end the formula with a $ right after its last character (no space before it), or write \\$ for a "
                 "dollar sign")]


_INDENTED = re.compile(r"(?:\A|\n[ \t]*\n)(?P<indent>(?: {4}|\t)[ \t]*)\S")
"""A line that Markdown shows as a code block: indented by four spaces (or a tab), at the start or after a blank line."""


def _indented_code(text: str, rendered: str) -> list[Note]:
    """Note the first code block a summary holds by indentation alone (more <pre> blocks were rendered than it has
    fenced ones): pasted text indented by four spaces is shown as code, which its contributor rarely means. Of the
    lines indented after a blank line, it is the first that Markdown's output shows in a code block: a list item's
    indented paragraph before it is prose."""
    prose = _fenced_blocks().sub(lambda m: "\n" * m.group(0).count("\n"), text)
    code = "".join(_CODE_BLOCK.findall(rendered))
    candidates = list(_INDENTED.finditer(prose))
    found = next((c for c in candidates if html.escape(_line_at(prose, c.start("indent")).strip(), quote=False) in code),
                 candidates[0] if candidates else None)
    if found is None:
        return []
    start = found.start("indent")
    line, indent = prose.count("\n", 0, start) + 1, found.group("indent")
    by = "a tab" if "\t" in indent else f"{len(indent)} spaces"
    return [Note("summary-indented", line, 1,
                 f"this line of the summary is indented by {by}, so it is shown as a code block, not as prose",
                 "remove the spaces at the start of the line (for code you mean, put ``` lines around it instead)")]


_CODE_BLOCK = re.compile(r"<pre><code>(.*?)</code></pre>", re.DOTALL)
"""The content of a code block in Markdown's output that no fence made (a fence's may have a language class)."""


def _line_at(text: str, start: int) -> str:
    """The rest of the line of text from start."""
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _find(text: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """Line and column (from 1) of the first match of pattern in text, if any."""
    match = pattern.search(text)
    if match is None:
        return None
    start = match.start()
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


_INLINE_DISPLAY = re.compile(r"(?<![$\\])\$\$(?!\$)([^\n$]+?)\$\$")


def _fenced_blocks() -> re.Pattern[str]:
    """Python-Markdown's pattern of a fenced code block (imported with Markdown, when a summary is first rendered)."""
    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    return FencedBlockPreprocessor.FENCED_BLOCK_RE


def _separate_display_math(text: str) -> str:
    """Give $$…$$ blocks the blank lines arithmatex needs; $$…$$ inside a sentence stays inline.

    The Jekyll reviews render with MathJax, where $$…$$ is display math wherever it stands;
    arithmatex only sees it as a block when it is a paragraph of its own. Fenced code blocks
    are left as written: their dollars are code, not math.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Markdown reads it, so that its fences are found
    parts = []
    last = 0
    for fenced in _fenced_blocks().finditer(text):
        parts += [_separate_in_prose(text[last:fenced.start()]), fenced.group(0)]
        last = fenced.end()
    parts.append(_separate_in_prose(text[last:]))
    return "".join(parts)


def _separate_in_prose(text: str) -> str:
    out: list[str] = []
    in_block = False
    for line in text.split("\n"):
        stripped = line.strip()
        if in_block:
            out.append(line)
            if stripped.endswith("$$"):
                out.append("")
                in_block = False
        elif (stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4
              and "$$" not in stripped[2:-2]):
            out.extend(["", line, ""])
        elif stripped == "$$" or (stripped.startswith("$$") and "$$" not in stripped[2:]):
            out.extend(["", line])
            in_block = True
        else:
            out.append(_INLINE_DISPLAY.sub(lambda m: "$\\displaystyle " + m.group(1) + "$", line))
    return "\n".join(out)


def render_inline(text: str) -> str:
    """Render a title: text escaped, $…$ as MathML, each formula in a box (span.math-inline) that scrolls sideways
    where it is wider than the line, so that a long one does not widen a phone's page; the result is safe HTML.

    The box is no tab stop and has no name: the title is most often a link's text (cards, related papers), and the
    link is the stop; in the paper page's heading a long one is (title_heading)."""
    parts = []
    last = 0
    for match in _INLINE_MATH.finditer(text):
        parts.append(html.escape(text[last:match.start()], quote=False))
        mathml = latex_to_mathml(match.group(1), False)
        parts.append(mathml if mathml is not None else html.escape(match.group(0), quote=False))
        last = match.end()
    parts.append(html.escape(text[last:], quote=False))
    return _TITLE_FORMULA.sub(r'<span class="math-inline">\1</span>', sanitise("".join(parts)))


_TITLE_FORMULA = re.compile(r"(<math\b.*?</math>)", re.DOTALL)
"""A formula of a title (render_inline makes the title's only tags: math elements, none within another)."""
_TITLE_BOX = re.compile(r'<span class="math-inline">(<math\b.*?</math>)</span>', re.DOTALL)
"""A formula of a title in its box, as render_inline writes it."""


def title_heading(title_html: str) -> str:
    """Make the box of a long formula of a title (is_wide_formula) a tab stop for the paper page's heading, where no
    link is one, so that a keyboard can scroll it without JavaScript as a summary's; theme.js makes any that scrolls
    one. It gets no role and name: the heading's own name is made of its content, where the box's name would stand
    for the formula."""
    return _TITLE_BOX.sub(lambda box: f'<span class="math-inline" tabindex="0">{box.group(1)}</span>'
                          if is_wide_formula(box.group(1)) else box.group(0), title_html)


def plain_text(text: str) -> str:
    """Title as plain text for <title>, feeds and BibTeX: math kept as its LaTeX source."""
    return _INLINE_MATH.sub(lambda m: m.group(1), text)
