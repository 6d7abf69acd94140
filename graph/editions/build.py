"""Building the store from the files in the repository: validate everything, then load it all."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import CasegraphError, InvalidData, NotFound, SourceFileError
from graph.files import replace_with
from graph.namespaces import ONTOLOGY_IRI
from graph.paths import ontology_files
from graph.settings import Settings
from graph.store import content
from graph.store.opening import open_store, remote_endpoints
from graph.store.remote import WHOLE_GRAPH, Endpoints, RemoteStore
from graph.store.seam import Store
from graph.store.shared import SharedState
from graph.store.sources import SourceFile, public_quads, read_source, restricted, source_files
from graph.validation.references import Declared
from graph.validation.rules import ontology_triples
from graph.validation.validate import UNRESOLVED, Report, layout_violation, validate_each, validate_source

Step = Callable[[str], None]


BUILD_FILE = "casegraph-build.json"


@dataclass(frozen=True)
class BuildResult:
    """What a build loaded, and the identity of its content."""

    # How many source documents: a count, not their names, since every write reads and writes the
    # record (the names took about 0.2 s a write at 100,000 cases; the store lists them when asked).
    documents: int
    triples: int  # statements in the named graphs, each counted in every graph stating it
    digest: str = ""  # of the files the store was built from (input_digest), to tell whether it matches them
    built: str = ""
    content: str = ""  # of what this store holds (graph.store.content): public validators and caches key on it
    modified: str = ""  # when that content last changed
    changes: int = 0  # a remote dataset's newest change the record holds (graph.store.shared), which front-ends follow


def read_build(store_dir: Path) -> BuildResult:
    """The record a build left in the store directory; NotFound if there is none."""
    path = store_dir / BUILD_FILE
    if not path.is_file():
        raise NotFound(f"{store_dir} has no build record: rebuild it with `casegraph build`")
    record = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(record.get("sources"), list):  # a record from before it held the count alone
        record["documents"] = len(record.pop("sources"))
    return BuildResult(**record)


Directories = Path | Sequence[Path]


def input_files(directories: Directories) -> list[Path]:
    """The source files of one or more directories; a directory after the first may be missing (nothing written yet)."""
    listed = [directories] if isinstance(directories, Path) else list(directories)
    return [path for i, d in enumerate(listed) if i == 0 or d.is_dir() for path in source_files(d)]


def input_digest(directories: Directories, base: str, remembered: Path | None = None) -> str:
    """A digest of everything the store is built from, so equal inputs give equal stores and ETags.

    It digests each file's digest, and a file unchanged since it was last read (same inode, size
    and modification time; a durable write renames a new inode into place) is not read again.
    Given `remembered`, a file that keeps those digests between runs, a restart reads none of the
    unchanged files either (at 100,000 cases, 547 MB took 0.6 s to digest).
    """
    if remembered is not None:
        _recall(remembered)
    files = [*ontology_files(), *input_files(directories)]
    digest = hashlib.sha256(base.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + _file_digest(path))
    if remembered is not None:
        _remember(remembered, files)
    return digest.hexdigest()


def digests_file(store_dir: Path) -> Path:
    """Where the digests of the source files a store is built from are kept between runs: beside the store."""
    return store_dir.with_name(f"{store_dir.name}.digests.json")


Identity = tuple[int, int, int]  # inode, size, modification time in nanoseconds

_file_digests: dict[Path, tuple[Identity, bytes]] = {}
_remembered: dict[Path, dict[str, list[int | str]]] = {}

# A file changed again within this long of its last change may keep its size and time (coarse file-system clocks):
# its digest is kept in memory only, as git's index does with "racily clean" entries.
_RACY_NS = 2_000_000_000


def _file_digest(path: Path) -> bytes:
    status = path.stat()
    identity = (status.st_ino, status.st_size, status.st_mtime_ns)
    known = _file_digests.get(path)
    if known and known[0] == identity:
        return known[1]
    found = hashlib.sha256(path.read_bytes()).digest()
    _file_digests[path] = (identity, found)
    return found


def _recall(remembered: Path) -> None:
    """Take the digests a file kept into memory, once per process; a file unreadable or malformed is ignored."""
    if remembered in _remembered:
        return
    try:
        entries = json.loads(remembered.read_bytes())
    except (OSError, ValueError):
        entries = {}
    _remembered[remembered] = entries if isinstance(entries, dict) else {}
    for name, entry in _remembered[remembered].items():
        match entry:
            case [int(inode), int(size), int(changed), str(found)] if len(found) == 64:
                try:
                    _file_digests.setdefault(Path(name), ((inode, size, changed), bytes.fromhex(found)))
                except ValueError:
                    continue


def _remember(remembered: Path, files: list[Path]) -> None:
    """Keep the digests of these files, those not changed in the last moments, when they differ from those kept."""
    settled = time.time_ns() - _RACY_NS
    entries: dict[str, list[int | str]] = {}
    for path in files:
        identity, found = _file_digests[path]
        if identity[2] < settled:
            entries[str(path)] = [*identity, found.hex()]
    if entries == _remembered.get(remembered):
        return
    data = json.dumps(entries).encode()

    def write(handle: IO[bytes]) -> None:
        handle.write(data)
    try:
        replace_with(remembered, write)
    except OSError:  # a read-only place: the files are read again at the next start
        return
    _remembered[remembered] = entries


def read_and_validate(directories: Directories, base: str, step: Step | None = None,
                      trusted: Collection[Path] = ()) -> tuple[list[SourceFile], Report]:
    """Read and validate every source file; files in `trusted` were validated before and get only the layout checks."""
    report, sources, seen = Report(), [], dict[str, str]()
    files = input_files(directories)
    checked = dict(validate_each([path for path in files if path not in trusted], base))
    read = {path: _read(path, base) for path in files}
    _refer_across(checked, read, base)
    for path in files:
        source = read[path]
        if isinstance(source, SourceFileError):
            report.extend(checked[path] if path in checked else Report([layout_violation(source)], [str(path)]))
            continue
        twice = [g.value for g in source.graphs if g.value in seen]
        if twice:
            duplicate = SourceFileError(str(path), f"declares {twice[0]}, already declared by {seen[twice[0]]}")
            report.extend(Report([layout_violation(duplicate)], [str(path)]))
            continue
        seen.update({g.value: str(path) for g in source.graphs})
        if path in checked:
            report.extend(checked[path])
        sources.append(source)
        if step:
            step(path.name)
    return sources, report


def _read(path: Path, base: str) -> SourceFile | SourceFileError:
    try:
        return read_source(path, base)
    except SourceFileError as error:
        return error


def _refer_across(checked: dict[Path, Report], read: dict[Path, SourceFile | SourceFileError], base: str) -> None:
    """Check again, with the records every file declares, the files that refer to a record they do not declare.

    Each file is first checked alone, in parallel; a document written through the API may name a record
    of another file by its IRI alone, and the build's graph is all the files together.
    """
    referring = [path for path, found in checked.items()
                 if any(v.constraint == UNRESOLVED for v in found.violations) and isinstance(read[path], SourceFile)]
    if not referring:
        return
    declared = Declared.of(s for s in read.values() if isinstance(s, SourceFile))
    for path in referring:
        checked[path] = validate_source(read[path], str(path), base, graphs=[declared])  # type: ignore[arg-type]


def ontology_quads() -> list[ox.Quad]:
    """The ontology's triples, in the ontology's own graph."""
    graph = ox.NamedNode(ONTOLOGY_IRI)
    return [ox.Quad(s, p, o, graph) for s, p, o in ontology_triples()]


def load(store: Store, sources: list[SourceFile], restricted: bool = False) -> None:
    """Load the ontology and the given sources into a store (and so into its merged graph); restricted sources only when asked."""
    store.add(ontology_quads())
    for source in sources:
        store.add(source.quads if restricted else public_quads(source))


def full_store_dir(store_dir: Path) -> Path:
    """Where the store that also holds the restricted sources lives, beside the public one."""
    return store_dir.with_name(store_dir.name + "-full")


@dataclass(frozen=True)
class RemoteDatasets:
    """A remote SPARQL store's datasets to build into: the public one, and the full one with restricted sources."""

    public: Endpoints
    full: Endpoints | None = None


