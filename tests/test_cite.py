"""Citation formats: BibTeX, CSL-JSON and JSON-LD, on their own and in a built site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import middlewares as mw

from l2h_site.bibtex import read_bibtex
from l2h_site.build import build, check_site
from l2h_site.cite import (
    bibtex_entry,
    bibtex_escape,
    bibtex_file,
    bibtex_name,
    citation_authors,
    citation_name,
    csl_file,
    csl_item,
    scholarly_article,
    split_name,
)
from l2h_site.diagnostics import format_text
from l2h_site.model import Link, Paper

Site = Callable[[dict[str, str | bytes]], Path]
GOOD = """\
---
title: Spectral Hashing
authors: Yair Weiss
venue: NeurIPS
year: 2008
tags: [Image Retrieval]
family: unsupervised
---
Codes from thresholded eigenfunctions.
"""


def paper(**changes: object) -> Paper:
    """Make a paper with sensible defaults."""
    values: dict[str, object] = {"key": "weiss2008spectral", "source": "papers/weiss2008spectral.md",
                                     "title": "Spectral Hashing", "authors": ("Yair Weiss", "Antonio Torralba"),
                                     "year": 2008, "venue": "NeurIPS", "tags": ("Image Retrieval",),
                                     "summary": "Codes from *thresholded* eigenfunctions."}
    values.update(changes)
    return Paper(**values)


def test_bibtex_entry_of_a_conference_paper() -> None:
    assert bibtex_entry(paper()) == (
        "@inproceedings{weiss2008spectral,\n"
        "  title = {{Spectral Hashing}},\n"
        "  author = {Yair Weiss and Antonio Torralba},\n"
        "  booktitle = {NeurIPS},\n"
        "  year = {2008}\n"
        "}\n")


def test_bibtex_entry_of_a_journal_paper_with_doi_and_arxiv() -> None:
    entry = bibtex_entry(paper(venue="TPAMI", doi="10.1109/TPAMI.2010.57", arxiv="1509.02897"))
    assert entry.startswith("@article{weiss2008spectral,\n")
    assert "  journal = {TPAMI},\n" in entry
    assert "  doi = {10.1109/TPAMI.2010.57},\n" in entry
    assert "  eprint = {1509.02897},\n  archiveprefix = {arXiv}\n" in entry


def test_bibtex_of_a_preprint_and_of_a_paper_without_venue() -> None:
    assert bibtex_entry(paper(venue="arXiv")).startswith("@misc{weiss2008spectral,\n")
    assert "howpublished = {arXiv preprint}" in bibtex_entry(paper(venue="arXiv"))
    assert bibtex_entry(paper(venue=None)).startswith("@misc{")


def test_bibtex_escapes_specials_but_keeps_balanced_math() -> None:
    assert bibtex_escape("R&D 100% of {x}_#") == r"R\&D 100\% of \{x\}\_\#"
    assert bibtex_escape("Hashing in $\\ell_{p}$ spaces") == "Hashing in $\\ell_{p}$ spaces"
    assert bibtex_escape("Bad $a}$ math") == r"Bad \$a\textbraceright{}\$ math"  # a } alone: see below
    entry = bibtex_entry(paper(title="} @misc{evil, title={x", authors=("A } B",)))
    assert entry.count("@") == 2  # the entry's own, and the escaped-in-braces one inside the title
    # BibTeX pairs \\{ and \\} too: written as them, the braces of that title ran the field on into the entries after it
    assert "title = {{\\textbraceright{} @misc\\textbraceleft{}evil, title=\\textbraceleft{}x}}," in entry
    assert _balanced(entry) and _bibtex_balanced(entry)
    assert bibtex_escape("Sets $\\{x\\}$ and a } alone") == (  # kept math keeps its \\{, which TeX reads in math
        "Sets $\\{x\\}$ and a \\textbraceright{} alone")


def _bibtex_balanced(text: str) -> bool:
    """Whether every brace is in a pair as BibTeX counts them: all of them, escaped or not."""
    return _balanced(text.replace("\\{", "{").replace("\\}", "}"))


EXPLOIT = "Fast $\\input{/etc/passwd}\\immediate\\write18{touch /tmp/pwn}$ hashing codes"
"""A title whose math would read a reader's /etc/passwd and run a program (with shell escape) as they cite it."""
_ESCAPED = re.compile(r"\\(?:textbackslash\{\}|textasciitilde\{\}|textasciicircum\{\}|[$%{}&#_])")
"""What bibtex_escape writes for a special character of text."""


def _no_tex(text: str) -> bool:
    """Tell whether BibTeX text holds no TeX of the contributor's: every backslash escapes a character."""
    return "\\" not in _ESCAPED.sub("", text) and "$" not in _ESCAPED.sub("", text)


def test_title_math_that_a_readers_tex_could_run_is_written_as_text() -> None:
    assert bibtex_escape(EXPLOIT) == ("Fast \\$\\textbackslash{}input\\{/etc/passwd\\}\\textbackslash{}immediate"
                                      "\\textbackslash{}write18\\{touch /tmp/pwn\\}\\$ hashing codes")
    entry = bibtex_entry(paper(title=EXPLOIT, venue="Venue $\\input{x}$"))
    assert "title = {{Fast \\$\\textbackslash{}input" in entry and "booktitle = {Venue \\$\\textbackslash{}input" in entry
    assert _balanced(entry)


