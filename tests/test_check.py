"""`l2h check`: each check's exact message, the scope of `check PATHS`, and the three output formats."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_TAXONOMY, git, snapshot, write_tree

from l2h_site.cli import main
from l2h_site.diagnostics import Diagnostic, format_github, format_markdown
from l2h_site.parse import is_example_url
from l2h_site.validate import EXAMPLE_SUMMARY

Site = Callable[[dict[str, "str | bytes"]], Path]


def paper(title: str = "Spectral Hashing", authors: str = "Yair Weiss, Antonio Torralba", year: int = 2008,
          extra: str = "", tags: str = "[Image Retrieval]", family: str = "unsupervised") -> str:
    """Write a valid paper file, with extra front-matter lines inserted before the closing ---."""
    return (f'---\ntitle: "{title}"\nauthors: {authors}\nvenue: NeurIPS\nyear: {year}\ntags: {tags}\n'
            f"family: {family}\n{extra}---\nA summary in our own words.\n")


STRICT = "l2h: check failed: --strict counts the warning as an error\n"
"""What `l2h check --strict` adds when one warning, and no error, fails it."""


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--root", str(root), *args])
    return code, capsys.readouterr().out


def test_clean_review_passes(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper()})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_same_arxiv_id_twice_reports_both_files(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(extra="arxiv: \"0801.0001\"\n"),
        "papers/weiss2008other.md": paper(title="Other Words", extra="arxiv: \"0801.0001v2\"\n"),
    })
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008other.md:8:8: error[duplicate-paper]: papers/weiss2008spectral.md has the same arXiv id '
        '"0801.0001": the same paper appears twice\n'
        "  help: keep one of the files and delete the other (merge any extra links or tags)\n"
        'papers/weiss2008spectral.md:8:8: error[duplicate-paper]: papers/weiss2008other.md has the same arXiv id '
        '"0801.0001": the same paper appears twice\n'
        "  help: keep one of the files and delete the other (merge any extra links or tags)\n"
        "2 error(s), 0 warning(s) in 2 files\n")


def test_same_doi_in_other_case_is_a_duplicate(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(extra="doi: 10.1000/ABC\n"),
        "papers/weiss2008other.md": paper(title="Other Words", extra="doi: https://doi.org/10.1000/abc\n"),
    })
    code, out = run(root, "--format", "json", capsys=capsys)
    found = json.loads(out)["diagnostics"]
    assert code == 1
    assert [(d["path"], d["code"], d["message"], d["related"]) for d in found] == [
        ("papers/weiss2008other.md", "duplicate-paper",
         'papers/weiss2008spectral.md has the same DOI "10.1000/abc": the same paper appears twice',
         ["papers/weiss2008spectral.md"]),
        ("papers/weiss2008spectral.md", "duplicate-paper",
         'papers/weiss2008other.md has the same DOI "10.1000/abc": the same paper appears twice',
         ["papers/weiss2008other.md"]),
    ]


@pytest.mark.parametrize("written", ["10.1109%2FTPAMI.2010.57", "https://doi.org/10.1109%2FTPAMI.2010.57",
                                     "10.1109%2FTPAMI.2010.57."])
def test_a_doi_copied_percent_encoded_from_an_address_gets_the_decoded_doi_as_its_fix(
        site: Site, capsys: pytest.CaptureFixture[str], written: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(extra=f"doi: {written}\n")})
    assert run(root, capsys=capsys) == (1, (
        f'papers/weiss2008spectral.md:8:6: error[doi-format]: doi "{written}" is not a DOI: it is written as in a web '
        'address, where "%2F" stands for "/"\n'
        "  help: write doi: 10.1109/TPAMI.2010.57\n"
        "1 error(s), 0 warning(s) in 1 file\n"))
    # the fix, followed, passes
    (root / "papers/weiss2008spectral.md").write_text(paper(extra="doi: 10.1109/TPAMI.2010.57\n"), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize("title", ["Practical and Optimal LSH for Angular\u2013Distance",
                                   "Practical and optimal LSH for angular\u2014distance",
                                   "Practical and Optimal LSH for Angular/Distance"])
def test_a_title_that_differs_in_a_dash_or_slash_between_words_is_a_duplicate(
        site: Site, capsys: pytest.CaptureFixture[str], title: str) -> None:
    # an en dash without spaces joined the two words ("angulardistance"): the second file was not found
    code, out = run(site({
        "papers/andoni2015practical.md": paper("Practical and Optimal LSH for Angular Distance", "Alexandr Andoni", 2015),
        "papers/andoni2015optimal.md": paper(title, "Alexandr Andoni", 2015)}), capsys=capsys)
    assert code == 1 and ("papers/andoni2015optimal.md:2:8: error[duplicate-paper]: papers/andoni2015practical.md has "
                          "a near-identical title: the same paper appears twice\n") in out


def test_an_added_date_of_a_later_year_and_a_distinct_from_of_the_paper_itself_are_errors(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # both passed: the paper headed the feed for years, and distinct_from declared nothing
    later = dt.date.today().year + 1
    code, out = run(site({"papers/weiss2008spectral.md": paper(
        extra=f"added: {later}-01-01\ndistinct_from: [weiss2008spectral]\n")}), capsys=capsys)
    assert (code, out) == (1, (
        f"papers/weiss2008spectral.md:8:8: error[year-range]: added: {later}-01-01 is in the future\n"
        "  help: write the day the paper joined the review, or remove the line (git history is used)\n"
        'papers/weiss2008spectral.md:9:17: error[distinct-from-own]: distinct_from lists "weiss2008spectral", the '
        "paper's own key\n"
        "  help: write the key of the other paper, the one with a near-identical title, or remove the line\n"
        "2 error(s), 0 warning(s) in 1 file\n"))
    this_year = paper(extra=f"added: {dt.date.today().year}-01-01\n")
    assert run(site({"papers/weiss2008spectral.md": this_year}), capsys=capsys)[0] == 0


def test_near_identical_titles_are_a_duplicate_unless_declared_distinct(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, str | bytes] = {
        "papers/indyk1998approximate.md": paper("Approximate Nearest Neighbors: Towards Removing the Curse",
                                                "Piotr Indyk", 1998),
        "papers/indyk2012approximate.md": paper("Approximate nearest neighbor - towards removing the curse",
                                                "Piotr Indyk", 2012),
    }
    code, out = run(site(files), capsys=capsys)
    assert code == 1
    assert ("papers/indyk1998approximate.md:2:8: error[duplicate-paper]: papers/indyk2012approximate.md has a "
            "near-identical title: the same paper appears twice\n") in out
    assert "papers/indyk2012approximate.md:2:8: error[duplicate-paper]: papers/indyk1998approximate.md" in out
    assert ("  help: keep one of the files and delete the other (merge any extra links or tags); if they are different "
            "papers (a conference paper and its journal version), write in one of them distinct_from: "
            "[indyk1998approximate]\n") in out
    files["papers/indyk2012approximate.md"] = paper(
        "Approximate nearest neighbor - towards removing the curse", "Piotr Indyk", 2012,
        extra="distinct_from: [indyk1998approximate]\n")
    assert run(site(files), capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")
    # The other's file renamed (without former_keys): distinct_from names a key that is no paper now.
    files["papers/indyk1998approximatenn.md"] = files.pop("papers/indyk1998approximate.md")
    root = site(files)
    (root / "papers/indyk1998approximate.md").unlink()
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert ("papers/indyk2012approximate.md:2:8: error[duplicate-paper]: papers/indyk1998approximatenn.md has a "
            "near-identical title: the same paper appears twice\n"
            '  help: distinct_from names "indyk1998approximate", which is no paper of the review now: if they are '
            "different papers, write distinct_from: [indyk1998approximatenn]; else keep one of the files and delete the "
            "other (merge any extra links or tags)\n") in out
    # The same arXiv id as well: the same paper, whatever distinct_from says; deleting one is the only fix.
    files = {key: text.replace("family:", 'arxiv: "0801.0001"\nfamily:') if isinstance(text, str) else text
             for key, text in files.items()}
    code, out = run(site(files), capsys=capsys)
    assert code == 1 and out.count("  help: keep one of the files and delete the other (merge any extra links or tags)\n") == 4


@pytest.mark.parametrize(("tag", "canonical", "used"), [
    ("Transformers ", "Transformers", 0),  # not drift: whitespace is trimmed
    ("transformers", "Transformers", 0),
    ("Quantization", "Quantisation", 0),
    ("Image-Retrieval", "Image Retrieval", 1),
    ("image retrievals", "Image Retrieval", 1),
])
def test_tag_drift_is_an_error_with_the_existing_spelling(
        site: Site, capsys: pytest.CaptureFixture[str], tag: str, canonical: str, used: int) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(),
        "papers/jegou2011product.md": paper("Product Quantization", "Herve Jegou", 2011, tags=f'["{tag}"]'),
    })
    code, out = run(root, capsys=capsys)
    if tag.strip() == canonical:
        assert (code, out) == (0, "l2h: 2 papers checked, no problems found\n")
        return
    count = f" (used by {used} paper)" if used == 1 else ""
    assert code == 1
    assert out == (
        f'papers/jegou2011product.md:6:8: error[tag-drift]: tag "{tag}" is a variant spelling of the existing '
        f'tag "{canonical}"\n'
        f'  help: write "{canonical}"{count}\n'
        "1 error(s), 0 warning(s) in 1 file\n")


def test_declared_alias_is_accepted_and_reported_as_its_canonical_tag(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(tags="[Transformer]")})
    assert run(root, capsys=capsys) == (0, (
        'papers/weiss2008spectral.md:6:8: note[tag-alias]: tag "Transformer" is read as "Transformers"\n'
        '  help: write "Transformers" to say it directly\n'
        "1 note(s), no errors or warnings\n"
        "l2h: 1 paper checked, no problems found\n"))


def test_unknown_tag_suggests_the_closest(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(tags="[Image Retreival]")})
    assert run(root, capsys=capsys) == (1, (
        'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml\n'
        '  help: did you mean "Image Retrieval"?\n'
        "1 error(s), 0 warning(s) in 1 file\n"))


@pytest.mark.parametrize("tag, hint", [
    ("Supervised", ('"Supervised" is a facet value, not a tag: remove the tag, and if it fits better, write family: '
     "supervised in place of family: unsupervised")),
    ("Unsupervised Hashing", "remove the tag: the paper gives it as a facet value, family: unsupervised"),
    ("Text", '"Text" is a facet value, not a tag: remove the tag and write modality: [text]'),
])
def test_a_tag_that_names_a_facet_value_gets_the_facet_line_to_write(
        tag: str, hint: str, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # newcomers list the method's kind among the tags; they were told to propose "Supervised" as a new tag
    root = site({"papers/weiss2008spectral.md": paper(tags=f"[{tag}]")})
    assert run(root, capsys=capsys) == (1, (f'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "{tag}" is not '
                                        f"in taxonomy.yml\n  help: {hint}\n1 error(s), 0 warning(s) in 1 file\n"))


def test_an_unknown_tag_that_is_a_word_of_known_ones_gets_them(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    taxonomy = MINIMAL_TAXONOMY + "  Kernel Methods:\n    description: Kernels.\n"
    root = site({"taxonomy.yml": taxonomy, "papers/weiss2008spectral.md": paper(tags="[Kernel, Image Retrieval]")})
    assert run(root, capsys=capsys) == (1, (
        'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "Kernel" is not in taxonomy.yml\n'
        '  help: tags with the word "Kernel": "Kernel Methods"; if none fits, propose a new one in taxonomy.yml with '
        "a description\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


@pytest.mark.parametrize("tag, hint", [
    # the closest spelling was one of them: 'did you mean "Video Retrieval"?'
    ("Retrieval", ('tags with the word "Retrieval": "Image Retrieval" (used by 1 paper), "Video Retrieval"; if none '
                  "fits, propose a new one in taxonomy.yml with a description")),
    # no hint but the generic one: the tag is in its words
    ("Survey Paper", 'did you mean "Survey"?'),
])
def test_an_unknown_tag_gets_every_tag_with_its_word_or_the_tag_within_it(
        site: Site, capsys: pytest.CaptureFixture[str], tag: str, hint: str) -> None:
    taxonomy = MINIMAL_TAXONOMY + ("  Video Retrieval:\n    description: Videos.\n"
                                   "  Survey:\n    description: An overview.\n")
    root = site({"taxonomy.yml": taxonomy, "papers/weiss2008spectral.md": paper(tags=f"[{tag}, Image Retrieval]")})
    assert run(root, capsys=capsys) == (1, (
        f'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "{tag}" is not in taxonomy.yml\n'
        f"  help: {hint}\n1 error(s), 0 warning(s) in 1 file\n"))


def venue_papers(*venues: str, extra: str = "") -> dict[str, str | bytes]:
    """Papers of 2008 to 2011, each with its venue line (venue: NeurIPS, journal: tpami), in this order."""
    papers = [("weiss2008spectral", "Spectral Hashing", "Yair Weiss", 2008), ("lee2009small", "Small Codes", "Ann Lee", 2009),
              ("chen2010tiny", "Tiny Codes", "Bo Chen", 2010), ("dee2011short", "Short Codes", "Cy Dee", 2011),
              ("fox2011long", "Long Codes", "Di Fox", 2011)]
    return {f"papers/{key}.md": paper(title, authors, year, extra=extra).replace("venue: NeurIPS", venue)
            for (key, title, authors, year), venue in zip(papers, venues)}


def test_a_venue_written_otherwise_than_the_review_writes_it_is_a_warning_with_its_spelling(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # "neurips 2009" and "NeurIPS" were two venues of the papers page's filter, without a word
    root = site(venue_papers("venue: NeurIPS", "venue: neurips 2009", "venue: NeurIPS", "journal: tpami",
                             "venue: TPAMI"))
    assert run(root, capsys=capsys) == (0, (
        'papers/dee2011short.md:4:10: warning[venue-spelling]: venue "tpami" is written "TPAMI" by 1 other paper: the '
        "papers page would list it as a venue of its own\n"
        "  help: write journal: TPAMI\n"
        'papers/lee2009small.md:4:8: warning[venue-spelling]: venue "neurips 2009" is written "NeurIPS" by 2 other '
        "papers: the papers page would list it as a venue of its own\n"
        "  help: write venue: NeurIPS (the year goes in year:)\n"
        "0 error(s), 2 warning(s) in 2 files\n"))


def test_a_preprint_s_venue_as_a_reference_list_writes_it_is_a_warning_with_arxiv_as_the_fix(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # Google Scholar's and DBLP's venue of a preprint passed: each was a venue of its own on the papers page
    root = site(venue_papers("venue: arXiv", "venue: arXiv preprint arXiv:0901.0002", "journal: CoRR abs/1001.0003",
                             'venue: arXiv:1101.0004\narxiv: "1101.0004"'))
    assert run(root, capsys=capsys) == (0, (
        'papers/chen2010tiny.md:4:10: warning[venue-spelling]: venue "CoRR abs/1001.0003" is a preprint\'s, as a '
        "reference list writes it: the papers page would list it as a venue of its own\n"
        '  help: write journal: arXiv (the id goes in arxiv: "1001.0003")\n'
        'papers/dee2011short.md:4:8: warning[venue-spelling]: venue "arXiv:1101.0004" is a preprint\'s, as a '
        "reference list writes it: the papers page would list it as a venue of its own\n"
        "  help: write venue: arXiv\n"
        'papers/lee2009small.md:4:8: warning[venue-spelling]: venue "arXiv preprint arXiv:0901.0002" is a '
        "preprint's, as a reference list writes it: the papers page would list it as a venue of its own\n"
        '  help: write venue: arXiv (the id goes in arxiv: "0901.0002")\n'
        "0 error(s), 3 warning(s) in 3 files\n"))


def test_venues_in_another_script_are_not_one_venue(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # folded to ASCII, every venue in Chinese was "": each was told it is written as the other
    root = site({"papers/weiss2008spectral.md": paper().replace("NeurIPS", "计算机学报"),
                 "papers/lee2009small.md": paper("Small Codes", "Ann Lee", 2009).replace("NeurIPS", "软件学报")})
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")


VENUES = MINIMAL_TAXONOMY + """\
venues:
  NeurIPS:
    aliases: [NIPS, Advances in Neural Information Processing Systems]
  TPAMI:
    aliases: [PAMI, IEEE TPAMI]
