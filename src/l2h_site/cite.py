"""Citation formats of a paper: BibTeX, CSL-JSON and schema.org ScholarlyArticle JSON-LD.

Every function returns plain strings or JSON-ready dicts; templates pass the dicts through
`tojson`, so no value is ever spliced into JavaScript or JSON by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from l2h_site.markup import plain_text, unbalanced_brace, unsafe_tex
from l2h_site.model import NameSplit, Paper
from l2h_site.names import is_grouped, is_literal, is_lowercase, split_name

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
_BRACE = re.compile(r"[{}]")
_UNSAFE_VERBATIM = re.compile(r"[{}\\\s]")
_PAPER_LINKS = ("Paper", "PDF", "arXiv")
"""Names of the links (as parse.py spells them) that lead to the paper itself, in no order: the first one counts."""


def is_journal(venue: str | None) -> bool:
    """Tell whether a venue is a journal rather than a conference or workshop."""
    if not venue:
        return False
    return venue in JOURNALS or bool(re.search(r"\b(Journal|Transactions|Trans\.|Letters)\b", venue))


def is_preprint(venue: str | None) -> bool:
    """Tell whether a venue names a preprint server rather than a publication."""
    return (venue or "").lower() in {"arxiv", "corr", "biorxiv"}


def bibtex_escape(text: str) -> str:
    """Escape BibTeX's special characters; $…$ math is kept as LaTeX when it is plain math (is_tex_math).

    Whoever cites a paper runs its title's TeX: math with a command such as \\input or \\write18 is written as text,
    dollars and backslashes escaped, so that it shows as written and does nothing. BibTeX pairs every brace, \\{ too:
    where the text's braces are not in pairs (`} @misc{evil`, which would end the field early or run it on into the
    entries after it), those of the text are written as TeX's commands for a brace, which BibTeX reads as text."""
    pieces: list[tuple[str, bool]] = []  # (text, is kept math)
    last = 0
    for match in _INLINE_MATH.finditer(text):
        pieces.append((text[last:match.start()], False))
        pieces.append((match.group(0), is_tex_math(match.group(1))))
        last = match.end()
    pieces.append((text[last:], False))
    written = "".join(piece if math else _escape_plain(piece) for piece, math in pieces)
    if _bibtex_depths_ok(written):
        return written
    return "".join(piece if math else _escape_plain(piece, _TEXT_BRACES) for piece, math in pieces)


def _bibtex_depths_ok(text: str) -> bool:
    """Tell whether every brace of text is in a pair as BibTeX counts them (all of them, \\{ included)."""
    depth = 0
    for brace in _BRACE.findall(text):  # the braces alone (a tenth of the time of looking at each character of a title)
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def is_tex_math(latex: str) -> bool:
    """Tell whether a formula goes to BibTeX as TeX: its braces balanced, and nothing of it that a reader's TeX
    could run (markup.unsafe_tex), only commands that typeset math."""
    return _is_balanced(latex) and not unsafe_tex(latex)