@pytest.mark.parametrize("latex", [
    "\\input{/etc/passwd}", "\\include{x}", "\\openout1=x \\write1{y}", "\\immediate\\write18{id}", "\\def\\x{y}",
    "\\edef\\x{y}", "\\let\\x=y", "\\csname input\\endcsname{x}", "\\catcode`\\@=11", "\\read16 to\\x",
    "\\openin1=x", "\\newcommand{\\x}{y}", "\\renewcommand{\\x}{y}", "\\usepackage{shellesc}", "\\special{x}",
    "\\makeatletter", "\\^^69nput{x}", "^^5cinput{x}", "\\begin{filecontents*}{x.tex}y\\end{filecontents*}",
    "\\href{run:rm}{x}", "\\verb|x|", "\\lamda", "x % y", "x\\",
])
def test_title_math_with_anything_but_known_commands_is_no_tex_in_bibtex(latex: str) -> None:
    escaped = bibtex_escape(f"A ${latex}$ b")
    assert escaped.startswith("A \\$") and escaped.endswith("\\$ b")
    assert _no_tex(escaped), escaped


@pytest.mark.parametrize("title", [
    "$k$-NN graphs", "Hashing in $\\ell_p$ spaces", "Search in $\\mathcal{O}(n \\log n)$ time",
    "Sets $\\{x_i\\}_{i=1}^n$", "Codes $\\|y\\|^2$ and $\\operatorname{sgn}(W^\\top x)$", "$50\\%$ of $\\text{<b>}$",
    "$\\begin{pmatrix}a & b\\\\ c & d\\end{pmatrix}$", "$\\\\{x}$",
])
def test_plain_title_math_stays_tex_in_bibtex(title: str) -> None:
    assert bibtex_escape(title) == title


def test_title_math_whose_braces_bibtex_or_tex_would_pair_otherwise_is_text() -> None:
    """BibTeX counts every brace, \\} too: `$a\\}$` would end the title field early; TeX reads `\\\\{` as a line break
    and a group never closed."""
    assert bibtex_escape("Bad $a\\}$ x") == "Bad \\$a\\textbackslash{}\\textbraceright{}\\$ x"
    assert bibtex_escape("Bad $\\\\{$ x") == "Bad \\$\\textbackslash{}\\textbackslash{}\\textbraceleft{}\\$ x"


def test_check_reports_title_math_that_is_no_plain_math_at_the_titles_line(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD.replace("title: Spectral Hashing", f"title: '{EXPLOIT}'"),
                 "papers/weiss2009lambda.md": GOOD.replace("title: Spectral Hashing", "title: 'Hashing $\\lamda$-codes'")
                 .replace("2008", "2009"),
                 "papers/weiss2010plain.md": GOOD.replace("title: Spectral Hashing", "title: 'Hashing in $\\ell_p$'")
                 .replace("2008", "2010")})
    assert format_text(check_site(root).diagnostics) == (
        'papers/weiss2008spectral.md:2:8: error[title-math]: the title\'s math "$\\input{/etc/passwd}\\immediate\\write18'
        '{touch /tmp/pwn}$" holds \\input, a TeX command that may read or write files, run programs, define commands or '
        "change how TeX reads what follows (and \\immediate, \\write): papers.bib gives this formula as text, not as "
        "TeX, which every reader who cites the paper would run\n"
        "  help: remove \\input and \\immediate and \\write: a title's math holds only commands that typeset math "
        "(\\ell, \\mathcal, \\log …); write anything else as words\n"
        'papers/weiss2009lambda.md:2:8: error[title-math]: the title\'s math "$\\lamda$" holds \\lamda, a command the site '
        "does not know: papers.bib gives this formula as text, not as TeX, which every reader who cites the paper "
        "would run\n"
        "  help: did you mean \\lambda?\n"
        "2 error(s), 0 warning(s) in 2 files\n")


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_file_is_sorted_by_key() -> None:
    text = bibtex_file([paper(key="zz2020"), paper(key="aa2001")])
    assert text.index("{aa2001,") < text.index("{zz2020,")


def test_csl_item() -> None:
    item = csl_item(paper(doi="10.1/x"), "Codes from O(n) time.")
    assert item["type"] == "paper-conference"
    assert item["author"][0] == {"given": "Yair", "family": "Weiss"}
    assert item["issued"] == {"date-parts": [[2008]]}
    assert item["DOI"] == "10.1/x"
    assert item["abstract"] == "Codes from O(n) time."
    assert "URL" not in item and "number" not in item  # no address of its own: not the review's page instead
    assert "abstract" not in csl_item(paper(summary=""), "")


def test_csl_url_is_the_papers_own_address_and_the_arxiv_id_a_number_of_preprints_only() -> None:
    published = csl_item(paper(venue="ICML", arxiv="2401.14732"), "")
    assert published["URL"] == "https://arxiv.org/abs/2401.14732"
    assert "number" not in published and "publisher" not in published  # APA printed "Article arXiv:…"
    assert (published["type"], published["container-title"]) == ("paper-conference", "ICML")
    for venue in ("arXiv", None):
        preprint = csl_item(paper(venue=venue, arxiv="2401.14732"), "")
        assert {k: preprint[k] for k in ("type", "publisher", "number", "URL")} == {
            "type": "article", "publisher": "arXiv", "number": "arXiv:2401.14732",
            "URL": "https://arxiv.org/abs/2401.14732"}
        assert "container-title" not in preprint
    links = (Link("Code", "https://github.com/x/y"), Link("PDF", "https://x.org/a.pdf"), Link("Paper", "https://x.org/"))
    assert csl_item(paper(links=links), "")["URL"] == "https://x.org/a.pdf"  # the first that leads to the paper
    assert "URL" not in csl_item(paper(links=links[:1]), "")
    assert csl_item(paper(venue="TPAMI"), "")["type"] == "article-journal"
    assert csl_item(paper(venue=None), "")["type"] == "article"


