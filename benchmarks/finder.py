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
first search: it loads Pagefind's runtime and each bundle's entry), then for another.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
from contextlib import AbstractContextManager
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
"""
"""Record when the finder draws a list: it sets the form's data-count after each drawing (static/papers.js)."""

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


def act(page: Any, script: str, arg: Any = None) -> float:
    """Run script in the page (it does the action and returns performance.now() just before); wait until the
    finder has drawn its answer and settled; return the milliseconds from the action to the last drawing."""
    started = float(page.evaluate(script, arg))
    page.wait_for_function(SETTLED, arg=started, polling=50, timeout=120_000)
    return float(page.evaluate("(after) => window.__redraws.filter(t => t > after).pop()", started)) - started


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


def one_visit(browser: Any, url: str, words: list[str]) -> dict[str, float]:
    """Open the papers page in a fresh context and time each action once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    times: dict[str, float] = {}
    page.goto(url + "papers/")
    page.wait_for_function(SETTLED, arg=0, polling=50, timeout=120_000)
    times["open the page (to the first list)"] = float(page.evaluate("window.__redraws[0]"))
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
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        root = corpus(n, args.seed, args.work)
        subprocess.run([*L2H, "build", "--root", str(root), "--quiet"], env=ENV, check=True)
        words = common_words(root)
        runs: list[dict[str, float]] = []
        with served(root / "_site") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            try:
                runs = [one_visit(browser, url, words) for _ in range(args.repeat)]
            finally:
                browser.close()
        print(f"{n:,} papers ({args.repeat} visits; median, fastest-slowest, in ms):")
        for action in runs[0]:
            values = [run[action] for run in runs if action in run]
            print(f"  {action:<52} {statistics.median(values):7.0f}   {min(values):.0f}-{max(values):.0f}")


if __name__ == "__main__":
    main()
