"""Property-based fuzzing of parse → validate → render → write with hypothesis.

For any bytes as a paper file, and for well-formed papers whose fields and summary are
hostile, l2h either builds the site or returns diagnostics: never an exception, never a file
outside the output folder, and never a rendered page with script or an event handler from
content (each page is parsed with html5lib and walked, see adversarial/htmlcheck.py).

CI runs a fixed, derandomised budget (a few seconds). To fuzz for longer, raise the budget
and let hypothesis pick fresh random examples:

    L2H_FUZZ_EXAMPLES=20000 L2H_FUZZ_RANDOM=1 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from adversarial.harness import FIELDS, PAPER, paper
from adversarial.htmlcheck import unsafe_pages
from conftest import MINIMAL_TAXONOMY, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import l2h_site.render
from l2h_site.build import build
from l2h_site.cite import untexed_math
from l2h_site.diagnostics import is_failure
from l2h_site.textutil import invisible_character

EXAMPLES = int(os.environ.get("L2H_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("L2H_FUZZ_RANDOM"),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PAYLOADS = [
    "<script>alert(1)</script>", "</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>", "<iframe src=javascript:alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", "![x](data:text/html,<script>alert(1)</script>)", "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))", "<javascript:alert(1)>", "<!--", "-->", "<!-- <script>alert(1)</script> -->",
    '"><script>alert(1)</script>', "' onmouseover='alert(1)", "$x</script><script>alert(1)</script>$",
    "$$\\href{javascript:alert(1)}{x}$$", "<style>", "</textarea>", "</title>", "<math><mi xlink:href=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>", "`<b onclick=x>`", "[a]: javascript:alert(1)", "&lt;script&gt;",
    "\\", "*", "_", "[", "]", "(", ")", ">", "<", "&", "#", "\n", "\n\n", "    ", "$", "{", "}", "|", "---", "\u2028",
    "\ufeff", "\u202e", "é", "\U0001F600",
]
"""Fragments that have broken markdown renderers and sanitisers before."""

printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)  # bytes tests cover the rest
hostile_text = st.lists(st.one_of(st.sampled_from(PAYLOADS), printable), max_size=12).map("".join)
yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text)
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A review with the repository's templates, search off (Pagefind is slow), and Jinja compiled once."""
    root = tmp_path_factory.mktemp("fuzz") / "review"
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "papers").mkdir()
    (root / "taxonomy.yml").write_text(MINIMAL_TAXONOMY, encoding="utf-8")
    (root / "l2h.yml").write_text("search: false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # same templates every example: compile them once
        patch.setattr(l2h_site.render, "make_environment", lru_cache(maxsize=1)(l2h_site.render.make_environment))
        yield root


def quoted(text: str) -> str:
    """Write text as a YAML double-quoted scalar (JSON's escapes are YAML's, except surrogate pairs)."""
    return json.dumps(text, ensure_ascii=False)


def check_build(root: Path, content: bytes) -> bool:
    """Build a review whose one paper has these bytes; assert the properties; tell whether it built."""
    (root / PAPER).write_bytes(content)
    out = root / "_site"
    result = build(root, out, use_cache=False)  # must not raise, whatever the bytes
    entries = sorted(p.name for p in root.parent.iterdir())
    assert entries == ["review"], f"something was written next to the review: {entries}"
    assert sorted(p.name for p in root.iterdir()) == sorted(
        {"l2h.yml", "papers", "static", "taxonomy.yml", "templates"} | ({"_site"} if out.exists() else set()))
    if not result.written:
        assert is_failure(result.diagnostics, strict=False), "the build failed without an error diagnostic"
        return False
    pages = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(pages) == set(result.paths) | {".l2h-site"}
    assert unsafe_pages(pages.items()) == {}
    for name in ("feed.xml", "sitemap.xml", "papers/topic-map.svg"):  # a feed reader refuses a feed that is not XML
        if name in pages:
            ElementTree.fromstring(pages[name])
    return True


@FUZZ
@given(content=st.binary(max_size=3000))
def test_any_bytes_build_or_diagnose(review: Path, content: bytes) -> None:
    check_build(review, content)


@FUZZ
@given(content=st.one_of(hostile_text, st.text(max_size=200)).map(lambda s: ("---\n" + s).encode("utf-8", "replace")))
def test_any_text_after_front_matter_opening(review: Path, content: bytes) -> None:
    check_build(review, content)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(sorted(FIELDS) + ["links", "arxiv", "doi", "added", "extra"]),
                              yaml_values, max_size=8))
def test_hostile_front_matter_values(review: Path, fields: dict[str, object]) -> None:
    """Valid YAML with hostile values of any type in any field, the rest of the paper valid."""
    base: dict[str, object] = {name: yaml.safe_load(value) for name, value in FIELDS.items()}
    front = yaml.safe_dump({**base, **fields}, allow_unicode=True, sort_keys=True)
    check_build(review, f"---\n{front}---\nA summary.\n".encode("utf-8", "surrogatepass"))


@FUZZ
@given(title=hostile_text, venue=hostile_text, link_name=hostile_text, body=hostile_text)
def test_hostile_strings_in_a_valid_paper(review: Path, title: str, venue: str, link_name: str, body: str) -> None:
    """Hostile text in the places that reach a page, in a paper that otherwise builds."""
    extra = f"links:\n  - name: {quoted(link_name)}\n    url: https://arxiv.org/abs/0801.0001\n"
    text = paper(extra, body=body + "\n", title=quoted("Spectral " + title), venue=quoted("NeurIPS " + venue))
    check_build(review, text.encode("utf-8", "surrogatepass"))


def test_payloads_reach_the_rendered_page(review: Path) -> None:
    """The fuzzing is worth its time only if hostile papers get past validation into the pages."""
    for payload in PAYLOADS:
        # Fields reject characters that cannot be seen (control-character), and a title math that TeX could run
        # (title-math); the summary still carries them.
        field = "" if invisible_character(payload) or untexed_math(payload) else payload
        extra = f"links:\n  - name: {quoted('Code ' + field)}\n    url: https://arxiv.org/abs/0801.0001\n"
        text = paper(extra, body=f"Before {payload} after.\n", title=quoted("Spectral Hashing " + field))
        assert check_build(review, text.encode("utf-8")), payload
