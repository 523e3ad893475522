"""`l2h import`: bring many papers in at once, from a BibTeX file or a Jekyll review's `_publications/`.

Nothing is lost silently: every entry is either written, skipped because the review already has
it (and listed), or reported as not converted, with the reason.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from l2h_site.bibtex import PaperDraft, read_bib_file, read_bibtex
from l2h_site.build import CheckResult, check_with_cache
from l2h_site.config import CONFIG_NAME
from l2h_site.diagnostics import L2hError
from l2h_site.discover import PAPER_SUFFIXES
from l2h_site.model import KEY_FORM, Facet, FacetValue, Paper, SourceFile, Taxonomy
from l2h_site.new import (
    PaperIndex,
    draft_key,
    draft_paper,
    dump_yaml,
    render_paper,
    usable_config,
    usable_taxonomy,
    write_new_file,
)
from l2h_site.parse import is_example_url, parse_paper_bytes
from l2h_site.textutil import describe_value, normalise_term
from l2h_site.validate import check_distinct_from, check_former_keys
from l2h_site.yamlsafe import load_yaml_file

HELP = "import papers from a BibTeX file or from a Jekyll review's _publications/ folder"
PROPOSAL_NAME = "taxonomy.proposed.yml"
TAG_TODO = "TODO: describe this tag in one sentence"
REDIRECT_FIELD = "redirect_from"
"""The jekyll-redirect-from plugin's field: the old paths of a page, which redirect to it."""
PAPER_ADDRESS = re.compile(r"^/?publications/([^/?#]+)(?:/|/index\.html)?$")
"""An old path l2h can serve for a former key: /publications/<key>/, with or without the slash or index.html."""


@dataclass
class ImportReport:
    """What an import did with every entry it found."""

    written: list[str] = field(default_factory=list)
    """Paper files written, relative to the review."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(entry, what it shares with which paper of the review or earlier entry)."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(entry, why it could not be converted)."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(entry, something the maintainer should look at in a written paper)."""
    tag_groups: dict[str, Counter[str]] = field(default_factory=dict)
    """Proposed canonical tag -> the spellings found and how many papers use each."""
    proposal: str | None = None
    """The taxonomy proposal file written, relative to the review."""


@dataclass
class _Item:
    origin: str
    key: str
    draft: PaperDraft
    redirects: object = None
    """The value of the Jekyll file's redirect_from, as read (None when it has none)."""


def import_bibtex(root: Path, bib_file: Path, dry_run: bool = False) -> ImportReport:
    """Write one paper file per BibTeX entry that the review does not have yet."""
    text = read_bib_file(bib_file)
    check = check_with_cache(root)
    usable_taxonomy(check)
    drafts, problems = read_bibtex(text, bib_file.name)
    if not drafts and not problems:  # an empty file, or another kind (a .ris export): it was "imported 0 paper(s)"
        raise L2hError(f"{bib_file} holds no BibTeX entry (@article{{key, …}}, @inproceedings{{key, …}}): give the "
                       "BibTeX file exported from the reference manager")
    report = ImportReport(failed=[(p.where, p.reason) for p in problems])
    report.notes.extend((d.source, why) for d in drafts for why in d.left_out)
    items = [_Item(d.source, draft_key(d), d) for d in drafts]
    _write_all(check, _select_new(check, items, report, keep_keys=False), report, placeholders=True, dry_run=dry_run)
    return report


