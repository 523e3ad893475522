"""The finder when its search goes wrong: the worker dies once it searches, a search fails, or the index cannot be
loaded; and the finder of a review built without a search index.

The review is test_typing's, whose words are in the summaries: the papers found through Pagefind and those matched
in the page tell apart where a query was answered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import REPO, _QuietHandler, build_in_mode, quoted, serving
from .test_typing import (
    COUNTED_PAGEFIND,
    WATCH_WORKER,
    count_queries,
    finder_worker,
    make_typing_review,
    shown_for,
    typing_url,  # noqa: F401  (a fixture, redefined as the tests' argument: F811)
)

HASHING = ["ann2001compound", "bee2002hashing", "cat2003hashing", "dog2004hashing"]

CRASHING_WORKER = """importScripts("search-rules.js");
var finding = null;
self.addEventListener("message", function (event) {
  if (!finding) {
    finding = self.l2hSearch.open(event.data.root, event.data.count);
    finding.then(function () { self.postMessage({ ready: true }); }, function () { self.postMessage({ ready: false }); });
    return;
  }
  throw new Error("the worker crashed");
});
"""
"""The finder's worker, which loads Pagefind and says it is ready, then crashes on the first query (an uncaught error,
as from running out of memory): it answers no query."""


def test_a_worker_that_dies_once_it_searches_hands_its_queries_to_the_page(page: Any, typing_url: str) -> None:  # noqa: F811
    """The query the worker was asked when it died is asked in the page, which searches from then on: the status says
    the count, not "Searching…" for ever."""
    count_queries(page)
    page.route("**/static/search-worker.js", lambda route: route.fulfill(content_type="text/javascript",
                                                                         body=CRASHING_WORKER))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == HASHING
    status = page.locator("#finder-status")
    expect(status).to_have_text("Showing 4 of 15 papers matching \u201chashing\u201d.")
    expect(page.locator("#finder-results")).not_to_have_class("is-stale")
    assert sorted(page.evaluate("self.askedOfPagefind")) == ['"hashing"', "hashing", "hashing~"]
    page.fill("#f-q", "quantization")
    assert shown_for(page, "quantization") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    assert "quantization" in page.evaluate("self.askedOfPagefind")


ANSWER = "self.postMessage({ id: message.id, numbers: found.numbers, keys: found.keys }, [found.numbers.buffer]);"
ASK = "  finding.then(function (find) { return find(message.q); })"
WORKER = (REPO / "static/search-worker.js").read_text(encoding="utf-8")
CLOSING_WORKERS = {
    "once it has answered": WORKER.replace(ANSWER, ANSWER + " self.close();"),
    "when it is asked again": WORKER.replace(ANSWER, ANSWER + " self.answered = true;").replace(
        ASK, "  if (self.answered) { self.close(); return; }\n" + ASK),
}
"""The finder's worker, which closes itself once it has answered its first query, or when it is asked the next one
(which it never answers): no error event tells the page, and the queries it is asked then are never answered (as when
its process is killed)."""


@pytest.mark.parametrize("when", CLOSING_WORKERS)
def test_a_worker_that_closes_itself_hands_its_queries_to_the_page(page: Any, typing_url: str,  # noqa: F811
                                                                   when: str) -> None:
    """The worker answers "hashing", then is gone without a word: "quantization" is asked in the page, and answered,
    not "Searching…" for ever."""
    assert WORKER.count(ANSWER) == 1 and WORKER.count(ASK) == 1
    count_queries(page)
    page.route("**/static/search-worker.js", lambda route: route.fulfill(content_type="text/javascript",
                                                                         body=CLOSING_WORKERS[when]))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == HASHING
    assert page.evaluate("self.askedOfPagefind") is None  # answered by the worker: the page has not loaded Pagefind
    page.fill("#f-q", "quantization")
    assert shown_for(page, "quantization") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    expect(page.locator("#finder-status")).to_have_text("Showing 3 of 15 papers matching \u201cquantization\u201d.")
    assert "quantization" in page.evaluate("self.askedOfPagefind")
    page.fill("#f-q", "quantisation")  # and the page searches from then on
    assert shown_for(page, "quantisation") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    assert "quantisation" in page.evaluate("self.askedOfPagefind")


def test_a_worker_that_cannot_hold_its_lock_still_searches(page: Any, typing_url: str) -> None:  # noqa: F811
    """A worker without Web Locks (an old browser, or its request refused) says so, and the page does not wait for its
    lock, which it would be granted at once, as if the worker were gone: the worker answers every query."""
    count_queries(page)
    page.add_init_script(WATCH_WORKER)
    page.route("**/static/search-worker.js", lambda route: route.fulfill(
        content_type="text/javascript", body="delete WorkerNavigator.prototype.locks;\n" + WORKER))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == HASHING
    page.fill("#f-q", "quantization")
    assert shown_for(page, "quantization") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    assert page.evaluate("window.fromWorker[0]") == {"ready": True, "locked": False}
    assert page.evaluate("self.askedOfPagefind") is None
    assert "quantization" in finder_worker(page).evaluate("self.askedOfPagefind")


HANGING_WORKER = WORKER.replace(ANSWER, ANSWER + " self.answered = true;").replace(
    ASK, "  if (self.answered) { for (;;) {} }\n" + ASK)
"""The finder's worker, which answers its first query, then hangs in a loop when asked the next one: alive, it still
holds its lock, and says nothing."""
TO_WORKER = """
window.toWorker = [];
const postToWorker = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.q !== undefined) window.toWorker.push(message.q);
  return postToWorker.call(this, message, ...rest);
};
"""
"""Record the queries that the page asks of its worker."""
SILENT_WORKERS = {
    "gone, without Web Locks": (True, "delete WorkerNavigator.prototype.locks;\n" + CLOSING_WORKERS["when it is asked again"]),
    "hanging, holding its lock": (False, HANGING_WORKER),
}
"""A worker whose lock tells the page nothing: where there are no Web Locks (a page served over plain HTTP from another
machine, an old browser) one that closes itself, and one that hangs (alive, it keeps its lock); whether the page's
Web Locks are taken away too, and the worker's script."""


