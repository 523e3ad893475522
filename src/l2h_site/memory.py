"""Give memory freed by a finished build stage back to the operating system.

CPython returns freed objects to the C allocator, and glibc's allocator keeps freed space
in its heap for later use instead of handing it back, so a stage's temporaries (the parse
results, the TF-IDF matrices) would stay in the process's resident memory until it exits.
Asking glibc to trim after such a stage lowers the build's peak (about 80 MB of 20,000
papers, measured in benchmarks/stages.py). Elsewhere than on glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache
from typing import Any


@cache
def _libc() -> Any | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_freed_memory() -> None:
    """Return the allocator's free memory to the system (glibc's malloc_trim), if it can."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def set_aside_what_lasts() -> None:
    """Collect the garbage now, then leave every object alive out of later collections (gc.freeze), until the next call.

    For a process that builds again and again (l2h serve): what lasts between its builds (the memos, the cache, the
    last build's context: hundreds of thousands of objects at 5,000 papers) was traversed by every full collection
    during each build, 3-4 of them, 0.26-0.40 s of a rebuild's CPU. Called after a build, once the browsers were
    told to reload, the collection here is no longer in a rebuild's way; what a build lets go of in cycles is
    collected at the next call.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
