"""Shared helpers of the adversarial suite: a hostile paper, a previous site, and the real CLI."""

from __future__ import annotations

import re

from test_invalid_sites import run_cli, snapshot  # noqa: F401 - shared with the invalid-site tests

PAPER = "papers/weiss2008spectral.md"
"""Path of the paper every case rewrites."""

FIELDS = {
    "title": "Spectral Hashing",
    "authors": "Yair Weiss, Antonio Torralba, Rob Fergus",
    "venue": "NeurIPS",
    "year": "2008",
    "tags": "[Image Retrieval]",
    "family": "unsupervised",
    "modality": "[image]",
}
"""A valid paper's fields, written one per line from line 2 to line 8, in this order."""
BODY = "Codes from thresholded eigenfunctions of the graph Laplacian.\n"


def paper(extra: str = "", body: str = BODY, **fields: str | None) -> str:
    """Write a paper file: the valid fields (some replaced, None drops one), extra lines from line 9, then body."""
    values = {**FIELDS, **fields}
    lines = "".join(f"{name}: {value}\n" for name, value in values.items() if value is not None)
    return f"---\n{lines}{extra}---\n{body}"


_DIAGNOSTIC = re.compile(r"^\S.*: (error|warning|note)\[[a-z0-9-]+\]: ")


def diagnostic_lines(stderr: str) -> list[str]:
    """The 'path:line:col: severity[code]: message' lines of the CLI's output, without help lines."""
    return [line for line in stderr.splitlines() if _DIAGNOSTIC.match(line)]
