"""Toy embedding models for tests: real static model folders (a WordLevel tokenizer, a vector
per word) small enough to reason about, and independent of the model the package ships."""

import json
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers import models as tokenizer_models

# Words of three topics: a toy static model puts each topic's words along one direction.
TOPICS = [
    "car cars automobile vehicles motors engines repair garages shops fix fixing trucks "
    "electric batteries drive",
    "protein proteins folding enzyme kinetics structures predicting catalyse reactions",
    "galaxy clusters dark matter universe early",
]


def toy_model(path: Path, name: str, dim: int = 32, sign: float = 1.0) -> Path:
    """A real static model folder (WordLevel tokenizer, a vector per word) small enough to
    reason about: ``sign`` -1 turns the space inside out, so a vector of this model scored
    against a query of the other would rank the list upside down."""
    words = [word for topic in TOPICS for word in topic.split()]
    tokenizer = Tokenizer(
        tokenizer_models.WordLevel(
            {"[UNK]": 0, **{w: i + 1 for i, w in enumerate(words)}}, unk_token="[UNK]"
        )
    )
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    rng = np.random.default_rng(7)
    rows = [np.zeros(dim)]
    for number, topic in enumerate(TOPICS):
        for _ in topic.split():
            row = 0.3 * rng.standard_normal(dim)
            row[number] += 3.0
            rows.append(row)
    path.mkdir()
    tokenizer.save(str(path / "tokenizer.json"))
    np.save(path / "embeddings.npy", (sign * np.array(rows)).astype(np.float16))
    (path / "config.json").write_text(json.dumps({"name": name, "kind": "static"}))
    return path
