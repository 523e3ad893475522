"""What a reader downloads from the all-papers page, for reviews of several sizes.

    python benchmarks/weight.py                       # N = 500, 5,000, 20,000 (builds each once)
    python benchmarks/weight.py --sizes 20000 --work /tmp/l2h-weight

Builds each synthetic corpus (see generate.py) with this checkout's l2h and prints, raw and gzipped
(level 6, as a typical web server compresses), the files a visitor's browser fetches: on opening the
page, on the first search, on the first sort by title or venue, on a search that finds nothing (the
word list of its "Did you mean"), and when opening the topic map; and
the largest per-year page, which is what a reader without JavaScript loads. Pagefind's own index
chunks are fetched per search term; one typical chunk per search bundle is counted (a review above
2,000 papers has several bundles, merged in the browser, which load the first bundle's WebAssembly only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ENV, L2H, corpus


def sizes(site: Path, paths: list[str]) -> tuple[int, int]:
    """Raw and gzipped bytes of these site files together."""
    raw = zipped = 0
    for path in paths:
        data = (site / path).read_bytes()
        raw += len(data)
        zipped += len(gzip.compress(data, compresslevel=6, mtime=0))
    return raw, zipped


def groups(site: Path) -> dict[str, list[str]]:
    """The files each reader action fetches."""
    search: list[str] = []
    if (site / "pagefind").is_dir():
        search = ["papers/finder-search.json", "pagefind/pagefind.js", "static/vendor/porter2.js"]  # its stemmer
        search.append("pagefind/wasm.en.pagefind")  # merged bundles use the first bundle's WebAssembly
        for bundle in sorted(site.glob("pagefind*")):  # each bundle's entry, metadata and a chunk
            chunks = sorted(bundle.glob("index/*.pf_index"), key=lambda p: p.stat().st_size)
            files = [bundle / "pagefind-entry.json", *bundle.glob("*.pf_meta"), *([chunks[len(chunks) // 2]] if chunks else [])]
            search += [p.relative_to(site).as_posix() for p in files]
    years = sorted(site.glob("papers/[0-9]*/index.html"), key=lambda p: p.stat().st_size)
    return {
        "open the page (HTML, CSS, JS, filter data, first cards)":
            ["papers/index.html", "static/style.css", "static/theme.js", "static/map.js", "static/papers.js",
             "papers/finder.json", "papers/cards/0.json"],
        "first search (Pagefind runtime and WebAssembly; per bundle: entry, meta, a chunk)": search,
        "first sort by title or venue": ["papers/finder-sort.json"],
        "a search that finds nothing (word list for \"Did you mean\")":
            ["papers/finder-words.json"] if (site / "papers/finder-words.json").is_file() else [],
        "open the topic map": ["papers/topic-map.svg"] if (site / "papers/topic-map.svg").is_file() else [],
        "largest year page (no JavaScript)": [years[-1].relative_to(site).as_posix()] if years else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-weight"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        root = corpus(n, args.seed, args.work)
        site = args.work / f"site-{n}"
        built = subprocess.run([*L2H, "build", "--quiet", "--no-cache", "--out", str(site)], cwd=root, env=ENV,
                               capture_output=True, text=True, check=False)
        if built.returncode != 0:
            print(f"N = {n}: build failed:\n{built.stdout}{built.stderr}")
            continue
        count = json.loads((site / "papers/finder.json").read_text(encoding="utf-8"))["count"]
        print(f"\nN = {count:,} papers ({site})")
        print(f"  {'what the reader does':<58} {'files':>5} {'raw':>10} {'gzipped':>10}")
        for label, paths in groups(site).items():
            raw, zipped = sizes(site, paths)
            print(f"  {label:<58} {len(paths):>5} {raw / 1024:>8.0f} K {zipped / 1024:>8.0f} K")


if __name__ == "__main__":
    main()
