"""The data behind the all-papers page's finder, split so that no visitor downloads the whole review.

The page fetches, in this order and only when needed:

- ``papers/finder.json``: what filtering needs, for every paper, in page order (newest first):
  the years as runs, a venue number per paper, and each tag's and facet value's papers as a
  posting list (gaps between paper numbers, base 36, comma-separated). About 20 bytes a paper.
- ``papers/cards/<n>.json``: what a result shows (key, title as sanitised HTML, authors) for papers
  ``n*CARDS .. n*CARDS+CARDS-1``; only the cards of the results on screen are fetched.
- ``papers/finder-sort.json``: each paper's rank by title and by venue, fetched on the first sort
  (fixed-width base-36 digits run together: 3 characters a paper up to 46,656 papers).
- ``papers/finder-search.json``: each paper's Pagefind page id, fetched with the search index, so
  that every search hit is mapped to its paper without loading the hit's fragment (the ids' hex
  digits run together: 7 characters a paper).
- ``papers/finder-words.json``: the words of the papers' titles, authors, venues, tags, facets and
  summaries, in lower case (a word with accents as the papers write it most, which the page folds as the search
  folds words), with how often each occurs: fetched only when a search of a review whose papers' text the page
  does not hold finds nothing, for its "Did you mean …?".

All of it is computed from the SiteContext, sorted and serialised with fixed options: deterministic.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from l2h_site.context import PaperView, SiteContext
from l2h_site.model import RenderedPage

CARDS = 100
"""Papers per card file: a page of results fetches one or two files in the default order."""
_FRAGMENT_PATH = re.compile(r"^pagefind(?:-[0-9]+)?/fragment/([^/]+)\.pf_fragment$")
_EXTRA_BUNDLE = re.compile(r"^(pagefind-[0-9]+)/pagefind-entry\.json$")
_FRAGMENT_SIGNATURE = b"pagefind_dcd"
_SEARCH_ID = re.compile(r"^([a-z][a-z0-9-]*_)[0-9a-f]+$")
_PUBLICATION = re.compile(r"^/?publications/([^/]+)/(?:index\.html)?$")


_COMBINING = re.compile("[\u0300-\u036f]")
"""Combining diacritical marks, which fold removes after decomposing."""
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PAIRS = tuple(high + low for high in _DIGITS for low in _DIGITS)
"""Every number below 36 ** 2 as two base-36 digits, by value: "00" to "zz"."""
_SMALL = tuple(pair.lstrip("0") or "0" for pair in _PAIRS)
"""The same numbers without leading zeros."""


def fold(text: str) -> str:
    """Fold text for sorting: accents removed, lower case, other letters kept (unlike textutil.ascii_fold,
    which drops them: a title in Greek or Chinese would sort as empty)."""
    if text.isascii():  # nothing to decompose or remove: most titles, at a hundredth of the cost
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).lower()


def _base36(number: int) -> str:
    """Write an integer in base 36, lower case (as numpy.base_repr, which took 1.5 µs a number: 60,000 of them at
    5,000 papers)."""
    if 0 <= number < len(_SMALL):
        return _SMALL[number]
    if number < 0:
        return "-" + _base36(-number)
    high, low = divmod(number, len(_PAIRS))
    return _base36(high) + _PAIRS[low]


def posting(indices: Sequence[int]) -> str:
    """Encode ascending paper numbers as base-36 gaps: [3, 4, 40] -> '3,1,10'."""
    previous = 0
    parts = []
    for index in indices:
        parts.append(_base36(index - previous))
        previous = index
    return ",".join(parts)


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def finder_index(site: SiteContext) -> dict[str, Any]:
    """What the finder filters on, for every paper in page order."""
    papers = site.papers
    number = site.numbers
    venues = sorted({v.paper.venue for v in papers if v.paper.venue})
    venue_number = {name: i for i, name in enumerate(venues)}
    tags = [[tag.name, tag.slug, posting([number[v.paper.key] for v in site.tag_papers[tag.name]])]
            for tag in site.taxonomy.tags if site.tag_papers[tag.name]]
    facets = {facet.id: {value.id: posting([number[v.paper.key] for v in site.facet_papers[(facet.id, value.id)]])
                         for value in facet.values if site.facet_papers[(facet.id, value.id)]}
              for facet in site.taxonomy.facets}
    return {
        "version": 1,
        "count": len(papers),
        "cards": CARDS,
        "years": [[year, len(list(group))] for year, group in groupby(v.paper.year for v in papers)],
        "venues": venues,
        "venue": [venue_number[v.paper.venue] if v.paper.venue else -1 for v in papers],
        "tags": tags,
        "facets": facets,
    }


def fixed_width(numbers: Sequence[int]) -> dict[str, Any]:
    """Encode numbers as one string of equal-width base-36 digits (no separators): compact and fast to cut."""
    coded = [_base36(n) for n in numbers]
    width = max(map(len, coded), default=1)
    return {"width": width, "digits": "".join(digits.rjust(width, "0") for digits in coded)}


def sort_ranks(site: SiteContext) -> dict[str, Any]:
    """Each paper's position when sorted by title, and by venue (no venue last, then newest first)."""
    title_rank, venue_rank = _ranks(site)
    return {"title": fixed_width(title_rank), "venue": fixed_width(venue_rank)}


