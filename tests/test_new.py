"""`l2h new`: scaffold a paper from flags, BibTeX, or recorded arXiv / Crossref responses (never the network)."""

from __future__ import annotations

import io
import urllib.error
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_TAXONOMY

from l2h_site import new
from l2h_site.build import check_site
from l2h_site.cli import main
from l2h_site.model import NameSplit, SourceFile
from l2h_site.parse import parse_paper

Site = Callable[[dict[str, "str | bytes"]], Path]
FIXTURES = Path(__file__).parent / "fixtures"
SPECTRAL = (FIXTURES / "papers/weiss2008spectral.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every fetch fail as if offline, and record the URLs asked for."""
    asked: list[str] = []

    def offline(url: str) -> bytes:
        asked.append(url)
        raise urllib.error.URLError("network is off in tests")

    monkeypatch.setattr(new, "fetch_url", offline)
    return asked


def recorded(responses: dict[str, str]) -> Callable[[str], bytes]:
    """Serve fixture files for the URLs the real APIs would be asked."""
    def fetch(url: str) -> bytes:
        if url not in responses:
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)  # type: ignore[arg-type]
        return (FIXTURES / responses[url]).read_bytes()
    return fetch


def run(root: Path, *args: str) -> int:
    return main(["new", "--root", str(root), *args])


def test_from_flags_writes_placeholders_and_prints_next_steps(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Optimal Data-Dependent Hashing: the $\\ell_2$ case", "--authors",
               "Alexandr Andoni and Ilya Razenshteyn", "--year", "2015", "--venue", "STOC",
               "--tag", "Image Retrieval", "--tag", "Transformer", "--arxiv", "1501.01062", "--no-fetch") == 0
    assert capsys.readouterr() == ((
        "l2h: not fetching metadata for arXiv 1501.01062 (--no-fetch); using the flags you gave\n"
        "l2h: wrote papers/andoni2015optimal.md\n"
        "next steps:\n"
        "  1. replace each TODO (family) with values from taxonomy.yml; the comments in the file list the allowed ones\n"
        "  2. write the summary: two to four sentences in your own words\n"
        "  3. run `l2h check papers/andoni2015optimal.md` until it reports no problems\n"
        "  4. commit papers/andoni2015optimal.md and open a pull request\n"),
        # the alias is written as the tag it stands for, as l2h check reads it, and the one line says so
        '--tag: note[tag-alias]: tag "Transformer" is written "Transformers", its name in taxonomy.yml\n')
    assert (root / "papers/andoni2015optimal.md").read_text(encoding="utf-8") == (
        "---\n"
        "title: 'Optimal Data-Dependent Hashing: the $\\ell_2$ case'\n"
        "authors: Alexandr Andoni, Ilya Razenshteyn\n"
        "venue: STOC\n"
        "year: 2015\n"
        "tags: [Image Retrieval, Transformers]\n"
        "family: TODO\n"
        "arxiv: '1501.01062'\n"
        "# family (Method family): unsupervised | supervised\n"
        "# optional: modality (Data modality): image | text\n"
        "---\n"
        "TODO: in two to four sentences of your own, say what the paper does and why it matters.\n")
    assert main(["check", "--root", str(root), str(root / "papers/andoni2015optimal.md")]) == 1
    assert capsys.readouterr().out == (
        'papers/andoni2015optimal.md:7:9: error[placeholder]: family still holds the placeholder "TODO"\n'
        '  help: choose one of "unsupervised", "supervised"\n'
        "papers/andoni2015optimal.md:12:1: error[placeholder]: summary still holds a TODO\n"
        "  help: write two to four sentences in your own words\n"
        "2 error(s), 0 warning(s) in 1 file\n")


@pytest.mark.parametrize("title", [
    "Hashing: A Survey", "$\\ell_p$-norm hashing with \\emph{{braces}}", "It's \"quoted\" # not a comment",
    "- starts like a list", "yes", "2019", "@ at sign", "[brackets] and {braces}", "Jégou’s “quotes” — dash",
    "100% recall: 'single' quotes", "ends with colon:", "*star* & ampersand",
])
def test_titles_round_trip_through_the_parser(site: Site, capsys: pytest.CaptureFixture[str], title: str) -> None:
    root = site({})
    assert run(root, "--title", title, "--authors", "Ann Lee", "--year", "2020", "--facet", "family=supervised",
               "--tag", "Image Retrieval") == 0
    written = next((root / "papers").glob("*.md"))
    parsed, diagnostics = parse_paper(SourceFile(written, f"papers/{written.name}", written.stem),
                                      frozenset({"family", "modality"}))
    assert parsed is not None, diagnostics
    assert parsed.paper.title == title
    assert parsed.paper.facets == {"family": ("supervised",)}
    assert [d.code for d in diagnostics] == []


def test_a_venue_by_another_name_is_written_as_the_taxonomy_s_venue_and_a_note_says_so(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # as l2h check reads it: a venue alias, given or read from BibTeX, was written as it came, a venue of its own;
    # then it was written as the venue without a word, where --tag MIPS says which tag it writes (canonical_tags)
    taxonomy = MINIMAL_TAXONOMY + "venues:\n  NeurIPS:\n    aliases: [NIPS, Advances in Neural Information Processing " \
                                  "Systems]\n"
    root = site({"taxonomy.yml": taxonomy})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "2008", "--venue", "nips",
               "--tag", "Image Retrieval", "--facet", "family=supervised", "--no-fetch") == 0
    assert "\nvenue: NeurIPS\n" in (root / "papers/lee2008small.md").read_text(encoding="utf-8")
    assert capsys.readouterr().err == \
        '--venue: note[venue-alias]: venue "nips" is written "NeurIPS", its name in taxonomy.yml\n'
    monkeypatch.setattr("sys.stdin", io.StringIO("@inproceedings{x, title = {Short Codes}, author = {Cy Dee}, year = "
                                                 "{2010}, booktitle = {Advances in Neural Information Processing "
                                                 "Systems}}"))
    assert run(root, "--bibtex", "-", "--facet", "family=supervised") == 0
    assert "\nvenue: NeurIPS\n" in (root / "papers/dee2010short.md").read_text(encoding="utf-8")
    assert capsys.readouterr().err == ('the BibTeX input entry x: note[venue-alias]: venue "Advances in Neural '
                                       'Information Processing Systems" is written "NeurIPS", its name in taxonomy.yml\n')
    # and one edition of it, as BibTeX writes them, as l2h import reads it (validate.edition_venue)
    monkeypatch.setattr("sys.stdin", io.StringIO("@inproceedings{x, title = {Long Codes}, author = {Di Fox}, year = "
                                                 "{2009}, booktitle = {Advances in Neural Information Processing "
                                                 "Systems 22}}"))
    assert run(root, "--bibtex", "-", "--facet", "family=supervised") == 0
    assert "\nvenue: NeurIPS\n" in (root / "papers/fox2009long.md").read_text(encoding="utf-8")
    assert capsys.readouterr().err == ('the BibTeX input entry x: note[venue-alias]: venue "Advances in Neural '
                                       'Information Processing Systems 22" is written "NeurIPS", its name in '
                                       "taxonomy.yml\n")
    # the venue's own name is written without a note
    assert run(root, "--title", "Tiny Codes", "--authors", "Ann Lee", "--year", "2008", "--venue", "NeurIPS",
               "--tag", "Image Retrieval", "--facet", "family=supervised", "--no-fetch") == 0
    assert capsys.readouterr().err == ""