def import_jekyll(root: Path, site_dir: Path, dry_run: bool = False, proposal_name: str = PROPOSAL_NAME) -> ImportReport:
    """Convert a Jekyll review's _publications/ into paper files and propose the tags it uses."""
    pubs = site_dir / "_publications" if (site_dir / "_publications").is_dir() else site_dir
    if not pubs.is_dir():
        raise L2hError(f"{site_dir} is neither a Jekyll site with _publications/ nor such a folder")
    check = check_with_cache(root)
    usable_config(check)
    report = ImportReport()
    if any(d.code == "taxonomy-missing-file" for d in check.diagnostics):
        report.notes.append((check.config.taxonomy, "does not exist yet: every tag found is proposed as new"))
    else:
        usable_taxonomy(check)
    facet_ids = frozenset(f.id for f in check.taxonomy.facets)
    items: list[_Item] = []
    for path in sorted(p for p in pubs.rglob("*") if not p.is_dir()):
        rel = path.relative_to(pubs.parent).as_posix()
        if path.is_symlink():
            report.failed.append((rel, "a symbolic link; copy the file itself in"))
        elif path.suffix not in PAPER_SUFFIXES:
            report.failed.append((rel, f"not a paper file (only {', '.join(PAPER_SUFFIXES)} are read)"))
        else:
            item = _read_jekyll(path, rel, facet_ids, report)
            if item is not None:
                items.append(item)
    if any(item.redirects is not None for item in items):
        baseurl = _jekyll_baseurl(pubs, report)
        for item in items:
            _carry_redirects(item, baseurl, report)
    items = _select_new(check, items, report, keep_keys=True)
    for item in items:
        if not KEY_FORM.fullmatch(item.key):
            suggested = draft_key(item.draft)
            report.notes.append((item.origin, (f'key "{item.key}" is kept because it is the page URL; `l2h check` '
                                               f"will ask to rename it to {suggested}")))
    _note_corpus_problems(check, items, report)
    _facet_tags(items, check.taxonomy, report)
    mapping = _propose_tags(items, check.taxonomy, report)
    for item in items:
        item.draft.tags = list(dict.fromkeys(mapping.get(t, t) for t in item.draft.tags))
    # The proposal's file is checked before any paper is written, so that a refusal leaves the review as it was.
    target = proposal_target(check, root, proposal_name) if report.tag_groups else None
    _write_all(check, items, report, placeholders=False, dry_run=dry_run)
    _note_missing_facets(check, items, report)
    if target is not None and not dry_run:
        try:
            write_new_file(target, _proposal_text(report.tag_groups))
            report.proposal = proposal_name
        except OSError as exc:
            report.failed.append((proposal_name, f"cannot write the taxonomy proposal: {exc.strerror or exc}"))
    return report


def _note_missing_facets(check: CheckResult, items: list[_Item], report: ImportReport) -> None:
    """List the written papers that lack a required facet (a Jekyll review has no facets, only tags)."""
    written = set(report.written)
    required = [f.id for f in check.taxonomy.facets if f.required]
    imported = [item for item in items if f"{check.config.papers_dir}/{item.key}.md" in written]
    lacking = [[f for f in required if not item.draft.facets.get(f)] for item in imported]
    lacking = [facets for facets in lacking if facets]
    if not lacking:
        return
    facets = [f for f in required if any(f in missing for missing in lacking)]
    who = ("all imported papers" if len(lacking) == len(imported)
           else f"{len(lacking)} of the {len(imported)} imported papers")
    report.notes.append((who, f"set the required facets ({', '.join(facets)}); `l2h check` lists each one"))


def proposal_target(check: CheckResult, root: Path, name: str) -> Path:
    """Where the taxonomy proposal may be written: a new file, in an existing folder, not among the sources."""
    config = check.config
    target = root / name
    resolved = target.resolve()
    protected = {config.path(config.taxonomy).resolve(): "the taxonomy", (root / CONFIG_NAME).resolve(): "the config"}
    if resolved in protected:
        raise L2hError(f"--proposal {name} is {protected[resolved]}; the proposal is never written over it "
                       f"(leave out --proposal to write {PROPOSAL_NAME})")
    if resolved.is_relative_to(config.path(config.papers_dir).resolve()):
        raise L2hError(f"--proposal {name} is in {config.papers_dir}/, where every file is read as a paper; "
                       f"choose a file outside it (default: {PROPOSAL_NAME})")
    if target.exists() or target.is_symlink():
        raise L2hError(f"{name} already exists; refusing to overwrite it (merge it into {config.taxonomy} or "
                       "delete it, or give another file with --proposal)")
    if not target.parent.is_dir():
        raise L2hError(f"cannot write the taxonomy proposal to {name}: the folder {target.parent} does not exist")
    return target