def _ranks(site: SiteContext) -> tuple[list[int], list[int]]:
    papers = [view.paper for view in site.papers]
    title_rank = _rank([fold(v.title_text) for v in site.papers])  # equal titles in page order: the sort is stable
    folded = {venue: fold(venue) for venue in {p.venue or "" for p in papers}}
    venue_rank = _rank([(not p.venue, folded[p.venue or ""], -p.year, rank) for p, rank in zip(papers, title_rank)])
    return title_rank, venue_rank


def _rank(keys: Sequence[Any]) -> list[int]:
    """Each item's position when the items are sorted by their keys (equal keys in item order)."""
    rank = [0] * len(keys)
    for position, i in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
        rank[i] = position
    return rank


def cards(site: SiteContext) -> list[list[list[str]]]:
    """What each result shows, CARDS papers to a file: [key, title HTML, authors]."""
    rows = [[v.paper.key, v.title_html, author_list(v.paper.authors)] for v in site.papers]
    return [rows[start:start + CARDS] for start in range(0, len(rows), CARDS)] or [[]]


def author_list(names: Sequence[str]) -> str:
    """Join author names as a reader writes them: 'A, B and C'."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def search_id_file(ids: Sequence[str], bundles: Sequence[str] = ()) -> dict[str, Any]:
    """Pack the ids: Pagefind's are a language prefix and a fixed number of hex digits, so the file is
    the prefix and the digits run together; any other shape is kept as a list. `bundles` are the
    folders of the search bundles after the first (pagefind-1/, ...), which the page merges."""
    match = _SEARCH_ID.match(ids[0]) if ids else None
    packed: dict[str, Any] = {"list": list(ids)}
    if match and all(len(i) == len(ids[0]) and i.startswith(match.group(1)) and _SEARCH_ID.match(i) for i in ids):
        prefix = match.group(1)
        packed = {"prefix": prefix, "width": len(ids[0]) - len(prefix), "digits": "".join(i[len(prefix):] for i in ids)}
    return {**packed, "bundles": list(bundles)} if bundles else packed


def extra_bundles(bundle: Sequence[RenderedPage]) -> list[str]:
    """Folders of the search bundles after the first, in their order."""
    found = [m.group(1) for m in map(_EXTRA_BUNDLE.match, (p.path for p in bundle)) if m]
    return [f"{name}/" for name in sorted(found, key=lambda name: int(name.rsplit("-", 1)[1]))]


def search_ids(keys: Sequence[str], bundle: Sequence[RenderedPage],
               known: dict[tuple[str, bytes], tuple[str, str] | None] | None = None) -> list[str]:
    """Each paper's Pagefind page id ('' where unknown), read from the bundle's fragment files.

    A fragment is gzip-compressed JSON, after a signature, with the page's URL; its file name is
    the id a search result carries. An unreadable fragment only costs the page one extra request.
    known: what each fragment named, by its path and bytes, from the last build (l2h serve); replaced by this
    build's fragments.
    """
    by_key: dict[str, str] = {}
    seen: dict[tuple[str, bytes], tuple[str, str] | None] = {}
    for page in bundle:
        fragment = _FRAGMENT_PATH.match(page.path)
        if not fragment:
            continue
        fragment_key = (page.path, page.content)
        named = (known[fragment_key] if known is not None and fragment_key in known
                 else _fragment_names(page.content, fragment.group(1)))
        seen[fragment_key] = named
        if named is not None:
            by_key[named[0]] = named[1]
    if known is not None:
        known.clear()
        known.update(seen)
    return [by_key.get(key, "") for key in keys]


def _fragment_names(content: bytes, page_id: str) -> tuple[str, str] | None:
    """The key of the paper whose page a fragment indexes and the fragment's id, or None (not a paper's page, or
    unreadable)."""
    try:
        data = gzip.decompress(content)
        data = data.removeprefix(_FRAGMENT_SIGNATURE)
        url = json.loads(data.decode("utf-8")).get("url", "")
    except (OSError, EOFError, ValueError, AttributeError):
        return None
    match = _PUBLICATION.match(str(url))
    return (match.group(1), page_id) if match else None


WORD_LETTERS = 4
"""The shortest word of the word list: the page never corrects a shorter one, nor offers one (too many are close)."""
MAX_WORDS = 10000
"""The most words the list holds: the most frequent, whole groups of equal count (so that no word is kept over another
as frequent for its place in the alphabet): some 85 KB, 40 KB gzipped, at the 8 and 4 bytes a word of this
repository's review (3,135 words of 4 letters or more in its 239 papers)."""
_ASCII_WORD = re.compile(f"[a-z]{{{WORD_LETTERS},}}")
_WORD = re.compile(f"[^\\W\\d_]{{{WORD_LETTERS},}}")
"""Runs of letters, and of other word characters that are no digit (a rare "²"): count_words keeps only the letters."""
_TAG = re.compile(r"<[^>]*>")
PIECE_CHARACTERS = 100_000
"""count_words lists the words of a text piece by piece, each this long and up to the next line break: listed all at
once, the words of 20,000 papers (2 million strings) took 160 MB for 1.6 s, the build process's highest moment."""


