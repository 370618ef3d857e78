"""The "Similar papers" block of the paper page, and ``dailypapers embed``."""

import datetime as dt

import numpy as np
import pytest
from django.core.management import call_command

from dailypapers.papers.models import Paper
from dailypapers.search import demo_vectors, vectors
from dailypapers.search.embedder import get_embedder
from dailypapers.search.models import PaperVector
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def cars():
    made = {
        "engines": make_paper("Car engines repair", abstract="Fixing vehicles and their motors."),
        "garages": make_paper("Automobile garages", abstract="Shops that fix cars and trucks."),
        "withdrawn": make_paper("Car motors, withdrawn", abstract="Fixing vehicles and motors."),
        "hidden": make_paper("Car motors, hidden", abstract="Fixing vehicles and their motors."),
        "protein": make_paper("Protein folding", abstract="Predicting structures of proteins."),
    }
    Paper.objects.filter(pk=made["withdrawn"].pk).update(withdrawn_at=dt.datetime.now(dt.UTC))
    Paper.objects.filter(pk=made["hidden"].pk).update(hidden=True)
    vectors.embed_papers(Paper.objects.all())
    return made


def test_the_paper_page_lists_similar_papers_but_not_itself_hidden_or_withdrawn(client, cars):
    html = client.get(cars["engines"].get_absolute_url()).content.decode()
    similar = html[html.index("Similar papers") : html.index('class="cite"')]
    assert similar.index("Automobile garages") < similar.index("Protein folding")
    assert "withdrawn" not in similar and "hidden" not in similar
    assert "Car engines repair" not in similar
    assert f"like:{cars['engines'].arxiv_id}" in similar


def test_a_neighbour_hidden_after_the_ranking_was_cached_is_left_out(cars):
    from dailypapers.search.similar import similar_papers

    assert "Automobile garages" in [p.title for p in similar_papers(cars["engines"])]
    Paper.objects.filter(pk=cars["garages"].pk).update(hidden=True)
    assert "Automobile garages" not in [p.title for p in similar_papers(cars["engines"])]


def test_a_paper_without_a_vector_shows_no_similar_block(client):
    paper = make_paper("Lonely paper")
    assert "Similar papers" not in client.get(paper.get_absolute_url()).content.decode()


def test_embed_computes_missing_vectors_in_resumable_batches(capsys):
    for number in range(5):
        make_paper(f"Paper {number}")
    call_command("embed", "--batch-size", "2", "--limit", "3", verbosity=0)
    assert PaperVector.objects.count() == 3
    call_command("embed", "--batch-size", "2", verbosity=0)
    assert PaperVector.objects.count() == 5
    call_command("embed", verbosity=0)
    assert capsys.readouterr().out.strip().endswith("0 papers embedded; 0 missing")


def test_shipped_vectors_load_for_papers_that_have_none(tmp_path):
    first, second = make_paper("First"), make_paper("Second")
    vectors.embed_papers([first])
    path = tmp_path / "vectors.npz"
    np.savez_compressed(
        path,
        model=np.array(get_embedder().name),
        arxiv_ids=np.array([first.arxiv_id, second.arxiv_id, "9999.99999"]),
        vectors=np.ones((3, get_embedder().dim), dtype=np.float16),
    )
    assert demo_vectors.import_vectors(path) == 1
    assert np.allclose(PaperVector.objects.get(paper=second).unpack(), 1.0)
    assert not np.allclose(PaperVector.objects.get(paper=first).unpack(), 1.0)


def test_vectors_of_another_model_are_not_loaded(tmp_path):
    make_paper("First")
    path = tmp_path / "vectors.npz"
    np.savez_compressed(
        path, model=np.array("other"), arxiv_ids=np.array(["x"]), vectors=np.ones((1, 2))
    )
    assert demo_vectors.import_vectors(path) == 0


def test_places_are_mixed_by_their_weights():
    from dailypapers.search.similar import mix_places

    words, meaning = [1, 2, 3, 4], [4, 3, 2, 1]
    # Meaning alone decides at weight 1, words alone at 0; a paper second in both beats
    # papers first in one list and last in the other when the weights are even.
    assert mix_places([(0.0, words), (1.0, meaning)], 4) == [4, 3, 2, 1]
    assert mix_places([(1.0, words), (0.0, meaning)], 4) == [1, 2, 3, 4]
    assert mix_places([(0.5, [1, 2, 3, 4]), (0.5, [4, 2, 3, 1])], 4)[0] == 2
