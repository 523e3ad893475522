"""Report a broken link of the built site at the source a maintainer edits, not at the page it was found on.

The internal links of a site come from:

- the markdown pages (resources.md, CONTRIBUTING.md): any link, relative ones included;
- a paper's summary and its `links:`: only http(s) addresses survive, so only one under base_url is internal;
- the `repository` of l2h.yml, which templates put into links as it is written;
- a copied static file (static/x.html), at the same line as on the page;
- the templates: every other link.

A link inside the HTML a markdown source gave the page is found in that source by its text; a template's link is
looked for as a quoted literal in the page's template and those it extends, includes or imports (then the paper
card), and is reported at that template, on its line when the literal is found.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta

from l2h_site.config import base_path
from l2h_site.context import PaperView, SiteContext
from l2h_site.diagnostics import Diagnostic, and_other_pages, error
from l2h_site.linkcheck import BrokenLink
from l2h_site.render import CARD_TEMPLATE
from l2h_site.textutil import closest


@dataclass(frozen=True)
class _Markdown:
    """HTML a page shows as a markdown source rendered it."""

    html: str
    """The HTML, as it is in the page."""
    path: str
    """The source file, from the review's folder."""
    text: str
    """The markdown the HTML was rendered from."""
    first_line: int
    """Line of the file that text starts at."""


@dataclass(frozen=True)
class Origin:
    """Where a broken link was written."""

    path: str
    """The file, from the review's folder."""
    line: int
    """Its line, from 1; 0 when not known."""
    column: int
    """Its column, from 1; 0 when not known."""
    hint: str
    """How to fix it there."""


@dataclass
class LinkSources:
    """What a build knows of where its pages' links come from."""

    site: SiteContext
    """What the pages were rendered from: the markdown pages, the papers, the config."""
    env: jinja2.Environment
    """The templates."""
    templates: Mapping[str, str]
    """Page path -> the template it was rendered from."""
    config_file: Path
    """l2h.yml (or the --config file)."""
    _written: dict[tuple[str, str], tuple[str, int, int] | None] = field(default_factory=dict, init=False, repr=False)
    """(template of a page, link) -> where the templates write it: a link of base.html is on every page."""

    def locate(self, broken: Sequence[BrokenLink], read: Callable[[str], bytes], site_name: str) -> list[Diagnostic]:
        """Report each broken link at its source, naming the built page it was found on; a fault seen on many pages
        (a template's link) is reported once, naming the first page and how many others."""
        faults: dict[tuple[str, int, int, str, str], list[BrokenLink]] = {}
        origins: dict[tuple[str, int, int, str, str], Origin] = {}
        for page, links in _by_page(broken):
            content = read(page).decode("utf-8", errors="replace")
            for link in links:
                origin = self._origin(link, content, links) or Origin(f"{site_name}/{page}", link.line, link.column,
                                                                      link.hint)  # made by l2h itself: as found
                key = (origin.path, origin.line, origin.column, link.code, link.href)
                faults.setdefault(key, []).append(link)
                origins[key] = origin
        out = []
        for key, links in faults.items():
            first = links[0]
            where = and_other_pages(f"{site_name}/{first.page}", len(links))
            origin = origins[key]
            seen = "" if origin.path == f"{site_name}/{first.page}" else f" (in the built page {where})"
            out.append(error(origin.path, origin.line, origin.column, first.code, first.message + seen, origin.hint))
        return out

    def _origin(self, link: BrokenLink, content: str, on_page: Sequence[BrokenLink]) -> Origin | None:
        """Where the link was written, from what the page shows at its place; None when l2h itself made it."""
        config = self.site.config
        offset = _offset(content, link.line, link.column)
        for part in self._markdown(link.page):
            start = content.find(part.html)
            if start >= 0 and start <= offset < start + len(part.html):
                # the how-manieth link with this text in the part: the same occurrence of it in the markdown
                nth = sum(1 for other in on_page if other.href == link.href
                          and start <= _offset(content, other.line, other.column) < offset)
                line, column = _find(part.text, link.href, nth) or (0, 0)
                return Origin(part.path, part.first_line + line - 1 if line else 0, column,
                              self._fix(link, f"in {part.path}"))
        view = self._paper_on(link.page)
        if view is not None and link.href in {written.url for written in view.paper.links}:
            line, column = _find(_read(config.path(view.paper.source)), link.href, 0) or (0, 0)
            return Origin(view.paper.source, line, column, "fix the url of this link under links:, or remove the link")
        if config.repository and link.href.startswith(config.repository):
            line, column = _find(_read(self.config_file), config.repository, 0) or (0, 0)
            return Origin(self.config_file.name, line, column,
                          "point repository at the repository's own web address, e.g. https://github.com/OWNER/REPO")
        template = self.templates.get(link.page)
        if template is None and link.page.startswith("static/"):  # copied as it is
            source = posixpath.join(config.static_dir.rstrip("/"), link.page.removeprefix("static/"))
            return Origin(source, link.line, link.column, self._fix(link, f"in {source}"))
        if template is None:
            return None
        templates_dir = config.templates_dir.rstrip("/")
        if (template, link.href) not in self._written:
            self._written[(template, link.href)] = next(self._in_templates(template, link), None)
        written = self._written[(template, link.href)]
        if written is not None:
            name, line, column = written
            return Origin(f"{templates_dir}/{name}", line, column, self._fix(link, "on this line"))
        return Origin(f"{templates_dir}/{template}", 0, 0,
                      self._fix(link, f"in {template} or a template it extends, includes or imports"))

    def _markdown(self, page: str) -> Iterator[_Markdown]:
        """The parts of a page that markdown sources gave it."""
        for name, extra in self.site.pages.items():
            if page == f"{name}/index.html" and extra.source:
                yield _Markdown(extra.html, extra.source, extra.markdown, extra.first_line)
        view = self._paper_on(page)
        if view is not None and view.summary_html:
            yield _Markdown(view.summary_html, view.paper.source, view.paper.summary, view.paper.summary_line)

    def _paper_on(self, page: str) -> PaperView | None:
        """The paper whose own page this is, if it is one."""
        view = self.site.by_key.get(page.removeprefix("publications/").removesuffix("/index.html"))
        return view if view is not None and view.url + "index.html" == page else None

    def _fix(self, link: BrokenLink, where: str) -> str:
        """Say how to fix the link, where it is written ("in resources.md", "on this line")."""
        if link.code == "broken-anchor" or link.hint.startswith("the folder"):
            return link.hint
        key = re.fullmatch(r"publications/([^/]+)/index\.html", link.target)
        if key:
            close = closest(key.group(1), self.site.by_key)
            known = f'; did you mean "publications/{close}/"?' if close else ""
            return f'fix the link {where}: no paper has the key "{key.group(1)}"{known}'
        return f"fix the link {where}: the site has no {link.target}"

    def _in_templates(self, template: str, link: BrokenLink) -> Iterator[tuple[str, int, int]]:
        """Where the link is written as a quoted literal in the page's templates: (template, line, column)."""
        names = _used_templates(self.env, template) + [CARD_TEMPLATE]
        sources = {name: _template_source(self.env, name) for name in dict.fromkeys(names)}
        for needle in _needles(link.href, self.site.config.base_url):
            for name, text in sources.items():
                match = needle.search(text)
                if match:
                    start = match.start(1)
                    yield name, text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def _by_page(broken: Sequence[BrokenLink]) -> Iterator[tuple[str, list[BrokenLink]]]:
    pages: dict[str, list[BrokenLink]] = {}
    for link in broken:
        pages.setdefault(link.page, []).append(link)
    yield from pages.items()


