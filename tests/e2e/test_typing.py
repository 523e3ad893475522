"""Search as you type on the all-papers page: the count while a word is typed, and its spellings.

The review here has its words in the summaries, which only the Pagefind index has (titles and authors
are matched in the page too), and compounds such as "hashing-based", which Pagefind indexes whole: a
word that starts so is what made "hashi" and "quantiza" find 1 paper where "hashing" finds 4.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import REPO, _QuietHandler, build_in_mode, quoted, serving

TAXONOMY = """\
facets:
  family:
    label: Method family
    description: The broad approach.
    values:
      binary: {label: Binary codes, description: Bits.}
tags:
  Survey:
    description: An overview.
"""

# key: (title, year, summary)
PAPERS = {
    "ann2001compound": ("Alpha", 2001, "A hashing-based index with a quantization-based ranker."),
    "bee2002hashing": ("Beta", 2002, "Learns codes by hashing images."),
    "cat2003hashing": ("Gamma", 2003, "Semantic hashing of documents."),
    "dog2004hashing": ("Delta", 2004, "Hashing with kernels, and a modelling study."),
    "eel2005quant": ("Epsilon", 2005, "Iterative quantization of projected data."),
    "fox2006quant": ("Zeta", 2006, "Minimises the quantisation error of the codes."),
    "gnu2007models": ("Eta", 2007, "Statistical models of text; modeling topics."),
    "hen2008grey": ("Theta", 2008, "Codes for grey-level images in a catalogue, with labelled pairs."),
    "ibis2009gray": ("Iota", 2009, "Gray codes for an analog catalog of centers, with labeled data."),
    "jay2010optim": ("Kappa", 2010, "An optimized index without redundancy, in experiments."),
    "kit2011optim": ("Lambda", 2011, "Optimisation of experimental codes."),
    "lynx2012random": ("Mu", 2012, "Random projections, an improvement."),
    "mole2013random": ("Nu", 2013, "Randomised codes, improved."),
    "owl2014zebranet": ("Xi", 2014, "Zebranet codes."),
    "pig2015zebra": ("Omicron", 2015, "Zebra codes."),
}


def make_typing_review(root: Path) -> Path:
    """Write this file's review: the repository's templates and static files plus PAPERS."""
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "taxonomy.yml").write_text(TAXONOMY, encoding="utf-8")
    (root / "papers").mkdir()
    for key, (title, year, summary) in PAPERS.items():
        (root / "papers" / f"{key}.md").write_text(
            f"---\ntitle: {title}\nauthors: Ann Author\nvenue: CVPR\nyear: {year}\ntags: [Survey]\n"
            f"family: binary\n---\n{summary}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["full", "paged"])
def typing_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build this review (in one card file and one search bundle, or in several of each, so that words are
    matched through the search index only) and serve it."""
    root = make_typing_review(tmp_path_factory.mktemp("typing") / "review")
    with serving(build_in_mode(root, request.param), _QuietHandler) as address:
        yield address


def shown_for(page: Any, query: str) -> list[str]:
    """Keys of the papers the finder shows once it has answered this query (every one, not only a page): once its
    status names the query, or says it shows all papers without naming one (a query of no words). A status that names
    another query is the last query's, whose papers are still shown, even if it matched them all."""
    page.wait_for_function(
        """q => { const s = document.getElementById('finder-status');
            return !s.hasAttribute('aria-busy') && (s.textContent.includes(q) ||
              (s.textContent.startsWith('Showing all') && !s.textContent.includes(' matching '))); }""",
        arg=quoted(query))
    expect(page.locator("#finder-more")).to_be_hidden()  # the review is smaller than a page of results
    return sorted(page.eval_on_selector_all("#finder-results li.paper-item", "items => items.map(li => li.dataset.key)"))


