"""Check a review's own templates for what l2h's templates do that an older copy of them may not.

A review may keep its own templates (templates_dir); a copy made before l2h added a filter keeps working but misses
what the filter does. What the data can carry whatever the template does, it carries (the feed's summaries are
made clean for a feed reader: context.feed_view); what depends on where the template puts a value is checked here
and warned of, with the line and the fix.

A template may also name another (extends, include, import, from ... import) that the folder lacks: Jinja finds that
out only when a page is rendered from it, and names the missing template, not the line naming it. The names written
as text are checked here, with the build's and `l2h check`'s other checks (check_template_names), and so is an extends
or import of a list of names, which Jinja takes in an include only and fails on elsewhere when it renders a page.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path

from l2h_site.diagnostics import Diagnostic, error, warning
from l2h_site.textutil import closest

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


_NAMING: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Extends, "extends"), (nodes.Include, "includes"), (nodes.FromImport, "imports from"),
    (nodes.Import, "imports"))
"""The statements that name another template, each with the word a message says it with."""


@dataclass(frozen=True)
class NamedTemplate:
    """Another template a template names as text in an extends, include, import or from ... import statement."""

    name: str
    """The template named, as written."""
    how: str
    """How it is named: extends, includes, imports or imports from."""
    line: int
    """The line of the name (1-based)."""
    column: int
    """The column of the name's opening quote (1-based; 0 when not found on its line, as one escaped)."""
    statement_line: int
    """The line of the statement, which Jinja's traceback names at render time (the name's, but for a statement
    written over several lines)."""
    others: tuple[str, ...] = ()
    """The names after the first of an include of a list of templates (`{% include ["a.html", "b.html"] %}`, which
    includes the first the folder has): name is the first, and the include is missing only if none of them is there."""

    listed: bool = False
    """Named in a list (or tuple) of names, of one name or more."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every template named: one, or the list an include chooses from."""
        return (self.name, *self.others)

    @property
    def wrongly_listed(self) -> bool:
        """Named in a list where Jinja takes one template: only an include chooses the first there of a list; an
        extends or import of one fails when a page is rendered (Jinja 3.1: TypeError, unhashable type: 'list')."""
        return self.listed and self.how != "includes"


def check_template_names(env: jinja2.Environment, templates_rel: str, names: Iterable[str]) -> list[Diagnostic]:
    """Report each template that one of names (the templates folder's, as compile_templates compiles them) names as
    text in an extends, include, import or from ... import statement and that the folder lacks, at the line naming
    it. A name computed when rendering is not known here, and an include with `ignore missing` may name none; a
    template that cannot be read or parsed is left to compile_templates, which reports it."""
    assert env.loader is not None
    there = _loadable(env)
    problems = []
    for template in names:
        try:
            source = env.loader.get_source(env, template)[0]
            if _plainly_there(source, there):
                continue
            named = template_names(source)
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            continue
        for found in named:
            if found.wrongly_listed:
                problems.append(listed_template(templates_rel, template, found, there))
            elif all(_normal(name) not in there for name in found.names):
                problems.append(missing_template(templates_rel, template, found, there))
    return problems


def listed_template(templates_rel: str, template: str, found: NamedTemplate, there: set[str]) -> Diagnostic:
    """Report an extends or import of a list of templates (Jinja takes a list in an include only), with the fix: the
    first of them that the templates folder has, named alone."""
    rel = templates_rel.rstrip("/")
    listed = ", ".join(f'"{name}"' for name in found.names)
    first = next((name for name in found.names if _normal(name) in there), None)
    hint = (f'name one template instead of the list: "{first}", the first of them that {rel}/ has' if first else
            f"name one template of {rel}/ instead of the list (it has none of these)")
    return error(f"{rel}/{template}", found.line, found.column, "template-error",
                 f"{found.how} a list of templates ({listed}), but Jinja {found.how} one template only and fails on "
                 "a list when it renders a page", hint)


def missing_template_at(env: jinja2.Environment, templates_rel: str, template: str, line: int,
                        missing: str) -> Diagnostic | None:
    """The diagnostic check_template_names makes for the name missing written at this line of template (Jinja's
    TemplateNotFound while rendering, whose traceback names that line), or None if the template names it there in
    no way that check finds (a name computed when rendering)."""
    assert env.loader is not None
    try:
        named = template_names(env.loader.get_source(env, template)[0])
    except (jinja2.TemplateError, OSError, UnicodeDecodeError):
        return None
    for found in named:
        if missing in found.names and line in (found.line, found.statement_line):
            return missing_template(templates_rel, template, found, _loadable(env))
    return None


