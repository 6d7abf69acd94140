"""The validation engines compared on the same files: the compiled shapes, pyshacl, and pyshacl behind a digest-keyed cache.

Each engine validates every file one after the other in this process, so the figures are the engines'
own cost, without the process pool the CLI and the build spread them over. The cache is the one that
was weighed against the compiled shapes: a report kept on disk under the digest of the shapes, the
ontology, the base and the file's bytes, so an unchanged file is not validated again. It is measured
cold (every file validated and its report written) and warm (every report read back).

    python tests/bench/engines.py --cases 1000 --output var/bench
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from graph.editions import build
from graph.ingest.synth import write_synthetic
from graph.iris import DEFAULT_BASE
from graph.paths import ontology_files, shapes_files, sources_dir
from graph.validation import validate
from graph.validation.validate import Engine, Report, validate_file


def synthetic(root: Path, cases: int) -> list[Path]:
    """A synthetic collection of this size, written once."""
    directory = root / f"engines-{cases}"
    if not directory.is_dir():
        directory.mkdir(parents=True)
        write_synthetic(directory, cases, 1, DEFAULT_BASE)
    return sorted(directory.glob("*.trig"))


def timed(work: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def each(files: list[Path], engine: Engine) -> list[Report]:
    """Every file validated in turn by one engine."""
    return [validate_file(path, DEFAULT_BASE, engine) for path in files]


def cached(files: list[Path], directory: Path) -> list[Report]:
    """Every file validated by pyshacl unless a report for the same shapes, ontology and bytes is on disk."""
    rules = hashlib.sha256(DEFAULT_BASE.encode())
    for path in [*shapes_files(), *ontology_files()]:
        rules.update(hashlib.sha256(path.read_bytes()).digest())
    reports = []
    for path in files:
        kept = directory / hashlib.sha256(rules.digest() + path.read_bytes()).hexdigest()
        if kept.is_file():
            reports.append(pickle.loads(kept.read_bytes()))
            continue
        report = validate_file(path, DEFAULT_BASE, "pyshacl")
        kept.write_bytes(pickle.dumps(report))
        reports.append(report)
    return reports


def build_validation(files: list[Path], engine: Engine) -> float:
    """Seconds the build's read-and-validate step takes with the engine given (its process pool included)."""
    directory = files[0].parent
    original = validate.validate_each

    def with_engine(paths: list[Path], base: str, _: Engine = "compiled", store: Path | None = None):  # type: ignore[no-untyped-def]
        return original(paths, base, engine, store)

    build.validate_each = with_engine  # type: ignore[assignment]
    try:
        return timed(lambda: build.read_and_validate(directory, DEFAULT_BASE))
    finally:
        build.validate_each = original


def measure(name: str, files: list[Path], scratch: Path) -> None:
    """Print every figure for one set of files."""
    setup = {engine: timed(lambda engine=engine: each(files[:1], engine)) for engine in ("compiled", "pyshacl")}  # type: ignore[misc]
    figures = {
        "compiled": timed(lambda: each(files, "compiled")),
        "pyshacl": timed(lambda: each(files, "pyshacl")),
    }
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    figures["pyshacl+cache, cold"] = timed(lambda: cached(files, scratch))
    figures["pyshacl+cache, warm"] = timed(lambda: cached(files, scratch))
    figures["build step, compiled"] = build_validation(files, "compiled")
    figures["build step, pyshacl"] = build_validation(files, "pyshacl")
    print(f"{name}: {len(files)} file(s); first file (setup included): "
          + ", ".join(f"{e} {s:.2f} s" for e, s in setup.items()))
    for label, seconds in figures.items():
        print(f"  {label:<24} {seconds:8.2f} s   {seconds / figures['compiled']:6.2f} x compiled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, nargs="*", default=[1000])
    parser.add_argument("--output", type=Path, default=Path("var/bench"))
    args = parser.parse_args()
    measure("shipped sources", sorted(sources_dir().glob("*.trig")), args.output / "engine-cache")
    for cases in args.cases:
        measure(f"{cases} synthetic cases", synthetic(args.output.resolve(), cases), args.output / "engine-cache")


if __name__ == "__main__":
    main()
