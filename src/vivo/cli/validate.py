"""The CLI's one validation layer: numbers, choices and paths are checked before any work.

Every check fails with one line on stderr, ``vivo: error: ...`` naming the option, the allowed
values and a hint, and exit status 2 (:func:`vivo.cli.main.main` turns Click's usage errors,
these checks' errors and every :class:`~vivo.core.errors.VivoError` into that one line).

Numbers (finite and bounded; ``nan``, ``inf``, out-of-range and over-long values are refused)::

    window: Annotated[int, int_option("--window", min=1, max=100_000, help="bp each side")] = 50
    dose: Annotated[float | None, float_option("--dose", min=0, max=1e16, min_open=True)] = None
    seed: Seed = 0                       # 0 <= seed <= 2**32 - 1

Choices: a closed vocabulary is a :class:`enum.StrEnum` annotation (Typer lists the values in
``--help`` and refuses others; the error adds "did you mean ...?"), e.g. ``fmt: FormatOpt``
with :class:`TableFormat`. An open or catalogue vocabulary (nucleases, editors) is checked with
:func:`choice_option` (a callback with did-you-mean) or, when another option decides whether a
free name is allowed, with :func:`check_choice` in the handler.

Paths (checked when the option is parsed, i.e. before the command does any work)::

    out: Annotated[str | None, output_file_option("--out", "-o", suffixes=(".tsv", ".json"))]
    out: Annotated[str | None, output_dir_option("--out", help="folder for the files")]
    genome: Annotated[str | None, input_file_option("--genome", help="FASTA, 2bit, GenBank")]
    genome: Annotated[str | None, genome_option("--genome", help="file, or a fetched genome")]
    force: Force = False                 # --force: replace an existing output

An output file's parent chain must end in a writable folder (not a file, not ``/proc``, ``/sys``
or ``/dev``), the file must not be an existing folder, and an existing file is replaced only with
``--force`` (the ``--force`` option is eager, so the path callbacks see it whatever the order on
the command line). An output folder may exist when empty; a non-empty one needs ``--force`` and
must be a vivo result (see :data:`vivo.io.atomic.MARKER`). Folder outputs are then written with
:func:`vivo.io.atomic.atomic_dir` and file outputs with :func:`vivo.io.atomic.atomic_write`.
An input file must exist, be a regular file and be readable.

>>> did_you_mean("SpCas", ["SpCas9", "SaCas9", "AsCas12a"])
'SpCas9'
>>> check_choice("--editor", "ABE8", ["ABE8e", "BE4max"])
Traceback (most recent call last):
...
vivo.core.errors.InputError: unknown --editor 'ABE8' (did you mean 'ABE8e'? choose from: ...)
"""

from __future__ import annotations

import difflib
import importlib
import math
import os
import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from vivo.core.errors import InputError, VivoError


def _click_exceptions() -> Any:
    try:  # Typer >= 0.2x carries its own copy of Click
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - older Typer on top of Click
        return importlib.import_module("click.exceptions")


class _NeverRaised(Exception):
    """Stands for an exception class this Click version does not have."""


_EXC = _click_exceptions()
ClickException: type[Exception] = _EXC.ClickException
"""Base of Click's (or Typer's copy of Click's) usage errors."""
NoArgsIsHelpError: type[Exception] = getattr(_EXC, "NoArgsIsHelpError", _NeverRaised)
"""Raised for a group called without a command (``vivo``, ``vivo kb``): print its help."""


__all__ = [
    "ClickException",
    "Force",
    "FormatOpt",
    "NoArgsIsHelpError",
    "Seed",
    "TableFormat",
    "as_bad_parameter",
    "check_choice",
    "check_input_file",
    "choice_option",
    "did_you_mean",
    "error_line",
    "float_option",
    "genome_option",
    "input_file_option",
    "int_option",
    "output_dir_option",
    "output_file_option",
]

MAX_COUNT = 1_000_000
"""Largest ``--top``/``--max``-like count accepted (no table of a million rows is useful)."""
MAX_SEED = 2**32 - 1
"""Seeds are unsigned 32-bit integers (numpy's ``SeedSequence`` takes any, reports compare)."""
_MAX_LINE = 400


# ----------------------------------------------------------------------------------- numbers


