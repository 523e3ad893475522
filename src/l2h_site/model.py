"""The data model: plain frozen dataclasses that know nothing of the pipeline."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Config:
    """Site settings from l2h.yml; every key is optional."""

    root: Path
    """Folder that holds l2h.yml; every other path is relative to it."""
    title: str = "Learning to Hash"
    """Site title, shown in the header and in the browser tab."""
    tagline: str = "A living literature review of learning to hash and nearest-neighbour search"
    """One line under the title on the home page."""
    description: str = (
        "A curated, community-maintained review of hashing and approximate "
        "nearest-neighbour search papers."
    )
    """Meta description of the site, for search engines and link previews."""
    base_url: str = "https://example.org/"
    """Absolute URL the site is served from, ending in a slash; used in the sitemap and feeds."""
    repository: str = ""
    """URL of the source repository, for 'edit this page' links; empty for none."""
    papers_dir: str = "papers"
    """Folder of paper files."""
    taxonomy: str = "taxonomy.yml"
    """The controlled vocabulary file."""
    templates_dir: str = "templates"
    """Folder of Jinja templates."""
    static_dir: str = "static"
    """Folder of static assets, copied to /static/."""
    output_dir: str = "_site"
    """Folder the site is written to."""
    resources: str = "resources.md"
    """Markdown file rendered as the resources page; missing means no page."""
    contributing: str = "CONTRIBUTING.md"
    """Markdown file rendered as the contributing page; missing means no page."""
    search: bool = True
    """Build a Pagefind full-text search index."""
    list_limit: int = 1000
    """Papers the all-papers page lists in full (and draws on its topic map inline); a larger review
    lists the newest ones there and every paper on the per-year pages, and loads the map on demand."""

    def path(self, relative: str) -> Path:
        """Resolve a configured path against the site root."""
        return (self.root / relative).resolve()


KEY_FORM = re.compile(r"^[a-z]+[0-9]{4}[a-z0-9]+$")
"""The form of a paper's key, its file name: <firstauthorlastname><year><firstword>, lowercase ASCII letters and digits."""
MAX_KEY_LENGTH = 250
"""The longest key: a paper's file is the key and .md, and most file systems take names of at most 255 bytes."""


@dataclass(frozen=True)
class SourceFile:
    """A paper file as found on disk, before it is read."""

    path: Path
    """Absolute path of the file."""
    relpath: str
    """Path relative to the site root, with forward slashes, for messages."""
    key: str
    """File name without extension: the paper's key and URL slug."""


@dataclass(frozen=True)
class Link:
    """An external link of a paper."""

    name: str
    """Label shown to readers, e.g. 'Code' or 'PDF'."""
    url: str
    """Absolute http(s) URL."""


class NameSplit(NamedTuple):
    """Where an author's name splits, as BibTeX reads it: "Laurens van der Maaten" is ("Laurens", "van der",
    "Maaten", "")."""

    given: str
    """Given names, first name first: 'Laurens', 'Guy L.'; empty for a one-word name."""
    particle: str
    """Lowercase words that begin the family name ('van der'), cited before it; else empty."""
    family: str
    """Family name without its particle: 'Maaten', 'Das Sarma'."""
    suffix: str
    """'Jr.', 'Sr.', 'II', 'III' or 'IV'; else empty."""


