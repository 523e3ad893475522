"""A content-addressed build cache in .l2h-cache/: results of pure, slow steps, keyed by their inputs.

Every entry is stored under the SHA-256 of everything its result depends on, l2h's own code
included (CODE_VERSION), so a stale entry can only be missed, never used: changing any input changes the key.
Entries are written to a temporary file and renamed, so an interrupted build leaves no torn entry;
an unreadable entry is treated as missing. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from l2h_site import __version__
from l2h_site.progress import TICK_EVERY, ticking

if TYPE_CHECKING:
    from l2h_site.write import Listed

CACHE_DIR = ".l2h-cache"
"""Folder of the cache, next to l2h.yml; ignored by git."""
SERVE_DIR = "serve"
"""The folder in the cache that l2h serve writes its site to, unless given --out: not the output folder of l2h build,
so that switching between the two rewrites nothing, and the site to publish never has the server's search layout."""


def _code_version() -> str:
    """l2h's version and a hash of its source files.

    The generator lives in the review's repository: a `git pull` (or an editable install) changes l2h's code
    without changing its version number, and results cached by the old code must not be used by the new.
    Hashing the package's ~40 files takes about a millisecond.
    """
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{h.hexdigest()[:16]}"


CODE_VERSION = _code_version()
"""What identifies the code of l2h in cache keys: its version and its sources' hash."""


