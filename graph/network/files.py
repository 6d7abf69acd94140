"""Views kept as files in a folder: numpy arrays (.npy), the trie of node IRIs, and views.json saying what is where.

Nothing in the folder is code: arrays are read with allow_pickle=False and the trie by marisa's own
reader, so a file planted in the folder can make loading fail but never run anything. Arrays and
trie are memory-mapped: loading takes milliseconds, and the service's memory holds only the pages
its requests touch, shared with any other process mapping the same files.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import marisa_trie
import numpy as np

from graph.errors import CasegraphError
from graph.network.compact import CompactView
from graph.network.edges import EdgeTable, EdgeView
from graph.network.nodes import CodedColumn, NodeTable, SourceLists, TextColumn
from graph.network.shared import HubTable, SharedView

FORMAT = "casegraph network views 2"
CONTENTS = "views.json"
TRIE = "iris.marisa"
# Each array of the files with the dtype it must have: a file of another dtype is refused, not read as something else.
_NODE_ARRAYS = {"iri_data": np.uint8, "iri_ends": np.int64,
                "label_data": np.uint8, "label_ends": np.int64, "kind_codes": np.uint16, "class_codes": np.uint16,
                "source_items": np.int32, "source_starts": np.int64}
_EDGE_ARRAYS = {"starts": np.int32, "ends": np.int32, "kinds": np.int32, "labels": np.int32, "vias": np.int32,
                "sources": np.int32, "pointers": np.int64, "at_node": np.int32}
_HUB_ARRAYS = {field.name: np.int32 for field in fields(HubTable)} | {"hub_kinds": np.uint8, "people_pointers": np.int64,
                                                                      "hub_pointers": np.int64}


class ViewsUnreadable(CasegraphError):
    """A folder does not hold views written by save_views(), or holds them damaged."""


def save_views(views: dict[str, CompactView], folder: Path) -> None:
    """Write views into a folder of their own (made here), their shared node and edge tables once each."""
    folder.mkdir(parents=True)
    nodes = {id(graph.nodes): graph.nodes for graph in views.values()}
    if len(nodes) != 1:
        raise ValueError("the views to save must share one node table")
    _save_nodes(next(iter(nodes.values())), folder)
    tables: dict[int, str] = {}
    contents: dict[str, dict[str, Any]] = {}
    for name, graph in views.items():
        if isinstance(graph, EdgeView):
            if id(graph.table) not in tables:
                tables[id(graph.table)] = f"edges-{len(tables)}"
                _save_arrays(folder / tables[id(graph.table)], {key: getattr(graph.table, key) for key in _EDGE_ARRAYS})
                (folder / tables[id(graph.table)] / "words.json").write_text(json.dumps(graph.table.words), encoding="utf-8")
            if graph.members is not None:
                _save_arrays(folder / f"members-{name}", {"members": graph.members})
            contents[name] = {"type": "edges", "table": tables[id(graph.table)], "only": graph.only}
        elif isinstance(graph, SharedView):
            _save_arrays(folder / f"hubs-{name}", {key: getattr(graph.table, key) for key in _HUB_ARRAYS})
            contents[name] = {"type": "hubs"}
        else:
            raise TypeError(f"no file format for a view of type {type(graph).__name__}")
    (folder / CONTENTS).write_text(json.dumps({"format": FORMAT, "views": contents}), encoding="utf-8")


def _save_nodes(nodes: NodeTable, folder: Path) -> None:
    (folder / "nodes").mkdir()
    nodes.iris.save(str(folder / "nodes" / TRIE))
    _save_arrays(folder / "nodes", {"iri_data": nodes.iri_texts.data, "iri_ends": nodes.iri_texts.ends,
                                    "label_data": nodes.labels.data, "label_ends": nodes.labels.ends,
                                    "kind_codes": nodes.kinds.codes, "class_codes": nodes.classes.codes,
                                    "source_items": nodes.sources.items, "source_starts": nodes.sources.starts})
    values = {"kinds": nodes.kinds.values, "classes": nodes.classes.values}
    (folder / "nodes" / "values.json").write_text(json.dumps(values), encoding="utf-8")


def _save_arrays(folder: Path, arrays: dict[str, Any]) -> None:
    folder.mkdir(exist_ok=True)
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)


def load_views(folder: Path) -> dict[str, CompactView]:
    """The views save_views() wrote into a folder, memory-mapped; ViewsUnreadable for a folder holding anything else."""
    try:
        contents = json.loads((folder / CONTENTS).read_text(encoding="utf-8"))
        if not isinstance(contents, dict) or contents.get("format") != FORMAT:
            raise ViewsUnreadable(f"{folder / CONTENTS} is not the contents of network views in the format {FORMAT!r}")
        return _views(folder, contents["views"])
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError, RuntimeError) as error:
        raise ViewsUnreadable(f"the network views in {folder} cannot be read: {error}") from None


def _views(folder: Path, contents: dict[str, dict[str, Any]]) -> dict[str, CompactView]:
    nodes = _load_nodes(folder / "nodes")
    tables: dict[str, EdgeTable] = {}
    views: dict[str, CompactView] = {}
    for name, about in contents.items():
        if about["type"] == "edges":
            if about["table"] not in tables:
                place = folder / Path(about["table"]).name
                words = json.loads((place / "words.json").read_text(encoding="utf-8"))
                tables[about["table"]] = EdgeTable(**_load_arrays(place, _EDGE_ARRAYS), words=[str(word) for word in words])
            members = None if about["only"] is None else \
                _load_arrays(folder / f"members-{name}", {"members": np.bool_})["members"]
            views[name] = EdgeView(name, nodes, tables[about["table"]], about["only"], members)
        elif about["type"] == "hubs":
            views[name] = SharedView(nodes, HubTable(**_load_arrays(folder / f"hubs-{name}", _HUB_ARRAYS)))
        else:
            raise ViewsUnreadable(f"{folder / CONTENTS} names a view {name!r} of unknown type {about['type']!r}")
    return views


def _load_nodes(folder: Path) -> NodeTable:
    arrays = _load_arrays(folder, _NODE_ARRAYS)
    values = json.loads((folder / "values.json").read_text(encoding="utf-8"))
    iris = marisa_trie.Trie().mmap(str(folder / TRIE))
    if not len(iris) == len(arrays["iri_ends"]) == len(arrays["label_ends"]):
        raise ViewsUnreadable(f"the node files in {folder} do not match: {len(iris)} IRIs in the trie, "
                              f"{len(arrays['iri_ends'])} in the column, {len(arrays['label_ends'])} labels")
    return NodeTable(iris, TextColumn(arrays["iri_data"], arrays["iri_ends"]),
                     TextColumn(arrays["label_data"], arrays["label_ends"]),
                     CodedColumn(arrays["kind_codes"], values["kinds"]), CodedColumn(arrays["class_codes"], values["classes"]),
                     SourceLists(arrays["source_items"], arrays["source_starts"]))


def _load_arrays(folder: Path, dtypes: dict[str, Any]) -> dict[str, Any]:
    """Each named array of a folder, memory-mapped, refused unless a one-dimensional array of its dtype."""
    arrays = {}
    for name, dtype in dtypes.items():
        array = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        if array.dtype != np.dtype(dtype) or array.ndim != 1:
            raise ViewsUnreadable(f"{folder / name}.npy holds {array.dtype} in {array.ndim} dimensions, not a row of {dtype}")
        arrays[name] = array.view(np.ndarray)  # still the mapped pages, without numpy.memmap's cost on every slice
    return arrays
