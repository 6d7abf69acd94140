"""Compressed rows: row i of a table is values[pointers[i]:pointers[i + 1]], so that a node's edges are one slice."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Pointers: TypeAlias = npt.NDArray[np.int64]
Rows: TypeAlias = npt.NDArray[np.int32] | npt.NDArray[np.int64]


def gathered(pointers: Pointers, rows: Rows) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The positions of every item of these rows, row after row, and the row of each."""
    firsts, counts = pointers[rows], pointers[rows + 1] - pointers[rows]
    before = np.cumsum(counts) - counts
    positions = np.repeat(firsts - before, counts) + np.arange(int(counts.sum()))
    return positions.astype(np.intp), np.repeat(rows, counts).astype(np.int64)


def compressed_rows(rows: Rows, values: npt.NDArray[np.int32], size: int) -> tuple[Pointers, npt.NDArray[np.int32]]:
    """Values grouped by their row (stably) as `size` compressed rows: the pointers, and the values in row order."""
    order = np.argsort(rows, kind="stable")
    pointers = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=pointers[1:])
    return pointers, values[order].astype(np.int32)
