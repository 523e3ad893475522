"""The YAML stage's diagnostics for contributors' typical slips: the right line and column, and a fix that works."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from l2h_site.yamlsafe import YamlProblem, load_yaml


def problems(text: str) -> list[YamlProblem]:
    """Load front matter as parse.py does (its first line is the file's line 2) and return the problems."""
    found: list[YamlProblem] = load_yaml(text, first_line=2).problems
    return found


def only(text: str) -> YamlProblem:
    """The one problem reported for text."""
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# --- a ' #' after a plain value --------------------------------------------------------------


def test_text_after_space_hash_is_reported_not_dropped() -> None:
    p = only("title: Hashing #1 Method\nyear: 2020\n")
    assert (p.line, p.column, p.code) == (2, 16, "yaml-comment")
    assert p.message == 'the text after " #" is read by YAML as a comment and dropped: title would be "Hashing"'
    assert p.hint.startswith('quote the whole value: title: "Hashing #1 Method"')


def test_comment_hint_escapes_quotes_and_backslashes() -> None:
    p = only('title: A "B" \\C #2\n')
    assert p.hint.startswith('quote the whole value: title: "A \\"B\\" \\\\C #2"')


def test_comment_after_a_list_item_is_reported() -> None:
    p = only("tags:\n  - Hashing #1\n  - LSH\n")
    assert (p.line, p.column, p.code) == (3, 13, "yaml-comment")
    assert 'the list item would be "Hashing"' in p.message
    assert p.hint.startswith('quote the whole value: - "Hashing #1"')


def test_comment_after_a_nested_value_is_reported() -> None:
    p = only("links:\n  - name: Code #2\n    url: https://example.org\n")
    assert (p.line, p.column) == (3, 16)
    assert p.hint.startswith('quote the whole value: - name: "Code #2"')


def test_comment_after_a_value_continued_on_the_next_line_is_reported() -> None:
    p = only("title: Spectral\n  Hashing #1\n")
    assert (p.line, p.column, p.code) == (3, 11, "yaml-comment")
    assert 'title would be "Spectral Hashing"' in p.message
    assert p.hint.startswith('quote the whole value: title: "Spectral Hashing #1"')


def test_hash_glued_to_an_empty_value_is_reported() -> None:
    p = only("venue: #CVPR\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-comment")
    assert "venue would be empty" in p.message
    assert p.hint.startswith('quote the whole value: venue: "#CVPR"')


def test_real_comments_are_not_reported() -> None:
    text = ("# a comment on its own line\n"
            "title: Hashing\n"
            "  # an indented comment\n"
            'venue: "CVPR" # after a double-quoted value\n'
            "note: 'x' # after a single-quoted value\n"
            "tags: [A, B]  # after a flow list\n"
            "links: {name: x}  # after a flow mapping\n"
            "more: [A, B, # inside a flow list\n"
            "  C]\n"
            "venue_note: # an empty value, then a comment\n"
            "summary: |\n"
            "  a block with #1 inside # kept\n"
            "hashtag: C#\n"
            "search: true  # a flag loses nothing to a comment\n"
            "list_limit: 1000 # nor does a number\n"
            "year: 2008 # as published\n")
    doc = load_yaml(text)
    assert doc.problems == []
    assert (doc.value["search"], doc.value["list_limit"], doc.value["year"]) == (True, 1000, 2008)
    assert doc.value["summary"] == "a block with #1 inside # kept\n"
    assert doc.value["hashtag"] == "C#"


# --- a quote or bracket left open --------------------------------------------------------------

FIELDS = "authors: Yair Weiss\nyear: 2008\nfamily: unsupervised\nlearning: shallow\ntags: [LSH]\nurl: https://x.org\nbibkey: w08\n"
"""Seven plain fields, lines 3-9 of the file when they follow a first field on line 2."""


def test_quote_left_open_before_other_fields_points_at_the_quote() -> None:
    p = only('title: "Unclosed Quote Hashing\n' + FIELDS + 'venue: "CVPR"\n')
    assert (p.line, p.column, p.code) == (2, 8, "yaml-syntax")
    assert "double quote opened here" in p.message
    assert p.hint == 'close the double quote opened here: title: "Unclosed Quote Hashing"'


def test_quote_left_open_in_the_last_field_points_at_the_quote() -> None:
    p = only("venue: CVPR\n" + FIELDS + 'title: "Unclosed Quote Hashing\n')
    assert (p.line, p.column, p.code) == (10, 8, "yaml-syntax")
    assert "never closed" in p.message
    assert p.hint == 'close the double quote opened here: title: "Unclosed Quote Hashing"'


def test_single_quote_left_open_points_at_the_quote() -> None:
    p = only("title: 'Unclosed\nauthors: Miles O'Brien\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-syntax")
    assert p.hint == "close the single quote opened here: title: 'Unclosed'"


def test_quote_left_open_in_a_list_item_points_at_the_quote() -> None:
    p = only('tags:\n  - "LSH\n  - Graphs\nyear: 2008\n')
    assert (p.line, p.column) == (3, 5)
    assert p.hint == 'close the double quote opened here: - "LSH"'


def test_bracket_left_open_points_at_the_bracket() -> None:
    p = only("title: T\nauthors: A\nyear: 2020\ntags: [A, B\nvenue: X\n")
    assert (p.line, p.column, p.code) == (5, 7, "yaml-syntax")
    assert "'[' opened here" in p.message
    assert p.hint == "close the bracket opened here: tags: [A, B]"


def test_bracket_left_open_in_the_last_field_points_at_the_bracket() -> None:
    p = only("title: T\nlinks: {name: Code, url: https://x.org\n")
    assert (p.line, p.column) == (3, 8)
    assert p.hint == "close the brace opened here: links: {name: Code, url: https://x.org}"


def test_multi_line_quoted_value_is_not_blamed_for_a_later_error() -> None:
    p = only('summary: "one\n  two"\ntitle: Hashing: Codes\n')
    assert (p.line, p.column) == (4, 15)
    assert "quote the value of 'title'" in p.hint


def test_block_scalar_is_not_blamed_for_a_later_error() -> None:
    p = only('note: |\n  say "hi\ntitle: Hashing: Codes\n')
    assert (p.line, p.column) == (4, 15)
    assert "quote the value of 'title'" in p.hint


def test_closed_quotes_do_not_move_an_error() -> None:
    p = only('venue: "CVPR"\ntitle: Hashing: Codes\n')
    assert (p.line, p.column) == (3, 15)


def test_list_over_several_lines_left_open_points_at_the_bracket() -> None:
    p = only("tags: [A, B,\n  C, D\nyear: 2020\n")
    assert (p.line, p.column) == (2, 7)
    assert p.message.endswith("so YAML reads the lines after it into this list")
    assert p.hint == "close the bracket opened here with ']' after the last item"


# --- a value that starts with a YAML indicator -------------------------------------------------

GENUINE = "write the value out in full instead of referring to an anchor"


def test_ampersand_starting_a_title_asks_for_quotes() -> None:
    p = only("title: &Amp Hashing\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-alias")
    assert p.hint == 'quote the value: title: "&Amp Hashing"'


def test_star_starting_a_title_asks_for_quotes_once() -> None:
    p = only("title: *Star Hashing\nyear: 2020\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-alias")
    assert p.hint == 'quote the value: title: "*Star Hashing"'


def test_star_alone_naming_no_anchor_asks_for_quotes() -> None:
    p = only("title: *Star\n")
    assert (p.line, p.column, p.hint) == (2, 8, 'quote the value: title: "*Star"')


def test_bang_starting_a_title_asks_for_quotes() -> None:
    p = only("title: !Bang Hashing\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-tag")
    assert p.hint == 'quote the value: title: "!Bang Hashing"'


def test_indicator_starting_a_list_item_asks_for_quotes() -> None:
    p = only('tags:\n  - &Amp Hashing "LSH"\n')
    assert (p.line, p.column) == (3, 5)
    assert p.hint == 'quote the value: - "&Amp Hashing \\"LSH\\""'


def test_characters_yaml_reserves_ask_for_quotes() -> None:
    p = only("title: @Home Hashing\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-syntax")
    assert p.hint == 'quote the value: title: "@Home Hashing"'
    p = only("title: *, Hashing\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-syntax")
    assert p.hint == 'quote the value: title: "*, Hashing"'


def test_genuine_anchors_and_aliases_keep_their_message() -> None:
    found = problems("base: &b\n  a: 1\nx: *b\nvenue_copy: &v NeurIPS\nalso: *v\n")
    assert [(p.line, p.column, p.code, p.hint) for p in found] == [
        (2, 7, "yaml-alias", GENUINE), (4, 4, "yaml-alias", GENUINE),
        (5, 13, "yaml-alias", GENUINE), (6, 7, "yaml-alias", GENUINE)]


def test_genuine_tags_keep_their_message() -> None:
    p = only("x: !!python/object/apply:os.system ['touch pwned']\n")
    assert p.code == "yaml-tag"
    assert p.hint == GENUINE_TAG


GENUINE_TAG = "remove the '!' tag; l2h's YAML files hold only plain text, numbers, true/false, lists and mappings"


@pytest.mark.parametrize(("line", "hint"), [
    ("year: !!python/int 2008", "remove the tag: year: 2008"),
    ("tags:\n  - Hashing\nopen: !!python/bool  true  # a comment", "remove the tag: open: true"),
    ("year: !!python/int\n  2008", GENUINE_TAG)])
def test_a_known_tag_on_a_value_is_told_to_be_removed_from_the_line(line: str, hint: str) -> None:
    p = only(line + "\n")
    assert (p.code, p.hint) == ("yaml-tag", hint)


@pytest.mark.parametrize(("line", "hint"), [
    ("required: !x true", "remove the tag: required: true"), ("year: !x 2008", "remove the tag: year: 2008"),
    ("list_limit: !draft 1.5", "remove the tag: list_limit: 1.5"),
    ("added: !x 2024-01-15", "remove the tag: added: 2024-01-15"),
    ("title: !Bang 2008 Hashing", 'quote the value: title: "!Bang 2008 Hashing"'),
    ("title: !Bang", 'quote the value: title: "!Bang"')])
def test_a_local_tag_on_a_number_a_boolean_or_a_date_is_told_to_be_removed(line: str, hint: str) -> None:
    """Quoted as the hint said ('required: "!x true"'), the value was text, which a boolean or a year cannot be."""
    p = only(line + "\n")
    assert (p.code, p.hint) == ("yaml-tag", hint)


# --- a field indented by mistake ---------------------------------------------------------------


def test_indented_field_after_a_plain_value_asks_to_unindent_it() -> None:
    p = only("title: Foo\n  authors: John Doe\nyear: 2020\n")
    assert (p.line, p.column, p.code) == (3, 3, "yaml-syntax")
    assert "'authors:' is indented" in p.message
    assert p.hint == "write 'authors:' at the start of the line, like the other fields"


def test_indented_field_after_a_quoted_value_asks_to_unindent_it() -> None:
    p = only('title: "Foo"\n\n   authors: John Doe\n')
    assert (p.line, p.column) == (4, 4)
    assert p.hint == "write 'authors:' at the start of the line, like the other fields"


def test_indented_field_in_a_list_of_links_asks_to_align_it() -> None:
    p = only("links:\n  - name: Code\n      url: https://x.org\n")
    assert (p.line, p.column) == (4, 7)
    assert p.hint == "indent 'url:' by 4 spaces, like 'name:' above it"


def test_colon_in_an_unindented_value_keeps_its_hint() -> None:
    p = only("title: Foo\nauthors: John: Doe\n")
    assert "quote the value of 'authors'" in p.hint


# --- no space after a colon ------------------------------------------------------------------------


def test_a_field_without_a_space_after_its_colon_is_blamed_at_its_line() -> None:
    # YAML fails on the line after it (or at the next ': '): the error was there, with a fix about that line's
    # indentation or quotes
    p = only("title: Spectral Hashing\nyear:2008\nvenue: NeurIPS\n")
    assert (p.line, p.column, p.code) == (3, 6, "yaml-syntax")
    assert p.message == "invalid YAML: 'year:' has no space after the colon, so YAML reads 'year:2008' as text, not as a field"
    assert p.hint == "write a space after the colon: year: 2008"
    p = only("title:Spectral Hashing\nauthors: Yair Weiss, Rob Fergus\n")
    assert (p.line, p.column, p.hint) == (2, 7, "write a space after the colon: title: Spectral Hashing")
    p = only("links:\n  - name: Code\n    url:https://example.org/\n")
    assert (p.line, p.column, p.hint) == (4, 9, "write a space after the colon: url: https://example.org/")


def test_a_value_wrapped_onto_the_left_margin_is_blamed_at_the_wrapped_line() -> None:
    # YAML fails on the field after it: the error was there, with a fix about that line's indentation
    p = only("title: Spectral Hashing for\nVery Large Data Sets\nauthors: Yair Weiss\n")
    assert (p.line, p.column, p.code) == (3, 1, "yaml-syntax")
    assert p.message == ("invalid YAML: this line goes on with the value of 'title' above it, but YAML reads a line "
                         "that starts at the left margin as a new field, and finds no ':'")
    assert p.hint == ("join it to the line above, title: Spectral Hashing for Very Large Data Sets, or indent the "
                      "wrapped text by two spaces")
    p = only("title: Spectral Hashing for\nVery Large\nData Sets\nyear: 2008\n")
    assert (p.line, p.column) == (3, 1)
    assert p.hint.startswith("join it to the line above, title: Spectral Hashing for Very Large Data Sets, ")


# --- a quote inside a quoted value -------------------------------------------------------------

APOSTROPHE = "write each ' inside the value twice: title: 'It''s Hashing', or use double quotes: title: \"It's Hashing\""


def test_apostrophe_inside_single_quotes_asks_to_double_it() -> None:
    p = only("title: 'It's Hashing'\nyear: 2020\n")
    assert (p.line, p.column, p.code) == (2, 11, "yaml-syntax")
    assert "ends the single-quoted value early" in p.message
    assert p.hint == APOSTROPHE


def test_apostrophe_before_other_single_quotes_is_blamed_on_its_line() -> None:
    p = only("year: 2020\ntitle: 'It's Hashing'\nvenue: 'CVPR'\n")
    assert (p.line, p.column, p.hint) == (3, 11, APOSTROPHE)


def test_apostrophe_in_an_unclosed_single_quote_asks_to_double_it() -> None:
    p = only("title: 'It's Hashing\n")
    assert (p.line, p.column, p.hint) == (2, 11, APOSTROPHE)


def test_apostrophes_already_doubled_are_kept() -> None:
    p = only("title: 'Don''t say it's'\n")
    assert (p.line, p.column) == (2, 22)
    assert "title: 'Don''t say it''s'" in p.hint and "title: \"Don't say it's\"" in p.hint


def test_double_quote_inside_double_quotes_asks_to_escape_it() -> None:
    p = only('title: "The "Best" Hashing"\n')
    assert (p.line, p.column, p.code) == (2, 13, "yaml-syntax")
    assert p.hint == ('write \\" for each " inside the value: title: "The \\"Best\\" Hashing", '
                      "or use single quotes: title: 'The \"Best\" Hashing'")


@pytest.mark.parametrize(("title", "escape"), [
    ("Hashing with $\\mathcal{H}$", "\\mathcal"), ("$\\xi$-codes", "\\xi"), ("99\\% Recall", "\\%"),
    ("$a\\,b$ Hashing", "\\,"), ("$\\{x\\}$ Sets", "\\{"), ("Hashing $a\\_b$", "\\_"),
    ("Hashing $\\alpha$", "\\alpha"),
])
def test_latex_in_double_quotes_is_told_to_take_single_quotes(title: str, escape: str) -> None:
    # A backslash YAML refuses (\mathcal, \%, \xi) was a syntax error whose fix was "wrap values with special
    # characters in double quotes", the cause; \_, which YAML reads as a no-break space, passed. Each is now told as
    # \alpha is, at the value's start.
    written = f'title: "{title}"\nyear: 2020\n'
    p = only(written)
    assert (p.line, p.column, p.code) == (2, 8, "yaml-escape")
    assert p.message == f'inside double quotes YAML reads "{escape}" as an escape sequence, not as LaTeX'
    assert p.hint == "use single quotes around this value (write a ' inside it as ''), or double each backslash"
    fixed = load_yaml(f"title: '{title}'\nyear: 2020\n")  # the fix works, and keeps the LaTeX as written
    assert (fixed.problems, fixed.value) == ([], {"title": title, "year": 2020})


def test_quoted_items_without_brackets_are_given_the_list_to_write() -> None:
    # the fix was to escape the quotes between them: one author `Yair Weiss", "Antonio Torralba`, which l2h read as two
    # names with a stray quote each, and passed
    p = only('authors: "Yair Weiss", "Antonio Torralba"\nyear: 2020\n')
    assert (p.line, p.column, p.code) == (2, 21, "yaml-syntax")
    assert p.message == ('invalid YAML: this " ends the value, and the items after the comma are not read: quoted '
                         "items separated by commas are a list only between [ and ]")
    assert p.hint == 'write authors: ["Yair Weiss", "Antonio Torralba"]'
    fixed = load_yaml(p.hint.removeprefix("write ") + "\n")
    assert fixed.problems == [] and fixed.value == {"authors": ["Yair Weiss", "Antonio Torralba"]}
    p = only("tags: 'Image Retrieval', 'LSH',\n")
    assert p.hint == "write tags: ['Image Retrieval', 'LSH']"
    p = only('authors:\n  - "Yair Weiss", "Antonio Torralba"\n')
    assert (p.line, p.column) == (3, 16)
    assert p.hint == 'write each item on a line of its own: - "Yair Weiss", then - "Antonio Torralba"'


def test_value_starting_with_a_doubled_apostrophe_is_read_to_its_real_end() -> None:
    p = only("title: '''Quoted'' isn't'\n")
    assert (p.line, p.column) == (2, 23)
    assert "title: '''Quoted'' isn''t'" in p.hint


def test_text_after_a_whole_quoted_value_is_not_taken_for_an_inner_quote() -> None:
    p = only('venue: "CVPR" 2008\n')
    assert (p.line, p.column) == (2, 15)
    assert "for each" not in p.hint


def test_text_after_a_whole_quoted_value_gets_the_value_to_write() -> None:
    # the fix was to check the quoting and to wrap the value in double quotes, which it was
    p = only('title: "DeepBit": Learning Binary Codes\nyear: 2016\n')
    assert (p.line, p.column, p.code) == (2, 17, "yaml-syntax")
    assert p.message == "invalid YAML: this text follows a whole value in quotes, and YAML cannot read it"
    assert p.hint == ('write the whole value in quotes: title: "DeepBit: Learning Binary Codes", or, to keep these '
                      """quotes as part of it, title: '"DeepBit": Learning Binary Codes'""")


def test_colon_hint_for_a_value_in_typographic_quotes_writes_straight_ones() -> None:
    p = only("title: “DAH: Deep Hashing Network”\nyear: 2020\n")
    assert (p.line, p.code) == (2, "yaml-syntax")
    assert p.hint == """quote the value of 'title': it contains ': ', e.g. title: "DAH: Deep Hashing Network\""""


# --- non-breaking spaces pasted from a web page -----------------------------------------------------


def test_non_breaking_spaces_indenting_a_field_are_named() -> None:
    p = only("links:\n  - name: Code\n\u00a0\u00a0\u00a0\u00a0url: https://example.org\n")
    assert (p.line, p.column, p.code) == (4, 1, "yaml-nbsp")
    assert p.message == "non-breaking space (U+00A0) used for indentation, where YAML needs an ordinary space"
    assert p.hint == ("retype the indentation of this line with ordinary spaces "
                      "(text copied from a web page brings non-breaking ones)")


def test_non_breaking_space_after_a_key_or_dash_is_named() -> None:
    p = only("title:\u00a0Spectral Hashing\nyear: 2008\n")
    assert (p.line, p.column, p.code) == (2, 7, "yaml-nbsp")
    assert p.message == "non-breaking space (U+00A0) used after 'title:', where YAML needs an ordinary space"
    assert p.hint.startswith("retype the space after 'title:' with ordinary spaces")
    p = only("tags:\n  -\u202fLSH\n")
    assert (p.line, p.column) == (3, 4)
    assert p.message.startswith("narrow non-breaking space (U+202F) used after '-'")


def test_non_breaking_spaces_within_a_value_are_text() -> None:
    doc = load_yaml("title: \u00a0Spectral\u00a0Hashing\n", first_line=2)
    assert doc.problems == [] and doc.value == {"title": "\u00a0Spectral\u00a0Hashing"}
    # a line that continues a value, indented with one (a title broken over two lines): text, not indentation
    doc = load_yaml("title: A long\n  \u00a0title continued\nyear: 2008\n", first_line=2)
    assert doc.problems == [] and doc.value == {"title": "A long \u00a0title continued", "year": 2008}


def test_braces_starting_a_list_item_ask_for_quotes() -> None:
    """A "Family, Given" name with its family name in braces, unquoted in a block list: YAML reads a mapping and then
    finds text after it."""
    p = only("authors:\n  - Ann Lee\n  - {De la Torre}, Fernando\n")
    assert (p.line, p.column, p.code) == (4, 5, "yaml-syntax")
    assert p.message == ("invalid YAML: this value starts with '{', so YAML reads a mapping up to '}' and cannot read "
                         "the text after it")
    assert p.hint == 'quote the value: - "{De la Torre}, Fernando"'


def test_brackets_starting_a_title_ask_for_quotes() -> None:
    p = only("title: [Deep] Hashing for Retrieval\nyear: 2020\n")
    assert (p.line, p.column, p.code) == (2, 8, "yaml-syntax")
    assert p.hint == 'quote the value: title: "[Deep] Hashing for Retrieval"'


def test_brackets_with_an_error_inside_keep_the_general_hint() -> None:
    """Not every error on a line that starts with a bracket is text after it: a list that holds a bad item."""
    p = only("tags: [A, @B]\n")
    assert p.code == "yaml-syntax"
    assert not p.hint.startswith("quote the value: tags:")


def test_a_quote_within_a_word_in_brackets_does_not_hide_the_text_after_them() -> None:
    """An apostrophe inside a word is no quote in YAML's brackets: the text after the brackets is still named, at the
    value's start (it was "did not find expected key")."""
    p = only("title: [Bob's] Hashing\nyear: 2020\n")
    assert (p.line, p.column, p.code, p.hint) == (2, 8, "yaml-syntax", 'quote the value: title: "[Bob\'s] Hashing"')


def test_an_escaped_quote_in_brackets_does_not_end_the_quoted_item() -> None:
    """The bracket after an escaped quote is inside the item: an error after it is inside the brackets, not text after
    them (it was taken for the list's end)."""
    p = only('title: ["b\\"]", @x]\nyear: 2020\n')
    assert p.code == "yaml-syntax"
    assert not p.hint.startswith("quote the value")


def test_a_list_followed_by_another_is_not_offered_as_text() -> None:
    """"tags: [A, B] [C]" is a list meant, not text: quoting it would make tags one string."""
    p = only("tags: [A, B] [C]\n")
    assert p.code == "yaml-syntax"
    assert not p.hint.startswith("quote the value")


def test_a_bracket_opened_on_the_last_line_and_never_closed_is_blamed_on_its_line() -> None:
    # YAML's context was the end of the text: "did not find expected node content", at the line after the last
    p = only("title: X\ntags: [\n")
    assert (p.line, p.column, p.code) == (3, 7, "yaml-syntax")
    assert (p.message, p.hint) == ("invalid YAML: the '[' opened here is never closed",
                                   ("write the items after the bracket and close it with ']', or put the whole "
                                    "value in quotes if the '[' is part of its text"))
    p = only("title: X\ntags: [Image Retrieval, # LSH later\n")
    assert (p.line, p.column, p.hint) == (3, 7, "close the bracket opened here with ']' after the last item")


def test_a_loaded_document_keeps_none_of_its_nodes() -> None:
    """The values of years, dates, numbers and booleans are not memoised with their nodes in a loader that lasts as
    long as the process: l2h serve held every such node it had ever read (a leak of 33 objects a rebuild at 500
    papers, found by watching the objects alive over 240 rebuilds)."""
    import gc

    def nodes() -> int:
        gc.collect()
        return sum(isinstance(o, yaml.nodes.Node) for o in gc.get_objects())

    before = nodes()
    for year in range(1990, 2090):
        doc = load_yaml(f"year: {year}\nadded: 2024-05-0{year % 9 + 1}\ndraft: false\nscore: 1.5\nnone: ~\n")
        assert doc.value == {"year": year, "added": dt.date(2024, 5, year % 9 + 1), "draft": False, "score": 1.5,
                             "none": None}
    assert nodes() == before


@pytest.mark.parametrize(("written", "read"), [
    ("!!timestamp soon", "soon"), ("!!bool maybe", "maybe"), ("!!int 20x8", "20x8"), ("!!float x", "x"),
    ("!!seq Deep hashing", "Deep hashing"), ("!!map Deep hashing", "Deep hashing")])
def test_a_standard_tag_that_does_not_fit_its_value_leaves_the_text(written: str, read: str) -> None:
    """For the checks to judge as the text it is ('year must be a whole number, got the text "soon"'). Before,
    !!timestamp and !!bool ended l2h with a traceback, and !!seq and !!map briefly gave a generator."""
    assert load_yaml(f"value: {written}\n").value == {"value": read}


@pytest.mark.parametrize(("written", "read"), [
    ("2008", 2008), ("1_000", 1000), ("0x1F", 31), ("-3", -3), ("1.5", 1.5), (".inf", float("inf")), ("yes", True),
    ("Off", False), ("~", None), ("null", None), ("2024-05-31", dt.date(2024, 5, 31)),
    ("2024-01-02 10:00:00+02:00", dt.datetime(2024, 1, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ("!!int 2008", 2008), ("!!str 2008", "2008"), ("!!float 2", 2.0), ("0o17", "0o17")])
def test_scalars_are_read_as_yaml_reads_them(written: str, read: object) -> None:
    assert load_yaml(f"value: {written}\n").value == {"value": read}
    assert load_yaml(f"value: {written}\n").value == yaml.safe_load(f"value: {written}\n")


def test_a_tag_on_a_key_is_named_as_written() -> None:
    p = only("!!python/str title: Spectral Hashing\n")
    assert (p.code, p.message) == ("yaml-tag", "YAML tag '!!python/str' is not allowed")


# --- a field indented as the list items above it ----------------------------------------------


PAPER_FIELDS = ("title", "tags", "family", "venue")


@pytest.mark.parametrize(("text", "where", "first", "owner", "fix"), [
    ("title: T\ntags:\n  - Theory\n  family: lsh\n", (5, 3), "- Theory", "tags",
     "write 'family:' at the start of the line, like 'tags:'"),
    ("tags:\n  - Theory\n  # a comment\n  - Image\n    Retrieval\n  venue: CVPR\n", (7, 3), "- Theory", "tags",
     "write 'venue:' at the start of the line, like 'tags:'"),
    ("venue: CVPR\nlinks:\n  - name: Code\n    url: https://x.org\n    tags:\n      - a\n      title: x\n", (8, 7),
     "- a", "tags", "indent 'title:' by 4 spaces, like 'tags:'"),
])
def test_a_paper_s_field_indented_as_the_list_above_is_told_to_line_up_with_the_list_s_field(
        text: str, where: tuple[int, int], first: str, owner: str, fix: str) -> None:
    p = load_yaml(text, first_line=2, fields=PAPER_FIELDS).problems
    assert len(p) == 1, p
    assert ((p[0].line, p[0].column), p[0].code, p[0].hint) == (where, "yaml-syntax", fix)
    key = fix.split("'")[1]
    assert p[0].message == (f"invalid YAML: '{key}' is indented as the items of the list under '{owner}:' above it are "
                            f"('{first}'), and a YAML block holds list items or fields, not both")
    fixed = text.replace("  " + key, key) if fix.startswith("write") else text.replace("      title:", "    title:")
    assert load_yaml(fixed, first_line=2, fields=PAPER_FIELDS).problems == []


def test_a_field_among_a_taxonomy_s_list_items_is_told_both_fixes() -> None:
    text = "facets:\n  learning:\n    - none\n    label: Learning\n    values: {none: {label: None}}\n"
    p = only(text)
    assert (p.line, p.column) == (5, 5)
    assert p.message.startswith("invalid YAML: 'label:' is indented as the items of the list under 'learning:'")
    assert p.hint == ("indent 'label:' by 2 spaces, like 'learning:', if it is not one of the list's; or, if the items "
                      "belong to a field of their own, write that field's name on a line of its own above them")
    assert load_yaml(text.replace("    - none\n", "    other:\n    - none\n")).problems == []


def test_a_list_item_written_without_its_dash_is_told_to_start_with_one() -> None:
    text = "links:\n  - name: Code\n    url: https://x.org\n  name: Data\n  url: https://y.org\n"
    p = load_yaml(text, first_line=2, fields=("links",)).problems
    assert [(x.line, x.column, x.hint) for x in p] == [
        (5, 3, "start it with '- ' if it begins another item, as '- name: Code' does: - name: Data")]
    assert load_yaml(text.replace("  name: Data\n  url", "  - name: Data\n    url"), first_line=2).problems == []


def test_a_second_link_without_its_dash_is_told_to_take_one() -> None:
    # The two keys met again were told only "delete line 6 ... or delete line 4", either of which lost a link
    written = ("title: T\nlinks:\n  - name: Code\n    url: https://github.com/alice/x\n    name: Data\n"
               "    url: https://github.com/alice/y\nyear: 2020\n")
    name, url = problems(written)
    assert (name.line, name.column, name.code, url.line, url.code) == (6, 5, "duplicate-key", 7, "duplicate-key")
    assert name.hint == ("if it begins another item, write it as '  - name: Data' (the lines under it stay as they "
                         "are); if not, delete line 6 to keep the first, or delete line 4 to keep this one")
    assert url.hint == ("if line 6 begins another item (see there), this line is part of it; if not, delete line 7 to "
                        "keep the first, or delete line 5 to keep this one")
    fixed = load_yaml(written.replace("    name: Data", "  - name: Data"))  # the fix, as the hint writes it
    assert fixed.problems == []
    assert fixed.value["links"] == [{"name": "Code", "url": "https://github.com/alice/x"},
                                    {"name": "Data", "url": "https://github.com/alice/y"}]
    assert only("title: T\nyear: 2020\ntitle: U\n").hint == "delete line 4 to keep the first, or delete line 2 to keep this one"


def test_a_links_url_under_indented_is_told_to_line_up_with_its_name() -> None:
    # The fix was "write 'url:' at the start of the line, like 'links:'", after which the check said that url is no
    # field of a paper's and that the link has no url
    from l2h_site.parse import KNOWN_FIELDS, LINK_FIELDS

    written = "title: T\nlinks:\n  - name: Code\n  url: https://github.com/alice/x\nyear: 2020\n"
    p, = load_yaml(written, first_line=2, fields=KNOWN_FIELDS | LINK_FIELDS, item_fields=LINK_FIELDS).problems
    assert (p.line, p.column, p.code) == (5, 3, "yaml-syntax")
    assert p.hint == "indent 'url:' by 4 spaces, like 'name:' in '- name: Code' above it"
    fixed = load_yaml(written.replace("  url:", "    url:"))
    assert (fixed.problems, fixed.value["links"]) == ([], [{"name": "Code", "url": "https://github.com/alice/x"}])
    # a paper's own field after a list is still lined up with the field the list is under
    year, = load_yaml("title: T\ntags:\n  - Hashing\n  year: 2020\n", first_line=2,
                      fields=KNOWN_FIELDS | LINK_FIELDS, item_fields=LINK_FIELDS).problems
    assert year.hint == "write 'year:' at the start of the line, like 'tags:'"


@pytest.mark.parametrize("written, at, message, hint", [
    ("  title: Deep Hashing\nauthors: Alice Smith\nyear: 2020\n", (2, 3),
     "'title:' is indented, but 'authors:' below it is not",
     "write 'title:' at the start of the line, like the other fields (remove 2 spaces)"),
    ("# a comment\n title: T\n authors: A B\nyear: 2020\n", (3, 2),
     "'title:' and 'authors:' are indented, but 'year:' below them is not",
     "write 'title:' and 'authors:' at the start of the lines, like the other fields (remove 1 space)"),
    ("  tags:\n    - Survey\nyear: 2020\n", (2, 3), "'tags:' is indented, but 'year:' below it is not",
     ("write 'tags:' at the start of the line, like the other fields (remove 2 spaces, and as many from each line "
     "under 'tags:')")),
])
def test_the_first_fields_indented_are_told_where_they_are_and_what_to_remove(
        written: str, at: tuple[int, int], message: str, hint: str) -> None:
    # The error was at the first field that is not indented ("did not find expected <document start>"), with the
    # generic fix of quoting and indentation; a later field indented already had a fix of its own
    p = only(written)
    assert ((p.line, p.column), p.code, p.message, p.hint) == (
        at, "yaml-syntax", f"invalid YAML: {message}: the fields must all start at the start of their lines", hint)
    fixed = load_yaml("\n".join(line.lstrip() for line in written.split("\n")).replace("- Survey", "  - Survey"))
    assert fixed.problems == [] and fixed.value["year"] == 2020


@pytest.mark.parametrize("written, hint", [
    ("---\ntitle: Hashing\n---\n", ("delete the line (and line 1, the --- at the top): the file is YAML alone, "
                                   "without the '---' lines of a paper's front matter")),
    ("title: Hashing\n---\nbase_url: https://a.org/\n", ("delete the line: the file is YAML alone, without the '---' "
                                                         "lines of a paper's front matter")),
])
def test_a_settings_file_written_as_front_matter_is_told_to_lose_its_dashes(written: str, hint: str) -> None:
    # the fix was "check the quoting and indentation of this line; wrap values with special characters in double quotes"
    p, = load_yaml(written).problems
    assert (p.line, p.code, p.message, p.hint) == (
        written.split("\n").index("---", 1) + 1, "yaml-syntax",
        "invalid YAML: the line '---' starts a second document, which the file cannot hold", hint)


@pytest.mark.parametrize("line, column, message, hint", [
    # each had the generic fix, "check the quoting and indentation of this line; …", where a sibling had its own
    ("title: 'Deep' Hashing Revisited", 15, "this text follows a whole value in quotes, and YAML cannot read it",
     ("write the whole value in quotes: title: \"Deep Hashing Revisited\", or, to keep these quotes as part of it, "
     "title: \"'Deep' Hashing Revisited\"")),
    ("title: | Hashing", 8, ("this value starts with '|', which YAML reads as the mark of a value on the lines below, "
     "not as text"), 'quote the value: title: "| Hashing"'),
    ("title: > Hashing", 8, ("this value starts with '>', which YAML reads as the mark of a value on the lines below, "
     "not as text"), 'quote the value: title: "> Hashing"'),
    ("title: - Hashing", 8, "this value starts with '-', which YAML reads as a list item, not as text",
     'quote the value: title: "- Hashing"'),
    ("title: ? Hashing", 8, "this value starts with '?', which YAML reads as a key, not as text",
     'quote the value: title: "? Hashing"'),
])
def test_a_value_that_starts_with_a_mark_of_yaml_gets_the_value_quoted(line: str, column: int, message: str,
                                                                       hint: str) -> None:
    p = only(line + "\nyear: 2020\n")
    assert (p.line, p.column, p.code, p.message, p.hint) == (2, column, "yaml-syntax", f"invalid YAML: {message}", hint)
    fixed = load_yaml(hint.split(": ", 1)[1].split(", or,")[0] + "\n")
    assert fixed.problems == [] and isinstance(fixed.value["title"], str)


def test_an_anchor_alone_as_a_value_is_text_to_quote() -> None:
    # "write the value out in full instead of referring to an anchor": nothing refers to it
    p = only("title: &Hashing\nyear: 2020\n")
    assert (p.code, p.hint) == ("yaml-alias", 'quote the value: title: "&Hashing"')
