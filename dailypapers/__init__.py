"""dailypapers: a self-hostable Daily Papers."""

import os

__version__ = "0.1.0"

# One BLAS thread per process, unless the operator says otherwise: the site runs one worker
# per core, and a small matrix product split over threads that other workers are using only
# waits for them (the measure: docs/for-you.md, Speed). Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
