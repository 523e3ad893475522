"""Render the site in memory: Jinja templates over the SiteContext, plus static files."""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import jinja2
from markupsafe import Markup

from l2h_site import __version__, cite
from l2h_site.cache import BuildCache
from l2h_site.context import PaperView, SiteContext
from l2h_site.diagnostics import Diagnostic, error
from l2h_site.feed import atom_date, feed_papers
from l2h_site.finder import author_list, finder_files
from l2h_site.model import RenderedPage
from l2h_site.parallel import map_ordered
from l2h_site.search import index_search
from l2h_site.stats import review_stats

LATEST = 100
"""Papers a review larger than list_limit shows on its all-papers page and per family in the taxonomy's
comparison tables (the newest); the rest are on the paged year and facet-value pages."""


def relative_url(page_path: str, target: str) -> str:
    """Link from one output file to a site path ('' is the home page; a trailing / a folder)."""
    depth = page_path.count("/")
    prefix = "../" * depth
    if target in ("", "/"):
        return prefix or "./"
    return prefix + target.lstrip("/")


@jinja2.pass_context
def _url(ctx: jinja2.runtime.Context, target: str) -> str:
    return relative_url(ctx["page_path"], target)


@jinja2.pass_context
def _absolute_url(ctx: jinja2.runtime.Context, target: str) -> str:
    base: str = ctx["site"].config.base_url
    path = target.lstrip("/")
    path = path.removesuffix("index.html")
    return base + path


def _scholar(title: str) -> str:
    return "https://scholar.google.com/scholar?q=" + quote_plus(title)


def _semantic_scholar(title: str) -> str:
    return "https://www.semanticscholar.org/search?q=" + quote_plus(title)


def _tojson_attr(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Create the Jinja environment; every filter and global is registered here."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(url=_url, absolute_url=_absolute_url, l2h_version=__version__,
                       scholarly_article=cite.scholarly_article)
    env.filters.update(scholar=_scholar, semantic_scholar=_semantic_scholar, author_list=author_list,
                       jsonattr=_tojson_attr, urlpath=lambda s: quote(s, safe="/"), bibtex=cite.bibtex_entry,
                       summary_text=cite.summary_text, atom_date=atom_date)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


@dataclass(frozen=True)
class Pager:
    """Where one page of a paged list of papers is, and its neighbours."""

    folder: str
    """Site folder of the list's first page, e.g. tags/deep-learning."""
    number: int
    """This page's number, from 1."""
    count: int
    """How many pages the list has."""

    def url(self, number: int) -> str:
        """Site path of page `number`: the folder itself for page 1."""
        return f"{self.folder}/" if number == 1 else f"{self.folder}/{number}/"

    def path(self, number: int) -> str:
        """Output file of page `number`."""
        return self.url(number) + "index.html"


