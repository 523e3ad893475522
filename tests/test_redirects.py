"""A renamed paper's old addresses (`former_keys`): their checks, the redirect pages, and incremental builds; and the
pages of folders with no page of their own."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import MINIMAL_TAXONOMY, snapshot
from test_check import paper, run

from l2h_site import render, search
from l2h_site.build import build
from l2h_site.cache import BuildCache
from l2h_site.diagnostics import Diagnostic
from l2h_site.linkcheck import check_pages
from l2h_site.model import RenderedPage
from l2h_site.progress import QUIET, Progress

Site = Callable[[dict[str, "str | bytes"]], Path]


def test_every_former_key_problem_is_reported_at_once_at_its_line(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(
            extra="former_keys: [weiss2008spectral, Weiss-2008, weiss2007spectral, gong2011iterative]\n"),
        "papers/weiss2008other.md": paper(title="Other Words", extra="former_keys: [weiss2007spectral]\n"),
        "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong", 2011,
                                             extra="former_keys: gong2010iterative\n"),
        "papers/jegou2011product.md": paper("Product Quantization", "Herve Jegou", 2011,
                                            extra="former_keys:\n  - 2010\n  - jegou2010product\n  - jegou2010product\n"),
        "papers/kulis2009learning.md": paper("Learning to Hash", "Brian Kulis", 2009, extra="former_keys: {a: b}\n"),
    })
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert out == (
        "papers/gong2011iterative.md:8:14: error[wrong-type]: former_keys must be a list of the paper's old keys, "
        'got the text "gong2010iterative"\n'
        "  help: write former_keys: [gong2010iterative]\n"
        "papers/jegou2011product.md:9:5: error[wrong-type]: each entry of former_keys must be a paper key, got the "
        "number 2010\n"
        "  help: write the file name the paper had, without .md, e.g. former_keys: [weiss2008spectral]\n"
        'papers/jegou2011product.md:11:5: warning[duplicate-former-key]: former key "jegou2010product" is listed '
        "twice\n"
        "  help: remove the repeat\n"
        "papers/kulis2009learning.md:8:14: error[wrong-type]: former_keys must be a list of the paper's old keys, "
        "got a mapping\n"
        "  help: write former_keys: [oldkey2006title]\n"
        'papers/weiss2008other.md:8:15: error[former-key-claimed]: former key "weiss2007spectral" is also claimed '
        "by papers/weiss2008spectral.md\n"
        "  help: keep it on the one paper that had this key: an old address redirects to one page\n"
        "papers/weiss2008spectral.md:8:15: error[former-key-own]: former_keys lists \"weiss2008spectral\", the "
        "paper's own key\n"
        "  help: remove it: only the keys the file had before it was renamed belong there\n"
        'papers/weiss2008spectral.md:8:34: error[former-key-form]: former key "Weiss-2008" is not a valid paper key\n'
        "  help: write the file name the paper had, without .md: lowercase letters, a year and a word, e.g. "
        "weiss2008spectral\n"
        'papers/weiss2008spectral.md:8:46: error[former-key-claimed]: former key "weiss2007spectral" is also '
        "claimed by papers/weiss2008other.md\n"
        "  help: keep it on the one paper that had this key: an old address redirects to one page\n"
        'papers/weiss2008spectral.md:8:65: error[former-key-taken]: former key "gong2011iterative" is the key of '
        "papers/gong2011iterative.md: its address cannot redirect here\n"
        "  help: remove it from former_keys, or, if that file is an old copy of this paper, delete that file\n"
        "8 error(s), 1 warning(s) in 5 files\n")


def test_cross_file_former_key_problems_name_the_other_file_for_check_paths(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "papers/weiss2008spectral.md": paper(extra="former_keys: [gong2011iterative, weiss2007spectral]\n"),
        "papers/weiss2008other.md": paper(title="Other Words", extra="former_keys: [weiss2007spectral]\n"),
        "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong", 2011),
    })
    code, out = run(root, "--format", "json", capsys=capsys)
    assert code == 1
    assert [(d["path"], d["code"], d["related"]) for d in json.loads(out)["diagnostics"]] == [
        ("papers/weiss2008other.md", "former-key-claimed", ["papers/weiss2008spectral.md"]),
        ("papers/weiss2008spectral.md", "former-key-taken", ["papers/gong2011iterative.md"]),
        ("papers/weiss2008spectral.md", "former-key-claimed", ["papers/weiss2008other.md"]),
    ]
    # `l2h check FILE` of the paper whose key is taken reports the problem too: it involves that file.
    code, out = run(root, str(root / "papers/gong2011iterative.md"), capsys=capsys)
    assert code == 1 and "former-key-taken" in out


def test_a_former_key_naming_a_paper_with_errors_is_taken(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    """A paper file with errors still holds its address: a redirect there would replace its page once it is fixed."""
    root = site({"papers/weiss2008spectral.md": paper(extra="former_keys: [weiss2008other]\n"),
                 "papers/weiss2008other.md": paper(title="Other Words", year=19999)})
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert ('papers/weiss2008spectral.md:8:15: error[former-key-taken]: former key "weiss2008other" is the key of '
            "papers/weiss2008other.md: its address cannot redirect here\n") in out


HOSTILE_TITLE = "Hashing <script>alert(1)</script> & 'Quotes'"


def test_the_redirect_page_sends_readers_to_the_paper_and_is_no_page_of_its_own(
        site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    indexed: list[str] = []

    def index_search(pages: Sequence[RenderedPage], cache: BuildCache | None, bundle_pages: int | None = None,
                     locate: Callable[[str], Path | None] | None = None, progress: Progress = QUIET,
                     ) -> tuple[list[RenderedPage], list[Diagnostic]]:
        indexed.extend(page.path for page in pages if page.path.startswith("publications/"))
        return search.index_search(pages, cache, bundle_pages, locate, progress)

    monkeypatch.setattr(render, "index_search", index_search)
    root = site({
        "papers/weiss2008spectral.md": paper(HOSTILE_TITLE, extra="former_keys: [weiss2007spectral, weiss2009x]\n"),
        "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong", 2011),
        "l2h.yml": "title: Review & Co\nbase_url: https://example.org/review/\n",
    })
    result = build(root, out_dir=tmp_path / "site")
    assert result.written, result.diagnostics
    site_files = snapshot(tmp_path / "site")
    old = "publications/weiss2007spectral/index.html"
    page = site_files[old].decode()
    assert site_files["publications/weiss2009x/index.html"].decode() == page.replace(
        "weiss2007spectral", "weiss2009x")
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    assert refresh is not None
    target = refresh.group(1)
    assert "://" not in target and not target.startswith("/"), "the refresh URL is relative"
    assert posixpath.normpath(posixpath.join(posixpath.dirname(old), target)) == "publications/weiss2008spectral"
    assert '<link rel="canonical" href="https://example.org/review/publications/weiss2008spectral/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert f'<a href="{target}">https://example.org/review/publications/weiss2008spectral/</a>' in page
    # the paper's title is escaped, in <title> and in the page
    assert "<script>" not in page
    assert "Hashing &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;Quotes&#39;" in page
    assert "<title>Moved: Hashing &lt;script&gt;" in page and "— Review &amp; Co</title>" in page
    assert 'property="og:' not in page, "no link preview: the paper's page has its own"
    # not in the sitemap, the feed, the search index or the finder's data; no paper is counted twice
    assert b"weiss2007spectral" not in site_files["sitemap.xml"]
    assert b"weiss2008spectral" in site_files["sitemap.xml"]
    assert b"weiss2007spectral" not in site_files["feed.xml"]
    # Pagefind would skip the page anyway (it has no data-pagefind-body), but it is not even handed to it
    assert indexed == ["publications/gong2011iterative/index.html", "publications/weiss2008spectral/index.html"]
    entry = json.loads(site_files["pagefind/pagefind-entry.json"])
    assert [language["page_count"] for language in entry["languages"].values()] == [2]
    assert not any(b"weiss2007spectral" in content for name, content in site_files.items()
                   if name.startswith(("pagefind/", "papers/")) or name.endswith((".json", ".bib", ".xml")))
    assert "2 papers" in site_files["index.html"].decode()
    # the link checker follows the refresh (and the canonical link): both point at the paper's page
    pages = [RenderedPage(name, content) for name, content in site_files.items()]
    assert check_pages(pages, "https://example.org/review/") == []


def test_every_folder_of_pages_has_an_index_that_sends_readers_on(site: Site, tmp_path: Path) -> None:
    """A reader who shortens an address (publications/weiss2008spectral/ to publications/) lands on a page."""
    taxonomy = MINIMAL_TAXONOMY.replace("label: Method family", 'label: "Method <b>family</b> & co"')
    root = site({"papers/weiss2008spectral.md": paper(), "taxonomy.yml": taxonomy,
                 "l2h.yml": "base_url: https://example.org/review/\n"})
    result = build(root, out_dir=tmp_path / "site")
    assert result.written, result.diagnostics
    site_files = snapshot(tmp_path / "site")
    pages = {name for name in site_files if name.endswith(".html")}
    # every folder above a page has a page of its own (but the assets' folders, which hold no page)
    folders = {posixpath.dirname(name) for name in pages} - {""}
    above = {posixpath.join(*parts[:i]) for folder in folders for parts in [folder.split("/")]
             for i in range(1, len(parts) + 1)}
    assert {folder for folder in above if f"{folder}/index.html" not in pages} == set()
    expected = {"publications/index.html": ("papers/", "", "Papers"),
                "taxonomy/family/index.html": ("taxonomy/", "#facet-family", "Method &lt;b&gt;family&lt;/b&gt; &amp; co"),
                "taxonomy/modality/index.html": ("taxonomy/", "#facet-modality", "Data modality")}
    for name, (target, fragment, label) in expected.items():
        page = site_files[name].decode()
        refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"#]+)(#[^"]*)?">', page)
        assert refresh is not None, name
        assert posixpath.normpath(posixpath.join(posixpath.dirname(name), refresh.group(1))) + "/" == target
        assert (refresh.group(2) or "") == fragment
        assert f'<link rel="canonical" href="https://example.org/review/{target}{fragment}">' in page
        assert '<meta name="robots" content="noindex">' in page
        assert f"<h1>{label}</h1>" in page and "<b>" not in page
        assert f"/review/{name.removesuffix('index.html')}</loc>".encode() not in site_files["sitemap.xml"], name
    # the facet's section is the anchor of its values' breadcrumb too; the link checker follows both to it
    assert '<a href="../../../taxonomy/#facet-modality">Data modality</a></p>' in site_files[
        "taxonomy/modality/image/index.html"].decode()
    assert check_pages([RenderedPage(name, content) for name, content in site_files.items()],
                       "https://example.org/review/") == []


def test_the_link_checker_follows_a_refresh_to_a_missing_page() -> None:
    pages = [RenderedPage("publications/old2000x/index.html",
                          b'<!doctype html><title>t</title><meta http-equiv="Refresh" content="0;URL=\'../gone2001y/\'">')]
    assert [(d.line, d.code, d.message) for d in check_pages(pages)] == [
        (1, "broken-link", 'link "../gone2001y/" points to publications/gone2001y/index.html, which is not in the site')]


def test_adding_and_removing_a_former_key_updates_the_site_in_place(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": paper(),
                 "papers/gong2011iterative.md": paper("Iterative Quantization", "Yunchao Gong", 2011)})
    assert build(root).written
    out = root / "_site"
    redirect = out / "publications" / "gong2010iterative" / "index.html"
    assert not redirect.exists()
    path = root / "papers" / "gong2011iterative.md"
    path.write_text(paper("Iterative Quantization", "Yunchao Gong", 2011, extra="former_keys: [gong2010iterative]\n"))
    added = build(root)
    assert added.written and not added.unchanged
    assert "url=../../publications/gong2011iterative/" in redirect.read_text()
    # the former key moves to the other paper: the page now sends readers there
    path.write_text(paper("Iterative Quantization", "Yunchao Gong", 2011))
    (root / "papers" / "weiss2008spectral.md").write_text(paper(extra="former_keys: [gong2010iterative]\n"))
    moved = build(root)
    assert moved.written and "url=../../publications/weiss2008spectral/" in redirect.read_text()
    clean = build(root, out_dir=root / "clean", use_cache=False)
    assert clean.written
    assert {k: v for k, v in snapshot(out).items() if k != ".l2h-site"} == {
        k: v for k, v in snapshot(root / "clean").items() if k != ".l2h-site"}
    # removed: the page the new site lacks is deleted, and so is its folder
    (root / "papers" / "weiss2008spectral.md").write_text(paper())
    removed = build(root)
    assert removed.written
    assert removed.deleted_paths == ("publications/gong2010iterative/index.html",)
    assert not redirect.parent.exists()


def test_a_former_key_that_is_a_path_or_markup_is_refused_and_nothing_is_written(site: Site, tmp_path: Path) -> None:
    root = site({"papers/weiss2008spectral.md": paper(
        extra="former_keys: ['../../index', 'a2020b/../../x', 'x2020\"><script>', 'con2020x/']\n")})
    result = build(root, out_dir=tmp_path / "site")
    assert not result.written and not (tmp_path / "site").exists()
    assert [(d.column, d.code) for d in result.diagnostics] == [
        (15, "former-key-form"), (30, "former-key-form"), (48, "former-key-form"), (67, "former-key-form")]


def test_a_former_key_with_a_final_newline_or_longer_than_a_file_name_is_refused_by_check(
        site: Site, tmp_path: Path) -> None:
    """Both once passed check and then failed the build with no file or line: "…\n/index.html" is not a plain
    path, and a folder name of 305 characters is more than the file system takes."""
    long_key = "a" * 300 + "2020x"
    root = site({"papers/weiss2008spectral.md": paper(extra=f'former_keys: ["weiss2007spectral\\n", {long_key}]\n')})
    result = build(root, out_dir=tmp_path / "site")
    assert not result.written and not (tmp_path / "site").exists()
    assert [(d.line, d.column, d.code, d.message) for d in result.diagnostics] == [
        (8, 15, "former-key-form", 'former key "weiss2007spectral\n" is not a valid paper key'),
        (8, 38, "former-key-form", (f"former key {'a' * 40}… is 305 characters long, longer than a file name can be "
         "(at most 250)"))]
    assert result.diagnostics[1].hint == "write the file name the paper had, without .md"
