"""Strict YAML: safe types only, positions kept, and the library's silent surprises reported.

PyYAML composes the document into a node graph (nothing is constructed, so no code runs
and alias bombs are not expanded); this module then walks the graph itself, so that it can
reject tags, aliases and duplicate keys, and tell where every value came from.
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from l2h_site.textutil import DASH_NAMES, clip, decode_utf8, without_typographic_quotes

try:  # the C composer is several times faster; the pure one behaves the same
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 20
"""Deepest nesting of mappings and lists accepted in front matter or taxonomy."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

_KEY_KINDS = {
    "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
"""What YAML reads a plain, unquoted key as when it is not text."""

Path = tuple[Any, ...]

_LATEX_IN_DOUBLE_QUOTES = re.compile(
    r"(?<!\\)(?:\\\\)*"  # an even number of backslashes (escaped backslashes), then one more:
    r"(\\(?:(?!u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2})[a-zA-Z]{2,}|_))")  # not a \uXXXX-style escape
"""A LaTeX command such as \\frac inside double quotes, where YAML reads '\\f' as an escape; or LaTeX's \\_, which YAML
reads as a no-break space (no title means one)."""
_ESCAPE_REFUSED = ("unknown escape", "hexdecimal", "hexadecimal")
"""What YAML says of a backslash in double quotes that is no escape of its own (\\mathcal, \\%, \\xi): libyaml's
words and PyYAML's."""

_MAPPING_VALUE_PREFIX = re.compile(r" *(?:- +)*[^\s#'\"{}\[\],&*!|>%@`-][^#]*?: *")
"""What stands on a line before a value of a block mapping: indentation, list dashes, then 'key: '."""
_ITEM_PREFIX = re.compile(r" *(?:- +)+")
"""What stands on a line before an item of a block list: indentation and '- '."""
_QUOTED = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')"""
_ITEMS_WITHOUT_BRACKETS = re.compile(rf"""(?P<items>{_QUOTED}(?:\s*,\s*{_QUOTED})+)\s*,?""")
"""Quoted items separated by commas, as a list is written between [ ] (`authors: "A B", "C D"`)."""
_DROPPED_COMMENT = re.compile(r"[ \t]+#")
"""The gap and '#' that make YAML drop the rest of a line after a plain value."""
_FIELD_LINE = re.compile(r"(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w-]*):(?:[ \t]+(?P<value>.*))?")
"""A line that starts a field: indentation, list dashes, 'key:', and the value if it is on the line."""
_SPACE_NAMES = {"\u00a0": "non-breaking space", "\u202f": "narrow non-breaking space", "\u2007": "figure space",
                "\u3000": "ideographic space"}
"""Spaces that look like an ordinary one but are not YAML's, by name (others are called a Unicode space)."""
_UNICODE_SPACES = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_UNICODE_SPACE_GAP = re.compile(
    rf"(?:[ ]*(?:-[ ]+)*(?:[A-Za-z_][\w-]*:|-)|[ ]*(?=[ {_UNICODE_SPACES}]*(?:[A-Za-z_][\w-]*:|-[ {_UNICODE_SPACES}])))"
    rf"(?P<space>[{_UNICODE_SPACES}])")
"""A line whose indentation, or the gap after its 'key:' or '- ', holds a space YAML does not take for one (pasted
from a web page): YAML reads it as text, so that '\u00a0\u00a0url: …' is a field named '\u00a0\u00a0url'. An
indented line that starts no field or item is left alone: it may continue a value, whose text such a space is."""
_COLON_NAMES = {"\uff1a": "full-width colon", "\ufe55": "small colon", "\ufe13": "vertical colon",
                "\ua789": "modifier letter colon", "\u2236": "ratio sign"}
"""Characters that look like a colon (typed with a CJK input method, or pasted) but are not YAML's, by name."""
_LOOKALIKE_COLON_FIELD = re.compile(
    rf"(?P<prefix> *(?:- +)*)(?P<key>[A-Za-z_][\w-]*) *(?P<colon>[{''.join(_COLON_NAMES)}])[ {_UNICODE_SPACES}]*"
    r"(?P<value>.*)")
"""A line that starts a field with a look-alike colon: `title：Deep hashing`, which YAML reads as text."""
_BULLET_NAMES = {**DASH_NAMES, "\u2022": "a bullet", "\u00b7": "a middle dot", "\u2023": "a triangular bullet",
                 "\u25e6": "a white bullet", "\u25cf": "a black circle", "\u25aa": "a small black square",
                 "\u30fb": "a katakana middle dot", "*": "an asterisk"}
"""Bullets that a word processor, a web page or Markdown puts before list items, by name; YAML's is '- '."""
_BULLET_ITEM = re.compile(rf"(?P<indent> *)(?P<bullet>[{''.join(_BULLET_NAMES)}]) +(?P<item>\S.*)")
"""A line that starts a list item with another bullet than '- ' (`• Image Retrieval`)."""
_INDENTED_KEY = re.compile(r"(?P<indent> +)(?P<key>[A-Za-z_][\w-]*):(?:[ \t].*)?")
"""A line that starts with spaces, then 'key:'."""


@dataclass(frozen=True)
class YamlProblem:
    """A problem in a YAML document, positioned in the file (1-based)."""

    line: int
    column: int
    code: str
    message: str
    hint: str
    severity: str = "error"


@dataclass
class YamlDoc:
    """A loaded YAML document with the position and source form of every value."""

    value: Any = None
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """Key path -> (line, column), 1-based in the file, of the value at that path."""
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """Key path -> (line, column), 1-based in the file, of the key that introduces it."""
    raw: dict[Path, str] = field(default_factory=dict)
    """Key path -> source text of a plain scalar that YAML did not read as a string."""
    folded: dict[Path, str] = field(default_factory=dict)
    """Key path -> source text of a plain or quoted scalar written over several lines, which YAML joins into one
    text (with a space, or a line break for a blank line)."""
    problems: list[YamlProblem] = field(default_factory=list)
    told: set[Path] = field(default_factory=set)
    """Key paths whose value a problem was told of: None for an alias, a tag, LaTeX in double quotes or too deep a
    value; the list meant for one written with other bullets. What checks the value says nothing more of it."""
    nontext_keys: dict[Path, str] = field(default_factory=dict)
    """Key path -> what YAML reads a plain key as ('a number', 'a boolean', ...) when it is not text."""
    first_line: int = 1
    """File line of the document's first line."""
    text: str = ""
    """The document's source text."""

    @cached_property
    def lines(self) -> list[str]:
        """The source text's lines (0-based, as PyYAML's marks count them)."""
        return self.text.split("\n")

    def at(self, line: int, column: int) -> tuple[int, int]:
        """Turn a 0-based document position into a 1-based file position."""
        return line + self.first_line, column + 1

    def problem(self, line: int, column: int, code: str, message: str, hint: str) -> None:
        """Record a problem at a 0-based document position."""
        fline, fcol = self.at(line, column)
        self.problems.append(YamlProblem(fline, fcol, code, message, hint))

    def value_problem(self, path: Path, line: int, column: int, code: str, message: str, hint: str) -> None:
        """Record a problem with the value at path (told: the checks of values say nothing more of it)."""
        self.problem(line, column, code, message, hint)
        self.told.add(path)


class _Constructor(yaml.SafeLoader):
    """Used only to turn standard scalar nodes into Python values."""


_CONSTRUCTOR = _Constructor("")
_SCALAR_CONSTRUCTORS = {tag: _Constructor.yaml_constructors[tag] for tag in _STANDARD_TAGS - {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}}
"""The functions that turn a scalar node of each standard tag into its value, called directly: construct_object
would keep every node it turned (with its two marks) in the loader's memo, which only a whole document's
construction empties. In this loader that lasts as long as the process, the memo held a node of every year, date
and boolean read since it started: 33 more objects each rebuild of l2h serve at 500 papers."""


def _quoted(text: str) -> str:
    """Write text as a double-quoted YAML value."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted_line(source_line: str, column: int, text: str) -> str | None:
    """The line to write with text, the value that starts at column, double-quoted; None if no 'key:' or '-' is
    before it (then it is not the value of a field or a list item)."""
    prefix = _value_prefix(source_line, column)
    return None if prefix is None else f"{prefix} {_quoted(text)}"


def _value_prefix(source_line: str, column: int) -> str | None:
    """The 'key:' or '-' before the value that starts at column, or None if none stands there."""
    before = source_line[:column]
    if _MAPPING_VALUE_PREFIX.fullmatch(before) or _ITEM_PREFIX.fullmatch(before):
        return before.strip()
    return None


def _syntax_hint(problem: str, source_line: str) -> str:
    stripped = source_line.strip()
    if "\t" in source_line:
        return "replace the tab characters with spaces; YAML does not allow tabs for indentation"
    if ": " in stripped.partition(":")[2] or problem.startswith("mapping values are not allowed"):
        key = stripped.partition(":")[0].strip()
        return (f"quote the value of '{key}': it contains ': ', e.g. "
                f"{key}: \"{without_typographic_quotes(stripped.partition(':')[2].strip())}\"" if key else
                "quote values that contain ': ' with double quotes")
    if "found undefined alias" in problem or "found character '*'" in problem or "'&'" in problem:
        return "quote values that start with '*' or '&'"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "quote values that start with '@' or '`'"
    if problem.startswith("found unexpected end of stream") or "while scanning a quoted scalar" in problem:
        return "close the quotes you opened on this line"
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return "check this line's indentation and that each key is followed by ': '"
    if stripped.startswith("#") or " #" in stripped:
        return "quote values that contain ' #': YAML reads the rest of the line as a comment"
    return "check the quoting and indentation of this line; wrap values with special characters in double quotes"


def load_yaml_file(path: pathlib.Path, rel: str, unreadable: str) -> YamlDoc:
    """Load a YAML file (l2h.yml, taxonomy.yml) strictly; a file that cannot be read or is not UTF-8 is a problem
    with the code `unreadable` and no value. A missing file raises FileNotFoundError: whether that is a mistake
    is the caller's to say."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        return YamlDoc(problems=[YamlProblem(0, 0, unreadable, f"cannot read {rel}: {exc.strerror}",
                                             "check that it is a file you may read")])
    text, bad = decode_utf8(data)
    if text is None:
        assert bad is not None
        line, column, what = bad
        return YamlDoc(problems=[YamlProblem(line, column, unreadable, f"cannot read {rel}: {what}",
                                             "save it as UTF-8 (in most editors: 'Save with encoding' > UTF-8)")])
    return load_yaml(text)