def int_option(*decls: str, min: int, max: int, help: str = "", **kw: Any) -> Any:
    """A Typer option for an integer in ``[min, max]``.

    Non-integers (``1.5``, ``nan``, thousands of digits) and values out of range are refused
    with the option's name and the range.
    """
    text = f"{help} [{min}..{max}]".strip()
    return typer.Option(*decls, help=text, callback=_in_range(min, max, False, False), **kw)


def float_option(
    *decls: str,
    min: float,
    max: float,
    min_open: bool = False,
    help: str = "",
    **kw: Any,
) -> Any:
    """A Typer option for a finite float in ``[min, max]`` (``(min, max]`` with ``min_open``).

    ``nan``, ``inf`` and ``-inf`` are refused whatever the bounds.
    """
    shown = f"{'>' if min_open else '>='}{min:g} and <={max:g}"
    return typer.Option(
        *decls, help=f"{help} [{shown}]".strip(), callback=_in_range(min, max, min_open, True), **kw
    )


def _in_range(lo: float, hi: float, lo_open: bool, is_float: bool) -> Callable[..., Any]:
    bound = f"{'>' if lo_open else '>='} {lo:g} and <= {hi:g}" if is_float else f"{lo}..{hi}"

    def check(value: Any) -> Any:
        for x in value if isinstance(value, list | tuple) else [value]:
            if x is None:
                continue
            ok = math.isfinite(x) and (x > lo if lo_open else x >= lo) and x <= hi
            if not ok:
                if is_float:
                    raise typer.BadParameter(f"{x!r} is not a finite number {bound}")
                raise typer.BadParameter(f"{_clip(str(x), 24)} is outside the range {bound}")
        return value

    return check


Seed = Annotated[
    int,
    int_option("--seed", min=0, max=MAX_SEED, help="seed of the random generator"),
]
"""``--seed``: an integer 0 .. 2**32-1."""


# ----------------------------------------------------------------------------------- choices


class TableFormat(StrEnum):
    """How a command prints its result: a Rich table, tab-separated text or JSON."""

    table = "table"
    tsv = "tsv"
    json = "json"


FormatOpt = Annotated[
    TableFormat,
    typer.Option(
        "--format", case_sensitive=False, help="table, tsv (complete, for copying) or json"
    ),
]


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """The closest known choice to ``value`` (case-insensitive), or ``None``."""
    pool = list(choices)
    lowered = {c.lower(): c for c in pool}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def check_choice(option: str, value: str, choices: Iterable[str]) -> str:
    """Return the known spelling of ``value`` (case-insensitive) or raise a one-line InputError."""
    pool = list(choices)
    for c in pool:
        if c.lower() == value.lower():
            return c
    guess = did_you_mean(value, pool)
    shown = ", ".join(pool) if len(pool) <= 30 else ", ".join(pool[:30]) + ", ..."
    hint = (f"did you mean {guess!r}? " if guess else "") + f"choose from: {shown}"
    raise InputError(f"unknown {option} {_clip(value)!r}", hint=hint)


def choice_option(
    *decls: str,
    choices: Callable[[], Iterable[str]],
    help: str = "",
    **kw: Any,
) -> Any:
    """A Typer option whose value(s) must be in ``choices()`` (loaded lazily, did-you-mean)."""

    def check(param: typer.CallbackParam, value: Any) -> Any:
        name = param.opts[0] if param.opts else str(param.name)
        if value is None:
            return value
        if isinstance(value, list | tuple):
            pool = list(choices())
            return [check_choice(name, v, pool) for v in value]
        return check_choice(name, value, choices())

    return typer.Option(*decls, help=help, callback=check, **kw)


# ------------------------------------------------------------------------------------- paths


Force = Annotated[
    bool,
    typer.Option(
        "--force", is_eager=True, help="replace an existing output (file, or folder vivo wrote)"
    ),
]
"""``--force``: eager, so output-path callbacks see it wherever it is on the command line."""


def _force(ctx: typer.Context) -> bool:
    return bool(ctx.params.get("force", False))


def as_bad_parameter(check: Callable[[], Any]) -> Any:
    """Run ``check()``; a VivoError it raises becomes Typer's BadParameter (names the option)."""
    try:
        return check()
    except VivoError as exc:
        raise typer.BadParameter(str(exc)) from exc


