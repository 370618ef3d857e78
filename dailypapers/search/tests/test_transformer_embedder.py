"""The transformer embedder: all-MiniLM-L6-v2's real weights, run by our numpy forward pass.

``minilm_reference.json`` holds the vectors sentence-transformers (with torch) made of three
texts, once, by a maintainer; torch is not installed here, so the reference is stored."""

import json
from pathlib import Path

import numpy as np
import pytest

from dailypapers.search.transformer_embedder import TransformerEmbedder, read_safetensors

FOLDER = Path(__file__).resolve().parents[1] / "transformer"
REFERENCE = json.loads((Path(__file__).parent / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def model():
    return TransformerEmbedder(FOLDER)


def test_it_gives_the_vectors_sentence_transformers_gives(model):
    ours = model.embed(REFERENCE["texts"])
    theirs = np.array(REFERENCE["vectors"], dtype=np.float32)
    # The third text is longer than 256 tokens: the same cut as sentence-transformers.
    assert np.all(np.sum(ours * theirs, axis=1) > 0.9999)


def test_a_batch_gives_each_text_the_vector_it_gets_alone(model):
    texts = [*REFERENCE["texts"], "", "a"]
    together = model.embed(texts)
    for row, text in enumerate(texts):
        assert np.allclose(together[row], model.embed([text])[0], atol=1e-5)


def test_vectors_are_unit_length_and_named(model):
    vectors = model.embed(["static embeddings", "sparse retrieval"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.name == "all-minilm-l6-v2"


def test_safetensors_are_read_without_the_package(tmp_path):
    header = json.dumps(
        {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}, "__metadata__": {}}
    ).encode()
    values = np.arange(4, dtype="<f4")
    path = tmp_path / "t.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + values.tobytes())
    assert read_safetensors(path)["a"].tolist() == [[0.0, 1.0], [2.0, 3.0]]
