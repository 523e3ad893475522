"""Every kind of page on a phone and a desktop in a real headless Chromium: no sideways scrolling, the header, anchors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from l2h_site.build import build

from .conftest import REPO, make_review, serving

PAGES = {
    "home": "",
    "papers": "papers/",
    "year": "papers/2017/",
    "tag": "tags/image-retrieval/",
    "taxonomy": "taxonomy/",
    "facet value": "taxonomy/family/supervised/",
    "paper": "publications/gong2011iterative/",
    "stats": "stats/",
    "resources": "resources/",
    "contributing": "contributing/",
    "404": "publications/no-such-paper/",
}
"""One page of each kind, by name: the 404 page is asked for at a missing address below the root."""


class _PagesHandler(SimpleHTTPRequestHandler):
    """Serve a folder as GitHub Pages does: 404.html, with status 404, for any missing address."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        missing = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not missing.is_file():
            super().send_error(code, message, explain)
            return
        body = missing.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module", params=["full", "paged"])
def site_url(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    """Build the e2e review with the repository's Resources and Contributing pages (and, "paged", as a review
    larger than list_limit), serve it on 127.0.0.1 with a 404 page, and yield its address."""
    root = make_review(tmp_path_factory.mktemp("layout") / "review")
    for name in ("resources.md", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, root / name)
    if request.param == "paged":
        (root / "l2h.yml").write_text("list_limit: 3\n", encoding="utf-8")
    result = build(root, out_dir=root / "_site", use_cache=False)
    assert result.written, [d.message for d in result.diagnostics]
    with serving(root / "_site", _PagesHandler) as address:
        yield address


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_scrolls_sideways_on_a_phone(page: Any, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 667})
    wider = {}
    for name, path in PAGES.items():
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if size[0] > size[1]:
            wider[name] = size
    assert wider == {}


def test_the_404_page_is_styled_and_links_work_below_the_root(page: Any, site_url: str) -> None:
    response = page.goto(site_url + "publications/no-such-paper/")
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.get_by_role("link", name="Browse all papers").click()
    assert page.url == site_url + "papers/"


def test_the_phone_header_is_compact_and_scrolls_away(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(site_url + "papers/")
    header = page.locator(".site-header")
    assert header.evaluate("h => getComputedStyle(h).position") == "static"
    assert header.bounding_box()["height"] <= 120
    brand, main = page.locator(".brand").bounding_box(), page.locator("main h1").bounding_box()
    assert brand["x"] >= 16 and abs(brand["x"] - main["x"]) < 1  # the page's side padding, as below


@pytest.mark.parametrize("width", [760, 1280])
def test_anchor_targets_are_not_hidden_under_the_sticky_header(page: Any, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 700})
    for path, target in (("papers/#y2017", "#y2017"), ("contributing/#diagnostic-codes", "#diagnostic-codes"),
                         ("taxonomy/#comparison", "#comparison")):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        header = page.locator(".site-header").bounding_box()
        box = page.locator(target).bounding_box()
        assert page.evaluate("window.scrollY") > 0, path
        assert box["y"] >= header["y"] + header["height"], (path, box, header)
    page.goto(site_url + "papers/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    header = page.locator(".site-header").bounding_box()
    assert page.locator("main").bounding_box()["y"] >= header["y"] + header["height"]
