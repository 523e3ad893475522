"""Diagnostics: problems in a user's content, reported as values, never raised."""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in one file, with a concrete fix."""

    path: str
    """File the problem is in, relative to the site root, with forward slashes."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    column: int
    """1-based column number; 0 when unknown."""
    severity: Severity
    """`error` fails the build; `warning` fails it only with --strict; `note` never does."""
    code: str
    """Stable identifier of the kind of problem, documented in CONTRIBUTING.md."""
    message: str
    """What is wrong, naming the field and the bad value."""
    hint: str = ""
    """One concrete fix, in the contributor's words; empty when there is nothing to add."""
    related: tuple[str, ...] = ()
    """Other files the problem involves (e.g. the other copy of a duplicate paper), sorted."""


class L2hError(Exception):
    """An environment or usage failure that is not a problem in the content."""


class Terminated(KeyboardInterrupt):
    """SIGTERM came (a cancelled CI job, `kill`, `timeout`, a service manager): l2h stops as on Ctrl-C, tidying what
    it staged and leaving the previous site as it was (l2h serve: stopping the server cleanly)."""


class StoppedAfterWrite(KeyboardInterrupt):
    """Ctrl-C or SIGTERM came once the build had begun to put its new site in place: held back until every page was
    moved in (write.interrupts_held), it stops l2h with the new site written, which the message says."""

    def __init__(self, out_dir: Path, terminated: bool) -> None:
        super().__init__(str(out_dir))
        self.out_dir = out_dir
        self.terminated = terminated


def error(path: str, line: int, column: int, code: str, message: str, hint: str = "",
          related: tuple[str, ...] = ()) -> Diagnostic:
    """Make an error diagnostic."""
    return Diagnostic(path, line, column, "error", code, message, hint, related)


def warning(path: str, line: int, column: int, code: str, message: str, hint: str = "",
            related: tuple[str, ...] = ()) -> Diagnostic:
    """Make a warning diagnostic."""
    return Diagnostic(path, line, column, "warning", code, message, hint, related)


def note(path: str, line: int, column: int, code: str, message: str, hint: str = "",
         related: tuple[str, ...] = ()) -> Diagnostic:
    """Make a note: information that never fails a build."""
    return Diagnostic(path, line, column, "note", code, message, hint, related)


def strict_failure(diagnostics: Iterable[Diagnostic], strict: bool) -> str:
    """Say that --strict made warnings fail a build or check that has no errors, or ""."""
    severities = [d.severity for d in diagnostics]
    warnings = severities.count("warning")
    if not strict or not warnings or "error" in severities:
        return ""
    return f"--strict counts {'the warning as an error' if warnings == 1 else f'the {warnings:,} warnings as errors'}"


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, line and column, dropping exact repeats."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


def is_failure(diagnostics: Iterable[Diagnostic], strict: bool) -> bool:
    """Tell whether these diagnostics fail a build."""
    failing = {"error", "warning"} if strict else {"error"}
    return any(d.severity in failing for d in diagnostics)


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Characters that must not reach a terminal or a log as they are: control characters (an escape sequence
could clear the screen or forge a line) and invisible or bidirectional formatting characters (they would
hide or reorder the text they are in)."""


def visible(text: str) -> str:
    """Show the unsafe characters of untrusted text as escapes (\\x1b, \\u202e), so that a file name,
    field name or value quoted in a message prints as what it is."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                       else f"\\u{ord(m.group(0)):04x}", text)


def _location(d: Diagnostic) -> str:
    path = visible(d.path)
    if d.line and d.column:
        return f"{path}:{d.line}:{d.column}"
    if d.line:
        return f"{path}:{d.line}"
    return path


_COLOURS = {"error": "\033[1;31m", "warning": "\033[1;33m", "note": "\033[1;36m"}


def format_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> str:
    """Format diagnostics for people, one block per problem, and a count at the end."""
    lines = []
    for d in diagnostics:
        severity = f"{_COLOURS[d.severity]}{d.severity}\033[0m" if colour else d.severity
        lines.append(f"{_location(d)}: {severity}[{d.code}]: {visible(d.message)}")
        if d.hint:
            lines.append(f"  help: {visible(d.hint)}")
    if diagnostics:
        lines.append(summary_line(diagnostics))
    return "\n".join(lines) + ("\n" if lines else "")


