"""What the command prints: untrusted text from a paper file reaches the terminal escaped; a mistyped
command or option gets a suggestion."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from l2h_site.cli import main

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