def _read_jekyll(path: Path, rel: str, facet_ids: frozenset[str], report: ImportReport) -> _Item | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.failed.append((rel, f"cannot read it: {exc.strerror}"))
        return None
    parsed, diagnostics = parse_paper_bytes(data, SourceFile(path=path, relpath=rel, key=path.stem), facet_ids)
    if parsed is None or not parsed.complete:
        reasons = [(f"line {d.line}: " if d.line else "") + d.message + (f" ({d.hint})" if d.hint else "")
                   for d in diagnostics if d.severity == "error"]
        report.failed.append((rel, "; ".join(reasons) or "not a paper"))
        return None
    paper = parsed.paper
    for d in diagnostics:
        if d.code == "unknown-field" and d.message.startswith(f'unknown field "{REDIRECT_FIELD}"'):
            continue  # carried over as former keys (_carry_redirects)
        if d.code in ("bibkey-mismatch", "unknown-field", "conflicting-venue", "conflicting-authors", "yaml-coercion",
                      "incomplete-authors", "authors-split-pairs"):
            report.notes.append((rel, d.message))
    links = []
    for link in paper.links:  # as l2h import bibtex leaves out such a url: l2h check would reject it
        if is_example_url(link.url):
            why = "it is an address made up for examples, not the paper's"
            report.notes.append((rel, f'link "{link.url}" is not carried over: {why}'))
        else:
            links.append(link)
    draft = PaperDraft(title=paper.title, authors=list(paper.authors), name_splits=list(paper.name_splits),
                       year=paper.year, venue=paper.venue,
                       tags=list(paper.tags), facets={k: list(v) for k, v in paper.facets.items() if v},
                       arxiv=paper.arxiv, doi=paper.doi, links=links, added=paper.added,
                       distinct_from=list(paper.distinct_from), former_keys=list(paper.former_keys),
                       summary=paper.summary, source=rel)
    return _Item(rel, paper.key, draft, paper.extra.get(REDIRECT_FIELD))


def _jekyll_baseurl(pubs: Path, report: ImportReport) -> str:
    """Read the old site's baseurl from its _config.yml: '' when it has none (or the folder is no Jekyll site)."""
    if pubs.name != "_publications":
        return ""
    try:
        doc = load_yaml_file(pubs.parent / "_config.yml", "_config.yml", "config-unreadable")
    except FileNotFoundError:
        return ""
    if not isinstance(doc.value, dict):
        why = (f"line {doc.problems[0].line}: {doc.problems[0].message}" if doc.problems
               else f"it holds {describe_value(doc.value)}, not settings")
        report.notes.append(("_config.yml", (f"cannot read the old site's baseurl ({why}); redirect_from paths are "
                                             "read from the site's root")))
        return ""
    value = doc.value.get("baseurl")
    return "/" + value.strip("/") if isinstance(value, str) and value.strip("/") else ""


