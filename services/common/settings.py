"""One settings object, read from the environment once at the entrypoint and passed down."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.names import Names
from services.common.partitions import PartitionMap

#: The URL schemes ``NEWSFACTS_READ_STORE`` accepts.
STORE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "newsfacts"


class Settings(BaseSettings):
    """Every setting newsfacts reads; each maps to an environment variable ``NEWSFACTS_<NAME>``.

    ``REDIS_URL`` is read without the prefix because that is the name everybody uses.
    """

    model_config = SettingsConfigDict(env_prefix="NEWSFACTS_", extra="ignore", frozen=True)

    redis_url: SecretStr | None = Field(
        default=None,
        validation_alias="REDIS_URL",
        description="redis:// or rediss:// URL of your server (password inside). Unset: embedded server.",
    )
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded server keeps its AOF and the projector its read models.",
    )
    prefix: str = Field(
        default="nf",
        pattern=r"^(\{[A-Za-z0-9_.-]{1,38}\}|[A-Za-z0-9_.-]{1,40})$",
        description="Key prefix; '{nf}' (a hash tag) keeps every key in one Redis Cluster slot.",
    )
    read_store: SecretStr | None = Field(
        default=None,
        description="Where the read models live: sqlite:///PATH or postgresql://user:password@host:port/db. "
        "Unset: the SQLite file under the data directory (readmodel_path).",
    )
    partitions: int = Field(
        default=1,
        ge=1,
        le=256,
        description="Partitions of the log (fixed when the log is first written; see README).",
    )
    embedded_password: SecretStr | None = Field(
        default=None, description="Require this password on the embedded server (it binds loopback only)."
    )

    embedded_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the embedded server (127.0.0.1). Unset: a free port, kept across restarts.",
    )

    api_token: SecretStr | None = Field(
        default=None,
        description="Token the HTTP API's write endpoints (publish, DLQ retry) require (Authorization: "
        "Bearer); newsfacts serve refuses to bind beyond loopback without one.",
    )

    @field_validator("api_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            token = value.get_secret_value()
            if len(token) < 16 or any(c.isspace() or not c.isprintable() for c in token):
                raise ValueError("NEWSFACTS_API_TOKEN must be at least 16 printable characters, no spaces")
        return value

    @field_validator("embedded_password")
    @classmethod
    def _one_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (
            not value.get_secret_value() or any(c.isspace() for c in value.get_secret_value())
        ):
            raise ValueError("NEWSFACTS_EMBEDDED_PASSWORD must be non-empty with no spaces or line breaks")
        return value

    batch_size: int = Field(
        default=16,
        ge=1,
        le=10_000,
        description="Max entries a worker reads at once (a batch of the heaviest stage is ~150 ms of work).",
    )
    block_ms: int = Field(default=100, ge=1, le=60_000, description="Max wait for new entries (ms).")
    linger_ms: int = Field(
        default=50,
        ge=0,
        le=10_000,
        description="Under load (a poll brought a full batch or more) the projector waits this long "
        "before the next poll, to fold more entries per transaction (ms).",
    )
    claim_idle_ms: int = Field(
        default=30_000, ge=100, description="Entries pending this long at a dead consumer are reclaimed (ms)."
    )
    max_deliveries: int = Field(
        default=5, ge=1, le=1000, description="Deliveries of a failing entry before it is dead-lettered."
    )
    consumer_prune_ms: int = Field(
        default=3_600_000,
        ge=100,
        description="Consumers idle this long with nothing pending (killed workers) leave their group (ms).",
    )
    max_backlog: int = Field(
        default=20_000,
        ge=1,
        description="publish waits while more entries than this are unread by the stages (backpressure).",
    )
    max_article_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, description="Largest accepted input.")
    max_event_bytes: int = Field(
        default=6 * 1024 * 1024,
        ge=1024,
        description="Largest event a stage reads from an internal stream (an accepted article plus its "
        "facts); a larger one is an internal fault, dead-lettered at once.",
    )
    raw_keep_bytes: int = Field(default=64 * 1024, ge=256, description="Bytes of a rejected input kept.")
    archive_url: str | None = Field(
        default=None,
        description="Where sealed log segments go (a directory or an fsspec URL such as s3://bucket/path). "
        "Unset: <data dir>/archive.",
    )
    archive_segment_entries: int = Field(
        default=10_000, ge=1, le=1_000_000, description="Entries per archived segment (a sealed, full one)."
    )
    archive_seal_s: int = Field(
        default=3600, ge=0, description="A partial segment is archived once its oldest entry is this old (s)."
    )
    archive_every_s: int = Field(
        default=60, ge=1, description="Pause between passes of `archive --watch` (s)."
    )
    retention: str = Field(
        default="24h",
        pattern=r"^(\d+[smhd]?|never)$",
        description="Keep at least this much of the log hot in Redis (e.g. 6h, 7d; 0 = trim whatever is "
        "safely archived; never = archive but do not trim).",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve /metrics, /healthz and /readyz on this port (a worker or the projector; "
        "`up` gives its children this port + i). Unset: no HTTP at all.",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        min_length=1,
        description="Address the metrics and probe port binds (0.0.0.0 in a container: probes, scrapes).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"

    @field_validator("redis_url")
    @classmethod
    def _check_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @field_validator("read_store")
    @classmethod
    def _store_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(STORE_SCHEMES):
            raise ValueError("NEWSFACTS_READ_STORE must start with sqlite:///, postgresql:// or postgres://")
        return value

    @property
    def read_store_url(self) -> str:
        """The read store's URL (password inside: print it only through ``connection.redact``)."""
        if self.read_store is None:
            return f"sqlite:///{self.readmodel_path}"
        return self.read_store.get_secret_value()

    @property
    def names(self) -> Names:
        return Names(self.prefix)

    @model_validator(mode="after")
    def _partitionable(self) -> Settings:
        PartitionMap(self.prefix, self.partitions)  # a hash-tagged prefix cannot be partitioned
        return self

    @property
    def partition_map(self) -> PartitionMap:
        return PartitionMap(self.prefix, self.partitions)

    @property
    def retention_ms(self) -> int | None:
        """``retention`` in milliseconds; None for ``never``."""
        if self.retention == "never":
            return None
        unit = self.retention[-1] if self.retention[-1].isalpha() else "s"
        number = int(self.retention.rstrip("smhd"))
        return number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit] * 1000

    @property
    def archive_location(self) -> str:
        """The archive URL, or the default directory under the data dir."""
        return self.archive_url or str(self.data_dir / "archive")

    @property
    def readmodel_path(self) -> Path:
        """The SQLite read store (its generations' link): ``sqlite:///PATH``, else under the data dir."""
        if self.read_store is not None and self.read_store.get_secret_value().startswith("sqlite:///"):
            return Path(self.read_store.get_secret_value().removeprefix("sqlite:///"))
        return self.data_dir / "readmodels" / f"{self.prefix}.sqlite"
