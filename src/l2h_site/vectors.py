"""TF-IDF vectors of the papers' text, computed once per build for related papers and the topic map.

Both corpus-wide computations read the same matrix, so a build tokenises 20,000 summaries once.
The matrix is computed lazily: a build whose topic map comes from the cache only pays for it
when related papers need it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from typing import Any

# NumPy is imported in tfidf, which computes (see related.py).
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
        self.analyses: Analyses | None = None
        """The words of documents analysed before (l2h serve's child), for TF-IDF."""

    @classmethod
    def from_documents(cls, keys: Sequence[str], documents: Sequence[str],
                       analyses: Analyses | None = None) -> PaperVectors:
        """Vectors of documents already made by paper_document, in key order (corpus.py's child process, whose
        analyses, if it runs job after job, are kept between them)."""
        vectors = cls(())
        vectors.keys, vectors._documents, vectors.analyses = tuple(keys), tuple(documents), analyses
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
        return tfidf(self.documents, self.analyses)


def tfidf(documents: Sequence[str], analyses: Analyses | None = None) -> Any | None:
    """The L2-normalised float32 TF-IDF rows (scipy CSR) of these documents, weighed by them alone, or None when no
    document has a word. Words in more than half of the documents (of 20 or more) are dropped as uninformative.
    analyses: the words of documents analysed before, kept between the jobs of l2h serve's child (see Analyses)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: it takes a second to load

    words: dict[str, Any] = {"stop_words": "english", "token_pattern": r"(?u)\b\w\w+\b"}
    weights: dict[str, Any] = {"sublinear_tf": True, "max_df": 0.5 if len(documents) >= 20 else 1.0,
                               "dtype": np.float32}
    try:
        if analyses is None:
            return TfidfVectorizer(**words, **weights).fit_transform(documents)
        # The same words in the same order as the vectoriser's own analyser gives: the same matrix, to the bit.
        analysed = analyses.of(documents, TfidfVectorizer(**words).build_analyzer())
        return TfidfVectorizer(analyzer=_as_analysed, **weights).fit_transform(analysed)
    except ValueError:  # every document is empty or stop words only
        return None


def _as_analysed(words: tuple[str, ...]) -> tuple[str, ...]:
    return words


class Analyses:
    """Each document's words as TF-IDF reads them (the output of the vectoriser's analyser), kept from one job of
    l2h serve's child to the next under a hash of the document.

    An edit changes one document, and analysing all of them (a regular expression, lower case, stop words) was four
    fifths of TF-IDF's time: 0.28 of 0.36 s at 5,000 papers. Each word is held once, each occurrence as a reference
    to it (15 MB at 20,000 generated papers); only the documents of the last job are kept (next_job).
    """

    def __init__(self) -> None:
        self._last: dict[bytes, tuple[str, ...]] = {}
        self._now: dict[bytes, tuple[str, ...]] = {}
        self._words: dict[str, str] = {}
        self.analysed = 0
        """Documents analysed (not found) since the last job ended, for tests."""

    def of(self, documents: Sequence[str], analyse: Callable[[str], list[str]]) -> list[tuple[str, ...]]:
        """The words of each document, analysed by analyse unless they are kept."""
        found = []
        for document in documents:
            key = hashlib.blake2b(document.encode(), digest_size=16).digest()
            words = self._now.get(key)
            if words is None:
                words = self._last.get(key)
            if words is None:
                words = tuple([self._words.setdefault(word, word) for word in analyse(document)])
                self.analysed += 1
            self._now[key] = words
            found.append(words)
        return found

    def next_job(self) -> None:
        """Keep the words of the documents the job that ended read, and let go of the others."""
        self._last, self._now = self._now, {}
        self.analysed = 0
