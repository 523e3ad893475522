"""Writing the site: a new one swapped in whole, an existing one updated page by changed page, or not at all."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, snapshot

import l2h_site.write as write_module
from l2h_site.build import build, check_site
from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.write import MARKER, SiteWriter, restore_interrupted

Site = Callable[[dict[str, str | bytes]], Path]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if any(f".l2h-{kind}-" in p.name for kind in ("tmp", "old", "new")))


def test_a_build_that_fails_after_writing_pages_leaves_the_previous_site(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    before = snapshot(root / "_site")
    tag = root / "templates" / "tag.html"
    tag.write_text(tag.read_text().replace("{{ tag.name }}", "{{ tag.no_such_field }}", 1))
    result = build(root)
    assert not result.written
    [problem] = result.diagnostics  # one per fault, not one per tag page
    assert problem.code == "template-undefined" and "and 2 other pages" in problem.message
    assert snapshot(root / "_site") == before
    assert leftovers(root) == []


def test_a_broken_link_found_by_check_links_leaves_the_previous_site(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root, check_links=True).written
    before = snapshot(root / "_site")
    page = root / "templates" / "404.html"
    page.write_text(page.read_text().replace("{% block content %}", '{% block content %}<a href="nowhere/">x</a>', 1))
    result = build(root, check_links=True)
    assert not result.written
    assert [(d.path, d.line, d.code) for d in result.diagnostics] == [("templates/404.html", 7, "broken-link")]
    assert snapshot(root / "_site") == before
    assert leftovers(root) == []


def test_the_result_reads_pages_from_disk_or_from_memory(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    in_memory = build(root, write=False)
    written = build(root)
    on_disk = snapshot(root / "_site")
    on_disk.pop(MARKER)
    assert sorted(written.paths) == sorted(in_memory.paths) == sorted(on_disk)
    assert written.page_count == len(on_disk)
    assert {p: in_memory.read(p) for p in in_memory.paths} == {p: written.read(p) for p in written.paths} == on_disk
    with pytest.raises(KeyError):
        in_memory.read("nothing.html")


def test_a_refused_path_midway_discards_the_temporary_folder(tmp_path: Path) -> None:
    root = tmp_path / "review"
    root.mkdir()
    with SiteWriter(tmp_path / "_site", root) as writer:
        writer.add(RenderedPage("index.html", b"first"))
        writer.commit()
    with (pytest.raises(L2hError, match="two pages would be written to 'tags/A/index.html'"),
          SiteWriter(tmp_path / "_site", root) as writer):
        writer.add(RenderedPage("index.html", b"second"))
        writer.add(RenderedPage("tags/a/index.html", b""))
        assert writer.read("index.html") == b"second"
        writer.add(RenderedPage("tags/A/index.html", b""))
    assert (tmp_path / "_site" / "index.html").read_bytes() == b"first"
    assert leftovers(tmp_path) == []
    with pytest.raises(L2hError, match="is not a plain path"), SiteWriter(tmp_path / "_site", root) as writer:
        writer.add(RenderedPage("../escape.html", b""))
    assert not (tmp_path / "escape.html").exists() and leftovers(tmp_path) == []


def count_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Callable[[Path], bytes]]:
    """Record the name of every file read with Path.read_bytes from now on; return the names and the real method."""
    reads: list[str] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return reads, real


def test_an_update_never_trusts_a_file_changed_within_the_clock_tick_of_being_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose modification time is within FileHashes.RACY_NS of now could change again, to the same size, with
    lstat() saying the same: an update reads it again each time rather than trust what it read."""
    root, out = tmp_path / "review", tmp_path / "_site"
    root.mkdir()
    with SiteWriter(out, root) as writer:
        writer.add(RenderedPage("a.txt", b"first"))
        writer.commit()
    reads, _ = count_reads(monkeypatch)
    known: dict[str, tuple[write_module.Listed, str]] = {}
    for _ in range(2):
        os.utime(out / "a.txt")  # modified now: within the tick of being read
        with write_module.open_site(out, root, known=known) as updater:
            updater.add(RenderedPage("a.txt", b"first"))
            updater.commit()
        assert "a.txt" in reads and "a.txt" not in known
        reads.clear()