def _carry_redirects(item: _Item, baseurl: str, report: ImportReport) -> None:
    """Turn the paper's jekyll-redirect-from paths into former keys; report each one that cannot become one.

    A path is read as the plugin reads it, from the old site's baseurl: /publications/<key>/ is the address of a
    paper l2h serves. The same path written with the baseurl in front is read so too.
    """
    value = item.redirects
    if value is None:
        return
    if not isinstance(value, (str, list)):
        report.notes.append((item.origin, (f"{REDIRECT_FIELD} must be a path or a list of paths, got "
                                           f"{describe_value(value)}: it is not carried over")))
        return
    for path in [value] if isinstance(value, str) else value:
        if not isinstance(path, str):
            report.notes.append((item.origin, (f"{REDIRECT_FIELD} lists {describe_value(path)}, not a path: "
                                               "it is not carried over")))
            continue
        path = path.strip()
        shown = path if path.isprintable() else path.encode("unicode_escape").decode("ascii")
        match = PAPER_ADDRESS.match(path)
        if match is None and baseurl and path.startswith(baseurl + "/"):
            match = PAPER_ADDRESS.match(path[len(baseurl):])
        if match is None:
            report.notes.append((item.origin, (f'{REDIRECT_FIELD} "{shown}" is not carried over: l2h keeps only the '
                                               "old addresses of papers, /publications/<key>/ (former_keys); "
                                               "redirect it on the web server if links to it must keep working")))
        elif match.group(1) == item.key:
            report.notes.append((item.origin, (f'{REDIRECT_FIELD} "{shown}" is the paper\'s own address: there is '
                                               "nothing to carry over")))
        elif not KEY_FORM.fullmatch(match.group(1)):
            report.notes.append((item.origin, f'{REDIRECT_FIELD} "{shown}" is not carried over: '
                                              + _not_a_key(match.group(1))))
        elif match.group(1) not in item.draft.former_keys:
            item.draft.former_keys.append(match.group(1))


def _note_corpus_problems(check: CheckResult, items: list[_Item], report: ImportReport) -> None:
    """List what `l2h check` will report between papers once the items are written, so that the maintainer sees it
    now: a distinct_from that names no paper (validate.check_distinct_from), a former key that is the key of another
    paper or that another paper claims too (validate.check_former_keys)."""
    imported = {f"{check.config.papers_dir}/{item.key}.md": item for item in items}
    drafts = [draft_paper(item.draft, item.key, rel) for rel, item in imported.items()]
    papers = [*check.papers, *drafts]
    files = _paper_files(check, papers)
    for d in check_distinct_from(drafts, files, _no_position) + check_former_keys(papers, files, _no_position):
        if d.path in imported:
            report.notes.append((imported[d.path].origin, f"{d.message} ({d.hint})"))
        elif any(path in imported for path in d.related):
            report.notes.append((d.path, f"{d.message} ({d.hint})"))


def _paper_files(check: CheckResult, papers: list[Paper]) -> dict[str, str]:
    """The key of every paper file there will be -> its path: those on disk (also with errors), and papers."""
    config = check.config
    papers_dir = config.path(config.papers_dir)
    names = sorted(os.listdir(papers_dir)) if papers_dir.is_dir() else []
    files = {name.rsplit(".", 1)[0]: f"{config.papers_dir}/{name}" for name in names
             if Path(name).suffix in PAPER_SUFFIXES}
    files.update((paper.key, paper.source) for paper in papers)
    return files


def _not_a_key(key: str) -> str:
    """Why an old address cannot become a former key: its key is not in the form of one."""
    return (f'"{key}" is not a paper key (lowercase letters, a year and a word), which former_keys needs; redirect it '
            "on the web server if links to it must keep working")


def _no_position(*_: object) -> tuple[int, int]:
    """Where a field is, for validate's checks of drafts: nowhere (the report names the file, not the line)."""
    return 0, 0


def _propose_tags(items: list[_Item], taxonomy: Taxonomy, report: ImportReport) -> dict[str, str]:
    """Map every tag spelling found to one canonical spelling; group the new ones for the maintainer."""
    known = {normalise_term(s): t.name for t in taxonomy.tags for s in (t.name, *t.aliases)}
    exact = {s: t.name for t in taxonomy.tags for s in (t.name, *t.aliases)}
    usage = Counter(tag for item in items for tag in item.draft.tags)
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    mapping: dict[str, str] = {}
    for tag, count in usage.items():
        if tag in exact:
            mapping[tag] = exact[tag]
        elif normalise_term(tag) in known:
            mapping[tag] = known[normalise_term(tag)]
        else:
            groups[normalise_term(tag)][tag] = count
    for spellings in groups.values():
        # the most used spelling; of equally used ones, Title Case before ALL CAPS before lower case
        canonical = min(spellings.items(), key=lambda kv: (-kv[1], _case_rank(kv[0]), kv[0]))[0]
        for spelling in spellings:
            mapping[spelling] = canonical
        report.tag_groups[canonical] = spellings
    report.tag_groups = dict(sorted(report.tag_groups.items(), key=lambda kv: kv[0].lower()))
    return mapping


