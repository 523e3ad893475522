"""A renamed paper's old address, and a folder with no page of its own, in a real headless Chromium: the browser lands
on the page they point to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from l2h_site.build import build

from .conftest import _QuietHandler, make_review, serving


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the e2e review with gong2011iterative renamed from gong2010iterative, serve it, yield its address."""
    root = make_review(tmp_path_factory.mktemp("redirect") / "review")
    (root / "l2h.yml").write_text("base_url: https://example.org/review/\n", encoding="utf-8")
    path: Path = root / "papers" / "gong2011iterative.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nformer_keys: [gong2010iterative]\n", 1),
                    encoding="utf-8")
    result = build(root, out_dir=root / "_site", use_cache=False)
    assert result.written, [d.message for d in result.diagnostics]
    with serving(root / "_site", _QuietHandler) as address:
        yield address


def test_the_old_address_of_a_renamed_paper_lands_on_its_page(page: Any, site_url: str) -> None:
    page.goto(site_url + "publications/gong2010iterative/")
    page.wait_for_url(site_url + "publications/gong2011iterative/")
    assert page.locator("h1").inner_text() == "Iterative Quantization: A Procrustean Approach"


def test_without_javascript_too(page_without_js: Any, site_url: str) -> None:
    page_without_js.goto(site_url + "publications/gong2010iterative/index.html")
    page_without_js.wait_for_url(site_url + "publications/gong2011iterative/")


def test_a_shortened_address_lands_on_the_page_that_lists_the_folder(page: Any, site_url: str) -> None:
    page.goto(site_url + "publications/")
    page.wait_for_url(site_url + "papers/")
    assert page.locator("h1").first.inner_text().startswith("All papers")
    page.goto(site_url + "taxonomy/family/")
    page.wait_for_url(site_url + "taxonomy/#facet-family")
    assert page.locator("#facet-family").inner_text() == "Method family"
