"""l2h serve gives up a rebuild when a source changes again before the rebuild has put its site in place
(serve.BuildAbandoned): the new change is previewed at once, and the next rebuild is exactly a clean build.

The rebuilds here are given up at chosen steps (StopPoints calls abandon at each stage, paper read and page
written, and every few tenths of a second while Pagefind runs), with the warm child that computes related papers
and the topic map kept from one rebuild to the next.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import generate_review, snapshot

import l2h_site.corpus as corpus_module
from l2h_site.build import build
from l2h_site.serve import BuildAbandoned, SiteBuilder

PAPERS = 30


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_review(PAPERS, tmp_path_factory.mktemp("abandon") / "review", seed=4)


@pytest.fixture
def builder(review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SiteBuilder]:
    """The dev server's builder on a copy of the review, which it has built once, with its warm child (kept on a
    machine with two cores or more); closed after the test."""
    monkeypatch.setenv("L2H_JOBS", "2")
    root = tmp_path / "review"
    shutil.copytree(review, root)
    built = SiteBuilder(root=root)
    try:
        assert built.rebuild().ok and built.warm is not None and built.previewer is not None
        yield built
    finally:
        built.close()


class Steps:
    """An abandon callable for SiteBuilder.rebuild: counts the steps at which it is asked, and says yes at the
    step numbered `at` (never, if None)."""

    def __init__(self, at: int | None = None) -> None:
        self.at = at
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked == self.at


def _papers(root: Path) -> list[Path]:
    return sorted((root / "papers").glob("*.md"))


def _add_sentence(paper: Path, words: str) -> None:
    paper.write_text(paper.read_text(encoding="utf-8").rstrip("\n") + f"\n{words}\n", encoding="utf-8")


def _clean(root: Path, out: Path) -> dict[str, bytes]:
    assert build(root, out_dir=out, serving=True, use_cache=False).written
    return snapshot(out)


def test_a_rebuild_given_up_at_any_step_leaves_the_next_one_exact(builder: SiteBuilder, tmp_path: Path) -> None:
    """Given up at steps spread over a whole rebuild (the first, the last before its site is put in place, and
    between), each time after the edited page was previewed: the site on disk is left as it was, the warm child
    is the same process throughout, and the rebuild after the next edit writes what a clean build writes."""
    assert builder.warm is not None
    child = builder.warm.process
    papers = _papers(builder.root)
    counted = Steps()
    _add_sentence(papers[0], "Counting the steps of a rebuild.")
    assert builder.rebuild(abandon=counted).ok
    steps = counted.asked
    assert steps > 20, steps
    in_flight = 0
    for round_, at in enumerate(sorted({1, 2, steps // 4, steps // 2, 3 * steps // 4, steps - 1, steps})):
        edited, then = papers[(2 * round_ + 1) % len(papers)], papers[(2 * round_ + 2) % len(papers)]
        original = edited.read_text(encoding="utf-8")
        _add_sentence(edited, f"Quantised lattice codes, round {round_}.")
        preview = builder.preview({edited})
        assert preview is not None and preview.files >= 1
        before = snapshot(builder.output_dir())
        builds = builder.builds
        try:
            outcome = builder.rebuild(abandon=Steps(at))
        except BuildAbandoned:
            assert builder.builds == builds and builder.last.ok  # the last good build stays the last
            assert snapshot(builder.output_dir()) == before
            staged = [entry.name for entry in (builder.root / ".l2h-cache").iterdir() if ".l2h-" in entry.name]
            assert not staged, staged  # what it staged beside the site is deleted
            current = builder.warm.current
            in_flight += current is not None and not current.complete
        else:  # asked fewer times than before: this edit's rebuild had fewer steps before its site was in place
            assert outcome.ok and at >= steps - 2
        if round_ % 2:
            edited.write_text(original, encoding="utf-8")  # taken back, as an editor's undo would
        else:
            _add_sentence(then, f"Graph search over neighbours, round {round_}.")
        assert builder.preview({edited, then}) is not None
        assert builder.rebuild().ok
        assert snapshot(builder.output_dir()) == _clean(builder.root, tmp_path / f"clean-{round_}")
    assert builder.warm.process is child and child is not None and child.poll() is None
    assert in_flight, "no rebuild was given up while the warm child computed its job"


def test_a_rebuild_after_one_given_up_while_its_child_computed_waits_for_that_child(builder: SiteBuilder,
                                                                                     tmp_path: Path) -> None:
    """The warm child finishes the job of a rebuild given up (nobody reads it) and then takes the next one: no
    second child imports scikit-learn and analyses every document again."""
    warm = builder.warm
    assert warm is not None
    child, jobs = warm.process, warm.jobs
    papers = _papers(builder.root)
    _add_sentence(papers[3], "A summary with new words: cuckoo filters.")

    def given_up_while_the_job_is_computed() -> bool:
        return warm.current is not None and warm.jobs == jobs + 1 and not warm.current.complete

    with pytest.raises(BuildAbandoned):
        builder.rebuild(abandon=given_up_while_the_job_is_computed)
    abandoned = warm.current
    assert abandoned is not None and not abandoned.complete
    folder = Path(abandoned.folder.name)
    _add_sentence(papers[4], "Another with other new words: bloom sketches.")
    assert builder.rebuild().ok
    assert warm.jobs == jobs + 2 and warm.process is child and child is not None and child.poll() is None
    assert abandoned.complete and not folder.exists()  # waited for, and its files removed
    assert snapshot(builder.output_dir()) == _clean(builder.root, tmp_path / "clean")


def test_a_rebuild_waiting_for_its_child_is_given_up_without_waiting_for_the_result(
        builder: SiteBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait for related papers and the topic map has a step every corpus.TICK_SECONDS: a child that takes a
    minute over its job does not keep a rebuild from being given up."""
    warm = builder.warm
    assert warm is not None
    warm.stop()  # the next job starts a child that sleeps a minute before each job
    monkeypatch.setattr(corpus_module, "_CHILD", corpus_module._CHILD.replace(
        "from l2h_site.corpus import child_main; ",
        "import time, l2h_site.corpus as c; job = c.run_job; c.run_job = lambda *a: (time.sleep(60), job(*a)); "
        "from l2h_site.corpus import child_main; "))
    _add_sentence(_papers(builder.root)[5], "Words the related papers have not seen: sketch trees.")
    waited: list[float] = []

    def given_up_after_waiting() -> bool:
        if warm.current is None or warm.current.complete:
            return False
        waited.append(time.monotonic())
        return waited[-1] - waited[0] > 0.5

    started = time.monotonic()
    with pytest.raises(BuildAbandoned):
        builder.rebuild(abandon=given_up_after_waiting)
    assert time.monotonic() - started < 30
    assert len(waited) > 5  # asked while it waited
    assert warm.process is not None and warm.process.poll() is None
    assert warm.current is not None and not warm.current.complete


