"""Read BibTeX with bibtexparser (v2) into paper drafts: bibtex.read_bibtex, which imports this module when BibTeX is
read, so that no other command loads bibtexparser."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from l2h_site.bibtex import BibProblem, PaperDraft, clean_text, unquoted
from l2h_site.model import Link, NameSplit
from l2h_site.names import family_given, first_name_first, is_literal, read_family_given, split_name
from l2h_site.parse import check_url, is_example_url
from l2h_site.textutil import clip, without_typographic_quotes

_ARXIV_IN_TEXT = re.compile(r"(?:arxiv[:\s/]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})",
                            re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"(10\.\d{4,9}/\S+)")
_ARXIV_EPRINT = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
"""An eprint field holding an arXiv id, as exporters write it with or without archivePrefix: arXiv:1802.01234v2."""


class _ResolveConcatenation(mw.BlockMiddleware):
    """Resolve BibTeX's `#` concatenation (`title = "A " # macro`), which bibtexparser 2.1 leaves as written.

    It runs after bibtexparser has replaced single @string references and before it removes the enclosing
    braces or quotes; a value naming an unknown macro is left as it is.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=True)

    def transform_entry(self, entry: Entry, library: Library) -> Block | Collection[Block] | None:
        macros = {key.lower(): str(s.value) for key, s in library.strings_dict.items()}
        for item in entry.fields:
            if isinstance(item.value, str) and "#" in item.value:
                resolved = _concatenate(item.value, macros)
                if resolved is not None:
                    item.value = "{" + resolved + "}"
        return entry


def _concatenate(value: str, macros: dict[str, str], depth: int = 0) -> str | None:
    """Evaluate `"text" # {text} # 2019 # macro`; None when it is not such an expression or names an unknown macro."""
    parts: list[str] = []
    pos, end = 0, len(value)
    while True:
        while pos < end and value[pos].isspace():
            pos += 1
        if pos >= end:
            return None
        if value[pos] in "{\"":
            close = _closing(value, pos)
            if close is None:
                return None
            parts.append(value[pos + 1:close])
            pos = close + 1
        else:
            word = re.match(r"[^\s#\"{}(),=]+", value[pos:])
            if word is None:
                return None
            name = word.group(0)
            pos += len(name)
            if name.isdigit():
                parts.append(name)
            elif name.lower() in macros and depth < 8:
                inner = macros[name.lower()]
                text = _concatenate(inner, macros, depth + 1) if "#" in inner else _unenclosed(inner)
                if text is None:
                    return None
                parts.append(text)
            else:
                return None
        while pos < end and value[pos].isspace():
            pos += 1
        if pos >= end:
            return "".join(parts)
        if value[pos] != "#":
            return None
        pos += 1


def _closing(value: str, start: int) -> int | None:
    """Index of the brace or quote that closes the one at start (quotes close only outside braces)."""
    depth = 0
    for i in range(start + 1, len(value)):
        char = value[i]
        if value[i - 1] == "\\":
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i if value[start] == "{" else None
            depth -= 1
        elif char == '"' and depth == 0 and value[start] == '"':
            return i
    return None


def _unenclosed(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] + value[-1] in ("{}", '""') and _closing(value, 0) == len(value) - 1:
        return value[1:-1]
    return value


@dataclass(frozen=True)
class _BibName:
    """One name of an author field, split into its parts as BibTeX reads it."""

    parts: NameParts
    """first, von, last and jr words, LaTeX decoded: each part one string."""
    family_first: bool
    """Whether the name says where it splits: it is written "von Last, First" (a comma outside braces), or words of
    its last part are grouped in braces ("Fernando {De la Torre}")."""
    whole: bool = False
    """Whether the name is one group in braces, as BibTeX writes an organisation ("{Google}", "{Barnes, Inc.}")."""


