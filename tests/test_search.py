"""The Pagefind full-text index: built in memory, written only by write.py, reproducible."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import snapshot

from l2h_site.build import build
from l2h_site.model import RenderedPage
from l2h_site.search import finder_records, index_search

Site = Callable[[dict[str, str | bytes]], Path]

PAPER = """\
---
title: Spectral Hashing
authors: Yair Weiss, Antonio Torralba
venue: NeurIPS
year: 2008
tags: [Image Retrieval]
family: unsupervised
modality: [image]
---
Codes from thresholded eigenfunctions of the graph Laplacian.
"""




def test_build_writes_a_pagefind_bundle_of_the_paper_pages_reproducibly(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER})
    first = build(root, out_dir=root / "one")
    second = build(root, out_dir=root / "two")
    assert first.written and second.written and not first.diagnostics
    one, two = snapshot(root / "one"), snapshot(root / "two")
    assert one == two
    bundle = sorted(path for path in one if path.startswith("pagefind/"))
    assert "pagefind/pagefind.js" in bundle and "pagefind/pagefind-entry.json" in bundle
    assert any(path.startswith("pagefind/fragment/") for path in bundle)
    assert not any(path.startswith(("pagefind/pagefind-ui.", "pagefind/playground/")) for path in bundle)
    entry = json.loads(one["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 1  # only paper pages are indexed


def test_search_false_builds_no_index(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER, "l2h.yml": "search: false\n"})
    result = build(root, out_dir=root / "_site")
    assert result.written
    assert not (root / "_site/pagefind").exists()
    assert (root / "_site/papers/index.html").is_file()


def test_index_search_without_paper_pages_returns_nothing() -> None:
    assert index_search([RenderedPage("index.html", b"<html></html>")]) == ([], [])


def test_finder_records_carry_what_the_papers_page_filters_on(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER})
    result = build(root, write=False)
    page = result.read("papers/index.html").decode()
    blob = page.split('<script type="application/json" id="papers-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(blob) == [{"k": "weiss2008spectral", "t": "Spectral Hashing", "a": "Yair Weiss, Antonio Torralba",
                                 "v": "NeurIPS", "y": 2008, "g": ["Image Retrieval"],
                                 "f": {"family": ["unsupervised"], "modality": ["image"]}}]
    assert finder_records([]) == []