def test_names_are_split_as_bibtex_reads_first_von_last() -> None:
    assert split_name("Anton van den Hengel") == ("Anton", "van den", "Hengel", "")
    assert split_name("Jan C. van Gemert") == ("Jan C.", "van", "Gemert", "")
    assert split_name("Jean-Pierre de la Fontaine") == ("Jean-Pierre", "de la", "Fontaine", "")
    assert split_name("Guy L. Steele Jr.") == ("Guy L.", "", "Steele", "Jr.")
    assert split_name("Ludwig van Beethoven III") == ("Ludwig", "van", "Beethoven", "III")
    assert split_name("Yair Weiss") == ("Yair", "", "Weiss", "")
    assert split_name("Plato") == ("", "", "Plato", "")
    authors = ("Anton van den Hengel", "Guy L. Steele Jr.", "Plato", "Étienne de Vries")
    assert csl_item(paper(authors=authors), "")["author"] == [
        {"given": "Anton", "non-dropping-particle": "van den", "family": "Hengel"},
        {"given": "Guy L.", "family": "Steele", "suffix": "Jr."},
        {"literal": "Plato"},
        {"given": "Étienne", "non-dropping-particle": "de", "family": "Vries"}]
    entry = bibtex_entry(paper(authors=authors))
    assert "  author = {Anton van den Hengel and Steele, Jr., Guy L. and Plato and Étienne de Vries},\n" in entry
    drafts, problems = read_bibtex("@article{k, title={T}, year={2020}, author={" + entry.split("author = {")[1]
                                   .split("},\n")[0] + "}}")
    assert problems == [] and drafts[0].authors == list(authors)  # BibTeX reads back the names written


@pytest.mark.parametrize("name, split, written", [
    ("Nicolas Le Scouarnec", ("Nicolas", "", "Le Scouarnec", ""), "Le Scouarnec, Nicolas"),
    ("Luc Van Gool", ("Luc", "", "Van Gool", ""), "Van Gool, Luc"),
    ("Dimitri Van De Ville", ("Dimitri", "", "Van De Ville", ""), "Van De Ville, Dimitri"),
    ("J. Di Stefano", ("J.", "", "Di Stefano", ""), "Di Stefano, J."),
    ("Fernando De la Torre", ("Fernando", "De la", "Torre", ""), "De la Torre, Fernando"),
    ("Jean de La Fontaine", ("Jean", "de", "La Fontaine", ""), "Jean de La Fontaine"),
    ("Luc Van Gool Jr.", ("Luc", "", "Van Gool", "Jr."), "Van Gool, Jr., Luc"),
    # not a particle: the first word is a given name, the last the family name, and Van before a Vietnamese family
    # name a middle name
    ("Quoc V. Le", ("Quoc V.", "", "Le", ""), "Quoc V. Le"),
    ("Le Song", ("Le", "", "Song", ""), "Le Song"),
    ("Yann LeCun", ("Yann", "", "LeCun", ""), "Yann LeCun"),
    ("Hieu Van Nguyen", ("Hieu Van", "", "Nguyen", ""), "Hieu Van Nguyen"),
    ("Anish Das Sarma", ("Anish Das", "", "Sarma", ""), "Anish Das Sarma"),
    ("Laurens van der Maaten", ("Laurens", "van der", "Maaten", ""), "Laurens van der Maaten"),
    ("Guy L. Steele Jr.", ("Guy L.", "", "Steele", "Jr."), "Steele, Jr., Guy L."),
])
def test_capitalised_particles_in_the_middle_of_a_name_begin_the_family_name_as_bibtex_reads_it(
        name: str, split: tuple[str, str, str, str], written: str) -> None:
    assert split_name(name) == split
    assert bibtex_name(name) == written
    library = bibtexparser.parse_string("@article{k, author={" + written + "}}",  # type: ignore[attr-defined]
                                        append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()])
    parts = library.entries[0]["author"][0]
    assert tuple(" ".join(p) for p in (parts.first, parts.von, parts.last, parts.jr)) == split  # as BibTeX reads it
    drafts, problems = read_bibtex("@article{k, title={T}, year={2020}, author={" + written + "}}")
    assert problems == [] and drafts[0].authors == [name]  # and l2h reads it back as written


def test_citation_author_is_family_name_first_where_the_family_name_is_more_than_its_last_word() -> None:
    assert [citation_name(n) for n in ("Nicolas Le Scouarnec", "Anton van den Hengel", "Yair Weiss", "Quoc V. Le",
                                       "Plato")] == [
        "Le Scouarnec, Nicolas", "van den Hengel, Anton", "Yair Weiss", "Quoc V. Le", "Plato"]


