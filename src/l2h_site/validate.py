"""Check parsed papers against the taxonomy and against each other."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache, partial

from l2h_site.cite import author_splits, untexed_math
from l2h_site.diagnostics import Diagnostic, error, note, warning
from l2h_site.markup import UNSAFE_TEX_COMMANDS, meant_command, unknown_commands
from l2h_site.model import KEY_FORM, MAX_KEY_LENGTH, NameSplit, Paper, Taxonomy
from l2h_site.names import SUFFIXES, family_given, is_literal, is_whole_name, quoted_item
from l2h_site.parse import KNOWN_FIELDS, VENUE_FIELDS, ParsedPaper, flow_item, is_example_url, key_form_error, stand_in
from l2h_site.progress import ticking
from l2h_site.textutil import ascii_fold, clip, closest, normalise_term, quote_list, venue_form

TITLE_STOPWORDS = frozenset(["a", "an", "the", "on", "of", "in", "at", "to", "for", "and", "or", "with", "from",
                             "by", "via", "towards", "toward"])
KEY_FIELDS = frozenset({"title", "authors", "author", "year"})
"""The fields a paper's key is derived from."""
PLACEHOLDERS = re.compile(r"^(todo|tbd|tba|fixme|xxx|optional|placeholder|n/?a|\?+|<[^>]*>|\.\.\.|…)$|^https?://blah|"
                          r"\b(TODO|FIXME)\b", re.IGNORECASE)
EXAMPLE_SUMMARY = (
    "Two to four sentences in your own words: what the method does and why it mattered.",
    r"Inline math such as $\{x_i\}_{i=1}^n$ and display math $$\sum_i x_i$$ are rendered.",
)
"""The summary of CONTRIBUTING.md's example paper, line by line: what to write, never a paper's summary (a test
keeps the two alike)."""
_EXAMPLE_LINES = tuple((max(words, key=len).lower(), re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE))
                       for words in (line.removesuffix(".").split() for line in EXAMPLE_SUMMARY))
"""Each line of EXAMPLE_SUMMARY, in any case and broken anywhere (a contributor's editor may rewrap it), after its
longest word, which a summary holding it holds: looked for first, it spares most summaries the slower search (65 ms
→ 5 ms a check at 5,000 papers)."""
_TODO = re.compile(r"\b(TODO|FIXME)\b")
"""What marks a summary as a placeholder still to be written."""
_EXAMPLE_FIXES = ("write in its place two to four sentences of your own: what the paper does and why it matters",
                  "delete it: it tells how to write math, and is no part of the summary")


def derive_key(authors: Sequence[str], year: int, title: str, first_split: NameSplit | None = None) -> str:
    """Derive a paper's key: first author's last name, year and first word of the title.

    The last name is the last word of the first author's name or, where its file writes the name "Family, Given"
    (first_split), of the family name: "Das Sarma, Anish" gives "sarma", as "Anish Das Sarma" always has (the
    family name whole, "dassarma", would break every existing key of such a paper), and "Steele, Jr., Guy L."
    "steele", not the suffix, as "Guy L. Steele Jr." does (its last word is a suffix, as cite.bibtex_name reads it). A
    whole name in braces, which does not split ("{Barnes, Inc.}", an organisation's), gives its first word, "barnes".
    """
    # markup is no part of a name or word (`Alice <b>Smith</b>` gave "bsmithb", `<i>Deep</i> Hashing` "i")
    words = _MARKUP.sub(" ", first_split.family if first_split else authors[0] if authors else "").split()
    if not first_split and len(words) > 2 and words[-1] in SUFFIXES:
        words.pop()
    last = words[0 if first_split and is_literal(first_split) else -1] if words else "anon"
    lastname = re.sub(r"[^a-z]", "", ascii_fold(last).lower()) or "anon"
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_fold(_MARKUP.sub(" ", title)).lower()) if w not in TITLE_STOPWORDS]
    return f"{lastname}{year}{words[0] if words else 'untitled'}"


_MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")
"""An HTML tag in a name or title."""


def first_split(paper: Paper) -> NameSplit | None:
    """Where the first author's name splits, if the paper's file writes it "Family, Given"."""
    return paper.name_splits[0] if paper.name_splits else None


def venue_names(taxonomy: Taxonomy) -> dict[str, str]:
    """Map the form (venue_form) of each venue of the taxonomy and of each of its aliases to the venue."""
    return {venue_form(spelling): v.name for v in taxonomy.venues for spelling in (v.name, *v.aliases)}


def canonical_venue(venue: str, names: Mapping[str, str], editions: bool = False) -> str:
    """The name taxonomy.yml gives a venue written in any case or punctuation, or by another name (names:
    venue_names); with editions, also of one written as an edition of it (edition_venue), as BibTeX writes them; a
    venue it does not list, as written."""
    return names.get(venue_form(venue)) or (edition_venue(venue, names) if editions else None) or venue