def test_an_update_trusts_the_hash_of_a_file_it_read_only_while_lstat_says_the_same_of_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As l2h serve keeps it between rebuilds; every file here is written within the file system's clock tick of being
    # read, which an update never trusts: trusted here, so that the test goes through what it remembers.
    monkeypatch.setattr(write_module.FileHashes, "RACY_NS", -1)
    root, out = tmp_path / "review", tmp_path / "_site"
    root.mkdir()
    pages = {"a.txt": b"first", "b/c.txt": b"second", "d.txt": b"third"}
    with SiteWriter(out, root) as writer:
        for path, content in pages.items():
            writer.add(RenderedPage(path, content))
        writer.commit()
    reads, real = count_reads(monkeypatch)
    known: dict[str, tuple[write_module.Listed, str]] = {}

    def update(new: dict[str, bytes]) -> write_module.SiteUpdater:
        with write_module.open_site(out, root, known=known) as writer:
            assert isinstance(writer, write_module.SiteUpdater)
            for path, content in new.items():
                writer.add(RenderedPage(path, content))
            writer.commit()
        assert {p.relative_to(out).as_posix(): real(p) for p in out.rglob("*") if p.is_file() and p.name != MARKER} \
            == new
        return writer

    assert update(pages).changed == 0 and sorted(reads) == [MARKER, "a.txt", "c.txt", "d.txt"]  # read, then trusted
    reads.clear()
    assert update(pages).changed == 0 and reads == []
    # Changed in place with the same size (its modification time changes), replaced by a file of the same bytes (its
    # inode changes): each is read again. A page with other bytes than a trusted file's is changed without a read.
    written = (out / "a.txt").stat().st_mtime_ns
    (out / "a.txt").write_bytes(b"FIRST")
    os.utime(out / "a.txt", ns=(written + 10**9, written + 10**9))  # a later tick of the clock, whatever the machine's
    (out / "b" / "c.txt").unlink()
    (out / "b" / "c.txt").write_bytes(b"second")
    writer = update({**pages, "a.txt": b"first", "d.txt": b"THIRD"})
    assert writer.changed == 2 and sorted(reads) == ["a.txt", "c.txt"]
    assert sorted(known) == [MARKER, "b/c.txt"], "a file this update wrote is not trusted until it is read again"
    # A one-off build's update remembers nothing and reads every file that could hold the page.
    reads.clear()
    with write_module.open_site(out, root) as once:
        for path, content in pages.items():
            once.add(RenderedPage(path, content))
    assert sorted(reads) == ["a.txt", "c.txt", "d.txt"]


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


SECOND_PAPER = GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Revisited")


