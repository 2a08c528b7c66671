"""Configuration: one YAML file plus ``WIREWATCH_`` environment overrides (``__`` nests).

Precedence, highest first: keyword arguments, environment, YAML file, defaults. Validation runs at
start; :func:`load_settings` turns pydantic's errors into a :class:`ConfigError` naming each key.
Secrets are :class:`SecretStr` and print masked everywhere (``wirewatch config show``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from wirewatch.errors import ConfigError

__all__ = [
    "ClusterSettings",
    "HttpSettings",
    "KafkaSettings",
    "ProcessSettings",
    "Settings",
    "WebSubSettings",
    "load_settings",
]


ENV_PREFIX = "WIREWATCH_"
ENV_NESTED_DELIMITER = "__"
LIST_FORM = 'a comma-separated list (a,b) or a JSON list (["a","b"])'


def _list_from_text(value: Any) -> Any:
    """A list setting given as text (an environment variable): ``a,b`` or ``["a","b"]``.

    pydantic-settings would JSON-decode it, so ``WIREWATCH_HTTP__ALLOWED_HOSTS=127.0.0.1`` failed
    with a traceback; the fields below are ``NoDecode`` and the text is read here instead.
    """
    if not isinstance(value, str):
        return value  # a YAML list, or a default
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"not a JSON list ({exc.msg} at char {exc.pos}); expected {LIST_FORM}"
            ) from None
    return [part.strip() for part in text.split(",") if part.strip()]


#: a list of strings that an environment variable can also give as ``a,b`` or ``["a","b"]``
TextList = Annotated[list[str], NoDecode, BeforeValidator(_list_from_text)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KafkaSettings(_Section):
    # None = embedded mode (JSONL + SQLite), no broker needed
    bootstrap_servers: str | None = None
    topic_prefix: str = "wirewatch"
    client_id: str = "wirewatch"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_password: SecretStr | None = None
    compression: Literal["none", "gzip", "zstd", "lz4", "snappy"] = "zstd"
    linger_ms: int = Field(default=5, ge=0)
    batch_size: int = Field(default=64 * 1024, gt=0)
    max_request_size: int = Field(default=1_048_576, gt=0)
    # bounded buffering: at most this many records in flight; send() blocks beyond it
    max_pending: int = Field(default=20_000, gt=0)
    max_block_ms: int = Field(default=10_000, gt=0)
    delivery_timeout_ms: int = Field(default=30_000, gt=0)
    request_timeout_ms: int = Field(default=10_000, gt=0)
    bootstrap_timeout_ms: int = Field(default=10_000, gt=0)
    # reading a table topic to its end (a stage's state on partition assignment, the feed list)
    # has no overall deadline, since a large table is slow but fine; it fails (sink.read_stalled)
    # only when it has made no progress for this many seconds (a broker that stopped answering)
    table_read_stall_timeout: float = Field(default=60.0, gt=0)
    # a group worker that does not poll its group consumer for this long is taken out of its
    # group by its own client (and its partitions handed out again); a worker restoring its
    # state keeps polling it between read batches, so a long restore stays within this
    max_poll_interval_ms: int = Field(default=300_000, gt=0)
    partitions: int = Field(default=6, gt=0)
    replication_factor: int = Field(default=1, gt=0)
    # How long each topic keeps a record (milliseconds, -1 = forever), applied as the topic's
    # retention.ms by `topics create`; which key bounds which topic is in wirewatch/topology.py.
    # retention_ms: entries and articles (working data; a consumer further behind loses some)
    retention_ms: int = Field(default=7 * 24 * 3600 * 1000, ge=-1)
    # incidents, the product: what a new subscriber can replay
    incidents_retention_ms: int = Field(default=30 * 24 * 3600 * 1000, ge=-1)
    deadletter_retention_ms: int = Field(default=30 * 24 * 3600 * 1000, ge=-1)
    group_prefix: str = "wirewatch"
    # Oversized and poison records (the Kafka runner): an output that does not fit the topic's
    # max.message.bytes or the producer's max_request_size is made to fit before the
    # transaction. An article's text is cut to at most this many UTF-8 bytes (and less if that
    # is still too large), the article marked truncated; a dead letter keeps this many bytes of
    # the payload, with its size and digest; any other record becomes a dead letter.
    article_text_cap: int = Field(default=512 * 1024, gt=0)
    dead_letter_payload_cap: int = Field(default=64 * 1024, gt=0)
    # a batch whose transaction failed this many times for a non-retriable reason is split:
    # one transaction per input record, and the record that still fails is dead-lettered
    poison_attempts: int = Field(default=3, gt=0)
    # retriable broker errors: wait this long after the first failure, doubling up to the cap
    retry_backoff_s: float = Field(default=0.5, gt=0)
    retry_backoff_max_s: float = Field(default=10.0, gt=0)
    # readiness: a worker that has had input and committed nothing for this long is not ready
    stall_after_s: float = Field(default=300.0, gt=0)

    @field_validator("retention_ms", "incidents_retention_ms", "deadletter_retention_ms")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v == 0:
            raise ValueError("0 would delete records at once; give milliseconds, or -1 for forever")
        return v


class HttpSettings(_Section):
    user_agent: str = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"
    allowed_hosts: TextList = Field(default_factory=list)
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    total_timeout: float = Field(default=60.0, gt=0)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    per_host_concurrency: int = Field(default=2, gt=0)
    per_host_delay: float = Field(default=1.0, ge=0)
    verify_tls: bool = True
    obey_robots: bool = True


class PollSettings(_Section):
    min_interval: float = Field(default=60.0, gt=0)
    max_interval: float = Field(default=3600.0, gt=0)
    default_interval: float = Field(default=600.0, gt=0)
    jitter: float = Field(default=0.1, ge=0, le=0.5)
    backoff_base: float = Field(default=60.0, gt=0)
    backoff_cap: float = Field(default=6 * 3600.0, gt=0)
    stale_factor: float = Field(default=5.0, gt=1)
    concurrency: int = Field(default=64, gt=0)
    # A sitemap index is followed at most this many levels down (robots.txt -> index -> urlset
    # is two), with at most sitemap_max_children child fetches per poll and sitemap_max_urls
    # URLs kept from the whole source (50,000 is the sitemaps.org limit of one file): a hostile
    # or runaway index costs a bounded number of requests and bounded memory.
    sitemap_max_depth: int = Field(default=3, ge=0)
    sitemap_max_children: int = Field(default=50, ge=0)
    sitemap_max_urls: int = Field(default=50_000, gt=0)


class ProcessSettings(_Section):
    # The incident rules read English and Spanish (processors/spanish.py), so both run by
    # default. An article detected in another language is published on the articles topic as
    # usual but gets no incidents (counted in wirewatch_articles_skipped_total{reason=
    # "language"}): on the corpus the English rules found 5 incidents in 18 non-English pages,
    # all at confidence 0.2 and mostly wrong, for a third of the stage's CPU. ["*"] runs the
    # English rules on every other language too (confidence capped at 0.2); ["en"] skips
    # Spanish as before.
    languages: TextList = Field(default_factory=lambda: ["en", "es"], min_length=1)
    # Which extractor turns articles into incidents (processors/extractor.py build_extractor):
    # "rules" (the built-in rule engine), or "package.module:Name" for a plug-in, a class or
    # factory called with these settings, so another extractor can be tried on the same stage
    # and the same dev-set scorer without a code change.
    extractor: str = Field(default="rules", min_length=1)

    @field_validator("languages")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        out = [c.strip().lower() for c in v]
        bad = [
            c for c in out if c != "*" and not (c.isascii() and c.isalpha() and 2 <= len(c) <= 3)
        ]
        if bad:
            raise ValueError(f"not ISO 639 language codes (or '*'): {bad}")
        return out

    @property
    def language_set(self) -> frozenset[str] | None:
        """The languages to run the rules on; None = all."""
        return None if "*" in self.languages else frozenset(self.languages)


class ClusterSettings(_Section):
    """The cluster stage (clusters/stage.py) and the near-duplicate check of the fetch stage."""

    # state: events whose last report date is older than the newest date seen minus this
    # window are forgotten (a later report of them starts a new event)
    window_days: int = Field(default=7, gt=0)
    # and never more than this many events in memory (the oldest go first)
    max_events: int = Field(default=100_000, gt=0)
    # two incidents join when their places are within this distance (both with coordinates),
    # else when the place names match
    distance_km: float = Field(default=25.0, gt=0)
    # a report placed only in a region lies around the region's point within this distance, when
    # the region name (admin1) of it or of the other report is unknown (clusters/events.py)
    region_km: float = Field(default=150.0, gt=0)
    # and their dates are at most this many days apart
    max_day_gap: int = Field(default=1, ge=0)
    # except a follow-up: a later report of the same type and place stating more deaths than
    # every earlier report in words of a revised toll ("the toll rose to") joins while the
    # event spans at most this many days (outlets revise a toll a day or two later; a longer
    # span would chain a week of shelling of one town into one event)
    follow_up_days: int = Field(default=2, ge=0)
    # the most entries each list of an event record keeps (incident and article ids, toll
    # reports, sources, outlets, actors; clusters/events.py says which ones): the record of a
    # story syndicated to hundreds of outlets must stay well under the events topic's record
    # size limit (kafka.max_request_size). Counts of everything stay exact in the record
    # (incident_count, ...) and ``cut_lists`` names the lists cut. At least 4: the toll history
    # keeps its first report, its lowest and highest stated tolls and its latest report
    # (300: an event's decisions are those of whole lists up to 300 reports and articles; past
    # that, clusters/events.py says what changes)
    max_event_members: int = Field(default=300, ge=4, le=1000)
    # near-duplicate articles: estimated Jaccard similarity of word 5-shingles at or above this
    duplicate_threshold: float = Field(default=0.5, gt=0, le=1)
    # articles remembered for the duplicate check, per fetch worker (oldest forgotten first)
    duplicate_memory: int = Field(default=10_000, gt=0)


class StorageSettings(_Section):
    state_path: str = "wirewatch-state.db"
    out_dir: str = "out"


class RunSettings(_Section):
    """``wirewatch run`` (the embedded runner)."""

    # seconds a stop (SIGINT/SIGTERM, --timeout) lets the poll groups in flight finish; the
    # rest are handed back (nothing of theirs committed: the next run polls their feeds again)
    shutdown_grace: float = Field(default=10.0, ge=0)


class WebSubSettings(_Section):
    """WebSub push (ingest/websub.py): feeds that declare a hub are subscribed to, and the hub
    pushes new documents to a callback endpoint the poll stage serves.

    The secret is read from the environment only (``WIREWATCH_WEBSUB__SECRET``, never the YAML
    file); each topic gets its own secret derived from it with HMAC-SHA256, so a hub learns
    nothing that signs another hub's deliveries.
    """

    enabled: bool = False
    # the address hubs call, without the feed part (``<callback_url>/<feed id>`` is sent to the
    # hub); None: http://<listen_host>:<listen_port>/websub. In Kafka mode each poll worker
    # needs its own address here (a delivery for a feed it does not own is answered 410 Gone)
    callback_url: str | None = None
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8790, ge=0, le=65535)
    # lease asked of the hub (the hub may grant another); renewed at 4/5 of the granted lease
    lease_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    # polling of a feed while its subscription is live (the fallback); the feed's normal
    # interval applies again as soon as the hub fails or the lease lapses
    fallback_interval: float = Field(default=6 * 3600.0, gt=0)
    # seconds a hub has to verify our request before it counts as failed
    verify_timeout: float = Field(default=300.0, gt=0)
    # a delivery body larger than this is refused (413) without being read
    max_body_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    # deliveries received and not yet handled, for all feeds; beyond it: 429 (the hub retries)
    max_pending: int = Field(default=64, gt=0)
    # deliveries accepted per feed per minute; beyond it: 429
    deliveries_per_minute: int = Field(default=30, gt=0)
    # connections served at once; beyond it a connection is answered 503 and closed
    max_connections: int = Field(default=32, gt=0)
    secret: SecretStr | None = None

    @field_validator("callback_url")
    @classmethod
    def _callback(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://[^/\s]+", v.strip(), re.I):
            raise ValueError("must be an absolute http(s) URL that hubs can reach")
        return None if v is None else v.strip().rstrip("/")

    @property
    def callback_base(self) -> str:
        """``callback_url``, else the listen address (a local hub, tests)."""
        if self.callback_url:
            return self.callback_url
        host = f"[{self.listen_host}]" if ":" in self.listen_host else self.listen_host
        return f"http://{host}:{self.listen_port}/websub"


class BackfillSettings(_Section):
    """``wirewatch backfill`` (ingest/backfill.py)."""

    # articles per second a backfill fetches (embedded) or publishes to the entries topic
    # (Kafka): a backfill shares the sites, the CPU and (with Kafka) the fetch workers with the
    # live path, and a week of history must not push the live entries back behind it
    rate: float = Field(default=2.0, gt=0)
    # the same, when the entries go to Kafka: the fetch workers read them with the live entries
    kafka_rate: float = Field(default=1.0, gt=0)
    # archive pages of a feed (RFC 5005 prev-archive / paged feeds' next) followed per source
    max_pages: int = Field(default=100, ge=0)
    # where a backfill serves the workers' /metrics, /healthz and /readyz (0: any free port);
    # unset, it serves none. Not metrics.port: that is the workers' port, and a backfill run on
    # a worker's host with the shipped config would find it taken and stop
    metrics_port: int | None = Field(default=None, ge=0, le=65535)


class MetricsSettings(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        extra="forbid",
        yaml_file=None,
    )

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    poll: PollSettings = Field(default_factory=PollSettings)
    process: ProcessSettings = Field(default_factory=ProcessSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    run: RunSettings = Field(default_factory=RunSettings)
    backfill: BackfillSettings = Field(default_factory=BackfillSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    websub: WebSubSettings = Field(default_factory=WebSubSettings)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # auto: text when stderr is a terminal (a person reads it), else JSON (a log shipper does)
    log_format: Literal["auto", "json", "text"] = "auto"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_path = os.environ.get("WIREWATCH_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, _EnvSource(settings_cls)]
        if yaml_path:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_path))
        sources.append(file_secret_settings)
        return tuple(sources)

    @property
    def embedded(self) -> bool:
        return not self.kafka.bootstrap_servers

    def masked(self) -> dict[str, Any]:
        """Effective config as plain data, secrets replaced by '**********'."""
        return self.model_dump(mode="json")


class _EnvSource(EnvSettingsSource):
    """The environment source, with a value it cannot decode reported as a :class:`ConfigError`
    naming the variable (pydantic-settings raises a ``SettingsError`` naming only the field, which
    reached the user as a traceback)."""

    def prepare_field_value(
        self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool
    ) -> Any:
        try:
            return super().prepare_field_value(field_name, field, value, value_is_complex)
        except ValueError as exc:
            name = f"{ENV_PREFIX}{field_name.upper()}"
            if value is None:  # the value came from a nested variable (NAME__KEY)
                name += f"{ENV_NESTED_DELIMITER}*"
            detail = (
                f"{exc.msg} at char {exc.pos}" if isinstance(exc, json.JSONDecodeError) else exc
            )
            raise ConfigError(
                f"invalid configuration: {name} is not valid JSON ({detail}); expected a JSON "
                f'object ({{"key": value}}) or one {ENV_PREFIX}{field_name.upper()}'
                f"{ENV_NESTED_DELIMITER}KEY variable per key"
            ) from None


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build settings from ``path`` (or $WIREWATCH_CONFIG), the environment and ``overrides``."""
    old = os.environ.get("WIREWATCH_CONFIG")
    if path is None and old:  # the same file the CLI's --config would read: the same checks
        path = old
    try:
        if path is not None:
            p = Path(path)
            if not p.is_file():
                raise ConfigError(f"config file not found: {p}")
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ConfigError(f"config file {p} is not valid YAML: {exc}") from exc
            if data is not None and not isinstance(data, dict):
                raise ConfigError(f"config file {p}: top level must be a mapping")
            _no_secret_in_file(data, p)
            os.environ["WIREWATCH_CONFIG"] = str(p)
        try:
            return Settings(**overrides)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, os.environ, overrides)) from None
    finally:
        if path is not None:
            if old is None:
                os.environ.pop("WIREWATCH_CONFIG", None)
            else:
                os.environ["WIREWATCH_CONFIG"] = old


