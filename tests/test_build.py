"""Whole builds: the golden site, the repository's own site, determinism and atomic replacement."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, snapshot

from l2h_site.build import build
from l2h_site.cli import main

HERE = Path(__file__).parent
REPO = HERE.parent
GOLDEN = HERE / "sites" / "golden"




GOLDEN_WARNINGS = [("papers/doe2019learning.markdown", 18, 41, "summary-stripped"),
                   ("papers/doe2019learning.markdown", 18, 73, "summary-stripped")]
"""The golden site's legacy file has a hostile summary on purpose: the <script> and javascript: link it removes."""


def test_golden_site(tmp_path: Path) -> None:
    """Build tests/sites/golden and compare it file by file with its expected/ folder.

    After an intended change of output, regenerate with:

        L2H_REGENERATE=1 python -m pytest tests/test_build.py -k golden

    and review `git diff tests/sites/golden/expected` before committing.
    """
    out = tmp_path / "out"
    result = build(GOLDEN, out_dir=out, use_cache=False)
    assert [(d.path, d.line, d.column, d.code) for d in result.diagnostics if d.severity != "note"] == GOLDEN_WARNINGS
    assert result.written
    actual = snapshot(out)
    # The marker records the build's input fingerprint (versions, options): checked, not pinned.
    assert actual.pop(".l2h-site").startswith(b"This folder is written by l2h")
    # Static assets are copied verbatim: compared with their sources, not kept twice in expected/.
    static = {name: actual.pop(name) for name in sorted(actual) if name.startswith("static/")}
    assert static == {f"static/{name}": data for name, data in snapshot(REPO / "static").items()}
    expected_dir = GOLDEN / "expected"
    if os.environ.get("L2H_REGENERATE"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir, ignore=shutil.ignore_patterns(".l2h-site", "static"))
    expected = snapshot(expected_dir)
    assert sorted(actual) == sorted(expected), "the set of output files differs"
    for name in sorted(expected):
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].decode(errors="replace").splitlines(),
                                        actual[name].decode(errors="replace").splitlines(),
                                        f"expected/{name}", f"actual/{name}", lineterm="")
            pytest.fail(f"{name} differs from the golden copy:\n" + "\n".join(list(diff)[:80]))


def test_golden_site_reads_legacy_file_fully(tmp_path: Path) -> None:
    result = build(GOLDEN, out_dir=tmp_path / "out", use_cache=False)
    paper = next(p for p in result.check.papers if p.key == "doe2019learning")
    assert paper.title == "Learning $\\ell_p$ codes: a <b>legacy</b> file"
    assert paper.authors == ("Jane Doe", "John Roe")
    assert paper.venue == "arXiv"
    assert paper.tags == ("Transformers",)
    assert [(link.name, link.url) for link in paper.links] == [
        ("arXiv", "https://arxiv.org/abs/1901.00001"), ("Code", "https://arxiv.org/abs/1901.00001")]
    assert paper.extra == {"citations": 12}
    page = (tmp_path / "out" / "publications" / "doe2019learning" / "index.html").read_text()
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert "&lt;b&gt;legacy&lt;/b&gt;" in page
    assert "<math" in page


def test_repository_site_builds_clean_under_strict(tmp_path: Path) -> None:
    result = build(REPO, out_dir=tmp_path / "site", strict=True)
    problems = [d for d in result.diagnostics if d.severity != "note"]
    assert problems == [], "\n".join(f"{d.path}:{d.line}: {d.code}: {d.message}" for d in problems)
    assert result.written
    assert len(result.check.papers) >= 40
    for key in ("weiss2008spectral", "gong2011iterative", "jegou2011product", "indyk1998approximate"):
        assert (tmp_path / "site" / "publications" / key / "index.html").is_file()
    for page in ("index.html", "papers/index.html", "tags/index.html", "taxonomy/index.html", "404.html",
                 "sitemap.xml", "robots.txt", "resources/index.html", "contributing/index.html"):
        assert (tmp_path / "site" / page).is_file(), page


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build(REPO, out_dir=tmp_path / "site", strict=True, use_cache=False)
    a = snapshot(tmp_path / "site")
    second = build(REPO, out_dir=tmp_path / "site", strict=True, use_cache=False)
    b = snapshot(tmp_path / "site")
    assert first.written and second.written and not second.unchanged
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_rebuild_replaces_previous_site_and_removes_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(GOLDEN, out_dir=out, use_cache=False)
    (out / "stale.html").write_text("old")
    build(GOLDEN, out_dir=out, use_cache=False)
    assert not (out / "stale.html").exists()
    assert (out / ".l2h-site").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folders are left next to the site"


@pytest.mark.parametrize("options", [["--strict"], ["--no-cache"]])
def test_a_failed_build_reports_the_summaries_warnings_with_the_errors(
        site: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str], options: list[str]) -> None:
    # the summaries' warnings came only once the errors were fixed: a second round under --strict, which CI runs
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    before = snapshot(root / "_site")
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER + "<script>alert(1)</script>\n",
                 "papers/weiss2009spectral.md": GOOD_PAPER.replace("year: 2008", 'year: "2009"')})
    capsys.readouterr()
    assert main(["build", "--root", str(root), *options]) == 1
    assert capsys.readouterr().err == (
        "papers/weiss2008spectral.md:12:1: warning[summary-stripped]: <script> is not allowed in a summary and was "
        "removed with what it contains\n"
        "  help: summaries are plain prose with links and math: remove the <script>\n"
        "papers/weiss2009spectral.md:5:7: error[wrong-type]: year must be a whole number, got the text \"2009\"\n"
        "  help: write the year as a number without quotes: year: 2009\n"
        "1 error(s), 1 warning(s) in 2 files\n"
        "l2h: build failed; the previous site was left as it was\n")
    assert snapshot(root / "_site") == before


def test_refuses_to_replace_a_folder_l2h_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    code = main(["build", "--root", str(GOLDEN), "--out", str(out), "--no-cache"])
    assert code == 2
    assert "refusing to replace" in capsys.readouterr().err
    assert (out / "thesis.tex").read_text() == "precious"


def test_refuses_to_write_over_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "review"
    shutil.copytree(GOLDEN, root, ignore=shutil.ignore_patterns("expected"))
    (root / "l2h.yml").write_text("search: false\ntemplates_dir: " + str(REPO / "templates") +
                                  "\nstatic_dir: " + str(REPO / "static") + "\n")
    for target in (root, root / "papers", root.parent):
        code = main(["build", "--root", str(root), "--out", str(target)])
        assert code == 2, target
    err = capsys.readouterr().err
    assert "it would replace the project folder" in err
    assert "it overlaps" in err
    assert (root / "papers" / "weiss2008spectral.md").is_file()
