"""Generate a deterministic synthetic review of N papers, for benchmarking l2h.

    python benchmarks/generate.py 5000 /tmp/corpus-5000 [--seed 1]

The corpus copies the repository's taxonomy.yml, l2h.yml, templates/, static/, resources.md and
CONTRIBUTING.md, and writes N papers whose front matter looks like the real ones: 2-6 authors,
a venue from a skewed list, years skewed to recent ones, 1-5 tags and every facet drawn with
Zipf-like weights from the taxonomy, links, arXiv ids and DOIs, and a summary of 60-160 words
in 3-6 sentences, a third of them with inline $math$. The same N, seed and taxonomy give the
same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from l2h_site.model import Taxonomy
from l2h_site.taxonomy import load_taxonomy
from l2h_site.validate import derive_key

FIRST = (
    "Yair", "Antonio", "Rob", "Hervé", "Matthijs", "Cordelia", "Piotr", "Alexandr", "Moses", "Andrei", "Yunchao",
    "Svetlana", "Wei", "Jun", "Fumin", "Heng", "Tao", "Jingdong", "Sanjiv", "Kristen", "Trevor", "Mohammad",
    "David", "Artem", "Victor", "Yury", "Dmitry", "Cong", "Ruiqi", "Jeff", "Herve", "Lior", "Ping", "Anshumali",
    "Ilya", "Ludwig", "Martin", "Erik", "Jianfeng", "Qi", "Hao", "Xin", "Yang", "Li", "Zhang", "Ming", "Kun", "Jie",
    "Lei", "Xiaofei", "Jiwen", "Venice", "Sarath", "Miguel", "Ramin", "Mohammed", "Akshay", "Saurabh", "Harsha",
    "Suhas", "Ravishankar", "Edo", "Julien", "Marco", "Giuseppe", "Anna", "Maria", "Sofia", "Lukas", "Jonas",
    "Elena", "Olga", "Ivan", "Yusuke", "Kenji", "Hiroshi", "Soo", "Min", "Ji", "Hoon"
)
LAST = (
    "Weiss", "Torralba", "Fergus", "Jégou", "Douze", "Schmid", "Indyk", "Andoni", "Charikar", "Broder", "Gong",
    "Lazebnik", "Liu", "Wang", "Shen", "Shen", "Tao", "Kumar", "Grauman", "Darrell", "Norouzi", "Fleet", "Babenko",
    "Lempitsky", "Malkov", "Yashunin", "Fu", "Guo", "Johnson", "Datar", "Li", "Shrivastava", "Razenshteyn",
    "Schmidt", "Aumüller", "Bernhardsson", "Ge", "He", "Sun", "Zhu", "Cao", "Long", "Yu", "Chen", "Xu", "Zhou",
    "Lu", "Erin", "Liong", "Carreira", "Perpiñán", "Salakhutdinov", "Hinton", "Kulis", "Jain", "Subramanya",
    "Simhadri", "Krishnaswamy", "Kadekodi", "Liberty", "Amsaleg", "Muja", "Lowe", "Matsui", "Yamasaki", "Aizawa",
    "Kalantidis", "Avrithis", "Martinez", "Hoos", "Little", "Kraska", "Ferragina", "Vinciguerra", "Morozov",
    "Prokhorenkova", "Baranchuk", "Dubey", "Cakir", "Sclaroff", "Moran", "Lavrenko", "Kong", "Heo", "Yoon", "Kim",
    "Park", "Lee", "Choi", "Jang", "Song", "Zhao", "Qiu", "Dai", "Xia", "Yang", "Jiang", "Hu", "Tang", "Ding",
    "Hong", "Su", "Pan"
)
VENUES = (("CVPR", 48), ("NeurIPS", 19), ("AAAI", 14), ("TPAMI", 12), ("ICML", 11), ("ECCV", 10),
          ("VLDB", 9), ("SIGIR", 9), ("IJCAI", 9), ("ICCV", 9), ("STOC", 7), ("WWW", 5), ("SIGMOD", 5),
          ("arXiv", 4), ("SODA", 3), ("KDD", 3), ("ICMR", 3), ("ACL", 3), ("TIP", 2), ("ACM MM", 2),
          ("AISTATS", 2), ("TKDE", 1), ("UAI", 1), ("SoCG", 1))
ADJECTIVES = ("Deep", "Scalable", "Efficient", "Supervised", "Unsupervised", "Asymmetric", "Discrete", "Online",
              "Adaptive", "Robust", "Sparse", "Spectral", "Compact", "Fast", "Semantic", "Hierarchical",
              "Contrastive", "Self-Supervised", "Cross-Modal", "Learned", "Optimal", "Randomized", "Graph-Based")
METHODS = ("Hashing", "Binary Codes", "Product Quantization", "Locality-Sensitive Hashing", "Graph Search",
           "Additive Quantization", "Hamming Embedding", "Inverted Indexing", "Metric Learning", "Sketching",
           "Vector Search", "Binary Embedding", "Codebook Learning", "Nearest Neighbor Search", "Partition Trees")
TASKS = ("Image Retrieval", "Large-Scale Search", "Cross-Modal Retrieval", "Video Search", "Text Retrieval",
         "Approximate Nearest Neighbors", "Maximum Inner Product Search", "Billion-Scale Datasets",
         "Near-Duplicate Detection", "Recommendation", "Similarity Estimation", "Streaming Data")
NOUNS = ("binary codes", "hash functions", "codebooks", "proximity graphs", "inverted lists", "projections",
         "quantisers", "embeddings", "sketches", "rotations", "anchor points", "code words", "partitions",
         "tables", "network layers", "bit allocations", "similarity graphs", "triplets", "centroids")
VERBS = ("learns", "optimises", "builds", "relaxes", "balances", "prunes", "refines", "compresses",
         "approximates", "aligns", "regularises", "distils", "quantises", "ranks")
GOALS = ("preserve neighbourhoods in Hamming space", "keep the bits balanced and uncorrelated",
         "reduce the quantisation error", "make the search sublinear", "keep recall high at low memory",
         "respect the semantic labels", "fit the codes to the query distribution",
         "bound the approximation factor", "scale to a billion vectors on one machine",
         "avoid the vanishing gradients of the sign function", "make updates cheap as data arrives")
RESULTS = ("The experiments on {data} show higher mean average precision than {rival} at {bits} bits.",
           "On {data}, it reaches {recall}% recall at ten times the speed of {rival}.",
           "It became a common baseline for later work on {topic}.",
           "A public implementation made it widely used in practice.",
           "The analysis gives a bound that matches the known lower bound up to constants.",
           "Ablations on {data} isolate the contribution of each component.")
DATASETS = ("CIFAR-10", "NUS-WIDE", "MS-COCO", "ImageNet", "SIFT1M", "GIST1M", "Deep1B", "MNIST", "Flickr25K",
            "LabelMe", "Tiny Images", "BigANN", "GloVe-100", "Wikipedia")
MATH = (r"$O(\log n)$", r"$h(x) = \operatorname{sign}(W^\top x)$", r"$\|x - y\|_2$", r"$n^{\rho}$",
        r"$\rho = 1/c^2$", r"$k$", r"$m$ subspaces of $d/m$ dimensions", r"$b \in \{-1, 1\}^{k}$",
        r"$\min_{B} \|B - XW\|_F^2$", r"$\mathbb{E}[d_H]$", r"$\lambda \sum_i \|b_i\|_1$",
        r"$p_1 > p_2$", r"$\epsilon$-approximate", r"$\frac{1}{2}$")


def _weights(count: int, rng: random.Random, skew: float = 0.9) -> list[float]:
    """Zipf-like weights over `count` items in a seeded random order."""
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    return [1.0 / r ** skew for r in ranks]


def _pick(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # single quotes: LaTeX backslashes stay as written


BLOCK_START = re.compile(r"[>#]|[-+*]$|\d+[.)]$")
"""A word Markdown would read, at the start of a line, as the start of a block (a quote, a heading, a list item):
"$p_1 > p_2$" wrapped before its ">" turns the line into a quote, and the math is broken."""


def wrap(words: list[str], width: int = 95) -> str:
    """Join words into lines of about width columns, like the hand-written papers; a word BLOCK_START matches is
    never the first of a line (its line runs longer instead), so that the summary stays one paragraph."""
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width and not BLOCK_START.match(word):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


class CorpusGenerator:
    """Draws papers from seeded distributions over the taxonomy."""

    def __init__(self, taxonomy: Taxonomy, seed: int) -> None:
        self.rng = random.Random(seed)
        self.taxonomy = taxonomy
        self.tags = [t.name for t in taxonomy.tags]
        self.tag_weights = _weights(len(self.tags), self.rng)
        self.facet_weights = {f.id: _weights(len(f.values), self.rng, 1.1) for f in taxonomy.facets}
        self.keys: set[str] = set()
        self.titles: set[str] = set()

    def title(self) -> str:
        rng = self.rng
        while True:
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(METHODS)} for {rng.choice(TASKS)}"
            if rng.random() < 0.35:
                title = f"{rng.choice(NOUNS).title().replace(' ', '')}: {title}"
            if rng.random() < 0.05:
                title += " with " + rng.choice(MATH[:4])
            if rng.random() < 0.5:
                title += f" via {rng.choice(NOUNS).title()}"
            if title.lower() not in self.titles:
                self.titles.add(title.lower())
                return title

    def sentence(self, with_math: bool) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(RESULTS).format(data=rng.choice(DATASETS), rival=rng.choice(METHODS).lower(),
                                              bits=rng.choice((16, 32, 64, 128)), recall=rng.randint(80, 99),
                                              topic=rng.choice(TASKS).lower())
        math = f" with {rng.choice(MATH)}" if with_math else ""
        return (f"The method {rng.choice(VERBS)} {rng.choice(NOUNS)} and {rng.choice(NOUNS)}{math} "
                f"so as to {rng.choice(GOALS)}, while it {rng.choice(VERBS)} the {rng.choice(NOUNS)} "
                f"to {rng.choice(GOALS)}.")

    def summary(self, title: str) -> str:
        """A summary that names its paper first: drawn from few words, two summaries could otherwise be one, or begin
        alike, which l2h check reports as a summary copied from another paper (copied-summary)."""
        rng = self.rng
        math_at = rng.randrange(6) if rng.random() < 0.33 else -1
        sentences = [f"The paper \"{title}\" proposes a method."]
        sentences += [self.sentence(i == math_at) for i in range(rng.randint(3, 6))]
        return wrap(" ".join(sentences).split())

    def paper(self, index: int) -> tuple[str, str]:
        """Return (key, file text) of one paper."""
        rng = self.rng
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 5, 6)))]
        authors = list(dict.fromkeys(authors))
        year = min(2025, 1995 + int(rng.betavariate(4, 1.6) * 31))
        title = self.title()
        base = derive_key(authors, year, title)
        key, n = base, 1
        while key in self.keys:
            n += 1
            key = f"{base}{'abcdefghijklmnopqrstuvwxyz'[(n - 2) % 26]}{'' if n <= 27 else n}"
        self.keys.add(key)
        venue = rng.choices([v for v, _ in VENUES], [w for _, w in VENUES])[0]
        tags = _pick(rng, self.tags, self.tag_weights, rng.choice((1, 2, 2, 3, 3, 4, 5)))
        lines = ["---", f"title: {_quote(title)}", f"authors: {', '.join(authors)}", f"venue: {venue}",
                 f"year: {year}", f"tags: [{', '.join(tags)}]"]
        for facet in self.taxonomy.facets:
            if not facet.required and rng.random() < 0.4:
                continue
            values = [v.id for v in facet.values]
            chosen = _pick(rng, values, self.facet_weights[facet.id], rng.choice((1, 1, 1, 2)) if facet.multiple else 1)
            lines.append(f"{facet.id}: [{', '.join(chosen)}]" if facet.multiple else f"{facet.id}: {chosen[0]}")
        if rng.random() < 0.7:
            month = rng.randint(1, 12)
            if year >= 2015:  # YYMM.NNNNN
                lines.append(f'arxiv: "{year % 100:02d}{month:02d}.{index:05d}"')
            elif year >= 2007:  # YYMM.NNNN, from April 2007: the month and number are the index, so that ids differ
                month = 4 + index // 9999 % 9 if year == 2007 else 1 + index // 9999 % 12
                lines.append(f'arxiv: "{year % 100:02d}{month:02d}.{index % 9999 + 1:04d}"')
        if rng.random() < 0.5:
            lines.append(f"doi: 10.{1000 + index % 9000}/synthetic.{index}")
        if rng.random() < 0.4:  # under an account of its own: l2h check rejects the examples' github.com/example/…
            lines += ["links:", "  - name: Code", f"    url: https://github.com/l2h-synthetic/{key}"]
        lines += ["---", self.summary(title), ""]
        return key, "\n".join(lines)


def generate(n: int, out: Path, seed: int = 1) -> Path:
    """Write a review of n synthetic papers into out (which must not exist yet); return out."""
    taxonomy, problems = load_taxonomy(REPO / "taxonomy.yml", "taxonomy.yml")
    if problems:
        raise SystemExit(f"taxonomy.yml has problems: {problems[0]}")
    out.mkdir(parents=True)
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, out / folder)
    for name in ("taxonomy.yml", "l2h.yml", "resources.md", "CONTRIBUTING.md"):
        if (REPO / name).is_file():
            shutil.copyfile(REPO / name, out / name)
    papers = out / "papers"
    papers.mkdir()
    gen = CorpusGenerator(taxonomy, seed)
    for i in range(n):
        key, text = gen.paper(i)
        (papers / f"{key}.md").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    """Parse the command line and generate a corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("out", type=Path, help="folder to create")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"wrote {args.n} papers to {args.out}")


if __name__ == "__main__":
    main()