def test_a_venue_spelt_unlike_the_other_papers_of_the_review_is_said_when_the_paper_is_written(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # l2h new checked the file alone: only `l2h check` said, later, that its venue is spelt unlike the review's
    root = site({"papers/weiss2008spectral.md": SPECTRAL.replace("venue: NeurIPS", "venue: Information Systems")})
    flags = ["--authors", "Ann Lee", "--year", "2008", "--tag", "Image Retrieval", "--facet", "family=supervised"]
    assert run(root, "--title", "Small Codes", "--venue", "Information systems", *flags) == 0
    assert capsys.readouterr().err == (
        '--venue: warning[venue-spelling]: venue "Information systems" is written "Information Systems" by 1 other '
        "paper: the papers page would list it as a venue of its own\n"
        "  help: give --venue 'Information Systems'\n"
        "l2h: papers/lee2008small.md was written with 1 warning(s): fix them too, before `l2h build --strict` or CI "
        "fails on them\n")
    assert run(root, "--title", "Tiny Codes", "--venue", "Information Systems 2008", *flags) == 0
    assert capsys.readouterr().err.startswith(
        '--venue: warning[venue-spelling]: venue "Information Systems 2008" is written "Information Systems" by 1 '
        "other paper: the papers page would list it as a venue of its own\n"
        "  help: give --venue 'Information Systems' (the year goes in --year)\n")
    # the same that l2h check says of them
    said = [(d.path, d.message) for d in check_site(root).diagnostics if d.code == "venue-spelling"]
    end = 'is written "Information Systems" by 1 other paper: the papers page would list it as a venue of its own'
    assert said == [(f"papers/lee2008{key}.md", f'venue "{venue}" {end}')
                    for key, venue in (("small", "Information systems"), ("tiny", "Information Systems 2008"))]


def test_from_bibtex_on_stdin_turns_latex_accents_into_unicode(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({})
    entry = (FIXTURES / "refs.bib").read_text(encoding="utf-8").split("@inproceedings{muller2019m")[1].split("@misc")[0]
    monkeypatch.setattr("sys.stdin", io.StringIO("@inproceedings{muller2019m" + entry))
    assert run(root, "--bibtex", "-", "--facet", "family=supervised", "--facet", "modality=image,text") == 0
    assert (root / "papers/muller2019muller.md").read_text(encoding="utf-8") == (
        "---\n"
        "title: Müller's Çode and ångström ßearch\n"
        "authors: Jörg Müller, Søren Østergaard\n"
        "venue: SIGIR\n"
        "year: 2019\n"
        "tags: [TODO]\n"
        "family: supervised\n"
        "modality: [image, text]\n"
        "doi: 10.1000/same\n"
        "---\n"
        "TODO: in two to four sentences of your own, say what the paper does and why it matters.\n")


def test_from_bibtex_a_name_bibtex_splits_otherwise_than_first_name_first_is_written_family_given(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"Das Sarma, Anish" is written so, and read back with its split; --authors replaces the names and their splits."""
    root = site({"manku.bib": "@inproceedings{manku2007detecting, title = {Detecting Near-Duplicates for Web "
                              "Crawling}, author = {Manku, Gurmeet Singh and Jain, Arvind and Das Sarma, Anish}, "
                              "booktitle = {WWW}, year = {2007}}\n"})
    assert run(root, "--bibtex", str(root / "manku.bib"), "--facet", "family=supervised", "--facet",
               "modality=text") == 0
    path = root / "papers/manku2007detecting.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\ntitle: Detecting Near-Duplicates for Web Crawling\n"
        "authors: [Gurmeet Singh Manku, Arvind Jain, 'Das Sarma, Anish']\nvenue: WWW\nyear: 2007\n")
    parsed, diagnostics = parse_paper(SourceFile(path, "papers/manku2007detecting.md", "manku2007detecting"),
                                      frozenset({"family", "modality"}))
    assert parsed is not None and diagnostics == []
    assert parsed.paper.authors == ("Gurmeet Singh Manku", "Arvind Jain", "Anish Das Sarma")
    assert parsed.paper.name_splits == (None, None, NameSplit("Anish", "", "Das Sarma", ""))
    path.unlink()
    assert run(root, "--bibtex", str(root / "manku.bib"), "--authors", "Gurmeet Singh Manku, Arvind Jain, Anish Das "
               "Sarma", "--facet", "family=supervised", "--facet", "modality=text") == 0
    assert "authors: Gurmeet Singh Manku, Arvind Jain, Anish Das Sarma\n" in path.read_text(encoding="utf-8")


def test_from_bibtex_a_url_that_is_not_carried_over_is_said(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"lee.bib": "@article{lee2019hashing, title = {Hashing Alpha}, author = {Ann Lee}, year = {2019}, "
                            "url = {https://ann:s3cret@example.org/a.pdf}}\n"})
    assert run(root, "--bibtex", str(root / "lee.bib"), "--facet", "family=supervised", "--facet", "modality=text") == 0
    assert capsys.readouterr().out.startswith(
        'l2h: the BibTeX entry\'s url "https://ann:s3cret@example.org/a.pdf" is not carried over: it holds a user name '
        "or password before the host name (user:password@)\nl2h: wrote papers/lee2019hashing.md\n")
    assert "s3cret" not in (root / "papers/lee2019hashing.md").read_text(encoding="utf-8")
    # an address made up for examples, which l2h check rejects: the file is written without it (it was refused)
    (root / "papers/lee2019hashing.md").unlink()
    (root / "lee.bib").write_text("@article{lee2019hashing, title = {Hashing Alpha}, author = {Ann Lee}, year = {2019}, "
                                  "url = {https://example.org/a.pdf}}\n", encoding="utf-8")
    assert run(root, "--bibtex", str(root / "lee.bib"), "--facet", "family=supervised", "--facet", "modality=text") == 0
    assert capsys.readouterr().out.startswith(
        'l2h: the BibTeX entry\'s url "https://example.org/a.pdf" is not carried over: it is an address made up for '
        "examples, not the paper's\nl2h: wrote papers/lee2019hashing.md\n")
    assert "links" not in (root / "papers/lee2019hashing.md").read_text(encoding="utf-8")


def test_from_bibtex_a_family_name_in_braces_is_written_family_given_with_its_braces(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"torre.bib": "@inproceedings{torre2012learning, title = {Learning Grouped Names}, author = "
                              "{{De la Torre}, Fernando and Le Song}, booktitle = {CVPR}, year = {2012}}\n"})
    assert run(root, "--bibtex", str(root / "torre.bib"), "--facet", "family=supervised", "--facet",
               "modality=text") == 0
    path = root / "papers/torre2012learning.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\ntitle: Learning Grouped Names\nauthors: ['{De la Torre}, Fernando', Le Song]\nvenue: CVPR\n")
    parsed, diagnostics = parse_paper(SourceFile(path, "papers/torre2012learning.md", "torre2012learning"),
                                      frozenset({"family", "modality"}))
    assert parsed is not None and diagnostics == []
    assert parsed.paper.authors == ("Fernando De la Torre", "Le Song")
    assert parsed.paper.name_splits == (NameSplit("Fernando", "", "De la Torre", ""), None)


def test_a_whole_name_in_braces_from_bibtex_or_authors_is_written_as_one_name(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"{Barnes, Inc.}" (BibTeX's braces around an organisation) is one name that does not split, from --bibtex and
    from --authors alike: not "Inc. Barnes", nor an error."""
    root = site({"barnes.bib": "@techreport{barnes2020report, title = {A Hashing Report}, author = {{Barnes, Inc.} "
                               "and Ann Lee}, institution = {Barnes}, year = {2020}}\n"})
    args = ["--facet", "family=supervised", "--facet", "modality=text"]
    assert run(root, "--bibtex", str(root / "barnes.bib"), *args) == 0
    path = root / "papers/barnes2020hashing.md"
    assert "\nauthors: ['{Barnes, Inc.}', Ann Lee]\n" in path.read_text(encoding="utf-8")
    path.unlink()
    assert run(root, "--title", "A Hashing Report", "--authors", "{Barnes, Inc.}, Ann Lee", "--year", "2020",
               "--no-fetch", *args) == 0
    assert "\nauthors: ['{Barnes, Inc.}', Ann Lee]\n" in path.read_text(encoding="utf-8")
    parsed, diagnostics = parse_paper(SourceFile(path, "papers/barnes2020hashing.md", "barnes2020hashing"),
                                      frozenset({"family", "modality"}))
    assert parsed is not None and diagnostics == []
    assert parsed.paper.authors == ("Barnes, Inc.", "Ann Lee")
    assert parsed.paper.name_splits == (NameSplit("", "", "Barnes, Inc.", ""), None)


def test_an_organisation_without_a_comma_or_two_with_one_are_written_as_a_list(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"{Facebook AI Research}" holds no comma, yet a one-line "authors: A, B" cannot hold braces: the names are
    written as a list, from --authors and --bibtex alike; two organisations with commas in one --authors are two
    names, not one "Family, Given" pair; nor are two one-word names in braces ("{Google}, {Microsoft}", which one
    line "Google, Microsoft" would turn into "Microsoft Google"). Each file then passes the parser. Without the
    braces, l2h new refuses them with the hint of the flag, not of the file it did not write."""
    root = site({"fair.bib": "@techreport{fair2020report, title = {A Hashing Report}, author = {Jane Doe and "
                             "{Facebook AI Research}}, institution = {FAIR}, year = {2020}}\n"})
    args = ["--facet", "family=supervised", "--facet", "modality=text"]
    cases = [(["--bibtex", str(root / "fair.bib")], "papers/doe2020hashing.md",
              "\nauthors: [Jane Doe, '{Facebook AI Research}']\n"),
             (["--title", "A Hashing Report", "--authors", "{Facebook AI Research}", "--year", "2020", "--no-fetch"],
              "papers/facebook2020hashing.md", "\nauthors: ['{Facebook AI Research}']\n"),
             (["--title", "A Hashing Report", "--authors", "{Barnes, Inc.}, {Acme, Ltd.}", "--year", "2020",
               "--no-fetch"], "papers/barnes2020hashing.md", "\nauthors: ['{Barnes, Inc.}', '{Acme, Ltd.}']\n"),
             # two one-word names written on one line would read as BibTeX's "Last, First": quoted in a list
             (["--title", "A Hashing Report", "--authors", "{Google}, {Microsoft}", "--year", "2020", "--no-fetch"],
              "papers/google2020hashing.md", "\nauthors: ['{Google}', '{Microsoft}']\n"),
             (["--title", "A Hashing Report", "--authors", "{Google} and {Microsoft}", "--year", "2020", "--no-fetch"],
              "papers/google2020hashing.md", "\nauthors: ['{Google}', '{Microsoft}']\n"),
             (["--title", "A Hashing Report", "--authors", "Mausam and Devvrit and Jane Doe", "--year", "2020",
               "--no-fetch"], "papers/mausam2020hashing.md", "\nauthors: Mausam, Devvrit, Jane Doe\n")]
    for flags, relpath, written in cases:
        assert run(root, *flags, *args) == 0, capsys.readouterr().err
        path = root / relpath
        assert written in path.read_text(encoding="utf-8")
        parsed, diagnostics = parse_paper(SourceFile(path, relpath, path.stem), frozenset({"family", "modality"}))
        assert parsed is not None and diagnostics == []
        path.unlink()  # the next case adds the same title
    # without braces, two one-word names are what l2h check warns of as a pair split in two: said of the flag
    assert run(root, "--title", "A Hashing Report", "--authors", "Plato and Aristotle", "--year", "2020",
               "--no-fetch", *args) == 1
    assert capsys.readouterr().err == (
        '--authors: error[authors-split-pairs]: authors "Plato", "Aristotle" look like a "Last, First" pair split in '
        "two: l2h reads them as 2 authors\n"
        "  help: give --authors 'Aristotle Plato' (or, if they are 2 names after all, organisations say, give each in "
        "braces: --authors '{Plato}, {Aristotle}')\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")


def test_bibtex_input_must_hold_one_good_entry(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    assert run(root, "--bibtex", str(FIXTURES / "refs.bib")) == 2
    assert capsys.readouterr().err == "l2h: error: the BibTeX input entry noyear: no year\n"
    two = root / "two.bib"
    two.write_text("@misc{a, title={A}, author={Lee, Ann}, year={2020}}\n@misc{b, title={B}, author={Lee, Ann}, "
                   "year={2021}}\n", encoding="utf-8")
    assert run(root, "--bibtex", str(two)) == 2
    assert capsys.readouterr().err == (
        "l2h: error: the BibTeX input holds 2 entries; `l2h new` takes one (use `l2h import bibtex FILE.bib` for many)\n")


def test_from_a_recorded_arxiv_response(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    fetch = recorded({"https://export.arxiv.org/api/query?id_list=1501.01062": "arxiv_1501.01062.xml"})
    options = new.NewOptions(arxiv="https://arxiv.org/abs/1501.01062", tags=["Image Retrieval"],
                             facets=["family=unsupervised"])
    said: list[str] = []
    path, problems = new.new_paper(root, options, fetch=fetch, say=said.append)
    assert path is not None and problems == []
    assert said[:2] == ["l2h: read the metadata of arXiv 1501.01062", "l2h: wrote papers/andoni2015optimal.md"]
    assert path.read_text(encoding="utf-8") == (
        "---\n"
        "title: Optimal Data-Dependent Hashing for Approximate Near Neighbors\n"
        "authors: Alexandr Andoni, Ilya Razenshteyn\n"
        "year: 2015\n"
        "tags: [Image Retrieval]\n"
        "family: unsupervised\n"
        "arxiv: '1501.01062'\n"
        "doi: 10.1145/2746539.2746553\n"
        "# optional: modality (Data modality): image | text\n"
        "---\n"
        "TODO: in two to four sentences of your own, say what the paper does and why it matters.\n")


def test_from_a_recorded_crossref_response_flags_win(site: Site) -> None:
    root = site({})
    fetch = recorded({"https://api.crossref.org/works/10.1109/TPAMI.2010.57": "crossref_10.1109_TPAMI.2010.57.json"})
    options = new.NewOptions(doi="10.1109/TPAMI.2010.57", venue="TPAMI")
    path, _ = new.new_paper(root, options, fetch=fetch, say=lambda _: None)
    assert path is not None and path.name == "jegou2011product.md"
    text = path.read_text(encoding="utf-8")
    assert "title: Product Quantization for Nearest Neighbor Search\n" in text
    assert "authors: Hervé Jégou, Matthijs Douze, Cordelia Schmid\nvenue: TPAMI\nyear: 2011\n" in text


def test_unknown_arxiv_id_falls_back_to_flags(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    fetch = recorded({"https://export.arxiv.org/api/query?id_list=2101.99999": "arxiv_not_found.xml"})
    said: list[str] = []
    with pytest.raises(new.L2hError, match=r"^cannot name the paper without --title and --authors and --year"):
        new.new_paper(root, new.NewOptions(arxiv="2101.99999"), fetch=fetch, say=said.append)
    assert said == [("l2h: could not fetch the metadata of arXiv 2101.99999: the arXiv API has no paper 2101.99999; "
                    "using the flags you gave (--title, --authors, --year, --venue)")]


def test_an_identifier_pasted_with_its_prefix_and_a_space_is_fetched_and_written_without_them(
        site: Site, capsys: pytest.CaptureFixture[str], no_network: list[str]) -> None:
    # `--doi "DOI: 10.…"` was asked of Crossref and written as " 10.…", which `l2h check` rejected
    root = site({})
    assert run(root, "--doi", "DOI: 10.1109/TPAMI.2010.57", "--arxiv", "arXiv: 1501.01062", "--title",
               "Product Quantization", "--authors", "Hervé Jégou", "--year", "2011", "--facet", "family=supervised") == 0
    assert no_network == ["https://export.arxiv.org/api/query?id_list=1501.01062"]
    text = (root / "papers/jegou2011product.md").read_text(encoding="utf-8")
    assert "\narxiv: '1501.01062'\ndoi: 10.1109/TPAMI.2010.57\n" in text


def test_offline_says_so_and_uses_the_flags(site: Site, capsys: pytest.CaptureFixture[str],
                                            no_network: list[str]) -> None:
    root = site({})
    assert run(root, "--doi", "10.1109/TPAMI.2010.57", "--title", "Product Quantization", "--authors",
               "Hervé Jégou", "--year", "2011") == 0
    assert no_network == ["https://api.crossref.org/works/10.1109/TPAMI.2010.57"]
    out = capsys.readouterr().out
    assert out.startswith(
        "l2h: could not fetch the metadata of DOI 10.1109/TPAMI.2010.57: cannot reach Crossref (network is off in "
        "tests); using the flags you gave (--title, --authors, --year, --venue)\nl2h: wrote papers/jegou2011product.md\n")
    assert run(root, "--arxiv", "1501.01062") == 2
    assert capsys.readouterr().err == (
        "l2h: error: cannot name the paper without --title and --authors and --year; give them as flags\n")


def test_refuses_to_overwrite_or_to_add_a_paper_twice(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    before = (root / "papers/weiss2008spectral.md").read_bytes()
    assert run(root, "--title", "Spectral hashing", "--authors", "Yair Weiss", "--year", "2008") == 2
    assert capsys.readouterr().err == (
        "l2h: error: this paper is already in the review as papers/weiss2008spectral.md (same key and title); "
        "refusing to add it twice (edit that file instead)\n")
    assert run(root, "--title", "Other", "--authors", "Ann Lee", "--year", "2008", "--arxiv", "0801.0001v2",
               "--no-fetch") == 2
    assert capsys.readouterr().err.endswith(
        "already in the review as papers/weiss2008spectral.md (same arXiv id); refusing to add it twice "
        "(edit that file instead)\n")
    assert (root / "papers/weiss2008spectral.md").read_bytes() == before
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]


def test_every_flag_is_checked_as_l2h_check_would_and_nothing_is_written(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "T", "--authors", "Ann Lee", "--year", "1800", "--facet", "family=unsupervized",
               "--facet", "familly=supervised", "--tag", "Image Retreival", "--tag", "Transformer",
               "--venue", "TODO") == 1
    assert capsys.readouterr() == ("", (
        '--tag: note[tag-alias]: tag "Transformer" is written "Transformers", its name in taxonomy.yml\n'
        '--facet: error[unknown-facet]: "familly=supervised" is not ID=VALUE with ID one of "family", "modality"\n'
        '  help: did you mean "family"?\n'
        "--year: error[year-range]: year 1800 is before 1900\n"
        "  help: give --year the year the paper was published\n"
        '--tag: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml\n'
        '  help: did you mean "Image Retrieval"? (used by 1 paper)\n'
        '--facet: error[unknown-facet-value]: "unsupervized" is not a value of facet "family" (Method family)\n'
        '  help: did you mean "unsupervised"?\n'
        "--venue: error[placeholder]: venue still holds the placeholder \"TODO\"\n"
        "  help: replace it with the real venue, or leave --venue out if it is optional\n"
        "l2h: nothing written: 5 error(s); fix them and run `l2h new` again\n"))
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]


def test_a_tag_given_by_its_alias_is_written_as_the_tag_and_a_variant_is_still_refused(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the alias was written as given ("tags: [Transformer]"), which l2h check then noted, while --venue NIPS was
    # written NeurIPS; only a declared alias is taken, as l2h check takes it: another case is a variant, refused
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "2008", "--tag", "transformer",
               "--facet", "family=supervised", "--no-fetch") == 1
    assert capsys.readouterr().err == (
        '--tag: error[tag-drift]: tag "transformer" is a variant spelling of the existing tag "Transformers"\n'
        "  help: give --tag Transformers\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "2008", "--tag", "Transformer",
               "--tag", "Transformers", "--facet", "family=supervised", "--no-fetch") == 0
    assert capsys.readouterr().err == (
        '--tag: note[tag-alias]: tag "Transformer" is written "Transformers", its name in taxonomy.yml\n')
    assert "\ntags: [Transformers]\n" in (root / "papers/lee2008small.md").read_text(encoding="utf-8")
    assert [d.code for d in check_site(root).diagnostics if d.path == "papers/lee2008small.md"] == ["placeholder"]


def test_a_tag_that_names_a_facet_value_is_told_as_the_facet_flag_to_give(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "2008", "--tag", "Supervised",
               "--tag", "Text", "--tag", "Unsupervised", "--facet", "modality=image", "--facet", "family=unsupervised",
               "--no-fetch") == 1
    assert capsys.readouterr() == ("", (
        '--tag: error[unknown-tag]: tag "Supervised" is not in taxonomy.yml\n'
        '  help: "Supervised" is a facet value, not a tag: leave out this --tag, and if it fits better, give '
        "--facet family=supervised in place of --facet family=unsupervised\n"
        '--tag: error[unknown-tag]: tag "Text" is not in taxonomy.yml\n'
        '  help: "Text" is a facet value, not a tag: leave out this --tag and give --facet modality=text\n'
        '--tag: error[unknown-tag]: tag "Unsupervised" is not in taxonomy.yml\n'
        "  help: leave out this --tag: the paper gives it as a facet value, --facet family=unsupervised\n"
        "l2h: nothing written: 3 error(s); fix them and run `l2h new` again\n"))
    # followed: the file is written, with both values of the list
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "2008", "--tag", "Image Retrieval",
               "--facet", "modality=image", "--facet", "family=supervised", "--facet", "modality=text",
               "--no-fetch") == 0
    assert "modality: [image, text]\n" in (root / "papers/lee2008small.md").read_text(encoding="utf-8")


def test_a_year_of_two_digits_is_told_as_the_flag_with_four(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # it was also a key-form error of no file, ": error[key-form]: file name "lee19small" …", for the key l2h new made
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "19", "--no-fetch") == 1
    assert capsys.readouterr().err == ("--year: error[year-range]: year 19 is before 1900\n  help: give --year 2019\n"
                                       "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")


def test_a_year_that_is_not_a_number_is_told_with_the_other_flags_problems(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # argparse stopped at it ("argument --year: invalid int value: 'twenty'", exit 2): the tag's typo was told after
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "twenty", "--tag", "Image Retreival",
               "--facet", "family=supervised", "--no-fetch") == 1
    assert capsys.readouterr() == ("", (
        '--year: error[wrong-type]: --year "twenty" is not a year\n'
        "  help: give the year the paper was published in digits, e.g. --year 2017\n"
        '--tag: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml\n'
        '  help: did you mean "Image Retrieval"? (used by 1 paper)\n'
        "l2h: nothing written: 2 error(s); fix them and run `l2h new` again\n"))
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", "'2008 or 2009'", "--no-fetch") == 1
    assert capsys.readouterr().err.startswith("--year: error[wrong-type]: --year \"'2008 or 2009'\" is not a year\n")
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee", "--year", " 2008", "--tag", "Image Retrieval",
               "--facet", "family=supervised", "--no-fetch") == 0
    assert "\nyear: 2008\n" in (root / "papers/lee2008small.md").read_text(encoding="utf-8")


def test_warnings_are_printed_with_the_errors_that_refuse_a_paper_and_when_it_is_written(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """What `l2h check` would say of the paper beside its errors (a warning, a note) is said at once, not after
    the errors are fixed; a paper written with warnings is written, and they are said too."""
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    warned = ('--authors: warning[incomplete-authors]: "et al." in the author list\n'
              "  help: list every author as published\n")
    noted = '--tag: note[tag-alias]: tag "Transformer" is written "Transformers", its name in taxonomy.yml\n'
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee, others", "--year", "2008",
               "--tag", "Image Retreival", "--tag", "Transformer", "--no-fetch") == 1
    assert capsys.readouterr() == ("", (
        noted
        + warned
        + '--tag: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml\n'
        '  help: did you mean "Image Retrieval"? (used by 1 paper)\n'
        + "l2h: nothing written: 1 error(s) and 1 warning(s); fix them and run `l2h new` again\n"))
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]

    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee, others", "--year", "2008",
               "--tag", "Transformer", "--no-fetch") == 0
    out, err = capsys.readouterr()
    assert out.startswith("l2h: wrote papers/lee2008small.md\n")
    assert err == (noted + warned + "l2h: papers/lee2008small.md was written with 1 warning(s): fix them too, "
                   "before `l2h build --strict` or CI fails on them\n")
    # l2h check says the same of the file (and of its TODOs, which l2h new wrote on purpose); the tag is written as
    # the one the alias stands for, so there is nothing to note of it
    assert main(["check", "--root", str(root), str(root / "papers/lee2008small.md")]) == 1
    said = capsys.readouterr().out
    assert 'papers/lee2008small.md:3:10: warning[incomplete-authors]: "et al." in the author list\n' in said
    assert "tag-alias" not in said and "tags: [Transformers]\n" in (root / "papers/lee2008small.md").read_text("utf-8")


def test_a_paper_written_with_warnings_in_the_working_folder_is_named_from_it(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    monkeypatch.chdir(root)  # no --root: the review is "."
    assert main(["new", "--title", "Small Codes", "--authors", "Ann Lee et al.", "--year", "2008", "--no-fetch"]) == 0
    assert capsys.readouterr().err.endswith(
        "l2h: papers/lee2008small.md was written with 1 warning(s): fix them too, before `l2h build --strict` or CI "
        "fails on them\n")


def test_the_key_is_made_from_the_authors_without_et_al(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the file's own check reads the authors without "et al.": the key l2h new makes must agree with it
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Ann Lee et al.", "--year", "2008",
               "--tag", "Image Retrieval", "--no-fetch") == 0
    assert capsys.readouterr().out.startswith("l2h: wrote papers/lee2008small.md\n")
    assert main(["check", "--root", str(root), str(root / "papers/lee2008small.md")]) == 1  # its TODOs
    assert "key-mismatch" not in capsys.readouterr().out


def test_a_malformed_arxiv_id_is_reported_before_anything_is_fetched(
        site: Site, capsys: pytest.CaptureFixture[str], no_network: list[str]) -> None:
    root = site({})
    assert run(root, "--arxiv", "bogus") == 1
    assert capsys.readouterr() == ("", (
        '--arxiv: error[arxiv-format]: arxiv "bogus" is not an arXiv id\n'
        "  help: give --arxiv an arXiv id like 1509.02897 (or hep-th/9901001), or leave --arxiv out if you are not "
        "sure\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n"))
    assert no_network == []
    assert run(root, "--arxiv", "1513.01234", "--title", "T", "--authors", "Ann Lee", "--year", "2015") == 1
    assert capsys.readouterr().err.startswith(
        '--arxiv: error[arxiv-format]: arxiv "1513.01234" is not an arXiv id: there is no month 13\n')
    assert no_network == [] and not (root / "papers").exists()


def test_the_fixes_of_flags_name_the_flag_not_a_line_of_the_file(
        site: Site, capsys: pytest.CaptureFixture[str], no_network: list[str]) -> None:
    root = site({})
    assert run(root, "--arxiv", "https://arxiv.org/pdf/1509.02897v2.pdf", "--doi", "10.1109/TPAMI.2012.193.",
               "--title", "\u201cSpectral Hashing\u201d", "--authors", "Yair Weiss", "--year", "2008",
               "--venue", "TODO") == 1
    assert capsys.readouterr() == ("", (
        '--arxiv: error[arxiv-format]: arxiv "https://arxiv.org/pdf/1509.02897v2.pdf" is not an arXiv id\n'
        "  help: give --arxiv 1509.02897v2\n"
        '--doi: error[doi-format]: doi "10.1109/TPAMI.2012.193." is not a DOI: it ends with ".", which is not part '
        "of it\n"
        "  help: give --doi 10.1109/TPAMI.2012.193\n"
        "--title: error[typographic-quotes]: title \u201cSpectral Hashing\u201d is in typographic quotes, which YAML "
        "keeps as part of the text\n"
        "  help: give --title 'Spectral Hashing'\n"
        '--venue: error[placeholder]: venue still holds the placeholder "TODO"\n'
        "  help: replace it with the real venue, or leave --venue out if it is optional\n"
        "l2h: nothing written: 4 error(s); fix them and run `l2h new` again\n"))
    assert no_network == [] and not (root / "papers").exists()


def test_the_fixes_of_authors_tags_and_facets_name_the_flag_not_a_line_of_the_file(
        site: Site, capsys: pytest.CaptureFixture[str], no_network: list[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "T", "--authors", "TODO", "--year", "2008", "--tag", "image retrieval",
               "--facet", "family=supervised", "--facet", "family=unsupervised") == 1
    assert capsys.readouterr() == ("", (
        '--tag: error[tag-drift]: tag "image retrieval" is a variant spelling of the existing tag "Image Retrieval"\n'
        "  help: give --tag 'Image Retrieval' (used by 1 paper)\n"
        '--facet: error[facet-single]: facet "family" takes one value, got 2\n'
        "  help: keep the one value that fits best: --facet family=supervised\n"
        '--authors: error[placeholder]: authors still holds the placeholder "TODO"\n'
        "  help: replace it with the real authors, or leave --authors out if it is optional\n"
        "l2h: nothing written: 3 error(s); fix them and run `l2h new` again\n"))
    assert run(root, "--title", "T", "--authors", "Ann Lee, {De la Torre}, Fernando", "--year", "2008") == 1
    assert capsys.readouterr().err == (
        '--authors: error[author-braces]: author "{De la Torre}, Fernando" has braces; in --authors they group the '
        'words of a family name only at the end of a name written first name first, as in "Fernando {De la Torre}", '
        'or a whole name, as in "{Barnes, Inc.}"\n'
        "  help: give --authors 'Ann Lee, Fernando {De la Torre}'\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")
    # names the file would write as items of a list, each with its own braces: one problem, of the flag
    assert run(root, "--title", "T", "--authors", "Fernando {De la Torre}, {Fernando} Torre", "--authors", "Le {Song}x",
               "--year", "2008") == 1
    assert capsys.readouterr().err == (
        '--authors: error[author-braces]: authors "{Fernando} Torre", "Le {Song}x" have braces; in --authors they '
        'group the words of a family name only at the end of a name written first name first, as in "Fernando '
        '{De la Torre}", or a whole name, as in "{Barnes, Inc.}"\n'
        "  help: give --authors 'Fernando {De la Torre}, Fernando Torre, Le Songx'\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]


def test_a_family_name_in_braces_given_to_authors_is_written_family_given(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """As BibTeX writes it first name first, "Fernando {De la Torre}" says the family name is "De la Torre"."""
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Grouped Names", "--authors", "Fernando {De la Torre}, Le Song", "--year", "2012",
               "--no-fetch") == 0
    path = root / "papers/torre2012grouped.md"
    assert "\nauthors: ['{De la Torre}, Fernando', Le Song]\n" in path.read_text(encoding="utf-8")
    parsed, _ = parse_paper(SourceFile(path, "papers/torre2012grouped.md", "torre2012grouped"),
                            frozenset({"family", "modality"}))
    assert parsed is not None and parsed.paper.authors == ("Fernando De la Torre", "Le Song")
    assert parsed.paper.name_splits == (NameSplit("Fernando", "", "De la Torre", ""), None)


def test_authors_given_as_bibtex_last_first_pairs_are_turned_round_and_said(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert run(root, "--title", "Small Codes", "--authors", "Torralba, Antonio and Fergus, Rob", "--authors",
               "Weiss, Y.", "--year", "2008", "--venue", "CVPR", "--no-fetch") == 0
    out = capsys.readouterr().out
    assert ("read --authors \"Torralba, Antonio and Fergus, Rob\" as 'Last, First' pairs: Antonio Torralba, "
            "Rob Fergus (if that is wrong") in out
    assert "read --authors \"Weiss, Y.\" as 'Last, First' pairs: Y. Weiss" in out
    written = (root / "papers" / "torralba2008small.md").read_text(encoding="utf-8")
    assert "authors: Antonio Torralba, Rob Fergus, Y. Weiss\n" in written
    parsed, problems = parse_paper(SourceFile(path=root / "papers" / "torralba2008small.md",
                                              relpath="papers/torralba2008small.md", key="torralba2008small"))
    assert parsed is not None and parsed.paper.authors == ("Antonio Torralba", "Rob Fergus", "Y. Weiss")
    assert not [p for p in problems if p.code == "authors-bibtex-style"]


def test_one_word_authors_that_read_as_last_first_pairs_are_not_written_as_a_list(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A name with '&' makes l2h new write the authors as a list; one that `l2h check` would warn of as split
    'Last, First' pairs is not written at all."""
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "@inproceedings{w, title={Small Codes}, author={Weiss and Yair and {Procter \\& Gamble}}, year={2008}}\n"))
    assert run(root, "--bibtex", "-", "--no-fetch") == 1
    assert capsys.readouterr().err == (
        'the BibTeX input entry w: error[authors-split-pairs]: authors "Weiss", "Yair" look like a "Last, First" '
        "pair split in two: l2h reads them as 2 authors\n"
        '  help: write each name as one item, first name first: authors: [Yair Weiss, "{Procter & Gamble}"] (or, if '
        'they are 2 names after all, organisations say, quote each: authors: ["Weiss", "Yair", "{Procter & Gamble}"])\n'
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "@inproceedings{w, title={Small Codes}, author={Weiss, Yair and {Procter \\& Gamble}}, year={2008}}\n"))
    assert run(root, "--bibtex", "-", "--no-fetch") == 0
    # the braces make it one name, cited as written: not "Gamble, Procter &"
    assert "authors: [Yair Weiss, '{Procter & Gamble}']\n" in (root / "papers/weiss2008small.md").read_text(encoding="utf-8")


def test_a_different_paper_whose_key_is_taken_gets_the_next_free_key(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    args = ["--authors", "Yair Weiss", "--year", "2008", "--facet", "family=supervised", "--no-fetch"]
    assert run(root, "--title", "Spectral Graph Partitioning Revisited", *args) == 0
    assert capsys.readouterr().out.startswith(
        "l2h: the key weiss2008spectral is taken by papers/weiss2008spectral.md, a different paper; using "
        "weiss2008spectralb (CONTRIBUTING.md: \"if the key is taken by another paper, add b\")\n"
        "l2h: wrote papers/weiss2008spectralb.md\n")
    assert run(root, "--title", "Spectral Clustering of Codes", *args) == 0
    assert "using weiss2008spectralc" in capsys.readouterr().out
    assert run(root, "--title", "Spectral Graph Partitioning, Revisited", *args) == 2  # the same paper again
    assert capsys.readouterr().err == (
        "l2h: error: this paper is already in the review as papers/weiss2008spectralb.md (same title); "
        "refusing to add it twice (edit that file instead)\n")
    assert sorted(p.name for p in (root / "papers").iterdir()) == [
        "weiss2008spectral.md", "weiss2008spectralb.md", "weiss2008spectralc.md"]


@pytest.mark.parametrize("command", [["new", "--title", "T", "--authors", "Ann Lee", "--year", "2020"],
                                     ["import", "bibtex", str(FIXTURES / "refs.bib")],
                                     ["import", "jekyll", str(FIXTURES / "jekyll")]])
def test_a_broken_taxonomy_stops_new_and_both_imports_alike(
        site: Site, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    root = site({"taxonomy.yml": "tags: [\n"})
    assert main([*command, "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        "l2h: error: taxonomy.yml is missing or broken; run `l2h check` to see its errors, and fix them first\n")
    assert sorted(p.name for p in root.iterdir()) == ["static", "taxonomy.yml", "templates"]


@pytest.mark.parametrize("command", [["new", "--title", "T", "--authors", "Ann Lee", "--year", "2020"],
                                     ["import", "bibtex", str(FIXTURES / "refs.bib")],
                                     ["import", "jekyll", str(FIXTURES / "jekyll")]])
@pytest.mark.parametrize(("config", "said"), [
    ("title: X\npapers_dir: ../elsewhere\n",
     ("l2h.yml:2:13: error[config-papers-dir]: papers_dir \"../elsewhere\" is outside the review's folder: l2h reads "
     "papers from a folder inside it (their pages link to them in the repository)\n"
     "  help: keep the papers in a folder of the review, such as papers, and set papers_dir: papers "
     "(or leave the setting out)\n")),
    ("title: X\n papers_dir: notes\n",
     ("l2h.yml:2:2: error[yaml-syntax]: invalid YAML: 'papers_dir:' is indented deeper than 'title:' above it, so it is "
     "not read as a field\n  help: write 'papers_dir:' at the start of the line, like the other fields\n")),
])
def test_a_broken_config_stops_new_and_both_imports_at_its_line(
        site: Site, capsys: pytest.CaptureFixture[str], command: list[str], config: str, said: str) -> None:
    # with its errors l2h.yml falls back to the defaults: the papers were written to papers/, which it does not read
    root = site({"l2h.yml": config})
    assert main([*command, "--root", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("l2h: error: l2h.yml has errors, so nothing was written; fix them first:\n" + said)
    assert err.endswith("1 error(s), 0 warning(s) in 1 file\n")
    assert sorted(p.name for p in root.iterdir()) == ["l2h.yml", "static", "taxonomy.yml", "templates"]


def test_a_name_in_double_braces_from_authors_or_bibtex_is_one_name(site: Site) -> None:
    """BibTeX's author = {{Google and Microsoft}} is one name: --authors "{{Google and Microsoft}}" was an error."""
    root = site({"g.bib": "@techreport{google2020report, title = {A Hashing Report}, author = {{Google and Microsoft} "
                          "and Ann Lee}, institution = {G}, year = {2020}}\n"})
    args = ["--facet", "family=supervised"]
    assert run(root, "--bibtex", str(root / "g.bib"), *args) == 0
    path = root / "papers/google2020hashing.md"
    assert "\nauthors: ['{Google and Microsoft}', Ann Lee]\n" in path.read_text(encoding="utf-8")
    path.unlink()
    assert run(root, "--title", "A Hashing Report", "--authors", "{{Google and Microsoft}}, Ann Lee", "--year", "2020",
               "--no-fetch", *args) == 0
    assert "\nauthors: ['{Google and Microsoft}', Ann Lee]\n" in path.read_text(encoding="utf-8")


def test_names_with_the_marks_of_a_byline_get_the_flag_to_give(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the fix was the file's, "authors: Ann Lee, Bo Chen": the contributor typed a flag
    root = site({})
    assert run(root, "--title", "Zeta Hashing", "--year", "2020", "--no-fetch", "--authors", "Ann Lee1, Bo Chen*") == 1
    assert capsys.readouterr().err == (
        '--authors: error[author-marks]: authors hold "1", "*": marks of the paper\'s byline (affiliations, footnotes), '
        "copied with the names\n"
        "  help: write the names without them: give --authors 'Ann Lee, Bo Chen'\n"
        "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n")


@pytest.mark.parametrize("flags, said", [
    (["--authors", "Ann Lee\uff0cBo Chen"],
     ("--authors: error[full-width-separator]: authors are separated by a full-width comma '\uff0c' (U+FF0C), which "
     'l2h does not read as a separator: "Ann Lee\uff0cBo Chen" would be one author\n'
     "  help: use an ASCII comma followed by a space: give --authors 'Ann Lee, Bo Chen'\n")),
    (["--authors", "\u674e\u3001\u9648"],
     ("--authors: error[full-width-separator]: authors are separated by an ideographic comma '\u3001' (U+3001), which "
     'l2h does not read as a separator: "\u674e\u3001\u9648" would be one author\n'
     "  help: use an ASCII comma followed by a space: give --authors '{\u674e}, {\u9648}'\n")),
    (["--authors", "Ann Lee", "--tag", "Image Retrieval\uff0cTransformers"],
     ("--tag: error[full-width-separator]: tags are separated by a full-width comma '\uff0c' (U+FF0C), which l2h does "
     'not read as a separator: "Image Retrieval\uff0cTransformers" would be one tag\n'
     "  help: give each tag its own --tag: --tag 'Image Retrieval' --tag Transformers\n")),
    (["--authors", "Ann Lee", "--facet", "family\uff1dsupervised"],
     ('--facet: error[unknown-facet]: "family\uff1dsupervised" is not ID=VALUE with ID one of "family", "modality"\n'
     "  help: use an ASCII '=': --facet family=supervised\n")),
    # not CJK, but also a facet id without its value: the fix was 'did you mean "family"?', the id given
    (["--authors", "Ann Lee", "--facet", "family"],
     ('--facet: error[unknown-facet]: "family" names facet family without a value (ID=VALUE)\n'
      '  help: give it a value: --facet family=unsupervised (one of "unsupervised", "supervised")\n')),
])
def test_flags_typed_with_a_cjk_input_method_get_the_flags_to_give(
        site: Site, capsys: pytest.CaptureFixture[str], flags: list[str], said: str) -> None:
    # the fixes were the file's ("authors: Ann Lee, Bo Chen"), or none: the contributor typed flags
    root = site({})
    assert run(root, "--title", "Zeta Hashing", "--year", "2020", "--no-fetch", *flags) == 1
    assert capsys.readouterr().err == said + "l2h: nothing written: 1 error(s); fix them and run `l2h new` again\n"
    assert not (root / "papers").exists()


def test_after_a_build_new_and_import_take_the_papers_from_its_cache_and_still_refuse_a_duplicate(
        site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import l2h_site.build as build_module

    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert main(["build", "--root", str(root), "--quiet"]) == 0
    cache = {path: path.read_bytes() for path in sorted((root / ".l2h-cache").rglob("*")) if path.is_file()}
    parsed: list[str] = []
    real, real_bytes = build_module.parse_paper, build_module.parse_paper_bytes

    def counted(source: SourceFile, facet_ids: frozenset[str] | None) -> object:
        parsed.append(source.relpath)
        return real(source, facet_ids)

    def counted_bytes(data: bytes, source: SourceFile, facet_ids: frozenset[str] | None) -> object:
        parsed.append(source.relpath)
        return real_bytes(data, source, facet_ids)

    monkeypatch.setattr(build_module, "parse_paper", counted)
    monkeypatch.setattr(build_module, "parse_paper_bytes", counted_bytes)
    capsys.readouterr()
    assert run(root, "--title", "Spectral hashing", "--authors", "Yair Weiss", "--year", "2008") == 2
    assert capsys.readouterr().err.startswith("l2h: error: this paper is already in the review as "
                                              "papers/weiss2008spectral.md (same key and title)")
    (tmp_path / "refs.bib").write_text("@inproceedings{w, title = {Spectral Hashing}, author = {Weiss, Yair}, "
                                       "year = {2008}}\n", encoding="utf-8")
    assert main(["import", "bibtex", str(tmp_path / "refs.bib"), "--root", str(root), "--dry-run"]) == 0
    assert "papers/weiss2008spectral.md" in capsys.readouterr().out  # already there: listed, not written
    assert parsed == []  # the build's memo had the paper
    assert {path: path.read_bytes() for path in sorted((root / ".l2h-cache").rglob("*")) if path.is_file()} == cache
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["weiss2008spectral.md"]
