"""The build cache: an incremental build is byte-identical to a clean one, whatever was edited.

Run the property test longer with L2H_CACHE_EXAMPLES=200 python -m pytest tests/test_cache.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import GOOD_PAPER, git, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import l2h_site.build as build_module
import l2h_site.cache as cache_module
import l2h_site.render as render_module
from l2h_site import markup
from l2h_site.build import BuildResult, build
from l2h_site.cache import BuildCache, Memo, PageStore
from l2h_site.context import PaperView
from l2h_site.discover import discover_papers, reads_as_paper
from l2h_site.model import Paper
from l2h_site.stats import _compute_map, topic_map
from l2h_site.vectors import PaperVectors

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "sites" / "golden"

EXTRA = {
    "gong2011iterative": ("Iterative Quantization", "Yunchao Gong, Svetlana Lazebnik", 2011, "unsupervised",
                          "A rotation of PCA-projected data makes binary codes lose less information."),
    "norouzi2011minimal": ("Minimal Loss Hashing for Compact Binary Codes", "Mohammad Norouzi, David J. Fleet", 2011,
                           "supervised", "A hinge-like loss on Hamming distances learns codes from similar pairs."),
    "kulis2009learning": ("Learning to Hash with Binary Reconstructive Embeddings", "Brian Kulis, Trevor Darrell",
                          2009, "unsupervised", "Codes whose Hamming distances reconstruct the original distances."),
}


def paper_text(key: str, title: str, authors: str, year: int, family: str, summary: str) -> str:
    return (f"---\ntitle: {title}\nauthors: {authors}\nyear: {year}\nadded: 2024-03-01\ntags: [Image Retrieval]\n"
            f"family: {family}\nmodality: [image]\n---\n{summary}\n")


def make_site(tmp: Path) -> Path:
    root = tmp / "review"
    shutil.copytree(GOLDEN, root, ignore=shutil.ignore_patterns("expected", ".l2h-cache"))
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    # list_limit 2: the year, tag and facet lists of these 5+ papers run over several pages, each cached alone.
    (root / "l2h.yml").write_text("title: Cache Review\nbase_url: https://cache.example.org/\nlist_limit: 2\n")
    for key, fields in EXTRA.items():
        (root / "papers" / f"{key}.md").write_text(paper_text(key, *fields))
    return root




def papers_of(root: Path) -> list[Path]:
    return sorted((root / "papers").iterdir())


def edit_summary(root: Path, n: int) -> None:
    path = papers_of(root)[n % len(papers_of(root))]
    path.write_bytes(path.read_bytes() + f"\nAn added sentence about hashing number {n}.\n".encode())


def edit_title(root: Path, n: int) -> None:
    path = papers_of(root)[n % len(papers_of(root))]
    text = path.read_bytes().decode()
    path.write_bytes(text.replace("title: ", f"title: Revised {n} ", 1).encode())


def add_paper(root: Path, n: int) -> None:
    key = f"smith20{10 + n % 10}hashing{n}"
    (root / "papers" / f"{key}.md").write_text(paper_text(
        key, f"Hashing Study {n}", "Ann Smith", 2010 + n % 10, "supervised", f"Study {n} of learned binary codes."))


def delete_paper(root: Path, n: int) -> None:
    papers = papers_of(root)
    if len(papers) > 2:
        papers[n % len(papers)].unlink()


def rename_paper(root: Path, n: int) -> None:
    """Rename a paper; every other time, as a maintainer would, keep its old address (a redirect page)."""
    path = papers_of(root)[n % len(papers_of(root))]
    renamed = path.with_name(path.stem + "b" + path.suffix)
    path.rename(renamed)
    if n % 2 == 0:
        text = renamed.read_bytes().decode()  # as bytes: the legacy file keeps its CRLF line endings
        if "former_keys: [" in text:
            text = text.replace("former_keys: [", f"former_keys: [{path.stem}, ", 1)
        else:
            text = text.replace("\ntitle: ", f"\nformer_keys: [{path.stem}]\ntitle: ", 1)
        renamed.write_bytes(text.encode())


def forget_former_keys(root: Path, n: int) -> None:
    """Drop a paper's old addresses: their redirect pages go."""
    with_former = [path for path in papers_of(root) if "former_keys: [" in path.read_text()]
    if with_former:
        path = with_former[n % len(with_former)]
        lines = path.read_bytes().decode().splitlines(keepends=True)
        path.write_bytes("".join(line for line in lines if not line.startswith("former_keys: [")).encode())


def edit_template(root: Path, n: int) -> None:
    path = root / "templates" / "404.html"
    path.write_text(path.read_text() + f"{{# edit {n} #}}<!-- {n} -->\n")


def edit_static(root: Path, n: int) -> None:
    path = root / "static" / "style.css"
    path.write_text(path.read_text() + f"/* edit {n} */\n")


def edit_taxonomy(root: Path, n: int) -> None:
    path = root / "taxonomy.yml"
    path.write_text(path.read_text().replace("description: Retrieval of images.",
                                             f"description: Retrieval of images ({n}).", 1)
                    .replace(f"description: Retrieval of images ({n - 1}).", f"description: Retrieval of images ({n})."))


def edit_venues(root: Path, n: int) -> None:
    """Name the golden paper's venue, NeurIPS, otherwise (NIPS, or in full), or not."""
    path = root / "taxonomy.yml"
    text = path.read_text().split("venues:\n")[0]
    named = ["", "NIPS", "Neural Information Processing Systems"][n % 3]
    path.write_text(text + (f"venues:\n  {named}:\n    aliases: [NeurIPS]\n" if named else ""))


def edit_config(root: Path, n: int) -> None:
    (root / "l2h.yml").write_text(f"title: Cache Review {n}\nbase_url: https://cache.example.org/\n")


def edit_resources(root: Path, n: int) -> None:
    path = root / "resources.md"
    if n % 3 == 0:
        path.unlink(missing_ok=True)
    else:
        path.write_text(f"# Resources\n\nA list, version {n}.\n")


def tamper_site(root: Path, n: int) -> None:
    """Change a written page in place: the cache keeps pages as hard links to the site's files."""
    pages = sorted((root / "_site" / "publications").glob("*/index.html")) if (root / "_site").is_dir() else []
    if pages:
        with pages[n % len(pages)].open("r+b") as handle:
            handle.write(b"<!-- hand edit -->")


def tamper_site_folders(root: Path, n: int) -> None:
    """Delete a written page, add a stray file and an empty folder in the site: the next build puts the page back and
    removes the others."""
    pages = sorted((root / "_site" / "publications").glob("*/index.html")) if (root / "_site").is_dir() else []
    if pages:
        pages[n % len(pages)].unlink()
        (pages[(n + 1) % len(pages)].parent / "stray.html").write_text("stray")
        (root / "_site" / "tags" / f"empty{n}").mkdir(parents=True, exist_ok=True)


