"""`l2h serve`'s file watcher: told of changes by the operating system, or polling; real files, real edits."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import l2h_site.serve as serve_module
from l2h_site.serve import Watcher, is_source, watch_roots

WAIT = 30.0
"""Longest a test waits for a callback it expects (a failure, never a threshold)."""
SETTLE = 0.6
"""How long a test gives a callback it does not expect to (wrongly) come."""


class Watching:
    """A Watcher on a small review folder, with the calls back it made."""

    def __init__(self, root: Path, events: bool, sources: Callable[[], list[Path]] | None = None) -> None:
        self.root = root
        self.calls: queue.Queue[set[Path]] = queue.Queue()
        self.reports: list[str] = []
        self.watcher = Watcher(sources or self.sources, self.calls.put, debounce=0.05, poll=0.05, events=events,
                               report=self.reports.append)
        self.watcher.prime()
        self.watcher.start()

    def sources(self) -> list[Path]:
        return [self.root / "l2h.yml", self.root / "papers", self.root / "static", self.root / "taxonomy.yml",
                self.root / "templates"]

    def next(self) -> set[Path]:
        """The next call back's changed paths, relative to the root."""
        return {path.relative_to(self.root) for path in self.calls.get(timeout=WAIT)}

    def nothing(self) -> None:
        """Assert that no call back comes."""
        with pytest.raises(queue.Empty):
            self.calls.get(timeout=SETTLE)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    (root / "papers").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "papers" / "a.md").write_text("a", encoding="utf-8")
    (root / "templates" / "base.html").write_text("<html>", encoding="utf-8")
    (root / "taxonomy.yml").write_text("tags: []\n", encoding="utf-8")
    (root / "l2h.yml").write_text("title: T\n", encoding="utf-8")
    return root.resolve()


@pytest.fixture(params=[True, False], ids=["notified", "polling"])
def watching(request: pytest.FixtureRequest, review: Path) -> Iterator[Watching]:
    running = Watching(review, events=request.param)
    assert running.watcher.events is request.param and not running.reports
    yield running
    running.watcher.stop()


def test_an_edit_is_one_call_with_that_file(watching: Watching) -> None:
    (watching.root / "papers" / "a.md").write_text("edited", encoding="utf-8")
    assert watching.next() == {Path("papers/a.md")}
    watching.nothing()


def test_a_file_saved_by_renaming_over_it_is_seen_every_time(watching: Watching) -> None:
    for text in ("tags: [A]\n", "tags: [A, B]\n"):  # as editors that write a new file and rename it save
        fresh = watching.root / ".taxonomy.yml.new"
        fresh.write_text(text, encoding="utf-8")
        os.replace(fresh, watching.root / "taxonomy.yml")
        assert watching.next() == {Path("taxonomy.yml")}


def test_a_save_written_to_a_new_file_then_renamed_over_the_old_is_one_call(watching: Watching) -> None:
    for name in ("a.md.tmp", "a.md.Xq93kz", ".goutputstream-AB12CD"):  # editors' and libraries' atomic saves
        fresh = watching.root / "papers" / name
        fresh.write_text(f"saved via {name}", encoding="utf-8")
        time.sleep(0.12)  # the editor writes and syncs the new file; longer than the debounce, on a busy machine
        os.replace(fresh, watching.root / "papers" / "a.md")
        assert watching.next() == {Path("papers/a.md")}  # one call, never one with the new file (not a paper)
    watching.nothing()


def test_a_burst_of_writes_is_one_call(watching: Watching) -> None:
    for i in range(200):
        (watching.root / "papers" / f"p{i}.md").write_text("new", encoding="utf-8")
    assert watching.next() == {Path(f"papers/p{i}.md") for i in range(200)}
    watching.nothing()


