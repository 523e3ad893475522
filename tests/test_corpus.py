"""Related papers and the topic map computed in a child process: the same results, and a fallback."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from test_related import CORPUS, paper

from l2h_site import corpus
from l2h_site.cache import BuildCache
from l2h_site.corpus import CorpusWide, WarmChild
from l2h_site.model import Paper
from l2h_site.related import related_papers
from l2h_site.stats import topic_map
from l2h_site.vectors import PaperVectors

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
    monkeypatch.setattr(corpus, "_CHILD", corpus._CHILD.replace("from l2h_site.corpus import run_jobs; ",
                                                                "from l2h_site.corpus import run_jobs; print('chatter'); "))
    child = CorpusWide(PAPERS, separate=True)
    assert child._child is not None
    assert child._child.result("related") == related_papers(PAPERS)
    assert child._child.result("map") == topic_map(PAPERS)


def test_related_papers_arrive_before_the_topic_map_is_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build renders the paper pages while the child still computes the topic map."""
    monkeypatch.setattr(corpus, "_CHILD", corpus._CHILD.replace(
        "from l2h_site.corpus import run_jobs; ",
        "from l2h_site.corpus import run_jobs; import l2h_site.corpus as c, time; "
        "c.compute_topic_map = lambda v, s, f=c.compute_topic_map: (time.sleep(60), f(v, s))[1]; "))
    work = CorpusWide(PAPERS, separate=True)
    child = work._child
    assert child is not None
    assert work.related() == related_papers(PAPERS)
    assert child.process.poll() is None, "the child is still computing the topic map"
    work.close()
    assert child.process.poll() is not None and not os.path.exists(child.folder.name), "closed: stopped, files gone"
    assert work.topic_map() == topic_map(PAPERS), "a result the closed child did not give is computed in-process"


