"""Ctrl-C ends `l2h serve` at once in every phase, and leaves what the next build carries on from.

Real `l2h serve` processes on a generated review, sent SIGINT while they build, prepare the previews and
rebuild. At the size a test can afford those phases are short, so each is slowed down by a stand-in: a paper
template that takes a fifth of a second per page (its output unchanged), and a pause before the previews are
prepared (l2h serve takes 1.5-2.5 s there at 5,000 papers; benchmarks/stop.py measures the real thing). After
each stop, the next `l2h serve` and `l2h build` must give the same sites as clean builds.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import generate_review, snapshot

from l2h_site.build import build

PAPERS = 80
SLOW_LOOP = "{% for _ in range(3000000) %}{% endfor %}"
"""Jinja that takes about 0.2 s and writes nothing: in the paper template, rendering the site takes 15 s or more."""
STOPPED_WITHIN = 5.0
"""Seconds a stop may take here, on a busy machine (it takes well under 0.5 s; without stopping at once, the
stand-ins make it take 10 s or more)."""
SERVE = """
import sys, time
import l2h_site.serve as serve
from l2h_site.cli import main
real = serve.site_context
def slow(*args, **kwargs):
    time.sleep(float(sys.argv[1]))
    return real(*args, **kwargs)
serve.site_context = slow
sys.exit(main(sys.argv[2:]))
"""
"""l2h serve, with a stand-in for computing what the previews need that first waits the seconds given."""


def _slow_papers(root: Path, slow: bool) -> None:
    """Slow the paper template down (see SLOW_LOOP), or undo that."""
    template = root / "templates" / "paper.html"
    text = template.read_text(encoding="utf-8").replace(SLOW_LOOP, "")
    if slow:
        text = text.replace("{% block og %}", "{% block og %}" + SLOW_LOOP, 1)
    template.write_text(text, encoding="utf-8")


class Serve:
    """A real `l2h serve` process on root, with the lines it prints as they come."""

    def __init__(self, root: Path, previews_pause: float = 0.0) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": "false", "L2H_JOBS": "2"}  # 2: with a warm child
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
            found += [int(pid) for pid in Path(f"/proc/{self.proc.pid}/task/{task}/children").read_text().split()]
        return found

    def interrupt(self) -> float:
        """Send Ctrl-C's signal to the server alone; return the seconds until it ended (failing after STOPPED_WITHIN)."""
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
        assert "".join(self.text).endswith("l2h: server stopped\n") and "Traceback" not in "".join(self.text)
        for pid in children:  # ended with the server (an orphan would be adopted, and run on, by init)
            stat = Path(f"/proc/{pid}/stat")
            assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z", f"child {pid} runs on"
        return seconds


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
    server.interrupt()
    assert not any(line.startswith("l2h: built") for line in server.text)
    _check_what_is_left(root, tmp_path)


def test_ctrl_c_while_the_previews_are_prepared(review: Path, tmp_path: Path) -> None:
    root = _copy(review, tmp_path)
    first = Serve(root)
    first.wait_for("l2h: serving ")
    time.sleep(0.5)
    first.interrupt()
    server = Serve(root, previews_pause=60.0)  # the site is up to date: it serves, then prepares the previews
    server.wait_for("l2h: serving ")
    assert any(re.match(r"l2h: built \d+ files in [\d.]+ s \(0 written or deleted\)", line) for line in server.text)
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