def load_yaml(text: str, first_line: int = 1, fields: Collection[str] = (), item_fields: Collection[str] = ()) -> YamlDoc:
    """Load one YAML document strictly; problems are returned, never raised. fields: the names of the fields the
    document may have (a paper's), for a line that starts with one and no colon (`venue NeurIPS`) to be blamed;
    item_fields: those of which only a list's items have (a link's name and url)."""
    doc = YamlDoc(first_line=first_line, text=text)
    lines = doc.lines
    for number, source_line in enumerate(lines):
        indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
        if "\t" in indent:
            doc.problem(
                number, indent.index("\t"), "yaml-tab", "tab character used for indentation",
                "replace the tab with spaces; YAML does not allow tabs for indentation")
        elif (space := _UNICODE_SPACE_GAP.match(source_line)) is not None:
            column = space.start("space")
            name = _SPACE_NAMES.get(source_line[column], "Unicode space")
            before = source_line[:column].strip()
            doc.problem(
                number, column, "yaml-nbsp",
                f"{name} (U+{ord(source_line[column]):04X}) used {f'after {before!r}' if before else 'for indentation'}"
                ", where YAML needs an ordinary space",
                f"retype {f'the space after {before!r}' if before else 'the indentation of this line'} with ordinary "
                "spaces (text copied from a web page brings non-breaking ones)")
    if doc.problems:
        return doc
    try:
        if ("&" in text or "*" in text) and _find_aliases(text, doc):
            return doc
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line if mark else 0
        column = mark.column if mark else 0
        problem = str(exc.problem or exc.context or "invalid YAML")
        if "maximum nesting depth" in problem:  # libyaml's own limit, far above MAX_DEPTH
            doc.problem(line, column, "yaml-too-deep", f"YAML nesting deeper than {MAX_DEPTH} levels",
                        "flatten the structure")
            return doc
        if mark is not None and any(p.line == doc.at(line, 0)[0] for p in doc.problems):
            return doc  # the anchor or alias reported on this line is what broke it: one fault, one problem
        # the first of the mistakes that YAML reports as something else (or elsewhere) that explains this failure
        explained = (_refused_escape(exc, lines) or _lookalike_colon(lines, line) or _bullet_item(lines, line)
                     or (_field_among_items(lines, line, fields, item_fields) if "expected '-' indicator" in problem else None)
                     or _unclosed_opener(exc, text, lines) or _indented_field(lines, line)
                     or _indented_first_fields(problem, lines, line) or _second_document(problem, lines, line, first_line)
                     or _unspaced_field(lines, line) or _field_without_colon(lines, line, fields)
                     or _unindented_continuation(lines, line)
                     or _quote_closed_early(lines, line, column) or _text_after_brackets(lines, line, column)
                     or _block_indicator_as_text(lines, line))
        if explained is not None:
            doc.problem(*explained)
            return doc
        if exc.context in ("while scanning an alias", "while scanning an anchor") and exc.context_mark:
            line, column = exc.context_mark.line, exc.context_mark.column
        meant = _indicator_meant_as_text(lines, line, column)
        source_line = lines[line] if line < len(lines) else ""
        doc.problem(line, column, "yaml-syntax", f"invalid YAML: {problem}",
                    f"quote the value: {meant}" if meant else _syntax_hint(problem, source_line))
        return doc
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept, e.g. a control character
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)  # exc.position counts bytes in libyaml
        position = found.start() if found else 0
        line = text.count("\n", 0, position)
        column = position - (text.rfind("\n", 0, position) + 1)
        character = found.group(0)[0] if found else chr(exc.character) if isinstance(exc.character, int) else "?"
        doc.problem(line, column, "yaml-syntax",
                    f"invalid YAML: the non-printable character U+{ord(character):04X} is not allowed",
                    "delete the invisible character (retype the text if needed)")
        return doc
    except yaml.YAMLError as exc:
        doc.problem(0, 0, "yaml-syntax", f"invalid YAML: {exc}", "check the file's characters and indentation")
        return doc
    except RecursionError:
        doc.problem(0, 0, "yaml-too-deep", "YAML nesting is too deep",
                                        f"nest at most {MAX_DEPTH} levels")
        return doc
    if node is None:
        return doc
    seen: set[int] = set()
    doc.value = _walk(node, (), doc, seen, 0)
    if "#" in text:
        _find_dropped_comments(node, doc)
    return doc


