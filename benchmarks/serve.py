"""Time what `l2h serve` does after one paper is edited: the rebuild in a long-running process.

    python benchmarks/serve.py 5000             # corpus from benchmarks/run.py's --work folder
    python benchmarks/serve.py 5000 --idle 10   # and the CPU a running `l2h serve` uses while nothing changes
    python benchmarks/serve.py 5000 --browser   # instead: from saving a paper to a browser showing it

Builds once with the dev server's SiteBuilder (the cache stays in memory, as in `l2h serve`),
then edits one paper's summary a few times, each time with new words (so that no corpus-wide
result can come from the cache), and prints how long the preview took until the edited paper's
page was on disk (l2h serve reloads the browser then), and how long the rebuild of the whole site
took until it was on disk, with the CPU time this process spent on it (not the related-papers child's), the
load average, and the stages that took the time. The file watcher (for a single saved file about 35 ms
since round 29: the notifier's 10 ms step and a 25 ms quiet period) comes on top of both. As in l2h serve,
the rebuilds run beside a second thread, so in one process.

With --browser it instead starts a real `l2h serve` and opens the edited paper's page in headless
Chromium (Playwright, /usr/bin/chromium), then times, for each edit, from the file's write to the
browser showing the new words (the file watcher, the preview, the live reload and the page load
together), and to the terminal reporting the whole site rebuilt. What the reader sees is the reloaded page's
first paint (Chromium's first-contentful-paint, timed on the same wall clock as the save); Playwright, which
polls the page for the words from this process, sees them some 60-90 ms later (its own round trips), and that
time is printed too. The page's subresources are listed as name and start-end, in ms from the reload.
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from run import ENV, L2H, corpus
from stages import TIMES, instrument

from l2h_site.memory import set_aside_what_lasts
from l2h_site.serve import SiteBuilder


def main() -> None:
    """Build once, then time rebuilds after single-paper edits."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--idle", type=float, default=0.0, help="also measure an idle l2h serve for this many seconds")
    parser.add_argument("--browser", action="store_true", help="also time save-to-browser in a real l2h serve")
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between the whole site rebuilt and the next edit, with --browser (at 20,000 papers"
                             " the server writes its memos for about 1.3 s after each rebuild, and a save meanwhile waits)")
    parser.add_argument("--during", type=float, default=None,
                        help="with --browser: save each edit after the first this many seconds after the browser showed"
                             " the one before, while the server rebuilds the whole site for that one")
    parser.add_argument("--serve-args", default="", help="extra arguments for l2h serve (with --idle, --browser)")
    args = parser.parse_args()
    root = corpus(args.n, args.seed, args.work)
    if args.browser:
        print(f"N = {args.n}: save to browser, in l2h serve {args.serve_args}".rstrip())
        in_browser(root, args.n, args.edits, args.serve_args.split(), args.pause, args.during)
        return
    if args.idle:
        print(f"N = {args.n}: an idle l2h serve used {idle_cpu(root, args.idle, args.serve_args.split()):.1%} of one core "
              f"over {args.idle:.0f} s (its file watcher)")
    builder = SiteBuilder(root=root)
    first = builder.rebuild()
    builder.save_memos()  # as l2h serve does after its first build
    set_aside_what_lasts()
    print(f"N = {args.n}: first build {first.seconds:.2f} s ({first.files:,} files)")
    paper = sorted((root / "papers").iterdir())[args.n // 3]
    original = paper.read_bytes()
    instrument()
    # l2h serve rebuilds while its file watcher thread runs, and a process with a second thread forks
    # no workers (l2h_site.parallel): keep one waiting, so that the rebuilds here are served ones too.
    watcher = threading.Event()
    threading.Thread(target=watcher.wait, daemon=True).start()
    try:
        for i in range(args.edits):
            paper.write_bytes(original.rstrip(b"\n") + f"\nServe benchmark edit {time.time_ns()} {i}.\n".encode())
            started = time.perf_counter()
            preview = builder.preview({paper})
            shown = (f"edited page on disk after {(time.perf_counter() - started) * 1000:.0f} ms"
                     if preview is not None else "no preview")
            TIMES.clear()
            cpu = time.process_time()
            outcome = builder.rebuild()
            cpu = time.process_time() - cpu
            stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in
                               sorted(TIMES.items(), key=lambda item: -item[1])[:8])
            builder.save_memos()  # as l2h serve does, once the browsers were told to reload: not in the time
            set_aside_what_lasts()  # likewise
            print(f"  edit {i + 1}: preview: {shown}; whole site: {outcome.seconds:.2f} s, {cpu:.2f} s of CPU in this "
                  f"process ({'ok' if outcome.ok else 'FAILED'}; load average {os.getloadavg()[0]:.1f}); {stages}")
    finally:
        watcher.set()
        builder.close()
        paper.write_bytes(original)


