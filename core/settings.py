"""All configuration, read from environment variables prefixed ``DOCBATCH_``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TASK_QUEUE = "docbatch"


def machine_cores() -> int:
    """The cores this process may use, read when the settings are made (``os.cpu_count``)."""
    return os.cpu_count() or 1


class Settings(BaseSettings):
    """One settings object for the API, the worker, the CLI and the launcher."""

    model_config = SettingsConfigDict(env_prefix="DOCBATCH_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str = ""  # empty: SQLite file under data_dir
    storage_dir: Path | None = None  # empty: data_dir/files
    storage_url: str = (
        ""  # empty: local files (storage_dir); s3://bucket/prefix: an S3-compatible store
    )
    s3_endpoint_url: str = ""  # empty: AWS (or AWS_ENDPOINT_URL); e.g. http://minio:9000
    s3_region: str = ""  # empty: boto3's own (AWS_REGION, profile)
    s3_access_key_id: str = ""  # empty: boto3's credential chain (AWS_ACCESS_KEY_ID, roles, ...)
    s3_secret_access_key: str = ""
    s3_addressing_style: str = Field(default="auto", pattern="^(auto|path|virtual)$")

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    temporal_address: str = ""  # empty: 127.0.0.1:temporal_port (the embedded dev server)
    temporal_namespace: str = "default"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    task_queue: str = TASK_QUEUE
    # A Temporal cluster reached over the network: TLS, mTLS (client certificate) and/or an API key.
    temporal_tls: bool = False
    temporal_tls_ca: str = ""  # PEM file of the CA that signed the server's certificate
    temporal_tls_cert: str = ""  # PEM client certificate (mTLS)
    temporal_tls_key: str = ""  # PEM client private key (mTLS)
    temporal_tls_server_name: str = ""
    temporal_api_key: str = ""

    bootstrap_token: str = ""
    bootstrap_credits: int = 1000

    max_files_per_batch: int = 50
    max_file_size_mb: float = 25.0
    max_pages: int = 50
    retry_window_seconds: float = Field(default=7 * 24 * 3600, gt=0)
    extraction_attempts: int = 3
    heartbeat_timeout_seconds: float = 30  # a crashed worker's files are picked up after this

    # One extraction per core keeps every core busy from the first file (OCR is CPU-bound);
    # each extraction's OCR engine then gets the cores left over (one each by default).
    worker_max_activities: int = Field(default_factory=machine_cores, gt=0)
    # Files a worker takes ahead of its extraction processes: the next file's activity is
    # already in the worker (waiting for a process) when one finishes, so no process waits for
    # Temporal's round trips between two files (issue 13); 0 takes a file only for a free process.
    worker_prefetch: int = Field(default=1, ge=0)
    ocr_threads: int | None = Field(
        default=None, gt=0
    )  # empty: cores // worker_max_activities, at least 1
    worker_threads: int = 8
    worker_health_host: str = "127.0.0.1"
    worker_health_port: int = 0  # 0: off; else the worker serves /health, /health/ready, /metrics
    temporal_metrics_port: int = 0  # 0: off; else the worker's Temporal SDK metrics (Prometheus)
    metrics_token: str = ""  # set: /metrics asks for it as a Bearer token
    log_format: str = Field(default="text", pattern="^(text|json)$")
    tracing: bool = False  # OpenTelemetry: an upload, its workflow and activities as one trace
    tracing_exporter: str = Field(default="otlp", pattern="^(otlp|console)$")

    webhook_allow_private: bool = False
    webhook_retry_initial_seconds: float = Field(
        default=5.0, gt=0
    )  # first retry; doubles each time
    webhook_retry_max_interval_seconds: float = Field(default=600.0, gt=0)
    webhook_retry_hours: float = Field(default=24.0, gt=0)  # then the delivery gives up
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)  # one request
    webhook_max_deliveries: int = Field(default=32, gt=0)  # concurrent deliveries per worker

    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    # Named endpoints a template may pick with engine.endpoint, as JSON:
    # {"openai": {"base_url": "https://api.openai.com/v1", "api_key": "sk-...",
    #             "model": "gpt-4o-mini"}}
    llm_endpoints: dict[str, dict[str, str]] = Field(default_factory=dict)
    # A template's own engine.base_url may reach loopback/private hosts (never metadata).
    llm_allow_private: bool = False

    secret_key: str = ""  # encrypts stored secrets; empty: generated into data_dir/secret.key

    def engine_option_values(self) -> dict[str, Any]:
        """The extraction engine's options (``extraction.EngineOptions(**values)``) from these
        settings."""
        return {
            "max_pages": self.max_pages,
            "llm_base_url": self.llm_base_url,
            "llm_api_key": self.llm_api_key,
            "llm_model": self.llm_model,
            "llm_endpoints": self.llm_endpoints,
            "llm_allow_private": self.llm_allow_private,
        }

    max_json_body_kb: int = Field(
        default=1024, gt=0
    )  # any request body that is not a multipart upload
    # WebSocket (issue 11): batches one socket may follow; how often an open socket re-checks
    # that its token is still live (also checked on every subscribe and at the token's expiry)
    ws_max_batches: int = Field(default=20, gt=0)
    ws_token_recheck_seconds: float = Field(default=15.0, gt=0)
    # learning from corrections: retrain an organisation's template model after this many new
    # corrections, from at most this many of its latest reviewed documents
    retrain_after_corrections: int = Field(default=20, gt=0)
    retrain_max_documents: int = Field(default=200, gt=0)
    # formats rendered and stored when a batch settles, comma-separated (pdf, docx; empty: none)
    prepare_exports: str = "pdf"
    # after a person corrects or confirms a file of a settled batch, those formats are prepared
    # again once the reviews have paused this long (workflows/exports.py)
    prepare_exports_quiet_seconds: float = Field(default=10.0, gt=0, le=3600)

    # Each document is extracted in a child process with these limits (extraction/child.py); a
    # document over either fails alone with ResourceLimit. Address space, not resident memory:
    # onnxruntime reserves far more than it touches: a child with the OCR model peaked at 1.1-1.3 GB
    # of address space on receipt scans, 0.55 GB on a text PDF, 1.6 GB on a 70-megapixel image.
    extract_memory_mb: int = Field(default=3072, ge=256)
    extract_timeout_s: float = Field(default=300.0, gt=0)

    @field_validator("storage_url")
    @classmethod
    def _storage_url(cls, value: str) -> str:
        """A wrong storage URL stops every process at start-up, not at the first upload."""
        value = value.strip()
        if value and (not value.startswith("s3://") or not value[5:].split("/", 1)[0]):
            raise ValueError(
                f"DOCBATCH_STORAGE_URL must be empty (local files) or s3://bucket/prefix, "
                f"not {value!r}"
            )
        return value

    @field_validator("prepare_exports")
    @classmethod
    def _prepare_exports(cls, value: str) -> str:
        """Only the slow formats are prepared (exporters/cache.CACHED_FORMATS); a typo stops
        the worker at start-up, not each batch's preparation."""
        wrong = {f.strip().lower() for f in value.split(",") if f.strip()} - {"pdf", "docx"}
        if wrong:
            raise ValueError(
                f"DOCBATCH_PREPARE_EXPORTS takes pdf and/or docx, not {', '.join(sorted(wrong))}"
            )
        return value

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{(self.data_dir / 'docbatch.db').resolve()}"

    @property
    def prepared_formats(self) -> list[str]:
        """``prepare_exports`` as a list of lower-case format names."""
        return [f.strip().lower() for f in self.prepare_exports.split(",") if f.strip()]

    @property
    def files_dir(self) -> Path:
        return (self.storage_dir or self.data_dir / "files").resolve()

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def webhook_task_queue(self) -> str:
        """Deliveries have their own queue and worker slots: a slow receiver never blocks
        extraction."""
        return f"{self.task_queue}-webhooks"

    @property
    def worker_activity_slots(self) -> int:
        """Activities one worker runs at once: one per extraction process plus the prefetch."""
        return self.worker_max_activities + self.worker_prefetch

    @property
    def engine_threads(self) -> int:
        """Intra-op threads of the OCR engine: the set value, or the cores one extraction gets."""
        return self.ocr_threads or max(1, machine_cores() // self.worker_max_activities)

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_size_mb * 1024 * 1024)


@lru_cache
def get_settings() -> Settings:
    return Settings()
