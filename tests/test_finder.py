"""The all-papers page's data files (finder.py), per-year pages and the topic map file, built for real."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pytest
from conftest import snapshot
from hypothesis import given
from hypothesis import strategies as st

from l2h_site import finder
from l2h_site.build import build, check_site
from l2h_site.context import PaperView
from l2h_site.diagnostics import format_text
from l2h_site.finder import _base36, _ranks, accented_words, count_words, fixed_width, fold, posting, search_id_file
from l2h_site.model import Paper
from l2h_site.serve import SiteBuilder

Site = Callable[[dict[str, str | bytes]], Path]


def paper(title: str, authors: str, year: int, tags: str, family: str, venue: str = "",
          summary: str = "A summary of the method.") -> str:
    """One paper file; venue left out when empty."""
    venue_line = f"venue: {venue}\n" if venue else ""
    return (f"---\ntitle: '{title}'\nauthors: {authors}\n{venue_line}year: {year}\ntags: [{tags}]\n"
            f"family: {family}\nmodality: [image]\n---\n{summary}\n")


PAPERS: dict[str, str | bytes] = {
    "papers/weiss2008spectral.md": paper("Spectral Hashing", "Yair Weiss, Antonio Torralba, Rob Fergus", 2008,
                                         "Image Retrieval", "unsupervised", "NeurIPS",
                                         "Thresholded eigenfunctions of the graph Laplacian."),
    "papers/jegou2011product.md": paper("Product Quantization for Nearest Neighbor Search", "Hervé Jégou", 2011,
                                        "Quantisation", "unsupervised", "TPAMI",
                                        "Subvectors quantised with small codebooks."),
    "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong, Svetlana Lazebnik", 2011,
                                         "Image Retrieval, Quantisation", "unsupervised", "CVPR",
                                         "Rotates projected data to reduce quantisation error."),
    "papers/doe2019eclair.md": paper("Éclair: $\\ell_1$ codes", "Jane Doe", 2019, "Transformers", "supervised",
                                     summary="A preprint without a venue."),
}
ORDER = ["doe2019eclair", "gong2011iterative", "jegou2011product", "weiss2008spectral"]
"""The page order: newest first, then by key; a paper's number is its position here."""


def decode(text: str) -> list[int]:
    """Decode a posting list as papers.js does."""
    at, out = 0, []
    for gap in filter(None, text.split(",")):
        at += int(gap, 36)
        out.append(at)
    return out


def test_posting_lists_are_base36_gaps_and_round_trip() -> None:
    assert posting([]) == ""
    assert posting([0]) == "0"
    assert posting([3, 4, 40, 1339]) == "3,1,10,103"  # 1339 - 40 = 1299 = 1·36² + 0·36 + 3
    numbers = [0, 1, 2, 35, 36, 1000, 19999]
    assert decode(posting(numbers)) == numbers


def unpack(packed: dict[str, Any]) -> list[int]:
    """Decode fixed-width base-36 numbers as papers.js does."""
    width, digits = packed["width"], packed["digits"]
    return [int(digits[i:i + width], 36) for i in range(0, len(digits), width)]


def test_fixed_width_numbers_round_trip_and_ids_pack_only_when_uniform() -> None:
    assert fixed_width([0, 35, 36, 46655]) == {"width": 3, "digits": "00000z010zzz"}
    assert unpack(fixed_width([5, 1, 1295])) == [5, 1, 1295]
    assert fixed_width([]) == {"width": 1, "digits": ""}
    assert search_id_file(["en_015e31e", "en_111e7f6"]) == {"prefix": "en_", "width": 7, "digits": "015e31e111e7f6"}
    assert search_id_file(["en_015e31e", ""]) == {"list": ["en_015e31e", ""]}  # a paper without an id
    assert search_id_file(["en_015e31e", "en_11"]) == {"list": ["en_015e31e", "en_11"]}
    assert search_id_file([]) == {"list": []}
    assert search_id_file(["en_015e31e"], ["pagefind-1/"]) == {"prefix": "en_", "width": 7, "digits": "015e31e",
                                                               "bundles": ["pagefind-1/"]}


