"""`l2h serve`: real servers on free ports, real HTTP requests, real file edits."""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient
import tornado.websocket

import l2h_site.search as search_module
import l2h_site.serve as serve_module
from l2h_site.build import build
from l2h_site.diagnostics import L2hError
from l2h_site.serve import (
    POLL_SHARE,
    DevServer,
    SiteBuilder,
    Watcher,
    check_host,
    is_loopback,
    poll_pause,
    resolve_request,
)


def _shared_fixtures() -> Any:
    """Load tests/conftest.py by path (another conftest.py may shadow the module name)."""
    spec = importlib.util.spec_from_file_location("l2h_tests_conftest", Path(__file__).parent / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD_PAPER: str = _shared_fixtures().GOOD_PAPER
snapshot: Callable[[Path], dict[str, bytes]] = _shared_fixtures().snapshot
ServeProcess: Any = _shared_fixtures().ServeProcess
BROKEN_PAPER = GOOD_PAPER.replace("tags: [Image Retrieval]", "tags: [Image Retreival]")
SECRET = "TOP-SECRET-NOT-IN-THE-SITE"


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll until predicate() is true; fail the test if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """Send one request with the path exactly as given (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


class Running:
    """A DevServer running in a thread, with what it printed."""

    def __init__(self, root: Path, debounce: float = 0.2, strict: bool = False) -> None:
        self.root = root
        self.log = io.StringIO()
        self.server = DevServer(SiteBuilder(root=root, strict=strict), port=0, debounce=debounce, poll=0.05,
                                out=self.log)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        assert self.server.ready.wait(60)
        self.port = self.server.port

    @property
    def builds(self) -> int:
        return self.server.builder.builds

    @property
    def site_dir(self) -> Path:
        """The folder the server writes its site to (in the cache: never l2h build's _site)."""
        return Path(self.server.builder.output_dir())

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return get(self.port, path)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(30)
        assert not self.thread.is_alive()


@pytest.fixture
def serving(site: Callable[[dict[str, str | bytes]], Path]) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(files: dict[str, str | bytes], debounce: float = 0.2, strict: bool = False) -> Running:
        running = Running(site(files), debounce, strict)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def paper_page(running: Running) -> str:
    return running.get("/publications/weiss2008spectral/")[2]


def test_serves_the_built_site_with_the_reload_script(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    status, headers, body = running.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert f'<script src="/livereload.js?port={running.port}"></script></head>' in body
    status, _, body = running.get("/publications/weiss2008spectral/")
    assert status == 200 and "Spectral Hashing" in body and "l2h-error-overlay" not in body
    status, headers, _ = running.get("/static/style.css")
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8"
    status, _, body = running.get("/livereload.js")
    assert status == 200 and "LiveReload" in body
    assert (running.site_dir / "index.html").is_file()
    pages = sum(1 for path in running.site_dir.rglob("*") if path.is_file() and path.name != ".l2h-site")
    # counted as l2h build counts them: pages, and the papers they were built from
    assert re.search(rf"^l2h: built {pages:,} pages \(1 paper\) in [\d.]+ s \({pages:,} written or deleted\)$",
                     running.log.getvalue(), re.MULTILINE), running.log.getvalue()


def test_strict_serving_says_a_warning_failed_the_build(serving: Callable[..., Running]) -> None:
    """Under --strict, a build with warnings only fails; the server says why, as l2h build does."""
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER}, strict=True)
    paper = running.root / "papers" / "weiss2008spectral.md"
    paper.write_text(GOOD_PAPER.replace("tags: [Image Retrieval]", "tags: [Image Retrieval]\nnotes: later"),
                     encoding="utf-8")
    wait_for(lambda: "l2h: build failed" in running.log.getvalue())
    log = running.log.getvalue()
    assert "warning[" in log and "error[" not in log
    assert ("l2h: build failed (--strict counts the warning as an error); still serving the last good site"
            in log), log


def test_the_watcher_looks_less_often_at_a_review_that_takes_long_to_look_at(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert poll_pause(0.15, 0.002) == 0.15, "a small review is looked at every poll"
    assert poll_pause(0.15, 0.12) == pytest.approx(0.12 * (1 / POLL_SHARE - 1)), "a large one at most POLL_SHARE"
    real_snapshot: Callable[[Sequence[Path]], dict[str, tuple[int, int]]] = serve_module.snapshot

    def slow_snapshot(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
        time.sleep(0.05)  # as long as stat-ing ~8,000 files takes here
        return real_snapshot(paths)

    monkeypatch.setattr(serve_module, "snapshot", slow_snapshot)
    watcher = Watcher(lambda: [tmp_path], lambda changed: None, poll=0.05, events=False)
    watcher.prime()
    assert watcher.pause >= 0.05 * (1 / POLL_SHARE - 1)


def test_a_folder_without_its_slash_redirects(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    status, headers, _ = running.get("/papers")
    assert status == 302 and headers["location"] == "/papers/"
    status, headers, _ = running.get("/papers?tag=Image+Retrieval&sort=title")  # the finder's state is kept
    assert status == 302 and headers["location"] == "/papers/?tag=Image+Retrieval&sort=title"
    status, headers, _ = running.get("//papers")  # "//papers/" would send a browser to the host "papers"
    assert status == 302 and headers["location"] == "/papers/"


def test_requests_for_another_host_name_are_refused(serving: Callable[..., Running]) -> None:
    """A web page whose host name an attacker points at 127.0.0.1 (DNS rebinding) reads nothing."""
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})

    def status_for(host: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
        try:
            conn.putrequest("GET", "/", skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    assert status_for("attacker.example") == (400, "400: this server answers to 127.0.0.1, not to attacker.example\n")
    assert status_for(f"attacker.example:{running.port}")[0] == 400
    for host in (f"127.0.0.1:{running.port}", f"localhost:{running.port}", "localhost", f"[::1]:{running.port}",
                 f"localhost.:{running.port}"):
        assert status_for(host)[0] == 200, host


def live_reload(port: int, headers: dict[str, str], *messages: str | bytes) -> int | str | None:
    """Open the live-reload websocket with these headers (as a web page's browser would send them) and send the
    messages (bytes as binary ones); return the status its handshake was refused with, or else the first message
    the server sent back (None if it closed the connection)."""

    async def talk() -> int | str | None:
        request = tornado.httpclient.HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers,
                                                 connect_timeout=10, request_timeout=10)
        try:
            connection = await tornado.websocket.websocket_connect(request)
        except tornado.httpclient.HTTPClientError as exc:
            return exc.code
        try:
            for message in messages:
                await connection.write_message(message, binary=isinstance(message, bytes))
            reply = await asyncio.wait_for(connection.read_message(), 10)
            return reply if reply is None else str(reply)
        finally:
            connection.close()

    replies: list[int | str | None] = []
    run_outside_asyncio(lambda: replies.append(asyncio.run(talk())))  # after a browser test, the thread has a loop
    return replies[0]


HELLO = '{"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}'


def is_hello(reply: int | str | None) -> bool:
    return isinstance(reply, str) and json.loads(reply)["command"] == "hello"


def test_live_reload_answers_only_this_servers_own_pages(serving: Callable[..., Running],
                                                        caplog: pytest.LogCaptureFixture) -> None:
    """A web page of another site the developer visits could open the live-reload websocket (livereload accepts
    any Origin) and watch the saves, and a page that points its own host name at 127.0.0.1 (DNS rebinding) could
    fetch its script, as the site's pages could not be (test_requests_for_another_host_name_are_refused)."""
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    port = running.port
    own = f"http://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", "/livereload.js", skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "evil.com")
        conn.endheaders()
        response = conn.getresponse()
        assert (response.status, response.read().decode()) == (
            400, "400: this server answers to 127.0.0.1, not to evil.com\n")
    finally:
        conn.close()
    # the audit's reproduction: another site's page, its host name pointed at 127.0.0.1
    assert live_reload(port, {"Origin": "http://evil.com", "Host": "evil.com"}, HELLO) == 400
    assert live_reload(port, {"Host": f"evil.com:{port}"}, HELLO) == 400, "a foreign Host, even without Origin"
    for origin in ("http://evil.com", f"http://evil.com:{port}", "http://localhost:3000",  # another local server
                   f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}", "null", "http://[::1"):  # no URL: tornado's own comparison with the Host raised on it
        assert live_reload(port, {"Origin": origin}, HELLO) == 403, origin
    # tornado 6.6 leaves a same-site request (another port of the same host) to check_origin
    assert live_reload(port, {"Origin": "http://127.0.0.1:3000", "Sec-Fetch-Site": "same-site"}, HELLO) == 403
    assert running.server.browsers == 0
    # this server's own pages, by the names it answers to, and a client that is no browser (no Origin)
    assert is_hello(live_reload(port, {"Origin": own}, HELLO))
    assert is_hello(live_reload(port, {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"}, HELLO))
    assert is_hello(live_reload(port, {"Origin": f"http://[::1]:{port}", "Host": f"[::1]:{port}"}, HELLO))
    assert is_hello(live_reload(port, {}, HELLO))
    assert not [record for record in caplog.records if record.exc_info or record.levelname == "ERROR"]


def test_a_live_reload_message_that_is_not_a_json_object_is_ignored(
        site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """`1` made livereload raise ('int' object is not iterable), which tornado printed as a traceback in the
    developer's terminal, and closed the connection; now such a message is ignored and the connection lasts."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    server = ServeProcess(root)
    try:
        own = {"Origin": f"http://127.0.0.1:{server.port}"}
        junk: list[str | bytes] = ["1", "[]", '"x"', "null", "{}", '{"url": "x"}', "not json", "{", b"\xff", "[" * 100_000]
        assert is_hello(live_reload(server.port, own, *junk, HELLO))
        for message in junk:  # each on a connection of its own: nothing of it reaches the terminal
            assert is_hello(live_reload(server.port, own, message, HELLO)), message
        status, _, body = get(server.port, "/")  # the server still serves
        assert status == 200 and "livereload.js" in body
        said = server.stop()
    finally:
        server.kill()
    assert server.proc.returncode == 0
    assert "Traceback" not in said and "Uncaught exception" not in said and "Error" not in said, said
    assert said.endswith("l2h: server stopped\n")


def test_no_etag_not_even_that_of_an_empty_body_for_head(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    status, headers, body = get(running.port, "/", "HEAD")
    assert status == 200 and body == "" and "etag" not in headers
    assert int(headers["content-length"]) == len(running.get("/")[2].encode())
    assert "etag" not in running.get("/")[1]


@pytest.mark.parametrize("poll", [False, True], ids=["notified", "polling"])
def test_a_site_folder_deleted_by_hand_is_built_again_when_asked_for(site: Callable[[dict[str, str | bytes]], Path],
                                                                      poll: bool) -> None:
    log = io.StringIO()
    server = DevServer(SiteBuilder(root=site({"papers/weiss2008spectral.md": GOOD_PAPER})), port=0, debounce=0.1,
                       poll=0.05, events=not poll, out=log)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(60)
        shutil.rmtree(server.builder.output_dir())
        status, _, body = get(server.port, "/")
        assert status == 503 and "is gone; building it again" in body and "livereload.js" in body
        wait_for(lambda: get(server.port, "/")[0] == 200)  # asked again and again meanwhile, as a browser may
        assert (server.builder.output_dir() / "publications" / "weiss2008spectral" / "index.html").is_file()
    finally:
        server.stop()
        thread.join(30)


def test_a_config_that_moves_the_site_onto_sources_leaves_the_last_site_served(
        serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    (running.root / "l2h.yml").write_text("output_dir: papers\n", encoding="utf-8")
    wait_for(lambda: "refusing to write the site to" in running.log.getvalue())
    assert running.get("/weiss2008spectral.md")[0] == 404  # not the sources
    status, _, body = running.get("/publications/weiss2008spectral/")
    assert status == 200 and "Spectral Hashing" in body and "l2h-error-overlay" in body


def test_broken_paper_keeps_the_last_good_site_with_an_overlay_then_recovers(
        serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    paper = running.root / "papers" / "weiss2008spectral.md"
    paper.write_text(BROKEN_PAPER, encoding="utf-8")
    wait_for(lambda: "l2h-error-overlay" in paper_page(running))
    wait_for(lambda: "l2h: build failed" in running.log.getvalue())
    status, _, body = running.get("/publications/weiss2008spectral/")
    assert status == 200
    assert "<h1" in body and "Spectral Hashing" in body  # the old page is still there, under the overlay
    assert "Still showing the last good site." in body
    assert ("papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag &quot;Image Retreival&quot; "
            "is not in taxonomy.yml") in body
    log = running.log.getvalue()
    assert 'papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml' in log
    assert "l2h: build failed; still serving the last good site" in log

    paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Revisited"), encoding="utf-8")
    wait_for(lambda: "Spectral Hashing Revisited" in paper_page(running))
    assert "l2h-error-overlay" not in paper_page(running)  # the fixed site is served as soon as it is in place
    wait_for(lambda: "l2h: rebuilt " in running.log.getvalue())
    assert running.log.getvalue().count("l2h: rebuilt ") == 1


def test_a_renamed_papers_old_address_is_served_as_its_redirect_page(serving: Callable[..., Running]) -> None:
    moved = GOOD_PAPER.replace("year: 2008\n", "year: 2008\nformer_keys: [weiss2007spectral]\n")
    running = serving({"papers/weiss2008spectral.md": moved})
    status, headers, body = running.get("/publications/weiss2007spectral/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta http-equiv="refresh" content="0; url=../../publications/weiss2008spectral/">' in body
    assert f'<script src="/livereload.js?port={running.port}"></script></head>' in body
    assert running.get("/publications/weiss2007spectral")[1]["location"] == "/publications/weiss2007spectral/"
    # the old key dropped: the page goes with the next rebuild
    (running.root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER, encoding="utf-8")
    wait_for(lambda: running.get("/publications/weiss2007spectral/")[0] == 404)


def test_overlay_escapes_what_the_diagnostics_quote(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    paper = running.root / "papers" / "weiss2008spectral.md"
    paper.write_text(GOOD_PAPER.replace("tags: [Image Retrieval]", "tags: [\"<script>alert(1)</script>\"]"),
                     encoding="utf-8")
    wait_for(lambda: "l2h-error-overlay" in paper_page(running))
    body = paper_page(running)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_first_build_failing_shows_an_error_page(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": BROKEN_PAPER})
    status, _, body = running.get("/")
    assert status == 500
    assert "l2h: build failed; there is no site to serve yet: the pages show what to fix" in running.log.getvalue()
    assert running.get("/static/style.css")[0] == 500  # no site: every address shows what to fix
    assert "There is no site to show yet." in body and "Still showing" not in body
    assert 'id="l2h-error-overlay"' in body and "error[unknown-tag]" in body
    assert f'<script src="/livereload.js?port={running.port}"></script>' in body
    (running.root / "papers" / "weiss2008spectral.md").write_text(GOOD_PAPER, encoding="utf-8")
    wait_for(lambda: running.get("/")[0] == 200)
    assert "l2h-error-overlay" not in running.get("/")[2]


def test_template_and_taxonomy_changes_rebuild(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    footer = running.root / "templates" / "base.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</main>", "</main><p>edited-template</p>"),
                      encoding="utf-8")
    wait_for(lambda: "edited-template" in running.get("/")[2])
    taxonomy = running.root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("Retrieval of images.", "Pictures-found."),
                        encoding="utf-8")
    wait_for(lambda: "Pictures-found." in running.get("/tags/")[2])


def test_a_burst_of_changes_is_one_rebuild(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER}, debounce=1.0)
    before = running.builds
    for i in range(6):
        key = f"weiss2008spectral{'abcdef'[i]}"
        words = ("graph cuts", "binary codes", "random rotations", "anchor graphs", "product codebooks", "trees")
        (running.root / "papers" / f"{key}.md").write_text(
            GOOD_PAPER.replace("Spectral Hashing", f"Spectral Hashing {i}").replace(
                "Codes from thresholded eigenfunctions", f"A summary about {words[i]}"), encoding="utf-8")
    wait_for(lambda: running.builds > before)
    time.sleep(1.5)  # give a second rebuild the chance to (wrongly) happen
    assert running.builds == before + 1
    assert "Spectral Hashing 5" in running.get("/papers/")[2]


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/papers/..%2f..%2fsecret.txt",
    "/static/%2e%2e/%2e%2e/secret.txt",
    "/static/..%5c..%5csecret.txt",
    "/%252e%252e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/secret.txt%00.html",
    "//secret.txt",
    "/.l2h-site",
    "/papers/../../secret.txt",
])
def test_no_file_outside_the_output_folder_is_served(serving: Callable[..., Running], path: str) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER, "secret.txt": SECRET})
    status, _, body = running.get(path)
    assert status == 404
    assert SECRET not in body


def test_a_symlink_out_of_the_site_is_not_followed(serving: Callable[..., Running], tmp_path: Path) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER, "secret.txt": SECRET})
    (running.site_dir / "leak.txt").symlink_to(running.root / "secret.txt")
    status, _, body = running.get("/leak.txt")
    assert status == 404 and SECRET not in body


def test_a_folder_without_index_is_not_listed(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert (running.site_dir / "static").is_dir()
    assert not (running.site_dir / "static" / "index.html").exists()
    not_found = running.get("/no-such-page/")
    assert not_found[0] == 404
    assert (running.site_dir / "pagefind").is_dir() and not (running.site_dir / "pagefind" / "index.html").exists()
    for path in ("/static/", "/static", "/pagefind/"):
        status, _, body = running.get(path)
        assert status == 404, path
        assert body == not_found[2], path  # the site's 404 page, not a listing
    status, _, body = running.get("/publications/")  # a folder of pages has a page of its own (folder.html)
    assert status == 200 and '<meta http-equiv="refresh" content="0; url=../papers/">' in body


def test_a_site_with_a_base_path_is_served_there_too(serving: Callable[..., Running]) -> None:
    """The 404 page's links are rooted at base_url's path (/review/...): l2h serve answers them, and the root still."""
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER,
                       "l2h.yml": "base_url: https://example.org/review/\nsearch: false\n"})
    status, _, body = running.get("/review/publications/typo/")
    assert status == 404 and 'href="/review/static/style.css"' in body
    assert running.get("/review/static/style.css")[0] == 200
    assert running.get("/review/publications/weiss2008spectral/")[0] == 200
    status, headers, _ = running.get("/review")
    assert status == 302 and headers["location"] == "/review/"
    assert running.get("/")[0] == 200 and running.get("/static/style.css")[0] == 200


def test_resolve_request_stays_inside(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("x")
    (tmp_path / "outside.txt").write_text("x")
    assert resolve_request(out, "/a/") == (out / "a" / "index.html").resolve()
    assert resolve_request(out, "/a/index.html?x=1") == (out / "a" / "index.html").resolve()
    assert resolve_request(out, "/outside.txt") is None
    assert resolve_request(out, "/a/%2e%2e/%2e%2e/outside.txt") is None
    assert resolve_request(out, "/%ff") is None


def test_hosts_other_machines_can_reach_need_allow_remote() -> None:
    # ::ffff:127.0.0.1, the IPv4 loopback as an IPv6 socket has it, was refused as reachable by other machines
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"):
        assert is_loopback(host) and check_host(host, False) is None
    assert not is_loopback("::ffff:10.0.0.1")
    with pytest.raises(L2hError) as exc:
        check_host("0.0.0.0", False)
    assert str(exc.value) == ("refusing to serve on 0.0.0.0: other machines could reach the development server; "
                              "use --host 127.0.0.1, or add --allow-remote if you really mean it")
    for name in ("nosuchhost.invalid", "two words"):  # never "other machines could reach": nothing can
        with pytest.raises(L2hError) as exc:
            check_host(name, True)
        assert str(exc.value).startswith(f"cannot serve on {name}: ")
        assert str(exc.value).endswith("; check the name given to --host (the default, 127.0.0.1, is this "
                                       "machine only)")
    assert check_host("0.0.0.0", True) == (
        "l2h: warning: serving on 0.0.0.0: anyone who can reach this machine can read the site; "
        "the development server is not hardened for the internet")


def test_an_ipv6_address_given_in_brackets_is_served_on(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """--host [::1], as a URL writes the address: it was "Name or service not known"."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"this machine has no IPv6 loopback: {exc}")
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    process = subprocess.Popen(_l2h("serve", "--root", str(root), "--host", "[::1]", "--port", "0"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        said = ""
        while "serving" not in said:
            line = process.stderr.readline()
            assert line, f"l2h serve ended: {said}"
            said += line
        port = int(re.search(r"serving http://\[::1\]:(\d+)/", said).group(1))  # type: ignore[union-attr]
        conn = http.client.HTTPConnection("::1", port, timeout=30)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        process.terminate()
        process.wait(30)


def _l2h(*args: str) -> list[str]:
    return [sys.executable, "-m", "l2h_site", *args]


def test_cli_refuses_a_remote_host_without_the_flag(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    done = subprocess.run(_l2h("serve", "--root", str(root), "--host", "0.0.0.0", "--port", "0"),
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("l2h: error: refusing to serve on 0.0.0.0:")
    assert not (root / "_site").exists() and not (root / ".l2h-cache" / "serve").exists()


@pytest.mark.parametrize("out", ["/", "papers", "."])
def test_cli_refuses_to_serve_a_folder_it_would_not_write(site: Callable[[dict[str, str | bytes]], Path],
                                                          out: str) -> None:
    """`--out /` once built nothing, then served the whole file system; `--out papers` served the sources."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    done = subprocess.run(_l2h("serve", "--root", str(root), "--out", out, "--port", "0"), cwd=root,
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"l2h: error: refusing to write the site to {out}")
    assert "serving" not in done.stderr and "built" not in done.stderr


def test_cli_says_the_port_is_taken_before_building(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    import socket

    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(_l2h("serve", "--root", str(root), "--port", str(port)),
                              check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"l2h: error: cannot listen on 127.0.0.1:{port}: Address already in use; "
                           "another program listens on it; choose another port with --port\n")
    assert not (root / "_site").exists() and not (root / ".l2h-cache" / "serve").exists()  # no build ran


@pytest.mark.parametrize("watching", [[], ["--poll"]], ids=["notified", "polling"])
def test_cli_serves_rebuilds_and_stops_cleanly_on_ctrl_c(site: Callable[[dict[str, str | bytes]], Path],
                                                        watching: list[str]) -> None:
    """A real `l2h serve`, with the operating system's notifications of changes or looking at the files (--poll):
    an edit is served, a content error shows what to fix over the last good site, and fixing it restores the site."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    paper = root / "papers" / "weiss2008spectral.md"
    server = ServeProcess(root, *watching)
    try:
        status, _, body = get(server.port, "/publications/weiss2008spectral/")
        assert status == 200 and "Spectral Hashing" in body
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Edited Hashing"), encoding="utf-8")
        wait_for(lambda: "Edited Hashing" in get(server.port, "/papers/")[2])
        paper.write_text(BROKEN_PAPER, encoding="utf-8")
        wait_for(lambda: "l2h-error-overlay" in get(server.port, "/publications/weiss2008spectral/")[2])
        status, _, body = get(server.port, "/publications/weiss2008spectral/")
        assert status == 200 and "Edited Hashing" in body and "Still showing the last good site." in body
        assert ("papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag &quot;Image Retreival&quot; "
                "is not in taxonomy.yml") in body
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Fixed Hashing"), encoding="utf-8")
        wait_for(lambda: "Fixed Hashing" in get(server.port, "/publications/weiss2008spectral/")[2])
        assert "l2h-error-overlay" not in get(server.port, "/publications/weiss2008spectral/")[2]
        wait_for(lambda: "Fixed Hashing" in get(server.port, "/papers/")[2])
        said = server.stop()
    finally:
        server.kill()
    assert server.proc.returncode == 0
    assert ('papers/weiss2008spectral.md:6:8: error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml\n'
            in said)
    assert "l2h: build failed; still serving the last good site\n" in said
    assert said.endswith("l2h: server stopped\n")
    assert "Traceback" not in said


def run_outside_asyncio(func: Callable[[], None]) -> None:
    """Run func in a fresh thread, which runs no event loop: Playwright's sync API refuses a thread that does, and
    asyncio.run too; the thread of a test that follows a browser test in the same worker does (the session's
    Playwright keeps its loop there)."""
    failures: list[BaseException] = []

    def target() -> None:
        try:
            func()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(180)
    if failures:
        raise failures[0]
    assert not thread.is_alive(), "the browser did not finish"


def _chromium() -> str | None:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None and os.environ.get("CI"):
        pytest.fail("chromium is required on CI")
    return path


def in_browser(running: Running, check: Callable[[Any], None]) -> None:
    """Open the paper's page in headless Chromium, wait until live reload is connected, then run check(page)."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]

    def drive() -> None:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=args)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{running.port}/publications/weiss2008spectral/")
                page.wait_for_function("() => window.LiveReload && window.LiveReload.connector"
                                       " && window.LiveReload.connector._connectionDesired")
                wait_for(lambda: running.server.browsers > 0)
                check(page)
            finally:
                browser.close()

    run_outside_asyncio(drive)


def test_browser_reloads_into_the_overlay_and_back(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    paper = running.root / "papers" / "weiss2008spectral.md"

    def check(page: Any) -> None:
        paper.write_text(BROKEN_PAPER, encoding="utf-8")
        page.wait_for_selector("#l2h-error-overlay", timeout=30_000)
        assert "error[unknown-tag]" in page.inner_text("#l2h-error-overlay")
        assert "Spectral Hashing" in page.inner_text("main")
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Fixed"), encoding="utf-8")
        # (during the reload the page has no body for a moment: not yet the fixed site)
        page.wait_for_function("() => !!document.body && document.body.innerText.includes('Spectral Hashing Fixed')",
                               timeout=30_000)
        assert page.query_selector("#l2h-error-overlay") is None

    in_browser(running, check)


def test_a_browser_is_opened_only_when_asked(site: Callable[[dict[str, str | bytes]], Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url))
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    for wanted in (False, True):
        server = DevServer(SiteBuilder(root=root), port=0, out=io.StringIO())
        thread = threading.Thread(target=server.run, kwargs={"open_browser": wanted}, daemon=True)
        thread.start()
        assert server.ready.wait(60)
        server.stop()
        thread.join(30)
        assert opened == ([f"http://127.0.0.1:{server.port}/"] if wanted else [])


def test_an_edited_paper_is_previewed_at_once_then_the_whole_site_follows(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    wait_for(lambda: running.server.builder.previewer is not None)
    paper = running.root / "papers" / "weiss2008spectral.md"
    paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Previewed"), encoding="utf-8")
    wait_for(lambda: "l2h: rebuilt " in running.log.getvalue())
    log = running.log.getvalue()
    preview = log.index("l2h: updated publications/weiss2008spectral/index.html\n")
    assert "page(s) updated in" in log and preview < log.index("l2h: rebuilt ")
    assert "Spectral Hashing Previewed" in paper_page(running)
    assert "Spectral Hashing Previewed" in running.get("/papers/")[2]  # the lists come with the full build
    # A broken edit is never previewed: the full build reports it and the last good site stays.
    paper.write_text(BROKEN_PAPER, encoding="utf-8")
    wait_for(lambda: "l2h-error-overlay" in paper_page(running))
    assert running.log.getvalue().count("page(s) updated in") == 1


def test_a_server_started_on_an_up_to_date_site_serves_before_it_prepares_previews(
        site: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Found up to date, the site is served at once; what it was built from (which previews need: 1.5-2.5 s at
    5,000 papers) is computed meanwhile, and the first edit waits for it and is previewed."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER})
    assert build(root, out_dir=root / ".l2h-cache" / "serve", serving=True).written  # as an earlier l2h serve left it
    gate = threading.Event()
    real = serve_module.site_context
    calls: list[str] = []

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(threading.current_thread().name)
        assert gate.wait(60), "the test never let the previews go"
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "site_context", held)
    log = io.StringIO()
    server = DevServer(SiteBuilder(root=root), port=0, debounce=0.1, poll=0.05, out=log)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(60)
        assert "l2h: built " in log.getvalue() and server.builder.previewer is None  # served, previews not ready
        assert get(server.port, "/publications/weiss2008spectral/")[0] == 200
        paper = root / "papers" / "weiss2008spectral.md"
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Previewed"), encoding="utf-8")
        time.sleep(0.5)
        assert "l2h: rebuilt " not in log.getvalue()  # the first edit waits for the previews
        gate.set()
        wait_for(lambda: "l2h: rebuilt " in log.getvalue())
        assert "page(s) updated in" in log.getvalue() and calls == ["l2h-previews"]
    finally:
        gate.set()
        server.stop()
        thread.join(30)
    assert not thread.is_alive()


def test_what_lasts_between_rebuilds_is_left_out_of_their_garbage_collections(
        serving: Callable[..., Running]) -> None:
    """After each build, once the browsers were told, the server collects the garbage and sets what is alive aside
    (gc.freeze), so that the next rebuild's full collections do not traverse the memos and the last context again;
    a stopped server sets nothing aside any more."""
    import gc

    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    wait_for(lambda: gc.get_freeze_count() > 0)
    paper = running.root / "papers" / "weiss2008spectral.md"
    paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Again"), encoding="utf-8")
    wait_for(lambda: "l2h: rebuilt " in running.log.getvalue())
    wait_for(lambda: gc.get_freeze_count() > 0)
    running.stop()
    assert gc.get_freeze_count() == 0


def _hold_builds(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make every later build of the dev server wait, once started, for the first event returned (previews run at
    once); the second is set when a build waits."""
    gate, held = threading.Event(), threading.Event()
    real = serve_module.build

    def hold(*args: Any, **kwargs: Any) -> Any:
        if not gate.is_set():
            held.set()
        assert gate.wait(60), "the test never let the build go"
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "build", hold)
    return gate, held


def test_the_edited_page_reaches_the_browser_while_the_rest_of_the_site_rebuilds(
        serving: Callable[..., Running], monkeypatch: pytest.MonkeyPatch) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    wait_for(lambda: running.server.builder.previewer is not None)
    gate, _ = _hold_builds(monkeypatch)
    paper = running.root / "papers" / "weiss2008spectral.md"

    def check(page: Any) -> None:
        builds = running.builds
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Seen Early"), encoding="utf-8")
        try:
            page.wait_for_function("() => (document.querySelector('h1') || {innerText: ''}).innerText.includes("
                                   "'Seen Early')",
                                   timeout=30_000)
            # The reload was answered while the full rebuild ran (held here): the lists are still old.
            assert running.builds == builds and not gate.is_set()
            assert "Seen Early" not in running.get("/papers/")[2]
        finally:
            gate.set()
        wait_for(lambda: "Seen Early" in running.get("/papers/")[2])

    in_browser(running, check)


def test_a_save_during_a_rebuild_is_previewed_before_the_memos_are_written(
        serving: Callable[..., Running], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a rebuild the server prepares the previews, writes the cache's memos and sets what lasts aside (about
    1.3 s at 20,000 papers); when the operating system has told of a save meanwhile, the memos and the setting aside
    wait, and the save is previewed first. The memos are written after the next rebuild that no save follows."""
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    if not running.server.watcher.events:
        pytest.skip("the operating system does not tell of file changes here")
    wait_for(lambda: running.server.builder.previewer is not None)
    builder = running.server.builder
    real_save, real_ready = builder.save_memos, builder.ready_previews
    saved_after: list[int] = []
    set_aside_after: list[int] = []
    gate, held = threading.Event(), threading.Event()

    def save_memos(until: Callable[[], bool] | None = None) -> None:
        saved_after.append(builder.builds)
        real_save(until)

    def ready_previews() -> None:  # the first rebuild's is held, while the test saves again
        if not gate.is_set():
            held.set()
            assert gate.wait(60), "the test never let the previews go"
        real_ready()

    def set_aside_what_lasts() -> None:
        set_aside_after.append(builder.builds)
        real_set_aside()

    real_set_aside = serve_module.set_aside_what_lasts
    monkeypatch.setattr(builder, "save_memos", save_memos)
    monkeypatch.setattr(builder, "ready_previews", ready_previews)
    monkeypatch.setattr(serve_module, "set_aside_what_lasts", set_aside_what_lasts)
    paper = running.root / "papers" / "weiss2008spectral.md"
    builds, log = running.builds, running.log
    try:
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing One"), encoding="utf-8")
        assert held.wait(30)  # rebuilt, with "One"
        assert running.builds == builds + 1 and "Spectral Hashing One" in running.get("/papers/")[2]
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Two"), encoding="utf-8")
        wait_for(lambda: running.server.watcher.pending)
    finally:
        gate.set()
    wait_for(lambda: log.getvalue().count("page(s) updated in") == 2)  # "Two" previewed
    assert not saved_after and not set_aside_after  # no memos written, nothing set aside before that
    wait_for(lambda: set_aside_after == [builds + 2])  # after the second rebuild, which no save followed
    assert saved_after == [builds + 2] and not running.server.watcher.pending
    assert "Spectral Hashing Two" in running.get("/papers/")[2]


def test_a_save_during_a_rebuild_is_previewed_and_the_rebuild_starts_again(
        serving: Callable[..., Running], monkeypatch: pytest.MonkeyPatch) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    if not running.server.watcher.events:
        pytest.skip("the operating system does not tell of file changes here")
    wait_for(lambda: running.server.builder.previewer is not None)
    gate, held = _hold_builds(monkeypatch)
    paper = running.root / "papers" / "weiss2008spectral.md"
    builds, log = running.builds, running.log
    try:
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing One"), encoding="utf-8")
        assert held.wait(30)  # "One" previewed, its rebuild waits
        assert "Spectral Hashing One" in running.get("/publications/weiss2008spectral/")[2]
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Two"), encoding="utf-8")
        wait_for(lambda: running.server.watcher.pending)
    finally:
        gate.set()
    wait_for(lambda: "Spectral Hashing Two" in running.get("/papers/")[2])
    wait_for(lambda: "l2h: rebuilt " in log.getvalue())  # said once the site it served is in place
    text = log.getvalue()
    assert text.count("l2h: a source changed again; rebuilding for that change\n") == 1, text
    assert text.count("page(s) updated in") == 2, text  # "Two" previewed too, before its rebuild
    assert text.index("a source changed again") < text.rindex("page(s) updated in") < text.index("l2h: rebuilt")
    assert running.builds == builds + 1  # "One"'s rebuild was given up, not finished
    assert "Spectral Hashing One" not in running.get("/papers/")[2]


def test_a_request_waits_while_the_site_on_disk_changes(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    answers: list[int] = []
    with running.server.builder.site_lock:  # as a build's commit or a preview holds it
        asker = threading.Thread(target=lambda: answers.append(running.get("/")[0]))
        asker.start()
        asker.join(0.5)
        assert asker.is_alive() and not answers, "answered while the site was being changed"
    asker.join(10)
    assert answers == [200]


def test_a_save_that_changes_no_page_reloads_no_browser(serving: Callable[..., Running]) -> None:
    running = serving({"papers/weiss2008spectral.md": GOOD_PAPER})
    reloads: list[int] = []
    real = running.server._reload

    def counted() -> None:
        reloads.append(1)
        real()

    running.server._reload = counted
    paper = running.root / "papers" / "weiss2008spectral.md"
    builds = running.builds
    paper.write_text(GOOD_PAPER, encoding="utf-8")  # saved again as it was
    wait_for(lambda: running.builds > builds)
    assert reloads == [] and "(0 written or deleted)" in running.log.getvalue(), running.log.getvalue()
    paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing Again"), encoding="utf-8")
    wait_for(lambda: "Spectral Hashing Again" in running.get("/papers/")[2])
    wait_for(lambda: len(reloads) == 2)  # the preview's, then the whole site's


def test_rebuilds_share_one_warm_child_which_stops_with_the_server(site: Callable[[dict[str, str | bytes]], Path],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The second of imports of scikit-learn is paid once per server, not once per rebuild."""
    monkeypatch.setenv("L2H_JOBS", "2")  # the warm child is kept on a machine with two cores or more
    topics = {"weiss2008spectral": "Spectral Hashing", "gong2008iterative": "Iterative Quantization",
              "jegou2008product": "Product Quantization", "malkov2008graphs": "Navigable Small World Graphs",
              "indyk2008sensitive": "Locality Sensitive Hashing"}
    root = site({f"papers/{key}.md": GOOD_PAPER.replace("Spectral Hashing", title).replace(
        "Codes from thresholded eigenfunctions", f"Codes about {title.lower()} from") for key, title in topics.items()})
    builder = SiteBuilder(root=root)
    try:
        assert builder.rebuild().ok and builder.warm is not None
        process = builder.warm.process
        paper = root / "papers" / "weiss2008spectral.md"
        paper.write_text(GOOD_PAPER.replace("Spectral Hashing", "Spectral Hashing of images"), encoding="utf-8")
        assert builder.rebuild().ok
        assert builder.warm.jobs == 2 and builder.warm.process is process and process is not None
        assert process.poll() is None
        assert "of images" in (builder.output_dir() / "publications/weiss2008spectral/index.html").read_text()
    finally:
        builder.close()
    assert builder.warm is None and process.poll() is not None


def test_a_server_started_on_a_built_review_loads_scikit_learn_before_the_first_edit(
        site: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """With related papers and the topic map in the cache, the first build needs no child; the first edit of a
    summary does, and finds one started (and importing scikit-learn) with the server."""
    monkeypatch.setenv("L2H_JOBS", "2")
    titles = {"weiss2008spectral": "Spectral Hashing", "gong2008iterative": "Iterative Quantization",
              "jegou2008product": "Product Quantization"}
    root = site({f"papers/{key}.md": GOOD_PAPER.replace("Spectral Hashing", title) for key, title in titles.items()})
    assert build(root).written  # the cache now has both results
    builder = SiteBuilder(root=root)
    try:
        assert builder.rebuild().ok and builder.warm is not None
        process = builder.warm.process
        assert builder.warm.jobs == 0 and process is not None and process.poll() is None
        paper = root / "papers" / "gong2008iterative.md"
        paper.write_text(paper.read_text(encoding="utf-8") + "\nProduct codes and rotations.\n", encoding="utf-8")
        assert builder.rebuild().ok
        assert builder.warm.jobs == 1 and builder.warm.process is process and process.poll() is None
    finally:
        builder.close()
    assert process.poll() is not None


def test_rebuilds_make_the_exports_of_changed_papers_only(site: Callable[[dict[str, str | bytes]], Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """papers.bib and papers.json reuse the last rebuild's entries of the papers whose view did not change."""
    import l2h_site.cite as cite_module

    monkeypatch.setenv("L2H_JOBS", "1")
    titles = {"weiss2008spectral": "Spectral Hashing", "gong2008iterative": "Iterative Quantization",
              "jegou2008product": "Product Quantization"}
    root = site({f"papers/{key}.md": GOOD_PAPER.replace("Spectral Hashing", title) for key, title in titles.items()})
    made: list[str] = []
    csl_item = cite_module.csl_item

    def counted(paper: Any, abstract: str) -> Any:
        made.append(paper.key)
        return csl_item(paper, abstract)

    monkeypatch.setattr(cite_module, "csl_item", counted)
    builder = SiteBuilder(root=root)
    try:
        assert builder.rebuild().ok and sorted(made) == sorted(titles)
        made.clear()
        paper = root / "papers" / "gong2008iterative.md"
        paper.write_text(paper.read_text(encoding="utf-8").replace("year: 2008", "year: 2011"), encoding="utf-8")
        assert builder.rebuild().ok and made == ["gong2008iterative"]
        exported = (builder.output_dir() / "papers.json").read_bytes(), (builder.output_dir() / "papers.bib").read_bytes()
        made.clear()
        config = root / "l2h.yml"
        config.write_text("base_url: https://elsewhere.example.org/\n", encoding="utf-8")
        assert builder.rebuild().ok and sorted(made) == sorted(titles)  # the entries are kept by base URL too
        config.unlink()
        made.clear()
        assert builder.rebuild().ok and sorted(made) == sorted(titles)  # only the last rebuild's entries are kept
    finally:
        builder.close()
    fresh = build(root, out_dir=root / "fresh", use_cache=False)
    assert fresh.written and exported == ((root / "fresh" / "papers.json").read_bytes(),
                                          (root / "fresh" / "papers.bib").read_bytes())


def test_the_terminal_names_files_from_the_working_folder_and_the_overlay_from_the_review(
        site: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """As `l2h build --root review` prints review/papers/…, so does `l2h serve --root review` in the terminal; the
    browser's overlay has no working folder and names the files as the review does."""
    root = site({"papers/weiss2008spectral.md": BROKEN_PAPER})
    monkeypatch.chdir(root.parent)
    log = io.StringIO()
    builder = SiteBuilder(root=Path("review"), keep_warm=False)
    server = DevServer(builder, port=0, out=log)
    outcome = builder.rebuild()
    server._report(outcome, first=True)
    problem = 'error[unknown-tag]: tag "Image Retreival" is not in taxonomy.yml'
    assert log.getvalue().splitlines()[0] == f"review/papers/weiss2008spectral.md:6:8: {problem}"
    assert outcome.overlay.splitlines()[0] == f"papers/weiss2008spectral.md:6:8: {problem}"
    assert outcome.report.splitlines()[1:] == outcome.overlay.splitlines()[1:]  # the help and count lines
    # from the review's own folder, both name the files alike; from a folder elsewhere, the terminal too
    for here in (root, root.parent.parent / "elsewhere"):
        here.mkdir(exist_ok=True)
        monkeypatch.chdir(here)
        outcome = SiteBuilder(root=root, keep_warm=False).rebuild()
        assert outcome.report == outcome.overlay and outcome.report.startswith("papers/weiss2008spectral.md:6:8: ")
    cli = subprocess.run([sys.executable, "-m", "l2h_site", "build", "--root", "review", "-q"], cwd=root.parent,
                         capture_output=True, text=True, check=False)
    assert cli.stderr.splitlines()[0] == log.getvalue().splitlines()[0]  # as build prints it


def test_a_rebuild_prints_only_the_notes_the_last_build_did_not(site: Callable[[dict[str, str | bytes]], Path]) -> None:
    """A note about the whole review (here feed-empty: a review outside git, no added: dates) is printed by the first
    build and counted, not repeated, by the rebuilds after each save; a new note, and every error, is printed."""
    root = site({"papers/weiss2008spectral.md": GOOD_PAPER.replace("added: 2024-01-15\n", "")})
    paper = root / "papers" / "weiss2008spectral.md"
    held = "(1 note as in the last build, not repeated: l2h build prints every one)"
    builder = SiteBuilder(root=root, keep_warm=False)
    try:
        first = builder.rebuild()
        assert first.ok and "note[feed-empty]" in first.report
        paper.write_text(paper.read_text(encoding="utf-8") + "\nAnd spectral relaxation.\n", encoding="utf-8")
        again = builder.rebuild()
        assert again.ok and again.changed and again.report == held + "\n"
        assert "feed-empty" in again.overlay  # the browser's text is not the terminal's: it is shown only on failure
        paper.write_text(paper.read_text(encoding="utf-8").replace("Rob Fergus", "Rob Fergus, Yair Weiss"),
                         encoding="utf-8")
        repeated = builder.rebuild()
        lines = repeated.report.splitlines()
        assert repeated.ok and "note[author-repeated]" in lines[0] and lines[-1] == held
        assert "feed-empty" not in repeated.report
        paper.write_text(paper.read_text(encoding="utf-8").replace("[Image Retrieval]", "[Image Retreival]"),
                         encoding="utf-8")
        broken = builder.rebuild()
        assert not broken.ok and "error[unknown-tag]" in broken.report and "note[" not in broken.report
        assert broken.report.endswith(held + "\n")  # a failed build makes no feed: author-repeated is held
        broken_again = builder.rebuild()  # an error is printed by every build that has it
        assert "error[unknown-tag]" in broken_again.report
        paper.write_text(paper.read_text(encoding="utf-8").replace("[Image Retreival]", "[Image Retrieval]"),
                         encoding="utf-8")
        mended = builder.rebuild()  # feed-empty, which the failed builds did not give, is not new
        assert mended.ok and mended.report == held.replace("1 note", "2 notes") + "\n", mended.report
        # a note gone in a failed build (its cause removed with the error's) and back after it is new again
        text = paper.read_text(encoding="utf-8")
        paper.write_text(text.replace("Rob Fergus, Yair Weiss", "Rob Fergus").replace("[Image Retrieval]",
                                                                                     "[Image Retreival]"),
                         encoding="utf-8")
        assert not builder.rebuild().ok
        paper.write_text(text, encoding="utf-8")
        back = builder.rebuild()
        assert back.ok and "note[author-repeated]" in back.report and back.report.endswith(held + "\n")
    finally:
        builder.close()
    fresh = SiteBuilder(root=root, keep_warm=False)  # a new server prints every note once more
    try:
        assert "note[feed-empty]" in fresh.rebuild().report
    finally:
        fresh.close()


def test_serve_writes_its_own_site_and_leaves_the_one_l2h_build_wrote(site: Callable[[dict[str, str | bytes]], Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """l2h serve's site (smaller search bundles) is in the cache, so _site keeps the layout to publish, and switching
    between the two commands finds each site up to date: no search file written, no Pagefind run."""
    monkeypatch.setattr(search_module, "EDITING_PAGES", 1)  # 3 papers: 3 bundles in l2h serve (by a hash of each
    # paper's path, two share one, so 2 are written), 1 in l2h build
    titles = {"weiss2008spectral": "Spectral Hashing", "gong2008iterative": "Iterative Quantization",
              "jegou2008product": "Product Quantization"}
    root = site({f"papers/{key}.md": GOOD_PAPER.replace("Spectral Hashing", title) for key, title in titles.items()})
    assert build(root).written
    published = snapshot(root / "_site")
    inodes = {path: path.stat().st_ino for path in (root / "_site").rglob("*")}
    builder = SiteBuilder(root=root, keep_warm=False)
    try:
        assert builder.rebuild().ok
        served = root / ".l2h-cache" / "serve"
        assert builder.output_dir() == served.resolve() and builder.served == served.resolve()
        assert sorted(p.name for p in served.iterdir() if p.name.startswith("pagefind")) == ["pagefind", "pagefind-1"]
        paper = root / "papers" / "gong2008iterative.md"
        paper.write_text(paper.read_text(encoding="utf-8") + "\nRotations of codes.\n", encoding="utf-8")
        assert builder.rebuild().ok
        assert b"Rotations of codes." in (served / "publications/gong2008iterative/index.html").read_bytes()
    finally:
        builder.close()
    assert snapshot(root / "_site") == published  # not a byte of _site changed, no file was replaced
    assert {path: path.stat().st_ino for path in (root / "_site").rglob("*")} == inodes
    assert not build(root).unchanged  # the edit made in l2h serve: _site is brought up to date by l2h build
    assert [p.name for p in (root / "_site").iterdir() if p.name.startswith("pagefind")] == ["pagefind"]
    ran: list[int] = []

    real = search_module._Run

    def counted(pages: Sequence[Any], number: int = 0, key: str = "") -> Any:  # a Pagefind run for a bundle
        ran.append(len(pages))
        return real(pages, number, key)

    monkeypatch.setattr(search_module, "_Run", counted)
    assert build(root).unchanged  # l2h build again, after l2h serve: nothing to do
    again = SiteBuilder(root=root, keep_warm=False)
    try:
        outcome = again.rebuild()  # l2h serve again, after l2h build: its site is up to date too
        assert outcome.ok and outcome.changed == 0
    finally:
        again.close()
    assert ran == []

