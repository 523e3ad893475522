"""Load taxonomy.yml, the controlled vocabulary, and check that it is itself well formed."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from l2h_site.cache import InputReads
from l2h_site.diagnostics import Diagnostic, error
from l2h_site.model import Facet, FacetValue, TagDef, Taxonomy, VenueDef
from l2h_site.parse import flow_item
from l2h_site.textutil import (
    WINDOWS_RESERVED,
    clip,
    closest,
    describe_value,
    invisible_character,
    normalise_term,
    slugify,
    venue_form,
)
from l2h_site.vcs import git_output
from l2h_site.yamlsafe import YamlDoc, load_yaml, load_yaml_file

RESERVED_FIELDS = frozenset({
    "title", "authors", "author", "venue", "conference", "journal", "year", "tags", "links",
    "additional_links", "arxiv", "doi", "bibkey", "layout", "citations", "short_authors", "added",
    "key", "summary", "extra", "source", "distinct_from", "former_keys",
})
"""Paper fields a facet may not be named after."""

_FACET_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VALUE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

EMPTY = Taxonomy(tags=(), facets=())


class _Checker:
    def __init__(self, rel: str, doc: YamlDoc) -> None:
        self.rel = rel
        self.doc = doc
        self.diagnostics: list[Diagnostic] = []

    def fail(self, path: tuple[Any, ...], code: str, message: str, hint: str, key: bool = False) -> None:
        if path in self.doc.told:
            return  # YAML's problem with this value was told (a tag, an alias): it is None, not missing or mistyped
        positions = self.doc.key_positions if key else self.doc.positions
        line, column = positions.get(path, self.doc.positions.get(path, (1, 1)))
        self.diagnostics.append(error(self.rel, line, column, code, message, hint))

    def text(self, data: dict[str, Any], path: tuple[Any, ...], name: str, required: bool = True) -> str:
        value = data.get(name)
        if value is None:
            if required and path + (name,) not in self.doc.told and name in data:  # `description:` left blank
                self.fail(path + (name,), "taxonomy-missing", f"{'/'.join(map(str, path))} has an empty {name}",
                          f"write a short {name} after '{name}:'", key=True)
            elif required and path + (name,) not in self.doc.told:
                self.fail(path, "taxonomy-missing", f"{'/'.join(map(str, path))} has no {name}",
                          f"add '{name}: …' with a short {name}", key=True)
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(path + (name,), "taxonomy-type", f"{'/'.join(map(str, path + (name,)))} must be text",
                      "write a sentence, in quotes if it contains ': '")
            return ""
        invisible = invisible_character(value)
        if invisible is not None:
            self.fail(path + (name,), "control-character", f"{'/'.join(map(str, path + (name,)))} contains {invisible}",
                      "delete the invisible character (retype the text if needed)")
            return ""
        return value.strip()

    def flag(self, data: dict[str, Any], path: tuple[Any, ...], name: str) -> bool:
        value = data.get(name, False)
        if not isinstance(value, bool):
            self.fail(path + (name,), "taxonomy-type",
                      f"{'/'.join(map(str, path + (name,)))} must be true or false, got {describe_value(value)}",
                      f"write {name}: true or {name}: false")
            return False
        return value

    def mapping(self, value: Any, path: tuple[Any, ...], what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "taxonomy-type", f"{what} must be a mapping", "indent its entries under it as 'name: …'")
            return {}
        return value

    def known_keys(self, data: dict[str, Any], path: tuple[Any, ...], allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                meant = closest(str(key), sorted(allowed))
                self.fail(path + (key,), "taxonomy-unknown-key",
                          f"unknown key '{key}' in {'/'.join(map(str, path)) or 'taxonomy'}",
                          (f"did you mean '{meant}'? " if meant else "") + f"allowed keys: {', '.join(sorted(allowed))}",
                          key=True)


def load_taxonomy(path: Path, rel: str, reads: InputReads | None = None,
                  usage: Mapping[str, int] | None = None) -> tuple[Taxonomy, list[Diagnostic]]:
    """Read and check the taxonomy file; on errors the taxonomy returned is empty. reads, if given, is told what was
    read (a build's InputReads); usage, if given, how many papers give each tag as written: of two variant spellings
    of one tag (tag-drift), the one fewer papers use is the one to merge into the other, wherever it is in the file."""
    try:
        doc = load_yaml_file(path, rel, "taxonomy-unreadable")
    except FileNotFoundError:
        if reads is not None:
            reads.note(path, None)
        return EMPTY, [error(rel, 0, 0, "taxonomy-missing-file", f"{rel} does not exist",
                             "create it with 'tags:' and 'facets:' sections (see CONTRIBUTING.md)")]
    if reads is not None and not any(p.code == "taxonomy-unreadable" for p in doc.problems):
        reads.note(path, doc.text.encode())  # the file's very bytes: it was read as UTF-8 (one that is not fails)
    problems = [(p.code == "yaml-syntax" and _entry_written_as_item(rel, doc.lines, p.line - 1))
                or error(rel, p.line, p.column, p.code, p.message, p.hint) for p in doc.problems]
    if problems and not isinstance(doc.value, dict):
        return EMPTY, problems
    check = _Checker(rel, doc)  # still read after a problem such as a duplicate key, to report everything at once
    check.diagnostics += problems
    root = check.mapping(doc.value, (), "the taxonomy")
    check.known_keys(root, (), {"tags", "facets", "venues"})
    facets = _facets(check, check.mapping(root.get("facets"), ("facets",), "facets"))
    tags = _tags(check, check.mapping(_unlisted(check, root.get("tags"), ("tags",), None), ("tags",), "tags"),
                 usage or {})
    venues = _venues(check, check.mapping(root.get("venues"), ("venues",), "venues"))
    if not tags and not facets and not check.diagnostics:
        # Without a vocabulary no paper could be checked, and a build would publish a review of none.
        check.diagnostics.append(error(rel, 1, 1, "taxonomy-empty", f"{rel} declares no tags and no facets",
                                       "add a 'tags:' section with the review's tags (and a 'facets:' section "
                                       "if it uses facets); see CONTRIBUTING.md"))
    if check.diagnostics:
        return EMPTY, check.diagnostics
    return Taxonomy(tags=tuple(tags), facets=tuple(facets), venues=tuple(venues)), []  # renamed: see renamed_tags


_ENTRY = re.compile(r"(?P<indent> +)[^\s#-][^#]*:(?: .*)?")
"""A line of the tags section or of a facet's values that starts an entry of its mapping ('  Image Retrieval:',
'    description: …')."""
_ITEM = re.compile(r"(?P<indent> *)(?P<item>- +)?(?P<written>[^\s#].*)")
"""A line that may be a tag or a facet's value written as a list item ('- New Tag', '- "C++"', '- New Tag:') or as
its name alone ('New Tag', an entry without its colon)."""


def _entry_written_as_item(rel: str, lines: list[str], failed_at: int) -> Diagnostic | None:
    """Blame a tag added to the tags section, or a value to a facet's values, as a list item ('- New Tag') or without
    its colon ('New Tag'), where they are a mapping of names, when it is what YAML failed on (at its line, or as late
    as the next line of text, where YAML finds out when the section starts with an item or a name has no colon); None
    otherwise."""
    for start, facet in _sections(lines):
        indent = _indent(lines[start])
        end = next((i for i in range(start + 1, len(lines)) if _is_text(lines[i]) and (
            _indent(lines[i]) < indent or _indent(lines[i]) == indent and lines[i][indent] != "-")), len(lines))
        depths = [len(entry["indent"]) for entry in map(_ENTRY.fullmatch, lines[start + 1:end]) if entry]
        for number in range(start + 1, end):
            line = _ITEM.fullmatch(lines[number].rstrip())
            if line is None or not depths or len(line["indent"]) > min(depths):
                continue  # an item of a tag's aliases, or a section of items only (which YAML reads: 'must be a mapping')
            following = next((i for i in range(number + 1, len(lines)) if _is_text(lines[i])), len(lines) - 1)
            entry = _written_entry(line["written"], bool(line["item"])) if number <= failed_at <= following else None
            if entry is None:
                continue  # an entry, or a line YAML did not fail on
            shape = "a list item" if line["item"] else "a name without a colon"
            kind, key, below = _entry_words(facet)
            body = following < end and _indent(lines[following]) > len(line["indent"])  # its description written below
            if (declared := _declared_as(entry[0], facet, lines, start + 1, end, min(depths))) is not None:
                at, name, alias = declared
                where = rel if facet is None else f"facet {facet!r}"
                what = (f"{alias!r} as an alias of tag {name!r}" if alias is not None else f"{kind} {name!r}"
                        if name == entry[0] else f"{entry[0]!r} as {kind} {name!r}")
                return error(rel, number + 1, len(line["indent"]) + 1, "yaml-syntax",
                             f"invalid YAML: '{clip(lines[number].strip(), 60)}' is {shape}, and {where} already "
                             f"declares {what} at line {at}",
                             f"delete this line{' and the lines indented below it' if body else ''}: {kind} "
                             f"{name!r} is declared at line {at}, and any change to it is made there")
            return error(rel, number + 1, len(line["indent"]) + 1, "yaml-syntax",
                         f"invalid YAML: '{clip(lines[number].strip(), 60)}' is {shape}, but each {kind} of "
                         f"{rel if facet is None else f'facet {facet!r}'} is its {key} and a colon, with its {below} "
                         "indented below it",
                         f"write the {kind} as the others are, in place of this line: "
                         f"{_entry_lines(*entry, min(depths), facet, body)}")
    return None


def _declared_as(name: str, facet: str | None, lines: list[str], start: int, end: int,
                 depth: int) -> tuple[int, str, str | None] | None:
    """Find a tag (facet None), or a value of a facet, that the section's lines start..end already declare as the
    entries at indent depth, for a name written as a list item: a tag whose name or alias is a spelling of the name
    (normalise_term, as tag drift is found), with the alias (the one written, in any case, first), or a value whose id
    or label is, with None; its line (1-based) and key; None when none is."""
    wanted = normalise_term(name)
    for number in range(start, end):
        if not ((entry := _ENTRY.fullmatch(lines[number])) and len(entry["indent"]) == depth):
            continue
        after = next((i for i in range(number + 1, end) if _is_text(lines[i]) and _indent(lines[i]) <= depth), end)
        block = load_yaml("\n".join(line[depth:] for line in lines[number:after]) + "\n").value
        if not isinstance(block, dict) or len(block) != 1 or not isinstance(key := next(iter(block)), str):
            continue  # an entry YAML cannot read on its own: the check reports it once the file reads
        body = block[key] if isinstance(block[key], dict) else {}
        if facet is None:
            aliases = body.get("aliases")
            spellings = [key, *map(str, aliases if isinstance(aliases, list) else [aliases] if aliases else [])]
            matching = [spelling for spelling in spellings if normalise_term(spelling) == wanted]
            if matching:
                spelling = min(matching, key=lambda s: s.casefold() != name.casefold())  # stable: the name first
                return number + 1, key, None if spelling == key else spelling
        elif wanted in (normalise_term(key), normalise_term(str(body.get("label") or ""))):
            return number + 1, key, None
    return None


def _sections(lines: list[str]) -> Iterator[tuple[int, str | None]]:
    """The lines that open the tags section (with None) and each facet's values (with the facet's id)."""
    for number, text in enumerate(lines):
        key = _KEY.fullmatch(text)
        above = _keys_above(lines, number) if key and key["key"] in ("tags", "values") else None
        if key and key["key"] == "tags" and above == []:
            yield number, None
        elif key and key["key"] == "values" and above is not None and len(above) == 2 and above[0] == "facets":
            yield number, above[1]


_KEY = re.compile(r" *(?P<key>[^\s#:'\"-][^#:]*?): *(?:#.*)?")
"""A line that is a key alone, whose value is indented below it ('facets:', '  family:')."""


def _keys_above(lines: list[str], number: int) -> list[str]:
    """The keys a line is indented under, outermost first (['facets', 'family'] for a facet's 'values:'); "" for a
    line it is under that is not a key alone."""
    keys: list[str] = []
    indent = _indent(lines[number])
    for i in range(number - 1, -1, -1):
        if not indent:
            break
        if _is_text(lines[i]) and _indent(lines[i]) < indent:
            key = _KEY.fullmatch(lines[i])
            keys.insert(0, key["key"] if key else "")
            indent = _indent(lines[i])
    return keys


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_text(line: str) -> bool:
    """Tell whether a line of YAML is more than spaces and a comment."""
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _written_entry(written: str, item: bool) -> tuple[str, str] | None:
    """The name and description ("" if none) of the tag (or facet value) a line writes as a list item ('- "C++"',
    '- New Tag: Its description.') or without its colon ('New Tag'), as YAML reads it (a quoted name unquoted); None
    when it writes anything else."""
    doc = load_yaml(written + "\n")
    value = doc.raw.get((), doc.value)  # '- 2020' is a name too
    return _item_entry(value) if not doc.problems and (item or isinstance(value, str)) else None


def _item_entry(item: object) -> tuple[str, str] | None:
    """The name and description ("" if none) of a tag (or facet value) written as a list item, as YAML reads the item: a name ('C++') or
    a mapping of the name to its description ({'Graph Search': 'Search over …'}, or None); None for anything else."""
    name, description = next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, "")
    if isinstance(name, str) and name.strip() and isinstance(description, str | None):
        return name, description or ""
    return None


def _unlisted(check: _Checker, written: Any, path: tuple[Any, ...], facet: str | None) -> Any:
    """Report the tags, or a facet's values, written as a list of names ('- Name', '- Name: description') where they
    are a mapping, with the lines to write for the first; return what was written, or None when it was such a list."""
    items = [_item_entry(item) for item in written] if isinstance(written, list) else []
    if not items or not all(items) or items[0] is None:
        return written
    kind, key, below = _entry_words(facet)
    check.fail(path, "taxonomy-type", f"{'tags' if facet is None else f'values of facet {facet!r}'} must be a mapping "
               f"of each {kind}'s {key} to its {below}, not a list",
               f"write each item as its {key} and a colon, with its {below} below it: "
               f"{_entry_lines(*items[0], check.doc.key_positions.get(path, (1, 1))[1] + 1, facet)}")
    return None


def _entry_words(facet: str | None) -> tuple[str, str, str]:
    """What an entry of the tags (facet None) or of a facet's values is, what its key is, and what is below it."""
    return ("tag", "name", "description") if facet is None else ("value", "id", "label and description")


def _entry_lines(name: str, description: str, indent: int, facet: str | None, body: bool = False) -> str:
    """The lines that declare a tag, or a value of a facet, as a fix says them: with its description, or an empty one,
    which the check then asks for, or (body) above the lines already written below it; a value's id is its name, or
    made from the name, which becomes its label."""
    key, fields = name, [("description", description, "one sentence a newcomer understands")]
    if facet is not None:
        key, label = (name, "") if _VALUE_ID.match(name) or not slugify(name) else (slugify(name), name)
        fields.insert(0, ("label", label, "a short label"))
    if body and not description:
        return f"'{' ' * indent}{_yaml_text(key)}:', with the lines below it as they are"
    pad = " " * (indent + 2)
    below = " and ".join(f"'{pad}{field}: {_yaml_text(text)}'" if text else f"'{pad}{field}:' followed by {what}"
                         for field, text, what in fields)
    return f"'{' ' * indent}{_yaml_text(key)}:' and, below it, {below}"


def _yaml_text(text: str) -> str:
    """Write text as YAML reads it back, as a key or a value: as it is, or in double quotes."""
    return text if load_yaml(f"{text}: {text}\n").value == {text: text} else json.dumps(text, ensure_ascii=False)


def renamed_tags(path: Path, tags: Sequence[TagDef]) -> tuple[tuple[str, str], ...]:
    """Find the tags of the taxonomy in git's last commit that this one lacks, each with the tag that now has
    its description, or "": a tag renamed in taxonomy.yml while papers still use its old name.

    Nothing when the file is not in a git repository or was not committed. It asks git, so check_site asks only when
    a paper has a tag that the taxonomy does not spell (Taxonomy.renamed).
    """
    committed = git_output(path.parent, "show", f"HEAD:./{path.name}")
    old = load_yaml(committed).value if committed else None
    old_tags = old.get("tags") if isinstance(old, dict) else None
    if not isinstance(old_tags, dict):
        return ()
    spellings = {spelling for tag in tags for spelling in (tag.name, *tag.aliases)}
    by_description = {tag.description.strip(): tag.name for tag in tags}
    renamed = []
    for name, body in old_tags.items():
        if isinstance(name, str) and name not in spellings:
            description = str(body.get("description", "")).strip() if isinstance(body, dict) else ""
            renamed.append((name, by_description.get(description, "")))
    return tuple(sorted(renamed))


def _facets(check: _Checker, data: dict[str, Any]) -> list[Facet]:
    facets = []
    for facet_id, body in data.items():
        path = ("facets", facet_id)
        if not isinstance(facet_id, str) or not _FACET_ID.match(facet_id):
            check.fail(path, "taxonomy-name", f"facet name '{facet_id}' is not a lowercase identifier",
                       "use lowercase letters, digits and '_', e.g. code_type", key=True)
            continue
        if facet_id in RESERVED_FIELDS:
            check.fail(path, "taxonomy-name", f"facet name '{facet_id}' is already a paper field",
                       "choose another name", key=True)
            continue
        if facet_id in WINDOWS_RESERVED:
            check.fail(path, "taxonomy-name",
                       f"facet '{facet_id}' would be published at /taxonomy/{facet_id}/, a name Windows reserves",
                       "rename the facet, e.g. spell it out in full", key=True)
            continue
        body = check.mapping(body, path, f"facet '{facet_id}'")
        check.known_keys(body, path, {"label", "description", "required", "multiple", "values"})
        values = []
        raw_values = check.mapping(_unlisted(check, body.get("values"), path + ("values",), facet_id), path + ("values",),
                                   f"values of facet '{facet_id}'")
        if not body.get("values"):  # (values that are not a mapping were told so)
            check.fail(path, "taxonomy-missing", f"facet '{facet_id}' has no values", "add a 'values:' mapping", key=True)
        for value_id, vbody in raw_values.items():
            vpath = path + ("values", value_id)
            if not isinstance(value_id, str) or not _VALUE_ID.match(value_id):
                check.fail(vpath, "taxonomy-name", f"value '{value_id}' of facet '{facet_id}' is not a lowercase identifier",
                           "use lowercase letters, digits and '-', e.g. semi-supervised", key=True)
                continue
            if value_id in WINDOWS_RESERVED:
                check.fail(vpath, "taxonomy-name", f"value '{value_id}' of facet '{facet_id}' would be published at "
                           f"/taxonomy/{facet_id}/{value_id}/, a name Windows reserves",
                           "rename the value, e.g. spell it out in full", key=True)
                continue
            vbody = check.mapping(vbody, vpath, f"value '{value_id}'")
            check.known_keys(vbody, vpath, {"label", "description"})
            values.append(FacetValue(id=value_id, label=check.text(vbody, vpath, "label"),
                                     description=check.text(vbody, vpath, "description")))
        facets.append(Facet(
            id=facet_id, label=check.text(body, path, "label"), description=check.text(body, path, "description"),
            required=check.flag(body, path, "required"), multiple=check.flag(body, path, "multiple"),
            values=tuple(values)))
    return facets


def _tags(check: _Checker, data: dict[str, Any], usage: Mapping[str, int]) -> list[TagDef]:
    tags: list[TagDef] = []
    spellings: dict[str, str] = {}
    """Each spelling (normalised) of a tag or an alias -> the tag it stands for."""
    aliases_at: dict[str, tuple[str, tuple[Any, ...]]] = {}
    """Each alias (normalised) -> the alias as written and where it is in the file."""
    slugs: dict[str, str] = {}
    entries = list(data.items())
    for at, (name, body) in enumerate(entries):
        path = ("tags", name)
        if at and name in _TAG_KEYS and entries[at - 1][1] is None and isinstance(entries[at - 1][0], str):
            continue  # a tag's description (or aliases) written at the tags' own indentation: told with that tag
        if not _is_name(check, name, path, "tag", "Image Retrieval"):
            continue
        if at + 1 < len(entries) and body is None and entries[at + 1][0] in _TAG_KEYS:
            key = entries[at + 1][0]
            column = check.doc.key_positions.get(path, (1, 1))[1] - 1
            check.fail(("tags", key), "taxonomy-type",
                       f"'{key}:' is read as a tag of its own, not as the {key} of tag '{name}' above it",
                       f"indent it under '{name}:', {column + 2} spaces from the start of the line, as the other "
                       f"tags' {'descriptions' if key == 'description' else key} are", key=True)
            continue
        if isinstance(body, str) and body.strip():  # `Graph Search: Search over a graph.`: the description meant
            check.fail(path, "taxonomy-type", f"tag '{name}' must be a mapping, with its description under it",
                       f"write '{name}:' alone on its line, and below it, indented by 2 more spaces, "
                       f"'description: {clip(body.strip(), 60)}'")
            continue
        body = check.mapping(body, path, f"tag '{name}'")
        check.known_keys(body, path, {"description", "aliases"})
        found = _aliases(check, body, path, f"tag '{name}'", "Other Spelling, Another")
        aliases, where = [alias for alias, _ in found], dict(found)
        slug = slugify(name)
        clash = slugs.get(slug) if slug else None
        # Reported once: 'Image retrieval' beside 'Image Retrieval' is a variant spelling (tag-drift), whose fix,
        # an alias, also frees the address; 'C' beside 'C++' differs in punctuation: only the address clashes.
        variant = clash is not None and spellings.get(normalise_term(name)) == clash and _marks(name) == _marks(clash)
        if not slug:
            check.fail(path, "taxonomy-name", f"tag '{name}' has no letters or digits for its URL",
                       "spell the tag with letters or digits", key=True)
        elif slug in WINDOWS_RESERVED:
            check.fail(path, "taxonomy-name", f"tag '{name}' would be published at /tags/{slug}/, a name Windows reserves",
                       "rename the tag, e.g. spell it out in full", key=True)
        elif clash is not None:
            if not variant:
                check.fail(path, "tag-slug-collision",
                           f"tag '{name}' and tag '{clash}' would both be published at /tags/{slug}/",
                           "rename one of them so that their letters and digits differ", key=True)
        else:
            slugs[slug] = name
        for spelling in [name, *aliases]:
            norm = normalise_term(spelling)
            if spelling == name and clash is not None and spellings.get(norm) == clash and not variant:
                pass  # reported above as tag-slug-collision
            elif norm in spellings and spellings[norm] != name and (spelling != name or norm in aliases_at):
                _alias_clash(check, name, spelling, path, spellings[norm], aliases_at.get(norm), where.get(spelling))
            elif norm in spellings and spellings[norm] != name:
                _drift(check, name, aliases, spelling, next(tag for tag in tags if tag.name == spellings[norm]), usage)
            spellings.setdefault(norm, name)
            if spelling != name:
                aliases_at.setdefault(norm, (spelling, where[spelling]))
        misspelt = any(closest(str(key), ["description"]) for key in body if key not in _TAG_KEYS)  # told: unknown key
        tags.append(TagDef(name=name, description=check.text(body, path, "description", required=not misspelt),
                           aliases=tuple(a.strip() for a in aliases), slug=slug))
    return tags


def _drift(check: _Checker, name: str, aliases: Sequence[str], spelling: str, earlier: TagDef,
           usage: Mapping[str, int]) -> None:
    """Report spelling, the name or an alias of tag name, as a variant spelling of tag earlier, above it in the file.
    The fix keeps the tag more papers give (a tag added beside one the review has, above it or below); earlier on a
    tie."""
    uses = sum(usage.get(s, 0) for s in (name, *aliases))
    if spelling == name and uses > sum(usage.get(s, 0) for s in (earlier.name, *earlier.aliases)):
        line = check.doc.key_positions.get(("tags", name), (0, 0))[0]
        check.fail(("tags", earlier.name), "tag-drift",
                   f"tag '{earlier.name}' is a variant spelling of tag '{name}' (line {line}), which "
                   f"{uses:,} paper{'s' if uses != 1 else ''} give{'s' if uses == 1 else ''}",
                   f"merge them: keep '{name}' and list '{earlier.name}' under its aliases", key=True)
        return
    check.fail(("tags", name), "tag-drift",
               f"'{spelling}' (tag '{name}') is a variant spelling of tag '{earlier.name}'",
               f"merge them: keep '{earlier.name}' and list '{spelling}' under its aliases", key=True)


_TAG_KEYS = ("description", "aliases")
"""The keys of a tag's entry."""


def _is_name(check: _Checker, name: object, path: tuple[Any, ...], kind: str, example: str) -> bool:
    """Tell whether the name of a tag or venue is text to show as it is written; report it if not."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        check.fail(path, "taxonomy-name", f"{kind} name {name!r} must be non-empty text without surrounding spaces",
                   f"write the {kind} as it should be shown, e.g. {example}", key=True)
        return False
    invisible = invisible_character(name)
    if invisible is not None:  # it would look like the name it may be a variant of
        check.fail(path, "control-character", f"{kind} name '{name}' contains {invisible}",
                   "delete the invisible character (retype the name if needed)", key=True)
        return False
    return True


def _aliases(check: _Checker, body: dict[str, Any], path: tuple[Any, ...], owner: str,
             example: str) -> list[tuple[str, tuple[Any, ...]]]:
    """Read the aliases of a tag or venue (owner: "tag 'X'"), each with where it is in the file; report those that
    are not names."""
    aliases = body.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        written = aliases.strip() if isinstance(aliases, str) else ""  # `aliases: NIPS, Neural IPS`: the list meant
        check.fail(path + ("aliases",), "taxonomy-type", f"aliases of {owner} must be a list of names",
                   f"write aliases: [{clip(written, 60) if written else example}]")
        return []
    readable = []
    for i, alias in enumerate(aliases):
        invisible = invisible_character(alias)
        if invisible is None:
            readable.append((alias, path + ("aliases", i)))
        else:
            check.fail(path + ("aliases", i), "control-character", f"alias '{alias}' of {owner} contains {invisible}",
                       "delete the invisible character (retype the alias if needed)")
    return readable


def _venues(check: _Checker, data: dict[str, Any]) -> list[VenueDef]:
    venues: list[VenueDef] = []
    spellings: dict[str, str] = {}
    """Each form (venue_form) of a venue or an alias -> the venue it stands for."""
    aliases_at: dict[str, tuple[str, tuple[Any, ...]]] = {}
    """Each alias's form -> the alias as written and where it is in the file."""
    for name, body in data.items():
        path = ("venues", name)
        if not _is_name(check, name, path, "venue", "NeurIPS"):
            continue
        if isinstance(body, (list, str)) and body:  # its other names written straight under it
            names = ", ".join(flow_item(str(n)) for n in (body if isinstance(body, list) else [body]))
            check.fail(path, "taxonomy-type", f"venue '{name}' must be a mapping",
                       f"write its other names under aliases: {name}: {{aliases: [{names}]}}")
            body = {}
        body = check.mapping(body, path, f"venue '{name}'")
        check.known_keys(body, path, {"aliases"})
        aliases = _aliases(check, body, path, f"venue '{name}'", "Other Name, Another")
        for spelling, at in [(name, None), *aliases]:
            form, owner = venue_form(spelling), spellings.get(venue_form(spelling))
            what = f"venue '{name}'" if at is None else f"alias '{spelling}' of venue '{name}'"
            if not form:
                check.fail(at or path, "taxonomy-name", f"{what} has no letters or digits",
                           "spell it with letters or digits", key=at is None)
            elif owner == name:  # papers compare venues whatever their case and punctuation: said twice
                earlier = aliases_at.get(form, (name, None))[0]
                same = ("listed twice" if earlier != name else "the venue's name") if earlier == spelling else \
                    ("the venue's name" if earlier == name else f"alias '{earlier}'") + " in another case or punctuation"
                check.fail(at or path, "venue-alias-clash", f"{what} is {same}",
                           f"delete the second '{spelling}' from the aliases of '{name}'" if same == "listed twice" else
                           f"delete '{spelling}' from the aliases of '{name}': a paper that writes it is read as "
                           f"'{name}' without it")
            elif owner is not None and at is None and form not in aliases_at:  # two venues of one form
                line = check.doc.key_positions.get(("venues", owner), (0, 0))[0]
                check.fail(path, "venue-alias-clash",
                           f"venue '{name}' is venue '{owner}' (line {line}) in another case or punctuation",
                           f"delete '{name}'" + (f" and list its aliases under '{owner}'" if aliases else "") +
                           f": a paper that writes it is read as '{owner}' without it", key=True)
            elif owner is not None:
                _alias_clash(check, name, spelling, path, owner, aliases_at.get(form), at, kind="venue")
            if owner is None and form:
                spellings[form] = name
                if at is not None:
                    aliases_at[form] = (spelling, at)
        venues.append(VenueDef(name=name, aliases=tuple(alias.strip() for alias, _ in aliases)))
    return venues


def _alias_clash(check: _Checker, name: str, spelling: str, path: tuple[Any, ...], owner: str,
                 earlier: tuple[str, tuple[Any, ...]] | None, at: tuple[Any, ...] | None, kind: str = "tag") -> None:
    """Report a spelling that stands for two tags (or venues: kind): an alias of one is the name or an alias of another.

    Not a variant spelling to merge (tag-drift): both tags exist on purpose, and one of them lists the other's
    spelling. The fix is to delete the alias, which is where the diagnostic points when it is this tag's.
    """
    code, only = f"{kind}-alias-clash", f"a spelling can stand for one {kind} only"
    if at is not None:  # an alias of this tag, found earlier as owner's name or alias
        same = f"also an alias of {kind} '{owner}'" if earlier is not None else f"{kind} '{owner}'"
        if earlier is not None and earlier[0] != spelling:
            same = f"a variant spelling of alias '{earlier[0]}' of {kind} '{owner}'"
        elif earlier is None and owner != spelling:
            same = f"a variant spelling of {kind} '{owner}'"
        where = f"'{name}'" if earlier is None else f"'{name}' or of '{owner}'" if earlier[0] == spelling else \
            f"'{name}', or '{earlier[0]}' from those of '{owner}'"  # owner's alias is spelt otherwise
        if earlier is None and owner == spelling:  # or owner is the one added by mistake (`Transformer:` added above the alias)
            line = check.doc.key_positions.get((path[0], owner), (0, 0))[0]
            where += f", or delete {kind} '{owner}' (line {line}), whose papers are then shown under '{name}'"
        check.fail(at, code, f"alias '{spelling}' of {kind} '{name}' is {same}",
                   f"delete '{spelling}' from the aliases of {where}: {only}")
        return
    assert earlier is not None  # this tag's name, found earlier as an alias of owner
    alias, alias_path = earlier
    line = check.doc.positions.get(alias_path, (0, 0))[0]
    same = "an alias" if alias == name else f"a variant spelling of alias '{alias}'"
    other = f", or delete {kind} '{name}', whose papers are then shown under '{owner}'" if alias == name else ""
    check.fail(path, code, f"{kind} '{name}' is {same} of {kind} '{owner}' (line {line})",
               f"delete '{alias}' from the aliases of '{owner}'{other}: {only}", key=True)


def _marks(name: str) -> str:
    """Return the punctuation of a tag name, what its URL slug leaves out besides spaces and hyphens."""
    return re.sub(r"[\w\s-]", "", unicodedata.normalize("NFC", name))
