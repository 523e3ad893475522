"""Related papers: TF-IDF cosine similarity over each paper's text and classification.

Exact cosine scores, computed a block of rows at a time so that 20,000 papers never need an
n×n matrix. The words most papers share go through one dense float32 matrix product (BLAS), the
rarer ones through a sparse product, which is cheap because few pairs of papers share a rare
word; words of a single paper are left out, since they add nothing to any pair's score.
Ties are broken by paper key, so the result depends only on the papers, never on timing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# NumPy (about 0.08 s to import) is imported in the functions that compute: `l2h --version`, `l2h check` and
# a build with nothing to compute never load it.
from l2h_site.cache import BuildCache, digest
from l2h_site.model import Paper
from l2h_site.vectors import PaperVectors, vector_inputs

BLOCK_BYTES = 8 << 20
"""Memory for one block of scores (rows × papers float32)."""
DENSE_BYTES = 32 << 20
"""Memory for the dense part of the matrix (papers × most frequent words, float32)."""
CHUNK = 64
"""Scores per chunk whose maxima bound the k-th best score of a row from below."""
DECIMALS = 6
"""Scores are compared rounded, so equal scores compare equal whatever the summation order."""


COUNT = 5
"""Related papers listed per paper."""


def related_stored_at(cache: BuildCache | None) -> float | None:
    """When related papers (of any papers) were last stored in the cache, or None if never."""
    return cache.newest("related") if cache is not None else None


def stored_related(vectors: PaperVectors, cache: BuildCache | None) -> dict[str, tuple[str, ...]] | None:
    """Each paper's related papers as the cache has them for exactly these papers' documents, or None.

    They depend only on the papers' keys and TF-IDF documents, so an edit of anything else (a venue,
    a link, an author, a template) finds them here and needs neither scikit-learn nor the computation.
    """
    stored = cache.get_json("related", _related_key(vectors)) if cache is not None else None
    if not isinstance(stored, dict) or stored.keys() != set(vectors.keys):
        return None
    known = stored.keys()
    if not all(isinstance(v, list) and all(isinstance(k, str) and k in known for k in v) for v in stored.values()):
        return None
    return shared_keys(stored, vectors.keys)


def shared_keys(related: Mapping[str, Sequence[str]], keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Related papers whose keys are the papers' own key strings: JSON (and a child's pickle) gives new strings, one
    for each time a key is listed (140,000 strings, 9 MB at 20,000 papers, held for the rest of the build)."""
    own = {key: key for key in keys}
    return {key: tuple(own[k] for k in related[key]) for key in keys}


def store_related(vectors: PaperVectors, cache: BuildCache | None, related: dict[str, tuple[str, ...]]) -> None:
    """Keep computed related papers in the cache."""
    if cache is not None:
        cache.put_json("related", _related_key(vectors), {k: list(v) for k, v in related.items()})


def _related_key(vectors: PaperVectors) -> str:
    return digest("related", COUNT, DECIMALS, CHUNK, vector_inputs(), vectors.fingerprint)


def related_papers(papers: Sequence[Paper], count: int = COUNT,
                   vectors: PaperVectors | None = None) -> dict[str, tuple[str, ...]]:
    """Map each paper key to the keys of its most similar papers, most similar first."""
    import numpy as np
    vectors = vectors if vectors is not None else PaperVectors(papers)
    keys = vectors.keys
    result: dict[str, tuple[str, ...]] = {k: () for k in keys}
    n = len(keys)
    if n < 2 or count <= 0 or vectors.matrix is None:
        return result
    dense, sparse, sparse_t = _split_columns(vectors.matrix)
    k = min(count, n - 1)
    rows_per_block = max(1, min(n, BLOCK_BYTES // (4 * n)))
    for start in range(0, n, rows_per_block):
        stop = min(start + rows_per_block, n)
        scores = dense[start:stop] @ dense.T
        if sparse is not None:
            extra = (sparse[start:stop] @ sparse_t).tocoo()
            scores[extra.row, extra.col] += extra.data
        scores[np.arange(stop - start), np.arange(start, stop)] = -1.0  # never related to itself
        for row, best in _top(scores, k, count):
            result[keys[start + row]] = tuple(keys[i] for i in best)
    return result


def _split_columns(matrix: Any) -> tuple[Any, Any, Any]:
    """Split the TF-IDF columns into a dense array of the most frequent words and a sparse rest.

    Returns (dense rows, sparse rows or None, sparse columns transposed or None).
    """
    import numpy as np
    n = matrix.shape[0]
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    shared = np.flatnonzero(frequency >= 2)
    order = shared[np.lexsort((shared, -frequency[shared]))]  # most frequent first, ties by column
    width = max(1, DENSE_BYTES // (4 * n))
    dense = np.ascontiguousarray(matrix[:, np.sort(order[:width])].toarray(), dtype=np.float32)
    if len(order) <= width:
        return dense, None, None
    sparse = matrix[:, np.sort(order[width:])].tocsr()
    return dense, sparse, sparse.T.tocsr()


def _top(scores: Any, k: int, count: int) -> list[tuple[int, Any]]:
    """Return (row, best columns) for each row with a positive score: by rounded score, then column.

    The k-th best score of a row is bounded from below by the k-th best maximum of its chunks of
    CHUNK columns (k chunks each hold a score at least that high), and only chunks whose maximum
    reaches the bound are scanned, so a row's scores are read once and never sorted. Every score
    whose rounded value ties with the k-th best one is a candidate, so ties at the cut are broken
    by column, never by chance.
    """
    import numpy as np
    n = scores.shape[1]
    chunk = CHUNK if n >= 4 * CHUNK * k else 1
    whole = n // chunk * chunk  # columns in whole chunks; the few after them are scanned directly
    maxima = np.maximum.reduceat(scores[:, :whole], np.arange(0, whole, chunk), axis=1)
    bound = np.partition(maxima, -k, axis=1)[:, -k] - 2 * 10.0 ** -DECIMALS
    bound = np.maximum(bound, 0.4 * 10.0 ** -DECIMALS)  # a score that rounds to 0 relates nothing
    hit_row, hit_chunk = np.nonzero(maxima >= bound[:, None])
    columns = hit_chunk[:, None] * chunk + np.arange(chunk)
    found = scores[hit_row[:, None], columns] >= bound[hit_row][:, None]
    tail_row, tail_col = np.nonzero(scores[:, whole:] >= bound[:, None])
    row = np.concatenate([np.broadcast_to(hit_row[:, None], columns.shape)[found], tail_row])
    col = np.concatenate([columns[found], tail_col + whole])
    value = np.round(scores[row, col].astype(np.float64), DECIMALS)
    order = np.lexsort((col, -value, row))  # by row, then score descending, then column
    row, col = row[order], col[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else row
    ends = np.r_[starts[1:], len(row)]
    return [(int(row[s]), col[s:min(e, s + count)]) for s, e in zip(starts, ends)]