@pytest.mark.parametrize("worker", SILENT_WORKERS)
def test_a_worker_whose_lock_tells_nothing_is_known_by_its_silence(page: Any, typing_url: str,  # noqa: F811
                                                                  worker: str) -> None:
    """A worker that is gone, or hangs, is known when a query waits 10 s while it says nothing: the query is then
    asked in the page, not "Searching…" for ever, and so is the next. The page's clock is Playwright's, moved on by
    the test: the 10 s pass at once."""
    no_locks, body = SILENT_WORKERS[worker]
    page.clock.install()
    count_queries(page)
    page.add_init_script(TO_WORKER)  # before WATCH_WORKER replaces window.Worker
    page.add_init_script(WATCH_WORKER)
    if no_locks:
        page.add_init_script("delete Navigator.prototype.locks")
    page.route("**/static/search-worker.js", lambda route: route.fulfill(content_type="text/javascript", body=body))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    page.fill("#f-q", "hashing")
    assert shown_for(page, "hashing") == HASHING
    assert page.evaluate("window.fromWorker[0]") == {"ready": True, "locked": not no_locks}
    assert page.evaluate("self.askedOfPagefind") is None
    page.fill("#f-q", "quantization")
    for _ in range(100):  # the query reaches the worker once the reader has paused (the 10 s count from then on)
        if "quantization" in page.evaluate("window.toWorker"):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the worker was never asked: {page.evaluate('window.toWorker')}")
    # 8 s on (the 10 s count from when the worker last spoke, before the query; the test's own steps since then, on a
    # busy machine, take part of the other 2 s)
    page.clock.fast_forward(8000)
    time.sleep(1)  # long enough for the page to load Pagefind and ask it, had it given up on the worker
    assert page.locator("#finder-status").get_attribute("aria-busy") is not None  # waits for the worker meanwhile
    assert page.evaluate("self.askedOfPagefind") is None
    page.clock.fast_forward(3000)
    assert shown_for(page, "quantization") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    assert "quantization" in page.evaluate("self.askedOfPagefind")
    page.fill("#f-q", "quantisation")
    assert shown_for(page, "quantisation") == ["ann2001compound", "eel2005quant", "fox2006quant"]
    assert "quantisation" in page.evaluate("self.askedOfPagefind")


FAILING_PAGEFIND = COUNTED_PAGEFIND.replace("self.askedOfPagefind = [];", """\
self.askedOfPagefind = [];
self.pagefindFails = true;""").replace("  return pagefind.search(term, options);", """\
  if (self.pagefindFails) return Promise.reject(new Error("the index could not be read"));
  return pagefind.search(term, options);""")
"""COUNTED_PAGEFIND whose searches fail until self.pagefindFails is set to false in the thread that runs it."""

UNAVAILABLE = ("Full-text search is not available: words are matched as typed in titles, authors, venues, tags and "
               "summaries.")


