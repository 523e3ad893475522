"""The progress line on a terminal and the one-line summary of `l2h build`."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, snapshot

from l2h_site import progress as progress_module
from l2h_site.cli import main
from l2h_site.progress import Progress, wants_progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_the_line_shows_the_stage_and_the_count_and_is_erased_at_the_end() -> None:
    out = Terminal()
    progress = Progress(out, enabled=True, delay=0)
    progress.stage("rendering pages", 4)
    assert out.getvalue() == "\r\x1b[Kl2h: rendering pages  [------------------------] 0/4"
    progress._drawn_at = 0.0  # as if the last redraw were long ago
    progress.advance(3)
    assert out.getvalue().endswith("\r\x1b[Kl2h: rendering pages  [##################------] 3/4")
    progress.stage("indexing search")
    assert out.getvalue().endswith("\r\x1b[Kl2h: indexing search…")
    progress.finish()
    assert out.getvalue().endswith("\r\x1b[K")
    progress.finish()  # nothing more to erase
    assert out.getvalue().count("\r") == 4


def test_short_builds_and_disabled_progress_draw_nothing() -> None:
    out = Terminal()
    Progress(out, enabled=True, delay=60).stage("reading papers", 10)
    Progress(out, enabled=False, delay=0).stage("reading papers", 10)
    assert out.getvalue() == ""


def test_a_tick_before_the_first_stage_draws_nothing() -> None:
    """The fingerprint, hashed before the first stage, tells the progress of nothing every TICK_EVERY files (a step
    at which l2h serve's rebuild can stop): no line without a stage's name."""
    out = Terminal()
    progress = Progress(out, enabled=True, delay=0)
    progress.advance(0)
    assert out.getvalue() == ""
    progress.stage("reading papers", 10)
    assert out.getvalue().endswith("reading papers   [------------------------] 0/10")


def test_only_a_terminal_gets_a_progress_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L2H_PROGRESS", raising=False)
    assert wants_progress(Terminal()) and not wants_progress(io.StringIO())
    assert not wants_progress(Terminal(), quiet=True)
    monkeypatch.setenv("L2H_PROGRESS", "1")
    assert wants_progress(io.StringIO()) and not wants_progress(io.StringIO(), quiet=True)
    monkeypatch.setenv("L2H_PROGRESS", "0")
    assert not wants_progress(Terminal())


def files_of(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.name != ".l2h-site")


def test_a_real_build_prints_a_summary_and_no_bar_when_not_a_terminal(
        site: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("L2H_PROGRESS", raising=False)
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main(["build", "--root", str(root)]) == 0
    out, err = capsys.readouterr()
    pages = files_of(root / "_site")
    assert out == (f"l2h: built {pages:,} pages (1 paper) in {seconds(out)} s (0 from cache; {pages:,} written) "
                   f"into {root / '_site'}\n")
    assert err == ""
    assert main(["build", "--root", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out == (f"l2h: site is up to date: {pages:,} pages (1 paper) in {root / '_site'}, "
                   f"checked in {seconds(out)} s\n")
    assert err == ""
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More.\n")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    before = snapshot(root / "_site")
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More and more.\n")
    assert main(["build", "--root", str(root)]) == 0
    out, _ = capsys.readouterr()
    after = snapshot(root / "_site")
    written = [path for path in after if before.get(path) != after[path] and path != ".l2h-site"]
    deleted = [path for path in before if path not in after]  # search fragments are named by their content
    reused = re.search(r"\((\d+) from cache; ", out)
    assert reused and 0 < len(written) < pages, "an edit rewrites the pages it changes, not the site"
    named = ", ".join(sorted(deleted)[:3]) + (f" and {len(deleted) - 3} more" if len(deleted) > 3 else "")
    assert out == (f"l2h: built {len(after) - 1:,} pages (1 paper) in {seconds(out)} s ({reused.group(1)} from cache; "
                   f"{len(written)} written{f', {len(deleted)} deleted: {named}' if deleted else ''}) "
                   f"into {root / '_site'}\n")


def test_the_summary_names_the_files_a_build_deleted_and_a_failed_build_says_what_it_left(
        site: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A file put into the site by hand (a CNAME, say) is not l2h's: the build deletes it, and says which."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    broken = GOOD_PAPER.replace("year: 2008", "year: 20o8")
    (root / "papers" / "weiss2008spectral.md").write_text(broken)
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err.endswith("l2h: build failed; no site was written\n")
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER)
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    capsys.readouterr()
    for name in ("CNAME", "notes.txt", "a.txt", "z.txt"):
        (root / "_site" / name).write_text("by hand\n")
    assert main(["build", "--root", str(root)]) == 0
    out, _ = capsys.readouterr()
    assert "0 written, 4 deleted: CNAME, a.txt, notes.txt and 1 more) into" in out
    assert not (root / "_site" / "CNAME").exists()
    (root / "papers" / "weiss2008spectral.md").write_text(broken)
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    assert capsys.readouterr().err.endswith("l2h: build failed; the previous site was left as it was\n")


def test_a_forced_progress_line_shows_every_stage_on_stderr(
        site: Callable[[dict[str, str | bytes]], Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L2H_PROGRESS", "1")
    monkeypatch.setattr(progress_module, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(progress_module, "REDRAW_SECONDS", 0.0)
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert main(["build", "--root", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("l2h: built ") and "\r" not in out
    stages = re.findall(r"\r\x1b\[Kl2h: ([a-z ]+?)(?:…| +\[)", err)
    assert stages[0] == "reading papers" and "writing pages" in stages and "indexing search" in stages
    assert err.endswith("\r\x1b[K"), "the line is erased before the summary"
    assert f"{files_of(root / '_site'):,}/{files_of(root / '_site'):,}" in err.rpartition("writing pages")[2]


def seconds(line: str) -> str:
    found = re.search(r"(?:in|checked in) (\d+\.\d\d) s", line)
    assert found, line
    return found.group(1)
