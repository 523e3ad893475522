"""Related papers: TF-IDF cosine similarity over each paper's text and classification.

Computed once per build, in blocks so that 20,000 papers never need an n×n matrix in memory.
Ties are broken by paper key, so the result depends only on the papers, never on timing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from l2h_site.model import Paper

BLOCK = 1024
"""Rows of the similarity matrix computed at a time (memory: BLOCK × papers floats)."""


def paper_document(paper: Paper) -> str:
    """Make the text TF-IDF sees for a paper: title, summary, tags and facet values as tokens."""
    tags = " ".join("tag_" + _token(t) for t in paper.tags)
    facets = " ".join(f"{name}_{_token(v)}" for name, values in sorted(paper.facets.items()) for v in values)
    return f"{paper.title} {paper.title} {paper.summary} {tags} {tags} {facets}"


def _token(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def related_papers(papers: Sequence[Paper], count: int = 5) -> dict[str, tuple[str, ...]]:
    """Map each paper key to the keys of its most similar papers, most similar first."""
    ordered = sorted(papers, key=lambda p: p.key)
    keys = [p.key for p in ordered]
    result: dict[str, tuple[str, ...]] = {k: () for k in keys}
    if len(ordered) < 2 or count <= 0:
        return result
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: it takes a second to load

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b",
                                 max_df=0.5 if len(ordered) >= 20 else 1.0,
                                 dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform([paper_document(p) for p in ordered])
    except ValueError:  # every document is empty or stop words only: nothing to compare
        return result
    transposed = matrix.T.tocsc()
    n = len(keys)
    k = min(count, n - 1)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        scores = (matrix[start:stop] @ transposed).toarray()
        scores = np.round(scores, 6)  # equal scores compare equal whatever the summation order
        scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
        # The k-th best score of each row; every paper scoring at least that is a candidate, so ties
        # at the cut are all seen and then broken by key, never by the partition's internal order.
        kth = np.partition(scores, -k, axis=1)[:, -k]
        rows, cols = np.nonzero((scores >= kth[:, None]) & (scores > 0))
        if rows.size == 0:
            continue
        bounds = np.flatnonzero(np.diff(rows)) + 1
        for first, candidates in zip(np.concatenate(([0], bounds)), np.split(cols, bounds)):
            row = int(rows[first])
            line = scores[row]
            # Sort by score descending, then by key (= index) ascending; lexsort's last key is primary.
            best = candidates[np.lexsort((candidates, -line[candidates]))][:count]
            result[keys[start + row]] = tuple(keys[i] for i in best)
    return result
