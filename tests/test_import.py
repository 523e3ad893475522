"""`l2h import bibtex` and `l2h import jekyll`: every entry written, skipped or reported; tags proposed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from l2h_site.build import build, check_site
from l2h_site.cli import main

Site = Callable[[dict[str, "str | bytes"]], Path]
FIXTURES = Path(__file__).parent / "fixtures"
JEKYLL = FIXTURES / "jekyll"
FACETS_ONLY = (FIXTURES / "taxonomy-facets-only.yml").read_text(encoding="utf-8")
"""A fresh review: the facets are decided, the tags are to come from the import."""
SPECTRAL = (FIXTURES / "papers/weiss2008spectral.md").read_text(encoding="utf-8")
REPO = Path(__file__).parent.parent
REVIEW_TAXONOMY = (REPO / "taxonomy.yml").read_text(encoding="utf-8")
"""The review's own taxonomy, with its venues and their other names."""

JEKYLL_REPORT = """\
l2h: imported 6 paper(s), skipped 1 already present, could not convert 2
skipped (already in the review, or earlier in the input):
  _publications/dubey2021vision.markdown: same arXiv id as _publications/dubey2022vision.markdown (imported as papers/dubey2022vision.md); its old address redirects there (former_keys: [dubey2021vision])
not converted (fix and import again):
  _publications/broken2020colon.markdown: line 3: invalid YAML: mapping values are not allowed in this context (quote the value of 'title': it contains ': ', e.g. title: "Hashing: The Unquoted Colon")
  _publications/notes.txt: not a paper file (only .md, .markdown are read)
to check by hand:
  _publications/ge2013optimized.md: bibkey "ge2013opq" differs from the file name "ge2013optimized"
  tag "Unsupervised": is a facet value: 1 paper set family: unsupervised instead
  5 of the 6 imported papers: set the required facets (family); `l2h check` lists each one
3 new tag(s), 2 merged from variant spellings; taxonomy proposal written to taxonomy.proposed.yml
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
tags:
  Image Retrieval:
    description: 'TODO: describe this tag in one sentence'
  Quantisation:
    description: 'TODO: describe this tag in one sentence'
    aliases: [Quantization]
  Transformer:
    description: 'TODO: describe this tag in one sentence'
    aliases: [Transformers]
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
    # CRLF, conference, additional_links, bibkey, layout and citations become the l2h fields; the tag
    # "Unsupervised" names a value of the facet family, and becomes it.
    assert (root / "papers/weiss2008spectral.md").read_bytes() == (
        b"---\ntitle: Spectral Hashing\nauthors: Yair Weiss, Antonio Torralba, Rob Fergus\nvenue: NIPS\nyear: 2008\n"
        b"tags: [Image Retrieval]\nfamily: unsupervised\nlinks:\n- name: Code\n  url: https://arxiv.org/abs/0801.0001\n"
        b"---\nCodes from thresholded eigenfunctions of a graph Laplacian.\n")
    # Empty venue and missing tags: no venue line, no tags line; journal becomes venue; variants unified.
    assert (root / "papers/salakhutdinov2009semantic.md").read_text(encoding="utf-8") == (
        "---\ntitle: Semantic Hashing\nauthors: Ruslan Salakhutdinov, Geoffrey Hinton\nyear: 2009\n---\n"
        "A deep autoencoder whose binary bottleneck addresses documents.\n")
    assert "venue: TPAMI\n" in (root / "papers/jegou2011product.md").read_text(encoding="utf-8")
    assert "tags: [Quantisation]\n" in (root / "papers/ge2013optimized.md").read_text(encoding="utf-8")
    dubey = (root / "papers/dubey2022vision.md").read_text(encoding="utf-8")
    assert "tags: [Transformer, Image Retrieval]\n" in dubey
    assert "former_keys: [dubey2021vision]\n" in dubey  # the skipped preprint's address redirects to it

    # Once the maintainer accepts the proposal, only the facets are left to fill in.
    taxonomy = FACETS_ONLY.replace("tags: {}\n", (root / "taxonomy.proposed.yml").read_text(encoding="utf-8"))
    (root / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    result = check_site(root)
    assert len(result.papers) == 6
    assert sorted({(d.code, d.severity) for d in result.diagnostics}) == [
        ("missing-facet", "error"), ("no-tags", "warning")]
    assert [d.path for d in result.diagnostics if d.code == "no-tags"] == ["papers/salakhutdinov2009semantic.md"]


def test_both_imports_write_a_venue_by_another_name_as_the_taxonomy_s_venue(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # as l2h check reads it: "NIPS" beside "NeurIPS" was a venue of its own on the papers page
    venues = "venues:\n  NeurIPS:\n    aliases: [NIPS]\n  TPAMI:\n    aliases: [IEEE Transactions on Pattern " \
             "Analysis and Machine Intelligence]\n"
    root = site({"taxonomy.yml": FACETS_ONLY + venues, "refs.bib": (
        "@article{roe2018scaling, title = {Scaling Hashing}, author = {Roe, Jane}, year = {2018},\n"
        "  journal = {{IEEE} Transactions on Pattern Analysis and Machine Intelligence}}\n")})
    main(["import", "jekyll", str(JEKYLL), "--root", str(root)])
    assert "\nvenue: NeurIPS\n" in (root / "papers/weiss2008spectral.md").read_text(encoding="utf-8")
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    assert "\nvenue: TPAMI\n" in (root / "papers/roe2018scaling.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert [d.code for d in check_site(root).diagnostics if d.code.startswith("venue")] == []


VENUES_BIB = ("venues.bib", {
    "weiss2008spectral": "NeurIPS", "gong2012angular": "NeurIPS", "gong2011iterative": "CVPR",
    "yang2019distillhash": "CVPR", "liu2011hashing": "ICML", "charikar2002similarity": "STOC",
    "indyk1998approximate": "STOC", "liu2016deep": "CVPR", "jang2020generalized": "CVPR", "cao2017hashnet": "ICCV", "cao2018cross": "ECCV",
    # as given: a workshop is not its conference, a journal named "Proceedings of the …" is no proceedings, and
    # SIGMOD's other name is not one taxonomy.yml lists (l2h check says nothing of them either)
    "lin2015deep": "2015 IEEE Conference on Computer Vision and Pattern Recognition Workshops (CVPRW)",
    "wang2016learning": "Proceedings of the IEEE",
    "kraska2018case": "Proceedings of the 2018 International Conference on Management of Data"},
              ["kraska2018case", "lin2015deep"])
"""Venues as BibTeX exporters write one edition: "Advances in Neural Information Processing Systems 21", "NIPS 2012",
"CVPR '19", "Proceedings of the 28th …", ACM's "Proceedings of the Thiry-Fourth …", the CVF's "Proceedings of the IEEE Conference on Computer Vision and Pattern
Recognition (CVPR)"; each was written as given, a venue of its own on the papers page, beside the NeurIPS, CVPR, ICML of
the others. Last, the papers kept as given whose venue the review writes otherwise (all but the journal)."""
DBLP_BIB = ("dblp.bib", {
    "gong2011iterative": "CVPR", "gong2012angular": "NeurIPS", "chen2021spann": "NeurIPS", "liu2011hashing": "ICML",
    "cao2017hashnet": "ICCV", "kraska2018case": "SIGMOD", "charikar2002similarity": "STOC",
    "baranchuk2018revisiting": "ECCV",
    # a workshop is not its conference, though its acronym is CVPR's (l2h check says nothing of it either)
    "lin2015deep": "2015 IEEE Conference on Computer Vision and Pattern Recognition Workshops, CVPR Workshops 2015, "
                   "Boston, MA, USA, June 7-12, 2015"}, ["lin2015deep"])
"""DBLP's long booktitles ("The 24th IEEE Conference on Computer Vision and Pattern Recognition, CVPR 2011, Colorado
Springs, …"), each written whole, as DBLP's BibTeX is often copied."""


