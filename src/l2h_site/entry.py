"""The `l2h` command's entry point: what runs before the command's modules are loaded.

Loading them (jinja2, markdown, yaml, the build's modules) takes a few tenths of a second; a Ctrl-C then, or as the
command line is read, came as a KeyboardInterrupt traceback. It is l2h's "interrupted" and exit code 130 instead, as
once the command runs (cli._run). What Python does before any of l2h's code (its own start-up) is not l2h's to catch.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Load the command line's module and run it; return the exit code."""
    try:
        from l2h_site.cli import main as run

        return run(argv)
    except KeyboardInterrupt:  # cli's own except clauses catch it once a command runs; this is before or after them
        print("l2h: interrupted", file=sys.stderr)
        return 130
