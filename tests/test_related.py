"""Related papers and the topic map: deterministic, robust to empty text and tiny corpora."""

from __future__ import annotations

from l2h_site.model import Paper
from l2h_site.related import related_papers
from l2h_site.stats import bar_chart, papers_per_year, review_stats, top_counts, topic_map


def paper(key: str, title: str, summary: str = "", tags: tuple[str, ...] = (), family: str = "supervised",
          year: int = 2010) -> Paper:
    """Make a small paper."""
    return Paper(key=key, source=f"papers/{key}.md", title=title, authors=("A B",), year=year, tags=tags,
                 facets={"family": (family,)}, summary=summary)


CORPUS = [
    paper("pq", "Product quantization", "codebooks subvectors quantization distances", ("Quantisation",), "quantisation"),
    paper("opq", "Optimized product quantization", "rotation codebooks quantization", ("Quantisation",), "quantisation"),
    paper("lsq", "Local search quantization", "additive codebooks quantization", ("Quantisation",), "quantisation"),
    paper("hnsw", "Hierarchical navigable small world graphs", "proximity graph layers greedy search", (), "graph"),
    paper("nsg", "Navigating spreading-out graph", "proximity graph greedy search", (), "graph"),
    paper("sh", "Spectral hashing", "eigenfunctions laplacian binary codes", ("Image Retrieval",), "unsupervised"),
    paper("empty", "Cross-modal hashing", "", (), "supervised"),
]


def test_related_papers_are_the_similar_ones_most_similar_first() -> None:
    related = related_papers(CORPUS)
    assert related["pq"][:2] == ("opq", "lsq")
    assert related["hnsw"][0] == "nsg"
    assert "pq" not in related["pq"]
    assert all(len(keys) <= 5 for keys in related.values())


def test_related_papers_are_deterministic_whatever_the_input_order() -> None:
    assert related_papers(CORPUS) == related_papers(list(reversed(CORPUS))) == related_papers(CORPUS)


def test_a_paper_with_an_empty_summary_still_gets_related_papers() -> None:
    related = related_papers(CORPUS)
    assert set(related) == {p.key for p in CORPUS}
    assert "sh" in related["empty"]  # shares the word "hashing" of the title


def test_a_corpus_of_one_paper_or_none_has_no_related_papers() -> None:
    assert related_papers([CORPUS[0]]) == {"pq": ()}
    assert related_papers([]) == {}


def test_papers_of_only_stop_words_have_no_related_papers() -> None:
    corpus = [paper("a", "The", tags=(), family="x"), paper("b", "And", tags=(), family="y")]
    corpus = [Paper(key=p.key, source=p.source, title=p.title, authors=p.authors, year=p.year) for p in corpus]
    assert related_papers(corpus) == {"a": (), "b": ()}


def test_topic_map_is_deterministic_and_inside_the_unit_square() -> None:
    first = topic_map(CORPUS)
    assert first == topic_map(list(reversed(CORPUS)))
    assert [p.key for p in first] == sorted(p.key for p in CORPUS)
    assert all(0 <= p.x <= 1 and 0 <= p.y <= 1 for p in first)


def test_topic_map_of_tiny_corpora() -> None:
    assert topic_map([]) == ()
    only = topic_map([CORPUS[0]])
    assert len(only) == 1 and (only[0].x, only[0].y) == (0.5, 0.5)
    assert len(topic_map(CORPUS[:3])) == 3


def test_stats_count_years_values_and_tags() -> None:
    corpus = [paper("a", "A", year=2008), paper("b", "B", year=2010, tags=("X", "Y")), paper("c", "C", year=2010,
                                                                                          tags=("Y",))]
    assert papers_per_year(corpus) == [("2008", 1), ("2009", 0), ("2010", 2)]
    assert top_counts(["b", "a", "b"]) == [("b", 2), ("a", 1)]
    stats = review_stats(corpus)
    assert stats.tags == [("Y", 2), ("X", 1)]
    assert stats.facets == {"family": [("supervised", 3)]}
    chart = bar_chart(papers_per_year(corpus), width=300, height=100)
    assert [b.height for b in chart.bars] == [50.0, 0.0, 100.0]
    assert chart.maximum == 2
    assert bar_chart([]).bars == ()


def test_two_papers_sharing_words_are_related_to_each_other() -> None:
    assert related_papers(CORPUS[:2]) == {"opq": ("pq",), "pq": ("opq",)}


def test_ties_are_broken_by_key() -> None:
    twins = [paper(k, "Same title", "same summary") for k in ("c", "a", "b")]
    assert related_papers(twins, count=1) == {"a": ("b",), "b": ("a",), "c": ("a",)}
