"""Unit tests of the small stages: strict YAML, taxonomy, config, markup and the writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from l2h_site.config import load_config
from l2h_site.markup import MarkdownRenderer, plain_text, render_inline, sanitise
from l2h_site.model import Config, RenderedPage
from l2h_site.taxonomy import load_taxonomy
from l2h_site.textutil import normalise_term, slugify
from l2h_site.validate import derive_key
from l2h_site.write import MARKER, SiteWriter, check_page_paths
from l2h_site.yamlsafe import load_yaml

REPO = Path(__file__).resolve().parent.parent


# --- strict YAML -----------------------------------------------------------------------------

def test_yaml_positions_are_file_lines() -> None:
    doc = load_yaml("title: T\ntags:\n  - a\n  - b\n", first_line=2)
    assert doc.value == {"title": "T", "tags": ["a", "b"]}
    assert doc.positions[("tags", 1)] == (5, 5)
    assert doc.key_positions[("tags",)] == (3, 1)


def test_yaml_alias_bomb_is_rejected_without_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    doc = load_yaml(bomb)
    assert {p.code for p in doc.problems} == {"yaml-alias"}


def test_yaml_python_tag_is_rejected_and_nothing_runs() -> None:
    doc = load_yaml("x: !!python/object/apply:os.system ['touch /tmp/l2h-pwned']\n")
    assert [p.code for p in doc.problems] == ["yaml-tag"]
    assert not Path("/tmp/l2h-pwned").exists()


def test_yaml_merge_key_is_rejected() -> None:
    doc = load_yaml("base: {a: 1}\nother:\n  <<: {a: 2}\n")
    assert [p.code for p in doc.problems] == ["yaml-alias"]


def test_yaml_deep_nesting_is_rejected() -> None:
    doc = load_yaml("x: " + "[" * 30 + "]" * 30 + "\n")
    assert [p.code for p in doc.problems] == ["yaml-too-deep"]


# --- taxonomy --------------------------------------------------------------------------------

def test_repository_taxonomy_loads() -> None:
    taxonomy, diagnostics = load_taxonomy(REPO / "taxonomy.yml", "taxonomy.yml")
    assert diagnostics == []
    family = taxonomy.facet("family")
    assert family is not None and family.required and not family.multiple
    assert {"data-independent", "unsupervised", "supervised", "semi-supervised", "quantisation", "graph",
            "learned-index", "survey"} <= {v.id for v in family.values}
    assert all(t.description for t in taxonomy.tags)


def test_taxonomy_facet_named_like_a_field_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text("facets:\n  year:\n    label: Y\n    description: D\n    values: {a: {label: A, description: D}}\ntags: {}\n")
    _, diagnostics = load_taxonomy(path, "taxonomy.yml")
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (2, "taxonomy-name", "facet name 'year' is already a paper field")]


@pytest.mark.parametrize(("written", "column"), [
    ("    description: !draft D", 18), ("    required: !!python/bool true", 15), ("    label: &l Y", 12),
    ('    description: "\\alpha codes"', 18)])
def test_a_taxonomy_value_yaml_refuses_is_told_once(tmp_path: Path, written: str, column: int) -> None:
    # The refused value was read as empty: a second error said the facet "has no description" or that required
    # "must be true or false, got an empty value"
    path = tmp_path / "taxonomy.yml"
    facet = ["facets:", "  family:", "    label: Y", "    description: D", "    values: {a: {label: A, description: D}}"]
    name = written.split(":")[0]
    facet = [line for line in facet if line.split(":")[0] != name]
    path.write_text("\n".join(facet[:2] + [written] + facet[2:]) + "\ntags: {}\n", encoding="utf-8")
    _, diagnostics = load_taxonomy(path, "taxonomy.yml")
    code = {"!": "yaml-tag", "&": "yaml-alias", '"': "yaml-escape"}[written.split(": ")[1][0]]
    assert [(d.code, d.line, d.column) for d in diagnostics][:1] == [(code, 3, column)] and len(diagnostics) == 1


def test_taxonomy_missing_file(tmp_path: Path) -> None:
    _, diagnostics = load_taxonomy(tmp_path / "taxonomy.yml", "taxonomy.yml")
    assert [d.code for d in diagnostics] == ["taxonomy-missing-file"]


@pytest.mark.parametrize("a, b", [("Transformer", "Transformers"), ("Quantisation", "Quantization"),
                                  ("Graph Based ANN", "Graph-based ANN"), ("hashing", "Hashing"),
                                  ("Learned Indices", "Learned-Index"), ("learned indexes", "Learned Index"),
                                  ("Vertices", "vertex"), ("Matrices", "Matrix")])
def test_tag_drift_normal_form(a: str, b: str) -> None:
    assert normalise_term(a) == normalise_term(b)


def test_distinct_tags_stay_distinct() -> None:
    assert normalise_term("Image Retrieval") != normalise_term("Video Retrieval")
    assert normalise_term("Index") != normalise_term("Indexing") and normalise_term("Apex") != normalise_term("Ape")
    assert slugify("C++") == slugify("C") == "c"


# --- config ----------------------------------------------------------------------------------

def test_config_defaults_without_file(tmp_path: Path) -> None:
    config, diagnostics = load_config(tmp_path)
    assert diagnostics == [] and config.output_dir == "_site" and config.root == tmp_path.resolve()


def test_config_type_errors(tmp_path: Path) -> None:
    (tmp_path / "l2h.yml").write_text("title: 42\nsearch: maybe\nbase_url: https://x.org\n")
    config, diagnostics = load_config(tmp_path)
    assert [(d.line, d.code) for d in diagnostics] == [(1, "config-type"), (2, "config-type")]
    assert (config.title, config.search, config.base_url) == ("Learning to Hash", True, "https://x.org/")


def test_config_base_url_gets_trailing_slash(tmp_path: Path) -> None:
    (tmp_path / "l2h.yml").write_text("base_url: https://x.org/review\n")
    config, _ = load_config(tmp_path)
    assert config.base_url == "https://x.org/review/"


@pytest.mark.parametrize(("value", "problem"), [
    ('"https://exa mple.org/"', "contains a space, which an address cannot hold"),
    ("'https://x.org/\"><script>'", "contains the character '\"', which an address cannot hold"),
    ("https://x.org/<b>", "contains the character '<', which an address cannot hold"),
    ("https:///review/", "names no host"),
    ("https://x.org/?page=1", "has a ?query or #fragment"),
    ('"https://x.org/#top"', "has a ?query or #fragment"),
    ("https://x.org:http/", "has a port that is not a number"),
    ("ftp://x.org/", "is not an http(s) URL"),
])
def test_a_base_url_that_is_not_a_plain_address_is_an_error(tmp_path: Path, value: str, problem: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"title: A review\nbase_url: {value}\n")
    _, diagnostics = load_config(tmp_path)
    [found] = diagnostics
    assert (found.code, found.line, found.column) == ("config-base-url", 2, 11)
    assert problem in found.message and "https://learning2hash.github.io/" in found.hint


@pytest.mark.parametrize("value", ["https://x.org/", "http://localhost:8000/review/", "https://x.org/a-b_c~d/%C3%A9/"])
def test_plain_addresses_are_fine(tmp_path: Path, value: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"base_url: {value}\n")
    config, diagnostics = load_config(tmp_path)
    assert diagnostics == [] and config.base_url == value


@pytest.mark.parametrize("key", ["papers_dir", "taxonomy", "templates_dir", "static_dir", "output_dir", "resources",
                                 "contributing"])
@pytest.mark.parametrize(("value", "code", "message"), [
    ("''", "config-empty", "must not be empty"), ('"   "', "config-empty", "must not be empty"),
    # which no file system takes: l2h ended with a traceback (ValueError: embedded null byte), found by fuzzing
    ('"pa\\0pers"', "config-path", 'holds a NUL character ("\\0"), which no path may hold')])
def test_an_empty_path_or_one_with_a_nul_is_one_error_at_its_line(tmp_path: Path, key: str, value: str, code: str,
                                                                   message: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"title: A review\n{key}: {value}\n")
    config, diagnostics = load_config(tmp_path)
    kind = "folder" if key.endswith("_dir") else "file"
    default = getattr(Config(root=tmp_path), key)
    assert [(d.severity, d.code, d.line, d.column, d.message, d.hint) for d in diagnostics] == [
        ("error", code, 2, len(key) + 3, f'setting "{key}" {message}',
         f"name the {kind}, e.g. {key}: {default}, or leave the setting out")]
    assert getattr(config, key) == default, "the rest of the check uses the default, not the review's folder"


@pytest.mark.parametrize(("written", "code", "column"), [
    ('templates_dir: "C:\\new"', "yaml-escape", 16), ('title: "\\alpha hashing"', "yaml-escape", 8),
    ("title: !draft Hashing", "yaml-tag", 8), ("list_limit: !!python/int 3", "yaml-tag", 13)])
def test_a_setting_yaml_refuses_is_told_once(tmp_path: Path, written: str, code: str, column: int) -> None:
    # The value YAML's check refused was read as empty: a second error at the same place said the setting "must be
    # text, got an empty value", which it was not
    (tmp_path / "l2h.yml").write_text(f"search: true\n{written}\n", encoding="utf-8")
    config, diagnostics = load_config(tmp_path)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [(code, 2, column)]
    assert config.search and config.title == Config(root=tmp_path).title


@pytest.mark.parametrize("key", ["papers_dir", "taxonomy", "templates_dir", "static_dir", "output_dir", "resources",
                                 "contributing"])
@pytest.mark.parametrize(("written", "shown", "fix"), [
    ("{key}: |\n  extra", '"extra\\n"',
     "write the path after the colon, on the setting's own line, without | or >: {key}: extra"),
    ("{key}: >\n  extra\n\n  more", '"extra\\nmore\\n"', "write one path on one line, e.g. {key}: {default}"),
], ids=["one line", "two lines"])
def test_a_path_written_as_a_block_is_one_error_at_its_line(tmp_path: Path, key: str, written: str, shown: str,
                                                            fix: str) -> None:
    # The line break YAML keeps at a block's end was part of the path: "the papers folder papers\x0a/ does not exist",
    # told of no line of l2h.yml
    (tmp_path / "l2h.yml").write_text(f"title: A review\n{written.format(key=key)}\nsearch: true\n")
    config, diagnostics = load_config(tmp_path)
    default = getattr(Config(root=tmp_path), key)
    message = f'setting "{key}" holds a line break ({shown}), which no path of l2h may hold'
    assert [(d.severity, d.code, d.line, d.column, d.message, d.hint) for d in diagnostics] == [
        ("error", "config-path", 2, len(key) + 3, message, fix.format(key=key, default=default))]
    assert getattr(config, key) == default, "the rest of the check uses the default"


@pytest.mark.parametrize("key", ["papers_dir", "taxonomy", "templates_dir", "static_dir", "output_dir", "resources",
                                 "contributing"])
@pytest.mark.parametrize(("written", "fix"), [
    ("{key}: extra\n  more", ("write the path on one line, e.g. {key}: extra; if line 3 was meant as another "
                               "setting, un-indent it and start it with the setting's name and a colon")),
    ('{key}: "extra\n  more"', 'write the path on one line: {key}: "extra more"'),
], ids=["plain", "quoted"])
def test_a_path_written_over_two_lines_is_one_error_at_its_line(tmp_path: Path, key: str, written: str,
                                                                fix: str) -> None:
    # YAML joins the lines: l2h used a folder named "extra more"
    (tmp_path / "l2h.yml").write_text(f"title: A review\n{written.format(key=key)}\nsearch: true\n")
    config, diagnostics = load_config(tmp_path)
    assert [(d.severity, d.code, d.line, d.column, d.message, d.hint) for d in diagnostics] == [
        ("error", "config-path-lines", 2, len(key) + 3,
         f'setting "{key}" is written over 2 lines, which YAML joins into one path, "extra more"', fix.format(key=key))]
    assert getattr(config, key) == getattr(Config(root=tmp_path), key), "the rest of the check uses the default"


@pytest.mark.parametrize(("written", "path", "fix"), [
    ("papers_dir: papers\n\n  extra", "papers\\nextra", ("write the path on one line, e.g. papers_dir: papers; if line 4 "
                                                       "was meant as another setting, un-indent it and start it with "
                                                       "the setting's name and a colon")),
    ("papers_dir: papers\n  extra\n\n  more", "papers extra\\nmore",
     ("write the path on one line, e.g. papers_dir: papers; if lines 3 and 5 were meant as other settings, un-indent "
      "each and start it with the setting's name and a colon")),
    ('papers_dir: "my\n\n  papers"', "my\\npapers", 'write the path on one line: papers_dir: "my papers"'),
], ids=["a blank line", "lines apart", "quoted"])
def test_a_blank_line_in_a_path_written_over_lines_is_not_taken_for_a_setting(tmp_path: Path, written: str, path: str,
                                                                             fix: str) -> None:
    """A blank line inside the value (which YAML reads as a line break) was counted among the lines "meant as other
    settings", and a quoted path so broken was told to be written as "my\\npapers", with the line break."""
    (tmp_path / "l2h.yml").write_text(f"title: A review\n{written}\nsearch: true\n")
    _, diagnostics = load_config(tmp_path)
    lines = written.count("\n") + 1
    assert [(d.code, d.line, d.message, d.hint) for d in diagnostics] == [
        ("config-path-lines", 2, (f'setting "papers_dir" is written over {lines} lines, which YAML joins into one '
                                  f'path, "{path}"'), fix)]


