"""Related papers and the topic map: deterministic, robust to empty text and tiny corpora."""

from __future__ import annotations

import dataclasses

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


def test_stats_count_each_facet_over_the_papers_that_have_it() -> None:
    corpus = [dataclasses.replace(paper("a", "A"), facets={"modality": ("text", "image"), "family": ("graph",)}),
              dataclasses.replace(paper("b", "B"), facets={"family": ("graph",)}),
              dataclasses.replace(paper("c", "C"), facets={"modality": ("image",), "code": ()})]
    assert review_stats(corpus).facets == {"code": [], "family": [("graph", 2)],
                                           "modality": [("image", 2), ("text", 1)]}


def test_two_papers_sharing_words_are_related_to_each_other() -> None:
    assert related_papers(CORPUS[:2]) == {"opq": ("pq",), "pq": ("opq",)}


def test_ties_are_broken_by_key() -> None:
    twins = [paper(k, "Same title", "same summary") for k in ("c", "a", "b")]
    assert related_papers(twins, count=1) == {"a": ("b",), "b": ("a",), "c": ("a",)}


def _generated_corpus(n: int, seed: int = 3) -> list[Paper]:
    """Papers drawing words from a skewed vocabulary, so that some words are common and many rare."""
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{i}x" for i in range(400)]
    weights = [1.0 / (i + 1) for i in range(len(vocabulary))]
    return [paper(f"p{i:04d}", " ".join(rng.choices(vocabulary, weights, k=3)),
                  " ".join(rng.choices(vocabulary, weights, k=rng.randint(0, 30))),
                  family=rng.choice(["supervised", "unsupervised", "graph"])) for i in range(n)]


def _brute_force(papers: list[Paper], count: int = 5) -> dict[str, tuple[str, ...]]:
    """Rank every pair by its rounded cosine score, then by key: the definition related_papers implements."""
    import numpy as np

    from l2h_site.vectors import PaperVectors

    vectors = PaperVectors(papers)
    dense = vectors.matrix.toarray()
    scores = np.round((dense @ dense.T).astype(np.float64), 6)
    result = {}
    for i, key in enumerate(vectors.keys):
        ranked = sorted((j for j in range(len(papers)) if j != i and scores[i, j] > 0), key=lambda j: (-scores[i, j], j))
        result[key] = tuple(vectors.keys[j] for j in ranked[:count])
    return result


def test_blocked_split_computation_equals_the_brute_force_ranking(monkeypatch: object) -> None:
    from l2h_site import related

    corpus = _generated_corpus(300)
    expected = _brute_force(corpus)
    assert related_papers(corpus) == expected
    # Few dense columns (the rest through the sparse product), small blocks, and short chunks.
    monkeypatch.setattr(related, "DENSE_BYTES", 4 * 300 * 8)  # type: ignore[attr-defined]
    monkeypatch.setattr(related, "BLOCK_BYTES", 4 * 300 * 37)  # type: ignore[attr-defined]
    monkeypatch.setattr(related, "CHUNK", 4)  # type: ignore[attr-defined]
    assert related_papers(corpus) == expected
    assert related_papers(corpus, count=1) == {key: keys[:1] for key, keys in expected.items()}
    assert sum(1 for keys in expected.values() if len(keys) == 5) > 250


def test_related_papers_accept_shared_vectors() -> None:
    from l2h_site.vectors import PaperVectors

    vectors = PaperVectors(CORPUS)
    assert related_papers(CORPUS, vectors=vectors) == related_papers(CORPUS)
    assert topic_map(CORPUS, vectors=vectors) == topic_map(CORPUS)


def test_papers_of_one_family_lie_closer_on_the_map_than_random_pairs(monkeypatch: object) -> None:
    import random
    from itertools import combinations

    from l2h_site import stats

    rng = random.Random(5)
    words = {"quantisation": ["codebook", "subvector", "residual", "lookup", "centroid", "additive"],
             "graph": ["proximity", "greedy", "navigable", "edges", "neighbourhood", "layers"],
             "unsupervised": ["spectral", "laplacian", "eigenfunction", "threshold", "manifold", "bits"]}
    shared = ["retrieval", "search", "binary", "large", "scale", "method", "results", "benchmark"]
    corpus = [paper(f"p{i:03d}", f"{rng.choice(words[family]).title()} method {i}",
                    " ".join(rng.choices(words[family], k=6) + rng.choices(shared, k=6)), family=family)
              for i, family in enumerate(rng.choices(sorted(words), k=90))]
    family = {p.key: p.facets["family"][0] for p in corpus}

    def mean_distances(points: tuple[stats.MapPoint, ...]) -> tuple[float, float]:
        same, every = [], []
        for a, b in combinations(points, 2):
            d = ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5
            every.append(d)
            if family[a.key] == family[b.key]:
                same.append(d)
        return sum(same) / len(same), sum(every) / len(every)

    same, every = mean_distances(topic_map(corpus))
    assert same < 0.6 * every
    monkeypatch.setattr(stats, "LANDMARKS", 30)  # type: ignore[attr-defined]
    sampled = topic_map(corpus)
    assert sampled == topic_map(list(reversed(corpus)))
    same, every = mean_distances(sampled)
    assert same < 0.6 * every