def summary_line(diagnostics: Sequence[Diagnostic]) -> str:
    """Count errors and warnings in one line (only notes: count those)."""
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    if not errors and not warnings:
        return f"{len(diagnostics)} note(s), no errors or warnings"
    files = len({d.path for d in diagnostics if d.severity != "note"})
    plural = "s" if files != 1 else ""
    return f"{errors} error(s), {warnings} warning(s) in {files} file{plural}"


def relocate(diagnostics: Sequence[Diagnostic], prefix: str) -> list[Diagnostic]:
    """Put prefix (a folder, ending in /) before the relative path of each diagnostic and of the files it relates
    to: paths relative to the review's root become relative to a folder above it."""
    if not prefix:
        return list(diagnostics)

    def moved(path: str) -> str:
        return path if path.startswith("/") else prefix + path

    return [replace(d, path=moved(d.path), related=tuple(map(moved, d.related))) for d in diagnostics]


def folder_under(root: Path, base: Path | None) -> str:
    """Return the review's root as a folder path relative to base ('' if it is base, or not inside it)."""
    if base is None:
        return ""
    try:
        rel = root.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return ""
    return "" if rel == "." else rel + "/"


def and_other_pages(first: str, pages: int) -> str:
    """Name the first of the pages a fault was found on and count the rest: "a.html and 2 other pages"."""
    others = pages - 1
    return f"{first} and {others} other page{'s' if others > 1 else ''}" if others > 0 else first


def from_here(diagnostics: Sequence[Diagnostic], root: Path) -> list[Diagnostic]:
    """Show diagnostics' paths from the working folder when the review is inside it (`l2h check --root b1`
    prints b1/papers/…), else from the review's root, as they are made: how build, check and serve print them."""
    try:
        here: Path | None = Path.cwd()
    except OSError:  # the working folder was deleted
        here = None
    return relocate(diagnostics, folder_under(root, here))


def format_json(diagnostics: Sequence[Diagnostic], unchecked: int = 0) -> str:
    """Format diagnostics as the documented JSON shape (version 1); unchecked counts the papers not checked
    against the taxonomy, which has errors."""
    payload = {
        "version": 1,
        "errors": sum(d.severity == "error" for d in diagnostics),
        "warnings": sum(d.severity == "warning" for d in diagnostics),
        "unchecked": unchecked,
        "diagnostics": [{**asdict(d), "related": list(d.related)} for d in diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic], notices: Sequence[str] = ()) -> str:
    """Format diagnostics as GitHub Actions workflow commands, then notices about the whole check (no file)."""
    out = []
    for d in diagnostics:
        command = {"error": "error", "warning": "warning", "note": "notice"}[d.severity]
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props.append(f"line={d.line}")
        if d.column:
            props.append(f"col={d.column}")
        props.append(f"title={_escape_property(d.code)}")
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        out.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    out += [f"::notice title=l2h check::{_escape_data(text)}" for text in notices]
    return "\n".join(out) + ("\n" if out else "")


def format_markdown(diagnostics: Sequence[Diagnostic], notices: Sequence[str] = ()) -> str:
    """Format diagnostics as a markdown table, for a GitHub job summary, after notices about the whole check."""
    said = "".join(f"{visible(text)}\n\n" for text in notices)
    if not diagnostics:
        return f"### l2h check\n\n{said}No problems found.\n"

    def cell(text: str) -> str:
        return visible(text.replace("|", "\\|").replace("\n", " "))

    def prose(text: str) -> str:  # a user's value is shown as written: no markup of its own, no HTML
        text = html.escape(text, quote=False)
        return cell(re.sub(r"([\\`*_\[\]#~])", r"\\\1", text))

    def code(text: str) -> str:  # a code span that a backtick in the text cannot end (CommonMark: a longer fence)
        fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
        return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"

    rows = ["### l2h check", "", said + summary_line(diagnostics), "",
            "| location | severity | code | message | fix |", "|---|---|---|---|---|"]
    for d in diagnostics:
        rows.append(f"| {code(cell(_location(d)))} | {d.severity} | `{d.code}` | {prose(d.message)} | {prose(d.hint)} |")
    return "\n".join(rows) + "\n"


def wants_colour(stream: object) -> bool:
    """Tell whether a stream is a terminal that should get colour."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and stream is not None and stream in (sys.stdout, sys.stderr)