"""


def test_a_venue_written_by_another_name_is_noted_and_the_site_shows_the_taxonomy_s_name(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # "NIPS" and "NeurIPS" were two venues of the papers page's filter, the stats page and the exports
    venues = ["conference: n.i.p.s", "venue: advances in neural information processing systems", "venue: NeurIPS"]
    root = site({"taxonomy.yml": VENUES, **venue_papers(*venues, "venue: NIPS 2011", extra="added: 2024-01-15\n")})
    assert run(root, capsys=capsys) == (0, (
        'papers/dee2011short.md:4:8: warning[venue-spelling]: venue "NIPS 2011" is written "NeurIPS" by 3 other '
        "papers: the papers page would list it as a venue of its own\n"
        "  help: write venue: NeurIPS (the year goes in year:)\n"
        'papers/lee2009small.md:4:8: note[venue-alias]: venue "advances in neural information processing systems" is '
        'read as "NeurIPS"\n'
        "  help: write venue: NeurIPS\n"
        'papers/weiss2008spectral.md:4:13: note[venue-alias]: venue "n.i.p.s" is read as "NeurIPS"\n'
        "  help: write conference: NeurIPS\n"
        "0 error(s), 1 warning(s) in 1 file\n"))
    write_tree(root, venue_papers(*venues, "venue: PAMI", extra="added: 2024-01-15\n"))  # in the feed too
    assert main(["build", "--root", str(root)]) == 0
    capsys.readouterr()
    site_files = {path: text.decode() for path, text in snapshot(root / "_site").items()
                  if not path.startswith(("pagefind/", "static/")) and path.endswith((".html", ".json", ".bib", ".xml"))}
    # (the all-papers page's venue list holds the taxonomy's aliases, shown nowhere, for links that use them, and a
    # paper's page for the search index)
    shown = {path: re.sub(r"""\s(?:data-aliases='[^']*'|data-pagefind-index-attrs="[^"]*"|data-words="[^"]*")""", "",
                          text) for path, text in site_files.items()}
    assert [path for path, text in shown.items()
            if any(alias in text for alias in ("n.i.p.s", "advances in neural", ">PAMI", '"PAMI"', "{PAMI}"))] == []
    finder = json.loads(site_files["papers/finder.json"])
    assert (finder["venues"], finder["venue"]) == (["NeurIPS", "TPAMI"], [1, 0, 0, 0])  # newest first
    assert '<a href="../papers/?venue=NeurIPS">NeurIPS</a></th><td>3</td>' in site_files["stats/index.html"]
    assert "journal = {TPAMI}" in site_files["papers.bib"] and "booktitle = {NeurIPS}" in site_files["papers.bib"]
    assert sorted(item.get("container-title") for item in json.loads(site_files["papers.json"])) == [
        "NeurIPS", "NeurIPS", "NeurIPS", "TPAMI"]
    weiss = shown["publications/weiss2008spectral/index.html"]
    assert all(text in weiss for text in ('"publication": {"@type": "PublicationEvent", "name": "NeurIPS"}',
                                          '<p class="venue">NeurIPS 2008</p>', "booktitle = {NeurIPS},"))
    assert (site_files["feed.xml"].count(">NeurIPS 20"), site_files["feed.xml"].count(">TPAMI 2011.")) == (3, 1)


EDITIONS = (
    ["venue: Advances in Neural Information Processing Systems 22", "journal: Proceedings of the IEEE",
     "venue: NIPS'09", "venue: NeurIPS 2010 Workshop on Hashing",
     "venue: Proceedings of the 2011 IEEE Conference on Computer Vision and Pattern Recognition"],
    ('papers/chen2010tiny.md:4:8: warning[venue-spelling]: venue "NIPS\'09" is the venue "NeurIPS" of '
     "taxonomy.yml: the papers page would list it as a venue of its own\n"
     "  help: write venue: NeurIPS (the year goes in year:)\n"
     'papers/fox2011long.md:4:8: warning[venue-spelling]: venue "Proceedings of the 2011 IEEE Conference on '
     'Computer Vision and Pattern Recognition" is the venue "CVPR" of taxonomy.yml: the papers page would list it '
     "as a venue of its own\n"
     "  help: write venue: CVPR (the year goes in year:)\n"
     'papers/weiss2008spectral.md:4:8: warning[venue-spelling]: venue "Advances in Neural Information Processing '
     'Systems 22" is the venue "NeurIPS" of taxonomy.yml: the papers page would list it as a venue of its own\n'
     "  help: write venue: NeurIPS\n"))
"""Only a year after the name was read (NIPS 2011): a volume, an edition's number and "Proceedings of the" were venues
of their own, without a word, that l2h import writes as the taxonomy's venue (validate.edition_venue)."""
DBLP_AND_CVF = (
    [("venue: 'IEEE Conference on Computer Vision and Pattern Recognition, CVPR 2011, Colorado Springs, CO, USA, "
      "20-25 June 2011'"),
     "venue: Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
     ("venue: 'Advances in Neural Information Processing Systems 24: 25th Annual Conference on Neural Information "
      "Processing Systems 2011. Proceedings of a meeting held 12-14 December 2011, Granada, Spain'"),
     "venue: 'Workshop on Hashing, CVPR 2011'", "venue: 'Companion of the CVPR 2011, CVPR 2011'"],
    ('papers/chen2010tiny.md:4:8: warning[venue-spelling]: venue "Advances in Neural Information Processing Systems '
     "24: 25th Annual Conference on Neural Information Processing Systems 2011. Proceedings of a meeting held 12-14 "
     'December 2011, Granada, Spain" is the venue "NeurIPS" of taxonomy.yml: the papers page would list it as a venue '
     "of its own\n"
     "  help: write venue: NeurIPS (the year goes in year:)\n"
     'papers/lee2009small.md:4:8: warning[venue-spelling]: venue "Proceedings of the IEEE Conference on Computer '
     'Vision and Pattern Recognition (CVPR)" is the venue "CVPR" of taxonomy.yml: the papers page would list it as '
     "a venue of its own\n"
     "  help: write venue: CVPR\n"
     'papers/weiss2008spectral.md:4:8: warning[venue-spelling]: venue "IEEE Conference on Computer Vision and '
     'Pattern Recognition, CVPR 2011, Colorado Springs, CO, USA, 20-25 June 2011" is the venue "CVPR" of '
     "taxonomy.yml: the papers page would list it as a venue of its own\n"
     "  help: write venue: CVPR (the year goes in year:)\n"))
"""A venue copied from DBLP's or the CVF's BibTeX was a venue of its own, without a word; a workshop and a companion
volume are not their conference, and are not read as one."""


@pytest.mark.parametrize(("venues", "said"), [EDITIONS, DBLP_AND_CVF], ids=["editions", "dblp-and-cvf"])
def test_a_venue_written_as_one_edition_of_a_taxonomy_venue_is_a_warning_as_imports_read_it(
        site: Site, capsys: pytest.CaptureFixture[str], venues: list[str], said: str) -> None:
    cvpr = "  CVPR:\n    aliases: [IEEE Conference on Computer Vision and Pattern Recognition]\n"
    root = site({"taxonomy.yml": VENUES + cvpr, **venue_papers(*venues)})
    assert run(root, capsys=capsys) == (0, said + "0 error(s), 3 warning(s) in 3 files\n")