@dataclass(frozen=True)
class Paper:
    """One paper of the review, as its file says it, normalised."""

    key: str
    """Unique key, the file name without extension, e.g. weiss2008spectral."""
    source: str
    """Path of the file relative to the site root."""
    title: str
    """Title as published; may contain $...$ math."""
    authors: tuple[str, ...]
    """Full author list, 'First Last' each (a name its file writes 'Family, Given' is here first name first)."""
    year: int
    """Year of publication."""
    venue: str | None = None
    """Conference or journal short name; None when unknown or a preprint without venue."""
    tags: tuple[str, ...] = ()
    """Canonical tags from the taxonomy, in file order, without repeats."""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Facet name to its values (one value for single-valued facets)."""
    links: tuple[Link, ...] = ()
    """External links, in file order."""
    arxiv: str | None = None
    """arXiv identifier, e.g. 1509.02897."""
    doi: str | None = None
    """Digital Object Identifier, e.g. 10.1109/TPAMI.2010.57."""
    added: dt.date | None = None
    """Date the paper was added to the review, if the file says."""
    distinct_from: tuple[str, ...] = ()
    """Keys of papers with a near-identical title that are nevertheless different papers."""
    former_keys: tuple[str, ...] = ()
    """Keys the paper had before its file was renamed: each old address redirects to its page."""
    summary: str = ""
    """Markdown summary (the body of the file)."""
    summary_line: int = 1
    """File line on which the summary starts, for messages about it."""
    name_splits: tuple[NameSplit | None, ...] = ()
    """Where each author's name splits, in the order of authors, as its file marks it by writing the name 'Family,
    Given' ('Das Sarma, Anish'); None for a name written first name first, which citations split themselves
    (names.split_name). Empty when the file writes no name 'Family, Given'."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Front-matter keys l2h does not model (legacy citations, short_authors, ...)."""


@dataclass(frozen=True)
class TagDef:
    """A tag of the controlled vocabulary."""

    name: str
    """Canonical spelling."""
    description: str
    """What the tag means, for newcomers."""
    aliases: tuple[str, ...] = ()
    """Other spellings accepted and reported as this tag."""
    slug: str = ""
    """URL slug of the tag page."""


@dataclass(frozen=True)
class VenueDef:
    """A venue of the controlled vocabulary: the name the site shows for a conference or journal."""

    name: str
    """Canonical spelling."""
    aliases: tuple[str, ...] = ()
    """Other names of the venue (NIPS for NeurIPS), read as this venue in any case or punctuation."""


@dataclass(frozen=True)
class FacetValue:
    """One allowed value of a facet."""

    id: str
    """Value as written in paper files, e.g. 'unsupervised'."""
    label: str
    """Human label, e.g. 'Unsupervised learning to hash'."""
    description: str
    """What the value means."""


@dataclass(frozen=True)
class Facet:
    """A named property of a method with a closed set of values."""

    id: str
    """Key used in paper files, e.g. 'family'."""
    label: str
    """Human label, e.g. 'Method family'."""
    description: str
    """What the facet describes."""
    required: bool
    """Whether every paper must set it."""
    multiple: bool
    """Whether a paper may give a list of values."""
    values: tuple[FacetValue, ...]
    """Allowed values, in taxonomy order."""

    def value(self, value_id: str) -> FacetValue | None:
        """Return the allowed value with this id, if any."""
        for v in self.values:
            if v.id == value_id:
                return v
        return None


@dataclass(frozen=True)
class Taxonomy:
    """The controlled vocabulary every paper is validated against."""

    tags: tuple[TagDef, ...]
    """Tags, in taxonomy order."""
    facets: tuple[Facet, ...]
    """Facets, in taxonomy order."""
    venues: tuple[VenueDef, ...] = ()
    """Venues with other names, in taxonomy order (a venue not listed is shown as papers write it)."""
    renamed: tuple[tuple[str, str], ...] = ()
    """Tags the taxonomy of git's last commit has and this one lacks, each with the tag that now has its
    description ("" if none): (old name, new name), for the hint of a paper that still uses the old name. Found
    (taxonomy.renamed_tags) only when a paper has a tag the taxonomy does not spell: it asks git."""

    def facet(self, facet_id: str) -> Facet | None:
        """Return the facet with this id, if any."""
        for f in self.facets:
            if f.id == facet_id:
                return f
        return None

    def venue_aliases(self, name: str) -> tuple[str, ...]:
        """The other names of the venue shown as `name` (none for a venue the taxonomy does not list)."""
        return next((venue.aliases for venue in self.venues if venue.name == name), ())


@dataclass(frozen=True)
class RenderedPage:
    """One output file, rendered in memory."""

    path: str
    """Output path relative to the output folder, with forward slashes."""
    content: bytes
    """File contents."""
