"""Shared fixtures: write small review trees on disk and build them for real."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Generator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
"""The repository root: its templates, static files and taxonomy are used by the tests."""

# A shell without job control starts a background job (`pytest &`, a CI step sent to the background) with Ctrl-C's
# SIGINT ignored, and Python keeps it ignored, as does every process it starts: the tests that stop l2h with Ctrl-C
# then waited for processes that could not get it. Handled here, it is the default again in the processes they start.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> Generator[None, int, int]:
    """How many workers `-n auto` (pyproject.toml) starts: twice the cores xdist counts, at most 4 (--maxprocesses),
    or PYTEST_XDIST_AUTO_NUM_WORKERS as given. Much of a test's time is spent waiting (on Chromium, on a served site,
    on the processes a test starts and stops), in which one worker per core left the cores idle: on 2 cores, 19 % idle
    over the whole run, which took 15 min 02 s (twice: 901 s and 903 s); with 4 workers, 2 % idle and 12 min 50 s."""
    cores = yield
    return cores if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") else 2 * cores


MINIMAL_TAXONOMY = """\
facets:
  family:
    label: Method family
    description: The broad approach.
    required: true
    values:
      unsupervised: {label: Unsupervised, description: Learned without labels.}
      supervised: {label: Supervised, description: Learned from labels.}
  modality:
    label: Data modality
    description: The kind of data.
    multiple: true
    values:
      image: {label: Image, description: Images.}
      text: {label: Text, description: Text.}
tags:
  Image Retrieval:
    description: Retrieval of images.
  Transformers:
    description: Transformer backbones.
    aliases: [Transformer]
  Quantisation:
    description: Codebooks.
"""

GOOD_PAPER = """\
---
title: Spectral Hashing
authors: Yair Weiss, Antonio Torralba, Rob Fergus
venue: NeurIPS
year: 2008
tags: [Image Retrieval]
family: unsupervised
modality: [image]
added: 2024-01-15
---
Codes from thresholded eigenfunctions of the graph Laplacian.
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Map every file under folder to its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@cache
def _benchmark_generate() -> Callable[..., Path]:
    spec = importlib.util.spec_from_file_location("l2h_bench_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., Path] = module.generate
    return generate


def generate_review(papers: int, out: Path, seed: int = 1) -> Path:
    """Write benchmarks/generate.py's synthetic review of this many papers into out (which must not exist yet)."""
    return _benchmark_generate()(papers, out, seed=seed)


def git(root: Path, *args: str) -> None:
    """Run git in root, as a user without any git configuration."""
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, env={"PATH": os.environ["PATH"], "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"})


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files (path -> text or bytes) under root and return root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


class ServeProcess:
    """A real `l2h serve` process on a review, on a free port, with what it prints (read as it comes, so that it
    never waits for a full pipe)."""

    def __init__(self, root: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": "false"}
        self.proc = subprocess.Popen([sys.executable, "-m", "l2h_site", "serve", "--root", str(root), "--port", "0",
                                      *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self.wait_for_line(r"l2h: serving http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)$")
        except BaseException:
            self.kill()
            raise
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)/", "".join(self.lines)).group(1))  # type: ignore[union-attr]

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def url(self) -> str:
        """The address of the served site's home page."""
        return f"http://127.0.0.1:{self.port}/"

    def wait_for_line(self, pattern: str, timeout: float = 300.0) -> None:
        """Wait until the server prints a line that the regular expression matches (from its start)."""
        deadline = time.monotonic() + timeout
        while not any(re.match(pattern, line) for line in list(self.lines)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self._reader.join(5)
                raise AssertionError(f"l2h serve printed no line matching {pattern!r}; it printed: {''.join(self.lines)}")
            time.sleep(0.05)

    def stop(self) -> str:
        """Send Ctrl-C's signal; return everything the server printed once it has ended."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        finally:
            self.kill()
        self._reader.join(30)
        return "".join(self.lines)

    def kill(self) -> None:
        """End the server at once if it still runs (a test that failed before stopping it)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def site(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Make a review tree with the repository's templates and static files plus the given files."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "review"
        root.mkdir(exist_ok=True)
        for folder in ("templates", "static"):
            if not (root / folder).exists():
                shutil.copytree(REPO / folder, root / folder)
        defaults: dict[str, str | bytes] = {"taxonomy.yml": MINIMAL_TAXONOMY}
        defaults.update(files)
        return write_tree(root, defaults)

    return make
