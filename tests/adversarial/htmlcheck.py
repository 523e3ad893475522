"""Find live script in rendered pages by parsing them as a browser would (html5lib), not by regex."""

from __future__ import annotations

import re
from collections.abc import Iterable

import html5lib

DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})
"""Script types a browser never runs: the templates' JSON data blocks."""
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "object", "embed", "base", "applet"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "srcset", "poster", "background", "data",
                            "xlink:href", "srcdoc", "cite", "ping"})
_DANGEROUS = re.compile(r"^(javascript|data|vbscript|livescript|mocha):", re.IGNORECASE)
_STRIPPED = re.compile(r"[\x00-\x20\x7f]+")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


_ROOTED_STATIC = re.compile(r"/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*static/")
"""The start of a link to the site's static/ folder rooted at its base path, as the 404 page links it."""


def _is_site_script(src: str, page_path: str) -> bool:
    """Tell whether src is a link from this page to a script of the site's own static/ folder: relative, or
    (on 404.html, which hosts serve at any depth) rooted at the site's base path."""
    prefix = "../" * page_path.count("/")
    rooted = _ROOTED_STATIC.match(src) if page_path == "404.html" else None
    if rooted:
        prefix = rooted.group(0).removesuffix("static/")
    return src.startswith(prefix + "static/") and src.endswith(".js") and ".." not in src[len(prefix):] \
        and ":" not in src and "//" not in src


def _is_site_redirect(content: str, page_path: str) -> bool:
    """Tell whether a refresh is one the site puts there, at once, to a relative link from this page: a renamed
    paper's old address sending the browser to the paper's page, publications/ to the all-papers page, or a facet's
    folder under taxonomy/ to its section of the taxonomy page."""
    prefix = re.escape("../" * page_path.count("/"))
    if re.fullmatch(r"publications/[a-z0-9]+/index\.html", page_path):
        return re.fullmatch(rf"0; url={prefix}publications/[a-z0-9]+/", content) is not None
    if page_path == "publications/index.html":
        return content == "0; url=../papers/"
    facet = re.fullmatch(r"taxonomy/([a-z0-9-]+)/index\.html", page_path)
    return facet is not None and content == f"0; url=../../taxonomy/#facet-{facet.group(1)}"


def unsafe_markup(html: bytes | str, page_path: str) -> list[str]:
    """Return a description of every executable thing in a page that the site itself did not put there.

    Allowed: <script src> of the site's static/*.js, and JSON data blocks (a title that broke out
    of one would show up here as a second, inline <script>).
    """
    document = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    problems = []
    for element in document.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = _local(element.tag).lower()
        attributes = {_local(k).lower(): v for k, v in element.attrib.items()}
        if tag == "script":
            src = attributes.get("src", "")
            inert = attributes.get("type", "").strip().lower() in DATA_SCRIPT_TYPES and not src
            if not inert and not (src and _is_site_script(src, page_path) and not (element.text or "").strip()):
                problems.append(f"<script src={src!r}> {(element.text or '')[:60]!r}")
        elif tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh" \
                and not _is_site_redirect(attributes.get("content", ""), page_path):
            problems.append(f"<meta http-equiv=refresh content={attributes.get('content', '')[:60]!r}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value[:60]!r}> event handler")
            elif name in URL_ATTRIBUTES and _DANGEROUS.match(_STRIPPED.sub("", value)):
                problems.append(f"<{tag} {name}={value[:60]!r}> dangerous URL")
    return problems


def unsafe_pages(pages: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Check every HTML page of a site; return page path -> problems, only for pages that have any."""
    found = {}
    for path, content in pages:
        if path.endswith(".html"):
            problems = unsafe_markup(content, path)
            if problems:
                found[path] = problems
    return found