def untexed_math(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The formulas ($…$, as bibtex_escape finds them) of a title that BibTeX gets as text for what of them a reader's
    TeX could run, each with that and why (markup.unsafe_tex), in order: for l2h check to say so."""
    found = [(match.group(0), unsafe_tex(match.group(1))) for match in _INLINE_MATH.finditer(text)]
    return [(formula, pieces) for formula, pieces in found if pieces]


def _escape_plain(text: str, braces: dict[str, str] | None = None) -> str:
    special = {**_BIBTEX_SPECIAL, **braces} if braces else _BIBTEX_SPECIAL
    return _BIBTEX_SPECIAL_RE.sub(lambda m: special[m.group(0)], re.sub(r"\s+", " ", text))


_TEXT_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
"""Braces of the text written so that BibTeX does not pair them (see bibtex_escape)."""


def _is_balanced(text: str) -> bool:
    """Tell whether a formula's braces are in pairs both as TeX reads them (\\{ is a brace shown, \\\\{ a group) and
    as BibTeX counts them (every brace: `$a\\}$` would end the field, and what follows would be read as entries)."""
    return _bibtex_depths_ok(text) and unbalanced_brace(text) is None


def bibtex_verbatim(text: str) -> str:
    """Write a DOI, arXiv id or URL as BibTeX reads verbatim fields (biblatex's doi, eprint, url): unescaped, with
    only braces, backslashes and spaces, which could unbalance or alter the entry, percent-encoded.

    parse.py lets none of them into a DOI or link and the arXiv id is digits and letters; this is the last guard.
    """
    return _UNSAFE_VERBATIM.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), text)


def paper_url(paper: Paper) -> str | None:
    """Return the paper's own address: its arXiv abstract page, else its first Paper, PDF or arXiv link, else None."""
    if paper.arxiv:
        return "https://arxiv.org/abs/" + paper.arxiv
    return next((link.url for link in paper.links if link.name in _PAPER_LINKS), None)


def is_preprint_paper(paper: Paper) -> bool:
    """Tell whether a paper is cited as a preprint: its venue is arXiv, or it has none but an arXiv id."""
    return is_preprint(paper.venue) or (not paper.venue and paper.arxiv is not None)


def name_split(name: str, split: NameSplit | None = None) -> NameSplit:
    """Return where a name splits: as its file marks it (split, from Paper.name_splits), else as split_name guesses."""
    return split or split_name(name)


def bibtex_name(name: str, split: NameSplit | None = None) -> str:
    """Write an author for BibTeX so that it reads the name's split (name_split): "First von Last" where BibTeX reads
    that alike, else "von Last, Jr., First" (a suffix, a family name that begins with a capitalised word, or a split
    the file marks that BibTeX would not read in the name first name first). A family name BibTeX would read partly as
    a particle goes in braces: "{De la Torre}, Fernando"; so does a name the file marks as not splitting, "{Barnes,
    Inc.}" (names.read_literal), which BibTeX would split."""
    if split is not None and is_literal(split) and re.search(r"[\s,]", split.family):
        return "{" + bibtex_escape(split.family) + "}"
    whole = name_split(name, split)
    given, particle, family, suffix = whole
    surname = " ".join(filter(None, (particle, family)))
    guessed = split is None or split_name(name) == split  # as BibTeX splits "First von Last", if written so
    if not suffix and (is_lowercase(surname) or " " not in surname) and guessed:
        return bibtex_escape(name)
    if is_grouped(whole):
        surname = " ".join(filter(None, (bibtex_escape(particle), "{" + bibtex_escape(family) + "}")))
        return ", ".join(filter(None, (surname, bibtex_escape(suffix), bibtex_escape(given))))
    return ", ".join(bibtex_escape(part) for part in (surname, suffix, given) if part)


def citation_name(name: str, sole: bool = False, split: NameSplit | None = None) -> str:
    """Write an author for a citation_author meta tag as Zotero (its Embedded Metadata translator) and Google Scholar
    read it: "Family, Given" when the family name is more than its last word ("van den Hengel, Anton", "Le Scouarnec,
    Nicolas"); "Family, Given, Suffix" when the name has a suffix ("Steele, Guy L., Jr.", the inverted form of RIS
    and of style guides: as written, Zotero would take Jr. for the family name); else the name as written ("Yair
    Weiss"), whose last word is the family name. The split is the name's (name_split).

    sole says the name is the paper's only author: Zotero reads a lone citation_author tag as a list of authors
    separated by commas when the words either side of its first comma both hold a space ("van Gemert, Jan C." as
    "van Gemert" and "Jan C."), so such a sole author is written as is: one author, family name its last word.
    """
    given, particle, family, suffix = name_split(name, split)
    surname = " ".join(filter(None, (particle, family)))
    if not given or (" " not in surname and not suffix) or (sole and " " in surname and " " in given):
        return name
    return ", ".join(filter(None, (surname, given, suffix)))


def citation_authors(names: Sequence[str], splits: Sequence[NameSplit | None] = ()) -> list[str]:
    """Write a paper's authors for its citation_author meta tags, one a tag, in order (see citation_name); splits are
    the paper's name_splits."""
    return [citation_name(name, len(names) == 1, _split_at(splits, i)) for i, name in enumerate(names)]


def _split_at(splits: Sequence[NameSplit | None], i: int) -> NameSplit | None:
    return splits[i] if i < len(splits) else None


def author_splits(paper: Paper) -> list[NameSplit]:
    """Where each author's name splits, in order: as the file marks it, else as split_name guesses."""
    return [name_split(name, _split_at(paper.name_splits, i)) for i, name in enumerate(paper.authors)]


def bibtex_key(paper: Paper) -> str:
    """Return the citation key: the paper's key with only BibTeX-safe characters."""
    return re.sub(r"[^A-Za-z0-9_:.\-]", "", paper.key) or "paper"


def bibtex_entry(paper: Paper) -> str:
    """Format one paper as a BibTeX entry (ends with a newline)."""
    fields: list[tuple[str, str]] = [
        ("title", "{" + bibtex_escape(paper.title) + "}"),
        ("author", " and ".join(map(bibtex_name, paper.authors, author_splits(paper)))),
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
        fields.append(("doi", bibtex_verbatim(paper.doi)))
    if paper.arxiv:
        fields += [("eprint", bibtex_verbatim(paper.arxiv)), ("archiveprefix", "arXiv")]
    elif not paper.doi and (url := paper_url(paper)):  # the DOI or the arXiv id already lead to the paper
        fields.append(("url", bibtex_verbatim(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(paper)},\n{body}\n}}\n"


def bibtex_file(papers: Iterable[Paper]) -> str:
    """Format many papers as one .bib file, sorted by key."""
    return bibtex_join(bibtex_entry(p) for p in sorted(papers, key=lambda p: p.key))


def bibtex_join(entries: Iterable[str]) -> str:
    """Join BibTeX entries (in the order given) into one .bib file."""
    return "\n".join(entries)


def _person(name: str, split: NameSplit) -> dict[str, str]:
    given, particle, family, suffix = split
    if not _is_split(given, particle):
        return {"literal": name}
    person = {"given": given, "non-dropping-particle": particle, "family": family, "suffix": suffix}
    return {field: value for field, value in person.items() if value}


def _is_split(given: str, particle: str) -> bool:
    """Tell whether a split holds more than a family name: a one-word name (a mononym, an organisation) is not
    split, and is cited as written."""
    return bool(given or particle)


def _schema_person(name: str, split: NameSplit) -> dict[str, str]:
    """Describe an author as a schema.org Person: its name as written and, where it splits (author_splits), givenName
    and familyName (with the particle: "van den Hengel"; "Le Scouarnec") and a Jr./Sr./II/III/IV as
    honorificSuffix, schema.org's only property for what follows a name. A one-word name has only its name."""
    given, particle, family, suffix = split
    person = {"@type": "Person", "name": name}
    if _is_split(given, particle):
        parts = {"givenName": given, "familyName": " ".join(filter(None, (particle, family))),
                 "honorificSuffix": suffix}
        person.update((field, value) for field, value in parts.items() if value)
    return person


def csl_item(paper: Paper, abstract: str) -> dict[str, Any]:
    """Describe a paper as a CSL-JSON item (the format of Zotero, Pandoc and citeproc).

    URL is the paper's own address (paper_url), not its page in the review, which styles would print as where the
    paper is available. A preprint is an article published by arXiv with its id as number (as Zotero exports one);
    a published paper's arXiv id is left out: styles print number as an article number.
    abstract is the summary as plain text (PaperView.summary_text): never its markdown, which may hold raw HTML.
    """
    item: dict[str, Any] = {
        "id": bibtex_key(paper),
        "type": "article" if is_preprint_paper(paper) else _csl_type(paper.venue),
        "title": plain_text(paper.title),
        "author": list(map(_person, paper.authors, author_splits(paper))),
        "issued": {"date-parts": [[paper.year]]},
    }
    url = paper_url(paper)
    if url:
        item["URL"] = url
    if is_preprint_paper(paper):
        item["publisher"] = "arXiv"
        if paper.arxiv:
            item["number"] = f"arXiv:{paper.arxiv}"
    elif paper.venue:
        item["container-title"] = paper.venue
    if paper.doi:
        item["DOI"] = paper.doi
    if abstract:
        item["abstract"] = abstract
    if paper.tags:
        item["keyword"] = ", ".join(paper.tags)
    return item


def _csl_type(venue: str | None) -> str:
    if not venue:
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
        "author": list(map(_schema_person, paper.authors, author_splits(paper))),
        "datePublished": str(paper.year),
        "url": page_url,
    }
    # isPartOf must be a CreativeWork (a journal); a conference is an event, which is what `publication` holds
    if is_preprint_paper(paper):
        data["publisher"] = {"@type": "Organization", "name": "arXiv"}
    elif paper.venue and is_journal(paper.venue):
        data["isPartOf"] = {"@type": "Periodical", "name": paper.venue}
    elif paper.venue:
        data["publication"] = {"@type": "PublicationEvent", "name": paper.venue}
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