@pytest.mark.parametrize("written", ["papers_dir: my papers", 'papers_dir: "my papers"', "papers_dir:\n  my papers",
                                     "papers_dir: >-\n  my papers"])
def test_a_path_on_one_line_is_read_as_written(tmp_path: Path, written: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"{written}\ntitle: A review\n")
    config, diagnostics = load_config(tmp_path)
    assert diagnostics == [] and config.papers_dir == "my papers"


@pytest.mark.parametrize("value", ["..", "/etc", "../papers", "papers/../..", "./../shared"])
def test_a_papers_dir_outside_the_review_is_one_error_at_its_line(tmp_path: Path, value: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"title: A review\npapers_dir: {value}\n")
    config, diagnostics = load_config(tmp_path)
    assert [(d.severity, d.code, d.line, d.column, d.message) for d in diagnostics] == [
        ("error", "config-papers-dir", 2, 13, (f'papers_dir "{value}" is outside the review\'s folder: l2h reads papers '
                                               "from a folder inside it (their pages link to them in the repository)"))]
    assert config.papers_dir == "papers"


@pytest.mark.parametrize("value", ["papers", "content/papers", "papers/../papers", "./papers", "..papers"])
def test_a_papers_dir_inside_the_review_is_fine(tmp_path: Path, value: str) -> None:
    (tmp_path / "l2h.yml").write_text(f"papers_dir: {value}\n")
    config, diagnostics = load_config(tmp_path)
    assert diagnostics == [] and config.papers_dir == value