def test_citation_author_of_a_name_with_a_suffix_is_family_given_suffix() -> None:
    """Written as is, "Guy L. Steele Jr." is read by Zotero (whose last word is the family name) as family name
    "Jr"; "Steele, Guy L., Jr." is the inverted form of RIS, which Zotero reads as Steele, Guy L."""
    assert [citation_name(n) for n in ("Guy L. Steele Jr.", "Ludwig van Beethoven III", "Luc Van Gool Jr.")] == [
        "Steele, Guy L., Jr.", "van Beethoven, Ludwig, III", "Van Gool, Luc, Jr."]


def test_a_sole_author_is_never_written_as_zotero_would_read_two_authors() -> None:
    """Zotero splits a lone citation_author tag at its commas when the words either side of the first both hold a
    space: "van Gemert, Jan C." would be two authors, so a sole author is then written as is."""
    assert citation_authors(["Jan C. van Gemert"]) == ["Jan C. van Gemert"]
    assert citation_authors(["Jan C. van Gemert", "Yair Weiss"]) == ["van Gemert, Jan C.", "Yair Weiss"]
    assert citation_authors(["Nicolas Le Scouarnec"]) == ["Le Scouarnec, Nicolas"]  # "Nicolas" holds no space
    assert citation_authors(["Guy L. Steele Jr."]) == ["Steele, Guy L., Jr."]  # nor "Steele"


def test_bibtex_writes_doi_eprint_and_url_verbatim() -> None:
    entry = bibtex_entry(paper(doi="10.1007/978-3-030-58545-7_19", arxiv="2003.00001"))
    assert "  doi = {10.1007/978-3-030-58545-7_19},\n  eprint = {2003.00001},\n  archiveprefix = {arXiv}\n" in entry
    assert "url" not in entry  # the DOI and the arXiv id lead to the paper
    linked = bibtex_entry(paper(links=(Link("Code", "https://github.com/x/y"), Link("Paper", "https://x.org/a_b%20c#d"))))
    assert linked.endswith("  year = {2008},\n  url = {https://x.org/a_b%20c#d}\n}\n")
    # parse.py keeps braces and backslashes out of DOIs (and links); should one get in, it cannot unbalance the entry
    odd = bibtex_entry(paper(doi="10.1/a}b{c\\d"))
    assert "  doi = {10.1/a%7Db%7Bc%5Cd}\n" in odd and _balanced(odd)
    assert "  url = {https://x.org/%7Bx%7D}\n" in bibtex_entry(paper(links=(Link("Paper", "https://x.org/{x}"),)))


def test_a_doi_with_a_brace_or_backslash_is_rejected(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD.replace("year: 2008", "year: 2008\ndoi: '10.1109/CVPR}2008'")})
    assert format_text(check_site(root).diagnostics) == (
        'papers/weiss2008spectral.md:6:6: error[doi-format]: doi "10.1109/CVPR}2008" is not a DOI: it contains "}", '
        "which would break its BibTeX entry\n  help: write a DOI like 10.1109/TPAMI.2012.193, or remove the line if "
        "you are not sure\n1 error(s), 0 warning(s) in 1 file\n")


