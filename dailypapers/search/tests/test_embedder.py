import numpy as np

from dailypapers.search.embedder import get_embedder, paper_text


def test_it_embeds_offline_into_unit_vectors_of_the_models_size():
    embedder = get_embedder()
    vectors = embedder.embed(["Graph neural networks", "Protein folding"])
    assert vectors.shape == (2, embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_texts_about_the_same_thing_are_closer_than_unrelated_ones():
    car, engine, protein = get_embedder().embed(
        ["automobile", "Car engines repair. Fixing vehicles and their motors.", "Protein folding"]
    )
    assert car @ engine > car @ protein + 0.3


def test_a_text_with_no_known_token_gives_a_zero_vector_not_an_error():
    vectors = get_embedder().embed(["", "\x00\u202e"])
    assert not vectors.any()


def test_a_papers_text_is_its_title_then_its_abstract():
    assert paper_text("Title", "Abstract.") == "Title. Abstract."
