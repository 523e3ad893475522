"""Spread independent per-paper work over every core for large reviews.

Small reviews stay in one process: starting workers costs more than it saves. Large ones
fork a pool of workers that inherit the work in memory (nothing but indices and results
crosses the pipes), so any callable works, closures included. Results come back in input
order, so a parallel build writes the same bytes as a serial one.

Forking is used only where it is safe: on platforms that have it, and when the calling
process runs a single thread (the dev server rebuilds from a watcher thread, serially).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from l2h_site.diagnostics import L2hError
from l2h_site.memory import release_freed_memory

T = TypeVar("T")
R = TypeVar("R")

THRESHOLD = 1500
"""Fewest items worth a worker pool; override with the environment variable L2H_PARALLEL_THRESHOLD."""

CHUNK_LIMIT = 250
"""Most items a worker handles per task: results come back (and can be written away) in pieces this small."""

ROUND_CHUNKS = 2
"""Chunks a worker handles before it is replaced by a fresh one, forked again from the build process. At 20,000
papers the two page workers grew to 170 MB each in one pool; forked afresh every 8 chunks they reached 140 MB,
every 4 chunks about 125 MB (each new pair costs two forks and a moment of one idle core). Every 2 chunks, the
first build after an upgrade of l2h (which renders every page into the existing site) peaks at 379 MB, all
processes together, instead of about 400 MB."""

_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The work of the current pool, inherited by its forked workers."""
_IN_WORKER = False
_RESERVED = 0
"""Cores left to other processes of this build for now (see reserve_cores)."""


def job_count() -> int:
    """Number of worker processes to use: L2H_JOBS if set, else the cores this process may run on, less those
    reserved for other processes of the build (reserve_cores)."""
    configured = os.environ.get("L2H_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return max(1, int(configured) - _RESERVED)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - _RESERVED)


@contextmanager
def reserve_cores(count: int) -> Iterator[None]:
    """Leave `count` cores to another busy process of the build (the child computing related papers) while the
    block runs: a pool gets that many workers fewer, and with fewer than two left the work is done in this
    process. More workers than free cores would not finish sooner, and each holds its own memory."""
    global _RESERVED
    _RESERVED += count
    try:
        yield
    finally:
        _RESERVED -= count


def threshold() -> int:
    """Fewest items for which a pool is used."""
    configured = os.environ.get("L2H_PARALLEL_THRESHOLD", "").strip()
    return int(configured) if configured.isdigit() else THRESHOLD


def in_worker() -> bool:
    """Tell whether this process is one of a pool's workers."""
    return _IN_WORKER


def is_parallel(count: int) -> bool:
    """Tell whether count items would be processed by a worker pool."""
    return (count >= max(threshold(), 2) and job_count() > 1 and not _IN_WORKER
            and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1)


_INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C and SIGTERM reach every process of a group (a terminal's, a service's, a CI job's): a worker ignores
    both, so that only the build process stops, and stops its pool, which ends the workers with SIGKILL (_Worker).

    A worker that handled SIGTERM as the build process does (inherited) ended amid its items, whose results the pool
    then waited for without end. One ended by it as by default could die waiting for its next task, holding the
    lock of the pool's task queue, which the build process then waited for without end as it stopped the pool (its
    terminate() takes that lock first): `l2h build` hung on a SIGTERM sent to its group while one worker had
    finished its tasks and the other had not. One that came while the signals were held back (_pool) is dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _INTERRUPTS)


WORKER_CHECK_SECONDS = 0.5
"""How often the build process, waiting for a pool's results, looks whether one of its workers has ended."""
STOP_AFTER_AN_ENDED_WORKER_SECONDS = 2.0
"""Longest the build process waits for a pool to stop after one of its workers ended amid its work."""
_WORKERS: list[Any] = []
"""The workers the running pool has started (_Worker): those it replaced too, for an ended worker is replaced."""


if sys.platform != "win32":  # where fork is, and a pool is used (is_parallel)
    class _Worker(multiprocessing.context.ForkProcess):
        """A pool's worker, ended with SIGKILL: Pool.terminate() sends SIGTERM, which the worker ignores; each one
        started is listed in _WORKERS."""

        def start(self) -> None:
            super().start()
            _WORKERS.append(self)

        def terminate(self) -> None:
            self.kill()

    class _Forking(multiprocessing.context.ForkContext):
        """The fork context, whose pools' workers are _Workers."""

        Process = _Worker


