"""Numbers about the review for the stats page, and the 2-D topic map of all papers.

Everything here is computed at build time and drawn by the templates as inline SVG; the
map uses TF-IDF → truncated SVD → t-SNE with a fixed seed, so it needs no model download and
two builds of the same papers draw the same map.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from l2h_site.cache import BuildCache, digest
from l2h_site.model import Paper
from l2h_site.vectors import PaperVectors, vector_inputs


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    label: str
    """Label under the bar, e.g. the year."""
    count: int
    """The value the bar shows."""
    x: float
    """Left edge."""
    y: float
    """Top edge."""
    width: float
    """Width."""
    height: float
    """Height."""


@dataclass(frozen=True)
class BarChart:
    """A vertical bar chart ready to draw."""

    bars: tuple[Bar, ...]
    """The bars, left to right."""
    width: float
    """Width of the drawing."""
    height: float
    """Height of the plot area (labels go below it)."""
    maximum: int
    """Largest value, the top of the scale."""


def bar_chart(counts: Sequence[tuple[str, int]], width: float = 720.0, height: float = 200.0) -> BarChart:
    """Lay out a bar chart of (label, count) pairs, in the given order."""
    if not counts:
        return BarChart(bars=(), width=width, height=height, maximum=0)
    maximum = max(c for _, c in counts) or 1
    slot = width / len(counts)
    gap = min(2.0, slot * 0.15)
    bars = []
    for i, (label, count) in enumerate(counts):
        h = height * count / maximum
        bars.append(Bar(label=label, count=count, x=round(i * slot + gap / 2, 2), y=round(height - h, 2),
                        width=round(slot - gap, 2), height=round(h, 2)))
    return BarChart(bars=tuple(bars), width=width, height=height, maximum=maximum)


def papers_per_year(papers: Sequence[Paper]) -> list[tuple[str, int]]:
    """Count papers per year, every year from the first to the last (empty years count 0)."""
    counts = Counter(p.year for p in papers)
    if not counts:
        return []
    return [(str(y), counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]


def top_counts(values: Sequence[str], limit: int | None = None) -> list[tuple[str, int]]:
    """Count values, most frequent first, ties alphabetically."""
    ranked = sorted(Counter(values).items(), key=lambda item: (-item[1], item[0].lower(), item[0]))
    return ranked if limit is None else ranked[:limit]


@dataclass(frozen=True)
class ReviewStats:
    """What the stats page shows."""

    per_year: BarChart
    """Papers per year of publication."""
    facets: dict[str, list[tuple[str, int]]]
    """Facet id -> (value id, papers) pairs, most papers first."""
    venues: list[tuple[str, int]]
    """Venues with their papers, most papers first."""
    tags: list[tuple[str, int]]
    """The most used tags with their papers."""


def review_stats(papers: Iterable[Paper], top: int = 25) -> ReviewStats:
    """Count the papers per year, facet value, venue and tag."""
    papers = list(papers)
    facet_ids = sorted({f for p in papers for f in p.facets})
    return ReviewStats(
        per_year=bar_chart(papers_per_year(papers)),
        facets={f: top_counts([v for p in papers for v in p.facets.get(f, ())]) for f in facet_ids},
        venues=top_counts([p.venue for p in papers if p.venue], top),
        tags=top_counts([t for p in papers for t in p.tags], top),
    )


@dataclass(frozen=True)
class MapPoint:
    """A paper on the topic map, in coordinates 0..1."""

    key: str
    """The paper's key."""
    x: float
    """Horizontal position, 0 left to 1 right."""
    y: float
    """Vertical position, 0 top to 1 bottom."""


LANDMARKS = 500
"""Above this many distinct papers, t-SNE places a fixed-size sample and the rest are placed near
their most similar sampled papers: t-SNE's cost grows faster than linearly and would dominate the build."""
NEIGHBOURS = 5
"""Sampled papers whose positions, weighted by similarity, place each other paper."""
SVD_SAMPLE = 2000
"""Rows the truncated SVD is fitted on; every paper is then projected onto its components."""
TSNE_ITERATIONS = 500
"""t-SNE iterations, the first 250 with early exaggeration: a sample of LANDMARKS settles well before 1,000."""
PLACE_BLOCK = 2048
"""Papers placed by similarity at a time."""


