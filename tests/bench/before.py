"""An earlier revision of casegraph measured beside this checkout in the same run (`make bench BEFORE=<rev>`).

The revision is checked out into a worktree of its own under the output directory, with a virtual
environment of its own, and serves a copy of the store this checkout built: the same data, the same
machine, the same moment. Its rows stand in the table's "before" column.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM = "before"


def prepare(revision: str, output: Path) -> Path:
    """The `casegraph` command of a revision, checked out and installed under the output directory once."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}").strip()
    tree = (output / f"before-{commit[:12]}").resolve()
    command = tree / ".venv" / "bin" / "casegraph"
    if command.is_file():
        return command
    if not tree.is_dir():
        _git("worktree", "add", "--detach", str(tree), commit)
    subprocess.run([sys.executable, "-m", "venv", str(tree / ".venv")], check=True)
    subprocess.run([str(tree / ".venv" / "bin" / "pip"), "install", "--quiet", "-e", str(tree)], check=True)
    return command


def compile_code(tree: Path, python: Path) -> None:
    """Compile a checkout's own modules to bytecode, as installing a package does.

    An editable install leaves that to the first import, which writes nothing when
    PYTHONDONTWRITEBYTECODE is set: every start would then compile every module again, some
    0.3 s of each restart here, which no installed service pays.
    """
    folders = [str(tree / name) for name in ("graph", "service", "casegraph") if (tree / name).is_dir()]
    subprocess.run([str(python), "-m", "compileall", "-q", "-x", "node_modules", *folders], check=True,
                   stdout=subprocess.DEVNULL)


def copy_store(store: Path, target: Path) -> Path:
    """A copy of a built store without its index files, which each revision makes in its own way."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(store, target, ignore=shutil.ignore_patterns("index", "dumps"))
    return target


def _git(*arguments: str) -> str:
    here = Path(__file__).resolve().parent
    return subprocess.run(["git", "-C", str(here), *arguments], check=True, capture_output=True, text=True).stdout
