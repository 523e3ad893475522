"""`l2h serve`: build, serve the output folder, rebuild on change and reload the browser.

livereload (and the tornado server under it) is used only in this module: its websocket
handler and its browser script carry the reload, behind this module's checks of the Host
and Origin headers; the files are served by a handler of our own that answers only for
files inside the output folder.

A failed rebuild never stops the server: the last good site stays on disk and is served,
with the diagnostics laid over every page and printed in the terminal. The next good build
reloads the browser into the fixed site.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import html
import ipaddress
import json
import mimetypes
import os
import platform
import socket
import stat
import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler

from l2h_site.build import build, site_context
from l2h_site.cache import CACHE_DIR, SERVE_DIR, BuildCache
from l2h_site.config import CONFIG_NAME, base_path, load_config, source_folders
from l2h_site.corpus import WarmChild
from l2h_site.diagnostics import Diagnostic, L2hError, format_text, from_here, strict_failure
from l2h_site.discover import is_editor_file, os_file_kind
from l2h_site.feed import FEED_NOTES
from l2h_site.memory import set_aside_what_lasts
from l2h_site.model import Config
from l2h_site.parallel import job_count
from l2h_site.preview import Previewer
from l2h_site.progress import Progress
from l2h_site.textutil import pages_and_papers
from l2h_site.write import MARKER, check_output_dir, replace_pages

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEBOUNCE_SECONDS = 0.025
"""Quiet time after the last change before a rebuild: a burst of saves or a git checkout is one rebuild."""
BULK_QUIET_SECONDS = 0.3
"""Quiet time before a rebuild when more than one file changed (a checkout, a "save all"), instead of DEBOUNCE_SECONDS.

A single saved file is rebuilt after DEBOUNCE_SECONDS; a bulk change is waited out longer, so that a
git checkout is one rebuild even when a busy machine pauses it for more than DEBOUNCE_SECONDS.
"""
BURST_LIMIT_SECONDS = 2.0
"""Longest a burst of file events that keeps coming is waited out before a rebuild starts anyway."""
NOTIFY_STEP_SECONDS = 0.01
"""How long the operating system's notifier waits for more events before it passes on those it has (at most the
debounce). The watcher then waits out DEBOUNCE_SECONDS itself, so this only delays a save: 0.025 s cost a single
save 25-50 ms before round 29, 0.01 s costs it 10-20 ms; an idle notifier wakes once a step (about 0.3 % of a core
each at 0.01 s, 0.2 % at 0.025 s, on the benchmark machine)."""
TOLD_LIMIT = 1_000
"""Most changed paths the notifications keep for the watcher's next look; beyond it, it looks at every file."""
POLL_SECONDS = 0.15
"""How often the watched files are looked at when polling (at most: see POLL_SHARE)."""
POLL_SHARE = 0.1
"""Most of one core the watcher may spend looking at the files while nothing happens, when polling.

The watcher is told of changes by the operating system (watchfiles); it polls only with
`l2h serve --poll` or where change notifications cannot be had. A look stats every watched file:
2 ms for this repository's 239 papers, 37 ms for 5,000 and 120 ms for 20,000 on the benchmark
machine. Polling a large review every POLL_SECONDS would keep most of a core busy while the server
idles; instead the pause after a look is at least POLL_SECONDS and at least (1 / POLL_SHARE - 1)
times what the look took, so a change is seen within about 0.35 s at 5,000 papers and 1.1 s at 20,000.
"""
RELOAD_GRACE_SECONDS = 1.0
"""Longest the full build after a preview waits for the browsers to reload the previewed page."""
STOP_WAIT_SECONDS = 0.1
"""Longest a stopping server waits for a rebuild to reach its next step and give up (see DevServer._shut_down)."""
RECORD_WAIT_SECONDS = 60.0
"""Longest a stopping server waits for a rebuild that put its site in place to record it in the build cache (listing
the site's files for its manifest takes 0.04-0.09 s at 5,000 papers; see DevServer._shut_down)."""
LOCK_POLL_SECONDS = 0.05
"""How often a build waiting for the site lock looks whether the server stops (see ServingLock)."""
BUSY_WAIT_SECONDS = 60.0
"""Longest a request waits for a build to finish changing the site on disk before it is answered anyway."""


class BuildStopped(BaseException):
    """A build of the dev server was told to stop (SiteBuilder.stopping) and gave up.

    Raised at one of the build's steps (see StopPoints), at the site lock (ServingLock) or when the build has
    recorded the site it put in place (SiteBuilder.rebuild), never while it changes the site on disk; not an
    Exception, so that nothing on the way turns it into a failed build: the build's `with` blocks delete what it
    staged, and the site, the cache and the page store stay as the last good build left them.
    """


class BuildAbandoned(BuildStopped):
    """A rebuild of the dev server gave up, before it put its site in place, because a source changed meanwhile
    (StopPoints' abandon): the server previews that change at once and then rebuilds for it, where it waited for a
    rebuild whose site was out of date before it was written (seconds at 20,000 papers). As a stopped build, it
    leaves the site, the cache and the page store as the last good build left them."""


class StopPoints(Progress):
    """A progress that shows nothing and raises BuildStopped at the next stage or item once `stopping` is set, and
    BuildAbandoned once `abandon` says so.

    A build reports each stage, each paper read and each page written, and, while Pagefind runs, nothing every
    search.STOP_POLL_SECONDS (advance(0): Pagefind is then terminated); it reports nothing while it puts the new site
    in place (under the site lock), while it writes the build cache's files (each written whole, then renamed into
    place) or after it: those are the points where it can stop and leave nothing half written.
    """

    def __init__(self, stopping: threading.Event, abandon: Callable[[], bool] | None = None) -> None:
        super().__init__(enabled=False)
        self.stopping = stopping
        self.abandon = abandon

    def _go_on(self) -> None:
        if self.stopping.is_set():
            raise BuildStopped
        if self.abandon is not None and self.abandon():
            raise BuildAbandoned

    def stage(self, name: str, total: int = 0, done: int = 0) -> None:
        """Start a stage, unless the build is to stop (or to be abandoned)."""
        self._go_on()
        super().stage(name, total, done)

    def advance(self, count: int = 1) -> None:
        """Count items as done, unless the build is to stop (or to be abandoned)."""
        self._go_on()
        super().advance(count)


