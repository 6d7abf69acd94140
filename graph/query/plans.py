"""Planned queries: a checked query and its dataset as plain data, and running one on a store.

Kept apart from the checks (sparql.py) so that a query worker imports pyoxigraph and not the
SPARQL parser it never uses: with it, and with the settings, a worker took 0.9 s to import,
without them 0.36 s, and two workers start at every restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.errors import UsageError
from graph.store.seam import Prologue, QueryResult, Store


@dataclass(frozen=True)
class Dataset:
    """The protocol's default-graph-uri and named-graph-uri parameters."""

    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


Graphs = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Plan:
    """A checked query and the dataset to run it over, as plain data a worker process can receive."""

    text: str
    graphs: Graphs | None = None  # (default graphs, named graphs) when the query or the request names its dataset
    bindings: tuple[tuple[str, str, bool], ...] = ()  # (variable, value, is an IRI)
    form: str = "SELECT"  # SELECT, ASK, CONSTRUCT or DESCRIBE, as read: a remote store is asked for its answer by it
    prologue: Prologue = Prologue()  # what its own prologue settles, as read: a remote store declares only what it lacks
    graph_names: tuple[str, ...] = ()  # the graphs its GRAPH patterns name, when none names one by a variable, as read


def bind(name: str, value: str) -> tuple[str, str, bool]:
    """A variable binding from a request parameter: an absolute http(s) IRI, or else a plain string."""
    if not (name.isascii() and name.isidentifier()):
        raise UsageError(f"{name!r} is not a SPARQL variable name")
    if value.startswith(("http://", "https://")):
        try:
            ox.NamedNode(value)
        except ValueError:
            raise UsageError(f"{value!r} is not a valid IRI") from None
        return (name, value, True)
    return (name, value, False)


def execute(store: Store, planned: Plan) -> QueryResult:
    """Run a planned query."""
    options: dict[str, object] = {}
    if planned.graphs is not None:  # a named dataset: its default graph and its named graphs, either possibly empty
        options["default_graph"] = [ox.NamedNode(i) for i in planned.graphs[0]]
        options["named_graphs"] = [ox.NamedNode(i) for i in planned.graphs[1]]
    if planned.bindings:
        # Substitution binds values as terms (SEP-0007); nothing from a request is pasted into query text.
        options["substitutions"] = {ox.Variable(name): ox.NamedNode(value) if iri else ox.Literal(value)
                                    for name, value, iri in planned.bindings}
    try:
        return store.query(planned.text, form=planned.form, prologue=planned.prologue, **options)
    except RuntimeError as error:
        if "does not contains variable" in str(error):
            raise UsageError("a parameter names a variable this query does not return; "
                             "parameters bind returned variables") from None
        raise