def damage_cache(root: Path, n: int) -> None:
    """Lose or garble parts of the cache: an entry that cannot be trusted is a miss, never wrong output."""
    cache = root / ".l2h-cache"
    if not cache.is_dir():
        return
    entries = sorted(p for p in (cache / "pages").glob("*") if p.name != "index.json") if (cache / "pages").is_dir() else []
    if entries:
        entries[n % len(entries)].unlink()
    for memo in ("papers.pickle", "exports.pickle"):
        if (cache / memo).is_file():
            (cache / memo).write_bytes(b"garbage" if n % 2 else b"")
    compiled = sorted((cache / "templates").rglob("*.cache")) if (cache / "templates").is_dir() else []
    if compiled:  # a compiled template cut short after Jinja's header, or replaced by garbage
        damaged = compiled[n % len(compiled)]
        damaged.write_bytes(damaged.read_bytes()[:12] if n % 2 else b"garbage")
    bundles = sorted(cache.glob("pagefind-*/*.files"))
    if bundles:  # a stored search bundle cut short, or replaced by a pickle of something else
        damaged = bundles[n % len(bundles)]
        damaged.write_bytes(damaged.read_bytes()[:100] if n % 2 else pickle.dumps([("pagefind.js", "not bytes")]))


OPERATIONS: list[Callable[[Path, int], None]] = [
    edit_summary, edit_title, add_paper, delete_paper, rename_paper, forget_former_keys, edit_template, edit_static,
    edit_taxonomy, edit_venues, edit_config, edit_resources, tamper_site, tamper_site_folders, damage_cache]


def assert_incremental_equals_clean(root: Path, tmp: Path, step: int, cache: BuildCache | None = None) -> BuildResult:
    incremental = build(root, out_dir=root / "_site", cache=cache)
    clean = build(root, out_dir=tmp / f"clean{step}", use_cache=False)
    assert incremental.written == clean.written
    assert [d.code for d in incremental.diagnostics] == [d.code for d in clean.diagnostics]
    if clean.written:
        a, b = snapshot(root / "_site"), snapshot(tmp / f"clean{step}")
        # the marker records each build's fingerprint, which includes its output folder
        assert b"build: " in a.pop(".l2h-site") and b"build: " in b.pop(".l2h-site")
        assert sorted(a) == sorted(b)
        assert [name for name in a if a[name] != b[name]] == []
    shutil.rmtree(tmp / f"clean{step}", ignore_errors=True)
    return incremental


def test_stored_files_are_one_file_per_entry_and_a_damaged_one_is_a_miss(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    files = [("pagefind.js", b"js"), ("fragment/en_1.pf_fragment", bytes(range(256)))]
    for number in range(6):
        cache.put_files("pagefind-0", f"key{number}", files)
        os.utime(tmp_path / ".l2h-cache" / "pagefind-0" / f"key{number}.files", (number, number))
    stored = tmp_path / ".l2h-cache" / "pagefind-0"
    assert sorted(p.name for p in stored.iterdir()) == [f"key{n}.files" for n in range(1, 6)]  # 4 older kept
    assert cache.get_files("pagefind-0", "key5") == files
    assert cache.get_files("pagefind-0", "key0") is None
    entry = stored / "key5.files"
    entry.write_bytes(entry.read_bytes()[:-3])
    assert cache.get_files("pagefind-0", "key5") is None
    for foreign in ({"pagefind.js": b"js"}, [("pagefind.js", "text")], [("a", b"b", b"c")], [(b"a", b"b")]):
        entry.write_bytes(pickle.dumps(foreign))
        assert cache.get_files("pagefind-0", "key5") is None
    assert BuildCache(None).get_files("pagefind-0", "key5") is None


def test_the_memo_file_keeps_entries_and_reads_a_foreign_or_cut_file_as_empty_or_shorter(tmp_path: Path) -> None:
    memo = Memo(BuildCache(tmp_path), "papers")
    memo.begin()
    for i in range(3):
        memo.put(f"key{i}", ("value", i, {"shared": [i]}))
    memo.save()
    path = tmp_path / ".l2h-cache" / "papers.pickle"
    again = Memo(BuildCache(tmp_path), "papers")
    assert again.entries == {f"key{i}": ("value", i, {"shared": [i]}) for i in range(3)}
    data = path.read_bytes()
    path.write_bytes(data[:-5])  # an entry cut short is dropped, the whole ones before it are kept
    assert Memo(BuildCache(tmp_path), "papers").entries == {f"key{i}": ("value", i, {"shared": [i]}) for i in range(2)}
    path.write_bytes(pickle.dumps({"key0": "from an older l2h"}))
    assert Memo(BuildCache(tmp_path), "papers").entries == {}
    memo.release()
    assert memo.entries == memo.used == {} and memo._file is None  # nor the keys the file holds (11 MB at 20,000)


def _digests_made(monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, ...]], Callable[..., str]]:
    """The parts of each digest the cache makes from now on, in order, and the real digest()."""
    hashed: list[tuple[Any, ...]] = []
    real = cache_module.digest

    def counted(*parts: Any) -> str:
        hashed.append(parts)
        return real(*parts)

    monkeypatch.setattr(cache_module, "digest", counted)
    return hashed, real


def test_a_memo_kept_between_builds_remembers_each_key_by_all_its_parts_for_one_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed, real = _digests_made(monkeypatch)
    memo = Memo(BuildCache(tmp_path, save_later=True), "summaries")  # as l2h serve keeps it
    parts = [("summary", "A text."), ("summary", "Another text."), ("title", "A text."), ("parse", "x", ("a", "b"))]
    assert [memo.key(*p) for p in parts] == [real(*p) for p in parts] and hashed == parts
    hashed.clear()
    assert [memo.key(*p) for p in parts] == [real(*p) for p in parts] and hashed == []  # remembered
    # Each part counts: a text, a kind or a tuple that differs in one place is hashed, never taken for another.
    others = [("summary", "A text!"), ("summary ", "A text."), ("parse", "x", ("a", "c")), ("parse", "x", ("a",))]
    assert [memo.key(*p) for p in others] == [real(*p) for p in others] and hashed == others
    # Saving ends a build: the next remembers only the keys this build made.
    memo.save()
    hashed.clear()
    memo.key(*parts[0])
    memo.save()  # this build made one key
    memo.key(*parts[0]), memo.key(*parts[1])
    assert hashed == [parts[1]]
    # A one-off build's memo remembers nothing: its memory is let go of before the pages are rendered.
    once = Memo(BuildCache(tmp_path), "summaries")
    hashed.clear()
    assert once.key(*parts[0]) == once.key(*parts[0]) == real(*parts[0]) and hashed == [parts[0]] * 2


