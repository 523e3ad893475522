"""Small text helpers shared by the stages: slugs, ASCII folding, spelling hints."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))})
"""File names Windows reserves, with any extension: a site with such a path cannot be checked out there."""


DASH_NAMES = {"\u2010": "a Unicode hyphen", "\u2011": "a non-breaking hyphen", "\u2012": "a figure dash",
              "\u2013": "an en dash", "\u2014": "an em dash", "\u2015": "a horizontal bar", "\u2212": "a minus sign",
              "\uff0d": "a full-width hyphen-minus", "\u2500": "a box-drawing line"}
"""Dashes that are not the hyphen-minus '-' YAML and front matter want (a word processor makes them of '---', '--' and
'- '), by name."""


def invisible_character(text: str) -> str | None:
    """Name the first character of text that cannot be seen, if any: a control character other than tab and
    newline, or a format character (zero-width space and joiners, bidirectional controls, the BOM, soft hyphen).

    Such a character makes two spellings look the same ("Kernel\u200bMethods"), or, for the bidirectional
    controls, shows text in another order than it is read.
    """
    c = first_invisible(text)
    if c is None:
        return None
    code = ord(c)
    if code in NONCHARACTERS:
        return f"the non-character U+{code:04X}"
    if unicodedata.category(c) != "Cf":
        return f"the control character U+{code:04X}"
    name = unicodedata.name(c, "").lower()
    return f"the invisible character U+{code:04X}" + (f" ({name})" if name else "")


_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""The characters of ASCII that first_invisible finds (no format character is ASCII)."""


def first_invisible(text: str) -> str | None:
    """The first character of text that invisible_character names, or None."""
    if text.isascii():  # most fields: one search instead of a look-up per character
        found = _ASCII_INVISIBLE.search(text)
        return found.group() if found else None
    for c in text:
        code = ord(c)
        if ((code < 32 and c not in "\t\n") or 0x7F <= code < 0xA0 or code in NONCHARACTERS
                or unicodedata.category(c) == "Cf"):
            return c
    return None


NONCHARACTERS = frozenset([*range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF])
"""The non-characters of the Basic Multilingual Plane, which Unicode keeps out of text: U+FFFE and U+FFFF are not
allowed in XML at all (an Atom feed or SVG file holding one is not well-formed)."""

_TEXT_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
"""What a paper's summary may not hold: control characters other than tab and line breaks (the ones XML 1.0 forbids,
and DEL and the C1 controls, which a terminal runs as commands) and the non-characters. Format characters (a soft
hyphen, a zero-width joiner) are text a summary may need, unlike a field, where they make two spellings look alike."""


def unsafe_in_text(text: str) -> int | None:
    """The offset of the first character of a summary that _TEXT_UNSAFE names, or None."""
    found = _TEXT_UNSAFE.search(text)
    return found.start() if found else None


def decode_utf8(data: bytes) -> tuple[str | None, tuple[int, int, str] | None]:
    """Decode UTF-8 text; when it is not, return None and where it fails: (line, column, what), 1-based."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start:exc.start].decode("utf-8", "replace")) + 1
        return None, (data.count(b"\n", 0, exc.start) + 1, column, f"byte 0x{data[exc.start]:02x} is not UTF-8")


def ascii_fold(text: str) -> str:
    """Strip diacritics and drop what is not ASCII: 'Jégou' -> 'Jegou'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