def test_csl_file_is_the_indented_json_list_of_its_items() -> None:
    items = [csl_item(paper(key=f"k{i}", title='Ünïcode "quoted"\nand a new line', doi="10.1/x"), "")
             for i in range(3)]
    for some in ([], items[:1], items):
        text = csl_file(iter(some))  # encoded item by item, yet the bytes of one json.dumps of the list
        assert text == json.dumps(some, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        assert json.loads(text) == some


def test_scholarly_article_has_the_required_fields() -> None:
    data = scholarly_article(paper(doi="10.1/x"), "https://example.org/p/", "")
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["author"] == [{"@type": "Person", "name": "Yair Weiss", "givenName": "Yair", "familyName": "Weiss"},
                              {"@type": "Person", "name": "Antonio Torralba", "givenName": "Antonio",
                               "familyName": "Torralba"}]
    assert data["datePublished"] == "2008"
    assert data["sameAs"] == ["https://doi.org/10.1/x"]
    # isPartOf must be a CreativeWork: a conference is the event the paper was published at
    assert data["publication"] == {"@type": "PublicationEvent", "name": "NeurIPS"} and "isPartOf" not in data
    assert scholarly_article(paper(venue="TPAMI"), "u", "")["isPartOf"] == {"@type": "Periodical", "name": "TPAMI"}
    preprint = scholarly_article(paper(venue="arXiv", arxiv="1509.02897"), "u", "")
    assert preprint["publisher"] == {"@type": "Organization", "name": "arXiv"}
    assert "publication" not in preprint and "isPartOf" not in preprint


@pytest.mark.parametrize("name, person", [
    ("Nicolas Le Scouarnec", {"givenName": "Nicolas", "familyName": "Le Scouarnec"}),
    ("Anton van den Hengel", {"givenName": "Anton", "familyName": "van den Hengel"}),
    ("Guy L. Steele Jr.", {"givenName": "Guy L.", "familyName": "Steele", "honorificSuffix": "Jr."}),
    ("Quoc V. Le", {"givenName": "Quoc V.", "familyName": "Le"}),
    ("Mausam", {}),  # a mononym, or an organisation: no split is known
])
def test_scholarly_article_gives_each_author_the_given_and_family_name_of_its_citations(
        name: str, person: dict[str, str]) -> None:
    """JSON-LD splits a name as papers.bib, papers.json and citation_author do, keeping it as written in name."""
    data = scholarly_article(paper(authors=(name,)), "u", "")
    assert data["author"] == [{"@type": "Person", "name": name, **person}]
    if person:
        csl = csl_item(paper(authors=(name,)), "")["author"][0]
        assert person["familyName"] == " ".join(filter(None, (csl.get("non-dropping-particle"), csl["family"])))
        assert (person["givenName"], person.get("honorificSuffix")) == (csl["given"], csl.get("suffix"))


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.jsonld: list[str] = []
        self.meta: dict[str, str] = {}
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._in = tag == "script" and a.get("type") == "application/ld+json"
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(str(a.get("property") or a.get("name")), str(a.get("content")))

    def handle_data(self, data: str) -> None:
        if self._in:
            self.jsonld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = False


HOSTILE = """\
---
title: "</script><script>alert(1)</script> & 'quotes'"
authors: Ann O'Neil, Bob "B" Lee
venue: CVPR
year: 2020
tags: [Image Retrieval]
family: supervised
---
A summary with </script> in it.
"""


def test_built_paper_page_has_parseable_jsonld_and_meta(site: Site) -> None:
    root = site({"papers/oneil2020script.md": HOSTILE})
    result = build(root, out_dir=root / "_site")
    assert result.written
    html = (root / "_site/publications/oneil2020script/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "<script>alert(1)" not in (root / "_site/papers/index.html").read_text(encoding="utf-8")
    parser = _Scripts()
    parser.feed(html)
    assert len(parser.jsonld) == 1
    data = json.loads(parser.jsonld[0])
    assert data["name"] == "</script><script>alert(1)</script> & 'quotes'"
    assert data["author"][1]["name"] == 'Bob "B" Lee'
    assert data["abstract"] == "A summary with in it."  # as the page shows it: the stray </script> is removed
    assert parser.meta["og:title"] == "</script><script>alert(1)</script> & 'quotes'"
    assert parser.meta["twitter:card"] == "summary"
    assert parser.meta["citation_author"] == "Ann O'Neil"
    items = json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["oneil2020script"]
    assert (root / "_site/papers.bib").read_text(encoding="utf-8").startswith("@inproceedings{oneil2020script,")


MARKED_UP = """\
---
title: Spectral Hashing
authors: Yair Weiss
venue: NeurIPS
year: 2008
added: 2024-01-15
tags: [Image Retrieval]
family: unsupervised
---
Codes are **thresholded** <script>alert(4)</script>[eigenfunctions](https://x.org/e) of $\\|y\\|^2$,
see <img src=x onerror=alert(5)> `<b>`:

- one &amp; two
- <b>three</b>
"""
PLAIN = "Codes are thresholded eigenfunctions of $\\|y\\|^2$, see <b>: one & two three"


def test_abstracts_and_descriptions_are_the_plain_text_of_the_sanitised_summary(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": MARKED_UP})
    assert build(root, out_dir=root / "_site").written
    html = (root / "_site/publications/weiss2008spectral/index.html").read_text(encoding="utf-8")
    parser = _Scripts()
    parser.feed(html)
    assert json.loads(parser.jsonld[0])["abstract"] == PLAIN
    assert parser.meta["og:description"] == PLAIN
    assert parser.meta["twitter:description"] == PLAIN
    assert [item["abstract"] for item in json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))] == [PLAIN]
    feed = (root / "_site/feed.xml").read_text(encoding="utf-8")
    assert f'<summary type="text">NeurIPS 2008. {PLAIN.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}' \
           "</summary>" in feed
    assert "abstract" not in (root / "_site/papers.bib").read_text(encoding="utf-8")  # BibTeX has no abstract field


CITED: dict[str, str | bytes] = {
    "papers/vandenhengel2020steele.md": """\
---
title: Hashing with $\\ell_p$ codes
authors: Anton van den Hengel, Guy L. Steele Jr.
venue: ECCV
year: 2020
doi: 10.1007/978-3-030-58545-7_19
arxiv: '2003.00010'
tags: [Image Retrieval]
family: supervised
---
A summary.
""",
    "papers/roe2021preprint.md": """\
---
title: A Preprint
authors: Jane Roe
year: 2021
arxiv: '2101.00001'
tags: [Image Retrieval]
family: supervised
---
""",
    "papers/doe2019linked.md": """\
---
title: A Linked Paper
authors: John Doe
venue: TPAMI
year: 2019
links:
  - {name: code, url: "https://github.com/doe/code"}
  - {name: pdf, url: "https://arxiv.org/abs/1901.00001"}
tags: [Image Retrieval]
family: supervised
---
""",
}


def test_built_exports_cite_each_paper_by_its_own_address(site: Site) -> None:
    """papers.json and papers.bib of a real build: the paper's own URL (never the review's page), the arXiv id as
    a preprint's number only, particles and suffixes of names, the DOI written as it is."""
    root = site(CITED)
    assert build(root, out_dir=root / "_site").written
    items = {i["id"]: i for i in json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))}
    assert items["vandenhengel2020steele"] == {
        "id": "vandenhengel2020steele", "type": "paper-conference", "title": "Hashing with \\ell_p codes",
        "author": [{"given": "Anton", "non-dropping-particle": "van den", "family": "Hengel"},
                   {"given": "Guy L.", "family": "Steele", "suffix": "Jr."}],
        "issued": {"date-parts": [[2020]]}, "URL": "https://arxiv.org/abs/2003.00010", "container-title": "ECCV",
        "DOI": "10.1007/978-3-030-58545-7_19", "abstract": "A summary.", "keyword": "Image Retrieval"}
    assert items["roe2021preprint"] == {
        "id": "roe2021preprint", "type": "article", "title": "A Preprint", "author": [{"given": "Jane", "family": "Roe"}],
        "issued": {"date-parts": [[2021]]}, "URL": "https://arxiv.org/abs/2101.00001", "publisher": "arXiv",
        "number": "arXiv:2101.00001", "keyword": "Image Retrieval"}
    assert items["doe2019linked"]["URL"] == "https://arxiv.org/abs/1901.00001"
    assert (root / "_site/papers.bib").read_text(encoding="utf-8") == """\
@article{doe2019linked,
  title = {{A Linked Paper}},
  author = {John Doe},
  journal = {TPAMI},
  year = {2019},
  url = {https://arxiv.org/abs/1901.00001}
}

@misc{roe2021preprint,
  title = {{A Preprint}},
  author = {Jane Roe},
  year = {2021},
  eprint = {2101.00001},
  archiveprefix = {arXiv}
}

@inproceedings{vandenhengel2020steele,
  title = {{Hashing with $\\ell_p$ codes}},
  author = {Anton van den Hengel and Steele, Jr., Guy L.},
  booktitle = {ECCV},
  year = {2020},
  doi = {10.1007/978-3-030-58545-7_19},
  eprint = {2003.00010},
  archiveprefix = {arXiv}
}
"""
    assert "learning2hash" not in json.dumps(items) and "example.org/publications" not in json.dumps(items)


