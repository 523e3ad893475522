"""`l2h new`: scaffold a correct paper file from flags, a BibTeX entry, or an arXiv id / DOI.

The file is written with a YAML emitter (never a string template), with every field that is
known filled in and an explicit placeholder (`TODO`, which `l2h check` rejects) for the rest.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from l2h_site.bibtex import PaperDraft, read_bib_file, read_bibtex
from l2h_site.build import check_site
from l2h_site.diagnostics import L2hError
from l2h_site.model import Paper, Taxonomy
from l2h_site.parse import bibtex_names, split_authors
from l2h_site.textutil import closest, quote_list
from l2h_site.validate import derive_key, normalise_title

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
    """The papers already in the review, to refuse or skip a paper that is there under any key."""

    keys: dict[str, str] = field(default_factory=dict)
    ids: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, papers: Iterable[Paper]) -> PaperIndex:
        """Index existing papers by key, arXiv id, DOI and normalised title."""
        index = cls()
        for paper in papers:
            index.add(paper.key, paper.source, PaperDraft(title=paper.title, arxiv=paper.arxiv, doi=paper.doi))
        return index

    def add(self, key: str, source: str, draft: PaperDraft) -> None:
        """Record a paper written under this key."""
        self.keys.setdefault(key, source)
        for kind in self._kinds(draft):
            self.ids.setdefault(kind, source)

    def find(self, key: str, draft: PaperDraft) -> tuple[str, str] | None:
        """Say where this paper already is and what it shares with it (key, arXiv id, DOI, title), or None."""
        if key in self.keys:
            return self.keys[key], "key"
        for kind in self._kinds(draft):
            if kind in self.ids:
                return self.ids[kind], kind[0]
        return None

    @staticmethod
    def _kinds(draft: PaperDraft) -> list[tuple[str, str]]:
        kinds = [("title", normalise_title(draft.title))] if draft.title else []
        if draft.arxiv:
            kinds.append(("arXiv id", re.sub(r"v\d+$", "", draft.arxiv)))
        if draft.doi:
            kinds.append(("DOI", draft.doi.lower()))
        return kinds


def front_matter(draft: PaperDraft, taxonomy: Taxonomy, placeholders: bool = True) -> dict[str, Any]:
    """Order a draft's fields as a paper file writes them; placeholders for required values not known."""
    assert draft.title and draft.authors and draft.year
    authors: str | list[str] = draft.authors
    if not any(re.search(r"[,;&]|\sand\s", a) for a in draft.authors):
        authors = ", ".join(draft.authors)
    data: dict[str, Any] = {"title": draft.title, "authors": authors}
    if draft.venue:
        data["venue"] = draft.venue
    data["year"] = draft.year
    if draft.tags or placeholders:
        data["tags"] = list(draft.tags) or [PLACEHOLDER]
    for facet in taxonomy.facets:
        values = draft.facets.get(facet.id)
        if not values and not (placeholders and facet.required):
            continue
        values = values or [PLACEHOLDER]
        data[facet.id] = list(values) if facet.multiple else values[0]
    if draft.arxiv:
        data["arxiv"] = draft.arxiv
    if draft.doi:
        data["doi"] = draft.doi
    if draft.links:
        data["links"] = [{"name": link.name, "url": link.url} for link in draft.links]
    return data


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