def start_server(root: Path, extra: list[str]) -> tuple[subprocess.Popen[str], str]:
    """Start `l2h serve` (this checkout's code) on the corpus; return it and its address once it serves."""
    server = subprocess.Popen([*L2H, "serve", "--root", str(root), "--port", "0", *extra],
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=ENV)
    assert server.stderr is not None
    for line in server.stderr:
        if line.startswith("l2h: serving "):
            return server, line.split()[2]
    server.wait()
    raise SystemExit(f"l2h serve ended with exit code {server.returncode} before serving")


def in_browser(root: Path, n: int, edits: int, extra: list[str], pause: float = 1.0, during: float | None = None,
               ) -> None:
    """Time save-to-browser and save-to-whole-site in a real l2h serve with a headless Chromium page open. during:
    save each edit after the first that many seconds after the one before was shown, while its rebuild runs (the
    whole site is then waited for after the last edit only)."""
    from playwright.sync_api import sync_playwright

    server, url = start_server(root, extra)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()
    paper = sorted((root / "papers").iterdir())[n // 3]
    original = paper.read_bytes()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            page = browser.new_page()
            page.goto(f"{url}publications/{paper.stem}/")
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector"
                                   " && window.LiveReload.connector._connectionDesired")
            time.sleep(1.0)
            for i in range(edits):
                words = f"Browser benchmark edit {time.time_ns()} {i}."
                saved = time.time()
                started = time.perf_counter()
                paper.write_bytes(original.rstrip(b"\n") + f"\n{words}\n".encode())
                page.wait_for_function(f"() => !!document.body && document.body.innerText.includes({words!r})", polling="raf",
                                       timeout=600_000)
                shown = time.perf_counter() - started
                loaded = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " const p = performance.getEntriesByName('first-contentful-paint')[0];"
                    " const r = performance.getEntriesByType('resource').filter(e => e.startTime < n.domContentLoadedEventEnd);"
                    " return [performance.timeOrigin, n.responseEnd, n.domContentLoadedEventEnd, p ? p.startTime : -1,"
                    " r.map(e => e.name.split('/').pop() + ' ' + e.startTime.toFixed(0) + '-' + e.responseEnd.toFixed(0))]; }")
                painted = (f"painted {loaded[0] + loaded[3] - saved * 1000:.0f} ms after the save" if loaded[3] >= 0
                           else "no first paint recorded")
                reloading = (f"reload began after {loaded[0] - saved * 1000:.0f} ms, page received "
                             f"{loaded[1]:.0f} ms, parsed {loaded[2]:.0f} ms and first painted {loaded[3]:.0f} ms later"
                             f" ({', '.join(loaded[4])}): {painted}")
                swapped, last = "no preview", during is None or i == edits - 1
                while True:
                    at, line = lines.get(timeout=600)
                    if at < started:  # the rebuild for the edit before (--during)
                        continue
                    if " page(s) updated in " in line:
                        swapped = f"page swapped in after {(at - started) * 1000:.0f} ms"
                        if not last:
                            break
                    if line.startswith(("l2h: rebuilt ", "l2h: build failed")) and last:
                        break
                whole = f"whole site after {at - started:.2f} s ({line.strip()})" if last else "the next edit follows"
                print(f"  edit {i + 1}: {swapped}; {reloading}; Playwright saw the words after {shown * 1000:.0f} ms; "
                      f"{whole}")
                time.sleep(pause if during is None else during)
            browser.close()
    finally:
        paper.write_bytes(original)
        server.terminate()
        server.wait()


def idle_cpu(root: Path, seconds: float, extra: list[str]) -> float:
    """Start `l2h serve` on the corpus, wait until it serves, and return its CPU share while nothing changes."""
    server, _ = start_server(root, extra)
    try:
        time.sleep(1.0)  # let the first look at the files settle
        before = cpu_seconds(server.pid)
        time.sleep(seconds)
        return (cpu_seconds(server.pid) - before) / seconds
    finally:
        server.terminate()
        server.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
