"""The benchmark's table: casegraph beside each baseline with the ratio, and each target met or missed by how much."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import Result

BASELINES = ("before", "pyoxigraph", "Oxigraph server", "Virtuoso", "rdflib", "rdflib-endpoint")
REMOTE = ("Oxigraph server", "Virtuoso")


@dataclass(frozen=True)
class Target:
    """A goal for one task: in words, and as a check giving how far it is missed (1 or less: met)."""

    words: str
    shortfall: Callable[[Result, dict[str, Result]], float | None]


def _at_most(seconds: float) -> Target:
    return Target(f"≤ {seconds:g} s", lambda own, _: None if own.value is None else own.value / seconds)


def _vs(system: str, factor: float, faster: bool) -> Target:
    """casegraph at most `factor` times the baseline's time, or at least `factor` times faster than it."""
    words = f"≥ {factor:g}× faster than {system}" if faster else f"≤ {factor:g}× {system}'s time"

    def shortfall(own: Result, others: dict[str, Result]) -> float | None:
        other = others.get(system)
        if other is None or own.value is None:
            return None
        mine = own.value
        theirs = other.value if other.value is not None else other.limit
        if theirs is None:
            return None
        return mine * factor / theirs if faster else mine / (theirs * factor)

    return Target(words, shortfall)


def target(task: str) -> Target | None:
    """The issue's target for a task, if it has one."""
    if task == "build":
        return _vs("pyoxigraph", 2, faster=False)
    if task.startswith("query check"):
        return Target("≤ 0.1× a point lookup over HTTP", lambda own, _: None if own.value is None
                      or not own.extra.get("point lookup over HTTP") else own.value / (0.1 * own.extra["point lookup over HTTP"]))
    if task == "whole-graph validation":
        return _at_most(10)
    store = next((s for s in REMOTE if task.endswith(f" on {s}")), None)
    if store and task.startswith("query point-lookup"):
        return _vs(store, 1.5, faster=False)
    if store and task.startswith("point lookups per second") and "front-ends" in task:
        return Target("≥ 1.3× one front-end", lambda own, _: None if own.value is None or not own.extra.get("one front-end")
                      else 1.3 * own.extra["one front-end"] / own.value)
    if store and task.startswith("one new source live everywhere"):
        return _at_most(3)
    if store:
        return None
    if task.startswith("query") and task.endswith("over HTTP"):
        return _vs("Oxigraph server", 1.5, faster=False)
    if task.startswith("query"):
        return _vs("rdflib", 20, faster=True)
    if task.startswith("point lookups per second"):
        return Target("≥ 4× rdflib-endpoint", lambda own, o: None if own.value is None or "rdflib-endpoint" not in o
                      or not o["rdflib-endpoint"].value else 4 * o["rdflib-endpoint"].value / own.value)
    if task in ("dump turtle", "dump nquads"):
        return _vs("pyoxigraph", 2, faster=False)
    if task == "dump jsonld":
        return _vs("rdflib", 30, faster=True)
    if task.startswith("one new source live"):
        return _at_most(0.1)
    if task.startswith("ego network depth 2"):
        return _at_most(0.05)
    if task.startswith("search") and task.endswith("over HTTP"):
        return _at_most(0.03)
    if task == "service start-up, index files kept":
        return _at_most(2)
    if task.startswith("serving peak memory"):
        return Target("≤ 1024 MB", lambda own, _: None if own.value is None else own.value / 1024)
    return None


def _value(result: Result) -> str:
    if result.value is None:
        return f"> {result.limit:g} s" if result.limit else "failed"
    if result.unit == "s":
        if result.value < 0.001:
            return f"{result.value * 1e6:.2g} µs" if result.value < 1e-5 else f"{result.value * 1e6:.0f} µs"
        return f"{result.value * 1000:.1f} ms" if result.value < 1 else f"{result.value:.2f} s"
    return f"{result.value:,.0f} {result.unit}"


def _ratio(own: Result, other: Result) -> str:
    """How many times better casegraph is (above 1) or worse (below 1): time and memory lower, rate higher."""
    mine, theirs = own.value, other.value if other.value is not None else other.limit
    if not mine or not theirs:
        return ""
    ratio = mine / theirs if own.unit == "req/s" else theirs / mine
    bound = "≥ " if other.value is None else ""
    return f" ({bound}{ratio:.2g}×)" if ratio < 10 else f" ({bound}{ratio:,.0f}×)"


def _verdict(task: str, own: Result, others: dict[str, Result]) -> str:
    goal = target(task)
    if goal is None:
        return ""
    shortfall = goal.shortfall(own, others)
    if shortfall is None:
        return f"{goal.words}: not measured" if own.value is not None else f"{goal.words}: missed (over the limit)"
    short = f"{shortfall:.2f}" if shortfall < 10 else f"{shortfall:,.0f}"
    return f"{goal.words}: met" if shortfall <= 1 else f"{goal.words}: **missed, {short}× short**"


MARKS = "†‡§¶"  # then doubled (††), as footnote marks run on