def test_a_site_is_updated_page_by_changed_page(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/weiss2009spectral.md": SECOND_PAPER})
    assert build(root).written
    before, old = snapshot(root / "_site"), inodes(root / "_site")
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    (root / "papers" / "weiss2009spectral.md").unlink()
    result = build(root)
    assert result.written and leftovers(root) == []
    after, new = snapshot(root / "_site"), inodes(root / "_site")
    assert b"More words." in after["publications/weiss2008spectral/index.html"]
    assert not (root / "_site" / "publications" / "weiss2009spectral").exists(), "a deleted paper's folder goes too"
    same = [path for path in after if path in before and after[path] == before[path]]
    changed = [path for path in after if path not in before or after[path] != before[path]]
    assert same and changed and "publications/weiss2008spectral/index.html" in changed
    assert [path for path in same if new[path] != old[path]] == [], "an unchanged page is left as it was"
    assert [path for path in changed if path in old and new[path] == old[path]] == [], "a changed page is a new file"
    clean = build(root, out_dir=root / "clean", use_cache=False)
    assert clean.written and snapshot(root / "clean").keys() == after.keys()
    assert [p for p in after if p != MARKER and after[p] != snapshot(root / "clean")[p]] == []


def test_an_update_removes_strays_and_never_follows_a_link_out_of_the_site(site: Site, tmp_path: Path) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    expected = snapshot(root / "_site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not the site's")
    tags = min(p for p in (root / "_site" / "tags").iterdir() if p.is_dir())
    shutil.rmtree(tags)
    tags.symlink_to(outside, target_is_directory=True)
    (root / "_site" / "stray" / "deep").mkdir(parents=True)
    (root / "_site" / "stray" / "deep" / "page.html").write_text("stray")
    (root / "_site" / "index.html").unlink()
    (root / "_site" / "index.html").symlink_to(outside / "index.html")
    assert build(root).written
    assert snapshot(root / "_site") == expected
    assert not tags.is_symlink() and not (root / "_site" / "index.html").is_symlink()
    assert snapshot(outside) == {"index.html": b"not the site's"}


def test_an_update_cut_short_while_moving_pages_in_is_finished_by_the_next_build(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/weiss2009spectral.md": SECOND_PAPER})
    assert build(root).written
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    (root / "papers" / "weiss2009spectral.md").unlink()
    assert build(root, out_dir=root / "clean").written
    expected = snapshot(root / "clean")
    moves: list[Path] = []
    real_replace = os.replace

    def crash_after_two(source: Path, target: Path) -> None:  # the process dies after moving two pages in
        if len(moves) == 2:
            raise OSError(errno.EIO, "simulated crash")
        moves.append(target)
        real_replace(source, target)

    monkeypatch.setattr(write_module.os, "replace", crash_after_two)
    with pytest.raises(L2hError, match="simulated crash"):
        build(root)
    monkeypatch.setattr(write_module.os, "replace", real_replace)
    assert len(moves) == 2 and [name for name in leftovers(root) if ".l2h-new-" in name]
    half = snapshot(root / "_site")
    assert half != expected and not (root / "_site" / "publications" / "weiss2009spectral").exists()
    assert restore_interrupted(root / "_site")  # what every build does first, even one that then fails
    assert leftovers(root) == []
    assert snapshot(root / "_site") == expected


def _said_a_line(log: Path) -> bool:
    """Tell whether a process has written whole lines to its log."""
    text = log.read_text()
    return text.startswith("l2h: ") and text.endswith("\n")


def test_a_second_build_of_one_site_waits_for_the_first(site: Site, tmp_path: Path) -> None:
    """Two builds writing one site at once (l2h build beside l2h serve) would tidy away each other's staging
    folders: the second waits, says so, and then builds."""
    import fcntl
    import subprocess
    import sys
    import time

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    page = root / "templates" / "page.html"
    page.write_text(page.read_text() + "\n")  # the next build has work to do
    log = tmp_path / "stderr.txt"
    held = os.open(root, os.O_RDONLY)  # what a first build holds: the folder the site is in
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        with log.open("w") as err:
            second = subprocess.Popen([sys.executable, "-m", "l2h_site", "build", "--root", str(root), "--quiet"],
                                      stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while not _said_a_line(log) and second.poll() is None:
            assert time.monotonic() < deadline, "the second build neither waited nor finished"
            time.sleep(0.05)
        assert second.poll() is None, f"the second build did not wait: {log.read_text()}"
        # the site asked for, not the folder locked, which read as if the review were locked
        assert log.read_text() == (f"l2h: waiting for another l2h build or serve writing {root / '_site'} to finish\n"
                                   "  (or one writing another site in the same folder: l2h cannot tell which)\n")
    finally:
        os.close(held)
    assert second.wait(timeout=300) == 0
    assert build(root).unchanged  # the second build wrote the site


def test_builds_of_two_sites_that_share_the_build_cache_wait_for_each_other(site: Site, tmp_path: Path) -> None:
    """l2h serve writes its site into the cache's folder, l2h build into _site: different folders, one cache (its
    memos, its page store). A build holds the cache's folder too, and another build of the review waits for it."""
    import fcntl
    import subprocess
    import sys
    import time

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = tmp_path / "stderr.txt"
    held = os.open(root / ".l2h-cache", os.O_RDONLY)  # what a build of another site of this review holds
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        with log.open("w") as err:
            second = subprocess.Popen([sys.executable, "-m", "l2h_site", "build", "--root", str(root), "--quiet",
                                       "--out", str(elsewhere / "site")], stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 120
        while not _said_a_line(log) and second.poll() is None:
            assert time.monotonic() < deadline, "the second build neither waited nor finished"
            time.sleep(0.05)
        assert second.poll() is None, f"the second build did not wait: {log.read_text()}"
        assert log.read_text() == ("l2h: waiting for another l2h build or serve of this review to finish\n"
                                   f"  (they share its build cache, {root / '.l2h-cache'}, which one build at a time "
                                   "may use)\n")
    finally:
        os.close(held)
    assert second.wait(timeout=300) == 0
    assert (elsewhere / "site" / "index.html").is_file()


def test_l2h_serve_waiting_for_the_build_cache_says_so_not_which_folder_is_locked(site: Site, tmp_path: Path) -> None:
    """l2h serve's site is in the cache's folder: one lock, and the message that fits it (the site's named a folder
    of the cache, which no maintainer asked for)."""
    import fcntl
    import signal
    import subprocess
    import sys
    import time

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    log = tmp_path / "stderr.txt"
    held = os.open(root / ".l2h-cache", os.O_RDONLY)  # what l2h build of _site holds, besides the review's folder
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        with log.open("w") as err:
            server = subprocess.Popen([sys.executable, "-m", "l2h_site", "serve", "--root", str(root), "--port", "0"],
                                      stdout=subprocess.DEVNULL, stderr=err,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": "false"})
        try:
            deadline = time.monotonic() + 120
            while not _said_a_line(log) and server.poll() is None:
                assert time.monotonic() < deadline, "l2h serve neither waited nor served"
                time.sleep(0.05)
            assert log.read_text() == ("l2h: waiting for another l2h build or serve of this review to finish\n"
                                       f"  (they share its build cache, {root / '.l2h-cache'}, which one build at a "
                                       "time may use)\n")
            os.close(held)
            held = -1
            while "l2h: serving" not in log.read_text():
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.05)
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=30) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    finally:
        if held >= 0:
            os.close(held)


def test_static_links_and_unpublishable_names_are_reported_not_skipped(site: Site, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the review\n")
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "static/con.js": "x\n", "static/a:b.css": "y\n"})
    (root / "static" / "linked.txt").symlink_to(secret)
    result = build(root)
    assert not result.written
    found = {(d.path, d.severity, d.code) for d in result.diagnostics}
    assert found == {("static/con.js", "error", "static-name"), ("static/a:b.css", "error", "static-name"),
                     ("static/linked.txt", "warning", "static-link")}
    assert len(result.diagnostics) == 3  # once each, though both the checks and the pages look at static/
    assert {(d.path, d.severity, d.code) for d in check_site(root).diagnostics} == found  # l2h check says so too
    (root / "static" / "con.js").unlink()
    (root / "static" / "a:b.css").unlink()
    result = build(root)
    assert result.written and [d.code for d in result.diagnostics] == ["static-link"]
    assert not (root / "_site" / "static" / "linked.txt").exists()
    assert (root / "_site" / "static" / "style.css").is_file()


def test_an_update_that_cannot_be_finished_is_an_error_naming_the_folder_not_a_traceback(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    real_replace = os.replace
    target = root / "_site" / "publications" / "weiss2008spectral" / "index.html"

    def read_only(source: Path, to: Path) -> None:  # as os.replace fails in a folder that cannot be written
        raise PermissionError(errno.EACCES, "Permission denied", str(source), None, str(to))

    monkeypatch.setattr(write_module.os, "replace", read_only)
    with pytest.raises(L2hError) as first:
        build(root)
    # the message names the file in the site that could not be replaced, not l2h's staging copy
    prefix = f"cannot write the site to {root / '_site'}: Permission denied ({root / '_site'}/"
    assert str(first.value).startswith(prefix) and str(first.value).endswith(
        "); the site is now part old, part new: the next l2h build finishes putting the new one in place once it can "
        "write there; make the folder writable for you, or give --out another folder")
    failed = str(first.value)[len(prefix) - len(f"{root / '_site'}/"):].split(")")[0]
    assert Path(failed).parent.is_dir() and ".l2h-new-" not in failed
    with pytest.raises(L2hError) as again:  # the next build tries to finish the update first
        build(root)
    assert str(again.value) == (f"cannot finish putting right {root / '_site'}, which an earlier build left half "
                                f"written: Permission denied ({failed}); make it writable, then build again")
    monkeypatch.setattr(write_module.os, "replace", real_replace)
    assert build(root).written and "More words." in target.read_text()
    assert leftovers(root) == []


def test_a_folder_of_the_site_that_cannot_be_written_fails_the_update_before_any_page_moves(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder left read-only (by a build run as root in a container, say) once failed the update midway: the
    site was left part old, part new, and the message said that the previous site was left as it was."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/weiss2009spectral.md": SECOND_PAPER})
    assert build(root).written
    before = snapshot(root / "_site")
    (root / "l2h.yml").write_text("title: Another Title\n")  # every page changes
    blocked = root / "_site" / "publications"
    real_access = os.access
    monkeypatch.setattr(write_module.os, "access",  # as access() answers for a folder without write permission
                        lambda path, mode: not (Path(path) == blocked and mode & os.W_OK) and real_access(path, mode))
    with pytest.raises(L2hError) as failed:
        build(root)
    assert str(failed.value) == (
        f"cannot write the site to {root / '_site'}: Permission denied ({blocked}); the previous site was left as it "
        "was; make the folder writable for you, or give --out another folder")
    assert snapshot(root / "_site") == before and leftovers(root) == []
    monkeypatch.setattr(write_module.os, "access", real_access)
    assert build(root).written and "Another Title" in (root / "_site" / "index.html").read_text()


def test_a_site_folder_deleted_while_an_update_runs_is_an_error_not_a_site_of_the_changed_pages_alone(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """rm -rf _site during a build (as l2h serve's user may): the update moved its changed pages into a new, empty
    folder, a site of a few pages with the marker of a whole one."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "papers/weiss2009spectral.md": SECOND_PAPER})
    assert build(root).written
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    real_commit = write_module.SiteUpdater.commit

    def deleted_first(self: write_module.SiteUpdater) -> None:
        shutil.rmtree(root / "_site")
        real_commit(self)

    monkeypatch.setattr(write_module.SiteUpdater, "commit", deleted_first)
    with pytest.raises(L2hError) as failed:
        build(root)
    assert str(failed.value) == (f"the site folder {root / '_site'} was deleted while the site was built; build again "
                                 "to write it anew")
    assert not (root / "_site").exists() and leftovers(root) == []
    monkeypatch.setattr(write_module.SiteUpdater, "commit", real_commit)
    assert build(root).written
    assert build(root, out_dir=root / "clean", use_cache=False).written
    assert snapshot(root / "_site") == snapshot(root / "clean")


def test_a_temporary_folder_of_a_process_that_is_gone_is_tidied_away_without_its_marker(site: Site) -> None:
    """A build killed before it wrote the marker into its temporary folder left it for good."""
    import subprocess
    import sys

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    dead = root / f"._site.l2h-tmp-{gone}"
    (dead / "papers" / "1999").mkdir(parents=True)
    (dead / "papers" / "1999" / "index.html").write_text("half a page")
    alive = root / f"._site.l2h-tmp-{os.getppid()}"  # a running process's: maybe a build that is not done
    (alive / "papers").mkdir(parents=True)
    (alive / "papers" / "index.html").write_text("a page")
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    assert build(root).written
    assert leftovers(root) == [alive.name]


@pytest.mark.parametrize(("out", "why"), [
    (".git/site", "it is inside .git, which git manages"),
    (".l2h-cache/site", "it is inside .l2h-cache, which l2h's build cache manages"),
    ("_site/inner", "it is inside the site in {root}/_site, whose next build would delete it"),
])
def test_an_output_folder_that_git_the_cache_or_another_site_owns_is_refused(site: Site, out: str, why: str) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    (root / ".git").mkdir()
    assert build(root).written
    with pytest.raises(L2hError) as refused:
        build(root, out_dir=root / out)
    assert str(refused.value).startswith(f"refusing to write the site to {root / out}: {why.format(root=root)}")
    assert not (root / out).exists()


def test_an_empty_folder_in_the_site_makes_it_out_of_date_and_goes(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    expected = snapshot(root / "_site")
    (root / "_site" / "stray" / "deeper").mkdir(parents=True)
    (root / "_site" / "papers" / "empty").mkdir()
    result = build(root)
    assert not result.unchanged
    assert not (root / "_site" / "stray").exists() and not (root / "_site" / "papers" / "empty").exists()
    assert snapshot(root / "_site") == expected and build(root).unchanged


def test_a_build_that_finds_the_site_up_to_date_still_tidies_what_a_stopped_update_left(site: Site) -> None:
    """A server stopped (Ctrl-C) while it staged pages leaves its staging folder beside the site; when the inputs are
    then as they were, the next build writes nothing, and removed nothing either: it now tidies it, as every build
    that writes does. A folder that is not l2h's (no marker, a running process's) is left alone."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER, "l2h.yml": "search: false\n"})
    assert build(root).written
    staged = root / "._site.l2h-new-999999999"  # a process id no system hands out
    (staged / "site/publications/weiss2008spectral").mkdir(parents=True)
    (staged / write_module.STAGING).write_text("", encoding="utf-8")
    (staged / "site/publications/weiss2008spectral/index.html").write_text("<p>half-staged</p>", encoding="utf-8")
    foreign = root / f"._site.l2h-new-{os.getpid()}-x"  # a running process's, without the marker
    (foreign / "keep").mkdir(parents=True)
    result = build(root)
    assert result.written and result.unchanged
    assert not staged.exists()
    assert (foreign / "keep").is_dir()
