"""Output folders that must not be replaced, and builds killed mid-write: nothing is lost.

The kill tests run the real CLI (`python -m l2h_site build`) in a subprocess that pauses at a
chosen point of the write (it prints a line and sleeps), then kill it with SIGKILL: no timing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER

from adversarial.harness import PAPER, run_cli, snapshot


@pytest.fixture
def review(site: Callable[[dict[str, str | bytes]], Path]) -> Path:
    """A valid review with one paper, built once into _site (search off: faster)."""
    root = site({PAPER: GOOD_PAPER, "l2h.yml": "search: false\n"})
    assert run_cli("build", "--root", str(root), "-q") == (0, "", "")
    return root


def cli_subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m l2h_site` as a user would."""
    return subprocess.run([sys.executable, "-m", "l2h_site", *args], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_out_at_repository_root_is_refused(review: Path) -> None:
    before = snapshot(review)
    code, _, err = run_cli("build", "--root", str(review), "--out", str(review))
    assert code == 2
    assert err == (f"l2h: error: refusing to write the site to {review}: it would replace the project folder; "
                   "choose an empty or new folder such as _site\n")
    assert snapshot(review) == before


def test_out_at_parent_of_repository_is_refused(review: Path) -> None:
    before = snapshot(review)
    code, _, err = run_cli("build", "--root", str(review), "--out", str(review.parent))
    assert code == 2
    assert err == (f"l2h: error: refusing to write the site to {review.parent}: it would replace a folder that "
                   "contains the project; choose an empty or new folder such as _site\n")
    assert snapshot(review) == before


@pytest.mark.parametrize("folder", ["papers", "papers/sub", "templates", "static"])
def test_out_inside_sources_is_refused(review: Path, folder: str) -> None:
    before = snapshot(review)
    code, _, err = run_cli("build", "--root", str(review), "--out", str(review / folder))
    top = folder.split("/")[0]
    assert code == 2
    assert err == (f"l2h: error: refusing to write the site to {review / folder}: it overlaps {review / top}, "
                   "which holds sources; choose a separate folder such as _site\n")
    assert snapshot(review) == before


def test_out_at_git_folder_is_refused(review: Path) -> None:
    (review / ".git").mkdir()
    (review / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = snapshot(review)
    code, _, err = run_cli("build", "--root", str(review), "--out", str(review / ".git"))
    assert code == 2
    assert err.startswith(f"l2h: error: refusing to write the site to {review / '.git'}: it is inside .git, which git "
                          "manages")
    assert snapshot(review) == before


@pytest.mark.parametrize("spelling", ["absolute", "tilde"])
def test_out_at_home_is_refused(review: Path, tmp_path: Path, spelling: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# precious\n")
    out = str(home) if spelling == "absolute" else "~"
    result = cli_subprocess("build", "--root", str(review), "--out", out, env={"HOME": str(home)})
    assert result.returncode == 2
    assert result.stderr == (f"l2h: error: refusing to write the site to {home}: it would replace your home folder; "
                             "choose an empty or new folder such as _site\n")
    assert snapshot(home) == {".bashrc": b"# precious\n"}
    assert not (Path.cwd() / "~").exists()


def test_out_at_folder_with_unrelated_files_is_refused(review: Path, tmp_path: Path) -> None:
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.tex").write_text("\\chapter{One}\n")
    code, _, err = run_cli("build", "--root", str(review), "--out", str(other))
    assert code == 2
    assert err == (f"l2h: error: refusing to replace {other}: it is not empty and was not written by l2h "
                   "(no .l2h-site file); move its contents away or choose another folder\n")
    assert snapshot(other) == {"chapter1.tex": b"\\chapter{One}\n"}


def test_out_at_a_file_is_refused(review: Path) -> None:
    target = review / "notes.txt"
    target.write_text("keep me\n")
    code, _, err = run_cli("build", "--root", str(review), "--out", str(target))
    assert code == 2
    assert err == f"l2h: error: refusing to write the site to {target}: it is a file, not a folder; give --out a folder, such as _site\n"
    assert target.read_text() == "keep me\n"


def test_out_below_a_file_is_an_error_not_a_traceback(review: Path) -> None:
    before = snapshot(review)
    target = review / "taxonomy.yml" / "site"
    code, _, err = run_cli("build", "--root", str(review), "--out", str(target))
    assert code == 2
    assert err == (f"l2h: error: refusing to write the site to {target}: it is inside {review / 'taxonomy.yml'}, "
                   "which is a file, not a folder; give --out a folder, such as _site\n")
    assert snapshot(review) == before


PAUSING_BUILD = textwrap.dedent("""\
    import os, pathlib, sys, time
    from l2h_site.cli import main

    pause_at = sys.argv.pop(1)
    original = {"write_bytes": pathlib.Path.write_bytes, "rename": pathlib.Path.rename, "replace": os.replace}
    calls = {"write_bytes": 0, "rename": 0, "replace": 0}

    def pausing(name, count, argument=0, where=""):
        def method(*args):
            result = original[name](*args)
            if where not in str(args[argument]):
                return result
            calls[name] += 1
            if calls[name] == count:
                print("paused", flush=True)
                time.sleep(3600)
            return result
        return method

    if pause_at == "write":   # an update: after the first changed page is staged beside the site
        pathlib.Path.write_bytes = pausing("write_bytes", 1, where="/._site.l2h-new-")
    elif pause_at == "move":  # an update: after the first changed page is moved into the site
        os.replace = pausing("replace", 1, argument=1, where="/_site/")
    else:                     # a new site: after the folder it replaces is moved aside, before it is moved in
        pathlib.Path.rename = pausing("rename", 1)
    sys.exit(main(sys.argv[1:]))
""")


def kill_build_at(root: Path, pause_at: str) -> None:
    """Start a real build, wait until it pauses at the given point, and kill -9 it."""
    process = subprocess.Popen([sys.executable, "-c", PAUSING_BUILD, pause_at, "build", "--root", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "paused\n", process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def leftovers_of(review: Path) -> list[str]:
    return sorted(p.name for p in review.iterdir() if ".l2h-" in p.name and p.name != ".l2h-cache")


@pytest.mark.parametrize("pause_at", ["write", "move", "swap"])
def test_killed_build_never_leaves_a_site_half_old_half_new(review: Path, pause_at: str) -> None:
    if pause_at == "swap":  # a first build into an empty folder: the only case that swaps a folder in
        shutil.rmtree(review / "_site")
        (review / "_site").mkdir()
    old_site = snapshot(review / "_site")
    (review / PAPER).write_text(GOOD_PAPER.replace("Codes from", "New summary: codes from"))
    kill_build_at(review, pause_at)
    new_summary = b"New summary: codes from"

    if pause_at == "write":  # the old site is in place, untouched; the staged pages are aside
        assert snapshot(review / "_site") == old_site
        assert [name.split("-new-")[0] for name in leftovers_of(review)] == ["._site.l2h"]
    elif pause_at == "move":  # one changed page is in, the rest (and the journal saying what is left) aside
        assert snapshot(review / "_site") != old_site
        assert [name.split("-new-")[0] for name in leftovers_of(review)] == ["._site.l2h"]
    else:  # the empty folder is aside, the new site whole beside it
        assert not (review / "_site").exists()
        assert [name.split("-")[0] for name in leftovers_of(review)] == ["._site.l2h", "._site.l2h"]

    # A build that fails on content first puts right what the killed one left, then writes nothing.
    (review / "papers" / "broken.md").write_text("not a paper\n")
    code, _, _ = run_cli("build", "--root", str(review))
    assert code == 1
    mended = snapshot(review / "_site")
    if pause_at == "move":  # the killed build had started moving pages in: that is finished, not undone
        assert new_summary in mended["publications/weiss2008spectral/index.html"]
        assert leftovers_of(review) == []
    else:
        assert mended == old_site

    # A normal build then writes the new site and clears every leftover.
    (review / "papers" / "broken.md").unlink()
    assert run_cli("build", "--root", str(review), "-q") == (0, "", "")
    new_site = snapshot(review / "_site")
    assert new_summary in new_site["publications/weiss2008spectral/index.html"]
    assert leftovers_of(review) == []
    if pause_at == "move":
        assert mended == new_site