def _case_rank(spelling: str) -> int:
    if spelling[:1].isupper() and not spelling.isupper():
        return 0
    return 1 if spelling.isupper() else 2


def _facet_tags(items: list[_Item], taxonomy: Taxonomy, report: ImportReport) -> None:
    """Turn tags that name a facet value (Deep Learning, Cross Modal, Survey Paper) into that facet value."""
    known = {normalise_term(s) for t in taxonomy.tags for s in (t.name, *t.aliases)}
    values: dict[str, list[tuple[Facet, FacetValue]]] = defaultdict(list)
    for facet in taxonomy.facets:
        for value in facet.values:
            forms = {value.id, value.label, f"{value.id} {facet.id}", f"{value.label} {facet.label}"}
            for form in {normalise_term(f) for f in forms}:
                values[form].append((facet, value))
    moved: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        for tag in list(item.draft.tags):
            form = normalise_term(re.sub(r"(?i)[\s-]+(papers?|methods?|approach(es)?)$", "", tag))
            found = values.get(form, []) if normalise_term(tag) not in known else []
            if len(found) != 1:
                if len(found) > 1:
                    report.notes.append((item.origin, (f'tag "{tag}" is a value of the facets '
                                         f"{' and '.join(f.id for f, _ in found)}; it is kept as a tag for now")))
                continue
            facet, value = found[0]
            chosen = item.draft.facets.setdefault(facet.id, [])
            item.draft.tags.remove(tag)
            if value.id in chosen:
                continue
            if chosen and not facet.multiple:
                report.notes.append((item.origin, (f'tag "{tag}" is the value "{value.id}" of facet "{facet.id}", '
                                     f'which this paper sets to "{chosen[0]}"; the tag is dropped')))
                continue
            chosen.append(value.id)
            moved[f"{facet.id}: {value.id}"][tag] += 1
    for target, tags in sorted(moved.items()):
        for tag, count in sorted(tags.items()):
            report.notes.append((f'tag "{tag}"', (f"is a facet value: {count} paper{'s' if count != 1 else ''} "
                                 f"set {target} instead")))


def _proposal_text(groups: dict[str, Counter[str]]) -> str:
    lines = ["# Tags found by `l2h import jekyll` that taxonomy.yml does not have yet.",
             "# Spellings that differ only by case, plural, hyphen or -ise/-ize are grouped under the",
             "# most used one, and the imported papers use that spelling. Check each group, write a",
             "# description, then move the entries under `tags:` in taxonomy.yml.",
             "#"]
    for canonical, spellings in groups.items():
        found = ", ".join(f"{s} ({n} paper{'s' if n != 1 else ''})"
                          for s, n in sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"#   {canonical} <- {found}")
    data = {"tags": {canonical: {"description": TAG_TODO,
                                 **({"aliases": sorted(s for s in spellings if s != canonical)}
                                    if len(spellings) > 1 else {})}
                     for canonical, spellings in groups.items()}}
    body = dump_yaml(data)
    return "\n".join(lines) + "\n" + body


