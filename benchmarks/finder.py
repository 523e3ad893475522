"""How fast the all-papers page answers a reader, in headless Chromium, for reviews of several sizes.

    python benchmarks/finder.py                        # N = 500, 5,000, 20,000 (builds each corpus first)
    python benchmarks/finder.py --sizes 5000 --repeat 7 --work /tmp/l2h-bench

Builds each synthetic corpus (see generate.py) with this checkout's l2h, serves the site on 127.0.0.1 and opens
`papers/` in headless Chromium (Playwright driving /usr/bin/chromium), in a fresh browser context each time (an
empty HTTP cache, as a first visit). For each reader action it prints the median, fastest and slowest time, over
the repeats, from the action (the event dispatched in the page) to the finder's last redraw of the list for it
(the `data-count` the finder sets after drawing the cards), so the page's own work and the files it fetches,
on a local server, are counted; the status line, which the page updates 250 ms after the last change on
purpose (so that a screen reader reads only the final count), is not waited for. The search waits its 150 ms
of typing pause before asking Pagefind: that pause is included. Opening the page is timed from the navigation's
start to the first list drawn. The actions, in order: tick the most used tag; choose the most used value of the
first facet; sort by title (the first sort fetches its ranks); show more papers (above `list_limit`, the page
shows 100 at a time and fetches their cards); clear all; search for a word that many titles hold (Pagefind, its
first search: it loads Pagefind's runtime and each bundle's entry), then for another; with --typed, a word typed
key by key, a key every 250 ms after focusing the field, timed from the last key.

Beside each time it prints the longest task of the page's main thread (PerformanceObserver "longtask": 50 ms or
more; 0 when none) from the action to the last drawing: what a key pressed meanwhile would have waited for.

    python benchmarks/finder.py --sites /tmp/a/_site /tmp/b/_site --repeat 6 --typed quantization

measures sites already built (the words come from the review folder that holds each), visiting them in turn, so
that two variants of the code compare on the same machine at the same time.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ENV, L2H, corpus

CHROMIUM = "/usr/bin/chromium"

WATCH = """
window.__redraws = [];
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("finder");
  if (!form) return;
  new MutationObserver(function () { window.__redraws.push(performance.now()); })
    .observe(form, { attributes: true, attributeFilter: ["data-count"] });
});
window.__longTasks = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (task) { window.__longTasks.push([task.startTime, task.duration]); });
}).observe({ type: "longtask", buffered: true });
document.addEventListener("keydown", function () { window.__lastKey = performance.now(); }, true);
"""
"""Record when the finder draws a list: it sets the form's data-count after each drawing (static/papers.js); the
page's long tasks (of 50 ms or more) and when the last key was pressed."""

SETTLED = """(after) => {
  const status = document.getElementById("finder-status");
  const last = window.__redraws[window.__redraws.length - 1];
  return last !== undefined && last > after && !status.hasAttribute("aria-busy")
    && performance.now() - last > 400 && !document.getElementById("finder-results").classList.contains("is-stale");
}"""
"""Drawn for this action, nothing pending, and no further drawing for 0.4 s (the status's own 0.25 s delay)."""


def served(site: Path) -> AbstractContextManager[str]:
    """Serve site on 127.0.0.1 on a free port as GitHub Pages does, with the browser tests' server (tests/e2e); yield its
    address."""
    spec = importlib.util.spec_from_file_location("l2h_e2e_conftest", HERE.parent / "tests" / "e2e" / "conftest.py")
    assert spec is not None and spec.loader is not None
    e2e = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(e2e)
    server: AbstractContextManager[str] = e2e.serving(site, e2e.PagesHandler)
    return server


LONGEST = """(after) => {
  const last = window.__redraws.filter(t => t > after).pop();
  const during = window.__longTasks.filter(([start, length]) => start + length > after && start < last);
  return [last - after, Math.max(0, ...during.map(([start, length]) => length))];
}"""
"""The milliseconds from `after` to the last drawing, and the longest task of the main thread between them."""


def act(page: Any, script: str, arg: Any = None) -> tuple[float, float]:
    """Run script in the page (it does the action and returns performance.now() just before); wait until the
    finder has drawn its answer and settled; return the milliseconds from the action to the last drawing, and the
    longest task of the page's main thread meanwhile (0 if none took 50 ms)."""
    started = float(page.evaluate(script, arg))
    return settled(page, started)


def settled(page: Any, started: float) -> tuple[float, float]:
    """Wait until the finder has drawn its answer after `started` and settled; return what LONGEST does."""
    page.wait_for_function(SETTLED, arg=started, polling=50, timeout=120_000)
    waited, longest = page.evaluate(LONGEST, started)
    return float(waited), float(longest)


def typed(page: Any, word: str) -> tuple[float, float]:
    """Click the search field, type word a key every 250 ms (each pause longer than the finder's 150 ms, so most
    prefixes start a search); return the milliseconds from the last key to the last drawing, and the longest task
    of the page's main thread from the first key to then."""
    page.click("#f-q")
    first = float(page.evaluate("performance.now()"))
    page.keyboard.type(word, delay=250)
    last = float(page.evaluate("window.__lastKey"))
    waited, _ = settled(page, last)
    longest = page.evaluate("([after, end]) => Math.max(0, ...window.__longTasks.filter(([start, length]) => "
                            "start + length > after && start < end).map(([start, length]) => length))",
                            [first, last + waited])
    return waited, float(longest)


