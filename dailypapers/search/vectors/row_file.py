"""Rows of a ``.npy`` matrix read on demand, without keeping the file mapped.

The HNSW index (``hnsw_index.py``) keeps its exact vectors in a ``.npy`` file beside the
graph, and a search reads a few dozen to a few thousand scattered rows of it. Mapped for the
life of a process, every page ever touched stays in the process's resident memory: at a
million papers warm-up traffic alone left 682 MiB of the matrix resident in one worker, and
steady traffic all of it (docs/search.md, "How big one machine goes"). Read with ``pread``
(one a row), the pages live only in the kernel's page cache, shared by every process and
given back under pressure. The price: a row costs a system call
(1-5 us at load 8-9) where a resident mapped row cost a memory copy, so an exact search over
thousands of scattered allowed papers is slower (2,000 rows: ~6 ms of CPU at load 9).

What lives here: ``RowFile`` (open, ``rows(positions)`` as float32). What does not: which
rows to read, and writing the files (``hnsw_build.py`` saves them with ``np.save``).
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

import numpy as np

# One pread a row. Tried and measured against it (CPU, load 8-9, rows of the 1M site): a
# mapping made and dropped within the call (its page faults cost more: 65 rows 0.50 against
# 0.18 ms; 25,000 rows 137 against 120 ms), and one pread per stretch of rows at most 8 apart
# (slower for scattered rows, 2,000: 8.1 against 6.3 ms, and no faster for a dense range:
# 2,000 rows within 2,500 took 2.2 against 2.5 ms, 20,000 within 25,000 54 against 28 ms).


class RowFile:
    """A 2-D ``.npy`` file (float16 or float32, C order) whose rows are read on demand. The
    file stays open as long as this object lives: a generation replaced (and unlinked) while
    a search reads it stays readable, as a mapping would."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "rb", buffering=0)  # noqa: SIM115  # lives as long as self
        try:
            version = np.lib.format.read_magic(self.file)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(self.file)
        except BaseException:
            self.file.close()
            raise
        if len(shape) != 2 or fortran or dtype.kind != "f":
            self.file.close()
            raise ValueError(f"{path}: not a C-order 2-D float matrix")
        self.dtype = dtype
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.offset = self.file.tell()
        self.row_bytes = self.shape[1] * dtype.itemsize
        # Closed when the last snapshot holding it goes, not left to the file's own finaliser.
        self.close = weakref.finalize(self, self.file.close)

    def __len__(self) -> int:
        return self.shape[0]

    def rows(self, positions: np.ndarray, stored: bool = False) -> np.ndarray:
        """The rows at these positions (in their order) as a float32 matrix, or in the file's
        own type when ``stored``."""
        positions = np.asarray(positions, dtype=np.int64)
        if not len(positions):
            return np.zeros((0, self.shape[1]), dtype=self.dtype if stored else np.float32)
        # One pread a row, whatever their number (the comment above the class says why).
        fd, size, start = self.file.fileno(), self.row_bytes, self.offset
        blob = b"".join(os.pread(fd, size, start + p * size) for p in positions.tolist())
        found = np.frombuffer(blob, dtype=self.dtype).reshape(len(positions), -1)
        return found if stored else found.astype(np.float32)
