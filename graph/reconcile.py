"""Proposing which person records may be the same person, with the evidence, for a documenter to confirm.

Nothing here merges anything. Each shared fact counts by how rare it is among all people
(log2 of people / people sharing it): a shared name held by two people weighs far more than a
shared gender or a fixed-term sentence. Different genders rule a pair out; birth years more than
one apart count against it, and so do names in one script that do not match (different Chinese
names are two people, whatever else they share).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from casegraph.namespaces import local_name
from casegraph.paths import queries_dir
from casegraph.search import fold
from casegraph.store import CaseStore

# Features shared by more people than this do not suggest a pair on their own (they still score).
_BLOCK = 60
_SEPARATORS = re.compile(r"[\s.\-•·・‧']+")


@dataclass(frozen=True)
class Evidence:
    """One reason to think two records are one person, with its weight in bits."""

    kind: str
    detail: str
    weight: float


@dataclass(frozen=True)
class Candidate:
    """Two person records that may be one person, the score and every piece of evidence."""

    a: str
    b: str
    a_label: str
    b_label: str
    score: float
    evidence: tuple[Evidence, ...]


@dataclass
class _Person:
    iri: str
    facts: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def values(self, feature: str) -> set[str]:
        return set(self.facts[feature])

    def said(self, feature: str, value: str) -> str:
        shown = local_name(value) if value.startswith(("http://", "https://")) else value
        return f"{shown} ({', '.join(sorted(local_name(s) for s in self.facts[feature][value]))})"

    @cached_property
    def sources(self) -> frozenset[str]:
        return frozenset(s for values in self.facts.values() for found in values.values() for s in found)

    @property
    def label(self) -> str:
        return min(self.facts["name"], default=local_name(self.iri))


def propose(store: CaseStore, minimum: float = 8.0, limit: int = 100) -> list[Candidate]:
    """Pairs of person records whose shared facts weigh at least `minimum` bits, best first."""
    people = _people(store)
    keys = {iri: _keys(person) for iri, person in people.items()}
    holders: dict[str, set[str]] = defaultdict(set)
    for iri, held in keys.items():
        for key in held:
            holders[key].add(iri)
    weight = {key: math.log2(len(people) / len(iris)) for key, iris in holders.items()}
    pairs = {tuple(sorted(p)) for iris in holders.values() if len(iris) <= _BLOCK for p in combinations(iris, 2)}
    found = (_compare(people[a], people[b], weight) for a, b in pairs if people[a].sources != people[b].sources)
    kept = [c for c in found if c is not None and c.score >= minimum]
    return sorted(kept, key=lambda c: (-c.score, c.a, c.b))[:limit]


def _people(store: CaseStore) -> dict[str, _Person]:
    people: dict[str, _Person] = {}
    query = (queries_dir() / "reconcile" / "people.rq").read_text(encoding="utf-8")
    for row in store.select(query):
        iri = row["person"].value
        person = people.setdefault(iri, _Person(iri))
        value = row["value"].value
        person.facts[row["feature"].value][value].add(row["source"].value)
    return people


def _keys(person: _Person) -> set[str]:
    keys = {f"name:{_name(n)}" for n in person.values("name")}
    keys |= {f"year:{b[:4]}" for b in person.values("birth")} | {f"date:{b}" for b in person.values("birth") if len(b) > 4}
    keys |= {f"place:{p}" for p in person.values("place")} | {f"penalty:{p}" for p in person.values("penalty")}
    return keys | {f"gender:{g}" for g in person.values("gender")}


def _name(name: str) -> str:
    return _SEPARATORS.sub("", fold(name))


def _compare(a: _Person, b: _Person, weight: dict[str, float]) -> Candidate | None:
    genders = (a.values("gender"), b.values("gender"))
    if all(genders) and not genders[0] & genders[1]:
        return None
    if _names_differ(a, b):
        return None
    evidence = [*_shared_names(a, b, weight), *_births(a, b, weight), *_shared(a, b, weight, "place", "both tied to"),
                *_shared(a, b, weight, "penalty", "both sentenced to"), *_shared(a, b, weight, "gender", "both")]
    if not any(e.kind in ("name", "birth", "place") and e.weight > 0 for e in evidence):
        return None
    return Candidate(a.iri, b.iri, a.label, b.label, round(sum(e.weight for e in evidence), 2), tuple(evidence))


def _script(name: str) -> str:
    """A coarse script class: names in one class can be compared as written."""
    return "han" if any("\u3400" <= c <= "\u9fff" for c in name) else "latin" if name.isascii() else "other"


def _names_differ(a: _Person, b: _Person) -> bool:
    """True when both have names in one script and none of them match: two people, not one."""
    for script in {_script(n) for n in a.values("name")} & {_script(n) for n in b.values("name")}:
        ours = {_name(n) for n in a.values("name") if _script(n) == script}
        if not ours & {_name(n) for n in b.values("name") if _script(n) == script}:
            return True
    return False


def _shared_names(a: _Person, b: _Person, weight: dict[str, float]) -> list[Evidence]:
    found = []
    for one in sorted(a.values("name")):
        for other in sorted(b.values("name")):
            if _name(one) == _name(other):
                found.append(Evidence("name", f"named {a.said('name', one)} and {b.said('name', other)}",
                                      weight[f"name:{_name(one)}"]))
    return found[:1]


def _births(a: _Person, b: _Person, weight: dict[str, float]) -> list[Evidence]:
    found = []
    for one in sorted(a.values("birth")):
        for other in sorted(b.values("birth")):
            gap = abs(int(one[:4]) - int(other[:4]))
            said = f"born {a.said('birth', one)} and {b.said('birth', other)}"
            if one == other and len(one) > 4:
                found.append(Evidence("birth", f"{said}: the same day or month", weight[f"date:{one}"]))
            elif gap == 0:
                found.append(Evidence("birth", f"{said}: the same year", weight[f"year:{one[:4]}"]))
            elif gap == 1:
                found.append(Evidence("birth", f"{said}: one year apart; the sources differ", weight[f"year:{one[:4]}"] / 2))
            else:
                found.append(Evidence("birth", f"{said}: {gap} years apart", -weight[f"year:{one[:4]}"]))
    return sorted(found, key=lambda e: -e.weight)[:1]


def _shared(a: _Person, b: _Person, weight: dict[str, float], feature: str, words: str) -> list[Evidence]:
    return [Evidence(feature, f"{words} {a.said(feature, v)} and {b.said(feature, v)}", weight[f"{feature}:{v}"])
            for v in sorted(a.values(feature) & b.values(feature))]


def to_json(candidates: list[Candidate]) -> list[dict[str, object]]:
    """Candidates as plain JSON-ready dictionaries."""
    return [{"a": c.a, "b": c.b, "a_label": c.a_label, "b_label": c.b_label, "score": c.score,
             "evidence": [{"kind": e.kind, "detail": e.detail, "weight": round(e.weight, 2)} for e in c.evidence]}
            for c in candidates]


def to_text(candidates: list[Candidate]) -> str:
    """Candidates as a readable list: score, both records, and each piece of evidence."""
    lines = []
    for c in candidates:
        lines += [f"{c.score:5.1f}  {c.a_label} <{c.a}>", f"       {c.b_label} <{c.b}>"]
        lines += [f"       {e.weight:+5.1f} {e.detail}" for e in c.evidence] + [""]
    return "\n".join(lines) or "no candidates"