class _SplitNames(mw.SplitNameParts):
    """bibtexparser's SplitNameParts, keeping whether each name says where it splits (written "Family, Given", or
    with words of its family name in braces): one written first name first BibTeX splits by its own guess ("Luc Van
    Gool" as "Gool"). A name with such a group ("{De la Torre}") is split as written, then each part is LaTeX
    decoded; any other is decoded first, so that LaTeX with a space in it stays one word ("Fran\\c cois")."""

    def __init__(self, decode: mw.LatexDecodingMiddleware) -> None:
        super().__init__()
        self.decode = decode

    def _transform_field_value(self, name: list[str]) -> list[_BibName]:  # type: ignore[override]
        found = []
        for text in name:
            text = unquoted(text.strip())  # “Yair Weiss”: YAML would keep the quotes in the name
            if _is_whole_group(text):  # "{Google}": one word, yet one name that does not split
                split = super()._transform_field_value([text])[0]
                found.append(_BibName(self.decoded(split), True, True))
            elif _WORDS_IN_BRACES.search(text) is None:
                # quotes that are LaTeX until decoded: ``Yair Weiss'', "Antonio G{\"o}mez"
                split = super()._transform_field_value([unquoted(self.decode_text(text))])[0]
                found.append(_BibName(split, _has_comma(text)))
            else:
                split = super()._transform_field_value([text])[0]
                found.append(_BibName(self.decoded(split), _has_comma(text) or any(map(_is_group, split.last))))
        return found

    def decoded(self, split: NameParts) -> NameParts:
        """Decode the LaTeX of each part of a name ("{\\"O}zt{\\"u}rk" is "Öztürk"); the braces go with it."""
        return NameParts(*([self.decode_text(" ".join(part))] if part else []
                           for part in (split.first, split.von, split.last, split.jr)))

    def decode_text(self, text: str) -> str:
        decoded, error = self.decode._transform_python_value_string(text)
        return clean_text(decoded if not error else text)


_WORDS_IN_BRACES = re.compile(r"\{(?!\\)[^{}]*\s[^{}]*\}")
"""Words grouped in braces ("{De la Torre}"), not a LaTeX command's group ("{\\relax Ch}", "{\\em Lee}")."""


def _is_whole_group(text: str) -> bool:
    """Tell whether a name is one group in braces, not a LaTeX command's ("{\\relax Ch}") nor an accent's."""
    return text.startswith("{") and not text.startswith("{\\") and _closing(text, 0) == len(text) - 1


def _is_group(word: str) -> bool:
    """Tell whether a word of a name is a group of words in braces ("{De la Torre}"), not a LaTeX accent ("{\\'E}")."""
    return word.startswith("{") and word.endswith("}") and _closing(word, 0) == len(word) - 1 and " " in word.strip("{}")


def _has_comma(name: str) -> bool:
    """Tell whether a name holds a comma outside braces ("Das Sarma, Anish"; not "{Barnes, Inc.}")."""
    depth = 0
    for char in name:
        depth += (char == "{") - (char == "}")
        if char == "," and depth == 0:
            return True
    return False


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """Keep bibtexparser's own log lines and warnings off the terminal: its problems are reported as BibProblems."""
    logger = logging.getLogger("bibtexparser")
    propagate = logger.propagate
    handler = logging.NullHandler()
    logger.propagate = False
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _block_problem(origin: str, block: Block) -> BibProblem:
    where = f"{origin} line {(block.start_line or 0) + 1}"
    if isinstance(block, DuplicateBlockKeyBlock):  # its braces are fine: the fix was to balance them
        first = block.previous_block.start_line if block.previous_block is not None else None
        return BibProblem(where, f"the entry key {block.key} is that of the entry"
                                 f"{f' at line {first + 1}' if first is not None else ' before it'}: give each entry a "
                                 "key of its own, or delete the one that repeats the other")
    if isinstance(block, DuplicateFieldKeyBlock):
        fields = ", ".join(sorted(block.duplicate_keys))
        return BibProblem(where, f"the entry has the field {fields} twice: keep the right one and delete the other")
    error = getattr(block, "error", None)
    reason = str(getattr(error, "abort_reason", "") or error or type(error).__name__).strip().replace("\n", " ")
    return BibProblem(where, f"cannot parse the entry: {reason} (check that its braces {{ }} and quotes \" are balanced)")


