"""The `vivo` command line. Each command group lives in its own module and is registered here.

Any :class:`~vivo.core.errors.VivoError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from vivo import __version__
from vivo.cli import inherit as _inherit
from vivo.cli import variant as _variant
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


# --- command registration: one line per command (keep sorted by module) ----------------
app.command("inherit")(_inherit.inherit)
app.command("locus")(_variant.locus)
app.command("variant")(_variant.variant)
# ----------------------------------------------------------------------------------------


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