def test_the_dev_servers_writing_of_the_memos_keeps_the_keys_the_last_build_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # l2h serve writes the memos after each build (BuildCache.save_memos: save(now=True)); that ends no build, so the
    # keys remembered for the next are still the last build's (writing them had left none: every paper's text was
    # hashed again after each edit, 20,000 hashes at 5,000 papers).
    hashed, real = _digests_made(monkeypatch)
    cache = BuildCache(tmp_path, save_later=True)
    memo = cache.memo("summaries")
    parts = [("summary", "A text."), ("title", "A title.")]
    assert [memo.key(*p) for p in parts] == [real(*p) for p in parts]
    memo.save()  # the build ends
    cache.save_memos()  # and the server writes what it kept
    hashed.clear()
    memo = cache.memo("summaries")  # the next build
    assert [memo.key(*p) for p in parts] == [real(*p) for p in parts] and hashed == []


def test_a_page_store_kept_between_builds_remembers_each_key_by_all_its_parts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed, real = _digests_made(monkeypatch)
    cache = BuildCache(tmp_path, save_later=True)  # as l2h serve keeps it
    parts = [("publications/a/index.html", "paper.html", "d1"), ("tags/x/index.html", "tag.html", "d2")]
    store = PageStore(cache, "inputs")
    assert [store.key(*p) for p in parts] == [real("page", "inputs", *p) for p in parts]
    assert store.digest("a", "b") == real("a", "b")
    hashed.clear()
    store = PageStore(cache, "inputs")  # the next build
    assert [store.key(*p) for p in parts] == [real("page", "inputs", *p) for p in parts] and hashed == []
    # Each part counts, the site-wide inputs too.
    changed = PageStore(cache, "other inputs")
    assert changed.key(*parts[0]) == real("page", "other inputs", *parts[0])
    assert changed.key("publications/a/index.html", "paper.html", "d3") == real(
        "page", "other inputs", "publications/a/index.html", "paper.html", "d3")
    assert len(hashed) == 2
    # A one-off build's store remembers nothing.
    once = PageStore(BuildCache(tmp_path), "inputs")
    hashed.clear()
    assert once.key(*parts[0]) == once.key(*parts[0]) and len(hashed) == 2


def _paths_looked_at(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, where: Callable[[Any], bool]) -> list[Any]:
    """The paths given to owner.name (os.stat, Path.stat, ...) from now on that where() selects, in order."""
    looked: list[Any] = []
    real = getattr(owner, name)

    def counted(path: Any, *args: Any, **kwargs: Any) -> Any:
        if where(path):
            looked.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return looked


