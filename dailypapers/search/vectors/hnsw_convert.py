"""Turning an HNSW graph file of float16 vectors into one of int8 vectors, without a rebuild.

Format 1 sites (``hnsw_index.py``'s docstring) have a graph whose vectors are float16; format 2
keeps them as int8, half the bytes a search walks, so that a serving process's resident
memory stays under 1 GiB at a million papers (docs/search.md, "How big one machine goes").
Building the graph again takes half an hour or more at a million papers on two cores; the
graph's edges do not depend on how its vectors are stored, so the file is rewritten instead,
in seconds: only its vector block changes.

A usearch dense index file (format v2 of usearch, ``docs/format.md`` of its repository) is a
matrix block, ``rows`` and ``columns`` (bytes a vector) as two unsigned 32-bit integers then
the vectors, followed by the index block: a 64-byte head (the magic ``usearch``, the version
as three 16-bit integers, then one byte each for the metric, the scalar kind, ...) and the
graph. The int8 vectors are what usearch itself stores for a cosine index: each row scaled to
unit length, times 127, truncated toward zero (``test_hnsw_convert.py`` checks it against
usearch's own). Whatever does not look exactly like that is refused (ValueError): the caller
then rebuilds.

What lives here: ``quantize_graph``. What does not: deciding to convert, and publishing the
result as a generation (``hnsw_build.py``).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import cast

import numpy as np
from usearch.index import Index, MetricKind, ScalarKind

MAGIC = b"usearch"
# Offset of the scalar-kind byte in the 64-byte head: magic (7), version (3 x 2), metric (1).
SCALAR_AT = 7 + 6 + 1
# The head's byte for each scalar kind (usearch's enum values: 12 and 23).
F16 = cast(int, ScalarKind.F16.value)
I8 = cast(int, ScalarKind.I8.value)
# Rows converted per step, to bound the float32 copy (50,000 x 512 x 4 bytes = 100 MiB).
CHUNK = 50_000


def quantize_graph(source: Path, target: str) -> None:
    """Write to ``target`` the graph of ``source`` (a cosine index of float16 vectors, its
    matrix in the file) with its vectors as int8."""
    meta = Index.metadata(str(source))
    if (
        not meta
        or not meta["matrix_included"]
        or meta["matrix_uses_64_bit_dimensions"]
        or meta["kind_scalar"] != ScalarKind.F16
        or meta["kind_metric"] != MetricKind.Cos
    ):
        raise ValueError(f"{source}: not a float16 cosine graph with its matrix")
    dims = int(meta["dimensions"])
    with open(source, "rb") as original, open(target, "wb") as out:
        rows, width = struct.unpack("<II", original.read(8))
        if width != 2 * dims:
            raise ValueError(f"{source}: {width} bytes a vector, not {2 * dims}")
        out.write(struct.pack("<II", rows, dims))
        for start in range(0, rows, CHUNK):
            count = min(CHUNK, rows - start)
            block = np.frombuffer(original.read(count * width), dtype="<f2")
            vectors = block.reshape(count, dims).astype(np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            # Empty slots (zero vectors) stay zero; usearch leaves them so too.
            scaled = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
            out.write(np.trunc(scaled * 127).astype(np.int8).tobytes())
        head = bytearray(original.read(64))
        if head[: len(MAGIC)] != MAGIC or head[SCALAR_AT] != F16:
            raise ValueError(f"{source}: unexpected index head")
        head[SCALAR_AT] = I8
        out.write(head)
        while chunk := original.read(1 << 24):
            out.write(chunk)
    converted = Index.metadata(target)
    if not converted or converted["kind_scalar"] != ScalarKind.I8:
        raise ValueError(f"{target}: the converted graph does not read back")
