"""Shared fixtures: the store built from the shipped sources, through the real build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casegraph.build import build
from casegraph.paths import sources_dir
from casegraph.settings import DEFAULT_BASE
from casegraph.store import CaseStore

BASE = DEFAULT_BASE


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store built from graph/data/sources, as `casegraph build` builds it."""
    directory = tmp_path_factory.mktemp("store") / "store"
    build(sources_dir(), directory, BASE)
    return directory


@pytest.fixture(scope="session")
def store(store_dir: Path) -> Iterator[CaseStore]:
    """The built store, opened read-only."""
    yield CaseStore.open(store_dir, BASE, read_only=True)
