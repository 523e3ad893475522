"""`l2h import bibtex` and `l2h import jekyll`: every entry written, skipped or reported; tags proposed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from l2h_site.build import check_site
from l2h_site.cli import main

Site = Callable[[dict[str, "str | bytes"]], Path]
FIXTURES = Path(__file__).parent / "fixtures"
JEKYLL = FIXTURES / "jekyll"
FACETS_ONLY = (FIXTURES / "taxonomy-facets-only.yml").read_text(encoding="utf-8")
"""A fresh review: the facets are decided, the tags are to come from the import."""
SPECTRAL = (FIXTURES / "papers/weiss2008spectral.md").read_text(encoding="utf-8")

JEKYLL_REPORT = """\
l2h: imported 6 paper(s), skipped 1 already present, could not convert 2
skipped (already in the review, or earlier in the input):
  _publications/dubey2021vision.markdown: same arXiv id as _publications/dubey2022vision.markdown (imported as papers/dubey2022vision.md)
not converted (fix and import again):
  _publications/broken2020colon.markdown: line 3: invalid YAML: mapping values are not allowed in this context (quote the value of 'title': it contains ': ', e.g. title: "Hashing: The Unquoted Colon")
  _publications/notes.txt: not a paper file (only .md, .markdown are read)
to check by hand:
  _publications/ge2013optimized.md: bibkey "ge2013opq" differs from the file name "ge2013optimized"
  all imported papers: set the required facets (family); `l2h check` lists each one
4 new tag(s), 2 merged from variant spellings; taxonomy proposal written to taxonomy.proposed.yml
"""

PROPOSAL = """\
# Tags found by `l2h import jekyll` that taxonomy.yml does not have yet.
# Spellings that differ only by case, plural, hyphen or -ise/-ize are grouped under the
# most used one, and the imported papers use that spelling. Check each group, write a
# description, then move the entries under `tags:` in taxonomy.yml.
#
#   Image Retrieval <- Image Retrieval (4 papers)
#   Quantisation <- Quantisation (1 paper), Quantization (1 paper)
#   Transformer <- Transformer (1 paper), Transformers (1 paper)
#   Unsupervised <- Unsupervised (1 paper)
tags:
  Image Retrieval:
    description: 'TODO: describe this tag in one sentence'
  Quantisation:
    description: 'TODO: describe this tag in one sentence'
    aliases: [Quantization]
  Transformer:
    description: 'TODO: describe this tag in one sentence'
    aliases: [Transformers]
  Unsupervised:
    description: 'TODO: describe this tag in one sentence'