def _embed(tfidf: Any, n: int, seed: int) -> Any:
    """Reduce TF-IDF rows to 2-D: truncated SVD to at most 50 dimensions, then t-SNE.

    Identical rows are embedded once and share a position: t-SNE's Barnes-Hut code divides by
    the spread of the points and crashes the process on degenerate input.
    """
    from sklearn.decomposition import TruncatedSVD

    rng = np.random.default_rng(seed)
    fit_rows = np.sort(rng.choice(n, SVD_SAMPLE, replace=False)) if n > SVD_SAMPLE else np.arange(n)
    components = max(1, min(50, tfidf.shape[1] - 1, len(fit_rows) - 1))
    if tfidf.shape[1] > components:
        with warnings.catch_warnings():  # degenerate input divides by zero in a ratio we do not use
            warnings.simplefilter("ignore", RuntimeWarning)
            svd = TruncatedSVD(n_components=components, random_state=seed).fit(tfidf[fit_rows])
        reduced = tfidf @ svd.components_.T.astype(np.float32)
    else:
        reduced = tfidf.toarray()
    reduced = np.round(np.asarray(reduced, dtype=np.float64), 6)
    unique, inverse = np.unique(reduced, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    m = len(unique)
    if m < 4 or not np.isfinite(unique).all() or float(np.ptp(unique, axis=0).max()) == 0.0:
        return np.column_stack([np.linspace(0, 1, n), np.full(n, 0.5)])
    if m <= LANDMARKS:
        return _tsne(unique, seed)[inverse]
    sample = np.sort(rng.choice(m, LANDMARKS, replace=False))
    placed = np.empty((m, 2))
    placed[sample] = _tsne(unique[sample], seed)
    rest = np.setdiff1d(np.arange(m), sample)
    norms = np.linalg.norm(unique, axis=1, keepdims=True)
    unit = (unique / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    landmarks = unit[sample].T
    count = min(NEIGHBOURS, len(sample) - 1)
    for start in range(0, len(rest), PLACE_BLOCK):  # in blocks: a rest × sample matrix at 20,000 papers is 40 MB
        rows = rest[start:start + PLACE_BLOCK]
        similarity = np.round(unit[rows] @ landmarks, 5)
        # The most similar sampled papers: a partition, then a sort of the few by similarity and sample order.
        nearest = np.argpartition(-similarity, count, axis=1)[:, :count]
        nearest = np.take_along_axis(nearest, np.lexsort((nearest, -np.take_along_axis(similarity, nearest, axis=1))),
                                     axis=1)
        weights = np.clip(np.take_along_axis(similarity, nearest, axis=1), 0.0, None).astype(np.float64) + 1e-6
        placed[rows] = (weights[:, :, None] * placed[sample][nearest]).sum(axis=1) / weights.sum(axis=1, keepdims=True)
    return placed[inverse]


def _tsne(points: Any, seed: int) -> Any:
    from sklearn.manifold import TSNE

    perplexity = float(min(30, max(2, (len(points) - 1) // 3)))
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed, learning_rate="auto",
                max_iter=TSNE_ITERATIONS, n_jobs=1).fit_transform(points)


def topic_map(papers: Sequence[Paper], seed: int = 0, cache: BuildCache | None = None,
              vectors: PaperVectors | None = None) -> tuple[MapPoint, ...]:
    """Place every paper on a plane so that papers about similar things lie close together.

    The result depends only on the papers' text and the seed, so it is cached under their hash.
    """
    vectors = vectors if vectors is not None else PaperVectors(papers)
    points = stored_topic_map(vectors, seed, cache)
    if points is None:
        points = compute_topic_map(vectors, seed)
        store_topic_map(vectors, seed, cache, points)
    return points


def compute_topic_map(vectors: PaperVectors, seed: int = 0) -> tuple[MapPoint, ...]:
    """Compute the topic map of these papers (see topic_map), without the cache."""
    keys = vectors.keys
    n = len(keys)
    if n == 0:
        return ()
    if n < 4:  # too few papers for t-SNE: spread them on a line
        return tuple(MapPoint(k, round((i + 1) / (n + 1), 4), 0.5) for i, k in enumerate(keys))
    return _compute_map(vectors, seed)


def _map_key(vectors: PaperVectors, seed: int) -> str:
    return digest("topic-map", seed, LANDMARKS, NEIGHBOURS, SVD_SAMPLE, TSNE_ITERATIONS, vector_inputs(),
                  vectors.fingerprint)


def stored_topic_map(vectors: PaperVectors, seed: int, cache: BuildCache | None) -> tuple[MapPoint, ...] | None:
    """The topic map of these papers as the cache has it (of fewer than 4, computed: a line), or None."""
    n = len(vectors.keys)
    if n < 4:
        return compute_topic_map(vectors, seed)
    if cache is None:
        return None
    stored = cache.get_json("topic-map", _map_key(vectors, seed))
    if isinstance(stored, list) and len(stored) == n:
        return tuple(MapPoint(k, float(x), float(y)) for k, (x, y) in zip(vectors.keys, stored))
    return None


def store_topic_map(vectors: PaperVectors, seed: int, cache: BuildCache | None, points: tuple[MapPoint, ...]) -> None:
    """Keep a computed topic map in the cache."""
    if cache is not None and len(points) >= 4:
        cache.put_json("topic-map", _map_key(vectors, seed), [[pt.x, pt.y] for pt in points])


def _compute_map(vectors: PaperVectors, seed: int) -> tuple[MapPoint, ...]:
    keys = vectors.keys
    n = len(keys)
    if vectors.matrix is None:  # no words at all
        return tuple(MapPoint(k, round((i + 1) / (n + 1), 4), 0.5) for i, k in enumerate(keys))
    # One thread: t-SNE's OpenMP threads spin and stall badly when the machine is busy (CI, tests in parallel).
    with threadpool_limits(limits=1):
        coords = _embed(vectors.matrix, n, seed)
    low = coords.min(axis=0)
    span = np.where(coords.max(axis=0) - low > 0, coords.max(axis=0) - low, 1.0)
    scaled = (coords - low) / span
    return tuple(MapPoint(k, round(float(x), 4), round(float(y), 4)) for k, (x, y) in zip(keys, scaled))
