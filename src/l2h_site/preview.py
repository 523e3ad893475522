"""The dev server's fast first answer to an edited paper: its own page, re-rendered in milliseconds.

A full incremental build of a large review takes seconds, most of them in corpus-wide steps (the
search index, the topic map, related papers). When only paper files changed, `l2h serve` first
re-renders each edited paper's page against the last build's context (its related papers, the
lists and counts as they were), swaps those pages into the served site and reloads the browser;
then it runs the full build, which replaces the whole site with one that is consistent again and
reloads once more. A preview is only attempted when it can be exact for the edited page's own
content: every changed file is an existing paper that parses and validates without errors (also
against the other papers: no duplicate, no former key that is another paper's key or that another paper
claims), under the same key; anything else (a new, deleted or broken paper, a template, the taxonomy) goes
straight to the full build, which reports problems as usual.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import jinja2

from l2h_site.context import PaperView, SiteContext, paper_view
from l2h_site.diagnostics import is_failure
from l2h_site.feed import start_of_day
from l2h_site.markup import MarkdownRenderer
from l2h_site.model import Paper, RenderedPage, SourceFile
from l2h_site.parse import parse_paper
from l2h_site.render import make_environment, render_page
from l2h_site.validate import TagIndex, identities, validate_corpus, validate_paper


class Previewer:
    """Re-renders single paper pages against the context of the last full build.

    Made at the end of each build of l2h serve, it only keeps the context then; what it needs besides (its indexes
    of the papers, the compiled templates: 50-100 ms at 5,000 papers) is prepared once the new site is served
    (prepare), or on the first preview.
    """

    def __init__(self, site: SiteContext) -> None:
        self.site = site
        self._prepared = False

    def prepare(self) -> None:
        """Index the papers and compile the templates, if not done yet: l2h serve calls this once the browsers were
        told to reload, so that it is not in the way of the new site, nor of the next edit's preview."""
        if self._prepared:
            return
        site = self.site
        self.env: jinja2.Environment = make_environment(site.config.path(site.config.templates_dir))
        self.renderer = MarkdownRenderer()
        self.tags = TagIndex(site.taxonomy, Counter(tag for view in site.papers for tag in view.paper.tags))
        self.facet_ids = frozenset(f.id for f in site.taxonomy.facets) or None
        self.sources = {view.paper.source: view.paper.key for view in site.papers}
        self._by_identity: dict[tuple[str, str], list[Paper]] = defaultdict(list)
        """Each paper of self.site by its identities (validate.identities), kept current as previews change them."""
        for view in site.papers:
            self._index(view.paper)
        self._prepared = True
        # Import Markdown and latex2mathml, compile the templates and load the markdown extensions now, not on the
        # first edit (a build that took every summary from its memo imported neither).
        self.renderer.prepare()
        if site.papers:
            render_page(site, site.papers[0].url + "index.html", "paper.html", {"view": site.papers[0]}, self.env)

    def pages(self, changed: Iterable[Path]) -> list[RenderedPage] | None:
        """Render the pages of the changed paper files, or None when a full build must answer instead."""
        self.prepare()
        config = self.site.config
        papers_dir = config.path(config.papers_dir)
        found: list[RenderedPage] = []
        for path in sorted(set(changed)):
            try:
                rel = path.resolve().relative_to(config.root.resolve()).as_posix()
            except ValueError:
                return None
            key = self.sources.get(rel)
            if key is None or path.resolve().parent != papers_dir or not path.is_file() or path.is_symlink():
                return None  # not a known paper file: added, deleted, renamed, or not a paper at all
            view = self._view(SourceFile(path=path, relpath=rel, key=key))
            if view is None:
                return None
            page = self._render(view)
            if page is None:
                return None
            found.append(page)
        return found or None

    def _view(self, source: SourceFile) -> PaperView | None:
        parsed, problems = parse_paper(source, self.facet_ids)
        if parsed is None or not parsed.complete:  # complete: the file has no error
            return None
        paper, problems = validate_paper(parsed, self.site.taxonomy, self.tags)
        if is_failure(problems, False) or paper.key != source.key:
            return None
        # Checked against the papers it could clash with (same key, id or title; a former key that is another
        # paper's key or that another paper claims too): e.g. an edit that makes it a duplicate of another paper.
        # Clashes among the others were in the last good build.
        clashes = {other.key: other for identity in identities(paper) for other in self._by_identity.get(identity, ())
                   if other.key != paper.key}
        clashes.update((other.key, other) for other in self._former_key_clashes(paper))
        if is_failure(validate_corpus([paper, *clashes.values()]), False):
            return None
        return paper_view(paper, self.renderer.render_title(paper.title), self.renderer.render(paper.summary))

    def _former_key_clashes(self, paper: Paper) -> list[Paper]:
        """The other papers whose key is one of paper's former keys, or that list one of them as well.

        Looked up in the site as it is now (previews included), as validate_corpus would see it.
        """
        if not paper.former_keys:
            return []
        former = set(paper.former_keys)
        taken = [self.site.by_key[key].paper for key in sorted(former & self.site.by_key.keys())]
        claimed = [view.paper for view in self.site.papers if not former.isdisjoint(view.paper.former_keys)]
        return [other for other in (*taken, *claimed) if other.key != paper.key]

    def _render(self, view: PaperView) -> RenderedPage | None:
        site = self.site
        key = view.paper.key
        added = dict(site.added)
        if view.paper.added is not None:
            added[key] = start_of_day(view.paper.added)
        updated = dataclasses.replace(
            site, papers=tuple(view if v.paper.key == key else v for v in site.papers),
            by_key={**site.by_key, key: view}, added=added)
        page, problems = render_page(updated, f"publications/{key}/index.html", "paper.html", {"view": view},
                                     self.env)
        if page is None or problems:
            return None
        # The next preview, before any full build, checks against this paper as it is now: its title or ids.
        self._unindex(site.by_key[key].paper)
        self._index(view.paper)
        self.site = updated
        return page

    def _index(self, paper: Paper) -> None:
        for identity in identities(paper):
            self._by_identity[identity].append(paper)

    def _unindex(self, paper: Paper) -> None:
        for identity in identities(paper):
            others = [p for p in self._by_identity.get(identity, ()) if p.key != paper.key]
            if others:
                self._by_identity[identity] = others
            else:
                self._by_identity.pop(identity, None)