def missing_template(templates_rel: str, template: str, found: NamedTemplate, there: set[str]) -> Diagnostic:
    """Report a template named at a line of another that the templates folder lacks, with the fix: the name of a
    template it has that is close to the name written (not the template's own), else to create it."""
    rel = templates_rel.rstrip("/")
    others = sorted(name for name in there - {template}  # an editor's swap file is no name to suggest
                    if not any(part.startswith(".") for part in name.split("/")))
    close = next(filter(None, (_close(name, others) for name in found.names)), None)
    made = next(filter(None, map(_normal, found.names)), "")  # the first name that can be a file of the folder
    if close is not None:
        hint = f'did you mean "{close}"?'
    elif made == "":  # names that cannot be files of the folder: ../x.html, x/../../y
        hint = f"name a template of {rel}/ by its path in that folder"
    else:
        hint = f"create {rel}/{made}, or name a template that {rel}/ has"
    if found.others:
        listed = ", ".join(f'"{name}"' for name in found.names)
        message = f"{found.how} the first there of {listed}, none of which exists"
    else:
        message = f'{found.how} "{found.name}", which does not exist'
    return error(f"{rel}/{template}", found.line, found.column, "template-missing", message, hint)


def _close(name: str, others: list[str]) -> str | None:
    """The template of others most like name: by the name before the extension among those of its extension (the
    .html all share makes any two names look alike: nope.html and page.html), else one of the same name with another
    extension (paper.htm, paper), else one that name names with the folder before it (templates/base.html)."""
    stem, extension = posixpath.splitext(name)
    alike = {posixpath.splitext(other)[0]: other for other in others if posixpath.splitext(other)[1] == extension}
    match = closest(stem, alike) if stem else None
    if match is not None:
        return alike[match]
    return next((other for other in others if posixpath.splitext(other)[0] == stem), None) or \
        next((other for other in others if name.endswith("/" + other)), None)


_STATEMENT = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\b(?:\s+(["'])([^"'\\]*)\1)?""")
"""A statement that may name a template (as text in quotes, then the name: group 2), however it is written (by the
default syntax, which the site's environment keeps); what the parser sees as one is always found (and more: one in
a comment or a raw block)."""


def _plainly_there(source: str, there: set[str]) -> bool:
    """Tell whether every statement of a template's source that may name a template names one of there, plainly (in
    quotes, no escape): the template is then not parsed (parsing the repository's templates took 0.1-0.3 s, most of
    compiling them, which a build reads from its cache)."""
    return all(match[2] is not None and _normal(match[2]) in there for match in _STATEMENT.finditer(source))


def _loadable(env: jinja2.Environment) -> set[str]:
    """The names of every file of the templates folder (what a statement can name)."""
    return set(env.list_templates())


def _normal(name: str) -> str:
    """The name of the file the loader reads for a template's name (x/./y.html: x/y.html), or "" if it reads none."""
    try:
        return "/".join(split_template_path(name))
    except jinja2.TemplateNotFound:
        return ""


@functools.lru_cache(maxsize=256)
def template_names(source: str) -> tuple[NamedTemplate, ...]:
    """The templates a template's source names as text, in the order written, but in an include with `ignore
    missing`; a list or tuple of names written as text is one (NamedTemplate.others, .listed: an include's, or an
    extends or import of a list, which Jinja fails on). Kept by source, for every build and l2h serve rebuild checks
    the same templates. Parsing needs none of the site's filters or settings: a plain environment reads the same tree
    (TemplateSyntaxError if it cannot)."""
    tree = jinja2.Environment().parse(source)
    lines = source.split("\n")
    searched: dict[int, int] = {}
    """Where on a line the next name is looked for: after the one found before it (two includes on a line)."""
    found = []
    for node in tree.find_all(tuple(kind for kind, _ in _NAMING)):
        named = node.template  # type: ignore[attr-defined]
        others: tuple[str, ...] = ()
        listed = isinstance(named, (nodes.List, nodes.Tuple)) and bool(named.items) and \
            all(isinstance(item, nodes.Const) and isinstance(item.value, str) for item in named.items)
        if listed:
            named, others = named.items[0], tuple(item.value for item in named.items[1:])
        if not isinstance(named, nodes.Const) or not isinstance(named.value, str) or \
                getattr(node, "ignore_missing", False):
            continue
        text = lines[named.lineno - 1] if 0 < named.lineno <= len(lines) else ""
        start = searched.get(named.lineno, 0)
        at = _quoted_at(text, named.value, start)
        if at >= 0:
            searched[named.lineno] = at + len(named.value) + 2
            for other in others:  # past the list's other names, where on the same line
                after = _quoted_at(text, other, searched[named.lineno])
                if after >= 0:
                    searched[named.lineno] = after + len(other) + 2
        how = next(word for kind, word in _NAMING if isinstance(node, kind))
        found.append(NamedTemplate(named.value, how, named.lineno, at + 1, node.lineno, others, listed))
    return tuple(found)


def _quoted_at(text: str, name: str, start: int) -> int:
    """Where in a line, from start on, the name is first written in quotes (double or single), or -1."""
    return min((i for i in (text.find(f"{q}{name}{q}", start) for q in "\"'") if i >= 0), default=-1)