@cache
def package_versions(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The installed version of each package ("-" if it is not installed), for cache keys.

    Looked up once per process: a running build (or dev server) uses the code it imported.
    """
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in names:
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            found.append((name, "-"))
    return tuple(found)


def digest(*parts: Any) -> str:
    """Hash JSON-serialisable parts, with l2h's code (CODE_VERSION), into a cache key.

    Each part is hashed with its kind and length, so that no two lists of parts hash alike. A string or bytes is
    hashed as is: a build hashes about 85,000 parts after each edit at 5,000 papers, most of them strings.
    """
    h = hashlib.sha256(CODE_VERSION.encode())
    for part in parts:
        if isinstance(part, str):
            kind, data = b"s", part.encode()
        elif isinstance(part, bytes):
            kind, data = b"b", part
        else:
            kind, data = b"j", json.dumps(part, sort_keys=True, ensure_ascii=False).encode()
        h.update(kind)
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class BuildCache:
    """Read and write cache entries of one review; a disabled cache stores nothing."""

    def __init__(self, root: Path | None, save_later: bool = False) -> None:
        self.folder = root / CACHE_DIR if root is not None else None
        self._memos: dict[str, Memo] = {}
        self.save_later = save_later
        """Memos are written by save_memos(), not when a build saves them: l2h serve writes them once the browsers
        were told to reload (at 5,000 papers, 0.15-0.2 s of each rebuild), and keeps them in memory meanwhile."""
        self.hashes = FileHashes()
        """Hashes of the review's files, by what lstat() says of them (in memory only)."""
        self.searchable = FileHashes(by_ctime=False)
        """Hashes of the searchable part of each paper page, by what lstat() says of its file (in memory only: l2h
        serve's index_search reads only the pages that changed to find the search bundles to make again)."""
        self.cards: dict[tuple[str, str, int], str] = {}
        """The papers' cards on list pages, kept in memory between the builds of l2h serve (render._Renderer)."""
        self.views: dict[str, tuple[Any, str]] = {}
        """Each paper's view of the last build and its digest, kept in memory between the builds of l2h serve
        (render._view_digests)."""
        self.site_files: dict[str, Any] = {}
        """The hashes of the site's files, by what lstat() said of each, as the last build of l2h serve found them
        (write.SiteUpdater.known), kept in memory between its builds."""
        self.bundles: dict[int, tuple[str, list[Any]]] = {}
        """Each search bundle of the last build by its number: its key and its files (RenderedPage), kept in memory
        between the builds of l2h serve, which would otherwise read every bundle back from the cache after each edit
        (search.index_search)."""
        self.search_ids: dict[tuple[str, bytes], tuple[str, str] | None] = {}
        """What each search fragment of the last build names (finder.search_ids): by the fragment's path and bytes,
        the paper's key and its search id, kept between the builds of l2h serve (5,000 fragments decompressed and
        parsed after each edit)."""
        self.word_counts: Any = None
        """The counts of the finder's word list of the last build (finder.WordCounts), kept between the builds of l2h
        serve: only the papers that changed are counted again."""
        self.page_keys = RememberedDigests()
        """The pages' keys (PageStore.key) and what they are made of, by their parts, kept between the builds of l2h
        serve (10,000 hashes after each edit at 5,000 papers)."""

    def keep_out_of_git(self) -> None:
        """Give the cache folder, once it exists, a .gitignore that ignores all of it (as pytest and mypy do theirs):
        a review whose own .gitignore does not name .l2h-cache/ still never commits it. Best effort; one the
        maintainer wrote is left as it is."""
        if self.folder is None or not self.folder.is_dir():
            return
        try:
            with (self.folder / ".gitignore").open("x", encoding="utf-8") as ignore:  # never over one that is there
                ignore.write("# made by l2h: its build cache, never to be committed\n*\n")
        except OSError:
            pass

    def memo(self, kind: str) -> Memo:
        """Return the memo of this kind, loaded once per BuildCache (the dev server keeps one across rebuilds)."""
        if kind not in self._memos:
            self._memos[kind] = Memo(self, kind)
        memo = self._memos[kind]
        memo.begin()
        return memo

    def save_memos(self, until: Callable[[], bool] | None = None) -> bool:
        """Write every memo that a build saved since (with save_later), or, once until() says so, stop before the
        next one (a later call writes it). Returns whether every memo is written."""
        for memo in self._memos.values():
            if until is not None and until():
                return False
            memo.save(now=True)
        return True

    def _path(self, kind: str, key: str) -> Path | None:
        return self.folder / kind / key if self.folder is not None else None

    def _slot(self, kind: str, key: str, keep: int) -> Path | None:
        """Make room for a new entry of this kind and return where it goes."""
        path = self._path(kind, key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _prune(path.parent, keep=keep)
        return path

    def newest(self, kind: str) -> float | None:
        """Return when the newest entry of this kind was stored (its modification time), or None if there is none."""
        folder = self.folder / kind if self.folder is not None else None
        try:
            return max((entry.stat().st_mtime for entry in os.scandir(folder)), default=None) if folder else None
        except OSError:
            return None

    def get_json(self, kind: str, key: str) -> Any | None:
        """Return a stored JSON value, or None."""
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            return json.loads((path.with_suffix(".json")).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put_json(self, kind: str, key: str, value: Any) -> None:
        """Store a JSON value (best effort: a read-only disk only costs speed)."""
        try:
            path = self._slot(kind, key, keep=8)
            if path is None:
                return
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                # dumps, not dump: json.dump encodes in Python, dumps in C (the site's manifest after each build)
                handle.write(json.dumps(value, ensure_ascii=False))
            os.replace(tmp, path.with_suffix(".json"))
        except OSError:
            pass

    def get_files(self, kind: str, key: str) -> list[tuple[str, bytes]] | None:
        """Return stored files as (relative path, bytes), or None."""
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            files = pickle.loads(path.with_suffix(".files").read_bytes())
        except Exception:  # noqa: BLE001 - missing, cut short or garbled: any means 'not stored'
            return None
        if not isinstance(files, list) or not all(
                isinstance(f, tuple) and len(f) == 2 and isinstance(f[0], str) and isinstance(f[1], bytes)
                for f in files):
            return None
        return files

    def put_files(self, kind: str, key: str, files: Sequence[tuple[str, bytes]]) -> None:
        """Store files under one key, as one file: a search bundle is thousands of small files, and creating and
        later deleting each of them in the cache cost up to a second per bundle on a journaled disk."""
        try:
            path = self._slot(kind, key, keep=4)
            if path is None:
                return
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(list(files), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path.with_suffix(".files"))
        except OSError:
            pass


def _prune(folder: Path, keep: int) -> None:
    """Keep only the newest entries of one kind, and drop temporary leftovers."""
    entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in [p for p in entries if p.name.startswith(".tmp-")] + [p for p in entries if not p.name.startswith(".tmp-")][keep:]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


Looked = dict[str, tuple[int, str]]
"""The size and SHA-256 of files, by path, as one build hashed them (files_digest), for it to look at them no more."""


class InputReads:
    """What a build read of its inputs besides the paper files (l2h.yml, taxonomy.yml, the templates, the static files,
    the extra pages), compared with what its fingerprint hashed (Looked): a file read with other bytes, or found
    there or not unlike when the fingerprint hashed it, was changed meanwhile, and the site made from it must not
    pass for the fingerprint's (unsettled). The paper files are compared by build.check_site.

    Only what is read is hashed, once (a few hundred kilobytes in a review: under a millisecond). A file read through
    a symbolic link is not compared: the fingerprint hashes a link as a link, and no Looked entry holds it.
    """

    def __init__(self, root: Path) -> None:
        self.under = os.path.join(str(root), "")
        self.looked: Looked | None = None
        """What the build's fingerprint hashed of these files (set by compare), by path."""
        self.unsettled: list[str] = []
        """Files (from the review's folder) read with other bytes than the fingerprint hashed, or found there or not
        unlike when it hashed them, in the order found."""
        self._early: list[tuple[str, int, str | None]] = []
        """Files read before the fingerprint was taken (l2h.yml, to find the inputs): path, size and hash."""

    def compare(self, looked: Looked) -> None:
        """Compare what was read with what the fingerprint hashed, and from now on each file as it is read."""
        self.looked = looked
        for path, size, value in self._early:
            self._compare(path, size, value)
        self._early = []

    def note(self, path: str | Path, data: bytes | None) -> None:
        """Note that the build read these bytes from a file (None: it found no file there)."""
        read = (str(path), len(data), hashlib.sha256(data).hexdigest()) if data is not None else (str(path), -1, None)
        if self.looked is None:
            self._early.append(read)
        else:
            self._compare(*read)

    def _compare(self, path: str, size: int, value: str | None) -> None:
        assert self.looked is not None
        seen = self.looked.get(path)
        if seen is None and (value is None or os.path.realpath(path) != os.path.abspath(path)):
            return  # not there, as when the fingerprint looked; or read through a link, which no Looked entry holds
        if seen != (size, value):
            self.changed(path)

    def changed(self, path: str | Path) -> None:
        """Note that a file was changed while the build read it."""
        self.unsettled.append(str(path).removeprefix(self.under).replace(os.sep, "/"))

    def read_bytes(self, path: str | Path) -> bytes:
        """Read a file's bytes and note them (as not there if it cannot be read: then OSError)."""
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            self.note(path, None)
            raise
        self.note(path, data)
        return data

    def read_text(self, path: str | Path, encoding: str = "utf-8") -> str:
        """Read a file's text as open() in text mode does (universal newlines: CRLF read as LF), noting its bytes."""
        with io.TextIOWrapper(io.BytesIO(self.read_bytes(path)), encoding=encoding) as text:
            return text.read()

    def listed(self, folder: Path, found: Iterable[Path], is_listed: Callable[[str], bool]) -> None:
        """Note the files found in a folder: one the fingerprint hashed there (whose name is_listed: one the listing
        would have found) that is not among them was gone meanwhile. One found that the fingerprint did not hash is
        noted as such when it is read (note)."""
        if self.looked is None:
            return
        under = os.path.join(str(folder), "")
        there = {str(path) for path in found}
        for path in self.looked:
            if path.startswith(under) and path not in there and is_listed(os.path.basename(path)):
                self.changed(path)


def files_digest(paths: Iterable[Path], root: Path, hashes: FileHashes | None = None,
                 forget_others: bool = False, looked: Looked | None = None,
                 starts: list[int] | None = None, tick: Callable[[], None] | None = None) -> list[tuple[str, str]]:
    """Name and hash every file under the given files or folders, in sorted order (a symbolic link by its target,
    a folder it points to not entered). hashes: remembered hashes, for files unchanged since (l2h serve);
    forget_others: these paths are every source, and hashes forget the files no longer among them; looked, if given,
    gets the size and hash of every regular file; starts, if given, the index in the list returned where the files of
    each path begin; tick, if given, is called every TICK_EVERY files listed and hashed (a step at which l2h serve's
    rebuild can stop: 0.4-1 s in all at 20,000 papers).

    Paths are strings here, not pathlib's: every rebuild of l2h serve names each paper file twice (5,000 papers:
    0.1 s with a Path for each).
    """
    known = hashes if hashes is not None else FileHashes()
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    under = os.path.join(str(root), "")
    for top in paths:
        if starts is not None:
            starts.append(len(out))
        for path, entry in ticking(_files_under(top, tick), tick):
            rel = path.removeprefix(under)
            value = known.of(path, entry)
            out.append((rel.replace(os.sep, "/"), value))
            seen.add(path)
            if looked is not None and entry is not None and stat.S_ISREG(entry.st_mode):
                looked[path] = (entry.st_size, value)
    if forget_others:
        known.known = {name: value for name, value in known.known.items() if name in seen}
    return out


def _files_under(top: Path, tick: Callable[[], None] | None = None) -> list[tuple[str, os.stat_result | None]]:
    """Every file and symbolic link under the folder top (followed if top is a link), or top itself, sorted by
    path, each with its lstat(); tick, if given, is called every TICK_EVERY files found."""
    try:
        if not top.is_dir():
            st = top.lstat()
            return [(str(top), st)] if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode) else []
    except OSError:
        return []
    found: list[tuple[str, os.stat_result | None]] = []

    def scan(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path)
                elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
                    found.append((entry.path, entry.stat(follow_symlinks=False)))
                    if tick is not None and len(found) % TICK_EVERY == 0:
                        tick()
            except OSError:
                found.append((entry.path, None))

    scan(str(top))
    found.sort(key=lambda item: item[0].split(os.sep))  # by the path's parts, as Path.parts sort
    return found


class RememberedDigests:
    """digest() of parts (which must be hashable), remembered by the parts from one build to the next while a cache is
    kept in memory between builds (l2h serve's): the key of an entry or a page whose inputs did not change is not
    hashed again after each edit. The value is the digest of these very parts, whichever build made it: remembering
    it changes no key. Only the keys of the last build are kept (next_build)."""

    def __init__(self) -> None:
        self._last: dict[tuple[Any, ...], str] = {}
        self._now: dict[tuple[Any, ...], str] = {}

    def __call__(self, *parts: Any) -> str:
        """Return digest(*parts)."""
        found = self._now.get(parts) or self._last.get(parts)
        if found is None:
            found = digest(*parts)
        self._now[parts] = found
        return found

    def next_build(self) -> None:
        """End a build: the next remembers only the digests this one made."""
        self._last, self._now = self._now, {}


class FileHashes:
    """The SHA-256 of files, remembered with what lstat() said of each, so that a file is not read again while
    that stays the same. l2h serve keeps one across rebuilds: at 5,000 papers, reading and hashing every source
    for the build's fingerprint took 0.2-0.4 s of each rebuild, and parsing read them all once more.

    A file changed within RACY_NS of being looked at is read every time (as git treats a "racily clean" file):
    the file system's clock ticks every few milliseconds, and a second write within one tick, of the same
    size, would leave lstat() saying the same.
    """

    RACY_NS = 2_000_000_000

    def __init__(self, by_ctime: bool = True) -> None:
        self.known: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self.by_ctime = by_ctime
        """Whether a file whose status changed (st_ctime) counts as changed: not for the site's own files, which the
        page store's hard links change the status of, and which l2h replaces by renaming, never changes in place
        (as PageStore.find, which trusts size and modification time)."""

    def _signature(self, st: os.stat_result) -> tuple[int, int, int, int]:
        return st.st_mtime_ns, st.st_ctime_ns if self.by_ctime else 0, st.st_size, st.st_ino

    def of(self, path: str | Path, st: os.stat_result | None = None) -> str:
        """The hash of a file's bytes (b"<unreadable>" if it cannot be read); a symbolic link's is that of where
        it points and of the bytes there, and is never remembered (the file it points to may change)."""
        try:
            st = st if st is not None else os.lstat(path)
        except OSError:
            return hashlib.sha256(b"<unreadable>").hexdigest()
        if stat.S_ISLNK(st.st_mode):
            target = b""
            try:
                target = os.readlink(path).encode()
                data = _read(path)
            except OSError:
                data = b"<unreadable>"
            return hashlib.sha256(b"link " + target + b"\0" + data).hexdigest()
        found = self.get(path, st)
        if found is not None:
            return found
        try:
            data = _read(path)
        except OSError:
            data = b"<unreadable>"
        return self.remember(path, st, data)

    def remember(self, path: str | Path, st: os.stat_result, data: bytes) -> str:
        """Hash bytes read from a file after lstat() said st of it, and remember the hash unless the file is racy."""
        value = hashlib.sha256(data).hexdigest()
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns if self.by_ctime else 0) > self.RACY_NS:
            self.known[str(path)] = (self._signature(st), value)
        else:
            self.known.pop(str(path), None)
        return value

    def get(self, path: str | Path, st: os.stat_result) -> str | None:
        """The remembered hash of a file, if lstat() still says st of it."""
        found = self.known.get(str(path))
        return found[1] if found is not None and found[0] == self._signature(st) else None


def _read(path: str | Path) -> bytes:
    with open(path, "rb") as file:
        return file.read()


class Kept(NamedTuple):
    """A page the store keeps: its file, and what stat() said of that file when it was stored (or checked)."""

    path: str
    size: int
    mtime_ns: int
    ino: int
    dev: int


class PageStore:
    """Rendered pages kept between builds, each under the hash of exactly what it was rendered from.

    A page is stored as a hard link to the file written into the site (no second copy), and
    reused by linking it into the next site. The index records each entry's size, modification
    time and inode, so a file changed in place since (by hand, in the site) is not reused,
    and the CODE_VERSION that wrote it: another version's index is not loaded. Entries the last
    build did not use are deleted when it is saved.
    """

    def __init__(self, cache: BuildCache, inputs: str) -> None:
        self.inputs = inputs
        """Digest of what every page depends on: templates, static files, taxonomy, config, versions."""
        self.folder = cache.folder / "pages" if cache.folder is not None else None
        self._folder = str(self.folder) if self.folder is not None else ""
        self.index: dict[str, list[int]] = {}
        self.used: dict[str, list[int]] = {}
        self.hits = 0
        self.digest: Callable[..., str] = cache.page_keys if cache.save_later else digest
        """digest(), remembered between the builds of a cache kept in memory (l2h serve's), for the pages' keys."""
        if cache.save_later:
            cache.page_keys.next_build()
        if self.folder is not None:
            try:
                loaded = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = None
            # Written by other code of l2h, none of its keys (digest) can match: not held while the pages are
            # rendered (the first build after an upgrade of l2h, 20,000 papers: 10 MB in the build process).
            if isinstance(loaded, dict) and loaded.get("code") == CODE_VERSION and isinstance(loaded.get("pages"), dict):
                self.index = loaded["pages"]

    def key(self, *parts: Any) -> str:
        """Return the key of a page rendered from these parts (its path first; hashable) and the site-wide inputs."""
        return self.digest("page", self.inputs, *parts)

    def find(self, key: str, current: Listed | None = None) -> Kept | None:
        """Return the stored file for a key, if there is one, unchanged since it was stored.

        current: what lstat() said of the site's file for this page, if the site has one. When that is the stored file
        (its inode), unchanged since it was stored (its size and modification time), it is not looked at again: the
        page store's file is the site's, and every reused paper page was looked at twice after each edit (100-110 ms at
        5,000 papers).
        """
        entry = self.index.get(key) if self.folder is not None else None
        if not isinstance(entry, list):
            return None
        if current is not None and len(entry) == 4 and [current.size, current.mtime_ns, current.ino, current.dev] == entry:
            kept = Kept(os.path.join(self._folder, key), *entry)
        else:
            try:
                st = os.stat(os.path.join(self._folder, key))
            except OSError:
                return None
            if [st.st_size, st.st_mtime_ns] != entry[:2]:
                return None
            kept = Kept(os.path.join(self._folder, key), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
        self.used[key] = list(kept[1:])
        self.hits += 1
        return kept

    def keep(self, key: str, written: Path) -> None:
        """Store a page just written to the site under its key (best effort)."""
        if self.folder is None:
            return
        path = self.folder / key
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
            os.link(written, path)
            st = path.stat()
        except OSError:
            return
        self.used[key] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]

    def save(self) -> None:
        """Record the entries this build used and delete the others."""
        if self.folder is None or not self.folder.is_dir() or self.used == self.index:
            return
        try:
            for entry in os.scandir(self.folder):
                if entry.name not in self.used and entry.name != "index.json":
                    os.unlink(entry.path)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"code": CODE_VERSION, "pages": self.used}))  # in C, as put_json
            os.replace(tmp, self.folder / "index.json")
        except OSError:
            pass