def _no_secret_in_file(data: Any, path: Path) -> None:
    """The WebSub secret comes from the environment only: a config file is read by more
    people and tools than the worker's environment."""
    websub = data.get("websub") if isinstance(data, dict) else None
    if isinstance(websub, dict) and websub.get("secret") is not None:
        raise ConfigError(
            f"config file {path}: websub.secret is read from the environment only; remove it "
            "from the file and set WIREWATCH_WEBSUB__SECRET"
        )


def _env_variable(
    loc: Sequence[int | str], environ: Mapping[str, str], overrides: Mapping[str, Any]
) -> str | None:
    """The environment variable a bad value came from, if it came from one: the longest prefix of
    ``loc`` set in the environment (``WIREWATCH_HTTP__MAX_BODY_BYTES``, or ``WIREWATCH_HTTP`` for
    a JSON section). None when the value was passed in code or came from the YAML file."""
    if not loc or str(loc[0]) in overrides:
        return None
    names = {k.upper(): k for k in environ}  # matched case-insensitively, as pydantic-settings does
    keys = [str(p) for p in loc if isinstance(p, str)]
    for n in range(len(keys), 0, -1):
        name = ENV_PREFIX + ENV_NESTED_DELIMITER.join(k.upper() for k in keys[:n])
        if name in names:
            return names[name]
    return None


def _describe(
    exc: ValidationError,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> str:
    """One line per bad key (just one line for one bad key); a key set through the environment
    names its variable first, since that is what the operator has to fix. Values are never
    shown: a bad one may be a secret."""
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "value_error":
            msg = str(err["ctx"]["error"]) if "ctx" in err else msg.removeprefix("Value error, ")
        variable = _env_variable(err["loc"], environ or {}, overrides or {})
        problems.append(f"{variable} ({key}): {msg}" if variable else f"{key}: {msg}")
    if len(problems) == 1:
        return f"invalid configuration: {problems[0]}"
    return "\n".join(["invalid configuration:", *(f"  {p}" for p in problems)])