def _select_new(check: CheckResult, items: list[_Item], report: ImportReport, keep_keys: bool) -> list[_Item]:
    """Drop (and list) the items the review already has, or that repeat an earlier item (validate.identities).

    A different paper whose key is taken gets the next free key (keyb, keyc, …), unless keys are kept (Jekyll
    keys are page addresses): then it is not converted, and the report says so, and the old addresses of a
    skipped item go to the paper kept (_carry_skipped_addresses).
    """
    config = check.config
    papers_dir = config.path(config.papers_dir)
    index = PaperIndex.of(check.papers)
    on_disk = {name.rsplit(".", 1)[0] for name in (os.listdir(papers_dir) if papers_dir.is_dir() else [])}
    selected = []
    twins: list[tuple[_Item, str, int]] = []
    # Published versions first, so that of a preprint and its published twin the published one is kept.
    for item in sorted(items, key=lambda i: (not i.draft.venue or i.draft.venue == "arXiv", i.key, i.origin)):
        found = index.same_paper(draft_paper(item.draft, item.key, item.origin))
        if found:
            twins.append((item, found[0], len(report.skipped)))
            report.skipped.append((item.origin, f"same {found[1]} as {found[0]}"))
            continue
        key = index.free_key(item.key, on_disk)
        if key != item.key:
            holder = index.holder(item.key) or f"{config.papers_dir}/{item.key}.md (a file with errors)"
            if keep_keys:
                report.failed.append((item.origin, (f"key {item.key} is taken by {holder}, a different paper; "
                                      f"rename one of them (e.g. to {key}) and import again")))
                continue
            report.notes.append((item.origin, (f"key {item.key} is taken by {holder}, a different paper; "
                                 f"imported as {config.papers_dir}/{key}.md")))
            item.key = key
        rel = f"{config.papers_dir}/{item.key}.md"
        index.add(draft_paper(item.draft, item.key, rel), f"{item.origin} (imported as {rel})")
        selected.append(item)
    if keep_keys:
        _carry_skipped_addresses(check, selected, twins, report)
    return selected


def _carry_skipped_addresses(check: CheckResult, selected: list[_Item], twins: list[tuple[_Item, str, int]],
                             report: ImportReport) -> None:
    """Keep the old addresses of each skipped item, /publications/<key>/ and those of its former keys, working: as
    former keys of the paper kept in its place where they are valid and free (validate.check_former_keys).

    twins holds (skipped item, where the paper kept is, index of its line in report.skipped). An imported paper
    gets them in its file (the skipped line says so); for a paper of the review, the line to write is listed.
    """
    config = check.config
    imported = {f"{item.origin} (imported as {config.papers_dir}/{item.key}.md)": item for item in selected}
    papers = {paper.source: paper for paper in check.papers}
    papers.update((rel, draft_paper(item.draft, item.key, rel))
                  for rel, item in ((f"{config.papers_dir}/{item.key}.md", item) for item in selected))
    files = _paper_files(check, list(papers.values()))
    for item, where, line in twins:
        kept_item = imported.get(where)
        rel = f"{config.papers_dir}/{kept_item.key}.md" if kept_item else where
        kept = papers.get(rel)
        if kept is None:
            continue
        had = kept.former_keys
        carried = []
        for key in dict.fromkeys((item.key, *item.draft.former_keys)):
            if key == kept.key or key in kept.former_keys:
                continue
            address = f"/publications/{key}/"
            if not KEY_FORM.fullmatch(key):
                report.notes.append((item.origin, f"its old address {address} is not carried over: " + _not_a_key(key)))
                continue
            others = [paper for source, paper in papers.items() if source != rel]
            trial = replace(kept, former_keys=(key,))
            clash = next((d for d in check_former_keys([*others, trial], files, _no_position) if d.path == rel), None)
            if clash is not None:
                whose = (f"it is the address of {clash.related[0]}" if clash.code == "former-key-taken"
                         else f"{', '.join(clash.related)} lists it in former_keys")
                report.notes.append((item.origin, f"its old address {address} is not carried over to {rel}: {whose}"))
                continue
            carried.append(key)
            kept = replace(kept, former_keys=(*kept.former_keys, key))
            papers[rel] = kept
        if not carried:
            continue
        keys = f"[{', '.join(carried)}]"
        if kept_item is not None:
            kept_item.draft.former_keys.extend(carried)
            origin, why = report.skipped[line]
            them = "its old addresses redirect" if len(carried) > 1 else "its old address redirects"
            report.skipped[line] = (origin, f"{why}; {them} there (former_keys: {keys})")
        else:
            them = "they" if len(carried) > 1 else "it"
            todo = (f"replace the line former_keys: [{', '.join(had)}] of {rel} with former_keys: "
                    f"[{', '.join(kept.former_keys)}]" if had else f"add the line former_keys: {keys} to {rel}")
            report.notes.append((item.origin, (f"its old address{'es' if len(carried) > 1 else ''} "
                                               f"{', '.join(f'/publications/{k}/' for k in carried)} "
                                               f"{'are' if len(carried) > 1 else 'is'} not carried over, as it is "
                                               f"skipped: {todo} if {them} must keep working")))


