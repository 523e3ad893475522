"""`l2h new`: scaffold a correct paper file from flags, a BibTeX entry, or an arXiv id / DOI.

The file is written with a YAML emitter (never a string template), with every field that is
known filled in and an explicit placeholder (`TODO`, which `l2h check` rejects) for the rest.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import json
import re
import shlex
import sys
import urllib.error
import urllib.parse
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from l2h_site.bibtex import PaperDraft, read_bib_file, read_bibtex
from l2h_site.build import CheckResult, check_with_cache
from l2h_site.config import CONFIG_NAME
from l2h_site.diagnostics import Diagnostic, L2hError, error, format_text, is_failure, note, visible
from l2h_site.model import Paper, SourceFile, Taxonomy
from l2h_site.names import family_given, first_name_first, is_literal, read_given_group, read_literal, unbraced
from l2h_site.parse import bibtex_names, joined_pairs, parse_paper_bytes, split_authors, split_pairs, without_et_al
from l2h_site.textutil import closest, quote_list
from l2h_site.validate import (
    YEAR_APART,
    TagIndex,
    canonical_venue,
    derive_key,
    identities,
    is_declared_distinct,
    validate_corpus,
    validate_paper,
    venue_names,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

HELP = "scaffold a paper file from flags, a BibTeX entry, an arXiv id or a DOI"
Fetch = Callable[[str], bytes]
"""Fetch a URL and return the body; raises OSError (urllib.error.URLError) when it cannot."""

ARXIV_API = "https://export.arxiv.org/api/query?id_list={id}"
CROSSREF_API = "https://api.crossref.org/works/{doi}"
PLACEHOLDER = "TODO"
"""Written where a value must be chosen by hand; `l2h check` reports it as error[placeholder]."""
SUMMARY_PLACEHOLDER = "TODO: in two to four sentences of your own, say what the paper does and why it matters.\n"
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
_ATOM = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


class MetadataError(Exception):
    """Metadata could not be fetched or read; the message says why, for the contributor."""


def fetch_url(url: str) -> bytes:
    """Fetch a URL over HTTPS with a timeout and a size limit."""
    import urllib.request  # here, not at the top: with http.client it takes about 0.02 s, and only this fetches

    request = urllib.request.Request(url, headers={"User-Agent": "l2h (+https://github.com/learning2hash)"})
    with urllib.request.urlopen(request, timeout=15) as response:
        data: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    if len(data) > MAX_RESPONSE_BYTES:
        raise MetadataError(f"the response from {url} is larger than {MAX_RESPONSE_BYTES:,} bytes")
    return data


def _get(url: str, fetch: Fetch, service: str) -> bytes:
    try:
        return fetch(url)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise MetadataError(f"{service} does not know it (HTTP 404)") from exc
        raise MetadataError(f"{service} answered HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise MetadataError(f"cannot reach {service} ({reason})") from exc


def arxiv_draft(arxiv_id: str, fetch: Fetch = fetch_url) -> PaperDraft:
    """Read a paper's title, authors, year and DOI from the arXiv Atom API."""
    import xml.etree.ElementTree as ET

    data = _get(ARXIV_API.format(id=urllib.parse.quote(arxiv_id, safe="/.")), fetch, "the arXiv API")
    try:
        feed = ET.fromstring(data)
    except ET.ParseError as exc:
        raise MetadataError(f"the arXiv API answered something that is not Atom XML ({exc})") from exc
    entry = feed.find("atom:entry", _ATOM)
    title = _text(entry, "atom:title") if entry is not None else ""
    if entry is None or not title or "/api/errors" in _text(entry, "atom:id"):
        raise MetadataError(f"the arXiv API has no paper {arxiv_id}")
    published = re.match(r"\d{4}", _text(entry, "atom:published"))
    return PaperDraft(
        title=title,
        authors=[_text(a, "atom:name") for a in entry.findall("atom:author", _ATOM) if _text(a, "atom:name")],
        year=int(published.group(0)) if published else None,
        arxiv=re.sub(r"v\d+$", "", arxiv_id),
        doi=_text(entry, "arxiv:doi") or None,
        source=f"arXiv {arxiv_id}")


def crossref_draft(doi: str, fetch: Fetch = fetch_url) -> PaperDraft:
    """Read a paper's title, authors, year and venue from the Crossref REST API."""
    data = _get(CROSSREF_API.format(doi=urllib.parse.quote(doi, safe="/")), fetch, "Crossref")
    try:
        message = json.loads(data)["message"]
        title = _clean_html(_first(message.get("title")))
        authors = [re.sub(r"\s+", " ", f"{a.get('given', '')} {a.get('family', '')}").strip()
                   for a in message.get("author", []) if a.get("family")]
        parts = (message.get("issued") or message.get("published") or {}).get("date-parts") or [[None]]
        year = parts[0][0]
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise MetadataError(f"Crossref answered something unexpected ({exc!r})") from exc
    if not title:
        raise MetadataError(f"Crossref has no title for {doi}")
    venue = _clean_html(_first(message.get("short-container-title")) or _first(message.get("container-title")))
    return PaperDraft(title=title, authors=authors, year=year if isinstance(year, int) else None,
                      venue=venue or None, doi=doi, source=f"DOI {doi}")