_TRANSLITERATED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe", "ß": "ss", "æ": "ae", "œ": "oe"})
"""German and Scandinavian letters as they are transliterated: "Aumueller" for "Aumüller", "Aasa" for "Åsa"."""
_PLAIN = str.maketrans({"ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
"""Letters with no accent to fold away, as their plain letters: "Soren" for "Søren", "Weiss" for "Weiß"."""


def ascii_names(names: Iterable[str]) -> str:
    """Names in the ASCII that readers type for them (the search index folds accents, but not these), lower case: the
    transliterated spelling, then the plain one; "" when the names are ASCII. static/search-rules.js's asciiNames
    does the same for the page's own matching: keep the two tables alike."""
    text = unicodedata.normalize("NFC", " ".join(names)).lower()
    if text.isascii():
        return ""
    return f"{text.translate(_TRANSLITERATED)} {text.translate(_PLAIN)}"


_WORD = re.compile(r"[^\W_]+")
"""A word as ascii_words cuts text into them: a run of letters and digits, as search-rules.js's asciiWords does."""


def ascii_words(text: str) -> str:
    """The words of text (a title, a summary) that readers type in other letters, in those spellings, lower case and
    each once: "aumueller" for "Aumüller", "soeren soren" for "Søren"; "" when there are none. Unlike ascii_names,
    only such words: a spelling that the index already folds to ("jégou") is not repeated. static/search-rules.js's
    asciiWords does the same for the page's own matching."""
    if text.isascii():
        return ""
    spellings: dict[str, None] = {}  # in the order of the text, for the page to be the same each build
    for word in _WORD.findall(unicodedata.normalize("NFC", text).lower()):
        if not word.isascii():
            for spelling in (word.translate(_TRANSLITERATED), word.translate(_PLAIN)):
                if spelling != word:
                    spellings[spelling] = None
    return " ".join(spellings)


def slugify(text: str) -> str:
    """Make a URL slug: lowercase ASCII words joined by hyphens ('C++' -> 'c')."""
    return _NON_ALNUM.sub("-", ascii_fold(text).lower()).strip("-")


@lru_cache(maxsize=1 << 12)
def venue_form(venue: str) -> str:
    """What a venue is, whatever its case, spaces, punctuation and accents: "ACM MM", "acm mm" and "ACM-MM" are one
    (kept: a review has few venues, each form of which l2h serve computed three times per paper after each save).

    Letters of other scripts are kept ("计算机学报"): folded to ASCII, every such venue was "", one venue.
    """
    return "".join(c for c in unicodedata.normalize("NFKD", venue).casefold() if c.isalnum())


@lru_cache(maxsize=16384)  # titles of a large review repeat the same few thousand words
def normalise_term(text: str) -> str:
    """Reduce a tag to a form that ignores case, plurals (Latin -ices too: Learned Indices, Learned Index),
    hyphens and -ise/-ize spellings."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    out = []
    for word in words:
        word = re.sub(r"^([a-z0-9]{2,}?)(?:ices|exes|ixes|ex|ix)$", r"\1ix", word)
        word = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", word)
        word = re.sub(r"ys(e|ed|es|ing)$", r"yz\1", word)
        word = word.replace("our", "or") if word.endswith("our") else word
        if len(word) > 3 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return "".join(out)


def closest(value: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate most like value, if one is close enough to suggest."""
    pool = list(candidates)
    target = normalise_term(value)
    for candidate in pool:
        if normalise_term(candidate) == target:
            return candidate
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None


def quote_list(values: Iterable[str], limit: int = 12) -> str:
    """Format values as a short quoted list for a message."""
    items = [f'"{v}"' for v in values]
    if len(items) > limit:
        items = items[:limit] + [f"… ({len(items) - limit} more)"]
    return ", ".join(items)


def describe_value(value: Any) -> str:
    """Say what a value read from YAML is, in a contributor's words: 'a true/false value (true)', 'a date (…)'."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int) and value.bit_length() > 64:  # str() of a number of more than 4,300 digits raises
        return "a number of more than 19 digits"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"a date and time ({value.isoformat(sep=' ')})"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    return f'the text "{text if len(text) <= 80 else text[:60] + "…"}"'


TYPOGRAPHIC_QUOTES = re.compile(
    "^\\s*(?:[\u201c\u201d\u201e]([^\u201c\u201d\u201e]*)[\u201c\u201d]"  # “…”, „…“
    "|[\u2018\u2019\u201a]([^\u2018\u201a]*)[\u2018\u2019]"  # ‘…’, ‚…‘ (an apostrophe ’ within is text)
    "|[\u00ab\u00bb]([^\u00ab\u00bb]*)[\u00ab\u00bb])\\s*$")  # «…», »…«
"""A value wrapped in the quotes a word processor or a web page writes (“…”, ‘…’, «…»), which YAML does not
read as quotes: pasted from such a page in place of "…". The text within holds no other quote of that kind
(“Deep” hashing is “hard” is a title that quotes two words, not one in quotes). Groups 1 to 3: the text within."""


def clip(text: str, limit: int = 80) -> str:
    """Text for a message: control characters escaped, cut to limit characters with an ellipsis."""
    text = text.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 for c in text) else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def without_typographic_quotes(text: str) -> str:
    """Return text without the typographic quotes around it, if it is wrapped in them."""
    match = TYPOGRAPHIC_QUOTES.match(text)
    return next(group for group in match.groups() if group is not None).strip() if match else text


def thousands(count: int) -> str:
    """Write a count with thousands separators, as l2h's output does: 5,000 (and 500); in templates `|thousands`."""
    return f"{count:,}"


def counted(count: int, word: str) -> str:
    """Write a count of things with thousands separators and the word in its number: "1 paper", "5,000 papers"
    (in templates, `count|counted("paper")`)."""
    return f"{thousands(count)} {word if count == 1 else word + 's'}"


def pages_and_papers(pages: int, papers: int) -> str:
    """What a build made, as l2h build and l2h serve say it: "616 pages (239 papers)"."""
    return f"{thousands(pages)} pages ({counted(papers, 'paper')})"
