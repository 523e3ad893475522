"""The `l2h` command: parse arguments, call one function, map the result to an exit code.

Exit codes: 0 ok, 1 content problems, 2 usage or environment errors; 130 after Ctrl-C, 141 when the reader of the
output went, 143 after SIGTERM.
"""

from __future__ import annotations

import _thread
import argparse
import difflib
import os
import re
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO

from l2h_site import __version__, importer, new, schema
from l2h_site.build import BuildResult, CheckResult, build, check_with_cache
from l2h_site.config import load_config
from l2h_site.diagnostics import (
    Diagnostic,
    L2hError,
    StoppedAfterWrite,
    Terminated,
    folder_under,
    format_github,
    format_json,
    format_markdown,
    format_text,
    from_here,
    is_failure,
    relocate,
    strict_failure,
    wants_colour,
)
from l2h_site.progress import Progress, wants_progress
from l2h_site.scope import paths_filter, scope_diagnostics
from l2h_site.textutil import pages_and_papers
from l2h_site.vcs import git_toplevel

# Contributor tools: each module declares its options (add_arguments) and runs them (run).
TOOLS = {"new": new, "import": importer, "schema": schema}

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

EXIT_CODES = ("exit codes: 0 success, 1 problems in the content, 2 usage or environment errors, 130 interrupted, "
              "141 what reads the output stopped reading it, 143 stopped by SIGTERM")

SERVE_EXIT_CODES = EXIT_CODES.replace(", 130 interrupted, 141 what reads the output stopped reading it, "
                                      "143 stopped by SIGTERM", "; Ctrl-C or SIGTERM stops the server with 0")

_HERE = Path(".")
"""The default of --root: the object itself, so that main can tell it from a --root given."""

