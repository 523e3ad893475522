"""Time each stage of one cold build in-process, without a profiler's overhead.

    python benchmarks/stages.py 5000            # corpus from benchmarks/run.py's --work folder
    python benchmarks/stages.py 5000 --edit     # an incremental build after editing one paper
    python benchmarks/stages.py 20000 --memory  # and the memory of each stage (serial build)

Wraps the pipeline's stage functions (and the corpus-wide computations inside them) with
timers and prints where the time of one build goes. Run with L2H_JOBS=1 for a serial build.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from run import corpus, edit_one_paper

import l2h_site.build as build_module
import l2h_site.cache as cache_module
import l2h_site.context as context_module
import l2h_site.corpus as corpus_module
import l2h_site.render as render_module
import l2h_site.write as write_module

TIMES: dict[str, float] = defaultdict(float)
ENDED: dict[str, int] = {}  # stage -> this process's RSS in MB when it last ended
RUNNING: list[str] = []  # the stages running now, innermost last
HIGHEST: dict[str, int] = defaultdict(int)  # innermost stage -> highest RSS sampled while it ran, in MB


def rss_mb() -> tuple[int, int]:
    """This process's resident memory now and its peak so far, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    now = pages * resource.getpagesize() // 2**20
    return now, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def sample_memory(stop: threading.Event) -> None:
    """Every 10 ms, note this process's RSS against the innermost stage running."""
    while not stop.wait(0.01):
        stage = RUNNING[-1] if RUNNING else "(between stages)"
        HIGHEST[stage] = max(HIGHEST[stage], rss_mb()[0])


def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap func so that its time is added to TIMES[name]."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        RUNNING.append(name)
        try:
            return func(*args, **kwargs)
        finally:
            RUNNING.pop()
            TIMES[name] += time.perf_counter() - started
            ENDED[name] = rss_mb()[0]

    return wrapper


def instrument() -> None:
    """Put timers around the stages this checkout has (missing ones are skipped)."""
    targets = [
        (build_module, "check_site", "check: config, taxonomy, parse, validate"),
        (build_module, "_parse_papers", "check: parse (memo by content)"),
        (build_module, "_summaries", "context: summaries (memo by content)"),
        (build_module, "build_fingerprint", "fingerprint: hash every input"),
        (build_module, "git_added_dates", "git history"),
        (build_module, "build_context", "context: everything"),
        (context_module, "map_ordered", "context: summaries (markdown, math, sanitise)"),
        (corpus_module.CorpusWide, "result", "context: related papers and topic map (wait for them)"),
        (corpus_module, "compute", "context: related papers and topic map (in this process)"),
        (corpus_module.CorpusWide, "related", "render: related papers (wait for them)"),
        (corpus_module.CorpusWide, "topic_map", "render: topic map (wait for it)"),
        (corpus_module, "related_papers", "render: related papers (in this process)"),
        (corpus_module, "compute_topic_map", "render: topic map (in this process)"),
        (context_module, "added_dates", "context: added dates (git)"),
        (build_module, "render_site", "render: everything"),
        (render_module._Renderer, "many", "render: pages (a batch of one kind)"),
        (render_module, "finder_files", "render: finder data and cards"),
        (render_module, "index_search", "render: search index"),
        (write_module.SiteWriter, "commit", "write: swap the new site in"),
        (write_module.SiteUpdater, "__enter__", "write: list the site's files"),
        (write_module.SiteUpdater, "commit", "write: move the changed pages in"),
        (cache_module.PageStore, "save", "write: page cache index"),
        (cache_module.Memo, "save", "write: memo of parsed papers and summaries"),
        (build_module, "find_broken_links", "link check"),
        (build_module.LinkSources, "locate", "link check: find the sources of broken links"),
    ]
    for module, attr, name in targets:
        if hasattr(module, attr):
            setattr(module, attr, timed(name, getattr(module, attr)))


def main() -> None:
    """Build one corpus cold and print the time of each stage."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--edit", action="store_true", help="time the build after editing one paper instead")
    parser.add_argument("--memory", action="store_true",
                        help="also sample memory per stage (a second thread: the build then runs serially)")
    args = parser.parse_args()
    root = corpus(args.n, args.seed, args.work)
    if args.edit:
        build_module.build(root)
        edit_one_paper(root)
    else:
        shutil.rmtree(root / "_site", ignore_errors=True)
        shutil.rmtree(root / ".l2h-cache", ignore_errors=True)
    instrument()
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(stop,), daemon=True)
    if args.memory:  # l2h_site.parallel forks no workers from a process with a second thread
        sampler.start()
    started = time.perf_counter()
    result = build_module.build(root)
    total = time.perf_counter() - started
    stop.set()
    if args.memory:
        sampler.join()
    print(f"N = {args.n}{' (one paper edited)' if args.edit else ' (cold)'}: "
          f"{'written' if result.written else 'NOT written'}, {result.page_count:,} files "
          f"({result.reused:,} from cache), {total:.2f} s in build()")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"  memory: this process peaked at {rss_mb()[1]} MB, its largest child (worker or Pagefind) at "
          f"{children} MB; per stage: its RSS when it ended / the highest RSS sampled while it was the "
          f"innermost stage running")
    for name, seconds in sorted(TIMES.items(), key=lambda item: -item[1]):
        highest = f"{HIGHEST[name]:5d}" if name in HIGHEST else "    -"
        print(f"  {seconds:8.2f} s  {100 * seconds / total:5.1f} %  {ENDED[name]:5d} / {highest} MB  {name}")
    if "(between stages)" in HIGHEST:
        print(f"  highest RSS outside every stage above: {HIGHEST['(between stages)']} MB")


if __name__ == "__main__":
    main()
