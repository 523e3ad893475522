"""Citation formats: BibTeX, CSL-JSON and JSON-LD, on their own and in a built site."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from l2h_site.build import build
from l2h_site.cite import bibtex_entry, bibtex_escape, bibtex_file, csl_file, csl_item, scholarly_article
from l2h_site.model import Paper

Site = Callable[[dict[str, str | bytes]], Path]


def paper(**changes: object) -> Paper:
    """Make a paper with sensible defaults."""
    values: dict[str, object] = {"key": "weiss2008spectral", "source": "papers/weiss2008spectral.md",
                                     "title": "Spectral Hashing", "authors": ("Yair Weiss", "Antonio Torralba"),
                                     "year": 2008, "venue": "NeurIPS", "tags": ("Image Retrieval",),
                                     "summary": "Codes from *thresholded* eigenfunctions."}
    values.update(changes)
    return Paper(**values)  # type: ignore[arg-type]


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
    assert bibtex_escape("Bad $a}$ math") == r"Bad \$a\}\$ math"
    entry = bibtex_entry(paper(title="} @misc{evil, title={x", authors=("A } B",)))
    assert entry.count("@") == 2  # the entry's own, and the escaped-in-braces one inside the title
    assert "title = {{\\} @misc\\{evil, title=\\{x}}," in entry
    assert _balanced(entry)


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
    item = csl_item(paper(doi="10.1/x"), "https://example.org/publications/weiss2008spectral/", "Codes from O(n) time.")
    assert item["type"] == "paper-conference"
    assert item["author"][0] == {"given": "Yair", "family": "Weiss"}
    assert item["issued"] == {"date-parts": [[2008]]}
    assert item["DOI"] == "10.1/x"
    assert item["abstract"] == "Codes from O(n) time."
    assert "abstract" not in csl_item(paper(summary=""), "u", "")


def test_csl_file_is_the_indented_json_list_of_its_items() -> None:
    items = [csl_item(paper(key=f"k{i}", title='Ünïcode "quoted"\nand a new line', doi="10.1/x"), f"u{i}", "")
             for i in range(3)]
    for some in ([], items[:1], items):
        text = csl_file(iter(some))  # encoded item by item, yet the bytes of one json.dumps of the list
        assert text == json.dumps(some, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        assert json.loads(text) == some


def test_scholarly_article_has_the_required_fields() -> None:
    data = scholarly_article(paper(doi="10.1/x"), "https://example.org/p/", "")
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["author"] == [{"@type": "Person", "name": "Yair Weiss"}, {"@type": "Person", "name": "Antonio Torralba"}]
    assert data["datePublished"] == "2008"
    assert data["sameAs"] == ["https://doi.org/10.1/x"]


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
PLAIN = "Codes are thresholded eigenfunctions of \\|y\\|^2, see <b>: one & two three"


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
