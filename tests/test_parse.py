"""Unit tests of the parse stage: both field spellings read into one model, problems as values."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from l2h_site.diagnostics import Diagnostic
from l2h_site.model import NameSplit, SourceFile
from l2h_site.parse import ParsedPaper, check_url, find_deep_nesting, parse_paper_bytes, split_authors

FACETS = frozenset({"family", "modality"})


def parse(text: str | bytes, name: str = "weiss2008spectral.md") -> tuple[ParsedPaper | None, list[Diagnostic]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    source = SourceFile(path=Path("/nowhere") / name, relpath=f"papers/{name}", key=name.rsplit(".", 1)[0])
    return parse_paper_bytes(data, source, FACETS)


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


LEGACY = (
    "---\r\n"
    "layout: publication\r\n"
    "title: Deep Hashing for Compact Binary Codes\r\n"
    "authors: Venice Erin Liong, Jiwen Lu, Gang Wang, Pierre Moulin, Jie Zhou\r\n"
    "conference: CVPR\r\n"
    "year: 2015\r\n"
    "bibkey: liong2015deep\r\n"
    "citations: 900\r\n"
    "short_authors: Liong et al.\r\n"
    "additional_links:\r\n"
    "   - {name: \"Paper\", url: \"https://example.org/liong.pdf\"}\r\n"
    "tags: [\"CNN\"]\r\n"
    "---\r\n"
    "A summary.\r\n"
)


def test_legacy_jekyll_file_reads_fully() -> None:
    parsed, diagnostics = parse(LEGACY, "liong2015deep.markdown")
    assert diagnostics == []
    assert parsed is not None
    paper = parsed.paper
    assert paper.key == "liong2015deep"
    assert paper.authors == ("Venice Erin Liong", "Jiwen Lu", "Gang Wang", "Pierre Moulin", "Jie Zhou")
    assert paper.venue == "CVPR"
    assert [(link.name, link.url) for link in paper.links] == [("Paper", "https://example.org/liong.pdf")]
    assert paper.extra == {"citations": 900, "short_authors": "Liong et al."}
    assert paper.summary == "A summary."
    assert paper.summary_line == 14


@pytest.mark.parametrize("venue_line, expected", [
    ("conference:", None), ("conference: ''", None), ("journal: No Venue", None),
    ("journal: Arxiv", "arXiv"), ("venue: arxiv", "arXiv"), ("journal: TPAMI", "TPAMI"),
])
def test_legacy_venues(venue_line: str, expected: str | None) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n{venue_line}\n---\nS\n")
    assert diagnostics == []
    assert parsed is not None and parsed.paper.venue == expected


@pytest.mark.parametrize("authors, expected", [
    ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
    ("Doe, Jane; Roe, John", ["Doe, Jane", "Roe, John"]),
    ("Jane  Doe ,John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe, John Roe, and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
    ("Jane Doe, and John Roe", ["Jane Doe", "John Roe"]),
    ("Anand Rao, Jane Doe", ["Anand Rao", "Jane Doe"]),
])
def test_split_authors(authors: str, expected: list[str]) -> None:
    assert split_authors(authors) == expected


def test_authors_as_yaml_list() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors:\n  - Jane Doe\n  - John Roe\nyear: 2000\ntags: [X]\n---\nS\n")
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.authors == ("Jane Doe", "John Roe")


def test_missing_tags_is_a_warning_not_a_lost_paper() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\n---\nS\n")
    assert parsed is not None and parsed.paper.tags == ()
    assert [(d.severity, d.code, d.message) for d in diagnostics] == [("warning", "no-tags", "the paper has no tags")]


def test_facets_read_as_tuples_and_lists() -> None:
    parsed, _ = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\nfamily: supervised\n"
                      "modality: [image, text]\n---\nS\n")
    assert parsed is not None
    assert parsed.paper.facets == {"family": ("supervised",), "modality": ("image", "text")}


def test_unquoted_arxiv_id_keeps_its_digits_and_warns() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\narxiv: 1405.2340\n---\nS\n")
    assert parsed is not None and parsed.paper.arxiv == "1405.2340"
    assert [(d.line, d.code, d.hint) for d in diagnostics] == [(6, "yaml-coercion", 'quote it: "1405.2340"')]


def test_arxiv_url_and_doi_url_are_normalised() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n"
                                "arxiv: https://arxiv.org/abs/1509.02897\ndoi: https://doi.org/10.1109/TPAMI.2012.193\n---\nS\n")
    assert diagnostics == [] and parsed is not None
    assert (parsed.paper.arxiv, parsed.paper.doi) == ("1509.02897", "10.1109/TPAMI.2012.193")


@pytest.mark.parametrize("line, message, hint", [
    ("doi: 10.1109/CVPR.2017.572.", 'doi "10.1109/CVPR.2017.572." is not a DOI: it ends with ".", which is not part of it',
     "write doi: 10.1109/CVPR.2017.572"),
    ("doi: 10.1109/CVPR.2017.572,", 'doi "10.1109/CVPR.2017.572," is not a DOI: it ends with ",", which is not part of it',
     "write doi: 10.1109/CVPR.2017.572"),
    ("doi: https://www.doi.org/10.1109/CVPR.2017.572", 'doi "https://www.doi.org/10.1109/CVPR.2017.572" is not a DOI',
     "write doi: 10.1109/CVPR.2017.572"),
    ("arxiv: https://arxiv.org/pdf/1706.07522.pdf", 'arxiv "https://arxiv.org/pdf/1706.07522.pdf" is not an arXiv id',
     'write arxiv: "1706.07522"'),
    ("arxiv: arXiv 0807", 'arxiv "arXiv 0807" is not an arXiv id',
     "write an arXiv id like 1509.02897 (or hep-th/9901001), or remove the line if you are not sure"),
])
def test_a_malformed_identifier_gets_the_one_it_holds_as_the_fix(line: str, message: str, hint: str) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n{line}\n---\nS\n")
    assert parsed is not None and (parsed.paper.arxiv, parsed.paper.doi) == (None, None)
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [(6, line[:line.index(":")] + "-format",
                                                                                 message, hint)]


@pytest.mark.parametrize("line, column, message, hint", [
    ("title: “Deep Hashing”", 8, "title “Deep Hashing” is in typographic quotes, which YAML keeps as part of the text",
     'write it in straight quotes: "Deep Hashing"'),
    ("title: ‘Deep Hashing’", 8, "title ‘Deep Hashing’ is in typographic quotes, which YAML keeps as part of the text",
     'write it in straight quotes: "Deep Hashing"'),
    ("arxiv: “1706.07522”", 8, "arxiv “1706.07522” is in typographic quotes, which YAML keeps as part of the text",
     'write it in straight quotes: "1706.07522"'),
    ("tags: [X, „Y“]", 11, "tag „Y“ is in typographic quotes, which YAML keeps as part of the text",
     'write it in straight quotes: "Y"'),
])
def test_a_value_in_typographic_quotes_is_one_error_with_straight_quotes_as_the_fix(
        line: str, column: int, message: str, hint: str) -> None:
    fields = ["title: T", "authors: A B", "year: 2000", "tags: [X]", "arxiv: '1509.02897'"]
    at = next(i for i, f in enumerate(fields) if f.split(":")[0] == line.split(":")[0])
    fields[at] = line
    parsed, diagnostics = parse("---\n" + "\n".join(fields) + "\n---\nS\n")
    assert parsed is not None and not parsed.complete
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (at + 2, column, "typographic-quotes", message, hint)]


def test_typographic_quotes_within_a_value_are_text() -> None:
    parsed, diagnostics = parse("---\ntitle: The “Curse” of Dimensionality’s End\nauthors: A B\nyear: 2000\n"
                                "tags: [X]\n---\nS\n")
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.title == "The “Curse” of Dimensionality’s End"


@pytest.mark.parametrize("title", ["“Deep” Hashing Is “Hard”", "‘Deep’ Hashing Is ‘Hard’", "«Deep» Hashing Is «Hard»",
                                   "„Deep“ Hashing Is „Hard“"])
def test_a_value_that_starts_and_ends_with_quoted_words_is_text(title: str) -> None:
    parsed, diagnostics = parse(f"---\ntitle: {title}\nauthors: A B\nyear: 2000\ntags: [X]\n---\nS\n")
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.title == title


def test_an_apostrophe_within_typographic_quotes_keeps_them_an_error() -> None:
    parsed, diagnostics = parse("---\ntitle: ‘Don’t Hash’\nauthors: A B\nyear: 2000\ntags: [X]\n---\nS\n")
    assert parsed is not None and not parsed.complete
    assert [(d.code, d.hint) for d in diagnostics] == [("typographic-quotes", 'write it in straight quotes: "Don’t Hash"')]


@pytest.mark.parametrize("line, column, name", [
    ("authors: “Alexis Joly”, “Olivier Buisson”", 10, "“Alexis Joly”"),
    ("authors: Alexis Joly, “Olivier Buisson”", 23, "“Olivier Buisson”"),
    ("authors: Alexis Joly, ‘Olivier Buisson’", 23, "‘Olivier Buisson’"),
])
def test_names_in_typographic_quotes_in_a_line_of_names_are_an_error(line: str, column: int, name: str) -> None:
    """Each name of the line is quoted, not the line: YAML read the quotes as part of the names (they were shown so)."""
    parsed, diagnostics = parse(f"---\ntitle: T\n{line}\nyear: 2000\ntags: [X]\n---\nS\n", "joly2000t.md")
    assert parsed is not None and not parsed.complete
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (3, column, "typographic-quotes", f"author {name} is in typographic quotes, which are kept as part of the name in "
         + "a line of names", "write the names without quotes: authors: Alexis Joly, Olivier Buisson")]


def test_a_list_of_names_all_in_typographic_quotes_is_not_also_empty() -> None:
    _, diagnostics = parse("---\ntitle: T\nauthors: [“Alexis Joly”, “Olivier Buisson”]\nyear: 2000\n"
                           "tags: [X]\n---\nS\n", "joly2000t.md")
    assert [(d.line, d.column, d.code, d.hint) for d in diagnostics] == [
        (3, 11, "typographic-quotes", 'write it in straight quotes: "Alexis Joly"'),
        (3, 26, "typographic-quotes", 'write it in straight quotes: "Olivier Buisson"')]


@pytest.mark.parametrize("before, message, hint", [
    ("\n", "file does not start with front matter: a blank line comes before the '---' on line 2",
     "delete the line above it, so that the file starts with '---'"),
    ("\n  \n\n", "file does not start with front matter: 3 blank lines come before the '---' on line 4",
     "delete the lines above it, so that the file starts with '---'"),
    ("A note.\n", "file does not start with front matter",
     "start the file with a line '---', then the fields (title: …), then another '---'"),
])
def test_blank_lines_before_the_front_matter_are_named_in_the_fix(before: str, message: str, hint: str) -> None:
    parsed, diagnostics = parse(before + "---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\nS\n")
    assert parsed is None
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (1, 1, "missing-front-matter", message, hint)]


def test_an_http_dx_doi_address_is_read_as_its_doi() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n"
                                "doi: http://dx.doi.org/10.1109/TPAMI.2012.193\n---\nS\n")
    assert diagnostics == [] and parsed is not None and parsed.paper.doi == "10.1109/TPAMI.2012.193"


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    parsed, diagnostics = parse("---\ntitle: '  '\nauthors: {}\nyear: 2019.5\ntags: [X]\n---\nS\n")
    assert parsed is not None and not parsed.complete, "kept for checking, never for the site"
    assert parsed.unread == {"title", "authors", "year"}
    assert (parsed.paper.title, parsed.paper.authors, parsed.paper.year, parsed.paper.tags) == ("", (), 0, ("X",))
    assert [(d.line, d.code) for d in diagnostics] == [(2, "empty-field"), (3, "wrong-type"), (4, "wrong-type")]
    assert diagnostics[2].message == "year must be a whole number, got the number 2019.5"


def test_summary_position_counts_blank_lines() -> None:
    parsed, _ = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\n\n\nS\n")
    assert parsed is not None and parsed.paper.summary_line == 9


@pytest.mark.parametrize("url, problem", [
    ("https://example.org/a?b=c#d", None),
    ("http://example.org", None),
    ("javascript:alert(1)", "only http(s) links are allowed"),
    ("JaVaScRiPt:alert(1)", "only http(s) links are allowed"),
    ("data:text/html,<script>", "only http(s) links are allowed"),
    ("vbscript:msgbox", "only http(s) links are allowed"),
    ("/relative/path", "it is not an absolute http(s) URL"),
    ("https://exa mple.org", "it contains spaces or control characters"),
    ("https://example.org/\x07", "it contains spaces or control characters"),
    ("HTTPS://example.org", None),
    ("https://", "it has no valid host name"),
    # an IPv4 address as browsers read it, also written short or in another base, and a port out of range
    ("https://127.1/", "its host is a local or private network address, which readers cannot reach"),
    ("https://2130706433/", "its host is a local or private network address, which readers cannot reach"),
    ("https://0x7f000001/", "its host is a local or private network address, which readers cannot reach"),
    ("http://0177.0.0.1./x", "its host is a local or private network address, which readers cannot reach"),
    ("https://192.168.1.1:8080/", "its host is a local or private network address, which readers cannot reach"),
    ("https://8.8.8.8/", None),
    ("https://134744072/", None),  # 8.8.8.8
    ("https://1.2.3.4.5/", "it has no valid host name"),
    ("https://github.com:99999/a", "its port is not a number from 0 to 65535"),
    ("https://github.com:x/a", "its port is not a number from 0 to 65535"),
    ("https://github.com:8443/a", None),
    ("https://arxiv.org/abs/1234.5678", None),
    ("https://x.0xfoo/", None),  # not a number: a host name
])
def test_check_url(url: str, problem: str | None) -> None:
    assert check_url(url) == problem


def test_positions_of_many_papers_share_their_paths_and_points() -> None:
    first, _ = parse(LEGACY, "liong2015deep.markdown")
    second, _ = parse(LEGACY.replace("Deep Hashing", "Deeper Hashing"), "liong2015deeper.markdown")
    assert first is not None and second is not None
    assert first.positions[("title",)] == (3, 8)
    assert first.positions == second.positions
    for (path, point), (other_path, other_point) in zip(first.positions.items(), second.positions.items()):
        assert path is other_path and point is other_point
    # also after the round trip through the memo file or a worker process
    again = pickle.loads(pickle.dumps(first))
    assert again == first
    assert all(a is b for a, b in zip(again.positions, first.positions))


def test_a_paper_with_a_duplicate_key_is_still_read_for_checking() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\ntags: [Y]\nfamily: [a, !!binary x]\n"
                                "---\nS\n")
    assert [(d.line, d.code) for d in diagnostics] == [(6, "duplicate-key"), (7, "yaml-tag")]
    assert parsed is not None and not parsed.complete
    assert parsed.paper.tags == ("X",) and parsed.paper.facets == {"family": ("a",)}
    assert parsed.unread == {"family"}, "the value YAML could not read is not reported a second time"


@pytest.mark.parametrize("authors, read_as, fix, other", [
    ("Weiss, Yair and Torralba, Antonio", '4 names, "Weiss", "Yair", "Torralba", "Antonio"',
     "Yair Weiss, Antonio Torralba", '["Weiss", "Yair", "Torralba", "Antonio"]'),
    ("Doe, J.", '2 names, "Doe", "J."', "J. Doe", None),
    ("Weiss, Yair", '2 names, "Weiss", "Yair"', "Yair Weiss", '["Weiss", "Yair"]'),
    ("Doe, J.-P., Roe, K. L.", '4 names, "Doe", "J.-P.", "Roe", "K. L."', "J.-P. Doe, K. L. Roe", None),
    ("Jégou, Hervé; Douze, Matthijs", '2 names, "Jégou, Hervé", "Douze, Matthijs"', "Hervé Jégou, Matthijs Douze",
     None),
    ("OpenAI, DeepMind", '2 names, "OpenAI", "DeepMind"', "DeepMind OpenAI", "[OpenAI, DeepMind]"),
])
def test_bibtex_style_authors_are_an_error_with_the_list_rewritten(
        authors: str, read_as: str, fix: str, other: str | None) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: {authors}\nyear: 2000\ntags: [X]\n---\nS\n")
    assert [(d.line, d.column, d.code) for d in diagnostics] == [(3, 10, "authors-bibtex-style")]
    assert diagnostics[0].message == (f'authors "{authors}" are written "Last, First" as in BibTeX; l2h would read '
                                      f"them as {read_as}")
    names = split_authors(authors)
    said = f" (or, if they are {len(names)} names after all, organisations say, a list: authors: {other})" if other else ""
    assert diagnostics[0].hint == f"write each name first name first: authors: {fix}{said}"
    assert parsed is not None and not parsed.complete
    if other:  # the other reading, as the hint writes it, is read without a word
        parsed, diagnostics = parse(f"---\ntitle: T\nauthors: {other}\nyear: 2000\ntags: [X]\n---\nS\n")
        assert diagnostics == [] and parsed is not None and list(parsed.paper.authors) == names


def list_paper(authors: str) -> str:
    return f"---\ntitle: T\nauthors: {authors}\nyear: 2000\ntags: [X]\n---\nS\n"


@pytest.mark.parametrize("authors, paired, pairs, fix, quoted", [
    ("[Weiss, Yair]", '"Weiss", "Yair"', 'a "Last, First" pair', "[Yair Weiss]", '["Weiss", "Yair"]'),
    ("[Weiss, Yair, Torralba, Antonio]", '"Weiss", "Yair", "Torralba", "Antonio"', '2 "Last, First" pairs',
     "[Yair Weiss, Antonio Torralba]", '["Weiss", "Yair", "Torralba", "Antonio"]'),
    ("[Yair Weiss, Torralba, Antonio, Rob Fergus]", '"Torralba", "Antonio"', 'a "Last, First" pair',
     "[Yair Weiss, Antonio Torralba, Rob Fergus]", '[Yair Weiss, "Torralba", "Antonio", Rob Fergus]'),
    ("[Mount, David M., Arya, Sunil]", '"Mount", "David M.", "Arya", "Sunil"', '2 "Last, First" pairs',
     "[David M. Mount, Sunil Arya]", '["Mount", "David M.", "Arya", "Sunil"]'),
    ("[Tepper, Mariano, Bhati, Ishwar Singh]", '"Tepper", "Mariano", "Bhati", "Ishwar Singh"',
     '2 "Last, First" pairs', "[Mariano Tepper, Ishwar Singh Bhati]", '["Tepper", "Mariano", "Bhati", "Ishwar Singh"]'),
    ("[LeCun, Yann, 'Smith, Jr., John']", '"LeCun", "Yann"', 'a "Last, First" pair',
     '[Yann LeCun, "Smith, Jr., John"]', '["LeCun", "Yann", "Smith, Jr., John"]'),
    ("\n  - Jégou\n  - Hervé", '"Jégou", "Hervé"', 'a "Last, First" pair', "[Hervé Jégou]", '["Jégou", "Hervé"]'),
    # a surname after lowercase particles
    ("[van der Maaten, Laurens, Hinton, Geoffrey]", '"van der Maaten", "Laurens", "Hinton", "Geoffrey"',
     '2 "Last, First" pairs', "[Laurens van der Maaten, Geoffrey Hinton]",
     '["van der Maaten", "Laurens", "Hinton", "Geoffrey"]'),
    # a one-word name quoted is whole: the lists on either side of it are read on their own, and it stays quoted
    ('[Weiss, Yair, "Devvrit", Torralba, Antonio]', '"Weiss", "Yair", "Torralba", "Antonio"', '2 "Last, First" pairs',
     '[Yair Weiss, "Devvrit", Antonio Torralba]', '["Weiss", "Yair", "Devvrit", "Torralba", "Antonio"]'),
    ('[Weiss, Yair, Torralba, Antonio, "Devvrit", Rob Fergus]', '"Weiss", "Yair", "Torralba", "Antonio"',
     '2 "Last, First" pairs', '[Yair Weiss, Antonio Torralba, "Devvrit", Rob Fergus]',
     '["Weiss", "Yair", "Torralba", "Antonio", "Devvrit", Rob Fergus]'),
])
def test_last_first_pairs_split_by_a_yaml_list_are_a_warning_with_the_list_rewritten(
        authors: str, paired: str, pairs: str, fix: str, quoted: str) -> None:
    parsed, diagnostics = parse(list_paper(authors))
    count = paired.count(", ") + 1
    line, column = (4, 3) if authors.startswith("\n") else (3, 10)
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (line, column, "warning", "authors-split-pairs",
         f"authors {paired} look like {pairs} split in two: l2h reads them as {count} authors",
         (f"write each name as one item, first name first: authors: {fix} (or, if they are {count} names after "
          f"all, organisations say, quote each: authors: {quoted})"))]
    assert parsed is not None and parsed.complete, "a warning: the names may be one-word names, and are kept"
    fixed, diagnostics = parse(list_paper(fix))
    assert diagnostics == [] and fixed is not None and len(fixed.paper.authors) == len(parsed.paper.authors) - count // 2
    kept, diagnostics = parse(list_paper(quoted))
    assert diagnostics == [] and kept is not None and kept.paper.authors == parsed.paper.authors


@pytest.mark.parametrize("authors, paired, pairs, initials, fix", [
    ("[Doe, J.]", '"Doe", "J."', 'a "Last, First" pair', "J.", ("J. Doe",)),
    ("[Doe, J.-P., Roe, K. L.]", '"Doe", "J.-P.", "Roe", "K. L."', '2 "Last, First" pairs', "J.-P.",
     ("J.-P. Doe", "K. L. Roe")),
    ("[Devvrit, Weiss, Y]", '"Weiss", "Y"', 'a "Last, First" pair', "Y", ("Devvrit", "Y Weiss")),
    ('["Doe", "J."]', '"Doe", "J."', 'a "Last, First" pair', "J.", ("J. Doe",)),
    ("[Hinton, G., van der Maaten, L. J. P.]", '"Hinton", "G.", "van der Maaten", "L. J. P."',
     '2 "Last, First" pairs', "G.", ("G. Hinton", "L. J. P. van der Maaten")),
])
def test_a_surname_and_initials_split_by_a_yaml_list_are_an_error(
        authors: str, paired: str, pairs: str, initials: str, fix: tuple[str, ...]) -> None:
    """Initials alone are no one's name: the pair is sure, quoted or not."""
    parsed, diagnostics = parse(list_paper(authors))
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (3, 10, "error", "authors-split-pairs",
         f'authors {paired} are {pairs} split in two: "{initials}" is initials, not an author',
         f"write each name as one item, first name first: authors: [{', '.join(fix)}]")]
    assert parsed is not None and not parsed.complete and parsed.paper.authors == fix


