"""Template errors point at the file and line that has them, once; the paper card is rendered once per paper."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import GOOD_PAPER, MINIMAL_TAXONOMY, REPO, generate_review, snapshot

from l2h_site import render, templatecheck
from l2h_site.build import build
from l2h_site.cli import main
from l2h_site.context import PaperView
from l2h_site.diagnostics import Diagnostic
from l2h_site.model import Paper
from l2h_site.render import by_year, make_environment

Site = Callable[[dict[str, str | bytes]], Path]

SECOND_PAPER = GOOD_PAPER.replace("Spectral Hashing", "Iterative Quantization").replace(
    "Yair Weiss, Antonio Torralba, Rob Fergus", "Yunchao Gong, Svetlana Lazebnik").replace("2008", "2011")


def _break(path: Path, old: str, new: str) -> int:
    """Replace old by new in a template; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def _built(site: Site) -> tuple[Path, dict[str, bytes]]:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/gong2011iterative.md": SECOND_PAPER})
    assert build(root).written
    return root, snapshot(root / "_site")


def _fault(site: Site, template: str, old: str, new: str) -> tuple[Diagnostic, int]:
    """Build, break a template, build again: the one problem reported and the line broken (the site is kept)."""
    root, before = _built(site)
    line = _break(root / "templates" / template, old, new)
    result = build(root)
    assert not result.written
    assert snapshot(root / "_site") == before
    [problem] = result.diagnostics
    return problem, line


def test_an_error_in_the_paper_card_is_reported_once_at_its_line(site: Site) -> None:
    problem, line = _fault(site, "_card.html", "{{ p.year }}", "{{ p.year // 0 }}")
    assert (problem.path, problem.line, problem.code) == ("templates/_card.html", line, "template-error")
    # the home page, the all-papers page, the year, tag and facet-value pages and both paper pages show cards
    assert problem.message.startswith("while rendering index.html and ")
    assert "other pages: ZeroDivisionError" in problem.message


def test_the_paper_card_sees_nothing_of_the_page_it_is_on(site: Site) -> None:
    # It is rendered once per paper and folder depth and reused: a page's own variables would be wrong on the others.
    problem, line = _fault(site, "_card.html", "{{ p.year }}", "{{ p.year }} {{ page_path }}")
    assert (problem.path, problem.line, problem.code) == ("templates/_card.html", line, "template-undefined")
    assert "'page_path' is undefined" in problem.message
    assert "sees only view, site and url" in problem.hint


def test_an_error_in_a_macro_names_the_macros_file_not_the_page_template(site: Site) -> None:
    problem, line = _fault(site, "_macros.html", "{{ year }} <span", "{{ year.nope }} <span")
    assert (problem.path, problem.line, problem.code) == ("templates/_macros.html", line, "template-undefined")


def test_a_page_template_error_on_one_page_names_that_page(site: Site) -> None:
    root, _ = _built(site)
    line = _break(root / "templates" / "404.html", "{% block content %}", "{% block content %}{{ nothing.here }}")
    [problem] = build(root).diagnostics
    assert (problem.path, problem.line) == ("templates/404.html", line)
    assert problem.message == "while rendering 404.html: 'nothing' is undefined"


