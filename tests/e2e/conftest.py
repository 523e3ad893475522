"""Browser fixtures: build a small review for real, serve it on 127.0.0.1, drive headless Chromium."""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from l2h_site import finder, search
from l2h_site.build import build

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TAXONOMY = """\
facets:
  family:
    label: Method family
    description: The broad approach.
    required: true
    values:
      unsupervised: {label: Unsupervised, description: Learned without labels.}
      supervised: {label: Supervised, description: Learned from labels.}
      quantisation: {label: Quantisation, description: Codebooks.}
  modality:
    label: Data modality
    description: The kind of data.
    multiple: true
    values:
      image: {label: Image, description: Images.}
      text: {label: Text, description: Text.}
tags:
  Image Retrieval:
    description: Retrieval of images.
  Deep Learning:
    description: Neural networks.
    aliases: [Neural Networks]
  Cross-Modal:
    description: Across modalities.
venues:
  NeurIPS:
    aliases: [NIPS, Neural Information Processing Systems]
"""

# key: (title, authors, venue, year, tags, family, modality, summary)
PAPERS = {
    "weiss2008spectral": ("Spectral Hashing", "Yair Weiss, Antonio Torralba, Rob Fergus", "NeurIPS", 2008,
                          ["Image Retrieval"], "unsupervised", ["image"],
                          "Codes from thresholded eigenfunctions of the graph Laplacian."),
    "gong2011iterative": ("Iterative Quantization: A Procrustean Approach", "Yunchao Gong, Svetlana Lazebnik",
                          "CVPR", 2011, ["Image Retrieval"], "unsupervised", ["image"],
                          "Rotates PCA-projected data to minimise the binary quantisation error of the codes."),
    "jegou2011product": ("Product Quantization for Nearest Neighbor Search", "Hervé Jégou, Matthijs Douze",
                         "TPAMI", 2011, [], "quantisation", ["image"],
                         "Splits vectors into subvectors, each quantised with its own small codebook."),
    "liu2012supervised": ("Supervised Hashing with Kernels", "Wei Liu, Jun Wang", "CVPR", 2012,
                          ["Image Retrieval"], "supervised", ["image"],
                          "Kernel hash functions fitted to pairwise labels via code inner products."),
    "cao2017hashnet": ("HashNet: Deep Learning to Hash by Continuation", "Zhangjie Cao, Mingsheng Long",
                       "ICCV", 2017, ["Deep Learning", "Image Retrieval"], "supervised", ["image"],
                       "A deep network whose sign activation is approached by continuation."),
    "jiang2017deep": ("Deep Cross-Modal Hashing", "Qing-Yuan Jiang, Wu-Jun Li", "CVPR", 2017,
                      ["Deep Learning", "Cross-Modal"], "supervised", ["image", "text"],
                      "Learns image and text hash codes end to end from pairwise similarity."),
    "shen2018unsupervised": ("Unsupervised Deep Hashing with Similarity-Adaptive Optimisation",
                             "Fumin Shen, Yan Xu", "TPAMI", 2018, ["Deep Learning"], "unsupervised", ["image"],
                             "Alternates between updating binary codes and a deep hash network, unsupervised."),
    "chaidaroon2017variational": ("Variational Deep Semantic Hashing for Text Documents",
                                  "Suthee Chaidaroon, Yi Fang", "SIGIR", 2017, ["Deep Learning"], "unsupervised",
                                  ["text"], "A variational autoencoder produces semantic hash codes for documents."),
}


def quoted(query: str) -> str:
    """A query as the finder's status names it (quotedQuery in static/papers.js): in quotes, and a phrase in quotes
    as the phrase, not in quotes within quotes."""
    phrase = re.fullmatch(r'\s*"(.+)"\s*', query)
    return f"the phrase \u201c{phrase[1].strip()}\u201d" if phrase and phrase[1].strip() else f"\u201c{query}\u201d"


def paper_file(title: str, authors: str, venue: str, year: int, tags: list[str], family: str,
               modality: list[str], summary: str) -> str:
    """Write one paper file in the review's format."""
    return (f"---\ntitle: \"{title}\"\nauthors: {authors}\nvenue: {venue}\nyear: {year}\n"
            f"tags: [{', '.join(tags)}]\nfamily: {family}\nmodality: [{', '.join(modality)}]\n---\n{summary}\n")


def make_review(root: Path) -> Path:
    """Write the e2e review: the repository's templates and static files plus PAPERS."""
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "taxonomy.yml").write_text(TAXONOMY, encoding="utf-8")
    (root / "papers").mkdir()
    for key, fields in PAPERS.items():
        (root / "papers" / f"{key}.md").write_text(paper_file(*fields), encoding="utf-8")
    return root


def write_review(root: Path, taxonomy: str, papers: dict[str, str]) -> Path:
    """Write a review of the repository's templates and static files, this taxonomy and these paper files (by key)."""
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "taxonomy.yml").write_text(taxonomy, encoding="utf-8")
    (root / "papers").mkdir()
    for key, text in papers.items():
        (root / "papers" / f"{key}.md").write_text(text, encoding="utf-8")
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class PagesHandler(_QuietHandler):
    """Serve a folder as GitHub Pages does: 404.html, with status 404, for any missing address."""

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


