"""Hostile paper files and taxonomies: the exact diagnostic, exit code 1, and the previous site untouched.

Each row is one case of issue 6: the files written over a valid review, the diagnostic lines
the real CLI prints (path:line:col: severity[code]: message, help lines left out), and whether
warnings are made fatal with --strict. Line numbers count from the file's first line; the
paper helper writes its fields on lines 2-8, so `extra` starts on line 9.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, MINIMAL_TAXONOMY

from adversarial.harness import PAPER, diagnostic_lines, paper, run_cli, snapshot

P = PAPER
Files = dict[str, "str | bytes | Callable[[], bytes]"]


@dataclass(frozen=True)
class Case:
    """One hostile input: files written over a valid review, and what l2h must print."""

    name: str
    files: Files
    expected: list[str]
    strict: bool = False
    removed: tuple[str, ...] = field(default=())
    """Files of the valid review to delete first (e.g. the paper, when a case renames it)."""


def link(url: str) -> str:
    """Extra front-matter lines with one link; its url is on line 11, column 10."""
    return f"links:\n  - name: Code\n    url: {url}\n"


def big_file() -> bytes:
    return paper(body="A long summary. " * (50 * 1024 * 1024 // 16)).encode()


def one_long_line() -> bytes:
    return paper(body="x" * (10 * 1024 * 1024) + "\n").encode()


BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
CAFE_NFC, CAFE_NFD = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")
TAG = "    description: A tag.\n"
OTHER_PAPER = GOOD_PAPER.replace("Spectral Hashing", "Multidimensional Spectral Hashing")
THIRD_PAPER = GOOD_PAPER.replace("Spectral Hashing", "Semi-Supervised Hashing")

CASES = [
    # --- YAML -------------------------------------------------------------------------------
    Case("yaml-python-tag", {P: paper("loader: !!python/object/apply:os.system ['touch pwned']\n")},
         [f"{P}:9:9: error[yaml-tag]: YAML tag '!!python/object/apply:os.system' is not allowed"]),
    Case("yaml-custom-tag", {P: paper("note: !secret value\n")},
         [f"{P}:9:7: error[yaml-tag]: YAML tag '!secret' is not allowed"]),
    Case("yaml-anchor-alias", {P: paper("venue_copy: &v NeurIPS\nalso: *v\n")},
         [f"{P}:9:13: error[yaml-alias]: YAML anchors and aliases (&name / *name) are not allowed",
          f"{P}:10:7: error[yaml-alias]: YAML anchors and aliases (&name / *name) are not allowed"]),
    Case("yaml-alias-bomb", {P: paper(BOMB)},
         [f"{P}:{line}:{col}: error[yaml-alias]: YAML anchors and aliases (&name / *name) are not allowed"
          for line, col in ((9, 4), (10, 4), (11, 4), (12, 5))]),
    Case("yaml-merge-key", {P: paper("base: {x: 1}\n<<: {y: 2}\n")},
         [f'{P}:9:1: warning[unknown-field]: unknown field "base" is ignored',  # the rest is still checked
          f"{P}:10:1: error[yaml-alias]: YAML merge keys (<<) are not allowed"]),
    Case("yaml-deep-nesting", {P: paper("x: " + "[" * 25 + "]" * 25 + "\n")},
         [f'{P}:9:1: warning[unknown-field]: unknown field "x" is ignored',
          f"{P}:9:24: error[yaml-too-deep]: YAML nesting deeper than 20 levels"]),
    Case("yaml-very-deep-nesting", {P: paper("x: " + "[" * 5000 + "]" * 5000 + "\n")},
         [f"{P}:9:1003: error[yaml-too-deep]: YAML nesting deeper than 20 levels"]),
    Case("yaml-duplicate-key", {P: paper("title: Spectral Hashing Again\n")},
         [(f"{P}:9:1: error[duplicate-key]: key 'title' appears twice (first on line 2); l2h reads line 2's value and "
           "ignores this one")]),
    Case("yaml-50mb-file", {P: big_file},
         [f"{P}: error[file-too-large]: file is 52,428,971 bytes; a paper file may be at most 262,144"]),
    Case("yaml-10mb-line", {P: one_long_line},
         [f"{P}: error[file-too-large]: file is 10,485,932 bytes; a paper file may be at most 262,144"]),
    Case("yaml-tab-indent", {P: paper("links:\n\t- name: Code\n")},
         [f"{P}:10:1: error[yaml-tab]: tab character used for indentation"]),
    Case("lone-dashes", {P: "---\n"},
         [f"{P}:1:1: error[unclosed-front-matter]: front matter opened on line 1 is never closed"]),
    Case("missing-closing-dashes", {P: paper().replace("---\nCodes", "Codes")},
         [(f"{P}:9:1: error[unclosed-front-matter]: front matter opened on line 1 is never closed: line 9 reads as the "
          "summary")]),
    Case("no-front-matter", {P: "Just a summary, no fields.\n"},
         [f"{P}:1:1: error[missing-front-matter]: file does not start with front matter"]),
    Case("empty-file", {P: b""},
         [f"{P}:1:1: error[missing-front-matter]: file does not start with front matter"]),
    Case("empty-front-matter", {P: "---\n---\nSummary.\n"},
         [f"{P}:1:1: error[front-matter-not-mapping]: front matter is empty, not a set of fields"]),
    Case("front-matter-list", {P: "---\n- title\n- Spectral Hashing\n---\nSummary.\n"},
         [f"{P}:2:1: error[front-matter-not-mapping]: front matter is a list, not a set of fields"]),
    Case("front-matter-scalar", {P: "---\nSpectral Hashing\n---\nSummary.\n"},
         [f"{P}:2:1: error[front-matter-not-mapping]: front matter is a str, not a set of fields"]),
    Case("key-number", {P: paper("2008: year as a key\n")},
         [f"{P}:9:1: error[yaml-key]: field name 2008 is not text: YAML reads it as a number"]),
    Case("key-null", {P: paper("null: nothing\n")},
         [f"{P}:9:1: error[yaml-key]: field name null is not text: YAML reads it as an empty value"]),
    Case("key-list", {P: paper("? [a, b]\n: value\n")},
         [f"{P}:9:3: error[yaml-key]: a key must be a plain name"]),
    Case("binary-garbage", {P: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"},
         [f"{P}:3: error[binary-file]: file contains a NUL byte at byte offset 8; it is not a text file"]),
    Case("binary-no-nul", {P: bytes(range(200, 256)) * 4},
         [f"{P}:1: error[not-utf8]: file is not valid UTF-8: byte 0xc8 at byte offset 0"]),
    Case("nul-byte", {P: paper("note: a\x00b\n").encode()},
         [f"{P}:9: error[binary-file]: file contains a NUL byte at byte offset 174; it is not a text file"]),
    Case("invalid-utf8", {P: paper().encode().replace(b"Spectral", b"Sp\xe9ctral")},
         [f"{P}:2: error[not-utf8]: file is not valid UTF-8: byte 0xe9 at byte offset 13"]),
    Case("utf16-with-bom", {P: paper().encode("utf-16")},
         [f"{P}: error[not-utf8]: file is encoded as UTF-16"]),
    Case("utf16-without-bom", {P: paper().encode("utf-16-le")},
         [f"{P}: error[not-utf8]: file is encoded as UTF-16"]),
    Case("utf8-bom", {P: b"\xef\xbb\xbf" + paper().encode()},
         [f"{P}:1:1: warning[utf8-bom]: file starts with a byte-order mark (BOM)"], strict=True),
    Case("cr-only-line-endings", {P: paper().replace("\n", "\r").encode()},
         [f"{P}:1: error[cr-line-endings]: file uses lone CR characters as line endings"]),
    Case("control-character", {P: paper("note: ring \x07 bell\n")},
         [f"{P}:9:12: error[yaml-syntax]: invalid YAML: the non-printable character U+0007 is not allowed"]),
    # --- Values -----------------------------------------------------------------------------
    Case("year-text", {P: paper(year='"2019a"')},
         [f'{P}:5:7: error[wrong-type]: year must be a whole number, got the text "2019a"']),
    Case("year-float", {P: paper(year="2019.5")},
         [f"{P}:5:7: error[wrong-type]: year must be a whole number, got the number 2019.5"]),
    Case("tags-text", {P: paper(tags='"a, b"')},  # each tag is checked all the same: one round of fixes
         [f'{P}:6:7: error[unknown-tag]: tag "a" is not in taxonomy.yml',
          f'{P}:6:7: error[unknown-tag]: tag "b" is not in taxonomy.yml',
          f'{P}:6:7: error[wrong-type]: tags must be a list, got the text "a, b"']),
    Case("authors-mapping", {P: paper(authors="{}")},
         [f"{P}:3:10: error[wrong-type]: authors must be a list of names or one comma-separated line, got a mapping"]),
    Case("title-empty", {P: paper(title='""')}, [f"{P}:2:8: error[empty-field]: title is empty"]),
    Case("title-whitespace", {P: paper(title='"  \\t  "')}, [f"{P}:2:8: error[empty-field]: title is empty"]),
    Case("title-missing", {P: paper(title=None)}, [f"{P}:1:1: error[missing-field]: the paper has no title"]),
    Case("authors-empty", {P: paper(authors='""')}, [f"{P}:3:10: error[empty-field]: authors is empty"]),
    Case("10000-tags", {P: paper(tags="[" + ", ".join(["Image Retrieval"] * 10_000) + "]")},
         [f"{P}:6:7: error[too-many-tags]: 10000 tags; a paper may have at most 20"]),
    Case("url-javascript", {P: paper(link("javascript:alert(1)"))},
         [f'{P}:11:10: error[unsafe-url]: link "javascript:alert(1)" is rejected: only http(s) links are allowed']),
    Case("url-javascript-mixed-case", {P: paper(link("JaVaScRiPt:alert(1)"))},
         [f'{P}:11:10: error[unsafe-url]: link "JaVaScRiPt:alert(1)" is rejected: only http(s) links are allowed']),
    Case("url-javascript-entity", {P: paper(link('"&#106;avascript&#58;alert(1)"'))},
         [(f'{P}:11:10: error[unsafe-url]: link "&#106;avascript&#58;alert(1)" is rejected: '
          "it is not an absolute http(s) URL")]),
    Case("url-javascript-tab", {P: paper(link("'java\tscript:alert(1)'"))},
         [(f'{P}:11:10: error[unsafe-url]: link "java\\tscript:alert(1)" is rejected: '
          "it contains spaces or control characters")]),
    Case("url-data", {P: paper(link('"data:text/html,<script>alert(1)</script>"'))},
         [(f'{P}:11:10: error[unsafe-url]: link "data:text/html,<script>alert(1)</script>" is rejected: '
          "only http(s) links are allowed")]),
    Case("url-vbscript", {P: paper(link("VBScript:MsgBox(1)"))},
         [f'{P}:11:10: error[unsafe-url]: link "VBScript:MsgBox(1)" is rejected: only http(s) links are allowed']),
    Case("url-relative", {P: paper(link("../../etc/passwd"))},
         [f'{P}:11:10: error[unsafe-url]: link "../../etc/passwd" is rejected: it is not an absolute http(s) URL']),
    Case("url-protocol-relative", {P: paper(link("//evil.example/x"))},
         [f'{P}:11:10: error[unsafe-url]: link "//evil.example/x" is rejected: it is not an absolute http(s) URL']),
    Case("url-space", {P: paper(link('"https://exa mple.org/"'))},
         [(f'{P}:11:10: error[unsafe-url]: link "https://exa mple.org/" is rejected: '
          "it contains spaces or control characters")]),
    Case("url-control-character", {P: paper(link('"https://example.org/\\x07"'))},
         [f"{P}:11:10: error[control-character]: url contains the control character U+0007"]),
    Case("arxiv-javascript", {P: paper('arxiv: "javascript:alert(1)"\n')},
         [f'{P}:9:8: error[arxiv-format]: arxiv "javascript:alert(1)" is not an arXiv id']),
    # --- Keys and paths ---------------------------------------------------------------------
    Case("key-dot-dot", {"papers/...md": GOOD_PAPER}, ['papers/...md: error[key-form]: file name ".." is not a valid paper key'],
         removed=(P,)),
    Case("key-percent-dot-dot", {"papers/%2e%2e.md": GOOD_PAPER},
         ['papers/%2e%2e.md: error[key-form]: file name "%2e%2e" is not a valid paper key'], removed=(P,)),
    Case("key-backslash", {"papers/..\\x.md": GOOD_PAPER},
         ['papers/..\\x.md: error[key-form]: file name "..\\x" is not a valid paper key'], removed=(P,)),
    Case("key-windows-reserved", {"papers/con.md": GOOD_PAPER, "papers/nul.md": OTHER_PAPER},
         ['papers/con.md: error[key-form]: file name "con" is not a valid paper key',
          'papers/nul.md: error[key-form]: file name "nul" is not a valid paper key'], removed=(P,)),
    Case("key-terminal-escape", {"papers/weiss2008\x1b[2Jspectral\n.md": GOOD_PAPER},
         [("papers/weiss2008\\x1b[2Jspectral\\n.md: error[not-a-paper]: "
          "file name weiss2008\\x1b[2Jspectral\\n.md contains control characters")]),
    Case("key-case-collision", {"papers/Weiss2008spectral.md": OTHER_PAPER},
         ['papers/Weiss2008spectral.md: error[key-form]: file name "Weiss2008spectral" is not a valid paper key']),
    Case("key-nfc-nfd-collision", {f"papers/weiss2008{CAFE_NFC.lower()}.md": OTHER_PAPER,
                                   f"papers/weiss2008{CAFE_NFD.lower()}.md": THIRD_PAPER},
         sorted([(f'papers/weiss2008{CAFE_NFC.lower()}.md: error[key-form]: file name "weiss2008{CAFE_NFC.lower()}" '
                 "is not a valid paper key"),
                 (f'papers/weiss2008{CAFE_NFD.lower()}.md: error[key-form]: file name "weiss2008{CAFE_NFD.lower()}" '
                 "is not a valid paper key")])),
    Case("bibkey-absolute-path", {P: paper("bibkey: /etc/passwd\n")},
         [f'{P}:9:9: warning[bibkey-mismatch]: bibkey "/etc/passwd" differs from the file name "weiss2008spectral"'],
         strict=True),
    Case("tag-slug-collision-cpp", {"taxonomy.yml": MINIMAL_TAXONOMY + f"  C++:\n{TAG}  C:\n{TAG}"},
         ["taxonomy.yml:26:3: error[tag-slug-collision]: tag 'C' and tag 'C++' would both be published at /tags/c/"]),
    Case("tag-slug-collision-punctuation", {"taxonomy.yml": MINIMAL_TAXONOMY + f"  a,b:\n{TAG}  a;b:\n{TAG}"},
         ["taxonomy.yml:26:3: error[tag-slug-collision]: tag 'a;b' and tag 'a,b' would both be published at /tags/a-b/"]),
    Case("tag-slug-collision-nfc-nfd", {"taxonomy.yml": MINIMAL_TAXONOMY + f"  {CAFE_NFC}:\n{TAG}  {CAFE_NFD}:\n{TAG}"},
         [f"taxonomy.yml:26:3: error[tag-drift]: '{CAFE_NFD}' (tag '{CAFE_NFD}') is a variant spelling of tag '{CAFE_NFC}'"]),
    Case("tag-windows-reserved", {"taxonomy.yml": MINIMAL_TAXONOMY + f"  CON:\n{TAG}"},
         [("taxonomy.yml:24:3: error[taxonomy-name]: tag 'CON' would be published at /tags/con/, "
          "a name Windows reserves")]),
    Case("tag-dot-dot", {"taxonomy.yml": MINIMAL_TAXONOMY + f"  '..':\n{TAG}"},
         ["taxonomy.yml:24:3: error[taxonomy-name]: tag '..' has no letters or digits for its URL"]),
    # --- Markdown that cannot be rendered safely, and summaries over the limits -------------
    Case("summary-10000-quotes", {P: paper(body=">" * 10_000 + "\n")},
         [f"{P}:10:1: error[summary-too-deep]: summary nests quotes or brackets more than 40 levels deep"]),
    Case("summary-10000-brackets", {P: paper(body="Some text.\n\n" + "[" * 10_000 + "\n")},
         [f"{P}:12:1: error[summary-too-deep]: summary nests quotes or brackets more than 40 levels deep"]),
    Case("summary-1mb", {P: paper(body="word " * 210_000)},
         [f"{P}: error[file-too-large]: file is 1,050,171 bytes; a paper file may be at most 262,144"]),
    Case("summary-too-long", {P: paper(body="word " * 5_000)},
         [f"{P}:10:1: error[summary-too-long]: summary is 25,000 characters; at most 20,000 are allowed"]),
]


def write_case(root: Path, case: Case) -> None:
    """Write the case's files over the review, after removing the files it replaces."""
    for rel in case.removed:
        (root / rel).unlink()
    for rel, content in case.files.items():
        data = content() if callable(content) else content
        target = root / rel
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_bytes(data.encode("utf-8"))