@pytest.mark.parametrize("authors", [
    "[OpenAI, DeepMind]", "[IBM, Google Research]", '["Mausam", "Devvrit"]', "['Mausam', 'Devvrit']",
    "[Suhas Jayaram Subramanya, Devvrit, Rohan Kadekodi]", "[Weiss, Yair, Torralba]", "[Devvrit, Rohan Kadekodi]",
    "[Weiss; Yair]", "[Yair Weiss, J. R. Doe, Ann Lee]", "[Martin Luther King, Jr., Ann Lee]", "[Weiss, Yair Weiss]",
    # a name with a particle is a whole name; a given name has neither a particle nor a capital inside a word
    "[Laurens van der Maaten, Geoffrey Hinton]", "[Weiss, Yair, Devvrit, Yann LeCun]",
    "[Weiss, Yair, Devvrit, Anton van den Hengel]",
])
def test_one_word_names_that_are_not_split_pairs_are_read_as_they_are(authors: str) -> None:
    """Mononymous authors (Devvrit), organisations, names quoted each to say they are whole, odd runs."""
    parsed, diagnostics = parse(list_paper(authors))
    assert diagnostics == [] and parsed is not None


@pytest.mark.parametrize("authors", [
    "Jane Doe, John Roe and Ann Poe", "A. Andoni, P. Indyk", "Suhas Jayaram Subramanya, Devvrit, Rohan Kadekodi",
    "Martin Luther King, Jr., Jane Doe", "Jane Doe & John Roe",
])
def test_author_lines_that_are_not_bibtex_style_are_read_as_before(authors: str) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: {authors}\nyear: 2000\ntags: [X]\n---\nS\n")
    assert diagnostics == [] and parsed is not None
    assert list(parsed.paper.authors) == split_authors(authors)


