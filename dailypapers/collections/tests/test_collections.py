"""Collections: save papers to a named collection, public or private, shown on the profile."""

import pytest

from dailypapers.collections.models import Collection
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return make_paper("Worth keeping", arxiv_id="2605.00555")


def test_alice_saves_a_paper_to_a_new_private_collection(as_alice, alice, paper, client):
    as_alice.post("/collections/save", {"paper": paper.arxiv_id, "new_name": "To read"})
    collection = Collection.objects.get(owner=alice)
    assert collection.name == "To read" and not collection.public
    assert list(collection.papers.all()) == [paper]
    assert "Worth keeping" in as_alice.get(collection.get_absolute_url()).content.decode()
    assert client.get(collection.get_absolute_url()).status_code == 404


def test_a_public_collection_is_seen_by_everyone(as_alice, alice, paper, client):
    as_alice.post(
        "/collections/save", {"paper": paper.arxiv_id, "new_name": "Best", "public": "on"}
    )
    collection = Collection.objects.get(owner=alice)
    assert "Worth keeping" in client.get(collection.get_absolute_url()).content.decode()
    as_alice.post(f"/collections/{collection.pk}/change", {"public": "0"})
    assert client.get(collection.get_absolute_url()).status_code == 404


def test_saving_twice_keeps_one_copy_and_removing_works(as_alice, alice, paper):
    as_alice.post("/collections/save", {"paper": paper.arxiv_id, "new_name": "List"})
    collection = Collection.objects.get()
    as_alice.post("/collections/save", {"paper": paper.arxiv_id, "collection": collection.pk})
    assert collection.items.count() == 1
    as_alice.post(f"/collections/{collection.pk}/remove", {"paper": paper.arxiv_id})
    assert collection.items.count() == 0


def test_bob_cannot_add_to_or_change_alices_collection(as_bob, alice, paper):
    collection = Collection.objects.create(owner=alice, name="Alice's")
    as_bob.post("/collections/save", {"paper": paper.arxiv_id, "collection": collection.pk})
    assert as_bob.post(f"/collections/{collection.pk}/change", {"delete": "1"}).status_code == 404
    assert Collection.objects.filter(pk=collection.pk).exists() and not collection.items.exists()


def test_a_hostile_collection_name_is_escaped(as_alice, paper, client):
    as_alice.post(
        "/collections/save",
        {"paper": paper.arxiv_id, "new_name": "<script>alert(1)</script>", "public": "on"},
    )
    html = client.get("/users/alice").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
