"""Proposing which person records may be the same person, with the evidence, for a documenter to confirm.

Nothing here merges anything. Pairs are scored by a Fellegi–Sunter model. Each comparison (name,
birth, gender, place, penalty) of two records falls in one level, and a level weighs log2(m / u)
bits: u is how often the level comes up between two records drawn at random, and m how often it
comes up between two sources' accounts of one person that the graph already joins (a curated link,
or a reference page about a record). Both are counted from the graph itself, with half a count
added to every level (Jeffreys' prior) so that a level never seen weighs a finite amount.

A pair is proposed only when a name agrees: as written, across scripts, or in sound between two
Han spellings (graph.search.names). A birth year, a gender or a place never proposes a pair on its own.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import combinations

from graph.namespaces import local_name
from graph.paths import queries_dir
from graph.search.names import SEPARATORS, fold, name_keys
from graph.store.seam import Store

LEVELS = {
    "name": ("same", "across scripts", "same sound", "different"),
    "birth": ("same date", "same year", "one year apart", "further apart"),
    "gender": ("same", "different"),
    "place": ("shared", "different"),
    "penalty": ("shared", "different"),
}
NAME_AGREES = ("same", "across scripts", "same sound")
PRIOR = 0.5  # Jeffreys: half a count for every level
MINIMUMS = (-5.0, 0.0, 5.0, 10.0, 15.0, 20.0)  # the scores `casegraph reconcile --measure` reports at
RANDOM_PAIRS = 20_000  # u is counted over every pair up to this many, else over this many drawn with a fixed seed
# Name keys held by more records than this do not bring pairs together (they are names, not identities).
_BLOCK = 60
_SEPARATORS = re.compile(r"[\s.\-•·・‧']+")
Compared = dict[str, tuple[str, str, str]]  # comparison -> (level, value on one side, value on the other)


@dataclass(frozen=True)
class Evidence:
    """One comparison of two records: its level, in words, and its weight in bits."""

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
class Record:
    """What sources say about one person record: each feature's values, each with the sources saying it."""

    iri: str
    facts: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def values(self, feature: str) -> set[str]:
        """The values of a feature, from any source."""
        return set(self.facts[feature])

    def said(self, feature: str, value: str) -> str:
        """A value with the sources that say it, for evidence."""
        shown = local_name(value) if value.startswith(("http://", "https://")) else value
        return f"{shown} ({', '.join(sorted(local_name(s) for s in self.facts[feature][value]))})"

    @cached_property
    def sources(self) -> frozenset[str]:
        """Every source saying something about the record."""
        return frozenset(s for values in self.facts.values() for found in values.values() for s in found)

    @cached_property
    def written(self) -> frozenset[str]:
        """Its names as written, folded and without separators."""
        return frozenset(_SEPARATORS.sub("", fold(n)) for n in self.facts["name"])

    @cached_property
    def keys(self) -> frozenset[str]:
        """Its names in every script graph.search.names can put them in, without separators."""
        return frozenset(k for n in self.facts["name"] for k in _keys(n))

    @property
    def label(self) -> str:
        """The name shown for the record."""
        return min(self.facts["name"], default=local_name(self.iri))

    def accounts(self) -> list[Record]:
        """The record as each source alone describes it."""
        split: dict[str, Record] = {}
        for feature, values in self.facts.items():
            for value, sources in values.items():
                for source in sources:
                    split.setdefault(source, Record(self.iri)).facts[feature][value].add(source)
        return [split[s] for s in sorted(split)]


@dataclass(frozen=True)
class Model:
    """The m and u probabilities of every level, and how many joined pairs and random pairs they were counted from."""

    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    joined: int
    drawn: int

    def weight(self, comparison: str, level: str) -> float:
        """The level's weight in bits: log2(m / u)."""
        return math.log2(self.m[comparison][level] / self.u[comparison][level])


