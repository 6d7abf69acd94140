"""The rdflib baselines, in a process of their own: load into a memory Dataset, query it, serve it with
rdflib-endpoint, then serialise it; one load serves all three.

Protocol with the benchmark: prints READY once rdflib-endpoint answers on the port; the benchmark
then measures it over HTTP and writes a line to stdin; the endpoint stops, and the dumps are timed
when that line is "dumps" (not when the run skips dumps).
Results go to the JSON file named on the command line, the endpoint's peak memory with them.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import threading
import time
from pathlib import Path

import uvicorn
from measure import median, once
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint

# Turtle is left out: rdflib writes only the default graph of a Dataset as Turtle, not the merge casegraph writes.
DUMPS = {"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}


def _peak_mb() -> float:
    found = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024 if found else 0.0


def main() -> None:
    """Load, query, serve, then dump; every step within the time limit or recorded as over it."""
    options = argparse.ArgumentParser()
    options.add_argument("--base", required=True)
    options.add_argument("--queries", required=True, help="JSON object: name to query text")
    options.add_argument("--port", type=int, required=True)
    options.add_argument("--results", type=Path, required=True)
    options.add_argument("--limit", type=float, required=True)
    options.add_argument("files", nargs="+", type=Path)
    args = options.parse_args()
    results: dict[str, object] = {}
    data = Dataset(default_union=True)

    def load() -> None:
        for path in args.files:
            data.parse(path, format="trig", publicID=args.base)

    results["build"] = once(load)
    results["quads"] = len(data)
    results["queries"] = {name: median(lambda text=text: list(data.query(text)), limit=args.limit)
                          for name, text in json.loads(args.queries).items()}
    server = uvicorn.Server(uvicorn.Config(SparqlEndpoint(graph=data), host="127.0.0.1", port=args.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 600
    while not server.started:  # polled: uvicorn sets the flag and offers no event to wait on
        if time.monotonic() > deadline or not thread.is_alive():
            sys.exit("rdflib-endpoint did not start")
        time.sleep(0.1)
    print("READY", flush=True)
    wanted = sys.stdin.readline().strip()  # "dumps" to time the dumps next, "done" to stop here
    results["serving_peak_mb"] = _peak_mb()
    server.should_exit = True
    thread.join()
    results["dumps"] = {name: once(lambda fmt=fmt: data.serialize(io.BytesIO(), format=fmt), args.limit)
                        for name, fmt in DUMPS.items()} if wanted == "dumps" else {}
    args.results.write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main()
