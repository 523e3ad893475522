"""Narrow a check's diagnostics to the files a contributor asked about (`l2h check PATHS`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from l2h_site.diagnostics import Diagnostic, L2hError
from l2h_site.discover import PAPER_SUFFIXES
from l2h_site.model import Config


def scope_diagnostics(diagnostics: Sequence[Diagnostic], config: Config,
                      paths: Sequence[Path]) -> list[Diagnostic]:
    """Keep the diagnostics of the given files, the cross-file ones that involve them, and site-wide ones.

    Problems in taxonomy.yml and l2h.yml are always kept: while they stand, the papers cannot be fully checked.
    """
    selected = paths_filter(config, paths)
    if selected is None:
        return list(diagnostics)
    root = config.root.resolve()
    site_wide = {_relative(config.path(config.taxonomy), root), _relative(config.path("l2h.yml"), root)}
    return [d for d in diagnostics if d.path in site_wide or selected(d.path) or any(map(selected, d.related))]


def paths_filter(config: Config, paths: Sequence[Path]) -> Callable[[str], bool] | None:
    """Return a test of whether a file (its path from the review's root) is one of paths or in one of them.

    None when paths select everything: naming the review, its papers folder, taxonomy.yml or l2h.yml, since
    a change there can affect every paper. A path that does not exist or is outside the papers folder is
    an L2hError.
    """
    root = config.root.resolve()
    everything = {root, config.path(config.papers_dir)} | {config.path(config.taxonomy), config.path("l2h.yml")}
    papers_dir = config.path(config.papers_dir)
    wanted: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        if not resolved.exists() and not path.is_symlink():
            raise L2hError(f"{path} does not exist" + _meant(path, papers_dir))
        if resolved in everything:
            return None
        if papers_dir not in resolved.parents and papers_dir not in path.absolute().parents:
            if path.suffix.lower() not in PAPER_SUFFIXES:  # a template, a static file: no paper to move
                raise L2hError(f"{path} is not a paper: PATHS name papers (or taxonomy.yml, l2h.yml); a plain "
                               "`l2h check` checks the templates and the rest of the review too")
            raise L2hError(f"{path} is not in the papers folder {config.papers_dir}/; "
                           f"move the paper there, then check it")
        wanted.add(_relative(path.absolute().parent, root) + "/" + path.name)

    papers_rel = _relative(papers_dir, root)

    def selected(rel: str) -> bool:
        # a folder inside the papers folder that holds a file asked about: its not-a-paper error is that file's
        # (papers/2017/x.md is on no page, and its check must not pass)
        return rel in wanted or any(rel.startswith(w + "/") or (rel != papers_rel and w.startswith(rel + "/"))
                                    for w in wanted)

    return selected


def _meant(path: Path, papers_dir: Path) -> str:
    """Name the paper file a path that does not exist was likely meant as: the file of that name in the papers
    folder (`l2h check x2020y.md` run in the review's folder), or the path with .md, as "; did you mean …?"."""
    for candidate in (papers_dir / path.name, path.with_name(path.name + ".md"), papers_dir / (path.name + ".md")):
        if candidate.is_file():
            return f"; did you mean {os.path.relpath(candidate)}?"
    return ""


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
