"""The `l2h` command's entry point: what runs before the command's modules are loaded.

Loading them (jinja2, markdown, yaml, the build's modules) takes a few tenths of a second; a Ctrl-C then, or as the
command line is read, came as a KeyboardInterrupt traceback. It is l2h's "interrupted" and exit code 130 instead, as
once the command runs (cli._run); a SIGTERM then, which ended l2h without a word, is "stopped by SIGTERM" and 143.
What Python does before any of l2h's code (its own start-up) is not l2h's to catch.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType


class _Stopped(Exception):
    """SIGTERM came before the command's own handling of it was set (cli._stopped_by_sigterm), or after it."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


def main(argv: Sequence[str] | None = None) -> int:
    """Load the command line's module and run it; return the exit code."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # by default SIGTERM ends Python without a word; one
        signal.signal(signal.SIGTERM, _stop)  # ignored by whoever started l2h stays ignored
    try:
        from l2h_site.cli import main as run

        return run(argv)
    except KeyboardInterrupt:  # cli's own except clauses catch it once a command runs; this is before or after them
        print("l2h: interrupted", file=sys.stderr)
        return 130
    except _Stopped:
        print("l2h: stopped by SIGTERM", file=sys.stderr)
        return 143