LE_SCOUARNEC = """\
---
title: "Cache locality is not enough"
authors: Fabien André, Anne-Marie Kermarrec, Nicolas Le Scouarnec
venue: VLDB
year: 2015
tags: [Image Retrieval]
family: unsupervised
---
A summary.
"""


def test_a_capitalised_compound_family_name_is_cited_whole_in_a_built_site(site: Site) -> None:
    """papers.bib, papers.json and the page's citation_author tags of a real build give "Le Scouarnec" as the
    family name, not "Scouarnec"."""
    root = site({"papers/andre2015cache.md": LE_SCOUARNEC})
    assert build(root, out_dir=root / "_site").written
    assert "  author = {Fabien André and Anne-Marie Kermarrec and Le Scouarnec, Nicolas},\n" in (
        root / "_site/papers.bib").read_text(encoding="utf-8")
    items = json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))
    assert items[0]["author"] == [{"given": "Fabien", "family": "André"}, {"given": "Anne-Marie", "family": "Kermarrec"},
                                  {"given": "Nicolas", "family": "Le Scouarnec"}]
    html = (root / "_site/publications/andre2015cache/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == [
        "Fabien André", "Anne-Marie Kermarrec", "Le Scouarnec, Nicolas"]
    assert "  author = {Fabien André and Anne-Marie Kermarrec and Le Scouarnec, Nicolas},\n" in html  # its BibTeX
    assert '">Fabien André, Anne-Marie Kermarrec and Nicolas Le Scouarnec</p>' in html  # as written


NAMES = """\
---
title: Names
authors: Nicolas Le Scouarnec, Anton van den Hengel, Guy L. Steele Jr., Mausam, Ann </script><b>O'Neil</b>
venue: CVPR
year: 2020
tags: [Image Retrieval]
family: supervised
---
A summary.
"""


def test_built_paper_page_splits_each_name_in_its_jsonld_and_citation_author_tags(site: Site) -> None:
    """The JSON-LD of a real page, read back by json.loads of its script element, and its citation_author tags split
    each name as papers.bib does, escaped."""
    root = site({"papers/lescouarnec2020names.md": NAMES})
    assert build(root, out_dir=root / "_site").written
    html = (root / "_site/publications/lescouarnec2020names/index.html").read_text(encoding="utf-8")
    assert "</script><b>" not in html
    parser = _Scripts()
    parser.feed(html)
    assert [json.loads(text)["author"] for text in parser.jsonld] == [[
        {"@type": "Person", "name": "Nicolas Le Scouarnec", "givenName": "Nicolas", "familyName": "Le Scouarnec"},
        {"@type": "Person", "name": "Anton van den Hengel", "givenName": "Anton", "familyName": "van den Hengel"},
        {"@type": "Person", "name": "Guy L. Steele Jr.", "givenName": "Guy L.", "familyName": "Steele",
         "honorificSuffix": "Jr."},
        {"@type": "Person", "name": "Mausam"},
        {"@type": "Person", "name": "Ann </script><b>O'Neil</b>", "givenName": "Ann",
         "familyName": "</script><b>O'Neil</b>"}]]
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == [
        "Le Scouarnec, Nicolas", "van den Hengel, Anton", "Steele, Guy L., Jr.", "Mausam",
        "Ann &lt;/script&gt;&lt;b&gt;O&#39;Neil&lt;/b&gt;"]


SOLE = """\
---
title: Sole
authors: Jan C. van Gemert
year: 2020
tags: [Image Retrieval]
family: supervised
---
A summary.
"""


