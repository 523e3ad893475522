"""Build the SiteContext: everything templates need, computed once from the papers."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from l2h_site.cache import BuildCache, InputReads
from l2h_site.corpus import CorpusWide
from l2h_site.diagnostics import Diagnostic, warning
from l2h_site.feed import added_dates
from l2h_site.markup import MarkdownRenderer, Rendered, plain_text, unfocusable_boxes
from l2h_site.model import Config, Facet, FacetValue, Paper, TagDef, Taxonomy
from l2h_site.parallel import iter_ordered
from l2h_site.progress import TICK_EVERY
from l2h_site.stats import MapPoint


@dataclass(frozen=True)
class PaperView:
    """A paper with what templates show of it precomputed."""

    paper: Paper
    """The paper itself."""
    title_html: str
    """Title as safe HTML, math as MathML."""
    title_text: str
    """Title as plain text, for <title> and metadata."""
    summary_html: str
    """Summary as sanitised HTML."""
    url: str
    """Site path of the paper page, e.g. publications/weiss2008spectral/."""
    own_text: str = ""
    """The summary's text where it is not that of its HTML (Rendered.own_text): a summary with math."""

    @property
    def summary_text(self) -> str:
        """Summary as one line of plain text (of the sanitised HTML; math as LaTeX), for abstracts, feeds and meta tags.

        Made when asked for, as Rendered.text is: it is read once a paper, for its page (mostly in a worker
        process) and its exports.
        """
        return Rendered(self.summary_html, self.own_text).text


@dataclass(frozen=True)
class ExtraPage:
    """A markdown page of the repository (resources, contributing) as templates see it."""

    title: str
    """The page's title as plain text: its leading `# Title` line, else a default."""
    html: str
    """The rest of the page as safe HTML."""
    source: str = ""
    """The markdown file, from the review's folder (for diagnostics)."""
    markdown: str = ""
    """The markdown the HTML was rendered from: the file without its title line."""
    first_line: int = 1
    """Line of the file that markdown starts at."""


_LEADING_H1 = re.compile(r"\A(?:[ \t]*\n)*[ ]{0,3}#[ \t]+(?P<title>[^\n]*?)(?:[ \t]+#+)?[ \t]*(?:\n|\Z)")
"""A first line (after blank ones) that is a level-one ATX heading, with its optional closing #s."""


def split_title(markdown: str) -> tuple[str | None, str]:
    """Split a page's leading `# Title` line from the rest of its markdown: the page template shows the title as
    its one <h1> (the sanitiser drops h1 from markdown, which left the words of the heading as bare text)."""
    match = _LEADING_H1.match(markdown)
    if match is None or not match.group("title").strip():
        return None, markdown
    return match.group("title").strip(), markdown[match.end():]


class RelatedViews(Mapping[str, tuple[PaperView, ...]]):
    """Paper key -> the views of its related papers, looked up when asked for (a preview asks for one paper's)."""

    def __init__(self, keys: Mapping[str, tuple[str, ...]], by_key: Mapping[str, PaperView]) -> None:
        self._keys = keys
        self._by_key = by_key

    def __getitem__(self, key: str) -> tuple[PaperView, ...]:
        return tuple(self._by_key[k] for k in self._keys[key])

    def keys_of(self, key: str) -> tuple[str, ...]:
        """The keys of a paper's related papers, most similar first (none for a paper not known)."""
        return self._keys.get(key, ())

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True)
class SiteContext:
    """All that the render stage needs; nothing in it is mutated after it is built."""

    config: Config
    """Site settings."""
    taxonomy: Taxonomy
    """The controlled vocabulary."""
    papers: tuple[PaperView, ...]
    """Every paper, newest first, then by key."""
    by_key: dict[str, PaperView]
    """Papers by key."""
    tag_papers: dict[str, tuple[PaperView, ...]]
    """Canonical tag -> its papers, newest first."""
    facet_papers: dict[tuple[str, str], tuple[PaperView, ...]]
    """(facet, value) -> its papers, newest first."""
    venues: tuple[tuple[str, int], ...]
    """Venues with their paper counts, most papers first."""
    years: tuple[int, ...]
    """Years with papers, newest first."""
    pages: dict[str, ExtraPage] = field(default_factory=dict)
    """Extra markdown pages (resources, contributing), by name."""
    added: dict[str, dt.datetime] = field(default_factory=dict)
    """Paper key -> time (UTC) it was added to the review, where known (feed.added_dates)."""
    corpus: CorpusWide | None = field(default=None, repr=False, compare=False)
    """Related papers and the topic map, still being computed while the first pages are rendered."""

    @cached_property
    def related(self) -> RelatedViews:
        """Paper key -> its most similar papers, most similar first (waits until they are computed)."""
        return RelatedViews(self.corpus.related() if self.corpus is not None else {}, self.by_key)

    @cached_property
    def topic_map(self) -> tuple[MapPoint, ...]:
        """Every paper placed on a 2-D map of topics, by key (waits until it is computed)."""
        return self.corpus.topic_map() if self.corpus is not None else ()

    @cached_property
    def _tag_defs(self) -> dict[str, TagDef]:
        return {t.name: t for t in self.taxonomy.tags}

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Paper key -> its position in `papers`, the number the all-papers page's data uses."""
        return {view.paper.key: i for i, view in enumerate(self.papers)}

    @cached_property
    def listed_in_full(self) -> bool:
        """Whether the all-papers page lists every paper and draws the topic map inline."""
        return len(self.papers) <= self.config.list_limit

    def tag(self, name: str) -> TagDef:
        """Return the definition of a canonical tag (templates call this for every tag link)."""
        return self._tag_defs[name]

    def facet_value(self, facet: Facet, value_id: str) -> FacetValue:
        """Return a facet's value definition."""
        value = facet.value(value_id)
        assert value is not None
        return value


