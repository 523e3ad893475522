"""`l2h schema`: the JSON Schema (draft-07) of a paper's front matter, generated from taxonomy.yml.

`l2h check` stays the authority (it also checks keys, placeholders and duplicates); the schema
gives editors and other tools the same fields, tags and facet values, and a test keeps the two
in agreement.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from l2h_site.config import load_config
from l2h_site.diagnostics import format_text, is_failure
from l2h_site.model import KEY_FORM, Facet, Taxonomy
from l2h_site.parse import MAX_AUTHORS, MAX_TAGS, MAX_TITLE_CHARS
from l2h_site.taxonomy import load_taxonomy

HELP = "print the JSON Schema (draft-07) of a paper's front matter, generated from taxonomy.yml"
DRAFT = "http://json-schema.org/draft-07/schema#"
ARXIV_PATTERN = r"^(arxiv:|arXiv:|https?://arxiv\.org/abs/)?([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7})(v[0-9]+)?$"
DOI_PATTERN = r"^(https?://(dx\.)?doi\.org/|doi:)?10\.[0-9]{4,9}/[^\s{}\\]*[^\s{}\\.,;:]$"
URL_PATTERN = r"^https?://[^\s/?#&\\]+[^\s]*$"


def _text(description: str, max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "description": description}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _authors(description: str) -> dict[str, Any]:
    return {"description": description, "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": MAX_AUTHORS},
    ]}


def _links(description: str) -> dict[str, Any]:
    return {"type": ["array", "null"], "description": description, "items": {
        "type": "object", "required": ["url"],
        "properties": {"name": {"type": "string", "description": "Label, e.g. Code or PDF"},
                       "url": {"type": "string", "pattern": URL_PATTERN, "description": "Absolute http(s) URL"}}}}


def _facet(facet: Facet) -> dict[str, Any]:
    values = [v.id for v in facet.values]
    listing = "; ".join(f"{v.id}: {v.label}" for v in facet.values)
    description = f"{facet.label}. {facet.description} Values: {listing}."
    one = {"type": "string", "enum": values}
    many = {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}
    if not facet.multiple:
        many["maxItems"] = 1
    return {"description": description, "anyOf": [one, many]}


def paper_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """Build the JSON Schema of a paper's front matter for this taxonomy."""
    tag_names = [t.name for t in taxonomy.tags] + [a for t in taxonomy.tags for a in t.aliases]
    venue: dict[str, Any] = {"type": ["string", "null"], "description": "Conference or journal short name, e.g. NeurIPS"}
    if taxonomy.venues:  # any venue is allowed: these are the names the site shows, which editors can offer
        names = [v.name for v in taxonomy.venues]
        other = next((f" (another name of one, such as {v.aliases[0]}, is read as {v.name})"
                      for v in taxonomy.venues if v.aliases), "")
        venue["description"] += f"; taxonomy.yml's venues: {', '.join(names)}{other}"
        venue["examples"] = names
    properties: dict[str, Any] = {
        "title": _text("Title as published; quote it if it contains ': '", MAX_TITLE_CHARS),
        "authors": _authors("Every author as published: 'First Last, First Last' or a list, one name an item, "
                            "'First Last' or, to mark where it splits, 'Family, Given'"),
        "author": _authors("Jekyll spelling of authors"),
        "year": {"type": "integer", "minimum": 1900, "description": "Year of publication, without quotes"},
        "venue": venue,
        "conference": {**venue, "description": "Jekyll spelling of venue"},
        "journal": {**venue, "description": "Jekyll spelling of venue"},
        "tags": {"type": ["array", "null"], "maxItems": MAX_TAGS, "uniqueItems": True,
                 "description": "Tags from taxonomy.yml (aliases are read as their canonical tag)",
                 "items": {"type": "string", "enum": tag_names}},
        "links": _links("External links: '- name: Code' then '  url: https://…'"),
        "additional_links": _links("Jekyll spelling of links"),
        "arxiv": {"type": ["string", "null"], "pattern": ARXIV_PATTERN, "description": "arXiv id, e.g. 1509.02897"},
        "doi": {"type": ["string", "null"], "pattern": DOI_PATTERN, "description": "DOI, e.g. 10.1109/TPAMI.2012.193"},
        "added": {"type": ["string", "null"], "format": "date", "description": "Date added, YYYY-MM-DD"},
        "distinct_from": {"type": "array", "items": {"type": "string"},
                          "description": "Keys of papers with a near-identical title that are different papers"},
        "former_keys": {"type": ["array", "null"], "uniqueItems": True,
                        "items": {"type": "string", "pattern": KEY_FORM.pattern},
                        "description": "Keys the paper had before its file was renamed; each old address "
                                       "redirects to the paper's page"},
        "bibkey": {"type": "string", "description": "Legacy Jekyll key; the file name is the key"},
        "layout": {"type": "string", "description": "Legacy Jekyll layout; ignored"},
        "citations": {"description": "Legacy Jekyll citation count; ignored"},
        "short_authors": {"type": "string", "description": "Legacy short author line; ignored"},
    }
    for facet in taxonomy.facets:
        properties[facet.id] = _facet(facet)
    required_facets = [f.id for f in taxonomy.facets if f.required]
    return {
        "$schema": DRAFT,
        "title": "Front matter of an l2h paper file",
        "description": "Generated by `l2h schema` from taxonomy.yml; `l2h check` is the authority.",
        "type": "object",
        "properties": properties,
        "required": ["title", "year", *required_facets],
        "anyOf": [{"required": ["authors"]}, {"required": ["author"]}],
        "additionalProperties": False,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `l2h schema` (none beyond --root)."""


def run(args: argparse.Namespace) -> int:
    """Print the schema of the review at args.root; 1 when its taxonomy is broken."""
    config, problems = load_config(args.root)
    taxonomy, more = load_taxonomy(config.path(config.taxonomy), config.taxonomy)
    if problems or more:
        sys.stderr.write(format_text(problems + more))
    if is_failure(problems + more, False):  # a warning, such as a resources page l2h.yml names but lacks, is no failure
        return 1
    sys.stdout.write(json.dumps(paper_schema(taxonomy), indent=2, ensure_ascii=False) + "\n")
    return 0