class ServingLock:
    """The site lock as the dev server's builds and previews take it: not once the server stops.

    Taken while the server stops, or waited for then, it raises BuildStopped instead, so that a build left behind by
    a stopping server (see DevServer._shut_down) never changes the site after that, and never waits for ever for the
    lock, which the stopping server takes and keeps: it gives up, and what it staged beside the site is deleted.
    """

    def __init__(self, lock: threading.Lock, stopping: threading.Event) -> None:
        self.lock = lock
        self.stopping = stopping

    def __enter__(self) -> None:
        while not self.lock.acquire(timeout=LOCK_POLL_SECONDS):
            if self.stopping.is_set():
                raise BuildStopped
        if self.stopping.is_set():
            self.lock.release()
            raise BuildStopped

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def poll_pause(poll: float, look: float) -> float:
    """Seconds to wait after a look at the files that took `look` seconds."""
    return max(poll, look * (1 / POLL_SHARE - 1))


def is_loopback(host: str) -> bool:
    """Tell whether a host name or address only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None  # ::ffff:127.0.0.1
    return (mapped or address).is_loopback


def check_host(host: str, allow_remote: bool) -> str | None:
    """Refuse a non-loopback host without allow_remote, and a name that does not resolve; return the warning to
    print, if any. A name whose every address is a loopback one (a machine's own name, often) is loopback."""
    if is_loopback(host):
        return None
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host.strip("[]"), None)}
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a valid host name"
        raise L2hError(f"cannot serve on {host}: {reason}; check the name given to --host "
                       f"(the default, {DEFAULT_HOST}, is this machine only)") from exc
    if addresses and all(is_loopback(address.partition("%")[0]) for address in addresses):
        return None
    if not allow_remote:
        raise L2hError(f"refusing to serve on {host}: other machines could reach the development server; "
                       f"use --host {DEFAULT_HOST}, or add --allow-remote if you really mean it")
    return (f"l2h: warning: serving on {host}: anyone who can reach this machine can read the site; "
            "the development server is not hardened for the internet")


@dataclass
class BuildOutcome:
    """The result of one build of the dev server."""

    ok: bool
    """Whether the site was written."""
    report: str = ""
    """Diagnostics (or the failure) as text for the terminal: files named from the working folder, as `l2h build`
    and `l2h check` name them."""
    overlay: str = ""
    """The same for the browser's overlay: files named from the review's folder. The page has no working folder,
    and these names stay the same however the server was started, as in `--format json` and the repository."""
    files: int = 0
    """Files in the site (pages, as l2h build counts them), when ok; of a preview, the pages it swapped in."""
    papers: int = 0
    """Papers the site was built from."""
    strict: str = ""
    """Why --strict failed a build that had warnings only (diagnostics.strict_failure), or ""."""
    changed: int = 0
    """Files written to (or deleted from) the site on disk, when ok."""
    seconds: float = 0.0
    """Time the build took."""


def _failed(report: str) -> BuildOutcome:
    """A build that ended in an error other than the content's: the same text for the terminal and the page."""
    return BuildOutcome(ok=False, report=report, overlay=report)