def read_records(store: Store) -> dict[str, Record]:
    """Every person record with its names, gender, birth dates, places and penalties, each with its sources."""
    records: dict[str, Record] = {}
    query = (queries_dir() / "reconcile" / "people.rq").read_text(encoding="utf-8")
    for row in store.select(query):
        iri = row["person"].value
        records.setdefault(iri, Record(iri)).facts[row["feature"].value][row["value"].value].add(row["source"].value)
    return records


def joined_pairs(records: dict[str, Record]) -> list[tuple[Record, Record]]:
    """Pairs of accounts the graph already joins: two sources describing one record."""
    return [pair for iri in sorted(records) for pair in combinations(records[iri].accounts(), 2)]


def estimate(records: dict[str, Record], joined: list[tuple[Record, Record]] | None = None) -> Model:
    """The model counted from the records: u over random pairs of records, m over the joined pairs."""
    joined = joined_pairs(records) if joined is None else joined
    return _with_m(_u(records), joined)


def _u(records: dict[str, Record]) -> tuple[dict[str, dict[str, float]], int]:
    drawn = list(_random_pairs(sorted(records)))
    return _frequencies(compare(records[a], records[b]) for a, b in drawn), len(drawn)


def _with_m(u: tuple[dict[str, dict[str, float]], int], joined: list[tuple[Record, Record]]) -> Model:
    return Model(_frequencies(compare(a, b) for a, b in joined), u[0], len(joined), u[1])


def _random_pairs(iris: list[str]) -> Iterator[tuple[str, str]]:
    n = len(iris)
    if n * (n - 1) // 2 <= RANDOM_PAIRS:
        yield from combinations(iris, 2)
        return
    draw = random.Random(0)
    for _ in range(RANDOM_PAIRS):
        i, j = draw.sample(range(n), 2)
        yield iris[i], iris[j]


def _frequencies(comparisons: Iterable[Compared]) -> dict[str, dict[str, float]]:
    counts: dict[str, Counter[str]] = {c: Counter() for c in LEVELS}
    for compared in comparisons:
        for comparison, (level, _, _) in compared.items():
            counts[comparison][level] += 1
    return {c: {level: (counts[c][level] + PRIOR) / (counts[c].total() + PRIOR * len(levels)) for level in levels}
            for c, levels in LEVELS.items()}


def compare(a: Record, b: Record) -> Compared:
    """The level of each comparison the two records allow (one without a value on either side is left out)."""
    compared: Compared = {}
    for comparison, found in (("name", _names(a, b)), ("birth", _births(a, b)), ("gender", _shared(a, b, "gender", "same")),
                              ("place", _shared(a, b, "place", "shared")), ("penalty", _shared(a, b, "penalty", "shared"))):
        if found is not None:
            compared[comparison] = found
    return compared


def _names(a: Record, b: Record) -> tuple[str, str, str] | None:
    pairs = [(x, y) for x in sorted(a.values("name")) for y in sorted(b.values("name"))]
    if not pairs:
        return None
    for x, y in pairs:
        if _SEPARATORS.sub("", fold(x)) == _SEPARATORS.sub("", fold(y)):
            return "same", x, y
    if a.keys & b.keys:
        x, y = next((x, y) for x, y in pairs if _keys(x) & _keys(y))
        return "same sound" if _han(x) and _han(y) else "across scripts", x, y
    return "different", *pairs[0]


def _han(name: str) -> bool:
    """Written in Han characters alone: two such names that differ but sound alike are usually two people."""
    return all("\u3400" <= c <= "\u9fff" or c in SEPARATORS or c.isspace() for c in name)


@cache
def _keys(name: str) -> frozenset[str]:
    return frozenset(_SEPARATORS.sub("", k) for k in name_keys(name))