def test_a_page_named_in_the_config_that_is_missing_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "l2h.yml").write_text("resources: links.md\ncontributing: docs\n")
    _, diagnostics = load_config(tmp_path)
    assert [(d.severity, d.code, d.line, d.column, d.message, d.hint) for d in diagnostics] == [
        ("warning", "config-page-missing", 1, 12, 'resources "links.md" does not exist, so the site has no Resources page',
         "create links.md (a markdown file: a # title line, then the page), or remove the setting"),
        ("warning", "config-page-missing", 2, 15, 'contributing "docs" is a folder, so the site has no Contributing page',
         "name its markdown file, e.g. contributing: docs/CONTRIBUTING.md, or remove the setting")]
    (tmp_path / "links.md").write_text("# Links\n")
    (tmp_path / "docs" / "CONTRIBUTING.md").write_text("# Contributing\n")
    (tmp_path / "l2h.yml").write_text("resources: links.md\ncontributing: docs/CONTRIBUTING.md\n")
    assert load_config(tmp_path)[1] == []


def test_the_default_pages_may_be_missing_silently(tmp_path: Path) -> None:
    (tmp_path / "l2h.yml").write_text("title: A review\n")  # no resources.md, no CONTRIBUTING.md: no such pages
    assert load_config(tmp_path)[1] == []