def test_author_beside_authors_is_ignored_with_a_warning() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: Ann Lee\nauthor: Bo Li\nyear: 2000\ntags: [X]\n---\nS\n")
    assert [(d.line, d.column, d.severity, d.code, d.message) for d in diagnostics] == [
        (4, 1, "warning", "conflicting-authors", "the paper gives both authors and author; author is ignored")]
    assert parsed is not None and parsed.paper.authors == ("Ann Lee",)


@pytest.mark.parametrize("authors, shown, splits", [
    ('["Cecilia Aguerrebere", "Das Sarma, Anish"]', ("Cecilia Aguerrebere", "Anish Das Sarma"),
     (None, NameSplit("Anish", "", "Das Sarma", ""))),
    # as BibTeX reads "von Last, First": the family part's lowercase words but its last are the particle
    ('["van der Maaten, Laurens", Geoffrey Hinton]', ("Laurens van der Maaten", "Geoffrey Hinton"),
     (NameSplit("Laurens", "van der", "Maaten", ""), None)),
    ('["De la Torre, Fernando"]', ("Fernando De la Torre",), (NameSplit("Fernando", "De la", "Torre", ""),)),
    # and "von Last, Jr, First"
    ('["Steele, Jr., Guy L.", "King, Jr., Martin Luther"]', ("Guy L. Steele Jr.", "Martin Luther King Jr."),
     (NameSplit("Guy L.", "", "Steele", "Jr."), NameSplit("Martin Luther", "", "King", "Jr."))),
    # a block list needs no quotes; a ';' parts names within an item
    ("\n  - Das Sarma, Anish\n  - Yair Weiss", ("Anish Das Sarma", "Yair Weiss"),
     (NameSplit("Anish", "", "Das Sarma", ""), None)),
    ('["Das Sarma, Anish; Weiss, Yair"]', ("Anish Das Sarma", "Yair Weiss"),
     (NameSplit("Anish", "", "Das Sarma", ""), NameSplit("Yair", "", "Weiss", ""))),
    ('["Doe, J.", "Das   Sarma ,  Anish "]', ("J. Doe", "Anish Das Sarma"),
     (NameSplit("J.", "", "Doe", ""), NameSplit("Anish", "", "Das Sarma", ""))),
])
def test_a_list_item_written_family_given_marks_where_the_name_splits(
        authors: str, shown: tuple[str, ...], splits: tuple[NameSplit | None, ...]) -> None:
    """Shown first name first, with the split kept for citations."""
    parsed, diagnostics = parse(list_paper(authors))
    assert diagnostics == [] and parsed is not None and parsed.complete
    assert (parsed.paper.authors, parsed.paper.name_splits) == (shown, splits)


def test_a_family_given_item_after_et_al_and_beside_split_pairs_keeps_its_split() -> None:
    """An item with a comma is never half of a "Last, First" pair, and the fix keeps it as written."""
    parsed, diagnostics = parse(list_paper('[Weiss, Yair, Torralba, Antonio, "Das Sarma, Anish"]'))
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("authors-split-pairs", ('write each name as one item, first name first: authors: [Yair Weiss, Antonio '
         'Torralba, "Das Sarma, Anish"] (or, if they are 4 names after all, organisations say, quote each: authors: '
         '["Weiss", "Yair", "Torralba", "Antonio", "Das Sarma, Anish"])'))]
    assert parsed is not None and parsed.paper.authors[-1] == "Anish Das Sarma"
    assert parsed.paper.name_splits == (None, None, None, None, NameSplit("Anish", "", "Das Sarma", ""))
    parsed, diagnostics = parse(list_paper('["Das Sarma, Anish", "Lee, Ann, et al."]'))
    assert codes(diagnostics) == ["incomplete-authors"]
    assert parsed is not None and parsed.paper.authors == ("Anish Das Sarma", "Ann Lee")
    assert parsed.paper.name_splits == (NameSplit("Anish", "", "Das Sarma", ""), NameSplit("Ann", "", "Lee", ""))
    for first_name_first in ("[Anish Das Sarma, Yair Weiss]", "Anish Das Sarma, Yair Weiss"):  # nothing is marked
        parsed, diagnostics = parse(list_paper(first_name_first))
        assert diagnostics == [] and parsed is not None and parsed.paper.name_splits == ()