@pytest.mark.parametrize(("fixture", "venues", "kept"), [VENUES_BIB, DBLP_BIB], ids=["editions", "dblp"])
def test_bibtex_import_writes_one_edition_of_a_venue_as_the_taxonomy_s_venue_and_nothing_else(
        site: Site, capsys: pytest.CaptureFixture[str], fixture: str, venues: dict[str, str],
        kept: list[str]) -> None:
    root = site({"taxonomy.yml": REVIEW_TAXONOMY})
    assert main(["import", "bibtex", str(FIXTURES / fixture), "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith(f"l2h: imported {len(venues)} paper(s), skipped 0 already present")
    written = {path.stem: _venue(path) for path in (root / "papers").iterdir()}
    assert written == venues
    # the venues the review gives these papers, but for those kept as given
    review = {key: _venue(REPO / "papers" / f"{key}.md") for key in written}
    assert sorted(key for key in written if written[key] != review[key]) == kept
    assert [d for d in check_site(root).diagnostics if d.code.startswith("venue")] == []


def test_a_venue_with_its_acronym_in_brackets_is_the_venue_either_names_and_only_one_taxonomy_yml_lists(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the acronym alone (NIPS), or the name alone, is enough; a workshop, an acronym taxonomy.yml does not list, or
    # a name and an acronym of two venues are kept as written: never a guess
    venues = "venues:\n  NeurIPS:\n    aliases: [NIPS]\n  CVPR:\n    aliases: [Conference on Computer Vision and " \
             "Pattern Recognition]\n"
    booktitles = {"ann": "Neural Information Processing Systems (NIPS)",
                  "bo": "Proceedings of the 2019 Conference on Computer Vision and Pattern Recognition [CVPR]",
                  "cy": "Conference on Computer Vision and Pattern Recognition (CVPR 2019)",
                  "di": "Workshop on Hashing (NIPS)", "ed": "Conference on Hashing (HASH)",
                  "fe": "Conference on Computer Vision and Pattern Recognition (NIPS)"}
    bib = "".join(f"@inproceedings{{{name}, title = {{Codes of {name}}}, author = {{{name.title()} Lee}}, "
                  f"year = {{2019}}, booktitle = {{{title}}}}}\n" for name, title in booktitles.items())
    root = site({"taxonomy.yml": FACETS_ONLY + venues, "refs.bib": bib})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    capsys.readouterr()
    assert {path.stem: _venue(path) for path in (root / "papers").iterdir()} == {
        "lee2019codes": "NeurIPS", "lee2019codesb": "CVPR", "lee2019codesc": "CVPR",
        "lee2019codesd": "Workshop on Hashing (NIPS)", "lee2019codese": "Conference on Hashing (HASH)",
        "lee2019codesf": "Conference on Computer Vision and Pattern Recognition (NIPS)"}


def _venue(path: Path) -> str:
    """The venue line of a paper file."""
    found: list[str] = re.findall(r"(?m)^venue: (.*)$", path.read_text(encoding="utf-8"))
    return found[0].strip("'")


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
    assert "  _publications/weiss2008spectral.markdown: same key and title as papers/weiss2008spectral.md\n" in out
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
        "  refs.bib entry weiss2008spectral: same key and title as papers/weiss2008spectral.md\n"
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


def test_jekyll_import_leaves_out_a_made_up_link_and_lists_it(site: Site, capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    # as l2h import bibtex does: l2h check would reject the paper for it (a placeholder)
    root = site({"taxonomy.yml": FACETS_ONLY})
    source = tmp_path / "_publications"
    source.mkdir()
    (source / "weiss2008spectral.markdown").write_text(
        "---\ntitle: Spectral Hashing\nauthors: Yair Weiss\nyear: 2008\ntags: [Hashing]\nadditional_links:\n"
        "  - name: Code\n    url: https://github.com/example/spectral-hashing\n"
        "  - name: Project\n    url: https://github.com/l2h-synthetic/weiss2008spectral\n---\nS\n",
        encoding="utf-8")
    main(["import", "jekyll", str(source), "--root", str(root)])
    out = capsys.readouterr().out
    assert ('  _publications/weiss2008spectral.markdown: link "https://github.com/example/spectral-hashing" is not '
            "carried over: it is an address made up for examples, not the paper's\n") in out
    written = (root / "papers/weiss2008spectral.md").read_text(encoding="utf-8")
    assert "github.com/example" not in written
    assert "links:\n- name: Project\n  url: https://github.com/l2h-synthetic/weiss2008spectral\n---" in written


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


BIB_SPLITS = r"""@inproceedings{sarma2012finding,
  title = {Finding Related Tables},
  author = {Das Sarma, Anish and Fang, Lujun and Halevy, Alon and Yu, Cong},
  booktitle = {SIGMOD},
  year = {2012}
}

@inproceedings{gool2013hashing,
  title = {Hashing with Particles},
  author = {Van Gool, Luc and van der Maaten, Laurens and Le Scouarnec, Nicolas and Steele, Jr., Guy L. and
            Anish Das Sarma},
  booktitle = {CVPR},
  year = {2013}
}
"""


def test_bibtex_import_writes_family_given_where_bibtex_splits_a_name_otherwise_than_first_name_first(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"Das Sarma, Anish" keeps its split as a list item "Family, Given"; names split_name splits as BibTeX does
    ("van der Maaten", "Le Scouarnec", "Van Gool", "Steele, Jr.") are written first name first, as is a name BibTeX
    writes first name first ("Anish Das Sarma": it marks no split). The review built from the files cites the
    split."""
    root = site({"refs.bib": BIB_SPLITS, "taxonomy.yml": FACETS_ONLY})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == "l2h: imported 2 paper(s), skipped 0 already present, could not convert 0\n"
    sarma = root / "papers/sarma2012finding.md"
    assert sarma.read_text(encoding="utf-8").startswith(
        "---\ntitle: Finding Related Tables\nauthors: ['Das Sarma, Anish', Lujun Fang, Alon Halevy, Cong Yu]\n")
    gool = root / "papers/gool2013hashing.md"
    assert gool.read_text(encoding="utf-8").startswith(
        "---\ntitle: Hashing with Particles\nauthors: Luc Van Gool, Laurens van der Maaten, Nicolas Le Scouarnec, "
        "Guy L. Steele Jr., Anish Das Sarma\n")
    for path in (sarma, gool):  # what a maintainer fills in after the import
        text = path.read_text(encoding="utf-8").replace("tags: [TODO]\n", "")
        path.write_text(re.sub(r"family: TODO\n(# .*\n)*", "family: unsupervised\n", text).replace(
            "TODO: in two to four sentences of your own, say what the paper does and why it matters.", "Tables."))
    result = build(root)
    assert result.written
    # the two files split "Anish Das Sarma" two ways, as the BibTeX did: check says so (and that no tags are set,
    # and, this review being no git clone, that its feed is empty)
    assert sorted((d.path, d.code) for d in result.diagnostics if d.code not in ("no-tags", "feed-empty")) == [
        ("papers/gool2013hashing.md", "author-split-differs")]
    bib = (root / "_site/papers.bib").read_text(encoding="utf-8")
    assert "author = {Das Sarma, Anish and Lujun Fang and Alon Halevy and Cong Yu}," in bib
    assert ("author = {Van Gool, Luc and Laurens van der Maaten and Le Scouarnec, Nicolas and Steele, Jr., Guy L. and "
            "Anish Das Sarma},") in bib
    page = (root / "_site/publications/sarma2012finding/index.html").read_text(encoding="utf-8")
    assert "Anish Das Sarma" in page and "Das Sarma, Anish" in page


BIB_GROUPED = r"""@inproceedings{torre2012learning,
  title = {Learning Grouped Names},
  author = {{De la Torre}, Fernando and Ana {De la Torre} and {\"O}zt{\"u}rk, Ali and Fran\c cois Dupont and Le Song},
  booktitle = {CVPR},
  year = {2012}
}
"""


def build_imported(root: Path, path: Path) -> None:
    """Fill in the TODOs of an imported paper file (no tags, family unsupervised, a summary) and build the review."""
    text = path.read_text(encoding="utf-8").replace("tags: [TODO]\n", "")
    path.write_text(re.sub(r"family: TODO\n(# .*\n)*", "family: unsupervised\n", text).replace(
        "TODO: in two to four sentences of your own, say what the paper does and why it matters.", "Names."))
    result = build(root)
    assert result.written and [d.code for d in result.diagnostics] == ["feed-empty", "no-tags"]  # no git, no tags


def test_bibtex_import_keeps_a_family_name_grouped_in_braces(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """BibTeX's braces say "De la" is part of the family name, written "Family, Given" or first name first: the file
    keeps the group ("{De la Torre}, Fernando"), and the review built from it cites family name "De la Torre". A
    name with such a group is split before its LaTeX is decoded; LaTeX with a space in it ("Fran\\c cois", which BibTeX
    would split) is still decoded whole in the other names."""
    root = site({"refs.bib": BIB_GROUPED, "taxonomy.yml": FACETS_ONLY})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    path = root / "papers/torre2012learning.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\ntitle: Learning Grouped Names\nauthors: ['{De la Torre}, Fernando', '{De la Torre}, Ana', Ali \u00d6zt\u00fcrk, "
        "Fran\u00e7ois Dupont, Le Song]\n")
    build_imported(root, path)
    assert ("author = {{De la Torre}, Fernando and {De la Torre}, Ana and Ali \u00d6zt\u00fcrk and Fran\u00e7ois "
            "Dupont and Le Song},"
            in (root / "_site/papers.bib").read_text(encoding="utf-8"))
    page = (root / "_site/publications/torre2012learning/index.html").read_text(encoding="utf-8")
    assert ('data-names="fernando de la torre ana de la torre ali oeztuerk fran\u00e7ois dupont le song fernando de la '
            'torre ana de la torre ali \u00f6zt\u00fcrk fran\u00e7ois dupont le song">Fernando De la Torre, Ana De la '
            'Torre, Ali \u00d6zt\u00fcrk, Fran\u00e7ois Dupont and Le Song</p>') in page  # shown, and for the index


BIB_LITERAL = """\
@techreport{barnes2020report,
  title = {A Hashing Report},
  author = {{Barnes, Inc.} and Ann Lee and {Facebook AI Research}},
  institution = {Barnes},
  year = {2020},
}
"""


def test_bibtex_import_keeps_a_whole_name_in_braces_one_name(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"{Barnes, Inc.}" is an organisation's name, as BibTeX writes one: the file keeps its braces (not 'Barnes, Inc.',
    "Inc. Barnes"), the key is of its first word, and the review built from it cites it as written."""
    root = site({"refs.bib": BIB_LITERAL, "taxonomy.yml": FACETS_ONLY})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    path = root / "papers/barnes2020hashing.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\ntitle: A Hashing Report\nauthors: ['{Barnes, Inc.}', Ann Lee, '{Facebook AI Research}']\n")
    build_imported(root, path)
    assert "author = {{Barnes, Inc.} and Ann Lee and {Facebook AI Research}}," in (
        root / "_site/papers.bib").read_text(encoding="utf-8")
    page = (root / "_site/publications/barnes2020hashing/index.html").read_text(encoding="utf-8")
    assert '<p class="byline">Barnes, Inc., Ann Lee and Facebook AI Research</p>' in page


def test_bibtex_import_keeps_one_word_names_in_braces_whole(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """"{Google} and {Microsoft}" are two organisations, as BibTeX writes them: the file keeps their braces (without
    them, "Google, Microsoft" would read as BibTeX's "Last, First", or as a pair split in two). "{\\'E}mile Durand"
    is a LaTeX accent, not a name in braces."""
    bib = ("@techreport{g, title = {A Hashing Report}, author = {{Google} and {Microsoft}}, year = {2020}}\n"
           "@techreport{d, title = {Another Hashing Report}, author = {{\\'E}mile Durand and Ann Lee}, year = {2020}}\n")
    root = site({"refs.bib": bib, "taxonomy.yml": FACETS_ONLY})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    path = root / "papers/google2020hashing.md"
    assert path.read_text(encoding="utf-8").startswith(
        "---\ntitle: A Hashing Report\nauthors: ['{Google}', '{Microsoft}']\n")
    other = root / "papers/durand2020another.md"
    assert "\nauthors: \u00c9mile Durand, Ann Lee\n" in other.read_text(encoding="utf-8")
    other.unlink()  # its TODOs are not filled in
    build_imported(root, path)
    # one word is one name to BibTeX with or without braces
    assert "author = {Google and Microsoft}," in (root / "_site/papers.bib").read_text(encoding="utf-8")
    page = (root / "_site/publications/google2020hashing/index.html").read_text(encoding="utf-8")
    assert '<p class="byline">Google and Microsoft</p>' in page


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


def test_bibtex_import_gives_a_different_paper_with_a_taken_key_the_next_free_key(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"papers/weiss2008spectral.md": SPECTRAL, "more.bib": (
        "@article{a, title={Spectral Graph Partitioning Revisited}, author={Weiss, Yair}, year={2008}}\n"
        "@article{b, title={Spectral Clustering of Codes}, author={Weiss, Yair}, year={2008}}\n")})
    assert main(["import", "bibtex", str(root / "more.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "l2h: imported 2 paper(s), skipped 0 already present, could not convert 0\n"
        "to check by hand:\n"
        "  more.bib entry a: key weiss2008spectral is taken by papers/weiss2008spectral.md, a different paper; "
        "imported as papers/weiss2008spectralb.md\n"
        "  more.bib entry b: key weiss2008spectral is taken by papers/weiss2008spectral.md, a different paper; "
        "imported as papers/weiss2008spectralc.md\n")
    assert (root / "papers/weiss2008spectralc.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: Spectral Clustering of Codes\n")


def test_bibtex_import_lists_a_url_it_does_not_carry_over(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # a url with a password in it was published as the paper's link; one without its https:// was dropped unsaid
    root = site({"urls.bib": (
        "@article{a, title={Hashing Alpha}, author={Ann Lee}, year={2019}, url={https://ann:s3cret@example.org/a.pdf}}\n"
        "@article{b, title={Hashing Beta}, author={Bo Kim}, year={2019}, url={www.example.org/b.pdf}}\n"
        "@article{c, title={Hashing Gamma}, author={Cy Ng}, year={2019}, url={https://github.com/example/gamma}}\n")})
    assert main(["import", "bibtex", str(root / "urls.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "l2h: imported 3 paper(s), skipped 0 already present, could not convert 0\n"
        "to check by hand:\n"
        '  urls.bib entry a: url "https://ann:s3cret@example.org/a.pdf" is not carried over: it holds a user name or '
        "password before the host name (user:password@)\n"
        '  urls.bib entry b: url "www.example.org/b.pdf" is not carried over: it is not an absolute http(s) URL\n'
        '  urls.bib entry c: url "https://github.com/example/gamma" is not carried over: it is an address made up for '
        "examples, not the paper's\n")
    assert "links" not in (root / "papers/lee2019hashing.md").read_text(encoding="utf-8")


def test_jekyll_import_keeps_keys_and_reports_a_clash_of_different_papers_as_not_converted(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    pubs = tmp_path / "jek" / "_publications"
    (pubs / "sub").mkdir(parents=True)
    (pubs / "smith2019deep.md").write_text("---\ntitle: Deep Codes\nauthors: Ann Smith\nyear: 2019\n---\nA.\n",
                                           encoding="utf-8")
    (pubs / "sub/smith2019deep.md").write_text("---\ntitle: Deep Trees\nauthors: Bo Smith\nyear: 2019\n---\nB.\n",
                                               encoding="utf-8")
    assert main(["import", "jekyll", str(pubs.parent), "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "l2h: imported 1 paper(s), skipped 0 already present, could not convert 1\n"
        "not converted (fix and import again):\n"
        "  _publications/sub/smith2019deep.md: key smith2019deep is taken by _publications/smith2019deep.md "
        "(imported as papers/smith2019deep.md), a different paper; rename one of them (e.g. to smith2019deepb) "
        "and import again\n")
    assert "skipped (already" not in out


@pytest.mark.parametrize("proposal, message", [
    ("taxonomy.yml", ("--proposal taxonomy.yml is the taxonomy; the proposal is never written over it (leave out "
                     "--proposal to write taxonomy.proposed.yml)")),
    ("l2h.yml", ("--proposal l2h.yml is the config; the proposal is never written over it (leave out --proposal to "
                "write taxonomy.proposed.yml)")),
    ("papers/new.yml", ("--proposal papers/new.yml is in papers/, where every file is read as a paper; choose a file "
                       "outside it (default: taxonomy.proposed.yml)")),
    ("taxonomy.proposed.yml", ("taxonomy.proposed.yml already exists; refusing to overwrite it (merge it into "
                              "taxonomy.yml or delete it, or give another file with --proposal)")),
    ("README.md", ("README.md already exists; refusing to overwrite it (merge it into taxonomy.yml or delete it, or "
                  "give another file with --proposal)")),
    ("nodir/x.yml", "cannot write the taxonomy proposal to nodir/x.yml: the folder {root}/nodir does not exist"),
])
def test_the_proposal_never_overwrites_a_file_and_is_checked_before_any_paper_is_written(
        site: Site, capsys: pytest.CaptureFixture[str], proposal: str, message: str) -> None:
    files = {"taxonomy.yml": FACETS_ONLY, "l2h.yml": "title: Mine\n", "taxonomy.proposed.yml": "KEEP ME\n",
             "README.md": "KEEP ME\n"}
    root = site(files)
    assert main(["import", "jekyll", str(JEKYLL), "--root", str(root), "--proposal", proposal]) == 2
    assert capsys.readouterr().err == f"l2h: error: {message.format(root=root)}\n"
    assert not (root / "papers").exists()
    assert {name: (root / name).read_text(encoding="utf-8") for name in files} == files


def test_jekyll_tags_group_ices_plurals_prefer_title_case_and_become_facet_values(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY.replace(
        "      supervised: {label: Supervised, description: Learned from labels.}\n",
        "      supervised: {label: Supervised, description: Learned from labels.}\n"
        "      survey: {label: Survey or benchmark, description: Surveys.}\n"
        "  learning:\n    label: Learning\n    description: Depth.\n    values:\n"
        "      deep: {label: Deep, description: Deep networks.}\n")})
    pubs = tmp_path / "_publications"
    pubs.mkdir()
    tags = {"a2019a": "[HASHING, Learned Index]", "b2019b": "[Hashing, Learned-Indices]",
            "c2019c": "[hashing, learned indexes]", "d2019d": "[Deep Learning, Survey Paper]"}
    for key, tag_list in tags.items():
        (pubs / f"{key}.md").write_text(f"---\ntitle: {key}\nauthors: Ann Lee\nyear: 2019\ntags: {tag_list}\n---\nS.\n",
                                        encoding="utf-8")
    assert main(["import", "jekyll", str(pubs), "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "l2h: imported 4 paper(s), skipped 0 already present, could not convert 0\n"
        "to check by hand:\n"
        '  tag "Survey Paper": is a facet value: 1 paper set family: survey instead\n'
        '  tag "Deep Learning": is a facet value: 1 paper set learning: deep instead\n'
        "  3 of the 4 imported papers: set the required facets (family); `l2h check` lists each one\n"
        "2 new tag(s), 2 merged from variant spellings; taxonomy proposal written to taxonomy.proposed.yml\n")
    proposal = (root / "taxonomy.proposed.yml").read_text(encoding="utf-8")
    assert "#   Hashing <- HASHING (1 paper), Hashing (1 paper), hashing (1 paper)\n" in proposal
    assert ("#   Learned Index <- Learned Index (1 paper), Learned-Indices (1 paper), learned indexes (1 paper)\n"
            in proposal)
    assert (root / "papers/d2019d.md").read_text(encoding="utf-8") == (
        "---\ntitle: d2019d\nauthors: Ann Lee\nyear: 2019\nfamily: survey\nlearning: deep\n---\nS.\n")


REDIRECTS_REPORT = """\
l2h: imported 4 paper(s), skipped 0 already present, could not convert 0
to check by hand:
  _publications/jegou2011product.md: redirect_from "/publications/2010_preprint_pq/" is not carried over: "2010_preprint_pq" is not a paper key (lowercase letters, a year and a word), which former_keys needs; redirect it on the web server if links to it must keep working
  _publications/kulis2009learning.md: redirect_from must be a path or a list of paths, got a mapping: it is not carried over
  _publications/weiss2008spectral.markdown: redirect_from "/publications/weiss2008spectral" is the paper's own address: there is nothing to carry over
  _publications/weiss2008spectral.markdown: redirect_from "/spectral.html" is not carried over: l2h keeps only the old addresses of papers, /publications/<key>/ (former_keys); redirect it on the web server if links to it must keep working
  tag "Supervised": is a facet value: 1 paper set family: supervised instead
  tag "Unsupervised": is a facet value: 3 papers set family: unsupervised instead
"""


def test_jekyll_redirect_from_becomes_former_keys_whose_old_addresses_redirect(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    assert main(["import", "jekyll", str(FIXTURES / "jekyll-redirects"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == REDIRECTS_REPORT
    # /publications/<key>/ with or without the slash or index.html, also under the old site's baseurl (/hashing)
    assert (root / "papers/weiss2008spectral.md").read_text(encoding="utf-8") == (
        "---\ntitle: Spectral Hashing\nauthors: Yair Weiss, Antonio Torralba, Rob Fergus\nvenue: NIPS\nyear: 2008\n"
        "family: unsupervised\nformer_keys: [weiss2007spectral, weiss2008spectralhashing]\n---\n"
        "Codes from thresholded eigenfunctions of a graph Laplacian.\n")
    assert "former_keys: [gong2010iterative]\n" in (root / "papers/gong2011iterative.md").read_text(encoding="utf-8")
    assert "former_keys: [jegou2010product]\n" in (root / "papers/jegou2011product.md").read_text(encoding="utf-8")
    assert "former_keys" not in (root / "papers/kulis2009learning.md").read_text(encoding="utf-8")
    # The imported review builds, and every old paper address sends readers to the paper's page.
    result = build(root)
    assert result.written and {d.severity for d in result.diagnostics} == {"warning", "note"}  # no tags yet
    assert [d.code for d in result.diagnostics if d.severity == "note"] == ["feed-empty"]  # not a git clone
    moved = {p.parent.name: p.read_text(encoding="utf-8") for p in (root / "_site/publications").glob("*/index.html")
             if "This paper has moved" in p.read_text(encoding="utf-8")}
    assert {old: re.findall(r'content="0; url=\.\./\.\./publications/([a-z0-9]+)/"', page)
            for old, page in moved.items()} == {
        "weiss2007spectral": ["weiss2008spectral"], "weiss2008spectralhashing": ["weiss2008spectral"],
        "gong2010iterative": ["gong2011iterative"], "jegou2010product": ["jegou2011product"]}


CONFLICTS_REPORT = """\
l2h: imported 3 paper(s), skipped 1 already present, could not convert 0
skipped (already in the review, or earlier in the input):
  _publications/weiss2008spectral.markdown: same key and title as papers/weiss2008spectral.md
to check by hand:
  _publications/weiss2008spectral.markdown: its old address /publications/weiss2007spectral/ is not carried over, as it is skipped: replace the line former_keys: [jegou2011product] of papers/weiss2008spectral.md with former_keys: [jegou2011product, weiss2007spectral] if it must keep working
  papers/weiss2008spectral.md: former key "jegou2011product" is the key of papers/jegou2011product.md: its address cannot redirect here (remove it from former_keys, or, if that file is an old copy of this paper, delete that file)
  _publications/kulis2009learning.md: former key "gong2011iterative" is the key of papers/gong2011iterative.md: its address cannot redirect here (remove it from former_keys, or, if that file is an old copy of this paper, delete that file)
  _publications/kulis2009learning.md: former key "weiss2008spectral" is the key of papers/weiss2008spectral.md: its address cannot redirect here (remove it from former_keys, or, if that file is an old copy of this paper, delete that file)
  _publications/gong2011iterative.md: former key "gong2010iterative" is also claimed by papers/kulis2009learning.md (keep it on the one paper that had this key: an old address redirects to one page)
  _publications/kulis2009learning.md: former key "gong2010iterative" is also claimed by papers/gong2011iterative.md (keep it on the one paper that had this key: an old address redirects to one page)
"""


def test_jekyll_redirects_that_clash_are_listed_and_written_for_check_to_report(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A former key that is another paper's key, or that two papers claim: listed now, reported by `l2h check`."""
    review = SPECTRAL.replace("tags: [Image Retrieval]\n", "").replace("arxiv:", "former_keys: [jegou2011product]\narxiv:")
    root = site({"taxonomy.yml": FACETS_ONLY, "papers/weiss2008spectral.md": review})
    assert main(["import", "jekyll", str(FIXTURES / "jekyll-redirect-conflicts"), "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out == CONFLICTS_REPORT + "  all imported papers: set the required facets (family); `l2h check` lists each one\n"
    assert (root / "papers/weiss2008spectral.md").read_text(encoding="utf-8") == review  # never written over
    assert [(d.path, d.line, d.column, d.code) for d in check_site(root).diagnostics if d.code.startswith("former")] == [
        ("papers/gong2011iterative.md", 6, 15, "former-key-claimed"),
        ("papers/kulis2009learning.md", 6, 15, "former-key-taken"),
        ("papers/kulis2009learning.md", 6, 34, "former-key-claimed"),
        ("papers/kulis2009learning.md", 6, 53, "former-key-taken"),
        ("papers/weiss2008spectral.md", 7, 15, "former-key-taken")]


@pytest.mark.parametrize("config, note", [
    ("baseurl: [a\n", "cannot read the old site's baseurl (line 1: invalid YAML"),
    ("- a list\n", "cannot read the old site's baseurl (it holds a list, not settings)"),
    ("baseurl: ''\n", None),
])
def test_jekyll_redirects_are_read_from_the_root_when_the_baseurl_is_not_known(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, note: str | None) -> None:
    root = site({"taxonomy.yml": FACETS_ONLY})
    jekyll = tmp_path / "jek"
    shutil.copytree(FIXTURES / "jekyll-redirects/_publications", jekyll / "_publications")
    (jekyll / "_config.yml").write_text(config, encoding="utf-8")
    assert main(["import", "jekyll", str(jekyll), "--root", str(root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert (f"  _config.yml: {note}" in out) if note else "_config.yml" not in out
    assert ('  _publications/weiss2008spectral.markdown: redirect_from "/hashing/publications/weiss2008spectralhashing/'
            'index.html" is not carried over: l2h keeps only the old addresses of papers') in out


FIELDS_REPORT = """\
l2h: imported 3 paper(s), skipped 0 already present, could not convert 0
to check by hand:
  _publications/kulis2009learning.md: the paper gives both authors and author; author is ignored
  _publications/kulis2009learning.md: distinct_from names "kulis2009kernelized", which is not a paper of the review (remove it, or correct the key)
  all imported papers: set the required facets (family); `l2h check` lists each one
"""


def test_jekyll_added_and_distinct_from_are_carried_over_and_unknown_keys_listed(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """Every field l2h reads is written, or its loss listed; a title declared distinct is no duplicate."""
    review = SPECTRAL.replace("tags: [Image Retrieval]\n", "")
    root = site({"taxonomy.yml": FACETS_ONLY, "papers/weiss2008spectral.md": review})
    assert main(["import", "jekyll", str(FIXTURES / "jekyll-fields"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == FIELDS_REPORT
    assert (root / "papers/jegou2011product.md").read_text(encoding="utf-8") == (
        "---\ntitle: Product Quantization for Nearest Neighbor Search\nauthors: Hervé Jégou, Matthijs Douze, "
        "Cordelia Schmid\nvenue: TPAMI\nyear: 2011\nadded: 2019-05-31\ndistinct_from: [jegou2010product]\n---\n"
        "Vectors split into subvectors, each quantised with its own codebook.\n")
    assert (root / "papers/jegou2010product.md").read_text(encoding="utf-8").startswith(
        "---\ntitle: Product quantization for nearest-neighbor search\n")
    kulis = (root / "papers/kulis2009learning.md").read_text(encoding="utf-8")
    assert "authors: Brian Kulis, Trevor Darrell\n" in kulis
    assert "distinct_from: [weiss2008spectral, kulis2009kernelized]\n" in kulis
    # `l2h check` reads them as the Jekyll review meant them: two different papers, and one key to correct.
    result = check_site(root)
    assert [(d.path, d.line, d.column, d.code) for d in result.diagnostics
            if d.code in ("unknown-key", "duplicate-paper")] == [("papers/kulis2009learning.md", 6, 36, "unknown-key")]
    assert {p.key: p.added for p in result.papers}["jegou2011product"] == dt.date(2019, 5, 31)


TWINS = {
    "dubey2022vision.md": "title: Vision Transformer Hashing for Image Retrieval\nauthors: Shiv Ram Dubey\nvenue: ICME\n"
                          "year: 2022\narxiv: '2109.12564'\n",
    "dubey2021vision.md": "title: Vision Transformer Hashing for Image Retrieval (preprint)\nauthors: Shiv Ram Dubey\n"
                          "year: 2021\narxiv: '2109.12564'\nredirect_from: /publications/dubey2021vit/\n",
    "jegou2011product.md": "title: Product Quantization for Nearest Neighbor Search\nauthors: Hervé Jégou\n"
                           "journal: TPAMI\nyear: 2011\n",
    "jegou-pq-preprint.md": "title: Product quantization for nearest neighbor search\nauthors: Hervé Jégou\n"
                            "year: 2010\n",
    "gong2011iterative.md": "title: Iterative Quantization\nauthors: Yunchao Gong\nconference: CVPR\nyear: 2011\n",
    "gong2010iterative.md": "title: Iterative Quantization\nauthors: Yunchao Gong\nconference: arXiv\nyear: 2010\n",
    "kulis2009learning.md": "title: Binary Reconstructive Embeddings\nauthors: Brian Kulis\nconference: NIPS\n"
                            "year: 2009\nredirect_from: /publications/gong2010iterative/\n",
    "lee2020deep.md": "title: Deep Trees\nauthors: Ann Lee\nvenue: ICML\nyear: 2020\n",
    "lee2019deep.md": "title: Deep Trees\nauthors: Ann Lee\nyear: 2019\n",
    "weiss2007spectral.md": "title: Spectral Hashing (preprint)\nauthors: Yair Weiss\nyear: 2007\narxiv: '0801.0001'\n",
}
TWINS_REPORT = """\
l2h: imported 5 paper(s), skipped 5 already present, could not convert 0
skipped (already in the review, or earlier in the input):
  _publications/dubey2021vision.md: same arXiv id as _publications/dubey2022vision.md (imported as papers/dubey2022vision.md); its old addresses redirect there (former_keys: [dubey2021vision, dubey2021vit])
  _publications/gong2010iterative.md: same title as _publications/gong2011iterative.md (imported as papers/gong2011iterative.md)
  _publications/jegou-pq-preprint.md: same title as _publications/jegou2011product.md (imported as papers/jegou2011product.md)
  _publications/lee2019deep.md: same title as _publications/lee2020deep.md (imported as papers/lee2020deep.md)
  _publications/weiss2007spectral.md: same arXiv id as papers/weiss2008spectral.md
to check by hand:
  _publications/gong2010iterative.md: its old address /publications/gong2010iterative/ is not carried over to papers/gong2011iterative.md: papers/kulis2009learning.md lists it in former_keys
  _publications/jegou-pq-preprint.md: its old address /publications/jegou-pq-preprint/ is not carried over: "jegou-pq-preprint" is not a paper key (lowercase letters, a year and a word), which former_keys needs; redirect it on the web server if links to it must keep working
  _publications/lee2019deep.md: its old address /publications/lee2019deep/ is not carried over to papers/lee2020deep.md: it is the address of papers/lee2019deep.md
  _publications/weiss2007spectral.md: its old address /publications/weiss2007spectral/ is not carried over, as it is skipped: add the line former_keys: [weiss2007spectral] to papers/weiss2008spectral.md if it must keep working
"""


def test_the_address_of_a_skipped_twin_redirects_to_the_paper_kept_where_it_can(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A preprint skipped for its published version: its key and former keys become the kept paper's former keys,
    unless they are not keys, are another paper's address or are claimed; for a paper of the review, the line to
    write is listed."""
    lee = "---\ntitle: Deep Codes\nauthors: Ann Lee\nyear: 2019\nfamily: supervised\n---\nOther.\n"
    spectral = SPECTRAL.replace("tags: [Image Retrieval]\n", "")
    root = site({"taxonomy.yml": FACETS_ONLY, "papers/weiss2008spectral.md": spectral, "papers/lee2019deep.md": lee})
    pubs = tmp_path / "_publications"
    pubs.mkdir()
    for name, fields in TWINS.items():
        (pubs / name).write_text(f"---\n{fields}family: unsupervised\n---\nS.\n", encoding="utf-8")
    assert main(["import", "jekyll", str(pubs), "--root", str(root)]) == 0
    assert capsys.readouterr().out == TWINS_REPORT
    assert "former_keys: [dubey2021vision, dubey2021vit]\n" in (root / "papers/dubey2022vision.md").read_text(
        encoding="utf-8")
    written = {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "papers").iterdir())}
    assert [name for name, text in written.items() if "former_keys" in text] == [
        "dubey2022vision.md", "kulis2009learning.md"]
    assert written["weiss2008spectral.md"] == spectral and written["lee2019deep.md"] == lee  # never written over
    result = build(root)
    assert result.written and not [d for d in result.diagnostics if d.code.startswith("former")]
    moved = [p.parent.name for p in sorted((root / "_site/publications").glob("*/index.html"))
             if 'content="0; url=../../publications/dubey2022vision/"' in p.read_text(encoding="utf-8")]
    assert moved == ["dubey2021vision", "dubey2021vit"]


def test_jekyll_authors_split_into_pairs_by_a_yaml_list_are_listed(
        site: Site, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """authors: [Weiss, Yair, Torralba, Antonio] is imported as written (they may be four one-word names), and said."""
    root = site({"taxonomy.yml": FACETS_ONLY})
    pubs = tmp_path / "_publications"
    pubs.mkdir()
    (pubs / "weiss2008spectral.md").write_text(
        "---\ntitle: Spectral Hashing\nauthors: [Weiss, Yair, Torralba, Antonio]\nyear: 2008\nfamily: unsupervised\n"
        "---\nS.\n", encoding="utf-8")
    assert main(["import", "jekyll", str(pubs), "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert ('  _publications/weiss2008spectral.md: authors "Weiss", "Yair", "Torralba", "Antonio" look like 2 "Last, '
            'First" pairs split in two: l2h reads them as 4 authors\n') in out, out


def test_a_bibtex_field_without_its_comma_is_named_not_the_field_it_swallowed(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # the author line was read into the title: the entry had "no author"
    root = site({"refs.bib": "@article{lee2020hashing,\n  title = {Hashing Four}\n  Author = {Ann Lee},\n"
                             "  year = {2020}\n}\n@article{chen2021hashing,\n  title = {Hashing: a = b}\n  note = {x},\n"
                             "  author = {Bo Chen},\n  year = 2021\n}\n"})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 1
    assert capsys.readouterr().out == (
        "l2h: imported 0 paper(s), skipped 0 already present, could not convert 2\n"
        "not converted (fix and import again):\n"
        "  refs.bib entry lee2020hashing: the title field has no comma after it, so BibTeX reads the author field on "
        "the next line as part of the title: end the title line with a comma\n"
        "  refs.bib entry chen2021hashing: the title field has no comma after it, so BibTeX reads the note field on "
        "the next line as part of the title: end the title line with a comma\n")
    assert not (root / "papers").exists()


def test_a_repeated_key_or_field_and_a_year_that_is_no_year_are_named_as_such(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # "no year" for a year written wrong, and a repeated key "cannot parse the entry … (check that its braces { } and
    # quotes " are balanced)"
    root = site({"refs.bib": "@article{lee2020hashing, title={Hashing}, author={Ann Lee}, year={20x0}}\n"
                             "@article{chen2021codes, title={Codes}, author={Bo Chen}, year={2021}}\n"
                             "@article{chen2021codes, title={Other Codes}, author={Bo Chen}, year={2021}}\n"
                             "@article{kim2022trees, title={Trees}, year={2022}, author={Cy Kim}, year={2023}}\n"
                             "@article{ng2023, title={Graphs}}\n"})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root), "--dry-run"]) == 1
    assert capsys.readouterr().out == (
        "l2h: would import 1 paper(s), skipped 0 already present, could not convert 4\n"
        "not converted (fix and import again):\n"
        "  refs.bib line 3: the entry key chen2021codes is that of the entry at line 2: give each entry a key of its "
        "own, or delete the one that repeats the other\n"
        "  refs.bib line 4: the entry has the field year twice: keep the right one and delete the other\n"
        '  refs.bib entry lee2020hashing: the year "20x0" is no four-digit year\n'
        "  refs.bib entry ng2023: no author and no year\n")


@pytest.mark.parametrize("text", ["", "TY  - JOUR\nTI  - Hashing\nER  - \n"])
def test_a_bib_file_without_an_entry_is_a_usage_error(site: Site, capsys: pytest.CaptureFixture[str],
                                                      text: str) -> None:
    # an empty file or a RIS export: "imported 0 paper(s)", and exit 0
    root = site({"refs.bib": text})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"l2h: error: {root / 'refs.bib'} holds no BibTeX entry (@article{{key, …}}, @inproceedings{{key, …}}): give "
        "the BibTeX file exported from the reference manager\n")


def test_a_field_name_and_equals_sign_in_a_wrapped_abstract_is_text(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # a valid entry: the missing-comma check must not read a line of prose as a swallowed field
    root = site({"refs.bib": "@article{lee2020hashing,\n  title = {Hashing Four},\n  author = {Ann Lee},\n"
                             "  abstract = {We show that a logarithmic\n  number = log n of bits suffices.},\n"
                             "  year = {2020}\n}\n"})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out.startswith("l2h: imported 1 paper(s)")
    assert (root / "papers" / "lee2020hashing.md").is_file()


def test_a_bibtex_value_in_typographic_quotes_is_named_with_the_braces_to_write(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # it was imported with the quotes in its title, which `l2h check` then refused; in braces they are the title's
    root = site({"refs.bib": "@article{lee2020hashing,\n  title = \u201cHashing Four\u201d,\n  author = {Ann Lee},\n"
                             "  year = {2020}\n}\n"})
    assert main(["import", "bibtex", str(root / "refs.bib"), "--root", str(root)]) == 1
    assert capsys.readouterr().out == (
        "l2h: imported 0 paper(s), skipped 0 already present, could not convert 1\n"
        "not converted (fix and import again):\n"
        "  refs.bib entry lee2020hashing: the title field is in typographic quotes, \u201cHashing Four\u201d, which "
        "BibTeX does not read as quotes: write title = {Hashing Four}\n")
    assert not (root / "papers").exists()


QUOTED_FRONT_MATTER = {  # key: the front matter's first lines, as the quotes-free title and venue read
    "weiss2008spectral": "title: Spectral Hashing\nauthors: Yair Weiss, Antonio Torralba, Rob Fergus\n"
                         "venue: NeurIPS\nyear: 2008\n",
    "gong2013iterative": "title: Iterative Quantization\nauthors: Yunchao Gong, Svetlana Lazebnik\nvenue: TPAMI\n"
                         "year: 2013\n",
    "jegou2011product": "title: Product Quantization for Nearest Neighbor Search\n"
                        "authors: Herv\u00e9 J\u00e9gou, Matthijs Douze, Cordelia Schmid\nvenue: TPAMI\nyear: 2011\n",
    "norouzi2012hamming": "title: Hamming Distance Metric Learning\n"
                          "authors: Mohammad Norouzi, David J. Fleet, Ruslan Salakhutdinov\nvenue: NeurIPS\nyear: 2012\n",
    "lee2020dont": "title: Don\u2019t Hash Twice\nauthors: Ann Lee\nvenue: ICML\nyear: 2020\n",
    "roe2019curse": "title: The \u201cCurse\u201d of Dimensionality\nauthors: Jane Roe\nvenue: SIGIR\nyear: 2019\n",
    "poe2021deep": "title: \u201cDeep\u201d Hashing is \u201cHard\u201d\nauthors: Ed Poe\nvenue: \u2018SIGIR\u2019 Forum\n"
                   "year: 2021\n",
}


def test_bibtex_import_drops_quotes_that_wrap_a_whole_value_in_braces(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    # {“Spectral Hashing”} was imported with its quotes, which `l2h check` then refused; quotes within a title stay
    root = site({})
    assert main(["import", "bibtex", str(FIXTURES / "quoted-titles.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == "l2h: imported 7 paper(s), skipped 0 already present, could not convert 0\n"
    for key, lines in QUOTED_FRONT_MATTER.items():
        assert (root / f"papers/{key}.md").read_text(encoding="utf-8").startswith(f"---\n{lines}tags: [TODO]\n"), key
    assert not [d for d in check_site(root).diagnostics if d.code == "typographic-quotes"]


def test_bibtex_import_drops_quotes_that_wrap_an_authors_whole_name(site: Site, capsys: pytest.CaptureFixture[str],
                                                                   ) -> None:
    # “Yair Weiss” was imported with its quotes, which `l2h check` then refused; a nickname's quotes stay
    root = site({})
    assert main(["import", "bibtex", str(FIXTURES / "quoted-authors.bib"), "--root", str(root)]) == 0
    assert capsys.readouterr().out == "l2h: imported 2 paper(s), skipped 0 already present, could not convert 0\n"
    for key, authors in (("weiss2008spectral", "Yair Weiss, Antonio Torralba, Rob Fergus"),
                         ("gomez2020quoted", "Ana Gómez, Jan Müller, Svetlana Lazebnik, Joe “Bo” Smith")):
        assert f"\nauthors: {authors}\n" in (root / f"papers/{key}.md").read_text(encoding="utf-8"), key