class Memo:
    """A dictionary of results by content hash, kept in one file between builds (parsed papers, summaries).

    Loaded once, consulted per item, saved with only the entries the last build used.
    """

    def __init__(self, cache: BuildCache, kind: str) -> None:
        self.cache = cache
        self.path = cache.folder / f"{kind}.pickle" if cache.folder is not None else None
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.changed = False
        self.unwritten = False
        """The entries kept differ from what the file holds (see save)."""
        self._keys = RememberedDigests()
        """The keys key() made (the last build's and this build's), by their parts."""
        self._file: _MemoFile | None = None
        """What the file holds, as this memo last read or wrote it (None: unknown, so the next save writes it whole)."""
        if self.path is not None:
            try:
                with self.path.open("rb") as handle:
                    self.entries, records, whole = _read_entries(handle)
                    if whole:
                        self._file = _MemoFile(os.fstat(handle.fileno()), set(self.entries), records)
            except Exception:  # noqa: BLE001 - a torn or foreign file is an empty memo
                self.entries = {}

    def begin(self) -> None:
        """Start a build: no entry is used yet."""
        self.used = {}

    def get(self, key: str) -> Any | None:
        """Return the stored result for a key, or None."""
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def key(self, *parts: Any) -> str:
        """Return digest(*parts), the key of an entry: remembered by its parts (which must be hashable) while the cache
        is kept in memory between builds (l2h serve's: save_later), so that an unchanged paper's text is not hashed
        again after each edit (its summary and title, 10,000 hashes at 5,000 papers). The key is the digest of these
        very parts, whichever build made it: remembering it changes no key."""
        return self._keys(*parts) if self.cache.save_later else digest(*parts)

    def put(self, key: str, value: Any) -> None:
        """Store a result for this build (and the next)."""
        self.entries[key] = self.used[key] = value
        self.changed = True

    def save(self, now: bool = False) -> None:
        """Keep only the entries this build used, and write them if the file does not hold them (best effort); with
        the cache's save_later, they are written only when told to save now (BuildCache.save_memos)."""
        if self.changed or self.used.keys() != self.entries.keys():
            self.entries, self.changed, self.unwritten = dict(self.used), False, True
        if not now:  # the end of a build; saving now only writes what the last one kept (it made no keys since)
            self._keys.next_build()
        if self.path is None or not self.unwritten or (self.cache.save_later and not now):
            return
        try:
            if not self._append():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
                with os.fdopen(fd, "wb") as handle:
                    _write_entries(handle, self.entries)
                    handle.flush()
                    written = _MemoFile(os.fstat(handle.fileno()), set(self.entries), len(self.entries))
                os.replace(tmp, self.path)
                self._file = written
        except OSError:
            self._file = None
            return
        self.unwritten = False

    def _append(self) -> bool:
        """Append to the file what changed since this memo read or wrote it, if the file is still that one and would
        hold no more records of entries gone than of entries kept: after one edit at 20,000 papers, a few entries
        instead of 40 MB (0.5-0.7 s for the papers' memo alone). Returns whether it did."""
        known = self._file
        if known is None or self.path is None:
            return False
        try:
            now = os.stat(self.path)
        except OSError:
            return False
        if not known.same(now):  # written or replaced by another build: write it whole
            return False
        added = {key: value for key, value in self.entries.items() if key not in known.keys}
        gone = sorted(known.keys - self.entries.keys())
        records = known.records + len(added)
        if records - len(self.entries) > len(self.entries):
            return False
        self._file = None  # until the records are all written
        with self.path.open("ab") as handle:
            _append_changes(handle, added, gone)
            handle.flush()
            self._file = _MemoFile(os.fstat(handle.fileno()), set(self.entries), records)
        return True

    def release(self) -> None:
        """Forget every entry (after save): a one-off build needs them no more, and frees their memory."""
        self.entries, self.used, self._keys, self._file = {}, {}, RememberedDigests(), None


