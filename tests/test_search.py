"""The Pagefind full-text index: built in memory, written only by write.py, reproducible."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from conftest import snapshot

from l2h_site.build import build
from l2h_site.model import RenderedPage
from l2h_site.search import _index, index_search, searchable_part

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


def test_searchable_part_is_the_pagefind_body_with_its_nested_elements() -> None:
    page = (b'<!DOCTYPE html><html lang="en"><head><title>T</title><script>x</script></head><body><nav>menu</nav>'
            b'<div data-pagefind-body><h1>Title</h1><div class="a"><div>deep</div></div><p>after</p></div>'
            b'<section>cite</section><div>related</div></body></html>')
    part = searchable_part(page)
    assert b'<div data-pagefind-body><h1>Title</h1><div class="a"><div>deep</div></div><p>after</p></div>' in part
    assert b"menu" not in part and b"cite" not in part and b"related" not in part and b"<script>" not in part
    assert searchable_part(b"<html><body><p>no body marker</p></body></html>") == b"<html><body><p>no body marker</p></body></html>"
    unclosed = b"<html><body><div data-pagefind-body><p>cut short"
    assert searchable_part(unclosed) == unclosed


def test_the_index_of_slimmed_pages_links_to_the_real_pages(site: Site) -> None:
    second = PAPER.replace("Spectral Hashing", "Semantic Hashing").replace("eigenfunctions", "autoencoders")
    root = site({"papers/weiss2008spectral.md": PAPER, "papers/salakhutdinov2009semantic.md": second})
    result = build(root, write=False)
    pages = [p for p in result.pages if p.path.startswith("publications/")]
    slim, problems = index_search(pages)
    whole, _ = _index(pages)  # Pagefind on the whole pages, as before slimming
    assert not problems
    fragments = {p.path: p.content for p in slim if p.path.startswith("pagefind/fragment/")}
    assert fragments == {p.path: p.content for p in whole if p.path.startswith("pagefind/fragment/")}
    records = [json.loads(gzip.decompress(content)[len(b"pagefind_dcd"):]) for content in fragments.values()]
    assert sorted(r["url"] for r in records) == ["/publications/salakhutdinov2009semantic/",
                                                  "/publications/weiss2008spectral/"]
    spectral = next(r for r in records if "spectral" in r["url"])
    assert spectral["meta"]["title"] == "Spectral Hashing"
    assert "Yair Weiss" in spectral["content"] and "eigenfunctions" in spectral["content"]
    assert "Cite" not in spectral["content"]  # the BibTeX block is outside the indexed body
    assert "Scholar" not in spectral["content"]  # the links every page has would match every search
