"""Query results written in the SPARQL result formats, or as rows of readable text."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from graph.errors import UsageError
from graph.namespaces import PREFIXES, blank_node_text
from graph.store.seam import QueryResult, Rows

TABULAR = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
GRAPHS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
TABULAR_FORMATS = ["table", *TABULAR]
GRAPH_FORMATS = list(GRAPHS)


def write_result(result: QueryResult, fmt: str, output: IO[bytes]) -> None:
    """Serialise a query result: SELECT/ASK in a SPARQL results format, CONSTRUCT/DESCRIBE as RDF."""
    if isinstance(result, ox.QueryTriples):
        rdf = GRAPHS.get(fmt) or GRAPHS.get({"table": "turtle", "json": "jsonld"}.get(fmt, ""))
        if rdf is None:
            raise UsageError(f"a CONSTRUCT or DESCRIBE result is a graph; use --format {', '.join(GRAPHS)}")
        ox.serialize(result, output, rdf, prefixes=None if rdf == ox.RdfFormat.N_TRIPLES else PREFIXES)
    elif fmt in TABULAR:
        result.serialize(output, TABULAR[fmt])
    elif fmt == "table" and isinstance(result, ox.QueryBoolean):
        output.write(b"true\n" if bool(result) else b"false\n")
    else:
        raise UsageError(f"a SELECT or ASK result can be written as {', '.join(TABULAR_FORMATS)}, not {fmt!r}")


def rows(result: ox.QuerySolutions | Rows, base: str) -> tuple[list[str], list[list[str]]]:
    """The variables and the rows of a SELECT result, each term shown briefly."""
    variables = [v.value for v in result.variables]
    return variables, [[show(solution[v], base) for v in variables] for solution in result]


def show(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, base: str) -> str:
    """A term as a person reads it: literal values bare, IRIs shortened by prefix or base."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return blank_node_text(term)
    if isinstance(term, ox.NamedNode):
        # Prefixes first: the vocabulary's namespace may lie under the data's base.
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        if term.value.startswith(base):
            return "<" + term.value[len(base):] + ">"
    return str(term)