def _count_t_sne_runs(monkeypatch: object) -> list[int]:
    """Count the runs of scikit-learn's t-SNE from now on: a list that grows by one each run."""
    from sklearn.manifold import TSNE

    runs: list[int] = []
    fit = TSNE.fit_transform

    def counted(self: TSNE, points: object, *args: object, **kwargs: object) -> object:
        runs.append(1)
        return fit(self, points, *args, **kwargs)

    monkeypatch.setattr(TSNE, "fit_transform", counted)  # type: ignore[attr-defined]
    return runs


def test_editing_a_paper_that_is_no_landmark_keeps_the_landmarks_t_sne(monkeypatch: object) -> None:
    """Above LANDMARKS papers, t-SNE places the landmarks from their own TF-IDF, so an edit of any other paper gives
    t-SNE the very same input, and a process that builds again (l2h serve's child) reuses its last result. The map
    is the same as one computed afresh."""
    import dataclasses

    from l2h_site import stats
    from l2h_site.vectors import PaperVectors

    monkeypatch.setattr(stats, "LANDMARKS", 12)  # type: ignore[attr-defined]
    topics = ["binary codes hamming spectral graph", "product quantisation codebook subvector lookup",
              "proximity graph greedy search neighbours", "learned index model positions keys"]
    papers = [paper(f"p{i:03d}", f"Method {i}", f"{topics[i % 4]} variant{i} words{i % 7}") for i in range(40)]
    fits = _count_t_sne_runs(monkeypatch)
    keys = sorted(p.key for p in papers)
    landmarks = {keys[i] for i in stats.landmark_rows(keys)}
    assert len(landmarks) == 12 and stats.landmark_rows(keys) == stats.landmark_rows(keys)

    def afresh(corpus: list[Paper]) -> tuple[stats.MapPoint, ...]:
        stats._LAST_TSNE.clear()
        mapped: tuple[stats.MapPoint, ...] = stats._compute_map(PaperVectors(corpus), 0)
        return mapped

    first = afresh(papers)
    assert len(fits) == 1
    other = next(i for i, p in enumerate(papers) if p.key not in landmarks)
    edited = [dataclasses.replace(p, summary=p.summary + " rotation codes") if i == other else p
              for i, p in enumerate(papers)]
    again = stats._compute_map(PaperVectors(edited), 0)
    assert len(fits) == 1, "t-SNE ran again for an edit of a paper that is no landmark"
    assert again != first and again == afresh(edited) and len(fits) == 2
    one = next(i for i, p in enumerate(papers) if p.key in landmarks)
    moved = [dataclasses.replace(p, summary=p.summary + " rotation codes") if i == one else p
             for i, p in enumerate(edited)]
    stats._compute_map(PaperVectors(moved), 0)
    assert len(fits) == 3, "an edit of a landmark is a new t-SNE"


def test_t_sne_is_kept_in_the_cache_in_its_own_type_and_a_damaged_entry_is_computed_again(
        tmp_path: object, monkeypatch: object) -> None:
    """The next l2h build (a new process) finds the t-SNE of unchanged landmarks in the cache: the same map, byte for
    byte, without running t-SNE; a garbled entry is computed again."""
    import json
    from pathlib import Path

    from l2h_site import stats
    from l2h_site.cache import BuildCache
    from l2h_site.vectors import PaperVectors

    assert isinstance(tmp_path, Path)
    cache = BuildCache(tmp_path)
    fits = _count_t_sne_runs(monkeypatch)
    topics = ["binary codes hamming spectral graph", "product quantisation codebook subvector lookup",
              "proximity graph greedy search neighbours", "learned index model positions keys"]
    papers = [paper(f"p{i:03d}", f"Method {i}", f"{topics[i % 4]} variant{i} words{i % 7}") for i in range(30)]
    stats._LAST_TSNE.clear()
    first = stats.compute_topic_map(PaperVectors(papers), 0, cache)
    stats._LAST_TSNE.clear()  # as in a new process
    assert stats.compute_topic_map(PaperVectors(papers), 0, cache) == first and len(fits) == 1
    stats._LAST_TSNE.clear()
    assert stats.compute_topic_map(PaperVectors(papers), 0) == first and len(fits) == 2  # no cache: t-SNE again
    entries = list((tmp_path / ".l2h-cache" / "t-sne").glob("*.json"))
    assert len(entries) == 1 and json.loads(entries[0].read_text())["dtype"] == "float32"
    for garbled in ('{"dtype": "float32", "points": [[1, 2]]}', '{"points": "x"}', "[]", "{"):
        entries[0].write_text(garbled)
        stats._LAST_TSNE.clear()
        fits.clear()
        assert stats.compute_topic_map(PaperVectors(papers), 0, cache) == first and len(fits) == 1