def test_a_taxonomy_s_venues_are_checked_and_every_problem_reported_at_once(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": MINIMAL_TAXONOMY + """\
venues:
  NeurIPS:
    aliases: [NIPS, neurips, N.I.P.S., Advances in Neural Information Processing Systems, NIPS, "–"]
  TPAMI:
    aliases: [NIPS, ICML, NeurIPS]
  ICML:
    aliases: PMLR
  Neurips: {}
  VLDB: [PVLDB, Proceedings of the VLDB Endowment]
  KDD:
    aliases: [SIGKDD]
    description: Knowledge discovery.
"""})
    assert run(root, capsys=capsys) == (1, (
        "taxonomy.yml:26:21: error[venue-alias-clash]: alias 'neurips' of venue 'NeurIPS' is the venue's name in "
        "another case or punctuation\n"
        "  help: delete 'neurips' from the aliases of 'NeurIPS': a paper that writes it is read as 'NeurIPS' without "
        "it\n"
        "taxonomy.yml:26:30: error[venue-alias-clash]: alias 'N.I.P.S.' of venue 'NeurIPS' is alias 'NIPS' in another "
        "case or punctuation\n"
        "  help: delete 'N.I.P.S.' from the aliases of 'NeurIPS': a paper that writes it is read as 'NeurIPS' without "
        "it\n"
        "taxonomy.yml:26:91: error[venue-alias-clash]: alias 'NIPS' of venue 'NeurIPS' is listed twice\n"
        "  help: delete the second 'NIPS' from the aliases of 'NeurIPS'\n"
        "taxonomy.yml:26:97: error[taxonomy-name]: alias '–' of venue 'NeurIPS' has no letters or digits\n"
        "  help: spell it with letters or digits\n"
        "taxonomy.yml:28:15: error[venue-alias-clash]: alias 'NIPS' of venue 'TPAMI' is also an alias of venue "
        "'NeurIPS'\n"
        "  help: delete 'NIPS' from the aliases of 'TPAMI' or of 'NeurIPS': a spelling can stand for one venue only\n"
        "taxonomy.yml:28:27: error[venue-alias-clash]: alias 'NeurIPS' of venue 'TPAMI' is venue 'NeurIPS'\n"
        "  help: delete 'NeurIPS' from the aliases of 'TPAMI', or delete venue 'NeurIPS' (line 25), whose papers are "
        "then shown under 'TPAMI': a spelling can stand for one venue only\n"
        "taxonomy.yml:29:3: error[venue-alias-clash]: venue 'ICML' is an alias of venue 'TPAMI' (line 28)\n"
        "  help: delete 'ICML' from the aliases of 'TPAMI', or delete venue 'ICML', whose papers are then shown under "
        "'TPAMI': a spelling can stand for one venue only\n"
        "taxonomy.yml:30:14: error[taxonomy-type]: aliases of venue 'ICML' must be a list of names\n"
        "  help: write aliases: [PMLR]\n"
        "taxonomy.yml:31:3: error[venue-alias-clash]: venue 'Neurips' is venue 'NeurIPS' (line 25) in another case or "
        "punctuation\n"
        "  help: delete 'Neurips': a paper that writes it is read as 'NeurIPS' without it\n"
        "taxonomy.yml:32:9: error[taxonomy-type]: venue 'VLDB' must be a mapping\n"
        "  help: write its other names under aliases: VLDB: {aliases: [PVLDB, Proceedings of the VLDB Endowment]}\n"
        "taxonomy.yml:35:5: error[taxonomy-unknown-key]: unknown key 'description' in venues/KDD\n"
        "  help: allowed keys: aliases\n"
        "11 error(s), 0 warning(s) in 1 file\n"
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n"))


@pytest.mark.parametrize("proposed, expected", [
    # the description at the tags' own indentation: "has no description" twice, and "tag 'description' must be a
    # mapping" with the help to "indent its entries under it as 'name: …'"
    ("  Graph Search:\n  description: Search over a graph.\n",
     ("taxonomy.yml:20:3: error[taxonomy-type]: 'description:' is read as a tag of its own, not as the description of "
     "tag 'Graph Search' above it\n"
     "  help: indent it under 'Graph Search:', 4 spaces from the start of the line, as the other tags' descriptions "
     "are\n")),
    # on the tag's line: "has no description", and "must be a mapping" with the help of 'name: …'
    ("  Graph Search: Search over a graph.\n",
     ("taxonomy.yml:19:17: error[taxonomy-type]: tag 'Graph Search' must be a mapping, with its description under it\n"
     "  help: write 'Graph Search:' alone on its line, and below it, indented by 2 more spaces, 'description: Search "
     "over a graph.'\n")),
    # misspelt: "has no description" besides, and no did-you-mean
    ("  Graph Search:\n    descriptio: Search over a graph.\n",
     ("taxonomy.yml:20:5: error[taxonomy-unknown-key]: unknown key 'descriptio' in tags/Graph Search\n"
     "  help: did you mean 'description'? allowed keys: aliases, description\n")),
])
def test_a_tag_proposed_with_its_description_misplaced_gets_one_error_with_the_layout_to_write(
        site: Site, capsys: pytest.CaptureFixture[str], proposed: str, expected: str) -> None:
    taxonomy = MINIMAL_TAXONOMY.replace("  Transformers:\n", proposed + "  Transformers:\n")
    assert run(site({"taxonomy.yml": taxonomy, "papers/weiss2008spectral.md": paper()}), capsys=capsys) == (1, (
        expected + "1 error(s), 0 warning(s) in 1 file\n"
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n"))


@pytest.mark.parametrize("extra, family, label, hint", [
    ("", "Supervised hashing", "Supervised hashing", "write family: supervised"),
    ("modality: [Pictures, text]\n", "unsupervised", "Pictures", "write modality: [image, text]"),
])
def test_a_facet_value_written_as_its_label_gets_its_id(
        extra: str, family: str, label: str, hint: str, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the Taxonomy page shows labels ("Unsupervised learning to hash"); the fix was the list of every allowed id
    taxonomy = MINIMAL_TAXONOMY.replace("{label: Supervised,", "{label: Supervised hashing,").replace(
        "{label: Image,", "{label: Pictures,")
    root = site({"taxonomy.yml": taxonomy, "papers/weiss2008spectral.md": paper(extra=extra, family=family)})
    code, out = run(root, capsys=capsys)
    assert code == 1 and out.splitlines()[1] == f'  help: "{label}" is the label of a value, as the Taxonomy page ' \
                                                f"shows it: {hint}"


def test_key_disagreeing_with_year_or_first_author_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/torralba2009spectral.md": paper()})
    expected = (
        'papers/torralba2009spectral.md:3:10: warning[key-mismatch]: file name "torralba2009spectral" does not match '
        'the first author "Yair Weiss" and year 2008 of the front matter\n'
        "  help: rename the file to weiss2008spectral.md, unless the key is kept on purpose (e.g. a preprint year)\n"
        "0 error(s), 1 warning(s) in 1 file\n")
    assert run(root, capsys=capsys) == (0, expected)
    assert run(root, "--strict", capsys=capsys) == (1, expected + STRICT)


def test_markup_in_a_name_or_title_is_no_part_of_the_key_proposed(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the fix was "rename the file to bsmithb2008i.md"
    root = site({"papers/jones2008deep.md": paper(title="<i>Deep</i> Hashing", authors="Alice <b>Smith</b>")})
    code, out = run(root, capsys=capsys)
    assert code == 0 and "  help: rename the file to smith2008deep.md, unless the key is kept on purpose" in out


def test_a_key_is_checked_against_the_fields_that_could_be_read(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A year that cannot be read leaves the key's first author to check in the same round (it was reported only once
    the year was fixed); the name proposed keeps the key's year. The year is not judged."""
    root = site({"papers/torralba2008spectral.md": paper().replace("year: 2008", 'year: "2008"'),
                 "papers/weiss2009spectral.md": paper().replace("year: 2008", "year: '2008'")})
    code, out = run(root, capsys=capsys)
    assert code == 1 and out == (
        'papers/torralba2008spectral.md:3:10: warning[key-mismatch]: file name "torralba2008spectral" does not match '
        'the first author "Yair Weiss" of the front matter\n'
        "  help: rename the file to weiss2008spectral.md, unless the key is kept on purpose (e.g. a preprint year)\n"
        'papers/torralba2008spectral.md:5:7: error[wrong-type]: year must be a whole number, got the text "2008"\n'
        "  help: write the year as a number without quotes: year: 2008\n"
        'papers/weiss2009spectral.md:5:7: error[wrong-type]: year must be a whole number, got the text "2008"\n'
        "  help: write the year as a number without quotes: year: 2008\n"
        "2 error(s), 1 warning(s) in 2 files\n")


def test_a_file_name_that_is_no_key_is_reported_with_front_matter_that_cannot_be_read(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """The file name needs no front matter: both are fixed in one round (the key-form error came once YAML read)."""
    root = site({"papers/Weiss2008Spectral.md": paper(title="Spectral: Hashing").replace('"Spectral: Hashing"',
                                                                                         "Spectral: Hashing"),
                 "papers/spectral-hashing.md": "no front matter\n"})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert [line for line in out.splitlines() if "key-form" in line or line.startswith("  help: name")] == [
        'papers/Weiss2008Spectral.md: error[key-form]: file name "Weiss2008Spectral" is not a valid paper key',
        "  help: name the file weiss2008spectral.md (first author's last name, year, first word of the title, lowercase)",
        'papers/spectral-hashing.md: error[key-form]: file name "spectral-hashing" is not a valid paper key',
        ("  help: name the file <key>.md (first author's last name, year, first word of the title, lowercase), e.g. "
        "weiss2008spectral.md")]
    assert "error[yaml-syntax]" in out and "error[missing-front-matter]" in out


@pytest.mark.parametrize("authors, first, fixed", [
    ("Weiss Y., Torralba A.", "Weiss Y.", "Y. Weiss, A. Torralba"),
    ("Weiss Y, Antonio Torralba", "Weiss Y", "Y Weiss, Antonio Torralba"),
    ("WEISS Yair, TORRALBA Antonio", "WEISS Yair", "Yair WEISS, Antonio TORRALBA"),
])
def test_names_written_family_name_first_get_them_first_name_first_not_a_rename(
        authors: str, first: str, fixed: str, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the fix was to rename the file to y2008spectral.md (yair2008spectral.md), after a given name
    root = site({"papers/weiss2008spectral.md": paper(authors=authors)})
    assert run(root, capsys=capsys) == (0, (
        f'papers/weiss2008spectral.md:3:10: warning[key-mismatch]: file name "weiss2008spectral" does not match the '
        f'first author "{first}" of the front matter\n'
        f'  help: the names look written family name first ("{first}"): write them first name first, authors: {fixed}\n'
        "0 error(s), 1 warning(s) in 1 file\n"))
    (root / "papers/weiss2008spectral.md").write_text(paper(authors=fixed), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_the_key_of_a_first_author_with_a_suffix_written_first_name_first_is_the_family_name(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"Guy L. Steele Jr." gives steele..., as "Steele, Jr., Guy L." does, not jr...: its last word is a suffix."""
    root = site({"papers/steele2009spectral.md": paper(title="Spectral Hashing Again", year=2009,
                                                       authors="Guy L. Steele Jr., Yair Weiss")})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")
    (root / "papers/steele2009spectral.md").rename(root / "papers/jr2009spectral.md")
    assert run(root, capsys=capsys) == (0, (
        'papers/jr2009spectral.md:3:10: warning[key-mismatch]: file name "jr2009spectral" does not match the first '
        'author "Guy L. Steele Jr." of the front matter\n'
        "  help: rename the file to steele2009spectral.md, unless the key is kept on purpose (e.g. a preprint year)\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_the_key_of_a_first_author_written_family_given_is_the_last_word_of_the_family_name(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"Das Sarma, Anish" keeps the key "Anish Das Sarma" always had (sarma...): marking the split renames no file;
    "Steele, Jr., Guy L." gives steele..., not its suffix."""
    root = site({"papers/sarma2008spectral.md": paper(authors='["Das Sarma, Anish"]'),
                 "papers/steele2009spectral.md": paper(title="Spectral Hashing Again", year=2009,
                                                       authors="\n  - Steele, Jr., Guy L.\n  - Yair Weiss")})
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")
    root = site({"papers/dassarma2008spectral.md": paper(authors='["Das Sarma, Anish"]')})
    (root / "papers/sarma2008spectral.md").unlink()
    (root / "papers/steele2009spectral.md").unlink()
    assert run(root, capsys=capsys) == (0, (
        'papers/dassarma2008spectral.md:3:10: warning[key-mismatch]: file name "dassarma2008spectral" does not match '
        'the first author "Anish Das Sarma" of the front matter\n'
        "  help: rename the file to sarma2008spectral.md, unless the key is kept on purpose (e.g. a preprint year)\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_a_name_marked_family_given_in_one_paper_and_split_otherwise_in_another_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Both pages show "Anish Das Sarma"; the citations of the unmarked one would name "Sarma, Anish Das"."""
    root = site({"papers/aguerrebere2008spectral.md": paper(authors='\n  - Cecilia Aguerrebere\n  - Das Sarma, Anish'),
                 "papers/manku2007detecting.md": paper(title="Detecting Near-Duplicates", year=2007,
                                                       authors="Gurmeet Singh Manku, Anish Das Sarma"),
                 "papers/sarma2009spectral.md": paper(title="Spectral Hashing Again", year=2009,
                                                      authors='["Das Sarma, Anish"]')})
    expected = (
        'papers/manku2007detecting.md:3:10: warning[author-split-differs]: author "Anish Das Sarma" is split '
        '"Sarma, Anish Das" here but "Das Sarma, Anish" in papers/aguerrebere2008spectral.md: citations would name '
        "two people\n"
        '  help: write it "Das Sarma, Anish" here too, as an item of a YAML list of authors (or, if '
        "papers/aguerrebere2008spectral.md splits it wrongly, correct it there)\n"
        "0 error(s), 1 warning(s) in 1 file\n")
    assert run(root, capsys=capsys) == (0, expected)
    (root / "papers/manku2007detecting.md").write_text(  # in a list, the item split otherwise is named
        paper(title="Detecting Near-Duplicates", year=2007, authors="[Gurmeet Singh Manku, Anish Das Sarma]"))
    assert run(root, capsys=capsys) == (0, expected.replace(":3:10:", ":3:32:"))
    (root / "papers/manku2007detecting.md").write_text(
        paper(title="Detecting Near-Duplicates", year=2007, authors='[Gurmeet Singh Manku, "Das Sarma, Anish"]'))
    assert run(root, capsys=capsys) == (0, "l2h: 3 papers checked, no problems found\n")


def test_a_name_split_two_ways_in_one_list_is_a_warning_at_the_item_naming_the_other(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """One file writes "Das Sarma, Anish" and "Anish Das Sarma": the warning is at the item split otherwise and gives
    the line (or, on the same line, the column) of the other, not the file itself as if it were another."""
    root = site({"papers/sarma2008spectral.md": paper(authors='\n  - Das Sarma, Anish\n  - Yair Weiss\n'
                                                              '  - Anish Das Sarma')})
    assert run(root, capsys=capsys) == (0, (
        'papers/sarma2008spectral.md:6:5: warning[author-split-differs]: author "Anish Das Sarma" is split '
        '"Sarma, Anish Das" here but "Das Sarma, Anish" at line 4 of this file: citations would name two people\n'
        '  help: write it "Das Sarma, Anish" here too (or, if the name is split wrongly at line 4, correct it there)\n'
        "0 error(s), 1 warning(s) in 1 file\n"))
    (root / "papers/sarma2008spectral.md").write_text(paper(authors='[Anish Das Sarma, Yair Weiss, "Das Sarma, Anish"]'))
    assert run(root, capsys=capsys) == (0, (
        'papers/sarma2008spectral.md:3:11: warning[author-split-differs]: author "Anish Das Sarma" is split '
        '"Sarma, Anish Das" here but "Das Sarma, Anish" at column 40 of this line: citations would name two people\n'
        '  help: write it "Das Sarma, Anish" here too (or, if the name is split wrongly at column 40 of this line, '
        "correct it there)\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_an_author_listed_twice_alike_is_a_note_at_the_repeat(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A name pasted twice is noted at its second item (or, on one line, at the field), with both places in the list;
    a note, which never fails --strict: two co-authors can share a name. A name written two ways is not noted again
    (author-split-differs says it)."""
    root = site({"papers/weiss2008spectral.md": paper(authors="\n  - Yair Weiss\n  - Antonio Torralba\n  - Yair Weiss")})
    assert run(root, "--strict", capsys=capsys) == (0, (
        'papers/weiss2008spectral.md:6:5: note[author-repeated]: author "Yair Weiss" is listed again as author 3 (first '
        "as author 1)\n"
        "  help: remove the repeat (two co-authors who share this name can stay as they are)\n"
        "1 note(s), no errors or warnings\n"
        "l2h: 1 paper checked, no problems found\n"))
    (root / "papers/weiss2008spectral.md").write_text(paper(authors="Yair Weiss, Yair Weiss"))
    assert run(root, capsys=capsys)[1].startswith(
        'papers/weiss2008spectral.md:3:10: note[author-repeated]: author "Yair Weiss" is listed again as author 2 (first '
        "as author 1)\n")
    # an item of two names: the third name is the second item, not the third (Rob Fergus)
    (root / "papers/weiss2008spectral.md").write_text(paper(authors="\n  - Yair Weiss; Antonio Torralba\n"
                                                                    "  - Yair Weiss\n  - Rob Fergus"))
    assert run(root, capsys=capsys)[1].startswith(
        'papers/weiss2008spectral.md:5:5: note[author-repeated]: author "Yair Weiss" is listed again as author 3 (first '
        "as author 1)\n")
    # ... and with an "et al." item after it, as many items as names: still the second item, not the "et al."
    (root / "papers/weiss2008spectral.md").write_text(paper(authors="\n  - Yair Weiss; Antonio Torralba\n"
                                                                    "  - Yair Weiss\n  - et al."))
    assert 'papers/weiss2008spectral.md:5:5: note[author-repeated]: author "Yair Weiss" is listed again as author 3 ' \
        in run(root, capsys=capsys)[1]
    (root / "papers/weiss2008spectral.md").write_text(paper(authors="\n  - Weiss, Yair\n  - Yair Weiss"))
    assert "author-repeated" not in run(root, capsys=capsys)[1]


def test_a_whole_name_in_braces_written_without_them_in_the_same_list_is_a_warning_at_that_item(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"{Facebook AI Research}" is one name that does not split; written without braces, it is cited "Research,
    Facebook AI": the warning names the line of the other."""
    root = site({"papers/facebook2008spectral.md": paper(
        authors='\n  - "{Facebook AI Research}"\n  - Yair Weiss\n  - Facebook AI Research')})
    assert run(root, capsys=capsys) == (0, (
        'papers/facebook2008spectral.md:6:5: warning[author-split-differs]: author "Facebook AI Research" is split '
        '"Research, Facebook AI" here but "{Facebook AI Research}" at line 4 of this file: citations would name two '
        "people\n"
        '  help: write it "{Facebook AI Research}" here too (or, if the name is split wrongly at line 4, correct it '
        "there)\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_a_list_item_holding_two_names_the_review_lists_is_an_error_at_the_item(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"Yair Weiss, Antonio Torralba" would be shown "Antonio Torralba Yair Weiss": both sides are authors of the
    review, written first name first, so the item is two names."""
    root = site({"papers/weiss2008spectral.md": paper(authors="Yair Weiss, Antonio Torralba, Rob Fergus"),
                 "papers/fergus2009spectral.md": paper(title="Spectral Hashing Again", year=2009,
                                                       authors='\n  - Rob Fergus\n  - "Yair Weiss, Antonio Torralba"')})
    expected = (
        'papers/fergus2009spectral.md:5:5: error[author-two-names]: author "Yair Weiss, Antonio Torralba" is read as '
        'one name, "Antonio Torralba Yair Weiss", but "Yair Weiss" and "Antonio Torralba" are each an author in '
        "papers/weiss2008spectral.md\n"
        '  help: write each name as its own item: ["Yair Weiss", "Antonio Torralba"]\n'
        "1 error(s), 0 warning(s) in 1 file\n")
    assert run(root, capsys=capsys) == (1, expected)
    result = run(root, "--format", "json", capsys=capsys)
    assert [d["related"] for d in json.loads(result[1])["diagnostics"]] == [["papers/weiss2008spectral.md"]]
    (root / "papers/fergus2009spectral.md").write_text(paper(
        title="Spectral Hashing Again", year=2009, authors='\n  - Rob Fergus\n  - "Yair Weiss"\n  - Antonio Torralba'))
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")


def test_a_list_item_whose_family_side_is_an_author_and_looks_like_two_names_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Only "Yair Weiss" is listed; "Heng Tao Shen" is two words or more, as "Yair Weiss" is: likely two names, an
    error with --strict."""
    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/weiss2009spectral.md": paper(title="Spectral Hashing Again", year=2009,
                                                      authors='["Yair Weiss, Heng Tao Shen", Rob Fergus]')})
    expected = (
        'papers/weiss2009spectral.md:3:11: warning[author-two-names]: author "Yair Weiss, Heng Tao Shen" is read as '
        'one name, "Heng Tao Shen Yair Weiss", but "Yair Weiss" is an author in papers/weiss2008spectral.md: it '
        "looks like two names\n"
        '  help: write each name as its own item: ["Yair Weiss", "Heng Tao Shen"] (or, if "Yair Weiss" is the family '
        'name of "Heng Tao Shen", write the name first name first, "Heng Tao Shen Yair Weiss")\n'
        "0 error(s), 1 warning(s) in 1 file\n")
    assert run(root, capsys=capsys) == (0, expected)
    assert run(root, "--strict", capsys=capsys) == (1, expected + STRICT)
    # real names "Family, Given": no family side is an author of the review ("Anish Kumar" is, as a given side)
    (root / "papers/weiss2008spectral.md").write_text(paper(authors="Yair Weiss, Anish Kumar, Laurens Jan, Guy L."))
    for item in ("Das Sarma, Anish Kumar", "van der Maaten, Laurens Jan", "Das Sarma, Anish", "Kumar, Anish",
                 "Weiss, Yair", "Steele, Jr., Guy L."):
        (root / "papers/weiss2009spectral.md").write_text(paper(title="Spectral Hashing Again", year=2009,
                                                                authors=f'[Yair Weiss, "{item}"]'))
        assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n"), item


def test_an_item_of_two_new_authors_with_a_middle_initial_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Neither is an author of the review yet, as a new paper's authors mostly are: the check said nothing, and the
    page cited "John V. Guttag Davis W. Blalock". A family name holds no initial before a word."""
    root = site({"papers/blalock2017bolt.md": paper(title="Bolt", year=2017,
                                                    authors="\n  - Davis W. Blalock, John V. Guttag\n  - Sam Madden")})
    assert run(root, capsys=capsys) == (0, (
        'papers/blalock2017bolt.md:4:5: warning[author-two-names]: author "Davis W. Blalock, John V. Guttag" is read '
        'as one name, "John V. Guttag Davis W. Blalock", but "Davis W. Blalock" has the initial "W." before a word, as '
        "a name written first name first has: it looks like two names\n"
        '  help: write each name as its own item: ["Davis W. Blalock", "John V. Guttag"] (or, if it is one name, write '
        'it first name first, "John V. Guttag Davis W. Blalock")\n'
        "0 error(s), 1 warning(s) in 1 file\n"))
    # "Family, Given" as written: initials on the given side, or the family side alone
    for item in ("Blalock, Davis W.", "Blalock, D. W.", "Guttag, John V.", "de la Torre, Fernando", "Madden, S."):
        (root / "papers/blalock2017bolt.md").write_text(paper(title="Bolt", year=2017, authors=f'["{item}", Sam Madden]'))
        assert run(root, capsys=capsys)[1].count("author-two-names") == 0, item


def test_last_first_pairs_split_by_a_yaml_list_are_a_warning_at_the_authors_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(authors="[Weiss, Yair, Torralba, Antonio]"),
                 "papers/doe2019learning.md": paper("Learning", "[Doe, J., Ann Lee]", 2019)})
    expected = (
        'papers/doe2019learning.md:3:10: error[authors-split-pairs]: authors "Doe", "J." are a "Last, First" pair '
        'split in two: "J." is initials, not an author\n'
        "  help: write each name as one item, first name first: authors: [J. Doe, Ann Lee]\n"
        'papers/weiss2008spectral.md:3:10: warning[authors-split-pairs]: authors "Weiss", "Yair", "Torralba", '
        '"Antonio" look like 2 "Last, First" pairs split in two: l2h reads them as 4 authors\n'
        "  help: write each name as one item, first name first: authors: [Yair Weiss, Antonio Torralba] (or, if they "
        'are 4 names after all, organisations say, quote each: authors: ["Weiss", "Yair", "Torralba", "Antonio"])\n'
        "1 error(s), 1 warning(s) in 2 files\n")
    assert run(root, capsys=capsys) == (1, expected)
    (root / "papers/doe2019learning.md").write_text(paper("Learning", "[J. Doe, Ann Lee]", 2019), encoding="utf-8")
    warned = expected.split("papers/weiss")[1].replace("1 error(s), 1 warning(s) in 2 files", "0 error(s), 1 warning(s) in 1 file")
    assert run(root, capsys=capsys) == (0, "papers/weiss" + warned)
    assert run(root, "--strict", capsys=capsys) == (1, "papers/weiss" + warned + STRICT)
    (root / "papers/weiss2008spectral.md").write_text(paper(authors='["Weiss", "Yair", "Torralba", "Antonio"]'),
                                                      encoding="utf-8")
    assert run(root, "--strict", capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")


def test_placeholders_left_from_the_template_are_errors(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": (
        "---\ntitle: Spectral Hashing\nauthors: Yair Weiss\nvenue: TODO\nyear: 2008\ntags: [TODO]\n"
        "family: TODO\nlinks:\n  - name: Optional\n    url: https://blah/blah\n---\nTODO: summary.\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:4:8: error[placeholder]: venue still holds the placeholder "TODO"\n'
        "  help: replace it with the real venue, or remove the line if it is optional\n"
        'papers/weiss2008spectral.md:6:8: error[placeholder]: tags still holds the placeholder "TODO"\n'
        "  help: replace it with tags from taxonomy.yml\n"
        'papers/weiss2008spectral.md:7:9: error[placeholder]: family still holds the placeholder "TODO"\n'
        '  help: choose one of "unsupervised", "supervised"\n'
        'papers/weiss2008spectral.md:9:11: error[placeholder]: links still holds the placeholder "Optional"\n'
        "  help: name the link by what it leads to (Code, Slides, Project page), or delete the link\n"
        'papers/weiss2008spectral.md:10:10: error[placeholder]: links still holds the placeholder "https://blah/blah"\n'
        "  help: put the real address in its place, or delete the link\n"
        "papers/weiss2008spectral.md:12:1: error[placeholder]: summary still holds a TODO\n"
        "  help: write two to four sentences in your own words\n"
        "6 error(s), 0 warning(s) in 1 file\n")
    # each fix followed: the link named and given its address, the rest filled in
    (root / "papers/weiss2008spectral.md").write_text(
        "---\ntitle: Spectral Hashing\nauthors: Yair Weiss\nvenue: NeurIPS\nyear: 2008\ntags: [Image Retrieval]\n"
        "family: unsupervised\nlinks:\n  - name: Code\n    url: https://github.com/l2h-synthetic/weiss2008spectral\n"
        "---\nCodes from thresholded eigenfunctions.\n", encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_fields_left_blank_are_reported_empty_at_their_lines(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # lines kept from a template and not yet filled in: each is said to be empty, with a fix that fills it in (it
    # was also told to `quote it: ""`, which leaves it empty, and a blank item of the authors was dropped unsaid)
    root = site({"papers/weiss2008spectral.md": (
        "---\ntitle:\nauthors:\n  - Yair Weiss\n  -\n  - Antonio Torralba\nvenue: NeurIPS\nyear: 2008\n"
        "tags: [Image Retrieval]\nfamily:\nmodality: []\n---\nA summary in our own words.\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/weiss2008spectral.md:2:7: error[empty-field]: title is empty\n"
        "  help: write the paper's title as published\n"
        "papers/weiss2008spectral.md:5:4: error[empty-field]: empty author\n"
        "  help: remove the empty entry from authors\n"
        'papers/weiss2008spectral.md:10:8: error[missing-facet]: required facet "family" (Method family) is empty\n'
        '  help: write a value on its line, such as family: unsupervised; allowed: "unsupervised", "supervised"\n'
        "3 error(s), 0 warning(s) in 1 file\n")


def test_facet_values_written_as_one_line_get_the_list_to_write(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # as `authors: A, B` is written; the fix listed every allowed value instead of the list to write
    root = site({"papers/weiss2008spectral.md": paper(family="unsupervised, supervised", extra="modality: image, text\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:7:9: error[unknown-facet-value]: "unsupervised, supervised" is not a value of '
        'facet "family" (Method family)\n'
        "  help: it takes one value: keep the one that fits best, e.g. family: unsupervised\n"
        'papers/weiss2008spectral.md:8:11: error[unknown-facet-value]: "image, text" is not a value of facet '
        '"modality" (Data modality)\n'
        "  help: write the values as a list: modality: [image, text]\n"
        "2 error(s), 0 warning(s) in 1 file\n")


def test_a_link_with_a_user_name_or_password_is_rejected_with_the_address_without_it(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # a password pasted along would be published; `https://arxiv.org@evil.example/` names the host after the @
    root = site({"papers/weiss2008spectral.md": paper(extra=(
        "links:\n  - name: Code\n    url: https://ann:s3cret@github.com/ann/code\n"
        "  - name: arXiv\n    url: https://arxiv.org@evil.example/abs/1\n"
        "  - name: Blog\n    url: https://medium.com/@ann/post\n"))})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:10:10: error[unsafe-url]: link "https://ann:s3cret@github.com/ann/code" is '
        "rejected: it holds a user name or password before the host name (user:password@)\n"
        "  help: write url: https://github.com/ann/code\n"
        'papers/weiss2008spectral.md:12:10: error[unsafe-url]: link "https://arxiv.org@evil.example/abs/1" is '
        "rejected: it holds a user name or password before the host name (user:password@)\n"
        "  help: write url: https://evil.example/abs/1\n"
        "2 error(s), 0 warning(s) in 1 file\n")


def test_a_link_to_a_local_or_private_network_address_is_rejected(site: Site,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # copied from the author's own machine or network, or an example address: no reader can open it
    root = site({"papers/weiss2008spectral.md": paper(extra=(
        "links:\n  - name: Code\n    url: http://127.0.0.1:8000/code\n"
        "  - name: Demo\n    url: http://192.168.1.20/demo\n"
        "  - name: Data\n    url: https://[::1]/data\n"
        "  - name: Slides\n    url: http://192.0.2.7/slides\n"
        "  - name: Mirror\n    url: https://8.8.8.8/ok\n"))})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == "".join(
        f'papers/weiss2008spectral.md:{line}:10: error[unsafe-url]: link "{url}" is rejected: its host is a local or '
        "private network address, which readers cannot reach\n"
        "  help: link the page's address on the public web\n"
        for line, url in ((10, "http://127.0.0.1:8000/code"), (12, "http://192.168.1.20/demo"),
                          (14, "https://[::1]/data"), (16, "http://192.0.2.7/slides"))) + \
        "4 error(s), 0 warning(s) in 1 file\n"


def test_a_name_in_quotes_in_a_line_of_names_is_an_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # YAML keeps the quotes of a name after the first as text: the pages showed the name "Antonio Torralba" in quotes
    root = site({"papers/weiss2008spectral.md": paper(authors='Yair Weiss, "Antonio Torralba"')})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:3:10: error[wrong-type]: author "Antonio Torralba" is in quotes, which are kept '
        "as part of the name in a line of names\n"
        "  help: write the names without quotes: authors: Yair Weiss, Antonio Torralba\n"
        "1 error(s), 0 warning(s) in 1 file\n")


def test_a_required_field_under_a_name_l2h_does_not_read_is_reported_at_that_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # it was missing at line 1, with the fix to add a line: beside `Title:`, which stayed, warned of as unknown
    root = site({"papers/weiss2008spectral.md": paper().replace("title:", "Title:").replace("year:", "yaer:")
                 .replace("family:", "Family:").replace("tags:", "Tags:")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:2:1: error[missing-field]: the paper has no title: the field "Title" is not read '
        "as title\n"
        "  help: write title: instead of Title: (field names are lowercase)\n"
        'papers/weiss2008spectral.md:5:1: error[missing-field]: the paper has no year: the field "yaer" is not read '
        "as year\n"
        "  help: write year: instead of yaer:\n"
        'papers/weiss2008spectral.md:6:1: warning[no-tags]: the paper has no tags: the field "Tags" is not read as '
        "tags\n"
        "  help: write tags: instead of Tags: (field names are lowercase)\n"
        'papers/weiss2008spectral.md:7:1: error[missing-facet]: required facet "family" (Method family) is not set: '
        'the field "Family" is not read as family\n'
        "  help: write family: instead of Family: (field names are lowercase)\n"
        "3 error(s), 1 warning(s) in 1 file\n")


def test_a_facet_under_a_name_l2h_does_not_read_is_one_problem_at_its_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # `Family:` was said twice: as the required facet not set, and again as an unknown field; an optional facet once
    root = site({"papers/weiss2008spectral.md": paper(extra="Modality: [image]\n").replace("family:", "famliy:")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.md:7:1: error[missing-facet]: required facet "family" (Method family) is not set: '
        'the field "famliy" is not read as family\n'
        "  help: write family: instead of famliy:\n"
        'papers/weiss2008spectral.md:8:1: warning[unknown-field]: facet "modality" (Data modality) is not set: '
        'the field "Modality" is not read as modality\n'
        "  help: write modality: instead of Modality: (field names are lowercase)\n"
        "1 error(s), 1 warning(s) in 1 file\n")


def test_a_second_paper_pasted_below_the_first_is_an_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # its front matter was published as the first paper's summary, and the second paper was not in the review
    second = paper(title="Other Words", authors="Rob Fergus")
    root = site({"papers/weiss2008spectral.md": paper() + "\n" + second})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/weiss2008spectral.md:11:1: error[second-front-matter]: a second front matter starts on line 11: a file "
        "holds one paper, and the fields below would be shown as the summary of this one\n"
        "  help: move line 11 and the lines below it into a file of their own in papers/, named by that paper's key "
        "(see CONTRIBUTING.md)\n"
        "1 error(s), 0 warning(s) in 1 file\n")
    root = site({"papers/weiss2008spectral.md": paper() + "\n---\n\nA rule, then more of the summary.\n"})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_the_marks_of_a_byline_copied_with_the_names_are_an_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # they passed, shown and cited as part of the names; an affiliation in parentheses also made the key "university"
    root = site({"papers/weiss2008spectral.md": paper(authors="Yair Weiss1,2, Antonio Torralba*"),
                 "papers/weiss2008other.md": paper(title="Other Words", authors="Yair Weiss (MIT), Rob Fergus")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008other.md:3:10: error[author-marks]: authors hold "(MIT)": marks of the paper\'s byline '
        "(affiliations, footnotes), copied with the names\n"
        "  help: write the names without them: authors: Yair Weiss, Rob Fergus\n"
        'papers/weiss2008spectral.md:3:10: error[author-marks]: authors hold "1", "2", "*": marks of the paper\'s '
        "byline (affiliations, footnotes), copied with the names\n"
        "  help: write the names without them: authors: Yair Weiss, Antonio Torralba\n"
        "2 error(s), 0 warning(s) in 2 files\n")
    root = site({"papers/weiss2008spectral.md": paper(authors="Yair Weiss, Antonio Torralba"),
                 "papers/weiss2008other.md": paper(title="Other Words", authors='["{Team 42}", Rob Fergus]')})
    code, out = run(root, capsys=capsys)
    assert "author-marks" not in out


def test_a_field_written_without_its_colon_is_blamed_with_the_colon_as_the_fix(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # `venue NeurIPS` was taken for the authors wrapped onto the next line, and the fix, followed, passed the check
    # with an author "Antonio Torralba venue NeurIPS" and no venue; `- name Code` got "quote the value of 'url'"
    link = "links:\n  - name Code\n    url: https://github.com/a/b\n"
    root = site({"papers/weiss2008spectral.md": paper().replace("venue: NeurIPS", "venue NeurIPS"),
                 "papers/weiss2008other.md": paper(title="Other Words", extra=link)})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/weiss2008other.md:9:9: error[yaml-syntax]: invalid YAML: 'name' has no ':' after it, so this line is "
        "not a field\n"
        "  help: write a colon after the field's name: - name: Code\n"
        "papers/weiss2008spectral.md:4:6: error[yaml-syntax]: invalid YAML: 'venue' has no ':' after it, so this line "
        "is not a field\n"
        "  help: write a colon after the field's name: venue: NeurIPS\n"
        "2 error(s), 0 warning(s) in 2 files\n")
    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/weiss2008other.md": paper(title="Other Words", extra=link.replace("name Code", "name: Code"))})
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")
    # words of a title wrapped onto a line of their own are still told to be joined, even when the first is a field's
    root = site({"papers/weiss2008spectral.md": paper().replace('title: "Spectral Hashing"', "title: Spectral Hashing,"
                                                                "\ntitle of the paper"),
                 "papers/weiss2008other.md": paper(title="Other Words")})
    code, out = run(root, capsys=capsys)
    assert "join it to the line above, title: Spectral Hashing, title of the paper, or indent" in out


def test_a_merge_conflict_left_in_a_paper_is_an_error_at_its_first_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # in the front matter it was a yaml-syntax error at the line after the marker, with no word of git; in the
    # summary it passed, and the site showed both versions and the markers
    conflict = "<<<<<<< HEAD\nvenue: NeurIPS\n=======\nvenue: NIPS\n>>>>>>> feature\n"
    root = site({"papers/weiss2008spectral.md": paper().replace("venue: NeurIPS\n", conflict),
                 "papers/weiss2008other.md": paper(title="Other Words") + "<<<<<<< HEAD\nMore words.\n"
                                             "||||||| base\n=======\nOther words.\n>>>>>>> main\n",
                 "papers/weiss2009spectral.md": paper(year=2009) + "\n>>>>>>> feature\n"})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/weiss2008other.md:10:1: error[merge-conflict]: lines 10 to 15 are a merge conflict that git left in "
        "the file: both versions are in it, with git's marker lines\n"
        "  help: keep the version you want, and delete the other and the lines '<<<<<<< HEAD', '||||||| base', "
        "'=======' and '>>>>>>> main'\n"
        "papers/weiss2008spectral.md:4:1: error[merge-conflict]: lines 4 to 8 are a merge conflict that git left in "
        "the file: both versions are in it, with git's marker lines\n"
        "  help: keep the version you want, and delete the other and the lines '<<<<<<< HEAD', '=======' and "
        "'>>>>>>> feature'\n"
        "papers/weiss2009spectral.md:11:1: error[merge-conflict]: line 11, '>>>>>>> feature', is a marker of a merge "
        "conflict that git left in the file\n"
        "  help: delete line 11\n"
        "3 error(s), 0 warning(s) in 3 files\n")
    # the fixes, followed
    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/weiss2008other.md": paper(title="Other Words") + "More words.\n",
                 "papers/weiss2009spectral.md": paper(title="Spectral Hashing Again", year=2009) + "\n"})
    assert run(root, capsys=capsys) == (0, "l2h: 3 papers checked, no problems found\n")


def test_front_matter_left_open_above_a_rule_in_the_summary_is_unclosed_at_the_summary(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the rule was taken for the closing '---', and the summary's first line reported as YAML that has no ':'
    text = paper().replace("---\nA summary", "A summary") + "\n---\n\nMore of the summary.\n"
    root = site({"papers/weiss2008spectral.md": text})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/weiss2008spectral.md:8:1: error[unclosed-front-matter]: front matter opened on line 1 is not closed "
        "before line 8, which YAML cannot read as a field: it reads as the summary\n"
        "  help: add a line '---' above line 8, after the last field\n"
        "1 error(s), 0 warning(s) in 1 file\n")


def test_a_closing_dashes_line_under_the_summary_is_a_warning(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # Markdown underlines the line above with it: the summary was shown as a heading, unsaid
    root = site({"papers/weiss2008spectral.md": paper() + "---\n"})
    code, out = run(root, capsys=capsys)
    assert code == 0
    assert out == (
        "papers/weiss2008spectral.md:10:1: warning[summary-heading]: this '---', right under a line of the summary, "
        "makes that line a heading\n"
        "  help: delete it: the summary needs no closing '---'\n"
        "0 error(s), 1 warning(s) in 1 file\n")
    root = site({"papers/weiss2008spectral.md": paper() + "\n---\n\nMore.\n```\ncode\n---\n```\n"})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize("name", ["lee2009small.MD", "lee2009small.md.txt", "lee2009small", "lee2009small.yml"])
def test_a_paper_saved_under_another_ending_gets_its_name_with_md(
        name: str, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # Notepad saves "lee2009small.md" as lee2009small.md.txt; the fix was "rename it to <key>.md"
    root = site({"papers/weiss2008spectral.md": paper(), f"papers/{name}": paper("Small Codes", "Ann Lee", 2009)})
    assert run(root, capsys=capsys) == (1, (f"papers/{name}: error[not-a-paper]: {name} is not a paper file\n"
                                           "  help: paper files end in .md; rename it to lee2009small.md or move it out "
                                           "of papers/\n1 error(s), 0 warning(s) in 1 file\n"))
    (root / "papers" / name).rename(root / "papers/lee2009small.md")
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")


def test_a_paper_saved_under_another_ending_has_its_own_problems_reported_with_its_name(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # they were reported only after the rename: a contributor fixed the name, pushed, and got a second round
    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/lee2009small.md.txt": paper("Small Codes", "Ann Lee", 2009, tags="[Image Retreival]")})
    assert run(root, capsys=capsys) == (1, (
        "papers/lee2009small.md.txt: error[not-a-paper]: lee2009small.md.txt is not a paper file\n"
        "  help: paper files end in .md; rename it to lee2009small.md or move it out of papers/\n"
        "papers/lee2009small.md.txt:6:8: error[unknown-tag]: tag \"Image Retreival\" is not in taxonomy.yml\n"
        "  help: did you mean \"Image Retrieval\"? (used by 1 paper)\n"
        "2 error(s), 0 warning(s) in 1 file\n"))
    # the build fails on it as the check does: the paper is on no page until it is renamed
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    assert not (root / "_site").exists()
    capsys.readouterr()
    # a copy beside the paper itself is no second paper (it was a duplicate-key error), and renaming it is no fix
    root = site({"papers/lee2009small.md": paper("Small Codes", "Ann Lee", 2009)})
    assert run(root, capsys=capsys) == (1, (
        "papers/lee2009small.md.txt: error[not-a-paper]: lee2009small.md.txt is not a paper file\n"
        "  help: lee2009small.md is there too: delete this copy, or move it out of papers/\n"
        "1 error(s), 0 warning(s) in 1 file\n"))
    # a space at the end of the name, which neither a file manager nor the message showed, is said
    (root / "papers/lee2009small.md").rename(root / "papers/lee2009small.md ")
    (root / "papers/lee2009small.md.txt").unlink()
    assert run(root, capsys=capsys) == (1, (
        "papers/lee2009small.md : error[not-a-paper]: 'lee2009small.md ' is not a paper file: its name ends with a "
        "space\n"
        "  help: paper files end in .md; rename it to lee2009small.md or move it out of papers/\n"
        "1 error(s), 0 warning(s) in 1 file\n"))
    # a file without a paper's front matter is not read as one: a name alone is no paper
    (root / "papers/lee2009small.md ").unlink()
    (root / "papers/lee2009small.md.txt").write_text("Notes on small codes.\n", encoding="utf-8")
    assert run(root, capsys=capsys) == (1, (
        "papers/lee2009small.md.txt: error[not-a-paper]: lee2009small.md.txt is not a paper file\n"
        "  help: paper files end in .md; rename it to lee2009small.md or move it out of papers/\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


def test_files_that_are_not_papers_are_errors(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "papers/notes.txt": "x",
                 "papers/old/weiss2008spectral.md": paper(), "papers/.gitkeep": "", "papers/.keep": "",
                 "papers/README.md": "# Papers\n\nOne file a paper.\n"})
    code, out = run(root, capsys=capsys)
    assert code == 1
    # .keep, as .gitkeep, keeps an empty folder in git: it was "not a paper file"; a README was "no front matter"
    assert out == (
        "papers/README.md: error[not-a-paper]: README.md is in papers/, where every markdown file is read as a paper\n"
        "  help: move it out of papers/ (what it says of adding papers belongs in CONTRIBUTING.md)\n"
        "papers/notes.txt: error[not-a-paper]: notes.txt is not a paper file\n"
        "  help: paper files end in .md; rename it to <key>.md or move it out of papers/\n"
        "papers/old: error[not-a-paper]: papers/old/ is a folder; papers/ must be flat\n"
        "  help: move its paper files directly into papers/\n"
        "3 error(s), 0 warning(s) in 3 files\n")


def test_a_named_pipe_among_the_papers_is_an_error_not_a_check_that_waits_for_ever(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # reading it waited for a writer: `l2h check` never ended
    root = site({"papers/weiss2008spectral.md": paper()})
    os.mkfifo(root / "papers/torralba2008small.md")
    assert run(root, capsys=capsys) == (1, (
        "papers/torralba2008small.md: error[not-a-paper]: torralba2008small.md is not a regular file (a named pipe, "
        "socket or device), which git cannot hold\n"
        "  help: delete it, and write the paper as a plain file, papers/<key>.md\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


def test_editors_temporary_files_are_notes_that_never_fail_a_local_strict_check(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    root = site({"papers/weiss2008spectral.md": paper(), "papers/.weiss2008spectral.md.swp": b"\x00vim",
                 "papers/weiss2008spectral.md~": paper(), "papers/#weiss2008spectral.md#": "emacs"})
    help = "  help: it goes away when the editor closes the paper; never commit it\n"
    expected = "".join(f"papers/{name}: note[editor-file]: {name} looks like an editor's temporary file; "
                       f"it is not read\n{help}"
                       for name in ("#weiss2008spectral.md#", ".weiss2008spectral.md.swp",
                                    "weiss2008spectral.md~")) + (
        "3 note(s), no errors or warnings\nl2h: 1 paper checked, no problems found\n")
    assert run(root, capsys=capsys) == (0, expected)
    assert run(root, "--strict", capsys=capsys) == (0, expected), "a paper open in vim must not fail --strict"
    assert main(["build", "--root", str(root), "--strict", "-q"]) == 0
    monkeypatch.setenv("CI", "true")  # no git: CI's checkout holds only what was committed
    code, out = run(root, "--strict", capsys=capsys)
    assert code == 1 and out.endswith("0 error(s), 3 warning(s) in 3 files\n"
                                      "l2h: check failed: --strict counts the 3 warnings as errors\n")
    assert out.count("warning[editor-file]") == 3


def test_editors_and_os_files_fail_strict_when_git_tracks_them(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    root = site({"papers/weiss2008spectral.md": paper(), "papers/.weiss2008spectral.md.swp": b"\x00vim",
                 "papers/.DS_Store": b"\x00\x00\x00\x01Bud1", "papers/Thumbs.db": b"\xd0\xcf"})
    git(root, "init", "-q")
    git(root, "add", "papers/weiss2008spectral.md", "papers/.DS_Store", "papers/.weiss2008spectral.md.swp")
    code, out = run(root, "--strict", capsys=capsys)
    assert (code, out) == (1, (
        "papers/.DS_Store: warning[os-file]: .DS_Store is a file macOS's Finder keeps; it is not read\n"
        "  help: it is committed: delete it with git rm papers/.DS_Store, and add .DS_Store to .gitignore so that "
        "it is never committed\n"
        "papers/.weiss2008spectral.md.swp: warning[editor-file]: .weiss2008spectral.md.swp looks like an editor's "
        "temporary file; it is not read\n"
        "  help: it is committed: take it out of git with git rm --cached papers/.weiss2008spectral.md.swp; never "
        "commit it\n"
        "papers/Thumbs.db: note[os-file]: Thumbs.db is a file Windows keeps thumbnails in; it is not read\n"
        "  help: delete it, and add Thumbs.db to .gitignore so that it is never committed\n"
        "0 error(s), 2 warning(s) in 2 files\n"
        "l2h: check failed: --strict counts the 2 warnings as errors\n"))
    monkeypatch.setenv("CI", "true")  # in a git repository, git says what is committed, under CI too
    assert run(root, "--strict", capsys=capsys) == (code, out)
    git(root, "rm", "-q", "--cached", "papers/.DS_Store", "papers/.weiss2008spectral.md.swp")
    assert run(root, "--strict", capsys=capsys)[0] == 0


def test_check_paths_reports_the_files_and_the_cross_file_problems_involving_them(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(extra="arxiv: \"0801.0001\"\n"),
        "papers/weiss2008copy.md": paper(title="Copy", extra="arxiv: \"0801.0001\"\n"),
        "papers/broken2020paper.md": "no front matter\n",
        "papers/stray.txt": "x",
    })
    code, out = run(root, str(root / "papers/weiss2008copy.md"), capsys=capsys)
    assert code == 1
    assert out.splitlines()[::2] == [
        ('papers/weiss2008copy.md:8:8: error[duplicate-paper]: papers/weiss2008spectral.md has the same arXiv id '
        '"0801.0001": the same paper appears twice'),
        ('papers/weiss2008spectral.md:8:8: error[duplicate-paper]: papers/weiss2008copy.md has the same arXiv id '
        '"0801.0001": the same paper appears twice'),
        "2 error(s), 0 warning(s) in 2 files",
    ]
    code, out = run(root, str(root / "papers/broken2020paper.md"), capsys=capsys)
    assert code == 1 and out.startswith("papers/broken2020paper.md:1:1: error[missing-front-matter]:")
    assert "stray" not in out and "weiss" not in out
    code, out = run(root, str(root / "papers"), capsys=capsys)
    assert code == 1 and "stray.txt" in out and "broken2020paper" in out


def test_check_paths_always_reports_a_broken_taxonomy(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": "tags: [\n"})
    code, out = run(root, str(root / "papers/weiss2008spectral.md"), capsys=capsys)
    assert code == 1 and out.startswith("taxonomy.yml:")


def test_check_paths_outside_the_papers_folder_is_a_usage_error(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "draft.md": paper()})
    assert main(["check", "--root", str(root), str(root / "draft.md")]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: {root / 'draft.md'} is not in the papers folder papers/; move the paper there, then check it\n")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "paper.html").write_text("x")
    assert main(["check", "--root", str(root), str(root / "templates/paper.html")]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: {root / 'templates/paper.html'} is not a paper: PATHS name papers (or taxonomy.yml, l2h.yml); "
        "a plain `l2h check` checks the templates and the rest of the review too\n")
    assert main(["check", "--root", str(root), str(root / "papers/missing.md")]) == 2
    assert capsys.readouterr().err == f"l2h: error: {root / 'papers/missing.md'} does not exist\n"


@pytest.mark.parametrize("given", ["weiss2008spectral.md", "weiss2008spectral", "papers/weiss2008spectral"])
def test_check_of_a_paper_named_without_its_folder_or_ending_names_the_file_meant(
        given: str, site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": paper()})
    monkeypatch.chdir(root)
    assert main(["check", given]) == 2
    assert capsys.readouterr().err == (f"l2h: error: {given} does not exist; did you mean "
                                       "papers/weiss2008spectral.md?\n")


def test_github_format_escapes_percent_cr_and_lf_and_writes_the_step_summary(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": paper(tags='["100% Recall"]'),
                 "papers/torralba2009spectral.md": paper(title="Other")})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = run(root, "--format", "github", capsys=capsys)
    assert code == 1
    assert out == (
        "::warning file=papers/torralba2009spectral.md,line=3,col=10,title=key-mismatch::file name \"torralba2009spectral\" "
        "does not match the first author \"Yair Weiss\" and year 2008 of the front matter%0Arename the file to "
        "weiss2008other.md, unless the key is kept on purpose (e.g. a preprint year)\n"
        "::error file=papers/weiss2008spectral.md,line=6,col=8,title=unknown-tag::tag \"100%25 Recall\" is not "
        "in taxonomy.yml%0Ause a tag listed in taxonomy.yml, or propose a new one there with a description\n")
    assert summary.read_text(encoding="utf-8") == (
        "### l2h check\n\n1 error(s), 1 warning(s) in 2 files\n\n"
        "| location | severity | code | message | fix |\n|---|---|---|---|---|\n"
        "| `papers/torralba2009spectral.md:3:10` | warning | `key-mismatch` | file name \"torralba2009spectral\" does "
        "not match the first author \"Yair Weiss\" and year 2008 of the front matter | rename the file to "
        "weiss2008other.md, unless the key is kept on purpose (e.g. a preprint year) |\n"
        "| `papers/weiss2008spectral.md:6:8` | error | `unknown-tag` | tag \"100% Recall\" is not in taxonomy.yml "
        "| use a tag listed in taxonomy.yml, or propose a new one there with a description |\n")


def test_github_format_escapes_every_special_character() -> None:
    d = Diagnostic("papers/a,b:c.md", 3, 4, "note", "co:de", "50%\r\nnext", "fix\nit")
    assert format_github([d]) == "::notice file=papers/a%2Cb%3Ac.md,line=3,col=4,title=co%3Ade::50%25%0D%0Anext%0Afix%0Ait\n"
    assert format_markdown([]) == "### l2h check\n\nNo problems found.\n"
    odd = Diagnostic("papers/we`ird|x``.md", 1, 1, "error", "key-form", "bad", "rename it")
    assert format_markdown([odd]).splitlines()[-1] == (
        "| ``` papers/we`ird\\|x``.md:1:1 ``` | error | `key-form` | bad | rename it |")  # a backtick ends no span
    # a user's value in a message or fix is shown as written: it was the markdown and HTML it holds, an image here
    hostile = Diagnostic("papers/x.md", 1, 1, "error", "unknown-tag", 'tag "a`b`<img src=x>" is *new* & [odd]',
                         "write \\lambda_1 | or __x__")
    assert format_markdown([hostile]).splitlines()[-1] == (
        '| `papers/x.md:1:1` | error | `unknown-tag` | tag "a\\`b\\`&lt;img src=x&gt;" is \\*new\\* &amp; \\[odd\\] '
        "| write \\\\lambda\\_1 \\| or \\_\\_x\\_\\_ |")


def test_json_format_is_the_documented_shape(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(tags="[Transformer]", family="nonsense")})
    code, out = run(root, "--format", "json", capsys=capsys)
    assert code == 1
    assert json.loads(out) == {
        "version": 1,
        "errors": 1,
        "warnings": 0,
        "unchecked": 0,
        "diagnostics": [
            {"path": "papers/weiss2008spectral.md", "line": 6, "column": 8, "severity": "note", "code": "tag-alias",
             "message": 'tag "Transformer" is read as "Transformers"', "hint": 'write "Transformers" to say it directly',
             "related": []},
            {"path": "papers/weiss2008spectral.md", "line": 7, "column": 9, "severity": "error",
             "code": "unknown-facet-value", "message": '"nonsense" is not a value of facet "family" (Method family)',
             "hint": 'allowed: "unsupervised", "supervised"', "related": []},
        ],
    }
    assert run(site({"papers/weiss2008spectral.md": paper()}), "--format", "json", capsys=capsys) == (
        0, '{\n  "version": 1,\n  "errors": 0,\n  "warnings": 0,\n  "unchecked": 0,\n  "diagnostics": []\n}\n')


def test_one_key_twice_and_a_symlink_are_errors(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "papers/weiss2008spectral.markdown": paper(),
                 "elsewhere.md": paper()})
    (root / "papers/weiss2008link.md").symlink_to(root / "elsewhere.md")
    code, out = run(root, str(root / "papers/weiss2008spectral.md"), capsys=capsys)
    assert code == 1
    assert out == (
        'papers/weiss2008spectral.markdown: error[duplicate-key]: key "weiss2008spectral" is also used by '
        "papers/weiss2008spectral.md\n"
        "  help: keep one file per paper; delete or rename the other\n"
        'papers/weiss2008spectral.md: error[duplicate-key]: key "weiss2008spectral" is also used by '
        "papers/weiss2008spectral.markdown\n"
        "  help: keep one file per paper; delete or rename the other\n"
        "2 error(s), 0 warning(s) in 2 files\n")
    code, out = run(root, str(root / "papers/weiss2008link.md"), capsys=capsys)
    assert (code, out) == (1, (
        "papers/weiss2008link.md: error[symlink]: paper files may not be symbolic links\n"
        "  help: replace the link with the file itself\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


def test_key_not_in_the_key_form_names_the_derived_key(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/Spectral-Hashing.md": paper()})
    code, out = run(root, capsys=capsys)
    assert (code, out) == (1, (
        'papers/Spectral-Hashing.md: error[key-form]: file name "Spectral-Hashing" is not a valid paper key\n'
        "  help: name the file weiss2008spectral.md (first author's last name, year, first word of the title, "
        "lowercase)\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


@pytest.mark.parametrize("text", ["", "# only a comment\n", "tags:\n", "tags: {}\nfacets: {}\n"])
def test_an_empty_taxonomy_is_an_error_and_the_papers_are_not_claimed_checked(
        site: Site, capsys: pytest.CaptureFixture[str], text: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "papers/jegou2011product.md": paper("Product Quantization",
                                                                                              "Herve Jegou", 2011),
                 "taxonomy.yml": text})
    assert run(root, capsys=capsys) == (1, (
        "taxonomy.yml:1:1: error[taxonomy-empty]: taxonomy.yml declares no tags and no facets\n"
        "  help: add a 'tags:' section with the review's tags (and a 'facets:' section if it uses facets); "
        "see CONTRIBUTING.md\n"
        "1 error(s), 0 warning(s) in 1 file\n"
        "l2h: 2 papers were not checked against taxonomy.yml, which has errors; fix them and check again\n"))
    assert main(["build", "--root", str(root)]) == 1
    assert not (root / "_site").exists(), "an empty taxonomy must not publish an empty review"


def test_an_empty_papers_folder_is_a_warning(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/.gitkeep": ""})
    assert run(root, capsys=capsys) == (0, (
        "papers: warning[no-papers]: papers/ holds no paper files\n"
        "  help: add a paper as papers/<key>.md (see CONTRIBUTING.md), or set papers_dir in l2h.yml if the papers "
        "are elsewhere\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_a_paper_with_errors_is_still_checked_against_the_taxonomy(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(year=19999, tags="[Image Retreival]", family="unsupervisd",
                                                      extra="doi: notadoi\nmodality: [image, TODO]\n"),
                 "papers/jegou2011product.md": paper("Product Quantization", "Herve Jegou", 2011,
                                                     extra="family: supervised\nmodality: [sound]\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in out.splitlines() if not line.startswith(" ")][:-1] == [
        ["papers/jegou2011product.md:8:1", "error[duplicate-key]"],
        ["papers/jegou2011product.md:9:12", "error[unknown-facet-value]"],
        ["papers/weiss2008spectral.md:5:7", "error[year-range]"],
        ["papers/weiss2008spectral.md:6:8", "error[unknown-tag]"],
        ["papers/weiss2008spectral.md:7:9", "error[unknown-facet-value]"],
        ["papers/weiss2008spectral.md:8:6", "error[doi-format]"],
        ["papers/weiss2008spectral.md:9:19", "error[placeholder]"],
    ]
    assert 'tag "Image Retreival" is not in taxonomy.yml\n  help: did you mean "Image Retrieval"?' in out
    assert '"unsupervisd" is not a value of facet "family" (Method family)\n  help: did you mean "unsupervised"?' in out
    # Neither paper is published, and the key is not judged against a year that could not be read.
    assert "key-mismatch" not in out and main(["build", "--root", str(root)]) == 1


def test_an_unreadable_facet_value_is_not_also_reported_missing(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(family="{a: b}")})
    assert run(root, capsys=capsys) == (1, (
        "papers/weiss2008spectral.md:7:9: error[wrong-type]: family must be text, got a mapping\n"
        "  help: write a single line of text, in double quotes if it contains ': '\n"
        "1 error(s), 0 warning(s) in 1 file\n"))


def test_a_field_written_twice_names_the_value_read_and_the_lines_to_delete_for_either(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    written = paper(extra="tags:\n  - Transformers\n  # the tag of the journal version\n  - Quantisation\n")
    root = site({"papers/weiss2008spectral.md": written})
    assert run(root, capsys=capsys) == (1, (
        "papers/weiss2008spectral.md:8:1: error[duplicate-key]: key 'tags' appears twice (first on line 6); l2h reads "
        "line 6's value and ignores this one\n"
        "  help: delete lines 8-11 to keep the first, or delete line 6 to keep this one\n"
        "1 error(s), 0 warning(s) in 1 file\n"))
    lines = written.splitlines(keepends=True)
    # each way, followed, leaves one tags field, the one meant, and passes
    for first, last, kept, gone in ((8, 11, "tags: [Image Retrieval]\n", "  - Quantisation\n"),
                                    (6, 6, "  - Quantisation\n", "tags: [Image Retrieval]\n")):
        fixed = "".join(lines[:first - 1] + lines[last:])
        (root / "papers/weiss2008spectral.md").write_text(fixed, encoding="utf-8")
        assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")
        assert kept in fixed and gone not in fixed and fixed.count("tags:") == 1


def test_a_taxonomy_with_a_yaml_problem_is_still_checked_in_full(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": (
        "tags:\n  A:\n    description: a\n  A:\n    description: b\n  Lonely:\n    aliases: [x]\n"
        "facets:\n  family:\n    label: F\n    description: f\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "taxonomy.yml:4:3: error[duplicate-key]: key 'A' appears twice (first on line 2); l2h reads line 2's value "
        "and ignores this one\n"
        "  help: delete lines 4-5 to keep the first, or delete lines 2-3 to keep this one\n"
        "taxonomy.yml:6:3: error[taxonomy-missing]: tags/Lonely has no description\n"
        "  help: add 'description: …' with a short description\n"
        "taxonomy.yml:9:3: error[taxonomy-missing]: facet 'family' has no values\n"
        "  help: add a 'values:' mapping\n"
        "3 error(s), 0 warning(s) in 1 file\n"
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n")


def test_a_tag_s_blank_description_and_aliases_on_one_line_get_the_fix_for_what_is_written(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the fixes were "add 'description: …'" (a second one, a duplicate key) and aliases: [Other Spelling, Another]
    taxonomy = MINIMAL_TAXONOMY.replace("  Quantisation:\n    description: Codebooks.\n",
                                        "  Quantisation:\n    description:\n    aliases: Quantization, PQ\n")
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "taxonomy.yml:23:5: error[taxonomy-missing]: tags/Quantisation has an empty description\n"
        "  help: write a short description after 'description:'\n"
        "taxonomy.yml:24:14: error[taxonomy-type]: aliases of tag 'Quantisation' must be a list of names\n"
        "  help: write aliases: [Quantization, PQ]\n"
        "2 error(s), 0 warning(s) in 1 file\n"
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n")
    root = site({"taxonomy.yml": taxonomy.replace("description:\n    aliases: Quantization, PQ",
                                                  "description: Codebooks.\n    aliases: [Quantization, PQ]")})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def one_taxonomy_error(diagnostic: str) -> tuple[int, str]:
    """What l2h check prints, and its exit code, for a review whose taxonomy.yml has one error (the diagnostic)."""
    return 1, (diagnostic + "1 error(s), 0 warning(s) in 1 file\n"
               "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n")


def taxonomy_with_tag(line: str, where: str) -> str:
    """MINIMAL_TAXONOMY with a line added to its tags: at their end, before a venues section, at their start, or in
    their middle."""
    return {"end": MINIMAL_TAXONOMY + line,
            "before venues": MINIMAL_TAXONOMY + line + "\n# Other names of venues.\nvenues:\n  NeurIPS:\n"
                             "    aliases: [NIPS]\n",
            "start": MINIMAL_TAXONOMY.replace("tags:\n", "tags:\n" + line),
            "middle": MINIMAL_TAXONOMY.replace("  Transformers:", line + "  Transformers:")}[where]


@pytest.mark.parametrize(("where", "line"), [("end", 24), ("start", 17), ("middle", 19), ("before venues", 24)])
@pytest.mark.parametrize(("item", "shape", "key"), [
    ("  - Graph Search\n", "'- Graph Search' is a list item", "Graph Search"),
    # YAML fails on a later line (the next tag, the file's end, a comment after a blank line), where l2h said
    # "could not find expected ':'" or "mapping values are not allowed" with a fix for another line
    ("  Graph Search\n", "'Graph Search' is a name without a colon", "Graph Search"),
    # quoted, it was "did not find expected key": "check the quoting and indentation of this line"
    ('  - "C++"\n', "'- \"C++\"' is a list item", "C++"),
    ('  - "Search: Graphs"\n', "'- \"Search: Graphs\"' is a list item", '"Search: Graphs"')])
def test_a_tag_added_to_the_taxonomy_as_a_list_item_or_without_its_colon_gets_the_lines_to_write_and_they_work(
        site: Site, capsys: pytest.CaptureFixture[str], where: str, line: int, item: str, shape: str, key: str) -> None:
    taxonomy = taxonomy_with_tag(item, where)
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == one_taxonomy_error(
        f"taxonomy.yml:{line}:3: error[yaml-syntax]: invalid YAML: {shape}, but each tag of "
        "taxonomy.yml is its name and a colon, with its description indented below it\n"
        f"  help: write the tag as the others are, in place of this line: '  {key}:' and, below it, "
        "'    description:' followed by one sentence a newcomer understands\n")
    # the lines written as the fix says, the check asks for the description, and once it is written passes
    (root / "taxonomy.yml").write_text(taxonomy.replace(item, f"  {key}:\n    description:\n"), encoding="utf-8")
    name = key.strip('"')
    assert run(root, capsys=capsys) == one_taxonomy_error(
        f"taxonomy.yml:{line + 1}:5: error[taxonomy-missing]: tags/{name} has an empty description\n"
        "  help: write a short description after 'description:'\n")
    (root / "taxonomy.yml").write_text(taxonomy.replace(
        item, f"  {key}:\n    description: Search over a proximity graph of the data.\n"), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize("where", ["end", "start", "middle", "before venues"])
@pytest.mark.parametrize(("item", "below"), [
    ("  - Graph Search: Search over a proximity graph of the data.\n",
     "'    description: Search over a proximity graph of the data.'"),
    ('  - Graph Search: "Search: over a graph."\n', "'    description: \"Search: over a graph.\"'")])
def test_a_tag_added_as_a_list_item_with_its_description_after_a_colon_gets_the_lines_to_write_with_it(
        site: Site, capsys: pytest.CaptureFixture[str], where: str, item: str, below: str) -> None:
    # it was YAML's 'did not find expected key' (or ''-' indicator'), "check the quoting and indentation of this line"
    taxonomy = taxonomy_with_tag(item, where)
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    line = taxonomy.splitlines().index(item.rstrip("\n")) + 1
    assert run(root, capsys=capsys) == one_taxonomy_error(
        f"taxonomy.yml:{line}:3: error[yaml-syntax]: invalid YAML: '{item.strip()}' is a list item, but each tag of "
        "taxonomy.yml is its name and a colon, with its description indented below it\n"
        f"  help: write the tag as the others are, in place of this line: '  Graph Search:' and, below it, {below}\n")
    description = below.strip("'")
    (root / "taxonomy.yml").write_text(taxonomy.replace(item, f"  Graph Search:\n{description}\n"), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize(("items", "below"), [
    ("  - Image Retrieval\n  - Quantisation\n", "'    description:' followed by one sentence a newcomer understands"),
    # each with its description after a colon: "tags must be a mapping", "indent its entries under it as 'name: …'"
    ("  - Image Retrieval: Retrieval of images.\n  - Quantisation: Codebooks.\n",
     "'    description: Retrieval of images.'")])
def test_tags_written_as_a_list_of_names_get_the_lines_to_write_for_the_first(
        site: Site, capsys: pytest.CaptureFixture[str], items: str, below: str) -> None:
    tags = MINIMAL_TAXONOMY[MINIMAL_TAXONOMY.index("tags:"):]
    taxonomy = MINIMAL_TAXONOMY.replace(tags, "tags:\n" + items)
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == one_taxonomy_error(
        "taxonomy.yml:17:3: error[taxonomy-type]: tags must be a mapping of each tag's name to its description, not a "
        "list\n"
        f"  help: write each item as its name and a colon, with its description below it: '  Image Retrieval:' and, "
        f"below it, {below}\n")
    (root / "taxonomy.yml").write_text(MINIMAL_TAXONOMY.replace(tags, (
        "tags:\n  Image Retrieval:\n    description: Retrieval of images.\n"
        "  Quantisation:\n    description: Codebooks.\n")), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize(("where", "line"), [("start", 7), ("middle", 8), ("end", 9)])
@pytest.mark.parametrize(("item", "shape", "fix", "fixed"), [
    ("      - graph\n", "'- graph' is a list item",
     ("'      graph:' and, below it, '        label:' followed by a short label and '        description:' followed "
      "by one sentence a newcomer understands"), "      graph:\n        label: Graph\n        description: Greedy.\n"),
    ("      graph\n", "'graph' is a name without a colon",
     ("'      graph:' and, below it, '        label:' followed by a short label and '        description:' followed "
      "by one sentence a newcomer understands"), "      graph:\n        label: Graph\n        description: Greedy.\n"),
    # a name that is no id: the id is made from it, and it is the label
    ('      - "Graph Search"\n', "'- \"Graph Search\"' is a list item",
     ("'      graph-search:' and, below it, '        label: Graph Search' and '        description:' followed by "
      "one sentence a newcomer understands"),
     "      graph-search:\n        label: Graph Search\n        description: Greedy.\n"),
    ("      - Graph Search: Greedy.\n", "'- Graph Search: Greedy.' is a list item",
     "'      graph-search:' and, below it, '        label: Graph Search' and '        description: Greedy.'",
     "      graph-search:\n        label: Graph Search\n        description: Greedy.\n")])
def test_a_facet_value_added_as_a_list_item_or_without_its_colon_gets_the_lines_to_write_and_they_work(
        site: Site, capsys: pytest.CaptureFixture[str], where: str, line: int, item: str, shape: str, fix: str,
        fixed: str) -> None:
    # each was YAML's message at the line ('did not find expected key') or the next ('could not find expected ':'')
    taxonomy = {"start": MINIMAL_TAXONOMY.replace("    values:\n", "    values:\n" + item, 1),
                "middle": MINIMAL_TAXONOMY.replace("      supervised:", item + "      supervised:"),
                "end": MINIMAL_TAXONOMY.replace("  modality:", item + "  modality:")}[where]
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == one_taxonomy_error(
        f"taxonomy.yml:{line}:7: error[yaml-syntax]: invalid YAML: {shape}, but each value of facet 'family' is its "
        "id and a colon, with its label and description indented below it\n"
        f"  help: write the value as the others are, in place of this line: {fix}\n")
    (root / "taxonomy.yml").write_text(taxonomy.replace(item, fixed), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize(("before", "item", "diagnostic"), [
    # each was told to write the entry again: followed, it was YAML's duplicate key
    ("      supervised:", "      - Unsupervised\n",
     (":8:7: error[yaml-syntax]: invalid YAML: '- Unsupervised' is a list item, and facet 'family' already declares "
      "'Unsupervised' as value 'unsupervised' at line 7\n"
      "  help: delete this line: value 'unsupervised' is declared at line 7, and any change to it is made there\n")),
    ("      supervised:", "      unsupervised\n",
     (":8:7: error[yaml-syntax]: invalid YAML: 'unsupervised' is a name without a colon, and facet 'family' already "
      "declares value 'unsupervised' at line 7\n"
      "  help: delete this line: value 'unsupervised' is declared at line 7, and any change to it is made there\n")),
    ("  Quantisation:", "  - transformer: Attention.\n",
     (":22:3: error[yaml-syntax]: invalid YAML: '- transformer: Attention.' is a list item, and taxonomy.yml already "
      "declares 'Transformer' as an alias of tag 'Transformers' at line 19\n"
      "  help: delete this line: tag 'Transformers' is declared at line 19, and any change to it is made there\n")),
    # another spelling of a tag, as tag drift is found (normalise_term): American, plural
    ("  Quantisation:", "  - Quantizations\n",
     (":22:3: error[yaml-syntax]: invalid YAML: '- Quantizations' is a list item, and taxonomy.yml already declares "
      "'Quantizations' as tag 'Quantisation' at line 23\n"
      "  help: delete this line: tag 'Quantisation' is declared at line 23, and any change to it is made there\n")),
    ("  Quantisation:", "  - image retrieval\n    description: Again.\n",
     (":22:3: error[yaml-syntax]: invalid YAML: '- image retrieval' is a list item, and taxonomy.yml already declares "
      "'image retrieval' as tag 'Image Retrieval' at line 17\n"
      "  help: delete this line and the lines indented below it: tag 'Image Retrieval' is declared at line 17, and any "
      "change to it is made there\n"))])
def test_an_entry_written_as_a_list_item_that_is_already_declared_is_to_be_deleted_not_written_again(
        site: Site, capsys: pytest.CaptureFixture[str], before: str, item: str, diagnostic: str) -> None:
    taxonomy = MINIMAL_TAXONOMY.replace(before, item + before, 1)
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == one_taxonomy_error("taxonomy.yml" + diagnostic)
    (root / "taxonomy.yml").write_text(MINIMAL_TAXONOMY, encoding="utf-8")  # the lines deleted, as the fix says
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize(("before", "item", "below", "diagnostic", "key"), [
    ("  Transformers:", "  - Graph Search:", "    description: Greedy.",
     (":3: error[yaml-syntax]: invalid YAML: '- Graph Search:' is a list item, but each tag of taxonomy.yml is its name "
      "and a colon, with its description indented below it\n"
      "  help: write the tag as the others are, in place of this line: '  Graph Search:', with the lines below it as "
      "they are\n"), "  Graph Search:"),
    ("  Transformers:", "  Graph Search", "    description: Greedy.",
     (":3: error[yaml-syntax]: invalid YAML: 'Graph Search' is a name without a colon, but each tag of taxonomy.yml is "
      "its name and a colon, with its description indented below it\n"
      "  help: write the tag as the others are, in place of this line: '  Graph Search:', with the lines below it as "
      "they are\n"), "  Graph Search:"),
    ("      supervised:", "      - graph:", "          label: Graph\n          description: Greedy.",
     (":7: error[yaml-syntax]: invalid YAML: '- graph:' is a list item, but each value of facet 'family' is its id and "
      "a colon, with its label and description indented below it\n"
      "  help: write the value as the others are, in place of this line: '      graph:', with the lines below it as "
      "they are\n"), "      graph:")])
def test_an_entry_written_as_a_list_item_or_without_its_colon_above_its_fields_gets_its_name_line_to_write(
        site: Site, capsys: pytest.CaptureFixture[str], before: str, item: str, below: str, diagnostic: str,
        key: str) -> None:
    # the fix said to write 'description:' below it too: followed, the tag had it twice (duplicate-key)
    taxonomy = MINIMAL_TAXONOMY.replace(before, f"{item}\n{below}\n{before}")
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    line = taxonomy.splitlines().index(item) + 1
    assert run(root, capsys=capsys) == one_taxonomy_error(f"taxonomy.yml:{line}{diagnostic}")
    (root / "taxonomy.yml").write_text(taxonomy.replace(item + "\n", key + "\n"), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_a_facet_s_values_written_as_a_list_get_the_lines_to_write_for_the_first(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # it was "values of facet 'family' must be a mapping", "indent its entries under it as 'name: …'", and "facet
    # 'family' has no values", "add a 'values:' mapping"
    values = ("      unsupervised: {label: Unsupervised, description: Learned without labels.}\n"
              "      supervised: {label: Supervised, description: Learned from labels.}\n")
    taxonomy = MINIMAL_TAXONOMY.replace(values, "      - unsupervised: Learned without labels.\n      - supervised\n")
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == one_taxonomy_error(
        "taxonomy.yml:7:7: error[taxonomy-type]: values of facet 'family' must be a mapping of each value's id to its "
        "label and description, not a list\n"
        "  help: write each item as its id and a colon, with its label and description below it: '      unsupervised:' "
        "and, below it, '        label:' followed by a short label and '        description: Learned without labels.'\n")
    (root / "taxonomy.yml").write_text(MINIMAL_TAXONOMY.replace(values, (
        "      unsupervised:\n        label: Unsupervised\n        description: Learned without labels.\n"
        "      supervised:\n        label: Supervised\n        description: Learned from labels.\n")), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize("taxonomy", [
    MINIMAL_TAXONOMY.replace("aliases: [Transformer]", "aliases:\n      - Transformer"),  # a list where one belongs
    MINIMAL_TAXONOMY + "  - [Graph Search, Hashing]\n"])  # no name: YAML's own message
def test_list_items_that_are_no_tag_written_as_an_item_are_not_blamed_as_one(
        site: Site, capsys: pytest.CaptureFixture[str], taxonomy: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    assert "is a list item" not in run(root, capsys=capsys)[1]


def test_an_invisible_character_in_a_taxonomy_tag_is_named_and_shown_not_reported_as_drift(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    taxonomy = MINIMAL_TAXONOMY + "  Image\u200bRetrieval:\n    description: Again.\n    aliases: [\"Im\u202eages\"]\n"
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out.startswith(
        "taxonomy.yml:24:3: error[control-character]: tag name 'Image\\u200bRetrieval' contains the invisible "
        "character U+200B (zero width space)\n"
        "  help: delete the invisible character (retype the name if needed)\n"
        "1 error(s)")


def test_a_setting_of_the_wrong_type_is_described_in_plain_words(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "l2h.yml": "search: yes please\ntitle: 2019-01-01\n"})
    assert run(root, capsys=capsys) == (1, (
        'l2h.yml:1:9: error[config-type]: setting "search" must be true or false, got the text "yes please"\n'
        "  help: write search: true or search: false\n"
        'l2h.yml:2:8: error[config-type]: setting "title" must be text, got a date (2019-01-01)\n'
        "  help: quote text values\n"
        "2 error(s), 0 warning(s) in 1 file\n"))


def test_the_contributing_example_copied_as_it_is_fails_on_its_made_up_link_and_summary_until_they_are_replaced(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A contributor who copies the example and forgets to replace its link and summary published a made-up code
    link and the example's instructions as the paper's summary; the rest of the example is a valid paper."""
    repo = Path(__file__).resolve().parent.parent
    text = (repo / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "arxiv:" not in example and "doi:" not in example, "a copied identifier would be another paper's"
    assert "https URLs only" not in text and "or in the future" not in text, "http links and next year are accepted"
    head, body = example.split("---\n", 2)[1:]
    assert tuple(body.strip().split("\n")) == EXAMPLE_SUMMARY, "validate.EXAMPLE_SUMMARY is the example's summary"
    taxonomy = (repo / "taxonomy.yml").read_text(encoding="utf-8")
    root = site({"papers/weiss2008spectral.md": example, "taxonomy.yml": taxonomy})
    assert run(root, capsys=capsys) == (1, (
        "papers/weiss2008spectral.md:14:10: error[placeholder]: links still holds the example address "
        '"https://github.com/example/spectral-hashing"\n'
        "  help: put the real address in its place, or delete the link\n"
        "papers/weiss2008spectral.md:16:1: error[placeholder]: summary still holds the example text of CONTRIBUTING.md: "
        '"Two to four sentences in your own words: what the method does and why it mattered"\n'
        "  help: write in its place two to four sentences of your own: what the paper does and why it matters\n"
        "papers/weiss2008spectral.md:17:1: error[placeholder]: summary still holds the example text of CONTRIBUTING.md: "
        '"Inline math such as $\\{x_i\\}_{i=1}^n$ and display math $$\\sum_i x_i$$ are rendered"\n'
        "  help: delete it: it tells how to write math, and is no part of the summary\n"
        "3 error(s), 0 warning(s) in 1 file\n"))
    # rewrapped by an editor, in another case, after a sentence of the contributor's own: still the example's text
    rewrapped = ("Codes from thresholded eigenfunctions.  two to four\nsentences in YOUR own words: what the method does"
                 "\n  and why it mattered\n")
    (root / "papers/weiss2008spectral.md").write_text(f"---\n{head}---\n{rewrapped}", encoding="utf-8")
    assert run(root, capsys=capsys) == (1, (
        "papers/weiss2008spectral.md:14:10: error[placeholder]: links still holds the example address "
        '"https://github.com/example/spectral-hashing"\n'
        "  help: put the real address in its place, or delete the link\n"
        "papers/weiss2008spectral.md:16:41: error[placeholder]: summary still holds the example text of "
        'CONTRIBUTING.md: "two to four sentences in YOUR own words: what the method does and why it mattered"\n'
        "  help: write in its place two to four sentences of your own: what the paper does and why it matters\n"
        "2 error(s), 0 warning(s) in 1 file\n"))
    # the fixes followed: the link deleted, a summary of one's own
    own = head.split("links:")[0] + "---\nCodes from thresholded eigenfunctions of the graph Laplacian.\n"
    (root / "papers/weiss2008spectral.md").write_text(f"---\n{own}", encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


@pytest.mark.parametrize(("url", "made_up"), [
    ("https://example.org/code", True), ("https://EXAMPLE.com", True), ("http://www.example.net:8080/x", True),
    ("https://docs.example.org./a", True), ("https://code.example/x", True), ("https://my.test/", True),
    ("https://nowhere.invalid/", True), ("http://localhost:8000/", True), ("https://app.localhost/", True),
    ("https://github.com/example/spectral-hashing", True), ("https://www.github.com/Example/x", True),
    ("https://gitlab.com/example/x", True), ("https://github.com/example", True),
    ("https://github.com/yaircw/spectral-hashing", False), ("https://github.com/examples/x", False),
    ("https://github.com/ann/example", False), ("https://counterexample.org/", False),
    ("https://example.org.uk/", False), ("https://arxiv.org/abs/0801.0001", False), ("https://testing.com/", False),
    ("https://bitbucket.org/example/x", False),
])
def test_an_address_made_up_for_examples_is_told_apart(url: str, made_up: bool) -> None:
    assert is_example_url(url) is made_up


def test_a_made_up_link_is_an_error_at_its_url_in_either_list_of_links(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(extra=(
        "links:\n  - name: arXiv\n    url: https://arxiv.org/abs/0801.0001\n  - name: Code\n"
        "    url: https://example.org/code\nadditional_links:\n  - {name: Slides, url: 'http://localhost:4000/s.pdf'}\n"))})
    assert run(root, capsys=capsys) == (1, (
        'papers/weiss2008spectral.md:12:10: error[placeholder]: links still holds the example address '
        '"https://example.org/code"\n'
        "  help: put the real address in its place, or delete the link\n"
        'papers/weiss2008spectral.md:14:25: error[placeholder]: links still holds the example address '
        '"http://localhost:4000/s.pdf"\n'
        "  help: put the real address in its place, or delete the link\n"
        "2 error(s), 0 warning(s) in 1 file\n"))


def test_every_diagnostic_code_is_in_the_contributing_table() -> None:
    """Each code l2h reports (a call of error, warning, note or the taxonomy's fail) has its row in CONTRIBUTING.md's
    table of codes, by name, in a row of several (`a`, `b`) or under a family (`taxonomy-*`)."""
    repo = Path(__file__).resolve().parent.parent
    text = (repo / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`[^|]*`(?:, `[^|]*`)*) \|", text, re.MULTILINE)
    listed = {code for row in rows for code in re.findall(r"`([a-z0-9*-]+)`", row)}
    found: dict[str, str] = {}
    for path in sorted((repo / "src" / "l2h_site").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(name, "id", getattr(name, "attr", "")) in {
                    "error", "warning", "note", "fail"}:
                texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
                code = next((text for text in texts if re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", text)), None)
                if code is not None:
                    found.setdefault(code, path.name)
    assert len(found) > 80
    assert {code: where for code, where in found.items() if code not in listed and not any(
        family.endswith("*") and code.startswith(family[:-1]) for family in listed)} == {}


def test_distinct_from_naming_a_renamed_paper_by_its_former_key_declares_them_distinct_and_gets_the_new_key(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A paper's file renamed (git mv) with its old key in former_keys: one that names it in distinct_from by that
    key is no duplicate of it (that said to delete one of the two), and is told the key to write now."""
    root = site({
        "papers/indyk1998approximatenear.md": paper("Approximate Nearest Neighbors: Towards Removing the Curse",
                                                    "Piotr Indyk", 1998, extra="former_keys: [indyk1998approximate]\n"),
        "papers/indyk2012approximate.md": paper("Approximate nearest neighbor - towards removing the curse",
                                                "Piotr Indyk", 2012, extra="distinct_from: [indyk1998approximate]\n"),
    })
    assert run(root, capsys=capsys) == (0, (
        'papers/indyk2012approximate.md:8:17: warning[unknown-key]: distinct_from names "indyk1998approximate", '
        "a former key of indyk1998approximatenear\n"
        "  help: write the key it has now: distinct_from: [indyk1998approximatenear]\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_a_paper_with_a_distinct_from_key_not_in_the_review_is_warned_at_its_line(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(extra="distinct_from: [gong2011iterative, nobody2000x]\n"),
                 "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong", 2011)})
    assert run(root, capsys=capsys) == (0, (
        'papers/weiss2008spectral.md:8:36: warning[unknown-key]: distinct_from names "nobody2000x", which is not a '
        "paper of the review\n"
        "  help: remove it, or correct the key\n"
        "0 error(s), 1 warning(s) in 1 file\n"))


def test_distinct_from_naming_a_paper_with_errors_is_no_false_alarm(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """The broken paper's own errors are reported on it; the paper that names it is fine."""
    root = site({"papers/weiss2008spectral.md": paper(extra="distinct_from: [weiss2008other]\n"),
                 "papers/weiss2008other.md": paper(title="Other Words", year=19999)})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert "unknown-key" not in out and "papers/weiss2008spectral.md" not in out
    assert out.startswith("papers/weiss2008other.md:5:7: error[year-range]: year 19999 is in the future\n")


@pytest.mark.parametrize("name", ["taxonomy.yml", "l2h.yml"])
def test_a_taxonomy_or_config_that_is_not_utf8_is_reported_at_its_line_and_column(
        site: Site, capsys: pytest.CaptureFixture[str], name: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), name: b"tags:\n  Caf\xe9:\n    description: x\n"})
    code, out = run(root, capsys=capsys)
    assert code == 1
    kind = "taxonomy" if name == "taxonomy.yml" else "config"
    assert out.startswith(
        f"{name}:2:6: error[{kind}-unreadable]: cannot read {name}: byte 0xe9 is not UTF-8\n"
        "  help: save it as UTF-8 (in most editors: 'Save with encoding' > UTF-8)\n")


@pytest.mark.parametrize(("added", "expected"), [
    ("  Image retrieval:\n    description: Again.\n",
     ("taxonomy.yml:24:3: error[tag-drift]: 'Image retrieval' (tag 'Image retrieval') is a variant spelling of tag "
     "'Image Retrieval'\n  help: merge them: keep 'Image Retrieval' and list 'Image retrieval' under its aliases\n")),
    ("  Quantisation++:\n    description: Another.\n",
     ("taxonomy.yml:24:3: error[tag-slug-collision]: tag 'Quantisation++' and tag 'Quantisation' would both be "
     "published at /tags/quantisation/\n  help: rename one of them so that their letters and digits differ\n")),
])
def test_a_tag_that_clashes_with_another_is_reported_once(
        site: Site, capsys: pytest.CaptureFixture[str], added: str, expected: str) -> None:
    from conftest import MINIMAL_TAXONOMY
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": MINIMAL_TAXONOMY + added})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out.startswith(expected + "1 error(s)")


@pytest.mark.parametrize(("papers", "expected"), [
    (2, ("taxonomy.yml:17:3: error[tag-drift]: tag 'Image retrieval' is a variant spelling of tag 'Image Retrieval' "
        "(line 19), which 2 papers give\n"
        "  help: merge them: keep 'Image Retrieval' and list 'Image retrieval' under its aliases\n")),
    (1, ("taxonomy.yml:17:3: error[tag-drift]: tag 'Image retrieval' is a variant spelling of tag 'Image Retrieval' "
        "(line 19), which 1 paper gives\n"
        "  help: merge them: keep 'Image Retrieval' and list 'Image retrieval' under its aliases\n")),
    (0, ("taxonomy.yml:19:3: error[tag-drift]: 'Image Retrieval' (tag 'Image Retrieval') is a variant spelling of tag "
        "'Image retrieval'\n"
        "  help: merge them: keep 'Image retrieval' and list 'Image Retrieval' under its aliases\n")),
])
def test_a_tag_added_above_its_variant_spelling_is_the_one_to_merge_when_papers_give_the_other(
        site: Site, capsys: pytest.CaptureFixture[str], papers: int, expected: str) -> None:
    # it was blamed on the tag below it, the one the papers give, with the fix to alias that one to the new spelling
    from conftest import MINIMAL_TAXONOMY
    taxonomy = MINIMAL_TAXONOMY.replace("tags:\n", "tags:\n  Image retrieval:\n    description: New.\n")
    files: dict[str, str | bytes] = {"taxonomy.yml": taxonomy, "papers/jegou2011product.md": paper(title="Product", tags="[Quantisation]")}
    files.update({f"papers/weiss200{n}spectral.md": paper(year=2000 + n) for n in range(papers)})
    root = site(files)
    assert run(root, capsys=capsys) == (1, expected + "1 error(s), 0 warning(s) in 1 file\n" + (
        f"l2h: {papers + 1} paper{'s were' if papers else ' was'} not checked against taxonomy.yml, which has errors; "
        "fix them and check again\n"))


def test_a_tag_added_that_is_another_tags_alias_may_be_the_one_to_delete(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import MINIMAL_TAXONOMY
    taxonomy = MINIMAL_TAXONOMY.replace("tags:\n", "tags:\n  Transformer:\n    description: New.\n")
    root = site({"taxonomy.yml": taxonomy, "papers/weiss2008spectral.md": paper(tags="[Transformers]")})
    assert run(root, capsys=capsys)[1].splitlines()[:4] == [
        ("taxonomy.yml:17:3: error[tag-drift]: tag 'Transformer' is a variant spelling of tag 'Transformers' (line 21), "
         "which 1 paper gives"),
        "  help: merge them: keep 'Transformers' and list 'Transformer' under its aliases",
        "taxonomy.yml:23:15: error[tag-alias-clash]: alias 'Transformer' of tag 'Transformers' is tag 'Transformer'",
        ("  help: delete 'Transformer' from the aliases of 'Transformers', or delete tag 'Transformer' (line 17), whose "
         "papers are then shown under 'Transformers': a spelling can stand for one tag only")]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  family:\n", "  aux:\n",
     ("taxonomy.yml:2:3: error[taxonomy-name]: facet 'aux' would be published at /taxonomy/aux/, a name Windows "
     "reserves\n  help: rename the facet, e.g. spell it out in full\n")),
    ("      supervised:", "      com1:",
     ("taxonomy.yml:8:7: error[taxonomy-name]: value 'com1' of facet 'family' would be published at "
     "/taxonomy/family/com1/, a name Windows reserves\n  help: rename the value, e.g. spell it out in full\n")),
])
def test_a_facet_or_value_named_like_a_windows_device_is_a_taxonomy_error(
        site: Site, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str) -> None:
    from conftest import MINIMAL_TAXONOMY
    root = site({"papers/weiss2008spectral.md": paper(family="com1"),
                 "taxonomy.yml": MINIMAL_TAXONOMY.replace(old, new, 1)})
    code, out = run(root, capsys=capsys)
    assert code == 1 and out.startswith(expected + "1 error(s)")
    assert main(["build", "--root", str(root)]) == 1, "a content error (exit 1), not a usage error without a line"


def test_operating_system_files_are_notes_not_papers(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    root = site({"papers/weiss2008spectral.md": paper(), "papers/.DS_Store": b"\x00\x00\x00\x01Bud1",
                 "papers/Thumbs.db": b"\xd0\xcf", "papers/desktop.ini": "[.ShellClassInfo]\n",
                 "papers/._weiss2008spectral.md": b"\x00\x05\x16\x07"})
    code, out = run(root, capsys=capsys)
    assert code == 0
    assert out == (
        "papers/.DS_Store: note[os-file]: .DS_Store is a file macOS's Finder keeps; it is not read\n"
        "  help: delete it, and add .DS_Store to .gitignore so that it is never committed\n"
        "papers/._weiss2008spectral.md: note[os-file]: ._weiss2008spectral.md is a file macOS keeps extended "
        "attributes in; it is not read\n"
        "  help: delete it, and add ._* to .gitignore so that it is never committed\n"
        "papers/Thumbs.db: note[os-file]: Thumbs.db is a file Windows keeps thumbnails in; it is not read\n"
        "  help: delete it, and add Thumbs.db to .gitignore so that it is never committed\n"
        "papers/desktop.ini: note[os-file]: desktop.ini is a file Windows keeps folder settings in; it is not read\n"
        "  help: delete it, and add desktop.ini to .gitignore so that it is never committed\n"
        "4 note(s), no errors or warnings\nl2h: 1 paper checked, no problems found\n")
    assert run(root, "--strict", capsys=capsys)[0] == 0, "Finder makes .DS_Store as the folder is browsed"


@pytest.mark.parametrize("config", ["", "# no settings\n"])
def test_an_empty_config_is_fine(site: Site, capsys: pytest.CaptureFixture[str], config: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "l2h.yml": config})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_a_config_with_a_duplicate_key_is_still_checked_in_full(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(), "l2h.yml": "title: A\ntitle: B\nsearch: maybe\n"})
    assert run(root, capsys=capsys) == (1, (
        "l2h.yml:2:1: error[duplicate-key]: key 'title' appears twice (first on line 1); l2h reads line 1's value "
        "and ignores this one\n"
        "  help: delete line 2 to keep the first, or delete line 1 to keep this one\n"
        'l2h.yml:3:9: error[config-type]: setting "search" must be true or false, got the text "maybe"\n'
        "  help: write search: true or search: false\n"
        "2 error(s), 0 warning(s) in 1 file\n"))


def test_inline_math_left_open_in_a_summary_is_warned_of_at_its_dollar_until_closed(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    def summary(text: str) -> str:
        return paper().replace("A summary in our own words.\n", f"Codes from eigenfunctions.\n{text}\n")
    root = site({"papers/weiss2008spectral.md": summary("Search runs in $O(n \\log n) time.")})
    assert run(root, capsys=capsys) == (0, (
        "papers/weiss2008spectral.md:10:16: warning[math-unclosed]: this $ opens math that is never closed, so the "
        "formula and the text after it are shown as written, dollar and all\n"
        "  help: end the formula with a $ right after its last character (no space before it), or write \\$ for a "
        "dollar sign\n"
        "0 error(s), 1 warning(s) in 1 file\n"))
    for fixed in ("Search runs in $O(n \\log n)$ time.", "Search runs in \\$O(n \\log n) time."):
        (root / "papers/weiss2008spectral.md").write_text(summary(fixed), encoding="utf-8")
        assert run(root, "--strict", capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_check_warns_of_what_a_summary_would_lose_as_the_build_does(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    summary = ("A summary in our own words.\n\nIt ends <script>alert(1)</script> here,\n"
               "with ![a figure](https://example.org/f.png) and $\\frac{1}{$ math.\n")
    root = site({"papers/weiss2008spectral.md": paper().replace("A summary in our own words.\n", summary),
                 # a paper with an error is checked in full: its summary too
                 "papers/jegou2011product.md": paper("Product Quantization", "Herve Jegou", 19999).replace(
                     "A summary in our own words.\n", "Codes.\n\nSee [this](javascript:alert(1)).\n")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in out.splitlines() if not line.startswith(" ")][:-1] == [
        ["papers/jegou2011product.md:5:7", "error[year-range]"],
        ["papers/jegou2011product.md:11:12", "warning[summary-stripped]"],
        ["papers/weiss2008spectral.md:11:9", "warning[summary-stripped]"],
        ["papers/weiss2008spectral.md:12:6", "warning[summary-stripped]"],
        ["papers/weiss2008spectral.md:12:50", "warning[math-error]"],
    ]
    assert "cannot read the math '\\frac{1}{'; it is shown as code" in out
    (root / "papers/jegou2011product.md").unlink()
    code, out = run(root, "--format", "json", capsys=capsys)
    checked = [(d["path"], d["line"], d["column"], d["code"]) for d in json.loads(out)["diagnostics"]]
    assert code == 0 and len(checked) == 3 and run(root, "--strict", capsys=capsys)[0] == 1
    # the build warns of the same things at the same places
    assert main(["build", "--root", str(root), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    built = [line.split(": ", 2)[:2] for line in capsys.readouterr().err.splitlines() if "warning[" in line]
    assert built == [[f"{path}:{line}:{column}", f"warning[{code}]"] for path, line, column, code in checked]


def test_check_paths_renders_only_those_papers_summaries(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from l2h_site.markup import MarkdownRenderer

    rendered: list[str] = []
    original = MarkdownRenderer.render

    def render(self: MarkdownRenderer, text: str):  # type: ignore[no-untyped-def]
        rendered.append(text)
        return original(self, text)

    monkeypatch.setattr(MarkdownRenderer, "render", render)
    root = site({"papers/weiss2008spectral.md": paper().replace("our own words", "<b>bold</b> <script>x</script>"),
                 "papers/jegou2011product.md": paper("Product Quantization", "Herve Jegou", 2011).replace(
                     "our own words", "<iframe></iframe>")})
    code, out = run(root, "--strict", str(root / "papers/jegou2011product.md"), capsys=capsys)
    assert code == 1 and out.count("warning[summary-stripped]") == 1 and "<iframe>" in out
    assert rendered == ["A summary in <iframe></iframe>."]
    rendered.clear()
    code, out = run(root, capsys=capsys)
    assert code == 0 and out.count("warning[summary-stripped]") == 2 and len(rendered) == 2


def test_a_serial_comma_before_and_is_no_part_of_the_last_name(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(authors="Yair Weiss, Rob Fergus, and Antonio Torralba")})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")
    assert main(["build", "--root", str(root)]) == 0
    page = (root / "_site/publications/weiss2008spectral/index.html").read_text(encoding="utf-8")
    assert '"familyName": "Torralba", "givenName": "Antonio", "name": "Antonio Torralba"}' in page


@pytest.mark.parametrize("authors", ["[Yair Weiss, Rob Fergus, and Antonio Torralba]",
                                     "\n  - Yair Weiss\n  - Rob Fergus\n  - and Antonio Torralba",
                                     "\n  - Yair Weiss\n  - Rob Fergus\n  - \"& Antonio Torralba\"",
                                     "[Yair Weiss, Rob Fergus, And Antonio Torralba]"])
def test_an_and_that_starts_an_item_of_a_list_of_authors_is_no_part_of_the_name(
        site: Site, capsys: pytest.CaptureFixture[str], authors: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper(authors=authors)})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")
    assert main(["build", "--root", str(root)]) == 0
    page = (root / "_site/publications/weiss2008spectral/index.html").read_text(encoding="utf-8")
    assert '"familyName": "Torralba", "givenName": "Antonio", "name": "Antonio Torralba"}' in page


def test_a_paper_beside_the_papers_folder_is_an_error_not_a_silent_omission(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(),
        "gong2011iterative.md": paper(title="Iterative Quantization", authors="Yunchao Gong", year=2011),
        "_publications/jegou2011product.markdown": paper(title="Product Quantization", year=2011),
        # not papers: a page without authors, a paper-like file in a folder l2h has no reason to look in, notes
        "NOTES.md": "---\ntitle: Notes\nyear: 2024\n---\nTo do.\n",
        "drafts/lsh1998.md": paper(title="Draft", year=1998),
        "README.md": "# The review\n\ntitle: authors: year: in the text is no front matter.\n",
    })
    # git mv refuses a file git does not track: the newcomer's paper, not yet committed (it was the fix for both)
    git(root, "init", "-q")
    git(root, "add", "gong2011iterative.md")
    git(root, "commit", "-qm", "a paper in the wrong place")
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "_publications/jegou2011product.markdown:1:1: error[paper-outside-papers]: "
        "_publications/jegou2011product.markdown looks like a paper (its front matter has a title, authors and a "
        "year), but l2h reads papers only from papers/: it is not on the site\n"
        "  help: move it to papers/jegou2011product.md\n"
        "gong2011iterative.md:1:1: error[paper-outside-papers]: gong2011iterative.md looks like a paper (its front "
        "matter has a title, authors and a year), but l2h reads papers only from papers/: it is not on the site\n"
        "  help: move it there: git mv gong2011iterative.md papers/gong2011iterative.md\n"
        "2 error(s), 0 warning(s) in 2 files\n")


def test_a_paper_put_beside_the_papers_folder_after_a_build_fails_the_next_build(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """The site is up to date as far as papers/ goes: the stray file must still be reported, and the site kept."""
    root = site({"papers/weiss2008spectral.md": paper()})
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    before = snapshot(root / "_site")
    (root / "gong2011iterative.md").write_text(paper(title="Iterative Quantization", authors="Yunchao Gong",
                                                     year=2011), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--quiet"]) == 1
    assert "gong2011iterative.md:1:1: error[paper-outside-papers]" in capsys.readouterr().err
    assert snapshot(root / "_site") == before
    (root / "gong2011iterative.md").rename(root / "papers" / "gong2011iterative.md")
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    assert (root / "_site" / "publications" / "gong2011iterative" / "index.html").is_file()


def test_tags_written_as_one_line_are_checked_against_the_taxonomy_all_the_same(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """One round of fixes: the missing brackets, and each tag that is not in the taxonomy, at the tags line."""
    root = site({"papers/weiss2008spectral.md": paper(tags="Deep Hashing, image retrieval")})
    assert run(root, capsys=capsys) == (1, (
        'papers/weiss2008spectral.md:6:7: error[tag-drift]: tag "image retrieval" is a variant spelling of the existing '
        'tag "Image Retrieval"\n'
        '  help: write "Image Retrieval"\n'
        'papers/weiss2008spectral.md:6:7: error[unknown-tag]: tag "Deep Hashing" is not in taxonomy.yml\n'
        "  help: use a tag listed in taxonomy.yml, or propose a new one there with a description\n"
        'papers/weiss2008spectral.md:6:7: error[wrong-type]: tags must be a list, got the text "Deep Hashing, image '
        'retrieval"\n'
        "  help: write tags: [Deep Hashing, image retrieval]\n"
        "3 error(s), 0 warning(s) in 1 file\n"))


def test_a_tag_that_does_not_fit_its_value_is_a_type_error_not_a_traceback(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": paper(extra="added: !!timestamp soon\n").replace(
        "year: 2008", "year: !!bool maybe")})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out.splitlines()[:4] == [
        'papers/weiss2008spectral.md:5:7: error[wrong-type]: year must be a whole number, got the text "maybe"',
        "  help: write the four-digit year, e.g. year: 2008",
        'papers/weiss2008spectral.md:8:8: error[wrong-type]: added must be a date like 2024-05-31, got the text "soon"',
        "  help: write added: YYYY-MM-DD, or remove the line (git history is used)"]


def test_a_local_tag_on_a_number_or_a_boolean_is_told_to_be_removed(site: Site,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The hint said to quote the value (required: "!x true"), which makes it text: refused again, as text where
    true or false, or a year, belongs."""
    tagged = {"l2h.yml": "title: A review\nsearch: !x false\n",
              "taxonomy.yml": MINIMAL_TAXONOMY.replace("required: true", "required: !x true"),
              "papers/weiss2008spectral.md": paper().replace("year: 2008", "year: !x 2008")}
    root = site(dict(tagged))
    code, out = run(root, capsys=capsys)
    assert (code, out) == (1, (
        "l2h.yml:2:9: error[yaml-tag]: YAML tag '!x' is not allowed\n"
        "  help: remove the tag: search: false\n"
        "papers/weiss2008spectral.md:5:7: error[yaml-tag]: YAML tag '!x' is not allowed\n"
        "  help: remove the tag: year: 2008\n"
        "taxonomy.yml:5:15: error[yaml-tag]: YAML tag '!x' is not allowed\n"
        "  help: remove the tag: required: true\n"
        "3 error(s), 0 warning(s) in 3 files\n"
        "l2h: 1 paper was not checked against taxonomy.yml, which has errors; fix them and check again\n"))
    mended: dict[str, str | bytes] = {name: text.replace("!x ", "") for name, text in tagged.items()}
    site(mended)  # as the hints say
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_a_check_after_a_build_reuses_its_memos_sees_what_changed_since_and_writes_no_cache(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import l2h_site.build as build_module
    from l2h_site import markup

    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/gong2013iterative.md": paper(title="Iterative Quantization", authors="Yunchao Gong",
                                                      year=2013).replace("A summary in our own words.",
                                                                         "Codes of $b bits, learned.")})
    parsed: list[str] = []
    rendered: list[str] = []
    def counted(real: Callable[..., Any], source_at: int) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            parsed.append(args[source_at].relpath)
            return real(*args)
        return wrapper

    monkeypatch.setattr(build_module, "parse_paper", counted(build_module.parse_paper, 0))
    monkeypatch.setattr(build_module, "parse_paper_bytes", counted(build_module.parse_paper_bytes, 1))
    render = markup.MarkdownRenderer.render

    def render_counted(self: markup.MarkdownRenderer, text: str) -> markup.Rendered:
        rendered.append(text)
        return render(self, text)

    monkeypatch.setattr(markup.MarkdownRenderer, "render", render_counted)
    before = run(root, capsys=capsys)
    assert before[0] == 0 and "gong2013iterative.md:9:10: warning[math-unclosed]" in before[1], before
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    capsys.readouterr()
    cache = {path: (path.read_bytes(), path.stat().st_mtime_ns)
             for path in sorted((root / ".l2h-cache").rglob("*")) if path.is_file()}
    assert any(path.name == "papers.pickle" for path in cache) and any(path.name == "summaries.pickle" for path in cache)
    parsed.clear()
    rendered.clear()
    # the same report, from the build's memos: no paper parsed, no summary rendered again
    assert run(root, capsys=capsys) == before
    assert (parsed, rendered) == ([], [])
    # a paper edited since is parsed and its summary rendered; the other is still the memo's
    edited = root / "papers/weiss2008spectral.md"
    edited.write_text(paper().replace("A summary in our own words.", "Then $$x$$ and $$y."), encoding="utf-8")
    code, out = run(root, capsys=capsys)
    assert code == 0 and "weiss2008spectral.md:9:16: warning[math-unclosed]" in out
    assert "gong2013iterative.md:9:10: warning[math-unclosed]" in out
    assert parsed == ["papers/weiss2008spectral.md"] and rendered == ["Then $$x$$ and $$y."]
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted((root / ".l2h-cache").rglob("*")) if path.is_file()} == cache


def test_check_of_a_paper_in_a_subfolder_of_the_papers_folder_fails_with_the_folders_error(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # the paper is on no page: checking it alone passed ("0 papers checked, no problems found")
    root = site({"papers/weiss2008spectral.md": paper(), "papers/2017/blalock2017bolt.md": paper(title="Bolt")})
    for given in (str(root / "papers/2017/blalock2017bolt.md"), str(root / "papers/2017")):
        code, out = run(root, given, capsys=capsys)
        assert (code, out) == (1, ("papers/2017: error[not-a-paper]: papers/2017/ is a folder; papers/ must be flat\n"
                                   "  help: move its paper files directly into papers/\n"
                                   "1 error(s), 0 warning(s) in 1 file\n"))
    monkeypatch.chdir(root / "papers/2017")
    assert main(["check", "--root", str(root), "blalock2017bolt.md"]) == 1
    assert "papers/2017/ is a folder" in capsys.readouterr().out
    # a paper of the papers folder itself is not blamed for the subfolder
    assert run(root, str(root / "papers/weiss2008spectral.md"), capsys=capsys) == (
        0, "l2h: 1 paper checked, no problems found\n")


def test_ligatures_copied_from_a_pdf_are_told_with_the_letters_to_write(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # "Eﬃcient" was published as is: a search for "Efficient" did not find it, on the site or in papers.bib
    root = site({"papers/weiss2008spectral.md": paper(title="Eﬃcient Hashing", authors="Yair Weiss, Antonio Torralba")
                 .replace("A summary in our own words.", "We deﬁne a ﬁlter for ﬂoating point\nlookups, and ﬁnd it.")})
    code, out = run(root, capsys=capsys)
    assert (code, out) == (0, (
        'papers/weiss2008spectral.md:2:8: warning[ligature]: title "Eﬃcient Hashing" holds the ligature "ﬃ" of text '
        "copied from a PDF, which a search for its letters does not find\n"
        '  help: write the letters: "Efficient Hashing"\n'
        'papers/weiss2008spectral.md:9:6: warning[ligature]: summary "deﬁne" holds the ligatures "ﬁ", "ﬂ" of text '
        "copied from a PDF, which a search for its letters does not find\n"
        '  help: write the letters: "define" (and the same for the others)\n'
        "0 error(s), 2 warning(s) in 1 file\n"))


@pytest.mark.parametrize(("summary", "at", "shown"), [
    ("Abstract: Hashing maps points to short codes.", "9:1", "Abstract"),
    ("**Abstract**\n\nHashing maps points to short codes.", "9:3", "Abstract"),
    ("Codes are short.\nIn this paper, we propose a way to learn them.", "10:1", "In this paper, we"),
    ("Codes are short. Here we present a way to learn them.", "9:23", "we present"),
])
def test_a_summary_that_reads_like_the_abstract_is_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str], summary: str, at: str, shown: str) -> None:
    root = site({"papers/weiss2008spectral.md": paper().replace("A summary in our own words.", summary)})
    assert run(root, capsys=capsys) == (0, (
        f'papers/weiss2008spectral.md:{at}: warning[abstract-like]: the summary reads like the paper\'s abstract: '
        f'"{shown}"\n'
        "  help: write it in your own words and in the third person, what the paper does and why it matters "
        "(CONTRIBUTING.md: never paste the abstract)\n"
        "0 error(s), 1 warning(s) in 1 file\n"))
    # the words alone, in a summary in the third person, are no abstract
    root = site({"papers/weiss2008spectral.md": paper().replace(
        "A summary in our own words.", "An abstract view of hashing: the authors present codes, which we use.")})
    assert run(root, capsys=capsys) == (0, "l2h: 1 paper checked, no problems found\n")


def test_a_summary_copied_from_another_paper_is_an_error_and_its_opening_a_warning(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("Spectral hashing finds short binary codes by thresholding the eigenfunctions of a graph Laplacian "
            "built over the data, so that points close in the input space get codes a few bits apart. It assumes "
            "a uniform distribution to make out-of-sample codes cheap.")
    root = site({"papers/weiss2008spectral.md": paper().replace("A summary in our own words.", text),
                 "papers/jegou2011product.md": paper(title="Product Quantization", authors="Herve Jegou", year=2011)
                 .replace("A summary in our own words.", text.upper().replace(". ", ".\n"))})
    code, out = run(root, str(root / "papers/jegou2011product.md"), capsys=capsys)
    hint = ("  help: give each paper its own summary, in your own words: a file begun as a copy of another keeps that "
            "paper's summary until it is rewritten\n")
    assert (code, out) == (1, (
        "papers/jegou2011product.md:9:1: error[copied-summary]: the summary is the same as the summary of "
        "papers/weiss2008spectral.md\n" + hint +
        "papers/weiss2008spectral.md:9:1: error[copied-summary]: the summary is the same as the summary of "
        "papers/jegou2011product.md\n" + hint + "2 error(s), 0 warning(s) in 2 files\n"))
    edited = text.replace("It assumes", "Product quantisation splits vectors instead, and")
    (root / "papers/jegou2011product.md").write_text(
        paper(title="Product Quantization", authors="Herve Jegou", year=2011).replace(
            "A summary in our own words.", edited), encoding="utf-8")
    code, out = run(root, capsys=capsys)
    assert (code, out.splitlines()[0]) == (0, (
        "papers/jegou2011product.md:9:1: warning[copied-summary]: the summary begins with the same 25 words as the "
        "summary of papers/weiss2008spectral.md"))
    (root / "papers/jegou2011product.md").write_text(
        paper(title="Product Quantization", authors="Herve Jegou", year=2011).replace(
            "A summary in our own words.", "Product quantisation " + text), encoding="utf-8")
    assert run(root, capsys=capsys) == (0, "l2h: 2 papers checked, no problems found\n")


@pytest.mark.parametrize(("tags", "at", "written", "why"), [
    ("[Image Retrieval; Transformer]", "6:8", "Image Retrieval; Transformer",
     "tags are separated by commas, not semicolons: "),
    ("\n- Image Retrieval\n  - Transformers", "7:3", "Image Retrieval - Transformers",
     ('a "- " line indented deeper than the one above it is read as part of it: write each "- tag" line at the same '
     "indentation, or ")),
])
def test_tags_joined_by_a_semicolon_or_an_indented_dash_get_the_list_to_write(
        site: Site, capsys: pytest.CaptureFixture[str], tags: str, at: str, written: str, why: str) -> None:
    # the hint was "use a tag listed in taxonomy.yml…", though both tags are
    root = site({"papers/weiss2008spectral.md": paper(tags=tags)})
    assert run(root, capsys=capsys) == (1, (
        f'papers/weiss2008spectral.md:{at}: error[unknown-tag]: tag "{written}" is not in taxonomy.yml\n'
        f"  help: {why}write tags: [{written.replace(';', ',').replace(' -', ',')}]\n"
        "1 error(s), 0 warning(s) in 1 file\n"))
    # a part that is no tag: nothing sure to propose
    root = site({"papers/weiss2008spectral.md": paper(tags="[Image Retrieval; Wavelets]")})
    assert "write tags:" not in run(root, capsys=capsys)[1]
