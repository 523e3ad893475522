"""Text helpers the templates use (textutil), and their twins in the page's scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from l2h_site import textutil
from l2h_site.textutil import ascii_names, ascii_words

REPO = Path(__file__).resolve().parent.parent


def test_names_are_given_in_the_ascii_readers_type_for_them() -> None:
    assert ascii_names(["Martin Aumüller", "Søren Hauberg", "Åsa Weiß"]) == (
        "martin aumueller soeren hauberg aasa weiss martin aumüller soren hauberg åsa weiss")
    assert ascii_names(["Hervé Jégou", "Ke\u0301vin Łukasz"]) == "hervé jégou kévin łukasz hervé jégou kévin lukasz"
    assert ascii_names(["Yair Weiss", "Rob Fergus"]) == ""  # nothing to add to what the index has
    assert ascii_names(["Ju\u0308rgen"]) == "juergen jürgen"  # a letter and its combining mark, composed first


def test_the_words_of_a_title_or_summary_not_in_ascii_are_given_in_the_ascii_readers_type_for_them() -> None:
    assert ascii_words("Extends Aumüller et al.'s benchmark of Søren's Gödel codes, Weiß and Aumüller") == (
        "aumueller soeren soren goedel weiss")  # each once, only the words that need it; "aumüller" is indexed
    assert ascii_words("Łukasz's Straße") == "lukasz strasse"
    assert ascii_words("Hervé Jégou, naïve") == ""  # the index folds these accents itself
    assert ascii_words("Spectral Hashing") == ""
    assert ascii_words("Go\u0308del") == "goedel"  # a letter and its combining mark, composed first


def _js_table(name: str) -> dict[str, str]:
    script = (REPO / "static" / "search-rules.js").read_text(encoding="utf-8")
    found = re.search(rf"var {name} = (\{{[^}}]*\}});", script)
    assert found, name
    return {json.loads(f'"{k}"'): v for k, v in re.findall(r'"(\\u[0-9a-f]{4})": "([a-z]+)"', found.group(1))}


def test_the_page_spells_names_as_the_index_does() -> None:
    # search-rules.js's asciiNames matches names in the page when the search index is not used: its tables must be
    # those paper.html gives the index (textutil.ascii_names), or a name found one way is missed the other.
    for js, table in (("GERMAN", textutil._TRANSLITERATED), ("PLAIN", textutil._PLAIN)):
        assert _js_table(js) == {chr(k): v for k, v in table.items()}, js


def test_an_invisible_character_is_found_alike_in_ascii_and_other_text() -> None:
    # first_invisible searches ASCII text with one pattern and other text character by character: both must find the
    # same characters (controls but tab and newline, DEL, C1 controls, format characters such as U+200B), first first
    for code in range(0x250):
        c = chr(code)
        expected = c if (code < 32 and c not in "\t\n") or 0x7F <= code < 0xA0 or c == "\u00ad" else None
        for text in (f"key{c}word", f"J\u00e9gou{c}word"):
            assert textutil.first_invisible(text) == expected, (hex(code), text)
    assert textutil.first_invisible("a\tb\nc\x7fd\x01") == "\x7f"
    assert textutil.first_invisible("J\u00e9gou\u200bx\x01") == "\u200b"
    assert textutil.invisible_character("Kernel\x7fMethods") == "the control character U+007F"
