"""The shared validation layer (vivo.cli.validate) on a small Typer app, and main()'s one line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
import typer

from vivo.cli import validate as v
from vivo.cli.main import main

app = typer.Typer()


@app.command()
def probe(
    window: Annotated[int, v.int_option("--window", min=1, max=1000)] = 50,
    dose: Annotated[float | None, v.float_option("--dose", min=0, max=1e16, min_open=True)] = None,
    seed: v.Seed = 0,
    fmt: v.FormatOpt = v.TableFormat.table,
    out: Annotated[str | None, v.output_file_option("--out", suffixes=(".tsv",))] = None,
    folder: Annotated[str | None, v.output_dir_option("--folder")] = None,
    src: Annotated[str | None, v.input_file_option("--src")] = None,
    editor: Annotated[
        list[str] | None, v.choice_option("--editor", choices=lambda: ["ABE8e", "BE4max"])
    ] = None,
    force: v.Force = False,
) -> None:
    typer.echo(f"ok {window} {dose} {seed} {fmt.value} {out} {folder} {src} {editor}")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from vivo.cli.validate import ClickException

    try:
        app(list(args), standalone_mode=False)
    except ClickException as exc:
        _, err = capsys.readouterr()
        return 2, "", v.error_line(exc)
    except Exception as exc:  # VivoError from a callback
        capsys.readouterr()
        return 2, "", f"vivo: error: {exc}"
    out, _ = capsys.readouterr()
    return 0, out, ""


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--window", "0"], "--window"),
        (["--window", "nan"], "--window"),
        (["--window", "9" * 5000], "--window"),
        (["--window", "1.5"], "--window"),
        (["--dose", "nan"], "not a finite number"),
        (["--dose", "inf"], "not a finite number"),
        (["--dose", "-1"], "not a finite number"),
        (["--dose", "0"], "> 0"),
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**40)], "--seed"),
        (["--format", "xml"], "--format"),
        (["--format", "tvs"], "did you mean 'tsv'"),
        (["--editor", "ABE8"], "did you mean 'ABE8e'"),
    ],
)
def test_numbers_and_choices_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith("vivo: error:") and needle in err
    assert "\n" not in err.strip() and len(err) < 500


def test_good_values_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in.fa"
    src.write_text(">a\nACGT\n")
    out_tsv = str(tmp_path / "o.tsv")
    code, out, _ = run(capsys, "--window", "7", "--dose", "2e13", "--format", "TSV",
                       "--editor", "abe8e", "--src", str(src), "--out", out_tsv)  # fmt: skip
    assert code == 0 and out.startswith("ok 7 20000000000000.0 0 tsv") and "['ABE8e']" in out


def test_output_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    afile = tmp_path / "afile.txt"
    afile.write_text("x")
    cases = {
        str(afile / "sub.tsv"): "is a file, not a folder",
        str(tmp_path): "is a folder",
        "/proc/x.tsv": "system folder",
        str(tmp_path / "x.csv"): "must end in .tsv",
        str(tmp_path / ("n" * 300) / "a.tsv"): "longer than 255",
    }
    for path, needle in cases.items():
        code, _, err = run(capsys, "--out", path)
        assert code == 2 and needle in err, (path, err)
    existing = tmp_path / "old.tsv"
    existing.write_text("keep")
    code, _, err = run(capsys, "--out", str(existing))
    assert code == 2 and "--force" in err
    code, _, _ = run(capsys, "--out", str(existing), "--force")  # --force after --out: eager
    assert code == 0


def test_output_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("user data")
    assert run(capsys, "--folder", str(tmp_path / "empty-or-new"))[0] == 0
    code, _, err = run(capsys, "--folder", str(tmp_path / "full"))
    assert code == 2 and "--force" in err
    code, _, err = run(capsys, "--folder", str(tmp_path / "full"), "--force")
    assert code == 2 and "not a vivo result" in err  # --force never deletes a user's folder


def test_input_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for path, needle in {str(tmp_path / "none.fa"): "no such file",
                         str(tmp_path): "is a folder", "": "empty file name"}.items():  # fmt: skip
        code, _, err = run(capsys, "--src", path)
        assert code == 2 and needle in err, err


def test_check_choice_keeps_catalog_spelling() -> None:
    assert v.check_choice("--nuclease", "spcas9", ["SpCas9", "SaCas9"]) == "SpCas9"
    with pytest.raises(v.InputError, match="did you mean 'SaCas9'"):
        v.check_choice("--nuclease", "SaCas", ["SpCas9", "SaCas9"])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["guides", "--bogus"], "no such option: --bogus"),
        (["variant"], "give a variant"),
        (["inherit"], "missing option '--mode'"),
        (["nope"], "no such command 'nope'"),
    ],
)
def test_main_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    assert info.value.code == 2 and not out
    assert err.startswith("vivo: error:") and needle in err and err.count("\n") == 1
    assert "Usage:" not in err and "Traceback" not in err


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 0 and "Usage" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("exc", "needle", "code"),
    [
        (EOFError("Compressed file ended before the end-of-stream marker"), "truncated", 2),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), "not utf-8 text (byte 0xff", 2),
        (PermissionError(13, "Permission denied", "/ro/x.fa.fai"), "permission denied", 2),
        (OSError(30, "Read-only file system", "/ro/x"), "read-only file system", 2),
        (KeyboardInterrupt(), "interrupted", 130),
    ],
)
def test_main_turns_environment_failures_into_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    exc: BaseException, needle: str, code: int,
) -> None:  # fmt: skip
    def boom(*_a: object, **_k: object) -> None:
        raise exc

    monkeypatch.setattr("vivo.workflows.variants.run_variant", boom)
    with pytest.raises(SystemExit) as info:
        main(["variant", "HBB", "c.20A>T"])
    _, err = capsys.readouterr()
    assert info.value.code == code
    assert err.startswith("vivo: error:") and needle in err and err.count("\n") == 1


def test_a_bug_still_shows_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*_a: object, **_k: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("vivo.workflows.variants.run_variant", bug)
    with pytest.raises(ZeroDivisionError):
        main(["variant", "HBB", "c.20A>T"])


def test_long_pasted_tokens_are_shortened(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["variant", "HBB", "c." + "9" * 4000 + "A>T"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith("vivo: error:") and len(err) < 600
