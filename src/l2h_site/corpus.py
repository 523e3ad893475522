"""Related papers and the topic map, the two computations over the whole review, beside the rest of the build.

Both read the papers' TF-IDF matrix (vectors.py) through scikit-learn and SciPy, which take a second
to import, and the topic map's t-SNE takes another second or more. On a machine with more than one
core they run in a separate Python process, started before the summaries are rendered, and a build
without a worker pool waits for each result only where a page needs it (render.render_site): related
papers before the paper pages, the topic map after them. A small review thereby builds in about a
third less time, and in a large one the build process never loads scikit-learn and SciPy (about
100 MB), nor keeps the memory the matrices fragmented, and every page worker forked from it is that
much smaller.

The child gets the papers' keys and documents, writes each result to a file of its own as soon as
it has it, tells the build on its standard output, and exits (a one-off build's child) or waits for
the next job (l2h serve's, WarmChild). It runs the same functions as the in-process path, so the
results are the same bytes (tests/test_corpus.py, tests/test_parallel.py). If the child cannot start
or fails, the work is done in-process. A process that has scikit-learn loaded already (a test run)
computes a small review in-process: the import is what a child would save.
"""

from __future__ import annotations

import importlib
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, TypeGuard

from l2h_site.cache import BuildCache
from l2h_site.memory import release_freed_memory
from l2h_site.model import Paper
from l2h_site.parallel import in_worker, job_count, threshold
from l2h_site.related import related_papers, shared_keys, store_related, stored_related
from l2h_site.stats import MapPoint, compute_topic_map, landmark_rows, store_topic_map, stored_topic_map
from l2h_site.vectors import Analyses, PaperVectors

Related = dict[str, tuple[str, ...]]
"""Each paper's related paper keys."""
RESULTS = ("related", "map")
"""The child's results, in the order it computes them (related papers are needed first)."""

_CHILD = ("import pickle, sys; sys.path[:0] = pickle.load(sys.stdin.buffer); first = pickle.load(sys.stdin.buffer); "
          "out, sys.stdout = sys.stdout.buffer, sys.stderr; "
          "from l2h_site.corpus import child_main; child_main(first, sys.stdin.buffer, out)")
"""The child's program: read the first message before importing anything slow, so that the parent's write never
waits; anything a library prints goes to stderr, so that standard output carries only the names of finished
results."""
STOP_READ_SECONDS = 5.0
"""Longest that stop() waits for the thread reading a killed child's output to end (at once, normally)."""
PRELOAD = "preload"
"""A first message that asks the child to import scikit-learn before its first job comes."""
_PRELOADED = ("sklearn.feature_extraction.text", "sklearn.decomposition", "sklearn.manifold")
TICK_SECONDS = 0.05
"""How often a wait for the child's result calls its tick (CorpusWide's: a step at which l2h serve's rebuild can stop
or be given up)."""


def child_main(first: Any, jobs: IO[bytes], out: IO[bytes]) -> None:
    """The child: run the jobs read from jobs, the first being `first`; if that is PRELOAD, import scikit-learn
    (in a thread, so that reading the job, which may be megabytes, never makes the parent wait) until it comes."""
    if first == PRELOAD:
        loading = threading.Thread(target=lambda: [importlib.import_module(name) for name in _PRELOADED], daemon=True)
        loading.start()
        try:
            first = pickle.load(jobs)
        except EOFError:  # the build needed no job (its checks failed, say)
            return
        loading.join()
    run_jobs(first, jobs, out)


def run_job(job: dict[str, Any], out: IO[bytes], analyses: Analyses | None = None) -> None:
    """Compute the results a job asks for, in RESULTS order; write each to its file, then the job's number and
    the result's name to out. analyses: the words of the documents of the job before (a warm child's)."""
    vectors = PaperVectors.from_documents(job["keys"], job.pop("documents"), analyses)
    # The documents (25 MB at 20,000 papers) are let go once the matrix is made, before related papers are computed:
    # an edit build at 20,000 papers reached its peak memory then; the topic map reads only its landmarks' own.
    vectors.keep_only_the_matrix(landmark_rows(vectors.keys) if "map" in job["wanted"] else ())
    release_freed_memory()
    folder = Path(job["folder"])
    for name in RESULTS:
        if name in job["wanted"]:
            value = (related_papers((), vectors=vectors) if name == "related" else
                     compute_topic_map(vectors, job["seed"], BuildCache(Path(job["cache"])) if job.get("cache") else None))
            partial = folder / f"{name}.partial"
            partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(folder / name)
            out.write(f"{job['number']} {name}\n".encode())
            out.flush()
            del value
            release_freed_memory()


def run_jobs(job: dict[str, Any], jobs: IO[bytes], out: IO[bytes]) -> None:
    """Run job, then each job read from jobs until their end (the child's loop: a one-off build's child gets one).
    A warm child's job (see WarmChild) keeps the words of its documents for the next one."""
    analyses = Analyses() if job.get("warm") else None
    while True:
        run_job(job, out, analyses)
        if analyses is not None:
            analyses.next_job()
        del job
        release_freed_memory()
        try:
            job = pickle.load(jobs)
        except EOFError:
            return


