"""Turning text into vectors: the ``Embedder`` interface, model folders, and the static model.

A model is a folder with a ``config.json`` that has at least a ``name`` (what its vectors are
stored under: two models never share a name) and a ``kind`` that says which class loads the
rest of the folder (``KINDS``; ``"static"`` when missing). ``DAILYPAPERS_EMBEDDING_MODEL`` names
the folder a site embeds with (default: the shipped ``search/model/``). Adding a kind is one
class with ``name``, ``dim`` and ``embed`` plus one entry in ``KINDS``.

The shipped model (``search/model/``, made by ``bench/search_train_static.py``) is a static
model distilled from all-MiniLM-L6-v2 and then trained on the teacher's embeddings of real arXiv
abstracts: a vector per sub-word token, averaged and normalised. It needs numpy and
``tokenizers`` only, loads in milliseconds from the package, runs offline and embeds thousands
of abstracts a second (docs/search.md). ``transformer_embedder.py`` runs the teacher itself.

Which model *serves* searches (the configured one, or the previous one until the configured
one has a vector for every paper) is ``serving.py``'s business; storing and searching vectors
is ``vectors.py``'s. Nothing here touches the database.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from django.conf import settings
from tokenizers import Tokenizer

from dailypapers.search.transformer_embedder import TransformerEmbedder

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
    """A static embedding model: token vectors looked up and averaged, no neural network.
    The folder holds ``config.json``, ``tokenizer.json`` (Hugging Face tokenizers) and
    ``embeddings.npy`` (a row per token id)."""

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        config = read_config(folder)
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


# config.json's "kind" -> the class that loads such a folder (its one argument).
KINDS: dict[str, Callable[[Path], Embedder]] = {
    "static": StaticEmbedder,
    "transformer": TransformerEmbedder,
}
DEFAULT_KIND = "static"


class ModelFolderError(ValueError):
    """A folder that is not a model this code can load (missing, no name, unknown kind)."""


def read_config(folder: Path) -> dict[str, Any]:
    """The folder's ``config.json``, checked for a name and a known kind (cheap: no weights
    are read)."""
    try:
        config = json.loads((Path(folder) / "config.json").read_text())
    except (OSError, ValueError) as error:
        raise ModelFolderError(f"{folder}: no readable config.json ({error})") from None
    if not isinstance(config, dict) or not str(config.get("name") or "").strip():
        raise ModelFolderError(f"{folder}/config.json has no name")
    kind = config.setdefault("kind", DEFAULT_KIND)
    if kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise ModelFolderError(f"{folder}/config.json: unknown kind {kind!r} (known: {known})")
    return config


def load_embedder(folder: Path) -> Embedder:
    """The model in ``folder``, loaded by the class its ``kind`` names."""
    folder = Path(folder).resolve()
    return KINDS[read_config(folder)["kind"]](folder)


def configured_folder() -> Path:
    """The folder ``DAILYPAPERS_EMBEDDING_MODEL`` names (the shipped model by default)."""
    return Path(settings.EMBEDDING_MODEL or MODEL_DIR).resolve()


@functools.cache
def _loaded(folder: Path) -> Embedder:
    return load_embedder(folder)


def embedder_in(folder: Path) -> Embedder:
    """The model in ``folder``, loaded once per process."""
    return _loaded(Path(folder).resolve())


def get_embedder() -> Embedder:
    """The configured model (``DAILYPAPERS_EMBEDDING_MODEL``), loaded once per process: the one
    ``dailypapers embed`` fills vectors for. Query vectors come from the *serving* model
    instead (``vectors.embed_query``), which differs while a re-embed is under way."""
    return embedder_in(configured_folder())


def paper_text(title: str, abstract: str) -> str:
    """What a paper's vector is made from: its title, then its abstract."""
    return f"{title}. {abstract}".strip()