_EDITION_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\w)|['’]\d\d(?!\w)")
"""The year of an edition, as a word of its own or after the name: NIPS 2011, CVPR '19, CVPR'11, CVPR-2011, NIPS2011,
Proceedings of the 2011 IEEE Conference on …"""
_PROCEEDINGS = re.compile(r"(?i)^(?:in\s+)?proceedings\s+o[fn]\s+(?:the\s+)?")
"""What an edition's name starts with: Proceedings of the …, or as DBLP names STOC 2002, Proceedings on 34th …"""
_ORDINAL = re.compile(r"""(?ix)^(?:the\s+)?(?:
    (?:\d+(?:st|nd|rd|th)
     |(?:(?:twenty|thirty|thiry|forty|fifty|sixty|seventy|eighty|ninety)[\s-]?)?
      (?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)
     |(?:ten|eleven|twelf|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)tie)th
    )\s+(?:annual\s+)?
   |annual\s+)""")
"""The number of an edition at the start of its name (after "Proceedings of the"): 25th, Twenty-Fifth Annual; also
"Thiry-Fourth", as the ACM Digital Library misspells STOC 2002's (and BibTeX exported from it keeps)."""
_VOLUME = re.compile(r"\s\d{1,3}$")
"""A volume number at the end: Advances in Neural Information Processing Systems 22."""


@lru_cache(maxsize=4096)  # a review has few venues, each read once per paper by every check (l2h serve: each save)
def undated_venue(venue: str) -> str:
    """A venue without what names one edition of it: its year, the edition's number at the start and a volume number
    at the end ("Proceedings of the 25th International Conference on Machine Learning 2008" is "Proceedings of the
    International Conference on Machine Learning"); words only, never a guess at what else a name may hold."""
    text = " ".join(_EDITION_YEAR.sub(" ", venue).split())
    head = _PROCEEDINGS.match(text)
    start = head.end() if head else 0
    return (text[:start] + _VOLUME.sub("", _ORDINAL.sub("", text[start:]))).strip()


def edition_venue(venue: str, names: Mapping[str, str]) -> str | None:
    """The venue of taxonomy.yml (names: venue_names) that a venue names one edition of ("NIPS 2011", "Advances in
    Neural Information Processing Systems 22", "Proceedings of the 2011 IEEE Conference on Computer Vision and Pattern
    Recognition": undated_venue, then without "Proceedings of the"), or that one of its parts does (venue_parts); None
    when what is left is no venue of it, or when its parts name two."""
    whole = _edition_of(venue, names)
    if whole or _WORKSHOP.search(venue):
        return whole
    found = {_edition_of(part, names) for part in venue_parts(venue)} - {None}
    return found.pop() if len(found) == 1 else None


def _edition_of(venue: str, names: Mapping[str, str]) -> str | None:
    undated = undated_venue(venue)
    return names.get(venue_form(undated)) or names.get(venue_form(_PROCEEDINGS.sub("", undated)))


_WORKSHOP = re.compile(r"(?i)\b(?:workshops?|companion)\b")
"""A workshop, or a companion volume of workshops and posters, is not its conference, whose name its parts may hold
("Workshop on Hashing (CVPR)", DBLP's "Companion of the The Web Conference 2018 on The Web Conference 2018, {WWW} 2018,
Lyon, France, …")."""
_BRACKETED = re.compile(r"(.+?)\s*[(\[]([^()\[\]]+)[)\]]")
"""A name with its acronym after it in brackets: "Proceedings of the IEEE Conference on Computer Vision and Pattern
Recognition (CVPR)"."""


def venue_parts(venue: str) -> list[str]:
    """The parts of a venue that may each name it whole: a trailing bracketed acronym and the name before it; and as
    DBLP writes a booktitle ("The 24th IEEE Conference on Computer Vision and Pattern Recognition, {CVPR} 2011, Colorado
    Springs, …", "Advances in Neural Information Processing Systems 24: 25th Annual Conference …"), what comes before
    the first comma or colon, the acronym and year after the first comma, and the parts between the dashes of
    Springer's titles ("Computer Vision - {ECCV} 2018 - 15th European Conference, Munich, …")."""
    bracketed = _BRACKETED.fullmatch(venue.strip())
    head = re.split(r"[,:]\s", venue, maxsplit=1)[0]
    return [*(bracketed.groups() if bracketed else ()), head, *venue.split(", ")[1:2], *re.split(r"\s[-–]\s", head)]


class TagIndex:
    """Resolves tag spellings to canonical tags, and suggests fixes for unknown ones; and venues' other names to the
    venues of the taxonomy."""

    def __init__(self, taxonomy: Taxonomy, usage: Counter[str]) -> None:
        self.canonical = {t.name: t.name for t in taxonomy.tags}
        # Aliases are accepted only as declared; any other variant (even of case) is drift.
        self.aliases = {a: t.name for t in taxonomy.tags for a in t.aliases}
        self.normalised = {normalise_term(a): t.name for t in taxonomy.tags for a in (*t.aliases, t.name)}
        self.usage = usage
        # A venue is compared as check_venues compares them: any case or punctuation of an alias is the alias.
        self.venues = venue_names(taxonomy)

    def used(self, tag: str) -> str:
        count = self.usage.get(tag, 0)
        return f" (used by {count} paper{'s' if count != 1 else ''})" if count else ""

    def with_words(self, tag: str, least: int = 1) -> str:
        """The hint for an unknown tag that is a word or two of at most three tags (`Kernel` of Kernel Methods), and
        of `least` at least, or ""."""
        words = set(_term_words(tag))
        found = [name for name in self.canonical if words and words <= set(_term_words(name))]
        if len(found) < least or not found or len(found) > 3:
            return ""
        listed = ", ".join(f'"{name}"{self.used(name)}' for name in found)
        return (f"tags with the word{'s' if len(words) > 1 else ''} \"{tag}\": {listed}; if none fits, propose a new "
                "one in taxonomy.yml with a description")

    def within(self, tag: str) -> str:
        """The hint for an unknown tag that holds the words of one tag and more ("Survey Paper" of Survey), or ""."""
        words = set(_term_words(tag))
        found = [name for name in self.canonical if set(_term_words(name)) and set(_term_words(name)) < words]
        return f'did you mean "{found[0]}"?{self.used(found[0])}' if len(found) == 1 else ""


_GENERIC_WORDS = frozenset({"learning", "hashing", "hash", "to", "based", "method", "code", "and"})
"""Words that say nothing of which facet value a tag names: "Deep Learning", "Unsupervised Hashing" and "Binary Codes"
name the facet values deep, unsupervised and binary."""


def _term_words(text: str) -> list[str]:
    """The words of a tag or facet value, each reduced as normalise_term reduces a tag."""
    return [normalise_term(word) for word in re.findall(r"[a-z0-9]+", ascii_fold(text).lower())]


def _core(text: str) -> str:
    """What a tag or facet value names, without the generic words (_GENERIC_WORDS)."""
    return "".join(word for word in _term_words(text) if word not in _GENERIC_WORDS)


def facet_value_hint(tag: str, paper: Paper, taxonomy: Taxonomy) -> str:
    """The hint for an unknown tag that names a facet value ("Unsupervised", "Deep Learning"), as newcomers write
    them among the tags: the line of the facet to write instead, or ""."""
    core = _core(tag)
    named = [(f, v) for f in taxonomy.facets for v in f.values if core and core in (_core(v.id), _core(v.label))]
    if not named:
        return ""
    values = {f.id: [value for value in paper.facets.get(f.id, ()) if not is_placeholder(value)] for f, _ in named}
    given = [f"{f.id}: {v.id}" for f, v in named if v.id in values[f.id]]
    if given:
        return f"remove the tag: the paper gives it as a facet value, {given[0]}"
    lines = [f"{f.id}: [{', '.join([*values[f.id], v.id])}]" if f.multiple else
             f"{f.id}: {v.id} in place of {f.id}: {values[f.id][0]}" if values[f.id] else
             f"{f.id}: {v.id}" for f, v in named]
    replaced = any(" in place of " in line for line in lines)
    return (f'"{tag}" is a facet value, not a tag: remove the tag' + (", and if it fits better, " if replaced else
            " and ") + "write " + " or ".join(lines))


def validate_paper(parsed: ParsedPaper, taxonomy: Taxonomy, tags: TagIndex) -> tuple[Paper, list[Diagnostic]]:
    """Check one paper's key, tags, facets and values; return it with canonical tags.

    An incomplete paper (one with parse errors) is checked too, so that all its problems are reported
    at once, except for what depends on fields it could not read: the key needs its title, authors and year.
    """
    paper = parsed.paper
    rel = paper.source
    diagnostics: list[Diagnostic] = []

    def at(*path: object) -> tuple[int, int]:
        return parsed.positions.get(path, parsed.positions.get(("key",) + path, (1, 1)))

    if not KEY_FORM.fullmatch(paper.key):
        # the name to suggest is derived from the title, authors and year: without them, the form is described
        name = None if parsed.unread & KEY_FIELDS else derive_key(paper.authors, paper.year, paper.title, first_split(paper))
        diagnostics.append(key_form_error(rel, paper.key, name))
    else:  # the parts of the key whose fields can be read; the others once they can be
        diagnostics.extend(_check_key_agrees(paper, at("authors" if ("authors",) in parsed.positions else "author"),
                                             at("year"), parsed.unread & KEY_FIELDS))

    for i, other in enumerate(paper.distinct_from):
        if other == paper.key:
            diagnostics.append(error(rel, *at("distinct_from", i), "distinct-from-own",
                                     f'distinct_from lists "{other}", the paper\'s own key',
                                     "write the key of the other paper, the one with a near-identical title, or "
                                     "remove the line"))
    for i, former in enumerate(paper.former_keys):
        if former == paper.key:
            diagnostics.append(error(rel, *at("former_keys", i), "former-key-own",
                                     f'former_keys lists "{former}", the paper\'s own key',
                                     "remove it: only the keys the file had before it was renamed belong there"))
        elif not KEY_FORM.fullmatch(former):
            diagnostics.append(error(rel, *at("former_keys", i), "former-key-form",
                                     f'former key "{former}" is not a valid paper key',
                                     "write the file name the paper had, without .md: lowercase letters, a year and "
                                     "a word, e.g. weiss2008spectral"))
        elif len(former) > MAX_KEY_LENGTH:  # its redirect page is a folder of that name, as long as a file name can be
            diagnostics.append(error(rel, *at("former_keys", i), "former-key-form",
                                     f"former key {former[:40]}… is {len(former)} characters long, longer than a "
                                     f"file name can be (at most {MAX_KEY_LENGTH})",
                                     "write the file name the paper had, without .md"))

    canonical_tags: list[str] = []
    for i, tag in enumerate(paper.tags):
        line, column = parsed.positions.get(("tags", i)) or at("tags")  # tags written as one line: its position
        if tag in tags.canonical:
            canonical_tags.append(tag)
        elif is_placeholder(tag):
            diagnostics.append(error(rel, line, column, "placeholder", f'tags still holds the placeholder "{tag}"',
                                     "replace it with tags from taxonomy.yml"))
        elif tag in tags.aliases:
            target = tags.aliases[tag]
            diagnostics.append(note(rel, line, column, "tag-alias", f'tag "{tag}" is read as "{target}"',
                                    f'write "{target}" to say it directly'))
            canonical_tags.append(target)
        elif normalise_term(tag) in tags.normalised:
            target = tags.normalised[normalise_term(tag)]
            diagnostics.append(error(rel, line, column, "tag-drift",
                                     f'tag "{tag}" is a variant spelling of the existing tag "{target}"',
                                     f'write "{target}"{tags.used(target)}'))
        else:
            guess = closest(tag, tags.canonical)
            # several tags with its words ("Retrieval") are listed rather than the one closest in spelling
            hint = (_joined_tags_hint(paper.tags, i, tags) or facet_value_hint(tag, paper, taxonomy) or
                    tags.with_words(tag, least=2) or
                    (f'did you mean "{guess}"?{tags.used(guess)}' if guess else "") or tags.within(tag) or
                    tags.with_words(tag) or "use a tag listed in taxonomy.yml, or propose a new one there with a "
                    "description")
            renamed = dict(taxonomy.renamed).get(tag)
            if renamed:
                hint = (f'taxonomy.yml renamed it "{renamed}" since the last commit: write "{renamed}", or keep the '
                        f'old name working by listing it under "{renamed}": aliases: [{flow_item(tag)}]')
            elif renamed is not None:
                hint = ("taxonomy.yml had it in the last commit: if it was renamed, list the old name under the new "
                        f"tag's aliases: aliases: [{flow_item(tag)}]; else {hint}")
            diagnostics.append(error(rel, line, column, "unknown-tag", f'tag "{tag}" is not in taxonomy.yml', hint))
    canonical_tags = list(dict.fromkeys(canonical_tags))

    venue = canonical_venue(paper.venue, tags.venues) if paper.venue else paper.venue
    if venue != paper.venue:  # a note, as for a tag's alias: the site shows the venue as if the paper wrote it
        field = next((name for name in VENUE_FIELDS if (name,) in parsed.positions), "venue")
        diagnostics.append(note(rel, *at(field), "venue-alias", f'venue "{paper.venue}" is read as "{venue}"',
                                f"write {field}: {flow_item(venue or '')}"))

    for facet in taxonomy.facets:
        values = paper.facets.get(facet.id)
        allowed = [v.id for v in facet.values]
        if not values:
            if facet.id in parsed.unread:  # an unreadable value has its own error
                continue
            example = f"{facet.id}: [{allowed[0]}]" if facet.multiple else f"{facet.id}: {allowed[0]}"
            if facet.id in paper.facets:  # its line is there, the value left blank (`family:`, `modality: []`)
                if facet.required:
                    diagnostics.append(error(rel, *at(facet.id), "missing-facet",
                                             f'required facet "{facet.id}" ({facet.label}) is empty',
                                             f"write a value on its line, such as {example}; allowed: "
                                             f"{quote_list(allowed)}"))
                continue
            # `Family:`: the line is there, under a name l2h does not read (and parse_paper left it to be said here)
            written = stand_in(paper.extra, facet.id, KNOWN_FIELDS | {f.id for f in taxonomy.facets})
            if written is not None:
                line, column = parsed.positions.get(("key", written), at(written))
                said = f'"{facet.id}" ({facet.label}) is not set: the field "{written}" is not read as {facet.id}'
                fix = f"write {facet.id}: instead of {written}:" + (
                    " (field names are lowercase)" if written.lower() == facet.id else "")
                diagnostics.append(error(rel, line, column, "missing-facet", f"required facet {said}", fix)
                                   if facet.required else
                                   warning(rel, line, column, "unknown-field", f"facet {said}", fix))
            elif facet.required:
                diagnostics.append(error(rel, 1, 1, "missing-facet", f'required facet "{facet.id}" ({facet.label}) is not set',
                                         f"add a line such as {example}; allowed: {quote_list(allowed)}"))
            continue
        if len(values) > 1 and not facet.multiple:
            line, column = at(facet.id)
            diagnostics.append(error(rel, line, column, "facet-single", f'facet "{facet.id}" takes one value, got {len(values)}',
                                     f"keep the one value that fits best: {facet.id}: {values[0]}"))
        for i, value in enumerate(values):
            line, column = at(facet.id, i) if (facet.id, i) in parsed.positions else at(facet.id)
            if is_placeholder(value):
                diagnostics.append(error(rel, line, column, "placeholder",
                                         f'{facet.id} still holds the placeholder "{value}"',
                                         f"choose one of {quote_list(allowed)}"))
            elif facet.value(value) is None:
                guess = closest(value, allowed)
                # the labels the Taxonomy page shows ("Generic vectors"), those that are not the id in other case
                ids = {normalise_term(v.label): v.id for v in facet.values if normalise_term(v.label) != normalise_term(v.id)}
                if normalise_term(value) in ids:
                    as_ids = [ids.get(normalise_term(v), v) for v in values]
                    hint = (f'"{value}" is the label of a value, as the Taxonomy page shows it: write {facet.id}: ' +
                            (f"[{', '.join(as_ids)}]" if facet.multiple else as_ids[i]))
                else:
                    hint = f'did you mean "{guess}"?' if guess else f"allowed: {quote_list(allowed)}"
                parts = [part.strip() for part in re.split(r"[,;]", value)]
                if len(parts) > 1 and all(facet.value(part) for part in parts):  # `modality: image, text`, as authors
                    listed = [p for v in values for p in (parts if v == value else [v])]  # the other values kept
                    hint = (f"write the values as a list: {facet.id}: [{', '.join(listed)}]" if facet.multiple else
                            f"it takes one value: keep the one that fits best, e.g. {facet.id}: {parts[0]}")
                diagnostics.append(error(rel, line, column, "unknown-facet-value",
                                         f'"{value}" is not a value of facet "{facet.id}" ({facet.label})', hint))
        if len(set(values)) != len(values):
            line, column = at(facet.id)
            diagnostics.append(warning(rel, line, column, "duplicate-facet-value",
                                       f'facet "{facet.id}" lists a value twice', "remove the repeat"))

    diagnostics.extend(_check_title_math(paper, at))
    diagnostics.extend(_check_placeholders(paper, at, parsed.positions))
    diagnostics.extend(_check_repeated_authors(paper, parsed.positions))
    diagnostics.extend(_check_ligatures(paper, at, parsed.positions))
    diagnostics.extend(_check_abstract(paper))
    return dataclasses.replace(paper, tags=tuple(canonical_tags), venue=venue), diagnostics


_LIGATURES = re.compile("[\ufb00-\ufb06]")
"""The Latin ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) text copied from a PDF holds: "Eﬃcient" is not found by a search for "Efficient"."""


def _unligatured(text: str) -> str:
    return _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _summary_at(paper: Paper, index: int) -> tuple[int, int]:
    """The line and column of the summary's character at index."""
    before = paper.summary[:index]
    return paper.summary_line + before.count("\n"), index - before.rfind("\n")


def _check_ligatures(paper: Paper, at: Callable[..., tuple[int, int]],
                     positions: Mapping[tuple[object, ...], tuple[int, int]]) -> list[Diagnostic]:
    found = []
    fields: list[tuple[tuple[object, ...], str, str]] = [(("title",), "title", paper.title),
                                                          (("venue",), "venue", paper.venue or "")]
    fields += [(("authors", i) if ("authors", i) in positions else ("authors",), "author", name)
               for i, name in enumerate(paper.authors)]
    fields.append((("summary",), "summary", paper.summary))
    for path, name, value in fields:
        first = None if value.isascii() else _LIGATURES.search(value)
        if first is None:
            continue
        letters = quote_list(sorted(set(_LIGATURES.findall(value))))
        where = _summary_at(paper, first.start()) if name == "summary" else at(*path)
        # of the summary, the word that holds the first
        shown = value[value.rfind(" ", 0, first.start()) + 1:].split()[0] if name == "summary" else clip(value)
        found.append(warning(paper.source, *where, "ligature",
                             f'{name} "{shown}" holds the ligature{"s" if "," in letters else ""} {letters} of text '
                             "copied from a PDF, which a search for its letters does not find",
                             f'write the letters: "{clip(_unligatured(shown))}"' +
                             (" (and the same for the others)" if name == "summary" and
                              len(_LIGATURES.findall(value)) > 1 else "")))
    return found


def _check_title_math(paper: Paper, at: Callable[..., tuple[int, int]]) -> list[Diagnostic]:
    """Report title math that papers.bib gives as text, not as TeX, for what of it a reader's TeX could run
    (cite.untexed_math): an error, for \\input or \\write18 in a title is an attack on whoever cites the paper, and
    a command the site does not know is not shown as meant either."""
    found = []
    for formula, pieces in untexed_math(paper.title) if "$" in paper.title else ():
        piece, why = pieces[0]
        more = f" (and {', '.join(other for other, _ in pieces[1:])})" if len(pieces) > 1 else ""
        meant = meant_command(piece) if piece not in UNSAFE_TEX_COMMANDS and unknown_commands(piece) else None
        fix = (f"did you mean {meant}?" if meant and len(pieces) == 1 else
               f"remove {' and '.join(p for p, _ in pieces[:3])}: a title's math holds only commands that typeset math "
               "(\\ell, \\mathcal, \\log …); write anything else as words")
        found.append(error(paper.source, *at("title"), "title-math",
                           f'the title\'s math "{clip(formula, 60)}" holds {piece}, {why}{more}: papers.bib gives '
                           "this formula as text, not as TeX, which every reader who cites the paper would run", fix))
    return found


_ABSTRACT = re.compile(r"\A\W*(abstract)\b\W*?(?:\n|[:.\u2013\u2014-])|\b(in this (?:paper|work|article),? we|"
                       r"we (?:propose|present|introduce))\b", re.IGNORECASE)
"""How a paper's abstract reads and a summary in the review's own words does not: its heading, and the authors'
"In this paper, we propose"."""


def _check_abstract(paper: Paper) -> list[Diagnostic]:
    found = _ABSTRACT.search(paper.summary)
    if found is None:
        return []
    said = 1 if found.group(1) else 2  # the heading, or the authors' words
    return [warning(paper.source, *_summary_at(paper, found.start(said)), "abstract-like",
                    f'the summary reads like the paper\'s abstract: "{" ".join(found.group(said).split())}"',
                    "write it in your own words and in the third person, what the paper does and why it matters "
                    "(CONTRIBUTING.md: never paste the abstract)")]


def _check_repeated_authors(paper: Paper, positions: Mapping[tuple[object, ...], tuple[int, int]]) -> list[Diagnostic]:
    """Note an author listed twice, written alike both times: most likely pasted twice, but two co-authors can share a
    name ("Wei Liu"), so a note, which never fails a build. A name written two ways is author-split-differs's."""
    splits = paper.name_splits or (None,) * len(paper.authors)
    first: dict[tuple[str, NameSplit | None], int] = {}
    diagnostics: list[Diagnostic] = []
    for index, (name, split) in enumerate(zip(paper.authors, splits)):
        earlier = first.setdefault((name, split), index)
        if earlier != index:
            field = "authors" if ("authors",) in positions else "author"
            line, column = author_item_at(lambda *path: positions.get(path, (0, 0)), field, index, len(paper.authors)) \
                or positions.get((field,), (0, 0))  # one line: the field's
            diagnostics.append(note(paper.source, line, column, "author-repeated",
                                    f'author "{name}" is listed again as author {index + 1} (first as author '
                                    f"{earlier + 1})",
                                    "remove the repeat (two co-authors who share this name can stay as they are)"))
    return diagnostics


def author_item_at(at: Callable[..., tuple[int, int]], field: str, index: int, count: int) -> tuple[int, int] | None:
    """Where author `index` of `count` is written: its item of the list of authors, which the parser noted unless each
    item is one name (then as many items as authors); None for the one-line form."""
    if at("name", index) != (0, 0):
        return at("name", index)
    if at(field, count - 1) == (0, 0) or at(field, count) != (0, 0):
        return None
    return at(field, index)


def _check_key_agrees(paper: Paper, authors_at: tuple[int, int], year_at: tuple[int, int],
                      unread: Collection[str] = ()) -> list[Diagnostic]:
    """Check that the key's name and year are the first author's and the paper's, where those fields could be read
    (unread: those that could not, of KEY_FIELDS); the key proposed keeps the parts of the key that are not known."""
    match = re.match(r"^([a-z]+)([0-9]{4})(.*)$", paper.key)
    assert match
    name, year, word = match.group(1), int(match.group(2)), match.group(3)
    derived = re.match(r"^([a-z]+)[0-9]+(.*)$", derive_key(paper.authors, paper.year, paper.title, first_split(paper)))
    assert derived
    authors_read, year_read = not {"authors", "author"} & set(unread), "year" not in unread
    expected = (f"{derived.group(1) if authors_read else name}{paper.year if year_read else year}"
                f"{word if 'title' in unread else derived.group(2)}")
    problems = []
    if authors_read and paper.authors and name != derived.group(1):
        problems.append(f'first author "{paper.authors[0]}"')
    if year_read and year != paper.year:
        problems.append(f"year {paper.year}")
    if not problems:
        return []
    line, column = authors_at if problems[0].startswith("first") else year_at
    flipped = [_first_name_first(author) for author in paper.authors]
    hint = f"rename the file to {expected}.md, unless the key is kept on purpose (e.g. a preprint year)"
    if problems[0].startswith("first") and flipped[0] and not any(paper.name_splits) and \
            derive_key([flipped[0]], paper.year, paper.title).startswith(name):  # the key has the family name meant
        hint = (f'the names look written family name first ("{paper.authors[0]}"): write them first name first, '
                f"authors: {', '.join(f or a for f, a in zip(flipped, paper.authors))}")
    return [warning(paper.source, line, column, "key-mismatch",
                    f'file name "{paper.key}" does not match the {" and ".join(problems)} of the front matter', hint)]


_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,3}")
"""A word of given names written as initials: A., A, J.-P., AB."""


