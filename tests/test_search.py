"""The Pagefind full-text index: built in memory, written only by write.py, reproducible."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_PAPER, snapshot

from l2h_site import search
from l2h_site.build import build
from l2h_site.model import RenderedPage
from l2h_site.search import index_search, searchable_part

Site = Callable[[dict[str, str | bytes]], Path]

PAPER = GOOD_PAPER




def test_build_writes_a_pagefind_bundle_of_the_paper_pages_reproducibly(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER})
    first = build(root, out_dir=root / "one")
    second = build(root, out_dir=root / "two")
    assert first.written and second.written and not first.diagnostics
    one, two = snapshot(root / "one"), snapshot(root / "two")
    assert one == two
    bundle = sorted(path for path in one if path.startswith("pagefind/"))
    assert "pagefind/pagefind.js" in bundle and "pagefind/pagefind-entry.json" in bundle
    assert any(path.startswith("pagefind/fragment/") for path in bundle)
    assert not any(path.startswith(("pagefind/pagefind-ui.", "pagefind/playground/")) for path in bundle)
    entry = json.loads(one["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == 1  # only paper pages are indexed


def test_search_false_builds_no_index(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": PAPER, "l2h.yml": "search: false\n"})
    result = build(root, out_dir=root / "_site")
    assert result.written
    assert not (root / "_site/pagefind").exists()
    assert (root / "_site/papers/index.html").is_file()


def test_index_search_without_paper_pages_returns_nothing() -> None:
    assert index_search([RenderedPage("index.html", b"<html></html>")]) == ([], [])


def test_searchable_part_is_the_pagefind_body_with_its_nested_elements() -> None:
    page = (b'<!DOCTYPE html><html lang="en"><head><title>T</title><script>x</script></head><body><nav>menu</nav>'
            b'<div data-pagefind-body><h1>Title</h1><div class="a"><div>deep</div></div><p>after</p></div>'
            b'<section>cite</section><div>related</div></body></html>')
    part = searchable_part(page)
    assert b'<div data-pagefind-body><h1>Title</h1><div class="a"><div>deep</div></div><p>after</p></div>' in part
    assert b"menu" not in part and b"cite" not in part and b"related" not in part and b"<script>" not in part
    assert searchable_part(b"<html><body><p>no body marker</p></body></html>") == b"<html><body><p>no body marker</p></body></html>"
    unclosed = b"<html><body><div data-pagefind-body><p>cut short"
    assert searchable_part(unclosed) == unclosed


def test_the_index_of_slimmed_pages_links_to_the_real_pages(site: Site) -> None:
    second = PAPER.replace("Spectral Hashing", "Semantic Hashing").replace("eigenfunctions", "autoencoders")
    root = site({"papers/weiss2008spectral.md": PAPER, "papers/salakhutdinov2009semantic.md": second})
    result = build(root, write=False)
    pages = [RenderedPage(path, result.read(path)) for path in result.paths if path.startswith("publications/")]
    slim, problems = index_search(pages)
    run = search._Run(pages)  # Pagefind on the whole pages, as before slimming
    try:
        run.start().wait()
        whole = run.files()
    finally:
        run.close()
    assert not problems
    fragments = {p.path: p.content for p in slim if p.path.startswith("pagefind/fragment/")}
    assert fragments == {f"pagefind/{name}": content for name, content in whole if name.startswith("fragment/")}
    records = [json.loads(gzip.decompress(content)[len(b"pagefind_dcd"):]) for content in fragments.values()]
    assert sorted(r["url"] for r in records) == ["/publications/salakhutdinov2009semantic/",
                                                  "/publications/weiss2008spectral/"]
    spectral = next(r for r in records if "spectral" in r["url"])
    assert spectral["meta"]["title"] == "Spectral Hashing"
    assert "Yair Weiss" in spectral["content"] and "eigenfunctions" in spectral["content"]
    assert "Cite" not in spectral["content"]  # the BibTeX block is outside the indexed body
    assert "Scholar" not in spectral["content"]  # the links every page has would match every search


def test_the_index_has_the_words_of_a_title_and_summary_in_the_ascii_readers_type_for_them(site: Site) -> None:
    """A reader types "Goedel", "Weiss", "Aumueller" or "Soren" (Pagefind folds "é" to "e", not these): the paper's
    page gives the index those spellings of the title's and summary's words in an attribute, and shows them as written."""
    paper = PAPER.replace("Spectral Hashing", "Gödel Codes for Weiß").replace(
        "Codes from", "Extends Aumüller et al.'s benchmark with Søren's and Jégou's codes from")
    root = site({"papers/weiss2008spectral.md": paper})
    result = build(root, out_dir=root / "_site", use_cache=False)
    assert result.written and not result.diagnostics
    page = (root / "_site/publications/weiss2008spectral/index.html").read_text(encoding="utf-8")
    assert ('<h1 id="paper-title" data-pagefind-index-attrs="data-words" data-words="goedel weiss">Gödel Codes for '
            'Weiß</h1>') in page
    assert ('<section class="summary prose" aria-label="Summary" data-pagefind-index-attrs="data-words" '
            'data-words="aumueller soeren soren">\n    <p>Extends Aumüller et al.\'s benchmark') in page
    fragment = next((root / "_site/pagefind/fragment").iterdir())
    content = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["content"]
    assert content.startswith("goedel weiss. Gödel Codes for Weiß. Yair Weiss")  # what Pagefind indexed
    assert "aumueller soeren soren. Extends Aumüller et al.'s benchmark" in content


def test_a_large_review_is_indexed_in_bundles_each_cached_alone(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 5 papers: 3 bundles of at most about 2 pages
    papers = {f"papers/paper{n}2008spectral.md": PAPER.replace("Spectral Hashing", f"Spectral Hashing {n}")
              for n in range(5)}
    root = site(papers)
    result = build(root, out_dir=root / "_site")
    assert result.written  # (warnings only: these keys do not follow the author-year-word convention)
    files = snapshot(root / "_site")
    folders = sorted({path.split("/", 1)[0] for path in files if path.startswith("pagefind")})
    assert folders == ["pagefind", "pagefind-1", "pagefind-2"]
    # Only the first bundle carries Pagefind's script and WebAssembly (merged bundles use its); each has its index.
    assert "pagefind/pagefind.js" in files and "pagefind-1/pagefind.js" not in files
    assert all(f"{folder}/pagefind-entry.json" in files for folder in folders)
    assert sorted(path for path in files if "/wasm." in path) == ["pagefind/wasm.en.pagefind",
                                                                  "pagefind/wasm.unknown.pagefind"]
    urls = sorted(json.loads(gzip.decompress(content)[len(b"pagefind_dcd"):])["url"]
                  for path, content in files.items() if "/fragment/" in path)
    assert urls == [f"/publications/paper{n}2008spectral/" for n in range(5)]  # each paper in exactly one bundle
    ids = json.loads(files["papers/finder-search.json"])
    assert ids["bundles"] == ["pagefind-1/", "pagefind-2/"] and len(ids["digits"]) == 5 * ids["width"]
    # Editing one paper rebuilds its bundle only: the others come from the cache unchanged.
    calls: list[int] = []
    real = search._Run

    def counted(pages: Sequence[RenderedPage], number: int = 0, key: str = "") -> Any:
        calls.append(len(pages))
        return real(pages, number, key)

    monkeypatch.setattr(search, "_Run", counted)
    (root / "papers/paper32008spectral.md").write_text(PAPER.replace("eigenfunctions", "eigenvectors"), encoding="utf-8")
    assert build(root, out_dir=root / "_site").written
    assert len(calls) == 1
    after = snapshot(root / "_site")
    changed = sorted({p.split("/", 1)[0] for p in set(files) | set(after)
                      if p.startswith("pagefind") and files.get(p) != after.get(p)})
    assert len(changed) == 1


def test_the_dev_server_splits_the_search_into_smaller_bundles_and_a_build_puts_them_back(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """l2h serve indexes again only the edited paper's bundle after a save, so its bundles are small; the site
    `l2h build` writes after it has the published layout again (the option is part of the build's fingerprint)."""
    assert search.bundle_pages_for_editing(5_000) == 250 and search.bundle_pages_for_editing(20_000) == 625
    monkeypatch.setattr(search, "EDITING_PAGES", 2)  # 5 papers: 3 bundles in l2h serve, 1 otherwise
    root = site({f"papers/paper{n}2008spectral.md": PAPER.replace("Spectral Hashing", f"Spectral Hashing {n}")
                 for n in range(5)})

    def bundles() -> list[str]:
        return sorted(path.name for path in (root / "_site").iterdir() if path.name.startswith("pagefind"))

    assert build(root, out_dir=root / "_site", serving=True).written
    assert bundles() == ["pagefind", "pagefind-1", "pagefind-2"]
    assert json.loads((root / "_site/papers/finder-search.json").read_bytes())["bundles"] == ["pagefind-1/",
                                                                                               "pagefind-2/"]
    published = build(root, out_dir=root / "_site")
    assert published.written and not published.unchanged and bundles() == ["pagefind"]
    assert build(root, out_dir=root / "clean", use_cache=False).written
    served, clean = snapshot(root / "_site"), snapshot(root / "clean")
    served.pop(".l2h-site"), clean.pop(".l2h-site")  # each records its own output folder
    assert served == clean


def test_the_dev_server_reads_again_only_the_pages_whose_files_changed_to_key_the_bundles(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """l2h serve remembers the hash of each paper page's searchable part by what lstat() says of its file, so a
    rebuild reads and cuts down only the pages it wrote anew (at 5,000 papers reading them all took 0.2 s of each
    rebuild); the bundles are the ones a clean build makes."""
    from l2h_site.cache import FileHashes
    from l2h_site.serve import SiteBuilder

    monkeypatch.setattr(FileHashes, "RACY_NS", -1)  # the files of this test are seconds old, never "racily clean"
    root = site({f"papers/paper{n}2008spectral.md": PAPER.replace("Spectral Hashing", f"Spectral Hashing {n}")
                 for n in range(6)})
    cut: list[int] = []
    real = search.searchable_part

    def counted(page: bytes) -> bytes:
        cut.append(1)
        part: bytes = real(page)
        return part

    monkeypatch.setattr(search, "searchable_part", counted)
    builder = SiteBuilder(root=root, keep_warm=False)
    try:
        assert builder.rebuild().ok and len(cut) == 6
        cut.clear()
        (root / "templates" / "tags.html").write_text((root / "templates" / "tags.html").read_text() + "\n")
        outcome = builder.rebuild()  # every page is rendered again; the paper pages' files stay as they were
        assert outcome.ok and outcome.changed == 0 and cut == []
        pages = builder.output_dir() / "publications"

        def files() -> dict[str, int]:
            return {path.parent.name: path.stat().st_ino for path in pages.glob("*/index.html")}

        before = files()
        paper = root / "papers" / "paper32008spectral.md"
        paper.write_text(paper.read_text().replace("Spectral Hashing 3", "Spectral Hashing Three"))
        assert builder.rebuild().ok
        after = files()
        assert len(cut) == sum(before[key] != after[key] for key in after) >= 1  # the pages written anew, alone
    finally:
        builder.close()
    assert build(root, out_dir=root / "clean", use_cache=False, serving=True).written
    served, clean = snapshot(builder.output_dir()), snapshot(root / "clean")
    served.pop(".l2h-site"), clean.pop(".l2h-site")
    assert served == clean


def _papers(count: int) -> dict[str, str | bytes]:
    return {f"papers/paper{n}2008spectral.md": PAPER.replace("Spectral Hashing", f"Spectral Hashing {n}")
            for n in range(count)}


def test_the_next_bundle_is_written_while_pagefind_indexes_one_and_pagefind_runs_once_at_a_time(
        site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The build process writes a bundle's pages, and reads back and caches the bundle before, while Pagefind indexes
    (index_search): never two Pagefinds at once (each holds about 80 KB a page). With some bundles cached between
    the others, the site is the one a clean build makes, and no temporary folder is left."""
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 8 papers: 4 bundles
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(search, "_scratch_dir", lambda size: str(scratch))
    events: list[tuple[str, int]] = []
    numbers: dict[Any, int] = {}  # each run's folder of pages, and then its Pagefind, to its bundle's number
    real_run, real_start, real_wait = search._Run, search._start_pagefind, search._wait_pagefind

    def run(pages: Sequence[RenderedPage], number: int = 0, key: str = "") -> Any:
        made = real_run(pages, number, key)
        numbers[made.source] = number
        events.append(("written", number))
        return made

    def start(source: Path, bundle: Path) -> Any:
        events.append(("start", numbers[source]))
        process = real_start(source, bundle)
        numbers[process] = numbers[source]
        return process

    def wait(process: Any, progress: Any = search.QUIET) -> None:
        real_wait(process, progress)
        events.append(("end", numbers[process]))

    monkeypatch.setattr(search, "_Run", run)
    monkeypatch.setattr(search, "_start_pagefind", start)
    monkeypatch.setattr(search, "_wait_pagefind", wait)
    root = site(_papers(8))
    shards = search._shards([RenderedPage(f"publications/paper{n}2008spectral/index.html", b"") for n in range(8)], 2)
    bundles = len(shards)
    assert bundles >= 3
    assert build(root, out_dir=root / "_site").written
    assert [event for event in events if event[0] != "written"] == [
        (what, number) for number in range(bundles) for what in ("start", "end")]
    for number in range(1, bundles):  # written before the bundle before it was done
        assert events.index(("written", number)) < events.index(("end", number - 1))
    assert list(scratch.iterdir()) == []
    # Papers of the first and last bundles edited: those between come from the cache, Pagefind runs twice.
    for page in shards[0] + shards[-1]:
        paper = root / "papers" / f"{page.path.split('/')[1]}.md"
        paper.write_text(paper.read_text(encoding="utf-8").replace("eigenfunctions", "eigenvectors"), encoding="utf-8")
    events.clear()
    assert build(root, out_dir=root / "_site").written
    assert [event for event in events if event[0] != "written"] == [
        ("start", 0), ("end", 0), ("start", bundles - 1), ("end", bundles - 1)]
    assert build(root, out_dir=root / "clean", use_cache=False).written
    built, clean = snapshot(root / "_site"), snapshot(root / "clean")
    built.pop(".l2h-site"), clean.pop(".l2h-site")  # each records its own output folder
    assert built == clean
    assert list(scratch.iterdir()) == []


FAILING_PAGEFIND = """#!/bin/sh
count=$(cat "{count}" 2>/dev/null || echo 0)
echo $((count + 1)) > "{count}"
if [ "$count" -ge {runs} ]; then {fail}; fi
exec "{real}" "$@"
"""
"""Pagefind for the first `runs` runs, then a program that fails (fail: how)."""
BROKEN_INDEX = 'echo "index broken" >&2; exit 3'


def test_a_pagefind_killed_by_the_system_is_said_to_be_so(site: Site, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    """Killed (the kernel kills a process so when memory runs out), Pagefind was said to have "exited with -9", and
    the fix was to install it."""
    import pagefind_bin

    fake = tmp_path / "pagefind"
    fake.write_text(FAILING_PAGEFIND.format(count=tmp_path / "count", runs=0, real=pagefind_bin.get_executable(),
                                            fail="kill -9 $$"), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: fake)
    root = site(_papers(2))
    result = build(root, out_dir=root / "_site")
    assert result.written
    message = ("full-text search was not built: Pagefind failed: OSError: pagefind was killed by SIGKILL (the system "
               "ends a process so when memory runs out); the papers page filters titles, authors and tags only")
    hint = ("build again; if Pagefind fails again, reinstall it (pip install --force-reinstall 'pagefind[bin]'), or set "
            "search: false in l2h.yml")
    assert [(d.message, d.hint) for d in result.diagnostics if d.code == "search-unavailable"] == [(message, hint)]
    assert not any(path.name.startswith("pagefind") for path in (root / "_site").iterdir())


@pytest.mark.parametrize("runs", [0, 1, 2])
def test_a_pagefind_that_fails_leaves_a_site_without_search_a_warning_and_no_temporary_folder(
        runs: int, site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pagefind failing on the first bundle, or on a later one while the build process writes the next, is a warning
    that names it; the site is built without search, nothing of Pagefind's is left running or on disk."""
    import pagefind_bin

    fake, count = tmp_path / "pagefind", tmp_path / "count"
    fake.write_text(FAILING_PAGEFIND.format(count=count, runs=runs, real=pagefind_bin.get_executable(),
                                            fail=BROKEN_INDEX), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: fake)
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 6 papers: 3 bundles
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(search, "_scratch_dir", lambda size: str(scratch))
    runs_made: list[Any] = []  # held, so that no folder is removed only when its run is garbage
    real = search._Run

    def held(pages: Sequence[RenderedPage], number: int = 0, key: str = "") -> Any:
        runs_made.append(real(pages, number, key))
        return runs_made[-1]

    monkeypatch.setattr(search, "_Run", held)
    root = site(_papers(6))
    result = build(root, out_dir=root / "_site")
    assert result.written
    warnings = [d for d in result.diagnostics if d.code == "search-unavailable"]
    assert len(warnings) == 1 and "Pagefind failed" in warnings[0].message and "index broken" in warnings[0].message
    assert int(count.read_text()) == runs + 1  # no Pagefind started after the one that failed
    assert not any(path.name.startswith("pagefind") for path in (root / "_site").iterdir())
    assert (root / "_site/publications/paper02008spectral/index.html").is_file()
    assert list(scratch.iterdir()) == [] and all(run.process is None or run.process.returncode is not None
                                                  for run in runs_made)