@pytest.mark.parametrize("inside", ["files_digest", "discover_papers", "validate_corpus", "_files", "_view_digests"])
def test_a_rebuild_is_given_up_within_each_pass_over_every_input_file_paper_or_page(
        inside: str, builder: SiteBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passes over every input file, paper or file of the site that take up to a second at 20,000 papers (the
    fingerprint, finding the paper files, the checks of the whole review, listing the site, hashing the views) tell
    the build's progress of nothing every TICK_EVERY items (here every one): a rebuild can be given up within each,
    and the next is exact."""
    import sys

    import l2h_site.cache as cache_module
    import l2h_site.progress as progress_module
    import l2h_site.write as write_module

    for module in (progress_module, cache_module, write_module):  # progress's: that of ticking()
        monkeypatch.setattr(module, "TICK_EVERY", 1)

    def within() -> bool:
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != inside:
            frame = frame.f_back  # type: ignore[assignment]
        return frame is not None

    paper = _papers(builder.root)[5]
    _add_sentence(paper, "Learned Bloom filters with a backup filter.")
    before = snapshot(builder.output_dir())
    with pytest.raises(BuildAbandoned):
        builder.rebuild(abandon=within)
    assert snapshot(builder.output_dir()) == before
    assert builder.rebuild().ok
    assert snapshot(builder.output_dir()) == _clean(builder.root, tmp_path / "clean")
