"""`l2h schema`: a valid draft-07 schema from taxonomy.yml that agrees with `l2h check`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import MINIMAL_TAXONOMY

from l2h_site.build import check_site
from l2h_site.cli import main
from l2h_site.config import load_config
from l2h_site.schema import paper_schema
from l2h_site.taxonomy import load_taxonomy

Site = Callable[[dict[str, "str | bytes"]], Path]
REPO = Path(__file__).resolve().parent.parent


def front_matter(text: str) -> Any:
    """Load a paper's front matter the way an editor sees it: YAML dates as text."""
    data = yaml.safe_load(text.split("---\n")[1])

    def plain(value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    return plain(data)


def repo_schema() -> dict[str, Any]:
    config, _ = load_config(REPO)
    taxonomy, problems = load_taxonomy(config.path(config.taxonomy), config.taxonomy)
    assert problems == []
    return paper_schema(taxonomy)


def test_schema_is_valid_draft_07_with_the_taxonomy_in_it() -> None:
    schema = repo_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "Image Retrieval" in schema["properties"]["tags"]["items"]["enum"]
    assert "Transformer" in schema["properties"]["tags"]["items"]["enum"]  # an alias
    assert schema["properties"]["family"]["anyOf"][0]["enum"][:2] == ["data-independent", "unsupervised"]
    assert {"title", "year", "family"} <= set(schema["required"])


def test_every_paper_of_the_repository_matches_the_schema() -> None:
    validator = jsonschema.Draft7Validator(repo_schema())
    papers = sorted((REPO / "papers").glob("*.md"))
    assert len(papers) > 100
    failures = {p.name: [e.message for e in validator.iter_errors(front_matter(p.read_text(encoding="utf-8")))]
                for p in papers}
    assert {name: errors for name, errors in failures.items() if errors} == {}


def test_cli_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--root", str(REPO)]) == 0
    assert json.loads(capsys.readouterr().out) == repo_schema()


def test_the_taxonomy_s_venues_are_offered_and_any_venue_is_allowed(site: Site) -> None:
    root = site({"taxonomy.yml": MINIMAL_TAXONOMY + "venues:\n  NeurIPS:\n    aliases: [NIPS]\n  TPAMI:\n"})
    schema = paper_schema(load_taxonomy(root / "taxonomy.yml", "taxonomy.yml")[0])
    venue = schema["properties"]["venue"]
    assert venue == {"type": ["string", "null"], "examples": ["NeurIPS", "TPAMI"], "description": (
        "Conference or journal short name, e.g. NeurIPS; taxonomy.yml's venues: NeurIPS, TPAMI (another name of one, "
        "such as NIPS, is read as NeurIPS)")}
    jsonschema.Draft7Validator.check_schema(schema)
    assert list(jsonschema.Draft7Validator(schema).iter_errors({**GOOD, "venue": "NIPS"})) == []
    # without venues, as before
    assert "examples" not in paper_schema(load_taxonomy(REPO / "tests/sites/golden/taxonomy.yml", "t")[0])[
        "properties"]["venue"]


def test_cli_reports_a_broken_taxonomy(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"taxonomy.yml": "tags: [\n"})
    assert main(["schema", "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("taxonomy.yml:")


def test_cli_prints_the_schema_beside_a_config_warning(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"l2h.yml": "resources: links.md\n"})  # a page named but missing: a warning, the schema is still right
    assert main(["schema", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == paper_schema(load_taxonomy(root / "taxonomy.yml", "taxonomy.yml")[0])
    assert captured.err.startswith('l2h.yml:1:12: warning[config-page-missing]: resources "links.md" does not exist')


GOOD = {"title": "Spectral Hashing", "authors": "Yair Weiss", "year": 2008, "tags": ["Image Retrieval"],
        "family": "unsupervised", "modality": ["image"]}
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown tag", {"tags": ["Image Retreival"]}, "unknown-tag"),
    ("tag drift", {"tags": ["image retrieval"]}, "tag-drift"),
    ("unknown facet value", {"family": "unsupervized"}, "unknown-facet-value"),
    ("two values for a single facet", {"family": ["unsupervised", "supervised"]}, "facet-single"),
    ("missing required facet", {"family": None}, "missing-facet"),
    ("placeholder facet", {"family": "TODO"}, "placeholder"),
    ("year as text", {"year": "2008"}, "wrong-type"),
    ("missing year", {"year": None}, "missing-field"),
    ("missing authors", {"authors": None}, "missing-field"),
    ("tags as text", {"tags": "Image Retrieval"}, "wrong-type"),
    ("bad arXiv id", {"arxiv": "not-an-id"}, "arxiv-format"),
    ("bad DOI", {"doi": "11.1/x"}, "doi-format"),
    ("DOI with a brace", {"doi": "10.1000/a}b"}, "doi-format"),
    ("DOI with a trailing period", {"doi": "10.1109/CVPR.2008.4587633."}, "doi-format"),
    ("javascript link", {"links": [{"name": "Code", "url": "javascript:alert(1)"}]}, "unsafe-url"),
    ("unknown field", {"venu": "NeurIPS"}, "unknown-field"),
    ("malformed former key", {"former_keys": ["Weiss-2008"]}, "former-key-form"),
    ("former keys as text", {"former_keys": "weiss2007spectral"}, "wrong-type"),
]


@pytest.mark.parametrize(("case", "change", "code"), BAD, ids=[b[0] for b in BAD])
def test_schema_and_check_agree_on_bad_front_matter(site: Site, case: str, change: dict[str, Any],
                                                    code: str) -> None:
    data = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    text = "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\nA summary.\n"
    root = site({"papers/weiss2008spectral.md": text})
    codes = {d.code for d in check_site(root).diagnostics}
    config, _ = load_config(root)
    taxonomy, _ = load_taxonomy(config.path(config.taxonomy), config.taxonomy)
    errors = list(jsonschema.Draft7Validator(paper_schema(taxonomy)).iter_errors(front_matter(text)))
    assert code in codes, case
    assert errors, f"the schema accepts {case}"


def test_schema_and_check_agree_on_good_front_matter(site: Site) -> None:
    data = {**GOOD, "tags": ["Transformer"], "arxiv": "1509.02897v2", "doi": "https://doi.org/10.1000/x",
            "links": [{"name": "Code", "url": "https://arxiv.org/abs/1509.02897"}], "added": dt.date(2024, 5, 31),
            "conference": "NIPS", "bibkey": "weiss2008spectral", "layout": "publication",
            "former_keys": ["weiss2007spectral"]}
    text = "---\n" + yaml.safe_dump(data, sort_keys=False) + "---\nA summary.\n"
    root = site({"papers/weiss2008spectral.md": text})
    assert [d for d in check_site(root).diagnostics if d.severity != "note"] == []
    config, _ = load_config(root)
    taxonomy, _ = load_taxonomy(config.path(config.taxonomy), config.taxonomy)
    assert list(jsonschema.Draft7Validator(paper_schema(taxonomy)).iter_errors(front_matter(text))) == []