@pytest.mark.parametrize("item, message, hint", [
    ("Steele, Guy L., Jr.",
     "puts the suffix last; a name with two commas is read in BibTeX's order, \"Family, Jr., Given\"",
     'write "Steele, Jr., Guy L."'),
    ("Martin Luther King, Jr.", 'reads "Family, Given", but "Jr." is a suffix, not a given name',
     ('write it first name first, "Martin Luther King Jr.", or mark where the family name starts: '
     '"King, Jr., Martin Luther"')),
    ("Anton van den Hengel, III", 'reads "Family, Given", but "III" is a suffix, not a given name',
     ('write it first name first, "Anton van den Hengel III", or mark where the family name starts: '
     '"van den Hengel, III, Anton"')),
    ("Weiss, Yair, Torralba, Antonio",
     'has 3 commas; one name written "Family, Given" has one, or two with a suffix ("Steele, Jr., Guy L.")',
     'write each name as its own item: ["Weiss, Yair", "Torralba, Antonio"]'),
    ("Weiss, Yair, Torralba, Antonio, Fergus",
     'has 4 commas; one name written "Family, Given" has one, or two with a suffix ("Steele, Jr., Guy L.")',
     'write one name an item, "Family, Given", "Family, Jr., Given" with a suffix, or first name first'),
    ("Weiss, Yair, Torralba", 'has "Yair" between its commas, where a suffix belongs (Jr., Sr., II, III or IV)',
     'write one name an item, "Family, Given", "Family, Jr., Given" with a suffix, or first name first'),
    ("Das Sarma,", "has an empty part beside a comma",
     'write both parts, "Family, Given" (as in "Das Sarma, Anish"), or the name first name first without a comma'),
    (", Anish", "has an empty part beside a comma",
     'write both parts, "Family, Given" (as in "Das Sarma, Anish"), or the name first name first without a comma'),
    ("Steele, , Guy L.", "has an empty part beside a comma",
     'write both parts, "Family, Given" (as in "Das Sarma, Anish"), or the name first name first without a comma'),
    ("Weiss, Yair and Torralba, Antonio", 'holds 2 names joined by "and"',
     'write each name as its own item: ["Weiss, Yair", "Torralba, Antonio"]'),
])
def test_a_list_item_with_commas_that_is_not_one_family_given_name_is_an_error(
        item: str, message: str, hint: str) -> None:
    parsed, diagnostics = parse(list_paper(f'\n  - Yair Weiss\n  - "{item}"'))
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (5, 5, "error", "authors-family-given", f'author "{item}" {message}', hint)]
    assert parsed is not None and not parsed.complete
    assert parsed.paper.authors == ("Yair Weiss", item.strip()) and parsed.paper.name_splits == ()


def test_braces_group_words_of_a_family_name_written_family_given() -> None:
    parsed, diagnostics = parse(list_paper('["{De la Torre}, Fernando", "van {De la Torre}, Jr., Ana", '
                                           '"De la Torre, Fernando"]'))
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.authors == ("Fernando De la Torre", "Ana van De la Torre Jr.", "Fernando De la Torre")
    assert parsed.paper.name_splits == (NameSplit("Fernando", "", "De la Torre", ""),
                                        NameSplit("Ana", "van", "De la Torre", "Jr."),
                                        NameSplit("Fernando", "De la", "Torre", ""))


@pytest.mark.parametrize("item, code, message, hint", [
    ("{De la Torre, Fernando", "authors-family-given",
     "has braces that are not one pair around whole words of its family name",
     'write "{De la Torre}, Fernando", or without braces'),
    ("Mc{D}onald, Ann", "authors-family-given",
     "has braces that are not one pair around whole words of its family name",
     'write "{McDonald}, Ann", or without braces'),
    ("Torre, {Fernando De}", "authors-family-given",
     "has braces outside its family name; braces group words of the family name", 'write "Torre, Fernando De"'),
    ("Fernando {De la Torre}", "author-braces",
     ('has braces; they group words of a family name only in a name written "Family, Given", or a whole name, as an '
     "item of a YAML list of authors"), 'write it so: "{De la Torre}, Fernando"'),
    ("{Fernando} Torre", "author-braces",
     ('has braces; they group words of a family name only in a name written "Family, Given", or a whole name, as an '
     "item of a YAML list of authors"), 'write it without braces, "Fernando Torre"'),
])
def test_braces_anywhere_else_in_a_name_are_an_error_with_the_fix(item: str, code: str, message: str,
                                                                  hint: str) -> None:
    parsed, diagnostics = parse(list_paper(f'\n  - Yair Weiss\n  - "{item}"'))
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (5, 5, "error", code, f'author "{item}" {message}', hint)]
    assert parsed is not None and not parsed.complete


def test_a_family_name_in_braces_left_unquoted_in_a_flow_list_is_an_error_whose_fix_quotes_it() -> None:
    parsed, diagnostics = parse(list_paper("[Le Song, {De la Torre}, Fernando]"))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (3, 20, "author-braces", 'author "{De la Torre}" is read by YAML as a mapping, for it starts with a brace',
         'quote the item: "{De la Torre}, Fernando"')]
    assert parsed is not None and not parsed.complete


def test_braces_in_the_one_line_form_of_authors_are_an_error_whose_fix_is_a_list() -> None:
    parsed, diagnostics = parse(list_paper("Ann Lee, Fernando {De la Torre}"))
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [
        (3, "author-braces", ('authors "Ann Lee, Fernando {De la Torre}" hold braces; they group words of a family '
         'name only in a name written "Family, Given", or a whole name, as an item of a YAML list of authors'),
         'write authors as a YAML list, one name an item: authors: ["Ann Lee", "{De la Torre}, Fernando"]')]
    assert parsed is not None and not parsed.complete


@pytest.mark.parametrize("field, value, what, character", [
    ("title", '"Spectral\u200bHashing"', "title", "the invisible character U+200B (zero width space)"),
    ("authors", '"Yair Weiss\u200c, Antonio Torralba"', "authors", "the invisible character U+200C (zero width non-joiner)"),
    ("venue", '"NeurIPS\u2060"', "venue", "the invisible character U+2060 (word joiner)"),
    ("tags", '["Kernel\u200dMethods"]', "tag", "the invisible character U+200D (zero width joiner)"),
    ("family", '"\u202esupervised"', "family", "the invisible character U+202E (right-to-left override)"),
    ("modality", '["image\u2069"]', "modality", "the invisible character U+2069 (pop directional isolate)"),
    ("title", '"Spectral\ufeffHashing"', "title", "the invisible character U+FEFF (zero width no-break space)"),
    ("title", '"Spectral\\a Hashing"', "title", "the control character U+0007"),
])
def test_invisible_characters_in_text_fields_are_errors_that_name_them(
        field: str, value: str, what: str, character: str) -> None:
    fields = {"title": "T", "authors": "A B", "year": "2000", "tags": "[X]", field: value}
    parsed, diagnostics = parse("---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\nS\n")
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (list(fields).index(field) + 2, "control-character", f"{what} contains {character}")]
    assert diagnostics[0].hint == "delete the invisible character (retype the text if needed)"
    assert parsed is not None and not parsed.complete
    source = f"{field}: {value}"
    written = [i for i, c in enumerate(source) if c in "\u200b\u200c\u2060\u200d\u202e\u2069\ufeff"]
    # at the character itself; written as an escape (\\a), at the start of the value
    assert diagnostics[0].column == (written[0] + 1 if written else len(field) + 3)


@pytest.mark.parametrize("year, message, hint", [
    ("0x7E3", "year must be written in plain digits, got 0x7E3 (YAML reads it as the number 2019)",
     "write the four-digit year in plain digits, e.g. year: 2008"),
    ("2_019", "year must be written in plain digits, got 2_019 (YAML reads it as the number 2019)", "write year: 2019"),
    ("33:39", "year must be written in plain digits, got 33:39 (YAML reads it as the number 2019)",
     "write the four-digit year in plain digits, e.g. year: 2008"),
    ("true", "year must be a whole number, got a true/false value (true)", "write the four-digit year, e.g. year: 2008"),
    ("2019-05-01", "year must be a whole number, got a date (2019-05-01)", "write the year alone: year: 2019"),
    ("", "year must be a whole number, got an empty value", "write the four-digit year, e.g. year: 2008"),
    ("[2019]", "year must be a whole number, got a list", "write the year alone: year: 2019"),
    ("June 2019", 'year must be a whole number, got the text "June 2019"', "write the year alone: year: 2019"),
    ("CVPR 2019", 'year must be a whole number, got the text "CVPR 2019"', "write the year alone: year: 2019"),
    ("2019.0", "year must be a whole number, got the number 2019.0", "write the year alone: year: 2019"),
    ("2019a", 'year must be a whole number, got the text "2019a"', ("write the year alone: year: 2019 (a letter that "
     "tells two papers of one year apart goes at the end of the file name, as in weiss2008spectralb.md)")),
    ("2018-2019", 'year must be a whole number, got the text "2018-2019"', "write the four-digit year, e.g. year: 2008"),
    ('"2019"', 'year must be a whole number, got the text "2019"', "write the year as a number without quotes: year: 2019"),
    ("02015", "year must be written in plain digits, got 02015 (YAML reads it as the number 1037)",
     "write year: 2015"),
])
def test_a_year_not_written_in_plain_digits_is_an_error_in_plain_words(year: str, message: str, hint: str) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: {year}\ntags: [X]\n---\nS\n")
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [(4, "wrong-type", message, hint)]
    assert parsed is not None and not parsed.complete


