"""Ctrl-C ends `l2h serve` at once in every phase, and leaves what the next build carries on from.

Real `l2h serve` processes on a generated review, sent SIGINT while they build, prepare the previews and
rebuild. At the size a test can afford those phases are short, so each is slowed down by a stand-in: a paper
template that takes a fifth of a second per page (its output unchanged), and a pause before the previews are
prepared (l2h serve takes 1.5-2.5 s there at 5,000 papers; benchmarks/stop.py measures the real thing). After
each stop, the next `l2h serve` and `l2h build` must give the same sites as clean builds. Servers run in this
process, as tests run them, show what a stop leaves of a rebuild's thread.
"""

from __future__ import annotations

import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_PAPER, generate_review, snapshot

import l2h_site.build as build_module
from l2h_site.build import build
from l2h_site.serve import DevServer, SiteBuilder

PAPERS = 80
SLOW_LOOP = "{% for _ in range(3000000) %}{% endfor %}"
"""Jinja that takes about 0.2 s and writes nothing: in the paper template, rendering the site takes 15 s or more."""
STOPPED_WITHIN = 5.0
"""Seconds a stop may take here, on a busy machine (it takes well under 0.5 s; without stopping at once, the
stand-ins make it take 10 s or more)."""
SERVE = """
import os, sys, time
import l2h_site.corpus as corpus
import l2h_site.serve as serve
from l2h_site.cli import main
real = serve.site_context
def slow(*args, **kwargs):
    time.sleep(float(sys.argv[1]))
    return real(*args, **kwargs)
serve.site_context = slow
if os.environ.get("L2H_TEST_PAGEFIND"):
    import pagefind_bin
    pagefind_bin.get_executable = lambda: os.environ["L2H_TEST_PAGEFIND"]
if os.environ.get("L2H_TEST_SLOW_START"):
    aside = serve.set_aside_what_lasts
    serve.set_aside_what_lasts = lambda: (time.sleep(60), aside())
if os.environ.get("L2H_TEST_SLOW_CHILD"):
    corpus._CHILD = corpus._CHILD.replace("from l2h_site.corpus import child_main; ", (
        "import time, l2h_site.corpus as c; job = c.run_job; c.run_job = lambda *a: (time.sleep(60), job(*a)); "
        "from l2h_site.corpus import child_main; "))
sys.exit(main(sys.argv[2:]))
"""
"""l2h serve, with a stand-in for computing what the previews need that first waits the seconds given; with
L2H_TEST_PAGEFIND, that program is run as Pagefind; with L2H_TEST_SLOW_START, it waits a minute between the first
build and serving; with L2H_TEST_SLOW_CHILD, the child computing related papers and the topic map waits a minute
before each job."""
FAKE_PAGEFIND = """#!/bin/sh
echo "$@" >> "{log}"
if [ -e "{flag}" ]; then exec sleep 60; fi
exec "{real}" "$@"
"""
"""Pagefind, or, while the flag file exists, a process that takes a minute; each run's arguments go to the log."""


def _slow_papers(root: Path, slow: bool) -> None:
    """Slow the paper template down (see SLOW_LOOP), or undo that."""
    template = root / "templates" / "paper.html"
    text = template.read_text(encoding="utf-8").replace(SLOW_LOOP, "")
    if slow:
        text = text.replace("{% block og %}", "{% block og %}" + SLOW_LOOP, 1)
    template.write_text(text, encoding="utf-8")


