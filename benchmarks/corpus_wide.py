"""Time the three corpus-wide computations of a build, each alone, with its own peak memory.

    python benchmarks/corpus_wide.py 500 5000 20000          # corpora from benchmarks/run.py's --work
    python benchmarks/corpus_wide.py 5000 --only related     # one computation

Each (N, computation) runs in a fresh process: it parses the corpus (and, for the search index,
renders the paper pages), then resets the kernel's peak-RSS counter and times the one call, cache
off. "peak" is the process's peak RSS during the call minus its RSS just before it, plus the peak
RSS of any child process (the Pagefind binary), so it is what the computation adds to a build.
scikit-learn is imported before the clock starts (a build imports it once, whichever
computation comes first); --src measures another checkout's code, e.g. the one before a change.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

KINDS = ("related", "topic-map", "search")


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(root: Path, kind: str) -> dict[str, float]:
    """Prepare the input of one computation, then time it and measure its memory."""
    import sklearn.decomposition
    import sklearn.feature_extraction.text
    import sklearn.manifold  # noqa: F401 - imported before the clock starts

    from l2h_site.build import check_site
    from l2h_site.context import build_context
    from l2h_site.related import related_papers
    from l2h_site.search import index_search
    from l2h_site.stats import topic_map

    check = check_site(root)
    papers = check.papers
    if kind == "search":
        import l2h_site.context as context_module
        from l2h_site.render import make_environment

        context_module.related_papers = lambda ps, **_: {p.key: () for p in ps}  # not what is measured here
        context_module.topic_map = lambda ps, **_: ()
        site, _ = build_context(check.config, check.taxonomy, papers)
        env = make_environment(HERE.parent / "templates")  # this checkout's, whatever the corpus holds
        template = env.get_template("paper.html")
        from l2h_site.model import RenderedPage

        pages = [RenderedPage(f"publications/{v.paper.key}/index.html",
                              template.render(site=site, page_path=f"publications/{v.paper.key}/index.html",
                                              view=v).encode()) for v in site.papers]
        call = lambda: index_search(pages)
    elif kind == "related":
        call = lambda: related_papers(papers)
    else:
        call = lambda: topic_map(papers)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = _rss_mb("VmRSS")
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    peak = _rss_mb("VmHWM") - before
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = len(result[0]) if kind == "search" else len(result)
    return {"seconds": seconds, "peak_mb": peak + child, "child_mb": child, "items": size}


def main() -> None:
    """Measure each computation at each size in its own process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--only", choices=KINDS, action="append")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--src", type=Path, default=HERE.parent / "src", help="the l2h code to measure")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    if args.child:
        print(json.dumps(measure(Path(args.child[0]), args.child[1])))
        return
    print(f"{'N':>6}  {'computation':<10} {'seconds':>8} {'peak MB':>8}")
    for n in args.sizes:
        root = args.work / f"corpus-{n}-seed{args.seed}"
        if not (root / "papers").is_dir():
            sys.exit(f"{root} is missing: generate it with benchmarks/generate.py {n} {root}")
        for kind in args.only or KINDS:
            out = subprocess.run([sys.executable, __file__, "0", "--src", str(args.src), "--child", str(root), kind],
                                 capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(f"{n:>6}  {kind:<10} failed: {out.stderr.strip()[-300:]}")
                continue
            m = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>6}  {kind:<10} {m['seconds']:8.2f} {m['peak_mb']:8.0f}", flush=True)


if __name__ == "__main__":
    main()
