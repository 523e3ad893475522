"""Render the site in memory: Jinja templates over the SiteContext, plus static files."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from types import CodeType
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup

from l2h_site import __version__, cite
from l2h_site.cache import CODE_VERSION, BuildCache, InputReads, Kept, Memo, PageStore, digest
from l2h_site.config import base_path
from l2h_site.context import PaperView, SiteContext, feed_view
from l2h_site.diagnostics import Diagnostic, and_other_pages, error, warning
from l2h_site.feed import atom_date, feed_papers
from l2h_site.finder import WordCounts, author_list, finder_files, finder_search_file
from l2h_site.markup import title_heading, unfocusable_boxes
from l2h_site.memory import release_freed_memory
from l2h_site.model import Config, Paper, RenderedPage
from l2h_site.parallel import is_parallel, iter_ordered, threshold
from l2h_site.progress import QUIET, Progress, ticking
from l2h_site.search import index_search
from l2h_site.stats import review_stats
from l2h_site.templatecheck import check_template_names, check_title_heading, missing_template_at
from l2h_site.textutil import ascii_names, ascii_words, counted, thousands
from l2h_site.write import Listed, check_page_path

LATEST = 100
"""Papers a review larger than list_limit shows on its all-papers page and per family in the taxonomy's
comparison tables (the newest); the rest are on the paged year and facet-value pages."""

CARD_TEMPLATE = "_card.html"
"""The template of one paper in a list, rendered once per paper and folder depth (_Renderer.card)."""


def relative_url(page_path: str, target: str) -> str:
    """Link from one output file to a site path ('' is the home page; a trailing / a folder)."""
    depth = page_path.count("/")
    prefix = "../" * depth
    if target in ("", "/"):
        return prefix or "./"
    return prefix + target.lstrip("/")


def rooted_url(base_url: str, target: str) -> str:
    """Link to a site path from the root of the host, under base_url's path: for pages served at any depth (404)."""
    return base_path(base_url) + target.lstrip("/")


def absolute_url(base_url: str, target: str) -> str:
    """Link to a site path in full, under base_url ('' is the home page; a folder's index.html is left out)."""
    return base_url + target.lstrip("/").removesuffix("index.html")


def _scholar(title: str) -> str:
    return "https://scholar.google.com/scholar?q=" + quote_plus(title)


def _semantic_scholar(title: str) -> str:
    return "https://www.semanticscholar.org/search?q=" + quote_plus(title)


_YEAR = attrgetter("paper.year")
"""A view's year, looked up in C (by_year; listing_jobs counts the years of every list)."""
_KEY = attrgetter("paper.key")
"""A view's paper's key, looked up in C."""


def by_year(views: Iterable[PaperView]) -> list[tuple[int, list[PaperView]]]:
    """Group papers by year, newest year first, each year's papers in the order given: what Jinja's
    `groupby("paper.year")|reverse` makes, without its lookup of "paper" and "year" on each paper, which tries
    view["paper"] first and catches the TypeError (10 ms for the all-papers page's 5,000 papers)."""
    ordered = sorted(views, key=_YEAR)  # stable, as Jinja's
    groups = [(year, list(group)) for year, group in groupby(ordered, key=_YEAR)]
    groups.reverse()
    return groups