# --- markup ----------------------------------------------------------------------------------

def test_math_survives_markdown_and_becomes_mathml() -> None:
    rendered = MarkdownRenderer().render("Points $\\{x_i\\}_{i=1}^n$ and $$\\|y\\|_2^2$$ here.\n$$\n\\sum_i x_i\n$$\nEnd.")
    html = rendered.html
    assert rendered.notes == ()
    assert html.count("<math") == 3
    assert html.count('display="block"') == 1 and "displaystyle" in html and "$" not in html
    assert "<mi>x</mi>" in html and "{" in html


def test_unreadable_math_is_shown_as_code_and_reported() -> None:
    rendered = MarkdownRenderer().render(r"Broken $\frac{1}{$ math")
    assert [(n.code, n.line, n.column, n.message) for n in rendered.notes] == [
        ("math-error", 1, 9, r"cannot read the math '\frac{1}{'; it is shown as code")]
    assert '<code class="math-error">' in rendered.html


def test_a_math_command_the_site_cannot_show_is_reported_with_the_command_meant() -> None:
    # all passed: the page showed "\lamda" as written, and left "\mathbbb" out (R, not ℝ)
    rendered = MarkdownRenderer().render("A $\\lamda$-weighted loss over\n$\\mathbbb{R}^d$, with $\\arg\\min_x f$ "
                                         "and $a \\\\ b$ and $\\lambda \\operatorname{sgn}$.")
    assert [(n.code, n.line, n.column, n.message, n.hint) for n in rendered.notes] == [
        ("math-error", 1, 4, "the math command \\lamda is not one the site can show: it is shown as written, or left out",
         "did you mean \\lambda?"),
        ("math-error", 2, 2, ("the math command \\mathbbb is not one the site can show: it is shown as written, or left "
         "out"), "did you mean \\mathbb?"),
        ("math-error", 2, 24, "the math command \\arg is not one the site can show: it is shown as written, or left out",
         "check its spelling, or write it another way (\\operatorname{name} for the name of an operator)")]
    assert rendered.html.count("<math") == 5  # each is still shown as MathML


