"""`l2h build --check-links` reports a broken link at the source a maintainer edits: the markdown page, the paper,
the template, the static file or l2h.yml it was written in, with its line, and names the built page in the message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GOOD_PAPER
from test_invalid_sites import run_cli

Site = Callable[[dict[str, "str | bytes"]], Path]

RESOURCES = """\
# Resources

Start with [Spectral Hashing](../publications/weiss2008spectral/).

- [The survey](../publications/weis2008spectral/) and [the tags](../tags/#no-such-tag)
- [Again](../publications/weis2008spectral/), [home](../)
"""
SUMMARY = ("Codes from thresholded eigenfunctions (compare\n"
           "[the survey](https://hashing.github.io/publications/wang2018survey/)).\n")


def test_a_broken_link_in_resources_or_a_summary_is_reported_at_its_line_there(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER.replace(
                     "Codes from thresholded eigenfunctions of the graph Laplacian.\n", SUMMARY),
                 "resources.md": RESOURCES, "l2h.yml": "base_url: https://hashing.github.io/\nsearch: false\n"})
    code, _, err = run_cli("build", "--root", str(root), "--check-links")
    assert (code, err) == (1, (
        'papers/weiss2008spectral.md:12:14: error[broken-link]: link "https://hashing.github.io/publications/wang2018survey/" '
        "points to publications/wang2018survey/index.html, which is not in the site "
        "(in the built page _site/publications/weiss2008spectral/index.html)\n"
        '  help: fix the link in papers/weiss2008spectral.md: no paper has the key "wang2018survey"\n'
        'resources.md:5:16: error[broken-link]: link "../publications/weis2008spectral/" points to '
        "publications/weis2008spectral/index.html, which is not in the site (in the built page _site/resources/index.html)\n"
        '  help: fix the link in resources.md: no paper has the key "weis2008spectral"; '
        'did you mean "publications/weiss2008spectral/"?\n'
        'resources.md:5:66: error[broken-anchor]: link "../tags/#no-such-tag" points to #no-such-tag, but '
        "tags/index.html has no element with that id (in the built page _site/resources/index.html)\n"
        "  help: give the target element that id, or fix the link\n"
        'resources.md:6:11: error[broken-link]: link "../publications/weis2008spectral/" points to '
        "publications/weis2008spectral/index.html, which is not in the site (in the built page _site/resources/index.html)\n"
        '  help: fix the link in resources.md: no paper has the key "weis2008spectral"; '
        'did you mean "publications/weiss2008spectral/"?\n'
        "4 error(s), 0 warning(s) in 2 files\n"
        "l2h: build failed; no site was written\n"))
    # from the folder above the review, the files are named from there, as every diagnostic is
    monkeypatch.chdir(root.parent)
    code, _, err = run_cli("build", "--root", root.name, "--check-links")
    assert code == 1 and err.startswith(f"{root.name}/papers/weiss2008spectral.md:12:14: error[broken-link]: ")
    assert f"\n{root.name}/resources.md:5:16: error[broken-link]: " in err


def test_a_broken_link_of_a_template_a_paper_link_a_static_page_or_the_repository_setting(site: Site) -> None:
    """A template's link is named by its template and line, once for all the pages it is on; a paper's `links:`,
    a static HTML file and l2h.yml's repository at their own lines."""
    paper = GOOD_PAPER.replace("modality: [image]\n", "modality: [image]\nlinks:\n  - name: Slides\n"
                               "    url: https://learning2hash.github.io/slides/spectral.pdf\n")
    root = site({"papers/weiss2008spectral.md": paper, "static/demo.html":
                 "<!doctype html><title>Demo</title>\n<p><a href=\"../papers/\">all</a> <a href=\"missing.html\">x</a>\n",
                 "l2h.yml": "base_url: https://learning2hash.github.io/\nsearch: false\nrepository: https://learning2hash.github.io/code/review\n"})
    tag = root / "templates" / "tag.html"
    tag.write_text(tag.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<a href=\"{{ url('nowhere/') }}\">x</a>", 1), encoding="utf-8")
    missing = root / "templates" / "404.html"
    missing.write_text(missing.read_text(encoding="utf-8").replace(
        "{% block content %}", '{% block content %}\n<a href="#no-such-id">y</a>', 1), encoding="utf-8")
    code, _, err = run_cli("build", "--root", str(root), "--check-links")
    # (a repository that is no http(s) address is refused in l2h.yml: tests/sites/invalid/config-repository)
    repository = ('error[broken-link]: link "{href}" points to {target}, which is not in the site '
                  "(in the built page _site/{page})\n"
                  "  help: point repository at the repository's own web address, e.g. https://github.com/OWNER/REPO\n")
    assert (code, err) == (1, (
        "l2h.yml:3:13: " + repository.format(href="https://learning2hash.github.io/code/review", target="code/review",
                                             page="404.html and 17 other pages")
        + "l2h.yml:3:13: " + repository.format(
            href="https://learning2hash.github.io/code/review/blob/main/papers/weiss2008spectral.md",
            target="code/review/blob/main/papers/weiss2008spectral.md",
            page="publications/weiss2008spectral/index.html")
        + 'papers/weiss2008spectral.md:11:10: error[broken-link]: link "https://learning2hash.github.io/slides/spectral.pdf" '
        "points to slides/spectral.pdf, which is not in the site "
        "(in the built page _site/publications/weiss2008spectral/index.html)\n"
        "  help: fix the url of this link under links:, or remove the link\n"
        'static/demo.html:2:33: error[broken-link]: link "missing.html" points to static/missing.html, '
        "which is not in the site (in the built page _site/static/demo.html)\n"
        "  help: fix the link in static/demo.html: the site has no static/missing.html\n"
        'templates/404.html:8:10: error[broken-anchor]: link "#no-such-id" points to #no-such-id, but 404.html has '
        "no element with that id (in the built page _site/404.html)\n"
        "  help: give the target element that id, or fix the link\n"
        'templates/tag.html:5:37: error[broken-link]: link "../../nowhere/" points to nowhere/index.html, which is '
        "not in the site (in the built page _site/tags/image-retrieval/index.html and 2 other pages)\n"
        "  help: fix the link on this line: the site has no nowhere/index.html\n"
        "6 error(s), 0 warning(s) in 5 files\n"
        "l2h: build failed; no site was written\n"))