def output_file_option(
    *decls: str,
    suffixes: tuple[str, ...] = (),
    help: str = "",
    **kw: Any,
) -> Any:
    """A Typer option naming a file to write; checked before any work (see the module doc)."""
    from vivo.io.atomic import check_output_file

    def check(ctx: typer.Context, value: str | None) -> str | None:
        if value is None:
            return None
        as_bad_parameter(lambda: check_output_file(value, force=_force(ctx)))
        if suffixes and not value.lower().endswith(suffixes):
            raise typer.BadParameter(f"{_clip(value)!r} must end in {', '.join(suffixes)}")
        return value

    return typer.Option(*decls, help=help, callback=check, **kw)


def output_dir_option(*decls: str, help: str = "", **kw: Any) -> Any:
    """A Typer option naming an output folder; checked before any work (see the module doc)."""
    from vivo.io.atomic import check_output_dir

    def check(ctx: typer.Context, value: str | None) -> str | None:
        if value is not None:
            as_bad_parameter(lambda: check_output_dir(value, force=_force(ctx)))
        return value

    return typer.Option(*decls, help=help, callback=check, **kw)


def check_input_file(path: str | os.PathLike[str]) -> Path:
    """``path`` exists, is a regular file and is readable; else a one-line InputError."""
    raw = os.fspath(path)
    if not raw.strip():
        raise InputError("empty file name", hint="give the path of a file")
    if "\x00" in raw:
        raise InputError(f"{raw!r}: the path contains a NUL character")
    p = Path(raw)
    try:
        if not p.exists():
            raise InputError(f"no such file: {_clip(raw)}", hint="check the path")
        if p.is_dir():
            raise InputError(f"{_clip(raw)} is a folder, not a file", hint="give a file inside it")
        if not p.is_file():
            raise InputError(f"{_clip(raw)} is not a regular file")
    except OSError as exc:
        raise InputError(f"cannot read {_clip(raw)}: {exc.strerror or exc}") from exc
    if not os.access(p, os.R_OK):
        raise InputError(f"cannot read {_clip(raw)}: permission denied")
    return p


def input_file_option(*decls: str, help: str = "", **kw: Any) -> Any:
    """A Typer option naming a file to read: it must exist, be a file and be readable."""

    def check(value: str | None) -> str | None:
        if value is not None:
            as_bad_parameter(lambda: check_input_file(value))
        return value

    return typer.Option(*decls, help=help, callback=check, **kw)


def check_genome_source(value: str) -> str:
    """A genome given on the command line: a readable file, or the name of a genome fetched
    into vivo's store (``vivo genome fetch``); else the file error, with the names in a hint."""
    if os.sep not in value and not Path(value).exists():
        from vivo.workflows.genome_fetch import fetched_genome, list_fetched

        if fetched_genome(value) is not None:
            return value
        try:
            check_input_file(value)
        except InputError as exc:
            names = [f.name for f in list_fetched()]
            hint = "a file, or a genome fetched with vivo genome fetch" + (
                f" (fetched here: {', '.join(names)})" if names else " (none fetched here)"
            )
            raise InputError(f"no such file or fetched genome: {_clip(value)}", hint=hint) from exc
    check_input_file(value)
    return value


def genome_option(*decls: str, help: str = "", **kw: Any) -> Any:
    """A Typer option naming a genome: a file to read, or a genome fetched into the store."""

    def check(value: str | None) -> str | None:
        if value is not None:
            as_bad_parameter(lambda: check_genome_source(value))
        return value

    return typer.Option(*decls, help=help, callback=check, **kw)


# ------------------------------------------------------------------------------------ errors


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-12:]}"


def error_line(exc: Exception) -> str:
    """A usage error (unknown option, bad value, ...) as one ``vivo: error: ...`` line."""
    fmt = getattr(exc, "format_message", None)
    message = fmt() if callable(fmt) else str(exc)
    message = re.sub(r"\s+", " ", str(message)).strip().rstrip(".")
    message = message.replace("Value error, ", "")  # pydantic's prefix (Typer >= 0.2x)
    message = message[:1].lower() + message[1:]
    choice = re.search(r""": (['"])(.*?)\1 is not one of ((?:'[^']*'(?:, )?)+)""", message)
    if choice:  # a StrEnum option: suggest the closest value
        guess = did_you_mean(choice[2], re.findall(r"'([^']*)'", choice[3]))
        message += f"; did you mean {guess!r}?" if guess else ""
    if len(message) > _MAX_LINE:
        message = message[: _MAX_LINE - 60] + " ... " + message[-50:]
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None)
    hint = f" (see: {path} --help)" if path else ""
    return f"vivo: error: {message}{hint}"