@dataclass
class SiteBuilder:
    """Runs builds for the server and remembers the outcome of the last one."""

    root: Path
    config_file: Path | None = None
    out_dir: Path | None = None
    strict: bool = False
    last: BuildOutcome = field(default_factory=lambda: BuildOutcome(ok=False))
    builds: int = 0
    """Number of builds run so far (good or bad)."""
    good_builds: int = 0
    """Number of builds that wrote the site."""
    commits: int = 0
    """Number of builds that put a new site in place, counted as each does (a build stopped later is counted)."""
    site_lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while the output folder changes (a build's last step, a preview); requests wait for it, not for builds."""
    config: Config | None = None
    cache: BuildCache | None = None
    """The build cache, kept across rebuilds so that its memos stay in memory."""
    previewer: Previewer | None = None
    """Re-renders an edited paper's page against the last good build (None until a build rendered)."""
    keep_warm: bool = True
    """Keep a child process with scikit-learn loaded for related papers and the topic map (on two cores or more)."""
    warm: WarmChild | None = None
    """That child, once the first build started it; close() stops it."""
    _previews_wanted: bool = False
    """The last build found the site up to date and did not compute what it was built from (prepare_previews)."""
    _unfinished: bool = False
    """A build or prepare_previews started and did not end: the memos are not to be written (see close)."""
    recording: bool = False
    """A build has put its site in place and not yet returned: it records the site in the build cache (the page
    store, the site's manifest), which a stopping server waits for (DevServer._shut_down)."""
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set when the server stops: a build running gives up at its next step (BuildStopped), and none starts."""
    served: Path | None = None
    """The folder requests are answered from: the last that a build wrote a site to (or, at the start, the
    output folder if it holds a site l2h wrote). Never a folder a build refused to write, such as / or papers/."""
    told_notes: frozenset[Diagnostic] = frozenset()
    """The notes of the last build (and the feed's of the last good one): a rebuild prints only its new ones in the terminal (see
    terminal_report); errors and warnings are printed by every build that has them."""

    def terminal_report(self, diagnostics: Sequence[Diagnostic], root: Path, written: bool) -> str:
        """The diagnostics for the terminal: every error and warning, and the notes that the last build did not
        give (a note such as `shallow-history` said on every save would bury what the save changed); the notes
        held back are counted (`l2h build` prints them all). A build that failed (`written` false) stopped before
        the feed's notes (feed.FEED_NOTES): those of them told are not forgotten; every other note it had, it gave."""
        notes = frozenset(d for d in diagnostics if d.severity == "note")
        shown = [d for d in diagnostics if d.severity != "note" or d not in self.told_notes]
        held = len(diagnostics) - len(shown)
        self.told_notes = notes if written else notes | {d for d in self.told_notes if d.code in FEED_NOTES}
        text = format_text(from_here(shown, root))
        if held:
            text += (f"({held:,} note{'s' if held != 1 else ''} as in the last build, not repeated: "
                     "l2h build prints every one)\n")
        return text

    def check_output(self) -> None:
        """Refuse an output folder that l2h would refuse to write (L2hError); serve the site it holds, if any."""
        self.config = self.config or load_config(self.root, self.config_file)[0]  # read once, here and below
        check_output_dir(self.out_dir or self.output_dir(), self.config.root, source_folders(self.config))  # as given
        out = self.output_dir()
        self.served = out if (out / MARKER).is_file() else None

    def output_dir(self) -> Path:
        """Return the folder the site is written to (and, once written, served from: see `served`): the one given
        (--out), else the cache's serve folder, never l2h build's output folder (see cache.SERVE_DIR)."""
        if self.out_dir is not None:
            return self.out_dir.resolve()
        config = self.config or load_config(self.root, self.config_file)[0]
        return config.root / CACHE_DIR / SERVE_DIR

    def watched_paths(self) -> list[Path]:
        """Every source whose change can change the site."""
        config = self.config or load_config(self.root, self.config_file)[0]
        config_path = self.config_file.resolve() if self.config_file is not None else config.root / CONFIG_NAME
        names = (config.papers_dir, config.taxonomy, config.templates_dir, config.static_dir,
                 config.resources, config.contributing)
        return sorted({config_path, *(config.path(n) for n in names)})

    def rebuild(self, previews_later: bool = False, abandon: Callable[[], bool] | None = None) -> BuildOutcome:
        """Build the site; a failure is recorded and reported, never raised. previews_later: if the site is found up
        to date, what it was built from (for previews) is computed by prepare_previews, not here (l2h serve's start:
        it serves meanwhile). Raises BuildStopped once `stopping` is set (and KeyboardInterrupt on Ctrl-C), and
        BuildAbandoned at the build's next step once abandon() says so, unless it has put its site in place."""
        if self.stopping.is_set():
            raise BuildStopped
        started = time.perf_counter()
        self._unfinished = True
        # Never once the site is in place (recording): the build then finishes, and records the site.
        steps = StopPoints(self.stopping, (lambda: not self.recording and abandon()) if abandon is not None else None)
        try:
            if self.cache is None:
                self.cache = BuildCache((self.config or load_config(self.root, self.config_file)[0]).root,
                                        save_later=True)
            if self.warm is None and self.keep_warm and job_count() > 1:
                self.warm = WarmChild()
                # scikit-learn loads now, beside this build, not on the first edit that needs it (the cache may
                # have this build's related papers and topic map: then the first edit of a summary paid 1 s more)
                self.warm.preload()
            try:
                result = build(self.root, out_dir=self.output_dir(), strict=self.strict,
                               config_file=self.config_file, cache=self.cache, site_lock=self.serving_lock(),
                               on_commit=self._committed, warm=self.warm, serving=True, progress=steps)
            finally:
                self.recording = False
            if self.stopping.is_set():  # the site is in place and recorded: the rest is for a server that goes on
                raise BuildStopped
            self.config = result.check.config
            if result.written and result.out_dir is not None:
                self.served = result.out_dir.resolve()
            context = result.context
            self._previews_wanted = context is None and result.unchanged and self.previewer is None
            if self._previews_wanted and not previews_later:
                # Started on a site already up to date: compute what it was built from, for previews.
                context = site_context(self.root, self.config_file, self.cache, self.strict)
                self._previews_wanted = False
            if context is not None:
                self.previewer = Previewer(context)
            elif not result.unchanged:
                self.previewer = None
            outcome = BuildOutcome(ok=result.written, files=result.page_count, papers=result.check.count,
                                   changed=result.changed + result.deleted,
                                   strict=strict_failure(result.diagnostics, self.strict),
                                   report=self.terminal_report(result.diagnostics, result.check.config.root,
                                                                 result.written),
                                   overlay=format_text(result.diagnostics))
        except L2hError as exc:
            outcome = _failed(f"l2h: error: {exc}\n")
        except Exception:  # noqa: BLE001 - a bug in a build must not end the server
            outcome = _failed("l2h: internal error while building:\n" + traceback.format_exc())
        # BuildStopped or Ctrl-C leave _unfinished set: the memos hold what part of a build put in them
        self._unfinished = False
        outcome.seconds = time.perf_counter() - started
        self.builds += 1
        self.good_builds += outcome.ok
        self.last = outcome
        return outcome

    def prepare_previews(self) -> None:
        """Compute what the site was built from, for previews, if the last build found it up to date and left that
        for later (rebuild's previews_later). At 5,000 papers this takes 1.5-2.5 s, which l2h serve spends serving."""
        if not (self._previews_wanted and self.last.ok) or self.stopping.is_set():
            return
        self._previews_wanted = False
        # Writes nothing but the memos in memory (and, if the cache lost them, related papers and the topic map to
        # the cache, each written whole and renamed into place): a server that stops meanwhile leaves this thread
        # behind instead of waiting for it, and does not write the memos (close).
        self._unfinished = True
        try:
            # With the warm child, if the cache lost related papers or the topic map: it has scikit-learn loaded,
            # and close() stops it (a child of the previews' own would run on after the server stopped).
            context = site_context(self.root, self.config_file, self.cache, self.strict, self.warm)
        except Exception:  # noqa: BLE001 - previews are an extra: without them, a save gets the full build at once
            context = None
        if self.stopping.is_set():
            return
        self._unfinished = False
        if context is not None:
            self.previewer = Previewer(context)
            self.ready_previews()  # in this thread, which serves meanwhile

    def ready_previews(self) -> None:
        """Prepare the last build's previewer (Previewer.prepare), if it is not yet: after each build, once the
        browsers were told to reload, so that this is not in the way of the new site (50-100 ms at 5,000 papers)."""
        previewer = self.previewer
        if previewer is None:
            return
        try:
            previewer.prepare()
        except Exception:  # noqa: BLE001 - previews are an extra: without them, a save gets the full build at once
            self.previewer = None

    def save_memos(self, until: Callable[[], bool] | None = None) -> None:
        """Write the cache's memos, which builds keep in memory (BuildCache.save_later): after each build, once the
        browsers were told to reload, so that the next `l2h build` or `l2h serve` finds them. until: stop before the
        next memo once this says so (the rest are written by a later call)."""
        if self.cache is not None:
            self.cache.save_memos(until)

    def close(self) -> None:
        """Stop the warm child, if one runs, and write the memos, unless a build (or prepare_previews) did not end:
        the memos then hold part of its work, and the last whole build's are on disk already."""
        if not self._unfinished:
            self.save_memos()
        if self.warm is not None:
            self.warm.stop()
            self.warm = None

    def serving_lock(self) -> ServingLock:
        """The site lock, for a build or a preview: not to be had once the server stops (BuildStopped)."""
        return ServingLock(self.site_lock, self.stopping)

    def _committed(self) -> None:
        """The new site is in place (the site lock is held): requests answered from now on show no overlay."""
        self.last = BuildOutcome(ok=True)
        self.served = self.output_dir()
        self.commits += 1
        self.recording = True

    def preview(self, changed: Iterable[Path]) -> BuildOutcome | None:
        """Swap the re-rendered pages of the edited papers into the served site, if that can be exact.

        Returns None when only a full build can answer: no good build to start from, a change
        other than to existing paper files, or a paper with errors (the full build reports them).
        """
        previewer = self.previewer
        if previewer is None or not self.last.ok:
            return None
        started = time.perf_counter()
        try:
            pages = previewer.pages(changed)
            if pages is None:
                return None
            if self.served is None:
                return None
            with self.serving_lock():
                swapped = replace_pages(self.served, pages)
        except Exception:  # noqa: BLE001 - a preview is an extra (L2hError included); the full build follows and reports
            return None
        return BuildOutcome(ok=True, files=len(swapped), seconds=time.perf_counter() - started,
                            report="".join(f"l2h: updated {path}\n" for path in swapped))


def snapshot(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """Map every file under the given paths to (modification time, size).

    Hidden folders are skipped, and so are editors' temporary files (discover.is_editor_file): vim
    rewrites its swap file every few seconds of typing, which must neither rebuild nor stop a preview.
    So are the operating system's (discover.os_file_kind): Finder rewrites .DS_Store as a folder is browsed.
    """
    found: dict[str, tuple[int, int]] = {}
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        if not path.is_dir():
            found[str(path)] = (st.st_mtime_ns, st.st_size)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if is_editor_file(name) or os_file_kind(name):
                    continue
                full = os.path.join(folder, name)
                try:
                    st = os.stat(full)
                except OSError:
                    continue
                found[full] = (st.st_mtime_ns, st.st_size)
    return found


def changed_files(last: dict[str, tuple[int, int]], current: dict[str, tuple[int, int]]) -> set[Path]:
    """The files made, changed or deleted between two snapshot()s."""
    return {Path(p) for p in set(last) | set(current) if last.get(p) != current.get(p)}


def told_snapshot(last: dict[str, tuple[int, int]], told: Iterable[Path]) -> dict[str, tuple[int, int]] | None:
    """What snapshot() would find now, from the last snapshot and the paths the operating system told of, if these
    are enough to tell: each a file of the last snapshot (changed or deleted since) or one gone again (an editor's
    temporary file). None if a told path that the last snapshot lacks exists now (a new file, a folder), which only
    a look at every file measures. Stats a path or two instead of every file: 37 ms at 5,000 papers, 120 ms at 20,000.
    """
    current = dict(last)
    for path in told:
        key = str(path)
        try:
            st = os.stat(key)
        except OSError:
            current.pop(key, None)
            continue
        if key not in last or stat.S_ISDIR(st.st_mode):
            return None
        current[key] = (st.st_mtime_ns, st.st_size)
    return current


def may_go_on(last: dict[str, tuple[int, int]], current: dict[str, tuple[int, int]]) -> bool:
    """Tell whether a change may be the start of a longer one, to be waited out for BULK_QUIET_SECONDS.

    More than one file changed: maybe a checkout, which a busy machine may pause. A file was made: maybe the
    new file an editor writes a save to and then renames over the file it saves (x.md.tmp, QSaveFile's
    x.md.AbC123, GIO's .goutputstream-AbC123), which, built before it is renamed, is a not-a-paper error.
    """
    changed = changed_files(last, current)
    return len(changed) > 1 or any(str(path) not in last for path in changed)


def is_source(path: Path, watched: Sequence[Path]) -> bool:
    """Tell whether a change at path can change what snapshot() sees of the watched paths."""
    for source in watched:
        if path == source or path in source.parents:  # a source, or a folder on the way to one (made, moved)
            return True
        if source in path.parents:  # inside a source folder, unless snapshot() skips it
            return not (is_editor_file(path.name) or os_file_kind(path.name)
                        or any(part.startswith(".") for part in path.relative_to(source).parts[:-1]))
    return False


def unreliable_notifications(watched: Sequence[Path]) -> str | None:
    """Why the operating system's change notifications cannot be trusted for these sources, if they cannot."""
    uname = platform.uname()
    if "microsoft" in uname.release.lower() and any(path.parts[1:2] == ("mnt",) for path in watched):
        return "WSL does not report changes to files on Windows drives"
    return None


def watch_roots(watched: Sequence[Path]) -> frozenset[tuple[Path, bool]]:
    """The folders to ask the operating system about, as (folder, recursive).

    A source folder is watched with everything under it. A single file (l2h.yml, taxonomy.yml) is
    watched through its folder, not recursively: editors often save by renaming a new file over the
    old, which ends a watch on the file itself. A source that does not exist yet is watched through
    its nearest existing folder, so that its creation is seen.
    """
    roots: set[tuple[Path, bool]] = set()
    for source in watched:
        if source.is_dir():
            roots.add((source, True))
        parent = source.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        roots.add((parent, False))
    return frozenset(roots)


class _Notifications:
    """The operating system's notifications of changes to the sources (watchfiles' Rust notify backend).

    Recursive and single-folder watches need one notifier each; each waits in its own thread and sets
    `wake` when a change touches a source, and keeps the source paths it was told of for take(). Watching
    starts when the object is made (so a change made after that is never missed) and raises if it cannot
    start. A change to a recursively watched folder itself, or to a folder above it (deleted, moved,
    replaced by a checkout), makes the object `stale`: its watch may have gone with the old folder, and a
    new folder is not watched.
    """

    def __init__(self, watched: Sequence[Path], wake: threading.Event, step: float) -> None:
        from watchfiles._rust_notify import RustNotify  # the documented backend of watchfiles.watch()

        self.roots = watch_roots(watched)
        self.error: str | None = None
        """Why notifications stopped coming, if they did (the watcher then polls)."""
        self.stale = False
        """Whether a watched folder was changed itself, so that the folders must be watched anew."""
        self._deep = [folder for folder, recursive in self.roots if recursive]
        self._watched = list(watched)
        self._wake = wake
        self._step = max(1, round(step * 1000))
        self._stop = threading.Event()
        self._told: set[Path] | None = set()
        """The source paths told of since the last take() (None: more than TOLD_LIMIT)."""
        self._told_lock = threading.Lock()
        self._notifiers: list[Any] = []
        self._threads: list[threading.Thread] = []
        try:
            for recursive in (True, False):
                folders = sorted(str(folder) for folder, deep in self.roots if deep == recursive)
                if folders:
                    self._notifiers.append(RustNotify(folders, False, False, 0, recursive, True))
        except BaseException:
            self.close()
            raise
        for notifier in self._notifiers:
            thread = threading.Thread(target=self._listen, args=(notifier,), name="l2h-notify", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _listen(self, notifier: Any) -> None:
        try:
            while not self._stop.is_set():
                changes = notifier.watch(round(BURST_LIMIT_SECONDS * 1000), self._step, 0, self._stop)
                paths = [Path(path) for _, path in changes] if isinstance(changes, set) else []
                if any(path == folder or path in folder.parents for path in paths for folder in self._deep):
                    self.stale = True  # set before wake: the watcher checks it after the look that wake starts
                sources = [path for path in paths if is_source(path, self._watched)]
                if sources:
                    with self._told_lock:
                        if self._told is not None:
                            self._told.update(sources)
                            if len(self._told) > TOLD_LIMIT:
                                self._told = None
                    self._wake.set()
        except Exception as exc:  # noqa: BLE001 - reported, and the watcher polls instead
            if not self._stop.is_set():
                self.error = f"{type(exc).__name__}: {exc}"
                self._wake.set()

    @property
    def pending(self) -> bool:
        """Whether a source was told of since the last take() (stale or error, which last until the watcher
        listens anew, say nothing of whether it was since)."""
        with self._told_lock:
            return self._told is None or bool(self._told)

    def take(self) -> set[Path] | None:
        """The source paths told of since the last call, or None where they may not be all that changed (a watched
        folder changed, more than TOLD_LIMIT paths, notifications failed): then every file must be looked at.

        The operating system can also drop events (a full queue) without saying so here; the watcher therefore
        looks at every file after each burst it measured from these paths (unless the next save was told of
        meanwhile: then after that one's).
        """
        with self._told_lock:
            told, self._told = self._told, set()
        return None if self.stale or self.error is not None else told

    def close(self) -> None:
        """Stop listening and release the operating system's watches."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        for notifier in self._notifiers:
            notifier.close()


class Watcher:
    """Watches the sources and calls back once per burst of changes, after a quiet period.

    The operating system tells of changes (no work while nothing changes); each burst is then
    measured by comparing snapshot()s, so what the callback gets does not depend on which events
    were delivered. One exception, for speed: a burst that the notifications say changed or deleted a
    single file seen before is measured from that path alone (told_snapshot), and every file is looked
    at right after the callback (or after the next such burst's, if a save was told of during it), so
    that a change whose event the system dropped is the next burst.
    Where notifications cannot be had, or with events=False (`l2h serve --poll`), the watcher polls
    instead, at most POLL_SHARE of a core.
    """

    def __init__(self, paths: Callable[[], list[Path]], on_change: Callable[[set[Path]], None],
                 debounce: float = DEBOUNCE_SECONDS, poll: float = POLL_SECONDS, events: bool = True,
                 report: Callable[[str], None] = lambda line: None) -> None:
        self.paths = paths
        self.on_change = on_change
        self.debounce = debounce
        self.poll = poll
        self.events = events
        """Whether the operating system tells of changes (else the watcher polls)."""
        self.report = report
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._forced = threading.Event()
        self._notifications: _Notifications | None = None
        self._thread = threading.Thread(target=self._run, name="l2h-watcher", daemon=True)
        self._watched: list[Path] = []
        self._last: dict[str, tuple[int, int]] = {}
        self.pause = poll
        """Seconds between two looks at the files when polling, from the time the last look took (poll_pause)."""
        self.calling = False
        """Whether a callback (a rebuild) runs now."""

    def prime(self) -> None:
        """Start watching, and record the sources as they are now: later changes are measured against this."""
        self._watched = self.paths()
        why = unreliable_notifications(self._watched) if self.events else None
        if why is not None:
            self._poll_instead(why)
        if self.events:
            self._listen(self._watched)
        self._last = self._look(self._watched)

    def start(self) -> None:
        """Start calling back, in a background thread."""
        self._thread.start()

    def force(self) -> None:
        """Call back once soon even if no source changed (with no changed files: a full rebuild).

        Asking again before that call changes nothing: each wake-up would restart the quiet period.
        """
        if not self._forced.is_set():
            self._forced.set()
            self._wake.set()

    @property
    def pending(self) -> bool:
        """Whether the operating system told of a change not yet called back for (or force() asked for a call):
        l2h serve then defers what can wait. Always False when polling, which finds changes only by looking."""
        notifications = self._notifications
        return self._forced.is_set() or (self.events and notifications is not None and notifications.pending)

    @property
    def running(self) -> bool:
        """Whether the thread that calls back runs (after stop(): is still in a callback)."""
        return self._thread.is_alive()

    def stop(self, timeout: float | None = None) -> None:
        """Stop watching, and wait for a running callback to return (for at most timeout seconds, if given)."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._notifications is not None:
            self._notifications.close()
            self._notifications = None

    def _listen(self, watched: Sequence[Path]) -> None:
        """Have the operating system tell of changes to these sources from now on (else fall back to polling)."""
        previous = self._notifications
        try:
            self._notifications = _Notifications(watched, self._wake, min(self.debounce, NOTIFY_STEP_SECONDS))
        except Exception as exc:  # noqa: BLE001 - any failure to watch means polling, never a dead server
            self._notifications = None
            self._poll_instead(f"{type(exc).__name__}: {exc}")
        if previous is not None:
            previous.close()

    def _poll_instead(self, why: str) -> None:
        self.events = False
        self.report(f"l2h: warning: the operating system does not tell of file changes here ({why}); "
                    f"looking at the files instead (as with --poll)\n")

    def _look(self, watched: Sequence[Path]) -> dict[str, tuple[int, int]]:
        """Snapshot the watched files, and set the pause before the next look (poll_pause)."""
        started = time.monotonic()
        found = snapshot(watched)
        self.pause = poll_pause(self.poll, time.monotonic() - started)
        return found

    def _run(self) -> None:
        watched, last = self._watched, self._last
        while not self._stop.is_set():
            current = self._next_burst(watched, last)
            if current is None:
                return
            if current != last or self._forced.is_set():
                self._forced.clear()
                changed = changed_files(last, current)
                last = current
                self.calling = True
                try:
                    self.on_change(changed)
                finally:
                    self.calling = False
                if self._stop.is_set():  # stopped meanwhile: no watching anew (stop() has closed the notifications)
                    return
            watched = self.paths()  # the config may have moved a folder; its files are measured against the last look
            notifications = self._notifications
            if self.events and (notifications is None or notifications.stale
                                or notifications.roots != watch_roots(watched)):
                self._listen(watched)  # a folder was made, replaced or deleted: watch what is there now
                self._wake.set()  # and look once: a change while no notifier listened is not missed

    def _next_burst(self, watched: Sequence[Path], last: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]] | None:
        """Wait for changes and then for a quiet period; return the files as they are then (None: stopped)."""
        if self.events:
            self._wake.wait()
            quiet = self.debounce
            while True:
                while self._wake.wait(quiet) and not self._stop.is_set():
                    self._wake.clear()
                notifications = self._notifications
                if self._stop.is_set():
                    return None
                if notifications is not None and notifications.error is not None:
                    break
                told = notifications.take() if notifications is not None else None
                if told and quiet < BULK_QUIET_SECONDS:
                    # One saved file, as the notifications tell: measured from its path alone, the edited page
                    # previewed without waiting for a look at every file. Then that look, at once (the wake), in
                    # case the operating system dropped an event: what it finds is the next burst. A save told of
                    # during the callback goes first (0.15-0.2 s sooner at 20,000 papers), and the look after it:
                    # the rebuild that follows each callback reads every source, a change whose event was dropped
                    # included, and the look then finds it (one more rebuild, which changes nothing).
                    current_told = told_snapshot(last, told)
                    if current_told is not None and current_told != last and not may_go_on(last, current_told):
                        self._wake.set()
                        return current_told
                current = self._look(watched)
                if quiet >= BULK_QUIET_SECONDS or not may_go_on(last, current):
                    return current
                quiet = BULK_QUIET_SECONDS
            notifications.close()
            self._notifications = None
            self._poll_instead(notifications.error)
        current = last
        while current == last:
            if self._forced.is_set():
                return current
            if self._stop.wait(self.pause):
                return None
            current = self._look(watched)
        def quiet_needed(files: dict[str, tuple[int, int]]) -> float:  # found once per change, not at each look
            return BULK_QUIET_SECONDS if may_go_on(last, files) else self.debounce

        quiet_since, wait = time.monotonic(), quiet_needed(current)
        while not self._stop.wait(self.pause):
            newer = self._look(watched)
            if newer != current:
                current, quiet_since, wait = newer, time.monotonic(), quiet_needed(newer)
            elif time.monotonic() - quiet_since >= wait:
                return current
        return None


def resolve_request(out_dir: Path, raw_path: str) -> Path | None:
    """Map a request path to a file inside out_dir, or None: no traversal, no hidden files, no listing."""
    try:
        path = unquote(raw_path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or p.startswith(".") for p in parts):
        return None
    base = out_dir.resolve()
    target = base.joinpath(*parts) if parts else base
    if target.is_dir():
        target = target / "index.html"
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(base) or not resolved.is_file() or resolved.name == MARKER:
        return None
    return resolved


def resolve_site_request(out_dir: Path, raw_path: str, base: str = "/") -> Path | None:
    """Map a request path to a file inside out_dir, under the site's base path (e.g. /review/) or the root.

    The site is served at the root, as before, and also at base_url's path, where the links of 404.html
    (rooted at that path, since a host serves it at any depth) point.
    """
    if base != "/" and (raw_path + "/").startswith(base):
        found = resolve_request(out_dir, "/" + raw_path[len(base):])
        if found is not None:
            return found
    return resolve_request(out_dir, raw_path)


_OVERLAY_STYLE = (
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;box-sizing:border-box;"
    "width:100%;height:100%;max-width:none;max-height:none;border:0;"
    "background:rgba(20,0,0,.92);color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace"
)


def overlay_html(report: str, kept: bool = True) -> str:
    """Render the diagnostics of a failed build as an overlay laid over the last good page (kept), or alone.

    A dialog, made modal by its script: the page beneath is inert, so the Tab key stays on the overlay and never
    focuses a link hidden under it; Escape or Dismiss removes it. Without JavaScript it is shown all the same."""
    shown = "Still showing the last good site." if kept else "There is no site to show yet."
    return ('<dialog id="l2h-error-overlay" open role="alertdialog" aria-labelledby="l2h-error-title" '
            f'style="{_OVERLAY_STYLE}">'
            # its focus ring white on the overlay's dark red, whatever colour the site's style sheet gives rings
            '<button type="button" onclick="this.parentNode.remove()" style="float:right;outline-color:#fff">Dismiss'
            "</button>"
            '<h1 id="l2h-error-title" style="font-size:1.2rem;color:#ff8080">l2h: the last change broke the build</h1>'
            f"<p>{shown} Fix the problems below and save: the page reloads.</p>"
            # the site's own style sheet may give a pre a background (a code block's) under the overlay's white text
            f"<pre style=\"white-space:pre-wrap;background:none;color:inherit\">{html.escape(report)}</pre></dialog>"
            # open as a modal dialog (the page beneath inert); closed by Escape, it is removed
            "<script>(function (d) { if (!d || !d.showModal) return; d.close(); d.showModal(); "
            "d.addEventListener('close', function () { if (!d.open) d.remove(); }); })"
            "(document.getElementById('l2h-error-overlay'));</script>")


def error_page(report: str, reload_script: str, title: str = "l2h: build failed") -> str:
    """Render a whole page for a failed build when there is no good site to show."""
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"{reload_script}</head><body>{overlay_html(report, kept=False)}</body></html>\n")


def inject(body: bytes, head: str, overlay: str) -> bytes:
    """Put the reload script before </head> and the overlay (if any) after <body…>."""
    text = body.decode("utf-8", errors="surrogateescape")
    lower = text.lower()
    at = lower.find("</head>")
    if at >= 0:
        text = text[:at] + head + text[at:]
        lower = text.lower()
    if overlay:
        start = lower.find("<body")
        end = lower.find(">", start) + 1 if start >= 0 else 0
        text = text[:end] + overlay + text[end:]
    return text.encode("utf-8", errors="surrogateescape")


class _ThisServerOnly(tornado.web.RequestHandler):
    """A handler that answers only requests addressed to this server: every route has one, live reload's included."""

    server: DevServer

    def initialize(self, server: DevServer) -> None:
        self.server = server

    def prepare(self) -> None:
        """Answer only requests addressed to this server: a web page that points its own host name at 127.0.0.1
        (DNS rebinding) must not read the site, nor whatever else a mistaken output folder would hold, nor watch
        the saves through the live-reload websocket (whose handshake this refuses too)."""
        if not self.server.accepts_host(self.request.host_name):
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"400: this server answers to {self.server.host}, not to {self.request.host_name}\n")


class _LiveReloadSocket(_ThisServerOnly, LiveReloadHandler):  # type: ignore[misc]  # livereload has no types
    """livereload's websocket, for this server's own pages only, and deaf to messages outside its protocol.

    livereload's handler accepts a connection from any web page (its check_origin says yes to every Origin):
    a page of another site the developer visits could watch the saves, and would count as a browser to reload
    (DevServer._reload_and_wait). And it lets a message that is not a JSON object with a command raise out of
    on_message, which tornado prints as a traceback in the developer's terminal.
    """

    def check_origin(self, origin: str) -> bool:
        """Accept a browser's connection only from a page of this server: the Origin is the address the browser
        reached this server at (its Host, port included, as tornado's own same-origin rule has it; a forwarded
        port is the port the browser knows), and that address names this server (accepts_host, checked on the
        Host in prepare). Another site's page, or a local server's on another port, is refused (403).

        Called only when the request has an Origin header: every browser sends one, and a client that is not a
        browser is no web page (tornado accepts it, as it does by default).
        """
        try:
            parts = urlsplit(origin)
            name = parts.hostname or ""
        except ValueError:  # "http://[::1" and the like
            return False
        return parts.netloc.lower() == self.request.host.lower() and self.server.accepts_host(name)

    def prepare(self) -> None:
        """Refuse an Origin that is no URL at all (403; tornado's own comparison of the Origin with the Host, made
        before check_origin, would raise on it and print a traceback), then a foreign Host (400)."""
        origin = self.request.headers.get("Origin")
        if origin is not None:
            try:
                urlsplit(origin)
            except ValueError:
                self.set_status(403)
                self.finish("Cross origin websockets not allowed")
                return
        super().prepare()

    def on_message(self, message: str | bytes) -> None:
        """Pass livereload the messages of its protocol, JSON objects with a command ({"command": "hello"} and
        {"command": "info", ...} from its browser script); ignore anything else, which livereload would fail on
        (`1`, `[]`, `"x"`, `{}`, text that is not JSON), keeping the connection open."""
        try:
            decoded = json.loads(message)
        except (ValueError, RecursionError):  # not JSON (or not UTF-8), or nested past Python's recursion limit
            return
        if isinstance(decoded, dict) and "command" in decoded:
            super().on_message(message)


class _LiveReloadScript(_ThisServerOnly, LiveReloadJSHandler):  # type: ignore[misc]  # livereload has no types
    """livereload's browser script, for requests addressed to this server only."""


class _SiteHandler(_ThisServerOnly):
    """Serve files of the output folder, with the reload script and any error overlay."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.clear_header("Server")

    def compute_etag(self) -> str | None:
        """No ETag: nothing is cached (no-store), and a HEAD request's would be that of an empty body."""
        return None

    async def head(self, *args: Any) -> None:
        await self.get(*args)

    async def get(self, *args: Any) -> None:
        lock = self.server.builder.site_lock
        waited = 0.0
        while not (held := lock.acquire(blocking=False)) and waited < BUSY_WAIT_SECONDS:
            await asyncio.sleep(0.005)  # a build is changing the site on disk: answer from the site it leaves
            waited += 0.005
        try:
            self._answer()
        finally:
            if held:
                lock.release()

    def _answer(self) -> None:
        builder = self.server.builder
        last = builder.last
        out = builder.served
        if out is None:  # no site yet: the first build failed
            self._send(500, "text/html; charset=utf-8", error_page(last.overlay, self.server.script).encode())
            return
        if not out.is_dir():  # deleted by hand (rm -rf _site): built again, and the browser reloads into it
            # Not while a rebuild runs: it writes the folder anew (or fails for its loss, and the browsers reload
            # into this page again). Forced then, it was abandoned for another, as often as a browser asked: a page
            # asked for every 0.1 s kept a rebuild of a second from ever ending.
            if not self.server.watcher.calling:
                self.server.watcher.force()
            self._send(503, "text/html; charset=utf-8", error_page(
                f"l2h: the site folder {out} is gone; building it again\n", self.server.script,
                "l2h: building the site again").encode())
            return
        path = self.request.path
        base = base_path(builder.config.base_url) if builder.config is not None else "/"
        found = resolve_site_request(out, path, base)
        if found is not None and found.name == "index.html" and not path.endswith(("/", "index.html")):
            # a folder's relative links need the slash; "//papers/" would send the browser to the host "papers"
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect("/" + path.lstrip("/") + "/" + query, permanent=False)
            return
        status = 200
        if found is None:
            missing = resolve_request(out, "/404.html")
            if missing is None and not last.ok:
                self._send(500, "text/html; charset=utf-8", error_page(last.overlay, self.server.script).encode())
                return
            if missing is None:
                self._send(404, "text/plain; charset=utf-8", b"404: not found\n")
                return
            found, status = missing, 404
        try:
            body = found.read_bytes()
        except OSError:
            self._send(404, "text/plain; charset=utf-8", b"404: not found\n")
            return
        ctype = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            body = inject(body, self.server.script, "" if last.ok else overlay_html(last.overlay))
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self._send(status, ctype, body)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", ctype)
        if self.request.method == "HEAD":
            self.set_header("Content-Length", str(len(body)))
            self.finish()
        else:
            self.finish(body)


class DevServer:
    """The development server: a builder, a watcher and an HTTP server in one."""

    def __init__(self, builder: SiteBuilder, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 debounce: float = DEBOUNCE_SECONDS, poll: float = POLL_SECONDS, events: bool = True,
                 out: TextIO | None = None, allow_remote: bool = False) -> None:
        self.builder = builder
        self.host = host
        self.port = port
        self.allow_remote = allow_remote
        self.out = out or sys.stderr
        self.watcher = Watcher(builder.watched_paths, self._rebuild, debounce, poll, events, self._say)
        self.script = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self.ready = threading.Event()
        self.serving = False
        """The server has said it serves (it may have answered requests)."""
        self._previews = threading.Thread(target=builder.prepare_previews, name="l2h-previews", daemon=True)
        """Computes, while the server serves, what a site found up to date at the start was built from."""

    @property
    def url(self) -> str:
        """Address of the home page."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def accepts_host(self, name: str) -> bool:
        """Tell whether a request's Host names this server: a loopback name or the address it listens on (any
        name when it serves other machines, with --allow-remote, which may reach it by any name)."""
        name = name.strip("[]").lower().rstrip(".")  # "localhost." is localhost, fully qualified
        return self.allow_remote or is_loopback(name) or name == self.host.strip("[]").lower()

    @property
    def browsers(self) -> int:
        """Number of browser tabs connected for live reload."""
        return len(LiveReloadHandler.waiters)

    def _say(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _report(self, outcome: BuildOutcome, first: bool) -> None:
        if outcome.report:
            self.out.write(outcome.report)
        failed = f"l2h: build failed{f' ({outcome.strict})' if outcome.strict else ''}"
        if outcome.ok:  # as l2h build says it (cli.build_summary)
            verb = "built" if first else "rebuilt"
            self.out.write(f"l2h: {verb} {pages_and_papers(outcome.files, outcome.papers)} in {outcome.seconds:.2f} s "
                           f"({outcome.changed:,} written or deleted)\n")
        elif self.builder.served is not None:
            self.out.write(f"{failed}; still serving the last good site\n")
        else:
            self.out.write(f"{failed}; there is no site to serve yet: the pages show what to fix\n")
        self.out.flush()

    def _rebuild(self, changed: set[Path] | None = None) -> None:
        stopping = self.builder.stopping
        while self._previews.is_alive() and not stopping.is_set():  # never beside a build: both use the cache
            self._previews.join(0.01)
        if stopping.is_set():
            return
        try:
            preview = self.builder.preview(changed) if changed else None
            if preview is not None and preview.files:  # the edited papers' pages first, then the whole site
                self._say(f"{preview.report}l2h: {preview.files} page(s) updated in {preview.seconds * 1000:.0f} ms; "
                          "rebuilding the rest (lists, related papers, search, topic map)\n")
                self._reload_and_wait()
            else:
                self._say("l2h: change detected, rebuilding\n")
            was_ok = self.builder.last.ok
            outcome = self.builder.rebuild(abandon=self._change_waiting)
        except BuildAbandoned:
            # The next burst is the change told of: previewed at once, then this rebuild again for it. Called back
            # even if that change turns out to be none (a file saved as it was, an event of this one's save).
            self._say("l2h: a source changed again; rebuilding for that change\n")
            self.watcher.force()
            return
        except BuildStopped:
            return
        self._report(outcome, first=False)
        if outcome.changed or not (outcome.ok and was_ok):  # a save that changed no page reloads nothing
            self._reload()
        if stopping.is_set():  # the server stops: it writes the memos itself (close), and sets nothing aside
            return
        self.builder.ready_previews()  # once the browsers were told: it is not in the way of the new site
        # Nor is this, but it can wait while a save waits for its preview (0.35 s for the setting aside at 20,000
        # papers): memos not written now are written after a later build or when the server stops (SiteBuilder.close).
        if not self._change_waiting():
            self.builder.save_memos(until=self._change_waiting)
        if not self._change_waiting():
            set_aside_what_lasts()

    def _change_waiting(self) -> bool:
        return self.watcher.pending

    def _reload_and_wait(self) -> None:
        """Reload the browsers, and give them up to RELOAD_GRACE_SECONDS to load the page before the full build.

        A browser that reloaded connects anew; the full build, started at once, would slow its requests
        (and its rendering, on a small machine) by a tenth of a second or more.
        """
        before = set(LiveReloadHandler.waiters)
        self._reload()
        deadline = time.monotonic() + RELOAD_GRACE_SECONDS
        while before and time.monotonic() < deadline and not self.builder.stopping.is_set():
            now = set(LiveReloadHandler.waiters)
            if not now & before and len(now) >= len(before):
                return
            time.sleep(0.005)

    def _reload(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(LiveReloadHandler.reload_waiters, "*")

    def run(self, open_browser: bool = False) -> None:
        """Build, then serve until stop() or Ctrl-C."""
        self.watcher.prime()  # before the build, so that an edit during it is not missed
        try:
            # Before building: a folder l2h would refuse to write is never served, and a port that cannot be had
            # is known before a build that may take a minute (and could otherwise rewrite another server's site).
            self.builder.check_output()
            sockets = self._bind()
            self._report(self.builder.rebuild(previews_later=True), first=True)
            self.builder.ready_previews()
            self.builder.save_memos()
            set_aside_what_lasts()
            self._previews.start()  # before the watcher: its first rebuild waits for it
            asyncio.run(self._serve(sockets, open_browser))
        finally:
            self._shut_down()

    def _shut_down(self) -> None:
        """Stop the watcher, a rebuild and the warm child, promptly, leaving the site, the page store and the cache
        consistent.

        A rebuild gives up at its next step (BuildStopped), Pagefind's run included (search.py terminates it), as
        does its wait for the warm child's related papers or topic map (a step every corpus.TICK_SECONDS). One that
        has no step for longer than STOP_WAIT_SECONDS is left behind in the watcher's thread, a daemon: the site lock,
        taken here and kept, lets it never put a site in place (ServingLock: it gives up when it comes to the lock,
        deleting what it staged). A rebuild that has put its site in place is waited for
        while it records that site in the build cache, so that the next build finds the site as this one left it; then
        it gives up. The previews are left to themselves (prepare_previews), but for the warm child they use. Neither
        writes the memos then (close).
        """
        self.builder.stopping.set()
        self.watcher.stop(STOP_WAIT_SECONDS)
        if self.watcher.running:
            self.builder.site_lock.acquire()  # waits only for a site being put in place; never released
            if self.builder.recording:
                self.watcher.stop(RECORD_WAIT_SECONDS)
        self.builder.close()
        gc.unfreeze()  # what set_aside_what_lasts left out of collections is garbage now
        self.ready.set()

    def stopped_line(self) -> str:
        """Say that the server stopped, once run() has ended; stopped before it served (Ctrl-C or SIGTERM in the first build),
        say that nothing was served and what became of the output folder."""
        if self.serving:
            return "l2h: server stopped"
        out = self.builder.output_dir()
        if self.builder.commits:  # stopped after the first build put its site in place
            return f"l2h: stopped before serving anything; the site was built into {out}"
        # a build stopped before its commit deletes what it staged beside the site, and leaves the site alone
        if (out / MARKER).is_file():
            return f"l2h: stopped before serving anything; the site in {out} was left as it was"
        return "l2h: stopped before serving anything; no site was written"

    def stop(self) -> None:
        """Ask a running server to shut down (from any thread)."""
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopped.set)

    def _bind(self) -> list[Any]:
        try:
            return tornado.netutil.bind_sockets(self.port, address=self.host)
        except socket.gaierror as exc:
            raise L2hError(f"cannot listen on {self.host}: {exc.strerror}; check the name given to --host") from exc
        except OSError as exc:
            fix = ("another program listens on it; choose another port with --port"
                   if exc.errno == errno.EADDRINUSE else
                   "ports below 1024 need privileges; choose another port with --port"
                   if exc.errno == errno.EACCES else "choose another port with --port, or another --host")
            raise L2hError(f"cannot listen on {self.host}:{self.port}: {exc.strerror}; {fix}") from exc

    async def _serve(self, sockets: list[Any], open_browser: bool) -> None:
        LiveReloadHandler.live_css = False
        LiveReloadHandler.watcher = SimpleNamespace(filepath="*")  # reload_waiters logs watcher.filepath
        app = tornado.web.Application([
            (r"/livereload", _LiveReloadSocket, {"server": self}),
            (r"/livereload\.js", _LiveReloadScript, {"server": self}),
            (r"/.*", _SiteHandler, {"server": self}),
        ])
        http = tornado.httpserver.HTTPServer(app)
        http.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self.script = f'<script src="/livereload.js?port={self.port}"></script>'
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        self.watcher.start()
        self.out.write(f"l2h: serving {self.url} (Ctrl-C to stop)\n")
        self.out.flush()
        self.serving = True
        self.ready.set()
        if open_browser:
            webbrowser.open(self.url)
        try:
            await self._stopped.wait()
        finally:
            http.stop()
            for waiter in list(LiveReloadHandler.waiters):
                waiter.close()
            await http.close_all_connections()


def serve(root: Path, config_file: Path | None = None, out_dir: Path | None = None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, allow_remote: bool = False, open_browser: bool = False,
          strict: bool = False, poll: bool = False) -> None:
    """Run `l2h serve` until Ctrl-C."""
    if host.startswith("[") and host.endswith("]"):  # an IPv6 address as a URL writes it, [::1]: bound without them
        host = host[1:-1]
    warning = check_host(host, allow_remote)
    if warning:
        print(warning, file=sys.stderr)
    server = DevServer(SiteBuilder(root=root, config_file=config_file, out_dir=out_dir, strict=strict),
                       host=host, port=port, events=not poll, allow_remote=allow_remote)
    try:
        server.run(open_browser=open_browser)
    except KeyboardInterrupt:
        pass
    print(server.stopped_line(), file=sys.stderr)
    # The process ends: the collections Python runs as it shuts down would traverse every object the server held
    # (0.2 s at 5,000 papers), to free memory that is given back anyway.
    gc.freeze()
