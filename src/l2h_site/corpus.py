"""Related papers and the topic map, the two computations over the whole review, in a process of their own.

Both read the papers' TF-IDF matrix (vectors.py) through scikit-learn and SciPy. In a large review
they run in a separate Python process, started before the summaries are rendered so that the two
overlap: the build process then never loads scikit-learn and SciPy (about 100 MB), nor keeps the
memory the matrices fragmented, and every page worker forked from it is that much smaller. The
child gets the papers' keys and documents and sends back plain keys and coordinates; it runs the
same functions as the in-process path, so the results are the same bytes (tests/test_parallel.py
builds a review both ways). If the child cannot start or fails, the work is done in-process.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, Any

from l2h_site.cache import BuildCache
from l2h_site.model import Paper
from l2h_site.parallel import is_parallel
from l2h_site.related import related_papers, store_related, stored_related
from l2h_site.stats import MapPoint, compute_topic_map, store_topic_map, stored_topic_map
from l2h_site.vectors import PaperVectors

Related = dict[str, tuple[str, ...]]
"""Each paper's related paper keys."""
Results = tuple[Related | None, tuple[MapPoint, ...] | None]
"""Related papers and the topic map, each None when the cache already had it."""

_CHILD = ("import pickle, sys; job = pickle.load(sys.stdin.buffer); sys.path[:0] = job['path']; "
          "out, sys.stdout = sys.stdout.buffer, sys.stderr; "
          "from l2h_site.corpus import compute; pickle.dump(compute(job['keys'], job['documents'], job['related'], "
          "job['map'], job['seed']), out, protocol=pickle.HIGHEST_PROTOCOL)")
"""The child's program: read the job before importing anything slow, so that the parent's write never waits;
anything a library prints goes to stderr, so that standard output carries only the results."""


def compute(keys: Sequence[str], documents: Sequence[str], with_related: bool, with_map: bool, seed: int) -> Results:
    """Compute related papers and the topic map, those asked for, from the papers' keys and TF-IDF documents."""
    vectors = PaperVectors.from_documents(keys, documents)
    return (related_papers((), vectors=vectors) if with_related else None,
            compute_topic_map(vectors, seed) if with_map else None)


class CorpusWide:
    """Related papers and the topic map of a review, computed beside the rest of the build.

    Creating one starts the work (in a child process for a large review); result(), called once, waits for it.
    Each result the cache has for exactly these papers' documents is taken from it; with both there, no
    work is started and scikit-learn is not loaded at all.
    """

    def __init__(self, papers: Sequence[Paper], cache: BuildCache | None = None, seed: int = 0,
                 separate: bool | None = None) -> None:
        self.vectors = PaperVectors(papers)
        self.cache = cache
        self.seed = seed
        self.related = stored_related(self.vectors, cache)
        self.topic_map = stored_topic_map(self.vectors, seed, cache)
        self._child: subprocess.Popen[bytes] | None = None
        needed = self.related is None or self.topic_map is None
        if needed and (separate if separate is not None else is_parallel(len(self.vectors.keys))):
            self._child = _start(self.vectors, self.related is None, self.topic_map is None, seed)

    def result(self) -> tuple[Related, tuple[MapPoint, ...]]:
        """Wait for the work and return each paper's related paper keys and the topic map."""
        found = _finish(self._child) if self._child is not None else None
        self._child = None
        wanted = (self.related is None, self.topic_map is None)
        if any(wanted) and (found is None or any(w and f is None for w, f in zip(wanted, found))):
            found = compute(self.vectors.keys, self.vectors.documents, *wanted, self.seed)
        related, points = found if found is not None else (None, None)
        if related is not None:
            store_related(self.vectors, self.cache, related)
            self.related = related
        if points is not None:
            store_topic_map(self.vectors, self.seed, self.cache, points)
            self.topic_map = points
        assert self.related is not None and self.topic_map is not None
        self.vectors = PaperVectors(())  # the documents (25 MB at 20,000 papers) are not needed any more
        return self.related, self.topic_map


def _start(vectors: PaperVectors, with_related: bool, with_map: bool, seed: int) -> subprocess.Popen[bytes] | None:
    job = {"path": [p for p in sys.path if p], "keys": vectors.keys, "documents": vectors.documents,
           "related": with_related, "map": with_map, "seed": seed}
    try:
        child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL)
        stdin: IO[bytes] | None = child.stdin
        assert stdin is not None
        with stdin:
            pickle.dump(job, stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # no interpreter to start, or it died at once: compute in-process
        return None
    return child


def _finish(child: subprocess.Popen[bytes]) -> Results | None:
    """The child's results, or None if it failed."""
    try:
        stdout: IO[bytes] | None = child.stdout
        assert stdout is not None
        with stdout:
            found: Any = pickle.load(stdout)
    except Exception:  # noqa: BLE001 - a child that died sends nothing readable: compute in-process
        found = None
    if child.wait() != 0 or not (isinstance(found, tuple) and len(found) == 2):
        return None
    return found