def _write_all(check: CheckResult, items: list[_Item], report: ImportReport, placeholders: bool,
               dry_run: bool) -> None:
    config = check.config
    papers_dir = config.path(config.papers_dir)
    for item in sorted(items, key=lambda i: i.key):
        rel = f"{config.papers_dir}/{item.key}.md"
        if not dry_run:
            papers_dir.mkdir(parents=True, exist_ok=True)
            try:
                write_new_file(papers_dir / f"{item.key}.md", render_paper(item.draft, check.taxonomy, placeholders))
            except OSError as exc:
                report.failed.append((item.origin, f"cannot write {rel}: {exc.strerror}"))
                continue
        report.written.append(rel)


def format_report(report: ImportReport, dry_run: bool = False) -> str:
    """Describe an import for the maintainer: what was written, skipped, not converted, and to check."""
    verb = "would import" if dry_run else "imported"
    lines = [(f"l2h: {verb} {len(report.written)} paper(s), skipped {len(report.skipped)} already present, "
             f"could not convert {len(report.failed)}")]
    if report.skipped:
        lines.append("skipped (already in the review, or earlier in the input):")
        lines += [f"  {origin}: {why}" for origin, why in report.skipped]
    if report.failed:
        lines.append("not converted (fix and import again):")
        lines += [f"  {origin}: {why}" for origin, why in report.failed]
    if report.notes:
        lines.append("to check by hand:")
        lines += [f"  {origin}: {what}" for origin, what in report.notes]
    if report.tag_groups:
        where = f"written to {report.proposal}" if report.proposal else "not written (dry run)"
        merged = sum(1 for s in report.tag_groups.values() if len(s) > 1)
        lines.append(f"{len(report.tag_groups)} new tag(s), {merged} merged from variant spellings; "
                     f"taxonomy proposal {where}")
    return "\n".join(lines) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare `l2h import bibtex FILE` and `l2h import jekyll DIR`."""
    sub = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
    # each one's own --help says what it does and, as every command's, the exit codes (the epilog of l2h import's)
    p_bib = sub.add_parser("bibtex", help="one paper per BibTeX entry, skipping those already present",
                           description="Add one paper per BibTeX entry of a .bib file, skipping those already present.",
                           epilog=parser.epilog)
    p_bib.add_argument("file", type=Path, help="a .bib file")
    p_jekyll = sub.add_parser("jekyll", help="migrate a Jekyll review's _publications/ into papers/",
                              description="Migrate a Jekyll review's _publications/ into papers/, proposing its tags "
                                          "for taxonomy.yml.", epilog=parser.epilog)
    p_jekyll.add_argument("dir", type=Path, help="the Jekyll site, or its _publications/ folder")
    p_jekyll.add_argument("--proposal", default=PROPOSAL_NAME, help=f"taxonomy proposal file (default: {PROPOSAL_NAME})")
    for p in (p_bib, p_jekyll):
        p.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="folder of the review (default: .)")
        p.add_argument("--dry-run", action="store_true", help="report what would be done; write nothing")


def run(args: argparse.Namespace) -> int:
    """Run an import; 1 when some entries could not be converted."""
    if not args.root.is_dir():
        raise L2hError(f"{args.root} is not a folder")
    if args.source == "bibtex":
        report = import_bibtex(args.root, args.file, args.dry_run)
    else:
        report = import_jekyll(args.root, args.dir, args.dry_run, args.proposal)
    sys.stdout.write(format_report(report, args.dry_run))
    return 1 if report.failed else 0
