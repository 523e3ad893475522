"""People's names as paper files write them, and where each splits into given and family name.

A name is written first name first ("Anish Das Sarma"), and split_name guesses its split; or, as one item of a YAML
list, "Family, Given" as BibTeX writes it ("Das Sarma, Anish"), which says where it splits (read_family_given). As in
BibTeX, braces group words of that family name which would otherwise be read as its particle: "{De la Torre}, Fernando";
and braces around a whole item make it one name that does not split, an organisation's: "{Barnes, Inc.}" (read_literal).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import NamedTuple

from l2h_site.model import NameSplit

SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
"""Last words of a name that are a suffix ("Guy L. Steele Jr."), not the family name."""
_FAMILY_PARTICLES = frozenset({"Al", "Da", "De", "Del", "Della", "Di", "Dos", "Du", "El", "La", "Le", "Ten", "Ter", "Van",
                               "Von"})
"""Capitalised words that begin a family name when they are neither the first word of a name nor its last:
"Nicolas Le Scouarnec", "Luc Van Gool", "Dimitri Van De Ville". First, they are a given name ("Le Song"); last,
the family name itself ("Quoc V. Le"). Left out: particles that are also given names or syllables of them in the
middle of a name (Ben, Bin, Das, Des, Lo), and lowercase particles, which every word in lowercase already is."""
_VIETNAMESE_FAMILIES = frozenset({"Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui",
                                  "Do", "Ho", "Ngo", "Duong", "Ly"})
"""The most common Vietnamese family names: before one of them as last word, Van and Le are middle names
("Hieu Van Nguyen"), not the start of a family name."""


@lru_cache(maxsize=4096)
def split_name(name: str) -> NameSplit:
    """Split a "First von Last Jr." name into (given, particle, family, suffix) as cite.bibtex_name writes it for
    BibTeX. Remembered for the last 4,096 names: a paper's page, its BibTeX and CSL entries split each of its
    authors' names some six times (1.9 s of a profiled cold build at 5,000 papers).

    The family name starts at the first word that starts with a lowercase letter ("van den" of "Anton van den
    Hengel"), or at a capitalised particle of _FAMILY_PARTICLES that is neither the first word nor the last ("Le
    Scouarnec" of "Nicolas Le Scouarnec"), whichever comes first; else it is the last word. The particle is the
    words of the family name up to the last lowercase one, never its last word: "van den", "De la" of "Fernando De
    la Torre"; "Le Scouarnec" is all family name. A trailing Jr./Sr./II/III/IV is the suffix. A one-word name is
    all family name.
    """
    words = name.split()
    suffix = words.pop() if len(words) > 2 and words[-1] in SUFFIXES else ""
    lower = [i for i, word in enumerate(words[:-1]) if is_lowercase(word)]
    capital = [i for i in range(1, len(words) - 1) if _is_family_particle(words, i)]
    start = min(lower[:1] + capital[:1], default=max(len(words) - 1, 0))
    end = lower[-1] + 1 if lower else start
    return NameSplit(" ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:]), suffix)


def is_whole_name(name: str) -> bool:
    """Tell whether a name reads, first name first, as given names and a one-word family name ("Yair Weiss", "Le
    Song"), with no particle or suffix; as a family name of two words ("Das Sarma") may also read, but "Luc Van Gool"
    and "Laurens van der Maaten" do not."""
    split = split_name(name)
    return bool(split.given) and not split.particle and not split.suffix and " " not in split.family


def is_lowercase(word: str) -> bool:
    """Tell whether a word starts, at its first letter, in lowercase: BibTeX takes it for a particle ("van")."""
    letter = next((c for c in word if c.isalpha()), "")
    return letter.islower()


def _is_family_particle(words: list[str], i: int) -> bool:
    """Tell whether words[i], neither first nor last, is a capitalised particle that begins the family name."""
    if words[i] not in _FAMILY_PARTICLES:
        return False
    return not (i == len(words) - 2 and words[i] in ("Van", "Le") and words[-1] in _VIETNAMESE_FAMILIES)


class NameProblem(NamedTuple):
    """Why a name written with commas is not one name "Family, Given", and how to write it."""

    message: str
    """What is wrong, naming the name as written."""
    hint: str
    """One concrete fix."""


def _depths(text: str) -> list[int] | None:
    """The brace depth at each character of text (a brace counts as inside its group); None when they do not pair."""
    depths, depth = [], 0
    for char in text:
        depth += char == "{"
        depths.append(depth)
        depth -= char == "}"
        if depth < 0:
            return None
    return depths if depth == 0 else None


def split_outside_braces(text: str, separator: str) -> list[str]:
    """Split text at each match of the separator (a regular expression) outside braces, as BibTeX splits a list of
    names: "{Google and Microsoft}" is one name, and "{Barnes, Inc.}" has no comma of its own."""
    depths = _depths(text)
    if depths is None or "{" not in text:
        return re.split(separator, text)
    parts, start = [], 0
    for found in re.finditer(separator, text):
        if found.end() > found.start() and not depths[found.start()]:
            parts.append(text[start:found.start()])
            start = found.end()
    return [*parts, text[start:]]


def read_literal(text: str) -> NameSplit | None:
    """Read a whole name in braces ("{Barnes, Inc.}", "{{Google and Microsoft}}": braces within are BibTeX's groups)
    as one name that does not split: all family name, no given name (is_literal); None for any other name."""
    text = text.strip()
    depths = _depths(text)
    if depths is None or not text.startswith("{") or 0 in depths[:-1] or not unbraced(text):
        return None
    return NameSplit("", "", unbraced(text), "")


def is_literal(split: NameSplit) -> bool:
    """Tell whether a split is a name that does not split (read_literal; a one-word name is one too): cited as
    written, in braces where BibTeX would split it."""
    return not (split.given or split.particle or split.suffix)


def read_family_given(text: str) -> NameSplit | NameProblem:
    """Read a name written "Family, Given" or, with a suffix, "Family, Jr., Given", as BibTeX reads "von Last,
    First" and "von Last, Jr, First"; return its split, or the problem that keeps it from being one name. A whole
    name in braces is one name that does not split (read_literal).

    As BibTeX does, the family part's words up to its last lowercase one, never its last word, are the particle:
    "van der Maaten, Laurens" is particle "van der", family "Maaten"; "Das Sarma, Anish" is family "Das Sarma".
    """
    literal = read_literal(text)
    if literal is not None:
        return literal
    parts = [re.sub(r"\s+", " ", part).strip() for part in split_outside_braces(text, ",")]
    said = f'author "{text}"'
    several = [name.strip() for name in split_outside_braces(text, r"\s+and\s+|\s*&\s*") if name.strip()]
    if len(several) > 1:
        return NameProblem(f'{said} holds {len(several)} names joined by "and"',
                           f"write each name as its own item: [{', '.join(map(quoted_item, several))}]")
    if len(parts) > 3:
        pairs = [", ".join(parts[i:i + 2]) for i in range(0, len(parts), 2)]
        return NameProblem(f'{said} has {len(parts) - 1} commas; one name written "Family, Given" has one, or two '
                           'with a suffix ("Steele, Jr., Guy L.")',
                           f"write each name as its own item: [{', '.join(map(quoted_item, pairs))}]"
                           if len(parts) % 2 == 0 and all(parts) else _ONE_A_ITEM)
    if not all(map(unbraced, parts)):
        return NameProblem(f"{said} has an empty part beside a comma",
                           'write both parts, "Family, Given" (as in "Das Sarma, Anish"), or the name first name '
                           "first without a comma")
    family, given = parts[0], parts[-1]
    suffix = parts[1] if len(parts) == 3 else ""
    if len(parts) == 2 and given in SUFFIXES:
        marked = split_name(f"{family} {given}")
        return NameProblem(f'{said} reads "Family, Given", but "{given}" is a suffix, not a given name',
                           f'write it first name first, "{family} {given}", or mark where the family name starts: '
                           f'"{family_given(marked)}"')
    if suffix and given in SUFFIXES and suffix not in SUFFIXES:
        return NameProblem(f'{said} puts the suffix last; a name with two commas is read in BibTeX\'s order, '
                           '"Family, Jr., Given"', f'write "{family}, {given}, {suffix}"')
    if suffix and suffix not in SUFFIXES:
        return NameProblem(f'{said} has "{suffix}" between its commas, where a suffix belongs '
                           f"({', '.join(_SUFFIX_WORDS[:-1])} or {_SUFFIX_WORDS[-1]})", _ONE_A_ITEM)
    if any(brace in given + suffix for brace in "{}"):
        return NameProblem(f"{said} has braces outside its family name; braces group words of the family name",
                           f'write "{family_given(NameSplit(unbraced(given), "", unbraced(family), unbraced(suffix)))}"')
    words = _family_words(family)
    if words is None:
        return NameProblem(f"{said} has braces that are not one pair around whole words of its family name",
                           f'write "{family_given(NameSplit(given, "", unbraced(family), suffix), grouped=True)}", or '
                           'without braces')
    lower = [i for i, word in enumerate(words[:-1]) if not word.startswith("{") and is_lowercase(word)]
    end = lower[-1] + 1 if lower else 0
    return NameSplit(given, unbraced(" ".join(words[:end])), unbraced(" ".join(words[end:])), suffix)


_WORD = r"\{[^{}]*[^\s{}][^{}]*\}|[^\s{}]+"
"""A word of a family name: a group of words in braces ("{De la Torre}"), or a word without braces."""


def _family_words(family: str) -> list[str] | None:
    """Split the family part of a name written "Family, Given" into its words, a group in braces one word ("{De la
    Torre}"); None when a brace is not one of a pair around whole words ("{De la", "{{De}}", "Mc{D}onald", "{}")."""
    if not re.fullmatch(f"(?:{_WORD})(?:\\s+(?:{_WORD}))*", family):
        return None
    return re.findall(_WORD, family)


def unbraced(text: str) -> str:
    """Drop the braces of a name: "{De la Torre}" is "De la Torre"."""
    return re.sub(r"\s+", " ", re.sub(r"[{}]", "", text)).strip()


def is_grouped(split: NameSplit) -> bool:
    """Tell whether a split's family name holds, before its last word, a lowercase word ("De la Torre"), which BibTeX
    and read_family_given would take for a particle: written "Family, Given", the family name goes in braces."""
    return any(is_lowercase(word) for word in split.family.split()[:-1])


_SUFFIX_WORDS = ("Jr.", "Sr.", "II", "III", "IV")
"""The suffixes of SUFFIXES, as messages list them."""
_ONE_A_ITEM = 'write one name an item, "Family, Given", "Family, Jr., Given" with a suffix, or first name first'


def quoted_item(name: str) -> str:
    """Write a name as an item of a YAML [flow list], in double quotes (JSON's are YAML's)."""
    return json.dumps(name, ensure_ascii=False)


def family_given(split: NameSplit, grouped: bool = False) -> str:
    """Write a split as read_family_given reads it back: "Das Sarma, Anish", "Steele, Jr., Guy L.", "{De la Torre},
    Fernando", "{Barnes, Inc.}"; grouped puts the family name in braces even where it needs none."""
    if is_literal(split):  # one word needs no braces: read first name first, it is all family name too
        return "{" + split.family + "}" if grouped or re.search(r"[\s,]", split.family) else split.family
    family = "{" + split.family + "}" if grouped or is_grouped(split) else split.family
    return ", ".join(part for part in (" ".join(filter(None, (split.particle, family))), split.suffix, split.given)
                     if part)


def first_name_first(split: NameSplit) -> str:
    """Write a name as readers read it, first name first: "Anish Das Sarma", "Guy L. Steele Jr."."""
    return " ".join(part for part in split if part)


def braces_problem(name: str) -> NameProblem | None:
    """Tell what is wrong with braces in a name written first name first ("Fernando {De la Torre}"): l2h reads braces
    only around the family name of a name written "Family, Given"; None for a name without braces."""
    if ("{" not in name and "}" not in name) or read_literal(name):
        return None
    return NameProblem(f'author "{name}" has braces; they group words of a family name only in a name written '
                       '"Family, Given", or a whole name, as an item of a YAML list of authors',
                       f"write it so: {quoted_item(unbraced_item(name))}" if read_given_group(name) else
                       f"write it without braces, {quoted_item(unbraced(name))}")


_GIVEN_GROUP = re.compile(r"([^{}]*\S)\s+\{([^{}]*[^\s{}][^{}]*)\}")
"""A name first name first whose family name is a group in braces, as BibTeX writes it: "Fernando {De la Torre}"."""


def read_given_group(name: str) -> NameSplit | None:
    """Read a name written first name first whose family name is a group in braces, as BibTeX writes it ("Fernando
    {De la Torre}": given name "Fernando", family name "De la Torre"); None for any other name."""
    group = _GIVEN_GROUP.fullmatch(name)
    return NameSplit(group.group(1).strip(), "", unbraced(group.group(2)), "") if group else None


def unbraced_item(name: str) -> str:
    """Write a name as an item of a list of authors without braces that l2h does not read: "Fernando {De la Torre}" as
    "{De la Torre}, Fernando", a whole name in braces as it is ("{Barnes, Inc.}"), the name without its braces else."""
    split = read_given_group(name) or read_literal(name)
    return family_given(split, grouped=True) if split else unbraced(name)
