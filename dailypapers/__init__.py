"""dailypapers: a self-hostable Daily Papers."""

import os

__version__ = "0.1.0"

# One BLAS thread per process, unless the operator says otherwise: the site runs one worker
# per core, and a small matrix product split over threads that other workers are using was
# 25 times slower ("For you" ranks 300 papers against a 500-paper library: 16 ms with
# OpenBLAS's threads on the shared 2-core machine, 0.6 ms with one). Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
