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

from l2h_site import render
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
