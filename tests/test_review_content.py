"""The review itself: every paper builds clean, no paper twice, every taxonomy term in use."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from l2h_site.build import CheckResult, check_site
from l2h_site.textutil import venue_form
from l2h_site.validate import normalise_title, venue_names

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def review() -> CheckResult:
    return check_site(REPO)


def test_every_paper_is_clean_under_strict(review: CheckResult) -> None:
    problems = [d for d in review.diagnostics if d.severity != "note"]
    assert problems == [], "\n".join(f"{d.path}:{d.line}: {d.code}: {d.message}" for d in problems)
    files = [p for p in (REPO / "papers").iterdir() if p.suffix in (".md", ".markdown")]
    assert len(review.papers) == len(files) >= 150


def test_no_two_papers_share_an_identifier_or_title(review: CheckResult) -> None:
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper in review.papers:
        if paper.arxiv:
            seen[("arxiv", re.sub(r"v\d+$", "", paper.arxiv))].append(paper.key)
        if paper.doi:
            seen[("doi", paper.doi.lower())].append(paper.key)
        seen[("title", normalise_title(paper.title))].append(paper.key)
    shared = {k: v for k, v in seen.items() if len(v) > 1}
    declared = {frozenset((p.key, o)) for p in review.papers for o in p.distinct_from}
    shared = {k: v for k, v in shared.items() if not (k[0] == "title" and frozenset(v) in declared)}
    assert shared == {}


def test_every_tag_is_used_by_at_least_two_papers(review: CheckResult) -> None:
    usage = Counter(tag for paper in review.papers for tag in paper.tags)
    assert {t.name: usage[t.name] for t in review.taxonomy.tags if usage[t.name] < 2} == {}


def test_every_facet_value_is_used_and_required_facets_cover_every_paper(review: CheckResult) -> None:
    for facet in review.taxonomy.facets:
        usage = Counter(v for paper in review.papers for v in paper.facets.get(facet.id, ()))
        assert [v.id for v in facet.values if not usage[v.id]] == [], facet.id
        if facet.required:
            assert [p.key for p in review.papers if not p.facets.get(facet.id)] == [], facet.id


def test_the_review_spans_the_field(review: CheckResult) -> None:
    years = [p.year for p in review.papers]
    assert min(years) <= 1998 and max(years) >= 2022
    for key in ("indyk1998approximate", "datar2004locality", "charikar2002similarity", "weiss2008spectral",
                "gong2011iterative", "kulis2009kernelized", "salakhutdinov2009semantic", "jegou2011product",
                "ge2013optimized", "malkov2020efficient", "subramanya2019diskann", "johnson2021billion",
                "norouzi2012fast", "kraska2018case", "cao2017hashnet", "jiang2017deep", "guo2020accelerating"):
        assert any(p.key == key for p in review.papers), key


@pytest.mark.parametrize("written, venue", [
    ("NIPS", "NeurIPS"), ("Advances in Neural Information Processing Systems", "NeurIPS"), ("PAMI", "TPAMI"),
    ("IEEE TPAMI", "TPAMI"), ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "TPAMI"),
    ("PVLDB", "VLDB"), ("Proceedings of the VLDB Endowment", "VLDB"), ("CoRR", "arXiv"), ("Neurips", "NeurIPS"),
])
def test_the_review_reads_a_venue_s_common_other_names_as_the_venue(
        review: CheckResult, written: str, venue: str) -> None:
    # each paper's venue is one of the papers page's filters: "NIPS" beside "NeurIPS" was a venue of its own
    assert venue_names(review.taxonomy)[venue_form(written)] == venue
    assert {paper.venue for paper in review.papers} >= {"NeurIPS", "TPAMI", "VLDB", "arXiv"}
