"""Networks written out: node-link JSON, Cytoscape.js JSON, GraphML and GEXF (both open in Gephi), and PNG."""

from __future__ import annotations

import io
import textwrap
from typing import Any

import networkx as nx
import orjson

from graph.errors import UsageError
from graph.network.network import Network

MEDIA_TYPES = {
    "json": "application/json",
    "cytoscape": "application/vnd.cytoscape+json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "png": "image/png",
}
EXTENSIONS = {"json": "json", "cytoscape": "cyjs", "graphml": "graphml", "gexf": "gexf", "png": "png"}


def node_link(graph: Network) -> dict[str, Any]:
    """The network as networkx node-link data: nodes with their attributes, edges with theirs."""
    data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
    return data


def cytoscape(graph: Network) -> dict[str, Any]:
    """The network as Cytoscape.js elements, each edge with a unique id."""
    elements = {"nodes": [{"data": {"id": node, **attrs}} for node, attrs in graph.nodes(data=True)],
                "edges": [{"data": {"id": f"{a} {b} {key}", "source": attrs["subject"], "target": attrs["object"], **attrs}}
                          for a, b, key, attrs in graph.edges(keys=True, data=True)]}
    return {"data": dict(graph.graph), "elements": elements}


def _flat(graph: Network) -> Network:
    """A copy whose attributes are all strings, as GraphML and GEXF require; lists become space-separated."""
    flat: Network = nx.MultiGraph()
    flat.graph.update({k: str(v) for k, v in graph.graph.items()})
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _text(v) for k, v in attrs.items()})
    for a, b, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(a, b, key=key, **{k: _text(v) for k, v in attrs.items()})
    return flat


def _text(value: object) -> str:
    return " ".join(map(str, value)) if isinstance(value, list | tuple | set) else str(value)


def json_bytes(data: dict[str, Any]) -> bytes:
    """Node-link or Cytoscape.js data as UTF-8 JSON."""
    return orjson.dumps(data)


def write(graph: Network, fmt: str) -> bytes:
    """The network in one of MEDIA_TYPES' formats."""
    if fmt == "json":
        return json_bytes(node_link(graph))
    if fmt == "cytoscape":
        return json_bytes(cytoscape(graph))
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(_flat(graph), buffer)
    elif fmt == "gexf":
        nx.write_gexf(_flat(graph), buffer)
    elif fmt == "png":
        _draw(graph, buffer)
    else:
        raise UsageError(f"no network format {fmt!r}; choose one of {', '.join(MEDIA_TYPES)}")
    return buffer.getvalue()


def _draw(graph: Network, output: io.BytesIO) -> None:
    """A PNG drawing: nodes coloured by kind and named, edges labelled by kind."""
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to a file
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(12, 9), dpi=100)
    layout = nx.spring_layout(graph, seed=1)
    kinds = sorted({str(k) for _, k in graph.nodes(data="kind")})
    colours = [kinds.index(str(k)) for _, k in graph.nodes(data="kind")]
    nx.draw_networkx(graph, layout, ax=axes, node_color=colours, cmap="tab10", vmin=0, vmax=max(len(kinds), 10),
                     labels={n: _short(graph.nodes[n]["label"]) for n in graph}, font_size=7, node_size=220)
    edge_labels: dict[tuple[str, str], set[str]] = {}
    for a, b, data in graph.edges(data=True):
        edge_labels.setdefault((a, b), set()).add(str(data["kind"]))
    nx.draw_networkx_edge_labels(graph, layout, edge_labels={ends: ", ".join(sorted(k)) for ends, k in edge_labels.items()},
                                 ax=axes, font_size=6)
    axes.set_axis_off()
    figure.tight_layout()
    figure.savefig(output, format="png")
    plt.close(figure)


def _short(label: str, width: int = 26) -> str:
    return textwrap.fill(label, width, max_lines=3, placeholder="…")
