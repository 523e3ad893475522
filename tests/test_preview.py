"""l2h serve's preview: an edited paper's page re-rendered against the last build, in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from l2h_site.build import build
from l2h_site.diagnostics import L2hError
from l2h_site.model import RenderedPage
from l2h_site.preview import Previewer
from l2h_site.serve import SiteBuilder
from l2h_site.write import replace_pages

Site = Callable[[dict[str, str | bytes]], Path]


def paper(title: str, summary: str, arxiv: str = "", extra: str = "") -> str:
    ident = f"arxiv: {arxiv}\n" if arxiv else ""
    return (f"---\ntitle: {title}\nauthors: Yair Weiss, Antonio Torralba\nvenue: NeurIPS\nyear: 2008\n{ident}{extra}"
            f"tags: [Image Retrieval]\nfamily: unsupervised\nmodality: [image]\n---\n{summary}\n")


FILES: dict[str, str | bytes] = {
    "papers/weiss2008spectral.md": paper("Spectral Hashing", "Binary codes from eigenfunctions of a graph Laplacian."),
    "papers/gong2008iterative.md": paper("Iterative Quantization", "Binary codes from a rotation of PCA projections."),
}


def built(site: Site, files: dict[str, str | bytes] | None = None) -> tuple[Path, Previewer]:
    root = site(files or FILES)
    result = build(root, out_dir=root / "_site")
    assert result.written and result.context is not None
    return root, Previewer(result.context)


def test_the_preview_of_an_edit_is_the_page_the_full_build_then_writes(site: Site) -> None:
    root, previewer = built(site)
    path = root / "papers/weiss2008spectral.md"
    path.write_text(paper("Spectral Hashing Revisited", "Binary codes from eigenfunctions of a graph Laplacian, "
                          "now with $O(n)$ training."), encoding="utf-8")
    pages = previewer.pages([path])
    assert pages is not None and [p.path for p in pages] == ["publications/weiss2008spectral/index.html"]
    assert b"Spectral Hashing Revisited" in pages[0].content and b"<math" in pages[0].content
    replace_pages(root / "_site", pages)
    assert (root / "_site/publications/weiss2008spectral/index.html").read_bytes() == pages[0].content
    full = build(root, out_dir=root / "_site")
    assert full.written
    # The page depends on this paper and on its related paper, which the edit did not change.
    assert (root / "_site/publications/weiss2008spectral/index.html").read_bytes() == pages[0].content


def test_preparing_makes_the_markdown_of_the_first_preview_beforehand(site: Site) -> None:
    # a build that took every summary from its memo made no Markdown: the first edit's preview would make it (and
    # import it, with latex2mathml) unless l2h serve's Previewer.prepare does
    _, previewer = built(site)
    previewer.prepare()
    assert "_md" in vars(previewer.renderer)


def test_a_second_preview_builds_on_the_first(site: Site) -> None:
    root, previewer = built(site)
    path = root / "papers/gong2008iterative.md"
    for n in range(2):
        path.write_text(paper(f"Iterative Quantization {n}", "Binary codes from a rotation."), encoding="utf-8")
        pages = previewer.pages([path])
        assert pages is not None and f"Iterative Quantization {n}".encode() in pages[0].content


@pytest.mark.parametrize("weiss, gong, duplicate", [
    (("Locality Sensitive Hashing", ""), ("Locality-Sensitive Hashing", ""), True),
    (("Spectral Hashing", "0806.1234"), ("Iterative Quantization", "0806.1234"), True),
    (("Spectral Hashing Revisited", ""), ("Spectral Hashing", ""), False),
], ids=["title taken", "arxiv id taken", "old title freed"])
def test_a_second_preview_checks_against_the_paper_as_the_first_one_left_it(
        site: Site, weiss: tuple[str, str], gong: tuple[str, str], duplicate: bool) -> None:
    """Two previews with no full build between them: the second sees the title and ids the first one gave."""
    root, previewer = built(site)
    first = root / "papers/weiss2008spectral.md"
    first.write_text(paper(weiss[0], "Edited.", arxiv=weiss[1]), encoding="utf-8")
    assert previewer.pages([first]) is not None
    second = root / "papers/gong2008iterative.md"
    second.write_text(paper(gong[0], "Edited too.", arxiv=gong[1]), encoding="utf-8")
    assert (previewer.pages([second]) is None) == duplicate
    result = build(root, out_dir=root / "_site")  # the full build agrees
    assert result.written != duplicate and ("duplicate-paper" in {d.code for d in result.diagnostics}) == duplicate


def test_of_two_papers_edited_at_once_into_one_the_second_is_left_to_the_full_build(site: Site) -> None:
    root, previewer = built(site)
    edited = [root / "papers/weiss2008spectral.md", root / "papers/gong2008iterative.md"]
    for path in edited:
        path.write_text(paper("Locality Sensitive Hashing", f"Edited {path.stem}."), encoding="utf-8")
    assert previewer.pages(edited) is None


@pytest.mark.parametrize("change", ["new paper", "deleted paper", "broken paper", "bad field", "duplicate",
                                    "template", "outside"])
def test_only_a_full_build_answers_what_a_preview_cannot_get_exactly_right(site: Site, change: str) -> None:
    root, previewer = built(site)
    target = root / "papers/weiss2008spectral.md"
    if change == "new paper":
        target = root / "papers/kulis2009learning.md"
        target.write_text(paper("Binary Reconstructive Embeddings", "Codes that keep distances."), encoding="utf-8")
    elif change == "deleted paper":
        target.unlink()
    elif change == "broken paper":
        target.write_text(paper("Spectral Hashing", "x").replace("Image Retrieval", "Image Retreival"), encoding="utf-8")
    elif change == "bad field":  # the file has an error, though the paper still reads for checking
        target.write_text(paper("Spectral Hashing", "x", arxiv="not-an-id"), encoding="utf-8")
    elif change == "duplicate":  # the edit makes it the same paper as the other file
        target.write_text(paper("Iterative Quantization", "The same paper again."), encoding="utf-8")
    elif change == "template":
        target = root / "templates/paper.html"
        target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    else:
        target = root.parent / "elsewhere.md"
        target.write_text(FILES["papers/weiss2008spectral.md"], encoding="utf-8")
    assert previewer.pages([target]) is None


@pytest.mark.parametrize("former", ["gong2008iterative", "weiss2007spectral"], ids=["taken", "claimed"])
def test_an_edit_whose_former_key_clashes_is_left_to_the_full_build(site: Site, former: str) -> None:
    """The key of another paper, or an old address another paper claims: the full build reports it, as for errors."""
    files: dict[str, str | bytes] = {**FILES, "papers/gong2008iterative.md": paper(
        "Iterative Quantization", "Binary codes.", extra="former_keys: [weiss2007spectral]\n")}
    root, previewer = built(site, files)
    target = root / "papers/weiss2008spectral.md"
    target.write_text(paper("Spectral Hashing", "x", extra=f"former_keys: [{former}]\n"), encoding="utf-8")
    assert previewer.pages([target]) is None
    result = build(root, out_dir=root / "_site")
    code = "former-key-taken" if former == "gong2008iterative" else "former-key-claimed"
    assert not result.written and code in {d.code for d in result.diagnostics}


def test_an_edit_that_adds_a_free_former_key_is_previewed(site: Site) -> None:
    root, previewer = built(site)
    target = root / "papers/weiss2008spectral.md"
    target.write_text(paper("Spectral Hashing", "Renamed.", extra="former_keys: [weiss2007spectral]\n"),
                      encoding="utf-8")
    pages = previewer.pages([target])
    assert pages is not None and [p.path for p in pages] == ["publications/weiss2008spectral/index.html"]


def test_pages_are_swapped_only_into_a_site_l2h_wrote(tmp_path: Path) -> None:
    (tmp_path / "publications/x").mkdir(parents=True)
    page = RenderedPage("publications/x/index.html", b"new")
    with pytest.raises(L2hError, match="not a site written by l2h"):
        replace_pages(tmp_path, [page])
    (tmp_path / ".l2h-site").write_text("site\n", encoding="utf-8")
    with pytest.raises(L2hError, match="is not a plain path inside the site"):
        replace_pages(tmp_path, [RenderedPage("../escape.html", b"x")])
    kept = tmp_path / "kept.html"
    kept.write_bytes(b"old")
    (tmp_path / "publications/x/index.html").hardlink_to(kept)  # as the page cache keeps pages
    assert replace_pages(tmp_path, [page]) == ["publications/x/index.html"]
    assert (tmp_path / "publications/x/index.html").read_bytes() == b"new"
    assert kept.read_bytes() == b"old"  # the cached copy is replaced, never written through
    inode = (tmp_path / "publications/x/index.html").stat().st_ino
    assert replace_pages(tmp_path, [page]) == [], "a page that holds these bytes already is left alone"
    assert (tmp_path / "publications/x/index.html").stat().st_ino == inode
    assert sorted(p.name for p in (tmp_path / "publications/x").iterdir()) == ["index.html"]


def test_a_server_started_on_an_up_to_date_site_previews_the_first_edit(site: Site) -> None:
    root = site(FILES)
    served = root / ".l2h-cache/serve"
    assert build(root, out_dir=served, serving=True).written  # as an earlier l2h serve left it
    marker = (served / ".l2h-site").read_bytes()
    builder = SiteBuilder(root=root, keep_warm=False)
    assert builder.rebuild().ok and builder.previewer is not None
    assert (served / ".l2h-site").read_bytes() == marker  # the site was up to date: not rebuilt
    path = root / "papers/gong2008iterative.md"
    path.write_text(paper("Iterative Quantization Again", "Binary codes from a rotation."), encoding="utf-8")
    outcome = builder.preview({path})
    assert outcome is not None and outcome.files == 1
    assert b"Iterative Quantization Again" in (served / "publications/gong2008iterative/index.html").read_bytes()


def test_previews_that_cannot_be_prepared_leave_the_server_to_full_builds(site: Site,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = site(FILES)
    builder = SiteBuilder(root=root, keep_warm=False)
    assert builder.rebuild().ok and builder.previewer is not None

    def broken(self: Previewer) -> None:
        raise OSError("no templates to compile")

    monkeypatch.setattr(Previewer, "prepare", broken)
    builder.ready_previews()  # after the reload, in the watcher's thread: never raises
    assert builder.previewer is None
    path = root / "papers/gong2008iterative.md"
    path.write_text(paper("Iterative Quantization Again", "Binary codes from a rotation."), encoding="utf-8")
    assert builder.preview({path}) is None  # the full build answers
    monkeypatch.undo()
    assert builder.rebuild().ok and builder.previewer is not None
    builder.ready_previews()
    path.write_text(paper("Iterative Quantization, Third", "Binary codes from a rotation."), encoding="utf-8")
    outcome = builder.preview({path})
    assert outcome is not None and outcome.files == 1
