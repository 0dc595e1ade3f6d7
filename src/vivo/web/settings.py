"""Settings of `vivo serve`: where jobs live, how many run, how long results are kept, limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vivo.core.errors import InputError

__all__ = ["DEFAULT_HOST", "ServeSettings"]

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """Everything the web application is configured with (set by `vivo serve`, never by a page).

    ``data_dir`` holds one folder per job (generated names); ``genomes_home`` is the genome
    store the Off-targets and Genomes pages use (default: ``$VIVO_HOME/genomes``).
    """

    data_dir: Path
    workers: int = 2
    keep_hours: float = 24.0
    max_upload_mb: float = 50.0
    max_jobs_per_client: int = 4
    max_queued_jobs: int = 64
    genomes_home: Path | None = None
    max_guides: int = 200

    def __post_init__(self) -> None:
        if not 1 <= self.workers <= 64:
            raise InputError(f"--workers must be from 1 to 64, got {self.workers}")
        if not 0 < self.keep_hours <= 24 * 365:
            raise InputError(f"--keep-hours must be above 0, got {self.keep_hours}")
        if not 0 < self.max_upload_mb <= 10_000:
            raise InputError(f"--max-upload-mb must be from 0 to 10000, got {self.max_upload_mb}")
        if not 1 <= self.max_jobs_per_client <= 1000:
            raise InputError("--max-jobs-per-client must be from 1 to 1000")
        if not 1 <= self.max_queued_jobs <= 100_000:
            raise InputError("max_queued_jobs must be from 1 to 100000")

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def jobs_dir(self) -> Path:
        """The folder of the per-job folders."""
        return self.data_dir / "jobs"
