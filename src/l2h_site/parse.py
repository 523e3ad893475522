"""Parse one paper file into a Paper: split front matter, load YAML, read every field.

Both spellings of the fields read into the same model: l2h's own (`venue`, `links`) and
the Jekyll reviews' (`conference`/`journal`, `additional_links`, `bibkey`, `layout`, ...).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import re
import socket
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from l2h_site.diagnostics import Diagnostic, error, warning
from l2h_site.model import KEY_FORM, Link, NameSplit, Paper, SourceFile
from l2h_site.names import (
    NameProblem,
    braces_problem,
    first_name_first,
    quoted_item,
    read_family_given,
    read_literal,
    unbraced_item,
)
from l2h_site.textutil import (
    DASH_NAMES,
    TYPOGRAPHIC_QUOTES,
    clip,
    closest,
    describe_value,
    first_invisible,
    invisible_character,
    quote_list,
    unsafe_in_text,
    without_typographic_quotes,
)
from l2h_site.yamlsafe import YamlDoc, load_yaml

MAX_FILE_BYTES = 256 * 1024
"""Largest paper file accepted."""
MAX_SUMMARY_CHARS = 20_000
"""Longest summary accepted; a summary is two to four sentences."""
MAX_TAGS = 20
"""Most tags one paper may carry."""
MAX_NESTING = 40
"""Longest run of '>' quote markers or '[' brackets in a summary (markdown recurses on each one)."""
_DEEP_NESTING = re.compile(rf"(?=[>\[(])(?:(?:>[ \t]*){{{MAX_NESTING + 1},}}|\[{{{MAX_NESTING + 1},}}|"
                           rf"\({{{5 * MAX_NESTING},}})")
"""The lookahead lets the search skip to the next '>', '[' or '(' (a third of the time of trying the three at every
character: 0.07 s against 0.22 s for 5,000 summaries of about 1,100 characters, each read twice by check and build)."""
MAX_MARKUP_WORK = 500_000
"""Most '[' and '<' a summary may hold, each counted times the length of its paragraph. Python-Markdown reads on from
each '[' (and '<') it cannot close to the end of its paragraph, once per one (Python-Markdown issue #798): 9,950 '[`'
in a 19,900-character summary took 105 s to render, in check, in build and in l2h serve each time. At this budget the
slowest summary measured (25 '*[' in 19,900 characters) renders in 0.4 s; a summary of 1,500 characters in one
paragraph with 25 links counts 37,500."""
MAX_AUTHORS = 500
"""Most authors one paper may list."""
MAX_TITLE_CHARS = 500
"""Longest title accepted."""

VENUE_FIELDS = ("venue", "conference", "journal")
"""The fields a paper's venue may be written in; the first written is the one shown (_Reader.venue)."""
LINK_FIELDS = frozenset({"name", "url"})
"""The fields of an entry of links."""

KNOWN_FIELDS = frozenset({
    "title", "authors", "author", "venue", "conference", "journal", "year", "tags", "links",
    "additional_links", "arxiv", "doi", "bibkey", "layout", "citations", "short_authors", "added",
    "distinct_from", "former_keys",
})
LEGACY_EXTRA = frozenset({"citations", "short_authors"})
"""Legacy fields kept in `extra` without a warning."""

EXAMPLE_HOSTS = re.compile(r"(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$")
"""Host names reserved for examples and tests (RFC 2606, RFC 6761): no paper's page is there."""
EXAMPLE_ACCOUNTS = frozenset({"github.com", "www.github.com", "gitlab.com", "www.gitlab.com"})
"""Code hosts whose account "example" (github.com/example/…) stands in for an address in examples."""

NO_VENUE = frozenset({"", "no venue", "none", "n/a", "na", "-", "unknown", "null"})
_ARXIV = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_LINK_NAMES = {"arxiv": "arXiv", "pdf": "PDF", "code": "Code", "paper": "Paper", "doi": "DOI",
               "video": "Video", "slides": "Slides", "poster": "Poster", "dataset": "Dataset",
               "data": "Data", "website": "Website", "project": "Project", "blog": "Blog"}


def stand_in(written: Iterable[object], name: str, known: Collection[str]) -> str | None:
    """The first of the fields written whose name l2h does not read and stands for field name (`Family:`, `famly:`
    for family), or None; known: the names l2h reads, name among them."""
    names = sorted(known)
    return next((k for k in written if isinstance(k, str) and k not in known and closest(k, names) == name), None)


@dataclass
class ParsedPaper:
    """A parsed paper and where each of its fields was written."""

    paper: Paper
    positions: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    """Field path -> (line, column) in the file; equal paths and positions are one shared object."""
    complete: bool = True
    """False when the file has errors: the paper is still checked against the taxonomy, so that every
    problem is reported at once, but it is never published."""
    unread: frozenset[str] = frozenset()
    """Fields that are missing or could not be read (an error says why); the paper holds placeholders
    for them: an empty title, no authors, year 0."""

    def __post_init__(self) -> None:
        self.positions = _shared_positions(self.positions)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Share the positions of a paper read back from the memo or a worker process, too."""
        self.__dict__.update(state)
        self.positions = _shared_positions(self.positions)


ET_AL = re.compile(r"\s*\b(et\.? al\.?|others)$", re.IGNORECASE)
"""An author list cut short: "Ann Lee et al.", "and others"."""


def without_et_al(names: Sequence[str]) -> list[str]:
    """The names without a trailing "et al." (the key and the page use the names that are there)."""
    kept = [without_et_al_name(n) for n in names]
    return [n for n in kept if n] or list(names)


def without_et_al_name(name: str) -> str:
    """One name without a trailing "et al." and the comma before it ("Ann Lee, et al." is "Ann Lee")."""
    bare = ET_AL.sub("", name).strip()
    return bare.removesuffix(",").rstrip() if bare != name else bare


_SHARED: dict[Any, Any] = {}
"""Field paths and (line, column) pairs seen so far. Every paper has ('title',), most have (2, 8): as
shared objects, the positions of 20,000 papers take a fifth of the memory of their own tuples."""
MAX_SHARED = 100_000
"""Most entries of _SHARED; past it (only unusual fields make new ones), positions are kept as they are."""


def _shared_positions(positions: dict[tuple[Any, ...], tuple[int, int]]) -> dict[tuple[Any, ...], tuple[int, int]]:
    if len(_SHARED) >= MAX_SHARED:
        return positions
    shared = _SHARED.setdefault
    return {shared(path, path): shared(point, point) for path, point in positions.items()}


def parse_paper(source: SourceFile, facet_ids: frozenset[str] | None = frozenset()) -> tuple[ParsedPaper | None, list[Diagnostic]]:
    """Read one paper file; return the paper and every problem found.

    The paper is None when the file has no readable fields at all, and incomplete (`complete`
    False) when it has errors: then it is good only for checking, never for the site.

    facet_ids names the taxonomy's facets; None means the taxonomy could not be read, and
    then fields l2h does not know are kept without a warning.
    """
    rel = source.relpath
    try:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [error(rel, 0, 0, "file-too-large",
                                f"file is {size:,} bytes; a paper file may be at most {MAX_FILE_BYTES:,}",
                                "keep the summary to a few sentences; link to the paper for the rest")]
        data = source.path.read_bytes()
    except OSError as exc:
        return None, [error(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}",
                            "check the file's permissions")]
    return parse_paper_bytes(data, source, facet_ids)


def parse_paper_bytes(data: bytes, source: SourceFile,
                      facet_ids: frozenset[str] | None = frozenset()) -> tuple[ParsedPaper | None, list[Diagnostic]]:
    """Parse the bytes of a paper file; see parse_paper. A file whose front matter cannot be read at all is also
    reported for a file name that is no paper key, which needs no front matter, so that both are fixed in one round."""
    parsed, diagnostics = _parse_paper_bytes(data, source, facet_ids)
    if parsed is None and not KEY_FORM.fullmatch(source.key):
        lower = source.key.lower()
        diagnostics.append(key_form_error(source.relpath, source.key, lower if KEY_FORM.fullmatch(lower) else None))
    return parsed, diagnostics


def key_form_error(rel: str, key: str, name: str | None) -> Diagnostic:
    """The error of a file name that is no paper key, with the name it should have, if known."""
    return error(rel, 0, 0, "key-form", f'file name "{key}" is not a valid paper key',
                 f"name the file {name or '<key>'}.md (first author's last name, year, first word of the title, "
                 "lowercase)" + ("" if name else ", e.g. weiss2008spectral.md"))


def _parse_paper_bytes(data: bytes, source: SourceFile,
                       facet_ids: frozenset[str] | None) -> tuple[ParsedPaper | None, list[Diagnostic]]:
    rel = source.relpath
    diagnostics: list[Diagnostic] = []
    text, problem = _decode(data, rel)
    if problem:
        return None, [problem]
    assert text is not None
    if text.startswith("\ufeff"):
        text = text[1:]
        diagnostics.append(warning(rel, 1, 1, "utf8-bom", "file starts with a byte-order mark (BOM)",
                                   "save the file as UTF-8 without BOM"))
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            line = text.count("\n", 0, text.index("\r")) + 1
            return None, diagnostics + [error(rel, line, 0, "cr-line-endings",
                                              "file uses lone CR characters as line endings",
                                              "save the file with LF (or CRLF) line endings")]
    lines = text.split("\n")
    conflicts = _merge_conflicts(rel, lines)
    if conflicts:  # until it is resolved, the file holds two versions of the paper: neither can be checked
        return None, diagnostics + conflicts
    dashes = next((i for i, line in enumerate(lines) if _DASH_RULE.fullmatch(line.strip())), None)
    if dashes is not None and (dashes == 0 or lines[0].rstrip() == "---" and not any(
            line.rstrip() in ("---", "...") for line in lines[1:dashes])):  # the opening '---', or the closing one
        said = ", ".join(dict.fromkeys(f"{DASH_NAMES[c]} (U+{ord(c):04X})" for c in lines[dashes] if c in DASH_NAMES))
        return None, diagnostics + [error(
            rel, dashes + 1, 1, "unclosed-front-matter" if dashes else "missing-front-matter",
            f"the front matter's {'closing' if dashes else 'opening'} line holds {said}, not three hyphens '---'",
            "write the line as three hyphens, '---' (a word processor turns them into a dash; type them in a plain "
            "text editor)")]
    if lines[0].rstrip() != "---":
        opening = next((i for i, line in enumerate(lines) if line.strip()), 0)
        if opening and lines[opening].strip() == "---":  # the fields follow blank lines: YAML front matter must not
            blank = "a blank line comes" if opening == 1 else f"{opening} blank lines come"
            return None, diagnostics + [error(
                rel, 1, 1, "missing-front-matter",
                f"file does not start with front matter: {blank} before the '---' on line {opening + 1}",
                f"delete the {'line' if opening == 1 else 'lines'} above it, so that the file starts with '---'")]
        return None, diagnostics + [error(
            rel, 1, 1, "missing-front-matter", "file does not start with front matter",
            "start the file with a line '---', then the fields (title: …), then another '---'")]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        return None, diagnostics + [_unclosed(rel, lines)]
    doc = load_yaml("\n".join(lines[1:closing]) + "\n", first_line=2,
                    fields=KNOWN_FIELDS | (facet_ids or frozenset()) | LINK_FIELDS, item_fields=LINK_FIELDS)
    prose = _summary_in_front_matter(lines, closing) if any(p.code == "yaml-syntax" for p in doc.problems) else None
    if prose is not None:  # the '---' taken for the closing one is further down, in the summary
        return None, diagnostics + [error(
            rel, prose + 1, 1, "unclosed-front-matter",
            f"front matter opened on line 1 is not closed before line {prose + 1}, which YAML cannot read as a field: "
            "it reads as the summary",
            f"add a line '---' above line {prose + 1}, after the last field")]
    for p in doc.problems:
        diagnostics.append(error(rel, p.line, p.column, p.code, p.message, p.hint))
    if doc.problems and not isinstance(doc.value, dict):
        return None, diagnostics
    if not isinstance(doc.value, dict):
        kind = "empty" if doc.value is None else f"a {type(doc.value).__name__}"
        return None, diagnostics + [error(
            rel, 2 if doc.value is not None else 1, 1, "front-matter-not-mapping",
            f"front matter is {kind}, not a set of fields",
            "write one 'field: value' per line, e.g. title: Spectral Hashing")]
    reader = _Reader(rel, source.key, doc, facet_ids, closing)
    paper = reader.read(body="\n".join(lines[closing + 1:]))
    diagnostics.extend(reader.diagnostics)
    second = _second_front_matter(lines, closing)
    for rule in _heading_rules(lines, closing) if second is None else ():
        last = not any(line.strip() for line in lines[rule + 1:])
        diagnostics.append(warning(
            rel, rule + 1, 1, "summary-heading",
            "this '---', right under a line of the summary, makes that line a heading",
            "delete it: the summary needs no closing '---'" if last else
            "put a blank line above it for a dividing line, or delete it"))
    if second is not None:
        diagnostics.append(error(
            rel, second + 1, 1, "second-front-matter",
            f"a second front matter starts on line {second + 1}: a file holds one paper, and the fields below would be "
            "shown as the summary of this one",
            f"move line {second + 1} and the lines below it into a file of their own in papers/, named by that "
            "paper's key (see CONTRIBUTING.md)"))
    complete = not any(d.severity == "error" for d in diagnostics)
    return ParsedPaper(paper, reader.positions(), complete, frozenset(reader.unread)), diagnostics


_FIELD_LINE = re.compile(r"[A-Za-z_][\w-]* *:(?: |$)")
"""A line that starts a field of the front matter."""
_PROSE = re.compile(r"[^\W_][^:#]*\s\S+\s[^:#]*")
"""A line of words with no ':' or '#', as a summary has and a front-matter field never."""


_FIELD_SYNONYMS = {"keywords": "tags", "keyword": "tags", "topics": "tags", "categories": "tags",
                   "booktitle": "venue", "publisher": "venue", "published": "venue", "date": "year"}
"""Fields other tools write (BibTeX's booktitle and keywords, a blog's categories) for a field of l2h."""
_SUMMARY_FIELDS = ("summary", "abstract", "description")
"""Fields other generators read a summary from, which l2h reads from the text after the front matter."""
_SEPARATOR_NAMES = {"\uff0c": "a full-width comma", "\u3001": "an ideographic comma", "\uff1b": "a full-width semicolon"}
"""Commas and semicolons a CJK input method types, by name."""
_FULL_WIDTH_SEPARATOR = re.compile(f"\\s*[{''.join(_SEPARATOR_NAMES)}]\\s*")
"""A full-width comma or semicolon between two names or tags, which l2h reads as part of one."""
_DASH_RULE = re.compile(f"[{''.join(DASH_NAMES)}-]*[{''.join(DASH_NAMES)}][{''.join(DASH_NAMES)}-]*")
"""A line of dashes, one at least not a hyphen: a '---' line of the front matter, turned into dashes."""


_BYLINE_MARK = re.compile(r"[0-9\u00b9\u00b2\u00b3\u2070\u2074-\u2079*\u2020\u2021\u00a7\u00b6]+|\s*\([^()]*\)$")
"""What a paper's byline adds to a name: an affiliation's number (also superscript), a footnote's symbol (`*`, `†`, `‡`,
`§`, `¶`), or the affiliation in parentheses at its end."""
_HEADING = re.compile(r" {0,3}#")
"""A line Markdown shows as a heading ('# …' to '###### …'; Python-Markdown needs no space after the '#')."""


_NEAR_RULE = re.compile(r"\s*-{2,}\s*")
"""A line of hyphens alone that is not the closing '---' line (`----`, `--`, ` ---`): meant as it."""


def _unclosed(rel: str, lines: list[str]) -> Diagnostic:
    """The error of a front matter with no closing '---' line: at the line meant as it (`----`, ` ---`), or at the first
    line of the summary, where the '---' is missing, when they can be told."""
    meant = next((i for i in range(1, len(lines)) if _NEAR_RULE.fullmatch(lines[i])), None)
    if meant is not None:
        return error(rel, meant + 1, 1, "unclosed-front-matter",
                     f"front matter opened on line 1 is never closed: line {meant + 1}, '{lines[meant]}', is not the "
                     "closing line, which is three hyphens alone", f"write line {meant + 1} as '---'")
    prose = _summary_in_front_matter(lines, len(lines))
    if prose is not None:
        return error(rel, prose + 1, 1, "unclosed-front-matter",
                     f"front matter opened on line 1 is never closed: line {prose + 1} reads as the summary",
                     f"add a line '---' above line {prose + 1}, after the last field")
    return error(rel, 1, 1, "unclosed-front-matter", "front matter opened on line 1 is never closed",
                 "add a line '---' after the last field, before the summary")


def _summary_in_front_matter(lines: list[str], closing: int) -> int | None:
    """Return the index of the first line before `closing` that is prose at the start of a line, which YAML cannot
    read as a field (the front matter's own closing '---' was left out), or None."""
    first = next((index for index in range(1, closing) if _PROSE.fullmatch(lines[index].rstrip())), None)
    if first is None or any(_FIELD_LINE.match(line) for line in lines[first + 1:closing]):
        return None  # fields follow it: a value wrapped onto a line of its own, not the summary
    return first


def _heading_rules(lines: list[str], closing: int) -> list[int]:
    """Return the indexes of the '---' lines of the summary that Markdown reads as underlining the line above it, which
    it then shows as a heading (outside code fences; a '$$' formula above one is no heading)."""
    rules: list[int] = []
    fence: str | None = None
    for index in range(closing + 2, len(lines)):
        line, above = lines[index], lines[index - 1]
        if fence is None and (opening := re.match(r" {0,3}(`{3,}|~{3,})", above)):
            fence = opening.group(1)[0] * 3
        elif fence is not None and above.strip().startswith(fence):
            fence = None
        if fence is None and re.fullmatch(r"-{3,} *", line) and above.strip() and not above.strip().endswith("$$"):
            rules.append(index)
    return rules


_FIELD_OF_A_PAPER = re.compile(r"(?:title|authors?|year) *:(?: |$)")
"""A line that starts the front matter of a paper."""


def _second_front_matter(lines: list[str], closing: int) -> int | None:
    """Return the index of a '---' line after the front matter that opens another paper's front matter (one pasted
    below the first), or None."""
    for index in range(closing + 1, len(lines) - 1):
        if lines[index].rstrip() == "---":
            following = next((line for line in lines[index + 1:] if line.strip()), "")
            if _FIELD_OF_A_PAPER.match(following):
                return index
    return None


_CONFLICT_MARKER = re.compile(r"(<{7}|\|{7}|={7}|>{7})(?: .*)?")
"""A line git writes around the two versions of a merge conflict (`|||||||` opens the common ancestor's, in diff3)."""


def _merge_conflicts(rel: str, lines: list[str]) -> list[Diagnostic]:
    """Return an error for each merge conflict git left in the file (from `<<<<<<<` to `>>>>>>>`), and for each of its
    marker lines left alone (`=======` only within a conflict: alone, it underlines a heading)."""
    found: list[Diagnostic] = []
    markers: list[int] = []  # the marker lines of the conflict open at this line
    for index, line in enumerate(lines):
        marker = _CONFLICT_MARKER.fullmatch(line.rstrip())
        kind = marker.group(1)[0] if marker else None
        if kind == "<" and not markers:
            markers = [index]
        elif kind in ("|", "=") and markers:
            markers.append(index)
        elif kind == ">" and markers:
            found.append(error(rel, markers[0] + 1, 1, "merge-conflict",
                               f"lines {markers[0] + 1} to {index + 1} are a merge conflict that git left in the file: "
                               "both versions are in it, with git's marker lines",
                               f"keep the version you want, and delete the other and {_lines(lines, [*markers, index])}"))
            markers = []
        elif kind in ("<", ">"):
            found.append(error(rel, index + 1, 1, "merge-conflict",
                               f"line {index + 1}, '{line.rstrip()}', is a marker of a merge conflict that git left in "
                               "the file", f"delete line {index + 1}"))
    if markers:  # opened and never closed
        found.append(error(rel, markers[0] + 1, 1, "merge-conflict",
                           f"line {markers[0] + 1}, '{lines[markers[0]].rstrip()}', opens a merge conflict that git "
                           "left in the file", f"delete line {markers[0] + 1}" if len(markers) == 1 else
                           f"keep the version you want, and delete the other and {_lines(lines, markers)}"))
    return found


def _lines(lines: list[str], indexes: list[int]) -> str:
    """Name the lines at indexes by their text: "the lines 'a', 'b' and 'c'"."""
    said = [f"'{lines[i].rstrip()}'" for i in indexes]
    return "the lines " + ", ".join(said[:-1]) + " and " + said[-1]


def _decode(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, error(rel, 0, 0, "not-utf8", "file is encoded as UTF-16", "save the file as UTF-8")
    if _looks_utf16(data[:64]):
        return None, error(rel, 0, 0, "not-utf8", "file is encoded as UTF-16", "save the file as UTF-8")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return None, error(rel, data.count(b"\n", 0, offset) + 1, 0, "binary-file",
                           f"file contains a NUL byte at byte offset {offset}; it is not a text file",
                           "paper files are UTF-8 text; remove the binary content")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, error(rel, line, 0, "not-utf8",
                           f"file is not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}",
                           "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)")
    return None, None


def find_deep_nesting(text: str) -> int | None:
    """Return the offset of the first run of markup nested deeper than MAX_NESTING, if any."""
    match = _DEEP_NESTING.search(text)
    return match.start() if match else None


_OPENER = re.compile(r"(?<!\\)[\[<]")
"""A '[' or '<' that is not escaped (\\[ is text to Markdown, and cheap)."""


def find_costly_paragraph(text: str) -> tuple[int, int, int] | None:
    """Return where the summary's markup work (MAX_MARKUP_WORK, summed over its paragraphs) first goes past the budget:
    the offset of that paragraph, its count of '[' and '<', and its length; or None. A paragraph here is a run of
    lines without a blank one (a list's items are blocks of their own to Markdown: counted together, too much)."""
    work = 0
    start = 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if not block.startswith("\n"):
            openers = len(_OPENER.findall(block))
            work += openers * len(block)
            if work > MAX_MARKUP_WORK:
                return start + len(block) - len(block.lstrip()), openers, len(block.strip())
        start += len(block)
    return None


def _looks_utf16(head: bytes) -> bool:
    """Tell UTF-16 text saved without a byte-order mark: a NUL in every other byte, and only there."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return len(head) >= 8 and min(even, odd) == 0 and max(even, odd) >= len(head) // 4


def split_authors(text: str) -> list[str]:
    """Split an author string written as 'A, B and C', 'A, B, and C' or 'A; B; C' into names; a name in braces
    ("{Barnes, Inc.}", "{Barnes and Noble}") is one."""
    masked = _masked(text)
    parts = re.split(r";", masked) if ";" in masked else re.split(r",", masked)
    names: list[str] = []
    for part in parts:
        # "and" may follow a comma (the serial comma: "A, B, and C"): it is no part of the next name
        names.extend(re.split(r"(?:^|\s+)and\s+|\s*&\s*", part.strip()))
    return [re.sub(r"\s+", " ", _unmasked(n)).strip() for n in names if n.strip()]


_MASKS = {",": "\x00", ";": "\x01", "&": "\x02", " ": "\x03", "\t": "\x04", "\n": "\x05"}
"""What splits a line of names, and what each is written as within braces while the line is split (_masked)."""


def _masked(text: str) -> str:
    """Hide from splitting what separates names within braces: "{Barnes, Inc.}" is one name, as in BibTeX."""
    if "{" not in text:
        return text
    out, depth = [], 0
    for char in text:
        depth = max(depth + (char == "{") - (char == "}"), 0)
        out.append(_MASKS.get(char, char) if depth and char != "{" else char)
    return "".join(out)


def _unmasked(text: str) -> str:
    """Undo _masked."""
    for char, mask in _MASKS.items():
        text = text.replace(mask, char)
    return text


def _is_marked(name: str) -> bool:
    """Tell whether a name of a list says where it splits: written "Family, Given", or whole in braces."""
    return "," in name or read_literal(name) is not None


_LEADING_AND = re.compile(r"^(?:and|&)\s+(?=\S)", re.IGNORECASE)
"""The "and " or "& " an item of a list of authors starts with when it was copied from a line 'A, B, and C'."""


def first_names_first(names: Sequence[str]) -> tuple[list[str], tuple[NameSplit | None, ...]]:
    """Turn the names of a list written "Family, Given" first name first; return them with where each splits (None for
    a name written first name first; no splits at all when there is none). A name that is not one "Family, Given"
    (read_family_given's problem) is kept as written."""
    read = [read_family_given(n) if "," in n or read_literal(n) else None for n in names]
    splits = tuple(split if isinstance(split, NameSplit) else None for split in read)
    turned = [first_name_first(split) if split else n for n, split in zip(names, splits)]
    return turned, splits if any(splits) else ()


_INITIALS = re.compile(r"^(?!(?:Jr|Sr)\.$)(?:[A-ZÀ-ÖØ-Þ][a-z]?\.[\s-]*)+$|^[A-ZÀ-ÖØ-Þ]$")
"""Given names written as initials: 'J.', 'J. R.', 'J.-P.', 'Th.', 'J'; not the suffixes 'Jr.' and 'Sr.'."""


def _braces_read_as_mapping(item: object) -> str | None:
    """The words of an item of a YAML list that YAML read as a mapping for its braces ("De la Torre" of [{De la
    Torre}, Fernando], "Barnes, Inc." of "- {Barnes, Inc.}"); None for any other item."""
    if isinstance(item, dict) and item and all(isinstance(k, str) and v is None for k, v in item.items()):
        return ", ".join(item)  # {Barnes, Inc.}: a mapping of two keys
    return None


def bibtex_names(text: str) -> list[str] | None:
    """Return the names of an author line written as BibTeX's 'Last, First' pairs, first name first; else None.

    Caught: 'Weiss, Yair and Torralba, Antonio', 'Doe, J.' (a part that is only initials), 'Weiss, Yair'
    (one-word parts, two by two) and 'Doe, Jane; Roe, John'. split_authors would read each of them wrongly.
    """
    text = _masked(text)  # a name in braces is one, and whole: "{Barnes, Inc.}" is no pair
    if ";" in text:
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if not any(p.count(",") == 1 for p in parts):
            return None
        return [_unmasked(_first_name_first(p) if p.count(",") == 1 else p) for p in parts]
    if "," not in text:
        return None
    pairs = [p.strip() for p in re.split(r"\s+and\s+|\s*&\s*", text) if p.strip()]
    # a whole name in braces among them is one name of its own, as BibTeX reads it: "Weiss, Yair and {Google}"
    if len(pairs) > 1 and all(p.count(",") == 1 or read_literal(_unmasked(p)) for p in pairs) and any(
            p.count(",") == 1 for p in pairs):
        return [_unmasked(_first_name_first(p) if p.count(",") == 1 else p) for p in pairs]
    parts = [p.strip() for p in text.split(",") if p.strip()]
    two_by_two = len(parts) % 2 == 0 and all(" " not in p and not read_literal(p) for p in parts)
    names: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and (two_by_two or _INITIALS.match(parts[i + 1])):
            names.append(f"{parts[i + 1]} {parts[i]}")
            i += 2
        else:
            names.append(parts[i])
            i += 1
    return [_unmasked(n) for n in names] if len(names) < len(parts) else None


def _as_a_list(field: str, names: list[str]) -> str:
    """The other reading of a 'Last, First'-looking line, as a list: one-word names such as organisations."""
    if any("," in n for n in names):
        return ""
    pairs = split_pairs(names, [False] * len(names))
    if any(_INITIALS.match(names[j]) for _, j in pairs):
        return ""  # initials are not a name: there is no other reading
    return f" (or, if they are {len(names)} names after all, organisations say, a list: {field}: {_quoted(names, pairs)})"


def _quoted(names: Sequence[str], pairs: Sequence[tuple[int, int]], quoted: Sequence[bool] = ()) -> str:
    """The names as a YAML [flow list], those of the pairs quoted: quoted, the list reads them as whole names.
    Names quoted as written (quoted[i]) stay quoted."""
    paired = {i for pair in pairs for i in pair}
    return "[" + ", ".join(flow_item(n, i in paired or i < len(quoted) and quoted[i]) for i, n in enumerate(names)) + "]"


_FLOW_SPECIAL = re.compile(r"[,\[\]{}:#&*!|>'\"%@`]|^[-?\s]|\s$")
"""What makes a name need quotes inside a YAML [flow list]."""


def _is_name_word(word: str, given: bool) -> bool:
    """Tell whether one word can be a surname ('Weiss', 'LeCun', "O'Neil", 'Jones-Smith') or, with given, a given
    name ('Yair', 'Jean-Pierre'): capitalised letters; a surname may have a capital inside, never at its end."""
    for part in re.split("[-'\u2019]", word):
        if not (part.isalpha() and part[0].isupper() and part[-1].islower() or len(part) == 1 and part.isupper()):
            return False
        if given and not part[1:].islower() and len(part) > 1:
            return False
    return True


def _is_given_name(item: str) -> bool:
    """Tell whether an item of a list can be a given name alone: 'Yair', 'J.', 'J. R.', 'David M.'."""
    first, _, rest = item.partition(" ")
    return bool(_INITIALS.match(item)) or _is_name_word(first, given=True) and (not rest or bool(_INITIALS.match(rest)))


def _is_surname(item: str) -> bool:
    """Tell whether an item of a list can be a surname alone: one word ('Weiss', 'LeCun'), or one after lowercase
    particles ('van der Maaten'), which no whole name begins with; not initials."""
    *particles, last = item.split(" ")
    return (all(p.isalpha() and p.islower() for p in particles) and _is_name_word(last, given=False)
            and not _INITIALS.match(last))


def _is_given_words(item: str) -> bool:
    """Tell whether an item of a list can be a given name of several words: 'Ishwar Singh', 'Jon Louis', 'J. Robert';
    not a name with a particle or a capital inside a word ('Anton van den Hengel', 'Yann LeCun')."""
    return all(_INITIALS.match(word) or _is_name_word(word, given=True) for word in item.split(" "))


def joined_pairs(names: Sequence[str], pairs: Sequence[tuple[int, int]]) -> list[str]:
    """The names with each 'Last, First' pair (split_pairs) joined into one name, first name first."""
    starts = dict(pairs)
    seconds = set(starts.values())
    return [f"{names[starts[i]]} {name}" if i in starts else name for i, name in enumerate(names) if i not in seconds]


def split_pairs(items: Sequence[str], quoted: Sequence[bool]) -> list[tuple[int, int]]:
    """Find 'Last, First' pairs that YAML read as two items of a list of authors ([Weiss, Yair] for Yair Weiss):
    the indexes of the surname and the given name of each, in list order.

    Caught: a surname followed by initials ([Doe, J.]), and a run of an even number of items that read as surname
    and given name two by two ([Weiss, Yair, Torralba, Antonio], [Mount, David M.], [van der Maaten, Laurens]).
    Not caught: one-word names on their own or in odd runs (a mononymous author such as Devvrit), names that are not
    capitalised words (OpenAI, IBM), and one-word names the contributor quoted to say that they are whole names
    (["Mausam", "Devvrit"]). Such a quoted name is never half of a pair, unless with initials; the items on either
    side of it are read as lists of their own ([Weiss, Yair, "Devvrit", Torralba, Antonio] holds two pairs). A list,
    or such a part of one, whose every other item, from the first, is a surname is taken as pairs whole once one of
    its pairs is caught, if the other items can be given names: [Tepper, Mariano, Bhati, Ishwar Singh].
    """
    def is_whole(i: int) -> bool:  # a name its writer quoted; initials are no name, quoted or not
        return quoted[i] and not _INITIALS.match(items[i])

    def kind(i: int) -> str | None:  # of the pair items[i], items[i + 1]
        if i + 1 >= len(items) or not _is_surname(items[i]) or not _is_given_name(items[i + 1]):
            return None
        if _INITIALS.match(items[i + 1]):
            return "initials"
        return None if is_whole(i) or is_whole(i + 1) else "words"

    pairs: list[tuple[int, int]] = []
    start = i = 0
    while i <= len(items):
        if i < len(items) and not is_whole(i):
            i += 1
            continue
        pairs += _pairs_between(items, start, i, kind)
        if kind(i) == "initials":
            pairs.append((i, i + 1))
            i += 1
        i += 1
        start = i
    return pairs


def _pairs_between(items: Sequence[str], start: int, stop: int, kind: Callable[[int], str | None]) -> list[tuple[int, int]]:
    """Find the pairs of split_pairs among items[start:stop], where no name is written quoted."""
    every_other = range(start, stop, 2)
    if ((stop - start) % 2 == 0 and all(_is_surname(items[j]) and _is_given_words(items[j + 1]) for j in every_other)
            and any(kind(j) for j in every_other)):
        return [(j, j + 1) for j in every_other]
    pairs: list[tuple[int, int]] = []
    i = start
    while i < stop:
        end = i  # the run of items that can be part of a pair
        while end < stop and (_is_surname(items[end]) or _is_given_name(items[end])):
            end += 1
        two_by_two = (end - i) % 2 == 0 and all(kind(j) for j in range(i, end, 2))
        while i < end:
            found = kind(i) if i + 1 < end else None
            if found == "initials" or (found and two_by_two):
                pairs.append((i, i + 1))
                i += 2
            else:
                i += 1
        i = max(i, end + 1)
    return pairs


def _link_entries(value: object, indent: str) -> list[str]:
    """The entries of links to write for what was written instead: a mapping of one link ({name: Code, url: …}), of
    names to addresses ({Code: https://…}), an address alone, a list of these; else the form of one."""
    if isinstance(value, dict) and "url" in value:
        pairs = [(value.get("name", "Link"), value["url"])]
    elif isinstance(value, dict) and value and all(isinstance(url, str) and is_web_address(url) for url in value.values()):
        pairs = list(value.items())
    elif isinstance(value, str) and is_web_address(value):
        pairs = [("Link", value.strip())]
    elif isinstance(value, list) and value:
        return [entry for item in value for entry in _link_entries(item, indent)]
    else:
        pairs = [("Code", "https://…")]
    return [f"'{indent}- name: {label}' and, below it, '{indent}  url: {url}'" for label, url in pairs]


def _year_within(value: object) -> int | None:
    """The one year a value that is not a year holds (2011a, June 2011, CVPR 2011, 2011.0, the date 2011-06-20), or None."""
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = {int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", str(value))}
    return found.pop() if len(found) == 1 else None


def _items_split(items: Sequence[object], index: int, names: Sequence[str]) -> list[str]:
    """The items of a list of authors as a flow list's, the one at index split into names."""
    return [flow_item(str(n)) for at, item in enumerate(items) for n in (names if at == index else [item])]


def flow_item(name: str, quote: bool = False) -> str:
    """Write a name as an item of a YAML [flow list], in double quotes if it needs them or quote says so."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' if quote or _FLOW_SPECIAL.search(name) else name


def _first_name_first(name: str) -> str:
    last, _, first = name.partition(",")
    return f"{first.strip()} {last.strip()}"


def arxiv_problem(arxiv: str) -> str | None:
    """Return why an id of the arXiv form cannot exist (its month, year or number of digits), or None when it can.

    Old-style ids (1991 to March 2007) are archive/YYMMNNN; new-style ones YYMM.NNNN from April 2007,
    and YYMM.NNNNN from January 2015.
    """
    match = re.search(r"^(\d\d)(\d\d)\.(\d+)|/(\d\d)(\d\d)", arxiv)
    if match is None:
        return None
    new_style = match.group(1) is not None
    year, month = (match.group(1), match.group(2)) if new_style else (match.group(4), match.group(5))
    when = int(year + month)
    if not 1 <= int(month) <= 12:
        return f"there is no month {month}"
    if not new_style:
        return None if when >= 9100 or when <= 703 else "old-style ids end in March 2007 (0703)"
    digits = len(match.group(3))
    if when < 704:
        return "new-style ids begin in April 2007 (0704)"
    if when < 1501 and digits != 4:
        return "ids before 2015 have 4 digits after the dot"
    if when >= 1501 and digits != 5:
        return "ids from 2015 on have 5 digits after the dot"
    if when > int(dt.date.today().strftime("%y%m")):
        return f"it is dated 20{year}-{month}, which has not come yet"
    return None


_AFTER_DOI = ".,;:"
"""Punctuation a DOI copied from a sentence or a reference list often ends with; no DOI a publisher gives does."""

_OPENING = {")": "(", "]": "["}


def unbalanced_end(text: str) -> str | None:
    """The bracket text ends with if it closes none opened in it: a DOI or address copied from "(see …)" or
    Markdown's [name](address). DOIs and addresses may hold brackets, in pairs: 10.1002/(SICI)1097-…, /wiki/X_(y)."""
    last = text[-1:]
    opening = _OPENING.get(last)
    return last if opening is not None and text.count(opening) < text.count(last) else None


def _identifier_within(name: str, text: str) -> str | None:
    """Find the arXiv id (written quoted) or DOI within a value that is not one, such as the address of its PDF."""
    if name == "arxiv":
        found = re.search(r"(?<![\d.])(\d{4}\.\d{4,5}(?:v\d+)?)(?![\d])", text)
        return f'"{found.group(1)}"' if found and _ARXIV.match(found.group(1)) and not arxiv_problem(found.group(1)) else None
    found = re.search(r"10\.\d{4,9}/[^\s{}\\\"'<>]+", text)
    doi = found.group(0).rstrip(_AFTER_DOI) if found else ""
    return doi if _DOI.match(doi) and doi != text else None


def _percent_decoded_doi(text: str) -> tuple[str, str] | None:
    """The first %-escape of a DOI copied from a web address (`10.1109%2FTPAMI.2010.57`) and the DOI it means, decoded
    (without the punctuation a sentence left at its end); None if it holds no escape or means no DOI."""
    escape = re.search(r"%[0-9A-Fa-f]{2}", text)
    decoded = unquote(text).rstrip(_AFTER_DOI)
    if escape is None or not _DOI.match(decoded) or re.search(r"[{}\\]", decoded):
        return None
    return escape.group(0), decoded


def _name_in_a_shape(item: object) -> tuple[str, str] | None:
    """An author written as a mapping of one name (`- name: Alice Smith`, as some schemas have it) or as a list of one
    (`[[Alice Smith]]`): what YAML read it as, and the name; None for any other item."""
    if isinstance(item, dict) and len(item) == 1:
        (key, value), = item.items()
        if isinstance(value, str) and value.strip() and isinstance(key, str):
            return f"a mapping ({key}: {clip(value.strip(), 40)})", value.strip()
    if isinstance(item, list) and len(item) == 1 and isinstance(item[0], str) and item[0].strip():
        return f"a list ([{clip(item[0].strip(), 40)}])", item[0].strip()
    return None


def check_url(url: str) -> str | None:
    """Return why a URL is not a safe absolute http(s) link, or None when it is."""
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "it is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http(s) links are allowed" if parts.scheme else "it is not an absolute http(s) URL"
    if not parts.netloc or "&" in parts.netloc or "\\" in url:
        return "it has no valid host name"
    if "@" in parts.netloc:  # a password pasted along would be published; `https://arxiv.org@evil.example/` misleads
        return "it holds a user name or password before the host name (user:password@)"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number, or out of range
    except ValueError:
        return "its port is not a number from 0 to 65535"
    host = (parts.hostname or "").rstrip(".")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        if not _NUMERIC_LABEL.match(host.rpartition(".")[2]):
            return None  # a host name
        # A browser reads a host whose last label is a number as an IPv4 address, also in short or other bases
        # (`127.1`, `2130706433`, `0x7f000001`: 127.0.0.1), as inet_aton does.
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return "it has no valid host name"
    if not address.is_global:  # the author's own machine, a home or office network, or an example (192.0.2.1)
        return "its host is a local or private network address, which readers cannot reach"
    return None


_NUMERIC_LABEL = re.compile(r"(?i)^(?:0x[0-9a-f]*|[0-9]+)$")
"""A host name's last label that makes a browser read the host as an IPv4 address (WHATWG URL's "ends in a number")."""


def is_example_url(url: str) -> bool:
    """Tell whether a link (one check_url accepts) points at an address made up for examples (example.org, *.test,
    github.com/example/…)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    return bool(EXAMPLE_HOSTS.search(host)) or (
        host in EXAMPLE_ACCOUNTS and parts.path.lower().split("/")[1:2] == ["example"])


def _url_meant(url: str, problem: str) -> str | None:
    """Return the address a rejected link's url was meant as, where it can be told (check_url says if it is one)."""
    if "user:password@" in problem:
        return without_userinfo(url)
    if " " in url:  # in the path, as a page title in the address has; one in the host name is no address to mend
        fixed = url.replace(" ", "%20")
        if check_url(fixed) is None and "%20" not in urlsplit(fixed).netloc:
            return fixed
    if url.startswith("<") and url.endswith(">"):  # Markdown's <https://…>, which a url: field does not need
        url = url[1:-1].strip()
        if check_url(url) is None:
            return url
    if re.match(r"(//)?[\w-]+(\.[\w-]+)+(/|$)", url):  # the address without its scheme
        return "https://" + url.removeprefix("//")
    return None


def is_web_address(text: str) -> bool:
    """Tell whether text is one http(s) address that l2h would accept as a link."""
    return check_url(text.strip()) is None


def without_userinfo(url: str) -> str:
    """Return url without the user name and password before its host name."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


class _Reader:
    """Reads the fields of one front-matter mapping, recording problems as it goes."""

    def __init__(self, rel: str, key: str, doc: YamlDoc, facet_ids: frozenset[str] | None, closing: int) -> None:
        self.rel = rel
        self.key = key
        self.doc = doc
        self.data: dict[str, Any] = doc.value
        self.warn_unknown = facet_ids is not None
        self.facet_ids = facet_ids or frozenset()
        self.closing = closing
        self.diagnostics: list[Diagnostic] = []
        self.name_splits: tuple[NameSplit | None, ...] = ()
        """Where each author's name splits, as the file writes it "Family, Given" (Paper.name_splits)."""
        self.item_at: dict[int, tuple[int, int]] = {}
        """Where the list item of each author written "Family, Given" is, and of each author written otherwise whose
        name one of those is too, by the author's index (positions())."""
        # Values YAML could not read (a !tag, an escape...) were reported by it: nothing more is said of them.
        self.broken = {path for path in doc.told if path}
        self.unread: set[str] = {str(path[0]) for path in self.broken}
        self.misnamed: set[str] = set()
        """Fields written under a name l2h does not read, reported as the missing field they stand for."""

    def positions(self) -> dict[tuple[Any, ...], tuple[int, int]]:
        out = dict(self.doc.positions)
        for path, pos in self.doc.key_positions.items():
            out.setdefault(path, pos)
            out[("key",) + path] = pos
        for index, pos in self.item_at.items():
            out[("name", index)] = pos
        return out

    def at(self, path: tuple[Any, ...], key: bool = False) -> tuple[int, int]:
        if key:
            return self.doc.key_positions.get(path, (1, 1))
        return self.doc.positions.get(path, self.doc.key_positions.get(path, (1, 1)))

    def written_line(self, path: tuple[Any, ...], key: bool = False) -> tuple[str, int]:
        """The line of the file holding the value at path (or its key), "" if none, and the value's column there."""
        line, column = self.at(path, key)
        index, lines = line - self.doc.first_line, self.doc.lines
        return lines[index] if 0 <= index < len(lines) else "", column

    def undashed_lines(self, name: str) -> list[str]:
        """The lines of a plain value written over several lines (a list meant, its dashes left out, which YAML joins
        into one text), or []."""
        source = self.doc.folded.get((name,), "")
        lines = [line.strip() for line in source.split("\n") if line.strip()]
        return lines if len(lines) > 1 and not source.startswith(("'", '"')) else []

    def fail(self, path: tuple[Any, ...], code: str, message: str, hint: str, key: bool = False,
             character: str | None = None) -> None:
        """Record an error at the value of path (or its key); with a character, at that character of the value
        where the file holds it as written (not as an escape such as \\u200b)."""
        if path:
            self.unread.add(str(path[0]))
        if path in self.broken:
            return
        line, column = self.at(path, key)
        if character is not None:
            found = self.written_line(path, key)[0].find(character, column - 1)
            column = found + 1 if found >= 0 else column
        self.diagnostics.append(error(self.rel, line, column, code, message, hint))

    def missing(self, name: str, message: str, hint: str, code: str = "missing-field",
                severity: Callable[..., Diagnostic] = error) -> None:
        """Record that field `name` is missing: at the line of a field written under another name that stands for
        it (`Title:`, `titel:`), else at the top of the file."""
        self.unread.add(name)
        known = sorted(KNOWN_FIELDS | self.facet_ids)
        meant = {name, "author"} if name == "authors" else {name}  # "Authors" is as like "author" as "authors"
        written = next((k for k in self.data if isinstance(k, str) and k not in known and (
            closest(k, known) in meant or _FIELD_SYNONYMS.get(k.lower()) in meant)), None)
        if written is not None:  # the line is there, under a name l2h does not read
            self.misnamed.add(written)
            line, column = self.at((written,), key=True)
            self.diagnostics.append(severity(self.rel, line, column, code,
                                             f'{message}: the field "{written}" is not read as {name}',
                                             f"write {name}: instead of {written}:" + (
                                                 " (field names are lowercase)" if written.lower() in meant else "")))
            return
        self.diagnostics.append(severity(self.rel, 1, 1, code, message, hint))

    def full_width_separators(self, path: tuple[Any, ...], name: str, text: str) -> str:
        """Report the full-width commas or semicolons (a CJK input method's) that separate the items of text, which
        l2h reads as one item; return the text with ASCII ones."""
        fixed = ", ".join(part.strip() for part in _FULL_WIDTH_SEPARATOR.split(text))
        found = _FULL_WIDTH_SEPARATOR.search(text)
        assert found is not None
        mark = found.group(0).strip()
        written = f"[{fixed}]" if name == "tags" else fixed
        if name == "authors" and bibtex_names(fixed) is not None:  # one-word names, in one line read as pairs
            written = f"[{', '.join(map(quoted_item, split_authors(fixed)))}]"
        self.fail(path, "full-width-separator",
                  f"{name} are separated by {_SEPARATOR_NAMES[mark]} '{mark}' (U+{ord(mark):04X}), which l2h does not "
                  f'read as a separator: "{clip(text)}" would be one {name.rstrip("s")}',
                  f"use an ASCII comma followed by a space: {name}: {written}", character=mark)
        return fixed

    def warn(self, path: tuple[Any, ...], code: str, message: str, hint: str, key: bool = False) -> None:
        if path in self.broken:
            return
        line, column = self.at(path, key)
        self.diagnostics.append(warning(self.rel, line, column, code, message, hint))

    def string(self, path: tuple[Any, ...], value: Any, what: str) -> str | None:
        """Read a text value, taking the source text of plain scalars YAML read as something else."""
        if isinstance(value, str):
            invisible = invisible_character(value)
            if invisible is not None:
                self.fail(path, "control-character", f"{what} contains {invisible}",
                          "delete the invisible character (retype the text if needed)", character=first_invisible(value))
                return None
            if TYPOGRAPHIC_QUOTES.match(value):
                self.fail(path, "typographic-quotes",
                          f"{what} {clip(value)} is in typographic quotes, which YAML keeps as part of the text",
                          f'write it in straight quotes: "{clip(without_typographic_quotes(value))}"')
                return None
            return value
        if value is None and path not in self.broken:  # a line left blank (`title:`, `- `): the field says that it is empty, never `quote it: ""`
            return ""
        raw = self.doc.raw.get(path)
        if raw is not None and not isinstance(value, (list, dict)):
            self.warn(path, "yaml-coercion",
                      f"{what} {raw} is read by YAML as {describe_value(value)}, not as text",
                      f'quote it: "{raw}"')
            return raw
        self.fail(path, "wrong-type", f"{what} must be text, got {describe_value(value)}",
                  "write a single line of text, in double quotes if it contains ': '")
        return None

    def read(self, body: str) -> Paper:
        """Read every field; a field that is missing or wrong is recorded in `unread` and read as a placeholder."""
        data = self.data
        for name in data:
            if (name,) in self.doc.nontext_keys:
                self.fail((name,), "yaml-key", f"field name {name} is not text: YAML reads it as "
                          f"{self.doc.nontext_keys[(name,)]}", "field names are words like title or year", key=True)
        title = self.title()
        authors = self.authors()
        year = self.year()
        venue = self.venue()
        tags = self.tags()
        facets = self.facets()
        links = self.links()
        arxiv = self.identifier("arxiv", _ARXIV, ("arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/"),
                                "an arXiv id like 1509.02897 (or hep-th/9901001)")
        doi = self.identifier("doi", _DOI, ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                                                 "http://dx.doi.org/", "doi:"),
                              "a DOI like 10.1109/TPAMI.2012.193")
        added = self.added()
        distinct = self.distinct_from()
        former = self.former_keys()
        # `summary: …` as a field, and nothing below the front matter: one problem, the summary not where it is read
        in_field = None if body.strip() else next(
            (k for k in _SUMMARY_FIELDS if isinstance(data.get(k), str) and data[k].strip()), None)
        if in_field is not None:
            self.misnamed.add(in_field)
        extra = self.extra()
        summary = body.strip("\n")
        leading = len(body) - len(body.lstrip("\n"))
        if len(summary) > MAX_SUMMARY_CHARS:
            self.diagnostics.append(error(self.rel, self.closing + 2, 1, "summary-too-long",
                                          f"summary is {len(summary):,} characters; at most {MAX_SUMMARY_CHARS:,} are allowed",
                                          "write two to four sentences in your own words"))
            summary = ""
        elif (unsafe := unsafe_in_text(body)) is not None:
            line = self.closing + 2 + body.count("\n", 0, unsafe)
            self.diagnostics.append(error(self.rel, line, unsafe - body.rfind("\n", 0, unsafe), "control-character",
                                          f"summary contains {invisible_character(body[unsafe])}, which has no place in a "
                                          "summary (it can make the site's feed invalid XML)",
                                          "delete the invisible character (retype the text if needed)"))
            summary = ""
        elif (deep := find_deep_nesting(body)) is not None:
            line = self.closing + 2 + body.count("\n", 0, deep)
            self.diagnostics.append(error(self.rel, line, deep - body.rfind("\n", 0, deep), "summary-too-deep",
                                          f"summary nests quotes or brackets more than {MAX_NESTING} levels deep",
                                          "write plain sentences; a summary needs no deeply nested quotes or lists"))
            summary = ""
        elif (costly := find_costly_paragraph(body)) is not None:
            at, openers, length = costly
            line = self.closing + 2 + body.count("\n", 0, at)
            self.diagnostics.append(error(self.rel, line, at - body.rfind("\n", 0, at), "summary-too-complex",
                                          f"summary has a paragraph of {length:,} characters with {openers:,} '[' "
                                          "and '<' in it, more than Markdown can read in good time (it reads on to "
                                          "the paragraph's end from each one it cannot close)",
                                          "write plain sentences: a summary needs a few links, not hundreds of "
                                          "brackets (write \\[ for a bracket that is text)"))
            summary = ""
        elif in_field is not None:
            self.diagnostics.append(warning(self.rel, *self.at((in_field,), key=True), "empty-summary",
                                            f'the paper has no summary: it is written as the field "{in_field}", '
                                            "which l2h does not read",
                                            f"move its text below the closing '---', without '{in_field}:': the "
                                            "summary is the text after the front matter"))
        elif not summary.strip():
            self.diagnostics.append(warning(self.rel, self.closing + 1, 1, "empty-summary",
                                            "the paper has no summary",
                                            "after the closing '---', write two to four sentences in your own words"))
        elif not re.sub(r"<!--.*?(-->|$)", "", summary, flags=re.DOTALL).strip():  # `<!-- your summary here -->`
            self.diagnostics.append(warning(self.rel, self.closing + 2 + leading, 1, "empty-summary",
                                            "the paper has no summary: its text is an HTML comment (<!-- … -->), "
                                            "which is not shown",
                                            "write two to four sentences in your own words in its place"))
        elif all(_HEADING.match(line) for line in summary.split("\n") if line.strip()):  # `## Summary`, and no text
            self.diagnostics.append(warning(self.rel, self.closing + 2 + leading, 1, "empty-summary",
                                            "the paper has no summary: its text is only a heading",
                                            "write two to four sentences in your own words in its place"))
        return Paper(key=self.key, source=self.rel, title=title or "", authors=tuple(authors or ()),
                     name_splits=self.name_splits if authors else (), year=year or 0,
                     venue=venue, tags=tuple(tags), facets=facets, links=tuple(links), arxiv=arxiv, doi=doi, added=added,
                     distinct_from=distinct, former_keys=former, summary=summary, summary_line=self.closing + 2 + leading, extra=extra)

    def title(self) -> str | None:
        if "title" not in self.data:
            self.missing("title", "the paper has no title",
                         'add a line such as title: "Spectral Hashing" to the front matter')
            return None
        value = self.string(("title",), self.data["title"], "title")
        if value is None:
            return None
        value = re.sub(r"\s+", " ", value).strip()
        if not value:
            self.fail(("title",), "empty-field", "title is empty", "write the paper's title as published")
            return None
        if len(value) > MAX_TITLE_CHARS:
            self.fail(("title",), "field-too-long", f"title is {len(value)} characters; at most {MAX_TITLE_CHARS}",
                      "write the paper's title as published")
            return None
        return value

    def authors(self) -> list[str] | None:
        name = "authors" if "authors" in self.data else "author" if "author" in self.data else None
        if name is None:
            self.missing("authors", "the paper has no authors",
                         "add a line such as authors: Yair Weiss, Antonio Torralba, Rob Fergus")
            return None
        if name == "authors" and "author" in self.data:
            self.warn(("author",), "conflicting-authors", "the paper gives both authors and author; author is ignored",
                      "delete the author line (after moving any name missing from authors into it)", key=True)
        value = self.data[name]
        names: list[str] = []
        if isinstance(value, str):
            text = self.string((name,), value, name)
            if text is None:
                return None
            lines = self.undashed_lines(name)
            if lines and all(len(line.split()) > 1 and not re.search(r"[,;&]|\band\b", line) for line in lines):
                self.fail((name,), "author-two-names", f'{name} are written one name a line, which YAML joins into one '
                          f'name, "{clip(text)}"', f"write them on one line, separated by commas: {name}: "
                          + ", ".join(lines))
                return lines
            separated = _FULL_WIDTH_SEPARATOR.search(text) is not None
            if separated:  # one name for l2h: the names are read as they were meant, never as "Last, First" pairs
                text = self.full_width_separators((name,), "authors", text)
            names = split_authors(text)
            flipped = None if separated else bibtex_names(text)
            if flipped is not None:
                self.fail((name,), "authors-bibtex-style",
                          f'{name} "{clip(text)}" are written "Last, First" as in BibTeX; l2h would read them as '
                          f"{len(names)} names, {quote_list(names, 6)}",
                          f"write each name first name first: {name}: {', '.join(flipped)}" + _as_a_list(name, names)
                          if not any(map(read_literal, flipped)) else  # braces are read only in a list
                          f"write each name first name first, as a YAML list: {name}: "
                          f"[{', '.join(quoted_item(unbraced_item(n)) for n in flipped)}]")
                return flipped
            straight = [n for n in names if re.fullmatch(r"""(["']).+\1""", n)]
            curly = [n for n in names if TYPOGRAPHIC_QUOTES.match(n)]
            if straight or curly:  # `authors: Yair Weiss, "Antonio Torralba"`: in one line of names, quotes are part of a name
                unquoted = ", ".join(n[1:-1] if n in straight else without_typographic_quotes(n) for n in names)
                if straight:
                    self.fail((name,), "wrong-type", f"author {straight[0]} is in quotes, which are kept as part of "
                              "the name in a line of names", f"write the names without quotes: {name}: {unquoted}")
                else:  # “Antonio Torralba”, pasted from a word processor: no quotes at all for YAML
                    self.fail((name,), "typographic-quotes", f"author {curly[0]} is in typographic quotes, which are "
                              "kept as part of the name in a line of names",
                              f"write the names without quotes: {name}: {unquoted}", character=curly[0][0])
            if "{" in text or "}" in text:
                self.fail((name,), "author-braces", f'{name} "{clip(text)}" hold braces; they group words of a family '
                          'name only in a name written "Family, Given", or a whole name, as an item of a YAML list of '
                          'authors',
                          f"write {name} as a YAML list, one name an item: {name}: "
                          f"[{', '.join(quoted_item(unbraced_item(n)) for n in names)}]")
        elif isinstance(value, list):
            quoted: list[bool] = []
            written: list[tuple[str, int]] = []  # each name and its item, in order
            blank: list[int] = []  # items left empty (a `-` line, `""`): an error where other names are given
            told = False  # an item was unreadable, and said so: the list is not empty, its names are miswritten
            for i, item in enumerate(value):
                group = _braces_read_as_mapping(item)
                if group is not None:  # [{De la Torre}, Fernando]: YAML reads the braces as a mapping
                    # the item after it, one word on its line, is its given name; "{Barnes, Inc.}" is a whole name
                    after = value[i + 1] if i + 1 < len(value) and "," not in group else None
                    given = after if isinstance(after, str) and not re.search(r"[\s{}]", after.strip()) and \
                        self.at((name, i))[0] == self.at((name, i + 1))[0] else None
                    self.fail((name, i), "author-braces", f'author "{{{group}}}" is read by YAML as a mapping, for '
                              "it starts with a brace", "quote the item: " + quoted_item(
                                  f"{{{group}}}, {given}" if given else f"{{{group}}}"))
                    told = True
                    continue
                shaped = _name_in_a_shape(item)
                if shaped is not None:  # `- name: Alice Smith` or `[[Alice Smith], …]`: the fix was a line of text
                    kind, meant = shaped
                    names_meant = [(_name_in_a_shape(v) or ("", str(v)))[1] for v in value]
                    self.fail((name, i), "wrong-type", f"author must be a name, got {kind}",
                              f"write the name alone as the item: '- {meant}'" if kind.startswith("a mapping") else
                              f"write the names without inner brackets: {name}: [{', '.join(names_meant)}]")
                    told = True
                    continue
                text = self.string((name, i), item, "author")
                told = told or text is None
                if text is not None and not text.strip():
                    blank.append(i)
                elif text is not None:
                    # an item after a serial comma may keep its "and" ([A, B, and C], "- and C"): it is no part of the name
                    whole = _LEADING_AND.sub("", re.sub(r"\s+", " ", text).strip())
                    found = [n for n in (split_authors(text) if ";" in text else [whole]) if n]
                    joined = split_authors(whole) if "," not in whole and ";" not in text else []
                    if len(joined) > 1:  # "Alexis Joly and Olivier Buisson": read as one person
                        joiner = "and" if re.search(r"\sand\s", whole, re.IGNORECASE) else "&"
                        self.fail((name, i), "author-two-names", f'author "{whole}" is {len(joined)} names joined by '
                                  f'"{joiner}", which l2h reads as one in a list', "write each name as an item of its "
                                  f"own: {name}: [{', '.join(_items_split(value, i, joined))}] (if it is one name, an "
                                  f"organisation's, write it in braces: {quoted_item('{' + whole + '}')})")
                        found = joined
                    names.extend(found)
                    written.extend((n, i) for n in found)
                    # names a ';' separates within an item are whole names by intent, as quoted ones are, and so
                    # is a name written "Family, Given", never half of a pair
                    quoted.extend(self.is_quoted((name, i)) or ";" in text or "," in n or bool(read_literal(n))
                                  for n in found)
                    for problem in (read_family_given(n) for n in map(without_et_al_name, found) if "," in n):
                        if isinstance(problem, NameProblem):
                            self.fail((name, i), "authors-family-given", problem.message, problem.hint)
                    for problem in filter(None, (braces_problem(n) for n in found if "," not in n)):
                        self.fail((name, i), "author-braces", problem.message, problem.hint)
            if names:
                for i in blank:
                    self.fail((name, i), "empty-field", "empty author", f"remove the empty entry from {name}")
            pairs = split_pairs(names, quoted)
            if pairs:
                joined = self.split_pairs(name, names, pairs, quoted)
                if len(joined) != len(names):  # each pair joined into the name at its surname's item
                    seconds = {second for _, second in pairs}
                    written = [w for index, w in enumerate(written) if index not in seconds]
                names = joined
        else:
            self.fail((name,), "wrong-type", f"{name} must be a list of names or one comma-separated line, got {describe_value(value)}",
                      "write authors: First Author, Second Author")
            return None
        items = [i for n, (_, i) in zip(names, written) if n] if isinstance(value, list) else []
        names = [n for n in names if n]
        if not names:
            if not (isinstance(value, list) and told):
                self.fail((name,), "empty-field", f"{name} is empty", "list every author, comma-separated, as published")
            return None
        if len(names) > MAX_AUTHORS:
            self.fail((name,), "field-too-long", f"{len(names)} authors; at most {MAX_AUTHORS} are allowed",
                      "list the authors as published")
            return None
        if any(ET_AL.search(n) for n in names):
            self.warn((name,), "incomplete-authors", '"et al." in the author list',
                      "list every author as published")
            bare = [without_et_al_name(n) for n in names]
            items = [i for b, i in zip(bare, items) if b] if any(bare) else items
            names = without_et_al(names)
        names = self.byline_marks(name, names, isinstance(value, list))
        if isinstance(value, list):
            self.mark_items(name, names, written)
            if items != list(range(len(value))):  # not one name an item: validate.author_item_at cannot count them
                for index, item in enumerate(items):
                    self.item_at.setdefault(index, self.at((name, item)))
            names, self.name_splits = first_names_first(names)
            self.mark_twins(name, names, written)
        return names

    def byline_marks(self, field: str, names: list[str], is_list: bool) -> list[str]:
        """Report the marks a paper's byline puts on its authors' names (`Bin Xu1`, `Jiajun Bu*`, `Deng Cai
        (Zhejiang University)`), which would be shown and cited as part of the names; return the names without them."""
        marks = [found.group(0).strip() for n in names if not read_literal(n) for found in _BYLINE_MARK.finditer(n)]
        if not marks:
            return names
        bare = [n if read_literal(n) else _BYLINE_MARK.sub("", n).strip() for n in names]
        bare = [n for n in bare if n]  # "Bin Xu1,2" is read as two names, "Bin Xu1" and "2"
        self.fail((field,), "author-marks", f'authors hold {quote_list(list(dict.fromkeys(marks)), 3)}: marks of the '
                  "paper's byline (affiliations, footnotes), copied with the names",
                  f"write the names without them: {field}: " + (f"[{', '.join(map(quoted_item, bare))}]" if is_list
                                                                 else ", ".join(bare)))
        return bare

    def mark_items(self, field: str, names: list[str], written: list[tuple[str, int]]) -> None:
        """Note where each name written "Family, Given" (or whole in braces, "{Barnes, Inc.}") is, by its index among
        the names, for messages about it after parsing (validate.check_two_names). Such a name is never half of a
        pair, so the names marked so are those of the items, in order; an "et al." may have taken a comma from one
        ("Ann Lee, et al.")."""
        items = iter((without_et_al_name(text), i) for text, i in written if _is_marked(text))
        for index, text in enumerate(names):
            if _is_marked(text):
                item = next(((t, i) for t, i in items if t == text), None)
                if item is not None:
                    self.item_at[index] = self.at((field, item[1]))

    def mark_twins(self, field: str, shown: list[str], written: list[tuple[str, int]]) -> None:
        """Note where a name written first name first is when the list also writes it "Family, Given" ("Anish Das
        Sarma" and "Das Sarma, Anish"), by its index among the names as shown, for validate.check_name_splits (the
        two may split apart). Rare: most lists have no such name, and nothing is noted."""
        twins = {shown[index] for index in self.item_at}
        items = iter((without_et_al_name(text), i) for text, i in written if not _is_marked(text))
        for index, text in enumerate(shown):
            if text in twins and index not in self.item_at:
                item = next(((t, i) for t, i in items if t == text), None)
                if item is not None:
                    self.item_at[index] = self.at((field, item[1]))

    def is_quoted(self, path: tuple[Any, ...]) -> bool:
        """Tell whether the value at path is written in quotes."""
        text, column = self.written_line(path)
        return text[column - 1:column] in ('"', "'")

    def split_pairs(self, name: str, names: list[str], pairs: Sequence[tuple[int, int]],
                    quoted: Sequence[bool]) -> list[str]:
        """Report 'Last, First' pairs split apart in a list of authors; return the names as the paper keeps them:
        turned round when the pairs are sure (initials), else as written (they may be one-word names). The hints
        keep the quotes of names written quoted."""
        paired = [names[i] for pair in pairs for i in pair]
        starts = {first: second for first, second in pairs}
        seconds = set(starts.values())
        fixed = joined_pairs(names, pairs)
        kept = [i not in starts and quoted[i] for i in range(len(names)) if i not in seconds]
        what = 'a "Last, First" pair' if len(pairs) == 1 else f'{len(pairs)} "Last, First" pairs'
        initials = next((names[j] for _, j in pairs if _INITIALS.match(names[j])), None)
        message = (f"{name} {quote_list(paired, 6)} {'are' if initials else 'look like'} {what} split in two: "
                   + (f'"{initials}" is initials, not an author' if initials else
                      f"l2h reads them as {len(paired)} authors"))
        hint = f"write each name as one item, first name first: {name}: [{', '.join(map(flow_item, fixed, kept))}]"
        if initials:
            self.fail((name,), "authors-split-pairs", message, hint)
            return fixed
        self.warn((name,), "authors-split-pairs", message,
                  f"{hint} (or, if they are {len(paired)} names after all, organisations say, quote each: "
                  f"{name}: {_quoted(names, pairs, quoted)})")
        return names

    def year(self) -> int | None:
        if "year" not in self.data:
            self.missing("year", "the paper has no year", "add a line such as year: 2008")
            return None
        value = self.data["year"]
        if isinstance(value, bool) or not isinstance(value, int):
            within = _year_within(value)
            hint = (f"write the year as a number without quotes: year: {int(value)}"
                    if isinstance(value, str) and re.fullmatch(r"[1-9][0-9]{0,5}", value.strip()) else
                    f"write the year alone: year: {within}" + (
                        " (a letter that tells two papers of one year apart goes at the end of the file name, as in "
                        "weiss2008spectralb.md)" if re.search(r"\d{4}[a-z]\b", str(value)) else "") if within else
                    "write the four-digit year, e.g. year: 2008")
            self.fail(("year",), "wrong-type", f"year must be a whole number, got {describe_value(value)}", hint)
            return None
        if value.bit_length() > 32:  # str() of a number of more than 4,300 digits raises
            self.fail(("year",), "year-range", f"year is {describe_value(value)}, not a year",
                      "write the four-digit year, e.g. year: 2008")
            return None
        raw = self.doc.raw.get(("year",), str(value))
        if not re.fullmatch(r"[1-9][0-9]*", raw):  # YAML 1.1 also reads 0x7E3, 2_019, +2019 and 33:39 as 2019,
            plain = raw.replace("_", "").lstrip("+")  # and 02015 as the octal number 1037
            hint = (f"write year: {int(plain)}" if plain.isdigit() and len(plain) <= 6 and int(plain) else
                    "write the four-digit year in plain digits, e.g. year: 2008")
            self.fail(("year",), "wrong-type", f"year must be written in plain digits, got {raw} "
                      f"(YAML reads it as the number {value})", hint)
            return None
        if value < 1900:
            century = 2000 if 2000 + value <= dt.date.today().year + 1 else 1900
            self.fail(("year",), "year-range", f"year {value} is before 1900",
                      f"write all four digits: year: {century + value}" if 0 <= value < 100 else
                      "write the year the paper was published")
            return None
        if value > dt.date.today().year + 1:
            self.fail(("year",), "year-range", f"year {value} is in the future",
                      "write the year the paper was published")
            return None
        return value

    def venue(self) -> str | None:
        present = [n for n in VENUE_FIELDS if n in self.data]
        values: list[tuple[str, str]] = []
        for name in present:
            value = self.data[name]
            if value is None:
                continue
            text = self.string((name,), value, name)
            if text is not None and text.strip().lower() not in NO_VENUE:
                values.append((name, re.sub(r"\s+", " ", text).strip()))
        if len({v for _, v in values}) > 1:
            self.warn((values[1][0],), "conflicting-venue",
                      f"the paper gives two venues: {values[0][0]} \"{values[0][1]}\" and {values[1][0]} \"{values[1][1]}\"",
                      f"keep one; l2h shows \"{values[0][1]}\"", key=True)
        if not values:
            return None
        venue = values[0][1]
        return "arXiv" if venue.lower() in ("arxiv", "arxiv preprint", "corr") else venue

    def tags(self) -> list[str]:
        if "tags" not in self.data:
            self.missing("tags", "the paper has no tags", "add tags from taxonomy.yml, e.g. tags: [Image Retrieval]",
                         "no-tags", warning)
            self.unread.discard("tags")
            return []
        if self.data["tags"] is None:
            self.warn(("tags",), "no-tags", "the paper has no tags",
                      "add tags from taxonomy.yml, e.g. tags: [Image Retrieval]", key=True)
            return []
        value = self.data["tags"]
        if isinstance(value, str):
            bracketed = value.startswith("\uff3b") and value.endswith("\uff3d")  # ［A, B］, a CJK input method's
            parts = [p.strip() for p in re.split(r"[,;\uff0c\u3001\uff1b]", value.strip("\uff3b\uff3d")) if p.strip()]
            lines = self.undashed_lines("tags")
            if len(parts) == 1 and lines:
                parts = lines
            self.fail(("tags",), "wrong-type", f'tags must be a list, got the text "{value}"' + (
                      ": full-width brackets '\uff3b \uff3d' are not YAML's '[ ]'" if bracketed else
                      ": written one tag a line without the dashes of a list, which YAML joins into one line"
                      if parts == lines else ""),
                      f"write tags: [{', '.join(parts)}]")
            # checked against the taxonomy all the same, so that this one round of fixes names every unknown tag
            return [re.sub(r"\s+", " ", part) for part in parts][:MAX_TAGS]
        if not isinstance(value, list):
            self.fail(("tags",), "wrong-type", f"tags must be a list, got {describe_value(value)}",
                      "write tags: [First Tag, Second Tag]")
            return []
        if len(value) > MAX_TAGS:
            self.fail(("tags",), "too-many-tags", f"{len(value)} tags; a paper may have at most {MAX_TAGS}",
                      "keep the few tags that best describe the paper")
            return []
        if not value:
            self.warn(("tags",), "no-tags", "the paper has no tags",
                      "add tags from taxonomy.yml, e.g. tags: [Image Retrieval]")
        tags: list[str] = []
        for i, item in enumerate(value):
            text = self.string(("tags", i), item, "tag")
            if text is None:
                continue
            text = re.sub(r"\s+", " ", text).strip()
            if _FULL_WIDTH_SEPARATOR.search(text):  # [A，B]: one tag for YAML; checked as the tags they were meant
                parts = self.full_width_separators(("tags", i), "tags", text).split(", ")
                tags.extend(part for part in parts[:-1] if part not in tags)
                text = parts[-1]
            if not text:
                self.fail(("tags", i), "empty-field", "empty tag", "remove the empty entry from tags")
            elif text in tags:
                self.warn(("tags", i), "duplicate-tag", f'tag "{text}" is listed twice', "remove the repeat")
            else:
                tags.append(text)
        return tags

    def facets(self) -> dict[str, tuple[str, ...]]:
        facets: dict[str, tuple[str, ...]] = {}
        for name in sorted(self.facet_ids & set(self.data)):
            value = self.data[name]
            if isinstance(value, list):
                items = [self.string((name, i), v, name) for i, v in enumerate(value)]
                facets[name] = tuple(v.strip() for v in items if v is not None)
            elif value is None:
                facets[name] = ()
            else:
                text = self.string((name,), value, name)
                if text is not None:
                    facets[name] = (text.strip(),)
        return facets

    def links(self) -> list[Link]:
        links: list[Link] = []
        for name in ("links", "additional_links"):
            if name not in self.data or self.data[name] is None:
                continue
            value = self.data[name]
            if not isinstance(value, list):
                self.fail((name,), "wrong-type", f"{name} must be a list of name/url pairs, got {describe_value(value)}",
                          ("write each link as an item of the list, below the line " + f"'{name}:': "
                           if isinstance(value, dict) else f"write line {self.at((name,), key=True)[0]} as '{name}:' "
                           "alone, and each link as an item of the list below it: ") + "; ".join(_link_entries(value, "  ")))
                continue
            for i, item in enumerate(value):
                if not isinstance(item, dict) or "url" not in item:
                    text = self.written_line((name, i))[0]
                    dash = text[:len(text) - len(text.lstrip(" "))]  # the item's indentation, for the entry to match
                    self.fail((name, i), "wrong-type", f"each entry of {name} needs a name and a url",
                              "write " + "; ".join(_link_entries([item], dash)))
                    continue
                for written in item:  # a mistyped key (urll:) would be dropped unsaid
                    if written not in LINK_FIELDS and self.warn_unknown:
                        guess = closest(str(written), sorted(LINK_FIELDS))
                        self.warn((name, i, written), "unknown-field",
                                  f'unknown field "{written}" in an entry of {name} is ignored',
                                  f'did you mean "{guess}"?' if guess else
                                  "a link has a name and a url only: remove this line", key=True)
                url = self.string((name, i, "url"), item.get("url"), "url")
                label = self.string((name, i, "name"), item.get("name", "Link"), "link name") or "Link"
                if url is None:
                    continue
                url = url.strip()
                problem = check_url(url)
                if problem:
                    bare = _url_meant(url, problem)
                    self.fail((name, i, "url"), "unsafe-url", f'link "{clip(url)}" is rejected: {problem}',
                              f"write url: {bare}" if bare and check_url(bare) is None else
                              "link the page's address on the public web" if "local or private" in problem else
                              "correct the port after the host name, or remove it" if "port" in problem else
                              "give the full https:// address of the page")
                    continue
                close = unbalanced_end(url)
                if close is not None:  # the page's address and a bracket, which makes it one that does not exist
                    self.fail((name, i, "url"), "url-bracket", f'link "{clip(url)}" ends with "{close}", which closes '
                              f'no "{_OPENING[close]}" in it: the address was copied with the bracket around it',
                              f"write url: {url[:-1]}")
                    continue
                label = re.sub(r"\s+", " ", label).strip() or "Link"
                links.append(Link(name=_LINK_NAMES.get(label.lower(), label), url=url))
        return links

    def identifier(self, name: str, pattern: re.Pattern[str], prefixes: tuple[str, ...], example: str) -> str | None:
        if name not in self.data or self.data[name] is None:
            return None
        text = self.string((name,), self.data[name], name)
        if text is None:
            return None
        text = written = text.strip()
        for prefix in prefixes:
            if text.lower().startswith(prefix.lower()):
                text = text[len(prefix):].lstrip()  # also `DOI: 10.…`, as a reference list writes it
        hint = f"write {example}, or remove the line if you are not sure"
        if not pattern.match(text):
            why = ""
            if name == "doi" and (decoded := _percent_decoded_doi(text)) is not None:
                escape, doi = decoded
                why = f': it is written as in a web address, where "{escape}" stands for "{unquote(escape)}"'
                hint = f"write {name}: {doi}"
            elif (found := _identifier_within(name, text)) is not None:
                hint = f"write {name}: {found}"
        elif name == "doi" and (unsafe := re.search(r"[{}\\]", text)):  # they would unbalance a BibTeX entry
            why = f': it contains "{unsafe.group(0)}", which would break its BibTeX entry'
        elif name == "doi" and text[-1] in _AFTER_DOI:  # copied with the end of the sentence or reference around it
            why = f': it ends with "{text[-1]}", which is not part of it'
            hint = f"write {name}: {text.rstrip(_AFTER_DOI)}"
        elif name == "doi" and (close := unbalanced_end(text)):
            why = f': it ends with "{close}", which closes no "{_OPENING[close]}" in it'
            hint = f"write {name}: {text[:-1]}"
        elif name == "arxiv" and (problem := arxiv_problem(text)):
            why = f": {problem}"
        else:
            return text
        self.fail((name,), f"{name}-format", f'{name} "{clip(written)}" is not {example.split(" like ")[0]}{why}', hint)
        return None

    def distinct_from(self) -> tuple[str, ...]:
        value = self.data.get("distinct_from")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            example = clip(value.strip(), 60) if isinstance(value, str) and value.strip() else "otherkey2006title"
            self.fail(("distinct_from",), "wrong-type", "distinct_from must be a list of paper keys",
                      f"write distinct_from: [{example}]")
            return ()
        return tuple(value)

    def former_keys(self) -> tuple[str, ...]:
        value = self.data.get("former_keys")
        if value is None:
            return ()
        if not isinstance(value, list):
            example = clip(value.strip(), 60) if isinstance(value, str) and value.strip() else "oldkey2006title"
            self.fail(("former_keys",), "wrong-type",
                      f"former_keys must be a list of the paper's old keys, got {describe_value(value)}",
                      f"write former_keys: [{example}]")
            return ()
        keys: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(("former_keys", i), "wrong-type",
                          f"each entry of former_keys must be a paper key, got {describe_value(item)}",
                          "write the file name the paper had, without .md, e.g. former_keys: [weiss2008spectral]")
            elif item in keys:
                self.warn(("former_keys", i), "duplicate-former-key", f'former key "{item}" is listed twice',
                          "remove the repeat")
            else:
                keys.append(item)
        return tuple(keys)

    def added(self) -> dt.date | None:
        if "added" not in self.data or self.data["added"] is None:
            return None
        value = self.data["added"]
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            # a year ahead at least: the paper would head the feed until then. (Told by the year, as year-range is: a
            # check's result is kept for a file's bytes until the year changes.)
            if value.year > dt.date.today().year:
                self.fail(("added",), "year-range", f"added: {value.isoformat()} is in the future",
                          "write the day the paper joined the review, or remove the line (git history is used)")
                return None
            return value
        hint = "write added: YYYY-MM-DD, or remove the line (git history is used)"
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):  # in quotes: YAML reads text
            with contextlib.suppress(ValueError):  # a day that is not in the calendar keeps the general fix
                hint = f"write the date without quotes: added: {dt.date.fromisoformat(value.strip()).isoformat()}"
        self.fail(("added",), "wrong-type", f"added must be a date like 2024-05-31, got {describe_value(value)}", hint)
        return None

    def as_a_link(self, field: str, url: str) -> str:
        """The fix for a link given as a field of its own (`code: https://github.com/…`): an entry of links, indented as
        the entries already there are (YAML needs them alike)."""
        label = _LINK_NAMES.get(field.lower(), "Code" if field.lower() == "github" else "Link")
        if "links" not in self.data:
            return (f"move it into links: write 'links:' on a line of its own, then '  - name: {label}' and, below it, "
                    f"'    url: {url}'")
        line = self.at(("links",), key=True)[0]
        entries = self.data["links"]
        block = re.match(r"( *)- ", self.written_line(("links", 0))[0]) if isinstance(entries, list) and entries else None
        if block:
            return (f"move it into links (line {line}): write '{block.group(1)}- name: {label}' and, below it, "
                    f"'{block.group(1)}  url: {url}'")
        if isinstance(entries, list) and entries:  # links: [{name: PDF, url: …}]
            return f"move it into the list of links on line {line}: add {{name: {label}, url: {url}}}"
        return (f"move it into links: write line {line} as 'links:' alone, then '  - name: {label}' and, below it, "
                f"'    url: {url}'")

    def extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        # `Family:` for a facet not set is reported by validate_paper, which knows whether the facet is required
        known = KNOWN_FIELDS | self.facet_ids
        facet_stand_ins = {stand_in(self.data, f, known) for f in self.facet_ids if f not in self.data}
        for name, value in self.data.items():
            if (not isinstance(name, str) or (name,) in self.doc.nontext_keys
                    or name in KNOWN_FIELDS - LEGACY_EXTRA or name in self.facet_ids):
                continue
            if name == "bibkey":
                continue
            extra[name] = value
            if name not in LEGACY_EXTRA and self.warn_unknown and name not in self.misnamed | facet_stand_ins:
                meant = _FIELD_SYNONYMS.get(name.lower())  # not where the file has the field already
                guess = meant if meant and meant not in self.data else closest(name, sorted(KNOWN_FIELDS | self.facet_ids))
                hint = (self.as_a_link(name, value.strip()) if isinstance(value, str) and is_web_address(value) else
                        f'did you mean "{guess}"?' if guess else
                        "remove it, or see CONTRIBUTING.md for the fields l2h reads")
                self.warn((name,), "unknown-field", f'unknown field "{name}" is ignored', hint, key=True)
        bibkey = self.data.get("bibkey")
        if bibkey is not None and str(bibkey) != self.key:
            self.warn(("bibkey",), "bibkey-mismatch", f'bibkey "{bibkey}" differs from the file name "{self.key}"',
                      "remove the bibkey line; the file name is the key")
        return extra