def _tojson_attr(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _NotedLoader(jinja2.FileSystemLoader):
    """Jinja's loader of the templates folder, telling a build's InputReads the bytes of each template it reads (or
    that it found none there), to be compared with what the build's fingerprint hashed."""

    def __init__(self, folder: Path, reads: InputReads) -> None:
        super().__init__(str(folder))
        self.reads = reads

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """Read a template's source as FileSystemLoader does (in text mode), noting its bytes."""
        filename = posixpath.join(self.searchpath[0], *split_template_path(template))
        try:
            contents = self.reads.read_text(filename, self.encoding)
        except OSError:  # noted as not there; Jinja's loader says why (no such template), or reads it if there by now
            found = super().get_source(environment, template)
            self.reads.changed(filename)  # which is a change
            return found
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


_COMPILED: dict[tuple[object, ...], CodeType] = {}
"""The Python code of each template compiled in this process, by its environment's settings, name and source
(_Environment.compile)."""
COMPILED_LIMIT = 256
"""Entries _COMPILED keeps at most (the oldest go first): l2h serve compiles a template again at each edit of it."""


class _Environment(jinja2.Environment):
    """Jinja's environment, which keeps the code each template compiles to for every environment of this process.

    A build, `l2h check` and each rebuild of `l2h serve` make an environment of their own; a template whose source is
    unchanged since one of them compiled it is not parsed and compiled again (the repository's templates take 0.13 s
    to compile, 5 ms to read from a build cache's folder, none from here). Jinja's code depends on the template's
    source and name and on the environment's syntax, filters and tests, which the key holds; its file name, which
    locates an error's line (_template_where), is the template's own even when the code was compiled for another
    review's copy of it."""

    def compile(self, source: str | jinja2.nodes.Template, name: str | None = None,  # type: ignore[override]
                filename: str | None = None, raw: bool = False, defer_init: bool = False) -> str | CodeType:
        if raw:
            return super().compile(source, name, filename, True, defer_init)
        if not isinstance(source, str):
            return super().compile(source, name, filename, False, defer_init)
        key = (name, defer_init, source, self.trim_blocks, self.lstrip_blocks, self.keep_trailing_newline,
               self.newline_sequence, self.autoescape, self.finalize, self.optimized, self.is_async,
               self.block_start_string, self.block_end_string, self.variable_start_string,
               self.variable_end_string, self.comment_start_string, self.comment_end_string,
               self.line_statement_prefix, self.line_comment_prefix, tuple(sorted(self.extensions)),
               tuple(sorted(self.filters)), tuple(sorted(self.tests)))
        code = _COMPILED.get(key)
        if code is None:
            code = super().compile(source, name, filename, False, defer_init)
            if len(_COMPILED) >= COMPILED_LIMIT:
                del _COMPILED[next(iter(_COMPILED))]
            _COMPILED[key] = code
        return _renamed(code, "<template>" if filename is None else filename)


def _renamed(code: CodeType, filename: str) -> CodeType:
    """The code (and the code of the functions in it: blocks, macros) as if compiled from filename."""
    if code.co_filename == filename:
        return code
    return code.replace(co_filename=filename, co_consts=tuple(_renamed(c, filename) if isinstance(c, CodeType) else c
                                                              for c in code.co_consts))


def make_environment(templates_dir: Path, bytecode_dir: Path | None = None,
                     reads: InputReads | None = None) -> jinja2.Environment:
    """Create the Jinja environment; every filter and global is registered here.

    With a bytecode_dir (in the build cache), compiled templates are kept there and reused while their
    source is unchanged (Jinja checks it): compiling the templates takes about 0.1 s of every build.
    reads, if given, is told the bytes of each template read (a build's InputReads).
    """
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)) if reads is None else _NotedLoader(templates_dir, reads),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # an environment serves one build (or one build's previews): no stat() per page
    )
    env.globals.update(l2h_version=__version__, scholarly_article=cite.scholarly_article)
    env.filters.update(scholar=_scholar, semantic_scholar=_semantic_scholar, author_list=author_list,
                       jsonattr=_tojson_attr, urlpath=lambda s: quote(s, safe="/"), bibtex=cite.bibtex_entry,
                       citation_authors=cite.citation_authors, atom_date=atom_date, by_year=by_year,
                       title_heading=title_heading, feed_html=unfocusable_boxes, thousands=thousands,
                       counted=counted, ascii_names=ascii_names, ascii_words=ascii_words)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    if bytecode_dir is not None:
        env.bytecode_cache = _bytecode_cache(env, bytecode_dir)
    return env


def site_environment(config: Config, cache: BuildCache | None = None,
                     reads: InputReads | None = None) -> jinja2.Environment:
    """Create the Jinja environment of a site's templates, keeping compiled ones in the build cache if given; reads,
    if given, is told the bytes of each template read."""
    return make_environment(config.path(config.templates_dir),
                            cache.folder / "templates" if cache is not None and cache.folder is not None else None,
                            reads)


SITE_TEMPLATES = ("404.html", "_card.html", "facet_value.html", "feed.xml", "folder.html", "home.html", "paper.html",
                  "papers.html", "sitemap.xml", "stats.html", "tag.html", "tags.html", "taxonomy.html", "topic-map.svg", "year.html")
"""The templates render_site renders pages with in every review: a templates folder must have each of them. page.html
and redirect.html are needed only by a review that has what they render (needed_templates)."""


def needed_templates(config: Config, papers: Iterable[Paper]) -> list[tuple[str, str, str]]:
    """The templates besides SITE_TEMPLATES that a review renders pages with, each with the file that needs it and
    how: page.html for its resources and contributing pages, redirect.html for a paper's former keys."""
    needed = [("page.html", relative, "its page") for relative in (config.resources, config.contributing)
              if config.path(relative).is_file()][:1]
    needed += [("redirect.html", paper.source, "the redirect from its former key") for paper in papers
               if paper.former_keys][:1]
    return needed


TEMPLATE_SUFFIXES = (".html", ".htm", ".xml", ".svg", ".txt", ".j2", ".jinja", ".jinja2")
"""Files of the templates folder that compile_templates compiles."""


def compile_templates(env: jinja2.Environment, templates_rel: str,
                      needed: Iterable[tuple[str, str, str]] = ()) -> list[Diagnostic]:
    """Compile every template of the environment's folder, reporting syntax errors as diagnostics.

    This is part of checking a site (build and `l2h check`), so that template errors are reported with the
    content's, not after them; the environment keeps the compiled templates for rendering.
    Hidden files (an editor's swap file) are skipped. A missing folder, or a missing template that the site
    needs (SITE_TEMPLATES, and those of needed_templates, named with the file that needs each), is reported here
    too, so that `l2h check` fails where the build would, and so is a template that another names as text (extends,
    include, import) at the line naming it (templatecheck.check_template_names). A paper.html that misses the
    title_heading filter (a review's older copy) is warned of (templatecheck).
    """
    problems: list[Diagnostic] = []
    rel = templates_rel.rstrip("/")
    folder = Path(env.loader.searchpath[0]) if isinstance(env.loader, jinja2.FileSystemLoader) else None
    if folder is not None and not folder.is_dir():
        return [error(rel, 0, 0, "template-missing", f"the templates folder {rel}/ does not exist",
                      "restore it (git checkout -- " + rel + "), or set templates_dir in l2h.yml")]
    names = env.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES)
                               and not any(part.startswith(".") for part in name.split("/")))
    wanted = [(name, "") for name in SITE_TEMPLATES]
    wanted += [(name, f"; {source} needs it for {what}") for name, source, what in needed]
    for name, why in wanted:
        if folder is not None and name not in names:
            problems.append(error(f"{rel}/{name}", 0, 0, "template-missing", f"template {name} does not exist{why}",
                                  f"restore {name} in {rel}/"))
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(template_syntax_error(exc, rel, name))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(error(f"{rel}/{name}", 0, 0, "template-error", f"template {name} cannot be read: {exc}",
                                  "save it as UTF-8 text"))
    return problems + check_template_names(env, rel, names) + check_title_heading(env, rel)


