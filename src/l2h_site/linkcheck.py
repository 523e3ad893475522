"""Check that every internal link and #anchor of a rendered site resolves; nothing is fetched.

Works on the pages in memory (before they are written) or on a folder already on disk, so
that `l2h build --check-links` can refuse to publish a site with a broken link.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from l2h_site.config import base_path
from l2h_site.diagnostics import Diagnostic, error
from l2h_site.model import RenderedPage
from l2h_site.textutil import closest

LINK_ATTRIBUTES = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src",
                   "iframe": "src", "source": "src", "video": "src", "audio": "src", "form": "action"}
"""Element -> the attribute holding a URL that the checker follows."""
IMPLICIT_ANCHORS = frozenset({"", "top"})
"""Fragments every HTML page has without an element carrying the id (HTML: 'top' scrolls to the start)."""


_REFRESH_URL = re.compile(r"\s*\d+\s*[;,]\s*url\s*=\s*(\S+)\s*$", re.IGNORECASE)
"""The URL a <meta http-equiv="refresh" content="0; url=..."> sends the browser to."""


class _PageScanner(HTMLParser):
    """Collect the ids of one page and its links with their (line, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        attribute = LINK_ATTRIBUTES.get(tag)
        target = values.get(attribute) if attribute else None
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":  # a renamed paper's old address
            refresh = _REFRESH_URL.match(values.get("content", ""))
            target = refresh.group(1).strip("'\"") if refresh else None
        if target is not None:
            line, offset = self.getpos()
            self.links.append((target, line, offset + 1))

    handle_startendtag = handle_starttag


def _scan(content: bytes) -> _PageScanner:
    scanner = _PageScanner()
    scanner.feed(content.decode("utf-8", errors="replace"))
    scanner.close()
    return scanner


def _internal_target(page: str, href: str, base_url: str) -> tuple[str, str] | None:
    """Resolve a link to (site path, fragment), or None when it leaves the site."""
    if base_url and href.startswith(base_url):
        href = "/" + href[len(base_url):]
    elif base_url and href.startswith(root := base_path(base_url)):  # rooted at the host (the 404 page's links)
        href = "/" + href[len(root):]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    joined = path if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    target = posixpath.normpath(joined).lstrip("/")
    if joined.endswith("/") or target == ".":
        target = posixpath.join("" if target == "." else target, "index.html")
    if target.startswith("../") or target == "..":
        target = "/" + target  # outside the site: reported as missing
    return target, unquote(parts.fragment)


@dataclass(frozen=True)
class BrokenLink:
    """An internal link or #anchor of a built page that points at nothing, where it is on that page."""

    page: str
    """The page, as a path in the site."""
    line: int
    """Line of the page the link is on, from 1."""
    column: int
    """Column of the link's element on that line, from 1."""
    href: str
    """The link as the page has it (character references resolved)."""
    target: str
    """The site path it points to (and #fragment, for broken-anchor)."""
    code: str
    """broken-link or broken-anchor."""
    message: str
    """What is wrong, naming the link and its target."""
    hint: str
    """A fix that holds wherever the link came from."""

    def diagnostic(self, prefix: str = "") -> Diagnostic:
        """Report the link at its place in the built page (prefix: the site's folder, ending in /)."""
        return error(f"{prefix}{self.page}", self.line, self.column, self.code, self.message, self.hint)


def find_broken_links(pages: Iterable[RenderedPage], base_url: str = "") -> list[BrokenLink]:
    """Find every internal link or #anchor of the HTML pages that points at nothing, in page order."""
    contents = {page.path: page.content for page in pages}
    scanned = {path: _scan(content) for path, content in sorted(contents.items()) if path.endswith(".html")}
    folders = {posixpath.dirname(path) for path in contents}
    found = []
    for page, scanner in scanned.items():
        for href, line, column in scanner.links:
            resolved = _internal_target(page, href, base_url)
            if resolved is None:
                continue
            target, fragment = resolved
            if target not in contents and target + "/index.html" in contents:
                target += "/index.html"
            if target not in contents:
                hint = ("the folder exists but has no index.html" if target.removesuffix("/index.html") in folders
                        else "fix the link in the template or page that produced it")
                found.append(BrokenLink(page, line, column, href, target.lstrip("/"), "broken-link",
                                        f'link "{href}" points to {target.lstrip("/")}, which is not in the site', hint))
            elif fragment not in IMPLICIT_ANCHORS and target in scanned and fragment not in scanned[target].ids:
                close = closest(fragment, scanned[target].ids)
                found.append(BrokenLink(page, line, column, href, f"{target}#{fragment}", "broken-anchor",
                                        f'link "{href}" points to #{fragment}, but {target} has no element with that id',
                                        f'did you mean "#{close}"?' if close else
                                        "give the target element that id, or fix the link"))
    return found


def check_pages(pages: Iterable[RenderedPage], base_url: str = "", prefix: str = "") -> list[Diagnostic]:
    """Report every internal link or #anchor of the HTML pages that points at nothing, at its place in the page."""
    return [broken.diagnostic(prefix) for broken in find_broken_links(pages, base_url)]


def check_folder(site_dir: Path, base_url: str = "", prefix: str | None = None) -> list[Diagnostic]:
    """Report broken internal links of a site already written to a folder."""
    pages: Sequence[RenderedPage] = [
        RenderedPage(path.relative_to(site_dir).as_posix(), path.read_bytes())
        for path in sorted(site_dir.rglob("*")) if path.is_file()]
    return check_pages(pages, base_url, f"{site_dir.as_posix().rstrip('/')}/" if prefix is None else prefix)
