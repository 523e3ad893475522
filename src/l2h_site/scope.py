"""Narrow a check's diagnostics to the files a contributor asked about (`l2h check PATHS`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from l2h_site.diagnostics import Diagnostic, L2hError
from l2h_site.model import Config


def scope_diagnostics(diagnostics: Sequence[Diagnostic], config: Config,
                      paths: Sequence[Path]) -> list[Diagnostic]:
    """Keep the diagnostics of the given files, the cross-file ones that involve them, and site-wide ones.

    Naming the review, its papers folder, taxonomy.yml or l2h.yml selects everything, since a change
    there can affect every paper. Problems in taxonomy.yml and l2h.yml are always kept: while they
    stand, the papers cannot be fully checked.
    """
    root = config.root.resolve()
    site_wide = {_relative(config.path(config.taxonomy), root), _relative(config.path("l2h.yml"), root)}
    everything = {root, config.path(config.papers_dir)} | {config.path(config.taxonomy), config.path("l2h.yml")}
    papers_dir = config.path(config.papers_dir)
    wanted: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        if not resolved.exists() and not path.is_symlink():
            raise L2hError(f"{path} does not exist")
        if resolved in everything:
            return list(diagnostics)
        if papers_dir not in resolved.parents and papers_dir not in path.absolute().parents:
            raise L2hError(f"{path} is not in the papers folder {config.papers_dir}/; "
                           f"move the paper there, then check it")
        wanted.add(_relative(path.absolute().parent, root) + "/" + path.name)

    def involves(d: Diagnostic) -> bool:
        return (d.path in site_wide or d.path in wanted or any(d.path.startswith(w + "/") for w in wanted)
                or any(r in wanted for r in d.related))

    return [d for d in diagnostics if involves(d)]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