def remote_datasets(settings: Settings) -> RemoteDatasets | None:
    """The remote datasets the settings name, or None for the embedded store."""
    public = remote_endpoints(settings, "public")
    return RemoteDatasets(public, remote_endpoints(settings, "full")) if public is not None else None


class NoFullDataset(CasegraphError):
    """Restricted sources were to go into a remote store that has no dataset for them."""


def build(sources_dir: Directories, store_dir: Path, base: str, step: Step | None = None,
          trusted: Collection[Path] = (), remote: RemoteDatasets | None = None) -> BuildResult:
    """Validate every source, then build the store afresh; on any violation nothing is written.

    Restricted sources never enter the public store: they go only into a second, full store beside
    it, which only callers holding a reader token are served from. Kept apart on disk, no query of
    the public store can reach them. Given `remote`, the stores are datasets of a remote SPARQL
    store, emptied and loaded anew, and `store_dir` keeps what casegraph knows of them.
    """
    sources, report = read_and_validate(sources_dir, base, step, trusted)
    if not report.conforms:
        raise InvalidData(report)
    hidden = {g.value for s in sources for g in restricted(s)}
    if hidden and remote is not None and remote.full is None:
        raise NoFullDataset(f"{len(hidden)} restricted sources need a dataset of their own in the remote store: "
                            "set the CASEGRAPH_FULL_SPARQL_* endpoints, or remove the sources")
    digest = input_digest(sources_dir, base)
    result = _build_one(store_dir, sources, base, digest, hidden, False, remote.public if remote else None)
    # A remote full dataset is built even with nothing restricted: a write may bring the first restricted source.
    if hidden or (remote is not None and remote.full is not None):
        _build_one(full_store_dir(store_dir), sources, base, full_digest(digest), hidden, True, remote.full if remote else None)
    else:
        shutil.rmtree(full_store_dir(store_dir), ignore_errors=True)
    return result


