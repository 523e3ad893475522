"""The pipeline: load config → taxonomy → discover → parse → validate → context → render → write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2

from l2h_site.cache import (
    CACHE_DIR,
    BuildCache,
    FileHashes,
    InputReads,
    Looked,
    Memo,
    PageStore,
    digest,
    files_digest,
    package_versions,
)
from l2h_site.config import CONFIG_NAME, load_config, source_folders
from l2h_site.context import SiteContext, build_context, summary_warnings
from l2h_site.corpus import CorpusWide, WarmChild, separate_by_default
from l2h_site.diagnostics import (
    Diagnostic,
    StoppedAfterWrite,
    Terminated,
    folder_under,
    is_failure,
    sort_diagnostics,
)
from l2h_site.discover import PAPER_SUFFIXES, discover_papers, reads_as_paper, stray_papers
from l2h_site.feed import empty_feed_note, git_added_dates, shallow_history_note
from l2h_site.linkcheck import find_broken_links
from l2h_site.linksource import LinkSources
from l2h_site.markup import MarkdownRenderer, Rendered
from l2h_site.memory import release_freed_memory
from l2h_site.model import Config, Paper, RenderedPage, SourceFile, Taxonomy
from l2h_site.parallel import is_parallel, iter_ordered, reserve_cores, threshold
from l2h_site.parse import MAX_FILE_BYTES, ParsedPaper, parse_paper, parse_paper_bytes
from l2h_site.progress import QUIET, TICK_EVERY, Progress
from l2h_site.related import related_stored_at
from l2h_site.render import (
    PageList,
    compile_templates,
    needed_templates,
    render_search,
    render_site,
    site_environment,
    static_files,
)
from l2h_site.search import bundle_pages_for_editing
from l2h_site.taxonomy import EMPTY as EMPTY_TAXONOMY
from l2h_site.taxonomy import load_taxonomy, renamed_tags
from l2h_site.validate import TagIndex, validate_corpus, validate_paper
from l2h_site.write import (
    SiteUpdater,
    check_output_dir,
    exclusive,
    interrupts_held,
    is_site_current,
    open_site,
    restore_interrupted,
    site_manifest,
    tidy_leftovers,
)

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class CheckResult:
    """What loading and validating the content found."""

    config: Config
    taxonomy: Taxonomy
    papers: list[Paper] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    paper_count: int = -1
    """Number of papers when `papers` was not loaded (an unchanged build) or was let go of (a large build); -1
    otherwise."""
    unchecked: int = 0
    """Paper files that could not be checked against the taxonomy because it has errors."""
    unsettled: list[str] = field(default_factory=list)
    """Paper files read with other bytes than the build's fingerprint hashed (check_site's looked), or found that it did
    not hash, or not found that it did: changed meanwhile. (The other inputs are compared by InputReads.)"""
    templates: jinja2.Environment | None = field(default=None, repr=False)
    """The Jinja environment holding the templates the check compiled, for rendering them without compiling again."""

    @property
    def count(self) -> int:
        """Number of papers checked."""
        return self.paper_count if self.paper_count >= 0 else len(self.papers)


@dataclass
class BuildResult:
    """What a build did: the diagnostics, and the pages when it got that far."""

    check: CheckResult
    paths: list[str] = field(default_factory=list)
    """Output paths of the pages the build made, in the order they were made (not set when unchanged)."""
    written: bool = False
    out_dir: Path | None = None
    seconds: float = 0.0
    unchanged: bool = False
    """True when the output folder already held this exact build and nothing was rendered."""
    page_count: int = 0
    """Files in the site that was written (or found up to date)."""
    reused: int = 0
    """Files taken from the build cache instead of being rendered again."""
    changed: int = 0
    """Files written to the output folder: all of a new site's, only the changed and new ones of an updated site."""
    deleted_paths: tuple[str, ...] = ()
    """Files an updated site no longer has, deleted from it, sorted."""
    had_site: bool = False
    """The output folder held a site before this build (which a failed build leaves as it was)."""
    context: SiteContext | None = field(default=None, repr=False)
    """What the pages were rendered from (set when the build rendered the site), for l2h serve's previews."""

    _sink: PageList | None = field(default=None, repr=False)
    """The pages of a build that was not written, in memory."""

    @property
    def deleted(self) -> int:
        """Number of files an updated site no longer has."""
        return len(self.deleted_paths)

    def read(self, path: str) -> bytes:
        """Return the content of one page the build made: from the site on disk, or from memory if not written."""
        if self._sink is not None:
            return self._sink.read(path)
        if not self.written or self.out_dir is None:
            raise KeyError(f"{path}: the build wrote no site")
        return (self.out_dir / path).read_bytes()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of the build, sorted by file and line."""
        return self.check.diagnostics


def check_site(root: Path, config_file: Path | None = None, progress: Progress = QUIET,
               memo: Memo | None = None, summaries: Callable[[str], bool] | None = None,
               cache: BuildCache | None = None, strays: list[Diagnostic] | None = None,
               looked: Looked | None = None, reads: InputReads | None = None, strict: bool | None = None) -> CheckResult:
    """Load and validate all content and compile the templates, without rendering pages; a memo keeps parsed
    files by content, a cache the compiled templates and the summaries rendered (its summaries memo, which a check
    does not save: l2h check reads a build's). strays: the papers beside the papers folder, if a build looked
    for them already (stray_papers), for its fingerprint; looked: the size and hash of each file that fingerprint
    hashed (build_fingerprint); reads: told what is read of the other inputs, and, with looked, given what the
    fingerprint hashed of them (InputReads.compare).

    summaries selects paper files (by path from the root) whose summaries are rendered too, to warn of what
    the site would not show as written (`l2h check`; a build renders every summary anyway and warns then). strict: a
    build's --strict; a build whose check fails by it renders every summary here (known ones from the cache's memo), so
    that it reports their warnings with the errors, as `l2h check` does, not in a second round.
    """
    config, diagnostics = load_config(root, config_file, reads)
    templates = site_environment(config, cache, reads)  # compiled below, once the papers say which templates they need
    taxonomy, taxonomy_problems = load_taxonomy(config.path(config.taxonomy), config.taxonomy, reads)
    usable = not is_failure(taxonomy_problems, False)  # on errors the taxonomy is empty: nothing to check papers against
    sources, problems = discover_papers(config.path(config.papers_dir), config.root, lambda: progress.advance(0))
    diagnostics += problems
    diagnostics += strays if strays is not None else stray_papers(config.root, config.path(config.papers_dir))
    diagnostics += static_files(config.path(config.static_dir), config.static_dir)[1]  # names the build would refuse
    facet_ids = frozenset(f.id for f in taxonomy.facets) if usable else None
    parsed: list[tuple[str | None, ParsedPaper]] = []
    progress.stage("reading papers", len(sources))
    unsettled: list[str] = []
    if looked is not None:  # papers there and not when the fingerprint hashed them, or the other way round
        papers_dir = config.path(config.papers_dir)
        there = {str(source.path) for source in sources}
        others = set(looked).difference(there)  # mostly the templates' and static files
        unsettled += sorted(there.difference(looked) | {
            path for path in others if Path(path).parent == papers_dir and reads_as_paper(Path(path).name)})
        if reads is not None:  # what it hashed of the other inputs, for them to be compared as they are read
            reads.compare({path: looked[path] for path in sorted(others)})
    for key, (result, problems) in _parse_papers(sources, facet_ids, memo, progress,
                                                 cache.hashes if cache is not None else None, looked, unsettled):
        diagnostics += problems
        if result is not None:
            parsed.append((key, result))
    if any(problem.code == "tag-drift" for problem in taxonomy_problems):  # which spelling to keep: the papers say
        written = Counter(tag for _, item in parsed for tag in item.paper.tags)
        taxonomy_problems = load_taxonomy(config.path(config.taxonomy), config.taxonomy, usage=written)[1]
    diagnostics += taxonomy_problems
    papers: list[Paper] = []
    if usable:
        spelt = {spelling for tag in taxonomy.tags for spelling in (tag.name, *tag.aliases)}
        if any(tag not in spelt for _, p in parsed for tag in p.paper.tags):  # renamed since the last commit?
            taxonomy = dataclasses.replace(taxonomy, renamed=renamed_tags(config.path(config.taxonomy), taxonomy.tags))
        usage = Counter(tag for _, p in parsed if p.complete for tag in p.paper.tags)
        tags = TagIndex(taxonomy, usage)
        # A paper's checks depend on it, the taxonomy and how often each tag is used (for hints).
        against = digest("validate: tags, venue and problems", repr(taxonomy), sorted(usage.items()))
        for number, (key, item) in enumerate(parsed):
            if number % TICK_EVERY == TICK_EVERY - 1:
                progress.advance(0)
            # The memo keeps what validation changes (the tags, the venue) and finds, not a second copy of the paper.
            known = memo.get(memo.key(against, key)) if memo is not None and key is not None else None
            if known is None:
                paper, problems = validate_paper(item, taxonomy, tags)
                known = (paper.tags, paper.venue, problems)
                if memo is not None and key is not None:
                    memo.put(memo.key(against, key), known)
            canonical_tags, venue, problems = known
            diagnostics += problems
            if item.complete:  # a paper with errors was checked only to report all its problems at once
                # most tags and venues are written canonical: a copy of each paper per rebuild took 40 ms at 5,000
                papers.append(item.paper if canonical_tags == item.paper.tags and venue == item.paper.venue
                              else dataclasses.replace(item.paper, tags=canonical_tags, venue=venue))
        progress.advance(0)
        diagnostics += validate_corpus(papers, {item.paper.source: item.positions for _, item in parsed},
                                       file_keys={source.key: source.relpath for source in sources}, venues=tags.venues,
                                       tick=lambda: progress.advance(0))
    progress.advance(0)
    diagnostics += compile_templates(templates, config.templates_dir, needed_templates(config, papers))
    failing = summaries is None and strict is not None and is_failure(diagnostics, strict)
    if summaries is not None or failing:  # papers with errors too: every problem of a file at once
        selected = summaries or (lambda _: True)
        readable = [item.paper for _, item in parsed
                    if selected(item.paper.source) and "summary" not in item.unread and item.paper.summary.strip()]
        texts = [p.summary for p in readable]
        renderer = MarkdownRenderer()
        if cache is not None:  # most were rendered by an earlier build (at 5,000 papers: 6 s of CPU)
            known = _memoised(cache.memo("summaries"), _SUMMARY_MEMO, texts, renderer.render, prepare=renderer.prepare)
            rendered: Iterable[Rendered] = [known[text] for text in texts]
        else:
            rendered = iter_ordered(renderer.render, texts, prepare=renderer.prepare)
        for paper, summary in zip(readable, rendered, strict=True):  # to its end (see _parse_papers)
            diagnostics += summary_warnings(paper, summary)
    return CheckResult(config=config, taxonomy=taxonomy, papers=papers, diagnostics=sort_diagnostics(diagnostics),
                       unchecked=0 if usable else len(sources), templates=templates, unsettled=unsettled)


def check_with_cache(root: Path, config_file: Path | None = None,
                     summaries: Callable[[str], bool] | None = None) -> CheckResult:
    """check_site with what a build made before left in the review's cache, if it has one: the compiled templates (a
    template changed since is compiled and kept there, as a build keeps it) and the memos of parsed papers and
    rendered summaries (each by the bytes it came from), which are read and never saved. For l2h check, new and
    import: checking one paper of 5,000 after a build took 3.0-3.4 s without them, 0.8-0.9 s with.
    """
    config = load_config(root, config_file)[0]
    cache = BuildCache(config.root) if (config.root / CACHE_DIR).is_dir() else None
    return check_site(root, config_file, summaries=summaries, cache=cache,
                      memo=cache.memo("papers") if cache is not None else None)


def _parse_papers(sources: Sequence[SourceFile], facet_ids: frozenset[str] | None, memo: Memo | None,
                  progress: Progress, hashes: FileHashes | None = None, looked: Looked | None = None,
                  unsettled: list[str] | None = None,
                  ) -> list[tuple[str | None, tuple[ParsedPaper | None, list[Diagnostic]]]]:
    """Parse every paper file, in order; a file whose bytes the memo knows is not parsed again (nor read, if hashes
    know it unchanged, nor even looked at if this build's fingerprint just hashed it: looked). A file of looked found
    with other bytes is added to unsettled.

    Each result comes with the hash of the file it was parsed from (None without a memo).
    """
    if memo is None:
        return [(None, _advanced(progress, r)) for r in iter_ordered(lambda s: parse_paper(s, facet_ids), sources)]
    facets = tuple(sorted(facet_ids)) if facet_ids is not None else None  # hashable for memo.key (same JSON)
    results: list[tuple[ParsedPaper | None, list[Diagnostic]] | None] = []
    keys: list[str | None] = []
    todo: list[tuple[int, SourceFile, bytes | None, str | None]] = []
    known = hashes if hashes is not None else FileHashes()

    def parse_key(source: SourceFile, content: str) -> str:
        # "incomplete kept": papers with errors are kept (ParsedPaper.complete); older entries must not be read.
        return memo.key("parse, incomplete kept", str(source.path), source.relpath, source.key, facets, content)

    for source in sources:
        seen = looked.get(str(source.path)) if looked is not None else None
        if seen is not None and seen[0] <= MAX_FILE_BYTES:  # hashed moments ago, for the fingerprint
            known_key = parse_key(source, seen[1])
            found = memo.get(known_key)
            if found is not None:  # else as any file: looked at again, read if changed since, parsed
                progress.advance()
                results.append(found)
                keys.append(known_key)
                continue
        data, content = None, None
        try:
            st = source.path.stat()
            if st.st_size <= MAX_FILE_BYTES:  # else parse_paper reports it
                content = known.get(source.path, st)  # not read again if known unchanged
                if content is None:
                    data = source.path.read_bytes()
                    content = known.remember(source.path, st, data)
        except OSError:
            data, content = None, None  # parse_paper reports it
        if seen is not None and content is not None and content != seen[1] and unsettled is not None:
            unsettled.append(source.relpath)
        key = parse_key(source, content) if content is not None else None
        found = memo.get(key) if key is not None else None
        if found is None:
            todo.append((len(results), source, data, key))
        else:
            progress.advance()
        results.append(found)
        keys.append(key)

    def parse(item: tuple[int, SourceFile, bytes | None, str | None]) -> tuple[ParsedPaper | None, list[Diagnostic]]:
        _, source, data, _ = item
        return parse_paper_bytes(data, source, facet_ids) if data is not None else parse_paper(source, facet_ids)

    # strict: the pool generator runs to its end here, so that its workers are stopped in the normal flow, where a
    # Ctrl-C raises; closed later by the garbage collector, a Ctrl-C while it stopped them was ignored
    for (index, _, _, key), result in zip(todo, iter_ordered(parse, todo), strict=True):
        results[index] = _advanced(progress, result)
        if key is not None:
            memo.put(key, result)
    return [(key, r) for key, r in zip(keys, results) if r is not None]


def _advanced(progress: Progress, value: T) -> T:
    progress.advance()
    return value


def _summaries(papers: Sequence[Paper], memo: Memo | None, tick: Callable[[], None] | None = None) -> MarkdownRenderer:
    """Return a renderer that knows every summary and title the memo had, and those it lacked, rendered now. tick:
    called every TICK_EVERY texts (a step at which l2h serve's rebuild can stop)."""
    if memo is None:
        return MarkdownRenderer()
    renderer = MarkdownRenderer()
    summaries = _memoised(memo, _SUMMARY_MEMO, [p.summary for p in papers], renderer.render, tick, renderer.prepare)
    titles = _memoised(memo, "title", [p.title for p in papers], renderer.render_title, tick, renderer.prepare)
    return _KnownSummaries(summaries, titles, memo)


_SUMMARY_MEMO = "summary: html, own text and notes"
"""The kind of a summary's rendering in the summaries memo."""


def _memoised(memo: Memo, kind: str, texts: Sequence[str], render: Callable[[str], R],
              tick: Callable[[], None] | None = None, prepare: Callable[[], object] | None = None) -> dict[str, R]:
    """Map each distinct text to its rendering: from the memo, or rendered now (on every core) and memoised. tick:
    called every TICK_EVERY texts looked up; prepare: before a pool of processes forks (iter_ordered)."""
    known: dict[str, R] = {}
    missing = []
    for number, text in enumerate(dict.fromkeys(texts)):
        if tick is not None and number % TICK_EVERY == TICK_EVERY - 1:
            tick()
        found = memo.get(memo.key(kind, text))
        if found is None:
            missing.append(text)
        else:
            known[text] = found
    for text, result in zip(missing, iter_ordered(render, missing, prepare=prepare), strict=True):  # to its end (see above)
        known[text] = result
        memo.put(memo.key(kind, text), result)
    return known


class _KnownSummaries(MarkdownRenderer):
    """A summary renderer that answers from results already computed."""

    precomputed = True  # looking them up is no work for a pool of processes (build_context)

    def __init__(self, known: dict[str, Rendered], titles: dict[str, str], memo: Memo) -> None:
        super().__init__()
        self.known = known
        self.titles = titles
        self.memo = memo

    def render(self, text: str) -> Rendered:
        """Return the known result for text, else render it."""
        found = self.known.get(text)
        return found if found is not None else super().render(text)

    def render_title(self, text: str) -> str:
        """Return the known HTML of a title, else render it."""
        found = self.titles.get(text)
        return found if found is not None else super().render_title(text)

    def render_page(self, text: str) -> str:
        """Return the memo's HTML of one of the repository's own pages, else render it into the memo (CONTRIBUTING.md,
        with its tables and math, took 60 ms of every build)."""
        key = digest("page: html", text)
        found = self.memo.get(key)
        if not isinstance(found, str):
            found = super().render_page(text)
            self.memo.put(key, found)
        return found


def build_fingerprint(config: Config, config_file: Path | None, history: dict[str, dt.datetime],
                      hashes: FileHashes | None = None, strays: Sequence[Diagnostic] = (), looked: Looked | None = None,
                      pages: list[str] | None = None, progress: Progress = QUIET, **options: object) -> str:
    """Hash everything a build's output can depend on: every input file, git history, versions, options, and which
    files are papers beside the papers folder (strays: stray_papers' errors, which every build reports). looked, if
    given, gets the size and hash of every regular file hashed (files_digest); pages, if given, the hash of what every
    page can depend on besides its own data (config, taxonomy, templates, static files, extra pages, versions), for
    the page store: of the same files as hashed here, not of those a moment later (which a file saved meanwhile makes
    other bytes than the pages were rendered from). progress is told of nothing (advance(0)) every TICK_EVERY files."""
    root = config.root
    inputs = [config.path(p) for p in (config.papers_dir, config.taxonomy, config.templates_dir, config.static_dir,
                                         config.resources, config.contributing)]
    config_path = config_file if config_file is not None else root / CONFIG_NAME
    starts: list[int] = []
    listed = files_digest([config_path, *inputs], root, hashes, forget_others=True, looked=looked, starts=starts,
                          tick=lambda: progress.advance(0))
    if pages is not None:  # every file but the papers' (the second path's)
        pages.append(digest("pages", listed[:starts[1]] + listed[starts[2]:], dt.date.today().year, sys.version,
                            _dependency_versions()))
    return digest("build", listed,
                  [d.path for d in strays],
                  sorted((path, moment.isoformat()) for path, moment in history.items()),
                  dt.date.today().year, sys.version, _dependency_versions(),
                  sorted((k, str(v)) for k, v in options.items()))


def _dependency_versions() -> tuple[tuple[str, str], ...]:
    return package_versions(("jinja2", "markdown", "pymdown-extensions", "latex2mathml", "nh3", "pyyaml",
                             "scikit-learn", "numpy", "scipy", "pagefind", "pagefind_bin"))


def site_context(root: Path, config_file: Path | None = None, cache: BuildCache | None = None,
                 strict: bool = False, warm: WarmChild | None = None) -> SiteContext | None:
    """Check the content and compute what the pages are rendered from, without rendering them.

    For l2h serve started on a site that is already up to date: its previews of edited papers
    need the context the site was built from. None when the content has errors. A warm child given computes
    related papers and the topic map if the cache lacks them (as in build).
    """
    config, _ = load_config(root, config_file)
    memo = cache.memo("papers") if cache is not None else None
    check = check_site(root, config_file, QUIET, memo, cache=cache)
    if is_failure(check.diagnostics, strict):
        return None
    rendered = cache.memo("summaries") if cache is not None else None
    context, _ = _context(check, cache, rendered, git_added_dates(config.root, config.papers_dir), warm)
    context.related, context.topic_map  # noqa: B018 - wait for both here: a child left running is a zombie later
    return context


def _early_child(config: Config, cache: BuildCache | None) -> WarmChild | None:
    """Start the child for related papers and the topic map before the papers are checked, so that it imports
    scikit-learn meanwhile (1 s), when it will likely be needed: nothing is cached (a build from nothing, or
    --no-cache), or, in a large review (where checking takes a second or more), a paper file or the folder (a paper
    added, deleted or renamed) changed since related papers were last stored. It exits after its job; one that
    gets none (a venue edited: both results are still in the cache) is stopped once that is known."""
    papers = config.path(config.papers_dir)
    since = related_stored_at(cache)
    try:
        names = [entry for entry in os.scandir(papers) if entry.name.endswith(PAPER_SUFFIXES)]
        likely = since is None or (len(names) >= threshold() and (
            papers.stat().st_mtime > since or any(entry.stat().st_mtime > since for entry in names)))
    except OSError:
        return None
    if not likely or not separate_by_default(len(names)):
        return None
    child = WarmChild(one_job=True)
    child.preload()
    return child


def _context(check: CheckResult, cache: BuildCache | None, memo: Memo | None,
             history: dict[str, dt.datetime], warm: WarmChild | None = None,
             early: WarmChild | None = None, reads: InputReads | None = None,
             progress: Progress = QUIET) -> tuple[SiteContext, list[Diagnostic]]:
    """Compute what the pages are rendered from, once the content passed its checks. early: a child started before
    the checks in case it was needed, which is stopped at once if it gets no job; reads: told what is read of the
    extra pages; progress: told of nothing (advance(0)) every TICK_EVERY papers (0.3-0.6 s at 5,000 papers in all),
    and every corpus.TICK_SECONDS while related papers or the topic map are waited for."""
    tick = functools.partial(progress.advance, 0)
    # related papers and the map, beside the summaries; waited for with a tick, where l2h serve's rebuild can stop
    corpus = CorpusWide(check.papers, cache, warm=warm or early, tick=tick)
    if early is not None and early.current is None:  # both results were in the cache: stop it importing now
        early.stop()
    if corpus.computing:
        release_freed_memory()  # the documents sent to the child
    try:
        with reserve_cores(1 if corpus.computing else 0):  # 20,000 papers: -100 MB, no slower (the child is longer)
            tick()
            return build_context(check.config, check.taxonomy, check.papers,
                                 renderer=_summaries(check.papers, memo, tick), cache=cache, history=history,
                                 corpus=corpus, reads=reads, tick=tick)
    except BaseException:  # stopped or failed: a child of its own (not a warm one, kept for the next build) goes too
        if warm is None:
            corpus.close()
        raise


def build(root: Path, out_dir: Path | None = None, strict: bool = False, config_file: Path | None = None,
          write: bool = True, check_links: bool = False, use_cache: bool = True,
          progress: Progress = QUIET, cache: BuildCache | None = None,
          site_lock: AbstractContextManager[object] | None = None,
          on_commit: Callable[[], None] | None = None, warm: WarmChild | None = None,
          serving: bool = False) -> BuildResult:
    """Check the content and, if it passes, render the site and write it to the output folder.

    A new site is swapped in whole; a site l2h wrote before gets only the pages that changed (write.py).
    With check_links, a broken internal link or #anchor is an error and the site is not written.
    Progress is told of each stage and page as the build goes. A cache object given is used
    instead of a fresh one (the dev server keeps one, with its memos in memory, across rebuilds).
    A site_lock given is held while the output folder changes, and only then: the dev server
    answers requests from the site on disk while the rest of a build runs. on_commit is called,
    still under the lock, once the new site is in place. A warm child given computes related papers and the
    topic map (the dev server keeps one, with scikit-learn loaded, across rebuilds). serving: the site is for l2h
    serve, where an edit should show soon: its search is split into smaller bundles (search.bundle_pages_for_editing).
    """
    try:
        with ExitStack() as held:
            return _build(root, out_dir, strict, config_file, write, check_links, use_cache, progress, cache,
                          site_lock or nullcontext(), on_commit, warm, serving, held)
    finally:
        progress.finish()


def _build(root: Path, out_dir: Path | None, strict: bool, config_file: Path | None, write: bool,
           check_links: bool, use_cache: bool, progress: Progress, given: BuildCache | None,
           site_lock: AbstractContextManager[object], on_commit: Callable[[], None] | None,
           warm: WarmChild | None, serving: bool, held: ExitStack) -> BuildResult:
    started = time.perf_counter()
    # what is read of the inputs besides the papers, for the check to compare with what the fingerprint hashed
    # (without a cache, no fingerprint hashes anything to compare with)
    reads = InputReads(root.resolve()) if use_cache else None
    config, _ = load_config(root, config_file, reads)  # to find the inputs: l2h.yml may change before the fingerprint
    cache = (given or BuildCache(config.root)) if use_cache else None
    target = out_dir if out_dir is not None else config.path(config.output_dir)
    history = git_added_dates(config.root, config.papers_dir)  # read once: for the fingerprint and the feed
    protected = source_folders(config)
    if write:  # refuse a dangerous output folder before any work; then hold it until this build is done
        check_output_dir(target, config.root, protected)
        held.enter_context(exclusive(target, cache.folder if cache is not None else None))
    strays = stray_papers(config.root, config.path(config.papers_dir))  # read once: the fingerprint and the check
    # the paper files' hashes, which the check need not look at again (with a cache: what a build is compared by)
    looked: Looked | None = {} if cache is not None else None
    page_inputs: list[str] = []  # for the page store's keys: what every page depends on, as the fingerprint hashed it
    stamp = build_fingerprint(config, config_file, history, cache.hashes if cache is not None else None, strays,
                              looked, page_inputs, progress, strict=strict, check_links=check_links, serving=serving)
    if cache is not None and write:
        stored = cache.get_json("build", stamp)
        if isinstance(stored, dict):
            with site_lock:  # what a build stopped mid-update left beside the site goes, even if nothing else does
                tidy_leftovers(target)
        if isinstance(stored, dict) and is_site_current(target, stamp, stored.get("manifest", [])):
            # Every input is as it was when this site was written: the site is already this build's output.
            up_to_date = CheckResult(config=config, taxonomy=EMPTY_TAXONOMY,
                                     diagnostics=[Diagnostic(**{**d, "related": tuple(d["related"])})
                                                  for d in stored["diagnostics"]])
            up_to_date.paper_count = int(stored["papers"])
            files = len(stored["manifest"])
            return BuildResult(check=up_to_date, written=True, out_dir=target, unchanged=True,
                               page_count=files, reused=files, seconds=time.perf_counter() - started)
    early = _early_child(config, cache) if warm is None else None
    context: SiteContext | None = None
    committed = False
    try:
        memo = cache.memo("papers") if cache is not None else None
        check = check_site(root, config_file, progress, memo, cache=cache, strays=strays, looked=looked, reads=reads,
                           strict=strict)
        del looked
        if memo is not None:
            memo.save()
            if given is None:  # a one-off build: the parse results are saved and no longer needed
                memo.release()
        release_freed_memory()  # what parsing the files left behind
        result = BuildResult(check=check, had_site=write and target.is_dir())
        if write:  # a build killed mid-swap leaves no site: put the previous one back even if this build fails
            with site_lock:
                restore_interrupted(target)
        if is_failure(check.diagnostics, strict):
            return result
        progress.stage("preparing pages")
        rendered = cache.memo("summaries") if cache is not None else None
        context, problems = _context(check, cache, rendered, history, warm, early, reads, progress)
        problems += shallow_history_note(config.root, config.papers_dir, history)
        problems += empty_feed_note(config.papers_dir, len(context.papers), context.added)
        if rendered is not None:
            rendered.save()
            if given is None:
                rendered.release()
        release_freed_memory()  # the summaries memo and the corpus-wide steps' temporaries
        progress.advance(0)
        store = PageStore(cache, page_inputs[0]) if cache is not None else None
        if cache is not None:
            cache.keep_out_of_git()
        if cache is not None and given is None:  # a one-off build hashes no more files: 9 MB at 20,000 papers
            cache.hashes = FileHashes()
        # named in messages as diagnostics name files: from the review's folder when inside it, else in full
        site_name = folder_under(target, config.root).rstrip("/") or target.resolve().as_posix()
        templates: dict[str, str] | None = {} if check_links else None  # page -> its template, for the link check
        sources = None if templates is None else LinkSources(
            context, check.templates or site_environment(config, cache), templates,
            config_file if config_file is not None else config.root / CONFIG_NAME)
        if not write:
            sink = PageList()
            render_problems = render_site(context, sink, cache, progress, env=check.templates, templates=templates)
            if sources is not None:
                render_problems += sources.locate(find_broken_links(sink.pages.values(), config.base_url), sink.read,
                                                  site_name)
            check.diagnostics = sort_diagnostics(check.diagnostics + problems + render_problems)
            result.paths, result.page_count, result._sink = sink.paths(), len(sink.pages), sink
            result.seconds = time.perf_counter() - started
            return result
        unsettled: list[str] = []
        with open_site(target, config.root, protected, stamp=stamp, progress=progress,
                       known=cache.site_files if cache is not None and given is not None else None) as writer:
            # A large one-off build lets go of its papers before Pagefind runs (20,000 papers: the build process held
            # 280-310 MB beside Pagefind's 315 MB, now 190-220 MB); not with --check-links, which names their lines.
            search_later = config.search and given is None and sources is None and is_parallel(len(check.papers))
            bundle_pages = bundle_pages_for_editing(len(check.papers)) if serving else None
            render_problems = render_site(context, writer, cache, progress, store, keep_memos=given is not None,
                                          env=check.templates, templates=templates, search_later=search_later,
                                          bundle_pages=bundle_pages, reads=reads)
            if search_later:
                keys = [view.paper.key for view in context.papers]
                check.paper_count, check.papers, context = len(check.papers), [], None
                gc.collect()  # views and papers refer to each other
                release_freed_memory()
                render_problems += render_search(keys, writer, cache, progress, bundle_pages)
                del keys
            if sources is not None:  # read back from the temporary folder: the pages are not kept in memory
                stored = [RenderedPage(path, writer.read(path)) for path in writer.paths()]
                broken = find_broken_links(stored, config.base_url)
                del stored
                render_problems += sources.locate(broken, writer.read, site_name)
            check.diagnostics = sort_diagnostics(check.diagnostics + problems + render_problems)
            result.paths, result.page_count = writer.paths(), len(writer.sizes)
            result.reused = store.hits if store is not None else 0
            if is_failure(check.diagnostics, strict):  # leaving the block deletes what was written
                result.seconds = time.perf_counter() - started
                return result
            unsettled = check.unsettled + (reads.unsettled if reads is not None else [])
            if unsettled:  # built from other bytes than the fingerprint hashed: no later build may take it as current
                stamp = digest("changed while it was built", stamp, unsettled)
                writer.stamp = stamp  # the site's marker says so
            with site_lock, interrupts_held():
                writer.commit()
                committed = True
                if on_commit is not None:
                    on_commit()
            result.changed, result.deleted_paths = writer.changed, tuple(writer.gone)
        if unsettled and cache is not None:
            # Pages and cards made from other bytes than their keys say (those the fingerprint hashed) are not kept.
            cache.cards.clear()
        elif store is not None:
            store.save()
        if cache is not None:
            unchanged = writer.unchanged if isinstance(writer, SiteUpdater) else None
            cache.put_json("build", stamp, {"manifest": site_manifest(target, writer.sizes, unchanged), "papers": check.count,
                                            "diagnostics": [dataclasses.asdict(d) for d in check.diagnostics]})
        result.written = True
        result.out_dir = target
        result.context = context
        result.seconds = time.perf_counter() - started
        return result
    except BaseException as exc:  # stopped (Ctrl-C, SIGTERM) or failed: what the child computes is wanted no more
        if early is not None:
            early.stop()
        if warm is None and context is not None and context.corpus is not None:
            context.corpus.close()  # the child it started itself, when none was started before the checks
        if committed and isinstance(exc, KeyboardInterrupt) and not isinstance(exc, StoppedAfterWrite):
            raise StoppedAfterWrite(target, isinstance(exc, Terminated)) from exc
        raise
    finally:
        if early is not None and early.current is None:  # started, but given no job: the checks failed, say
            early.stop()


__all__ = ["BuildResult", "CheckResult", "SiteContext", "build", "check_site"]
