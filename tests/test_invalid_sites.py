"""Invalid sites: each case under tests/sites/invalid/ fails with exactly its expected diagnostics.

Regenerate the expected files after an intended change of wording with:

    L2H_REGENERATE=1 python -m pytest tests/test_invalid_sites.py

then review the diff of tests/sites/invalid/*/expected.txt before committing.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from conftest import snapshot

from l2h_site.cli import main

HERE = Path(__file__).parent
CASES = sorted(p for p in (HERE / "sites" / "invalid").iterdir() if p.is_dir())
SHARED = HERE / "sites" / "_shared"
REPO = HERE.parent




def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the real command line in-process and capture its exit code and output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def prepare(case: Path, tmp_path: Path) -> Path:
    """Copy a case into a fresh review tree with the repository's templates and static files."""
    root = tmp_path / "review"
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"))
    if not (root / "taxonomy.yml").exists():
        shutil.copy(SHARED / "taxonomy.yml", root / "taxonomy.yml")
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_site(case: Path, tmp_path: Path) -> None:
    root = prepare(case, tmp_path)
    previous = root / "_site"
    previous.mkdir()
    (previous / ".l2h-site").write_text("marker\n")
    (previous / "index.html").write_text("<p>the previous site</p>\n")
    before = snapshot(previous)

    code, _, err = run_cli("build", "--root", str(root), "--strict")
    actual = f"exit: {code}\n{err}"

    expected_file = case / "expected.txt"
    if os.environ.get("L2H_REGENERATE"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
    assert code == 1
    assert snapshot(previous) == before, "a failed build must leave the previous site untouched"
    assert not any(p.name.startswith("._site.l2h-") for p in root.iterdir()), "no temporary folder is left behind"