@pytest.fixture
def built(site: Callable[[dict[str, str | bytes]], Path]) -> tuple[Path, dict[str, bytes]]:
    """A review with one valid paper, already built once into _site by the real CLI (search off: faster)."""
    root = site({P: GOOD_PAPER, "l2h.yml": "search: false\n"})
    code, _, err = run_cli("build", "--root", str(root), "-q")
    assert (code, err) == (0, "")
    return root, snapshot(root / "_site")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_fails_cleanly(case: Case, built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    write_case(root, case)
    code, out, err = run_cli("build", "--root", str(root), *(["--strict"] if case.strict else []))
    assert diagnostic_lines(err) == case.expected
    assert code == 1
    assert "Traceback" not in err and out == ""
    errors = any(line.split(": ", 1)[-1].startswith("error[") for line in case.expected)
    why = "" if errors or not case.strict else f" (--strict counts {_warnings_as_errors(case.expected)})"
    assert err.endswith(f"l2h: build failed{why}; the previous site was left as it was\n")
    assert snapshot(root / "_site") == before, "the previous site was changed"
    left = sorted(p.name for p in root.iterdir() if p.name != ".l2h-cache")  # the build cache is expected
    assert left == sorted({"_site", "l2h.yml", "papers", "static", "templates", "taxonomy.yml"})


def _warnings_as_errors(expected: list[str]) -> str:
    count = sum(": warning[" in line for line in expected)
    return "the warning as an error" if count == 1 else f"the {count} warnings as errors"


def test_symlink_pointing_outside_is_refused(built: tuple[Path, dict[str, bytes]]) -> None:
    root, before = built
    secret = root.parent / "secret.md"
    secret.write_text(GOOD_PAPER.replace("Spectral Hashing", "Secret Hashing"), encoding="utf-8")
    os.symlink(secret, root / "papers" / "weiss2008secret.md")
    os.symlink("/etc", root / "papers" / "etc.md")
    code, _, err = run_cli("build", "--root", str(root))
    assert diagnostic_lines(err) == [
        "papers/etc.md: error[symlink]: paper files may not be symbolic links",
        "papers/weiss2008secret.md: error[symlink]: paper files may not be symbolic links",
    ]
    assert code == 1
    assert snapshot(root / "_site") == before