def shown_for_each(page: Any, url: str, queries: Iterable[str],
                   statuses: dict[str, str] | None = None) -> dict[str, list[str]]:
    """shown_for each query in turn, typed into the all-papers page one after another as a reader searches again (the
    page loaded once: each load of it, with its search, costs a second or more, which a test per query paid), and the
    status each query got, its spaces as shown, into statuses."""
    page.goto(url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    shown = {}
    for query in queries:
        page.fill("#f-q", query)
        shown[query] = shown_for(page, query)
        if statuses is not None:
            statuses[query] = " ".join(page.locator("#finder-status").inner_text().split())
    return shown


@pytest.mark.parametrize(("word", "found"), [
    ("hashing", ["ann2001compound", "bee2002hashing", "cat2003hashing", "dog2004hashing"]),
    ("quantization", ["ann2001compound", "eel2005quant", "fox2006quant"]),
    ("quantisation", ["ann2001compound", "eel2005quant", "fox2006quant"]),
    ("modelling", ["dog2004hashing", "gnu2007models"]),
    ("randomly", ["lynx2012random", "mole2013random"]),
    ("experiment", ["jay2010optim", "kit2011optim"]),
    ("improvement", ["lynx2012random", "mole2013random"]),
])
def test_every_prefix_typed_finds_the_papers_the_whole_word_finds(page: Any, typing_url: str, word: str,
                                                                   found: list[str]) -> None:
    """What is guaranteed: while a word is typed letter by letter, from its third letter on, the papers
    shown include every paper that the whole word finds, so the count never drops below the whole word's
    count on the way to it (shorter starts match more words, and may find more). Also through an ending
    that starts with a consonant: "randoml" (no indexed word starts so) and "experim" (where the index has
    "experiment", the stem of "experimental") find what "random" and "experi" find, and "improvem" what
    "improv" finds ("ement" is an ending)."""
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    query = page.locator("#f-q")
    query.click()
    for n, letter in enumerate(word, start=1):
        query.press(letter)
        shown = shown_for(page, word[:n])
        if n == len(word):
            assert shown == found
        elif n >= 3:
            assert set(found) <= set(shown), (word[:n], shown)


SPELLINGS = [
    ("grey", ["hen2008grey", "ibis2009gray"]),
    ("gray", ["hen2008grey", "ibis2009gray"]),
    ("catalogue", ["hen2008grey", "ibis2009gray"]),
    ("labelled", ["hen2008grey", "ibis2009gray"]),
    ("labeled", ["hen2008grey", "ibis2009gray"]),
    ("analogue", ["ibis2009gray"]),
    ("centre", ["ibis2009gray"]),
]
"""British and American spellings, and the papers each finds."""


def test_british_and_american_spellings_of_whole_words_and_endings(page: Any, typing_url: str) -> None:
    """-ogue/-og, -elled/-eled, -tre/-ter and whole words that no ending tells apart (grey/gray)."""
    assert shown_for_each(page, typing_url, dict(SPELLINGS)) == dict(SPELLINGS)


STEMMED = [
    ("optimization", ["jay2010optim", "kit2011optim"]),
    ("optimisation", ["jay2010optim", "kit2011optim"]),
    ("optimized", ["jay2010optim", "kit2011optim"]),
    ("redundancy", ["jay2010optim"]),
    ("experiments", ["jay2010optim", "kit2011optim"]),
]
"""Whole words, and the papers each finds by its stem."""


def test_a_whole_word_finds_every_paper_with_a_word_that_starts_with_its_stem(page: Any, typing_url: str) -> None:
    """A whole word finds what Pagefind's stemmer says it should: "optimization" (stem "optim") the paper
    with "optimized" (also "optim") as well as the one with "Optimisation" ("optimis"); "redundancy" (stem
    "redund", after an ending that the finder does not list); "experiments" (stem "experi") the paper with
    "experimental" ("experiment")."""
    assert shown_for_each(page, typing_url, dict(STEMMED)) == dict(STEMMED)


@pytest.mark.parametrize("query", ["zebran", "zebrane"])
def test_a_consonant_after_a_word_narrows_to_the_longer_word(page: Any, typing_url: str, query: str) -> None:
    """"zebran" is on the way to "zebranet", which the index has, not to "zebraness": it does not widen to
    every paper with "zebra"."""
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", query)
    assert shown_for(page, query) == ["owl2014zebranet"]


COUNTED_PAGEFIND = """import * as pagefind from "./pagefind.js?counted";
self.askedOfPagefind = [];
export const options = pagefind.options, mergeIndex = pagefind.mergeIndex, init = pagefind.init,
  destroy = pagefind.destroy, filters = pagefind.filters, preload = pagefind.preload,
  debouncedSearch = pagefind.debouncedSearch, createInstance = pagefind.createInstance;
export function search(term, options) {
  self.askedOfPagefind.push(term);
  return pagefind.search(term, options);
}
"""
"""Pagefind's module as the finder imports it, recording the text of each query in the global scope of the thread that
imported it (the finder's worker, or the page): the real module is served under another address (the test server
ignores the query string, and Pagefind finds its files from the folder of its own address)."""


def count_queries(page: Any) -> None:
    """Serve the page COUNTED_PAGEFIND as Pagefind's module."""
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(content_type="text/javascript",
                                                                      body=COUNTED_PAGEFIND))


def finder_worker(page: Any) -> Any:
    """The finder's worker, which runs Pagefind (static/search-worker.js): the page's only worker."""
    workers = [worker.url for worker in page.workers]
    assert len(workers) == 1 and workers[0].endswith("/static/search-worker.js"), workers
    return page.workers[0]


def asked_for(page: Any, query: str) -> list[str]:
    """Type query at once, wait for the finder's answer; return the texts it asked Pagefind for it, sorted: in the
    finder's worker, while the page itself never loads Pagefind."""
    if page.workers:
        finder_worker(page).evaluate("self.askedOfPagefind = []")
    page.fill("#f-q", query)
    shown_for(page, query)
    assert page.evaluate("self.askedOfPagefind") is None
    return sorted(finder_worker(page).evaluate("self.askedOfPagefind"))


