"""Paper drafts, and BibTeX read into them (read_bibtex), with LaTeX accents turned into Unicode.

The reading itself is in bibparse.py, with bibtexparser (v2), which is imported only when BibTeX is read: `l2h
new --bibtex` and `l2h import bibtex`, not every command."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from l2h_site.diagnostics import L2hError
from l2h_site.model import Link, NameSplit
from l2h_site.textutil import decode_utf8

_MATH = re.compile(r"((?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$.+?(?<!\\)\$)", re.DOTALL)
"""Inline and display math, whose braces are LaTeX syntax ($\\mathcal{O}(n)$), not BibTeX's capital protection."""
_WRAPPING_QUOTES = {"\u201c": "\u201d", "\u2018": "\u2019", '"': '"', "\u00ab": "\u00bb", "\u201e": "\u201c"}
"""Opening quote to its closing one, for a value in braces that is wrapped in quotes: “…”, ‘…’, "…", «…», „…“
(LaTeX's ``…'' is “…” once decoded)."""


@dataclass
class PaperDraft:
    """What is known of a paper before its file is written; None or empty for what is not known."""

    title: str | None = None
    """Title as published."""
    authors: list[str] = field(default_factory=list)
    """Authors, 'First Last' each."""
    name_splits: list[NameSplit | None] = field(default_factory=list)
    """Where each author's name splits, in the order of authors, where the paper file is to mark it by writing the
    name "Family, Given" (Paper.name_splits); None for a name written first name first. Empty when none is marked
    (BibTeX input marks a name only where split_name would split it otherwise)."""
    year: int | None = None
    """Year of publication."""
    venue: str | None = None
    """Conference or journal; None when unknown."""
    tags: list[str] = field(default_factory=list)
    """Tags, as given."""
    facets: dict[str, list[str]] = field(default_factory=dict)
    """Facet id to values, as given."""
    arxiv: str | None = None
    """arXiv identifier without version."""
    doi: str | None = None
    """DOI without the https://doi.org/ prefix."""
    links: list[Link] = field(default_factory=list)
    """External links."""
    added: dt.date | None = None
    """Date the paper joined the review; None to take it from git history."""
    distinct_from: list[str] = field(default_factory=list)
    """Keys of papers with a near-identical title that are different papers."""
    former_keys: list[str] = field(default_factory=list)
    """Keys the paper had before (its old addresses, publications/<key>/, redirect to its page)."""
    summary: str = ""
    """Markdown summary; empty for a placeholder."""
    source: str = ""
    """Where the draft came from, for messages (e.g. 'refs.bib entry jegou2011product')."""
    left_out: list[str] = field(default_factory=list)
    """What the input held that the paper file will not, and why, for the maintainer to check by hand."""


@dataclass(frozen=True)
class BibProblem:
    """A BibTeX entry or block that could not be read, and why."""

    where: str
    reason: str


def clean_text(text: str) -> str:
    """Collapse whitespace and drop the braces BibTeX uses to protect capitals (those inside math are kept)."""
    parts = _MATH.split(text)
    text = "".join(part if i % 2 else re.sub(r"(?<!\\)[{}]", "", part) for i, part in enumerate(parts))
    return re.sub(r"\s+", " ", text).strip()


def unquoted(text: str) -> str:
    """Drop a pair of quotes that wraps the whole text ({“Spectral Hashing”}): YAML would keep them in the title."""
    close = _WRAPPING_QUOTES.get(text[:1])
    inner = text[1:-1]
    # quotes of the pair within ("“Deep” Hashing is “Hard”") quote words, not the whole; an apostrophe ’ is text
    if len(text) < 2 or text[-1] != close or text[0] in inner or (close != "\u2019" and close in inner):
        return text
    return inner.strip()


def read_bib_file(path: Path) -> str:
    """Read a .bib file as UTF-8; say where it is not, and how to convert it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise L2hError(f"cannot read {path}: {exc.strerror or exc}") from exc
    text, bad = decode_utf8(data)
    if text is None:
        assert bad is not None
        line, column, what = bad
        raise L2hError(f"cannot read {path}: line {line}, column {column}: {what}; save it as UTF-8 (for a Latin-1 "
                       f"file: iconv -f latin1 -t utf-8 {path} > {path.stem}-utf8.bib)")
    return text.removeprefix("\ufeff")


def read_bibtex(text: str, origin: str = "BibTeX") -> tuple[list[PaperDraft], list[BibProblem]]:
    """Parse BibTeX text into drafts, in file order; entries lacking title, authors or year are problems."""
    from l2h_site.bibparse import read_entries  # here: bibtexparser's import takes about 0.02 s

    return read_entries(text, origin)
