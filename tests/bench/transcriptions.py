"""How well the sound key finds transcribed names the table was not built from: precision and recall, person by person held out.

For each person of graph/data/names/uyghur-transcriptions.tsv, the correspondences are learned from every other
person's pairs and the table's spellings are not used, so only the sound key can find them. Each Latin spelling of the
held-out person, whole and word by word, is then searched among every name of the pool: the names of the shipped list
written in parts (伊力哈木•土赫提) and every Han name of the table. A query finds its person (recall) and finds others too
(precision is the share of the names found that are the person's). Run: `.venv/bin/python tests/bench/transcriptions.py`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from graph.search.names import TABLE, Transcriptions, normal, query_keys, read_pairs

IMPORTS = Path(__file__).resolve().parents[2] / "graph" / "data" / "imports"
LIST = IMPORTS / "chinese-political-prisoners" / "chinese-political-prisoners.csv"


def pool() -> set[str]:
    """Every name a held-out query is searched among, in normal form."""
    with LIST.open(encoding="utf-8", newline="") as handle:
        names = {normal(row["Name"].split("（")[0]) for row in csv.DictReader(handle)}
    return {name for name in names if " " in name} | {normal(pair.han) for pair in read_pairs(TABLE)}


def measure(language: str | None = None) -> dict[str, tuple[int, int, int, int]]:
    """Per query kind (whole name, one word): queries, queries that found their person, names found, names found rightly."""
    pairs, names = read_pairs(TABLE), pool()
    people: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        if language is None or pair.language == language:
            people[normal(pair.han)].append(pair.latin)
    counts = {kind: [0, 0, 0, 0] for kind in ("whole name", "one word")}
    for han, spellings in people.items():
        others = Transcriptions([pair for pair in pairs if normal(pair.han) != han], spellings=False)
        keys = {name: others.sound(name.split()) for name in names}
        for spelling in spellings:
            words = normal(spelling).split()
            queries = [("whole name", normal(spelling))] + ([("one word", word) for word in words] if len(words) > 1 else [])
            for kind, text in queries:
                sound = query_keys(text).sound
                if sound is None:
                    counts[kind][0] += 1
                    continue
                hits = {name for name, key in keys.items() if sound in key}
                counts[kind][0] += 1
                counts[kind][1] += han in hits
                counts[kind][2] += len(hits)
                counts[kind][3] += han in hits
    return {kind: (q, f, n, r) for kind, (q, f, n, r) in counts.items()}


def main() -> None:
    """Print precision and recall per language and query kind."""
    print(f"pool: {len(pool())} names; table: {len(read_pairs(TABLE))} pairs")
    print(f"{'names':<8} {'query':<11} {'queries':>7} {'recall':>7} {'found':>6} {'precision':>9}")
    for language in ("ug", "bo", None):
        for kind, (queries, found, hits, right) in measure(language).items():
            if queries:
                recall, precision = found / queries, (right / hits if hits else 0.0)
                print(f"{language or 'all':<8} {kind:<11} {queries:>7} {recall:>7.2f} {hits:>6} {precision:>9.2f}")


if __name__ == "__main__":
    main()