def _first_name_first(name: str) -> str | None:
    """The name first name first, when it is written family name first, as reference lists and some countries write
    names ("Joly A.", "JOLY Alexis"), else None."""
    words = name.split()
    if len(words) < 2 or _INITIALS.fullmatch(words[0]):
        return None
    if all(_INITIALS.fullmatch(word) for word in words[1:]) or (
            len(words[0]) > 1 and words[0].isupper() and not any(word.isupper() for word in words[1:])):
        return " ".join(words[1:] + words[:1])
    return None


def is_placeholder(value: str) -> bool:
    """Tell whether a value is left over from a template ("TODO", "Optional", https://blah/…)."""
    return bool(PLACEHOLDERS.search(value.strip()))


def _link_positions(paper: Paper, positions: Mapping[tuple[object, ...], tuple[int, int]],
                    part: str) -> list[tuple[int, int]]:
    """Where the url (part "url") or the name ("name") of each of the paper's links is written, in the order of
    paper.links; empty when a link was dropped for an error of its own (its error is reported), so that the order
    cannot be told."""
    found = [positions[(name, i, part)] for name in ("links", "additional_links")
             for i in range(len(paper.links) + 1) if (name, i, part) in positions]
    return found if len(found) == len(paper.links) else []


def _check_placeholders(paper: Paper, at: Callable[..., tuple[int, int]],
                        positions: Mapping[tuple[object, ...], tuple[int, int]]) -> list[Diagnostic]:
    found = []
    fields: list[tuple[str, str]] = [("title", paper.title), ("venue", paper.venue or "")]
    fields += [("authors", a) for a in paper.authors]
    for name, value in fields:
        if value and is_placeholder(value):
            found.append(error(paper.source, *at(name), "placeholder",
                               f'{name} still holds the placeholder "{value}"',
                               f"replace it with the real {name}, or remove the line if it is optional"))
    if _TODO.search(paper.summary):
        found.append(error(paper.source, paper.summary_line, 1, "placeholder", "summary still holds a TODO",
                           "write two to four sentences in your own words"))
    lowered = paper.summary.lower()
    for (word, line), fix in zip(_EXAMPLE_LINES, _EXAMPLE_FIXES):
        match = line.search(paper.summary) if word in lowered else None
        if match:
            text = " ".join(match.group().split())
            found.append(error(paper.source, *_summary_at(paper, match.start()), "placeholder",
                               f'summary still holds the example text of CONTRIBUTING.md: "{text}"', fix))
    urls, names = _link_positions(paper, positions, "url"), _link_positions(paper, positions, "name")
    for i, link in enumerate(paper.links):  # each at its own line: a link is two
        if is_placeholder(link.name):
            found.append(error(paper.source, *(names[i] if names else at("links")), "placeholder",
                               f'links still holds the placeholder "{link.name}"',
                               "name the link by what it leads to (Code, Slides, Project page), or delete the link"))
        made_up = "placeholder" if is_placeholder(link.url) else "example address" if is_example_url(link.url) else ""
        if made_up:
            found.append(error(paper.source, *(urls[i] if urls else at("links")), "placeholder",
                               f'links still holds the {made_up} "{clip(link.url)}"',
                               "put the real address in its place, or delete the link"))
    return found


