"""Shared CLI output helpers: JSON to stdout, Rich tables for people, errors on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console

__all__ = ["console", "emit", "err_console"]

console = Console()
err_console = Console(stderr=True)


def _default(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "__fspath__"):
        return str(obj)
    return str(obj)


def emit(data: Any, *, as_json: bool, render: Callable[[], None]) -> None:
    """Print ``data`` as JSON when ``as_json``, otherwise call ``render`` for people."""
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, default=_default) + "\n")
    else:
        render()