def test_math_whose_braces_are_not_in_pairs_is_reported() -> None:
    # latex2mathml showed the stray "}" as text (<mi>}</mi>) and closed the "{" itself: no warning
    rendered = MarkdownRenderer().render("We use $\\frac{1}{2}}$ here,\nand $\\frac{1}{2$ and $\\{x\\}$ and $a_{i}$.")
    assert [(n.code, n.line, n.column, n.message, n.hint) for n in rendered.notes] == [
        ("math-error", 1, 9, "the math '\\frac{1}{2}}' has a '}' that closes no '{'",
         "check the LaTeX: each { needs its } (write \\{ and \\} for braces to show)"),
        ("math-error", 2, 6, "the math '\\frac{1}{2' has a '{' that is never closed",
         "check the LaTeX: each { needs its } (write \\{ and \\} for braces to show)")]


def test_unreadable_math_is_reported_where_it_is_written() -> None:
    rendered = MarkdownRenderer().render("First line $x$.\n\nThen display math\n$$\n\\frac{a}{\n$$\nand more.")
    assert [(n.code, n.line, n.column) for n in rendered.notes] == [("math-error", 5, 1)]
    assert "cannot read the math '\\frac{a}{'" in rendered.notes[0].message


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>', "[x](javascript:alert(1))", "![x](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>', '<a href="&#106;avascript:alert(1)">x</a>',
    "<!-- <script>alert(1)</script> -->", r"$\text{</script><script>alert(1)</script>}$",
])
def test_hostile_markup_is_neutralised(markdown: str) -> None:
    html = MarkdownRenderer().render(markdown).html
    lowered = html.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "onload" not in lowered
    assert "javascript:" not in lowered and "<iframe" not in lowered and "<img" not in lowered