WIDE_FORMULA = (r"\sum_{i=1}^{n} \left\| \mathrm{sgn}(W^\top x_i) - b_i \right\|_2^2 + \lambda \sum_{i,j} S_{ij} "
                r"\|b_i - b_j\|^2 + \mu \|W^\top W - I\|_F^2")
SUMMARY_MATH = (f"It minimises\n\n$$\n{WIDE_FORMULA}\n$$\n\n"
                "over the codes $b_i \\in \\{-1, 1\\}^c$ and the rotation $$W$$ of the data.\n\n"
                f"On one line: ${WIDE_FORMULA}$ is the same.\n")
"""Added to the summary of gong2011iterative by make_layout_review: a formula some 500 px wide (a phone's screen and a
half; it fits a desktop's) as display math and as inline math in a sentence, and short inline math."""
TITLE_MATH = f"title: 'Product Quantization of ${WIDE_FORMULA}$ for Search'"
"""The title of jegou2011product by make_layout_review (on the list of 2011 and among the related papers of
gong2011iterative): the same formula, in the heading and as a link's text."""


def make_layout_review(root: Path, paged: bool = False) -> Path:
    """Write the e2e review with the repository's Resources and Contributing pages, SUMMARY_MATH and TITLE_MATH;
    paged: with list_limit 3, as a review larger than list_limit."""
    make_review(root)
    for name in ("resources.md", "CONTRIBUTING.md"):
        shutil.copy(REPO / name, root / name)
    itq = root / "papers" / "gong2011iterative.md"
    itq.write_text(itq.read_text(encoding="utf-8") + SUMMARY_MATH, encoding="utf-8")
    pq = root / "papers" / "jegou2011product.md"
    pq.write_text(re.sub("^title: .*$", lambda _: TITLE_MATH, pq.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE),
                  encoding="utf-8")
    if paged:
        (root / "l2h.yml").write_text("list_limit: 3\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session", params=["full", "paged"])
def mode(request: pytest.FixtureRequest) -> str:
    """How the all-papers page is built: "full" lists every paper in the page (a small review);
    "paged" is how a review larger than list_limit is built (here list_limit 3, card files of 3
    papers and search bundles of about 3 pages, so the 8 papers span several of each): the page lists
    the newest papers and links the per-year pages, the finder fetches cards as needed, the search
    merges the bundles, and the topic map loads on demand."""
    return str(request.param)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, mode: str) -> Path:
    """Build the e2e review once per session and mode and return its output folder."""
    root = make_review(tmp_path_factory.mktemp("e2e") / "review")
    if mode == "paged":
        (root / "l2h.yml").write_text("list_limit: 3\n", encoding="utf-8")
    return build_in_mode(root, mode)


def build_in_mode(root: Path, mode: str) -> Path:
    """Build a review into root/_site without the cache and return that folder; "paged": in several card files and
    several search bundles (of 3), which the browser merges."""
    saved = finder.CARDS, search.SHARD_PAGES
    if mode == "paged":
        finder.CARDS, search.SHARD_PAGES = 3, 3
    try:
        result = build(root, out_dir=root / "_site", use_cache=False)
    finally:
        finder.CARDS, search.SHARD_PAGES = saved
    assert result.written, [d.message for d in result.diagnostics]
    return root / "_site"


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing of a connection the browser closed while it was answered (a page left, a fetch aborted):
        socketserver printed its traceback amid pytest's dots. Any other error is printed as before."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 from a thread with this request handler; yield its address."""
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 from a thread; yield its address."""
    with serving(built_site, _QuietHandler) as address:
        yield address


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Launch headless Debian Chromium through Playwright (fails instead of skipping under CI)."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the Python package playwright is not installed"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


CPU_THROTTLE = os.environ.get("L2H_E2E_CPU_THROTTLE", "")
"""Slow each page's CPU down this many times (Chromium's CPU throttling), to bring out the timing races a
faster or busier machine hits once in a thousand runs: `L2H_E2E_CPU_THROTTLE=4 python -m pytest tests/e2e`."""


def throttled(page: Any) -> Any:
    """The page, its CPU slowed down by L2H_E2E_CPU_THROTTLE times if that is set."""
    if CPU_THROTTLE:
        try:
            rate = float(CPU_THROTTLE)
        except ValueError:
            rate = 0.0
        if not (rate >= 1 and math.isfinite(rate)):  # "nan" and "inf" are floats too
            pytest.fail(f"L2H_E2E_CPU_THROTTLE={CPU_THROTTLE!r}: give how many times slower, a number from 1 up (4)")
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return page


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page in its own context, allowed to use the clipboard."""
    context = browser.new_context()  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = throttled(context.new_page())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


@pytest.fixture
def page_without_js(browser: object) -> Iterator[object]:
    """A fresh page in its own context with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        yield throttled(context.new_page())
    finally:
        context.close()
