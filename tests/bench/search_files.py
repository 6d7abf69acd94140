"""The search index's files: making, size, loading in a fresh process, searches and memory, at the size of a bench store.

    python search_files.py STORE [--times N] [--option sqlite]

STORE is a store `make bench` built (var/bench/run-10000/store). --times N repeats every label row N times under
IRIs of their own, to stand for a store N times the size without building it. Run with PYTHONPATH pointing at
another checkout to measure its code (the pickled index, where SearchIndex has no save). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from graph.query.queries import page_query
from graph.settings import DEFAULT_BASE
from graph.store.store import CaseStore

QUERIES = {"latin": "synthetic person 42", "han": "伊力哈木·土赫提", "two characters": "zh"}


def median_ms(action: Callable[[], object], runs: int = 15) -> float:
    """The median of several runs, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def solutions(store: CaseStore, times: int) -> Iterator[object]:
    """The labels query's rows, each repeated under a record IRI of its own per copy."""
    rows = list(store.select(page_query("labels")))
    for copy in range(times):
        for row in rows:
            yield row if copy == 0 else _Copied(row, copy)


class _Copied:
    """A label row as the store gives it, its record's IRI made that of a copy."""

    def __init__(self, row: object, copy: int) -> None:
        self.row, self.copy = row, copy

    def __getitem__(self, name: str) -> object:
        value = self.row[name]  # type: ignore[index]
        if name == "entity":
            import pyoxigraph as ox
            return ox.NamedNode(f"{value.value}-copy{self.copy}")
        return value


def load_in_fresh_process(folder: Path) -> dict[str, float]:
    """Loading the saved index and a first search, in a process that has imported the module and nothing else."""
    code = f"""
import json, time, sys
from pathlib import Path
from graph.search.textindex import SearchIndex
sys.path.insert(0, {str(Path(__file__).parent)!r})
from search_files import rss_mb
before = rss_mb()
start = time.perf_counter()
index = _load(Path({str(folder)!r}))
loaded = time.perf_counter() - start
index.search("synthetic person 42")
first = time.perf_counter() - start - loaded
for text in ("zh", "伊力哈木·土赫提", "a"):
    index.search(text, limit=100000)
print(json.dumps({{"load s": round(loaded, 3), "first search s": round(first, 3), "rss after load MB": rss_mb() - before}}))
"""
    prelude = ("def _load(folder):\n"
               "    from graph.search.textindex import SearchIndex\n"
               "    if hasattr(SearchIndex, 'load'):\n        return SearchIndex.load(folder)\n"
               "    from graph.editions import pickles\n"
               "    with (folder / 'search.pickle').open('rb') as handle:\n        return pickles.load(handle)\n")
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def save(index: object, folder: Path) -> None:
    """The index in its files: SearchIndex.save, or the pickle the older code kept."""
    if hasattr(index, "save"):
        index.save(folder)
        return
    from graph.editions import pickles
    with (folder / "search.pickle").open("wb") as handle:
        pickles.dump(index, handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--times", type=int, default=1)
    args = parser.parse_args()
    from graph.search import textindex

    store = CaseStore.open(args.store, DEFAULT_BASE, read_only=True)
    rows = list(solutions(store, args.times))
    store.select = lambda query, bindings=None: rows  # type: ignore[method-assign,assignment,misc]
    before = rss_mb()
    start = time.perf_counter()
    index = textindex.SearchIndex(store)
    result: dict[str, object] = {"labels": len(rows), "build s": round(time.perf_counter() - start, 2),
                                 "built index RSS MB": round(rss_mb() - before, 1)}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        start = time.perf_counter()
        save(index, folder)
        result["save s"] = round(time.perf_counter() - start, 2)
        result["files MB"] = round(sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6, 1)
        result.update(load_in_fresh_process(folder))
        loaded = index
        if hasattr(textindex.SearchIndex, "load"):
            loaded = textindex.SearchIndex.load(folder)
        for name, text in QUERIES.items():
            result[f"search {name} ms (built)"] = median_ms(lambda text=text: index.search(text))
            result[f"search {name} ms (loaded)"] = median_ms(lambda text=text: loaded.search(text))  # type: ignore[attr-defined]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