def _offset(content: str, line: int, column: int) -> int:
    """The character offset of (line, column), both from 1, in content."""
    start = 0
    for _ in range(line - 1):
        start = content.find("\n", start) + 1
    return start + column - 1


def _find(text: str, needle: str, nth: int) -> tuple[int, int] | None:
    """Line and column (from 1) of the nth occurrence (from 0) of needle in text, else of its first one, if any."""
    starts = [m.start() for m in re.finditer(re.escape(needle), text)] if needle else []
    if not starts:
        return None
    start = starts[nth] if nth < len(starts) else starts[0]
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _needles(href: str, base_url: str) -> list[re.Pattern[str]]:
    """How a template may write a link: the link itself, its path as given to url() (no ../, leading /, base path
    or base_url), its #fragment; each as a quoted literal (group 1 is what is quoted)."""
    path, _, fragment = href.partition("#")
    for prefix in (base_url, base_path(base_url), "/"):
        if prefix and path.startswith(prefix):
            path = path[len(prefix):]
            break
    bare = re.sub(r"^(?:\.\.?/)+", "", path)
    found = [re.compile(f"[\"']({re.escape(text)})[\"']") for text in dict.fromkeys((href, bare)) if len(text) > 1]
    if fragment:
        found.append(re.compile(f"(#{re.escape(fragment)})[\"']"))
    return found


def _used_templates(env: jinja2.Environment, name: str) -> list[str]:
    """The template and those it extends, includes or imports, and theirs, in that order."""
    order = [name]
    for current in order:
        try:
            referenced = jinja2.meta.find_referenced_templates(env.parse(_template_source(env, current)))
        except jinja2.TemplateSyntaxError:
            continue
        order += [r for r in referenced if r is not None and r not in order]
    return order


def _template_source(env: jinja2.Environment, name: str) -> str:
    if env.loader is None:
        return ""
    try:
        return env.loader.get_source(env, name)[0]
    except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
        return ""