def test_a_sole_author_page_has_one_citation_author_that_zotero_reads_as_one(site: Site) -> None:
    root = site({"papers/vangemert2020sole.md": SOLE})
    assert build(root, out_dir=root / "_site").written
    html = (root / "_site/publications/vangemert2020sole/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == ["Jan C. van Gemert"]
    parser = _Scripts()
    parser.feed(html)
    assert json.loads(parser.jsonld[0])["author"] == [{"@type": "Person", "name": "Jan C. van Gemert",
                                                       "givenName": "Jan C.", "familyName": "van Gemert"}]


def bibtex_authors(root: Path, html: str, author: str) -> list[tuple[str, ...]]:
    """Check that a built page's BibTeX and papers.bib give author as its author field; return its names as BibTeX
    reads them: (first, von, last, jr) each."""
    assert f"  author = {{{author}}},\n" in html  # the page's BibTeX
    assert f"  author = {{{author}}},\n" in (root / "_site/papers.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string("@article{k, author={" + author + "}}",  # type: ignore[attr-defined]
                                        append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()])
    return [tuple(" ".join(p) for p in (n.first, n.von, n.last, n.jr)) for n in library.entries[0]["author"]]


MARKED = """\
---
title: Names
authors:
  - Das Sarma, Anish
  - "van der Maaten, Laurens"
  - Steele, Jr., Guy L.
  - Anish Das Sarma
venue: CVPR
year: 2020
tags: [Image Retrieval]
family: supervised
added: 2024-05-01
---
A summary.
"""


def test_names_written_family_given_are_shown_first_name_first_and_cited_by_their_split(site: Site) -> None:
    """Every output of a real build: readers see "Anish Das Sarma"; papers.bib, papers.json, citation_author and the
    JSON-LD all give the family name "Das Sarma" the file marks (the last author, written first name first, is cited
    by split_name's guess, "Sarma")."""
    root = site({"papers/sarma2020names.md": MARKED})
    assert build(root, out_dir=root / "_site").written
    shown = ["Anish Das Sarma", "Laurens van der Maaten", "Guy L. Steele Jr.", "Anish Das Sarma"]
    byline = "Anish Das Sarma, Laurens van der Maaten, Guy L. Steele Jr. and Anish Das Sarma"
    html = (root / "_site/publications/sarma2020names/index.html").read_text(encoding="utf-8")
    assert f'<p class="byline">{byline}</p>' in html
    assert f'<meta name="description" content="Names (2020) by {byline}">' in html
    assert re.findall(r'<meta property="article:author" content="([^"]*)">', html) == shown
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == [
        "Das Sarma, Anish", "van der Maaten, Laurens", "Steele, Guy L., Jr.", "Anish Das Sarma"]
    parser = _Scripts()
    parser.feed(html)
    assert json.loads(parser.jsonld[0])["author"] == [
        {"@type": "Person", "name": "Anish Das Sarma", "givenName": "Anish", "familyName": "Das Sarma"},
        {"@type": "Person", "name": "Laurens van der Maaten", "givenName": "Laurens", "familyName": "van der Maaten"},
        {"@type": "Person", "name": "Guy L. Steele Jr.", "givenName": "Guy L.", "familyName": "Steele",
         "honorificSuffix": "Jr."},
        {"@type": "Person", "name": "Anish Das Sarma", "givenName": "Anish Das", "familyName": "Sarma"}]
    author = "Das Sarma, Anish and Laurens van der Maaten and Steele, Jr., Guy L. and Anish Das Sarma"
    assert bibtex_authors(root, html, author) == [
        ("Anish", "", "Das Sarma", ""), ("Laurens", "van der", "Maaten", ""), ("Guy L.", "", "Steele", "Jr."),
        ("Anish Das", "", "Sarma", "")]  # as BibTeX reads it
    assert json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))[0]["author"] == [
        {"given": "Anish", "family": "Das Sarma"}, {"given": "Laurens", "non-dropping-particle": "van der",
                                                     "family": "Maaten"},
        {"given": "Guy L.", "family": "Steele", "suffix": "Jr."}, {"given": "Anish Das", "family": "Sarma"}]
    assert json.loads((root / "_site/papers/cards/0.json").read_text(encoding="utf-8"))[0][2] == byline
    for listing in ("papers/index.html", "papers/2020/index.html", "tags/image-retrieval/index.html"):
        assert f'<span class="authors">{byline}</span>' in (root / "_site" / listing).read_text(encoding="utf-8")
    feed = (root / "_site/feed.xml").read_text(encoding="utf-8")
    assert re.findall(r"<author><name>([^<]*)</name></author>", feed)[1:] == shown


GROUPED = MARKED.replace("""  - Das Sarma, Anish
  - "van der Maaten, Laurens"
  - Steele, Jr., Guy L.
  - Anish Das Sarma
""", """  - "{De la Torre}, Fernando"
  - "van {De la Torre}, Ana"
  - Fernando De la Torre
""")


