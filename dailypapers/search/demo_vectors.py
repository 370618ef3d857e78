"""The bundled demo papers' vectors: written once by ``bench/search_demo_vectors.py``, read by
``dailypapers demo load`` so the embedded default has semantic search from its first second.

The file (``demo/data/vectors.npz``) holds the model name, the arXiv ids and a float16 matrix.
Vectors of another model than the configured one are not loaded (``dailypapers embed``
computes those instead).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dailypapers.search import serving, vectors
from dailypapers.search.embedder import get_embedder
from dailypapers.search.models import PaperVector

DEMO_VECTORS = Path(__file__).resolve().parent.parent / "demo" / "data" / "vectors.npz"


def export_vectors(path: Path = DEMO_VECTORS) -> int:
    model = get_embedder().name
    rows = list(
        PaperVector.objects.filter(model=model)
        .order_by("paper__arxiv_id")
        .values_list("paper__arxiv_id", "vector")
    )
    matrix = np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype="<f2").reshape(len(rows), -1)
    np.savez_compressed(
        path, model=np.array(model), arxiv_ids=np.array([a for a, _ in rows]), vectors=matrix
    )
    return len(rows)


def import_vectors(path: Path = DEMO_VECTORS) -> int:
    """Store the file's vectors for papers that have none by the configured model."""
    if not path.exists():
        return 0
    with np.load(path, allow_pickle=False) as data:
        if str(data["model"]) != get_embedder().name:
            return 0
        arxiv_ids, matrix = data["arxiv_ids"].tolist(), data["vectors"]
    model = serving.register()
    missing = dict(serving.missing(model.name).values_list("arxiv_id", "id"))
    pairs = [(missing[a], matrix[i]) for i, a in enumerate(arxiv_ids) if a in missing]
    for start in range(0, len(pairs), 2000):
        vectors.save_vectors(pairs[start : start + 2000], model.name)
    return len(pairs)