@pytest.mark.parametrize("where", ["worker", "page"])
def test_a_failed_search_says_so_shows_the_local_matches_and_is_asked_again(page: Any, typing_url: str,  # noqa: F811
                                                                           where: str) -> None:
    """When Pagefind fails (in the finder's worker, which answers {failed: true}, or in the page without a worker), the
    reader is told, and shown the papers whose title, authors, venue, tags or summary have the words as typed: not "no
    papers match" where papers match. "optimization" is then only the paper with "Optimisation" (Pagefind finds the one
    with "optimized" too), and "hashes" none (Pagefind finds "hashing"). The failed query is not taken as answered:
    asked again (here by a tick in a box), it is answered by Pagefind once it works."""
    if where == "page":
        page.add_init_script("delete window.Worker")
    page.route("**/pagefind/pagefind.js", lambda route: route.fulfill(content_type="text/javascript",
                                                                      body=FAILING_PAGEFIND))
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    status = page.locator("#finder-status")
    page.fill("#f-q", "optimization")
    assert shown_for(page, "optimization") == ["kit2011optim"]
    expect(status).to_have_text(UNAVAILABLE + " Showing 1 of 15 papers matching \u201coptimization\u201d.")
    page.fill("#f-q", "hashes")
    assert shown_for(page, "hashes") == []
    expect(status).to_have_text(UNAVAILABLE + " No papers match \u201chashes\u201d.")
    expect(page.locator("#finder-results .finder-empty > p").first).to_have_text(
        UNAVAILABLE + " No papers match \u201chashes\u201d.")
    thread = finder_worker(page) if where == "worker" else page
    asked = len(thread.evaluate("self.askedOfPagefind"))
    thread.evaluate("self.pagefindFails = false")
    page.get_by_label("Survey").check()  # every paper has it: the same query, asked again
    assert shown_for(page, "hashes") == HASHING
    expect(status).to_have_text("Showing 4 of 15 papers matching \u201chashes\u201d.")
    assert "hashes" in thread.evaluate("self.askedOfPagefind")[asked:]


# (query, keys found by matching in the page): a phrase in quotes is its words in a row, in either spelling, with a
# space or a hyphen between them; a phrase being typed (no closing quote yet) is its words.
PHRASES = [('"hashing images"', ["bee2002hashing"]),
           ('"quantization error"', ["fox2006quant"]),
           ('"quantization based ranker"', ["ann2001compound"]),
           ('"grey level"', ["hen2008grey"]),
           ('"images hashing"', []),
           ('"hashing', HASHING)]


def test_without_the_index_a_phrase_finds_its_papers_and_the_status_says_so(page: Any, typing_url: str) -> None:  # noqa: F811
    """Where the search index cannot be loaded (a network failure, a blocked folder), words are matched in the page,
    and the status says that full-text search is not available; a phrase in quotes is matched as a phrase, not as
    words with quote marks that no paper has."""
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(typing_url + "papers/")
    expect(page.locator("#finder")).to_be_visible()
    for query, keys in PHRASES:
        page.fill("#f-q", query)
        assert shown_for(page, query) == keys, query
        said = (f"Showing {len(keys)} of 15 papers matching {quoted(query)}." if keys
                else f"No papers match {quoted(query)}.")
        expect(page.locator("#finder-status")).to_have_text(UNAVAILABLE + " " + said)


@pytest.fixture(scope="module", params=["full", "paged"])
def unindexed_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """test_typing's review built with search: false (in one card file, or several), served."""
    root = make_typing_review(tmp_path_factory.mktemp("unindexed") / "review")
    (root / "l2h.yml").write_text("search: false\n", encoding="utf-8")
    with serving(build_in_mode(root, request.param), _QuietHandler) as address:
        yield address


def test_a_review_without_a_search_index_matches_in_the_page_and_asks_for_no_index(page: Any,
                                                                                  unindexed_url: str) -> None:
    """search: false: the page matches words and phrases itself, asks for no search index and no ids of it (no 404s
    in the console), and does not call full-text search unavailable: the review has none."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(unindexed_url + "papers/?q=hashing")
    assert shown_for(page, "hashing") == HASHING
    expect(page.locator("#finder-status")).to_have_text("Showing 4 of 15 papers matching \u201chashing\u201d.")
    for query, keys in PHRASES:
        page.fill("#f-q", query)
        assert shown_for(page, query) == keys, query
        expect(page.locator("#finder-status")).not_to_contain_text("Full-text search")
    assert not [url for url in asked if "pagefind" in url or "finder-search" in url or "search-worker" in url], asked
    assert errors == []
