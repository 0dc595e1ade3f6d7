"""The versioned JSON schema of plan.json, and its validation.

``jsonschema`` is needed only to validate (extra ``report``); without it validation is skipped
with a clear message from :func:`validate_plan`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from vivo.core.errors import DataError

__all__ = ["PLAN_SCHEMA_VERSION", "load_plan_schema", "validate_plan"]

PLAN_SCHEMA_VERSION = "1.2"


@cache
def load_plan_schema() -> dict[str, Any]:
    """The bundled plan.json schema (JSON Schema 2020-12)."""
    text = resources.files("vivo.reports").joinpath("schemas", "plan.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_plan(data: dict[str, Any], *, required: bool = False) -> bool:
    """Validate a plan.json document; raise :class:`DataError` listing the first problems.

    Returns False (and does nothing) when jsonschema is not installed and ``required`` is False.
    """
    try:
        import jsonschema
    except ImportError as exc:
        if required:
            raise DataError(
                "validating plan.json needs jsonschema", hint="pip install 'vivo[report]'"
            ) from exc
        return False
    validator = jsonschema.Draft202012Validator(load_plan_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:5]
        )
        raise DataError(f"plan.json does not match schema {PLAN_SCHEMA_VERSION}: {lines}")
    return True