def test_a_folder_made_later_and_replaced_is_watched(watching: Watching) -> None:
    static = watching.root / "static"
    static.mkdir()
    (static / "style.css").write_text("a {}", encoding="utf-8")
    assert watching.next() == {Path("static/style.css")}
    (static / "style.css").write_text("a { b: c }", encoding="utf-8")  # a new size: two writes within one tick
    # of the file system's clock share a modification time, and a watcher compares times and sizes
    assert watching.next() == {Path("static/style.css")}
    shutil.rmtree(watching.root / "templates")  # as a checkout of a branch that moves the folder does
    assert watching.next() == {Path("templates/base.html")}
    (watching.root / "templates").mkdir()
    (watching.root / "templates" / "base.html").write_text("<html lang=en>", encoding="utf-8")
    assert watching.next() == {Path("templates/base.html")}
    (watching.root / "templates" / "base.html").write_text("<html lang=fr-CA>", encoding="utf-8")
    assert watching.next() == {Path("templates/base.html")}


def test_what_the_build_does_not_read_is_ignored(watching: Watching) -> None:
    site = watching.root / "_site"
    site.mkdir()
    (site / "index.html").write_text("built", encoding="utf-8")
    (watching.root / ".l2h-cache").mkdir()
    (watching.root / ".l2h-cache" / "memo").write_bytes(b"x")
    (watching.root / "notes.txt").write_text("not a source", encoding="utf-8")
    (watching.root / "papers" / ".git").mkdir()
    (watching.root / "papers" / ".git" / "index").write_bytes(b"x")
    for _ in range(5):  # a build reads every source: reading is no change
        (watching.root / "papers" / "a.md").read_bytes()
    for name in (".a.md.swp", "a.md~", "4913", ".#a.md", "#a.md#"):  # what vim and Emacs keep beside a file
        (watching.root / "papers" / name).write_bytes(b"editor state")
    (watching.root / "static").mkdir(exist_ok=True)
    for name in (".DS_Store", "Thumbs.db", "._a.md"):  # what Finder and Explorer keep in a folder
        (watching.root / "papers" / name).write_bytes(b"folder view state")
        (watching.root / "static" / name).write_bytes(b"folder view state")
    watching.nothing()
    (watching.root / "papers" / "a.md").write_text("edited", encoding="utf-8")
    (watching.root / "papers" / ".a.md.swp").write_bytes(b"editor state, later")
    (watching.root / "papers" / ".DS_Store").write_bytes(b"folder view state, later")
    assert watching.next() == {Path("papers/a.md")}, "the paper alone, so that its page can be previewed"


