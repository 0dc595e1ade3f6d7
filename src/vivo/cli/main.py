"""The `vivo` command line. Each command group lives in its own module and is registered here.

Bad input never shows a traceback: any :class:`~vivo.core.errors.VivoError`, any Click usage
error (unknown option, missing argument, bad choice, a value refused by :mod:`vivo.cli.validate`)
and the environment's refusals (permission denied, disk full, a truncated compressed input)
become one line ``vivo: error: ...`` on stderr and exit status 2. Ctrl-C prints
``vivo: error: interrupted`` and exits 130. Anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import errno
import importlib
import pkgutil
import re
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

import vivo.cli
from vivo import __version__
from vivo.cli.output import err_console
from vivo.cli.validate import ClickException, NoArgsIsHelpError
from vivo.core.errors import FormatError, InputError, VivoError

# errors of the environment, not of vivo: reported in one line (see _VivoGroup.invoke)
_ENVIRONMENT_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOENT,
     errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.ELOOP, errno.EEXIST, errno.EMFILE,
     errno.ENFILE, errno.EIO, errno.ENXIO, errno.EFBIG}
)  # fmt: skip


class _VivoGroup(TyperGroup):
    """The root group: turns what Click would call ``Aborted!`` or a traceback into one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise typer.Abort() from exc
        except EOFError as exc:  # e.g. gzip on a truncated .gz: Click would print "Aborted!"
            raise FormatError(
                "unexpected end of input (a truncated or damaged compressed file?)"
            ) from exc
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start : exc.start + 1]
            byte = (
                f"byte 0x{bad[0]:02x} at offset {exc.start}; "
                if isinstance(bad, bytes) and bad
                else ""
            )
            raise FormatError(
                f"an input file is not {exc.encoding} text ({byte}a binary or compressed file?)"
            ) from exc
        except OSError as exc:
            if exc.errno not in _ENVIRONMENT_ERRNOS:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            reason = (exc.strerror or str(exc)).lower()
            raise InputError(f"{where}{reason}") from exc


_app = typer.Typer(
    cls=_VivoGroup,
    name="vivo",
    help="Plan, design and simulate gene and cell therapies in silico.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vivo {__version__}")
        raise typer.Exit()


@_app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")
    ] = False,
) -> None:
    """vivo: gene and cell therapy design from the command line."""


#: command -> the ``vivo.cli`` module that registers it, so that ``vivo CMD`` imports and builds
#: only that command (tests/cli/test_cli.py checks the map against the modules)
COMMAND_MODULES: dict[str, str] = {
    "cache": "cache", "car": "car", "cassette": "cassette", "cells": "cells", "doctor": "doctor",
    "edit": "edit", "genome": "genome", "guides": "guides", "nucleases": "guides", "hla": "hla",
    "inherit": "inherit", "explain": "kb", "kb": "kb", "offtargets": "offtargets",
    "plan": "plan", "rna": "rna", "serve": "serve", "simulate": "simulate",
    "trials": "trials", "variant": "variant", "locus": "variant",
}  # fmt: skip
_registered: set[str] = set()


def command_modules() -> list[str]:
    """Every module of ``vivo.cli`` that registers commands (all but main/output/validate)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(vivo.cli.__path__)
        if info.name not in {"main", "output", "validate"} and not info.name.startswith("_")
    )


def _register(modules: list[str]) -> None:
    """Call ``register(app)`` of each module not registered yet (command modules keep heavy
    imports inside their command functions, so this stays fast)."""
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"vivo.cli.{name}").register(_app)
            _registered.add(name)


def _register_all() -> None:
    """Register every command, listed in module order whatever was registered first."""
    if len(_registered) == len(command_modules()):
        return
    order = command_modules()
    _register(order)
    rank = {cmd: order.index(module) for cmd, module in COMMAND_MODULES.items()}

    def key(c: Any) -> int:
        name = c.name or getattr(c, "callback", None).__name__  # type: ignore[union-attr]
        return rank.get(name, len(order))

    _app.registered_commands.sort(key=key)
    _app.registered_groups.sort(key=lambda g: rank.get(g.name or "", len(order)))


def __getattr__(name: str) -> Any:
    """``app``: the Typer application with every command registered."""
    if name == "app":
        _register_all()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_LONG_TOKEN = re.compile(r"\S{121,}")


def _one_line(text: str) -> str:
    """``text`` with every line break or control character (``\n``, ``\x1e``, ``\u2028`` …,
    all of which ``str.splitlines`` breaks on) shown as an escape, so the error stays one line."""
    return "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def _say(line: str) -> None:
    """Print one error line; a pasted 4,000-digit number or sequence is shown shortened."""
    line = _one_line(line)
    line = _LONG_TOKEN.sub(lambda m: f"{m[0][:60]}…[{len(m[0]):,} chars]…{m[0][-20:]}", line)
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; every error becomes one line on stderr (see the module doc).

    Always ends with ``SystemExit``: 0 on success, 2 for bad input, 130 when interrupted.
    """
    from vivo.cli.validate import error_line

    args = sys.argv[1:] if argv is None else list(argv)
    only = COMMAND_MODULES.get(args[0]) if args else None
    if only is not None:
        _register([only])  # `vivo CMD ...`: build that command only
    else:
        _register_all()  # help, --version, typos: the whole app
    try:
        rv = _app(args=args, prog_name="vivo", standalone_mode=False)
    except VivoError as exc:
        _say(f"vivo: error: {exc}")
        sys.exit(2)
    except NoArgsIsHelpError as exc:
        ctx = getattr(exc, "ctx", None)
        typer.echo(ctx.get_help() if ctx is not None else str(exc))
        sys.exit(0)
    except ClickException as exc:
        _say(error_line(exc))
        sys.exit(2)
    except typer.Abort:
        _say("vivo: error: interrupted")
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
