"""The command line's usage errors (exit 2, one line, no traceback), the paths and counts it prints, and what
`--format json` and `--format github` say besides the diagnostics."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, git

from l2h_site.cli import main

Site = Callable[[dict[str, "str | bytes"]], Path]

BAD_TAG = GOOD_PAPER.replace("[Image Retrieval]", "[Image Retreival]")
SECOND = GOOD_PAPER.replace("Spectral Hashing", "Iterative Quantization").replace(
    "Yair Weiss, Antonio Torralba, Rob Fergus", "Yunchao Gong, Svetlana Lazebnik").replace("2008", "2011")


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_config_file_named_but_missing_is_a_usage_error(
        site: Site, capsys: pytest.CaptureFixture[str], command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    monkeypatch.chdir(root)
    assert main([command, "--config", "nosuch.yml"]) == 2
    assert capsys.readouterr().err == "l2h: error: config file nosuch.yml does not exist\n"
    assert not (root / "_site").exists()


def test_the_default_config_file_stays_optional(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert not (root / "l2h.yml").exists()
    assert main(["check", "--root", str(root)]) == 0
    assert main(["build", "--root", str(root), "-q"]) == 0


@pytest.mark.parametrize("before", [["--root", "{root}"], ["--root={root}"], ["--root", "elsewhere", "--root", "{root}"]])
def test_root_given_before_the_command_is_the_command_s(site: Site, capsys: pytest.CaptureFixture[str],
                                                        before: list[str]) -> None:
    # "every command takes --root DIR": `l2h --root DIR check` was "unknown command 'DIR'"
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main([word.format(root=root) for word in before] + ["check"]) == 0
    assert capsys.readouterr().out == "l2h: 1 paper checked, no problems found\n"
    assert main(["--root", str(root)]) == 2
    assert capsys.readouterr().err.endswith(
        f"l2h: error: no command: give one with --root {root}, e.g. l2h build --root {root}\n")


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "80x"])
def test_a_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str], port: str) -> None:
    assert main(["serve", f"--port={port}"]) == 2
    assert capsys.readouterr().err.endswith(
        f"l2h serve: error: argument --port: '{port}' is not a port number: give one from 0 to 65535\n")


def test_schema_of_a_folder_that_does_not_exist_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent"
    assert main(["schema", "--root", str(missing)]) == 2
    assert capsys.readouterr() == ("", f"l2h: error: {missing} is not a folder\n")


def test_check_of_the_papers_folder_counts_its_papers(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/gong2011iterative.md": SECOND})
    monkeypatch.chdir(root)
    assert main(["check", "papers"]) == 0
    assert capsys.readouterr().out == "l2h: 2 papers checked, no problems found\n"
    assert main(["check", "papers/gong2011iterative.md"]) == 0
    assert capsys.readouterr().out == "l2h: 1 paper checked, no problems found\n"


def test_paths_are_printed_from_the_working_folder_when_the_review_is_inside_it(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = site({"papers/weiss2008spectral.md": BAD_TAG})
    expected = ("{}papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag \"Image Retreival\" is not in "
                "taxonomy.yml\n  help: did you mean \"Image Retrieval\"?\n1 error(s), 0 warning(s) in 1 file\n")
    monkeypatch.chdir(tmp_path)  # the folder above the review
    assert main(["check", "--root", root.name]) == 1
    assert capsys.readouterr().out == expected.format("review/")
    assert main(["build", "--root", root.name, "-q"]) == 1
    assert capsys.readouterr().err == expected.format("review/") + "l2h: build failed; no site was written\n"
    monkeypatch.chdir(root / "papers")  # a folder the review is not inside: paths from the review's root
    assert main(["check", "--root", ".."]) == 1
    assert capsys.readouterr().out == expected.format("")
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["diagnostics"][0]["path"] == "papers/weiss2008spectral.md"


def test_github_annotations_name_files_from_the_repository_root(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = site({"papers/weiss2008spectral.md": BAD_TAG})
    git(tmp_path, "init", "-q")  # the review is the folder review/ of the repository
    assert main(["check", "--root", str(root), "--format", "github"]) == 1
    assert capsys.readouterr().out == (
        "::error file=review/papers/weiss2008spectral.md,line=6,col=8,title=unknown-tag::tag \"Image Retreival\" "
        "is not in taxonomy.yml%0Adid you mean \"Image Retrieval\"?\n")


@pytest.mark.parametrize("summary", ["missing/dir/summary.md", "."])
def test_a_job_summary_that_cannot_be_written_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        summary: str) -> None:
    root = site({"papers/weiss2008spectral.md": BAD_TAG})
    target = tmp_path / summary
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert main(["check", "--root", str(root), "--format", "github"]) == 1, "the content's exit code, not a crash"
    out, err = capsys.readouterr()
    assert out.startswith("::error file=papers/weiss2008spectral.md,line=6,col=8,title=unknown-tag::")
    reason = "No such file or directory" if summary != "." else "Is a directory"
    assert err == f"l2h: warning: cannot write the job summary to GITHUB_STEP_SUMMARY={target}: {reason}\n"


def test_json_and_github_say_how_many_papers_a_broken_taxonomy_left_unchecked(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/gong2011iterative.md": SECOND,
                 "taxonomy.yml": ""})
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert (payload["unchecked"], payload["errors"]) == (2, 1)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["check", "--root", str(root), "--format", "github"]) == 1
    said = "2 papers were not checked against taxonomy.yml, which has errors; fix them and check again"
    assert capsys.readouterr().out.splitlines()[-1] == f"::notice title=l2h check::{said}"
    assert summary.read_text(encoding="utf-8").startswith(f"### l2h check\n\n{said}\n\n1 error(s), 0 warning(s)")


SIGNAL_WHILE_LOADING = """
import os, signal, sys
class Signal:  # the signal argv[1] names as the command's modules load: as jinja2 is imported
    def find_spec(self, name, path=None, target=None):
        if name == "jinja2":
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        return None
sys.meta_path.insert(0, Signal())
from l2h_site.entry import main
sys.exit(main(["check"]))
"""


@pytest.mark.parametrize("name, code, said", [("SIGINT", 130, "l2h: interrupted\n"),
                                              ("SIGTERM", 143, "l2h: stopped by SIGTERM\n")])
def test_a_signal_while_the_command_loads_is_said_not_a_traceback(
        tmp_path: Path, name: str, code: int, said: str) -> None:
    """The console script (pyproject's [project.scripts]) runs l2h_site.entry, which loads the command's modules:
    a Ctrl-C in the first few tenths of a second came as a KeyboardInterrupt traceback from cli.py's imports, and a
    SIGTERM ended l2h without a word."""
    proc = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_LOADING, name], cwd=tmp_path, capture_output=True,
                          text=True, check=False, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (code, "", said)