MEMO_FORMAT = ("l2h-memo", 3)
"""First record of a memo file, with the CODE_VERSION that wrote it; then one pickle per record: (key, value), an
entry, which replaces an earlier record of that key, or (None, keys), entries that are gone (_append_changes)."""


class _MemoFile(NamedTuple):
    """A memo file as a Memo last read or wrote it: which file (its stat), the keys it holds, and how many entry
    records it has, those replaced or gone included."""

    stat: os.stat_result
    keys: set[str]
    records: int

    def same(self, now: os.stat_result) -> bool:
        """Whether now is the stat of that file, unchanged since."""
        return (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) == (
            self.stat.st_dev, self.stat.st_ino, self.stat.st_size, self.stat.st_mtime_ns)


def _write_entries(handle: Any, entries: dict[str, Any]) -> None:
    """Write entries one pickle each: one pickle of them all would index every object in memory while writing."""
    pickle.dump((*MEMO_FORMAT, CODE_VERSION), handle, protocol=pickle.HIGHEST_PROTOCOL)
    for item in entries.items():
        pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _append_changes(handle: Any, added: dict[str, Any], gone: list[str]) -> None:
    """Append to a file _write_entries wrote the keys of entries gone, then the entries added."""
    if gone:
        pickle.dump((None, gone), handle, protocol=pickle.HIGHEST_PROTOCOL)
    for item in added.items():
        pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _read_entries(handle: Any) -> tuple[dict[str, Any], int, bool]:
    """Read what _write_entries and _append_changes wrote: the entries, how many entry records the file has, and
    whether it was read whole (not cut short: only then may records be appended to it). A file of another format
    is an empty memo, a cut one ends early. So is a file l2h's code of another version wrote: none of its keys
    (digest) can match, and loading them took 100 MB at 20,000 papers for nothing."""
    if pickle.load(handle) != (*MEMO_FORMAT, CODE_VERSION):
        return {}, 0, False
    entries: dict[str, Any] = {}
    records = 0
    size = os.fstat(handle.fileno()).st_size
    while True:
        start = handle.tell()
        try:
            key, value = pickle.load(handle)
        except Exception:  # noqa: BLE001 - the end of the file, or an entry cut short: keep the whole ones
            return entries, records, start == size
        if key is None:
            for gone in value:
                entries.pop(gone, None)
        else:
            entries[key] = value
            records += 1
