"""JSON documents with a schema version: vivo's machine-readable results, read back safely.

Every document vivo writes carries ``"schema_version"`` (a string) as its first key, so a
reader can tell which layout it holds; :func:`read_json` refuses a document without one, or
with a version the caller does not know, naming the file.

>>> dumps_versioned({"genes": 1}, "2")
'{\\n  "schema_version": "2",\\n  "genes": 1\\n}\\n'
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from vivo.core.errors import FormatError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.sniff import read_text, require_file

__all__ = ["dumps_versioned", "read_json", "write_json"]


def dumps_versioned(document: Mapping[str, Any], schema_version: str) -> str:
    """``document`` as indented JSON with ``schema_version`` first (it must not disagree with
    a version already in ``document``)."""
    have = document.get("schema_version")
    if have is not None and str(have) != schema_version:
        raise InputError(f"document has schema_version {have!r}, not {schema_version!r}")
    body = {
        "schema_version": schema_version,
        **{k: v for k, v in document.items() if k != "schema_version"},
    }
    return json.dumps(body, indent=2, allow_nan=False) + "\n"


def write_json(
    document: Mapping[str, Any],
    path: str | os.PathLike[str],
    *,
    schema_version: str,
    force: bool = True,
) -> Path:
    """Write a schema-versioned JSON document atomically."""
    return write_text_atomic(Path(path), dumps_versioned(document, schema_version), force=force)


def read_json(
    path: str | os.PathLike[str], *, schema_versions: Collection[str] | None = None
) -> dict[str, Any]:
    """A JSON object with a ``schema_version`` (one of ``schema_versions`` when given)."""
    p = require_file(path, "JSON file")
    text = read_text(p, what="JSON file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg}", path=str(p), line=exc.lineno) from exc
    if not isinstance(doc, dict):
        raise FormatError("a vivo JSON document is an object ({...})", path=str(p), line=1)
    version = doc.get("schema_version")
    if version is None:
        raise FormatError("no schema_version: this is not a vivo JSON document", path=str(p))
    if schema_versions is not None and str(version) not in schema_versions:
        known = ", ".join(sorted(schema_versions))
        raise FormatError(
            f"schema_version {version!r} is not one this vivo reads ({known})",
            path=str(p),
            hint="write it again with this version of vivo",
        )
    return doc
