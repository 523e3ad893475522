"""A maintainer's mistakes on the command line: each gets one clear message naming the fix, and `l2h check`
fails where `l2h build` would."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_PAPER, MINIMAL_TAXONOMY, git, snapshot

from l2h_site import build
from l2h_site.cli import main

Site = Callable[[dict[str, "str | bytes"]], Path]

INCOMPLETE = GOOD_PAPER.replace("Yair Weiss, Antonio Torralba, Rob Fergus", "Yair Weiss et al.")


@pytest.mark.parametrize("command", [["build"], ["check"], ["new", "--title", "Spectral Hashing"]])
def test_a_subfolder_of_the_review_is_refused_with_the_way_out(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: R\n"})
    monkeypatch.chdir(root / "papers")
    assert main(command) == 2
    assert capsys.readouterr() == ("", (f"l2h: error: this folder is inside the review at {root}, which l2h reads "
                                       "from its top (it holds no l2h.yml, taxonomy.yml or papers/ here): run l2h "
                                       "there, or add --root ..\n"))
    assert not (root / "papers" / "_site").exists()
    if command[0] != "new":
        assert main([command[0], "--root", ".."]) == 0  # the way out it names works


@pytest.mark.parametrize("command", ["build", "check", "schema"])
def test_a_subfolder_of_the_review_given_as_root_is_refused_with_the_root_to_give(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: R\n"})
    monkeypatch.chdir(root)
    assert main([command, "--root", "papers"]) == 2  # not an error for every paper, "move it to papers/papers/"
    assert capsys.readouterr() == ("", ("l2h: error: --root papers is inside the review at "
                                       f"{root}, which l2h reads from its top (it holds no l2h.yml, taxonomy.yml or "
                                       "papers/ there): give --root .\n"))
    assert not (root / "papers" / ".l2h-cache").exists() and not (root / "papers" / "_site").exists()
    assert main([command, "--root", "."]) == 0  # the way out it names works


@pytest.mark.parametrize("command", [["import", "jekyll", "old"], ["import", "bibtex", "refs.bib"],
                                     ["new", "--title", "Spectral Hashing", "--authors", "Yair Weiss", "--year", "2008"]])
def test_a_subfolder_of_the_review_given_as_root_to_new_or_import_is_refused_before_writing_there(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """As in papers/ without --root: a Jekyll import wrote papers/papers/ and papers/taxonomy.proposed.yml, and new
    and a BibTeX import said that taxonomy.yml was missing or broken and to run `l2h check`."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: R\n",
                 "old/_publications/lee2020deep.markdown": "---\ntitle: Deep Codes\nauthors: Ann Lee\nyear: 2020\n"
                                                           "tags: [Image Retrieval]\n---\nText.\n",
                 "refs.bib": "@article{lee, title={Deep Codes}, author={Lee, Ann}, year={2020}}\n"})
    monkeypatch.chdir(root)
    before = sorted(p.name for p in (root / "papers").iterdir())
    assert main([*command, "--root", "papers"]) == 2
    assert capsys.readouterr() == ("", ("l2h: error: --root papers is inside the review at "
                                       f"{root}, which l2h reads from its top (it holds no l2h.yml, taxonomy.yml or "
                                       "papers/ there): give --root .\n"))
    assert sorted(p.name for p in (root / "papers").iterdir()) == before


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_subfolder_with_config_naming_the_review_is_not_refused(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: R\n"})
    monkeypatch.chdir(root / "papers")
    assert main([command, "--config", "../l2h.yml"]) == 0  # the config names the review's folder, as --root does
    assert "inside the review" not in capsys.readouterr().err
    assert not (root / "papers" / "_site").exists()


@pytest.mark.parametrize("command", ["build", "check"])
def test_root_with_a_config_file_of_another_folder_is_refused_not_ignored(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: R\n"})
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    (elsewhere / "ci.yml").write_text("title: From CI\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert main([command, "--root", str(root), "--config", "ci.yml"]) == 2
    assert capsys.readouterr() == ("", (f"l2h: error: --config ci.yml is not in the folder --root names ({root}): "
                                       "l2h reads the review from the folder of its config file; put the file in "
                                       f"{root} and give --config {root / 'ci.yml'}, or leave out --root to build "
                                       "the review in .\n"))
    assert not (elsewhere / "_site").exists() and not (root / "_site").exists()
    (root / "ci.yml").write_text("title: From CI\n", encoding="utf-8")
    assert main([command, "--root", str(root), "--config", str(root / "ci.yml")]) == 0  # the way out it names works


def test_a_text_setting_left_empty_or_read_as_a_list_gets_a_fix_that_fits(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title:\ntagline: [Draft, Hashing]\n"})
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out == (
        'l2h.yml:1:7: error[config-type]: setting "title" must be text, got an empty value\n'
        '  help: write the title after "title:", or leave the setting out\n'
        'l2h.yml:2:10: error[config-type]: setting "tagline" must be text, got a list\n'
        '  help: write the tagline as one line of text, in quotes if it starts with [ or {: tagline: "[Draft] ..."\n'
        "2 error(s), 0 warning(s) in 1 file\n")


def test_a_path_or_address_read_as_a_list_gets_a_fix_for_it_not_the_titles(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the title's fix ('papers_dir: "[Draft] ..."'), followed literally, named a folder "[Draft] ..."
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER,
                 "l2h.yml": "papers_dir: [papers]\nbase_url: [https://a.example/, https://b.example/]\n"})
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out == (
        'l2h.yml:1:13: error[config-type]: setting "papers_dir" must be text, got a list\n'
        "  help: write it without brackets: papers_dir: papers\n"
        'l2h.yml:2:11: error[config-type]: setting "base_url" must be text, got a list\n'
        "  help: write one value as text, without brackets or braces\n"
        "2 error(s), 0 warning(s) in 1 file\n")


def test_a_path_setting_with_an_indented_line_below_is_an_error_not_a_folder_named_by_both(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # YAML reads the two lines as "_site public": l2h built the site into a folder of that name, and said nothing
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "output_dir: _site\n  public\n"})
    assert main(["build", "--root", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        ('l2h.yml:1:13: error[config-path-lines]: setting "output_dir" is written over 2 lines, which YAML joins into '
         'one path, "_site public"'),
        ("  help: write the path on one line, e.g. output_dir: _site; if line 2 was meant as another setting, un-indent "
         "it and start it with the setting's name and a colon")]
    assert not (root / "_site public").exists() and not (root / "_site").exists()
    (root / "l2h.yml").write_text("output_dir: _site\n", encoding="utf-8")  # the fix it names
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert (root / "_site" / "index.html").is_file()


def test_a_quoted_path_with_a_space_is_the_folder_it_names(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"my papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": 'papers_dir: "my papers"\n'})
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert (root / "_site" / "publications" / "weiss2008spectral" / "index.html").is_file()


def test_strict_says_that_it_failed_the_build_for_a_warning(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": INCOMPLETE})
    assert main(["build", "--root", str(root), "--strict", "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "0 error(s), 1 warning(s) in 1 file",
        "l2h: build failed (--strict counts the warning as an error); no site was written"]
    assert main(["check", "--root", str(root), "--strict"]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "0 error(s), 1 warning(s) in 1 file", "l2h: check failed: --strict counts the warning as an error"]
    assert main(["check", "--root", str(root)]) == 0
    assert "--strict" not in capsys.readouterr().out


@pytest.mark.parametrize(("command", "said"), [
    ("build", "--out OUT output folder (default: output_dir in l2h.yml, else _site)"),
    ("import bibtex", "Add one paper per BibTeX entry of a .bib file, skipping those already present"),
    ("import jekyll", "Migrate a Jekyll review's _publications/ into papers/, proposing its tags for taxonomy.yml")])
def test_help_says_what_the_command_does_and_the_defaults_as_they_are(
        command: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--out's default is l2h.yml's output_dir (it said _site); an import's own --help said nothing of what it does."""
    assert main([*command.split(), "--help"]) == 0
    assert said in " ".join(capsys.readouterr().out.split())


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["--help"], ["build", "--help"], ["check", "--help"]):
        assert main(command) == 0
        assert ("exit codes: 0 success, 1 problems in the content, 2 usage or environment errors, 130 interrupted, "
                "141 what reads the output stopped reading it, 143 stopped by SIGTERM"
                ) in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_missing_templates_or_static_folder_fails_check_and_build_alike(
        site: Site, capsys: pytest.CaptureFixture[str], command: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "templates_dir: tmpl\nstatic_dir: assets\n"})
    assert main([command, "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert (out + err).splitlines()[:5] == [
        "assets: error[static-missing]: the static folder assets/ does not exist",
        "  help: restore it (git checkout -- assets), or set static_dir in l2h.yml",
        "tmpl: error[template-missing]: the templates folder tmpl/ does not exist",
        "  help: restore it (git checkout -- tmpl), or set templates_dir in l2h.yml",
        "2 error(s), 0 warning(s) in 2 files"]


def test_check_reports_a_missing_template_as_the_build_does(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    (root / "templates" / "paper.html").unlink()
    expected = ["templates/paper.html: error[template-missing]: template paper.html does not exist",
                "  help: restore paper.html in templates/", "1 error(s), 0 warning(s) in 1 file"]
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == expected
    assert main(["build", "--root", str(root), "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[:3] == expected


@pytest.mark.parametrize("command", ["build", "check"])
def test_page_and_redirect_templates_are_needed_only_by_a_review_that_renders_them(
        site: Site, capsys: pytest.CaptureFixture[str], command: str) -> None:
    """A review without resources.md, CONTRIBUTING.md and former keys renders no page.html or redirect.html: its own
    templates folder may lack them. Once it has what they render, check and build fail alike, naming what needs it."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    (root / "templates/page.html").unlink()
    (root / "templates/redirect.html").unlink()
    args = [command, "--root", str(root)] + (["-q"] if command == "build" else [])
    assert main(args) == 0
    capsys.readouterr()
    (root / "resources.md").write_text("# Resources\n\nBooks.\n", encoding="utf-8")
    (root / "papers/weiss2008spectral.md").write_text(
        GOOD_PAPER.replace("year: 2008\n", "year: 2008\nformer_keys: [weiss2008hashing]\n"), encoding="utf-8")
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert (out + err).splitlines()[:5] == [
        ("templates/page.html: error[template-missing]: template page.html does not exist; resources.md needs it for "
         "its page"),
        "  help: restore page.html in templates/",
        ("templates/redirect.html: error[template-missing]: template redirect.html does not exist; "
         "papers/weiss2008spectral.md needs it for the redirect from its former key"),
        "  help: restore redirect.html in templates/",
        "2 error(s), 0 warning(s) in 2 files"]



def _built_site(site: Site, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, bytes]]:
    """A review built once: its root and what its _site holds."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main(["build", "--root", str(root), "-q"]) == 0
    capsys.readouterr()
    return root, snapshot(root / "_site")


def _fails_check_and_build_alike(root: Path, site_before: dict[str, bytes], capsys: pytest.CaptureFixture[str],
                                 expected: list[str]) -> None:
    """`l2h check` and `l2h build` both fail with the expected lines, and the build leaves the last site as it was."""
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == expected
    assert main(["build", "--root", str(root), "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[:len(expected)] == expected
    assert snapshot(root / "_site") == site_before


def test_a_mistyped_extends_is_reported_at_its_line_with_the_name_meant(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """It was reported at templates/bas.html, with "restore bas.html" (a file that never was), by the build only."""
    root, before = _built_site(site, capsys)
    paper = root / "templates" / "paper.html"
    first, rest = paper.read_text(encoding="utf-8").split("\n", 1)
    assert first == '{% extends "base.html" %}'
    paper.write_text('{% extends "bas.html" %}\n' + rest, encoding="utf-8")
    _fails_check_and_build_alike(root, before, capsys, [
        'templates/paper.html:1:12: error[template-missing]: extends "bas.html", which does not exist',
        '  help: did you mean "base.html"?',
        "1 error(s), 0 warning(s) in 1 file"])


def test_an_include_of_a_missing_template_is_found_by_check_at_its_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root, before = _built_site(site, capsys)
    home = root / "templates" / "home.html"
    text = home.read_text(encoding="utf-8")
    home.write_text(text + '<p>{% include "nope.html" %}</p>\n', encoding="utf-8")
    line = text.count("\n") + 1
    _fails_check_and_build_alike(root, before, capsys, [
        f'templates/home.html:{line}:15: error[template-missing]: includes "nope.html", which does not exist',
        "  help: create templates/nope.html, or name a template that templates/ has",
        "1 error(s), 0 warning(s) in 1 file"])
    home.write_text(text + '<p>{% include "nope.html" ignore missing %}</p>\n', encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 0  # what it asks for: nothing if there is none


def test_imports_of_missing_templates_are_told_apart_and_each_reported_once(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A statement of each kind, in a template no page is rendered from directly (_macros.html, which pages import):
    each at its own line and column, once, though many pages would meet it."""
    root, before = _built_site(site, capsys)
    macros = root / "templates" / "_macros.html"
    text = macros.read_text(encoding="utf-8")
    macros.write_text('{% import "card.html" as c %}{% from "templates/_map.html" import topic_map %}\n'
                      '{% from "../nope.html" import map_svg %}{% import "macros.html" as m %}\n' + text,
                      encoding="utf-8")
    _fails_check_and_build_alike(root, before, capsys, [
        'templates/_macros.html:1:11: error[template-missing]: imports "card.html", which does not exist',
        '  help: did you mean "_card.html"?',
        ('templates/_macros.html:1:38: error[template-missing]: imports from "templates/_map.html", which does not '
         "exist"),
        '  help: did you mean "_map.html"?',
        'templates/_macros.html:2:9: error[template-missing]: imports from "../nope.html", which does not exist',
        "  help: name a template of templates/ by its path in that folder",
        # not the template itself, which would import itself
        'templates/_macros.html:2:51: error[template-missing]: imports "macros.html", which does not exist',
        "  help: create templates/macros.html, or name a template that templates/ has",
        "4 error(s), 0 warning(s) in 1 file"])

def test_an_alias_that_is_another_tag_says_which_alias_to_delete(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    taxonomy = MINIMAL_TAXONOMY.replace("    aliases: [Transformer]\n", "    aliases: [Transformer, Quantisation]\n")
    taxonomy += "  Streams:\n    description: Data streams.\n    aliases: [Transformer]\n"
    taxonomy += "  Online:\n    description: Updated online.\n    aliases: [Image retrieval]\n"
    taxonomy += "  Batch:\n    description: Learned at once.\n    aliases: [transformer]\n"
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "taxonomy.yml": taxonomy})
    assert main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[6:8] == [  # an alias spelt otherwise than the other tag's: each is named as written
        ("taxonomy.yml:32:15: error[tag-alias-clash]: alias 'transformer' of tag 'Batch' is a variant spelling of "
         "alias 'Transformer' of tag 'Transformers'"),
        ("  help: delete 'transformer' from the aliases of 'Batch', or 'Transformer' from those of 'Transformers': a "
         "spelling can stand for one tag only")]
    assert out[:6] + out[8:10] == [
        "taxonomy.yml:22:3: error[tag-alias-clash]: tag 'Quantisation' is an alias of tag 'Transformers' (line 21)",
        ("  help: delete 'Quantisation' from the aliases of 'Transformers', or delete tag 'Quantisation', whose papers "
         "are then shown under 'Transformers': a spelling can stand for one tag only"),
        ("taxonomy.yml:26:15: error[tag-alias-clash]: alias 'Transformer' of tag 'Streams' is also an alias of tag "
        "'Transformers'"),
        ("  help: delete 'Transformer' from the aliases of 'Streams' or of 'Transformers': a spelling can stand for one "
        "tag only"),
        ("taxonomy.yml:29:15: error[tag-alias-clash]: alias 'Image retrieval' of tag 'Online' is a variant spelling of "
        "tag 'Image Retrieval'"),
        "  help: delete 'Image retrieval' from the aliases of 'Online': a spelling can stand for one tag only",
        "4 error(s), 0 warning(s) in 1 file",
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again"]


def test_output_dir_under_the_home_folder_is_not_a_folder_named_tilde(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "output_dir: '~/public'\n"})
    assert main(["build", "--root", str(root), "-q"]) == 0
    assert (home / "public" / "index.html").is_file()
    assert not (root / "~").exists()
    (root / "l2h.yml").write_text("output_dir: '~'\n", encoding="utf-8")
    assert main(["build", "--root", str(root), "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"l2h.yml:1:13: error[config-output-dir]: output_dir \"~\": refusing to write the site to {home}: it would "
        "replace your home folder; choose an empty or new folder such as _site")
    assert sorted(p.name for p in home.iterdir()) == ["public"]


def test_a_home_folder_that_does_not_exist_is_named_not_a_traceback(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "output_dir: ~l2h-no-such-user/site\n"})
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        ('l2h.yml:1:13: error[config-output-dir]: output_dir "~l2h-no-such-user/site": there is no home folder '
         "~l2h-no-such-user"), "  help: set output_dir to a folder of its own, such as _site"]
    (root / "l2h.yml").unlink()
    assert main(["build", "--root", str(root), "--out=~l2h-no-such-user/site"]) == 2
    assert capsys.readouterr().err == ("l2h: error: cannot write the site to ~l2h-no-such-user/site: there is no home "
                                       "folder ~l2h-no-such-user; give --out another folder\n")


def test_serve_reads_out_as_build_does(site: Site, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """'--out=~/site' (which the shell leaves as it is) is the home folder's site for l2h serve too, never a folder
    named '~'; a home folder that does not exist is a usage error."""
    from l2h_site import serve

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    served: list[Path | None] = []
    monkeypatch.setattr(serve, "serve", lambda *args, out_dir=None, **kwargs: served.append(out_dir))
    assert main(["serve", "--root", str(root), "--out=~/l2h-site"]) == 0
    assert served == [Path.home() / "l2h-site"]
    assert main(["serve", "--root", str(root), "--out=~l2h-no-such-user/site"]) == 2
    assert "there is no home folder ~l2h-no-such-user" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "check", "serve", "new", "import", "import bibtex", "import jekyll",
                                     "schema"])
def test_every_command_s_help_lists_the_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command.split(), "--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())  # as argparse wraps it to the terminal's width
    # Ctrl-C is how a server is stopped, not a failure: l2h serve then exits with 0
    interrupted = ("; Ctrl-C or SIGTERM stops the server with 0" if command == "serve" else
                   ", 130 interrupted, 141 what reads the output stopped reading it, 143 stopped by SIGTERM")
    assert f"exit codes: 0 success, 1 problems in the content, 2 usage or environment errors{interrupted}" in said


@pytest.mark.parametrize(("written", "proposed"), [("learning2hash.github.io", "https://learning2hash.github.io/"),
                                                   ("//example.org/review", "https://example.org/review/")])
def test_a_base_url_without_its_scheme_gets_the_address_to_write(
        site: Site, capsys: pytest.CaptureFixture[str], written: str, proposed: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": f"base_url: {written}\n"})
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        f'l2h.yml:1:11: error[config-base-url]: base_url "{written}" is not an http(s) URL',
        f"  help: write the absolute address: base_url: {proposed}"]


@pytest.mark.parametrize(("written", "shown", "problem", "fix"), [
    ("https://deploy:s3cret@example.org/review/", "https://deploy:***@example.org/review/",
     "holds a user name or password, which every page of the site would publish",
     "write the site's address without it: base_url: https://example.org/review/"),
    ("https://deploy@example.org", "https://deploy@example.org",
     "holds a user name or password, which every page of the site would publish",
     "write the site's address without it: base_url: https://example.org/"),
    ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/", "writes its scheme in capitals",
     "write the scheme in lowercase: base_url: https://EXAMPLE.ORG/"),
])
def test_a_base_url_with_a_password_or_a_scheme_in_capitals_is_refused_with_the_address_to_write(
        site: Site, capsys: pytest.CaptureFixture[str], written: str, shown: str, problem: str, fix: str) -> None:
    """A password in base_url went into the sitemap, the feed, canonical links and JSON-LD of every page; the error
    does not print it either (CI logs are often public)."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": f"base_url: {written}\n"})
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        f'l2h.yml:1:11: error[config-base-url]: base_url "{shown}" {problem}', f"  help: {fix}"]
    assert main(["build", "--root", str(root)]) == 1
    assert not (root / "_site").exists() and "s3cret" not in "".join(capsys.readouterr())


def test_a_config_folder_is_a_usage_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "title: T\n"})
    assert main(["check", "--config", str(root)]) == 2
    assert capsys.readouterr() == ("", (f"l2h: error: config file {root} is a folder; name the file: "
                                       f"--config {root / 'l2h.yml'}\n"))
    (root / "templates").mkdir(exist_ok=True)  # a folder without an l2h.yml: no file of that name to propose
    assert main(["check", "--config", str(root / "templates")]) == 2
    assert capsys.readouterr() == ("", (f"l2h: error: config file {root / 'templates'} is a folder, with no l2h.yml "
                                       "in it; name the review's config file, e.g. --config l2h.yml, or give the "
                                       "review's folder as --root\n"))


def test_an_out_folder_inside_a_file_is_refused_as_such(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It was the raw "File exists (…)" of the mkdir."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    (tmp_path / "afile").write_text("x")
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "afile" / "sub")]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: refusing to write the site to {tmp_path / 'afile' / 'sub'}: it is inside {tmp_path / 'afile'}, "
        "which is a file, not a folder; give --out a folder, such as _site\n")


def test_a_tag_renamed_since_the_last_commit_proposes_its_new_name_and_an_alias(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "review")
    taxonomy = root / "taxonomy.yml"
    taxonomy.write_text(MINIMAL_TAXONOMY.replace("  Image Retrieval:\n", "  Image Search:\n"), encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "Image Retrieval" is not in taxonomy.yml',
        ('  help: taxonomy.yml renamed it "Image Search" since the last commit: write "Image Search", or keep the old '
        'name working by listing it under "Image Search": aliases: [Image Retrieval]')]
    taxonomy.write_text(MINIMAL_TAXONOMY.replace("  Image Retrieval:\n    description: Retrieval of images.\n", ""),
                        encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[1] == (
        "  help: taxonomy.yml had it in the last commit: if it was renamed, list the old name under the new tag's "
        "aliases: aliases: [Image Retrieval]; else use a tag listed in taxonomy.yml, or propose a new one there with "
        "a description")
    taxonomy.write_text(MINIMAL_TAXONOMY.replace("    aliases: [Transformer]\n", "    aliases: [Transformer, Image Retrieval]\n")
                        .replace("  Image Retrieval:\n    description: Retrieval of images.\n", ""), encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 0  # the old name kept as an alias: nothing to propose


def test_a_renamed_tag_that_yaml_must_quote_is_quoted_in_the_alias_proposed(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """The alias in the fix is written as YAML reads it back: 'Retrieval: Images' in a flow list needs quotes."""
    taxonomy = MINIMAL_TAXONOMY.replace("  Image Retrieval:\n", '  "Retrieval: Images":\n')
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER.replace("[Image Retrieval]", '["Retrieval: Images"]'),
                 "taxonomy.yml": taxonomy})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "review")
    (root / "taxonomy.yml").write_text(taxonomy.replace('  "Retrieval: Images":\n', "  Image Search:\n"),
                                       encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().out.splitlines()[1] == (
        '  help: taxonomy.yml renamed it "Image Search" since the last commit: write "Image Search", or keep the old '
        'name working by listing it under "Image Search": aliases: ["Retrieval: Images"]')


def test_git_is_asked_for_renamed_tags_only_when_a_tag_is_not_in_the_taxonomy(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last commit's taxonomy is read (a git process, each build and each l2h serve rebuild) only for the hint
    of an unknown tag."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "review")
    asked: list[Path] = []
    real = build.renamed_tags

    def spy(path: Path, tags: Any) -> tuple[tuple[str, str], ...]:
        asked.append(path)
        found: tuple[tuple[str, str], ...] = real(path, tags)
        return found

    monkeypatch.setattr(build, "renamed_tags", spy)
    assert main(["check", "--root", str(root)]) == 0
    assert asked == []
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER.replace("Image Retrieval", "Image Retreival"),
                                                          encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    assert asked == [root / "taxonomy.yml"]


def test_a_full_disk_under_a_new_site_says_no_site_was_written(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    real_write = Path.write_bytes

    def full(path: Path, data: bytes) -> int:  # as a disk that fills up under the first pages
        if path.name == "index.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["build", "--root", str(root), "-q", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"l2h: error: cannot write the site to {root / '_site'}: No space left on device (")
    assert err.endswith("); no site was written; free space on that disk, or give --out a folder on another one\n")
    assert sorted(p.name for p in root.iterdir()) == ["papers", "static", "taxonomy.yml", "templates"]