@pytest.mark.parametrize("year, hint", [("19", "write all four digits: year: 2019"),
                                        ("98", "write all four digits: year: 1998"),
                                        ("1850", "write the year the paper was published")])
def test_a_year_before_1900_of_two_digits_gets_its_four(year: str, hint: str) -> None:
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: {year}\ntags: [X]\n---\nS\n")
    assert [(d.code, d.message, d.hint) for d in diagnostics] == [("year-range", f"year {year} is before 1900", hint)]


@pytest.mark.parametrize("arxiv, why", [
    ("1234.56789", ": there is no month 34"),
    ("0801.00001", ": ids before 2015 have 4 digits after the dot"),
    ("1501.0001", ": ids from 2015 on have 5 digits after the dot"),
    ("0612.0001", ": new-style ids begin in April 2007 (0704)"),
    ("hep-th/9913001", ": there is no month 13"),
    ("12345.6789", ""),
    ("9912.12345", ": it is dated 2099-12, which has not come yet"),
    ("3001.00001", ": it is dated 2030-01, which has not come yet"),
])
def test_an_arxiv_id_that_cannot_exist_is_an_error(arxiv: str, why: str) -> None:
    parsed, diagnostics = parse(f'---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\narxiv: "{arxiv}"\n---\nS\n')
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (6, "arxiv-format", f'arxiv "{arxiv}" is not an arXiv id{why}')]
    assert parsed is not None and not parsed.complete


@pytest.mark.parametrize("arxiv", ["0704.0001", "1412.9999", "1501.00001", "2312.12345v3", "hep-th/9901001",
                                   "math.GT/0309136"])
def test_arxiv_ids_that_can_exist_are_read(arxiv: str) -> None:
    parsed, diagnostics = parse(f'---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\narxiv: "{arxiv}"\n---\nS\n')
    assert diagnostics == [] and parsed is not None and parsed.paper.arxiv == arxiv


def test_an_identifier_is_read_after_its_prefix_and_a_space_and_named_as_written_when_wrong() -> None:
    # `DOI: 10.…` was "not a DOI", and the message named it as " 10.…", its prefix cut off
    parsed, diagnostics = parse('---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\ndoi: "DOI: 10.1000/ABC"\n'
                                'arxiv: "arXiv: 1509.02897"\n---\nS\n')
    assert diagnostics == [] and parsed is not None
    assert (parsed.paper.doi, parsed.paper.arxiv) == ("10.1000/ABC", "1509.02897")
    _, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\ndoi: https://doi.org/11.1000/x\n---\nS\n")
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (6, "doi-format", 'doi "https://doi.org/11.1000/x" is not a DOI')]


def test_next_year_is_accepted_as_the_docs_say() -> None:
    import datetime as dt
    next_year = dt.date.today().year + 1
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: {next_year}\ntags: [X]\n---\nS\n")
    assert diagnostics == [] and parsed is not None and parsed.complete
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: {next_year + 1}\ntags: [X]\n---\nS\n")
    assert [d.code for d in diagnostics] == ["year-range"]



@pytest.mark.parametrize("authors, hint", [
    ('\n  - {Barnes, Inc.}\n  - Ann Lee', 'quote the item: "{Barnes, Inc.}"'),
    ("[{Facebook AI Research}, Ann Lee]", 'quote the item: "{Facebook AI Research}"'),
    ("[{Facebook AI Research}, Ann Lee, {De la Torre}, Fernando]", 'quote the item: "{Facebook AI Research}"')])
def test_a_whole_name_in_braces_left_unquoted_is_an_error_whose_fix_quotes_it_alone(authors: str, hint: str) -> None:
    """A whole name in braces is one name: the item after it is another author, not its given name (a one-word item
    on its line, "Fernando", is: test above)."""
    parsed, diagnostics = parse(list_paper(authors))
    found = [(d.code, d.message, d.hint) for d in diagnostics]
    message = f'author "{hint[17:-1]}" is read by YAML as a mapping, for it starts with a brace'
    assert found[0] == ("author-braces", message, hint)
    assert parsed is not None and not parsed.complete


def test_a_whole_name_in_braces_is_one_name_that_does_not_split() -> None:
    """"{Barnes, Inc.}" is neither "Inc. Barnes" nor an error; in the one-line form, the fix keeps it whole."""
    parsed, diagnostics = parse(list_paper('["{Barnes, Inc.}", Ann Lee, "{Facebook AI Research}"]'))
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.authors == ("Barnes, Inc.", "Ann Lee", "Facebook AI Research")
    assert parsed.paper.name_splits == (NameSplit("", "", "Barnes, Inc.", ""), None,
                                        NameSplit("", "", "Facebook AI Research", ""))
    _, diagnostics = parse(list_paper('"{Barnes, Inc.}, Ann Lee"'))
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("author-braces", 'write authors as a YAML list, one name an item: authors: ["{Barnes, Inc.}", "Ann Lee"]')]


def test_an_and_within_braces_does_not_split_a_name_as_in_bibtex() -> None:
    """Double braces ("{{Google and Microsoft}}", as BibTeX's author = {{...}}) and braces within braces are groups of
    one whole name, and an "and" or a comma within braces joins nothing: it was an error to drop the braces, or "2
    names joined by 'and'" with a fix that split the braces apart."""
    parsed, diagnostics = parse(list_paper('[Ann Lee, "{{Google and Microsoft}}", "{Google and {Microsoft Research}}"]'))
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.authors == ("Ann Lee", "Google and Microsoft", "Google and Microsoft Research")
    assert parsed.paper.name_splits == (None, NameSplit("", "", "Google and Microsoft", ""),
                                        NameSplit("", "", "Google and Microsoft Research", ""))
    parsed, diagnostics = parse(list_paper('["{Johnson and Johnson}, Ann", "{Barnes, Inc.}, Bo"]'))
    assert diagnostics == [] and parsed is not None  # BibTeX reads them "Family, Given", braces around the family
    assert parsed.paper.name_splits == (NameSplit("Ann", "", "Johnson and Johnson", ""),
                                        NameSplit("Bo", "", "Barnes, Inc.", ""))


@pytest.mark.parametrize("authors, fix", [
    ("Weiss, Yair and {Google and Microsoft}", '["Yair Weiss", "{Google and Microsoft}"]'),
    ("Weiss, Yair and {{Google and Microsoft}}", '["Yair Weiss", "{Google and Microsoft}"]'),
    ("'{Barnes, Inc.} and Lee, Ann'", '["{Barnes, Inc.}", "Ann Lee"]'),
])
def test_a_bibtex_line_with_a_name_in_braces_is_fixed_as_a_list_of_whole_names(authors: str, fix: str) -> None:
    # the braced name was taken for no BibTeX name: the fix was a list that split "Weiss", "Yair" into two authors
    parsed, diagnostics = parse(list_paper(authors))
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("authors-bibtex-style", f"write each name first name first, as a YAML list: authors: {fix}")]
    parsed, diagnostics = parse(list_paper(fix))
    assert diagnostics == [] and parsed is not None


# --- look-alike punctuation typed with a CJK input method or pasted from a word processor ------------------------

FIELDS = ["title: Deep hashing", "authors: Ann Lee, Bo Chen", "venue: CVPR", "year: 2020", "tags: [X]",
          "family: supervised"]


def paper_with(at: int, *lines: str) -> str:
    """A paper file whose field at index at (0: title) is replaced by lines."""
    return "---\n" + "\n".join([*FIELDS[:at], *lines, *FIELDS[at + 1:]]) + "\n---\nS\n"


@pytest.mark.parametrize("at", range(len(FIELDS)))
def test_a_full_width_colon_is_blamed_on_its_own_line_with_the_ascii_colon_as_the_fix(at: int) -> None:
    key, value = FIELDS[at].split(": ")
    parsed, diagnostics = parse(paper_with(at, f"{key}\uff1a{value}"))
    assert parsed is None
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (at + 2, len(key) + 1, "yaml-syntax",
         (f"invalid YAML: '{key}' is followed by a full-width colon '\uff1a' (U+FF1A), which YAML does not read as a "
         "colon, so this line is not a field"),
         f"use an ASCII colon ':' followed by a space: {key}: {value}")]


def test_a_full_width_colon_before_an_indented_list_or_in_a_nested_field_is_blamed_on_its_line() -> None:
    _, diagnostics = parse(paper_with(4, "tags\uff1a", "  - X", "  - Y"))
    assert [(d.line, d.column, d.hint) for d in diagnostics] == [
        (6, 5, "use an ASCII colon ':' followed by a space: tags:")]
    _, diagnostics = parse(paper_with(5, "links:", "  - name\uff1a Code", "    url: https://example.org"))
    assert [(d.line, d.column, d.hint) for d in diagnostics] == [
        (8, 9, "use an ASCII colon ':' followed by a space: - name: Code")]


def test_a_full_width_colon_within_a_value_is_text() -> None:
    parsed, diagnostics = parse(paper_with(0, "title: Deep hashing\uff1aa survey"))
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.title == "Deep hashing\uff1aa survey"