def test_notified_watching_looks_at_the_files_only_when_told(review: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    looks: list[int] = []
    real: Callable[[Sequence[Path]], dict[str, tuple[int, int]]] = serve_module.snapshot

    def counted(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
        looks.append(1)
        return real(paths)

    monkeypatch.setattr(serve_module, "snapshot", counted)
    running = Watching(review, events=True)
    looks_when_called: list[int] = []
    called = running.watcher.on_change

    def call(changed: set[Path]) -> None:
        looks_when_called.append(len(looks))
        called(changed)

    running.watcher.on_change = call
    try:
        running.nothing()
        assert looks == [1], "only the first look, when watching started"
        (review / "papers" / "a.md").write_text("edited", encoding="utf-8")
        assert running.next() == {Path("papers/a.md")}
        assert looks_when_called == [1], "one saved file is measured from the path the system told of"
        running.nothing()
        assert len(looks) == 2, "then every file is looked at once, in case the system dropped an event"
        (review / "papers" / "a.md").write_text("edited again", encoding="utf-8")
        assert running.next() == {Path("papers/a.md")}
        running.nothing()
        assert len(looks) == 3
        (review / "papers" / "new.md").write_text("new", encoding="utf-8")  # a new file: only a look measures it
        assert running.next() == {Path("papers/new.md")}
        # a look at once, and one after the quiet time a new file gets (it may be an editor's, renamed over a paper)
        assert looks_when_called == [1, 2, 5]
        running.nothing()
        assert len(looks) == 5, "no look after a burst measured by looks"
    finally:
        running.watcher.stop()
    polling = Watching(review, events=False)
    try:
        polling.nothing()
        assert len(looks) > 4, "the polling watcher looks again and again"
    finally:
        polling.watcher.stop()


def test_a_save_told_of_during_a_call_back_goes_before_the_look_at_every_file(
        review: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save during l2h serve's rebuild is measured from its path as soon as the rebuild returns (a look at every
    file takes 0.15-0.2 s at 20,000 papers), and the look follows its call back; a change whose event was dropped
    meanwhile is then found by that look."""
    looks: list[int] = []
    real: Callable[[Sequence[Path]], dict[str, tuple[int, int]]] = serve_module.snapshot

    def counted(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
        looks.append(1)
        return real(paths)

    real_take = serve_module._Notifications.take

    def dropping(self: Any) -> set[Path] | None:
        told = real_take(self)
        return None if told is None else {path for path in told if path.name != "b.md"}

    monkeypatch.setattr(serve_module, "snapshot", counted)
    monkeypatch.setattr(serve_module._Notifications, "take", dropping)
    (review / "papers" / "b.md").write_text("b", encoding="utf-8")
    running = Watching(review, events=True)
    held, go = threading.Event(), threading.Event()
    looks_when_called: list[int] = []
    called = running.watcher.on_change

    def call(changed: set[Path]) -> None:
        looks_when_called.append(len(looks))
        if len(looks_when_called) == 1:
            held.set()
            assert go.wait(WAIT)
        called(changed)

    running.watcher.on_change = call
    try:
        (review / "papers" / "a.md").write_text("a edited", encoding="utf-8")
        assert held.wait(WAIT)
        (review / "papers" / "a.md").write_text("a edited again", encoding="utf-8")  # while the first call back runs
        (review / "papers" / "b.md").write_text("b edited", encoding="utf-8")  # its event dropped
        time.sleep(SETTLE)  # told of meanwhile
        go.set()
        assert running.next() == {Path("papers/a.md")}
        assert running.next() == {Path("papers/a.md")}
        assert looks_when_called[:2] == [1, 1], "no look at every file between the two saves of a.md"
        assert running.next() == {Path("papers/b.md")}, "the look after the second finds the dropped change"
        assert looks_when_called == [1, 1, 2]
        running.nothing()
    finally:
        go.set()
        running.watcher.stop()


def test_a_change_whose_event_was_dropped_is_found_by_the_look_after(review: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The operating system may drop events (its queue full): the one told of is previewed from its path, and the
    look at every file that follows finds the other change."""
    real = serve_module._Notifications.take

    def dropping(self: Any) -> set[Path] | None:
        told = real(self)
        return None if told is None else {path for path in told if path.name != "b.md"}

    monkeypatch.setattr(serve_module._Notifications, "take", dropping)
    (review / "papers" / "b.md").write_text("b", encoding="utf-8")
    running = Watching(review, events=True)
    try:
        running.nothing()
        (review / "papers" / "b.md").write_text("b edited", encoding="utf-8")
        (review / "papers" / "a.md").write_text("a edited", encoding="utf-8")
        assert running.next() == {Path("papers/a.md")}
        assert running.next() == {Path("papers/b.md")}
        running.nothing()
    finally:
        running.watcher.stop()


def test_told_snapshot_measures_only_what_it_can(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "b.md").write_text("b", encoding="utf-8")
    last = serve_module.snapshot([tmp_path])
    (tmp_path / "a.md").write_text("a, longer", encoding="utf-8")
    (tmp_path / "b.md").unlink()
    gone_again = tmp_path / "a.md.tmp"  # an editor's temporary file, written and renamed or deleted since
    told = serve_module.told_snapshot(last, [tmp_path / "a.md", tmp_path / "b.md", gone_again])
    assert told == serve_module.snapshot([tmp_path])
    (tmp_path / "c.md").write_text("c", encoding="utf-8")
    assert serve_module.told_snapshot(last, [tmp_path / "c.md"]) is None, "a new file: a look at every file"
    (tmp_path / "sub").mkdir()
    assert serve_module.told_snapshot(last, [tmp_path / "sub"]) is None, "a new folder: likewise"


def test_watching_falls_back_to_polling_when_the_system_refuses(review: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles._rust_notify

    class Refusing:
        def __init__(self, *args: Any) -> None:
            raise OSError("OS file watch limit reached")

    monkeypatch.setattr(watchfiles._rust_notify, "RustNotify", Refusing)
    running = Watching(review, events=True)
    try:
        assert running.watcher.events is False
        assert running.reports and "OS file watch limit reached" in running.reports[0]
        assert "looking at the files instead" in running.reports[0]
        (review / "papers" / "a.md").write_text("edited", encoding="utf-8")
        assert running.next() == {Path("papers/a.md")}
    finally:
        running.watcher.stop()


def test_watching_falls_back_to_polling_when_notifications_fail(review: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles._rust_notify

    failed = threading.Event()

    class Failing:
        def __init__(self, *args: Any) -> None:
            pass

        def watch(self, *args: Any) -> Any:
            failed.set()
            raise RuntimeError("the notify thread died")

        def close(self) -> None:
            pass

    monkeypatch.setattr(watchfiles._rust_notify, "RustNotify", Failing)
    running = Watching(review, events=True)
    try:
        assert failed.wait(WAIT)
        (review / "papers" / "a.md").write_text("edited", encoding="utf-8")
        assert running.next() == {Path("papers/a.md")}
        assert running.watcher.events is False
        assert running.reports and "the notify thread died" in running.reports[0]
    finally:
        running.watcher.stop()


def test_wsl_windows_drives_are_polled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = serve_module.platform.uname()
    wsl = real._replace(release="5.15.153.1-microsoft-standard-WSL2")
    monkeypatch.setattr(serve_module.platform, "uname", lambda: wsl)
    assert serve_module.unreliable_notifications([Path("/mnt/c/review/papers")]) is not None
    assert serve_module.unreliable_notifications([Path("/home/me/review/papers")]) is None
    monkeypatch.setattr(serve_module.platform, "uname", lambda: real._replace(release="6.1.0-amd64"))
    assert serve_module.unreliable_notifications([Path("/mnt/c/review/papers")]) is None


def test_stop_releases_the_watches(review: Path) -> None:
    before = threading.active_count()
    for _ in range(3):
        running = Watching(review, events=True)
        running.watcher.stop()
    assert threading.active_count() == before


def test_which_changes_are_sources(tmp_path: Path) -> None:
    watched = [tmp_path / "papers", tmp_path / "taxonomy.yml", tmp_path / "content" / "static"]
    assert is_source(tmp_path / "papers" / "a.md", watched)
    assert is_source(tmp_path / "papers" / ".a.md", watched), "a file the build would report"
    assert not is_source(tmp_path / "papers" / ".a.md.swp", watched), "an editor's swap file"
    assert not is_source(tmp_path / "content" / "static" / ".DS_Store", watched), "Finder's folder settings"
    assert not is_source(tmp_path / "papers" / "Thumbs.db", watched), "Explorer's thumbnails"
    assert not is_source(tmp_path / "papers" / ".git" / "index", watched), "inside a hidden folder"
    assert is_source(tmp_path / "taxonomy.yml", watched)
    assert is_source(tmp_path / "content", watched), "a folder on the way to a source"
    assert not is_source(tmp_path / "_site" / "index.html", watched)
    assert not is_source(tmp_path / ".taxonomy.yml.swp", watched)
    (tmp_path / "papers").mkdir()
    (tmp_path / "taxonomy.yml").write_text("", encoding="utf-8")
    assert watch_roots(watched) == {(tmp_path / "papers", True), (tmp_path, False)}, "content/static through tmp_path"


def test_a_folder_the_config_moves_to_is_watched(review: Path) -> None:
    for events in (True, False):
        sources = [review / "l2h.yml", review / "papers"]
        running = Watching(review, events, sources=sources.copy)
        try:
            moved = review / f"moved-{events}"
            moved.mkdir()
            (moved / "b.md").write_text("b", encoding="utf-8")
            sources[1] = moved  # as `papers_dir: moved` in l2h.yml does once the rebuild read it
            (review / "l2h.yml").write_text(f"papers_dir: {moved.name}\n", encoding="utf-8")
            assert running.next() == {Path("l2h.yml")}
            # The folder's files are new to the watcher: one more call, lest one the rebuild missed be lost.
            assert running.next() == {Path("papers/a.md"), moved.relative_to(review) / "b.md"}
            (moved / "b.md").write_text("edited", encoding="utf-8")
            assert running.next() == {moved.relative_to(review) / "b.md"}
            running.nothing()
        finally:
            running.watcher.stop()
