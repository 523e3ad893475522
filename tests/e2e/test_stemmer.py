"""The finder's copy of Pagefind's stemmer (static/vendor/porter2.js) stems as Pagefind does.

The finder asks static/vendor/porter2.js what Pagefind made of a query word (search-rules.js, withFallbacks).
Pagefind 1.5 stems its index and its queries with Snowball's English stemmer, whose index of a review has the stems of
Python's snowballstemmer 3.1.1 (2.2 stems "added" "ad", 3.0 "international" "intern"): the first test shows that
from Pagefind's own index, the second that vendor/porter2.js in Chromium stems every word as snowballstemmer 3.1.1
does.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import snowballstemmer
from playwright.sync_api import expect

from .conftest import REPO, _QuietHandler, serving

TRICKY = """added adding international intervals university pasted biologist evening evenings skis skies sky dying
lying tying flying idly gently ugly early only singly news howe atlas cosmos bias andes inning innings outing canning
herring earring proceed exceed exceedingly succeed succeeding generous generously communism communication arsenal
sentence sentences dependence quantization quantizati quantisation experiments experimental hashing modelling
labelled yield saying says ties cries agreed feed fluently hopping hoping enumerates ability abilities ionisation ize
sses ies ied us ss is a an by yy yyy ayyy hyyyes 2304 c++ ℓ2 α2 über naive dying's o'neil's news' 'quoted
😀ies 𝒙ied 😀s 𝒙y 𝒙yed a😀ing ha𝒙ed o𝒙es 😀a😀es '😀 😀' 𝒙𝒙ies"""
"""Words that Snowball's English stemmer treats as exceptions or in one of its corners (y as a consonant, the starts
of words after which its region R1 begins, apostrophes, short words), words that Snowball 2.2, 3.0 and 3.1 stem
otherwise, the words of the finder's rules (sent|ence, quantizati), words of other scripts as the finder folds
them, and words with a letter outside the Basic Multilingual Plane, which Snowball counts as one letter and a
JavaScript string as two UTF-16 units ("😀ies" is "😀ie", "a😀ing" "a😀e")."""


def review_words() -> list[str]:
    """The words of the review's papers (titles, summaries and the rest of each file), folded as the finder folds a
    query word, with TRICKY."""
    words = set(TRICKY.split())
    for paper in sorted((REPO / "papers").glob("*.md")):
        text = unicodedata.normalize("NFD", paper.read_text(encoding="utf-8"))
        folded = re.sub("[\u0300-\u036f]", "", text).lower()
        words.update(re.findall(r"[^\W_]+", folded))
    return sorted(words)


def _cbor(data: bytes, at: int) -> tuple[Any, int]:
    """The CBOR item at `at` in data (the kinds that Pagefind's index has), and where the next one starts."""
    kind, size = data[at] >> 5, data[at] & 31
    at += 1
    if size >= 24:
        width = 1 << (size - 24)
        size, at = int.from_bytes(data[at:at + width], "big"), at + width
    if kind == 0:
        return size, at
    if kind == 1:
        return -1 - size, at
    if kind in (2, 3):
        item = data[at:at + size]
        return (item.decode() if kind == 3 else item), at + size
    if kind == 4:
        items = []
        for _ in range(size):
            item, at = _cbor(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR kind {kind} at {at}")


def test_pagefinds_index_has_the_stems_of_snowballstemmer_3_1_1(tmp_path: Path) -> None:
    from pagefind_bin import get_executable

    words = [word for word in review_words() if re.fullmatch("[a-z]+", word)]  # as Pagefind indexes them alone
    site = tmp_path / "site"
    site.mkdir()
    page = f'<!doctype html><html lang="en"><title>{words[0]}</title><body><p>{" . ".join(words)}</p></body></html>'
    (site / "index.html").write_text(page, encoding="utf-8")
    subprocess.run([str(get_executable()), "--site", str(site)], check=True, capture_output=True)
    indexed: set[str] = set()
    for chunk in (site / "pagefind" / "index").glob("*.pf_index"):
        data = gzip.decompress(chunk.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        index, _ = _cbor(data, len(b"pagefind_dcd"))
        indexed.update(entry[0] for entry in index[0])
    english = snowballstemmer.stemmer("english")
    assert indexed == {english.stemWord(word) for word in words}
    assert {"add", "internat", "interval"} <= indexed


def test_the_finder_stems_every_word_of_the_review_as_snowballstemmer_3_1_1_does(page: Any) -> None:
    words = review_words()
    assert len(words) > 3000
    english = snowballstemmer.stemmer("english")
    with serving(REPO / "static", _QuietHandler) as site:
        page.goto(site + "vendor/porter2.js")
        stems = page.evaluate("words => import('./porter2.js').then(m => words.map(m.stem))", words)
    differ = [(word, stem, english.stemWord(word)) for word, stem in zip(words, stems)
              if stem != english.stemWord(word)]
    assert not differ, differ
    assert dict(zip(words, stems))["sentence"] == "sentenc"
    assert [dict(zip(words, stems))[word] for word in ("😀ies", "a😀ing", "𝒙y")] == ["😀ie", "a😀e", "𝒙y"]


def test_the_papers_page_loads_the_stemmer_only_once_the_reader_searches(page: Any, base_url: str) -> None:
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))  # the finder's worker's too
    page.goto(base_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if url.endswith("/porter2.js")]
    page.fill("#f-q", "hashing")
    # the answer of the search index, not the page's own first matches (said while it is busy, before the stemmer)
    expect(page.locator("#finder-status")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#finder-status")).to_contain_text("matching \u201chashing\u201d")
    assert base_url + "static/vendor/porter2.js" in requested
