import numpy as np
import pytest

from dailypapers.search import serving, vectors
from dailypapers.search.embedder import get_embedder
from dailypapers.search.models import PaperVector
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    made = [
        make_paper("Car engines", abstract="Fixing vehicles and their motors."),
        make_paper("Protein folding", abstract="Predicting structures of proteins."),
        make_paper("Automobile repair shops", abstract="Garages that fix cars."),
    ]
    vectors.embed_papers(made)
    return made


def test_nearest_neighbours_come_best_first_with_their_similarity(papers):
    engines, protein, garages = papers
    found = vectors.index().nearest(vectors.embed_query("automobile"), 3)
    assert [paper_id for paper_id, _ in found][:2] in (
        [engines.pk, garages.pk],
        [garages.pk, engines.pk],
    )
    assert found[-1][0] == protein.pk
    assert found[0][1] >= found[1][1] >= found[2][1]


def test_allowed_and_excluded_ids_narrow_the_search(papers):
    engines, protein, garages = papers
    query = vectors.embed_query("automobile")
    allowed = np.array([protein.pk, garages.pk])
    assert [i for i, _ in vectors.index().nearest(query, 3, allowed=allowed)] == [
        garages.pk,
        protein.pk,
    ]
    assert engines.pk not in [
        i for i, _ in vectors.index().nearest(query, 3, exclude=(engines.pk,))
    ]


def test_the_index_picks_up_new_and_replaced_vectors(papers):
    index = vectors.index()
    assert len(index.refresh().ids) == 3
    newcomer = make_paper("Electric cars", abstract="Battery vehicles.")
    vectors.embed_papers([newcomer])
    assert newcomer.pk in index.refresh().ids.tolist()
    vectors.save_vectors([(newcomer.pk, get_embedder().embed(["protein"])[0])], get_embedder().name)
    assert index.nearest(vectors.embed_query("protein"), 1)[0][0] in (newcomer.pk, papers[1].pk)
    assert PaperVector.objects.count() == 4


def test_papers_without_a_vector_are_listed_for_embedding(papers):
    stranger = make_paper("Not embedded yet")
    model = get_embedder().name
    assert serving.missing_ids(model).tolist() == [stranger.pk]
    assert list(serving.missing(model)) == [stranger]
    PaperVector.objects.filter(paper=papers[0]).update(model="an-old-model")
    assert serving.missing_ids(model).tolist() == sorted([stranger.pk, papers[0].pk])
    assert serving.missing_count(model) == 2


def test_vectors_round_trip_as_float16():
    values = np.array([0.5, -0.25, 1.0], dtype=np.float32)
    assert np.allclose(PaperVector(vector=PaperVector.pack(values)).unpack(), values)