def test_pagefind_is_asked_each_text_once_and_only_what_can_change_the_papers_found(page: Any, typing_url: str) -> None:
    """A common word costs Pagefind a tenth of a second or more per query at 20,000 papers (it scores and sorts every
    hit), so the finder asks each text once in the page's life, though several of its rules, and the next word typed,
    need the same answer; and it asks nothing whose answer cannot change the papers found: "hashing", whose
    possible stems are all followed by whole endings ("hash|ing"), asks for the word, the word with the probe and
    the word in quotes, not for "hash~" and "has~" as well. The papers found are pinned by the tests above. Pagefind
    runs in the thread of the finder's worker, not in a worker of its own: that would send every hit across, and then
    a message to release each."""
    count_queries(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    assert asked_for(page, "hashing") == ['"hashing"', "hashing", "hashing~"]
    # the word three ways, whether its stem "hash" is indexed ("hash~", "has~"), and the stem three ways: each once
    assert asked_for(page, "hashi") == ['"hash"', '"hashi"', "hash", "hashi", "hashi~", "hash~", "has~"]
    assert asked_for(page, "hashing") == []  # all asked before
    assert any("/pagefind/index/" in url for url in requested)
    assert not any("pagefind-worker" in url for url in requested)


WATCH_WORKER = """
window.fromWorker = [];
const StartWorker = window.Worker;
window.Worker = function (url, options) {
  const worker = new StartWorker(url, options);
  worker.addEventListener("message", (event) => {
    const message = {};
    for (const [key, value] of Object.entries(event.data)) {
      message[key] = ArrayBuffer.isView(value) ? value.constructor.name + " of " + value.length : value;
    }
    window.fromWorker.push(message);
  });
  return worker;
};
"""
"""Record each message that the page gets from a worker, a typed array as its kind and length."""


def test_the_search_runs_off_the_page_s_thread_and_each_answer_crosses_in_one_message(page: Any,
                                                                                       typing_url: str) -> None:
    """Pagefind's work for a query blocks the thread it runs in (up to a quarter of a second at a time at 20,000
    papers), and a key pressed meanwhile waits for it: the finder runs Pagefind and its rules in a worker of its own,
    and the page never loads Pagefind. A query's papers cross in one message, as numbers in a typed array (not a
    message, nor an object, per hit)."""
    count_queries(page)
    page.add_init_script(WATCH_WORKER)
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == ["ann2001compound", "bee2002hashing", "cat2003hashing", "dog2004hashing"]
    assert page.evaluate("self.askedOfPagefind") is None
    assert sorted(finder_worker(page).evaluate("self.askedOfPagefind")) == ['"hashing"', "hashing", "hashing~"]
    assert page.evaluate("window.fromWorker") == [{"ready": True, "locked": True},
                                                  {"id": 1, "numbers": "Int32Array of 4", "keys": []}]


@pytest.mark.parametrize("without", ["Worker", "the worker's script"])
def test_without_the_worker_the_page_searches_in_its_own_thread(page: Any, typing_url: str, without: str) -> None:
    """Where the finder cannot start its worker (a browser without workers, a page opened from a file) or the worker
    does not load, the page loads Pagefind itself and finds the same papers."""
    count_queries(page)
    if without == "Worker":
        page.add_init_script("delete window.Worker")
    else:
        page.route("**/static/search-worker.js", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == ["ann2001compound", "bee2002hashing", "cat2003hashing", "dog2004hashing"]
    assert sorted(page.evaluate("self.askedOfPagefind")) == ['"hashing"', "hashing", "hashing~"]


SLOW_PAGEFIND = COUNTED_PAGEFIND.replace("  return pagefind.search(term, options);", """\
  const slow = term.includes("hashing") ? new Promise(resolve => setTimeout(resolve, 2000)) : null;
  return slow ? slow.then(() => pagefind.search(term, options)) : pagefind.search(term, options);""")
"""COUNTED_PAGEFIND, taking 2 s more for each text with "hashing"."""


def test_the_newest_word_s_texts_are_asked_of_pagefind_first(page: Any, typing_url: str) -> None:
    """Nothing holds the reader's keys back while the worker searches, so every word typed after a pause is searched:
    the newest word's texts are asked of Pagefind first, and those of the words before wait. Here Pagefind takes 2 s
    for each text of "hashing", and "quantization" is typed while the first is asked: it is answered before the other
    texts of "hashing" are asked. Those wait, and "hashing" typed again is answered from them as before."""
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(content_type="text/javascript",
                                                                      body=SLOW_PAGEFIND))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    while not (page.workers and finder_worker(page).evaluate("(self.askedOfPagefind || []).length")):
        page.wait_for_timeout(20)
    page.fill("#f-q", "quantization")
    assert shown_for(page, "quantization") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    first, *then = finder_worker(page).evaluate("self.askedOfPagefind")
    quantization = [text for text in then if "hashing" not in text]
    assert first == '"hashing"' and then[:len(quantization)] == quantization, [first, *then]  # the last asked is first
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == ["ann2001compound", "bee2002hashing", "cat2003hashing", "dog2004hashing"]
