"""The papers found, as a file: once the all-papers page's list is narrowed, its papers download as BibTeX or
CSL-JSON, in the order shown, each entry as the review's whole file has it (also those a large review's page has not
drawn yet)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .test_papers_page import tag_box, visible_keys, wait_count

DEEP = ["cao2017hashnet", "chaidaroon2017variational", "jiang2017deep", "shen2018unsupervised"]
"""The papers tagged Deep Learning."""
DEEP_BY_TITLE = ["jiang2017deep", "cao2017hashnet", "shen2018unsupervised", "chaidaroon2017variational"]


def downloaded(page: Any, kind: str) -> tuple[str, str]:
    """Click the export button of this kind ("bib" or "csl"); the file's suggested name and its text."""
    with page.expect_download() as info:
        page.click(f'#finder-export button[data-export="{kind}"]')
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def bib_entries(text: str) -> dict[str, str]:
    """The entries of a BibTeX file written as l2h writes papers.bib, by key."""
    return {re.match(r"@\w+\{([^,]+),", entry)[1]: entry.strip()  # type: ignore[index]
            for entry in re.split(r"\n(?=@\w+\{)", text) if entry.strip()}


def test_the_papers_found_download_as_bibtex_and_csl_json_in_the_order_shown(page: Any, base_url: str,
                                                                            built_site: Path) -> None:
    """Hidden while every paper is listed (the page's own links give the whole files); a tag ticked, the four papers
    (a large review's page draws three of them at first) download in the order shown, each entry as papers.bib and
    papers.json have it; sorted by title, the files follow the new order; all shown again, the line hides."""
    page.goto(base_url + "papers/")
    wait_count(page, 8)
    export = page.locator("#finder-export")
    expect(export).to_be_hidden()
    tag_box(page, "Deep Learning").check()
    wait_count(page, 4)
    expect(export).to_be_visible()
    expect(export).to_have_text("Download these papers as BibTeX or CSL-JSON")
    page.emulate_media(media="print")  # nothing to click on paper
    expect(export).to_be_hidden()
    page.emulate_media(media="screen")
    whole = bib_entries((built_site / "papers.bib").read_text(encoding="utf-8"))
    name, text = downloaded(page, "bib")
    assert name == "papers-selected.bib"
    keys = list(bib_entries(text))
    assert sorted(keys) == DEEP and keys[0] == "shen2018unsupervised"  # newest first
    assert text == "\n\n".join(whole[key] for key in keys) + "\n"
    items = {item["id"]: item for item in json.loads((built_site / "papers.json").read_text(encoding="utf-8"))}
    name, text = downloaded(page, "csl")
    assert name == "papers-selected.json"
    assert json.loads(text) == [items[key] for key in keys]
    assert visible_keys(page) == keys  # the order shown, once all are drawn

    page.select_option("#f-sort", "title")
    expect(page.locator("#finder-results .year-group")).to_have_count(0)  # the new order is drawn
    assert list(bib_entries(downloaded(page, "bib")[1])) == DEEP_BY_TITLE
    assert [item["id"] for item in json.loads(downloaded(page, "csl")[1])] == DEEP_BY_TITLE

    page.get_by_role("button", name="Clear all").click()
    wait_count(page, 8)
    expect(export).to_be_hidden()


def test_a_search_downloads_what_it_found_and_a_failed_download_is_said_and_tried_again(page: Any,
                                                                                       base_url: str) -> None:
    """The papers a search finds download too. When papers.bib cannot be loaded the status says so, and the next
    click loads it again."""
    page.route("**/papers.bib", lambda route: route.abort())
    page.goto(base_url + "papers/")
    wait_count(page, 8)
    page.fill("#f-q", "quantisation")
    wait_count(page, 2)
    found = visible_keys(page)
    assert sorted(found) == ["gong2011iterative", "jegou2011product"]
    page.click('#finder-export button[data-export="bib"]')
    expect(page.locator("#finder-status")).to_have_text("The download failed: the review\u2019s papers.bib could not "
                                                        "be loaded.")
    page.unroute("**/papers.bib")
    assert list(bib_entries(downloaded(page, "bib")[1])) == found