@contextmanager
def _pool(jobs: int) -> Iterator[Any]:
    """A pool of jobs forked workers, terminated when the block ends.

    Ctrl-C and SIGTERM are held back until it is made: their exception, raised in Pool() once its threads ran, left a
    pool that nobody terminated, whose thread forked new workers as the others ended (at exit: workers left running,
    holding the pipes of the terminal or CI job, or l2h hanging). Its threads and workers start with them held back
    too: those threads never take them from the thread that runs the pool, and a worker lets them in once it is set.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    _WORKERS.clear()
    try:
        with _Forking().Pool(jobs, initializer=_leave_interrupts_to_the_parent) as pool:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # one that came meanwhile is raised here, in the block
            try:
                yield pool
            finally:  # however the block ends, after the last result too: a worker killed once its tasks were
                # done may hold a lock as well
                if _ended() is not None:
                    _stop_after_a_worker_ended(pool)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        # Any worker still running: one started as a stop was cut short (a second Ctrl-C) or given up on. Workers
        # ignore SIGTERM, which is all Python's exit sends its children before it waits for them.
        for worker in _WORKERS:
            if worker.exitcode is None:
                worker.kill()
        _WORKERS.clear()


def _ended() -> int | None:
    """The exit code of a worker of the running pool that has ended (None: none has); none ends before the pool is
    stopped, unless it is killed or crashes."""
    return next((code for code in (worker.exitcode for worker in _WORKERS) if code is not None), None)


def _stop_after_a_worker_ended(pool: Any) -> None:
    """Stop a pool one of whose workers ended before it was stopped: every other worker is killed, and the pool
    stopped in a thread, waited for STOP_AFTER_AN_ENDED_WORKER_SECONDS at most. The worker may have ended holding a
    lock of the pool's queues (the tasks' as it waited for a task, the results' as it sent some), which
    Pool.terminate() takes, and waits for, without end: also when every result had come (a worker killed once its
    tasks were done), and the build goes on. Given up on, the thread is left waiting; the workers are all killed by
    then."""
    for worker in _WORKERS:
        if worker.exitcode is None:
            worker.kill()
    stopping = threading.Thread(target=pool.terminate, name="l2h-pool-stop", daemon=True)
    stopping.start()
    stopping.join(STOP_AFTER_AN_ENDED_WORKER_SECONDS)


def _results(pool: Any, chunks: list[tuple[int, int]]) -> Iterator[list[Any]]:
    """The results of the chunks, in order, from the pool's workers; an L2hError if a worker ends meanwhile.

    A worker killed amid its work (by the kernel when memory runs out, by a signal sent to it alone) takes its
    chunk with it, and the pool starts another worker and waits for that chunk's results without end: the build
    hung. The workers' exit codes are looked at every WORKER_CHECK_SECONDS while the results are awaited (_ended)."""
    results = pool.imap(_run_chunk, chunks, chunksize=1)
    while True:
        try:
            yield results.next(WORKER_CHECK_SECONDS)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            if (ended := _ended()) is not None:
                raise L2hError(_ended_worker(ended)) from None


def ended_how(exitcode: int) -> str:
    """Say how a process ended with this exit code (negative: the signal that ended it), as "was killed by SIGKILL
    (…)" or "ended with exit code 3"."""
    if exitcode >= 0:
        return f"ended with exit code {exitcode}"
    try:
        how = f"was killed by {signal.Signals(-exitcode).name}"
    except ValueError:
        how = f"was killed by signal {-exitcode}"
    return how + (" (the system ends a process so when memory runs out)" if -exitcode == signal.SIGKILL else "")


def _ended_worker(exitcode: int) -> str:
    """Say that a worker ended with this exit code (see ended_how) and what to do."""
    return (f"a worker process {ended_how(exitcode)} amid its work, which was lost: l2h stopped, and left the previous site as it "
            "was. Run it again; if memory is short, with fewer workers (environment variable L2H_JOBS=1: all in one "
            "process)")


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    global _IN_WORKER
    _IN_WORKER = True
    assert _TASK is not None
    func, items = _TASK
    return [func(items[i]) for i in range(*bounds)]


def iter_ordered(func: Callable[[T], R], items: Sequence[T], work: int | None = None,
                 prepare: Callable[[], object] | None = None) -> Iterator[R]:
    """Apply func to every item and yield the results in order as they come, in parallel for many items.

    Results are yielded while the workers go on, so a caller can write each one away instead
    of holding all of them. `work` counts the items' work in the units of the threshold (a
    page listing 1,000 papers is 1,000 of them) where it is not one unit an item. prepare, if given, is called
    once before the first worker is forked, for what func would otherwise do first in every worker (import a
    library, say: fresh workers are forked every ROUND_CHUNKS chunks each).
    """
    global _TASK
    if len(items) < 2 or not is_parallel(len(items) if work is None else work):
        for item in items:
            yield func(item)
        return
    if prepare is not None:
        prepare()
    jobs = job_count()
    size = max(1, -(-len(items) // (jobs * 4)))  # a few chunks per worker evens out slow ones
    size = min(size, CHUNK_LIMIT)
    chunks = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _TASK = (func, items)
    gc.freeze()  # the workers' collections then leave the inherited objects alone, and their pages shared
    try:
        # A worker's memory grows as it touches the objects it inherited (each page it touches becomes its own
        # copy): fresh workers are forked for every ROUND_CHUNKS chunks each.
        step = jobs * ROUND_CHUNKS
        for first in range(0, len(chunks), step):
            # What the build process freed is handed back before the fork: still mapped, those pages would be shared
            # with the workers, and copied for whichever process allocates in them first (see ROUND_CHUNKS).
            release_freed_memory()
            with _pool(jobs) as pool:
                for chunk in _results(pool, chunks[first:first + step]):
                    yield from chunk
    finally:
        _TASK = None
        gc.unfreeze()


def map_ordered(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """Apply func to every item and return the results in order, in parallel for many items."""
    return list(iter_ordered(func, items))