@pytest.mark.parametrize("lines, message", [
    (["  \u2022 X", "  \u2022 Y"], ("'\u2022' (a bullet, U+2022) does not start a YAML list item, so tags is read as the "
                                    'text "\u2022 X \u2022 Y", not as a list')),
    (["  \u2013 X"], ("'\u2013' (an en dash, U+2013) does not start a YAML list item, so tags is read as the text "
                     '"\u2013 X", not as a list')),
    (["  -X", "  -Y"], ("'-' starts a list item only when a space follows it, so tags is read as the text \"-X -Y\", "
                       "not as a list")),
    (["\u2013 X", "\u2013 Y"], "invalid YAML: '\u2013' (an en dash, U+2013) does not start a YAML list item"),
    (["  * X"], "invalid YAML: '*' (an asterisk, U+002A) does not start a YAML list item"),
    (["  \uff0d X"], ("'\uff0d' (a full-width hyphen-minus, U+FF0D) does not start a YAML list item, so tags is read "
                      'as the text "\uff0d X", not as a list')),
    (["\u30fb X"], "invalid YAML: '\u30fb' (a katakana middle dot, U+30FB) does not start a YAML list item"),
])
def test_a_list_with_another_bullet_than_a_hyphen_is_one_error_at_its_first_item(
        lines: list[str], message: str) -> None:
    _, diagnostics = parse(paper_with(4, "tags:", *lines))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (7, len(lines[0]) - len(lines[0].lstrip()) + 1, "yaml-bullet", message,
         "start each item with a hyphen and a space: - X")]


@pytest.mark.parametrize("wrapped", ["  \u2013 A Survey", "  Survey\uff1aA Review", "  \u2022 second part"])
def test_a_wrapped_value_that_looks_like_an_item_or_a_field_is_not_blamed_for_an_error_below_it(wrapped: str) -> None:
    # The second line of a title is text, whatever it starts with: the error is the next field's, and fixing that
    # line as a list item or a field (what was said) made the file worse.
    _, diagnostics = parse(paper_with(1, "authors: Ann Lee: Bo Chen").replace(
        "title: Deep hashing\n", f"title: Deep hashing\n{wrapped}\n"))
    assert [(d.line, d.code, d.hint) for d in diagnostics] == [
        (4, "yaml-syntax", "quote the value of 'authors': it contains ': ', e.g. authors: \"Ann Lee: Bo Chen\"")]
    parsed, diagnostics = parse(paper_with(0, "title: Deep hashing", wrapped))
    assert diagnostics == [] and parsed is not None and parsed.paper.title == f"Deep hashing {wrapped.strip()}"


def test_authors_in_bullets_are_not_read_as_one_author() -> None:
    # "• Ann Lee • Bo Chen" was one author, with no error: the list is read as meant, and its bullets are the error
    parsed, diagnostics = parse(paper_with(1, "authors:", "  \u2022 Ann Lee", "  \u2022 Bo", "    Chen"))
    assert [(d.line, d.code) for d in diagnostics] == [(4, "yaml-bullet")]
    assert parsed is not None and parsed.paper.authors == ("Ann Lee", "Bo Chen")


@pytest.mark.parametrize("rule", ["----", " ---", "--", "-----  "])
def test_a_closing_line_of_other_hyphens_is_blamed_on_its_line(rule: str) -> None:
    # it was "never closed", at line 1, beside a line the contributor had written as the closing one
    _, diagnostics = parse(paper_with(5, FIELDS[5]).replace("\n---\nS", f"\n{rule}\nS"))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (8, 1, "unclosed-front-matter", (f"front matter opened on line 1 is never closed: line 8, '{rule}', is not the "
         "closing line, which is three hyphens alone"), "write line 8 as '---'")]
    parsed, diagnostics = parse(paper_with(5, FIELDS[5]))  # as told
    assert diagnostics == [] and parsed is not None


def test_a_missing_closing_line_is_blamed_on_the_first_line_of_the_summary() -> None:
    _, diagnostics = parse(paper_with(5, FIELDS[5]).replace("\n---\nS\n", "\n\nCodes from the data, in short.\n"))
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [
        (9, "unclosed-front-matter", "front matter opened on line 1 is never closed: line 9 reads as the summary",
         "add a line '---' above line 9, after the last field")]


def test_dashes_and_bullets_within_a_value_are_text() -> None:
    parsed, diagnostics = parse(paper_with(0, "title: Hashing \u2013 a survey \u2022 2020"))
    assert diagnostics == [] and parsed is not None
    assert parsed.paper.title == "Hashing \u2013 a survey \u2022 2020"


@pytest.mark.parametrize("rule, said", [("\u2014", "an em dash (U+2014)"), ("\u2013-", "an en dash (U+2013)"),
                                        ("\uff0d\uff0d\uff0d", "a full-width hyphen-minus (U+FF0D)")])
def test_a_front_matter_line_of_dashes_a_word_processor_made_is_blamed_on_its_line(rule: str, said: str) -> None:
    # it was "never closed", at line 1, or "does not start with front matter"
    fix = ("write the line as three hyphens, '---' (a word processor turns them into a dash; type them in a plain "
           "text editor)")
    _, diagnostics = parse(paper_with(5, FIELDS[5]).replace("\n---\nS", f"\n{rule}\nS"))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (8, 1, "unclosed-front-matter", f"the front matter's closing line holds {said}, not three hyphens '---'", fix)]
    _, diagnostics = parse(rule + paper_with(5, FIELDS[5])[3:])
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (1, 1, "missing-front-matter", f"the front matter's opening line holds {said}, not three hyphens '---'", fix)]


def test_a_line_of_dashes_in_the_summary_is_text() -> None:
    parsed, diagnostics = parse(paper_with(5, FIELDS[5]) + "\u2014\nMore.\n")
    assert diagnostics == [] and parsed is not None


@pytest.mark.parametrize("at, line, column, said, fix", [
    (1, "authors: Ann Lee\uff0cBo Chen", 17, ("authors are separated by a full-width comma '\uff0c' (U+FF0C), which l2h "
     'does not read as a separator: "Ann Lee\uff0cBo Chen" would be one author'), "authors: Ann Lee, Bo Chen"),
    (1, "authors: Ann Lee\uff1b Bo Chen", 17, ("authors are separated by a full-width semicolon '\uff1b' (U+FF1B), "
     'which l2h does not read as a separator: "Ann Lee\uff1b Bo Chen" would be one author'),
     "authors: Ann Lee, Bo Chen"),
    (1, "authors: \u674e\u3001\u9648", 11, ("authors are separated by an ideographic comma '\u3001' (U+3001), which l2h "
     'does not read as a separator: "\u674e\u3001\u9648" would be one author'), 'authors: ["\u674e", "\u9648"]'),
    (4, "tags: [X\uff0cY]", 9, ("tags are separated by a full-width comma '\uff0c' (U+FF0C), which l2h does not read "
     'as a separator: "X\uff0cY" would be one tag'), "tags: [X, Y]"),
])
def test_names_or_tags_separated_by_a_full_width_comma_are_one_error_with_ascii_commas_as_the_fix(
        at: int, line: str, column: int, said: str, fix: str) -> None:
    # "Ann Lee，Bo Chen" was one author, unreported; "X，Y" an unknown tag
    parsed, diagnostics = parse(paper_with(at, line))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (at + 2, column, "full-width-separator", said, f"use an ASCII comma followed by a space: {fix}")]
    assert parsed is not None
    assert parsed.paper.authors == (("\u674e", "\u9648") if "\u674e" in line else ("Ann Lee", "Bo Chen"))
    assert parsed.paper.tags == (("X", "Y") if at == 4 else ("X",))


@pytest.mark.parametrize("field", ["summary", "abstract"])
def test_a_summary_written_as_a_field_is_one_warning_at_its_line(field: str) -> None:
    # it was two: an unknown field, and no summary at the closing '---'
    text = paper_with(5, FIELDS[5], f"{field}: Codes from eigenfunctions.").replace("---\nS\n", "---\n")
    parsed, diagnostics = parse(text)
    assert parsed is not None
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (8, 1, "warning", "empty-summary",
         f'the paper has no summary: it is written as the field "{field}", which l2h does not read',
         f"move its text below the closing '---', without '{field}:': the summary is the text after the front matter")]
    parsed, diagnostics = parse(text + "A summary.\n")  # with one below, the field is an unknown one
    assert [d.code for d in diagnostics] == ["unknown-field"]


@pytest.mark.parametrize("lines, at, message, hint", [
    (["authors: [Ann Lee and Bo Chen, Cy Dee]"], (3, 11), ('author "Ann Lee and Bo Chen" is 2 names joined by "and", '
     "which l2h reads as one in a list"), ('write each name as an item of its own: authors: [Ann Lee, Bo Chen, Cy Dee] '
     '(if it is one name, an organisation\'s, write it in braces: "{Ann Lee and Bo Chen}")')),
    (["authors:", "  - Cy Dee", "  - Ann Lee & Bo Chen"], (5, 5), ('author "Ann Lee & Bo Chen" is 2 names joined by '
     '"&", which l2h reads as one in a list'), ("write each name as an item of its own: authors: [Cy Dee, Ann Lee, Bo "
     'Chen] (if it is one name, an organisation\'s, write it in braces: "{Ann Lee & Bo Chen}")')),
    (["authors: Ann Lee", "  Bo Chen", "  Cy Dee"], (3, 10), ('authors are written one name a line, which YAML joins '
     'into one name, "Ann Lee Bo Chen Cy Dee"'), ("write them on one line, separated by commas: authors: Ann Lee, Bo "
     "Chen, Cy Dee")),
])
def test_two_names_read_as_one_person_are_an_error_with_the_list_to_write(
        lines: list[str], at: tuple[int, int], message: str, hint: str) -> None:
    # each was one author, and only the key's author was said to differ, with a file name made of the wrong word
    parsed, diagnostics = parse(paper_with(1, *lines), "lee2020deep.md")
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (*at, "author-two-names", message, hint)]
    assert parsed is not None and not parsed.complete


