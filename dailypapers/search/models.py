"""Stored paper vectors: one ``PaperVector`` row per paper and embedding model.

The vector is kept as raw float16 bytes, which every database stores, so SQLite needs no
extension; searching them is ``vectors.py``'s job. On PostgreSQL, migration ``0003_postgres``
adds a pgvector column generated from these bytes, with its HNSW index: this table stays the
source of truth.
"""

from __future__ import annotations

import numpy as np
from django.db import models

from dailypapers.papers.models import Paper

VECTOR_DTYPE = np.float16


class PaperVector(models.Model):
    """A paper's embedding by one model; ``dailypapers embed`` fills the missing ones."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="vector")
    model = models.CharField(max_length=100, help_text="Name of the embedding model.")
    vector = models.BinaryField(help_text="float16 values, little-endian.")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"vector of paper {self.paper_id} by {self.model}"

    @staticmethod
    def pack(values: np.ndarray) -> bytes:
        return np.asarray(values, dtype="<f2").tobytes()

    def unpack(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype="<f2").astype(np.float32)
