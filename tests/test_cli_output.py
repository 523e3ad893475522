"""What the command prints: untrusted text from a paper file reaches the terminal escaped; a mistyped
command or option gets a suggestion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import l2h_site
from l2h_site.cli import _reader_gone, main

Site = Callable[[dict[str, "str | bytes"]], Path]

HOSTILE = '"\\e[2J\\e[31mEVIL\\r\\nfake: ok"'  # YAML double quotes: ESC [2J clears a terminal, CR LF forges a line
PAPER = ('---\ntitle: "Spectral Hashing"\nauthors: Yair Weiss, Antonio Torralba\nvenue: NeurIPS\nyear: 2008\n'
         f"tags: [Image Retrieval]\nfamily: unsupervised\n{HOSTILE}: 1\n---\nA summary in our own words.\n")


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["check", "--root", str(root), *args])
    return capsys.readouterr().out


@pytest.mark.parametrize("form", ["text", "github"])
def test_a_field_name_with_escape_sequences_is_printed_escaped(
        site: Site, capsys: pytest.CaptureFixture[str], form: str) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER})
    out = check(root, capsys, "--format", form)
    assert "\x1b" not in out and "\r" not in out
    assert "\\x1b[2J\\x1b[31mEVIL" in out
    assert "fake: ok" in out  # on the same line as the rest of the message
    assert not any(line.startswith("fake") for line in out.splitlines())


def test_bidirectional_and_invisible_characters_are_shown_as_escapes(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER.replace(HOSTILE, '"evil\u202etxt.md\u200b"')})
    out = check(root, capsys)
    assert "\u202e" not in out and "\u200b" not in out
    assert "evil\\u202etxt.md\\u200b" in out


def test_json_keeps_the_exact_text(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON is for programs: its escapes already make control characters safe, and the text stays exact."""
    root = site({"papers/weiss2008spectral.md": PAPER})
    out = check(root, capsys, "--format", "json")
    assert "\x1b" not in out
    messages = [d["message"] for d in json.loads(out)["diagnostics"]]
    assert any("\x1b[2J\x1b[31mEVIL\r\nfake: ok" in m for m in messages)


@pytest.mark.parametrize(("argv", "said"), [
    (["buld"], ("unknown command 'buld'; the commands are build, check, serve, new, import, schema; "
                "did you mean 'build'?")),
    (["frobnicate"], "unknown command 'frobnicate'; the commands are build, check, serve, new, import, schema\n"),
    (["build", "--strcit"], "unrecognized arguments: --strcit; did you mean '--strict'?"),
    (["serve", "--prot", "9000"], "unrecognized arguments: --prot 9000; did you mean '--port'?"),
    (["check", "--formta=json"], "unrecognized arguments: --formta=json; did you mean '--format'?"),
    (["build", "--zzz"], "unrecognized arguments: --zzz\n"),
    (["--verison", "build"], "unrecognized arguments: --verison; did you mean '--version'?"),  # l2h's own, before it
    (["check", "--format", "jsn"], "argument --format: 'jsn' is not one of text, json, github; did you mean 'json'?"),
])
def test_a_mistyped_command_or_option_gets_a_suggestion(
        argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    command = argv[0] if argv[0] in ("build", "serve", "check") else ""
    assert f"l2h{' ' if command else ''}{command}: error: {said}" in err
    # the usage shown is the command's, with its options, when a command was given
    assert err.startswith(f"usage: l2h {command} [-h] [--root ROOT]" if command else "usage: l2h [-h] [--version]")


@pytest.mark.parametrize("form", ["text", "json"])
def test_a_report_longer_than_the_pipe_holds_to_a_reader_that_stopped_ends_quietly(site: Site, form: str) -> None:
    """`l2h check | head -1` with a report of more than the 64 KB a pipe holds: the write cut short as head went
    raised nothing, and l2h ended with 1, the rest of its report dropped unsaid."""
    tags = ", ".join(f"Bogus Tag {n}" for n in range(20))
    root = site({f"papers/weiss2008spectral{chr(97 + n // 26)}{chr(97 + n % 26)}.md":
                 PAPER.replace("[Image Retrieval]", f"[{tags}]") for n in range(60)})
    command = [sys.executable, "-m", "l2h_site", "check", "--format", form, "--root", str(root)]
    env = {**os.environ, "PYTHONPATH": str(Path(l2h_site.__file__).parent.parent)}
    whole = subprocess.run(command, check=False, capture_output=True, env=env, timeout=120)
    assert whole.returncode == 1 and len(whole.stdout) > 2 * 65536, "a report longer than a pipe holds"
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as running:
        assert running.stdout is not None and running.stderr is not None
        assert running.stdout.readline() == whole.stdout.splitlines(keepends=True)[0]
        running.stdout.close()  # as head -1 does, with l2h still writing
        assert (running.wait(timeout=120), running.stderr.read()) == (141, b"")


@pytest.mark.parametrize("command", [
    ["check", "--format", "json"],
    ["schema"],
    ["new", "--title", "Hashing Without a Reader", "--authors", "Ann Example", "--year", "2020", "--no-fetch"],
])
def test_output_to_a_reader_that_stopped_reading_ends_quietly(site: Site, command: list[str]) -> None:
    """`l2h check --format json | head -1`: once head has stopped reading, l2h ends as a command killed by SIGPIPE
    does (141), without a traceback, and what it did before (the paper `new` wrote) stays done."""
    root = site({"papers/weiss2008spectral.md": PAPER})
    reading, writing = os.pipe()
    os.close(reading)  # the reader has gone before l2h writes its first line
    try:
        done = subprocess.run([sys.executable, "-m", "l2h_site", *command, "--root", str(root)], check=False,
                              stdout=writing,
                              stderr=subprocess.PIPE, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(Path(l2h_site.__file__).parent.parent)})
    finally:
        os.close(writing)
    assert (done.returncode, done.stderr) == (141, "")
    if command[0] == "new":
        assert (root / "papers" / "example2020hashing.md").is_file()


def test_a_pipe_is_known_as_closed_only_once_its_reader_has_gone() -> None:
    """A broken pipe of l2h's own (a child's) is no reader gone: only stdout and stderr are looked at, and only a
    pipe whose reading end is closed counts."""
    reading, writing = os.pipe()
    with open(writing, "wb", buffering=0) as stream:
        assert not _reader_gone(stream)
        os.close(reading)
        assert _reader_gone(stream)
        with pytest.raises(BrokenPipeError):
            stream.write(b"x")
    assert not _reader_gone(object())  # no file behind it (a test's captured output)
