"""Importing a reference file through the library page: what matched, what was queued, what
was not found; re-importing changes nothing; a bad file imports nothing and says why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dailypapers.library.importing import import_file
from dailypapers.library.models import LibraryItem, PendingImport
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_papers():
    """Three papers of the bundled demo data, as the fixture files cite them."""
    return [
        make_paper("mHC: Manifold-Constrained Hyper-Connections", arxiv_id="2512.24880"),
        make_paper(
            "RL-AWB: Deep Reinforcement Learning for Auto White Balance Correction in "
            "Low-Light Night-time Scenes",
            arxiv_id="2601.05249",
        ),
        make_paper(
            "Towards Energy Impact on AI-Powered 6G IoT Networks: Centralized vs. Decentralized",
            arxiv_id="2604.19377",
            doi="10.1145/3712345.3712399",  # made up for the test: the real paper has none
        ),
        make_paper("An unrelated paper about graph coloring", arxiv_id="2605.00001"),
    ]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("name", ["zotero.bib", "zotero.ris", "zotero.json"])
def test_an_import_matches_by_arxiv_id_doi_and_title(alice, demo_papers, reference_file, name):
    report = import_file(alice, reference_file(name))
    assert report.as_dict() == {
        "references": 5,
        "matched": 3,
        "added": 3,
        "queued_for_fetching": 1,
        "not_found": 1,
    }
    in_library = set(
        LibraryItem.objects.filter(user=alice).values_list("paper__arxiv_id", flat=True)
    )
    assert in_library == {"2512.24880", "2601.05249", "2604.19377"}
    assert list(PendingImport.objects.values_list("arxiv_id", flat=True)) == ["2606.01850"]
    assert report.not_found_titles == ["The Art of Computer Programming"]


def test_importing_the_same_file_again_changes_nothing(alice, demo_papers, reference_file):
    import_file(alice, reference_file("zotero.bib"))
    before = list(LibraryItem.objects.values_list("id", "paper_id", "added"))
    again = import_file(alice, reference_file("zotero.bib"))
    assert again.added == 0 and again.matched == 3
    assert list(LibraryItem.objects.values_list("id", "paper_id", "added")) == before
    assert PendingImport.objects.count() == 1


def test_the_page_reports_the_counts(as_alice, alice, demo_papers, reference_file):
    response = as_alice.post(
        "/library/import",
        {"file": upload("My Library.bib", reference_file("zotero.bib"))},
        follow=True,
    )
    text = response.content.decode()
    assert (
        "3 of 5 references matched papers here; 3 new in your library; 1 arXiv papers "
        "queued for fetching; 1 not found." in text
    )
    assert "2606.01850" in text  # listed as waiting to be fetched


def test_a_broken_file_imports_nothing_and_answers_400(as_alice, demo_papers, reference_file):
    response = as_alice.post(
        "/library/import", {"file": upload("b.bib", reference_file("broken.bib"))}
    )
    assert response.status_code == 400
    assert "Nothing was imported from b.bib" in response.content.decode()
    assert "line 7" in response.content.decode()
    assert not LibraryItem.objects.exists() and not PendingImport.objects.exists()


def test_a_20_megabyte_file_is_refused(as_alice, demo_papers, reference_file):
    big = reference_file("zotero.bib") * (20 * 2**20 // len(reference_file("zotero.bib")) + 1)
    response = as_alice.post("/library/import", {"file": upload("big.bib", big)})
    assert response.status_code == 400
    assert "files up to 5 MB can be imported" in response.content.decode()
    assert not LibraryItem.objects.exists()


def test_a_file_that_is_not_bibtex_is_refused(as_alice, demo_papers):
    response = as_alice.post("/library/import", {"file": upload("cv.pdf", b"%PDF-1.7\n\x00\x01")})
    assert response.status_code == 400
    assert "not a text file" in response.content.decode()


def test_a_missing_file_and_an_anonymous_visitor_are_turned_away(as_alice, client):
    assert as_alice.post("/library/import", {}, follow=True).status_code == 200
    assert client.post("/library/import", {}).status_code == 302  # to the login page
    assert not LibraryItem.objects.exists()


def test_a_queued_paper_joins_the_library_once_fetched(
    as_alice, alice, demo_papers, reference_file
):
    import_file(alice, reference_file("zotero.bib"))
    make_paper("Does Compression Preserve Uncertainty?", arxiv_id="2606.01850")
    as_alice.get("/library")
    assert LibraryItem.objects.filter(user=alice, paper__arxiv_id="2606.01850").exists()
    assert not PendingImport.objects.exists()