def count_words(text: str) -> Counter[str]:
    """Count the words of WORD_LETTERS letters or more of a text, as the page's suggestion reads them: folded, runs of
    letters (papers.js: /\\p{L}+/u)."""
    folded = fold(text)
    return _letter_words(folded, _ASCII_WORD if folded.isascii() else _WORD)


def accented_words(text: str) -> Counter[str]:
    """Count the words of a text that are written with accents, in lower case as the text writes them ("jégou",
    composed: NFC), where count_words counts them folded ("jegou"). The word list writes a word in its most frequent
    such form, which the page folds again to match it, so that "Did you mean …?" shows the word as the papers write
    it. Only letters: a form whose folded form keeps a mark (of a script whose marks fold leaves) is not counted."""
    if text.isascii():
        return Counter()
    words = _letter_words(unicodedata.normalize("NFC", text).lower(), _WORD)
    return Counter({word: times for word, times in words.items()
                    if (folded := fold(word)) != word and len(folded) >= WORD_LETTERS and folded.isalpha()})


def _letter_words(text: str, pattern: re.Pattern[str]) -> Counter[str]:
    """Count the words of WORD_LETTERS letters or more of a text (_ASCII_WORD's, or _WORD's cut into runs of letters),
    a piece at a time (PIECE_CHARACTERS)."""
    counts: Counter[str] = Counter()
    start = 0
    while start < len(text):  # no word holds a line break: a piece ends after one
        end = text.find("\n", start + PIECE_CHARACTERS) + 1 or len(text)
        counts.update(pattern.findall(text, start, end))
        start = end
    if pattern is _ASCII_WORD:
        return counts
    for run in [run for run in counts if not run.isalpha()]:  # each such word once, not each time it occurs
        times = counts.pop(run)
        for word in "".join(c if c.isalpha() else " " for c in run).split():
            if len(word) >= WORD_LETTERS:
                counts[word] += times
    return counts


def _summary_text(view: PaperView) -> str:
    """The words of a paper's summary: its text as PaperView.summary_text, at a tenth of the cost (html_text's
    sanitiser takes 0.4 s at 20,000 papers); the HTML is sanitised, so each "<" is a tag's."""
    if view.own_text:
        return view.own_text
    text = _TAG.sub(" ", view.summary_html)
    return html.unescape(text) if "&" in text else text


class WordCounts:
    """The word list's counts of the last build, kept between the builds of l2h serve: each paper's view and its
    digest (render._view_digests), and the counts of all their words. After an edit only the papers whose digest
    changed are counted again (counting every paper's words took 0.16 s of each rebuild at 5,000 papers). The views
    are those the cache keeps anyway (BuildCache.views): holding them costs nothing but for the edited papers'."""

    def __init__(self) -> None:
        self.labels: dict[tuple[str, str], str] = {}
        self.papers: dict[str, tuple[str, PaperView]] = {}
        self.total: Counter[str] = Counter()
        self.accented: Counter[str] = Counter()


def _paper_texts(view: PaperView, labels: dict[tuple[str, str], str]) -> list[str]:
    """The texts of a paper the page matches words in: title, authors, venue, tags, facet values and labels, summary."""
    paper = view.paper
    facets = [text for facet, values in paper.facets.items() for value in values
              for text in (value, labels.get((facet, value), ""))]
    return [view.title_text, *paper.authors, paper.venue or "", *paper.tags, *facets, _summary_text(view)]


def _count_papers(views: Sequence[PaperView], labels: dict[tuple[str, str], str]) -> tuple[Counter[str], Counter[str]]:
    """The words of these papers' texts, counted: folded (count_words), and those written with accents as written
    (accented_words)."""
    texts = [text for view in views for text in _paper_texts(view, labels)]
    # Folded and cut in one go, the ASCII texts apart from the others (paper by paper, with the Unicode rules for
    # every text, took three times as long).
    counts = count_words("\n".join(text for text in texts if text.isascii()))
    others = "\n".join(text for text in texts if not text.isascii())
    counts.update(count_words(others))
    return counts, accented_words(others)


