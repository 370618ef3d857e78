"""Stored paper vectors (``PaperVector``: one row per paper and embedding model) and the
embedding models a site has used (``EmbeddingModel``: which one serves searches).

The vector is kept as raw float16 bytes, which every database stores, so SQLite needs no
extension; searching them is ``vectors.py``'s job. On PostgreSQL, migration ``0003_postgres``
adds a pgvector column generated from these bytes, with its HNSW index: this table stays the
source of truth. Which model serves, and switching to a new one, is ``serving.py``'s job.
"""

from __future__ import annotations

import numpy as np
from django.db import models

from dailypapers.papers.models import Paper

VECTOR_DTYPE = np.float16


class EmbeddingModel(models.Model):
    """An embedding model this site has vectors by. Exactly one is ``active`` once any is:
    the one searches use. A newly configured model is ``building`` until it has a vector for
    (nearly) every paper, then becomes active in one transaction while the one before is
    ``retired`` (its vectors stay until ``dailypapers embed --retire``)."""

    class State(models.TextChoices):
        BUILDING = "building"
        ACTIVE = "active"
        RETIRED = "retired"

    name = models.CharField(max_length=100, unique=True, help_text="config.json's name.")
    kind = models.CharField(max_length=40, default="static")
    dim = models.PositiveIntegerField(help_text="Dimensions of its vectors.")
    folder = models.CharField(
        max_length=500, blank=True, help_text="Where it was loaded from when registered."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING)
    created = models.DateTimeField(auto_now_add=True)
    activated = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Two active models would let a search mix their vectors.
            models.UniqueConstraint(
                fields=["state"], condition=models.Q(state="active"), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class PaperVector(models.Model):
    """A paper's embedding by one model; ``dailypapers embed`` fills the missing ones."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="vectors")
    model = models.CharField(max_length=100, help_text="Name of the embedding model.")
    vector = models.BinaryField(help_text="float16 values, little-endian.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Model first: its index also lists a model's papers without reading the rows
            # (serving.missing_ids), and answers "has this paper a vector by it?".
            models.UniqueConstraint(fields=["model", "paper"], name="one_vector_per_model")
        ]
        # Every index reads one model's rows, in row order (numpy_index, hnsw_build).
        indexes = [models.Index(fields=["model", "id"], name="search_vector_model_id")]

    def __str__(self) -> str:
        return f"vector of paper {self.paper_id} by {self.model}"

    @staticmethod
    def pack(values: np.ndarray) -> bytes:
        return np.asarray(values, dtype="<f2").tobytes()

    def unpack(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype="<f2").astype(np.float32)