def _births(a: Record, b: Record) -> tuple[str, str, str] | None:
    best: tuple[int, str, str] | None = None
    for x in sorted(a.values("birth")):
        for y in sorted(b.values("birth")):
            gap = abs(int(x[:4]) - int(y[:4]))
            rank = 0 if x == y and len(x) > 4 else 1 if gap == 0 else 2 if gap == 1 else 3
            if best is None or rank < best[0]:
                best = rank, x, y
    return None if best is None else (LEVELS["birth"][best[0]], best[1], best[2])


def _shared(a: Record, b: Record, feature: str, agree: str) -> tuple[str, str, str] | None:
    ours, theirs = a.values(feature), b.values(feature)
    if not ours or not theirs:
        return None
    if both := sorted(ours & theirs):
        return agree, both[0], both[0]
    return "different", min(ours), min(theirs)


def propose(store: Store, minimum: float = 10.0, limit: int = 100) -> list[Candidate]:
    """Pairs of person records whose names agree and whose comparisons weigh at least `minimum` bits, best first."""
    records = read_records(store)
    return [c for c in candidates(records, estimate(records)) if c.score >= minimum][:limit]


def candidates(records: dict[str, Record], model: Model) -> list[Candidate]:
    """Every pair of records from different sources whose names agree, scored by the model, best first."""
    holders: dict[str, set[str]] = defaultdict(set)
    for iri, record in records.items():
        for key in record.keys:
            holders[key].add(iri)
    pairs = {tuple(sorted(p)) for iris in holders.values() if len(iris) <= _BLOCK for p in combinations(iris, 2)}
    found = (score(records[a], records[b], model) for a, b in sorted(pairs) if records[a].sources != records[b].sources)
    return sorted((c for c in found if c is not None), key=lambda c: (-c.score, c.a, c.b))


def score(a: Record, b: Record, model: Model) -> Candidate | None:
    """The pair with its evidence, or None when no name agrees."""
    compared = compare(a, b)
    if compared.get("name", ("",))[0] not in NAME_AGREES:
        return None
    evidence = tuple(Evidence(c, _detail(a, b, c, *found), model.weight(c, found[0]))
                     for c in LEVELS if (found := compared.get(c)) is not None)
    return Candidate(a.iri, b.iri, a.label, b.label, round(sum(e.weight for e in evidence), 2), evidence)


def _detail(a: Record, b: Record, comparison: str, level: str, x: str, y: str) -> str:
    feature = "name" if comparison == "name" else comparison
    said = f"{a.said(feature, x)} and {b.said(feature, y)}"
    words = {"name": "named", "birth": "born", "gender": "", "place": "tied to", "penalty": "sentenced to"}[comparison]
    return f"{words} {said}: {level}".lstrip()


@dataclass(frozen=True)
class Measured:
    """Precision and recall of proposals on the labelled pairs, at one minimum score."""

    minimum: float
    joined: int
    apart: int
    proposed_joined: int
    proposed_apart: int

    @property
    def precision(self) -> float:
        """Of the pairs proposed, the share that are one person."""
        proposed = self.proposed_joined + self.proposed_apart
        return self.proposed_joined / proposed if proposed else 1.0

    @property
    def recall(self) -> float:
        """Of the pairs that are one person, the share proposed."""
        return self.proposed_joined / self.joined if self.joined else 1.0


def measure(records: dict[str, Record], minimums: Iterable[float]) -> list[Measured]:
    """Precision and recall on the labelled pairs the records give, each joined pair scored by a model counted without it.

    One person: two sources' accounts of a record the graph joins. Two people: two records whose
    names agree, which the graph keeps apart.
    """
    joined, u = joined_pairs(records), _u(records)
    full = _with_m(u, joined)
    held_out = [score(a, b, _with_m(u, joined[:i] + joined[i + 1:])) for i, (a, b) in enumerate(joined)]
    apart = candidates(records, full)
    results = []
    for minimum in minimums:
        hits = sum(1 for c in held_out if c is not None and c.score >= minimum)
        false = sum(1 for c in apart if c.score >= minimum)
        results.append(Measured(minimum, len(joined), len(apart), hits, false))
    return results


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
