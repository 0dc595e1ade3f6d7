"""The command line as a user runs it: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

RunVivo = Callable[..., tuple[int, str, str]]  # the run_vivo fixture (tests/conftest.py)


def test_version(run_vivo: RunVivo) -> None:
    from vivo import __version__

    code, out, _ = run_vivo("--version")
    assert code == 0 and out.strip() == f"vivo {__version__}"


def test_variant_json(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("variant", "HBB", "c.20A>T", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["protein"]["hgvs"] == "p.Glu7Val"
    assert data["protein"]["legacy"] == "Glu6Val"
    assert data["consequence"] == "missense"
    assert "matches U01317.1" in data["reference_check"]


def test_variant_table(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("variant", "HBB:c.20A>T")
    assert code == 0 and "p.Glu7Val" in out and "Glu6Val" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("variant", "HBB", "c.20C>T"), "is A, not C"),
        (("variant", "HBQ", "c.20A>T"), "unknown gene"),
        (("variant", "HBB", "c.20A"), "cannot read HGVS"),
        (("locus", "NOPE"), "unknown gene"),
        (("inherit", "--mode", "weird", "--mother", "carrier", "--father", "carrier"), "mode"),
        (("variant", "HBB", "c.20A>T", "--genome", "/nonexistent.fa"), "no such file"),
        (("variant", "HBB", "c." + "9" * 5000 + "A>T"), "5,000 digits"),
        (("edit", "HBB", "c." + "9" * 5000 + "A>T"), "5,000 digits"),
        (("edit", "", "--strategy", "knockout"), "say what to edit"),
        (("edit", " ", "--strategy", "hdr"), "say what to edit"),
        (("edit", "HBB", "c.20A>T", "-s", "base", "--genbank", "x.gb"), "HDR donors"),
        (
            ("inherit", "--mode", "recesive", "--mother", "carrier", "--father", "carrier"),
            "did you mean 'recessive'",
        ),
        (("cassette", "--transgene", "F9", "--method", "best"), "--method"),
        (("cassette", "--transgene", "F9", "--seed", "-1"), "--seed"),
        (("kb", "products", "--delivery", "invivo"), "did you mean 'in_vivo'"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    run_vivo: RunVivo, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run_vivo(*args)
    assert code == 2
    assert err.startswith("vivo: error:") and message in err and err.count("\n") == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_locus_json(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo("locus", "HBB", "--json")
    data = json.loads(out)
    tx = data["transcripts"][0]
    assert [e["c_start"] for e in tx["exons"]] == ["c.-50", "c.93", "c.316"]
    assert tx["protein_length"] == 147


def test_inherit_json(run_vivo: RunVivo) -> None:
    code, out, _ = run_vivo(
        "inherit",
        "--mode",
        "recessive",
        "--mother",
        "carrier",
        "--father",
        "carrier",
        "--json",
    )
    fractions = {o["genotype"]: o["fraction"] for o in json.loads(out)["offspring"]}
    assert fractions == {"AA": "1/4", "Aa": "1/2", "aa": "1/4"}


def test_user_genome_files(run_vivo: RunVivo, data_dir) -> None:
    fa, gtf = data_dir / "fasta" / "toy.fa", data_dir / "annotation" / "toy.gtf"
    code, out, _ = run_vivo(
        "variant", "TOY", "c.4A>T", "--genome", str(fa), "--annotation", str(gtf), "--json"
    )
    assert code == 0 and json.loads(out)["protein"]["hgvs"] == "p.Lys2Ter"


def test_console_script_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "vivo.cli.main", "variant", "HBB", "c.20C>T"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("vivo: error:") and "Traceback" not in out.stderr


def test_command_map_matches_the_modules() -> None:
    """`vivo CMD` builds only CMD's module: the map must name every command of every module."""
    import importlib

    import typer

    from vivo.cli.main import COMMAND_MODULES, command_modules

    found: dict[str, str] = {}
    for module in command_modules():
        app = typer.Typer()
        importlib.import_module(f"vivo.cli.{module}").register(app)
        names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
        names += [g.name or "" for g in app.registered_groups]
        found.update(dict.fromkeys(names, module))
    assert found == COMMAND_MODULES


def test_one_command_then_help_lists_every_command_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import vivo.cli.main as m

    with pytest.raises(SystemExit):
        m.main(["inherit", "--help"])
    capsys.readouterr()
    with pytest.raises(SystemExit):
        m.main(["--help"])
    out = capsys.readouterr().out
    shown = [c for c in m.COMMAND_MODULES if f" {c} " in out]
    assert set(shown) == set(m.COMMAND_MODULES)
    assert out.index(" guides ") < out.index(" inherit ")  # module order, not registration order
