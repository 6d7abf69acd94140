"""The benchmark table in the docs is the one `make bench` wrote from the measurements it keeps beside it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "bench" / "report.py"


def check(results: Path, page: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPORT), str(results), "--check", str(page)], capture_output=True, text=True)


def test_the_docs_table_is_the_one_written_from_docs_bench_json() -> None:
    result = check(ROOT / "docs" / "bench.json", ROOT / "docs" / "performance.md")
    assert result.returncode == 0, result.stderr


def test_a_table_edited_by_hand_is_found_out(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| ") and (" s |" in line or " ms |" in line)]
    assert rows, "the docs table has no rows with times"
    edited = tmp_path / "performance.md"
    edited.write_text(page.replace(rows[0], rows[0].replace(" ms |", "0 ms |", 1).replace(" s |", "0 s |", 1), 1))
    result = check(ROOT / "docs" / "bench.json", edited)
    assert result.returncode == 1 and "does not hold the table" in result.stderr


def test_a_run_of_some_steps_keeps_the_earlier_runs_other_rows_and_marks_them() -> None:
    sys.path.insert(0, str(REPORT.parent))
    from measure import Result
    from report import kept, table
    machine = {"cpus": "2", "cpu": "x", "memory": "1 GiB", "python": "3.11", "pyoxigraph": "0.5", "system": "linux"}
    earlier = [Result(10, "build", "casegraph", 2.0), Result(10, "load into Virtuoso", "casegraph", 9.0),
               Result(10, "on Virtuoso (failed)", "casegraph", None, note="it failed then")]
    results, about = kept(earlier, {"machine": machine, "when": "day one", "command": "make bench"},
                          [Result(10, "load into Virtuoso", "casegraph", 3.0)],
                          {"machine": machine, "when": "day two", "command": "make bench BENCH_ARGS='--skip build'"})
    assert [(r.task, r.value) for r in results] == [("build", 2.0), ("load into Virtuoso", 3.0)]
    written = table(results, about)
    assert "| build† | 2.00 s |" in written and "| load into Virtuoso | 3.00 s |" in written
    assert "† A row so marked was measured in an earlier run, day one, by `make bench`." in written


def test_every_earlier_run_has_a_mark_of_its_own_however_many_there_are() -> None:
    sys.path.insert(0, str(REPORT.parent))
    from measure import Result
    from report import table
    machine = {"cpus": "2", "cpu": "x", "memory": "1 GiB", "python": "3.11", "pyoxigraph": "0.5", "system": "linux"}
    days = [f"day {n}" for n in range(6)]
    results = [Result(10, f"step {n}", "casegraph", float(n + 1), extra={"run": day}) for n, day in enumerate(days)]
    about = {"machine": machine, "when": "today", "command": "make bench",
             "earlier": [{"when": day, "command": "make bench"} for day in days]}
    notes = [line for line in table(results, about).splitlines() if "A row so marked" in line]
    marks = [line.split(" ", 1)[0] for line in notes]
    assert len(notes) == len(set(marks)) == 6 and marks[4:] == ["††", "‡‡"]
