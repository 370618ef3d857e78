"""BibTeX and RIS exports, read back by a BibTeX parser (bibtexparser) and an RIS one (rispy)."""

from __future__ import annotations

import datetime as dt

import bibtexparser
import pytest
import rispy

from dailypapers.collections.models import Collection, CollectionItem
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db


def bib(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library.entries


def ris(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    return rispy.loads(response.content.decode())


def test_a_papers_bibtex_is_arxivs_misc_entry(client, papers):
    [entry] = bib(client, "/papers/2605.01001.bib")
    assert entry.entry_type == "misc"
    assert entry["eprint"] == "2605.01001"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["primaryClass"] == "cs.CL"
    assert entry["author"] == "Grace Hopper and Alan Turing"
    assert "Sparse attention" in entry["title"]


def test_a_papers_ris(client, papers):
    [record] = ris(client, "/papers/2605.01001.ris")
    assert record["authors"] == ["Grace Hopper", "Alan Turing"]
    assert record["title"] == "Sparse attention for long documents"
    assert record["urls"] == ["https://arxiv.org/abs/2605.01001"]
    assert record["year"] == "2026"


def test_a_days_list_cites_every_paper_with_unique_keys(client, papers):
    # Same first author and year: the keys must still differ within one file.
    entries = bib(client, "/papers/date/2026-05-20.bib")
    assert {entry["eprint"] for entry in entries} == {"2605.01001", "2605.01002"}
    assert len({entry.key for entry in entries}) == 2
    assert len(ris(client, "/papers/date/2026-05-20.ris")) == 2


def test_a_search_and_a_collection(client, papers, alice, as_alice):
    entries = bib(client, "/papers/search.bib?q=alignment")
    assert entries[0]["eprint"] == "2605.01003"
    collection = Collection.objects.create(owner=alice, name="Reading", public=False)
    CollectionItem.objects.create(collection=collection, paper=papers["diffusion"])
    url = f"/users/alice/collections/{collection.pk}"
    assert client.get(url + ".bib").status_code == 404  # private: only alice sees it
    response = as_alice.get(url + ".ris")
    assert rispy.loads(response.content.decode())[0]["title"] == "Diffusion models for proteins"


def test_titles_with_braces_and_unicode_authors_still_parse(client, db):
    paper = make_paper(
        "A {weird} title with } unbalanced { braces & 100% _chars_",
        arxiv_id="2605.09999",
        authors=["Zoë Ångström", "李 雷"],
    )
    list_on(paper, dt.date(2026, 5, 20))
    [entry] = bib(client, "/papers/2605.09999.bib")
    assert entry["eprint"] == "2605.09999"
    assert entry.key == "angstrom2026"  # keys are ASCII: LaTeX tools choke on others
    assert "unbalanced" in entry["title"]
    assert ris(client, "/papers/2605.09999.ris")[0]["authors"] == ["Zoë Ångström", "李 雷"]