_FIELD_SWALLOWED = re.compile(
    r"\n[ \t]*(author|title|year|journal|booktitle|volume|number|pages|doi|url|publisher|eprint|archiveprefix|month|"
    r"note|abstract|keywords|editor|series|address|isbn|issn|howpublished|institution|school|organization)[ \t]*=",
    re.IGNORECASE)
"""A field of its own on a line inside a value: the field before it has no comma after it, if the entry lacks that
field and the line gives it a value in braces, quotes or a number (see _swallowed)."""


def _swallowed(entry: Entry) -> tuple[str, str] | None:
    """The field whose value holds a line that starts another field (_FIELD_SWALLOWED), and that field: one the entry
    lacks, written with its value's opening brace, quote or number in the entry as written (a line of an abstract
    that reads `number = log n of bits` is text, as is one naming a field the entry has)."""
    fields = entry.fields_dict
    for name, value in fields.items():
        for found in _FIELD_SWALLOWED.finditer(str(value.value)):
            after = found.group(1).lower()
            if after not in fields and re.search(rf"(?im)^[ \t]*{after}[ \t]*=[ \t]*[{{\"0-9]", entry.raw or ""):
                return name, after
    return None


def read_entries(text: str, origin: str = "BibTeX") -> tuple[list[PaperDraft], list[BibProblem]]:
    """Parse BibTeX text into drafts, in file order; entries lacking title, authors or year are problems
    (bibtex.read_bibtex)."""
    # Field names are case-insensitive in BibTeX (JabRef writes Author =): lowercase them before the
    # middlewares that look for `author`; `#` concatenation is resolved before the enclosing is removed. Names are
    # split before LaTeX is decoded, as BibTeX splits them: decoding drops the braces that group words ("{De la
    # Torre}, Fernando"); _SplitNames decodes each part of a name itself.
    decode = mw.LatexDecodingMiddleware()
    stack = [mw.NormalizeFieldKeys(), mw.ResolveStringReferencesMiddleware(), _ResolveConcatenation(),
             mw.RemoveEnclosingMiddleware(), mw.SeparateCoAuthors(), _SplitNames(decode), decode]
    with _quiet_bibtexparser():
        library = bibtexparser.parse_string(text, parse_stack=stack)  # type: ignore[attr-defined]
    problems = [_block_problem(origin, block) for block in library.failed_blocks]
    drafts: list[PaperDraft] = []
    for entry in library.entries:
        where = f"{origin} entry {entry.key}"
        fields = entry.fields_dict
        draft = PaperDraft(source=where)
        swallowed = _swallowed(entry)
        if swallowed is not None:  # `title = {…}` and no comma: the next line is read into the title
            field, after = swallowed
            problems.append(BibProblem(where, f"the {field} field has no comma after it, so BibTeX reads the {after} "
                                              f"field on the next line as part of the {field}: end the {field} line "
                                              "with a comma"))
            continue
        quoted = next((k for k, v in fields.items() if isinstance(v.value, str)  # bare, not in braces: as written
                       and without_typographic_quotes(v.value.strip()) != v.value.strip()
                       and re.search(rf"(?im)^\s*{re.escape(k)}\s*=\s*[\u201c\u2018\u00ab\u201e]", entry.raw or "")), None)
        if quoted is not None:  # `title = “Deep Hashing”`, from a word processor: BibTeX's quotes are straight
            inner = without_typographic_quotes(str(fields[quoted].value).strip())
            problems.append(BibProblem(where, f"the {quoted} field is in typographic quotes, "
                                              f"{str(fields[quoted].value).strip()}, which BibTeX does not read as "
                                              f"quotes: write {quoted} = {{{inner}}}"))
            continue
        missing = []
        title = unquoted(clean_text(str(fields["title"].value))) if "title" in fields else ""
        if title:
            draft.title = title
        else:
            missing.append("title")
        names = fields["author"].value if "author" in fields else []
        found = [(_name(n), _marked_split(n)) for n in names] if isinstance(names, list) else []
        draft.authors = [name for name, _ in found if name]
        if any(split for _, split in found):
            draft.name_splits = [split for name, split in found if name]
        if not draft.authors:
            missing.append("author")
        year = re.search(r"\d{4}", str(fields["year"].value)) if "year" in fields else None
        written = clean_text(str(fields["year"].value)).strip() if "year" in fields else ""
        if year:
            draft.year = int(year.group(0))
        elif not written:
            missing.append("year")
        if missing or not year:
            said = [f"no {' and no '.join(missing)}"] if missing else []
            if not year and written:  # `year = {20x0}`: a year there, but none that can be read
                said.append(f'the year "{clip(written, 40)}" is no four-digit year')
            problems.append(BibProblem(where, "; ".join(said)))
            continue
        venues = (unquoted(clean_text(str(fields[name].value))) for name in ("booktitle", "journal") if name in fields)
        draft.venue = next((venue for venue in venues if venue), None)
        _identifiers(draft, {k: clean_text(str(v.value)) for k, v in fields.items() if k != "author"})
        drafts.append(draft)
    return drafts, problems