@lru_cache(maxsize=1 << 16)
def normalise_title(title: str) -> str:
    """Reduce a title to its words, for spotting the same paper twice (kept: l2h serve checks every paper's title after
    each save, 0.1 s at 5,000 papers)."""
    # what is no letter or digit parts words before ascii_fold drops it: "Angular–Distance" (an en dash) is two words,
    # as "Angular-Distance" is
    words = re.findall(r"[a-z0-9]+", ascii_fold(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFC", title))).lower())
    return " ".join(normalise_term(w) for w in words if w not in TITLE_STOPWORDS)


def identities(paper: Paper) -> list[tuple[str, str]]:
    """What makes two files the same paper: the key, the arXiv id, the DOI, the normalised title."""
    found = [("key", paper.key)]
    if paper.arxiv:
        found.append(("arXiv id", re.sub(r"v\d+$", "", paper.arxiv)))
    if paper.doi:
        found.append(("DOI", paper.doi.lower()))
    found.append(("title", normalise_title(paper.title)))
    return found


FIELD_OF_IDENTITY = {"arXiv id": "arxiv", "DOI": "doi", "title": "title"}


def validate_corpus(papers: Sequence[Paper],
                    positions: Mapping[str, Mapping[tuple[object, ...], tuple[int, int]]] | None = None,
                    file_keys: Mapping[str, str] | None = None, venues: Mapping[str, str] | None = None,
                    tick: Callable[[], None] = lambda: None) -> list[Diagnostic]:
    """Find problems between papers: one key twice, or the same paper under two keys.

    positions maps a paper's source file to where its fields are written (ParsedPaper.positions), for the
    line of each problem; without it, problems are reported for the whole file. file_keys maps the key of
    every paper file to its path, also of those that have errors of their own: a distinct_from naming one of them
    is fine (its own errors are reported on it, not on every paper that names it), a former key naming one is not.
    venues are the taxonomy's (venue_names), for a venue written with its year. tick is called every TICK_EVERY
    papers grouped and after each check, a pass over every paper (0.3-0.6 s in all at 20,000 papers): a step at
    which l2h serve's rebuild can stop.
    """
    diagnostics: list[Diagnostic] = []

    def at(paper: Paper, *path: object) -> tuple[int, int]:
        return (positions or {}).get(paper.source, {}).get(path, (0, 0))

    groups: dict[tuple[str, str], list[Paper]] = defaultdict(list)
    for paper in ticking(papers, tick):
        for identity in identities(paper):
            groups[identity].append(paper)
    files = {**(file_keys or {}), **{paper.key: paper.source for paper in papers}}
    diagnostics += check_distinct_from(papers, files, at)
    tick()
    diagnostics += check_former_keys(papers, files, at)
    tick()
    diagnostics += check_name_splits(papers, at)
    tick()
    diagnostics += check_two_names(papers, at)
    tick()
    diagnostics += check_venues(papers, at, venues)
    tick()
    diagnostics += check_copied_summaries(papers)
    tick()
    # a group of one paper is no problem (most of them: 15,000 at 5,000 papers, sorted for nothing after each save)
    for (kind, value), members in sorted(item for item in groups.items() if len(item[1]) > 1):
        if kind != "key":
            members = list({p.key: p for p in members}.values())  # one key twice is reported as such
        if kind == "title":
            members = _without_declared_distinct(members)
        if len(members) < 2:
            continue
        for paper in members:
            related = tuple(sorted(p.source for p in members if p is not paper))
            others = ", ".join(related)
            if kind == "key":
                diagnostics.append(error(paper.source, 0, 0, "duplicate-key", f'key "{value}" is also used by {others}',
                                         "keep one file per paper; delete or rename the other", related))
            else:
                what = f'the same {kind} "{value}"' if kind != "title" else "a near-identical title"
                diagnostics.append(error(paper.source, *at(paper, FIELD_OF_IDENTITY[kind]), "duplicate-paper",
                                         f"{others} has {what}: the same paper appears twice",
                                         _duplicate_hint(paper, [p for p in members if p is not paper], kind, files),
                                         related))
    return diagnostics


OPENING_WORDS = 25
"""Two summaries that begin with as many words alike are one summary copied and then edited in part."""


def check_copied_summaries(papers: Sequence[Paper]) -> list[Diagnostic]:
    """Find a summary that is another paper's (a new file begun as a copy of another), in any case or line breaks:
    an error; or that begins with the same OPENING_WORDS words as another's: a warning. Summaries are grouped by their
    opening alone, which a copy shares too: the whole of one is read again only beside another of the same opening
    (reading every summary whole took 0.25 s at 20,000 papers, at each rebuild of l2h serve)."""
    opening: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        words = paper.summary.split(None, OPENING_WORDS)[:OPENING_WORDS]
        if len(words) >= 12:  # fewer words cannot tell a copy from two papers said alike in a few words
            opening[" ".join(words).lower()].append(paper)
    found = []
    hint = ("give each paper its own summary, in your own words: a file begun as a copy of another keeps that paper's "
            "summary until it is rewritten")
    for members in opening.values():
        if len(members) < 2:
            continue
        members = [paper for paper in members if not _TODO.search(paper.summary)]  # l2h new's, told as a placeholder
        whole = {paper.source: " ".join(paper.summary.lower().split()) for paper in members}
        for paper in members:
            others = [p.source for p in members if p is not paper]
            twins = tuple(sorted(other for other in others if whole[other] == whole[paper.source]))
            alike = tuple(sorted(other for other in others if whole[other] != whole[paper.source]))
            if twins:
                found.append(error(paper.source, paper.summary_line, 1, "copied-summary",
                                   f"the summary is the same as the summary of {', '.join(twins)}", hint, twins))
            if alike:
                found.append(warning(paper.source, paper.summary_line, 1, "copied-summary",
                                     f"the summary begins with the same {OPENING_WORDS} words as the summary of "
                                     f"{', '.join(alike)}", hint, alike))
    return found


def _duplicate_hint(paper: Paper, others: Sequence[Paper], kind: str, files: Mapping[str, str]) -> str:
    """How to mend papers that look like one: delete one; where only the title is alike (a conference paper and its
    journal version may share it), or distinct_from names a key that is no paper now (the other's file was renamed),
    distinct_from declares them different."""
    hint = "keep one of the files and delete the other (merge any extra links or tags)"
    mine = {identity for identity in identities(paper) if identity[0] != "title"}
    if kind != "title" or any(mine & set(identities(other)) for other in others):
        return hint
    keys = ", ".join(other.key for other in others)
    stale = next((key for key in paper.distinct_from if key not in files), None)
    if stale is not None:
        return (f'distinct_from names "{stale}", which is no paper of the review now: if they are different papers, '
                f"write distinct_from: [{keys}]; else {hint}")
    return f"{hint}; if they are different papers (a conference paper and its journal version), write in one of them " \
           f"distinct_from: [{keys}]"


_VENUE_ARXIV = re.compile(r"(?:arxiv(?:\s+preprint)?(?:\s+arxiv)?\s*:?|corr,?\s+abs/)\s*"
                          r"(?P<id>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)?", re.IGNORECASE)
"""A preprint's venue as a reference list writes it, with its arXiv id: Google Scholar's arXiv preprint
arXiv:1509.02897, DBLP's CoRR abs/1509.02897."""


YEAR_APART = " (the year goes in year:)"
"""The end of a venue-spelling hint for a venue written with its year (CVPR 2011)."""


def check_venues(papers: Sequence[Paper], at: Callable[..., tuple[int, int]],
                 known: Mapping[str, str] | None = None) -> list[Diagnostic]:
    """Find a venue written otherwise than the other papers of the review write it: in other case or punctuation
    (cvpr, CVPR), or as one edition of it (CVPR 2011; or NIPS 2011, Advances in Neural Information Processing Systems
    22, where taxonomy.yml names them NeurIPS: known, from venue_names; as imports read them, edition_venue). The
    filters of the papers page would list it as a venue of its own."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in papers:
        if paper.venue:
            spellings[venue_form(paper.venue)][paper.venue] += 1

    # the spelling most papers write of each form, of equally used ones the first in sorted order
    usual = {form: min(counts, key=lambda spelling: (-counts[spelling], spelling)) for form, counts in spellings.items()}

    def verdict(venue: str) -> tuple[str, str, str | None] | None:
        """What is wrong with a venue, if anything: the message, the venue to write, and an arXiv id it holds."""
        form = venue_form(venue)
        preprint = _VENUE_ARXIV.fullmatch(venue.strip())
        if preprint is not None and form != "arxiv":
            said = (f'venue "{venue}" is a preprint\'s, as a reference list writes it: the papers page would list it as '
                    "a venue of its own")
            return said, usual.get("arxiv", "arXiv"), preprint["id"]
        dated = venue_form(undated_venue(venue))  # as imports read an edition's venue: the same words go
        meant = usual[form] if usual[form] != venue or not dated or dated == form or dated not in spellings \
            else usual[dated]
        if meant == venue and known and form not in known:  # papers write it otherwise, or not (an alias: noted)
            meant = edition_venue(venue, known) or meant
        if meant == venue:
            return None
        count = spellings.get(venue_form(meant), Counter())[meant]  # not a new form: this runs over the forms
        written = f"written \"{meant}\" by {count} other paper{'s' if count != 1 else ''}" if count else \
            f'the venue "{meant}" of taxonomy.yml'
        year = YEAR_APART if _EDITION_YEAR.search(venue) and venue_form(meant) != form else ""
        return f'venue "{venue}" is {written}: the papers page would list it as a venue of its own', meant + year, None

    verdicts = {venue: verdict(venue) for counts in spellings.values() for venue in counts}  # once per spelling
    diagnostics: list[Diagnostic] = []
    for paper in papers:
        found = verdicts.get(paper.venue) if paper.venue else None
        if found is None:
            continue
        message, meant, arxiv = found
        field = next((name for name in VENUE_FIELDS if at(paper, name) != (0, 0)), "venue")
        diagnostics.append(warning(
            paper.source, *at(paper, field), "venue-spelling", message,
            f"write {field}: {meant}" + (f' (the id goes in arxiv: "{arxiv}")' if arxiv and paper.arxiv is None else "")))
    return diagnostics


def check_distinct_from(papers: Sequence[Paper], files: Mapping[str, str],
                        at: Callable[..., tuple[int, int]]) -> list[Diagnostic]:
    """Find distinct_from entries that name no paper file (files: key -> path, also of files with errors), or name a
    paper by a key it had (its former_keys: its file was renamed): that still declares the two distinct
    (is_declared_distinct), and is told to be written with the key the paper has now."""
    renamed = {former: paper.key for paper in papers for former in paper.former_keys}
    diagnostics: list[Diagnostic] = []
    for paper in papers:
        for i, other in enumerate(paper.distinct_from):
            if other in files:
                continue
            where = (paper.source, *at(paper, "distinct_from", i), "unknown-key")
            if other in renamed:
                keys = ", ".join(key if key in files else renamed.get(key, key) for key in paper.distinct_from)
                diagnostics.append(warning(*where, f'distinct_from names "{other}", a former key of {renamed[other]}',
                                           f"write the key it has now: distinct_from: [{keys}]"))
            else:
                diagnostics.append(warning(*where, f'distinct_from names "{other}", which is not a paper of the review',
                                           "remove it, or correct the key"))
    return diagnostics


def check_name_splits(papers: Sequence[Paper], at: Callable[..., tuple[int, int]]) -> list[Diagnostic]:
    """Find an author whose name one file marks "Family, Given" ("Das Sarma, Anish") and another writes so that it
    splits otherwise ("Anish Das Sarma", cited "Sarma"), or the same file does in another item of its list: the pages
    show one author, the citations two."""
    marked: dict[str, tuple[NameSplit, str, int]] = {}
    for paper in sorted(papers, key=lambda p: p.source):
        for index, (name, split) in enumerate(zip(paper.authors, paper.name_splits)):
            if split is not None:
                marked.setdefault(name, (split, paper.source, index))
    diagnostics: list[Diagnostic] = []
    for paper in papers if marked else ():
        if not any(name in marked for name in paper.authors):  # most papers: no name to split (every build)
            continue
        name_field = "authors" if at(paper, "authors") != (0, 0) else "author"
        field = at(paper, name_field)
        for index, (name, split) in enumerate(zip(paper.authors, author_splits(paper))):
            first, source, first_index = marked.get(name, (split, "", 0))
            if split == first:
                continue
            line, column = author_item_at(partial(at, paper), name_field, index, len(paper.authors)) or field
            if source == paper.source:  # one list writes the name two ways: say where, not "in" this file
                there = at(paper, "name", first_index)
                where = ("elsewhere in this file" if there == (0, 0) else f"at column {there[1]} of this line"
                         if there[0] == line else f"at line {there[0]} of this file")
                diagnostics.append(warning(paper.source, line, column, "author-split-differs",
                                           f'author "{name}" is split "{family_given(split)}" here but '
                                           f'"{family_given(first)}" {where}: citations would name two people',
                                           f'write it "{family_given(first)}" here too (or, if the name is split '
                                           f"wrongly {where.removesuffix(' of this file')}, correct it there)"))
                continue
            diagnostics.append(warning(paper.source, line, column, "author-split-differs",
                                       f'author "{name}" is split "{family_given(split)}" here but '
                                       f'"{family_given(first)}" in {source}: citations would name two people',
                                       f'write it "{family_given(first)}" here too, as an item of a YAML list of '
                                       f"authors (or, if {source} splits it wrongly, correct it there)", (source,)))
    return diagnostics


def _joined_tags_hint(written: Sequence[str], index: int, tags: TagIndex) -> str:
    """The fix of tag written[index] if it is tags of the taxonomy joined: by semicolons ("A; B") or, from a list item
    indented deeper than the one above ("- A" then "  - B"), which YAML reads as the text "A - B"; else ""."""
    tag = written[index]
    for separator, why in (";", "tags are separated by commas, not semicolons: "), (
            " - ", ('a "- " line indented deeper than the one above it is read as part of it: write each "- tag" line '
                   "at the same indentation, or ")):
        parts = [part.strip() for part in tag.split(separator)]
        if len(parts) > 1 and all(part in tags.canonical or part in tags.aliases or
                                  normalise_term(part) in tags.normalised for part in parts):
            listed = [*written[:index], *parts, *written[index + 1:]]
            return f"{why}write tags: [{', '.join(map(flow_item, listed))}]"
    return ""


_INNER_INITIAL = re.compile(r"(?:^|\s)([^\W\d_])\.\s+\S")
"""An initial followed by a word, as in "Davis W. Blalock": what the family side of "Family, Given" never holds."""


def check_two_names(papers: Sequence[Paper], at: Callable[..., tuple[int, int]]) -> list[Diagnostic]:
    """Find a list item read as one name "Family, Given" that is likely two names first name first ("Yair Weiss,
    Antonio Torralba", read as "Antonio Torralba Yair Weiss").

    Only names the review lists tell the two apart ("Das Sarma, Anish Kumar" is one name): the item is an error
    when both its sides are authors of the review (of any paper, this one too), and a warning when its family side
    is one, reads as a whole name first name first (a given name, then a one-word family name), and both sides
    have two words or more. An item whose family side is no author of the review is flagged only when that side holds
    an initial before a word ("Davis W. Blalock, John V. Guttag"): a warning.
    """
    if not any(paper.name_splits for paper in papers):
        return []
    listed: dict[str, str] = {}
    for paper in sorted(papers, key=lambda p: p.source):
        for name in paper.authors:
            listed.setdefault(name, paper.source)
    diagnostics: list[Diagnostic] = []
    for paper in papers:
        for index, split in enumerate(paper.name_splits):
            family = " ".join(filter(None, split[1:3])) if split is not None and not split.suffix else ""
            if split is None or not family:
                continue
            # "Davis W. Blalock, John V. Guttag", two new authors: a family name holds no initial before a word
            inner = None if family in listed else _INNER_INITIAL.search(family)
            if family not in listed and (inner is None or not inner.group(1).isupper()):
                continue
            given, written = split.given, family_given(split)
            both = given in listed
            if family in listed and not both and not (
                    len(family.split()) > 1 and len(given.split()) > 1 and is_whole_name(family)):
                continue
            line, column = at(paper, "name", index)
            if (line, column) == (0, 0):
                line, column = at(paper, "authors") if at(paper, "authors") != (0, 0) else at(paper, "author")
            fix = f"write each name as its own item: [{quoted_item(family)}, {quoted_item(given)}]"
            if inner is not None:
                diagnostics.append(warning(
                    paper.source, line, column, "author-two-names",
                    f'author "{written}" is read as one name, "{paper.authors[index]}", but "{family}" has the '
                    f'initial "{inner.group(1)}." before a word, as a name written first name first has: it looks '
                    "like two names",
                    f'{fix} (or, if it is one name, write it first name first, "{paper.authors[index]}")'))
                continue
            sources = sorted({listed[family], listed.get(given, listed[family])})
            where = " and ".join(sources)
            if both:
                diagnostics.append(error(
                    paper.source, line, column, "author-two-names",
                    f'author "{written}" is read as one name, "{paper.authors[index]}", but "{family}" and "{given}" '
                    f"are each an author in {where}", fix, tuple(s for s in sources if s != paper.source)))
            else:
                diagnostics.append(warning(
                    paper.source, line, column, "author-two-names",
                    f'author "{written}" is read as one name, "{paper.authors[index]}", but "{family}" is an author '
                    f'in {where}: it looks like two names', f'{fix} (or, if "{family}" is the family name of '
                    f'"{given}", write the name first name first, "{paper.authors[index]}")',
                    tuple(s for s in sources if s != paper.source)))
    return diagnostics


def check_former_keys(papers: Sequence[Paper], files: Mapping[str, str],
                      at: Callable[..., tuple[int, int]]) -> list[Diagnostic]:
    """Find former keys whose old address is taken: by a paper file (files: key -> path), or claimed by another
    paper too.

    A former key equal to the paper's own key, or not of the form of a key, is reported by validate_paper.
    """
    diagnostics: list[Diagnostic] = []
    claims: dict[str, list[tuple[Paper, int]]] = defaultdict(list)
    for paper in papers:
        for i, former in enumerate(paper.former_keys):
            if former == paper.key:
                continue
            owner = files.get(former)
            if owner is not None:
                diagnostics.append(error(paper.source, *at(paper, "former_keys", i), "former-key-taken",
                                         f'former key "{former}" is the key of {owner}: its address cannot redirect '
                                         "here", "remove it from former_keys, or, if that file is an old copy of "
                                         "this paper, delete that file", (owner,)))
            else:
                claims[former].append((paper, i))
    for former, claimants in sorted(claims.items()):
        if len(claimants) < 2:
            continue
        for paper, i in claimants:
            related = tuple(sorted(p.source for p, _ in claimants if p is not paper))
            diagnostics.append(error(paper.source, *at(paper, "former_keys", i), "former-key-claimed",
                                     f'former key "{former}" is also claimed by {", ".join(related)}',
                                     "keep it on the one paper that had this key: an old address redirects to "
                                     "one page", related))
    return diagnostics


def is_declared_distinct(a: Paper, b: Paper) -> bool:
    """Tell whether one of two papers names the other in distinct_from, by its key or a former one (a paper whose
    file was renamed keeps its old key in former_keys): then a near-identical title is no duplicate."""
    return (any(key in a.distinct_from for key in (b.key, *b.former_keys))
            or any(key in b.distinct_from for key in (a.key, *a.former_keys)))


def _without_declared_distinct(members: list[Paper]) -> list[Paper]:
    """Drop from a same-title group the papers declared distinct from every other member."""
    return [p for p in members if not all(is_declared_distinct(p, q) for q in members if q is not p)]
