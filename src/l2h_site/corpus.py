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
done in-process. A process that has scikit-learn loaded already (a test run) computes a small review
in-process: the import is what a child would save. The dev server keeps one child up between rebuilds
(WarmChild), with scikit-learn loaded, and sends it a job per rebuild.
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
    """Compute the results a job asks for, in RESULTS order; write each to its file, then the job's number and
    the result's name to out."""
    vectors = PaperVectors.from_documents(job["keys"], job["documents"])
    folder = Path(job["folder"])
    for name in RESULTS:
        if name in job["wanted"]:
            value = related_papers((), vectors=vectors) if name == "related" else compute_topic_map(vectors,
                                                                                                    job["seed"])
            partial = folder / f"{name}.partial"
            partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(folder / name)
            out.write(f"{job['number']} {name}\n".encode())
            out.flush()


_WARM_CHILD = ("import pickle, sys; sys.path[:0] = pickle.load(sys.stdin.buffer); "
               "out, sys.stdout = sys.stdout.buffer, sys.stderr; "
               "from l2h_site.corpus import run_jobs; run_jobs(sys.stdin.buffer, out)")
"""The program of a child kept warm: it loads scikit-learn at once, then runs the jobs it is sent, one at a time."""


def run_jobs(jobs: IO[bytes], out: IO[bytes]) -> None:
    """Load what the jobs need, then run each job read from jobs until its end (a warm child's loop)."""
    from sklearn.decomposition import TruncatedSVD  # noqa: F401 - imported now, while the server idles
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: F401
    from sklearn.manifold import TSNE  # noqa: F401

    while True:
        try:
            job = pickle.load(jobs)
        except EOFError:
            return
        run_job(job, out)
        del job
        release_freed_memory()


class WarmChild:
    """One child process that stays up between builds with scikit-learn loaded: l2h serve's rebuilds skip its
    second of imports. Give it to CorpusWide; stop() it when done. If it dies, the next job starts a new one."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.jobs = 0
        self.current: _Child | None = None

    def start(self) -> None:
        """Start the child now (it loads scikit-learn while nothing else happens), unless it runs already."""
        if self.process is not None and self.process.poll() is None:
            return
        self.process = None
        try:
            process = subprocess.Popen([sys.executable, "-c", _WARM_CHILD], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert process.stdin is not None
            pickle.dump([p for p in sys.path if p], process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
        except OSError:
            return
        self.process = process

    def submit(self, vectors: PaperVectors, wanted: Sequence[str], seed: int) -> _Child | None:
        """Send the child a job; None if no child can run it."""
        if self.current is not None and not self.current.complete:
            self.stop()  # still busy with a job nobody waits for: a fresh child is faster than waiting
        self.start()
        if self.process is None or self.process.stdin is None:
            return None
        self.jobs += 1
        folder = tempfile.TemporaryDirectory(prefix="l2h-corpus-")
        try:
            pickle.dump(_job(vectors, wanted, seed, folder.name, self.jobs), self.process.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except OSError:  # the child died: compute in-process this time, start a new child next time
            folder.cleanup()
            self.stop()
            return None
        self.current = _Child(self.process, folder, self.jobs, wanted, owner=self)
        return self.current

    def stop(self) -> None:
        """Stop the child."""
        process, self.process, self.current = self.process, None, None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
            if process.poll() is None:
                process.kill()
            process.wait()


def separate_by_default(count: int) -> bool:
    """Tell whether the work for count papers goes to a child process when the caller does not say."""
    if count < 2 or job_count() < 2 or in_worker():
        return False  # fewer than two papers: nothing to compute, scikit-learn is not even loaded
    return count >= threshold() or "sklearn" not in sys.modules


class CorpusWide:
    """Related papers and the topic map of a review, computed beside the rest of the build.

    Creating one starts the work (in a child process on a machine with more than one core, or in the warm
    child given); related()
    and topic_map() each wait for their result. Each result the cache has for exactly these papers'
    documents is taken from it; with both there, no work is started and scikit-learn is not loaded at all.
    """

    def __init__(self, papers: Sequence[Paper], cache: BuildCache | None = None, seed: int = 0,
                 separate: bool | None = None, warm: WarmChild | None = None) -> None:
        self.vectors = PaperVectors(papers)
        self.cache = cache
        self.seed = seed
        self._related = stored_related(self.vectors, cache)
        self._map = stored_topic_map(self.vectors, seed, cache)
        self._child: _Child | None = None
        wanted = [name for name, have in zip(RESULTS, (self._related, self._map)) if have is None]
        if wanted and warm is not None and separate is not False and not in_worker():
            self._child = warm.submit(self.vectors, wanted, seed)
        elif wanted and (separate if separate is not None else separate_by_default(len(self.vectors.keys))):
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


def _job(vectors: PaperVectors, wanted: Sequence[str], seed: int, folder: str, number: int) -> dict[str, Any]:
    return {"keys": vectors.keys, "documents": vectors.documents, "wanted": tuple(wanted), "seed": seed,
            "folder": folder, "number": number}


class _Child:
    """One job of a child process, computed into a temporary folder; the child's standard output names each
    finished result with the job's number."""

    def __init__(self, process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory[str], number: int,
                 wanted: Sequence[str], owner: WarmChild | None = None) -> None:
        self.process = process
        self.folder = folder
        self.number = number
        self.wanted = set(wanted)
        self.owner = owner
        """The warm child this job runs in, or None for a child of its own."""
        self.finished: set[str] = set()
        self.ended = False

    @classmethod
    def start(cls, vectors: PaperVectors, wanted: Sequence[str], seed: int) -> _Child | None:
        """Start a child of its own for one job; None if it cannot start."""
        folder = tempfile.TemporaryDirectory(prefix="l2h-corpus-")
        job = {"path": [p for p in sys.path if p], **_job(vectors, wanted, seed, folder.name, 0)}
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
        return cls(process, folder, 0, wanted)

    @property
    def complete(self) -> bool:
        """Tell whether every result asked for has been written, or the child ended."""
        return self.ended or self.wanted <= self.finished

    def result(self, name: str) -> Any:
        """Wait until the child has written the result name, and read it; None if the child failed first."""
        stdout: IO[bytes] | None = self.process.stdout
        while name not in self.finished and not self.ended:
            line = stdout.readline() if stdout is not None and not stdout.closed else b""
            if not line:
                self.ended = True
                break
            number, _, finished = line.decode("ascii", "replace").strip().partition(" ")
            if number == str(self.number):  # a warm child's output may still name results of an abandoned job
                self.finished.add(finished)
        if name not in self.finished:
            return None
        try:
            return pickle.loads((Path(self.folder.name) / name).read_bytes())
        except Exception:  # noqa: BLE001 - an unreadable result is recomputed in-process
            return None

    def close(self) -> None:
        """Stop the work if it is unfinished (the warm child too: it would compute for nobody) and remove the files."""
        if self.owner is None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
        elif not self.complete and self.owner.current is self:
            self.owner.stop()
        self.folder.cleanup()


def _is_related(found: Any, keys: Sequence[str]) -> TypeGuard[Related]:
    return isinstance(found, dict) and len(found) == len(keys) and all(isinstance(v, tuple) for v in found.values())


def _is_map(found: Any, keys: Sequence[str]) -> TypeGuard[tuple[MapPoint, ...]]:
    return isinstance(found, tuple) and len(found) == len(keys) and all(isinstance(p, MapPoint) for p in found)


__all__ = ["CorpusWide", "WarmChild", "run_job", "run_jobs", "separate_by_default"]
