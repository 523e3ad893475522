"""What readers see of the site's frame: the 404 page, page headings, navigation, colours, and the CLI entry."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import GOOD_PAPER, REPO


def test_python_m_cli_runs_the_command_line(tmp_path: Path,
                                            site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """`python -m l2h_site.cli build` builds and exits with main()'s code, as `python -m l2h_site` does."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n"})
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-m", "l2h_site.cli", "build", "--root", str(root), "-q"], capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (root / "_site" / "index.html").is_file()
    usage = subprocess.run([sys.executable, "-m", "l2h_site.cli", "build", "--no-such-option"], capture_output=True,
                           text=True, env=env, check=False, timeout=300)
    assert usage.returncode == 2