@pytest.mark.parametrize("lines", [["authors: Ann Lee,", "  Bo Chen"], ["authors: Ann", "  Lee"],
                                   ['authors: ["{Lee and Chen}", Cy Dee]']])
def test_names_wrapped_after_a_comma_or_in_braces_are_read(lines: list[str]) -> None:
    parsed, diagnostics = parse(paper_with(1, *lines), "lee2020deep.md")
    assert diagnostics == [] and parsed is not None


@pytest.mark.parametrize("links, field, hint", [
    ("", "code", ("move it into links: write 'links:' on a line of its own, then '  - name: Code' and, below it, "
     "'    url: https://github.com/a/b'")),
    ("links:\n  - name: PDF\n    url: https://a.org/p.pdf\n", "url",
     "move it into links (line 5): write '  - name: Link' and, below it, '    url: https://github.com/a/b'"),
    ("links:\n- name: PDF\n  url: https://a.org/p.pdf\n", "github",
     "move it into links (line 5): write '- name: Code' and, below it, '  url: https://github.com/a/b'"),
    ("links: []\n", "pdf", ("move it into links: write line 5 as 'links:' alone, then '  - name: PDF' and, below it, "
     "'    url: https://github.com/a/b'")),
    ("links: [{name: PDF, url: 'https://a.org/p.pdf'}]\n", "code",
     "move it into the list of links on line 5: add {name: Code, url: https://github.com/a/b}"),
])
def test_a_link_given_as_a_field_of_its_own_is_told_to_move_into_links(links: str, field: str, hint: str) -> None:
    # `code: https://…` was told 'did you mean "codes"?', the facet, which takes no address
    text = f"---\ntitle: T\nauthors: A B\nyear: 2000\n{links}{field}: https://github.com/a/b\n---\nS\n"
    parsed, diagnostics = parse(text.replace("\n---\n", "\ntags: [X]\n---\n"))
    assert parsed is not None
    assert [(d.code, d.message, d.hint) for d in diagnostics] == [
        ("unknown-field", f'unknown field "{field}" is ignored', hint)]


@pytest.mark.parametrize("links, at, message, hint", [
    ("links:\n  name: Code\n  url: https://github.com/a/b\n", (6, 3), ("links must be a list of name/url pairs, got a "
     "mapping"), ("write each link as an item of the list, below the line 'links:': '  - name: Code' and, below it, "
     "'    url: https://github.com/a/b'")),
    ("links:\n  Code: https://github.com/a/b\n  PDF: https://a.org/p.pdf\n", (6, 3), ("links must be a list of name/url "
     "pairs, got a mapping"), ("write each link as an item of the list, below the line 'links:': '  - name: Code' and, "
     "below it, '    url: https://github.com/a/b'; '  - name: PDF' and, below it, '    url: https://a.org/p.pdf'")),
    ("links: https://github.com/a/b\n", (5, 8), ('links must be a list of name/url pairs, got the text '
     '"https://github.com/a/b"'), ("write line 5 as 'links:' alone, and each link as an item of the list below it: "
     "'  - name: Link' and, below it, '    url: https://github.com/a/b'")),
    ("links:\n- Code: https://github.com/a/b\n", (6, 3), "each entry of links needs a name and a url",
     "write '- name: Code' and, below it, '  url: https://github.com/a/b'"),
])
def test_links_not_written_as_a_list_of_names_and_urls_get_the_entries_to_write(
        links: str, at: tuple[int, int], message: str, hint: str) -> None:
    # the fix was the same example for every one, with '\\n' where its lines break
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\n{links}tags: [X]\n---\nS\n")
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [(*at, "wrong-type", message, hint)]


@pytest.mark.parametrize("url, hint", [("github.com/a/b", "write url: https://github.com/a/b"),
                                       ("//www.a.org", "write url: https://www.a.org"),
                                       ("/a/b", "give the full https:// address of the page"),
                                       # Markdown's <https://…>: the fix was to give the full https:// address
                                       ("<https://github.com/a/b>", "write url: https://github.com/a/b"),
                                       ("<github.com/a/b>", "write url: https://github.com/a/b")])
def test_a_link_without_its_scheme_or_in_angle_brackets_gets_the_address_meant(url: str, hint: str) -> None:
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\nlinks:\n  - name: Code\n    url: '{url}'\n"
                           "tags: [X]\n---\nS\n")
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [
        (7, "unsafe-url", f'link "{url}" is rejected: it is not an absolute http(s) URL', hint)]


@pytest.mark.parametrize("url, problem, hint", [
    ("https://127.1:8000/", "its host is a local or private network address, which readers cannot reach",
     "link the page's address on the public web"),
    ("https://github.com:99999/a/b", "its port is not a number from 0 to 65535",
     "correct the port after the host name, or remove it"),
    # a space in the path, as a page's title in its address has: the fix was the generic "give the full address"
    ("https://example.org/Spectral Hashing.pdf?a=b c", "it contains spaces or control characters",
     "write url: https://example.org/Spectral%20Hashing.pdf?a=b%20c"),
    # a space in the host name is no typing of a space the browser would send: nothing to propose
    ("https://exa mple.org/a b", "it contains spaces or control characters", "give the full https:// address of the page"),
    ("https:// example.org/a", "it contains spaces or control characters", "give the full https:// address of the page"),
])
def test_a_link_to_a_local_host_a_wrong_port_or_with_a_space_gets_a_fix_of_its_own(url: str, problem: str, hint: str) -> None:
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\nlinks:\n  - name: Code\n    url: '{url}'\n"
                           "tags: [X]\n---\nS\n")
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [
        (7, "unsafe-url", f'link "{url}" is rejected: {problem}', hint)]


