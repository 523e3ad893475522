"""TF-IDF vectors of the papers' text, computed once per build for related papers and the topic map.

Both corpus-wide computations read the same matrix, so a build tokenises 20,000 summaries once.
The matrix is computed lazily: a build whose topic map comes from the cache only pays for it
when related papers need it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from l2h_site.cache import digest, package_versions
from l2h_site.model import Paper

VECTORS_VERSION = 1
"""Bump when paper_document or the vectoriser's settings change: cached results depend on them."""


def vector_inputs() -> tuple[Any, ...]:
    """What results computed from the vectors depend on besides the papers and l2h's version, for cache keys.

    The vectoriser's settings and the numeric libraries' versions: a new scikit-learn may weigh words differently.
    """
    return VECTORS_VERSION, package_versions(("scikit-learn", "numpy", "scipy"))


def paper_document(paper: Paper) -> str:
    """Make the text TF-IDF sees for a paper: title, summary, tags and facet values as tokens."""
    tags = " ".join("tag_" + _token(t) for t in paper.tags)
    facets = " ".join(f"{name}_{_token(v)}" for name, values in sorted(paper.facets.items()) for v in values)
    return f"{paper.title} {paper.title} {paper.summary} {tags} {tags} {facets}"


@lru_cache(maxsize=4096)
def _token(text: str) -> str:
    # a pure function of a tag or facet value, of which a review has a few hundred: 8 per paper, 40,000 a build
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


class PaperVectors:
    """The papers in key order, their documents, and (on first use) their TF-IDF matrix."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        ordered = sorted(papers, key=lambda p: p.key)
        self.keys: tuple[str, ...] = tuple(p.key for p in ordered)
        """Paper keys, sorted: row i of the matrix is paper keys[i]."""
        self._papers: tuple[Paper, ...] = tuple(ordered)
        self._documents: tuple[str, ...] | None = tuple(paper_document(p) for p in ordered)
        self._kept: dict[int, str] = {}
        """The documents keep_only_the_matrix kept, by row."""

    @classmethod
    def from_documents(cls, keys: Sequence[str], documents: Sequence[str]) -> PaperVectors:
        """Vectors of documents already made by paper_document, in key order (corpus.py's child process)."""
        vectors = cls(())
        vectors.keys, vectors._documents = tuple(keys), tuple(documents)
        return vectors

    @property
    def documents(self) -> tuple[str, ...]:
        """What TF-IDF reads of each paper, in key order (made again if they were forgotten)."""
        if self._documents is None:
            self._documents = tuple(paper_document(p) for p in self._papers)
        return self._documents

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the keys and the documents, which results computed from the vectors depend on."""
        # each key and document a part of its own (strings are hashed as they are), not one list of them to encode
        # as JSON: 15 ms of each rebuild at 5,000 papers
        return digest("vectors", len(self.keys), *self.keys, *self.documents)

    def keep_only_the_matrix(self, keep: Sequence[int] = ()) -> None:
        """Let go of the documents and papers once the matrix is made (in a process that needs nothing else), but
        the documents of the rows in keep (the topic map's landmarks: see documents_of)."""
        self.matrix  # noqa: B018 - made now if it was not
        if self._documents == () and self._kept:  # let go already
            return
        documents = self.documents
        self._kept = {i: documents[i] for i in keep}
        self._papers, self._documents = (), ()

    def documents_of(self, rows: Sequence[int]) -> list[str]:
        """The documents of these rows (after keep_only_the_matrix, of rows it kept)."""
        if self._documents == () and self._kept:
            return [self._kept[i] for i in rows]
        documents = self.documents
        return [documents[i] for i in rows]

    def forget_documents(self) -> None:
        """Let go of the documents (25 MB at 20,000 papers) while another process computes from them; they are
        made again from the papers if this process needs them after all."""
        self.fingerprint  # noqa: B018 - kept: cache keys need it
        self._documents = None

    @cached_property
    def matrix(self) -> Any | None:
        """Return the L2-normalised float32 TF-IDF rows (scipy CSR), or None when no document has a word.

        Words in more than half of the papers (of 20 or more) are dropped as uninformative.
        """
        return tfidf(self.documents)


def tfidf(documents: Sequence[str]) -> Any | None:
    """The L2-normalised float32 TF-IDF rows (scipy CSR) of these documents, weighed by them alone, or None when no
    document has a word. Words in more than half of the documents (of 20 or more) are dropped as uninformative."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: it takes a second to load

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b",
                                 max_df=0.5 if len(documents) >= 20 else 1.0, dtype=np.float32)
    try:
        return vectorizer.fit_transform(documents)
    except ValueError:  # every document is empty or stop words only
        return None
