"""Turning text into vectors: the ``Embedder`` interface and the shipped static model.

The default model (``search/model/``, made by ``bench/search_distill.py``) is a model2vec-style
static distillation of all-MiniLM-L6-v2: a vector per sub-word token, averaged and normalised.
It needs numpy and ``tokenizers`` only, loads in milliseconds from the package, runs offline
and embeds about a thousand abstracts a second on one core. Storing and searching vectors is
``vectors.py``'s job, not this module's.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from tokenizers import Tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
# Tokens beyond this many add little to a mean and cost time; the teacher saw at most 256.
MAX_TOKENS = 512


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (a zero row for a text with no
        known token)."""
        ...


class StaticEmbedder:
    """A static embedding model: token vectors looked up and averaged, no neural network."""

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        config = json.loads((folder / "config.json").read_text())
        self.name: str = config["name"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.vectors = np.load(folder / "embeddings.npy").astype(np.float32)
        self.dim: int = self.vectors.shape[1]
        self.unknown = self.tokenizer.token_to_id("[UNK]")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids = [i for i in encoding.ids[:MAX_TOKENS] if i != self.unknown]
            if ids:
                out[row] = self.vectors[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@functools.cache
def get_embedder() -> Embedder:
    """The site's embedder, loaded once per process."""
    return StaticEmbedder()


def paper_text(title: str, abstract: str) -> str:
    """What a paper's vector is made from: its title, then its abstract."""
    return f"{title}. {abstract}".strip()