def _counted(site: SiteContext, labels: dict[tuple[str, str], str], kept: WordCounts | None,
             digests: dict[str, str] | None) -> tuple[Counter[str], Counter[str]]:
    """The words of every paper, counted, and those written with accents (see _count_papers): all of them, or (kept
    and digests given) only those of the papers that changed since the build kept counted, their old words taken off
    and their new ones added."""
    if kept is None or digests is None:
        return _count_papers(site.papers, labels)
    if kept.labels != labels:  # a facet's label changed: every paper holding its value counts other words
        kept.labels, kept.papers, kept.total, kept.accented = labels, {}, Counter(), Counter()
    last = kept.papers
    papers: dict[str, tuple[str, PaperView]] = {}
    gone: list[PaperView] = []
    new: list[PaperView] = []
    for view in site.papers:
        digest = digests[view.paper.key]
        before = last.pop(view.paper.key, None)
        if before is None or before[0] != digest:
            gone += [before[1]] if before is not None else []
            new.append(view)
        papers[view.paper.key] = (digest, view)
    gone += [view for _, view in last.values()]  # papers no longer in the review
    # Counter's "-" keeps the words still counted: no count falls below 0, and those at 0 are gone
    (gone_words, gone_accented), (new_words, new_accented) = _count_papers(gone, labels), _count_papers(new, labels)
    kept.total = kept.total - gone_words + new_words
    kept.accented = kept.accented - gone_accented + new_accented
    kept.papers = papers
    return kept.total, kept.accented


def word_list(site: SiteContext, kept: WordCounts | None = None, digests: dict[str, str] | None = None,
              ) -> dict[str, Any]:
    """The words of what the page matches (titles, authors, venues, tags, facet values and labels, summaries) of
    WORD_LETTERS letters or more, with how often each occurs: [[count, "word word ..."], ...], the most frequent
    first, each group's words in alphabetical order of their folded form (what gzip packs best: no count is written
    per word). A word is counted folded, and written in lower case as the papers write it most often: folded
    ("hashing", "jegou"), or with its accents ("jégou", which the page folds to match it and shows in its "Did you
    mean …?"); of forms written as often, the folded one, else the first in alphabetical order.
    kept, digests: the counts of the last build and each paper view's digest (l2h serve: see WordCounts)."""
    labels = {(facet.id, value.id): value.label for facet in site.taxonomy.facets for value in facet.values}
    counts, accented = _counted(site, labels, kept, digests)
    forms: dict[str, Counter[str]] = {}
    for form, times in accented.items():
        forms.setdefault(fold(form), Counter())[form] = times
    shown: dict[str, str] = {}
    for word, written in forms.items():
        form, times = min(written.items(), key=lambda item: (-item[1], item[0]))
        if times > counts[word] - written.total():  # more often than written without accents
            shown[word] = form
    groups: dict[int, list[str]] = {}
    for word, count in counts.items():
        groups.setdefault(count, []).append(word)
    kept_words, held = [], 0
    for count in sorted(groups, reverse=True):
        held += len(groups[count])
        if held > MAX_WORDS:
            break
        kept_words.append([count, " ".join(shown.get(word, word) for word in sorted(groups[count]))])
    return {"version": 2, "words": kept_words}


def finder_files(site: SiteContext, words: WordCounts | None = None, digests: dict[str, str] | None = None,
                 ) -> list[RenderedPage]:
    """Every file of the finder's data, under papers/, but the search ids (finder_search_file). words, digests: the
    word list's counts kept between builds and each paper view's digest (l2h serve: see WordCounts)."""
    files = [RenderedPage("papers/finder.json", _dump(finder_index(site))),
             RenderedPage("papers/finder-sort.json", _dump(sort_ranks(site))),
             RenderedPage("papers/finder-words.json", _dump(word_list(site, words, digests)))]
    files += [RenderedPage(f"papers/cards/{n}.json", _dump(chunk)) for n, chunk in enumerate(cards(site))]
    return files


def finder_search_file(keys: Sequence[str], bundle: Sequence[RenderedPage],
                       known: dict[tuple[str, bytes], tuple[str, str] | None] | None = None) -> RenderedPage:
    """The finder's file of each paper's search id (keys: the papers in the site's order) and the bundles' folders.

    known: what the last build's fragments named (see search_ids), kept between the builds of l2h serve."""
    return RenderedPage("papers/finder-search.json", _dump(search_id_file(search_ids(keys, bundle, known),
                                                                          extra_bundles(bundle))))