_REVIEW_MARKS = ("l2h.yml", "taxonomy.yml", "papers")
"""What a review's folder holds (one of them at least): l2h.yml, its taxonomy or its papers folder."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a "did you mean" for a mistyped command or option (argparse has one from Python 3.14)."""

    words: Sequence[str] = ()
    """The command line being parsed."""

    def error(self, message: str) -> NoReturn:
        wrong = re.match(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if wrong:
            argument, given, listed = wrong.groups()
            choices = re.findall(r"'([^']*)'", listed) or [c.strip() for c in listed.split(",")]
            message = (f"unknown command '{given}'; the commands are {', '.join(choices)}" if argument == "COMMAND" else
                       f"argument {argument}: '{given}' is not one of {', '.join(choices)}")  # --format xml
            words = list(self.words)
            if argument == "COMMAND" and given in words and words.index(given) > 0 and words[words.index(given) - 1] == "--root":
                message = f"no command: give one with --root {given}, e.g. l2h build --root {given}"  # `l2h --root DIR`
            else:
                message += _did_you_mean(given, choices)
        unknown = re.match(r"unrecognized arguments: (.*)$", message)
        if unknown:
            commands = {name: p for a in self._actions if isinstance(a, argparse._SubParsersAction)
                        for name, p in a.choices.items()}
            words = list(self.words)
            at = next((i for i, word in enumerate(words) if word in commands), None)  # the command given, if any
            first = unknown.group(1).split()[0]
            used = commands[words[at]] if at is not None and (first not in words or words.index(first) > at) else None
            # an option after the command is the command's ("l2h build --x"); before it, l2h's; no command: any
            parsers = [self, used] if used else [self] if at is not None else [self, *commands.values()]
            options = sorted({o for parser in parsers for action in parser._actions for o in action.option_strings})
            message += _did_you_mean(first.split("=")[0], options) if first.startswith("-") else ""
            if used:  # the command's usage ("usage: l2h build ..."), not l2h's
                used.print_usage(sys.stderr)
                self.exit(2, f"{used.prog}: error: {message}\n")
        super().error(message)


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    close.sort(key=lambda c: sorted(c) != sorted(word))  # stable: two letters swapped wins a tie (--prot: --port)
    return f"; did you mean '{close[0]}'?" if close else ""


def _port(text: str) -> int:
    """Read a TCP port number, 0-65535 (0 picks a free one); argparse makes the error a usage error (exit 2)."""
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number: give one from 0 to 65535")
    return int(text)


def _parser() -> _Parser:
    parser = _Parser(prog="l2h", description="Build and check a living literature review.", epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"l2h {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--root", type=Path, default=_HERE, help="folder of the review (default: .)")
        p.add_argument("--config", type=Path, default=None,
                       help="config file (default: ROOT/l2h.yml); the review is the folder that holds it")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p_build = sub.add_parser("build", help="check the papers and write the site", epilog=EXIT_CODES,
                             description="Check the papers, taxonomy, l2h.yml and templates, then write the site "
                                         "(nothing is written if anything has an error).")
    common(p_build)
    p_build.add_argument("--out", type=Path, default=None,
                         help="output folder (default: output_dir in l2h.yml, else _site)")
    p_build.add_argument("-q", "--quiet", action="store_true",
                         help="print only problems (no progress bar, no summary)")
    p_build.add_argument("--no-cache", action="store_true",
                         help="ignore and do not update the build cache in .l2h-cache/")
    p_build.add_argument("--check-links", action="store_true",
                         help="fail the build if an internal link or #anchor points at nothing")

    p_check = sub.add_parser("check", help="validate papers and taxonomy without building", epilog=EXIT_CODES,
                             description="Check the papers, taxonomy, l2h.yml and templates as l2h build does, "
                                         "without building; with paths, report on those files.")
    common(p_check)
    p_check.add_argument("paths", nargs="*", type=Path, help="only report on these files")
    p_check.add_argument("--format", choices=("text", "json", "github"), default="text",
                         help="text for people (default), json for tools, github for annotations in a GitHub Actions log")

    p_serve = sub.add_parser("serve", help="build, serve on this machine and rebuild on change", epilog=SERVE_EXIT_CODES,
                             description="Build the site into .l2h-cache/serve (or --out), serve it on this "
                                         "machine, rebuild and reload the browser on change; Ctrl-C stops it.")
    common(p_serve)
    p_serve.add_argument("--out", type=Path, default=None,
                         help="output folder (default: .l2h-cache/serve, so that _site stays as l2h build wrote it)")
    p_serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p_serve.add_argument("--port", type=_port, default=8000, help="port to listen on, 0-65535; 0 picks a free one (default: 8000)")
    p_serve.add_argument("--allow-remote", action="store_true", help="allow a --host other machines can reach")
    p_serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    p_serve.add_argument("--poll", action="store_true",
                         help="look at the files for changes instead of being told by the operating system "
                              "(for network drives and shared folders of virtual machines or containers)")

    for name, module in TOOLS.items():
        p_tool = sub.add_parser(name, help=module.HELP, description=module.HELP, epilog=EXIT_CODES)
        p_tool.add_argument("--root", type=Path, default=_HERE, help="folder of the review (default: .)")
        module.add_arguments(p_tool)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    parser.words = _root_after_command(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(parser.words)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        with _stopped_by_sigterm():
            code = _run(parser, args)
            sys.stdout.flush()  # a reader gone is found here, not by Python's last flush (a traceback, exit code 120)
            # A write cut short as the reader went (a report longer than the pipe holds, `| head -1`) raises nothing
            # in Python: the rest is dropped unsaid. The pipe tells.
            return _output_closed() if _reader_gone(sys.stdout) else code
    except Terminated:  # came as the handler was set or set back, outside _run's own except clauses
        return _stopped()
    except BrokenPipeError:
        if not any(map(_reader_gone, (sys.stdout, sys.stderr))):
            raise  # another pipe (a child's): a fault of l2h's, not the reader's
        return _output_closed()


def _root_after_command(words: Sequence[str]) -> list[str]:
    """The command line with a --root given before the command (`l2h --root DIR build`, as "every command takes
    --root DIR" may be read) moved after it, where the command reads it: it was "unknown command 'DIR'"."""
    moved: list[str] = []
    rest = list(words)
    while len(rest) > 1 and (rest[0].startswith("--root=") or rest[0] == "--root" and len(rest) > 2):
        count = 1 if rest[0].startswith("--root=") else 2
        moved, rest = moved + rest[:count], rest[count:]
    return [rest[0], *moved, *rest[1:]] if moved and not rest[0].startswith("-") else list(words)


def _reader_gone(stream: object) -> bool:
    """Whether the stream is a pipe whose reading end is closed (`l2h check --format json | head -1`): poll() reports
    an error on such a pipe's writing end."""
    try:
        descriptor = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False
    watched = select.poll()
    watched.register(descriptor, select.POLLOUT)
    return any(events & select.POLLERR for _, events in watched.poll(0))


def _output_closed() -> int:
    """What reads l2h's output has stopped reading: l2h ends quietly, as a command killed by SIGPIPE would (141), the
    rest of its output sent nowhere, so that Python's last flush of the pipe raises nothing more."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(nowhere, stream.fileno())
        except (AttributeError, OSError, ValueError):
            continue
    os.close(nowhere)
    return 141


def _stopped() -> int:
    """Say that SIGTERM stopped l2h; return its exit code."""
    _say_at_once(sys.stderr, "l2h: stopped by SIGTERM\n")
    return 143


def _say_at_once(stream: TextIO, text: str) -> None:
    """Write text to the stream where it can take it now; else (a pipe that its reader has stopped emptying, full with
    the report that SIGTERM cut short) send the stream, and what it still holds, nowhere: a write that waits for the
    reader would hold l2h for ever after SIGTERM, which no second SIGTERM can end."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        descriptor = None
    if descriptor is not None:
        watched = select.poll()
        watched.register(descriptor, select.POLLOUT)
        if not any(events & select.POLLOUT for _, events in watched.poll(0)):
            nowhere = os.open(os.devnull, os.O_WRONLY)
            os.dup2(nowhere, descriptor)
            os.close(nowhere)
    stream.write(text)
    stream.flush()


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        # --config names the review's folder as --root does; a working folder deleted meanwhile is the commands'
        # to report
        if args.root is _HERE and getattr(args, "config", None) is None and os.path.isdir("."):
            _refuse_a_subfolder(Path.cwd())
        if args.root is not _HERE and getattr(args, "config", None) is not None:
            _refuse_a_config_elsewhere(args.root, args.config)
        # --root papers: as in papers/ (a Jekyll import wrote papers/papers/ and papers/taxonomy.proposed.yml)
        if args.root is not _HERE and getattr(args, "config", None) is None and args.root.is_dir():
            _refuse_a_subfolder(args.root.resolve(), given=args.root)
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "schema":
            _review_folder(args.root)
        if args.command in TOOLS:
            return int(TOOLS[args.command].run(args))
    except L2hError as exc:
        print(f"l2h: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoppedAfterWrite as exc:
        said = "stopped by SIGTERM" if exc.terminated else "interrupted"
        try:  # from the working folder, where it is in it, as --out is given
            shown: Path = exc.out_dir.resolve().relative_to(Path.cwd().resolve())
        except (OSError, ValueError):
            shown = exc.out_dir
        _say_at_once(sys.stderr, f"l2h: {said} once the new site was in place: {shown} holds this build's site\n")
        return 143 if exc.terminated else 130
    except Terminated:
        return _stopped()
    except KeyboardInterrupt:
        print("l2h: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """Turn SIGTERM into Terminated while the block runs, in this process alone.

    By default SIGTERM ends the process at once, leaving its staging folder and stopping no child (Pagefind, the
    related papers' child). A pool worker forked while the handler is set inherits it; the workers ignore SIGTERM,
    and are ended by the build process as it stops (parallel.py); any other fork that gets it dies of it here as by
    default. A second SIGTERM while stopping is ignored, so that it cannot cut the tidying short (SIGKILL remains for
    that).

    Python drops an exception raised in code it calls where none can be passed on, printing it as "Exception ignored
    in": a __del__, a finalizer, a hook run after a fork. A Terminated raised there was lost, the command went on to its
    end, and every later SIGTERM was ignored: SIGTERM is sent again a moment later, from another thread, to be handled
    outside that code.

    A SIGTERM that comes as the handler is set back (signal.signal runs the handler of one that came just before) is
    raised once it is: raised there, it left the handler set. One ignored by whoever started l2h (`trap '' TERM` in a
    script, a service manager told to) stays ignored, as Python leaves an ignored SIGINT."""
    # signal handlers can be set from the main thread alone; an ignored SIGTERM is left so (see above)
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        yield
        return
    owner, main = os.getpid(), threading.get_ident()
    stopping = ending = late = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping, late
        if os.getpid() != owner:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if stopping:
            return
        stopping = True
        if ending:  # raised in the block that sets the handler back, it would leave it set: raised there once it is
            late = True
        else:
            raise Terminated

    def dropped(unraisable: sys.UnraisableHookArgs) -> None:
        nonlocal stopping
        if not isinstance(unraisable.exc_value, Terminated) or os.getpid() != owner:
            hook(unraisable)
            return
        stopping = False
        # not threading.Timer, whose start() takes a lock that the code interrupted may hold
        _thread.start_new_thread(_terminate_later, (main,))

    hook, previous = sys.unraisablehook, signal.getsignal(signal.SIGTERM)
    try:  # a Terminated raised as soon as the handler is set sets it back too
        sys.unraisablehook = dropped
        signal.signal(signal.SIGTERM, stop)
        yield
    finally:  # None: a handler set outside Python (a program embedding it), which Python cannot set back
        ending = True
        sys.unraisablehook = hook
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        if late:
            raise Terminated


def _terminate_later(thread: int) -> None:
    """Send SIGTERM to this process's main thread once the code that dropped its Terminated has likely returned (to
    that thread: one that holds it back for a moment, parallel._pool, then gets it as it lets it in)."""
    time.sleep(0.05)
    signal.pthread_kill(thread, signal.SIGTERM)


def _review_folder(root: Path) -> None:
    """Refuse a review folder that is not one (a config file named but missing is load_config's to refuse)."""
    if not root.is_dir():
        raise L2hError(f"{root} is not a folder")


def _refuse_a_config_elsewhere(root: Path, config: Path) -> None:
    """Refuse --root with a --config file in another folder: the review is the config file's folder, and --root
    would be ignored (a config file that is missing or a folder is load_config's to refuse)."""
    if config.is_file() and root.is_dir() and config.resolve().parent != root.resolve():
        raise L2hError(f"--config {config} is not in the folder --root names ({root}): l2h reads the review from "
                       f"the folder of its config file; put the file in {root} and give --config "
                       f"{root / config.name}, or leave out --root to build the review in {config.parent}")


def _refuse_a_subfolder(here: Path, given: Path | None = None) -> None:
    """Refuse to run in a folder of a review (papers/), or on one given as --root, where every paper would be
    "outside papers/".

    A folder that holds none of a review's files and has no review above it is left to the commands,
    which report what is missing.
    """
    if any((here / mark).exists() for mark in _REVIEW_MARKS):
        return
    for above in here.parents:
        if any((above / mark).is_file() for mark in _REVIEW_MARKS[:2]):
            said, where, fix = (("this folder", "here", f"run l2h there, or add --root {os.path.relpath(above, here)}")
                                if given is None else
                                (f"--root {given}", "there", f"give --root {os.path.relpath(above)}"))
            raise L2hError(f"{said} is inside the review at {above}, which l2h reads from its top (it holds no l2h.yml, "
                           f"taxonomy.yml or papers/ {where}): {fix}")


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    if diagnostics:
        sys.stderr.write(format_text(diagnostics, colour=wants_colour(sys.stderr)))


def _out_folder(out: Path | None) -> Path | None:
    """The folder --out names, '~' expanded: the shell does not expand '--out=~/site'."""
    if out is None:
        return None
    try:
        return out.expanduser()
    except RuntimeError as exc:  # '--out=~nosuchuser/site'
        raise L2hError(f"cannot write the site to {out}: there is no home folder {out.parts[0]}; "
                       "give --out another folder") from exc


def _build(args: argparse.Namespace) -> int:
    _review_folder(args.root)
    out = _out_folder(args.out)
    progress = Progress(sys.stderr, enabled=wants_progress(sys.stderr, quiet=args.quiet))
    result = build(args.root, out_dir=out, strict=args.strict, config_file=args.config, check_links=args.check_links,
                   use_cache=not args.no_cache, progress=progress)
    _print_diagnostics(from_here(result.diagnostics, result.check.config.root))
    if result.check.unchecked:
        print(unchecked_line(result.check), file=sys.stderr)
    if not result.written:
        strict = strict_failure(result.diagnostics, args.strict)
        print(f"l2h: build failed{f' ({strict})' if strict else ''}; "
              + ("the previous site was left as it was" if result.had_site else "no site was written"), file=sys.stderr)
        return EXIT_CONTENT
    if not args.quiet:
        print(build_summary(result))
    return EXIT_OK


def build_summary(result: BuildResult) -> str:
    """Describe a written build in one line: pages, papers, time, pages reused from the cache, files written."""
    papers = result.check.count
    counts = pages_and_papers(result.page_count, papers)
    if result.unchanged:
        return f"l2h: site is up to date: {counts} in {result.out_dir}, checked in {result.seconds:.2f} s"
    shown = ", ".join(result.deleted_paths[:3]) + (f" and {result.deleted - 3:,} more" if result.deleted > 3 else "")
    deleted = f", {result.deleted:,} deleted: {shown}" if result.deleted else ""
    return (f"l2h: built {counts} in {result.seconds:.2f} s ({result.reused:,} from cache; "
            f"{result.changed:,} written{deleted}) into {result.out_dir}")


def unchecked_line(result: CheckResult) -> str:
    """Say that the papers were not checked against the taxonomy, which has errors."""
    return f"l2h: {unchecked_text(result)}"


def unchecked_text(result: CheckResult) -> str:
    """Say that the papers were not checked against the taxonomy, which has errors (without the 'l2h: ')."""
    count = result.unchecked
    return (f"{count:,} paper{'s were' if count != 1 else ' was'} not checked against {result.config.taxonomy}, "
            "which has errors; fix them and check again")


def _check(args: argparse.Namespace) -> int:
    _review_folder(args.root)
    config = load_config(args.root, args.config)[0]
    # the summaries of the files asked about are rendered too, to warn of what the site would not show
    selected = paths_filter(config, args.paths) if args.paths else None
    # a review built before has its compiled templates, parsed papers and rendered summaries in its cache: reused
    result = check_with_cache(args.root, args.config, summaries=selected or (lambda _: True))
    diagnostics = result.diagnostics
    if args.paths:
        diagnostics = scope_diagnostics(diagnostics, result.config, args.paths)
    notices = [unchecked_text(result)] if result.unchecked else []
    if args.format == "json":  # paths from the review's root, as documented
        sys.stdout.write(format_json(diagnostics, unchecked=result.unchecked))
    elif args.format == "github":
        # GitHub attaches an annotation to the file at that path from the repository's root
        in_repository = relocate(diagnostics, folder_under(result.config.root, git_toplevel(result.config.root)))
        sys.stdout.write(format_github(in_repository, notices))
        _write_step_summary(format_markdown(in_repository, notices))
    else:
        if diagnostics:
            sys.stdout.write(format_text(from_here(diagnostics, result.config.root),
                                         colour=wants_colour(sys.stdout)))
            if notices:
                print(unchecked_line(result))
            strict = strict_failure(diagnostics, args.strict)
            if strict:
                print(f"l2h: check failed: {strict}")
        if all(d.severity == "note" for d in diagnostics) and not notices:  # notes (an editor's swap file) only
            count = sum(map(selected, (p.source for p in result.papers))) if selected else len(result.papers)
            print(f"l2h: {count:,} paper{'s' if count != 1 else ''} checked, no problems found")
    return EXIT_CONTENT if is_failure(diagnostics, args.strict) else EXIT_OK


def _write_step_summary(text: str) -> None:
    """Append to the GitHub job summary when $GITHUB_STEP_SUMMARY names it; warn if it cannot be written."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:  # the annotations are printed: the check itself is done
        print(f"l2h: warning: cannot write the job summary to GITHUB_STEP_SUMMARY={summary}: "
              f"{exc.strerror or exc}", file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    from l2h_site.serve import serve  # imported here: the server's libraries are not needed to build

    _review_folder(args.root)
    serve(args.root, config_file=args.config, out_dir=_out_folder(args.out), host=args.host, port=args.port,
          allow_remote=args.allow_remote, open_browser=args.open, strict=args.strict,
          poll=args.poll)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