def _indented_field(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a field indented deeper than the field above it, when that field already has its value.

    Returns the arguments of YamlDoc.problem. YAML reads the indented line as the value above
    continued, then fails at its ': '; the fix is the indentation, not quotes.
    """
    here = _INDENTED_KEY.fullmatch(lines[line]) if line < len(lines) else None
    if here is None:
        return None
    above = next((text for text in reversed(lines[:line]) if text.strip() and not text.lstrip().startswith("#")), "")
    field = _FIELD_LINE.fullmatch(above)
    value = (field["value"] or "").strip() if field else ""
    if field is None or not value or value[0] in "#|>":
        return None
    depth = len(field["indent"]) + len(field["dashes"])
    if len(here["indent"]) <= depth:
        return None
    key, other = here["key"], field["key"]
    hint = (f"write '{key}:' at the start of the line, like the other fields" if depth == 0 else
            f"indent '{key}:' by {depth} spaces, like '{other}:' above it")
    return (line, len(here["indent"]), "yaml-syntax",
            f"invalid YAML: '{key}:' is indented deeper than '{other}:' above it, so it is not read as a field", hint)


def _indented_first_fields(problem: str, lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame the first fields of a document indented where the field after them is not: YAML reads the document as
    their block and fails at the field that leaves it ("did not find expected <document start>").

    Returns the arguments of YamlDoc.problem, at the first of them: each is named, with the spaces to remove.
    """
    here = _FIELD_LINE.fullmatch(lines[line]) if line < len(lines) else None
    if "expected <document start>" not in problem or here is None or here["indent"] or here["dashes"]:
        return None
    content = [(i, text) for i, text in enumerate(lines[:line]) if text.strip() and not text.lstrip().startswith("#")]
    first = _INDENTED_KEY.fullmatch(content[0][1]) if content else None
    if first is None:
        return None
    depth = len(first["indent"])
    keys = [found["key"] for _, text in content if (found := _INDENTED_KEY.fullmatch(text)) and len(found["indent"]) == depth]
    under = any(len(text) - len(text.lstrip(" ")) > depth for _, text in content)
    named = ", ".join(f"'{key}:'" for key in keys[:-1]) + f" and '{keys[-1]}:'" if len(keys) > 1 else f"'{keys[0]}:'"
    spaces = f"{depth} space{'s' if depth > 1 else ''}"
    return (content[0][0], depth, "yaml-syntax",
            (f"invalid YAML: {named} {'is' if len(keys) == 1 else 'are'} indented, but '{here['key']}:' below "
            f"{'it' if len(keys) == 1 else 'them'} is not: the fields must all start at the start of their lines"),
            (f"write {named} at the start of the line{'s' if len(keys) > 1 else ''}, like the other fields (remove "
            f"{spaces}{f', and as many from each line under {named}' if under else ''})"))


def _second_document(problem: str, lines: list[str], line: int, first_line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a '---' line inside a settings file written as front matter is (`---`, `title: …`, `---`): YAML reads
    what follows it as a second document, which the file cannot hold ("but found another document").

    Returns the arguments of YamlDoc.problem.
    """
    if "found another document" not in problem or line >= len(lines) or lines[line].strip() not in ("---", "..."):
        return None
    opening = lines[0].strip() == "---" and line > 0
    return (line, 0, "yaml-syntax",
            f"invalid YAML: the line '{lines[line].strip()}' starts a second document, which the file cannot hold",
            (f"delete the line{f' (and line {first_line}, the --- at the top)' if opening else ''}: the file is YAML "
            "alone, without the '---' lines of a paper's front matter"))


def _field_among_items(lines: list[str], line: int, fields: Collection[str],
                       item_fields: Collection[str] = ()) -> tuple[int, int, str, str, str] | None:
    """Blame a field indented as the items of the list above it are (`tags:`, `  - Theory`, `  family: …`): YAML
    reads a block as a list or as fields, not both, and fails at the field ("did not find expected '-' indicator").
    Where the field is one of a paper's (fields) the fix is to line it up with the field the list is under; else it
    may be that or the list that is misplaced (a facet's `- none` above its `label:`), and both fixes are told.
    Where it is a field only an item has (item_fields: a link's url under `- name: Code`), it is lined up with the
    item's first field.

    Returns the arguments of YamlDoc.problem.
    """
    here = _INDENTED_KEY.fullmatch(lines[line]) if line < len(lines) else None
    if here is None:
        return None
    indent = len(here["indent"])
    item = parent = None
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        depth = len(text) - len(text.lstrip(" "))
        if depth > indent:
            continue  # an item's own lines
        if depth == indent and text.lstrip().startswith("- "):
            item = number
            continue
        parent = number if depth < indent and item is not None else None
        break
    owner = _FIELD_LINE.fullmatch(lines[parent]) if parent is not None else None
    if owner is None or item is None:
        return None
    key, other, first = here["key"], owner["key"], lines[item].strip()
    said = (f"invalid YAML: '{key}:' is indented as the items of the list under '{other}:' above it are "
            f"('{first[:40]}'), and a YAML block holds list items or fields, not both")
    align = f"write '{key}:' at the start of the line, like '{other}:'" if not owner["indent"] and not owner["dashes"] \
        else f"indent '{key}:' by {len(owner['indent']) + len(owner['dashes'])} spaces, like '{other}:'"
    if re.match(rf"- +{re.escape(key)}:", first):  # the items are fields too, and this one starts with the same
        return (line, indent, "yaml-syntax", said,
                f"start it with '- ' if it begins another item, as '{first[:40]}' does: - {lines[line].strip()[:60]}")
    entry = re.match(r"(?P<dash>- +)(?P<key>[A-Za-z_][\w-]*):", first)
    if key in item_fields and entry:  # '  - name: Code' then '  url: …': the item's, short of two spaces
        return (line, indent, "yaml-syntax", said,
                f"indent '{key}:' by {indent + len(entry['dash'])} spaces, like '{entry['key']}:' in '{first[:40]}' above it")
    if key in fields:
        return line, indent, "yaml-syntax", said, align
    return (line, indent, "yaml-syntax", said,
            (f"{align}, if it is not one of the list's; or, if the items belong to a field of their own, write that "
             f"field's name on a line of its own above them"))


_UNSPACED_FIELD = re.compile(r"(?P<prefix> *(?:- +)*(?P<key>[A-Za-z_][\w-]*):)(?P<value>(?!//)[^\s#].*)")
"""A field written without the space after its colon (`year:2009`), which YAML reads as text, not as a field."""


def _text_line_above(lines: list[str], line: int) -> int:
    """The index of the nearest line above this one that holds text (not blank, not a comment), or -1."""
    return next((i for i in range(min(line, len(lines)) - 1, -1, -1)
                 if lines[i].strip() and not lines[i].lstrip().startswith("#")), -1)


def _unspaced_field(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a `key:value` line without the space after the colon, on the line where YAML failed or the one above it
    (YAML fails only once the text it took for a key has no ': ' after it, often on the next line).

    Returns the arguments of YamlDoc.problem.
    """
    for number in (line, _text_line_above(lines, line)):
        if not 0 <= number < len(lines):
            continue
        found = _UNSPACED_FIELD.fullmatch(lines[number].rstrip())
        if found is not None:
            key, value = found["key"], found["value"]
            said = clip(f"{key}:{value}", 60)
            return (number, found.end("prefix"), "yaml-syntax",
                    f"invalid YAML: '{key}:' has no space after the colon, so YAML reads '{said}' as text, not as a field",
                    f"write a space after the colon: {key}: {value}")
    return None


_FIELD_WITHOUT_COLON = re.compile(r"(?P<prefix> *(?:- +)*)(?P<key>[A-Za-z_][\w-]*) +(?P<value>[^\s:#].*)")
"""A line that starts with a word and a space, which may be a field whose colon was left out (`venue NeurIPS`)."""


def _field_without_colon(lines: list[str], line: int, fields: Collection[str]) -> tuple[int, int, str, str, str] | None:
    """Blame a line that starts with the name of a field and a space, without the colon (`venue NeurIPS`, or
    `- name Code` in a list), on the line where YAML failed or the one above it: YAML reads it as text and fails on
    it or the next line. (Taken for a value wrapped onto its own line, it was to be joined to the field above.)

    Returns the arguments of YamlDoc.problem.
    """
    written = {field["key"] for text in lines if (field := _FIELD_LINE.fullmatch(text)) and not field["indent"]}
    for number in (line, _text_line_above(lines, line)):
        found = _FIELD_WITHOUT_COLON.fullmatch(lines[number].rstrip()) if 0 <= number < len(lines) else None
        if (found is not None and found["key"] in fields and not _continues_a_value(lines, number)
                and (found["prefix"] or found["key"] not in written)):  # else words of a value wrapped onto the line
            key = found["key"]
            return (number, found.end("key"), "yaml-syntax",
                    f"invalid YAML: '{key}' has no ':' after it, so this line is not a field",
                    f"write a colon after the field's name: {found['prefix'].lstrip()}{key}: {found['value']}")
    return None


def _continues_a_value(lines: list[str], number: int) -> bool:
    """Tell whether a line, indented, can only go on with the value of a field above that has its value on its own
    line (`title: Hashing for Similarity Search` above `  – A Survey`): YAML reads it as part of that text, whatever
    it looks like, so it is no list item nor field of its own to blame."""
    indent = len(lines[number]) - len(lines[number].lstrip(" "))
    if not indent:
        return False
    for above in range(number - 1, -1, -1):
        text = lines[above]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if len(text) - len(text.lstrip(" ")) < indent:
            field = _FIELD_LINE.fullmatch(text.rstrip())
            return field is not None and bool(field["value"]) and not field["value"].startswith(("|", ">", "#"))
    return False


def _lines_to_field_above(lines: list[str], line: int) -> Iterator[int]:
    """The lines from the one where YAML failed (or the last) upwards, to the field at the left margin above it, not
    included: the lines YAML may have read into that field's value."""
    for number in range(min(line, len(lines) - 1), -1, -1):
        field = _FIELD_LINE.fullmatch(lines[number])
        if number < line and field is not None and not field["indent"] and not field["dashes"]:
            return
        yield number


def _lookalike_colon(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a field written with a colon that only looks like one (`title：Deep hashing`), on the line where YAML
    failed or above it, up to the field above: YAML reads the line and those indented below it as text, and fails on
    the next field, or at the end.

    Returns the arguments of YamlDoc.problem.
    """
    for number in _lines_to_field_above(lines, line):
        found = _LOOKALIKE_COLON_FIELD.fullmatch(lines[number].rstrip())
        if found is None or _continues_a_value(lines, number):
            continue
        colon, key = found["colon"], found["key"]
        value = f" {found['value']}" if found["value"] else ""
        return (number, found.start("colon"), "yaml-syntax",
                (f"invalid YAML: '{key}' is followed by a {_COLON_NAMES[colon]} '{colon}' (U+{ord(colon):04X}), "
                "which YAML does not read as a colon, so this line is not a field"),
                f"use an ASCII colon ':' followed by a space: {found['prefix'].lstrip()}{key}:{value}")
    return None


def _bullet_problem(bullet: str, item: str) -> tuple[str, str, str]:
    """The code, message and fix of a list item started with another bullet than '- ' (or with '-' and no space)."""
    if bullet == "-":
        said = "'-' starts a list item only when a space follows it"
    else:
        said = f"'{bullet}' ({_BULLET_NAMES[bullet]}, U+{ord(bullet):04X}) does not start a YAML list item"
    return "yaml-bullet", said, f"start each item with a hyphen and a space: - {item}"


def _bullet_item(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a list item started with another bullet than '- ' (`• Image Retrieval`, `* LSH`) at the left margin,
    on the line where YAML failed or above it, up to the field above (at the margin YAML reads it as a field without
    its ':', and fails on the next line or at the end; indented, it is text, which _bulleted_items reads).

    Returns the arguments of YamlDoc.problem.
    """
    found = None
    for number in _lines_to_field_above(lines, line):  # the first bullet of the list: the topmost
        here = _BULLET_ITEM.fullmatch(lines[number].rstrip())
        if here is not None and not _continues_a_value(lines, number):
            found = (number, here)
    if found is None:
        return None
    number, here = found
    code, said, fix = _bullet_problem(here["bullet"], here["item"])
    return number, len(here["indent"]), code, f"invalid YAML: {said}", fix


def _bulleted_items(node: yaml.Node, key_line: int, doc: YamlDoc) -> list[str] | None:
    """The items of a list written on the lines below its key with another bullet than '- ' (`• Image Retrieval`),
    or with no space after the '-' (`-LSH`), which YAML reads as one text ("• Image Retrieval • LSH"); else None.

    A line that starts with no bullet goes on with the item above it (an item wrapped onto the next line).
    """
    if not isinstance(node, yaml.ScalarNode) or node.style or node.start_mark.line <= key_line:
        return None
    text = doc.text[node.start_mark.index:node.end_mark.index]
    bullet = text[:1]
    if not (bullet in _BULLET_NAMES and text[1:2] == " " or bullet == "-" and text[1:2].strip()):
        return None
    items: list[str] = []
    for source_line in text.split("\n"):
        stripped = source_line.strip()
        if stripped.startswith(bullet):
            items.append(stripped[1:].strip())
        elif stripped:
            items[-1] = f"{items[-1]} {stripped}"
    return items


def _unindented_continuation(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """Blame a value wrapped onto lines of its own at the left margin (a long title), which YAML reads as a field
    without its ':' and fails on, on that line or the next.

    Returns the arguments of YamlDoc.problem.
    """
    def is_wrapped(number: int) -> bool:  # words at the left margin, no field
        return 0 <= number < len(lines) and re.match(r"[^\W_]", lines[number]) is not None and ":" not in lines[number]

    for number in (line, _text_line_above(lines, line)):
        if not is_wrapped(number):
            continue
        while is_wrapped(_text_line_above(lines, number)):  # a title wrapped twice: from its first wrapped line
            number = _text_line_above(lines, number)
        top = _text_line_above(lines, number)  # the field whose value goes on here
        field = _FIELD_LINE.fullmatch(lines[top]) if top >= 0 else None
        value = (field["value"] or "").strip() if field else ""
        if field is None or field["indent"] or field["dashes"] or not value or value[0] in "\"'[{|>&*!#":
            return None
        wrapped = [lines[number].strip()]
        while number + len(wrapped) <= line and is_wrapped(number + len(wrapped)):
            wrapped.append(lines[number + len(wrapped)].strip())
        joined = f"{field['key']}: {value} {' '.join(wrapped)}"
        return (number, 0, "yaml-syntax",
                (f"invalid YAML: this line goes on with the value of '{field['key']}' above it, but YAML reads a "
                 "line that starts at the left margin as a new field, and finds no ':'"),
                f"join it to the line above, {joined}, or indent the wrapped text by two spaces")
    return None


def _quote_closed_early(lines: list[str], line: int, column: int) -> tuple[int, int, str, str, str] | None:
    """Blame a quote inside a quoted value that ends it early (`title: 'It's Hashing'`), when YAML failed after it.

    Returns the arguments of YamlDoc.problem, with both ways to write the value.
    """
    source_line = lines[line] if line < len(lines) else ""
    start = next((i for i, char in enumerate(source_line)
                  if char in "'\"" and _value_prefix(source_line, i) is not None), None)
    if start is None:
        return None
    prefix, value = source_line[:start].strip(), source_line[start:].rstrip()
    quote, end = value[0], 1
    while end < len(value):  # find where YAML ends the quoted value: skip \" escapes and '' pairs
        if quote == '"' and value[end] == "\\" or quote == "'" and value.startswith("''", end):
            end += 2
        elif value[end] == quote:
            break
        else:
            end += 1
    rest = value[end + 1:].strip()
    if end >= len(value) or start + end > column or not rest or rest.startswith("#"):
        return None
    items = _ITEMS_WITHOUT_BRACKETS.fullmatch(value)
    if items is not None:  # `authors: "A B", "C D"`: each quoted was read as the whole value, as the first is
        each = re.findall(_QUOTED, items["items"])
        return (line, start + end, "yaml-syntax",
                (f"invalid YAML: this {quote} ends the value, and the items after the comma are not read: quoted "
                 "items separated by commas are a list only between [ and ]"),
                f"write {prefix} [{items['items']}]" if prefix.endswith(":") else  # an item of a list: one a line
                "write each item on a line of its own: " + ", then ".join(f"{prefix} {item}" for item in each))
    closed = value[-1] == quote and len(value) > end + 1
    if not closed and not (quote == "'" and value[end - 1].isalpha() and value[end + 1].isalpha()):
        # `venue: "CVPR" 2008`, `title: "DeepBit" Hashing`: not a quote inside a value, but text after a whole one
        other = "'" if quote == '"' else '"'
        if other in value or "\\" in value or prefix is None or not prefix.endswith(":"):
            return None
        inner, after = value[1:end], value[end + 1:]
        return (line, start + end + 1 + len(after) - len(after.lstrip()), "yaml-syntax",
                'invalid YAML: this text follows a whole value in quotes, and YAML cannot read it',
                (f"write the whole value in quotes: {prefix} {_quoted(inner + after)}, or, to keep these quotes "
                 f"as part of it, {prefix} {other}{value}{other}"))
    inner = value[1:-1] if closed else value[1:]
    if quote == "'":
        text = inner.replace("''", "'")
        doubled = text.replace("'", "''")
        hint = (f"write each ' inside the value twice: {prefix} '{doubled}', "
                f"or use double quotes: {prefix} {_quoted(text)}")
    else:
        escaped = re.sub(r'(?<!\\)((?:\\\\)*)"', r'\1\\"', inner)
        doubled = inner.replace("'", "''")
        hint = f'write \\" for each " inside the value: {prefix} "{escaped}"'
        if "\\" not in inner:  # in single quotes a backslash would mean itself, not an escape
            hint += f", or use single quotes: {prefix} '{doubled}'"
    name = "single" if quote == "'" else "double"
    return (line, start + end, "yaml-syntax",
            f"invalid YAML: this {quote} ends the {name}-quoted value early, so YAML cannot read the rest of the line",
            hint)


_OPENERS = {'"': ("double quote", '"'), "'": ("single quote", "'"), "[": ("bracket", "]"), "{": ("brace", "}")}
"""What each opening character is called in a hint, and what closes it."""
_FLOW_CONTEXTS = ("while parsing a flow sequence", "while parsing a flow mapping")


def _unclosed_opener(exc: yaml.MarkedYAMLError, text: str,
                     lines: list[str]) -> tuple[int, int, str, str, str] | None:
    """Blame the quote or bracket left open that made the parser fail further down, if one did.

    Returns the arguments of YamlDoc.problem. PyYAML reports where it gave up: after a quote left
    open it reads the next fields into the value, up to the next quote, and fails there. A quoted
    value or [list] that runs onto a line indented no deeper than its own line has swallowed the
    fields that follow; one continued on deeper-indented lines is multi-line on purpose and not blamed.
    """
    problem, context = exc.problem_mark, exc.context_mark
    end = problem.index if problem is not None else len(text)
    opener = _runaway_quote(text, lines, end)
    never_closed = False
    if opener is None and context is not None:
        at_end = problem is None or problem.index >= len(text.rstrip())
        if exc.context == "while scanning a quoted scalar":
            opener, never_closed = (context.line, context.column), True
        elif exc.context in _FLOW_CONTEXTS and problem is not None and (
                at_end or _runs_over(lines, context.line, problem.line)):
            opener, never_closed = (context.line, context.column), at_end
        elif exc.context == "while parsing a flow node" and at_end:  # `tags: [` and nothing after it: YAML's
            opener, never_closed = _open_bracket(lines), True  # context is the end, not the bracket
    if opener is None or opener[0] >= len(lines) or opener[1] >= len(lines[opener[0]]):
        return None
    line, column = opener
    source_line = lines[line]
    char = source_line[column]
    if char not in _OPENERS:
        return None
    name, closer = _OPENERS[char]
    shown, value = (name, "value") if char in "\"'" else (f"'{char}'", "list" if char == "[" else "mapping")
    message = (f"invalid YAML: the {shown} opened here is never closed" if never_closed else
               f"invalid YAML: the {shown} opened here is not closed on its line, "
               f"so YAML reads the lines after it into this {value}")
    written = source_line.strip()
    if char in "[{":
        written = re.sub(r"\s+#.*$", "", written)
        if written.endswith(","):  # a list written over several lines: where it should end is not known
            hint = f"close the {name} opened here with '{closer}' after the last item"
            return line, column, "yaml-syntax", message, hint
        if written.endswith(char):  # nothing in it: "tags: []" or "title: []" would be a value left empty
            hint = (f"write the items after the {name} and close it with '{closer}', or put the whole value in "
                    f"quotes if the '{char}' is part of its text")
            return line, column, "yaml-syntax", message, hint
    return line, column, "yaml-syntax", message, f"close the {name} opened here: {written}{closer}"


def _open_bracket(lines: list[str]) -> tuple[int, int] | None:
    """The position of the last '[' or '{' that opens a value and is left open to the end of the text, or None."""
    open_at: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        quote = None
        for column, char in enumerate(line):
            if quote:
                quote = None if char == quote else quote
            elif char in "\"'" and (column == 0 or line[column - 1] in " [{,:"):
                quote = char
            elif char == "#" and (column == 0 or line[column - 1] == " "):
                break
            elif char in "[{":
                open_at.append((number, column))
            elif char in "]}" and open_at:
                open_at.pop()
    return open_at[-1] if open_at else None


def _runaway_quote(text: str, lines: list[str], end: int) -> tuple[int, int] | None:
    """Find the first quoted value, starting before index end, that swallowed the lines after its own."""
    try:
        for token in yaml.scan(text, Loader=_Loader):
            start = token.start_mark
            if start is None or start.index >= end:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark is not None \
                    and token.end_mark.line > start.line and _runs_over(lines, start.line, token.end_mark.line):
                return start.line, start.column
    except yaml.YAMLError:  # the scanner stops where the document breaks; what came before is all we need
        pass
    return None


def _runs_over(lines: list[str], first: int, last: int) -> bool:
    """Tell whether a value begun on line first continues, by line last, on a line indented no deeper."""
    if first >= len(lines):
        return False
    depth = len(lines[first]) - len(lines[first].lstrip(" "))
    return any(line.strip() and len(line) - len(line.lstrip(" ")) <= depth
               for line in lines[first + 1:last + 1])


def _find_aliases(text: str, doc: YamlDoc) -> bool:
    """Report each line that defines an anchor (&name) or uses an alias (*name), where it is written.

    The composed graph shares one node between an anchor and its aliases, so only the parser's
    events know where an alias stands; nothing is composed or expanded when one is found. A syntax
    error met on the way is raised after the lines found so far are reported.
    """
    events: list[yaml.NodeEvent] = []
    failure: yaml.MarkedYAMLError | None = None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                events.append(event)
    except yaml.MarkedYAMLError as exc:
        failure = exc
    used = {event.anchor for event in events if isinstance(event, yaml.AliasEvent)}
    defined = {event.anchor for event in events if not isinstance(event, yaml.AliasEvent)}
    lines: set[int] = set()
    for event in events:
        mark = event.start_mark
        if mark is not None and mark.line not in lines:
            lines.add(mark.line)
            meant = _alias_meant_as_text(event, doc.lines, defined, used)
            doc.problem(mark.line, mark.column, "yaml-alias",
                        "YAML anchors and aliases (&name / *name) are not allowed",
                        f"quote the value: {meant}" if meant else
                        "write the value out in full instead of referring to an anchor")
    if failure is not None:
        raise failure
    return bool(lines)


def _alias_meant_as_text(event: yaml.NodeEvent, lines: list[str],
                         defined: set[str | None], used: set[str | None]) -> str | None:
    """The quoted line to write when '&' or '*' starts a value that is text, not an anchor or alias.

    `title: &Amp Hashing` is text: the anchor is followed by words and nothing refers to it, as is
    `title: *Star Hashing` (words after the alias) or `title: *Star` (no such anchor).
    """
    start, end = event.start_mark, event.end_mark
    if start is None or end is None or end.line != start.line:
        return None
    source_line = lines[start.line]
    if isinstance(event, yaml.AliasEvent):
        rest = source_line[end.column:].strip()
        if rest.startswith("#") or not rest:
            if event.anchor in defined:
                return None
            return _quoted_line(source_line, start.column, source_line[start.column:end.column])
    elif not (isinstance(event, yaml.ScalarEvent) and not event.style and event.anchor not in used):
        return None  # `title: &Hashing` alone is an anchor on an empty value: text meant, as `&Amp Hashing` is
    return _quoted_line(source_line, start.column, source_line[start.column:].rstrip())


_YAML_TAG = "tag:yaml.org,2002:"

_NOT_TEXT = {_YAML_TAG + kind for kind in ("int", "float", "bool", "timestamp")}
"""What YAML reads a plain value as that is not text (nor empty): a number, a boolean or a date."""


def _as_written(tag: str) -> str:
    """A tag as the file writes it: YAML reads '!!python/int' as 'tag:yaml.org,2002:python/int'."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _tag_meant_as_text(node: yaml.Node, doc: YamlDoc) -> str | None:
    """The quoted line to write when '!' starts a plain value that is text (`title: !Bang Hashing`), not a tag.

    Only local tags (one '!') on a one-line plain value count; `!!python/...` is never text, nor is a tag before a
    number, a boolean or a date (`required: !x true`): quoted, that would be text.
    """
    start, end = node.start_mark, node.end_mark
    if not isinstance(node, yaml.ScalarNode) or node.style or not node.tag.startswith("!") \
            or start is None or end is None or end.line != start.line \
            or _CONSTRUCTOR.resolve(yaml.ScalarNode, node.value, (True, False)) in _NOT_TEXT:  # type: ignore[no-untyped-call]
        return None
    source_line = doc.lines[start.line]
    return _quoted_line(source_line, start.column, source_line[start.column:end.column])


def _untagged(node: yaml.Node, doc: YamlDoc) -> str:
    """How to write a value without its tag (!!python/int 3, required: !x true, !!binary ...)."""
    start, end = node.start_mark, node.end_mark
    source_line = doc.lines[start.line]
    prefix = _MAPPING_VALUE_PREFIX.fullmatch(source_line[:start.column])
    rest = source_line[start.column:end.column].split(None, 1)[1:]  # what follows the tag
    if isinstance(node, yaml.ScalarNode) and not node.style and end.line == start.line and prefix and rest:
        return f"remove the tag: {source_line[:start.column].strip()} {rest[0].strip()}"
    return "remove the '!' tag; l2h's YAML files hold only plain text, numbers, true/false, lists and mappings"


def _indicator_meant_as_text(lines: list[str], line: int, column: int) -> str | None:
    """The quoted line to write when a value starts with a character YAML reserves (@, `, %, &, *)."""
    source_line = lines[line] if line < len(lines) else ""
    if source_line[column:column + 1] not in ("@", "`", "%", "&", "*"):
        return None
    return _quoted_line(source_line, column, source_line[column:].rstrip())


def _block_indicator_as_text(lines: list[str], line: int) -> tuple[int, int, str, str, str] | None:
    """A value that starts with a character YAML reads as the start of a block (`title: | Hashing`, `> Hashing`,
    `- Hashing`, `? Hashing`), then text on the same line, which YAML refuses: the value quoted is the fix."""
    source_line = lines[line] if line < len(lines) else ""
    prefix = _MAPPING_VALUE_PREFIX.match(source_line)
    start = prefix.end() if prefix is not None else -1
    if start < 0 or not re.match(r"[|>?-][ \t]+[^\s#]", source_line[start:]):
        return None
    fix = _quoted_line(source_line, start, source_line[start:].rstrip())
    if fix is None:
        return None
    read = {"-": "a list item", "?": "a key"}.get(source_line[start], "the mark of a value on the lines below")
    return (line, start, "yaml-syntax",
            f"invalid YAML: this value starts with '{source_line[start]}', which YAML reads as {read}, not as text",
            f"quote the value: {fix}")


def _text_after_brackets(lines: list[str], line: int, column: int) -> tuple[int, int, str, str, str] | None:
    """A value that starts with a bracket or brace which closes before more text on its line ("- {De la Torre},
    Fernando", "title: [Deep] Hashing"): YAML reads a list or a mapping, then fails on the text after it (at
    column). The problem is reported where the value starts, with the line quoted as the fix."""
    source_line = lines[line] if line < len(lines) else ""
    prefix = _MAPPING_VALUE_PREFIX.match(source_line) or _ITEM_PREFIX.match(source_line)
    start = prefix.end() if prefix is not None else -1
    if start < 0 or source_line[start:start + 1] not in ("[", "{"):
        return None
    closed = _closing_bracket(source_line, start)
    after = source_line[closed + 1:].strip() if closed is not None else ""
    if closed is None or closed >= column or not after or after[0] in "[{":
        return None  # the error is inside the brackets, nothing follows them, or more of a list does ("[a] [b]")
    fix = _quoted_line(source_line, start, source_line[start:].rstrip())
    kind = "list" if source_line[start] == "[" else "mapping"
    return (line, start, "yaml-syntax",
            (f"invalid YAML: this value starts with '{source_line[start]}', so YAML reads a {kind} up to "
             f"'{source_line[closed]}' and cannot read the text after it"),
            f"quote the value: {fix}")


def _refused_escape(exc: yaml.MarkedYAMLError, lines: Sequence[str]) -> tuple[int, int, str, str, str] | None:
    """A double-quoted value with a backslash YAML has no escape for (LaTeX: "$\\mathcal{H}$", "99\\%"): the yaml-escape
    problem that a backslash YAML does read as an escape gets (_walk), at the value's start, not a syntax error whose
    generic fix (double quotes) is what caused it."""
    problem, start, mark = str(exc.problem or ""), exc.context_mark, exc.problem_mark
    if (start is None or mark is None or mark.line >= len(lines) or "quoted scalar" not in str(exc.context or "")
            or not any(words in problem for words in _ESCAPE_REFUSED)):
        return None
    line = lines[mark.line]
    backslash = line.rfind("\\", 0, mark.column + 1)
    if backslash < 0:
        return None
    written = re.match(r"\\(?:[A-Za-z]+|.?)", line[backslash:])
    assert written is not None  # a backslash, then anything or nothing
    return start.line, start.column, *_escape_problem(written.group(0))


def _escape_problem(escape: str) -> tuple[str, str, str]:
    """The code, message and fix of LaTeX's backslash (escape: '\\alpha') in a double-quoted value."""
    return ("yaml-escape", f"inside double quotes YAML reads \"{escape}\" as an escape sequence, not as LaTeX",
            "use single quotes around this value (write a ' inside it as ''), or double each backslash")


def _closing_bracket(text: str, start: int) -> int | None:
    """The index of the bracket or brace that closes the one at start, as YAML's own scanner reads the line from there
    (its quotes, "[a, 'b]'", and a quote within a word, "[Bob's] Hashing"), or None if the line does not close it."""
    depth = 0
    try:
        for token in yaml.scan(text[start:], Loader=_Loader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                depth += 1
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
                depth -= 1
                if depth == 0 and token.start_mark is not None:
                    return start + int(token.start_mark.index)
    except yaml.YAMLError:  # what follows the closing bracket is what YAML could not read
        pass
    return None


def _walk(node: yaml.Node, path: Path, doc: YamlDoc, seen: set[int], depth: int) -> Any:
    line, column = node.start_mark.line, node.start_mark.column
    doc.positions[path] = doc.at(line, column)
    if id(node) in seen:
        doc.value_problem(
            path, line, column, "yaml-alias", "YAML anchors and aliases (&name / *name) are not allowed",
            "write the value out in full instead of referring to an anchor")
        return None
    seen.add(id(node))
    if node.tag not in _STANDARD_TAGS:
        meant = _tag_meant_as_text(node, doc)
        doc.value_problem(
            path, line, column, "yaml-tag", f"YAML tag '{_as_written(node.tag)}' is not allowed",
            f"quote the value: {meant}" if meant else _untagged(node, doc))
        return None
    if depth > MAX_DEPTH:
        doc.value_problem(path, line, column, "yaml-too-deep", f"YAML nesting deeper than {MAX_DEPTH} levels",
                          "flatten the structure")
        return None
    if isinstance(node, yaml.ScalarNode):
        if (not node.style or node.style in ('"', "'")) and node.end_mark.line > line:  # not a | or > block
            doc.folded[path] = doc.text[node.start_mark.index:node.end_mark.index]
        if node.style == '"':
            source = doc.text[node.start_mark.index:node.end_mark.index]
            latex = _LATEX_IN_DOUBLE_QUOTES.search(source)
            if latex:
                doc.value_problem(path, line, column, *_escape_problem(latex.group(1)))
                return None
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        if node.tag not in _SCALAR_CONSTRUCTORS:  # !!seq or !!map before one value: its text, for the checks to judge
            return node.value
        try:
            value = _SCALAR_CONSTRUCTORS[node.tag](_CONSTRUCTOR, node)
        except Exception:  # noqa: BLE001 - a tag its value does not fit (!!bool maybe, !!timestamp soon): its text
            return node.value
        if not node.style:  # plain scalar: '' from the C composer, None from the pure one
            doc.raw[path] = node.value
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, path + (i,), doc, seen, depth + 1) for i, item in enumerate(node.value)]
    result: dict[Any, Any] = {}
    written: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
    """Each key read -> its key and value nodes, for a fix to name the lines of its entry (rarely: not worked out
    for every key of every paper)."""
    another_item: int | None = None
    """The file line of the first key met again in this mapping, when it is a list's item: another item, maybe."""
    for key_node, value_node in node.value:
        kline, kcol = key_node.start_mark.line, key_node.start_mark.column
        if not isinstance(key_node, yaml.ScalarNode):
            doc.problem(kline, kcol, "yaml-key", "a key must be a plain name",
                                            "write keys as simple words followed by ': '")
            continue
        if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
            doc.problem(kline, kcol, "yaml-alias", "YAML merge keys (<<) are not allowed",
                                            "write the fields out in full")
            continue
        if key_node.tag != _YAML_TAG + "str" and not key_node.style and key_node.tag not in _NOT_TEXT | {_YAML_TAG + "null"}:
            doc.problem(kline, kcol, "yaml-tag", f"YAML tag '{_as_written(key_node.tag)}' is not allowed",
                                            "remove the '!' tag")
            continue
        key = key_node.value
        if key_node.tag in _KEY_KINDS and not key_node.style:
            doc.nontext_keys[path + (key,)] = _KEY_KINDS[key_node.tag]
        if key in result:
            # the first is read: a second's value is not even walked (YAML alone would keep the last, unsaid)
            first = doc.key_positions.get(path + (key,), (0, 0))
            deletion = (f"delete {_entry_lines(key_node, value_node, doc)} to keep the first, or delete "
                        f"{_entry_lines(*written[key], doc)} to keep this one")
            source = doc.lines[kline] if kline < len(doc.lines) else ""
            if another_item is not None:  # after a key again that may begin another item: this is that item's
                deletion = f"if line {another_item} begins another item (see there), this line is part of it; if not, " \
                           f"{deletion}"
            elif path and isinstance(path[-1], int) and source[:kcol] == " " * kcol and kcol >= 2:
                # a key again in a list's item (links: a second name and url): most often another item without its
                # dash, which "- " in place of its indentation's last two spaces makes, the lines under it as they are
                dashed = f"{' ' * (kcol - 2)}- {source.strip()}"
                deletion = (f"if it begins another item, write it as '{clip(dashed, 70)}' (the lines under it stay as "
                            f"they are); if not, {deletion}")
                another_item = doc.at(kline, kcol)[0]
            doc.problem(
                kline, kcol, "duplicate-key",
                f"key '{key}' appears twice (first on line {first[0]}); l2h reads line {first[0]}'s value and ignores this "
                "one", deletion)
            continue
        doc.key_positions[path + (key,)] = doc.at(kline, kcol)
        written[key] = (key_node, value_node)
        items = _bulleted_items(value_node, kline, doc)
        if items is not None:  # read as the list it was meant to be, so that its items are checked too
            start = value_node.start_mark
            code, said, fix = _bullet_problem(doc.text[start.index], items[0])
            doc.value_problem(path + (key,), start.line, start.column, code,
                              f"{said}, so {key} is read as the text {_quoted(clip(value_node.value, 60))}, not as a "
                              "list", fix)
            doc.positions[path + (key,)] = doc.at(start.line, start.column)
            result[key] = items
            continue
        result[key] = _walk(value_node, path + (key,), doc, seen, depth + 1)
    return result


def _entry_lines(key_node: yaml.Node, value_node: yaml.Node, doc: YamlDoc) -> str:
    """The file lines of a mapping's entry, its key and its value to the value's last line of text (a block list or
    mapping ends where the next entry starts): 'line 5' or 'lines 5-7'."""
    first = last = key_node.start_mark.line
    for number in range(value_node.end_mark.line, first, -1):
        text = doc.lines[number][:value_node.end_mark.column] if number == value_node.end_mark.line else doc.lines[number]
        if text.strip() and not text.lstrip().startswith("#"):
            last = number
            break
    start, end = doc.at(first, 0)[0], doc.at(last, 0)[0]
    return f"line {start}" if start == end else f"lines {start}-{end}"


def _find_dropped_comments(root: yaml.Node, doc: YamlDoc) -> None:
    """Report each plain value of a block mapping or list that YAML cuts short at a ' #'."""
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        # in a [flow list] a ' #' either ends a line of a list written over several, or breaks it
        if not isinstance(node, yaml.CollectionNode) or node.flow_style or depth > MAX_DEPTH:
            continue
        children = [("the list item", item) for item in node.value] if isinstance(node, yaml.SequenceNode) else [
            (str(key.value), value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        for name, child in children:
            _find_dropped_comment(child, name, doc)
        stack.extend((child, depth + 1) for _, child in reversed(children))


def _find_dropped_comment(node: yaml.Node, name: str, doc: YamlDoc) -> None:
    """Report a plain value followed on its line by ' #...', which YAML drops as a comment.

    A contributor who writes `title: Hashing #1 Method` means the whole text; a comment on its own
    line, or after a quoted value, a [list], a number or true/false, is left alone. An empty value is reported only when
    the '#' is glued to text (`venue: #CVPR`), since `venue: # to do` is a comment by intent.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style:
        return
    if node.value and node.tag != "tag:yaml.org,2002:str":  # `search: true  # note`: a number or flag loses nothing
        return
    end = node.end_mark.index
    line_end = doc.text.find("\n", end)
    rest = doc.text[end:] if line_end < 0 else doc.text[end:line_end]
    gap = _DROPPED_COMMENT.match(rest)
    if not gap or (not node.value and rest[gap.end():gap.end() + 1] in ("", " ", "\t")):
        return
    intended = (node.value + rest).strip()
    shown = f'would be "{node.value}"' if node.value else "would be empty"
    prefix = _value_prefix(doc.lines[node.start_mark.line], node.start_mark.column)
    doc.problem(node.end_mark.line, node.end_mark.column + gap.end() - 1, "yaml-comment",
                f'the text after " #" is read by YAML as a comment and dropped: {name} {shown}',
                f"quote the whole value: {prefix + ' ' if prefix else ''}{_quoted(intended)} "
                "(or, if it is a note, move it to a line of its own)")