class WarmChild:
    """A child process that runs jobs one after another, with scikit-learn loaded after the first.

    l2h serve keeps one up between rebuilds, so that a rebuild does not import scikit-learn again; a
    one-off build's child (one_job=True) gets a single job, after which it exits. A job nobody waits for
    any more (that of a rebuild given up) is finished before the next is sent; a child that died makes the next
    job start a new child. stop() ends it.
    """

    def __init__(self, one_job: bool = False) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.lines: queue.Queue[bytes] | None = None
        """The lines of a warm child's standard output, as a thread of their own reads them (b"" at its end): a wait
        for a result can then do something else every TICK_SECONDS. None for a one-off build's child: a second thread
        would keep that build from forking a pool of workers (parallel.is_parallel)."""
        self._reader: threading.Thread | None = None
        self.jobs = 0
        self.current: _Job | None = None
        self.one_job = one_job
        """Whether the child exits after its first job (a one-off build's)."""

    def preload(self) -> None:
        """Start the child now and have it import scikit-learn until its job comes: a cold build knows it will need
        it before it has checked the papers its job is made from (1-2 s at 5,000 papers)."""
        try:
            self._send(PRELOAD)
        except OSError:
            self.stop()

    def _send(self, message: Any, last: bool = False) -> subprocess.Popen[bytes]:
        """Send the child a message, starting it (and giving it this process's import path) if none runs; with last,
        close its input after it."""
        if self.process is None:
            self.process = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if not self.one_job:
                self.lines = queue.Queue()
                self._reader = threading.Thread(target=_read_lines, args=(self.process.stdout, self.lines),
                                                name="l2h-corpus-child", daemon=True)
                self._reader.start()
            assert self.process.stdin is not None
            pickle.dump([p for p in sys.path if p], self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.process.stdin is not None
        pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()
        if last:
            self.process.stdin.close()
        return self.process

    def submit(self, vectors: PaperVectors, wanted: Sequence[str], seed: int, cache: BuildCache | None = None,
               ) -> _Job | None:
        """Send the child a job (starting the child if none runs); None if no child can run it. The child reads and
        keeps results in the cache, if given, where they are its own (the topic map's t-SNE)."""
        earlier = self.current
        if earlier is not None and not earlier.complete:
            # Busy with a job nobody waits for (that of a rebuild l2h serve gave up for a newer change, say): its
            # end comes sooner than a fresh child's, which would import scikit-learn and analyse every document
            # anew (at 5,000 papers 0.4-0.7 s left at most, against 2-3 s). Unless stop() is called meanwhile.
            process = self.process
            earlier.finish()
            if self.process is not process:
                return None
        if earlier is not None:
            earlier.folder.cleanup()
        if self.process is not None and self.process.poll() is not None:
            self.stop()  # it died
        self.jobs += 1
        folder = tempfile.TemporaryDirectory(prefix="l2h-corpus-")
        job = {"keys": vectors.keys, "documents": vectors.documents, "wanted": tuple(wanted), "seed": seed,
               "folder": folder.name, "number": self.jobs, "warm": not self.one_job,
               "cache": str(cache.folder.parent) if cache is not None and cache.folder is not None else None}
        try:
            process = self._send(job, last=self.one_job)
        except OSError:  # no interpreter to start, or the child died: compute in-process, a new child next time
            folder.cleanup()
            self.stop()
            return None
        self.current = _Job(self, process, self.lines, folder, self.jobs, wanted, self.one_job)
        return self.current

    def stop(self) -> None:
        """Stop the child, at once: a thread waiting for its result (_Job.result) gets none."""
        process, self.process, self.current = self.process, None, None
        reader, self._reader = self._reader, None
        if process is not None:
            if process.poll() is None:
                # Killed before its pipes are closed: closing the pipe a thread reads from (or writes to) waits until
                # that read returns, which was when the child had finished its result (the topic map: seconds).
                process.kill()
            if reader is not None:
                reader.join(STOP_READ_SECONDS)  # its read ends with the child
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:  # what was left to send to the child that is gone
                        pass
            process.wait()


def separate_by_default(count: int) -> bool:
    """Tell whether the work for count papers goes to a child process when the caller does not say."""
    if count < 2 or job_count() < 2 or in_worker():
        return False  # fewer than two papers: nothing to compute, scikit-learn is not even loaded
    return count >= threshold() or "sklearn" not in sys.modules


class CorpusWide:
    """Related papers and the topic map of a review, computed beside the rest of the build.

    Creating one starts the work (in a child process on a machine with more than one core, or in the warm
    child given); related() and topic_map() each wait for their result. Each result the cache has for exactly these papers'
    documents is taken from it; with both there, no work is started and scikit-learn is not loaded at all.
    """

    def __init__(self, papers: Sequence[Paper], cache: BuildCache | None = None, seed: int = 0,
                 separate: bool | None = None, warm: WarmChild | None = None,
                 tick: Callable[[], None] | None = None) -> None:
        self.vectors = PaperVectors(papers)
        self.cache = cache
        self.seed = seed
        self.tick = tick
        """Called every TICK_SECONDS while a result is waited for (a build's progress.advance(0), say)."""
        self._related = stored_related(self.vectors, cache)
        self._map = stored_topic_map(self.vectors, seed, cache)
        self._child: _Job | None = None
        wanted = [name for name, have in zip(RESULTS, (self._related, self._map)) if have is None]
        if wanted and warm is not None and separate is not False and not in_worker():
            self._child = warm.submit(self.vectors, wanted, seed, cache)
        elif wanted and (separate if separate is not None else separate_by_default(len(self.vectors.keys))):
            self._child = WarmChild(one_job=True).submit(self.vectors, wanted, seed, cache)
        if self._child is not None:
            self.vectors.forget_documents()  # the child has them

    @property
    def computing(self) -> bool:
        """Tell whether a child process is working on a result not received yet (it keeps a core busy)."""
        return self._child is not None and (self._related is None or self._map is None)

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
            found = self._child.result("related", self.tick) if self._child is not None else None
            if _is_related(found, self.vectors.keys):
                found = shared_keys(found, self.vectors.keys)
            else:
                found = related_papers((), vectors=self.vectors)
                release_freed_memory()  # the score blocks, computed in this process
            store_related(self.vectors, self.cache, found)
            self._related = found
            self._done()
        return self._related

    def topic_map(self) -> tuple[MapPoint, ...]:
        """Wait for the topic map: every paper placed on a plane, in key order."""
        if self._map is None:
            found = self._child.result("map", self.tick) if self._child is not None else None
            if not _is_map(found, self.vectors.keys):
                found = compute_topic_map(self.vectors, self.seed, self.cache)
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


class _Job:
    """One job of a child process, computed into a temporary folder; the child's standard output names each
    finished result with the job's number."""

    def __init__(self, owner: WarmChild, process: subprocess.Popen[bytes], lines: queue.Queue[bytes] | None,
                 folder: tempfile.TemporaryDirectory[str], number: int, wanted: Sequence[str], last: bool) -> None:
        self.owner = owner
        self.process = process
        self.lines = lines
        self.folder = folder
        self.number = number
        self.wanted = set(wanted)
        self.last = last
        """Whether the child gets no job after this one (a one-off build's child)."""
        self.finished: set[str] = set()
        self.ended = False

    @property
    def complete(self) -> bool:
        """Tell whether every result asked for has been written, or the child ended."""
        return self.ended or self.wanted <= self.finished

    def result(self, name: str, tick: Callable[[], None] | None = None) -> Any:
        """Wait until the child has written the result name, and read it; None if the child failed first. tick:
        called every TICK_SECONDS meanwhile (what it raises ends the wait, and the job goes on without a reader), if
        the child is a warm one (WarmChild.lines)."""
        self._read_until(lambda: name in self.finished, tick)
        if name not in self.finished:
            return None
        try:
            return pickle.loads((Path(self.folder.name) / name).read_bytes())
        except Exception:  # noqa: BLE001 - an unreadable result is recomputed in-process
            return None

    def finish(self) -> None:
        """Wait until the child has written every result asked for, or ended."""
        self._read_until(lambda: self.complete)

    def _read_until(self, done: Callable[[], bool], tick: Callable[[], None] | None = None) -> None:
        stdout: IO[bytes] | None = self.process.stdout
        while not done() and not self.ended:
            if self.lines is None:
                line = stdout.readline() if stdout is not None and not stdout.closed else b""
            else:
                try:
                    line = self.lines.get(timeout=TICK_SECONDS if tick is not None else None)
                except queue.Empty:
                    if tick is not None:
                        tick()
                    continue
                if not line:
                    self.lines.put(line)  # the end, for whoever reads next
            if not line:
                self.ended = True
                break
            number, _, finished = line.decode("ascii", "replace").strip().partition(" ")
            if number == str(self.number):  # a warm child's output may still name results of an abandoned job
                self.finished.add(finished)

    def close(self) -> None:
        """Remove the job's files, and stop the child if it has no more to do (it would compute for nobody)."""
        if self.owner.current is self and (self.last or not self.complete):
            self.owner.stop()
        self.folder.cleanup()


def _read_lines(stdout: IO[bytes] | None, lines: queue.Queue[bytes]) -> None:
    """Put each line of the child's standard output on lines, then b"" (its end, or a read that failed)."""
    try:
        if stdout is not None:
            for line in iter(stdout.readline, b""):
                lines.put(line)
    except (OSError, ValueError):  # closed: the child was stopped
        pass
    lines.put(b"")


def _is_related(found: Any, keys: Sequence[str]) -> TypeGuard[Related]:
    return isinstance(found, dict) and found.keys() == set(keys) and all(isinstance(v, tuple) for v in found.values())


def _is_map(found: Any, keys: Sequence[str]) -> TypeGuard[tuple[MapPoint, ...]]:
    return isinstance(found, tuple) and len(found) == len(keys) and all(isinstance(p, MapPoint) for p in found)


__all__ = ["CorpusWide", "WarmChild", "child_main", "run_job", "run_jobs", "separate_by_default"]
