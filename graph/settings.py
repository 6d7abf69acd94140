"""The one place settings are defined: environment variables prefixed CASEGRAPH_."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.iris import DEFAULT_BASE
from graph.paths import sources_dir


class Settings(BaseSettings):
    """casegraph's settings; each can be set as CASEGRAPH_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CASEGRAPH_", frozen=True)

    base: str = Field(DEFAULT_BASE, description="Base IRI the relative IRIs of the data resolve against.")
    store: Path = Field(Path("var/store"), description="Directory of the persistent Oxigraph store.")
    sources: Path = Field(default_factory=sources_dir, description="Directory of the source documents (TriG).")
    host: str = Field("127.0.0.1", description="Address the service listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the service listens on.")
    query_timeout: float = Field(10.0, gt=0, description="Seconds a query may run before it is stopped.")
    query_workers: int = Field(2, ge=1, description="Processes answering queries at once in the short lane.")
    query_budget: float = Field(0.5, gt=0, description="Seconds a query may run in the short lane before moving to the long.")
    long_query_workers: int = Field(1, ge=1, description="Queries past the short budget running at once, to the time limit.")
    max_rows: int = Field(10_000, ge=1, description="Most rows (or triples) one query over HTTP may return.")
    query_memory: int = Field(1024, ge=64, description="Megabytes a query's worker may hold; a query past it is stopped.")
    max_request_bytes: int = Field(1_000_000, ge=1, description="Largest request body accepted, in bytes.")
    writable_sources: Path = Field(Path("var/sources"), description="Directory where sources written through the API are kept.")
    drafts: Path = Field(Path("var/drafts"), description="Where drafts and proposed withdrawals wait for a second writer.")
    review: bool = Field(False, description="Sources change only through drafts and withdrawals a second writer confirms.")
    audit_log: Path = Field(Path("var/audit.jsonl"), description="Append-only log of every write: who, when, what.")
    access_log: bool = Field(False, description="Log every request (client address, path, status) to standard output.")
    writer_tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description='Bearer tokens that may write sources (and read restricted ones), by holder, as JSON; '
                                          'each writer needs a token of their own, since a draft is published by another writer.')
    reader_tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description='Bearer tokens that may read restricted sources, by holder: {"name": "token"} as JSON.')
    # A remote SPARQL 1.1 store instead of the embedded one: the public dataset, and the full one with restricted sources.
    sparql_query_url: str | None = Field(None, description="SPARQL query endpoint of the public dataset in a remote store.")
    sparql_update_url: str | None = Field(None, description="SPARQL update endpoint of the public dataset.")
    sparql_user: str | None = Field(None, description="User name for the public dataset's endpoints (HTTP basic).")
    sparql_password: SecretStr | None = Field(None, description="Password for the public dataset's endpoints.")
    sparql_union_default_graph: bool = Field(False, description="The public dataset's store answers a query without "
                                             "a dataset over all its graphs (Virtuoso, GraphDB, QLever).")
    remote_poll: float = Field(1.0, gt=0, description="Seconds between a front-end's looks at a remote store's change log, "
                               "to serve what other front-ends wrote.")
    full_sparql_query_url: str | None = Field(None, description="SPARQL query endpoint of the full dataset.")
    full_sparql_update_url: str | None = Field(None, description="SPARQL update endpoint of the full dataset.")
    full_sparql_user: str | None = Field(None, description="User name for the full dataset's endpoints (HTTP basic).")
    full_sparql_password: SecretStr | None = Field(None, description="Password for the full dataset's endpoints.")
    full_sparql_union_default_graph: bool = Field(False, description="The full dataset's store answers a query without "
                                                  "a dataset over all its graphs.")

    @property
    def source_dirs(self) -> list[Path]:
        """Where sources are read from: the curated ones, then those written through the API."""
        return [self.sources, self.writable_sources]

    @property
    def remote(self) -> bool:
        """Whether the data lives in a remote SPARQL store rather than the embedded one."""
        return self.sparql_query_url is not None

    @model_validator(mode="after")
    def _remote_endpoints_complete(self) -> Settings:
        for prefix in ("", "full_"):
            urls = {f"CASEGRAPH_{prefix.upper()}SPARQL_{name.upper()}_URL": getattr(self, f"{prefix}sparql_{name}_url")
                    for name in ("query", "update")}
            if any(urls.values()) and not all(urls.values()):
                missing = ", ".join(variable for variable, url in urls.items() if not url)
                raise ValueError(f"a remote dataset needs its two endpoints: {missing} not set")
            for variable, url in urls.items():
                if url and not url.startswith(("http://", "https://")):
                    raise ValueError(f"{variable} must be an http(s) URL, not {url!r}")
        if self.full_sparql_query_url and not self.sparql_query_url:
            raise ValueError("a full dataset (CASEGRAPH_FULL_SPARQL_*) needs a public one (CASEGRAPH_SPARQL_*) beside it")
        return self

    @field_validator("writer_tokens")
    @classmethod
    def _one_token_per_writer(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        # A token two holders share would say nothing of who drafted and who published.
        secrets = [token.get_secret_value() for token in value.values()]
        if len(set(secrets)) != len(secrets) or not all(secrets):
            raise ValueError("CASEGRAPH_WRITER_TOKENS must give each writer a token of their own, none empty")
        return value

    @field_validator("base")
    @classmethod
    def _base_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/"):
            raise ValueError(f"CASEGRAPH_BASE must be an http(s) IRI ending in '/', not {value!r}")
        return value


@cache
def get_settings() -> Settings:
    """The settings read from the environment, once."""
    return Settings()  # pyright: ignore[reportCallIssue]  # pydantic-settings fills the fields from the environment
