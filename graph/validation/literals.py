"""Literals as pyshacl sees them through rdflib: whether one is well formed for its datatype, which spellings are one
value, and how two of them order. The compiled shapes ask these questions so that their answers are pyshacl's."""

from __future__ import annotations

from collections.abc import Callable, Set
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from pyshacl.rdfutil.compare import compare_literal as _untyped_compare
from rdflib import RDF, XSD, URIRef

Term = ox.NamedNode | ox.BlankNode | ox.Literal

LANG_STRING = str(RDF.langString)
XSD_STRING = ox.NamedNode(str(XSD.string))
# pyshacl's own ordering of two literals, for sh:minInclusive and sh:maxInclusive.
compare_literal: Callable[[rdflib.Literal, rdflib.Literal], int] = _untyped_compare
# The Python types rdflib must read a literal as for pyshacl to accept its datatype.
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    str(XSD.string): (str, bytes),
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): date,
    str(XSD.time): time,
    str(XSD.dateTime): datetime,
}


def has_datatype(value: Term, datatype: str) -> bool:
    if not isinstance(value, ox.Literal):
        return False
    if value.language is not None:
        return datatype == LANG_STRING
    return value.datatype.value == datatype and well_formed(value.value, datatype)


@lru_cache(maxsize=65536)
def well_formed(lexical: str, datatype: str) -> bool:
    """Whether rdflib reads the literal as its datatype says: the test pyshacl applies."""
    if datatype == str(XSD.string):
        return True
    literal = rdflib.Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed:
        return False
    expected = PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(literal.value, expected)


def one_per_value(values: Set[Term]) -> Set[Term]:
    """The values with one spelling kept of each typed value: rdflib, and so pyshacl, reads "033" and "33" as one integer."""
    kept: dict[object, Term] = {}
    for value in values:
        normal = normal_form(value) if isinstance(value, ox.Literal) else None
        kept.setdefault(value if normal is None else normal, value)
    return values if len(kept) == len(values) else set(kept.values())


@lru_cache(maxsize=65536)
def normal_form(value: ox.Literal) -> tuple[str, str] | None:
    """A typed literal as rdflib rewrites it ("33" for "033"), with its datatype; None for text, which it keeps."""
    if value.language is not None or value.datatype == XSD_STRING:
        return None
    return str(rdflib.Literal(value.value, datatype=URIRef(value.datatype.value))), value.datatype.value


def repeated_languages(values: Set[Term]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        if isinstance(value, ox.Literal) and value.language:
            language = value.language.lower()
            (repeated if language in seen else seen).add(language)
    return repeated


def at_most(value: Term, other: Term) -> bool:
    """Whether value <= other, as pyshacl's sh:lessThanOrEquals decides (a blank node is never in order)."""
    left, right = comparable(value), comparable(other)
    if left is None or right is None or isinstance(left, str) != isinstance(right, str):
        return False
    try:
        return bool(left <= right)  # type: ignore[operator]
    except TypeError:
        return False


def comparable(term: Term) -> str | tuple[rdflib.Literal] | None:
    """A string for IRIs and string literals, which compare as text; other literals boxed, as rdflib orders them."""
    if isinstance(term, ox.BlankNode):
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    literal = rdflib_literal(term)
    return literal.value if isinstance(literal.value, str) else (literal,)


def rdflib_literal(value: ox.Literal) -> rdflib.Literal:
    return literal(value.value, None if value.language else value.datatype.value, value.language)


@lru_cache(maxsize=4096)
def literal(lexical: str, datatype: str | None, language: str | None) -> rdflib.Literal:
    if datatype == str(XSD.string):
        datatype = None
    return rdflib.Literal(lexical, lang=language, datatype=None if datatype is None else URIRef(datatype))
