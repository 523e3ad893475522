"""A formula's symbols typed as TeX: "\\ell_2" finds the paper whose title shows ℓ2 (its MathML's text, which the
search index and the page's own matching have), through Pagefind and where it cannot be loaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import _QuietHandler, build_in_mode, serving, write_review
from .test_names import found_each
from .test_typing import TAXONOMY

# key: (title, authors)
PAPERS = {
    "ann2001bounds": ("'Bounds for $\\ell_2$ hashing with $\\alpha$-codes'", "Ann Author"),
    "bob2002other": ("Other codes", "Bob Author"),
}


@pytest.fixture(scope="module", params=["full", "paged"])
def tex_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build this review (in one card file and search bundle, or in several) and serve it."""
    root = write_review(tmp_path_factory.mktemp("tex") / "review", TAXONOMY, {
        key: f"---\ntitle: {title}\nauthors: {authors}\nvenue: CVPR\nyear: {year}\ntags: [Survey]\nfamily: binary\n"
             "---\nCodes.\n"
        for year, (key, (title, authors)) in enumerate(PAPERS.items(), start=2001)})
    with serving(build_in_mode(root, request.param), _QuietHandler) as address:
        yield address


TEX_QUERIES = [
    ("\\ell_2", ["ann2001bounds"]),
    ("\\ell_{2}", ["ann2001bounds"]),
    ("\\ell^2 hashing", ["ann2001bounds"]),
    ("\\alpha", ["ann2001bounds"]),
    ("\u21132", ["ann2001bounds"]),
    ("\\ell_1", []),
    ("\\frac", []),  # a command without a symbol here is searched as typed
]
"""TeX as typed, and the papers it finds."""


@pytest.mark.parametrize("where", ["index", "page"])
def test_tex_typed_finds_the_symbols_shown(page: Any, tex_url: str, where: str) -> None:
    """"\\ell_2" found nothing: the page shows, and the index has, "ℓ2"."""
    assert found_each(page, tex_url, where, dict(TEX_QUERIES)) == dict(TEX_QUERIES)
