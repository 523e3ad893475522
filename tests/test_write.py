"""Writing the site: pages streamed into a temporary folder, swapped in whole, or not at all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER, snapshot

from l2h_site.build import build
from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.write import MARKER, SiteWriter

Site = Callable[[dict[str, str | bytes]], Path]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".l2h-tmp-" in p.name or ".l2h-old-" in p.name)


def test_a_build_that_fails_after_writing_pages_leaves_the_previous_site(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root).written
    before = snapshot(root / "_site")
    tag = root / "templates" / "tag.html"
    tag.write_text(tag.read_text().replace("{{ tag.name }}", "{{ tag.no_such_field }}", 1))
    result = build(root)
    assert not result.written
    assert [d.code for d in result.diagnostics] == ["template-undefined"] * 3
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
    assert [(d.path, d.code) for d in result.diagnostics] == [("_site/404.html", "broken-link")]
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


def test_the_dev_server_deletes_the_previous_site_in_the_background(site: Site) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    first = build(root, background=True)
    (root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER + "More words.\n")
    second = build(root, background=True)
    for thread in threading.enumerate():
        if thread.name == "l2h-tidy":
            thread.join()
    assert first.written and second.written and leftovers(root) == []
    assert b"More words." in second.read("publications/weiss2008spectral/index.html")