def template_syntax_error(exc: jinja2.TemplateSyntaxError, templates_rel: str, template: str) -> Diagnostic:
    """Report a template's syntax error at its file and line (the file may be one the template imports)."""
    return error(f"{templates_rel}/{exc.name or template}", exc.lineno or 0, 0, "template-syntax",
                 f"template error: {exc.message}", "fix the Jinja syntax on this line")


def _bytecode_cache(env: jinja2.Environment, root: Path) -> jinja2.BytecodeCache | None:
    """A bytecode cache in a folder of root named by what compiled code depends on besides a template's source
    (which Jinja checks): the versions of l2h and Jinja and the environment's syntax settings. Other folders
    of root, left by another version, are deleted."""
    settings = (CODE_VERSION, jinja2.__version__, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                bool(env.autoescape), env.newline_sequence, sorted(env.extensions))
    folder = root / digest("templates", *settings)[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other == folder:
                continue
            if other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
            else:
                other.unlink(missing_ok=True)
    except OSError:  # a cache that cannot be written only costs the compilation
        return None
    return _BytecodeCache(str(folder))


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode cache in a folder, where a damaged file or a failed write (a full disk, say) only costs a
    recompilation."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - e.g. a file cut short after its header: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


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


class PageSink(Protocol):
    """Where rendered pages go as they are made: the site writer, or a list in memory."""

    def add(self, page: RenderedPage) -> None:
        """Take one rendered page."""

    def paths(self) -> list[str]:
        """Return the paths of the pages taken so far, in order."""

    def read(self, path: str) -> bytes:
        """Return the content of a page taken so far."""

    def reuse(self, path: str, source: Kept) -> None:
        """Take a page unchanged from a file kept by the cache."""

    def current(self, path: str) -> Listed | None:
        """Return what lstat() said of the site's file for a page when this build started, if there was one."""

    def location(self, path: str) -> Path | None:
        """Return the file a page taken so far was written to, if it was written to one."""

    def prepare(self, path: str, content: bytes) -> Any:
        """Do what taking a page needs of its bytes (possibly in a worker process); return what record needs."""

    def record(self, path: str, size: int, prepared: Any) -> None:
        """Take a page prepared before (in the build process, in the order of the site)."""


class PageList:
    """A PageSink that keeps the pages in memory (for builds that write nothing, and for tests)."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedPage] = {}

    def add(self, page: RenderedPage) -> None:
        """Keep one page (a later page of the same path replaces it)."""
        self.pages[page.path] = page

    def paths(self) -> list[str]:
        """Return the paths of the pages kept, in order."""
        return list(self.pages)

    def read(self, path: str) -> bytes:
        """Return the content of a kept page."""
        return self.pages[path].content

    def reuse(self, path: str, source: Kept) -> None:
        """Keep a page read from a file kept by the cache."""
        self.add(RenderedPage(path, Path(source.path).read_bytes()))

    def current(self, path: str) -> Listed | None:
        """Pages in memory are in no site."""
        return None

    def location(self, path: str) -> Path | None:
        """Pages in memory lie in no file."""
        return None

    def prepare(self, path: str, content: bytes) -> bytes:
        """Pages in memory are kept by record: hand the bytes on."""
        return content

    def record(self, path: str, size: int, prepared: bytes) -> None:
        """Keep a prepared page."""
        self.add(RenderedPage(path, prepared))


Made = tuple[tuple[str, int, Any] | None, list[Diagnostic]]
"""A page rendered and prepared in the sink: (path, size, the sink's token) or None, and the problems."""

Job = tuple[str, str, dict[str, Any], Any]
"""A page to render: path, template, values, and what it depends on beyond the site-wide inputs
(None: render it every time). Whatever a page's template reads must be in its dependencies."""


class _Renderer:
    def __init__(self, site: SiteContext, env: jinja2.Environment, sink: PageSink,
                 store: PageStore | None = None, templates: dict[str, str] | None = None,
                 kept_cards: dict[tuple[str, str, int], str] | None = None,
                 kept_views: dict[str, tuple[Any, str]] | None = None,
                 tick: Callable[[], None] | None = None) -> None:
        self.site = site
        self.env = env
        self.sink = sink
        self.store = store
        self.diagnostics: list[Diagnostic] = []
        self.templates_rel = site.config.templates_dir.rstrip("/")
        self.views = _view_digests(site, kept_views, tick) if store is not None else {}
        self.cards: dict[tuple[str, int], Markup] = {}
        """_card.html of each paper (by key) on pages that many folders deep, rendered once."""
        self.kept_cards = kept_cards if store is not None else None
        """Cards of earlier builds (l2h serve), by what they were rendered from (_lasting): what its cards show of
        the whole site, the paper's view digest and the depth; updated with this build's."""
        self.common = (len(site.papers), sorted(site.pages))
        """What base.html shows of the whole site, which every cached page depends on."""
        self.card_inputs = digest("card", store.inputs, self.common) if store else ""
        self.templates = templates
        """Page path -> the template it is rendered from (or was, when the store had it), if asked for."""

    def card(self, depth: int, view: PaperView) -> Markup:
        """One paper in a list on a page `depth` folders deep: _card.html, rendered the first time it is asked for.

        The template sees the paper, the site and links relative to that depth, nothing else of the page, so the
        same HTML is right on every page of that depth. A paper is listed on its year's page, its tags' and facet
        values' pages and the pages of the papers it is related to: rendering it once instead of on each of
        those lists took a third of the pages' time at 5,000 papers.
        """
        key = (view.paper.key, depth)
        html = self.cards.get(key) or self._kept_card(depth, view)
        if html is None:
            folder = "x/" * depth
            html = self._keep_card(depth, view, Markup(self.env.get_template(CARD_TEMPLATE).render(
                view=view, site=self.site, url=lambda target: relative_url(folder, target))))
        return html

    def _lasting(self, depth: int, view: PaperView) -> tuple[str, str, int]:
        """The key of a card among the kept ones: like a list page's (listing_jobs), what the whole site shows and
        the paper's view digest, and the depth."""
        return self.card_inputs, self.views[view.paper.key], depth

    def _kept_card(self, depth: int, view: PaperView) -> Markup | None:
        """A card an earlier build rendered from the same inputs (l2h serve), now also this build's."""
        found = self.kept_cards.get(self._lasting(depth, view)) if self.kept_cards is not None else None
        if found is None:
            return None
        self.cards[(view.paper.key, depth)] = html = Markup(found)
        return html

    def _keep_card(self, depth: int, view: PaperView, html: Markup) -> Markup:
        self.cards[(view.paper.key, depth)] = html
        if self.kept_cards is not None:
            self.kept_cards[self._lasting(depth, view)] = str(html)
        return html

    def forget_cards(self, keep_depth: int) -> None:
        """Let go of the cards for pages of other depths than keep_depth (this build renders no more of those)."""
        self.cards = {key: html for key, html in self.cards.items() if key[1] == keep_depth}

    def forget_other_cards(self) -> None:
        """Keep only the kept cards of the papers as they are now (their view digests), from this build's inputs."""
        if self.kept_cards is not None:
            current = set(self.views.values())
            for key in [k for k in self.kept_cards if k[0] != self.card_inputs or k[1] not in current]:
                del self.kept_cards[key]

    def _prepare_cards(self, jobs: list[Job]) -> None:
        """Render the cards the list pages among jobs show and are not rendered yet, in a worker pool when there are
        many, before a pool renders the pages: each worker then finds all of them, where it would otherwise render
        again the cards the other workers rendered (and a later pool, the cards of an earlier one)."""
        wanted = list({(view.paper.key, job[0].count("/")): view
                       for job in jobs for view in job[2].get("papers", ())}.items())
        wanted = [(key, view) for key, view in wanted if key not in self.cards and self._kept_card(key[1], view) is None]
        made = iter_ordered(lambda item: self._card_or_none(item[0][1], item[1]), wanted)
        for (key, view), html in zip(wanted, made, strict=True):  # the pool stops in the normal flow (build._parse_papers)
            if html is not None:
                self._keep_card(key[1], view, Markup(html))

    def _card_or_none(self, depth: int, view: PaperView) -> str | None:
        try:
            return str(self.card(depth, view))
        except Exception:  # noqa: BLE001 - the pages showing this card report the error, with the page
            return None

    def page(self, path: str, template: str, **values: Any) -> None:
        """Render one page and hand it to the sink."""
        self.many([(path, template, values, None)])

    def _key(self, job: Job) -> str | None:
        if self.store is None or job[3] is None:
            return None
        return self.store.key(job[0], job[1], job[3])

    def _take(self, made: Made, key: str | None) -> None:
        prepared, problems = made
        self.diagnostics += problems
        if prepared is None:
            return
        path, size, token = prepared
        self.sink.record(path, size, token)
        written = self.sink.location(path)
        if key is not None and self.store is not None and written is not None and not problems:
            self.store.keep(key, written)

    def _make(self, path: str, template: str, values: dict[str, Any]) -> Made:
        """Render one page and prepare it in the sink (in a worker, for many pages): only a token comes back."""
        page, problems = self.render(path, template, values)
        if page is None:
            return None, problems
        return (page.path, len(page.content), self.sink.prepare(page.path, page.content)), problems

    def render(self, path: str, template: str, values: dict[str, Any]) -> tuple[RenderedPage | None, list[Diagnostic]]:
        """Render one page; a broken template is a diagnostic, not an exception."""
        try:
            # url and absolute_url are bound to this page, not globals that take the template's context: Jinja calls
            # such a function with a copy of that context made for each call in a loop: every menu link of every
            # page, every dot of the topic map (a sixth of its time).
            html = self.env.get_template(template).render({
                "site": self.site, "page_path": path, "paper_card": partial(self.card, path.count("/")),
                "url": partial(relative_url, path), "absolute_url": partial(absolute_url, self.site.config.base_url),
                **values})
        except jinja2.TemplateSyntaxError as exc:
            return None, [template_syntax_error(exc, self.templates_rel, template)]
        except jinja2.TemplateNotFound as exc:
            return None, [self._missing(exc, path, template)]
        except jinja2.UndefinedError as exc:
            name, line = self._where(exc, template)
            hint = ("the paper card sees only view, site and url: it is rendered once and shown on many pages"
                    if name == CARD_TEMPLATE else "check the variable's spelling in the template")
            return None, [error(f"{self.templates_rel}/{name}", line, 0, "template-undefined",
                                f"while rendering {path}: {exc.message}", hint)]
        except Exception as exc:  # noqa: BLE001 - a broken template must not end in a traceback
            name, line = self._where(exc, template)
            return None, [error(f"{self.templates_rel}/{name}", line, 0, "template-error",
                                f"while rendering {path}: {type(exc).__name__}: {exc}",
                                "fix the template expression on this line")]
        return RenderedPage(path=path, content=html.encode("utf-8")), []

    def _missing(self, exc: jinja2.TemplateNotFound, path: str, template: str) -> Diagnostic:
        """Report a template missing while rendering a page: at the line of the template that names it, as
        compile_templates reports it (check_template_names: the same diagnostic, once), or as one the site renders
        (the page's own, the paper card: a template the site needs, which compile_templates reported too)."""
        config = self.site.config
        where = _template_where(exc, config.path(config.templates_dir))
        found = missing_template_at(self.env, self.templates_rel, *where, str(exc.name)) if where else None
        if found is not None:
            return found
        if where is None or exc.name in SITE_TEMPLATES:
            return error(f"{self.templates_rel}/{exc.name}", 0, 0, "template-missing",
                         f"template {exc.name} does not exist", f"restore {exc.name} in {self.templates_rel}/")
        name, line = where
        # a name computed when rendering, e.g. {% include page_kind ~ ".html" %}: it may differ from page to page
        return error(f"{self.templates_rel}/{name}", line, 0, "template-missing",
                     f'while rendering {path}: template "{exc.name}" does not exist',
                     f"name a template that {self.templates_rel}/ has, or create {self.templates_rel}/{exc.name}")

    def _where(self, exc: BaseException, template: str) -> tuple[str, int]:
        """The template file and line an error was raised from: the page's template, line 0, if none is known."""
        config = self.site.config
        return _template_where(exc, config.path(config.templates_dir)) or (template, 0)

    def listing_jobs(self, folder: str, template: str, papers: Sequence[PaperView], depends: Any,
                     **values: Any) -> list[Job]:
        """Jobs rendering a list of papers on pages of at most list_limit papers: folder/, folder/2/, ...

        Each page depends on `depends` (what the whole site shows, or None), on the papers it lists
        (their view digests) and on the whole list's length, per-year counts and page count.
        """
        size = self.site.config.list_limit
        chunks = [papers[start:start + size] for start in range(0, len(papers), size)] or [papers]
        totals = Counter(map(_YEAR, papers))  # in C: the lists of 5,000 papers list 44,000 in all (27 -> 16 ms)
        jobs: list[Job] = []
        ordered_totals = sorted(totals.items())
        for number, chunk in enumerate(chunks, 1):
            pager = Pager(folder=folder, number=number, count=len(chunks))
            # the chunk's view digests (64 hex digits each) as one string, not a list to encode as JSON, and the
            # pager's fields without dataclasses.astuple (which deep-copies)
            key = None if depends is None else digest("list page", depends, [pager.folder, pager.number, pager.count],
                                                      len(papers), ordered_totals,
                                                      " ".join(map(self.views.__getitem__, map(_KEY, chunk))))
            jobs.append((pager.path(number), template,
                         {"papers": chunk, "total": len(papers), "year_totals": totals, "pager": pager, **values}, key))
        return jobs

    def many(self, jobs: list[Job]) -> None:
        """Render independent pages, on every core when there are many; reuse the cached ones.

        Pages found in the cache go to the sink first, then each rendered page as soon as it is back.
        """
        keys = [self._key(job) for job in jobs]
        if self.templates is not None:
            self.templates.update((job[0], job[1]) for job in jobs)
        todo = []
        for job, key in zip(jobs, keys):
            found = self.store.find(key, self.sink.current(job[0])) if self.store is not None and key is not None else None
            if found is not None:
                self.sink.reuse(job[0], found)
            else:
                todo.append((job, key))
        listed = sum(len(job[2].get("papers", ())) or 1 for job, _ in todo)  # a list page is as much work as its cards
        if is_parallel(listed):
            self._prepare_cards([job for job, _ in todo])
        made = iter_ordered(lambda item: self._make(*item[0][:3]), todo, work=listed)
        for (_, key), page in zip(todo, made, strict=True):  # the pool stops in the normal flow (build._parse_papers)
            self._take(page, key)
        if listed > 100:
            release_freed_memory()  # the rendered pages are on disk now


def render_page(site: SiteContext, path: str, template: str, values: dict[str, Any],
                env: jinja2.Environment) -> tuple[RenderedPage | None, list[Diagnostic]]:
    """Render one page of the site on its own (l2h serve's preview of an edited paper)."""
    return _Renderer(site, env, PageList()).render(path, template, values)


def _template_where(exc: BaseException, templates_dir: Path) -> tuple[str, int] | None:
    """Find the template file (relative to templates_dir) and line an exception was raised from, from Jinja's
    traceback frames: the innermost one, which may be a macro's or the paper card's, not the page's template."""
    found = None
    folder = templates_dir.resolve()
    tb = exc.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.is_absolute() and filename.resolve().is_relative_to(folder):
            found = (filename.resolve().relative_to(folder).as_posix(), tb.tb_lineno)
        tb = tb.tb_next
    return found


_WHILE_RENDERING = re.compile(r"while rendering (\S+): (.*)", re.DOTALL)


def _once_per_fault(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Report a template error that many pages hit (in the paper card, a macro, the base template) once, naming
    the first page and how many others, instead of once per page."""
    pages: dict[tuple[str, int, str, str, str], list[str]] = {}
    order: list[Diagnostic | tuple[str, int, str, str, str]] = []
    for d in diagnostics:
        match = _WHILE_RENDERING.fullmatch(d.message) if d.code.startswith("template-") else None
        if match is None:
            order.append(d)
            continue
        fault = (d.path, d.line, d.code, match.group(2), d.hint)
        if fault not in pages:
            pages[fault] = []
            order.append(fault)
        pages[fault].append(match.group(1))
    out = []
    for item in order:
        if isinstance(item, Diagnostic):
            out.append(item)
            continue
        path, line, code, message, hint = item
        where = and_other_pages(pages[item][0], len(pages[item]))
        out.append(error(path, line, 0, code, f"while rendering {where}: {message}", hint))
    return out


def render_site(site: SiteContext, sink: PageSink, cache: BuildCache | None = None,
                progress: Progress = QUIET, store: PageStore | None = None, keep_memos: bool = False,
                env: jinja2.Environment | None = None, templates: dict[str, str] | None = None,
                search_later: bool = False, bundle_pages: int | None = None,
                reads: InputReads | None = None) -> list[Diagnostic]:
    """Render every page of the site in a fixed order, handing each to the sink as it is made.

    With a store, a paper, tag or facet-value page whose dependencies are unchanged is taken
    from it instead of being rendered again; the pages about the whole review always are (each paper's
    exports come from the cache's memo). keep_memos: the caller keeps the cache between builds (l2h
    serve), so the memo stays in memory, and so do the papers' cards (BuildCache.cards). An environment given is used instead of a new one: the check phase
    compiled the templates into it (compile_templates). templates, if given, is filled with the template of each
    page rendered from one (for the link check to name it). search_later: the caller indexes the search itself
    (render_search), once it has let go of the site's context. bundle_pages: the most pages of a search bundle, if
    not search.SHARD_PAGES. reads, if given, is told the static files found and the bytes of each (a build's
    InputReads).
    """
    config = site.config
    env = env if env is not None else site_environment(config, cache)
    kept = cache if keep_memos else None
    r = _Renderer(site, env, sink, store, templates, kept.cards if kept else None, kept.views if kept else None,
                  lambda: progress.advance(0))
    views = r.views
    common = r.common
    progress.stage("writing pages", 2 * len(site.papers) + len(site.taxonomy.tags)
                   + sum(len(f.values) for f in site.taxonomy.facets) + 12)  # about: the search bundle adds more
    if is_parallel(len(site.papers)):
        # A worker pool renders the pages: its workers and the child computing related papers and the topic map
        # would hold their memory at the same time (20,000 papers: +30 MB at the peak), so wait for both first.
        site.related, site.topic_map  # noqa: B018
    # Pages that need neither related papers nor the topic map come first: these two may still be computed.
    r.page("index.html", "home.html")
    years = [(year, tuple(group)) for year, group in groupby(site.papers, key=lambda v: v.paper.year)]
    year_jobs: list[Job] = []
    for i, (year, group) in enumerate(years):
        newer = years[i - 1][0] if i > 0 else None
        older = years[i + 1][0] if i + 1 < len(years) else None
        year_jobs += r.listing_jobs(f"papers/{year}", "year.html", group, store and (common, year, newer, older),
                                    year=year, newer=newer, older=older)
    r.many(year_jobs)
    r.page("tags/index.html", "tags.html")
    r.many([job for tag in site.taxonomy.tags for job in r.listing_jobs(
        f"tags/{tag.slug}", "tag.html", site.tag_papers[tag.name], store and (common, tag.name), tag=tag)])
    r.page("taxonomy/index.html", "taxonomy.html", latest=min(LATEST, config.list_limit))
    # Folders with no page of their own send a reader who shortens an address to the page listing what they hold.
    folders = folder_pages(site)
    r.many([(address, "folder.html", values, None) for address, values in folders.items()])
    r.many([job for facet in site.taxonomy.facets for value in facet.values for job in r.listing_jobs(
        f"taxonomy/{facet.id}/{value.id}", "facet_value.html", site.facet_papers[(facet.id, value.id)],
        store and (common, facet.id, value.id), facet=facet, value=value)])
    for name, extra in site.pages.items():
        r.page(f"{name}/index.html", "page.html", title=extra.title, body=Markup(extra.html), name=name)
    r.page("feed.xml", "feed.xml", entries=[feed_view(site.by_key[p.key]) for p in feed_papers(
        [v.paper for v in site.papers], site.added)])
    exported = cache.memo("exports") if cache is not None and views else None
    bib, csl = _exports(sorted(site.papers, key=lambda v: v.paper.key), config.base_url, views, exported)
    if exported is not None:
        exported.save()
        if not keep_memos:  # a one-off build: 30 MB at 20,000 papers, not to be held beside the search index
            exported.release()
    sink.add(RenderedPage("papers.bib", cite.bibtex_join(bib).encode()))
    sink.add(RenderedPage("papers.json", cite.csl_join(csl).encode()))
    del bib, csl  # 35 MB at 20,000 papers, not to be held while the paper pages are rendered
    # Hosts serve 404.html at any missing address, however deep: its links cannot be relative.
    r.page("404.html", "404.html", url=partial(rooted_url, config.base_url))
    statics, _ = static_files(config.path(config.static_dir), config.static_dir)  # check_site reported its problems
    if reads is not None:
        reads.listed(config.path(config.static_dir), (path for _, path in statics), is_static_name)
    for rel, path in statics:
        sink.add(RenderedPage(rel, path.read_bytes() if reads is None else reads.read_bytes(path)))
    r.forget_cards(keep_depth=2)  # the paper pages show only cards of their depth: the others are not held meanwhile
    words = None  # the word counts kept between builds (l2h serve), by the views' digests (only with a page store)
    if keep_memos and cache is not None and views:
        words = cache.word_counts = cache.word_counts or WordCounts()
    # Without a pool (small reviews, l2h serve's rebuilds) related papers may still be computed: the finder's data,
    # which needs none, is made meanwhile. With one, both were waited for above, and the word list (53 MB of text at
    # 20,000 papers) is made once the cards are let go, after the search index.
    finder_first = not is_parallel(len(site.papers))
    if finder_first:
        _add_finder(site, sink, words, views)
    related = site.related  # waits for related papers: the paper pages show them
    # A paper page's dependencies as one digest of strings (its view's, its date added, its related papers' views),
    # not a list for its key to encode as JSON: with the list pages' keys (listing_jobs), the pages' keys took 63-75 ms
    # of each rebuild at 5,000 papers, now 17-20 ms.
    shown = digest("paper page", common) if store else ""
    r.many([(f"publications/{view.paper.key}/index.html", "paper.html", {"view": view},
             store and store.digest(shown, views[view.paper.key], str(site.added.get(view.paper.key)),
                                    *[views[k] for k in related.keys_of(view.paper.key)]))
            for view in site.papers])
    r.cards.clear()  # 30 MB at 20,000 papers: not to be held beside the search index
    r.forget_other_cards()
    # A renamed paper's old addresses send readers on to its page; they are no pages of their own (no search
    # entry, no sitemap entry). Rendered every time: a review has few, and each shows the page it points to.
    moved = redirects(site)
    r.many([(address, "redirect.html", {"view": view}, None) for address, view in moved.items()])
    if config.search and not search_later:
        if len(site.papers) >= threshold():
            # Pagefind holds about 80 KB a page: in a large review it does not run beside the child computing the map.
            site.topic_map  # noqa: B018
        r.diagnostics += render_search([view.paper.key for view in site.papers], sink, cache, progress, bundle_pages,
                                       keep_memos)
    if finder_first:
        progress.stage("writing pages", len(sink.paths()) + 5, done=len(sink.paths()))  # the five pages below
    else:
        _add_finder(site, sink, words, views, progress)
    # The topic map was computed beside the paper pages and the search index: its pages come last.
    site.topic_map  # noqa: B018 - wait for it here, not inside a template
    r.page("papers/index.html", "papers.html", latest=min(LATEST, config.list_limit))
    r.page("stats/index.html", "stats.html", stats=review_stats(p.paper for p in site.papers))
    if site.topic_map:
        r.page("papers/topic-map.svg", "topic-map.svg")
    r.page("sitemap.xml", "sitemap.xml", urls=sorted(
        p for p in sink.paths() if p.endswith(".html") and p != "404.html" and p not in moved and p not in folders))
    sink.add(RenderedPage("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()))
    return _once_per_fault(r.diagnostics)


def _add_finder(site: SiteContext, sink: PageSink, words: WordCounts | None, views: dict[str, str],
                last: Progress | None = None) -> None:
    """Write the finder's data files (finder.finder_files). last: the progress of a build that writes them after
    every page but the five about the whole review (the stage's end is known then)."""
    finder = finder_files(site, words, views)
    if last is not None:
        last.stage("writing pages", len(sink.paths()) + len(finder) + 5, done=len(sink.paths()))
    for page in finder:
        sink.add(page)


def render_search(keys: Sequence[str], sink: PageSink, cache: BuildCache | None = None,
                  progress: Progress = QUIET, bundle_pages: int | None = None, keep_memos: bool = False,
                  ) -> list[Diagnostic]:
    """Index the paper pages the sink holds and hand it the search bundles and the finder's search ids.

    keys are the papers in the order of the site's list (the finder's ids follow it). Only the sink's pages are
    needed: a large build calls this last, after it released its papers, so that the build process holds less
    beside Pagefind. keep_memos: the caller keeps the cache between builds (l2h serve), which then remembers what
    each page's file held for the search (index_search's locate).
    """
    progress.stage("indexing search")
    papers = {f"publications/{key}/index.html" for key in keys}  # not the old addresses of renamed papers
    found, problems = index_search([page for page in _stored_pages(sink) if page.path in papers], cache, bundle_pages,
                                   sink.location if keep_memos else None, progress)
    if found:
        found.append(finder_search_file(keys, found, cache.search_ids if cache is not None and keep_memos else None))
    progress.stage("writing pages", len(sink.paths()) + len(found), done=len(sink.paths()))
    for page in found:
        sink.add(page)
    return problems


def redirects(site: SiteContext) -> dict[str, PaperView]:
    """The old address of each renamed paper (publications/<former key>/index.html) and the paper it now has,
    by address."""
    moved = {f"publications/{former}/index.html": view for view in site.papers for former in view.paper.former_keys}
    return dict(sorted(moved.items()))


def folder_pages(site: SiteContext) -> dict[str, dict[str, Any]]:
    """The folders of the site's addresses that have no page of their own, by the address of their index.html, each
    with the values of folder.html: what the folder holds (label, holds) and the page that lists it (target, fragment:
    its section there, page: its name)."""
    folders: dict[str, dict[str, Any]] = {"publications/index.html": {
        "label": "Papers", "holds": "The pages of the review's papers", "target": "papers/", "fragment": "",
        "page": "the all-papers page"}}
    for facet in site.taxonomy.facets:
        folders[f"taxonomy/{facet.id}/index.html"] = {
            "label": facet.label, "holds": f"The values of {facet.label.lower()}", "target": "taxonomy/",
            "fragment": f"#facet-{facet.id}", "page": "the taxonomy page"}
    return folders


def _exports(views: Sequence[PaperView], base_url: str, digests: dict[str, str],
             memo: Memo | None) -> tuple[list[str], list[str]]:
    """Each paper's BibTeX entry and encoded CSL-JSON item, in the order of views.

    A memo keeps them by the digest of the paper's view (which covers every field of the paper and its URL), the
    base URL and l2h's version: after an edit, one paper's are made again instead of all (0.4 s at 5,000 papers).
    """
    bib, csl = [], []
    for view in views:
        key = f"{CODE_VERSION} {base_url} {digests[view.paper.key]}" if memo is not None else ""
        entry = memo.get(key) if memo is not None else None
        if entry is None:
            entry = (cite.bibtex_entry(view.paper), cite.csl_encode(cite.csl_item(view.paper, view.summary_text)))
            if memo is not None:
                memo.put(key, entry)
        bib.append(entry[0])
        csl.append(entry[1])
    return bib, csl


class _StoredPage(RenderedPage):
    """A page already handed to a sink, whose content is read back only when asked for."""

    def __init__(self, sink: PageSink, path: str) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_sink", sink)

    @property
    def content(self) -> bytes:
        """Read the page back from the sink."""
        sink: PageSink = object.__getattribute__(self, "_sink")
        return sink.read(self.path)


def _stored_pages(sink: PageSink) -> list[RenderedPage]:
    """Return the pages handed to the sink so far, each read back only when its content is used."""
    return [_StoredPage(sink, path) for path in sorted(sink.paths())]


def _view_digests(site: SiteContext, kept: dict[str, tuple[Any, str]] | None = None,
                  tick: Callable[[], None] | None = None) -> dict[str, str]:
    """Hash each paper as templates see it (every field of the paper, its title and summary HTML, its URL).

    kept: the views of the last build with their digests, updated with this build's (l2h serve): a view equal to
    the last one has its digest (comparing is cheaper than hashing its repr: 0.1 s at 5,000 papers). Every field of
    a view is a string, a number or a tuple or mapping of them, equal only where their repr is, but for the paper's
    extra front matter, where 1 == True == 1.0: that is compared by its repr. tick, if given, is called every TICK_EVERY
    papers (0.45 s in all at 20,000 papers, hashed or compared).
    """
    digests = {}
    for view in ticking(site.papers, tick):
        last = kept.get(view.paper.key) if kept is not None else None
        same = last is not None and last[0] == view and repr(last[0].paper.extra) == repr(view.paper.extra)
        digests[view.paper.key] = last[1] if last is not None and same else hashlib.sha256(repr(view).encode()).hexdigest()
    if kept is not None:
        kept.clear()
        kept.update((view.paper.key, (view, digests[view.paper.key])) for view in site.papers)
    return digests


def is_static_name(name: str) -> bool:
    """Tell whether a file of this name in the static folder is published (static_files): not a hidden one."""
    return not name.startswith(".")


def static_files(static_dir: Path, shown: str) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """The files of the static folder and their paths in the site (under static/); hidden files (.DS_Store) are
    left out. `l2h check` reports the same problems as the build.

    A symbolic link is not followed (it could point anywhere on the maintainer's machine) and a name
    that could not be published everywhere is refused: each is a diagnostic, not a silent omission.
    """
    if not static_dir.is_dir():  # the templates link to its style sheet and scripts: the site would lack them
        rel = shown.rstrip("/")
        return [], [error(rel, 0, 0, "static-missing", f"the static folder {rel}/ does not exist",
                          f"restore it (git checkout -- {rel}), or set static_dir in l2h.yml")]
    files = []
    problems: list[Diagnostic] = []
    for path in sorted(static_dir.rglob("*")):
        if not is_static_name(path.name):
            continue
        source = posixpath.join(shown.rstrip("/"), path.relative_to(static_dir).as_posix())
        if path.is_symlink():
            problems.append(warning(source, 0, 0, "static-link", f"{source} is a symbolic link; it is not copied",
                                    "copy the file itself into the folder instead of linking to it"))
        elif path.is_file():
            rel = posixpath.join("static", path.relative_to(static_dir).as_posix())
            unsafe = check_page_path(rel)
            if unsafe:
                problems.append(error(source, 0, 0, "static-name", f"{source} cannot be published: {unsafe}",
                                      "rename it with letters, digits, '-', '_' and '.' only, avoiding names "
                                      "Windows reserves (con, aux, nul, com1, ...)"))
            else:
                files.append((rel, path))
    return files, problems
