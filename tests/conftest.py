"""Shared fixtures: write small review trees on disk and build them for real."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import textwrap
from collections.abc import Callable
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