class Serve:
    """A real `l2h serve` process on root, with the lines it prints as they come."""

    def __init__(self, root: Path, previews_pause: float = 0.0, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": "false", "L2H_JOBS": "2", **(env or {})}  # 2: warm
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE, str(previews_pause), "serve", "--root", str(root),
                                      "--port", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.text: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.text.append(line)
            self.lines.put(line)

    def wait_for(self, start: str, timeout: float = 120.0) -> None:
        """Wait until the server prints a line starting with start."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line starting {start!r} in time; printed: {''.join(self.text)}") from None
            if line.startswith(start):
                return

    def children(self) -> list[int]:
        """The processes the server started that run now (its warm child)."""
        found: list[int] = []
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                found += [int(pid) for pid in Path(f"/proc/{self.proc.pid}/task/{task}/children").read_text().split()]
            except FileNotFoundError:  # a thread that ended since the folder was listed
                pass
        return found

    def kill(self) -> None:
        """End the server and its children at once, if it runs (a test that failed before interrupting it)."""
        if self.proc.poll() is None:
            children = self.children()
            self.proc.kill()
            self.proc.wait()
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def interrupt(self, said: str = "l2h: server stopped") -> float:
        """Send Ctrl-C's signal to the server alone; return the seconds until it ended (failing after STOPPED_WITHIN),
        which it says in its last line, said."""
        children = self.children()
        started = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=STOPPED_WITHIN)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"l2h serve was still running {STOPPED_WITHIN} s after Ctrl-C") from None
        seconds = time.monotonic() - started
        time.sleep(0.2)  # the reader thread has the last lines
        assert self.proc.returncode == 0
        assert self.text[-1] == said + "\n" and "Traceback" not in "".join(self.text)
        for pid in children:  # ended with the server (an orphan would be adopted, and run on, by init)
            stat = Path(f"/proc/{pid}/stat")
            assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z", f"child {pid} runs on"
        return seconds


def _command_line(pid: int) -> bytes:
    """A process's command line, NUL-separated; empty once it has ended (it may end after it was listed)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def _staged_pages(root: Path, pattern: str) -> bool:
    """Tell whether a build has written paper pages into its folder beside the served site (pattern: its name)."""
    return any(folder.is_dir() for folder in (root / ".l2h-cache").glob(pattern))


def _wait(predicate: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated review, kept as a pristine copy that each test starts from."""
    return generate_review(PAPERS, tmp_path_factory.mktemp("stop") / "review", seed=3)


def _copy(review: Path, tmp_path: Path) -> Path:
    root = tmp_path / "review"
    subprocess.run(["cp", "-a", str(review), str(root)], check=True)
    return root


def _check_what_is_left(root: Path, tmp_path: Path) -> None:
    """The next `l2h serve` serves, and its site and that of `l2h build` are those of clean builds."""
    _slow_papers(root, slow=False)
    again = Serve(root)
    again.wait_for("l2h: serving ")
    assert any(line.startswith("l2h: built ") for line in again.text), again.text
    time.sleep(0.5)  # the previews
    again.interrupt()
    served = snapshot(root / ".l2h-cache" / "serve")
    assert build(root, out_dir=tmp_path / "clean-serve", serving=True, use_cache=False).written
    assert served == snapshot(tmp_path / "clean-serve")
    l2h = [sys.executable, "-m", "l2h_site", "build", "--quiet"]
    subprocess.run(l2h, cwd=root, check=True, timeout=300)
    subprocess.run([*l2h, "--no-cache", "--out", str(tmp_path / "clean")], cwd=root, check=True, timeout=300)
    assert snapshot(root / "_site") == snapshot(tmp_path / "clean")
    assert not [p.name for p in (root / ".l2h-cache").iterdir() if re.match(r"\.serve\.l2h-", p.name)]  # tidied


def test_ctrl_c_during_the_first_build(review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    _slow_papers(root, slow=True)
    server = Serve(root)
    _wait(lambda: _staged_pages(root, ".serve.l2h-tmp-*/publications"))
    server.interrupt("l2h: stopped before serving anything; no site was written")  # it said "server stopped"
    assert not any(line.startswith("l2h: built") for line in server.text)
    assert not (root / ".l2h-cache" / "serve").exists()
    _check_what_is_left(root, tmp_path)


def test_ctrl_c_during_the_first_build_leaves_the_last_site_as_it_was(review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    first = Serve(root)
    first.wait_for("l2h: serving ")
    time.sleep(0.5)  # the previews
    first.interrupt()
    site = root / ".l2h-cache" / "serve"
    before = snapshot(site)
    _slow_papers(root, slow=True)  # every paper page is rendered again, slowly
    server = Serve(root)
    _wait(lambda: _staged_pages(root, ".serve.l2h-new-*"))
    time.sleep(1.0)
    server.interrupt(f"l2h: stopped before serving anything; the site in {site.resolve()} was left as it was")
    assert snapshot(site) == before


def test_ctrl_c_after_the_first_build_before_serving_says_that_the_site_was_built(
        review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    server = Serve(root, env={"L2H_TEST_SLOW_START": "1"})
    server.wait_for("l2h: built ")
    time.sleep(0.5)
    site = root / ".l2h-cache" / "serve"
    server.interrupt(f"l2h: stopped before serving anything; the site was built into {site.resolve()}")
    assert (site / "index.html").is_file()


def test_ctrl_c_while_the_previews_are_prepared(review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    first = Serve(root)
    first.wait_for("l2h: serving ")
    time.sleep(0.5)
    first.interrupt()
    server = Serve(root, previews_pause=60.0)  # the site is up to date: it serves, then prepares the previews
    server.wait_for("l2h: serving ")
    assert any(re.match(r"l2h: built [\d,]+ pages \([\d,]+ papers\) in [\d.]+ s \(0 written or deleted\)", line) for line in server.text)
    server.interrupt()
    _check_what_is_left(root, tmp_path)


def test_ctrl_c_during_a_rebuild(review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    server = Serve(root)
    server.wait_for("l2h: serving ")
    time.sleep(0.5)  # the previews
    _slow_papers(root, slow=True)  # every paper page is rendered again, slowly
    server.wait_for("l2h: change detected")
    _wait(lambda: _staged_pages(root, ".serve.l2h-new-*"))  # staging: the pages are rendered (each the same bytes)
    time.sleep(1.0)
    server.interrupt()
    assert not any(line.startswith("l2h: rebuilt") for line in server.text)
    _check_what_is_left(root, tmp_path)


def _edit_summary(root: Path) -> None:
    """Add a sentence to one paper's summary: its page and its search bundle change."""
    paper = sorted((root / "papers").glob("*.md"))[PAPERS // 2]
    paper.write_text(paper.read_text(encoding="utf-8").rstrip("\n") + "\nEdited while serving.\n", encoding="utf-8")


def test_ctrl_c_while_pagefind_runs_terminates_it(review: Path, tmp_path: Path) -> None:
    """Pagefind, run for the edited paper's search bundle, is terminated and its temporary folder removed: it ran on
    after the server had ended, and the rebuild with it."""
    import pagefind_bin

    root = _copy(review, tmp_path)
    log, flag, fake = tmp_path / "pagefind.log", tmp_path / "slow", tmp_path / "pagefind"
    fake.write_text(FAKE_PAGEFIND.format(log=log, flag=flag, real=pagefind_bin.get_executable()), encoding="utf-8")
    fake.chmod(0o755)
    server = Serve(root, env={"L2H_TEST_PAGEFIND": str(fake)})
    server.wait_for("l2h: serving ")
    time.sleep(0.5)  # the previews
    flag.touch()
    _edit_summary(root)

    def pagefind_waits() -> bool:
        return any(_command_line(pid).startswith(b"sleep\0") for pid in server.children())

    try:
        _wait(pagefind_waits)
        scratch = Path(log.read_text(encoding="utf-8").splitlines()[-1].split("--site ")[1].split()[0]).parent
        assert scratch.name.startswith("l2h-search-") and scratch.is_dir()
        server.interrupt()  # fails if Pagefind runs on
    finally:
        server.kill()
    assert not scratch.exists()
    assert not any(line.startswith("l2h: rebuilt") for line in server.text)
    flag.unlink()
    _check_what_is_left(root, tmp_path)


def test_ctrl_c_while_the_previews_compute_related_papers_stops_their_child(review: Path, tmp_path: Path) -> None:
    """Started on an up-to-date site whose cache lost related papers, the server computes them for the previews in a
    child process, which is stopped with the server: it ran on after the server had ended."""
    root = _copy(review, tmp_path)
    first = Serve(root)
    first.wait_for("l2h: serving ")
    time.sleep(0.5)  # the previews
    first.interrupt()
    shutil.rmtree(root / ".l2h-cache" / "related")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = Serve(root, env={"L2H_TEST_SLOW_CHILD": "1", "TMPDIR": str(scratch)})
    try:
        server.wait_for("l2h: serving ")
        assert any(re.match(r"l2h: built [\d,]+ pages \([\d,]+ papers\) in [\d.]+ s \(0 written or deleted\)", line) for line in server.text)
        _wait(lambda: any(scratch.glob("l2h-corpus-*")))  # a job for the previews went to a child
        time.sleep(0.2)
        server.interrupt()  # fails if a child runs on
    finally:
        server.kill()


class _InProcess:
    """A DevServer run in a thread of this process, as tests run it, on a one-paper review."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.server = DevServer(SiteBuilder(root=root), port=0, debounce=0.1, poll=0.05, out=io.StringIO())
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        assert self.server.ready.wait(60)
        self.site = self.server.builder.output_dir()

    def edit_until(self, held_up: tuple[threading.Event, threading.Event]) -> None:
        """Edit the paper, and wait until the rebuild it starts is held up (see _hold_up)."""
        armed, reached = held_up
        armed.set()
        paper = self.root / "papers" / "weiss2008spectral.md"
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Edited"), encoding="utf-8")
        assert reached.wait(60)

    def stop(self) -> None:
        """Stop the server and wait for run() to return."""
        self.server.stop()
        self.thread.join(30)
        assert not self.thread.is_alive()


def _hold_up(monkeypatch: pytest.MonkeyPatch, name: str, pause: Callable[[], object],
             ) -> tuple[threading.Event, threading.Event]:
    """Replace the build's function name by a stand-in that, once armed, calls pause() after it and sets reached
    first; return (armed, reached)."""
    armed, reached = threading.Event(), threading.Event()
    real = getattr(build_module, name)

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if armed.is_set():
            reached.set()
            pause()
        return result

    monkeypatch.setattr(build_module, name, stand_in)
    return armed, reached


def test_a_rebuild_that_put_its_site_in_place_is_waited_for_while_it_records_it(
        site: Callable[[dict[str, str | bytes]], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped while the rebuild records the site it put in place (slowed down here), the server waits for that, and
    the rebuild then ends: it was left running, and the next build could find the site unrecorded."""
    held_up = _hold_up(monkeypatch, "site_manifest", lambda: time.sleep(1.0))
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    running = _InProcess(root)
    running.edit_until(held_up)
    running.stop()
    assert not running.server.watcher.running  # the rebuild has ended
    held_up[0].clear()
    again = build(root, out_dir=running.site, serving=True)
    assert again.unchanged  # the site and the cache agree
    assert build(root, out_dir=tmp_path / "clean", serving=True, use_cache=False).written
    assert snapshot(running.site) == snapshot(tmp_path / "clean")


def test_a_rebuild_left_behind_by_a_stopped_server_gives_up_at_the_site_lock(
        site: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that comes to the site lock after the server stopped (held up here after rendering) ends without
    changing the site: it waited for the lock for ever."""
    release = threading.Event()
    running = _InProcess(site({"papers/weiss2008spectral.md": GOOD_PAPER}))
    running.edit_until(_hold_up(monkeypatch, "render_site", lambda: release.wait(60)))
    before = snapshot(running.site)  # with the edited paper's preview
    running.stop()
    assert running.server.watcher.running  # left behind
    release.set()
    _wait(lambda: not running.server.watcher.running, timeout=20.0)
    assert snapshot(running.site) == before
    assert not list(running.site.parent.glob(".serve.l2h-*"))  # what it staged is deleted
