"""Check a review's own templates for what l2h's templates do that an older copy of them may not.

A review may keep its own templates (templates_dir); a copy made before l2h added a filter keeps working but misses
what the filter does. What the data can carry whatever the template does, it carries (the feed's summaries are
made clean for a feed reader: context.feed_view); what depends on where the template puts a value is checked here
and warned of, with the line and the fix.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import jinja2
from jinja2 import nodes

from l2h_site.diagnostics import Diagnostic, warning

PAPER_TEMPLATE = "paper.html"
"""The template of a paper's page, whose heading shows the paper's title."""


def check_title_heading(env: jinja2.Environment, templates_rel: str) -> list[Diagnostic]:
    """Warn where paper.html writes the page's own title (view.title_html) without the title_heading filter: a long
    formula of the title in the heading is then a tab stop for the keyboard only where JavaScript runs (theme.js).

    The title made plain text (striptags, as a <title> or <meta> wants it) is no heading and is not warned of.
    A template that cannot be read or parsed is left to compile_templates, which reports it; a title of another
    paper (a `view` of a loop or a macro, as a related paper's card) is a link's text and needs no filter.
    """
    assert env.loader is not None
    try:
        source = env.loader.get_source(env, PAPER_TEMPLATE)[0]
        found = _titles_without_heading(source)
    except (jinja2.TemplateError, OSError, UnicodeDecodeError):
        return []
    fix = "write it {{ view.title_html|title_heading|safe }} in the heading, as l2h's own templates/paper.html does"
    return [warning(f"{templates_rel.rstrip('/')}/{PAPER_TEMPLATE}", line, 0, "template-filter",
                    "the paper's title, view.title_html, goes through title_heading after safe, so what title_heading "
                    "writes is escaped and shows as markup" if late else
                    "the paper's title, view.title_html, is written without the title_heading filter: a long formula "
                    "in the page's heading is then no tab stop for the keyboard where JavaScript is off", fix)
            for line, late in found]


@functools.lru_cache(maxsize=4)
def _titles_without_heading(source: str) -> tuple[tuple[int, bool], ...]:
    """The lines of paper.html's own titles written without title_heading, each with whether the filter comes after
    safe; kept by source, for every build and l2h serve rebuild checks the same template (parsing it takes 5 ms).
    Parsing needs none of the site's filters or settings: a plain environment reads the same tree."""
    tree = jinja2.Environment().parse(source, PAPER_TEMPLATE)
    headed: set[int] = set()
    late: set[int] = set()
    """Titles whose title_heading comes after safe (view.title_html|safe|title_heading): its result is escaped."""
    for node in tree.find_all(nodes.Filter):
        base, before = node.node, []
        while isinstance(base, nodes.Filter):  # view.title_html|safe|striptags: striptags' node is safe's
            before.append(base.name)
            base = base.node
        if node.name == "striptags":  # the title as plain text: no formula box left to be a tab stop
            headed.add(id(base))
        elif node.name == "title_heading":
            (late if "safe" in before else headed).add(id(base))
    return tuple((title.lineno, id(title) in late) for title in _own_titles(tree) if id(title) not in headed)


def _own_titles(node: nodes.Node) -> Iterator[nodes.Getattr]:
    """Find each view.title_html of a template where view is the page's own paper: not within a loop or a macro that
    names another `view`."""
    if isinstance(node, nodes.Getattr) and node.attr == "title_html" and isinstance(node.node, nodes.Name) \
            and node.node.name == "view":
        yield node
    for child in node.iter_child_nodes():
        if isinstance(node, nodes.For) and child is not node.iter and _binds_view(node.target):
            continue  # the loop's body and test see the loop's view
        if isinstance(node, nodes.Macro) and any(arg.name == "view" for arg in node.args):
            continue
        yield from _own_titles(child)


def _binds_view(target: nodes.Node) -> bool:
    return any(name.name == "view" for name in target.find_all(nodes.Name)) or \
        (isinstance(target, nodes.Name) and target.name == "view")
