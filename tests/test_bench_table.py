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
