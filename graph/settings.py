"""The one place settings are defined: environment variables prefixed CASEGRAPH_."""

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.paths import sources_dir

DEFAULT_BASE = "https://w3id.org/casegraph/"


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

    @property
    def source_dirs(self) -> list[Path]:
        """Where sources are read from: the curated ones, then those written through the API."""
        return [self.sources, self.writable_sources]

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