class _Renderer:
    def __init__(self, site: SiteContext, env: jinja2.Environment) -> None:
        self.site = site
        self.env = env
        self.pages: list[RenderedPage] = []
        self.diagnostics: list[Diagnostic] = []
        self.templates_rel = site.config.templates_dir.rstrip("/")

    def page(self, path: str, template: str, **values: Any) -> None:
        try:
            html = self.env.get_template(template).render(site=self.site, page_path=path, **values)
        except jinja2.TemplateSyntaxError as exc:
            self.diagnostics.append(error(f"{self.templates_rel}/{exc.name or template}", exc.lineno or 0, 0,
                                          "template-syntax", f"template error: {exc.message}",
                                          "fix the Jinja syntax on this line"))
            return
        except jinja2.TemplateNotFound as exc:
            self.diagnostics.append(error(f"{self.templates_rel}/{exc.name}", 0, 0, "template-missing",
                                          f"template {exc.name} does not exist",
                                          f"restore {exc.name} in {self.templates_rel}/"))
            return
        except jinja2.UndefinedError as exc:
            self.diagnostics.append(error(f"{self.templates_rel}/{template}", _template_line(exc), 0,
                                          "template-undefined", f"while rendering {path}: {exc.message}",
                                          "check the variable's spelling in the template"))
            return
        except Exception as exc:  # noqa: BLE001 - a broken template must not end in a traceback
            self.diagnostics.append(error(f"{self.templates_rel}/{template}", _template_line(exc), 0,
                                          "template-error", f"while rendering {path}: {type(exc).__name__}: {exc}",
                                          "fix the template expression on this line"))
            return
        self.pages.append(RenderedPage(path=path, content=html.encode("utf-8")))

    def listing(self, folder: str, template: str, papers: Sequence[PaperView], **values: Any) -> None:
        """Render a list of papers on pages of at most list_limit papers: folder/, folder/2/, ..."""
        size = self.site.config.list_limit
        chunks = [papers[start:start + size] for start in range(0, len(papers), size)] or [papers]
        totals = Counter(view.paper.year for view in papers)
        for number, chunk in enumerate(chunks, 1):
            pager = Pager(folder=folder, number=number, count=len(chunks))
            self.page(pager.path(number), template, papers=chunk, total=len(papers), year_totals=totals,
                      pager=pager, **values)

    def many(self, jobs: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Render independent pages (path, template, values), on every core when there are many."""

        def one(job: tuple[str, str, dict[str, Any]]) -> tuple[list[RenderedPage], list[Diagnostic]]:
            pages, diagnostics = len(self.pages), len(self.diagnostics)
            self.page(job[0], job[1], **job[2])
            done = self.pages[pages:], self.diagnostics[diagnostics:]
            del self.pages[pages:], self.diagnostics[diagnostics:]  # the caller adds them, in order
            return done

        for pages, diagnostics in map_ordered(one, jobs):
            self.pages += pages
            self.diagnostics += diagnostics


def _template_line(exc: BaseException) -> int:
    """Find the template line an exception was raised from, from Jinja's traceback frames."""
    line = 0
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".html"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_site(site: SiteContext, cache: BuildCache | None = None) -> tuple[list[RenderedPage], list[Diagnostic]]:
    """Render every page of the site in memory, in a fixed order."""
    config = site.config
    env = make_environment(config.path(config.templates_dir))
    r = _Renderer(site, env)
    r.page("index.html", "home.html")
    r.page("papers/index.html", "papers.html", latest=LATEST)
    years = [(year, tuple(group)) for year, group in groupby(site.papers, key=lambda v: v.paper.year)]
    for i, (year, group) in enumerate(years):
        r.listing(f"papers/{year}", "year.html", group, year=year,
                  newer=years[i - 1][0] if i > 0 else None, older=years[i + 1][0] if i + 1 < len(years) else None)
    r.many([(f"publications/{view.paper.key}/index.html", "paper.html", {"view": view}) for view in site.papers])
    r.page("tags/index.html", "tags.html")
    for tag in site.taxonomy.tags:
        r.listing(f"tags/{tag.slug}", "tag.html", site.tag_papers[tag.name], tag=tag)
    r.page("taxonomy/index.html", "taxonomy.html", latest=LATEST)
    for facet in site.taxonomy.facets:
        for value in facet.values:
            r.listing(f"taxonomy/{facet.id}/{value.id}", "facet_value.html", site.facet_papers[(facet.id, value.id)],
                      facet=facet, value=value)
    for name, title in (("resources", "Resources"), ("contributing", "Contributing")):
        if name in site.pages:
            r.page(f"{name}/index.html", "page.html", title=title, body=Markup(site.pages[name]), name=name)
    r.page("stats/index.html", "stats.html", stats=review_stats(p.paper for p in site.papers))
    r.page("feed.xml", "feed.xml", entries=[site.by_key[p.key] for p in feed_papers(
        [v.paper for v in site.papers], site.added)])
    by_key = sorted(site.papers, key=lambda v: v.paper.key)
    r.pages.append(RenderedPage("papers.bib", cite.bibtex_file(v.paper for v in by_key).encode()))
    r.pages.append(RenderedPage("papers.json", cite.csl_file(
        [cite.csl_item(v.paper, config.base_url + v.url) for v in by_key]).encode()))
    r.page("404.html", "404.html")
    r.pages.extend(_static_files(config.path(config.static_dir)))
    found: list[RenderedPage] = []
    if config.search:
        found, problems = index_search(r.pages, cache)
        r.pages.extend(found)
        r.diagnostics.extend(problems)
    r.pages.extend(finder_files(site, found))
    if site.topic_map:
        r.page("papers/topic-map.svg", "topic-map.svg")
    r.page("sitemap.xml", "sitemap.xml", urls=sorted(
        p.path for p in r.pages if p.path.endswith(".html") and p.path != "404.html"))
    r.pages.append(RenderedPage("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()))
    return r.pages, r.diagnostics


def _static_files(static_dir: Path) -> list[RenderedPage]:
    if not static_dir.is_dir():
        return []
    pages = []
    for path in sorted(static_dir.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            rel = posixpath.join("static", path.relative_to(static_dir).as_posix())
            pages.append(RenderedPage(rel, path.read_bytes()))
    return pages