def test_links_in_loops_make_no_copy_of_the_page_context(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    # url() and absolute_url() are bound to each page. Jinja calls a global that takes the template's context with a
    # copy of that context made for the call when it is in a loop: every menu link of every page, every dot of the
    # topic map (5,000 copies for that one file at 5,000 papers).
    copies: list[str | None] = []
    real = jinja2.runtime.Context.derived

    def derived(self: jinja2.runtime.Context, locals: dict[str, Any] | None = None) -> jinja2.runtime.Context:
        copies.append(self.name)
        return real(self, locals)

    monkeypatch.setattr(jinja2.runtime.Context, "derived", derived)
    _, files = _built(site)
    assert b'<a href="../tags/">Tags</a>' in files["papers/index.html"]  # links made in a loop, relative as before
    assert b'<a href="../publications/weiss2008spectral/" class="map-point' in files["papers/topic-map.svg"]
    assert copies == []


def test_by_year_groups_papers_as_jinjas_groupby_reversed() -> None:
    env = make_environment(REPO / "templates")
    years = [2011, 2008, 2011, 2019, 2008, 2011]
    views = [PaperView(Paper(f"p{i}", f"papers/p{i}.md", "T", ("A",), year), "T", "T", "", f"publications/p{i}/")
             for i, year in enumerate(years)]  # not in year order: the filter sorts, and keeps the order within a year
    shown = "{% for year, group in papers|GROUP %}{{ year }}:{% for v in group %}{{ v.paper.key }} {% endfor %}" \
            "({{ group|length }}) {% endfor %}"
    expected = "2019:p3 (1) 2011:p0 p2 p5 (3) 2008:p1 p4 (2) "
    assert env.from_string(shown.replace("GROUP", 'groupby("paper.year")|reverse')).render(papers=views) == expected
    assert env.from_string(shown.replace("GROUP", "by_year")).render(papers=views) == expected
    assert by_year([]) == []


CARDS_IN_A_POOL = """
import sys
from pathlib import Path
from l2h_site.build import site_context
from l2h_site.parallel import is_parallel
from l2h_site.render import PageList, _Renderer, make_environment
site = site_context(Path(sys.argv[1]))
r = _Renderer(site, make_environment(site.config.path(site.config.templates_dir)), PageList())
jobs = [job for year in sorted({v.paper.year for v in site.papers})
        for job in r.listing_jobs(f"papers/{year}", "year.html", [v for v in site.papers if v.paper.year == year],
                                  None, year=year, newer=None, older=None)]
r.many(jobs)
serial = _Renderer(site, make_environment(site.config.path(site.config.templates_dir)), PageList())
for path, template, values, _ in jobs:
    page, problems = serial.render(path, template, values)
    assert page is not None and not problems
    assert r.sink.read(path) == page.content, path
print(is_parallel(len(site.papers)), sorted(r.cards) == sorted((v.paper.key, 2) for v in site.papers))
"""


def test_a_worker_pool_gets_every_card_rendered_once_before_it_renders_the_pages(tmp_path: Path) -> None:
    # The cards come back to the build process from a first pool, so that the pages' pool inherits all of them (a
    # worker's own cards would die with it): the build process then holds one card per paper for these pages.
    root = generate_review(60, tmp_path / "review", seed=5)
    done = subprocess.run([sys.executable, "-c", CARDS_IN_A_POOL, str(root)], capture_output=True, text=True,
                          check=False, timeout=300, env={**os.environ, "L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": "2"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True True\n"


def test_a_template_syntax_error_is_reported_with_the_content_errors_by_check_and_build(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/bad2020x.md": "---\ntitle: [\n---\n",
                 "l2h.yml": "titel: x\n"})
    line = _break(root / "templates" / "tag.html", "{% block content %}", "{% block content %}{% if %}")
    (root / "templates" / ".tag.html.swp").write_bytes(b"{% if")  # an editor's swap file is no template
    expected = (
        'l2h.yml:1:1: error[config-unknown-key]: unknown setting "titel"\n'
        '  help: did you mean "title"?\n'
        "papers/bad2020x.md:2:8: error[yaml-syntax]: invalid YAML: the '[' opened here is never closed\n"
        "  help: write the items after the bracket and close it with ']', or put the whole value in quotes if the '[' "
        "is part of its text\n"
        f"templates/tag.html:{line}: error[template-syntax]: template error: Expected an expression, got 'end of "
        "statement block'\n"
        "  help: fix the Jinja syntax on this line\n"
        "3 error(s), 0 warning(s) in 3 files\n")
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out == expected
    assert main(["build", "--root", str(root), "-q"]) == 1
    assert capsys.readouterr().err == expected + "l2h: build failed; no site was written\n"


WIDE_TITLE = GOOD_PAPER.replace("title: Spectral Hashing", "title: 'Codes $a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p$'")


def test_a_paper_template_that_misses_title_heading_is_warned_of_at_its_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A review's copy of paper.html older than the title_heading filter: the build warns, at the line, with the fix
    (only the template knows where the page's heading is); the loop's view, another paper's, is not warned of."""
    root = site({"papers/weiss2008spectral.md": WIDE_TITLE})
    line = _break(root / "templates" / "paper.html", "{{ view.title_html|title_heading|safe }}",
                  "{{ view.title_html|safe }}{% for view in [view] %}{{ view.title_html|safe }}{% endfor %}")
    expected = (f"templates/paper.html:{line}: warning[template-filter]: the paper's title, view.title_html, is "
                "written without the title_heading filter: a long formula in the page's heading is then no tab stop "
                "for the keyboard where JavaScript is off\n"
                "  help: write it {{ view.title_html|title_heading|safe }} in the heading, as l2h's own "
                "templates/paper.html does\n")
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out == expected + "0 error(s), 1 warning(s) in 1 file\n"
    assert main(["build", "--root", str(root), "-q"]) == 0
    assert capsys.readouterr().err == expected + "0 error(s), 1 warning(s) in 1 file\n"
    page = (root / "_site/publications/weiss2008spectral/index.html").read_text(encoding="utf-8")
    assert '<h1 id="paper-title">Codes <span class="math-inline"><math' in page  # no tab stop: as warned
    _break(root / "templates" / "paper.html", "{{ view.title_html|safe }}", "{{ view.title_html|title_heading|safe }}")
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out == "l2h: 1 paper checked, no problems found\n"


def test_a_title_as_plain_text_is_not_warned_of(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """The title without its markup (striptags, for <title> or <meta>) has no formula box to be a tab stop: it is not
    warned of (it was, with a fix to write it in the heading, failing a --strict build)."""
    root = site({"papers/weiss2008spectral.md": WIDE_TITLE})
    _break(root / "templates" / "paper.html", "{{ view.title_html|title_heading|safe }}",
           '{{ view.title_html|title_heading|safe }}<meta name="x" content="{{ view.title_html|striptags }}'
           '{{ view.title_html|safe|striptags }}">')
    assert main(["check", "--root", str(root), "--strict"]) == 0
    assert capsys.readouterr().out == "l2h: 1 paper checked, no problems found\n"


def test_title_heading_after_safe_is_named_as_such(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """view.title_html|safe|title_heading: the filter is there, but its result is escaped: the warning says that, not
    that the filter is missing."""
    root = site({"papers/weiss2008spectral.md": WIDE_TITLE})
    line = _break(root / "templates" / "paper.html", "{{ view.title_html|title_heading|safe }}",
                  "{{ view.title_html|safe|title_heading }}")
    assert main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        (f"templates/paper.html:{line}: warning[template-filter]: the paper's title, view.title_html, goes through "
        "title_heading after safe, so what title_heading writes is escaped and shows as markup"),
        ("  help: write it {{ view.title_html|title_heading|safe }} in the heading, as l2h's own templates/paper.html "
        "does")]


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The names of the templates Jinja compiles (from source, not from a bytecode cache) while the test runs."""
    names: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    monkeypatch.setattr(render, "_COMPILED", {})  # nor from what this process compiled before the test
    return names


def test_a_build_compiles_each_template_once(site: Site, compiled: list[str | None]) -> None:
    # The check compiles every template (for its syntax errors); rendering uses what it compiled.
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/gong2011iterative.md": SECOND_PAPER})
    assert build(root, use_cache=False).written
    templates = sorted(p.name for p in (root / "templates").iterdir())
    assert sorted(compiled) == templates


def test_check_reuses_the_templates_a_build_compiled_and_makes_no_cache(site: Site, compiled: list[str | None]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main(["check", "--root", str(root)]) == 0
    assert not (root / ".l2h-cache").exists(), "l2h check writes nothing"
    assert len(compiled) == len(list((root / "templates").iterdir()))
    assert build(root).written
    compiled.clear()
    render._COMPILED.clear()
    assert main(["check", "--root", str(root)]) == 0
    assert compiled == [], "the build's compiled templates are in .l2h-cache/templates"


def test_templates_compiled_for_one_review_are_not_compiled_again_for_another(tmp_path: Path,
                                                                             compiled: list[str | None]) -> None:
    # The same templates in two reviews' folders (a test suite's, reviews side by side): the second build, with no
    # build cache of its own, compiles nothing. An error in a template so reused is still told at its own file and line.
    broken = "{% if site.config.title == 'Broken' %}{{ site.config.no_such_setting }}{% endif %}\n"
    roots = []
    for name in ("first", "second"):
        root = tmp_path / name
        for folder in ("templates", "static"):
            shutil.copytree(REPO / folder, root / folder)
        (root / "templates" / "stats.html").write_text(
            broken + (REPO / "templates" / "stats.html").read_text(encoding="utf-8"), encoding="utf-8")
        (root / "taxonomy.yml").write_text(MINIMAL_TAXONOMY, encoding="utf-8")
        (root / "papers").mkdir()
        (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER, encoding="utf-8")
        roots.append(root)
    first, second = roots
    assert build(first).written
    assert sorted(map(str, compiled)) == sorted(p.name for p in (first / "templates").iterdir())
    compiled.clear()
    assert build(second).written
    assert compiled == []
    assert snapshot(second / "_site") == snapshot(first / "_site")
    (second / "l2h.yml").write_text("title: Broken\n", encoding="utf-8")
    result = build(second)
    assert compiled == [] and not result.written
    assert [(d.path, d.line, d.code) for d in result.diagnostics if d.severity == "error"] == [
        ("templates/stats.html", 1, "template-undefined")]


def test_the_compiled_templates_kept_are_the_newest_few(monkeypatch: pytest.MonkeyPatch) -> None:
    # l2h serve compiles a template again at each edit of it: what it keeps stays bounded.
    monkeypatch.setattr(render, "_COMPILED", {})
    monkeypatch.setattr(render, "COMPILED_LIMIT", 3)
    env = make_environment(REPO / "templates")
    for n in range(5):
        assert env.from_string(f"{{{{ {n} + x }}}}").render(x=1) == str(n + 1)
    assert [key[2] for key in render._COMPILED] == ["{{ 2 + x }}", "{{ 3 + x }}", "{{ 4 + x }}"]
    assert env.from_string("{{ 4 + x }}").render(x=2) == "6" and len(render._COMPILED) == 3


def test_the_templates_a_template_names_are_found_with_their_statement_line_and_column() -> None:
    source = ('{% extends "base.html" %}\n'
              '{% import "_macros.html" as m %}{% from "_map.html" import topic_map %}{% import "_macros.html" as n %}\n'
              "{% include 'x.html' %} {% include \"x.html\" %}\n"
              '{% include\n   "_card.html" %}\n'
              '{% include "gone.html" ignore missing %}{% include ["a.html", "b.html"] %}{% include name %}'
              '{% include "a" ~ ".html" %}{% from "\\x41.html" import y %}\n')
    assert templatecheck.template_names(source) == (
        templatecheck.NamedTemplate("base.html", "extends", 1, 12, 1),
        templatecheck.NamedTemplate("_macros.html", "imports", 2, 11, 2),
        templatecheck.NamedTemplate("_map.html", "imports from", 2, 41, 2),
        templatecheck.NamedTemplate("_macros.html", "imports", 2, 82, 2),  # the second on its line, not the first
        templatecheck.NamedTemplate("x.html", "includes", 3, 12, 3),
        templatecheck.NamedTemplate("x.html", "includes", 3, 35, 3),
        templatecheck.NamedTemplate("_card.html", "includes", 5, 4, 4),
        templatecheck.NamedTemplate("a.html", "includes", 6, 53, 6, ("b.html",), True),  # a list: the first, the rest
        templatecheck.NamedTemplate("A.html", "imports from", 6, 0, 6))  # written with an escape: no column


@pytest.mark.parametrize(("written", "hint"), [
    ("bas.html", 'did you mean "base.html"?'), ("card.html", 'did you mean "_card.html"?'),
    ("paper.htm", 'did you mean "paper.html"?'), ("templates/base.html", 'did you mean "base.html"?'),
    ("Base.html", 'did you mean "base.html"?'),
    ("nope.html", "create templates/nope.html, or name a template that templates/ has"),
    ("../../etc/passwd", "name a template of templates/ by its path in that folder"),
    ("home.htm", "create templates/home.htm, or name a template that templates/ has")])  # not itself
def test_a_missing_template_gets_the_closest_name_the_folder_has_or_the_way_to_make_it(
        tmp_path: Path, written: str, hint: str) -> None:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "templates" / ".bas.html.swp").write_bytes(b"")  # an editor's swap file is no name to suggest
    (tmp_path / "templates" / "home.html").write_text(f'{{% include "{written}" %}}\n', encoding="utf-8")
    env = make_environment(tmp_path / "templates")
    assert templatecheck.check_template_names(env, "templates", ["home.html"]) == [Diagnostic(
        "templates/home.html", 1, 12, "error", "template-missing", f'includes "{written}", which does not exist',
        hint)]


NONE_THERE = 'includes the first there of "{}", "{}", none of which exists'
"""The message of an include of a list of two templates, none of which the folder has."""


@pytest.mark.parametrize(("written", "found"), [
    ('["nope.html", "base.html"]', []), ('("base.html", "nope.html")', []),  # one of them is there: it is included
    ('["nope.html", "gone.html"]', [(1, 13, NONE_THERE.format("nope.html", "gone.html"),
                                     "create templates/nope.html, or name a template that templates/ has")]),
    ("('bse.html',\n 'nope.html')", [(1, 13, NONE_THERE.format("bse.html", "nope.html"), 'did you mean "base.html"?')]),
    ('["nope.html", "gone.html"] ignore missing', []),  # includes nothing if none is there
    ('["nope.html", name]', [])])  # a name computed when rendering: not known here
def test_an_include_of_a_list_of_templates_is_missing_when_none_of_them_is_there(
        tmp_path: Path, written: str, found: list[tuple[int, int, str, str]]) -> None:
    """Jinja includes the first template of the list that the folder has, and fails only if it has none."""
    (tmp_path / "base.html").write_text("", encoding="utf-8")
    (tmp_path / "home.html").write_text(f"{{% include {written} %}}", encoding="utf-8")
    problems = templatecheck.check_template_names(make_environment(tmp_path), "templates", ["home.html"])
    assert [(d.line, d.column, d.message, d.hint) for d in problems] == found
    assert all((d.path, d.code) == ("templates/home.html", "template-missing") for d in problems)


LISTED = "{} a list of templates ({}), but Jinja {} one template only and fails on a list when it renders a page"
"""The message of an extends or import of a list of templates (only an include takes one)."""


@pytest.mark.parametrize(("written", "found"), [
    ('{% extends ["nope.html", "base.html"] %}', [
        (1, 13, LISTED.format("extends", '"nope.html", "base.html"', "extends"),
         'name one template instead of the list: "base.html", the first of them that templates/ has')]),
    ('{% extends ("base.html",) %}', [
        (1, 13, LISTED.format("extends", '"base.html"', "extends"),
         'name one template instead of the list: "base.html", the first of them that templates/ has')]),
    ('{% import ["nope.html"] as m %}', [
        (1, 12, LISTED.format("imports", '"nope.html"', "imports"),
         "name one template of templates/ instead of the list (it has none of these)")]),
    ('{% include "base.html" %}\n{% from [\n "x.html", "./base.html"] import y %}', [
        (3, 2, LISTED.format("imports from", '"x.html", "./base.html"', "imports from"),
         'name one template instead of the list: "./base.html", the first of them that templates/ has')]),
    ('{% extends ["nope.html", name] %}', []),  # a list computed when rendering: not known here
    ('{% extends "base.html" %}{% include ["nope.html", "base.html"] %}', [])])  # an include takes a list
def test_an_extends_or_import_of_a_list_of_templates_is_an_error(
        tmp_path: Path, written: str, found: list[tuple[int, int, str, str]]) -> None:
    """Jinja's include takes the first template of a list that the folder has; its extends and import take one name
    only, and fail on a list when a page is rendered (the check reports it at the list, whether or not the folder
    has the templates)."""
    (tmp_path / "base.html").write_text("", encoding="utf-8")
    (tmp_path / "home.html").write_text(written, encoding="utf-8")
    problems = templatecheck.check_template_names(make_environment(tmp_path), "templates", ["home.html"])
    assert [(d.line, d.column, d.message, d.hint) for d in problems] == found
    assert all((d.path, d.code, d.severity) == ("templates/home.html", "template-error", "error") for d in problems)


@pytest.mark.parametrize("new", ['{% extends ["base.html"] %}', '{% extends ("nope.html", "base.html") %}'])
def test_check_fails_where_the_build_fails_on_an_extends_of_a_list(
        site: Site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], new: str) -> None:
    """`l2h check` used to pass such a template, whose every page then failed to render."""
    root, before = _built(site)
    line = _break(root / "templates" / "paper.html", '{% extends "base.html" %}', new)
    capsys.readouterr()
    assert main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr()
    assert f"templates/paper.html:{line}:13" in out.out + out.err and "a list of templates" in out.out + out.err
    result = build(root)
    assert not result.written and snapshot(root / "_site") == before
    assert [(d.path, d.line, d.code) for d in result.diagnostics] == [("templates/paper.html", line, "template-error")]
    assert "extends a list of templates" in result.diagnostics[0].message
    # Without the check, the pages rendered from it fail, at the same line: what the check spares a maintainer.
    monkeypatch.setattr(render, "check_template_names", lambda *args: [])
    result = build(root)
    assert not result.written and snapshot(root / "_site") == before
    assert {(d.path, d.line, d.code) for d in result.diagnostics} == {("templates/paper.html", line, "template-error")}
    assert all("TypeError" in d.message or "AttributeError" in d.message for d in result.diagnostics)


@pytest.mark.parametrize(("template", "old", "new"), [
    ("paper.html", '{% extends "base.html" %}', '{% extends "bas.html" %}'),
    ("_macros.html", "{% macro ", '{% from "nom.html" import x %}{% macro '),
    ("paper.html", "{% block content %}", '{% block content %}{% include ["crad.html", "cadr.html"] %}')])
def test_a_missing_template_met_while_rendering_is_reported_as_the_check_reports_it(
        site: Site, monkeypatch: pytest.MonkeyPatch, template: str, old: str, new: str) -> None:
    """Were the check to miss it, the pages rendered from it (every paper page, every page importing the macros) would
    report it as the check does: at its line, once, not at the missing name."""
    root, before = _built(site)
    line = _break(root / "templates" / template, old, new)
    checked = templatecheck.check_template_names(make_environment(root / "templates"), "templates", [template])
    assert [(d.path, d.line) for d in checked] == [(f"templates/{template}", line)]
    monkeypatch.setattr(render, "check_template_names", lambda *args: [])
    result = build(root)
    assert not result.written and snapshot(root / "_site") == before
    assert result.diagnostics == checked


def test_a_template_name_computed_while_rendering_is_reported_at_its_line_by_the_build(site: Site) -> None:
    """Not by the check, which cannot know the name: the page that meets it names it."""
    root, before = _built(site)
    home = root / "templates" / "home.html"
    text = home.read_text(encoding="utf-8")
    home.write_text(text + '{% include "no" ~ "pe.html" %}\n', encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 0
    result = build(root)
    assert not result.written and snapshot(root / "_site") == before
    assert result.diagnostics == [Diagnostic(
        "templates/home.html", text.count("\n") + 1, 0, "error", "template-missing",
        'while rendering index.html: template "nope.html" does not exist',
        "name a template that templates/ has, or create templates/nope.html")]


@pytest.mark.parametrize("written", ['{% include"nope.html" %}', '{%- include ("nope.html") -%}',
                                     '{%+ include "nope\\x2ehtml" %}', "{% include\n'nope.html' %}",
                                     '{% include "base.html" %}{% include "nope.html" %}'])
def test_a_missing_name_is_found_however_the_statement_is_written(tmp_path: Path, written: str) -> None:
    (tmp_path / "base.html").write_text("", encoding="utf-8")
    (tmp_path / "home.html").write_text(written, encoding="utf-8")
    problems = templatecheck.check_template_names(make_environment(tmp_path), "templates", ["home.html", "base.html"])
    assert [(d.path, d.message) for d in problems] == [
        ("templates/home.html", 'includes "nope.html", which does not exist')]


def test_templates_that_name_only_templates_the_folder_has_are_not_parsed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing the repository's templates took 0.1-0.3 s of each build and check, whose compiled templates come from
    the build cache: a template whose every statement plainly names a template there needs none."""
    parsed: list[str] = []
    monkeypatch.setattr(templatecheck, "template_names", lambda source: parsed.append(source) or ())
    env = make_environment(REPO / "templates")
    assert templatecheck.check_template_names(env, "templates", env.list_templates()) == []
    assert parsed == []