def _text(node: ET.Element | None, path: str) -> str:
    found = node.find(path, _ATOM) if node is not None else None
    return re.sub(r"\s+", " ", found.text or "").strip() if found is not None else ""


def _first(value: Any) -> str:
    return str(value[0]) if isinstance(value, list) and value else ""


def _clean_html(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


@dataclass
class PaperIndex:
    """The papers already in the review, by what makes two files the same paper (validate.identities)."""

    found: dict[tuple[str, str], list[tuple[str, Paper]]] = field(default_factory=dict)
    """(kind, value) -> where each paper with it is, and the paper, e.g. ('DOI', '10.1109/…') ->
    [('papers/jegou2011product.md', Paper(…))]."""

    @classmethod
    def of(cls, papers: Iterable[Paper]) -> PaperIndex:
        """Index existing papers by key, arXiv id, DOI and normalised title."""
        index = cls()
        for paper in papers:
            index.add(paper, paper.source)
        return index

    def add(self, paper: Paper, source: str) -> None:
        """Record a paper, found or written at source."""
        for identity in identities(paper):
            self.found.setdefault(identity, []).append((source, paper))

    def same_paper(self, paper: Paper) -> tuple[str, str] | None:
        """Say where this paper already is and what it shares with it ('key and DOI'), or None.

        Only the arXiv id, the DOI and the title say that two files are the same paper; a key alone does not, nor
        does a title that one of the two declares distinct (distinct_from), as `l2h check` reads it.
        """
        shared = []
        for kind, value in identities(paper):
            sources = [source for source, other in self.found.get((kind, value), ())
                       if kind != "title" or not is_declared_distinct(paper, other)]
            if sources:
                shared.append((kind, sources[0]))
        if not any(kind != "key" for kind, _ in shared):
            return None
        where = next(source for kind, source in shared if kind != "key")
        return where, " and ".join(kind for kind, source in shared if source == where)

    def holder(self, key: str) -> str | None:
        """The paper that has this key, or None."""
        found = self.found.get(("key", key))
        return found[0][0] if found else None

    def free_key(self, key: str, taken: Collection[str] = ()) -> str:
        """The key itself when it is free, else the first free one of keyb, keyc, … (as CONTRIBUTING.md says)."""
        for suffix in ["", *(chr(c) for c in range(ord("b"), ord("z") + 1))]:
            candidate = f"{key}{suffix}"
            if self.holder(candidate) is None and candidate not in taken:
                return candidate
        raise L2hError(f"the keys {key} to {key}z are all taken; choose the file name yourself")


def draft_paper(draft: PaperDraft, key: str, source: str) -> Paper:
    """The identity of a draft as a Paper, for comparing it with the papers of the review."""
    return Paper(key=key, source=source, title=draft.title or "", authors=tuple(draft.authors),
                 name_splits=tuple(draft.name_splits), year=draft.year or 0,
                 arxiv=draft.arxiv, doi=draft.doi, distinct_from=tuple(draft.distinct_from),
                 former_keys=tuple(draft.former_keys))


def usable_config(check: CheckResult) -> None:
    """Refuse (L2hError) a review whose l2h.yml has errors, each said at its line with its fix.

    With them the config falls back to its defaults, and papers would be written where the review does not read
    them (a papers_dir refused, an l2h.yml that is no YAML).
    """
    broken = [d for d in check.diagnostics if d.path == CONFIG_NAME and d.severity == "error"]
    if broken:
        raise L2hError(f"{CONFIG_NAME} has errors, so nothing was written; fix them first:\n"
                       + format_text(broken).rstrip("\n"))


def usable_taxonomy(check: CheckResult) -> Taxonomy:
    """The review's taxonomy; refuse (L2hError) when it or l2h.yml has errors, since nothing can be checked."""
    usable_config(check)
    rel = check.config.taxonomy
    if is_failure([d for d in check.diagnostics if d.path == rel], False):
        raise L2hError(f"{rel} is missing or broken; run `l2h check` to see its errors, and fix them first")
    return check.taxonomy


def front_matter(draft: PaperDraft, taxonomy: Taxonomy, placeholders: bool = True) -> dict[str, Any]:
    """Order a draft's fields as a paper file writes them; placeholders for required values not known."""
    assert draft.title and draft.authors and draft.year
    names = draft_authors(draft)
    line = ", ".join(names)
    # one line "A, B" where it reads back as these names; else a list, each name its own item: "Plato, Aristotle" reads
    # as BibTeX's "Last, First" (in a list, l2h check warns of them as a pair split in two, and l2h new says so; in
    # braces, "{Plato}", each is whole: draft_authors)
    one_line = not any(re.search(r"[,;&{}]|\sand\s", a) for a in names) and bibtex_names(line) is None
    data: dict[str, Any] = {"title": draft.title, "authors": line if one_line else names}
    if draft.venue:  # by the name the taxonomy gives it, not another (NIPS), as l2h check would read it; nor one of
        # its editions, as BibTeX writes them (NIPS 2011, Advances in Neural Information Processing Systems 22)
        data["venue"] = canonical_venue(draft.venue, venue_names(taxonomy), editions=True)
    data["year"] = draft.year
    if draft.tags or placeholders:
        data["tags"] = list(draft.tags) or [PLACEHOLDER]
    for facet in taxonomy.facets:
        values = draft.facets.get(facet.id)
        if not values and not (placeholders and facet.required):
            continue
        values = values or [PLACEHOLDER]
        data[facet.id] = list(values) if facet.multiple or len(values) > 1 else values[0]
    if draft.arxiv:
        data["arxiv"] = draft.arxiv
    if draft.doi:
        data["doi"] = draft.doi
    if draft.links:
        data["links"] = [{"name": link.name, "url": link.url} for link in draft.links]
    if draft.added:
        data["added"] = draft.added
    if draft.distinct_from:
        data["distinct_from"] = list(draft.distinct_from)
    if draft.former_keys:
        data["former_keys"] = list(draft.former_keys)
    return data


def draft_authors(draft: PaperDraft) -> list[str]:
    """The authors as the paper file writes them: first name first, or "Family, Given" where the draft marks where a
    name splits ("Das Sarma, Anish"), or whole in braces where it does not split ("{Barnes, Inc.}", "{Google}")."""
    splits = draft.name_splits or [None] * len(draft.authors)
    return [family_given(split, grouped=is_literal(split)) if split else name
            for name, split in zip(draft.authors, splits, strict=True)]


def draft_key(draft: PaperDraft) -> str:
    """The key `l2h check` expects of the paper file a draft is written to (validate.derive_key)."""
    return derive_key(without_et_al(draft.authors), draft.year or 0, draft.title or "",
                      draft.name_splits[0] if draft.name_splits else None)


class _Dumper(yaml.SafeDumper):
    """Block mappings, and lists of plain values on one line: `tags: [A, B]`."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(item, (str, int, float)) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def dump_yaml(data: dict[str, Any]) -> str:
    """Emit YAML the way paper files and taxonomy.yml are written, quoting whatever needs it."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=10_000)


def render_paper(draft: PaperDraft, taxonomy: Taxonomy, placeholders: bool = True) -> str:
    """Write a paper file's text: YAML front matter from an emitter, then the summary."""
    data = front_matter(draft, taxonomy, placeholders)
    text = dump_yaml(data)
    comments = []
    for facet in taxonomy.facets:
        choices = " | ".join(v.id for v in facet.values)
        if data.get(facet.id) in (PLACEHOLDER, [PLACEHOLDER]):
            comments.append(f"# {facet.id} ({facet.label}{', several allowed' if facet.multiple else ''}): {choices}")
        elif placeholders and facet.id not in data:
            comments.append(f"# optional: {facet.id} ({facet.label}): {choices}")
    summary = draft.summary.strip("\n") + "\n" if draft.summary.strip() else (SUMMARY_PLACEHOLDER if placeholders else "")
    return "---\n" + text + "".join(c + "\n" for c in comments) + "---\n" + summary


def write_new_file(path: Path, text: str) -> None:
    """Create a paper file; never overwrite one (exclusive create)."""
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def parse_facet_flags(flags: Sequence[str], taxonomy: Taxonomy) -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """Turn --facet id=value flags into facet values; a flag naming no facet of the taxonomy is a problem.

    The values are checked with the rest of the paper (validate_paper), which suggests the value meant.
    """
    facets: dict[str, list[str]] = {}
    problems: list[Diagnostic] = []
    for flag in flags:
        facet_id, eq, value = flag.partition("=")
        facet = taxonomy.facet(facet_id.strip())
        if not eq or facet is None:
            ids = [f.id for f in taxonomy.facets]
            guess = closest(facet_id, ids)
            hint = f'did you mean "{guess}"?' if guess else ""
            if not eq and "\uff1d" in flag:  # a full-width '=', as a CJK input method types it
                hint = f"use an ASCII '=': --facet {shlex.quote(flag.replace(chr(0xFF1D), '=', 1))}"
            elif not eq and facet is not None:  # `--facet family`: the id is right, its value left out
                values = [v.id for v in facet.values]
                hint = (f"give it a value: --facet {facet.id}={values[0] if values else 'VALUE'}"
                        + (f" (one of {quote_list(values)})" if values else ""))
            message = (f'"{flag}" names facet {facet.id} without a value (ID=VALUE)' if not eq and facet is not None
                       else f'"{flag}" is not ID=VALUE with ID one of {quote_list(ids)}')
            problems.append(error("--facet", 0, 0, "unknown-facet", message, hint))
            continue
        for item in (v.strip() for v in value.split(",") if v.strip()):
            facets.setdefault(facet.id, []).append(item)
    return facets, problems


@dataclass
class NewOptions:
    """What `l2h new` was given on the command line."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | str | None = None
    """The year, or --year as typed when it is not a number (told with the other flags' problems)."""
    venue: str | None = None
    tags: list[str] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    arxiv: str | None = None
    doi: str | None = None
    bibtex: str | None = None
    """BibTeX text holding exactly one entry."""
    fetch: bool = True


def _author_flag(text: str, say: Callable[[str], None]) -> list[str]:
    """The names of one --authors flag; BibTeX's 'Last, First' pairs are turned round, and the turn is shown."""
    names = bibtex_names(text)
    if names is None:
        return split_authors(text)
    say(f"l2h: read --authors \"{text}\" as 'Last, First' pairs: {', '.join(names)} "
        "(if that is wrong, write the names first name first, separated by commas)")
    return names


def identifier_problems(options: NewOptions) -> list[Diagnostic]:
    """Check the form of --arxiv and --doi with the parser's own check, before anything is fetched."""
    given = {name: value for name, value in (("arxiv", options.arxiv), ("doi", options.doi)) if value}
    if not given:
        return []
    text = "---\n" + dump_yaml(given) + "---\n"
    _, diagnostics = parse_paper_bytes(text.encode("utf-8"), SourceFile(Path("new.md"), "new.md", "new"), None)
    found = []
    for d in diagnostics:
        if d.code in ("arxiv-format", "doi-format"):
            name = d.code.removesuffix("-format")
            found.append(dataclasses.replace(d, path=f"--{name}", line=0, column=0,
                                             hint=flag_hint(d.hint, name, f"--{name}")))
    return found


_SCALAR_FLAGS = frozenset({"title", "year", "venue", "arxiv", "doi"})
"""The fields that one flag gives whole, so that a hint writing the field can be said as the flag."""


_FACET_LINE = re.compile(r"(?:(?<=write )|(?<=value, )|(?<= or )|(?<=place of ))([a-z][\w-]*): (\[([^\]]*)\]|[\w-]+)")
"""A facet's line in a hint of validate.facet_value_hint (family: supervised, modality: [image, text])."""


def flag_hint(hint: str, name: str, flag: str) -> str:
    """Say a hint that tells how to write a field of the file (`write arxiv: "1509.02897"`) as the flag that gave
    it (`give --arxiv 1509.02897`), for the contributor typed the flag, not the file."""
    hint = re.sub(r", or remove the line if (you are not sure|it is optional)", rf", or leave {flag} out if \1", hint)
    separated = re.fullmatch(r"use an ASCII comma followed by a space: (authors|tags): (.*)", hint)
    if separated and flag:  # full-width-separator: "[X, Y]" is two --tag; ["李", "陈"], one-word names, in braces
        value = separated.group(2)
        if flag == "--tag":
            return "give each tag its own --tag: " + " ".join(f"--tag {shlex.quote(t)}" for t in value[1:-1].split(", "))
        names = ", ".join(f"{{{n}}}" for n in json.loads(value)) if value.startswith("[") else value
        return f"use an ASCII comma followed by a space: give {flag} {shlex.quote(names)}"
    marks = re.fullmatch(r"write the names without them: authors: ([^\[].*)", hint) if flag == "--authors" else None
    if marks:  # author-marks: "Bin Xu1" copied from a byline
        return f"write the names without them: give --authors {shlex.quote(marks.group(1))}"
    if flag == "--facet":  # facet-single: "keep the one value that fits best: family: supervised"
        return re.sub(rf": {re.escape(name)}: (.+)$", lambda m: f": --facet {shlex.quote(f'{name}={m.group(1)}')}", hint)
    if flag == "--tag" and "remove the tag" in hint:  # unknown-tag, a facet value: said with --facet, which adds
        # a value to a list (the hint's list ends with the value meant, after those the paper gives)
        return _FACET_LINE.sub(lambda m: "--facet " + shlex.quote(f"{m.group(1)}={(m.group(3) or m.group(2)).split(', ')[-1]}"),
                               hint.replace("remove the tag", "leave out this --tag")).replace("write --facet", "give --facet")
    tag = re.fullmatch(r'write "([^"]+)"(.*)', hint) if flag == "--tag" else None
    if tag:  # tag-drift (an alias is written as its tag: canonical_tags)
        return f"give --tag {shlex.quote(tag.group(1))}{tag.group(2)}"
    if name not in _SCALAR_FLAGS:
        return hint
    if hint.endswith(YEAR_APART):  # venue-spelling of a venue with its year (VISAPP 2019): the year has its flag
        return flag_hint(hint.removesuffix(YEAR_APART), name, flag) + " (the year goes in --year)"
    written = re.fullmatch(rf"write (?:[^:]+: )?(?:{re.escape(name)}: |it in straight quotes: )(.*)", hint)
    if written:
        value = written.group(1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":  # YAML's quotes: the shell needs its own
            value = value[1:-1]
        return f"give {flag} {shlex.quote(value)}"
    return f"give {flag} " + hint.removeprefix("write ") if hint.startswith(("write a ", "write an ", "write the ")) \
        else hint


def authors_flag_pairs_hint(draft: PaperDraft) -> str:
    """Say how to give --authors names that l2h reads as "Last, First" pairs split in two ("Plato and Aristotle"):
    each pair as one name, first name first, or, if they are whole names, each in braces."""
    names = draft_authors(draft)
    splits = draft.name_splits or [None] * len(names)
    pairs = split_pairs(names, [bool(split and is_literal(split)) for split in splits])
    paired = {i for pair in pairs for i in pair}
    braced = [f"{{{name}}}" if i in paired else name for i, name in enumerate(names)]
    joined = joined_pairs(names, pairs)
    return (f"give --authors {shlex.quote(', '.join(joined))} (or, if they are {len(paired)} names after all, "
            f"organisations say, give each in braces: --authors {shlex.quote(', '.join(braced))})")


def authors_flag_hint(texts: Sequence[str]) -> str:
    """Say how to give the names of --authors flags without the braces l2h does not read: a family name in braces
    stands last, "Fernando {De la Torre}" (also for "{De la Torre}, Fernando", as BibTeX writes it), a whole name
    in braces stays ("{Barnes, Inc.}"), braces elsewhere go."""
    names = _flag_names(texts)
    fixed: list[str] = []
    for i, name in enumerate(names):
        if i and _is_group_then_given(names, i - 1):  # "{De la Torre}, Fernando"
            fixed[-1] = f"{name} {fixed[-1]}"
        else:
            fixed.append(name if read_given_group(name) or read_literal(name) else unbraced(name))
    return f"give --authors {shlex.quote(', '.join(fixed))}"


def authors_flag_braces(texts: Sequence[str]) -> str | None:
    """Say which names of --authors flags have braces l2h does not read, and where it reads them; None if none has.
    A whole name in braces is one name ("{Barnes, Inc.}"), unless a one-word name follows it: "{De la Torre},
    Fernando" is a family name and its given name, as BibTeX writes them, which --authors does not read."""
    names = _flag_names(texts)
    found = [f"{name}, {names[i + 1]}" if _is_group_then_given(names, i) else name for i, name in enumerate(names)
             if ("{" in name or "}" in name) and not read_given_group(name)
             and (not read_literal(name) or _is_group_then_given(names, i))]
    if not found:
        return None
    return (f"{'author' if len(found) == 1 else 'authors'} {quote_list(found, 6)} "
            f"{'has' if len(found) == 1 else 'have'} braces; in --authors they group the words of a family name only "
            'at the end of a name written first name first, as in "Fernando {De la Torre}", or a whole name, as in '
            '"{Barnes, Inc.}"')


def _flag_names(texts: Sequence[str]) -> list[str]:
    return [name for text in texts for name in split_authors(text)]


def _is_group_then_given(names: Sequence[str], i: int) -> bool:
    """Tell whether names[i] is a name in braces and the next one word without braces: "{De la Torre}, Fernando"."""
    after = names[i + 1] if i + 1 < len(names) else ""
    return bool(read_literal(names[i])) and bool(after) and not re.search(r"[\s{}]", after)


def draft_from_options(options: NewOptions, taxonomy: Taxonomy, fetch: Fetch,
                       say: Callable[[str], None]) -> tuple[PaperDraft | None, list[Diagnostic]]:
    """Combine BibTeX or fetched metadata with the flags; flags win where both say something.

    Returns the draft and the problems of the flags found so far; no draft when its title, authors or year
    are unknown because an identifier was malformed (it is not looked up).
    """
    draft = PaperDraft()
    options.arxiv = _strip_prefix(options.arxiv, ("arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/"))
    options.doi = _strip_prefix(options.doi, ("doi:", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/"))
    problems = identifier_problems(options)
    for problem in problems:  # a malformed id is neither fetched nor written
        setattr(options, problem.path.removeprefix("--"), None)
    if options.bibtex is not None:
        drafts, unread = read_bibtex(options.bibtex, "the BibTeX input")
        if unread:
            raise L2hError("; ".join(f"{p.where}: {p.reason}" for p in unread))
        if len(drafts) != 1:
            raise L2hError(f"the BibTeX input holds {len(drafts)} entries; `l2h new` takes one "
                           "(use `l2h import bibtex FILE.bib` for many)")
        draft = drafts[0]
        for why in draft.left_out:
            say(f"l2h: the BibTeX entry's {why}")
    elif options.arxiv or options.doi:
        ident = f"arXiv {options.arxiv}" if options.arxiv else f"DOI {options.doi}"
        if not options.fetch:
            say(f"l2h: not fetching metadata for {ident} (--no-fetch); using the flags you gave")
        else:
            try:
                draft = arxiv_draft(options.arxiv, fetch) if options.arxiv else crossref_draft(options.doi or "", fetch)
                say(f"l2h: read the metadata of {ident}")
            except MetadataError as exc:
                say(f"l2h: could not fetch the metadata of {ident}: {exc}; using the flags you gave "
                    "(--title, --authors, --year, --venue)")
    draft.title = re.sub(r"\s+", " ", options.title).strip() if options.title else draft.title
    flagged = [a for text in options.authors for a in _author_flag(text, say)]
    if flagged:  # the flag's names, first name first, replace those read and where they split
        # "Fernando {De la Torre}" says where it splits; "{Barnes, Inc.}" that it does not
        splits = [read_given_group(name) or read_literal(name) for name in flagged]
        draft.authors = [first_name_first(split) if split else name for name, split in zip(flagged, splits)]
        draft.name_splits = splits if any(splits) else []
    year = _year_flag(options.year, problems)
    draft.year = year or draft.year
    if draft.year is None and isinstance(options.year, str):  # --year twenty: a year to check the other flags with (their
        draft.year = dt.date.today().year  # problems are told with its own), and the error writes nothing
    draft.venue = options.venue or draft.venue
    draft.tags = list(dict.fromkeys(t.strip() for t in options.tags if t.strip())) or draft.tags
    problems += canonical_tags(draft, taxonomy)
    problems += canonical_draft_venue(draft, taxonomy, "--venue" if options.venue else draft.source)
    facets, facet_problems = parse_facet_flags(options.facets, taxonomy)
    draft.facets.update(facets)
    problems += facet_problems
    draft.arxiv = options.arxiv or draft.arxiv
    draft.doi = options.doi or draft.doi
    missing = [f"--{name}" for name, value in (("title", draft.title), ("authors", draft.authors),
                                                ("year", draft.year)) if not value]
    if missing and problems:
        return None, problems
    if missing:
        raise L2hError(f"cannot name the paper without {' and '.join(missing)}; give them as flags")
    return draft, problems


def _year_flag(year: int | str | None, problems: list[Diagnostic]) -> int | None:
    """Read --year; one that is not a number (--year twenty) is a problem told beside the other flags'."""
    if not isinstance(year, str):
        return year
    if re.fullmatch(r"\s*[0-9]+\s*", year):
        return int(year)
    problems.append(error("--year", 0, 0, "wrong-type", f'--year "{year}" is not a year',
                          "give the year the paper was published in digits, e.g. --year 2017"))
    return None


def canonical_tags(draft: PaperDraft, taxonomy: Taxonomy) -> list[Diagnostic]:
    """Write each tag given by an alias by its name in taxonomy.yml, as `l2h check` reads an alias (TagIndex); say so,
    a note of one line for each: the file says what the site shows, and `l2h check` has nothing to note of it."""
    aliases = TagIndex(taxonomy, Counter()).aliases
    said = [note("--tag", 0, 0, "tag-alias", f'tag "{tag}" is written "{aliases[tag]}", its name in taxonomy.yml')
            for tag in draft.tags if tag in aliases]
    draft.tags = list(dict.fromkeys(aliases.get(tag, tag) for tag in draft.tags))
    return said


def canonical_draft_venue(draft: PaperDraft, taxonomy: Taxonomy, given_by: str) -> list[Diagnostic]:
    """Write a venue given by another name (NIPS) or as one edition of a venue of taxonomy.yml (NIPS 2011) by its name
    there, as front_matter writes it; say so in a note of one line, as canonical_tags says it of a tag (given_by: the
    flag, or the BibTeX entry or record it was read from)."""
    if not draft.venue:
        return []
    venue = canonical_venue(draft.venue, venue_names(taxonomy), editions=True)
    if venue == draft.venue:
        return []
    said = note(given_by, 0, 0, "venue-alias", f'venue "{draft.venue}" is written "{venue}", its name in taxonomy.yml')
    draft.venue = venue
    return [said]


_FLAGS = {"title": "--title", "authors": "--authors", "year": "--year", "venue": "--venue", "tags": "--tag",
          "arxiv": "--arxiv", "doi": "--doi"}


def check_draft(draft: PaperDraft, source: SourceFile, check: CheckResult, options: NewOptions) -> list[Diagnostic]:
    """Check the file `l2h new` would write as `l2h check` would; return its errors, warnings and notes, each named
    by its flag.

    The TODO placeholders l2h writes on purpose (tags, facets, summary) are not problems yet.
    """
    taxonomy = check.taxonomy
    text = render_paper(draft, taxonomy)
    facet_ids = frozenset(f.id for f in taxonomy.facets)
    parsed, diagnostics = parse_paper_bytes(text.encode("utf-8"), source, facet_ids)
    if parsed is not None:
        usage = Counter(tag for paper in check.papers for tag in paper.tags)
        paper, problems = validate_paper(parsed, taxonomy, TagIndex(taxonomy, usage))
        diagnostics += problems
        if parsed.complete:  # and what l2h check would say of it beside the other papers (a venue spelt unlike theirs)
            review = validate_corpus([*check.papers, paper], {source.relpath: parsed.positions},
                                     venues=venue_names(taxonomy))
            diagnostics += [d for d in review if d.path == source.relpath]
    lines = text.split("\n")
    found = []
    braces = authors_flag_braces(options.authors) if options.authors else None
    braces_said = False
    for d in diagnostics:
        name = _field_at(lines, d.line)
        if d.code == "placeholder" and name in {"tags", "summary", *facet_ids}:
            continue
        if d.code == "key-form" and any(other.code == "year-range" for other in diagnostics):
            continue  # the key l2h new made of a year of two digits: the year's error says it
        if d.code == "authors-split-pairs":  # l2h does not write, itself, a list it would warn of
            d = dataclasses.replace(d, severity="error")
        flag = "--facet" if name in facet_ids else _FLAGS.get(name, "")
        given = bool(getattr(options, "facets" if flag == "--facet" else name, None))
        hint = authors_flag_hint(options.authors) if d.code == "author-braces" else \
            authors_flag_pairs_hint(draft) if d.code == "authors-split-pairs" else flag_hint(d.hint, name, flag)
        message = d.message
        if d.code == "author-braces" and options.authors:  # said of the flag, once: the file is not the writer's
            if braces_said:
                continue
            message, braces_said = braces or message, True
        found.append(dataclasses.replace(d, path=flag if given or not draft.source else draft.source, line=0,
                                         column=0, message=message if given else d.message,
                                         hint=hint if given else d.hint))
    if braces and not braces_said:  # "{De la Torre}, Fernando": the file would hold two names, each fine
        found.append(error("--authors", 0, 0, "author-braces", braces, authors_flag_hint(options.authors)))
    return found


def _field_at(lines: Sequence[str], line: int) -> str:
    """The front-matter field written on a line of a generated paper file ('summary' below it)."""
    closing = lines.index("---", 1)
    if line > closing + 1:
        return "summary"
    for text in reversed(lines[1:line]):
        match = re.match(r"([A-Za-z_][\w-]*):", text)
        if match:
            return match.group(1)
    return ""


def format_problems(problems: Sequence[Diagnostic], written: str | None = None) -> str:
    """Describe the problems of a new paper, each named by its flag, with its fix: those that keep `l2h new` from
    writing the file, with its warnings and notes, so that all are fixed at once; or those of the file written."""
    lines = []
    for d in problems:
        lines.append(f"{visible(d.path)}: {d.severity}[{d.code}]: {visible(d.message)}")
        if d.hint:
            lines.append(f"  help: {visible(d.hint)}")
    errors = sum(d.severity == "error" for d in problems)
    warnings = sum(d.severity == "warning" for d in problems)
    if written is not None:
        if warnings:
            lines.append(f"l2h: {written} was written with {warnings} warning(s): fix them too, "
                         "before `l2h build --strict` or CI fails on them")
    elif warnings:
        lines.append(f"l2h: nothing written: {errors} error(s) and {warnings} warning(s); "
                     "fix them and run `l2h new` again")
    else:
        lines.append(f"l2h: nothing written: {errors} error(s); fix them and run `l2h new` again")
    return "\n".join(lines) + "\n"


def _strip_prefix(ident: str | None, prefixes: tuple[str, ...]) -> str | None:
    """Accept an id the way people paste it: arXiv:1509.02897, DOI: 10.…, https://doi.org/10.…"""
    if not ident:
        return None
    ident = ident.strip()
    for prefix in prefixes:
        if ident.lower().startswith(prefix):
            return ident[len(prefix):].lstrip()
    return ident


def new_paper(root: Path, options: NewOptions, fetch: Fetch | None = None,
              say: Callable[[str], None] = print) -> tuple[Path | None, list[Diagnostic]]:
    """Write papers/<key>.md for one new paper and print the next steps; return its path and its warnings and notes.

    Nothing is written when what was given has errors that `l2h check` would report (other than the TODO
    placeholders): they are returned, all at once with the warnings and notes, instead of a path.
    """
    fetch = fetch or fetch_url  # looked up at call time, so that tests can replace it
    check = check_with_cache(root)
    config = check.config
    taxonomy = usable_taxonomy(check)
    draft, problems = draft_from_options(options, taxonomy, fetch, say)
    if draft is None:
        return None, problems
    assert draft.title and draft.year
    base = draft_key(draft)
    papers_dir = config.path(config.papers_dir)
    index = PaperIndex.of(check.papers)
    existing = index.same_paper(draft_paper(draft, base, ""))
    if existing:
        raise L2hError(f"this paper is already in the review as {existing[0]} (same {existing[1]}); "
                       "refusing to add it twice (edit that file instead)")
    on_disk = {path.stem for path in papers_dir.iterdir()} if papers_dir.is_dir() else set()
    key = index.free_key(base, on_disk)
    rel = f"{config.papers_dir}/{key}.md"
    problems += check_draft(draft, SourceFile(papers_dir / f"{key}.md", rel, key), check, options)
    if is_failure(problems, False):
        return None, problems
    if key != base:
        holder = index.holder(base) or f"{config.papers_dir}/{base}.md (a file with errors)"
        say(f"l2h: the key {base} is taken by {holder}, a different paper; using {key} (CONTRIBUTING.md: "
            "\"if the key is taken by another paper, add b\")")
    text = render_paper(draft, taxonomy)
    papers_dir.mkdir(parents=True, exist_ok=True)
    try:
        write_new_file(papers_dir / f"{key}.md", text)
    except FileExistsError as exc:
        raise L2hError(f"{rel} already exists; refusing to overwrite it") from exc
    todo = [name for name, value in front_matter(draft, taxonomy).items() if value in (PLACEHOLDER, [PLACEHOLDER])]
    say(f"l2h: wrote {rel}")
    say("next steps:")
    step = 1
    if todo:
        say(f"  {step}. replace each TODO ({', '.join(todo)}) with values from {config.taxonomy}; "
            "the comments in the file list the allowed ones")
        step += 1
    say(f"  {step}. write the summary: two to four sentences in your own words")
    say(f"  {step + 1}. run `l2h check {rel}` until it reports no problems")
    say(f"  {step + 2}. commit {rel} and open a pull request")
    return papers_dir / f"{key}.md", problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `l2h new`."""
    parser.add_argument("--title", help="title as published (quotes around it in the shell)")
    parser.add_argument("--authors", action="append", default=[],
                        help='all authors, e.g. "Yair Weiss, Antonio Torralba, Rob Fergus"')
    parser.add_argument("--year", help="year of publication")  # not a number: told with the other flags' problems
    parser.add_argument("--venue", help="conference or journal, e.g. NeurIPS")
    parser.add_argument("--tag", action="append", default=[], help="a tag from taxonomy.yml (repeat for more)")
    parser.add_argument("--facet", action="append", default=[], metavar="ID=VALUE",
                        help="a facet value, e.g. --facet family=supervised --facet modality=image,text")
    parser.add_argument("--arxiv", help="arXiv id; its metadata is fetched when the network allows")
    parser.add_argument("--doi", help="DOI; its metadata is fetched from Crossref when the network allows")
    parser.add_argument("--bibtex", metavar="FILE", help="read one BibTeX entry from FILE, or from stdin with -")
    parser.add_argument("--no-fetch", action="store_true", help="never use the network")


def run(args: argparse.Namespace) -> int:
    """Run `l2h new` from parsed arguments; return the exit code."""
    if not args.root.is_dir():
        raise L2hError(f"{args.root} is not a folder")
    bibtex = None
    if args.bibtex == "-":
        bibtex = sys.stdin.read()
    elif args.bibtex:
        bibtex = read_bib_file(Path(args.bibtex))
    options = NewOptions(title=args.title, authors=args.authors, year=args.year, venue=args.venue, tags=args.tag,
                         facets=args.facet, arxiv=args.arxiv, doi=args.doi, bibtex=bibtex,
                         fetch=not args.no_fetch)
    path, problems = new_paper(args.root, options)
    if path is None:
        sys.stderr.write(format_problems(problems))
        return 1
    if problems:
        sys.stderr.write(format_problems(problems, written=path.relative_to(args.root.resolve()).as_posix()))
    return 0
