"""Jobs of the web application: a bounded pool, progress, cancellation, results kept a while.

Each job has a folder ``<data_dir>/jobs/<32 hex digits>`` (a generated name; nothing a user
types is ever part of a path). A pool of ``workers`` threads (:mod:`concurrent.futures`)
bounds how many jobs run at once; each running job is a child process (forkserver), so a
cancelled job is stopped at once (the process is terminated) and one job cannot disturb another
(matplotlib figures, memory). The workflows are deterministic (explicit seeds), so a job whose
kind and parameters equal those of a finished job reuses its files (hard links) instead of
running again; jobs that read the genome store (off-targets, uploads, plans or guides with an
off-target genome) always run. The child writes ``progress.json`` as the workflow reports
progress, then ``result.json`` (or ``error.json``: a one-line message, never a traceback;
tracebacks of bugs go to ``log.txt``, which is never served). ``status.json`` is the job's
record, so finished jobs survive a restart of the server until they expire (``keep_hours``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import multiprocessing
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vivo.core.errors import InputError
from vivo.io.atomic import write_text_atomic

__all__ = ["Job", "JobLimitError", "JobManager", "JobStatus", "valid_job_id"]

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})
_STATUSES: frozenset[str] = FINISHED | {"queued", "running"}
_ID = re.compile(r"^[0-9a-f]{32}$")
_POLL_S = 0.1
log = logging.getLogger("vivo.web")


class JobLimitError(InputError):
    """Too many jobs for this client (or in the queue): try again when one finishes."""


def valid_job_id(job_id: str) -> bool:
    """``job_id`` has the form of a generated id (32 hex digits)."""
    return bool(_ID.match(job_id))


@dataclass(slots=True)
class Job:
    """One job's record (mutable: the supervisor thread updates it under the manager's lock)."""

    id: str
    kind: str
    title: str
    client: str
    folder: Path
    status: JobStatus = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    message: str = ""
    cancel_requested: bool = False
    future: Future[None] | None = None
    key: str | None = None  # jobs with the same key have the same result (see _cache_key)

    @property
    def out(self) -> Path:
        """The folder of the job's output files."""
        return self.folder / "out"

    @property
    def inputs(self) -> Path:
        """The folder of the job's uploaded files."""
        return self.folder / "input"

    def progress(self) -> dict[str, Any]:
        """The last progress the workflow reported (``what``, ``done``, ``total``, ``unit``)."""
        return _read_json(self.folder / "progress.json") or {}

    def result(self) -> dict[str, Any] | None:
        """The job's ``result.json`` (``None`` before it is done)."""
        return _read_json(self.folder / "result.json") if self.status == "done" else None

    def partial(self) -> dict[str, Any] | None:
        """Results streamed so far (jobs that write ``partial.json``, e.g. off-targets)."""
        return _read_json(self.folder / "partial.json")

    def to_dict(self) -> dict[str, Any]:
        """The record as the API shows it (no paths)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "progress": self.progress(),
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
        }

    def _record(self) -> dict[str, Any]:
        return {**self.to_dict(), "client": self.client, "progress": None}


def _time(value: Any, *, optional: bool) -> float | None:
    """A time stamp of ``status.json``: a finite number (``None`` allowed if ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not a time: {value!r}")
    return float(value)


def _job_from_record(folder: Path, rec: dict[str, Any]) -> Job:
    """The job recorded in ``folder``'s ``status.json``; ``KeyError``/``ValueError`` when the
    record is damaged (a missing or non-numeric time, an unknown status)."""
    status = rec.get("status", "failed")
    if status not in _STATUSES:
        raise ValueError(f"unknown status {status!r}")
    kind, title, client = (str(rec.get(k, "")) for k in ("kind", "title", "client"))
    job = Job(
        folder.name,
        kind,
        title,
        client,
        folder,
        created=_time(rec["created"], optional=False) or 0.0,
    )
    job.status = status
    job.message = str(rec.get("message", ""))
    job.started = _time(rec.get("started"), optional=True)
    job.finished = _time(rec.get("finished"), optional=True)
    return job


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class JobManager:
    """The bounded pool of jobs (see the module doc)."""

    def __init__(
        self,
        root: Path,
        *,
        workers: int = 2,
        keep_s: float = 24 * 3600,
        max_per_client: int = 4,
        max_queued: int = 64,
    ) -> None:
        self.root = root
        self.keep_s = keep_s
        self.max_per_client = max_per_client
        self.max_queued = max_queued
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._procs: dict[str, Any] = {}
        self._leaders: dict[str, Job] = {}
        self._followers: dict[str, list[tuple[Job, dict[str, Any]]]] = {}
        self._done_by_key: dict[str, str] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vivo-job")
        self._ctx = _context()
        root.mkdir(parents=True, exist_ok=True)
        self._load()
        self.expire()

    # ------------------------------------------------------------------ lifecycle of a job
    def create(self, kind: str, *, title: str, client: str) -> Job:
        """A new job folder (not started yet); refused beyond the per-client or queue cap."""
        self.expire()
        with self._lock:
            active = [j for j in self._jobs.values() if j.status not in FINISHED]
            mine = sum(1 for j in active if j.client == client)
            if mine >= self.max_per_client:
                raise JobLimitError(
                    f"{mine} of your jobs are still running (limit {self.max_per_client})",
                    hint="wait for one to finish or cancel one",
                )
            if len(active) >= self.max_queued:
                raise JobLimitError(
                    f"the server has {len(active)} jobs waiting (limit {self.max_queued})",
                    hint="try again in a minute",
                )
            job_id = secrets.token_hex(16)
            job = Job(job_id, kind, title[:200], client, self.root / job_id)
            job.inputs.mkdir(parents=True)
            self._jobs[job_id] = job
        self._save(job)
        return job

    def start(self, job: Job, params: dict[str, Any]) -> None:
        """Queue ``job`` to run the task ``job.kind`` with ``params`` (JSON-ready).

        A job identical to a finished one reuses its files at once; one identical to a job
        that is queued or running waits for it without taking a worker, then reuses its files
        (or runs, when that job failed or was cancelled).
        """
        write_text_atomic(job.folder / "params.json", json.dumps(params, indent=1))
        key = job.key = _cache_key(job.kind, params)
        if key is not None:
            if self._reuse(job, key):
                return
            with self._lock:
                if key in self._leaders:
                    self._followers.setdefault(key, []).append((job, params))
                    return
                self._leaders[key] = job
        job.future = self._pool.submit(self._run, job, params)

    def discard(self, job: Job) -> None:
        """Forget a job that was never started (its upload was refused)."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``."""
        if not valid_job_id(job_id):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every known job, newest first (expired ones deleted first)."""
        self.expire()
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def indexing(self, *, besides: Job | None = None) -> set[str]:
        """Names of the genomes that queued or running genome jobs (other than ``besides``)
        are indexing (their title is ``index NAME``)."""
        with self._lock:
            return {
                j.title.removeprefix("index ")
                for j in self._jobs.values()
                if j.kind == "genome" and j.status not in FINISHED and j is not besides
            }

    def cancel(self, job: Job) -> bool:
        """Cancel a queued or running job; ``False`` when it had already finished."""
        with self._lock:
            if job.status in FINISHED:
                return False
            job.cancel_requested = True
            proc = self._procs.get(job.id)
            queued = proc is None and (job.future is None or job.future.cancel())
            if queued:
                self._finish(job, "cancelled", "cancelled before it started")
        if queued:
            self._release(job)
            return True
        if proc is not None:  # else the pool thread sees cancel_requested before it starts one
            with contextlib.suppress(Exception):
                proc.terminate()
        return True

    def wait(self, job: Job, timeout: float = 600.0) -> Job:
        """Block until ``job`` finishes (tests, benchmarks)."""
        end = time.monotonic() + timeout
        while job.status not in FINISHED and time.monotonic() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        """Stop every running job and the pool."""
        for job in self.jobs():
            if job.status not in FINISHED:
                self.cancel(job)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ files and expiry
    def files(self, job: Job) -> Iterator[Path]:
        """Every output file of a finished job (relative names are what the pages link)."""
        if job.out.is_dir():
            for p in sorted(job.out.rglob("*")):
                hidden = any(x.startswith(".") for x in p.relative_to(job.out).parts)
                if p.is_file() and not p.is_symlink() and not hidden:
                    yield p

    def file(self, job: Job, name: str) -> Path | None:
        """The output file ``name`` (a relative name from :meth:`files`), else ``None``.

        Only names from the job's own listing are served, so no path a user types is opened.
        """
        for p in self.files(job):
            if p.relative_to(job.out).as_posix() == name:
                return p
        return None

    def expire(self) -> None:
        """Delete finished jobs older than ``keep_s``."""
        now = time.time()
        with self._lock:
            old = [
                j
                for j in self._jobs.values()
                if j.status in FINISHED and now - (j.finished or j.created) > self.keep_s
            ]
            for j in old:
                self._jobs.pop(j.id, None)
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)

    # ------------------------------------------------------------------ internals
    def _load(self) -> None:
        for folder in sorted(self.root.iterdir()):
            rec = _read_json(folder / "status.json") if valid_job_id(folder.name) else None
            if rec is None:
                if valid_job_id(folder.name):
                    log.warning("skipped job folder %s: no readable status.json", folder.name)
                continue
            try:
                job = _job_from_record(folder, rec)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("skipped job folder %s: damaged status.json (%s)", folder.name, exc)
                continue
            if job.status not in FINISHED:
                job.status, job.message = "failed", "the server stopped while this job ran"
                job.finished = time.time()
                self._save(job)
            self._jobs[job.id] = job

    def _save(self, job: Job) -> None:
        with contextlib.suppress(OSError):
            write_text_atomic(job.folder / "status.json", json.dumps(job._record(), indent=1))

    def _finish(self, job: Job, status: JobStatus, message: str) -> None:
        job.status, job.message, job.finished = status, message, time.time()
        self._save(job)

    def _run(self, job: Job, params: dict[str, Any]) -> None:
        self._run_child(job, params)
        self._release(job)

    def _release(self, job: Job) -> None:
        """``job`` finished: identical jobs waiting for it reuse its files (or run)."""
        if job.key is None:
            return
        with self._lock:
            if self._leaders.get(job.key) is not job:
                return  # a follower: the job it waits for releases the others
            del self._leaders[job.key]
            waiting = self._followers.pop(job.key, [])
            if job.status == "done":
                self._done_by_key[job.key] = job.id
        for follower, follower_params in waiting:
            if follower.status not in FINISHED:
                self.start(follower, follower_params)

    def _reuse(self, job: Job, key: str) -> bool:
        with self._lock:
            source = self._jobs.get(self._done_by_key.get(key, ""))
            if job.cancel_requested or source is None or source.status != "done":
                return False
        try:
            shutil.copytree(source.out, job.out, copy_function=_link, dirs_exist_ok=True)
            _link(str(source.folder / "result.json"), str(job.folder / "result.json"))
        except OSError:
            return False
        with self._lock:
            job.started = time.time()
            self._finish(job, "done", "")
        return True

    def _run_child(self, job: Job, params: dict[str, Any]) -> None:
        from vivo.web.tasks import child_main

        with self._lock:
            if job.cancel_requested:
                self._finish(job, "cancelled", "cancelled before it started")
                return
            proc = self._ctx.Process(
                target=child_main, args=(job.kind, params, str(job.folder)), daemon=True
            )
            proc.start()
            self._procs[job.id] = proc
            job.status, job.started = "running", time.time()
        self._save(job)
        proc.join()
        with self._lock:
            self._procs.pop(job.id, None)
            if job.cancel_requested:
                self._finish(job, "cancelled", "cancelled while it ran")
            elif proc.exitcode == 0 and (job.folder / "result.json").is_file():
                self._finish(job, "done", "")
            else:
                err = _read_json(job.folder / "error.json") or {}
                msg = str(err.get("message") or f"the job stopped (exit code {proc.exitcode})")
                self._finish(job, "failed", msg)


_CACHEABLE = frozenset({"plan", "guides", "edit", "cassette", "car"})


def _cache_key(kind: str, params: dict[str, Any]) -> str | None:
    """The key of a reusable job, ``None`` when the job reads the genome store (an off-target
    index or a fetched genome, which the administrator may replace under the same name)."""
    if kind not in _CACHEABLE or params.get("offtarget_genome") or params.get("genome"):
        return None
    text = json.dumps([kind, params], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _link(src: str, dst: str) -> None:
    """A hard link (the same bytes, nothing copied), else a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


PRELOAD = (
    "vivo.workflows.plan",
    "vivo.workflows.guides",
    "vivo.workflows.edit",
    "vivo.workflows.cassette",
    "vivo.workflows.car",
    "vivo.workflows.offtargets",
)


def _context() -> Any:
    """forkserver where the platform has it (a clean, fast child), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:  # each job forks from a server that imported the workflows once
        ctx.set_forkserver_preload(["vivo.web.tasks", *PRELOAD])
    return ctx
