"""Citation formats of a paper: BibTeX, CSL-JSON and schema.org ScholarlyArticle JSON-LD.

Every function returns plain strings or JSON-ready dicts; templates pass the dicts through
`tojson`, so no value is ever spliced into JavaScript or JSON by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from l2h_site.markup import plain_text
from l2h_site.model import Paper

JOURNALS = frozenset({
    "TPAMI", "IJCV", "TIP", "TKDE", "TMM", "TNNLS", "TCSVT", "TOIS", "TODS", "JMLR", "PR", "CACM", "JACM",
    "SICOMP", "PVLDB", "VLDB Journal", "Information Systems", "Pattern Recognition", "ACM Computing Surveys",
    "Proceedings of the IEEE", "Neurocomputing", "Machine Learning", "Communications of the ACM", "Sensors",
    "IJAR", "ACM TOMS",
})
"""Venues cited as journals (@article); every other venue is cited as a conference paper."""

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
                   "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$"}
_BIBTEX_SPECIAL_RE = re.compile(r"[\\{}&%#_~^$]")
_INLINE_MATH = re.compile(r"\$([^$\n]+)\$")


def is_journal(venue: str | None) -> bool:
    """Tell whether a venue is a journal rather than a conference or workshop."""
    if not venue:
        return False
    return venue in JOURNALS or bool(re.search(r"\b(Journal|Transactions|Trans\.|Letters)\b", venue))


def is_preprint(venue: str | None) -> bool:
    """Tell whether a venue names a preprint server rather than a publication."""
    return (venue or "").lower() in {"arxiv", "corr", "biorxiv"}


def bibtex_escape(text: str) -> str:
    """Escape BibTeX's special characters; $…$ math with balanced braces is kept as LaTeX."""
    out = []
    last = 0
    for match in _INLINE_MATH.finditer(text):
        out.append(_escape_plain(text[last:match.start()]))
        out.append(match.group(0) if _is_balanced(match.group(1)) else _escape_plain(match.group(0)))
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], re.sub(r"\s+", " ", text))


def _is_balanced(text: str) -> bool:
    depth = 0
    for char in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_key(paper: Paper) -> str:
    """Return the citation key: the paper's key with only BibTeX-safe characters."""
    return re.sub(r"[^A-Za-z0-9_:.\-]", "", paper.key) or "paper"


def bibtex_entry(paper: Paper) -> str:
    """Format one paper as a BibTeX entry (ends with a newline)."""
    fields: list[tuple[str, str]] = [
        ("title", "{" + bibtex_escape(paper.title) + "}"),
        ("author", " and ".join(bibtex_escape(a) for a in paper.authors)),
    ]
    if is_preprint(paper.venue):
        kind = "misc"
        fields.append(("howpublished", "arXiv preprint"))
    elif paper.venue and is_journal(paper.venue):
        kind = "article"
        fields.append(("journal", bibtex_escape(paper.venue)))
    elif paper.venue:
        kind = "inproceedings"
        fields.append(("booktitle", bibtex_escape(paper.venue)))
    else:
        kind = "misc"
    fields.append(("year", str(paper.year)))
    if paper.doi:
        fields.append(("doi", bibtex_escape(paper.doi)))
    if paper.arxiv:
        fields += [("eprint", bibtex_escape(paper.arxiv)), ("archiveprefix", "arXiv")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(paper)},\n{body}\n}}\n"


def bibtex_file(papers: Iterable[Paper]) -> str:
    """Format many papers as one .bib file, sorted by key."""
    return bibtex_join(bibtex_entry(p) for p in sorted(papers, key=lambda p: p.key))


def bibtex_join(entries: Iterable[str]) -> str:
    """Join BibTeX entries (in the order given) into one .bib file."""
    return "\n".join(entries)


def _person(name: str) -> dict[str, str]:
    parts = name.rsplit(" ", 1)
    if len(parts) == 1:
        return {"literal": name}
    return {"given": parts[0], "family": parts[1]}


def csl_item(paper: Paper, page_url: str, abstract: str) -> dict[str, Any]:
    """Describe a paper as a CSL-JSON item (the format of Zotero, Pandoc and citeproc).

    abstract is the summary as plain text (PaperView.summary_text): never its markdown, which may hold raw HTML.
    """
    item: dict[str, Any] = {
        "id": bibtex_key(paper),
        "type": _csl_type(paper.venue),
        "title": plain_text(paper.title),
        "author": [_person(a) for a in paper.authors],
        "issued": {"date-parts": [[paper.year]]},
        "URL": page_url,
    }
    if paper.venue:
        item["container-title"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.arxiv:
        item["number"] = f"arXiv:{paper.arxiv}"
    if abstract:
        item["abstract"] = abstract
    if paper.tags:
        item["keyword"] = ", ".join(paper.tags)
    return item


def _csl_type(venue: str | None) -> str:
    if not venue or is_preprint(venue):
        return "article"
    return "article-journal" if is_journal(venue) else "paper-conference"


def csl_file(items: Iterable[dict[str, Any]]) -> str:
    """Serialise CSL-JSON items as a stable, readable JSON file (as json.dumps of the list with indent=1).

    Each item is encoded on its own: json encodes an indented list in Python, piece by piece,
    and for 20,000 papers those pieces took more memory than everything else of the build.
    """
    return csl_join(csl_encode(item) for item in items)


def csl_encode(item: dict[str, Any]) -> str:
    """Encode one CSL-JSON item as csl_file puts it in the list."""
    return " " + json.dumps(item, ensure_ascii=False, indent=1, sort_keys=True).replace("\n", "\n ")


def csl_join(encoded: Iterable[str]) -> str:
    """Join encoded CSL-JSON items (in the order given) into one file."""
    items = list(encoded)
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"


def scholarly_article(paper: Paper, page_url: str, abstract: str) -> dict[str, Any]:
    """Describe a paper as schema.org ScholarlyArticle JSON-LD; abstract is the summary as plain text."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": plain_text(paper.title)[:110],
        "name": plain_text(paper.title),
        "author": [{"@type": "Person", "name": a} for a in paper.authors],
        "datePublished": str(paper.year),
        "url": page_url,
    }
    if paper.venue:
        data["isPartOf"] = {"@type": "Periodical" if is_journal(paper.venue) else "PublicationEvent",
                            "name": paper.venue}
    same_as = []
    if paper.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": paper.doi}
        same_as.append("https://doi.org/" + paper.doi)
    if paper.arxiv:
        same_as.append("https://arxiv.org/abs/" + paper.arxiv)
    if same_as:
        data["sameAs"] = same_as
    if abstract:
        data["abstract"] = abstract
    if paper.tags:
        data["keywords"] = list(paper.tags)
    return data