def _marked_split(name: object) -> NameSplit | None:
    """Where a name written "Family, Given" splits, if split_name would split it otherwise first name first ("Das
    Sarma, Anish", which it would cite as "Sarma"); None for any other name, which its first-name-first form says
    as well, and for one that read_family_given would not read back as the same name. A whole name in braces of more
    than a word ("{Barnes, Inc.}", "{Facebook AI Research}") is one name that does not split (names.read_literal)."""
    if not isinstance(name, _BibName) or not name.family_first:
        return None
    given, particle, family, suffix = (" ".join(part) for part in (name.parts.first, name.parts.von, name.parts.last,
                                                                    name.parts.jr))
    split = NameSplit(given, particle, family, suffix)
    if is_literal(split) and (name.whole or re.search(r"[\s,]", family)):  # "{Barnes, Inc.}", "{Google}": one name
        return split
    if not (family and given) or "," in "".join(split) or read_family_given(family_given(split)) != split:
        return None
    return split if split != split_name(first_name_first(split)) else None


def _name(parts: object) -> str:
    parts = parts.parts if isinstance(parts, _BibName) else parts
    first = getattr(parts, "first", [])
    von = getattr(parts, "von", [])
    last = getattr(parts, "last", [])
    suffix = getattr(parts, "jr", [])  # "Steele, Jr., Guy L." is "Guy L. Steele Jr." (names.split_name reads it back)
    if not (first or von or last):
        return clean_text(str(parts)) if isinstance(parts, str) else ""
    return clean_text(" ".join([*first, *von, *last, *suffix]))


def _identifiers(draft: PaperDraft, fields: dict[str, str]) -> None:
    """Find the arXiv id, DOI and a link in the fields BibTeX exporters use for them."""
    if fields.get("doi"):
        found = _DOI_IN_TEXT.search(fields["doi"])
        draft.doi = found.group(1) if found else None
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    eprint = _ARXIV_EPRINT.match(fields.get("eprint", "").strip())
    if eprint and prefix == "arxiv":
        draft.arxiv = eprint.group(1)
    for name in ("journal", "url", "note", "howpublished"):
        found = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if draft.arxiv is None and found:
            draft.arxiv = found.group(1)
    if draft.venue and _ARXIV_IN_TEXT.search(draft.venue) or (draft.venue or "").lower().startswith("arxiv"):
        draft.venue = "arXiv"
    url = fields.get("url", "")
    problem = check_url(url) if url else None
    if url and not problem and is_example_url(url):  # l2h check rejects it: a placeholder
        problem = "it is an address made up for examples, not the paper's"
    if problem:
        draft.left_out.append(f'url "{url}" is not carried over: {problem}')
    elif url and "arxiv.org/" not in url and "doi.org/" not in url:
        draft.links.append(Link(name="Paper", url=url))

