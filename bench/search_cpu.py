#!/usr/bin/env python3
"""CPU time of keyword and hybrid searches on an existing site: the figure a shared machine
inflates least (wall-clock times there grow with the load of other jobs).

    .venv/bin/python bench/search_cpu.py [--data /tmp/dailypapers-scale] [--hybrid]
        [--rules all tokens:12 df:0.1 clauses:24 ...]

Times, with the process's CPU clock and the wall clock, bench/search_speed.py's 200 queries
(the 64 CACM questions, then 136 title phrases) through the code the views use: a search,
its first page of 20 and its count; the second of two rounds counts. Prints p50 / p95 over
all queries, the long questions and the title phrases, and the load average before and after.
Writes nothing (the site is read as it is: ``bench/scale.py --skip-build`` measures the rest).

``--rules`` times the keyword search (and hybrid, with ``--hybrid``) once per rule cutting
an "any word" question (bench/search_quality.py's ``any_word_rule``): ``all`` (every token),
``tokens:N`` (the N rarest, ``tantivy_search.ANY_WORD_TOKENS``), ``df:X`` (tokens in at most
a share X of the abstracts), ``clauses:M`` (the M rarest (column, token) clauses), and says
how many of each CACM question's top 20 stay those of the first rule.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def times(texts: list[str], search: Callable[[str], object]) -> tuple[list[float], list[float]]:
    """Seconds of wall clock and of CPU per query, the second round's."""
    wall: list[float] = []
    cpu: list[float] = []
    for text in texts:  # warms the caches
        search(text)
    for text in texts:
        started, started_cpu = time.perf_counter(), time.process_time()
        search(text)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def report(name: str, wall: list[float], cpu: list[float], long_ones: int) -> None:
    from search_speed import percentiles

    for clock, seconds in (("CPU", cpu), ("wall", wall)):
        print(
            f"{name} {clock}: {percentiles(seconds)}; long questions "
            f"{percentiles(seconds[:long_ones])}; title phrases {percentiles(seconds[long_ones:])}"
        )


def compare_rules(
    rules: list[str], texts: list[str], long_ones: int, searches: dict[str, Callable[[str], None]]
) -> None:
    """Each search (keyword, and hybrid with ``--hybrid``) under each rule, the rules
    interleaved query by query and each query's best of three kept (the load of a shared
    machine drifts by the minute, and the rules are compared in the same minutes); and how
    many of the CACM questions' top 20 stay those of the first rule (mean share, the lowest)."""
    from search_quality import any_word_rule

    from dailypapers.search.keyword import keyword_search

    kinds = {"tokens": ("tokens", int), "df": ("df share", float), "clauses": ("clauses", int)}
    parsed = []
    for rule in rules:
        name, _, value = rule.partition(":")
        kind, parse = kinds.get(name, ("tokens", int))
        parsed.append((rule, kind, parse(value) if value else None))
    tops: dict[str, list[list[int]]] = {}
    for rule, kind, value in parsed:
        with any_word_rule(kind, value):
            for search in searches.values():  # warms the caches for this rule's lists too
                times(texts, search)
            tops[rule] = [keyword_search(text).ranked_ids(20) for text in texts[:long_ones]]
    wall: dict[tuple[str, str], list[float]] = {(r, n): [] for r in rules for n in searches}
    cpu: dict[tuple[str, str], list[float]] = {(r, n): [] for r in rules for n in searches}
    for text in texts:
        for rule, kind, value in parsed:
            with any_word_rule(kind, value):
                for name, search in searches.items():
                    each = [times([text], search) for _ in range(3)]
                    wall[rule, name].append(min(w[0] for w, _ in each))
                    cpu[rule, name].append(min(c[0] for _, c in each))
    first = tops[rules[0]]
    for rule in rules:
        # A short question may have fewer than 20 matches (all its words): a share of those.
        kept = [
            len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(tops[rule], first, strict=True)
        ]
        print(f"rule {rule}: top 20 kept {sum(kept) / len(kept):.0%} (lowest {min(kept):.0%})")
        for name in searches:
            report(f"{name} {rule}, best of 3", wall[rule, name], cpu[rule, name], long_ones)
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/dailypapers-scale"))
    parser.add_argument("--hybrid", action="store_true", help="time hybrid searches too")
    parser.add_argument("--rules", nargs="+", help="any-word rules to compare")
    args = parser.parse_args()
    os.environ["DAILYPAPERS_DATA_DIR"] = str(args.data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()
    import search_speed

    from dailypapers.search import hybrid
    from dailypapers.search.keyword import keyword_search

    texts = search_speed.queries()
    # queries() lists the CACM questions first.
    cacm = search_speed.SHARED / "cacm-test-collection" / "cacm_queries.jsonl"
    long_ones = len(cacm.read_text().splitlines())

    def keyword(text: str) -> None:
        results = keyword_search(text)
        results[0:20], len(results)

    def fused(text: str) -> None:
        results = hybrid.search(text)
        results[0:20], len(results)

    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.rules:
        searches = {"keyword": keyword, "hybrid": fused} if args.hybrid else {"keyword": keyword}
        compare_rules(args.rules, texts, long_ones, searches)
        return
    report("keyword", *times(texts, keyword), long_ones)
    if args.hybrid:
        report("hybrid", *times(texts, fused), long_ones)
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
