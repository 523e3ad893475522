"""Show how far a build has got: one line on a terminal's stderr, redrawn in place.

The line appears only once a build has run for a moment (short builds print nothing but
their summary), is redrawn at most a few times a second, and is erased when the build ends.
It is off when stderr is not a terminal (CI logs stay clean) and with `--quiet`; the
environment variable L2H_PROGRESS=1 forces it on and L2H_PROGRESS=0 off.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

DELAY_SECONDS = 0.5
"""A build shorter than this shows no progress line at all."""
REDRAW_SECONDS = 0.1
"""Shortest time between two redraws of the line."""
BAR_WIDTH = 24
"""Characters of the bar itself."""
TICK_EVERY = 1000
"""Items of a loop that reports no progress of its own between two calls of its tick (Progress.advance(0): a step at
which l2h serve's rebuild can stop or be given up, serve.StopPoints), about 0.05 s at most."""


def ticking(items: Iterable[T], tick: Callable[[], None] | None) -> Iterator[T]:
    """The items, with tick (if given) called after every TICK_EVERY of them, before the next one."""
    for number, item in enumerate(items):
        if tick is not None and number % TICK_EVERY == TICK_EVERY - 1:
            tick()
        yield item


def wants_progress(stream: TextIO, quiet: bool = False) -> bool:
    """Tell whether a progress line should be drawn on stream: a terminal, not quiet, unless L2H_PROGRESS says."""
    forced = os.environ.get("L2H_PROGRESS", "").strip()
    if forced in ("0", "1"):
        return forced == "1" and not quiet
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class Progress:
    """Receives the stages and counts of a build; draws them when enabled, else does nothing."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = False, delay: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.delay = DELAY_SECONDS if delay is None else delay
        self.started = time.monotonic()
        self.name = ""
        self.done = 0
        self.total = 0
        self._drawn_at = 0.0
        self._shown = False

    def stage(self, name: str, total: int = 0, done: int = 0) -> None:
        """Start a stage of total items (0: a stage without a count), done of them already done."""
        self.name, self.done, self.total = name, done, total
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """Count items of the current stage as done."""
        self.done += count
        self._draw(force=False)

    def finish(self) -> None:
        """Erase the line, if one was drawn."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def line(self) -> str:
        """Return the text of the progress line for the current stage."""
        if self.total <= 0:
            return f"l2h: {self.name}…"
        done = min(self.done, self.total)
        filled = BAR_WIDTH * done // self.total
        return f"l2h: {self.name:<16} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done:,}/{self.total:,}"

    def _draw(self, force: bool) -> None:
        if not self.enabled or not self.name:  # nothing to show before the first stage (the fingerprint ticks)
            return
        now = time.monotonic()
        if now - self.started < self.delay or (not force and now - self._drawn_at < REDRAW_SECONDS):
            return
        self._drawn_at = now
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()
        self._shown = True


QUIET = Progress(enabled=False)
"""A progress that shows nothing: the default of every stage."""
