"""Numbers about the review for the stats page, and the 2-D topic map of all papers.

Everything here is computed at build time and drawn by the templates as inline SVG; the
map uses TF-IDF → truncated SVD → t-SNE with a fixed seed, so it needs no model download and
two builds of the same papers draw the same map.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# NumPy and threadpoolctl are imported in the functions that compute the topic map (see related.py).
from l2h_site.cache import BuildCache, digest
from l2h_site.model import Paper
from l2h_site.vectors import PaperVectors, tfidf, vector_inputs


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
    values: dict[str, list[str]] = {}
    for paper in papers:  # one pass over the papers, not one per facet
        for facet, chosen in paper.facets.items():
            values.setdefault(facet, []).extend(chosen)
    return ReviewStats(
        per_year=bar_chart(papers_per_year(papers)),
        facets={f: top_counts(values[f]) for f in sorted(values)},
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
"""Above this many papers, t-SNE places a fixed set of papers, the landmarks (landmark_rows), and each other paper is
placed near the landmarks most similar to it: t-SNE's cost grows faster than linearly and would dominate the build."""
NEIGHBOURS = 5
"""Landmarks whose positions, weighted by similarity, place each other paper."""
TSNE_ITERATIONS = 500
"""t-SNE iterations, the first 250 with early exaggeration: a sample of LANDMARKS settles well before 1,000."""
PLACE_BLOCK = 2048
"""Papers placed by similarity at a time."""
_LAST_TSNE: dict[str, Any] = {}
"""The last t-SNE embedding this process computed, under the hash of its input (see _tsne)."""


def landmark_rows(keys: Sequence[str]) -> list[int]:
    """The rows (in key order) of the papers t-SNE places: every paper of a review of at most LANDMARKS papers;
    above, the LANDMARKS papers whose keys hash lowest. The choice, and the landmarks' own TF-IDF that t-SNE reads
    (_embed_landmarks), depend on no other paper, so editing one of the others leaves their t-SNE as it was."""
    if len(keys) <= LANDMARKS:
        return list(range(len(keys)))
    return sorted(sorted(range(len(keys)), key=lambda i: hashlib.sha256(keys[i].encode()).digest())[:LANDMARKS])


def _reduce(matrix: Any, seed: int) -> Any:
    """Reduce TF-IDF rows to at most 50 dimensions (truncated SVD fitted on them), rounded to 6 decimals."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD

    components = max(1, min(50, matrix.shape[1] - 1, matrix.shape[0] - 1))
    if matrix.shape[1] > components:
        with warnings.catch_warnings():  # degenerate input divides by zero in a ratio we do not use
            warnings.simplefilter("ignore", RuntimeWarning)
            svd = TruncatedSVD(n_components=components, random_state=seed).fit(matrix)
        reduced = matrix @ svd.components_.T.astype(np.float32)
    else:
        reduced = matrix.toarray()
    return np.round(np.asarray(reduced, dtype=np.float64), 6)


def _embed(matrix: Any, seed: int, cache: BuildCache | None = None) -> Any:
    """Place TF-IDF rows in 2-D: truncated SVD, then t-SNE.

    Identical rows are embedded once and share a position: t-SNE's Barnes-Hut code divides by
    the spread of the points and crashes the process on degenerate input.
    """
    import numpy as np
    n = matrix.shape[0]
    reduced = _reduce(matrix, seed)
    unique, inverse = np.unique(reduced, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    if len(unique) < 4 or not np.isfinite(unique).all() or float(np.ptp(unique, axis=0).max()) == 0.0:
        return np.column_stack([np.linspace(0, 1, n), np.full(n, 0.5)])
    return _tsne(unique, seed, cache)[inverse]


def _embed_landmarks(vectors: PaperVectors, matrix: Any, seed: int, cache: BuildCache | None = None) -> Any:
    """Place the papers of a review larger than LANDMARKS: the landmarks by _embed of their own TF-IDF (weighed
    by the landmarks alone), every other paper at the similarity-weighted mean of the NEIGHBOURS landmarks most
    similar to it in the review's TF-IDF (matrix, vectors.matrix)."""
    import numpy as np
    n = matrix.shape[0]
    rows = np.array(landmark_rows(vectors.keys))
    own = tfidf(vectors.documents_of(rows.tolist()), vectors.analyses)
    placed = np.empty((n, 2))
    placed[rows] = (_embed(own, seed, cache) if own is not None else
                    np.column_stack([np.linspace(0, 1, len(rows)), np.full(len(rows), 0.5)]))
    rest = np.setdiff1d(np.arange(n), rows)
    landmarks = matrix[rows].T.tocsc()
    count = min(NEIGHBOURS, len(rows) - 1)
    for start in range(0, len(rest), PLACE_BLOCK):  # in blocks: a rest × landmarks matrix at 20,000 papers is 40 MB
        block = rest[start:start + PLACE_BLOCK]
        similarity = np.round((matrix[block] @ landmarks).toarray(), 5)
        # The most similar landmarks: a partition, then a sort of the few by similarity and landmark order.
        nearest = np.argpartition(-similarity, count, axis=1)[:, :count]
        nearest = np.take_along_axis(nearest, np.lexsort((nearest, -np.take_along_axis(similarity, nearest, axis=1))),
                                     axis=1)
        weights = np.clip(np.take_along_axis(similarity, nearest, axis=1), 0.0, None).astype(np.float64) + 1e-6
        placed[block] = (weights[:, :, None] * placed[rows][nearest]).sum(axis=1) / weights.sum(axis=1, keepdims=True)
    return placed


