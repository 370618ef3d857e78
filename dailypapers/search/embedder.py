"""Turning text into vectors: the ``Embedder`` interface, model folders, and the static model.

A model is a folder with a ``config.json`` that has at least a ``name`` (what its vectors are
stored under: two models never share a name) and a ``kind`` that says which class loads the
rest of the folder (``KINDS``; ``"static"`` when missing). ``DAILYPAPERS_EMBEDDING_MODEL`` names
the folder a site embeds with (default: the shipped ``search/model/``). Adding a kind is one
class with ``name``, ``dim`` and ``embed`` plus one entry in ``KINDS``.

The shipped model (``search/model/``) joins two static models (``ConcatEmbedder``): one
distilled from all-MiniLM-L6-v2 and trained on the teacher's embeddings of real arXiv abstracts
(``model/trained``, made by ``bench/search_train_static.py``), and WordLlama's token vectors
(``model/wordllama``). A static model is a vector per sub-word token, averaged and
normalised: numpy and ``tokenizers`` only, loaded in milliseconds from the package, offline,
about a thousand abstracts a second for the two (docs/search.md). ``transformer_embedder.py``
runs the teacher itself.

Which model *serves* searches (the configured one, or the previous one until the configured
one has a vector for every paper) is ``serving.py``'s business; storing and searching vectors
is ``vectors.py``'s. Nothing here touches the database.
"""

from __future__ import annotations

import functools
import json
import re
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
# Tokens left out of a mean: the unknown token, a byte a vocabulary spells byte by byte
# (``<0xE2>``) and bare word-boundary marks (``▁``): they say nothing about a text's meaning, so
# a text of nothing else (control characters, stray symbols) gets no vector rather than noise.
MEANINGLESS = re.compile(r"\[UNK\]|<unk>|<0x[0-9A-Fa-f]{2}>|▁+")


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
        # Mapped read-only, as stored (float16): pages are shared by every process and only a
        # text's tokens are read. Converted to float32 in memory the two shipped tables held
        # 58 MiB in each worker, the margin by which a worker at 1M papers passed 1 GiB.
        self.vectors = np.load(folder / "embeddings.npy", mmap_mode="r").view(np.ndarray)
        self.dim: int = self.vectors.shape[1]
        self.meaningful = np.ones(len(self.vectors), dtype=bool)
        for token, token_id in self.tokenizer.get_vocab().items():
            if token_id < len(self.meaningful) and MEANINGLESS.fullmatch(token):
                self.meaningful[token_id] = False

    # A batch this large (``dailypapers embed``'s) is averaged over a float32 copy of the
    # table, made once per process: numpy converts float16 rows as it gathers them, which
    # made a batch's means three times as slow (8-15% of embedding it). Serving embeds a
    # question at a time and keeps only the mapped float16 table.
    FLOAT32_FROM = 64

    @functools.cached_property
    def _float32(self) -> np.ndarray:
        return np.asarray(self.vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        table = self._float32 if len(texts) >= self.FLOAT32_FROM else self.vectors
        encodings = self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            ids = np.asarray(encoding.ids[:MAX_TOKENS], dtype=np.int64)
            ids = ids[self.meaningful[ids]]
            if len(ids):
                # float16 -> float32 is exact: both tables give the same mean.
                out[row] = table[ids].mean(axis=0, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class ConcatEmbedder:
    """Several models side by side: each text's vector is the parts' unit vectors joined end to
    end, scaled so that the whole has unit length, so a cosine is the mean of the parts'
    cosines. ``config.json`` lists the parts, each a model folder inside this one (``"parts":
    ["trained", "wordllama"]``). Two static models trained apart make different mistakes:
    joined, they rank better than either (docs/search.md, the candidates' table)."""

    def __init__(self, folder: Path) -> None:
        config = read_config(folder)
        self.name: str = config["name"]
        parts = config.get("parts")
        if not isinstance(parts, list) or not parts:
            raise ModelFolderError(f"{folder}/config.json: a concat model lists its parts")
        folder = Path(folder).resolve()
        paths = [(folder / str(part)).resolve() for part in parts]
        if any(path.parent != folder for path in paths):
            raise ModelFolderError(f"{folder}/config.json: parts are folders inside it")
        self.parts = [load_embedder(path) for path in paths]
        self.dim: int = sum(part.dim for part in self.parts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.hstack([part.embed(texts) for part in self.parts])
        # A part that knows no token of a text gives a zero row: the others still count.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


# config.json's "kind" -> the class that loads such a folder (its one argument).
KINDS: dict[str, Callable[[Path], Embedder]] = {
    "static": StaticEmbedder,
    "transformer": TransformerEmbedder,
    "concat": ConcatEmbedder,
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
