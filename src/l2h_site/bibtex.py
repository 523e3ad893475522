"""Read BibTeX entries into paper drafts, with LaTeX accents turned into Unicode (bibtexparser v2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import middlewares as mw

from l2h_site.model import Link
from l2h_site.parse import check_url

_ARXIV_IN_TEXT = re.compile(r"(?:arxiv[:\s/]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})",
                            re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"(10\.\d{4,9}/\S+)")


@dataclass
class PaperDraft:
    """What is known of a paper before its file is written; None or empty for what is not known."""

    title: str | None = None
    """Title as published."""
    authors: list[str] = field(default_factory=list)
    """Authors, 'First Last' each."""
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
    summary: str = ""
    """Markdown summary; empty for a placeholder."""
    source: str = ""
    """Where the draft came from, for messages (e.g. 'refs.bib entry jegou2011product')."""


@dataclass(frozen=True)
class BibProblem:
    """A BibTeX entry or block that could not be read, and why."""

    where: str
    reason: str


def clean_text(text: str) -> str:
    """Collapse whitespace and drop the braces BibTeX uses to protect capitals."""
    text = re.sub(r"(?<!\\)[{}]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def read_bibtex(text: str, origin: str = "BibTeX") -> tuple[list[PaperDraft], list[BibProblem]]:
    """Parse BibTeX text into drafts, in file order; entries lacking title, authors or year are problems."""
    library = bibtexparser.parse_string(text, append_middleware=[  # type: ignore[attr-defined]
        mw.LatexDecodingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    problems = [BibProblem(f"{origin} line {(block.start_line or 0) + 1}", f"cannot parse the block: {block.error}")
                for block in library.failed_blocks]
    drafts: list[PaperDraft] = []
    for entry in library.entries:
        where = f"{origin} entry {entry.key}"
        fields = {k.lower(): v for k, v in entry.fields_dict.items()}
        draft = PaperDraft(source=where)
        missing = []
        if "title" in fields and clean_text(str(fields["title"].value)):
            draft.title = clean_text(str(fields["title"].value))
        else:
            missing.append("title")
        names = fields["author"].value if "author" in fields else []
        draft.authors = [_name(n) for n in names if _name(n)] if isinstance(names, list) else []
        if not draft.authors:
            missing.append("author")
        year = re.search(r"\d{4}", str(fields["year"].value)) if "year" in fields else None
        if year:
            draft.year = int(year.group(0))
        else:
            missing.append("year")
        if missing:
            problems.append(BibProblem(where, f"no {' and no '.join(missing)}"))
            continue
        for name in ("booktitle", "journal"):
            if name in fields and clean_text(str(fields[name].value)):
                draft.venue = clean_text(str(fields[name].value))
                break
        _identifiers(draft, {k: clean_text(str(v.value)) for k, v in fields.items() if k != "author"})
        drafts.append(draft)
    return drafts, problems


def _name(parts: object) -> str:
    first = getattr(parts, "first", [])
    von = getattr(parts, "von", [])
    last = getattr(parts, "last", [])
    suffix = getattr(parts, "jr", [])  # "Steele, Jr., Guy L." is "Guy L. Steele Jr." (cite.split_name reads it back)
    if not (first or von or last):
        return clean_text(str(parts)) if isinstance(parts, str) else ""
    return clean_text(" ".join([*first, *von, *last, *suffix]))


def _identifiers(draft: PaperDraft, fields: dict[str, str]) -> None:
    """Find the arXiv id, DOI and a link in the fields BibTeX exporters use for them."""
    if fields.get("doi"):
        found = _DOI_IN_TEXT.search(fields["doi"])
        draft.doi = found.group(1) if found else None
    if fields.get("eprint") and fields.get("archiveprefix", "").lower() == "arxiv":
        draft.arxiv = re.sub(r"v\d+$", "", fields["eprint"])
    for name in ("journal", "url", "note", "howpublished"):
        found = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if draft.arxiv is None and found:
            draft.arxiv = found.group(1)
    if draft.venue and _ARXIV_IN_TEXT.search(draft.venue) or (draft.venue or "").lower().startswith("arxiv"):
        draft.venue = "arXiv"
    url = fields.get("url", "")
    if url and check_url(url) is None and "arxiv.org/" not in url and "doi.org/" not in url:
        draft.links.append(Link(name="Paper", url=url))