def _tsne(points: Any, seed: int, cache: BuildCache | None = None) -> Any:
    """t-SNE of these points, under the hash of its input: the last result is kept in the process (l2h serve's
    child builds again and again), and in the cache, if given (for the next l2h build); an edit of a paper that is no
    landmark does not change the input."""
    key = digest("t-SNE", seed, TSNE_ITERATIONS, vector_inputs(), list(points.shape), points.tobytes())
    if key in _LAST_TSNE:
        return _LAST_TSNE[key].copy()
    found = _stored_tsne(cache.get_json("t-sne", key) if cache is not None else None, len(points))
    if found is None:
        from sklearn.manifold import TSNE

        perplexity = float(min(30, max(2, (len(points) - 1) // 3)))
        found = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed, learning_rate="auto",
                     max_iter=TSNE_ITERATIONS, n_jobs=1).fit_transform(points)
        if cache is not None:
            cache.put_json("t-sne", key, {"dtype": str(found.dtype), "points": found.tolist()})
    _LAST_TSNE.clear()
    _LAST_TSNE[key] = found.copy()
    return found


def _stored_tsne(stored: Any, count: int) -> Any | None:
    """A t-SNE result as _tsne stores it, in its own type (float32: the map's arithmetic rounds as it did when t-SNE
    ran), or None if none was stored or it is not one of count points."""
    import numpy as np
    try:
        found = np.array(stored["points"], dtype=np.dtype(stored["dtype"]))
    except (TypeError, KeyError, ValueError):
        return None
    return found if found.shape == (count, 2) and found.dtype.kind == "f" else None


def topic_map(papers: Sequence[Paper], seed: int = 0, cache: BuildCache | None = None,
              vectors: PaperVectors | None = None) -> tuple[MapPoint, ...]:
    """Place every paper on a plane so that papers about similar things lie close together.

    The result depends only on the papers' text and the seed, so it is cached under their hash.
    """
    vectors = vectors if vectors is not None else PaperVectors(papers)
    points = stored_topic_map(vectors, seed, cache)
    if points is None:
        points = compute_topic_map(vectors, seed, cache)
        store_topic_map(vectors, seed, cache, points)
    return points


def compute_topic_map(vectors: PaperVectors, seed: int = 0, cache: BuildCache | None = None) -> tuple[MapPoint, ...]:
    """Compute the topic map of these papers (see topic_map), not looking it up in the cache; t-SNE's part of it is
    looked up and kept there (_tsne), if a cache is given."""
    keys = vectors.keys
    n = len(keys)
    if n == 0:
        return ()
    if n < 4:  # too few papers for t-SNE: spread them on a line
        return tuple(MapPoint(k, round((i + 1) / (n + 1), 4), 0.5) for i, k in enumerate(keys))
    return _compute_map(vectors, seed, cache)


def _map_key(vectors: PaperVectors, seed: int) -> str:
    return digest("topic-map", seed, LANDMARKS, NEIGHBOURS, TSNE_ITERATIONS, vector_inputs(),
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


def _compute_map(vectors: PaperVectors, seed: int, cache: BuildCache | None = None) -> tuple[MapPoint, ...]:
    import numpy as np
    from threadpoolctl import threadpool_limits
    keys = vectors.keys
    n = len(keys)
    if vectors.matrix is None:  # no words at all
        return tuple(MapPoint(k, round((i + 1) / (n + 1), 4), 0.5) for i, k in enumerate(keys))
    # One thread: t-SNE's OpenMP threads spin and stall badly when the machine is busy (CI, tests in parallel).
    with threadpool_limits(limits=1):
        coords = (_embed(vectors.matrix, seed, cache) if n <= LANDMARKS else
                  _embed_landmarks(vectors, vectors.matrix, seed, cache))
    low = coords.min(axis=0)
    span = np.where(coords.max(axis=0) - low > 0, coords.max(axis=0) - low, 1.0)
    scaled = (coords - low) / span
    return tuple(MapPoint(k, round(float(x), 4), round(float(y), 4)) for k, (x, y) in zip(keys, scaled))
