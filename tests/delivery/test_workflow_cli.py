"""End to end: the two 'done when' constructs, design TOML, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from Bio import SeqIO

from vivo.core.seq import translate
from vivo.workflows.cassette import CassetteRequest, design_construct, load_design

pytest.importorskip("dnachisel", reason="needs the design extra")


def _check_genbank(path: Path, n_elements: int, protein: str) -> None:
    rec = SeqIO.read(path, "genbank")
    assert len(rec.features) == n_elements
    cds = next(f for f in rec.features if f.type == "CDS")
    assert translate(str(cds.extract(rec.seq)))[:-1] == protein
    assert cds.qualifiers["translation"][0] == protein


def test_f9_padua_aav_liver_end_to_end(tmp_path: Path) -> None:
    req = CassetteRequest(transgene="F9", variant="R338L", vector="AAV", tissue="liver", seed=3)
    res = design_construct(req, outdir=tmp_path, figures=True)
    assert res.codon is not None and res.codon.after.cpg_count == 0 < res.codon.before.cpg_count
    assert res.report.check("capacity").status == "pass"
    assert res.report.check("orf").status == "pass"
    assert res.report.status == "warn"  # LP1 is a placeholder; BsaI outside the CDS
    protein = res.cassette.transgene.protein  # type: ignore[union-attr]
    _check_genbank(res.files["genbank"], len(res.cassette.elements), protein)
    assert res.files["map_linear_svg"].read_text().lstrip().startswith("<?xml")
    assert res.files["map_circular_png"].read_bytes()[:4] == b"\x89PNG"
    data = json.loads(res.files["report_json"].read_text())
    assert data["schema_version"] == "1" and data["codon_optimization"]["seed"] == 3


def test_hbb_t87q_lentivirus_end_to_end(tmp_path: Path) -> None:
    req = CassetteRequest(transgene="HBB", variant="T87Q", vector="LV", tissue="erythroid")
    res = design_construct(req, outdir=tmp_path, figures=False)
    assert res.codon is None  # native CDS kept by default
    assert res.report.check("capacity").status == "pass"
    _check_genbank(res.files["genbank"], len(res.cassette.elements),
                   res.cassette.transgene.protein)  # type: ignore[union-attr]  # fmt: skip
    fasta = res.files["fasta"].read_text().splitlines()
    assert "".join(fasta[1:]) == res.cassette.sequence


def test_design_toml_with_user_part(tmp_path: Path) -> None:
    (tmp_path / "lp.fa").write_text(">myLP\n" + "ACGTTGCA" * 40 + "\n")
    design = tmp_path / "design.toml"
    design.write_text(
        '[construct]\ntransgene = "F9"\nvariant = "R338L"\nvector = "AAV"\ntissue = "liver"\n'
        'layout = ["AAV2_ITR_5", "myLP", "Kozak", "CDS", "SPA", "AAV2_ITR_3"]\n'
        "[codon]\noptimize = true\ndeplete_cpg = false\nseed = 2\n"
        '[[parts]]\nname = "myLP"\nkind = "promoter"\nfile = "lp.fa"\ntissues = ["liver"]\n'
    )
    res = design_construct(load_design(design))
    names = [e.part.name for e in res.cassette.elements]
    assert names[1] == "myLP" and not res.cassette.placeholders
    assert res.report.check("placeholders").status == "pass"


def test_bad_design_key(tmp_path: Path) -> None:
    design = tmp_path / "d.toml"
    design.write_text('[construct]\ntransgen = "F9"\n')
    from vivo.core.errors import FormatError

    with pytest.raises(FormatError, match="unknown design keys"):
        load_design(design)


def test_cli_json_and_error(capsys: pytest.CaptureFixture[str]) -> None:
    from vivo.cli.main import main

    with pytest.raises(SystemExit) as ok:
        main(["cassette", "--transgene", "HBB", "--variant", "T87Q", "--vector", "LV",
              "--tissue", "erythroid", "--json"])  # fmt: skip
    assert ok.value.code in (0, None)
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == "1" and data["status"] in {"pass", "warn"}
    with pytest.raises(SystemExit) as exc:
        main(["cassette", "--transgene", "DMD", "--vector", "AAV", "--tissue", "kidney"])
    assert exc.value.code == 2
    assert "known tissues" in capsys.readouterr().err


def test_cli_oversized_construct_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from vivo.cli.main import main

    out_dir = tmp_path / "dmd"
    with pytest.raises(SystemExit) as info:
        main(["cassette", "--transgene", "DMD", "--vector", "AAV", "--tissue", "muscle",
              "--out", str(out_dir)])  # fmt: skip
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert (
        err.startswith("vivo: error: the construct does not fit its vector")
        and err.count("\n") == 1
    )
    assert "7,173 bp over the ssAAV hard limit of 5,000 bp" in err and "dual AAV" in err
    assert list(tmp_path.iterdir()) == []  # checked before anything was written


def test_cli_out_folder_is_a_transaction(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from vivo.cli.main import main

    args = ["cassette", "--transgene", "F9", "--vector", "AAV", "--tissue", "liver",
            "--no-optimize", "--no-figures", "--out", str(tmp_path / "f9")]  # fmt: skip
    with pytest.raises(SystemExit) as first:
        main(args)
    assert first.value.code == 0
    written = sorted(p.name for p in (tmp_path / "f9").iterdir())
    assert ".vivo-output" in written and any(n.endswith(".gb") for n in written)
    capsys.readouterr()
    with pytest.raises(SystemExit) as again:  # an existing result is never silently replaced
        main(args)
    assert again.value.code == 2 and "--force" in capsys.readouterr().err
    with pytest.raises(SystemExit) as forced:
        main([*args, "--force"])
    assert forced.value.code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f9"]  # no staging folder left


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("binary_design.toml", "not UTF-8 text"),
        ("wrong_types_design.toml", "transgene = 5: must be text"),
        ("broken_design.toml", "invalid TOML"),
        ("unknown_keys_design.toml", "unknown design keys"),
    ],
)
def test_broken_design_files_are_format_errors(data_dir: Path, name: str, needle: str) -> None:
    from vivo.core.errors import FormatError

    with pytest.raises(FormatError, match=needle) as info:
        load_design(data_dir / "broken" / name)
    assert name in str(info.value)


@pytest.mark.parametrize(
    "text",
    ['construct = 5\n', '[codon]\nseed = -1\n', '[construct]\nlayout = ["CDS", 3]\n',
     '[[parts]]\nname = 1\n', '[[parts]]\nname = "p"\nkind = "promoter"\ncolour = "red"\n',
     '[codon]\noptimize = "yes"\n'],
)  # fmt: skip
def test_wrong_types_in_a_design(tmp_path: Path, text: str) -> None:
    from vivo.core.errors import FormatError

    design = tmp_path / "d.toml"
    design.write_text(text)
    with pytest.raises(FormatError, match="d.toml"):
        load_design(design)
