"""Related papers and the topic map, the two computations over the whole review, beside the rest of the build.

Both read the papers' TF-IDF matrix (vectors.py) through scikit-learn and SciPy, which take a second
to import, and the topic map's t-SNE takes another second or more. On a machine with more than one
core they run in a separate Python process, started before the summaries are rendered, and the
build waits for each result only where a page needs it: related papers before the paper pages,
the topic map after the search index. A small review thereby builds in about half the time, and
in a large one the build process never loads scikit-learn and SciPy (about 100 MB), nor keeps the
memory the matrices fragmented, and every page worker forked from it is that much smaller.

The child gets the papers' keys and documents, writes each result to a file of its own as soon as
it has it, tells the build on its standard output, and exits: it holds no memory while the build
goes on. It runs the same functions as the in-process path, so the results are the same bytes
(tests/test_corpus.py, tests/test_parallel.py). If the child cannot start or fails, the work is
done in-process. A process that has scikit-learn loaded already (the dev server's second build of
a small review, a test run) computes a small review in-process: the import is what a child would save.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, TypeGuard

from l2h_site.cache import BuildCache
from l2h_site.memory import release_freed_memory
from l2h_site.model import Paper
from l2h_site.parallel import in_worker, job_count, threshold
from l2h_site.related import related_papers, store_related, stored_related
from l2h_site.stats import MapPoint, compute_topic_map, store_topic_map, stored_topic_map
from l2h_site.vectors import PaperVectors

Related = dict[str, tuple[str, ...]]
"""Each paper's related paper keys."""
RESULTS = ("related", "map")
"""The child's results, in the order it computes them (related papers are needed first)."""

_CHILD = ("import pickle, sys; job = pickle.load(sys.stdin.buffer); sys.path[:0] = job['path']; "
          "out, sys.stdout = sys.stdout.buffer, sys.stderr; "
          "from l2h_site.corpus import run_job; run_job(job, out)")
"""The child's program: read the job before importing anything slow, so that the parent's write never waits;
anything a library prints goes to stderr, so that standard output carries only the names of finished results."""


def run_job(job: dict[str, Any], out: IO[bytes]) -> None:
    """Compute the results a job asks for, in RESULTS order; write each to its file, then its name to out."""
    vectors = PaperVectors.from_documents(job["keys"], job["documents"])
    folder = Path(job["folder"])
    for name in RESULTS:
        if name in job["wanted"]:
            value = related_papers((), vectors=vectors) if name == "related" else compute_topic_map(vectors,
                                                                                                    job["seed"])
            partial = folder / f"{name}.partial"
            partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(folder / name)
            out.write(f"{name}\n".encode())
            out.flush()


def separate_by_default(count: int) -> bool:
    """Tell whether the work for count papers goes to a child process when the caller does not say."""
    if job_count() < 2 or in_worker():
        return False
    return count >= threshold() or "sklearn" not in sys.modules


class CorpusWide:
    """Related papers and the topic map of a review, computed beside the rest of the build.

    Creating one starts the work (in a child process on a machine with more than one core); related()
    and topic_map() each wait for their result. Each result the cache has for exactly these papers'
    documents is taken from it; with both there, no work is started and scikit-learn is not loaded at all.
    """

    def __init__(self, papers: Sequence[Paper], cache: BuildCache | None = None, seed: int = 0,
                 separate: bool | None = None) -> None:
        self.vectors = PaperVectors(papers)
        self.cache = cache
        self.seed = seed
        self._related = stored_related(self.vectors, cache)
        self._map = stored_topic_map(self.vectors, seed, cache)
        self._child: _Child | None = None
        wanted = [name for name, have in zip(RESULTS, (self._related, self._map)) if have is None]
        if wanted and (separate if separate is not None else separate_by_default(len(self.vectors.keys))):
            self._child = _Child.start(self.vectors, wanted, seed)

    @property
    def stored_related(self) -> Related | None:
        """Related papers as far as known without waiting: from the cache, or received already."""
        return self._related

    @property
    def stored_map(self) -> tuple[MapPoint, ...] | None:
        """The topic map as far as known without waiting: from the cache, or received already."""
        return self._map

    def related(self) -> Related:
        """Wait for each paper's related paper keys, most similar first."""
        if self._related is None:
            found = self._child.result("related") if self._child is not None else None
            if not _is_related(found, self.vectors.keys):
                found = related_papers((), vectors=self.vectors)
                release_freed_memory()  # the score blocks, computed in this process
            store_related(self.vectors, self.cache, found)
            self._related = found
            self._done()
        return self._related

    def topic_map(self) -> tuple[MapPoint, ...]:
        """Wait for the topic map: every paper placed on a plane, in key order."""
        if self._map is None:
            found = self._child.result("map") if self._child is not None else None
            if not _is_map(found, self.vectors.keys):
                found = compute_topic_map(self.vectors, self.seed)
            store_topic_map(self.vectors, self.seed, self.cache, found)
            self._map = found
            self._done()
        return self._map

    def result(self) -> tuple[Related, tuple[MapPoint, ...]]:
        """Wait for both results."""
        return self.related(), self.topic_map()

    def close(self) -> None:
        """Stop a child still working and remove its files (the results not received yet are not needed)."""
        if self._child is not None:
            self._child.close()
            self._child = None

    def _done(self) -> None:
        if self._related is not None and self._map is not None:
            self.close()
            self.vectors = PaperVectors(())  # the documents (25 MB at 20,000 papers) are not needed any more


class _Child:
    """A child process computing results into a temporary folder; its standard output names each finished one."""

    def __init__(self, process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory[str]) -> None:
        self.process = process
        self.folder = folder
        self.finished: set[str] = set()
        self.ended = False

    @classmethod
    def start(cls, vectors: PaperVectors, wanted: Sequence[str], seed: int) -> _Child | None:
        folder = tempfile.TemporaryDirectory(prefix="l2h-corpus-")
        job = {"path": [p for p in sys.path if p], "keys": vectors.keys, "documents": vectors.documents,
               "wanted": tuple(wanted), "seed": seed, "folder": folder.name}
        try:
            process = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL)
            stdin: IO[bytes] | None = process.stdin
            assert stdin is not None
            with stdin:
                pickle.dump(job, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # no interpreter to start, or it died at once: compute in-process
            folder.cleanup()
            return None
        return cls(process, folder)

    def result(self, name: str) -> Any:
        """Wait until the child has written the result name, and read it; None if the child failed first."""
        stdout: IO[bytes] | None = self.process.stdout
        assert stdout is not None
        while name not in self.finished and not self.ended:
            line = stdout.readline()
            if line:
                self.finished.add(line.decode("ascii", "replace").strip())
            else:
                self.ended = True
        if name not in self.finished:
            return None
        try:
            return pickle.loads((Path(self.folder.name) / name).read_bytes())
        except Exception:  # noqa: BLE001 - an unreadable result is recomputed in-process
            return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.folder.cleanup()


def _is_related(found: Any, keys: Sequence[str]) -> TypeGuard[Related]:
    return isinstance(found, dict) and len(found) == len(keys) and all(isinstance(v, tuple) for v in found.values())


def _is_map(found: Any, keys: Sequence[str]) -> TypeGuard[tuple[MapPoint, ...]]:
    return isinstance(found, tuple) and len(found) == len(keys) and all(isinstance(p, MapPoint) for p in found)


__all__ = ["CorpusWide", "run_job", "separate_by_default"]