def write_build(store_dir: Path, result: BuildResult) -> None:
    """Write a store's build record; written last, it marks the store complete."""
    (store_dir / BUILD_FILE).write_text(json.dumps(asdict(result), indent=2), encoding="utf-8")


def full_digest(digest: str) -> str:
    """The full store's digest: it differs from the public one's, so the two never share an ETag or a cache entry."""
    return hashlib.sha256(b"full\0" + digest.encode()).hexdigest()


def _build_one(store_dir: Path, sources: list[SourceFile], base: str, digest: str, hidden: set[str], full: bool,
               remote: Endpoints | None) -> BuildResult:
    fresh = store_dir.with_name(store_dir.name + ".building")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.parent.mkdir(parents=True, exist_ok=True)
    # A remote store can keep one request of a long load waiting past the usual minute (Virtuoso did, half an hour into
    # 100,000 cases): a build waits for it as long as for a read of the whole graph, rather than lose the load.
    store = open_store(fresh, base, new=True, remote=remote, timeout=WHOLE_GRAPH)
    load(store, sources, restricted=full)
    store.flush()
    documents = sum(1 for s in sources for g in s.graphs if full or g.value not in hidden)
    edition = content.FULL if full else content.PUBLIC
    held = content.added(content.initial(edition, base, ontology_files()), sources, edition)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    result = BuildResult(documents, store.statements(), digest, now, held, since(store_dir, held, now))
    if isinstance(store, RemoteStore):  # the front-ends on the dataset take this record, and reread everything
        shared = SharedState(store)
        shared.rebuilt(asdict(result))
        result = replace(result, changes=shared.newest())
    store.close()
    del store
    write_build(fresh, result)
    swap_in(fresh, store_dir)
    return result


def since(store_dir: Path, held: str, now: str) -> str:
    """When a store's content last changed: the date of the store it replaces if that held the same, else now."""
    try:
        before = read_build(store_dir)
    except (NotFound, ValueError, TypeError):  # none yet, or a record this version cannot read
        return now
    return before.modified if before.content == held and before.modified else now


def swap_in(fresh: Path, target: Path) -> None:
    """Replace the target directory with the fresh one, so a failed build leaves the old store intact."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