def test_http_links_survive_with_safe_rel() -> None:
    html = MarkdownRenderer().render("[code](https://github.com/x/y)").html
    assert 'href="https://github.com/x/y"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_relative_links_only_in_trusted_pages() -> None:
    assert "href" not in MarkdownRenderer().render("[p](../papers/)").html
    assert 'href="../papers/"' in MarkdownRenderer(trusted=True).render("[p](../papers/)").html
    assert "javascript" not in MarkdownRenderer(trusted=True).render("[p](javascript:x)").html


def test_title_rendering_escapes_and_keeps_math() -> None:
    html = render_inline(r"Learning $\ell_p$ <b>codes</b>")
    assert html.startswith('Learning <span class="math-inline"><math') and "&lt;b&gt;codes&lt;/b&gt;" in html
    assert plain_text(r"Learning $\ell_p$ codes") == r"Learning \ell_p codes"
    assert sanitise('<a href="javascript:x" onclick="y">z</a>') == "z"  # its words, not a link to nothing


# --- keys ------------------------------------------------------------------------------------

@pytest.mark.parametrize("authors, year, title, key", [
    (["Yair Weiss"], 2008, "Spectral Hashing", "weiss2008spectral"),
    (["Tim Kraska"], 2018, "The Case for Learned Index Structures", "kraska2018case"),
    (["Hervé Jégou"], 2011, "Product Quantization for Nearest Neighbor Search", "jegou2011product"),
    (["Mayur Datar"], 2004, "Locality-Sensitive Hashing Scheme Based on p-Stable Distributions", "datar2004locality"),
    (["Andrei Z. Broder"], 1997, "On the Resemblance and Containment of Documents", "broder1997resemblance"),
])
def test_derive_key(authors: list[str], year: int, title: str, key: str) -> None:
    assert derive_key(authors, year, title) == key


# --- writer ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["../x.html", "/etc/passwd", "a/../../b", "a\\b", "con/index.html", "C:/x", "a//b", ""])
def test_unsafe_output_paths_are_refused(path: str) -> None:
    assert check_page_paths([RenderedPage(path, b"")]) != []


def test_case_and_unicode_collisions_are_refused() -> None:
    pages = [RenderedPage("tags/a/index.html", b""), RenderedPage("tags/A/index.html", b""),
             RenderedPage("publications/caf\u00e9/index.html", b""), RenderedPage("publications/cafe\u0301/index.html", b"")]
    assert len(check_page_paths(pages)) == 2


def test_interrupted_build_leftovers_are_cleaned(tmp_path: Path) -> None:
    root = tmp_path / "review"
    root.mkdir()
    leftover = tmp_path / "._site.l2h-tmp-999999"
    leftover.mkdir()
    (leftover / MARKER).write_text("")
    (leftover / "half.html").write_text("half")
    with SiteWriter(tmp_path / "_site", root) as writer:
        writer.add(RenderedPage("index.html", b"ok"))
        writer.commit()
    assert not leftover.exists()
    assert (tmp_path / "_site" / "index.html").read_bytes() == b"ok"