"""


def test_jekyll_import_converts_every_quirk_and_proposes_a_taxonomy(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    assert main(["import", "jekyll", str(JEKYLL), "--root", str(root)]) == 1
    assert capsys.readouterr().out == JEKYLL_REPORT
    assert (root / "taxonomy.proposed.yml").read_text(encoding="utf-8") == PROPOSAL
    assert sorted(p.name for p in (root / "papers").iterdir()) == [
        "chen2022transhash.md", "dubey2022vision.md", "ge2013optimized.md", "jegou2011product.md",
        "salakhutdinov2009semantic.md", "weiss2008spectral.md"]
    # CRLF, conference, additional_links, bibkey, layout and citations become the l2h fields.
    assert (root / "papers/weiss2008spectral.md").read_bytes() == (
        b"---\ntitle: Spectral Hashing\nauthors: Yair Weiss, Antonio Torralba, Rob Fergus\nvenue: NIPS\nyear: 2008\n"
        b"tags: [Unsupervised, Image Retrieval]\nlinks:\n- name: Code\n  url: https://example.org/spectral-hashing\n"
        b"---\nCodes from thresholded eigenfunctions of a graph Laplacian.\n")
    # Empty venue and missing tags: no venue line, no tags line; journal becomes venue; variants unified.
    assert (root / "papers/salakhutdinov2009semantic.md").read_text(encoding="utf-8") == (
        "---\ntitle: Semantic Hashing\nauthors: Ruslan Salakhutdinov, Geoffrey Hinton\nyear: 2009\n---\n"
        "A deep autoencoder whose binary bottleneck addresses documents.\n")
    assert "venue: TPAMI\n" in (root / "papers/jegou2011product.md").read_text(encoding="utf-8")
    assert "tags: [Quantisation]\n" in (root / "papers/ge2013optimized.md").read_text(encoding="utf-8")
    assert "tags: [Transformer, Image Retrieval]\n" in (root / "papers/dubey2022vision.md").read_text(encoding="utf-8")

    # Once the maintainer accepts the proposal, only the facets are left to fill in.
    taxonomy = FACETS_ONLY.replace("tags: {}\n", (root / "taxonomy.proposed.yml").read_text(encoding="utf-8"))
    (root / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    result = check_site(root)
    assert len(result.papers) == 6
    assert sorted({(d.code, d.severity) for d in result.diagnostics}) == [
        ("missing-facet", "error"), ("no-tags", "warning")]
    assert [d.path for d in result.diagnostics if d.code == "no-tags"] == ["papers/salakhutdinov2009semantic.md"]


def test_jekyll_import_never_loses_a_paper_silently(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    main(["import", "jekyll", str(JEKYLL / "_publications"), "--root", str(root)])
    out = capsys.readouterr().out
    for source in sorted((JEKYLL / "_publications").iterdir()):
        named = out.count(f"_publications/{source.name}:")
        written = (root / "papers" / f"{source.stem}.md").exists()
        assert named + written >= 1, source.name


def test_jekyll_import_maps_variants_onto_the_existing_taxonomy(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert main(["import", "jekyll", str(JEKYLL), "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "  _publications/weiss2008spectral.markdown: same key as papers/weiss2008spectral.md\n" in out
    assert "new tag" not in out  # every tag is known or a variant of a known one; Unsupervised came with weiss
    assert not (root / "taxonomy.proposed.yml").exists()
    assert "tags: [Transformers, Image Retrieval]\n" in (root / "papers/dubey2022vision.md").read_text(encoding="utf-8")
    assert "tags: [Quantisation]\n" in (root / "papers/ge2013optimized.md").read_text(encoding="utf-8")
    tag_codes = {d.code for d in check_site(root).diagnostics} & {"unknown-tag", "tag-drift", "tag-alias"}
    assert tag_codes == set()


def test_importing_twice_skips_everything_the_first_run_wrote(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    main(["import", "jekyll", str(JEKYLL), "--root", str(root)])
    before = {p.name: p.read_bytes() for p in (root / "papers").iterdir()}
    capsys.readouterr()
    main(["import", "jekyll", str(JEKYLL), "--root", str(root)])
    assert capsys.readouterr().out.startswith(
        "l2h: imported 0 paper(s), skipped 7 already present, could not convert 2\n")
    assert {p.name: p.read_bytes() for p in (root / "papers").iterdir()} == before


def test_dry_run_writes_nothing(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    assert main(["import", "jekyll", str(JEKYLL), "--root", str(root), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("l2h: would import 6 paper(s)")
    assert out.endswith("taxonomy proposal not written (dry run)\n")
    assert not (root / "papers").exists() and not (root / "taxonomy.proposed.yml").exists()


def test_bibtex_import_skips_and_lists_papers_already_present(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL})
    assert main(["import", "bibtex", str(FIXTURES / "refs.bib"), "--root", str(root)]) == 1
    assert capsys.readouterr().out == (
        "l2h: imported 3 paper(s), skipped 2 already present, could not convert 1\n"
        "skipped (already in the review, or earlier in the input):\n"
        "  refs.bib entry weiss2008spectral: same key as papers/weiss2008spectral.md\n"
        "  refs.bib entry muller2019copy: same DOI as refs.bib entry muller2019m (imported as "
        "papers/muller2019muller.md)\n"
        "not converted (fix and import again):\n"
        "  refs.bib entry noyear: no year\n")
    andoni = (root / "papers/andoni2015optimal.md").read_text(encoding="utf-8")
    assert andoni.startswith(
        "---\ntitle: 'Optimal Data-Dependent Hashing: the $\\ell_2$ case, and beyond'\n"
        "authors: Alexandr Andoni, Ilya Razenshteyn\nvenue: arXiv\nyear: 2015\ntags: [TODO]\nfamily: TODO\n"
        "arxiv: '1501.01062'\n")
    jegou = (root / "papers/jegou2008hamming.md").read_text(encoding="utf-8")
    assert "title: Hamming Embedding and Weak Geometric Consistency for Large Scale Image Search\n" in jegou
    assert "authors: Hervé Jégou, Matthijs Douze, Cordelia Schmid\n" in jegou
    result = check_site(root)
    assert len(result.papers) == 4
    placeholders = sorted({d.path for d in result.diagnostics if d.code == "placeholder"})
    assert placeholders == ["papers/andoni2015optimal.md", "papers/jegou2008hamming.md", "papers/muller2019muller.md"]
    assert not [d for d in result.diagnostics if re.match(r"yaml|wrong-type|duplicate", d.code)]


def test_import_of_a_missing_folder_is_a_usage_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    assert main(["import", "jekyll", str(root / "nowhere"), "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: {root / 'nowhere'} is neither a Jekyll site with _publications/ nor such a folder\n")


def test_jekyll_import_reports_a_paper_with_a_bad_field_instead_of_writing_it(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    source = tmp_path / "_publications"
    source.mkdir()
    (source / "weiss2008spectral.markdown").write_text(
        "---\ntitle: Spectral Hashing\nauthors: Yair Weiss\nyear: 2008\ndoi: notadoi\ntags: [Hashing]\n---\nS\n",
        encoding="utf-8")
    assert main(["import", "jekyll", str(source), "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert ('  _publications/weiss2008spectral.markdown: line 5: doi "notadoi" is not a DOI (write a DOI like '
            "10.1109/TPAMI.2012.193, or remove the line if you are not sure)\n") in out
    assert not (root / "papers/weiss2008spectral.md").exists()


CAPITALISED = "@Article{roe2018scaling,\n  Title = {Scaling Hashing},\n  Author = {Roe, Jane and Poe, Ed},\n  Year = {2018},\n  Journal = {TPAMI}\n}\n"


def test_bibtex_field_names_are_case_insensitive(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"cap.bib": CAPITALISED})
    assert main(["import", "bibtex", str(root / "cap.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == "l2h: imported 1 paper(s), skipped 0 already present, could not convert 0\n"
    assert (root / "papers/roe2018scaling.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: Scaling Hashing\nauthors: Jane Roe, Ed Poe\nvenue: TPAMI\nyear: 2018\n")


BIB_DETAILS = r"""@string{conf = "Proc. " # "SIGIR"}
@inproceedings{lee2018using,
  title = "Using String Macros " # "Concatenated",
  author = {Ann Lee},
  year = 2018,
  booktitle = conf # " 2018",
  eprint = {arXiv:1802.01234v2}
}

@article{kim2019hashing,
  title = {Hashing in $\mathcal{O}(n)$ Time with {GPU}s},
  author = {Bo Kim},
  year = {2019},
  eprint = {1903.01234}, archivePrefix = {arXiv}
}

@article{broken2020oops,
  title = {Oops, author = {Cy Doe},
  year = {2020}

@article{han2020other,
  title = {Other},
  author = {Di Han},
  year = {2020},
  eprint = {hal-01234567}, archivePrefix = {HAL}
}
"""


def test_bibtex_conversion_resolves_concatenation_keeps_math_and_reads_eprints(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"refs.bib": BIB_DETAILS})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""  # bibtexparser's own log line is not printed beside the report
    assert captured.out == (
        "l2h: imported 3 paper(s), skipped 0 already present, could not convert 1\n"
        "not converted (fix and import again):\n"
        "  refs.bib line 17: cannot parse the entry: Unexpected block start: `@article`. Was still looking for "
        "field-value closing `}` (check that its braces { } and quotes \" are balanced)\n")
    assert (root / "papers/lee2018using.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: Using String Macros Concatenated\nauthors: Ann Lee\nvenue: Proc. SIGIR 2018\nyear: 2018\n"
        "tags: [TODO]\nfamily: TODO\narxiv: '1802.01234'\n")
    kim = (root / "papers/kim2019hashing.md").read_text(encoding="utf-8")
    assert kim.startswith("---\ntitle: Hashing in $\\mathcal{O}(n)$ Time with GPUs\n")
    assert "arxiv: '1903.01234'\n" in kim
    assert "arxiv" not in (root / "papers/han2020other.md").read_text(encoding="utf-8")


def test_a_bib_file_that_is_not_utf8_says_where_and_how_to_convert(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"latin.bib": "@article{x,\n  title = {Caf\u00e9 Hashing},\n}\n".encode("latin-1")})
    bib = root / "latin.bib"
    assert main(["import", "bibtex", str(bib), "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: cannot read {bib}: line 2, column 15: byte 0xe9 is not UTF-8; save it as UTF-8 "
        f"(for a Latin-1 file: iconv -f latin1 -t utf-8 {bib} > latin-utf8.bib)\n")
    assert not (root / "papers").exists()
    assert main(["new", "--bibtex", str(bib), "--root", str(root)]) == 2
    assert capsys.readouterr().err.startswith(f"l2h: error: cannot read {bib}: line 2, column 15: byte 0xe9")
