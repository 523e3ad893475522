"""Related papers and the topic map computed in a child process: the same results, and a fallback."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_related import CORPUS, paper

from l2h_site import corpus
from l2h_site.cache import BuildCache
from l2h_site.corpus import CorpusWide
from l2h_site.related import related_papers
from l2h_site.stats import topic_map

REPO = Path(__file__).resolve().parent.parent
PAPERS = CORPUS + [paper(f"extra{i}", f"Hashing study {i}", f"binary codes graph {i % 3} quantization {i % 5}")
                   for i in range(12)]


def test_the_child_process_gives_the_results_of_the_build_process() -> None:
    in_child = CorpusWide(PAPERS, separate=True)
    assert in_child._child is not None
    related, points = in_child.result()
    assert (related, points) == CorpusWide(PAPERS, separate=False).result()
    assert related == related_papers(PAPERS) and points == topic_map(PAPERS)


def test_what_a_library_prints_in_the_child_does_not_spoil_its_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "_CHILD", corpus._CHILD.replace("from l2h_site.corpus import compute; ",
                                                                "from l2h_site.corpus import compute; print('chatter'); "))
    child = CorpusWide(PAPERS, separate=True)
    assert child._child is not None
    found = corpus._finish(child._child)
    assert found is not None and found[0] == related_papers(PAPERS)


@pytest.mark.parametrize("breakage", ["child fails", "no interpreter"])
def test_a_failed_child_is_replaced_by_the_work_in_process(monkeypatch: pytest.MonkeyPatch, breakage: str) -> None:
    if breakage == "child fails":
        monkeypatch.setattr(corpus, "_CHILD", "import sys; sys.stdin.buffer.read(); sys.exit(3)")
    else:
        monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert CorpusWide(PAPERS, separate=True).result() == (related_papers(PAPERS), topic_map(PAPERS))


def test_the_topic_map_comes_from_the_cache_and_is_not_computed_again(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    first = CorpusWide(PAPERS, cache, separate=True)
    assert first.topic_map is None
    expected = first.result()
    again = CorpusWide(PAPERS, cache, separate=False)
    assert again.topic_map == expected[1]
    monkeypatch.setattr("l2h_site.corpus.compute_topic_map", lambda *_: pytest.fail("the map was computed again"))
    assert again.result() == expected


def test_related_papers_come_from_the_cache_and_are_not_computed_again(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    expected = CorpusWide(PAPERS, cache, separate=True).result()
    again = CorpusWide(PAPERS, cache, separate=True)
    assert again.related == expected[0] and again.topic_map == expected[1]
    assert again._child is None, "with both results in the cache, no child is started"
    monkeypatch.setattr("l2h_site.corpus.compute", lambda *_: pytest.fail("something was computed again"))
    assert again.result() == expected
    edited = [dataclasses.replace(PAPERS[0], summary=PAPERS[0].summary + " graph")] + PAPERS[1:]
    assert CorpusWide(edited, cache).related is None, "an edited document misses the cache"
    renamed = [dataclasses.replace(PAPERS[0], venue="Another Venue")] + PAPERS[1:]
    assert CorpusWide(renamed, cache).related == expected[0], "a field TF-IDF does not read hits it"


def test_an_edit_tf_idf_does_not_read_loads_no_scikit_learn(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    script = ("import sys; from pathlib import Path; from l2h_site.build import build; "
              "result = build(Path(sys.argv[1])); print(result.written, 'sklearn' in sys.modules)")

    def build_in_a_new_process() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=False,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert build_in_a_new_process() == ["True", "True"]  # a small review: computed in the build process
    paper = next(p for p in sorted((root / "papers").iterdir()) if "\nvenue: " in p.read_text())
    paper.write_text(re.sub(r"\nvenue: [^\n]*", "\nvenue: Another Venue", paper.read_text(), count=1))
    assert build_in_a_new_process() == ["True", "False"]
    paper.write_text(paper.read_text() + "\nA new sentence with new words: flamingo.\n")
    assert build_in_a_new_process() == ["True", "True"]


def golden_review(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    shutil.copytree(REPO / "tests" / "sites" / "golden" / "papers", root / "papers")
    shutil.copy(REPO / "tests" / "sites" / "golden" / "taxonomy.yml", root)
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "l2h.yml").write_text("title: Golden Review\nbase_url: https://golden.example.org/review/\nsearch: false\n")
    return root


def test_a_large_build_never_loads_scikit_learn_in_the_build_process(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    script = ("import sys; from pathlib import Path; from l2h_site.build import build; "
              "result = build(Path(sys.argv[1])); print(result.written, len(result.context.related), "
              "'sklearn' in sys.modules, 'scipy' in sys.modules)")
    env = {**os.environ, "L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": "2"}  # a "large" review: the child is used
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    written, count, sklearn, scipy = done.stdout.split()
    assert (written, count, sklearn, scipy) == ("True", str(len(list((root / "papers").iterdir()))), "False", "False")