def paper_view(paper: Paper, title_html: str, summary: Rendered) -> PaperView:
    """A paper as templates see it, from its rendered title and summary; its page is publications/<key>/."""
    return PaperView(paper=paper, title_html=title_html, title_text=plain_text(paper.title),
                     summary_html=summary.html, url=f"publications/{paper.key}/", own_text=summary.own_text)


def feed_view(view: PaperView) -> PaperView:
    """A paper as feed.xml sees it: its summary without what its formula boxes have for a browser's keyboard and
    screen reader (role, tabindex, names: markup.unfocusable_boxes), which mean nothing in a feed reader. The feed's
    views are made so, not left to the template's feed_html filter, for a review's own copy of feed.xml may be older
    than that filter."""
    return replace(view, summary_html=unfocusable_boxes(view.summary_html))


def summary_warnings(paper: Paper, summary: Rendered) -> list[Diagnostic]:
    """Warn of what of a paper's summary is not shown as written (removed markup, unreadable math), at its line."""
    return [warning(paper.source, paper.summary_line + found.line - 1, found.column, found.code, found.message,
                    found.hint) for found in summary.notes]


def _newest_first(views: Sequence[PaperView]) -> tuple[PaperView, ...]:
    return tuple(sorted(views, key=lambda v: (-v.paper.year, v.paper.key)))


def build_context(config: Config, taxonomy: Taxonomy, papers: Sequence[Paper],
                  renderer: MarkdownRenderer | None = None,
                  cache: BuildCache | None = None,
                  history: dict[str, dt.datetime] | None = None,
                  corpus: CorpusWide | None = None,
                  reads: InputReads | None = None,
                  tick: Callable[[], None] | None = None) -> tuple[SiteContext, list[Diagnostic]]:
    """Render summaries and index the papers by tag, facet, venue and year.

    corpus is the related papers and topic map of these papers, if the caller started them already
    (to overlap them with its own work); otherwise they are started here. The context waits for each
    only when it is first used (SiteContext.related, SiteContext.topic_map). reads, if given, is told what was read
    of the extra pages' files (a build's InputReads). tick, if given, is called every TICK_EVERY papers.
    """
    corpus = corpus if corpus is not None else CorpusWide(papers, cache)
    renderer = renderer or MarkdownRenderer()
    diagnostics: list[Diagnostic] = []
    views = []
    by_key_order = sorted(papers, key=lambda p: p.key)
    # summaries looked up (precomputed) are no work for a pool: at 20,000 papers its workers held 200 MB for nothing
    rendered = iter_ordered(lambda paper: (renderer.render(paper.summary), renderer.render_title(paper.title)),
                            by_key_order, work=0 if renderer.precomputed else None, prepare=renderer.prepare)
    for number, (paper, (summary, title_html)) in enumerate(zip(by_key_order, rendered)):
        if tick is not None and number % TICK_EVERY == TICK_EVERY - 1 and renderer.precomputed:
            tick()  # not while a pool renders (see build._parse_papers): none does in l2h serve's rebuilds
        diagnostics += summary_warnings(paper, summary)
        views.append(paper_view(paper, title_html, summary))
    ordered = _newest_first(views)
    # one pass over the papers, not one per tag and facet value (87 passes over 5,000 papers took 0.2 s)
    tagged: dict[str, list[PaperView]] = {t.name: [] for t in taxonomy.tags}
    valued: dict[tuple[str, str], list[PaperView]] = {(f.id, value.id): [] for f in taxonomy.facets for value in f.values}
    for view in ordered:
        for tag in dict.fromkeys(view.paper.tags):
            if tag in tagged:
                tagged[tag].append(view)
        for facet, values in view.paper.facets.items():
            for value in dict.fromkeys(values):
                if (facet, value) in valued:
                    valued[(facet, value)].append(view)
    tag_papers = {name: tuple(views) for name, views in tagged.items()}
    facet_papers = {key: tuple(views) for key, views in valued.items()}
    venue_counts = Counter(v.paper.venue for v in ordered if v.paper.venue)
    venues = tuple(sorted(venue_counts.items(), key=lambda item: (-item[1], item[0].lower())))
    years = tuple(sorted({v.paper.year for v in ordered}, reverse=True))
    if tick is not None:
        tick()
    pages = {}
    for name, relative, default in (("resources", config.resources, "Resources"),
                                    ("contributing", config.contributing, "Contributing")):
        path: Path = config.path(relative)
        if not path.is_file():
            if reads is not None:
                reads.note(path, None)
        else:
            written = path.read_text(encoding="utf-8") if reads is None else reads.read_text(path)
            title, text = split_title(written)
            html = renderer.render_page(text)
            pages[name] = ExtraPage(title=plain_text(title) if title else default, html=html,
                                    source=relative, markdown=text,
                                    first_line=1 + written[:len(written) - len(text)].count("\n"))
    by_key = {v.paper.key: v for v in ordered}
    return SiteContext(config=config, taxonomy=taxonomy, papers=ordered, by_key=by_key,
                       tag_papers=tag_papers, facet_papers=facet_papers, venues=venues, years=years,
                       pages=pages, added=added_dates(config.root, config.papers_dir, papers, history),
                       corpus=corpus), diagnostics