def test_a_family_name_in_braces_is_one_family_name_in_every_output(site: Site) -> None:
    """"{De la Torre}, Fernando" (BibTeX's braces) is family name "De la Torre", no particle: readers see "Fernando
    De la Torre", and papers.bib (as BibTeX reads it back), papers.json, citation_author and the JSON-LD agree. The
    last author, written first name first and unmarked, is cited by split_name's guess, particle "De la"."""
    root = site({"papers/torre2020names.md": GROUPED})
    result = build(root, out_dir=root / "_site")
    assert result.written
    assert [(d.line, d.code, d.message, d.hint) for d in result.diagnostics] == [  # and the fix keeps the braces
        (6, "author-split-differs", ('author "Fernando De la Torre" is split "De la Torre, Fernando" here but '
         '"{De la Torre}, Fernando" at line 4 of this file: citations would name two people'),
         ('write it "{De la Torre}, Fernando" here too (or, if the name is split wrongly at line 4, correct it '
          'there)'))]
    html = (root / "_site/publications/torre2020names/index.html").read_text(encoding="utf-8")
    assert '<p class="byline">Fernando De la Torre, Ana van De la Torre and Fernando De la Torre</p>' in html
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == [
        "De la Torre, Fernando", "van De la Torre, Ana", "De la Torre, Fernando"]
    parser = _Scripts()
    parser.feed(html)
    assert json.loads(parser.jsonld[0])["author"] == [
        {"@type": "Person", "name": "Fernando De la Torre", "givenName": "Fernando", "familyName": "De la Torre"},
        {"@type": "Person", "name": "Ana van De la Torre", "givenName": "Ana", "familyName": "van De la Torre"},
        {"@type": "Person", "name": "Fernando De la Torre", "givenName": "Fernando", "familyName": "De la Torre"}]
    author = "{De la Torre}, Fernando and van {De la Torre}, Ana and De la Torre, Fernando"
    assert bibtex_authors(root, html, author) == [
        ("Fernando", "", "{De la Torre}", ""), ("Ana", "van", "{De la Torre}", ""),
        ("Fernando", "De la", "Torre", "")]  # as BibTeX reads it: the braces keep "De la" in the family name
    assert json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))[0]["author"] == [
        {"given": "Fernando", "family": "De la Torre"},
        {"given": "Ana", "non-dropping-particle": "van", "family": "De la Torre"},
        {"given": "Fernando", "non-dropping-particle": "De la", "family": "Torre"}]


LITERAL = MARKED.replace("""  - Das Sarma, Anish
  - "van der Maaten, Laurens"
  - Steele, Jr., Guy L.
  - Anish Das Sarma
""", """  - "{Barnes, Inc.}"
  - Ann Lee
  - "{Facebook AI Research}"
  - "{Plato}"
""")


def test_a_whole_name_in_braces_is_one_literal_name_in_every_output(site: Site) -> None:
    """"{Barnes, Inc.}" and "{Facebook AI Research}" (BibTeX's braces around an organisation) are names that do not
    split: readers see them as written, papers.bib keeps the braces (BibTeX reads one last name), papers.json gives
    CSL's literal, citation_author the name as written, the JSON-LD a Person with only its name (l2h cannot tell an
    organisation from a person who goes by one name); the key is of the first word, "barnes"."""
    root = site({"papers/barnes2020names.md": LITERAL})
    result = build(root, out_dir=root / "_site")
    assert result.written and result.diagnostics == []
    html = (root / "_site/publications/barnes2020names/index.html").read_text(encoding="utf-8")
    assert '<p class="byline">Barnes, Inc., Ann Lee, Facebook AI Research and Plato</p>' in html
    assert re.findall(r'<meta name="citation_author" content="([^"]*)">', html) == [
        "Barnes, Inc.", "Ann Lee", "Facebook AI Research", "Plato"]
    parser = _Scripts()
    parser.feed(html)
    assert json.loads(parser.jsonld[0])["author"] == [
        {"@type": "Person", "name": "Barnes, Inc."},
        {"@type": "Person", "name": "Ann Lee", "givenName": "Ann", "familyName": "Lee"},
        {"@type": "Person", "name": "Facebook AI Research"}, {"@type": "Person", "name": "Plato"}]
    author = "{Barnes, Inc.} and Ann Lee and {Facebook AI Research} and Plato"
    assert bibtex_authors(root, html, author) == [
        ("", "", "{Barnes, Inc.}", ""), ("Ann", "", "Lee", ""), ("", "", "{Facebook AI Research}", ""),
        ("", "", "Plato", "")]  # as BibTeX reads it: one last name each, not "Inc." and "Barnes"
    assert json.loads((root / "_site/papers.json").read_text(encoding="utf-8"))[0]["author"] == [
        {"literal": "Barnes, Inc."}, {"given": "Ann", "family": "Lee"}, {"literal": "Facebook AI Research"},
        {"literal": "Plato"}]


def test_a_sole_author_written_family_given_is_one_citation_author(site: Site) -> None:
    root = site({"papers/sarma2020sole.md": SOLE.replace("authors: Jan C. van Gemert", 'authors: ["Das Sarma, Anish"]'),
                 "papers/gemert2020sole.md": SOLE.replace("authors: Jan C. van Gemert",
                                                          'authors: ["van Gemert, Jan C."]').replace("Sole", "Sole Too")})
    assert build(root, out_dir=root / "_site").written
    found = {}
    for key in ("sarma2020sole", "gemert2020sole"):
        html = (root / f"_site/publications/{key}/index.html").read_text(encoding="utf-8")
        found[key] = re.findall(r'<meta name="citation_author" content="([^"]*)">', html)
    # "Jan C." and "van Gemert" both hold a space: Zotero would read two authors, so the name is written as is
    assert found == {"sarma2020sole": ["Das Sarma, Anish"], "gemert2020sole": ["Jan C. van Gemert"]}
