"""The pipeline: load config → taxonomy → discover → parse → validate → context → render → write."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from l2h_site.config import load_config
from l2h_site.context import SiteContext, build_context
from l2h_site.diagnostics import Diagnostic, is_failure, sort_diagnostics
from l2h_site.discover import discover_papers
from l2h_site.linkcheck import check_pages
from l2h_site.model import Config, Paper, RenderedPage, Taxonomy
from l2h_site.parallel import map_ordered
from l2h_site.parse import ParsedPaper, parse_paper
from l2h_site.render import render_site
from l2h_site.taxonomy import load_taxonomy
from l2h_site.validate import TagIndex, validate_corpus, validate_paper
from l2h_site.write import restore_interrupted, write_site


@dataclass
class CheckResult:
    """What loading and validating the content found."""

    config: Config
    taxonomy: Taxonomy
    papers: list[Paper] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class BuildResult:
    """What a build did: the diagnostics, and the pages when it got that far."""

    check: CheckResult
    pages: list[RenderedPage] = field(default_factory=list)
    written: bool = False
    out_dir: Path | None = None
    seconds: float = 0.0

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic of the build, sorted by file and line."""
        return self.check.diagnostics


def check_site(root: Path, config_file: Path | None = None) -> CheckResult:
    """Load and validate all content without rendering anything."""
    config, diagnostics = load_config(root, config_file)
    taxonomy, problems = load_taxonomy(config.path(config.taxonomy), config.taxonomy)
    diagnostics += problems
    sources, problems = discover_papers(config.path(config.papers_dir), config.root)
    diagnostics += problems
    facet_ids = frozenset(f.id for f in taxonomy.facets) if taxonomy.tags or taxonomy.facets else None
    parsed: list[ParsedPaper] = []
    for result, problems in map_ordered(lambda source: parse_paper(source, facet_ids), sources):
        diagnostics += problems
        if result is not None:
            parsed.append(result)
    papers: list[Paper] = []
    if taxonomy.tags or taxonomy.facets:
        usage = Counter(tag for p in parsed for tag in p.paper.tags)
        tags = TagIndex(taxonomy, usage)
        for item in parsed:
            paper, problems = validate_paper(item, taxonomy, tags)
            diagnostics += problems
            papers.append(paper)
        diagnostics += validate_corpus(papers)
    return CheckResult(config=config, taxonomy=taxonomy, papers=papers,
                       diagnostics=sort_diagnostics(diagnostics))


def build(root: Path, out_dir: Path | None = None, strict: bool = False, config_file: Path | None = None,
          write: bool = True, check_links: bool = False) -> BuildResult:
    """Check the content and, if it passes, render the site and swap it into the output folder.

    With check_links, a broken internal link or #anchor is an error and the site is not written.
    """
    started = time.perf_counter()
    check = check_site(root, config_file)
    result = BuildResult(check=check)
    if write:  # a build killed mid-swap leaves no site: put the previous one back even if this build fails
        restore_interrupted(out_dir if out_dir is not None else check.config.path(check.config.output_dir))
    if is_failure(check.diagnostics, strict):
        return result
    context, problems = build_context(check.config, check.taxonomy, check.papers)
    pages, render_problems = render_site(context)
    if check_links:
        site_name = (out_dir if out_dir is not None else Path(check.config.output_dir)).as_posix().rstrip("/")
        render_problems = render_problems + check_pages(pages, check.config.base_url, f"{site_name}/")
    check.diagnostics = sort_diagnostics(check.diagnostics + problems + render_problems)
    result.pages = pages
    if is_failure(check.diagnostics, strict) or not write:
        result.seconds = time.perf_counter() - started
        return result
    config = check.config
    out = out_dir if out_dir is not None else config.path(config.output_dir)
    protected = [config.path(p) for p in (config.papers_dir, config.templates_dir, config.static_dir)]
    write_site(pages, out, config.root, protected)
    result.written = True
    result.out_dir = out
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["BuildResult", "CheckResult", "SiteContext", "build", "check_site"]