def test_the_child_lets_go_of_the_documents_once_the_matrix_is_made(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = PaperVectors(PAPERS)
    job = {"keys": vectors.keys, "documents": vectors.documents, "wanted": corpus.RESULTS, "seed": 0,
           "folder": str(tmp_path), "number": 7}
    held = []

    def related_noting_the_documents(papers: Sequence[Paper], vectors: PaperVectors) -> dict[str, tuple[str, ...]]:
        held.append(vectors._documents)
        found: dict[str, tuple[str, ...]] = related_papers(papers, vectors=vectors)
        return found

    monkeypatch.setattr(corpus, "related_papers", related_noting_the_documents)
    out = io.BytesIO()
    corpus.run_job(job, out)
    assert "documents" not in job  # 25 MB at 20,000 papers, not held while the topic map is computed
    assert held == [()], "nor while related papers are: an edit build at 20,000 papers peaked then"
    assert out.getvalue() == b"7 related\n7 map\n"
    assert pickle.loads((tmp_path / "related").read_bytes()) == related_papers(PAPERS)
    assert pickle.loads((tmp_path / "map").read_bytes()) == topic_map(PAPERS)


def test_the_child_leaves_nothing_behind() -> None:
    work = CorpusWide(PAPERS, separate=True)
    child = work._child
    assert child is not None
    assert work.result() == (related_papers(PAPERS), topic_map(PAPERS))
    assert work._child is None and child.process.returncode is not None and not os.path.exists(child.folder.name)


@pytest.mark.parametrize("breakage", ["child fails", "no interpreter"])
def test_a_failed_child_is_replaced_by_the_work_in_process(monkeypatch: pytest.MonkeyPatch, breakage: str) -> None:
    if breakage == "child fails":
        monkeypatch.setattr(corpus, "_CHILD", "import sys; sys.stdin.buffer.read(); sys.exit(3)")
    else:
        monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    work = CorpusWide(PAPERS, separate=True)
    # the documents went to the child, and this process let go of them: the work in process makes them again
    assert (work.vectors._documents is None) == (breakage == "child fails")
    assert work.result() == (related_papers(PAPERS), topic_map(PAPERS))


def test_the_topic_map_comes_from_the_cache_and_is_not_computed_again(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    first = CorpusWide(PAPERS, cache, separate=True)
    assert first.stored_map is None
    expected = first.result()
    again = CorpusWide(PAPERS, cache, separate=False)
    assert again.stored_map == expected[1]
    monkeypatch.setattr("l2h_site.corpus.compute_topic_map", lambda *_: pytest.fail("the map was computed again"))
    assert again.result() == expected


def test_related_papers_come_from_the_cache_and_are_not_computed_again(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    expected = CorpusWide(PAPERS, cache, separate=True).result()
    again = CorpusWide(PAPERS, cache, separate=True)
    assert again.stored_related == expected[0] and again.stored_map == expected[1]
    assert again._child is None, "with both results in the cache, no child is started"
    for name in ("related_papers", "compute_topic_map"):
        monkeypatch.setattr(f"l2h_site.corpus.{name}", lambda *_, **__: pytest.fail("something was computed again"))
    assert again.result() == expected
    edited = [dataclasses.replace(PAPERS[0], summary=PAPERS[0].summary + " graph")] + PAPERS[1:]
    assert CorpusWide(edited, cache, separate=False).stored_related is None, "an edited document misses the cache"
    renamed = [dataclasses.replace(PAPERS[0], venue="Another Venue")] + PAPERS[1:]
    assert CorpusWide(renamed, cache).stored_related == expected[0], "a field TF-IDF does not read hits it"


def test_related_papers_name_the_papers_own_key_strings(tmp_path: Path) -> None:
    """From the child's pickle or the cache's JSON alike, each related paper is the paper's own key string, not a new
    string for each time a key is listed (9 MB held through a build of 20,000 papers)."""
    own = {id(p.key) for p in PAPERS}
    cache = BuildCache(tmp_path)
    from_child = CorpusWide(PAPERS, cache, separate=True)
    assert from_child._child is not None
    from_child.result()
    from_cache = CorpusWide(PAPERS, cache, separate=True)
    assert from_cache._child is None and from_cache.stored_related is not None
    for related in (from_child.related(), from_cache.related()):
        listed = [key for keys in related.values() for key in keys] + list(related)
        assert len(listed) > len(PAPERS) and {id(key) for key in listed} <= own


def test_an_edit_tf_idf_does_not_read_loads_no_scikit_learn(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    script = ("import sys; from pathlib import Path; from l2h_site.build import build; "
              "result = build(Path(sys.argv[1])); print(result.written, 'sklearn' in sys.modules)")

    def build_in_a_new_process() -> list[str]:
        env = {**os.environ, "L2H_JOBS": "1"}  # one core: computed in the build process, where the test sees it
        done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=False,
                              env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert build_in_a_new_process() == ["True", "True"]
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


@pytest.mark.parametrize("threshold", ["2", "1500"], ids=["large", "small"])
def test_a_build_on_two_cores_never_loads_scikit_learn_in_the_build_process(tmp_path: Path, threshold: str) -> None:
    # nor NumPy, which only computing related papers and the topic map needs (0.08 s of every process's start-up)
    root = golden_review(tmp_path)
    script = ("import sys; from pathlib import Path; from l2h_site.build import build; "
              "result = build(Path(sys.argv[1])); print(result.written, len(result.context.related), "
              "'sklearn' in sys.modules, 'scipy' in sys.modules, 'numpy' in sys.modules)")
    env = {**os.environ, "L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": threshold}  # pages in a worker pool or not
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, env=env,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    written, count, *loaded = done.stdout.split()
    assert (written, count) == ("True", str(len(list((root / "papers").iterdir()))))
    assert loaded == ["False", "False", "False"]


def test_the_command_line_and_a_check_never_load_numpy(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    script = ("import sys; from pathlib import Path; import l2h_site.cli; from l2h_site.build import check_site; "
              "result = check_site(Path(sys.argv[1]), summaries=lambda _: True); "
              "print(len(result.papers), 'numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(list((root / "papers").iterdir()))), "False"]


_LAZY = ("markdown", "latex2mathml", "bibtexparser", "urllib.request")
"""Libraries that l2h imports only where it uses them: Markdown and latex2mathml to render a summary or a title with
math, bibtexparser to read BibTeX, urllib.request to fetch metadata (l2h new)."""


def _loaded_by(root: Path, *args: str) -> tuple[int, set[str]]:
    """Run an l2h command in a fresh process; return its exit code and which of _LAZY it loaded."""
    script = ("import sys; from l2h_site.cli import main; code = main(sys.argv[1:]); "
              f"print(code, *[name for name in {_LAZY!r} if name in sys.modules], file=sys.__stderr__)")
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=False,
                          timeout=300, cwd=root)
    code, *loaded = done.stderr.splitlines()[-1].split()
    return int(code), set(loaded)


def test_an_unchanged_build_and_the_version_load_no_markdown_and_only_bibtex_input_loads_bibtexparser(
        tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    assert _loaded_by(root, "--version") == (0, set())
    rendering = {"markdown", "latex2mathml"}
    code, loaded = _loaded_by(root, "build", "--quiet")  # the first renders every summary, and titles with math
    assert code == 0 and rendering <= loaded and "bibtexparser" not in loaded
    assert _loaded_by(root, "build", "--quiet") == (0, set())  # the next takes them all from its memo
    paper = root / "papers" / "weiss2008spectral.md"
    paper.write_text(paper.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    code, loaded = _loaded_by(root, "build", "--quiet")
    assert code == 0 and rendering <= loaded and "bibtexparser" not in loaded
    # a check renders the summaries it reports on, unless the last build's memo has them
    assert _loaded_by(root, "check", "papers/weiss2008spectral.md") == (0, set())
    paper.write_text(paper.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    code, loaded = _loaded_by(root, "check", "papers/weiss2008spectral.md")
    assert code == 0 and rendering <= loaded and "bibtexparser" not in loaded
    (tmp_path / "refs.bib").write_text("@article{lee2020codes, title = {Short Codes}, author = {Lee, Ann}, "
                                       "year = {2020}}\n", encoding="utf-8")
    code, loaded = _loaded_by(root, "import", "bibtex", "--dry-run", str(tmp_path / "refs.bib"))
    assert code == 0 and "bibtexparser" in loaded


_RECORD_WAITS = """
import json, sys, threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from l2h_site import render
from l2h_site.build import build
from l2h_site.corpus import CorpusWide

events = []

def recorded(name, func):
    def wrapper(*args, **kwargs):
        events.append(name)
        return func(*args, **kwargs)
    return wrapper

CorpusWide.related = recorded("related", CorpusWide.related)
CorpusWide.topic_map = recorded("map", CorpusWide.topic_map)
render.index_search = recorded("search", render.index_search)
many = render._Renderer.many
render._Renderer.many = lambda self, jobs: (events.extend(job[0] for job in jobs), many(self, jobs))[1]
if sys.argv[2] == "threads":  # as in l2h serve: a second thread, so no worker pool
    threading.Thread(target=threading.Event().wait, daemon=True).start()
result = build(Path(sys.argv[1]), write=False)
print(json.dumps({"errors": sum(d.severity == "error" for d in result.check.diagnostics), "events": events}))
"""
"""Build a review in a fresh process (only a single-threaded one uses a worker pool) and print, in order, the
pages rendered and when the build waited for related papers, the topic map and the search index."""


@pytest.mark.parametrize("size", ["small", "large, pool", "large, threads"])
def test_the_build_waits_for_each_result_only_where_a_page_needs_it(tmp_path: Path, size: str) -> None:
    """Related papers just before the paper pages, the topic map after them: the child works meanwhile.

    In a small review the search index is built before the topic map is waited for; in a large one
    after, so that Pagefind and the child never hold their memory at the same time. A large review whose
    pages a worker pool renders waits for both before any page, so that the pool's workers and the child
    do not either; l2h serve's rebuilds (a second thread: no pool) wait where the pages need them.
    """
    root = golden_review(tmp_path)
    (root / "l2h.yml").write_text("title: Golden Review\nbase_url: https://golden.example.org/review/\n")
    env = {**os.environ, "L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": "2" if size.startswith("large") else "1500"}
    done = subprocess.run([sys.executable, "-c", _RECORD_WAITS, str(root), size.split(", ")[-1]], capture_output=True,
                          text=True, env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    recorded = json.loads(done.stdout)
    events: list[str] = recorded["events"]
    assert recorded["errors"] == 0
    papers = [i for i, e in enumerate(events) if e.startswith("publications/") and e != "publications/index.html"]
    lists = [i for i, e in enumerate(events) if e.startswith(("tags/", "taxonomy/", "papers/2"))]
    assert papers and lists and events.count("related") == 1 and events.count("map") == 1
    related, topic_map, search = events.index("related"), events.index("map"), events.index("search")
    if size == "large, pool":
        assert max(related, topic_map) < events.index("index.html")
    else:
        assert max(lists) < related < min(papers) and max(papers) < topic_map < events.index("papers/index.html")
        assert (search < topic_map) == (size == "small")


def test_a_warm_child_runs_job_after_job_with_the_results_of_the_build_process() -> None:
    warm = WarmChild()
    try:
        first = CorpusWide(PAPERS, warm=warm)
        assert first._child is not None and first._child.owner is warm
        process = warm.process
        assert first.result() == (related_papers(PAPERS), topic_map(PAPERS))
        edited = [dataclasses.replace(PAPERS[0], summary=PAPERS[0].summary + " graph spectral")] + PAPERS[1:]
        second = CorpusWide(edited, warm=warm)
        assert second.result() == (related_papers(edited), topic_map(edited))
        assert warm.process is process and process is not None and process.poll() is None, "the same child, still up"
        assert warm.jobs == 2
    finally:
        warm.stop()
    assert process.poll() is not None, "stopped"


def test_a_warm_child_busy_with_an_abandoned_job_or_dead_is_replaced() -> None:
    warm = WarmChild()
    try:
        abandoned = CorpusWide(PAPERS, warm=warm)
        first = warm.process
        assert abandoned.related() == related_papers(PAPERS)
        abandoned.close()  # the topic map was never waited for: the child still computes it, for nobody
        assert warm.process is None and first is not None and first.poll() is not None
        again = CorpusWide(PAPERS, warm=warm)
        assert warm.process is not None and warm.process is not first
        assert again.result() == (related_papers(PAPERS), topic_map(PAPERS))
        retitled = [dataclasses.replace(p, title=p.title + " again") for p in PAPERS]
        dying = CorpusWide(retitled, warm=warm)
        second = warm.process
        assert second is not None and second is not first
        second.kill()  # the child dies while it computes: the build computes in-process instead
        assert dying.result() == (related_papers(retitled), topic_map(retitled))
        assert CorpusWide(PAPERS, warm=warm)._child is not None and warm.process not in (None, second), "a new child"
    finally:
        warm.stop()


def test_a_review_of_one_paper_starts_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("L2H_JOBS", "2")
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)  # as in a fresh build process
    assert corpus.separate_by_default(2), "two papers would be computed in a child"
    work = CorpusWide(PAPERS[:1])
    assert work._child is None
    related, points = work.result()
    assert related == {PAPERS[0].key: ()} and [p.key for p in points] == [PAPERS[0].key]


_RECORD_EARLY_CHILD = """
import json, sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
import l2h_site.build as build_module
from l2h_site.corpus import WarmChild

events, children = [], []
preload, submit, check_site = WarmChild.preload, WarmChild.submit, build_module.check_site

def recorded_preload(self):
    children.append(self)
    events.append("preload")
    return preload(self)

def recorded_submit(self, *args, **kwargs):
    events.append("job" if self.process is not None else "job for a new child")
    return submit(self, *args, **kwargs)

WarmChild.preload, WarmChild.submit = recorded_preload, recorded_submit
build_module.check_site = lambda *args, **kwargs: (events.append("check"), check_site(*args, **kwargs))[1]
result = build_module.build(Path(sys.argv[1]), use_cache=sys.argv[2] != "no-cache")
print(json.dumps({"written": result.written, "events": events,
                  "running": [child.process is not None and child.process.poll() is None for child in children]}))
"""
"""Build in a fresh process (the test process may have scikit-learn loaded, and then builds a small review
in-process) and print whether the site was written, the order of the child's start, the checks and its job, and
whether each child started early still runs once the build returned."""


def _early_child_events(root: Path, cache: str = "cache", large: bool = False) -> dict[str, Any]:
    env = {**os.environ, "L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": "2" if large else "1500"}
    done = subprocess.run([sys.executable, "-c", _RECORD_EARLY_CHILD, str(root), cache], capture_output=True,
                          text=True, env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_build_likely_to_need_the_child_starts_it_before_checking_the_papers(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    # From nothing: the child imports scikit-learn while the papers are checked, then gets its job, and exits.
    assert _early_child_events(root) == {"written": True, "events": ["preload", "check", "job"], "running": [False]}
    assert _early_child_events(root, "no-cache")["events"] == ["preload", "check", "job"]
    # With related papers in the cache, a build after an edit of no paper starts no child...
    template = root / "templates" / "404.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _early_child_events(root, large=True) == {"written": True, "events": ["check"], "running": []}
    # ...nor does a small review after an edit of a paper: its checks are too short to be worth it...
    paper = root / "papers" / "weiss2008spectral.md"
    paper.write_text(re.sub(r"\nvenue: [^\n]*", "\nvenue: Another Venue", paper.read_text(), count=1))
    assert _early_child_events(root) == {"written": True, "events": ["check"], "running": []}
    # ...but a large one does: if the edit changed no TF-IDF document (a venue), the child gets no job and is
    # stopped; otherwise it gets its job, and so after a paper is added.
    paper.write_text(re.sub(r"\nvenue: [^\n]*", "\nvenue: A Third Venue", paper.read_text(), count=1))
    assert _early_child_events(root, large=True) == {"written": True, "events": ["preload", "check"],
                                                     "running": [False]}
    paper.write_text(paper.read_text() + "\nA new sentence with new words: flamingo.\n")
    assert _early_child_events(root, large=True) == {"written": True, "events": ["preload", "check", "job"],
                                                     "running": [False]}
    added = root / "papers" / "smith2021graph.md"
    added.write_text("---\ntitle: Graph Codes for Retrieval\nauthors: Ann Smith\nvenue: CVPR\nyear: 2021\n"
                     "tags: [Image Retrieval]\nfamily: unsupervised\nmodality: [image]\n---\n"
                     "Binary codes from a neighbourhood graph, learned without labels.\n", encoding="utf-8")
    assert _early_child_events(root, large=True)["events"] == ["preload", "check", "job"]
    # a small review started it after the checks, as before
    added.write_text(added.read_text(encoding="utf-8") + "\nAnd a last sentence: heron.\n", encoding="utf-8")
    assert _early_child_events(root)["events"] == ["check", "job for a new child"]


def test_a_child_started_early_for_a_build_that_fails_its_checks_is_stopped(tmp_path: Path) -> None:
    root = golden_review(tmp_path)
    (root / "papers" / "broken2020.md").write_text("---\ntitle: [unclosed\n---\nA summary.\n", encoding="utf-8")
    assert _early_child_events(root) == {"written": False, "events": ["preload", "check"], "running": [False]}


def test_a_warm_child_maps_a_review_larger_than_the_landmarks_as_the_build_process_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Above LANDMARKS papers the child keeps the landmarks' documents when it lets go of the others (their own
    TF-IDF places them), and after an edit of another paper gives the map the build process computes afresh."""
    from l2h_site import stats

    topics = ["binary codes hamming spectral graph", "product quantisation codebook subvector lookup",
              "proximity graph greedy search neighbours", "learned index model positions keys"]
    papers = [paper(f"p{i:04d}", f"Method {i}", f"{topics[i % 4]} variant{i % 37} words{i % 11} part{i % 5}")
              for i in range(stats.LANDMARKS + 40)]
    keys = sorted(p.key for p in papers)
    landmarks = {keys[i] for i in stats.landmark_rows(keys)}
    other = next(i for i, p in enumerate(papers) if p.key not in landmarks)
    edited = [dataclasses.replace(p, summary=p.summary + " rotation codes") if i == other else p
              for i, p in enumerate(papers)]
    warm = WarmChild()
    try:
        for corpus_of_papers in (papers, edited):
            found = CorpusWide(corpus_of_papers, warm=warm)
            assert found._child is not None
            with monkeypatch.context() as patched:  # the child's results, not the build process's fallback
                patched.setattr(corpus, "compute_topic_map", lambda *_: pytest.fail("the child gave no map"))
                result = found.result()
            stats._LAST_TSNE.clear()
            assert result == (related_papers(corpus_of_papers), topic_map(corpus_of_papers))
        assert warm.jobs == 2
    finally:
        warm.stop()


def test_tf_idf_from_words_kept_between_jobs_is_the_vectorisers_own_to_the_bit() -> None:
    from l2h_site.build import check_site
    from l2h_site.vectors import Analyses, paper_document, tfidf

    review = check_site(REPO).papers  # the review's own 239 papers: real summaries, formulas, accents
    documents = [paper_document(p) for p in sorted(review, key=lambda p: p.key)]
    edited = [documents[0] + " quantisation spectral hashing of graphs"] + documents[1:]
    analyses = Analyses()
    for texts, analysed in ((documents, len(set(documents))), (edited, 1), (edited, 0)):
        plain, kept = tfidf(texts), tfidf(texts, analyses)
        assert analyses.analysed == analysed, "a document kept from the job before is not analysed again"
        analyses.next_job()
        assert plain.shape == kept.shape and plain.dtype == kept.dtype
        for part in ("data", "indices", "indptr"):
            assert getattr(plain, part).tobytes() == getattr(kept, part).tobytes()
    assert tfidf(["the of and", "a"], Analyses()) is None, "stop words only: no matrix, as without kept words"


def test_a_warm_childs_next_job_analyses_only_the_edited_document(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from l2h_site.vectors import Analyses

    counted: list[int] = []
    next_job = Analyses.next_job

    def counted_next_job(self: Analyses) -> None:
        counted.append(self.analysed)
        next_job(self)

    monkeypatch.setattr(Analyses, "next_job", counted_next_job)
    edited = [dataclasses.replace(PAPERS[3], summary=PAPERS[3].summary + " graph spectral")] + PAPERS[:3] + PAPERS[4:]

    def job(papers: list[Paper], number: int, warm: bool) -> dict[str, Any]:
        vectors = PaperVectors(papers)
        (tmp_path / str(number)).mkdir()
        return {"keys": vectors.keys, "documents": vectors.documents, "wanted": ("related",), "seed": 0,
                "folder": str(tmp_path / str(number)), "number": number, "warm": warm}

    out = io.BytesIO()
    corpus.run_jobs(job(PAPERS, 1, True), io.BytesIO(pickle.dumps(job(edited, 2, True))), out)
    assert counted == [len(PAPERS), 1]
    assert pickle.loads((tmp_path / "2" / "related").read_bytes()) == related_papers(edited)
    corpus.run_jobs(job(PAPERS, 3, False), io.BytesIO(), out)
    assert counted == [len(PAPERS), 1], "a one-off build's child keeps no words: it has no next job"
