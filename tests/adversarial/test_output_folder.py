"""Output folders that must not be replaced, and builds killed mid-write: nothing is lost.

The kill tests run the real CLI (`python -m l2h_site build`) in a subprocess that pauses at a
chosen point of the write (it prints a line and sleeps), then kill it with SIGKILL: no timing.
"""

from __future__ import annotations

import os
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
    assert err.startswith(f"l2h: error: refusing to replace {review / '.git'}: it is not empty and was not written by l2h")
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
    assert err == f"l2h: error: refusing to write the site to {target}: it is a file, not a folder\n"
    assert target.read_text() == "keep me\n"


def test_out_below_a_file_is_an_error_not_a_traceback(review: Path) -> None:
    before = snapshot(review)
    target = review / "taxonomy.yml" / "site"
    code, _, err = run_cli("build", "--root", str(review), "--out", str(target))
    assert code == 2
    assert err.startswith(f"l2h: error: cannot write the site to {target}: ")
    assert err.endswith("; the previous site was left as it was\n")
    assert snapshot(review) == before


PAUSING_BUILD = textwrap.dedent("""\
    import os, pathlib, sys, time
    from l2h_site.cli import main

    pause_at = sys.argv.pop(1)
    original = {"write_bytes": pathlib.Path.write_bytes, "rename": pathlib.Path.rename}
    calls = {"write_bytes": 0, "rename": 0}

    def pausing(name, count):
        def method(self, *args):
            result = original[name](self, *args)
            calls[name] += 1
            if calls[name] == count:
                print("paused", flush=True)
                time.sleep(3600)
            return result
        return method

    if pause_at == "write":   # after the fifth page is written into the temporary folder
        pathlib.Path.write_bytes = pausing("write_bytes", 5)
    else:                     # after the old site is moved aside, before the new one is moved in
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


@pytest.mark.parametrize("pause_at", ["write", "swap"])
def test_killed_build_never_half_replaces_the_site(review: Path, pause_at: str) -> None:
    old_site = snapshot(review / "_site")
    (review / PAPER).write_text(GOOD_PAPER.replace("Codes from", "New summary: codes from"))
    kill_build_at(review, pause_at)

    leftovers = sorted(p.name for p in review.iterdir() if ".l2h-" in p.name and p.name != ".l2h-cache")
    if pause_at == "write":  # the old site is in place, untouched; the half-written one is aside
        assert snapshot(review / "_site") == old_site
        assert [name.split("-tmp-")[0] for name in leftovers] == ["._site.l2h"]
    else:  # the old site is whole under its temporary name, never mixed with the new one
        assert not (review / "_site").exists()
        assert [name.split("-")[0] for name in leftovers] == ["._site.l2h", "._site.l2h"]
        assert snapshot(review / leftovers[0]) == old_site  # -old- sorts before -tmp-

    # A failing build puts a site killed mid-swap back, and leaves it untouched.
    (review / "papers" / "broken.md").write_text("not a paper\n")
    code, _, _ = run_cli("build", "--root", str(review))
    assert code == 1
    assert snapshot(review / "_site") == old_site

    # A normal build then replaces it whole and clears every leftover.
    (review / "papers" / "broken.md").unlink()
    assert run_cli("build", "--root", str(review), "-q") == (0, "", "")
    new_site = snapshot(review / "_site")
    assert b"New summary: codes from" in new_site["publications/weiss2008spectral/index.html"]
    assert sorted(p.name for p in review.iterdir() if ".l2h-" in p.name and p.name != ".l2h-cache") == []