def test_fold_removes_accents_and_case_like_the_script() -> None:
    assert fold("Éclair Jégou") == "eclair jegou"


def _fold_by_character(text: str) -> str:
    """fold as it was first written: decompose, drop every combining mark one character at a time, lower the case."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not 0x300 <= ord(c) <= 0x36F).lower()


@given(st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_fold_is_the_same_for_every_text_whether_ascii_or_not(text: str) -> None:
    # ASCII text takes a short cut (nothing to decompose or remove); the rest a regular expression
    assert fold(text) == _fold_by_character(text)


@given(st.integers(min_value=-(36 ** 4), max_value=36 ** 6))
def test_base36_writes_numbers_as_numpy_did(number: int) -> None:
    assert _base36(number) == np.base_repr(number, 36).lower()


def test_base36_at_the_edges_of_its_table() -> None:
    assert [_base36(n) for n in (0, 35, 36, 1295, 1296, 1297, 46655, 46656, -1, -1296)] == [
        "0", "z", "10", "zz", "100", "101", "zzz", "1000", "-1", "-100"]


def built(site: Site, files: dict[str, str | bytes]) -> dict[str, bytes]:
    root = site(files)
    result = build(root, out_dir=root / "_site")
    assert result.written, [d.message for d in result.diagnostics]
    return snapshot(root / "_site")


def test_finder_index_holds_what_filtering_needs_in_page_order(site: Site) -> None:
    files = built(site, PAPERS)
    index = json.loads(files["papers/finder.json"])
    assert index["count"] == 4 and index["cards"] == 100 and index["version"] == 1
    assert index["years"] == [[2019, 1], [2011, 2], [2008, 1]]
    assert index["venues"] == ["CVPR", "NeurIPS", "TPAMI"]
    assert [index["venues"][v] if v >= 0 else None for v in index["venue"]] == [None, "CVPR", "TPAMI", "NeurIPS"]
    tags = {name: (slug, [ORDER[i] for i in decode(p)]) for name, slug, p in index["tags"]}
    assert [name for name, _, _ in index["tags"]] == ["Image Retrieval", "Transformers", "Quantisation"]  # taxonomy order
    assert tags["Image Retrieval"] == ("image-retrieval", ["gong2011iterative", "weiss2008spectral"])
    assert tags["Quantisation"][1] == ["gong2011iterative", "jegou2011product"]
    facets = {facet: {value: [ORDER[i] for i in decode(p)] for value, p in values.items()}
              for facet, values in index["facets"].items()}
    assert facets["family"] == {"supervised": ["doe2019eclair"],
                                "unsupervised": ["gong2011iterative", "jegou2011product", "weiss2008spectral"]}
    assert facets["modality"] == {"image": ORDER}
    # What a result shows comes from the card files, in the same order.
    cards = json.loads(files["papers/cards/0.json"])
    assert [row[0] for row in cards] == ORDER and "papers/cards/1.json" not in files
    assert cards[3] == ["weiss2008spectral", "Spectral Hashing", "Yair Weiss, Antonio Torralba and Rob Fergus"]
    assert "<math" in cards[0][1]  # the title's math, as the paper page shows it


def test_sort_ranks_order_by_folded_title_and_by_venue_with_none_last(site: Site) -> None:
    packed = json.loads(built(site, PAPERS)["papers/finder-sort.json"])
    assert packed["title"]["width"] == 1 and len(packed["title"]["digits"]) == 4
    ranks = {name: unpack(packed[name]) for name in ("title", "venue")}
    by = {name: [key for _, key in sorted(zip(ranks[name], ORDER))] for name in ("title", "venue")}
    # "Éclair" sorts as "eclair", before "iterative"; a paper without a venue comes last.
    assert by["title"] == ["doe2019eclair", "gong2011iterative", "jegou2011product", "weiss2008spectral"]
    assert by["venue"] == ["gong2011iterative", "weiss2008spectral", "jegou2011product", "doe2019eclair"]


def test_equal_sort_keys_keep_the_page_order() -> None:
    # Titles equal once folded rank in page order (newest first), as do papers of one venue and year with them.
    titles = [("c", "Hashing Codes", 2012), ("a", "hashing codes", 2011), ("b", "Háshing Codes", 2011),
              ("d", "Anchor Graphs", 2011)]
    views = tuple(PaperView(Paper(key, f"papers/{key}.md", title, ("A. Author",), year, venue="CVPR"), title, title, "",
                            f"publications/{key}/") for key, title, year in titles)
    title_rank, venue_rank = _ranks(SimpleNamespace(papers=views))
    assert title_rank == [1, 2, 3, 0]
    assert venue_rank == [0, 2, 3, 1]  # one venue: newest first, then by title rank


def test_each_paper_is_mapped_to_its_pagefind_fragment(site: Site) -> None:
    files = built(site, PAPERS)
    packed = json.loads(files["papers/finder-search.json"])
    assert packed["prefix"] == "en_" and len(packed["digits"]) == 4 * packed["width"]
    ids = [packed["prefix"] + packed["digits"][i * packed["width"]:(i + 1) * packed["width"]] for i in range(4)]
    assert len(ids) == 4 and len(set(ids)) == 4 and all(ids)
    for key, page_id in zip(ORDER, ids):
        fragment = gzip.decompress(files[f"pagefind/fragment/{page_id}.pf_fragment"]).removeprefix(b"pagefind_dcd")
        assert json.loads(fragment)["url"] == f"/publications/{key}/"


def test_without_search_there_is_no_ids_file_but_the_finder_works(site: Site) -> None:
    files = built(site, {**PAPERS, "l2h.yml": "search: false\n"})
    assert "papers/finder-search.json" not in files
    assert "papers/finder.json" in files and "papers/cards/0.json" in files


WORDS: dict[str, Any] = {"version": 2, "words": [
    [10, "image"],  # each paper's modality (its value and label) and two papers' tag "Image Retrieval"
    [6, "unsupervised"],
    [3, "quantisation"],
    [2, "quantization retrieval supervised"],
    [1, ("antonio codebooks codes cvpr data éclair eigenfunctions error fergus gong graph hashing hervé iterative jane "
         "jégou laplacian lazebnik nearest neighbor neurips preprint product projected quantised reduce rotates search "
         "small spectral subvectors svetlana thresholded torralba tpami transformers venue weiss with without yair "
         "yunchao")],
]}
"""The word list of PAPERS: words of 4 letters or more of the titles, authors, venues, tags, facet values and labels
and summaries, in lower case, with their accents ("Éclair", "Hervé Jégou"), the most frequent first and alike ones in
the alphabetical order of their folded form ("éclair" as "eclair")."""


def test_the_word_list_holds_the_papers_words_in_lower_case_with_their_counts(site: Site) -> None:
    root = site(PAPERS)
    first = build(root, out_dir=root / "one", use_cache=False)
    assert first.written, [d.message for d in first.diagnostics]
    words = (root / "one" / "papers" / "finder-words.json").read_bytes()
    assert json.loads(words) == WORDS
    assert words.startswith(b'{"version":2,"words":[[10,"image"],[6,"unsupervised"]')  # compact, keys sorted
    # Deterministic: the same bytes from a second build, and from a build through the cache, which lists it.
    assert build(root, out_dir=root / "two", use_cache=False).written
    assert (root / "two" / "papers" / "finder-words.json").read_bytes() == words
    assert build(root, out_dir=root / "three").written
    assert build(root, out_dir=root / "three").written  # from the cache
    assert (root / "three" / "papers" / "finder-words.json").read_bytes() == words


def test_the_word_list_keeps_the_most_frequent_words_in_whole_groups(site: Site, monkeypatch: Any) -> None:
    # Of 4 words at most: the words counted once or twice would make 7, so none of them is kept.
    monkeypatch.setattr(finder, "MAX_WORDS", 4)
    words = json.loads(built(site, PAPERS)["papers/finder-words.json"])
    assert words == {"version": 2, "words": WORDS["words"][:3]}


def test_a_served_rebuild_counts_again_only_the_changed_papers_words(site: Site, monkeypatch: Any) -> None:
    # l2h serve keeps the word list's counts between rebuilds (finder.WordCounts): after each change the list must
    # be the one a clean build makes, though only the papers that changed were counted again.
    root = site(PAPERS)
    counted: list[list[str]] = []
    real = finder._count_papers

    def spy(views: Any, labels: Any) -> Any:
        counted.append(sorted(view.paper.key for view in views))
        return real(views, labels)

    monkeypatch.setattr(finder, "_count_papers", spy)
    builder = SiteBuilder(root=root, keep_warm=False)
    spectral = root / "papers" / "weiss2008spectral.md"

    def same_as_a_clean_build(step: str) -> None:
        served = (builder.output_dir() / "papers" / "finder-words.json").read_bytes()
        out = root / f"clean-{step}"
        assert build(root, out_dir=out, use_cache=False).written
        assert served == (out / "papers" / "finder-words.json").read_bytes(), step

    try:
        assert builder.rebuild().ok
        assert counted == [[], sorted(p.split("/")[1][:-3] for p in PAPERS)]  # the first build counts every paper
        same_as_a_clean_build("first")
        counted.clear()
        spectral.write_text(spectral.read_text().replace("graph Laplacian", "Laplacian eigenmaps, revisited"))
        assert builder.rebuild().ok
        assert counted == [["weiss2008spectral"], ["weiss2008spectral"]]  # its old words off, its new ones on
        same_as_a_clean_build("edited")
        counted.clear()
        (root / "papers" / "charikar2002similarity.md").write_text(paper(
            "Similarity Estimation Techniques from Rounding Algorithms", "Moses Charikar", 2002, "Image Retrieval",
            "unsupervised", "STOC", "Random hyperplanes give a sketch of the angle between vectors."))
        spectral.unlink()
        assert builder.rebuild().ok
        assert counted == [["weiss2008spectral"], ["charikar2002similarity"]]  # one gone, one new
        same_as_a_clean_build("added and removed")
        counted.clear()
        taxonomy = root / "taxonomy.yml"
        taxonomy.write_text(taxonomy.read_text().replace("label: Unsupervised", "label: Without labels"))
        assert builder.rebuild().ok
        served_counts = counted[:]  # the clean build counts too
        same_as_a_clean_build("label")
        assert served_counts == [[], sorted(["charikar2002similarity", *(p.split("/")[1][:-3] for p in PAPERS
                                                              if "weiss" not in p)])]  # a label changed: all again
    finally:
        builder.close()


def test_words_are_folded_runs_of_letters_of_4_or_more_as_the_page_reads_them() -> None:
    assert count_words("Hervé Jégou, x² Straße: naïve ab abc abcd²efgh 1234 l2hash ℓ₁-norm NORM efgh²abcd") == {
        "herve": 1, "jegou": 1, "straße": 1, "naive": 1, "abcd": 2, "efgh": 2, "hash": 1, "norm": 2}
    assert count_words("Spectral Hashing, by Y. Weiss: hashing") == {"spectral": 1, "hashing": 2, "weiss": 1}


def test_words_written_with_accents_are_counted_as_written_in_lower_case() -> None:
    assert accented_words("Spectral hashing, by Y. Weiss") == {}  # no accents: nothing to count
    assert accented_words("Hervé JÉGOU, Jégou and Jegou: naïve² x² Straße ÉTÉ Œuvre") == {
        "hervé": 1, "jégou": 2, "naïve": 1}  # "été": 3 letters; "straße", "œuvre": fold keeps them as they are
    # Written decomposed (NFD), a word is counted composed, as the page writes it; a mark that fold keeps is no letter.
    assert accented_words(unicodedata.normalize("NFD", "Jégou")) == {"jégou": 1}
    assert accented_words("मानक हिन्दी") == {}


@pytest.mark.parametrize(("summaries", "shown"), [
    (["Jégou", "Jegou"], "jegou"),  # as often: the folded form
    (["Jégou", "Jégou", "Jegou"], "jégou"),
    (["Jégou", "Jegou", "Jegou"], "jegou"),
    (["Jégou", "JEGOU", "Jégóu", "Jégóu"], "jégóu"),  # the accented form written most
    (["Jégou", "Jégóu"], "jégou"),  # as often: the first in alphabetical order
])
def test_a_word_is_listed_as_the_papers_write_it_most(site: Site, summaries: list[str], shown: str) -> None:
    """The page folds each word of the list to match it, and shows it as listed in its "Did you mean …?"."""
    papers = {f"papers/doe20{10 + i}word.md": paper(f"Word {i}", "Jane Doe", 2010 + i, "Transformers", "supervised",
                                                    "NeurIPS", f"A summary that names {name}.")
              for i, name in enumerate(summaries)}
    words = json.loads(built(site, papers)["papers/finder-words.json"])["words"]
    listed = [word for _, group in words for word in group.split(" ")]
    assert [word for word in listed if fold(word) == "jegou"] == [shown]


def test_words_are_counted_a_piece_of_the_text_at_a_time() -> None:
    # Listed all at once, the words of 20,000 papers' texts took 160 MB of the build process (1.9 million strings):
    # the 200,000 words here took 17 MB, more than eight times the text.
    text = "Spectral hashing of binary codes, Jegou\n" * 50_000
    tracemalloc.start()
    try:
        counts = count_words(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counts == {"spectral": 50_000, "hashing": 50_000, "binary": 50_000, "codes": 50_000, "jegou": 50_000}
    assert peak < 2 * len(text), peak  # its folded copy and one piece's words
    # A piece ends at a line break, never inside a word; a text of other letters is cut the same way.
    assert count_words("spectral " * 20_000 + "\n" + "Jégou " * 30_000) == {"spectral": 20_000, "jegou": 30_000}


def test_year_pages_list_every_paper_of_their_year_with_links_to_the_next(site: Site) -> None:
    files = built(site, PAPERS)
    assert sorted(p for p in files if p.startswith("papers/") and p.endswith("/index.html")) == [
        "papers/2008/index.html", "papers/2011/index.html", "papers/2019/index.html", "papers/index.html"]
    page = files["papers/2011/index.html"].decode()
    assert "<title>Papers from 2011 — " in page
    assert page.count('class="paper-item"') == 2
    assert 'href="../../publications/gong2011iterative/"' in page and 'href="../../publications/jegou2011product/"' in page
    assert '<a href="../../papers/2019/">← 2019</a>' in page and '<a href="../../papers/2008/">2008 →</a>' in page
    assert "←" not in files["papers/2019/index.html"].decode()
    assert 'class="pager"' not in page  # a list of one page has no page links
    sitemap = files["sitemap.xml"].decode()
    assert "papers/2011/" in sitemap
    listing = files["papers/index.html"].decode()
    assert '<a href="../papers/2011/">2011</a> <span class="count">2</span>' in listing


def test_topic_map_file_is_a_standalone_svg_of_every_paper(site: Site) -> None:
    files = built(site, PAPERS)
    svg = ElementTree.fromstring(files["papers/topic-map.svg"])
    ns = "{http://www.w3.org/2000/svg}"
    links = svg.findall(f"{ns}a")
    assert sorted(a.get("data-key") or "" for a in links) == sorted(ORDER)
    assert {a.get("data-key"): a.get("data-i") for a in links} == {key: str(i) for i, key in enumerate(ORDER)}
    assert {a.get("href") for a in links} == {f"../publications/{key}/" for key in ORDER}
    assert b'<?xml-stylesheet type="text/css" href="../static/style.css"?>' in files["papers/topic-map.svg"]


def test_a_review_above_list_limit_lists_its_newest_papers_and_loads_the_map_on_demand(site: Site) -> None:
    small = built(site, PAPERS)
    assert small["papers/index.html"].count(b'class="paper-item"') == 4
    assert b"data-map-src" not in small["papers/index.html"] and b"map-point" in small["stats/index.html"]
    files = built(site, {**PAPERS, "l2h.yml": "list_limit: 2\n"})
    listing = files["papers/index.html"].decode()
    assert listing.count('class="paper-item"') == 2 and "The newest 2 of 4 papers" in listing
    assert 'data-key="doe2019eclair"' in listing and 'data-key="jegou2011product"' not in listing
    assert 'data-page="2"' in listing
    for page in ("papers/index.html", "stats/index.html"):
        html = files[page].decode()
        assert "map-point" not in html and 'data-map-src="../papers/topic-map.svg"' in html
        assert '<a href="../papers/topic-map.svg">Open the topic map of 4 papers</a>' in html
        assert "static/map.js" in html
    assert files["papers/2011/index.html"].count(b'class="paper-item"') == 2  # every paper still has a page
    # The taxonomy's comparison tables show each family's newest papers and link the rest.
    taxonomy = files["taxonomy/index.html"].decode()
    unsupervised = taxonomy.split('id="family-unsupervised"', 1)[1].split("</section>", 1)[0]
    assert '<a href="../taxonomy/family/unsupervised/">all 3 Unsupervised papers</a>' in unsupervised
    assert unsupervised.count("<tr>") == 1 + 2  # the header and the newest two
    assert "all 3 Unsupervised" not in small["taxonomy/index.html"].decode()


def test_list_limit_must_be_a_positive_whole_number(site: Site) -> None:
    for value, expected in (("0", 'l2h.yml:1:13: error[config-range]: setting "list_limit" must be at least 1, got 0'),
                            ("many", ('l2h.yml:1:13: error[config-type]: setting "list_limit" must be a whole number, got '
                                     'the text "many"'))):
        root = site({**PAPERS, "l2h.yml": f"list_limit: {value}\n"})
        found = [d for d in check_site(root).diagnostics if d.code.startswith("config")]
        text = format_text(found)
        assert text.splitlines()[:2] == [expected, "  help: write a whole number, e.g. list_limit: 1000"]


def test_lists_longer_than_list_limit_are_split_into_linked_pages(site: Site) -> None:
    files = built(site, {**PAPERS, "l2h.yml": "list_limit: 1\n"})
    pages = sorted(p for p in files if p.startswith("taxonomy/family/unsupervised/"))
    assert pages == ["taxonomy/family/unsupervised/2/index.html", "taxonomy/family/unsupervised/3/index.html",
                     "taxonomy/family/unsupervised/index.html"]
    first = files["taxonomy/family/unsupervised/index.html"].decode()
    second = files["taxonomy/family/unsupervised/2/index.html"].decode()
    # Each page lists one paper, says how many the whole list has, and links its neighbours.
    assert first.count('class="paper-item"') == 1 and 'data-key="gong2011iterative"' in first
    assert second.count('class="paper-item"') == 1 and 'data-key="jegou2011product"' in second
    assert '<span class="count">3</span></h1>' in second
    assert '<h2 id="y2011" class="year-heading">2011 <span class="count">2</span></h2>' in second  # the year's total
    assert "<title>Unsupervised (page 2 of 3) — " in second and "<title>Unsupervised — " in first
    assert '<a href="../../../../taxonomy/family/unsupervised/" rel="prev">← Newer</a>' in second
    assert '<a href="../../../../taxonomy/family/unsupervised/3/" rel="next">Older →</a>' in second
    assert '<span aria-current="page">2</span>' in second
    assert 'rel="prev"' not in first
    assert files["papers/2011/2/index.html"].count(b'class="paper-item"') == 1
    assert files["tags/quantisation/2/index.html"].count(b'class="paper-item"') == 1
    assert "tags/quantisation/3/index.html" not in files
    assert b"taxonomy/family/unsupervised/3/" in files["sitemap.xml"]
