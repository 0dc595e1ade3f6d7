"""The web application's guards: CSRF tokens, request size limit, security headers, uploads.

- CSRF: a random token in a ``SameSite=Strict`` cookie, repeated in a hidden field of every
  form (double submit); JSON API posts must be ``application/json`` (a cross-site form cannot
  send that without a CORS preflight, which the app never allows) and multipart API posts need
  the ``X-Vivo-Client`` header for the same reason.
- Bodies larger than the upload limit are refused with 413 while they stream in.
- Every page carries a Content-Security-Policy without inline scripts, so text that slipped
  through escaping still could not run.
- Uploads are written under the job's folder with a fixed name and checked by content.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from vivo.core.errors import FormatError, InputError

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "PAGE_CSP",
    "REPORT_CSP",
    "BodyLimit",
    "check_csrf",
    "check_fasta",
    "check_vcf",
    "display_name",
    "has_file",
    "new_token",
    "save_upload",
]

CSRF_COOKIE = "vivo_csrf"
CSRF_FIELD = "csrf_token"
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
#: the dossier (report.html) is shown in a sandboxed frame: no script, no network
REPORT_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
)


def new_token() -> str:
    """A fresh CSRF token."""
    return secrets.token_urlsafe(32)


def check_csrf(cookie: str | None, sent: Any) -> None:
    """Raise :class:`InputError` unless the form's token matches the cookie's."""
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise InputError(
            "the form's security token is missing or stale", hint="reload the page and try again"
        )


class TooLarge(Exception):
    """The request body is larger than allowed."""


class BodyLimit:
    """ASGI middleware: answer 413 when a request body is larger than ``max_bytes``."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _too_large(send, self.max_bytes)
            return
        seen = 0
        started = False
        answered = False  # the 413 was sent: the app's own answer is dropped

        async def limited() -> Any:
            # a body streamed without Content-Length (chunked) trips the limit while the app
            # parses it; the app may turn the exception into its own 400 ("error parsing the
            # body"), so the 413 is answered here, at once, before the exception is raised
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    if not started and not answered:
                        answered = True
                        await _too_large(send, self.max_bytes)
                    raise TooLarge
            return message

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if answered:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except TooLarge:
            pass  # answered above, or the app's answer had already started
        except Exception:
            if not answered:  # not a consequence of the refused body
                raise


async def _too_large(send: Any, max_bytes: int) -> None:
    mb = max_bytes / 1024 / 1024
    body = f'{{"error": "the upload is larger than this server accepts ({mb:g} MB)"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def display_name(upload: Any, default: str = "uploaded file") -> str:
    """The uploaded file's name as the user gave it (only ever shown, never a path), control
    characters removed, at most 100 characters."""
    raw = str(getattr(upload, "filename", "") or "")
    return "".join(c for c in raw if c.isprintable()).strip()[:100] or default


def has_file(upload: Any) -> bool:
    """The form field holds an uploaded file (a file input left empty sends no name)."""
    return upload is not None and bool(getattr(upload, "filename", None))


async def save_upload(upload: Any, target: Path, *, max_bytes: int, kind: str = "fasta") -> Path:
    """Copy an uploaded file to ``target`` (a name the server chose), at most ``max_bytes``,
    then check by content that it is a ``kind`` file (``fasta``: plain or gzip; ``vcf``: plain
    or bgzip, renamed ``.vcf.gz`` when compressed) that vivo's reader reads."""
    if not has_file(upload):
        raise InputError(f"choose a {kind.upper()} file to upload")
    size = 0
    with target.open("wb") as fh:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"the file is larger than {max_bytes / 1024 / 1024:g} MB")
            fh.write(chunk)
    if size == 0:
        raise InputError("the uploaded file is empty")
    from starlette.concurrency import run_in_threadpool

    shown = str(upload.filename)[:100]
    if kind == "vcf":
        with target.open("rb") as fh:
            if fh.read(2) == b"\x1f\x8b":
                target = target.rename(target.with_name(target.name + ".gz"))
        await run_in_threadpool(check_vcf, target, shown=shown)
    else:
        await run_in_threadpool(check_fasta, target, shown=shown)
    return target


def check_vcf(path: Path, *, shown: str) -> None:
    """A :class:`FormatError` naming the user's file unless vivo's VCF reader reads its header
    (the records are read, and checked against the genome, by the plan job)."""
    from vivo.io.vcf import read_vcf_header

    try:
        read_vcf_header(path)
    except (FormatError, InputError) as exc:
        raise FormatError(str(exc).replace(str(path), shown)) from None


def check_fasta(path: Path, *, shown: str) -> None:
    """A :class:`FormatError` naming the user's file (never the server's path) unless ``path``
    is a FASTA file vivo reads."""
    from vivo.io.fasta import read_fasta
    from vivo.io.sniff import require_format

    try:
        require_format(path, {"fasta"}, what="a FASTA file")
        read_fasta(path)
    except (FormatError, InputError) as exc:
        text = str(exc).replace(str(path), shown[:100])
        raise FormatError(text) from None