def choices(page: Any) -> dict[str, str]:
    """What to click: the most used tag, and the first facet with its most used value (by their counts)."""
    picked: dict[str, str] = page.evaluate("""() => {
      const count = (text) => Number((text.match(/\\(([\\d,]+)\\)\\s*$/) || [0, "0"])[1].replace(/,/g, ""));
      const tags = [...document.querySelectorAll('#f-tags input[type="checkbox"]')]
        .map(box => [box.value, count(box.closest("label").textContent)]).sort((a, b) => b[1] - a[1]);
      const facet = document.querySelector("select[data-facet]");
      const values = [...facet.options].filter(o => o.value).map(o => [o.value, count(o.textContent)])
        .sort((a, b) => b[1] - a[1]);
      return {tag: tags[0][0], facet: facet.id, value: values[0][0]};
    }""")
    return picked


TICK = """(tag) => {
  const box = [...document.querySelectorAll('#f-tags input[type="checkbox"]')].find(b => b.value === tag);
  const t = performance.now(); box.checked = true; box.dispatchEvent(new Event("change", {bubbles: true})); return t;
}"""
SELECT = """([id, value]) => {
  const select = document.getElementById(id);
  const t = performance.now(); select.value = value; select.dispatchEvent(new Event("change", {bubbles: true}));
  return t;
}"""
MORE = """() => { const t = performance.now(); document.querySelector("#finder-more button").click(); return t; }"""
TYPE = """(word) => {
  const input = document.getElementById("f-q");
  const t = performance.now(); input.value = word; input.dispatchEvent(new Event("input", {bubbles: true})); return t;
}"""
CLEAR = """() => {
  const form = document.getElementById("finder");
  const t = performance.now(); form.reset(); return t;
}"""


def one_visit(browser: Any, url: str, words: list[str], word_typed: str | None = None) -> dict[str, tuple[float, float]]:
    """Open the papers page in a fresh context and time each action once (see act)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    times: dict[str, tuple[float, float]] = {}
    page.goto(url + "papers/")
    page.wait_for_function(SETTLED, arg=0, polling=50, timeout=120_000)
    times["open the page (to the first list)"] = (float(page.evaluate("window.__redraws[0]")),
                                                  float(page.evaluate(LONGEST, 0)[1]))
    picked = choices(page)
    times["tick the most used tag"] = act(page, TICK, picked["tag"])
    times["choose a facet value"] = act(page, SELECT, [picked["facet"], picked["value"]])
    times["sort by title (first sort)"] = act(page, SELECT, ["f-sort", "title"])
    if page.is_visible("#finder-more button"):
        times["show more papers"] = act(page, MORE)
    times["clear all"] = act(page, CLEAR)
    times[f"search for \u201c{words[0]}\u201d (150 ms pause included)"] = act(page, TYPE, words[0])
    times[f"then for \u201c{words[1]}\u201d (the same)"] = act(page, TYPE, words[1])
    context.close()
    if word_typed:  # in a fresh context too: the finder keeps Pagefind's answers, and the browser its files
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(WATCH)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "papers/")
        page.wait_for_function(SETTLED, arg=0, polling=50, timeout=120_000)
        times[f"\u201c{word_typed}\u201d typed key by key, from the last key"] = typed(page, word_typed)
        context.close()
    if errors:
        raise SystemExit(f"the page reported errors: {errors}")
    return times


def common_words(root: Path) -> list[str]:
    """Two words of many titles: the most frequent words of five letters or more in the first 500 titles."""
    words: dict[str, int] = {}
    for path in sorted((root / "papers").iterdir())[:500]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("title:"):
                for word in line[6:].strip(" \"'").lower().split():
                    if len(word) >= 5 and word.isalpha():
                        words[word] = words.get(word, 0) + 1
                break
    return sorted(sorted(words), key=lambda w: -words[w])[:2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--sites", type=Path, nargs="+", help="built sites to measure, in turn, instead of --sizes")
    parser.add_argument("--typed", help="a word to type key by key as well, in a fresh page of each visit")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sites: list[tuple[str, Path, list[str]]] = []
    if args.sites:
        sites = [(str(site), site, common_words(site.resolve().parent)) for site in args.sites]
    else:
        args.work.mkdir(parents=True, exist_ok=True)
    for n in [] if args.sites else args.sizes:
        root = corpus(n, args.seed, args.work)
        subprocess.run([*L2H, "build", "--root", str(root), "--quiet"], env=ENV, check=True)
        sites = [(f"{n:,} papers", root / "_site", common_words(root))]
        report(sites, args.repeat, args.typed, sync_playwright)
    if args.sites:
        report(sites, args.repeat, args.typed, sync_playwright)


def report(sites: list[tuple[str, Path, list[str]]], repeat: int, word_typed: str | None, playwright: Any) -> None:
    """Visit each site in turn, `repeat` times, and print each action's median, fastest and slowest time, and the
    median and range of its longest main-thread task."""
    runs: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name, _, _ in sites}
    with ExitStack() as stack:
        urls = {name: stack.enter_context(served(site)) for name, site, _ in sites}
        driver = stack.enter_context(playwright())
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        stack.callback(browser.close)
        for _ in range(repeat):
            for name, _, words in sites:
                runs[name].append(one_visit(browser, urls[name], words, word_typed))
    for name, _, _ in sites:
        print(f"{name} ({repeat} visits; median, fastest-slowest, in ms; the longest main-thread task, the same):")
        for action in runs[name][0]:
            waits = [run[action][0] for run in runs[name] if action in run]
            tasks = [run[action][1] for run in runs[name] if action in run]
            print(f"  {action:<52} {statistics.median(waits):7.0f}   {min(waits):.0f}-{max(waits):.0f}"
                  f"   task {statistics.median(tasks):5.0f}   {min(tasks):.0f}-{max(tasks):.0f}")


if __name__ == "__main__":
    main()
