"""The `vivo` command line. Each command group lives in its own module and is registered here.

Any :class:`~vivo.core.errors.VivoError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from typing import Annotated

import typer

import vivo.cli
from vivo import __version__
from vivo.cli.output import err_console
from vivo.core.errors import VivoError

app = typer.Typer(
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


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")
    ] = False,
) -> None:
    """vivo: gene and cell therapy design from the command line."""


def _register_commands() -> None:
    """Every module of ``vivo.cli`` (but main/output) has ``register(app)``; call each.

    Command modules keep heavy imports inside their command functions, so start-up stays fast.
    """
    for info in sorted(pkgutil.iter_modules(vivo.cli.__path__), key=lambda m: m.name):
        if info.name in {"main", "output"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"vivo.cli.{info.name}")
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; a VivoError becomes one line on stderr and exit status 2.

    Usage errors are reported by Typer itself (also exit status 2).
    """
    try:
        app(args=argv, prog_name="vivo")
    except VivoError as exc:
        err_console.print(f"vivo: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