def parse_facet_flags(flags: Sequence[str], taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Turn --facet id=value flags into facet values, checking both against the taxonomy."""
    facets: dict[str, list[str]] = {}
    for flag in flags:
        facet_id, eq, value = flag.partition("=")
        facet = taxonomy.facet(facet_id.strip())
        if not eq or facet is None:
            ids = [f.id for f in taxonomy.facets]
            guess = closest(facet_id, ids)
            raise L2hError(f'--facet "{flag}" is not ID=VALUE with ID one of {quote_list(ids)}'
                           + (f'; did you mean "{guess}"?' if guess else ""))
        allowed = [v.id for v in facet.values]
        for item in (v.strip() for v in value.split(",") if v.strip()):
            if item not in allowed:
                raise L2hError(f'"{item}" is not a value of facet "{facet.id}"; allowed: {quote_list(allowed, 20)}')
            facets.setdefault(facet.id, []).append(item)
    return facets


@dataclass
class NewOptions:
    """What `l2h new` was given on the command line."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
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


def draft_from_options(options: NewOptions, taxonomy: Taxonomy, fetch: Fetch,
                       say: Callable[[str], None]) -> PaperDraft:
    """Combine BibTeX or fetched metadata with the flags; flags win where both say something."""
    draft = PaperDraft()
    options.arxiv = _strip_prefix(options.arxiv, ("arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/"))
    options.doi = _strip_prefix(options.doi, ("doi:", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/"))
    if options.bibtex is not None:
        drafts, problems = read_bibtex(options.bibtex, "the BibTeX input")
        if problems:
            raise L2hError("; ".join(f"{p.where}: {p.reason}" for p in problems))
        if len(drafts) != 1:
            raise L2hError(f"the BibTeX input holds {len(drafts)} entries; `l2h new` takes one "
                           "(use `l2h import bibtex FILE.bib` for many)")
        draft = drafts[0]
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
    draft.authors = [a for text in options.authors for a in _author_flag(text, say)] or draft.authors
    draft.year = options.year or draft.year
    draft.venue = options.venue or draft.venue
    draft.tags = list(dict.fromkeys(t.strip() for t in options.tags if t.strip())) or draft.tags
    draft.facets.update(parse_facet_flags(options.facets, taxonomy))
    draft.arxiv = options.arxiv or draft.arxiv
    draft.doi = options.doi or draft.doi
    missing = [f"--{name}" for name, value in (("title", draft.title), ("authors", draft.authors),
                                                ("year", draft.year)) if not value]
    if missing:
        raise L2hError(f"cannot name the paper without {' and '.join(missing)}; give them as flags")
    return draft


def _strip_prefix(ident: str | None, prefixes: tuple[str, ...]) -> str | None:
    """Accept an id the way people paste it: arXiv:1509.02897, https://doi.org/10.…"""
    if not ident:
        return None
    ident = ident.strip()
    for prefix in prefixes:
        if ident.lower().startswith(prefix):
            return ident[len(prefix):]
    return ident


def new_paper(root: Path, options: NewOptions, fetch: Fetch | None = None,
              say: Callable[[str], None] = print) -> Path:
    """Write papers/<key>.md for one new paper and print the next steps; return its path."""
    fetch = fetch or fetch_url  # looked up at call time, so that tests can replace it
    check = check_site(root)
    config, taxonomy = check.config, check.taxonomy
    if not taxonomy.facets and not taxonomy.tags:
        raise L2hError(f"{config.taxonomy} is missing or broken; run `l2h check` first")
    draft = draft_from_options(options, taxonomy, fetch, say)
    assert draft.title and draft.year
    key = derive_key(draft.authors, draft.year, draft.title)
    papers_dir = config.path(config.papers_dir)
    rel = f"{config.papers_dir}/{key}.md"
    existing = PaperIndex.of(check.papers).find(key, draft)
    if existing is None and (papers_dir / f"{key}.md").exists():
        existing = (rel, "key")
    if existing:
        raise L2hError(f"this paper is already in the review as {existing[0]} (same {existing[1]}); "
                       "refusing to overwrite it (edit that file instead)")
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
    return papers_dir / f"{key}.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `l2h new`."""
    parser.add_argument("--title", help="title as published (quotes around it in the shell)")
    parser.add_argument("--authors", action="append", default=[],
                        help='all authors, e.g. "Yair Weiss, Antonio Torralba, Rob Fergus"')
    parser.add_argument("--year", type=int, help="year of publication")
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
    new_paper(args.root, options)
    return 0