def mark_of(number: int) -> str:
    """The footnote mark of the earlier run of this number (from 0)."""
    return MARKS[number % len(MARKS)] * (number // len(MARKS) + 1)


def kept(earlier: list[Result], about_earlier: dict[str, object], results: list[Result],
         about: dict[str, object]) -> tuple[list[Result], dict[str, object]]:
    """This run's results, with the earlier run's for what this one did not measure, each of those naming its run."""
    measured = {(r.size, r.task, r.system) for r in results}
    before: list[dict[str, object]] = about_earlier.get("earlier", [])  # type: ignore[assignment]
    runs = [*before, {"when": about_earlier["when"], "command": about_earlier["command"]}]
    # A step's failure says what went wrong in its run, not what a step measures: it is not carried into another.
    carried = [Result(**{**r.as_json(), "extra": {"run": about_earlier["when"]} | r.extra}) for r in earlier
               if (r.size, r.task, r.system) not in measured and not r.task.endswith((" (failed)", " (not run)"))]
    used = {r.extra["run"] for r in carried}
    return [*carried, *results], about | {"earlier": [run for run in runs if run["when"] in used]}


def table(results: list[Result], about: dict[str, object], level: int = 1) -> str:
    """The Markdown table of a run, one section per size, its title at a heading level (1: `#`)."""
    box: dict[str, str] = about["machine"]  # type: ignore[assignment]
    before = f"; the before column is revision `{about['before']}` on a copy of the same store" if about.get("before") else ""
    lines = ["#" * level + " casegraph benchmark", "",
             f"Run {about['when']} on {box['cpus']} cores of {box['cpu']}, {box['memory']}, Python {box['python']}, "
             f"pyoxigraph {box['pyoxigraph']}, {box['system']}; command `{about['command']}`{before}.", "",
             "Each cell is a median of repeated runs (one run where a run takes seconds); in brackets, how many",
             "times better casegraph is than that baseline (faster, more requests per second, less memory):",
             "above 1, casegraph is better; below 1, worse. `> N s` means stopped at the time limit.", ""]
    earlier: list[dict[str, str]] = about.get("earlier", [])  # type: ignore[assignment]
    mark = {run["when"]: mark_of(number) for number, run in enumerate(earlier)}
    lines += [f"{mark[run['when']]} A row so marked was measured in an earlier run, {run['when']}, by `{run['command']}`."
              for run in earlier] + ([""] if earlier else [])
    for size in sorted({r.size for r in results}):
        here = [r for r in results if r.size == size]
        tasks = list(dict.fromkeys(r.task for r in here))
        shown = [s for s in BASELINES if any(r.system == s for r in here)]
        lines += ["#" * (level + 1) + f" {size:,} cases", "", "| task | casegraph | " + " | ".join(shown) + " | target |",
                  "|---|---|" + "---|" * len(shown) + "---|"]
        for task in tasks:
            # Baselines keep no answers: their one throughput run stands beside both of casegraph's.
            plain = "point lookups per second" if task == "point lookups per second, repeated answers kept" else task
            by_system = {r.system: r for r in here if r.task == plain} | {r.system: r for r in here if r.task == task}
            own = by_system.get("casegraph")
            if own is None:
                continue
            cells = [_value(by_system[s]) + _ratio(own, by_system[s]) if s in by_system else "" for s in shown]
            run = mark.get(own.extra.get("run", ""), "")
            lines.append(f"| {task}{run} | {_value(own)} | " + " | ".join(cells) + f" | {_verdict(task, own, by_system)} |")
        notes = [f"- {r.system}, {r.task}: {r.note}" for r in here if r.note]
        lines += ["", *notes, ""] if notes else [""]
    return "\n".join(lines)


BEGIN = "<!-- The table below is written by `make bench` from docs/bench.json (tests/bench/report.py); do not edit it. -->"
END = "<!-- End of the table written by `make bench`. -->"


def read(path: Path) -> tuple[list[Result], dict[str, object]]:
    """The measurements and the description of a run, from its bench.json."""
    found = json.loads(path.read_text(encoding="utf-8"))
    return [Result(**r) for r in found["results"]], found["about"]


def in_docs(document: str, results: list[Result], about: dict[str, object]) -> str:
    """A Markdown document with the run's table, at the third heading level, between its two markers."""
    before, begin, rest = document.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise ValueError("the document has no markers for the benchmark's table")
    return f"{before}{BEGIN}\n\n{table(results, about, level=3)}\n{END}{after}"


def main() -> None:
    """Print a run's table again (report.py var/bench/bench.json), or check that a page holds it (--check docs/performance.md)."""
    options = argparse.ArgumentParser(description=main.__doc__)
    options.add_argument("results", type=Path, help="a bench.json")
    options.add_argument("--check", type=Path, metavar="PAGE", help="exit 1 unless the page holds the table of these results")
    args = options.parse_args()
    if not args.check:
        print(table(*read(args.results)))
        return
    page = args.check.read_text(encoding="utf-8")
    if in_docs(page, *read(args.results)) != page:
        sys.exit(f"{args.check} does not hold the table of {args.results}: run make bench, or report.py to write it")


if __name__ == "__main__":
    main()