@pytest.mark.parametrize("line, expected", [
    ("keywords: [X]", (5, "warning", "no-tags", 'the paper has no tags: the field "keywords" is not read as tags',
                       "write tags: instead of keywords:")),
    ("booktitle: CVPR", (5, "warning", "unknown-field", 'unknown field "booktitle" is ignored', 'did you mean "venue"?')),
])
def test_a_field_another_tool_names_so_gets_the_name_l2h_reads(line: str, expected: tuple[object, ...]) -> None:
    # BibTeX's and blogs' names for tags and venue were "remove it"
    tags = "" if line.startswith("keywords") else "tags: [X]\n"
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\n{line}\n{tags}---\nS\n")
    assert [(d.line, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [expected]


def test_a_link_moved_into_links_as_told_is_read() -> None:
    for written in ("links:\n  - name: Code\n    url: https://github.com/a/b\n",
                    "links:\n- name: PDF\n  url: https://a.org/p.pdf\n- name: Code\n  url: https://github.com/a/b\n"):
        parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n{written}---\nS\n")
        assert diagnostics == [] and parsed is not None
        assert parsed.paper.links[-1].name == "Code" and parsed.paper.links[-1].url == "https://github.com/a/b"


def test_a_key_a_link_does_not_have_is_a_warning_at_its_line() -> None:
    # urll: and desc: were dropped unsaid, the link kept without them
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\nlinks:\n  - name: Code\n"
                                "    url: https://github.com/a/b\n    urll: https://github.com/a/c\n    desc: hello\n"
                                "---\nS\n")
    assert [(d.line, d.column, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (9, 5, "warning", "unknown-field", 'unknown field "urll" in an entry of links is ignored', 'did you mean "url"?'),
        (10, 5, "warning", "unknown-field", 'unknown field "desc" in an entry of links is ignored',
         "a link has a name and a url only: remove this line")]
    assert parsed is not None and [(k.name, k.url) for k in parsed.paper.links] == [("Code", "https://github.com/a/b")]


def test_tags_written_one_a_line_without_dashes_are_one_error_with_the_list_as_the_fix() -> None:
    # the fix was tags: [X Y], one tag, and "X Y" was said to be no tag of the taxonomy
    parsed, diagnostics = parse(paper_with(4, "tags:", "  Image Retrieval", "  Transformers"))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (7, 3, "wrong-type", ('tags must be a list, got the text "Image Retrieval Transformers": written one tag a line '
         "without the dashes of a list, which YAML joins into one line"), "write tags: [Image Retrieval, Transformers]")]
    assert parsed is not None and parsed.paper.tags == ("Image Retrieval", "Transformers")


@pytest.mark.parametrize("body, line", [("<!-- your summary here -->\n", 9), ("\n<!-- one\n two -->\n\n", 10)])
def test_a_summary_that_is_only_an_html_comment_is_empty(body: str, line: int) -> None:
    # a template's `<!-- … -->` left in place: the page showed no summary, and nothing was said
    _parsed, diagnostics = parse(paper_with(5, FIELDS[5]).replace("---\nS\n", "---\n" + body))
    assert [(d.line, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (line, "warning", "empty-summary", ("the paper has no summary: its text is an HTML comment (<!-- … -->), which "
         "is not shown"), "write two to four sentences in your own words in its place")]
    _, diagnostics = parse(paper_with(5, FIELDS[5]).replace("---\nS\n", "---\n<!-- a note -->\nCodes.\n"))
    assert diagnostics == []


@pytest.mark.parametrize("body, line", [("## Summary\n", 9), ("\n## Summary\n\n### Method\n", 10),
                                        ("#Summary\n", 9)])
def test_a_summary_that_is_only_a_heading_is_empty(body: str, line: int) -> None:
    # a template's heading left without its text: the page showed a heading for a summary, and nothing was said
    _parsed, diagnostics = parse(paper_with(5, FIELDS[5]).replace("---\nS\n", "---\n" + body))
    assert [(d.line, d.severity, d.code, d.message, d.hint) for d in diagnostics] == [
        (line, "warning", "empty-summary", "the paper has no summary: its text is only a heading",
         "write two to four sentences in your own words in its place")]
    _, diagnostics = parse(paper_with(5, FIELDS[5]).replace("---\nS\n", "---\n## Summary\n\nCodes.\n"))
    assert diagnostics == []


@pytest.mark.parametrize("line, expected", [
    ('added: "2024-01-15"', ('added must be a date like 2024-05-31, got the text "2024-01-15"',
                             "write the date without quotes: added: 2024-01-15")),
    ('added: "2024-02-30"', ('added must be a date like 2024-05-31, got the text "2024-02-30"',
                             "write added: YYYY-MM-DD, or remove the line (git history is used)")),
    ("distinct_from: liu2020deep", ("distinct_from must be a list of paper keys", "write distinct_from: [liu2020deep]")),
])
def test_a_value_that_needs_only_its_form_changed_gets_itself_as_the_fix(line: str, expected: tuple[str, str]) -> None:
    # the fixes were the general ones, added: YYYY-MM-DD (as written) and distinct_from: [otherkey2006title]
    _, diagnostics = parse(paper_with(5, FIELDS[5], line))
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [(8, "wrong-type", *expected)]


def test_tags_in_full_width_brackets_are_one_error_with_ascii_brackets_as_the_fix() -> None:
    # it was two: the tags not a list, and "［X］" a variant spelling of X, whose fix kept the brackets
    parsed, diagnostics = parse(paper_with(4, "tags: \uff3bX\uff0c Y\uff3d"))
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in diagnostics] == [
        (6, 7, "wrong-type", ("tags must be a list, got the text \"\uff3bX\uff0c Y\uff3d\": full-width brackets "
         "'\uff3b \uff3d' are not YAML's '[ ]'"), "write tags: [X, Y]")]
    assert parsed is not None and parsed.paper.tags == ("X", "Y")


@pytest.mark.parametrize("authors, expected", [
    # as some schemas write them: the fix was "write a single line of text", after which the name was "name: Alice
    # Smith"
    ("authors:\n  - name: Alice Smith\n  - Bob Jones\n",
     [(4, 5, "author must be a name, got a mapping (name: Alice Smith)", "write the name alone as the item: '- Alice Smith'")]),
    ("authors: [[Alice Smith], Bob Jones]\n",
     [(3, 11, "author must be a name, got a list ([Alice Smith])",
       "write the names without inner brackets: authors: [Alice Smith, Bob Jones]")]),
])
def test_an_author_written_as_a_mapping_or_a_list_of_one_name_gets_the_item_to_write(
        authors: str, expected: list[tuple[int, int, str, str]]) -> None:
    _, diagnostics = parse(f"---\ntitle: T\n{authors}year: 2000\ntags: [X]\n---\nS\n")
    assert [(d.line, d.column, d.message, d.hint) for d in diagnostics if d.code == "wrong-type"] == expected


@pytest.mark.parametrize(("field", "written", "expected"), [
    ("doi", "10.1145/3097983.3098195)",
     (6, "doi-format", 'doi "10.1145/3097983.3098195)" is not a DOI: it ends with ")", which closes no "(" in it',
      "write doi: 10.1145/3097983.3098195")),
    ("url", "https://github.com/dblalock/bolt)",
     (7, "url-bracket", ('link "https://github.com/dblalock/bolt)" ends with ")", which closes no "(" in it: the address '
      "was copied with the bracket around it"), "write url: https://github.com/dblalock/bolt")),
    ("url", "https://arxiv.org/abs/1706.10283]",
     (7, "url-bracket", ('link "https://arxiv.org/abs/1706.10283]" ends with "]", which closes no "[" in it: the address '
      "was copied with the bracket around it"), "write url: https://arxiv.org/abs/1706.10283")),
])
def test_a_doi_or_link_copied_with_a_closing_bracket_gets_it_without(
        field: str, written: str, expected: tuple[object, ...]) -> None:
    # it was accepted, and the page linked https://doi.org/10.1145/3097983.3098195%29, a DOI that does not exist
    links = f"links:\n  - name: Code\n    url: '{written}'\n" if field == "url" else ""
    doi = f"doi: '{written}'\n" if field == "doi" else ""
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\n{links}tags: [X]\n{doi}---\nS\n")
    assert [(d.line, d.code, d.message, d.hint) for d in diagnostics] == [expected]


@pytest.mark.parametrize("written", ["doi: 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
                                     "links:\n  - name: Wiki\n    url: https://en.wikipedia.org/wiki/Hash_(computing)",
                                     "links:\n  - name: Doc\n    url: https://example.net/a[1]"])
def test_brackets_in_pairs_are_part_of_a_doi_or_address(written: str) -> None:
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n{written}\n---\nS\n")
    assert parsed is not None and parsed.complete and diagnostics == []


@pytest.mark.parametrize("year, code, message", [
    ("9" * 5000, "wrong-type", 'year must be a whole number, got the text "' + "9" * 60 + '…"'),
    ('"' + "9" * 4301 + '"', "wrong-type", 'year must be a whole number, got the text "' + "9" * 60 + '…"'),
    ("0x" + "9" * 5000, "year-range", "year is a number of more than 19 digits, not a year"),
    ("999999999999", "year-range", "year is the number 999999999999, not a year"),
])
def test_a_year_of_thousands_of_digits_is_a_diagnostic_not_a_traceback(year: str, code: str, message: str) -> None:
    """Python refuses to turn a number of more than 4,300 digits into text, or such text into a number."""
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: {year}\ntags: [X]\n---\nS\n")
    assert [(d.line, d.code, d.message) for d in diagnostics] == [(4, code, message)]
    assert parsed is not None and not parsed.complete


@pytest.mark.parametrize("character, named", [
    ("\x01", "the control character U+0001"), ("\x1b", "the control character U+001B"),
    ("\x7f", "the control character U+007F"), ("\x85", "the control character U+0085"),
    ("\ufffe", "the non-character U+FFFE"), ("\uffff", "the non-character U+FFFF"),
    ("\ufdd0", "the non-character U+FDD0"),
])
def test_a_character_no_feed_can_hold_in_the_summary_is_an_error_at_its_place(character: str, named: str) -> None:
    """Such a summary once built a feed.xml that is not well-formed XML, which feed readers refuse whole."""
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\n\nFirst line.\n"
                                f"Hello {character} world.\n")
    assert [(d.line, d.column, d.code, d.message) for d in diagnostics] == [
        (9, 7, "control-character", (f"summary contains {named}, which has no place in a summary (it can make the "
         "site's feed invalid XML)"))]
    assert parsed is not None and parsed.paper.summary == ""


def test_tabs_line_breaks_and_format_characters_in_a_summary_are_text() -> None:
    parsed, diagnostics = parse("---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\n"
                                "Hash\u00adcodes\tand \u200dwords.\r\nMore.\n")
    assert diagnostics == []
    assert parsed is not None and "Hash\u00adcodes\tand" in parsed.paper.summary


def test_a_non_character_in_a_field_is_an_error() -> None:
    _parsed, diagnostics = parse('---\ntitle: "Title \\uFFFE end"\nauthors: A B\nyear: 2000\ntags: [X]\n---\nS\n')
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (2, "control-character", "title contains the non-character U+FFFE")]


def test_a_summary_markdown_would_take_minutes_to_read_is_an_error_at_its_paragraph() -> None:
    """9,950 '[`' (19,900 characters, under the summary's length limit) took Python-Markdown 105 s to render."""
    body = "First paragraph, with [a link](https://example.org/) and a <b>bold</b> word.\n\n" + "[`" * 9950 + "\n"
    parsed, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\n{body}")
    assert [(d.line, d.column, d.code, d.message) for d in diagnostics] == [
        (9, 1, "summary-too-complex", ("summary has a paragraph of 19,900 characters with 9,950 '[' and '<' in it, "
         "more than Markdown can read in good time (it reads on to the paragraph's end from each one it cannot close)"))]
    assert parsed is not None and parsed.paper.summary == ""


@pytest.mark.parametrize("body", [
    "A summary of 1,500 characters in one paragraph, with [twenty-five links](https://example.org/). " * 16,
    "\\[escaped brackets\\] are text. " * 600,
    "[a](https://example.org/) <i>b</i> " * 12 + "\n\n" + "Words. " * 2700,
])
def test_summaries_with_links_and_markup_a_summary_needs_are_read(body: str) -> None:
    _, diagnostics = parse(f"---\ntitle: T\nauthors: A B\nyear: 2000\ntags: [X]\n---\n{body}\n")
    assert diagnostics == []


@pytest.mark.parametrize(("text", "at"), [
    ("plain prose, a > b and f(x) [1]", None),
    ("> " * 40 + "forty quote markers are allowed", None),
    ("intro\n" + "> " * 41 + "deep", 6),
    ("a" + ">\t>" + ">" * 39, 1),
    ("[" * 40 + "x", None),
    ("text " + "[" * 41, 5),
    ("(" * 199, None),
    ("ok (" + "(" * 200, 3),
    ("[" * 40 + "> " * 41, 40),  # the first deep run, of either kind
])
def test_deep_nesting_is_found_at_the_first_run_over_the_limit(text: str, at: int | None) -> None:
    assert find_deep_nesting(text) == at