def test_a_paper_page_that_is_the_stores_own_file_is_not_looked_at_again_unless_changed_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page store keeps each page as a hard link to the site's file: when the site's file (listed by the site
    # updater) is the stored file, of the size and modification time it had when stored, neither is looked at again.
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    looked = _paths_looked_at(monkeypatch, os, "stat", lambda path: f"{os.sep}pages{os.sep}" in str(path))
    (root / "_site" / "index.html").write_text("tampered")  # the site is not current: it is updated, nothing edited
    result = assert_incremental_equals_clean(root, tmp_path, 1, cache)
    assert result.reused >= 5 and looked == []
    # A paper page changed in place (its size kept): the stored file is that file, so it is rendered again.
    page = root / "_site" / "publications" / "gong2011iterative" / "index.html"
    with page.open("r+b") as handle:
        handle.write(b"<!-- hand edit -->")
    result = assert_incremental_equals_clean(root, tmp_path, 2, cache)
    assert b"hand edit" not in result.read("publications/gong2011iterative/index.html")
    assert len({str(path) for path in looked}) == 1  # that page's stored file (found changed, then stored anew)


def _memo_build(memo: Memo, keys: list[str], now: bool = False) -> None:
    """One build that uses these entries (each key's value is derived from the key, as a content hash's would be)."""
    memo.begin()
    for key in keys:
        if memo.get(key) is None:
            memo.put(key, ("value of", key))
    memo.save()
    if now:
        memo.save(now=True)


def test_a_memo_file_gets_what_changed_appended_and_is_written_whole_when_mostly_gone(tmp_path: Path) -> None:
    # After one edit, the memos' files get that edit's entries appended (at 20,000 papers the papers' memo alone took
    # 0.5-0.7 s to write whole); what a fresh build reads is always exactly what the last build kept.
    path = tmp_path / ".l2h-cache" / "papers.pickle"
    memo = Memo(BuildCache(tmp_path), "papers")
    keys = [f"key{i}" for i in range(10)]
    _memo_build(memo, keys)
    first = path.read_bytes()
    inode = path.stat().st_ino

    def read() -> dict[str, Any]:
        entries: dict[str, Any] = Memo(BuildCache(tmp_path), "papers").entries
        return entries

    assert read() == {key: ("value of", key) for key in keys}
    keys[3] = "edited3"  # an edit: one entry gone, one new
    _memo_build(memo, keys)
    assert path.stat().st_ino == inode and path.read_bytes().startswith(first) and len(path.read_bytes()) > len(first)
    assert read() == {key: ("value of", key) for key in keys}
    # A build that loaded the file appends to it too, and the dev server's memos (saved later) as well.
    again = Memo(BuildCache(tmp_path), "papers")
    keys[4] = "edited4"
    _memo_build(again, keys)
    served = Memo(BuildCache(tmp_path, save_later=True), "papers")
    keys[5] = "edited5"
    _memo_build(served, keys)
    assert "key5" in read() and "edited5" not in read()  # not written before it is told to save now
    _memo_build(served, keys, now=True)
    assert path.stat().st_ino == inode and read() == {key: ("value of", key) for key in keys}
    # Once the file would hold more records of entries gone than kept, it is written whole again.
    _memo_build(served, keys[:2], now=True)
    assert path.stat().st_ino != inode and len(path.read_bytes()) < len(first)
    assert read() == {key: ("value of", key) for key in keys[:2]}


def test_a_memo_file_another_build_replaced_or_that_was_cut_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / ".l2h-cache" / "papers.pickle"
    served = Memo(BuildCache(tmp_path, save_later=True), "papers")
    _memo_build(served, ["a", "b", "c"], now=True)
    other = Memo(BuildCache(tmp_path), "papers")  # an l2h build beside the server
    _memo_build(other, ["a", "b", "x"])
    _memo_build(served, ["a", "b", "d"], now=True)  # appended to the other build's file, "x" would stay, "c" not
    assert Memo(BuildCache(tmp_path), "papers").entries == {key: ("value of", key) for key in "abd"}
    # A file cut short (a build killed while appending) keeps its whole entries, and is then written whole: records
    # appended after the cut would never be read.
    _memo_build(served, ["a", "b", "d", "e"], now=True)
    path.write_bytes(path.read_bytes()[:-3])
    cut = Memo(BuildCache(tmp_path), "papers")
    assert cut.entries == {key: ("value of", key) for key in "abd"}
    inode = path.stat().st_ino
    _memo_build(cut, ["a", "f"])
    assert path.stat().st_ino != inode  # a new file, renamed into place
    assert Memo(BuildCache(tmp_path), "papers").entries == {key: ("value of", key) for key in "af"}


def test_a_memo_written_by_other_code_of_l2h_is_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # every key holds CODE_VERSION, so none of its entries could be used: loading them only took memory
    memo = Memo(BuildCache(tmp_path), "papers")
    memo.put("key", "value")
    memo.save()
    assert Memo(BuildCache(tmp_path), "papers").entries == {"key": "value"}
    monkeypatch.setattr(cache_module, "CODE_VERSION", "another l2h")
    assert Memo(BuildCache(tmp_path), "papers").entries == {}


def test_the_page_index_of_other_code_of_l2h_is_not_loaded_and_its_pages_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    assert build(root).written
    pages = root / ".l2h-cache" / "pages"
    stored = {p.name for p in pages.iterdir()} - {"index.json"}
    assert stored and PageStore(BuildCache(root), "inputs").index.keys() == stored
    monkeypatch.setattr(cache_module, "CODE_VERSION", "another l2h")  # its keys could not match: not held
    assert PageStore(BuildCache(root), "inputs").index == {}
    monkeypatch.undo()
    (root / "l2h.yml").write_text((root / "l2h.yml").read_text().replace("Cache Review", "Other Review"))
    again = build(root)  # every page changes: none of the stored ones is used, and they are deleted
    assert again.written and again.reused == 0
    assert not stored & {p.name for p in pages.iterdir()}


def test_a_one_off_build_lets_go_of_the_parsed_papers_memo_before_the_summaries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    build(root)  # fills both memos
    seen: list[tuple[int, int]] = []
    real = build_module._context

    def context(check: Any, cache: BuildCache | None, *rest: Any) -> Any:
        assert cache is not None
        seen.append((len(cache.memo("papers").entries), len(cache.memo("summaries").entries)))
        return real(check, cache, *rest)

    monkeypatch.setattr(build_module, "_context", context)
    edit_summary(root, 1)
    assert build(root).written
    assert len(seen) == 1 and seen[0][0] == 0 and seen[0][1] > 0, seen  # saved and released; summaries loaded


def test_an_edit_renders_only_the_edited_title_and_summary_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    assert build(root).written
    rendered: list[str] = []
    monkeypatch.setattr(markup, "render_inline", lambda text: rendered.append(text) or markup.sanitise(text))
    monkeypatch.setattr(markup.MarkdownRenderer, "render", lambda self, text: rendered.append(text) or markup.Rendered("<p></p>", ""))
    path = root / "papers" / "gong2011iterative.md"
    path.write_text(path.read_text().replace("title: Iterative Quantization", "title: Iterative Quantisation")
                    + "A second sentence.\n")
    again = build(root)
    assert again.written, again.diagnostics
    assert sorted(rendered) == sorted(["Iterative Quantisation", EXTRA["gong2011iterative"][4] + "\nA second sentence."])


def test_every_kind_of_edit_in_turn(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    assert_incremental_equals_clean(root, tmp_path, 0)
    reused, written = {}, {}
    for step, operation in enumerate(OPERATIONS, start=1):
        operation(root, step)
        result = assert_incremental_equals_clean(root, tmp_path, step)
        reused[operation.__name__] = result.reused
        written[operation.__name__] = result.page_count
    # An edited paper re-renders its own page and the pages listing or relating it; the rest is reused.
    assert 0 < reused["edit_summary"] < written["edit_summary"]
    assert reused["edit_template"] == 0, "a template edit re-renders every page"
    assert any((root / ".l2h-cache" / kind).is_dir() for kind in ("build", "pagefind", "topic-map"))
    assert list((root / ".l2h-cache" / "templates").rglob("*.cache")), "compiled templates are kept"


def test_compiled_templates_that_cannot_be_kept_cost_only_their_compilation(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path)
    (root / ".l2h-cache").mkdir()
    (root / ".l2h-cache" / "templates").write_text("a file where the folder would go")
    assert_incremental_equals_clean(root, tmp_path, 0)
    (root / ".l2h-cache" / "templates").unlink()

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    # How Jinja writes a compiled template; the build's own files are written otherwise.
    monkeypatch.setattr("jinja2.bccache.tempfile", SimpleNamespace(NamedTemporaryFile=full_disk))
    edit_template(root, 1)
    assert_incremental_equals_clean(root, tmp_path, 1)
    assert not list((root / ".l2h-cache" / "templates").rglob("*.cache"))
    monkeypatch.undo()
    # Compiled by another version of l2h or Jinja, or with other settings: not read, and deleted.
    foreign = root / ".l2h-cache" / "templates" / "0123456789abcdef"
    foreign.mkdir()
    for name in [p.name for p in (root / "templates").iterdir()]:
        (foreign / f"{name}.cache").write_bytes(b"compiled elsewhere")
    edit_template(root, 2)
    assert_incremental_equals_clean(root, tmp_path, 2)
    assert not foreign.exists() and list((root / ".l2h-cache" / "templates").rglob("*.cache"))


def test_a_cache_kept_in_memory_across_rebuilds_as_in_the_dev_server(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # As l2h serve keeps it: memos written after each build, cards and file hashes kept in memory. Every file
    # edited here was written within a second of being hashed, which FileHashes would read again each time:
    # trusted here, so that this test goes through its memory (a build takes longer than a clock tick).
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    for step, operation in enumerate(OPERATIONS + OPERATIONS[::-1], start=1):
        operation(root, step)
        assert_incremental_equals_clean(root, tmp_path, step, cache)
        cache.save_memos()
    assert cache.cards and cache.hashes.known and cache.views and cache.bundles and cache.search_ids


def test_a_paper_tagged_by_an_alias_keeps_its_canonical_tag_on_each_rebuild_of_the_dev_server(tmp_path: Path) -> None:
    # The check keeps the parsed paper itself when its tags are canonical as written, and a copy with the canonical
    # ones otherwise: also when its validation comes from the memo kept since the last build.
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    for step in range(3):
        result = assert_incremental_equals_clean(root, tmp_path, step, cache)
        cache.save_memos()
        tags = {paper.key: paper.tags for paper in result.check.papers}
        assert (tags["doe2019learning"], tags["weiss2008spectral"]) == (("Transformers",), ("Image Retrieval",))
        page = (root / "_site" / "publications" / "doe2019learning" / "index.html").read_text()
        assert 'href="../../tags/transformers/">Transformers</a>' in page
        edit_summary(root, 4)  # another paper: the aliased one is validated from the memo


def test_a_paper_whose_venue_has_another_name_in_the_taxonomy_keeps_it_on_each_rebuild(tmp_path: Path) -> None:
    # as for a tag's alias (above): the venue is what validation changes too, also when it comes from the memo; and
    # a rebuild after the venues are named otherwise shows them so, as a clean build does
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    names = [(1, "NIPS"), (1, "NIPS"), (0, "NeurIPS"), (0, "NeurIPS"), (2, "Neural Information Processing Systems")]
    for step, (n, shown) in enumerate(names):
        edit_venues(root, n)
        result = assert_incremental_equals_clean(root, tmp_path, step, cache)
        cache.save_memos()
        assert {paper.key: paper.venue for paper in result.check.papers}["weiss2008spectral"] == shown
        page = (root / "_site" / "publications" / "weiss2008spectral" / "index.html").read_text()
        assert re.search(f'<p class="venue"[^>]*>{shown} 2008</p>', page)  # (its other names: for the search index)
        edit_summary(root, 4 + step)  # another paper: the named one is validated from the memo


def test_a_view_equal_to_the_last_builds_keeps_its_digest_but_not_extra_front_matter_that_only_compares_equal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[bytes] = []
    real = hashlib.sha256

    def sha256(data: bytes) -> Any:
        hashed.append(data)
        return real(data)

    monkeypatch.setattr(render_module, "hashlib", SimpleNamespace(sha256=sha256))
    paper = Paper(key="a2020x", source="x", title="T", authors=("A B",), year=2020, extra={"legacy": 1})
    view = PaperView(paper=paper, title_html="T", title_text="T", summary_html="<p>S</p>", url="publications/a2020x/")
    kept: dict[str, tuple[Any, str]] = {}
    first = render_module._view_digests(SimpleNamespace(papers=(view,)), kept)
    assert kept == {"a2020x": (view, first["a2020x"])} and len(hashed) == 1
    # The same view made anew (l2h serve's next build): its digest is the last one's, not hashed again.
    again = dataclasses.replace(view, paper=dataclasses.replace(paper, extra={"legacy": 1}))
    assert render_module._view_digests(SimpleNamespace(papers=(again,)), kept) == first
    assert len(hashed) == 1 and kept["a2020x"][0] is again
    # legacy: true == 1 in Python, but templates show it otherwise: hashed again, as a build without kept views does.
    changed = dataclasses.replace(view, paper=dataclasses.replace(paper, extra={"legacy": True}))
    digests = render_module._view_digests(SimpleNamespace(papers=(changed,)), kept)
    assert digests != first and digests == render_module._view_digests(
        SimpleNamespace(papers=(changed,)))
    # A summary edited: hashed again.
    edited = dataclasses.replace(changed, summary_html="<p>S.</p>")
    assert render_module._view_digests(SimpleNamespace(papers=(edited,)), kept) != digests


def _files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read from now on (Path.read_bytes, and FileHashes' own reads), in order."""
    reads: list[str] = []
    real = Path.read_bytes
    real_read: Callable[[str | Path], bytes] = cache_module._read

    def read_bytes(self: Path) -> bytes:
        reads.append(self.name)
        return real(self)

    def read(path: str | Path) -> bytes:
        reads.append(os.path.basename(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(cache_module, "_read", read)
    return reads


def test_file_hashes_read_a_file_again_only_when_it_changed_or_may_have(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _files_read(monkeypatch)
    paper, target = tmp_path / "paper.md", tmp_path / "target.md"
    paper.write_bytes(b"first")
    target.write_bytes(b"pointed at")
    (tmp_path / "link.md").symlink_to(target)
    hashes = cache_module.FileHashes()
    for _ in range(2):  # just written: it may change again within the same tick of the file system's clock
        assert hashes.of(paper) == hashlib.sha256(b"first").hexdigest()
    assert reads == ["paper.md", "paper.md"] and not hashes.known
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)  # as if written long ago
    reads.clear()
    assert [hashes.of(paper) for _ in range(3)] == [hashlib.sha256(b"first").hexdigest()] * 3
    assert reads == ["paper.md"]
    paper.write_bytes(b"second, longer")
    assert hashes.of(paper) == hashlib.sha256(b"second, longer").hexdigest() and reads == ["paper.md", "paper.md"]
    # A link is hashed with what it points at, every time: that file may change without the link changing.
    link = hashes.of(tmp_path / "link.md")
    target.write_bytes(b"pointed at, changed")
    assert hashes.of(tmp_path / "link.md") not in (link, hashlib.sha256(b"pointed at, changed").hexdigest())
    # files_digest: every file and link under a folder, in order of their paths, with these hashes.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_bytes(b"a")
    (tmp_path / "sub-b.md").write_bytes(b"b")
    assert [name for name, _ in cache_module.files_digest([tmp_path], tmp_path, hashes)] == [
        "link.md", "paper.md", "sub/a.md", "sub-b.md", "target.md"]
    assert dict(cache_module.files_digest([tmp_path], tmp_path, hashes))["paper.md"] == hashes.of(paper)
    # Given every source, it forgets the files that are gone (a long l2h serve session deletes and renames some).
    assert str(paper) in hashes.known
    paper.unlink()
    cache_module.files_digest([tmp_path], tmp_path, hashes)
    assert str(paper) in hashes.known
    cache_module.files_digest([tmp_path], tmp_path, hashes, forget_others=True)
    assert str(paper) not in hashes.known and str(tmp_path / "sub-b.md") in hashes.known


def test_the_dev_server_reads_only_the_changed_papers_and_renders_only_their_cards(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)  # see the test above
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert build(root, cache=cache).written
    cache.save_memos()
    reads = _files_read(monkeypatch)
    cards: list[str] = []
    keep = render_module._Renderer._keep_card

    def kept(self: Any, depth: int, view: Any, html: Any) -> Any:
        cards.append(view.paper.key)
        return keep(self, depth, view, html)

    monkeypatch.setattr(render_module._Renderer, "_keep_card", kept)
    path = root / "papers" / "gong2011iterative.md"
    path.write_text(path.read_text().replace("year: 2011", "year: 2012"))
    assert build(root, cache=cache).written
    assert {name for name in reads if name.endswith(".md")} == {"gong2011iterative.md"}  # hashed, then parsed
    assert cards and set(cards) == {"gong2011iterative"}  # at each depth its lists are on
    cache.save_memos()
    # Memos are kept in memory and written when the dev server says so.
    memo = root / ".l2h-cache" / "papers.pickle"
    written = memo.stat().st_mtime_ns
    edit_summary(root, 1)
    assert build(root, cache=cache).written and memo.stat().st_mtime_ns == written
    cache.save_memos()
    assert memo.stat().st_mtime_ns != written
    assert sorted(Memo(BuildCache(root), "papers").entries) == sorted(cache._memos["papers"].entries)


def test_the_dev_server_can_stop_writing_the_memos_and_write_the_rest_later(tmp_path: Path) -> None:
    # l2h serve stops writing them when a save is waiting for its preview (save_memos' until); what it left unwritten
    # is written by the next call, and a fresh cache then reads what the server kept.
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert build(root, cache=cache).written
    folder = root / ".l2h-cache"
    names = [f"{kind}.pickle" for kind in cache._memos]
    assert len(names) >= 2 and not any((folder / name).exists() for name in names)
    asked: list[int] = []

    def after_one() -> bool:
        asked.append(1)
        return len(asked) > 1

    assert cache.save_memos(until=after_one) is False
    assert [(folder / name).exists() for name in names] == [True] + [False] * (len(names) - 1)
    assert cache.save_memos(until=lambda: False) is True
    assert all((folder / name).exists() for name in names)
    for kind, memo in cache._memos.items():
        assert sorted(Memo(BuildCache(root), kind).entries) == sorted(memo.entries)


def test_the_dev_servers_manifest_of_the_site_is_what_its_update_found_and_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The manifest (what a later build compares the site with, to take it as current) records a file the update left
    # as it was with what its listing found, not looked at again; a file changed behind l2h's back during the build is
    # then not taken for the build's own: the next build puts it right.
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)  # see test_a_cache_kept_in_memory_across_rebuilds
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert build(root, cache=cache).written
    edit_summary(root, 0)
    assert build(root, cache=cache).written  # an update, which knows the site's files from now on
    robots = root / "_site" / "robots.txt"
    render = build_module.render_site

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        with robots.open("ab") as handle:  # after the update listed the site's files
            handle.write(b"# hand edit\n")
        return render(*args, **kwargs)

    monkeypatch.setattr(build_module, "render_site", meanwhile)
    edit_summary(root, 1)
    assert build(root, cache=cache).written
    monkeypatch.setattr(build_module, "render_site", render)
    assert b"hand edit" in robots.read_bytes()
    again = assert_incremental_equals_clean(root, tmp_path, 2, cache)
    assert not again.unchanged and b"hand edit" not in robots.read_bytes()
    real_lstat = os.lstat
    looked = _paths_looked_at(monkeypatch, os, "lstat", lambda path: str(path).startswith(f"{root / '_site'}{os.sep}"))
    edit_summary(root, 3)
    written = build(root, cache=cache)
    monkeypatch.setattr(os, "lstat", real_lstat)
    assert written.written and 0 < written.changed < written.page_count
    assert len(looked) == written.changed  # the files it wrote, not the others
    assert build(root, cache=cache).unchanged  # and the manifest holds what each file is now


def test_a_paper_the_fingerprint_hashed_is_not_looked_at_again_and_one_changed_since_is_parsed_as_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The build's fingerprint hashes every paper file; the check takes a file whose hash the memo knows from there
    # (5,000 stat() calls after each edit at 5,000 papers). A file the memo lacks is looked at again and parsed as read.
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)  # see test_a_cache_kept_in_memory_across_rebuilds
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    looked = _paths_looked_at(monkeypatch, Path, "stat", lambda path: path.parent == root / "papers")
    edit_summary(root, 1)
    assert build(root, cache=cache).written
    assert {path.name for path in looked} == {"gong2011iterative.md"}
    monkeypatch.undo()
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    # A file changed back between the fingerprint and the check: the memo lacks what the fingerprint hashed, so the
    # file is read again, parsed as it is then, and that is kept under the hash of what was read.
    path = root / "papers" / "kulis2009learning.md"
    before, after = path.read_bytes(), path.read_bytes() + b"\nA sentence the check never reads.\n"
    check = build_module.check_site

    def changed_back(*args: Any, **kwargs: Any) -> Any:
        path.write_bytes(before)
        return check(*args, **kwargs)

    path.write_bytes(after)
    monkeypatch.setattr(build_module, "check_site", changed_back)
    assert b"never reads" not in build(root, cache=cache).read("publications/kulis2009learning/index.html")
    monkeypatch.setattr(build_module, "check_site", check)
    path.write_bytes(after)  # what the fingerprint hashed then
    assert b"never reads" in assert_incremental_equals_clean(root, tmp_path, 2, cache).read(
        "publications/kulis2009learning/index.html")


@pytest.mark.parametrize("change", ["removed", "added"])
def test_a_paper_removed_or_added_between_the_fingerprint_and_the_check_then_put_back_leaves_no_stale_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    # A paper file gone (or a new one there) while a build checks the papers, and back as it was after it (a git
    # checkout of another branch and back, say): the build made its site from other papers than its fingerprint
    # hashed, so no later build may take that site as current (found by a review; the same as a file changed back).
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    edit_summary(root, 0)
    if change == "added":
        add_paper(root, 7)
    path = root / "papers" / ("kulis2009learning.md" if change == "removed" else "smith2017hashing7.md")
    saved = path.read_bytes()
    if change == "added":
        path.unlink()
    check = build_module.check_site

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        path.unlink() if change == "removed" else path.write_bytes(saved)
        try:
            return check(*args, **kwargs)
        finally:
            path.write_bytes(saved) if change == "removed" else path.unlink()

    monkeypatch.setattr(build_module, "check_site", meanwhile)
    assert build(root, cache=cache).written
    monkeypatch.setattr(build_module, "check_site", check)
    assert assert_incremental_equals_clean(root, tmp_path, 1, cache).written


def _edit_input(root: Path, change: str) -> None:
    """One change of an input besides the papers, visible in the site."""
    if change == "taxonomy.yml":
        edit_taxonomy(root, 1)
    elif change == "l2h.yml":
        edit_config(root, 1)
    elif change == "template":  # in a block: what 404.html has outside its blocks (edit_template's edit) is not shown
        path = root / "templates" / "404.html"
        path.write_text(path.read_text().replace("<h1>Page not found</h1>", "<h1>Page not found here</h1>"))
    elif change == "template read while rendering":  # not a name compile_templates compiles: read when included
        (root / "templates" / "notice.inc").write_text("<p>A notice, changed during the build.</p>\n")
    elif change == "static file":
        edit_static(root, 1)
    elif change == "static file added":
        (root / "static" / "extra.css").write_text("p { margin: 0 }\n")
    elif change == "static file removed":
        (root / "static" / "style.css").unlink()
    elif change == "extra page":
        (root / "resources.md").write_text("# Resources\n\nA list, changed during the build.\n")
    else:
        assert change == "extra page removed"
        (root / "resources.md").unlink()


INPUT_CHANGES = ["taxonomy.yml", "l2h.yml", "template", "template read while rendering", "static file",
                 "static file added", "static file removed", "extra page", "extra page removed"]


@pytest.mark.parametrize("change", INPUT_CHANGES)
def test_an_input_changed_between_the_fingerprint_and_its_read_then_changed_back_leaves_no_stale_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    # As for a paper file (above): taxonomy.yml, l2h.yml, a template, a static file or an extra page's source saved
    # while a build runs, after its fingerprint hashed it and before the build read it, and changed back (undone)
    # after the build: the site was made from other bytes than the fingerprint hashed, so no later build may take it
    # as current. check_site runs after the fingerprint and before every one of these reads (the static files, the
    # extra pages and a template that only another includes are read after it).
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    root = make_site(tmp_path)
    (root / "resources.md").write_text("# Resources\n\nA list.\n")
    (root / "templates" / "notice.inc").write_text("<p>A notice.</p>\n")
    page = root / "templates" / "404.html"
    page.write_text(page.read_text().replace("<h1>Page not found</h1>", '<h1>Page not found</h1>{% include "notice.inc" %}'))
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    saved = {path: path.read_bytes() for path in [root / "l2h.yml", root / "taxonomy.yml", root / "resources.md",
                                                   *(root / "templates").iterdir(),
                                                   *(p for p in (root / "static").rglob("*") if p.is_file())]}
    edit_summary(root, 0)  # a build to run (kept)
    check = build_module.check_site

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        _edit_input(root, change)
        return check(*args, **kwargs)

    monkeypatch.setattr(build_module, "check_site", meanwhile)
    changed = build(root, out_dir=root / "_site", cache=cache)
    assert changed.written and not changed.unchanged
    monkeypatch.setattr(build_module, "check_site", check)
    (root / "static" / "extra.css").unlink(missing_ok=True)
    for path, data in saved.items():  # undone
        path.write_bytes(data)
    again = assert_incremental_equals_clean(root, tmp_path, 1, cache)
    assert again.written and not again.unchanged
    assert build(root, out_dir=root / "_site", cache=cache).unchanged  # and now it is current


def test_a_build_of_unchanged_inputs_read_as_its_fingerprint_hashed_them_is_found_up_to_date(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the build reads of its inputs (l2h.yml, taxonomy.yml, the templates, the static files, the extra pages) is
    compared with what its fingerprint hashed, in bytes: a template or page with CRLF line endings (which Jinja and
    the extra pages read as text, turned into LF), a hidden file among the static files (not published), a template
    reached through a symbolic link (which the fingerprint hashes as a link) are not taken as changed during the
    build, and the build after it finds the site current, in l2h serve (a cache kept in memory) as in l2h build."""
    root = make_site(tmp_path)
    (root / "resources.md").write_bytes(b"# Resources\r\n\r\nA list.\r\n")
    (root / "CONTRIBUTING.md").write_text("# Contributing\n\nOpen a pull request.\n")
    page = root / "templates" / "404.html"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    (root / "static" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "shared").mkdir()
    (root / "shared" / "tags.html").write_bytes((root / "templates" / "tags.html").read_bytes())
    (root / "templates" / "tags.html").unlink()
    (root / "templates" / "tags.html").symlink_to(root / "shared" / "tags.html")
    first = build(root, out_dir=root / "_site")
    assert first.written and not first.unchanged
    assert build(root, out_dir=root / "_site").unchanged
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    cache = BuildCache(root, save_later=True)
    edit_summary(root, 0)
    assert not build(root, out_dir=root / "_site", cache=cache).unchanged
    assert build(root, out_dir=root / "_site", cache=cache).unchanged
    assert assert_incremental_equals_clean(root, tmp_path, 0, cache).unchanged


@settings(max_examples=int(os.environ.get("L2H_CACHE_EXAMPLES", "3")), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50)), min_size=1, max_size=3))
def test_random_edit_sequences(tmp_path_factory: object, steps: list[tuple[Callable[[Path, int], None], int]]) -> None:
    tmp = Path(str(tmp_path_factory.mktemp("cache")))  # type: ignore[attr-defined]
    root = make_site(tmp)
    build(root, out_dir=root / "_site")
    for i, (operation, n) in enumerate(steps):
        operation(root, n)
        assert_incremental_equals_clean(root, tmp, i)


def test_unchanged_build_is_recognised_and_hand_edits_are_undone(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    first = build(root, out_dir=root / "_site")
    before = snapshot(root / "_site")
    second = build(root, out_dir=root / "_site")
    assert (first.unchanged, second.unchanged) == (False, True)
    assert snapshot(root / "_site") == before
    assert first.diagnostics and second.diagnostics == first.diagnostics  # as the cache stored them, hashable too
    (root / "_site" / "index.html").write_text("tampered")
    third = build(root, out_dir=root / "_site")
    assert not third.unchanged and snapshot(root / "_site") == before
    (root / "_site" / "extra.html").write_text("stray")
    fourth = build(root, out_dir=root / "_site")
    assert not fourth.unchanged and snapshot(root / "_site") == before
    # deeper in the site: a page edited, a stray file, an empty folder, a file replaced by a link to its copy
    page = next((root / "_site" / "publications").glob("*/index.html"))
    robots = root / "_site" / "robots.txt"
    (tmp_path / "robots.txt").write_bytes(robots.read_bytes())

    def linked() -> None:
        robots.unlink()
        robots.symlink_to(tmp_path / "robots.txt")

    for change in (lambda: page.write_text("tampered"), lambda: (page.parent / "notes.txt").write_text("stray"),
                   lambda: (page.parent / "empty").mkdir(), linked):
        change()
        assert not build(root, out_dir=root / "_site").unchanged
        assert snapshot(root / "_site") == before and not (page.parent / "empty").exists()
        assert not robots.is_symlink()
    assert build(root, out_dir=root / "_site").unchanged


def test_cached_topic_map_equals_computed(tmp_path: Path) -> None:
    papers = [Paper(key=f"p{i:02d}2020x", source="x", title=f"Hashing method {i % 5} codes", authors=("A B",),
                    year=2020, summary=f"words {i % 3} binary codes retrieval {i % 7}") for i in range(12)]
    cache = BuildCache(tmp_path)
    first = topic_map(papers, cache=cache)
    assert topic_map(papers, cache=cache) == first
    assert first == _compute_map(PaperVectors(papers), 0)


def test_identical_papers_do_not_crash_the_map() -> None:
    papers = [Paper(key=f"p{i}2020x", source="x", title="Same", authors=("A B",), year=2020, summary="same words")
              for i in range(7)]
    assert len(topic_map(papers)) == 7


def test_large_maps_place_unsampled_papers_near_similar_ones(monkeypatch: object) -> None:
    from l2h_site import stats

    monkeypatch.setattr(stats, "LANDMARKS", 12)  # type: ignore[attr-defined]
    topics = ["binary codes hamming spectral graph", "product quantisation codebook subvector lookup",
              "proximity graph greedy search neighbours", "learned index model positions keys"]
    papers = [Paper(key=f"p{i:03d}2020x", source="x", title=f"Method {i}", authors=("A B",), year=2020,
                    summary=f"{topics[i % 4]} variant{i}") for i in range(40)]
    first = topic_map(papers)
    assert first == topic_map(papers)
    assert all(0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 for p in first)
    centre = {t: [(p.x, p.y) for i, p in enumerate(first) if i % 4 == t] for t in range(4)}
    spread = max(max(abs(x - pts[0][0]) + abs(y - pts[0][1]) for x, y in pts) for t, pts in centre.items())
    assert spread < 0.8, "papers on one topic stay together on the map"


def test_changed_l2h_code_of_the_same_version_reuses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator lives in the review's repository: a `git pull` changes its code, not its version number."""
    import subprocess
    import sys

    import l2h_site
    from l2h_site import cache

    copy = tmp_path / "code" / "l2h_site"
    shutil.copytree(Path(l2h_site.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def code_version() -> str:
        return subprocess.run([sys.executable, "-c", "from l2h_site.cache import CODE_VERSION; print(CODE_VERSION)"],
                              env={**os.environ, "PYTHONPATH": str(copy.parent)}, cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout.strip()

    assert code_version() == cache.CODE_VERSION  # the same files: the same identity
    feed = copy / "feed.py"
    feed.write_text(feed.read_text() + "\n# a change\n")
    changed = code_version()
    assert changed != cache.CODE_VERSION and changed.startswith(l2h_site.__version__ + "+")

    root = make_site(tmp_path)
    build(root, out_dir=root / "_site")
    site = snapshot(root / "_site")
    assert build(root, out_dir=root / "_site").unchanged
    monkeypatch.setattr(cache, "CODE_VERSION", changed)
    after = build(root, out_dir=root / "_site")
    assert not after.unchanged and after.reused == 0  # nothing the other code made is used
    site.pop(".l2h-site")  # the marker holds the build's fingerprint, which names the code
    assert {name: data for name, data in snapshot(root / "_site").items() if name != ".l2h-site"} == site


def test_the_repositorys_own_pages_are_rendered_again_only_when_they_change(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The Resources and Contributing pages come from the summaries' memo, by their text (CONTRIBUTING.md's markdown,
    with its tables and math, took 30-60 ms of every build); an edit of one is rendered and shown."""
    root = make_site(tmp_path)
    (root / "CONTRIBUTING.md").write_text("# Contributing\n\nOpen a pull request.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert build(root).written
    rendered: list[str] = []
    render_page = markup.MarkdownRenderer.render_page

    def counted(self: markup.MarkdownRenderer, text: str) -> str:
        rendered.append(text)
        html: str = render_page(self, text)
        return html

    monkeypatch.setattr(markup.MarkdownRenderer, "render_page", counted)
    edit_summary(root, 1)
    assert build(root).written and rendered == []
    (root / "CONTRIBUTING.md").write_text("# Contributing\n\nOpen a pull request, please.\n")
    assert build(root).written and rendered == ["\nOpen a pull request, please.\n"]  # that page alone
    assert "Open a pull request, please." in (root / "_site/contributing/index.html").read_text()


def test_the_names_the_check_compares_with_the_fingerprint_are_those_discover_reads_as_papers(tmp_path: Path) -> None:
    """discover.reads_as_paper (a paper file there or gone since the fingerprint: see above) says of each name what
    discover_papers does; an editor's lock file appearing during a build is no paper, and no reason to build again."""
    papers = tmp_path / "papers"
    papers.mkdir()
    names = ["weiss2008spectral.md", "kulis2009learning.markdown", ".#weiss2008spectral.md", "weiss2008spectral.md~",
             ".weiss2008spectral.md.swp", "._weiss2008spectral.md", ".DS_Store", ".gitkeep", "notes.txt", "README",
             "a\x01b.md", "4913", "weiss.md.___jb_tmp___"]
    for name in names:
        (papers / name).write_text("x", encoding="utf-8")
    found = {source.path.name for source in discover_papers(papers, tmp_path)[0]}
    assert found == {"weiss2008spectral.md", "kulis2009learning.markdown"}
    assert {name for name in names if reads_as_paper(name)} == found




def _edit_shared_input(root: Path, name: str) -> None:
    """A change of taxonomy.yml (a tag's description, on its pages) or l2h.yml (the title, on every page)."""
    if name == "taxonomy.yml":
        edit_taxonomy(root, 1)
    else:
        path = root / "l2h.yml"
        path.write_text(path.read_text().replace("title: Cache Review", "title: Cache Review Renamed"))


@pytest.mark.parametrize(("name", "undone"), [("taxonomy.yml", False), ("l2h.yml", False), ("l2h.yml", True)])
def test_pages_made_while_an_input_changed_are_not_stored_under_other_bytes_than_they_were_made_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, undone: bool) -> None:
    # The page store keeps each page under a hash of what every page depends on (taxonomy, config, templates, static
    # files): that of the bytes the build's fingerprint hashed, which the build then reads, not of the files a moment
    # later. taxonomy.yml or l2h.yml saved after the check read it (kept: the pages were made from the old bytes)
    # stored them under the new bytes' hash, and the next build showed the old ones on the pages it took from the
    # store; saved before the check read it and undone right after, under the old bytes' hash: the build after the
    # undo showed the edited ones. A build that read other bytes than its fingerprint hashed (InputReads) now stores
    # no page.
    monkeypatch.setattr(cache_module.FileHashes, "RACY_NS", -1)
    root = make_site(tmp_path)
    cache = BuildCache(root, save_later=True)
    assert_incremental_equals_clean(root, tmp_path, 0, cache)
    path = root / name
    saved = path.read_bytes()
    edit_summary(root, 0)  # a build to run (kept)
    check, context = build_module.check_site, build_module._context

    def check_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if undone:
            _edit_shared_input(root, name)  # read so by the check
        return check(*args, **kwargs)

    def context_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if undone:
            path.write_bytes(saved)
        else:
            _edit_shared_input(root, name)  # after the check read it
        return context(*args, **kwargs)

    monkeypatch.setattr(build_module, "check_site", check_meanwhile)
    monkeypatch.setattr(build_module, "_context", context_meanwhile)
    assert build(root, out_dir=root / "_site", cache=cache).written
    monkeypatch.setattr(build_module, "check_site", check)
    monkeypatch.setattr(build_module, "_context", context)
    edit_summary(root, 1)  # the next build renders again what that one changed, and takes the rest from the store
    assert assert_incremental_equals_clean(root, tmp_path, 1, cache).written


def test_the_cache_folder_keeps_itself_out_of_git(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    # A review whose .gitignore does not name .l2h-cache/ (a review of one's own, not this repository) must not see
    # the cache in `git status`, nor commit it with `git add -A`; a .gitignore the maintainer put there is theirs.
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    git(root, "init", "-q")
    assert build(root).written
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert ".l2h-cache" not in status and "papers/weiss2008spectral.md" in status and "_site/" in status
    ignore = root / ".l2h-cache" / ".gitignore"
    ignore.write_text("pages/\n")
    assert build(root).written  # nothing changed; the maintainer's file stays
    assert ignore.read_text() == "pages/\n"
