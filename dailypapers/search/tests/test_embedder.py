import json
import mmap

import numpy as np
import pytest

from dailypapers.search.embedder import (
    MODEL_DIR,
    ConcatEmbedder,
    ModelFolderError,
    StaticEmbedder,
    get_embedder,
    load_embedder,
    paper_text,
)
from dailypapers.search.tests.toy_models import toy_model


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


def test_the_shipped_model_joins_two_static_models_and_its_cosine_is_their_mean():
    model = load_embedder(MODEL_DIR)
    assert isinstance(model, ConcatEmbedder)
    assert [part.dim for part in model.parts] == [256, 256] and model.dim == 512
    texts = ["Graph neural networks for molecules", "Message passing on chemical graphs"]
    first, second = model.embed(texts)
    by_part = [float(np.dot(*part.embed(texts))) for part in model.parts]
    assert float(first @ second) == pytest.approx(sum(by_part) / 2, abs=1e-5)


def test_a_static_models_table_is_mapped_as_stored_and_embeds_as_in_float32():
    model = load_embedder(MODEL_DIR)
    assert isinstance(model, ConcatEmbedder) and isinstance(model.parts[0], StaticEmbedder)
    part = model.parts[0]
    # Mapped, not copied into each worker: the shared pages are what a worker holds.
    backing = part.vectors
    while isinstance(backing, np.ndarray):
        backing = backing.base
    assert isinstance(backing, mmap.mmap) and part.vectors.dtype == np.float16
    texts = ["Graph neural networks for molecules", "", "Protein folding by diffusion"]
    one_by_one = np.vstack([part.embed([text]) for text in texts])
    assert "_float32" not in vars(part)  # a question at a time: no float32 copy
    table = np.asarray(part.vectors, dtype=np.float32)
    for text, vector in zip(texts, one_by_one, strict=True):
        ids = [i for i in part.tokenizer.encode(text, add_special_tokens=False).ids]
        ids = [i for i in ids if part.meaningful[i]]
        expected = table[ids].mean(axis=0) if ids else np.zeros(part.dim, dtype=np.float32)
        norm = max(float(np.linalg.norm(expected)), 1e-12)
        np.testing.assert_array_equal(vector, expected / norm)
    # A batch (dailypapers embed's) goes through the float32 copy, to the same vectors.
    batch = part.embed(texts * part.FLOAT32_FROM)
    assert "_float32" in vars(part)
    np.testing.assert_array_equal(batch, np.vstack([one_by_one] * part.FLOAT32_FROM))


def test_a_concat_model_takes_parts_from_inside_its_own_folder_only(tmp_path):
    toy_model(tmp_path / "outside", "outside-32")
    folder = tmp_path / "joined"
    folder.mkdir()
    toy_model(folder / "inside", "inside-32")
    for parts in (["../outside"], [], "inside", ["inside", "/etc"]):
        (folder / "config.json").write_text(
            json.dumps({"name": "joined", "kind": "concat", "parts": parts})
        )
        with pytest.raises(ModelFolderError):
            load_embedder(folder)
    (folder / "config.json").write_text(
        json.dumps({"name": "joined", "kind": "concat", "parts": ["inside", "inside"]})
    )
    joined, alone = load_embedder(folder), load_embedder(folder / "inside")
    assert joined.dim == 64
    vector = joined.embed(["car engines"])[0]
    assert np.allclose(vector[:32], vector[32:])
    assert np.allclose(vector[:32] * 2**0.5, alone.embed(["car engines"])[0], atol=1e-5)
