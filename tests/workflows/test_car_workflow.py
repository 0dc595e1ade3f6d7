"""vivo.workflows.car and `vivo car`: vector assembly, checks, files, comparison, bad input.

Codon optimisation runs once (module fixture, the Kymriah-like goal); the other designs use
``optimize=False`` (back-translation) to keep the test time small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from Bio import SeqIO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.cells.car import get_binder, get_domain
from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.delivery.vectors import get_vector
from vivo.workflows.car import (
    CarRequest,
    CarResult,
    TcrRequest,
    design_car_construct,
    design_tcr_construct,
)

KYMRIAH_LIKE = CarRequest(target="CD19", binder="FMC63", hinge="CD8a", tm="CD8a",
                          costim="4-1BB", vector="lentivirus", promoter="EF1a")  # fmt: skip
YESCARTA_LIKE = CarRequest(target="CD19", binder="FMC63", leader="GM-CSFRa", hinge="CD28",
                           tm="CD28", costim="CD28", vector="gamma-retrovirus",
                           optimize=False)  # fmt: skip
BREYANZI_LIKE = CarRequest(target="CD19", binder="FMC63", leader="GM-CSFRa", hinge="IgG4-short",
                           costim="4-1BB", safety_switch="EGFRt", vector="lentivirus",
                           promoter="EF1a", optimize=False)  # fmt: skip


@pytest.fixture(scope="module")
def kymriah(tmp_path_factory: pytest.TempPathFactory) -> CarResult:
    out = tmp_path_factory.mktemp("car") / "kymriah"
    return design_car_construct(KYMRIAH_LIKE, outdir=out)


def _genbank(result: CarResult) -> SeqIO.SeqRecord:
    return SeqIO.read(result.files["genbank"], "genbank")


def _check_goal(result: CarResult, family: str) -> None:
    rec = _genbank(result)
    assert str(rec.seq) == result.cassette.sequence
    labels = [f.qualifiers.get("label", [""])[0] for f in rec.features]
    for seg in result.construct.segments:
        assert seg.key in labels
    cds = next(f for f in rec.features if f.type == "CDS")
    assert cds.qualifiers["translation"][0] == result.construct.protein
    assert translate(str(cds.extract(rec.seq)))[:-1] == result.construct.protein
    vec = get_vector(result.cassette.vector)
    assert vec.family == family
    assert vec.soft_limit_bp is not None and result.cassette.payload_bp() <= vec.soft_limit_bp
    assert result.report.check("capacity").status == "pass"


def test_kymriah_like_goal(kymriah: CarResult) -> None:
    _check_goal(kymriah, "lentivirus")
    names = [e.part.name for e in kymriah.cassette.elements]
    assert names[:5] == ["HIV1_5LTR", "HIV1_psi", "RRE", "cPPT", "EF1a"]
    assert names[-2:] == ["WPRE", "HIV1_3LTR_SIN"]
    codon = kymriah.codon
    assert codon is not None and codon.after.cai >= 0.9  # best-codon start, constraints enforced
    assert codon.before.restriction_sites and not codon.after.restriction_sites  # BsaI removed
    for name in ("orf", "transcript_polya", "cds_splice_donors", "cryptic_polya", "gc_windows"):
        assert kymriah.report.check(name).status == "pass", name


def test_kymriah_like_files(kymriah: CarResult) -> None:
    files = kymriah.files
    assert set(files) >= {"genbank", "protein_fasta", "dna_fasta", "report_json", "map_svg",
                          "comparison_tsv", "report_txt"}  # fmt: skip
    assert all(p.is_file() for p in files.values())
    data = json.loads(files["report_json"].read_text())
    assert (
        data["schema_version"] == "1" and data["construct"]["protein"] == kymriah.construct.protein
    )
    prot = SeqIO.read(files["protein_fasta"], "fasta")
    assert str(prot.seq) == kymriah.construct.protein
    assert files["map_svg"].read_text().lstrip().startswith(("<?xml", "<svg"))


def test_comparison_table_rows(kymriah: CarResult) -> None:
    rows = {r["product"]: r for r in kymriah.comparison}
    first = kymriah.comparison[0]
    assert first["status"] == "design" and first["costimulation"] == "4-1BB"
    assert rows["Kymriah"]["binder"] == "FMC63 scFv" and rows["Kymriah"]["hinge"] == "CD8a hinge"
    assert rows["Kymriah"]["promoter"] == "EF1a promoter"
    assert rows["Yescarta"]["costimulation"] == "CD28"
    assert rows["Abecma"]["promoter"] == "MND promoter"
    header = kymriah.files["comparison_tsv"].read_text().splitlines()[0].split("\t")
    assert header[:3] == ["product", "target", "binder"]


def test_yescarta_like_goal(tmp_path: Path) -> None:
    res = design_car_construct(YESCARTA_LIKE, outdir=tmp_path / "yescarta")
    _check_goal(res, "gammaretrovirus")
    names = [e.part.name for e in res.cassette.elements]
    assert names[0] == "MoMLV_5LTR" and names[-1] == "MoMLV_3LTR" and "EF1a" not in names
    assert res.report.check("promoter").status == "warn"  # MSCV LTR not bundled: said so
    keys = [s.key for s in res.construct.segments]
    assert keys[-4:] == ["CD28_hinge", "CD28_tm", "CD28_costim", "CD3z"]


def test_breyanzi_like_goal(tmp_path: Path) -> None:
    res = design_car_construct(BREYANZI_LIKE, outdir=tmp_path / "breyanzi")
    _check_goal(res, "lentivirus")
    keys = ["GMCSFRa_leader", "FMC63_VL", "Whitlow_linker", "FMC63_VH", "IgG4-short", "CD28_tm",
            "4-1BB_costim", "CD3z", "T2A", "GMCSFRa_leader", "EGFRt"]  # fmt: skip
    assert [s.key for s in res.construct.segments] == keys
    rec = _genbank(res)
    cds = next(f for f in rec.features if f.type == "CDS")
    protein = translate(str(cds.extract(rec.seq)))[:-1]
    fmc = get_binder("FMC63")
    chains = {"FMC63_VL": fmc.vl, "FMC63_VH": fmc.vh}
    pos = 0  # every bundled segment, in order, in the translated GenBank CDS
    for key in keys:
        seq = (chains.get(key) or get_domain(key)).sequence
        found = protein.find(seq, pos)
        assert found == pos, key  # contiguous: nothing between the segments
        pos = found + len(seq)
    assert pos == len(protein)
    feats = {f.qualifiers["label"][0]: f for f in rec.features if f.type == "misc_feature"}
    hinge = feats["IgG4-short"]
    assert translate(str(hinge.extract(rec.seq))) == "ESKYGPPCPPCP"
    assert any("S228P" in n for n in hinge.qualifiers["note"])
    vec = get_vector("lentivirus")
    assert res.report.check("capacity").status == "pass"
    assert vec.soft_limit_bp is not None and res.cassette.payload_bp() <= vec.soft_limit_bp


def test_p2a_option_end_to_end(cli: Callable[[list[str]], int], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    args = ["car", "design", "--target", "CD19", "--hinge", "IgG4-short", "--safety-switch",
            "EGFRt", "--2a", "P2A", "--no-optimize", "--no-figures", "--json", "--out",
            str(tmp_path / "p2a")]  # fmt: skip
    assert cli(args) == 0
    data = json.loads(capsys.readouterr().out)
    keys = [s["key"] for s in data["construct"]["segments"]]
    assert keys[-3:] == ["P2A", "GMCSFRa_leader", "EGFRt"] and "T2A" not in keys
    assert data["construct"]["options"]["2a"] == "P2A"
    rec = SeqIO.read(data["files"]["genbank"], "genbank")
    p2a = next(f for f in rec.features if f.qualifiers.get("label") == ["P2A"])
    assert translate(str(p2a.extract(rec.seq))) == "ATNFSLLKQAGDVEENPGP"


def test_user_icasp9_record_goes_through_to_the_genbank(tmp_path: Path) -> None:
    # iCasp9 is not bundled; a user record is used as given. Test record only (not the clinical
    # iCasp9): Met + FKBP12 2-108 with F36V (UniProt P62942 numbering: F37V), as translated from
    # the dTAG FKBP12-F36V DNA (CEGRcode/GenoPipe Tag_DB/FKBP12-V.fa).
    fkbp_v = ("MGVQVETISPGDGRTFPKRGQTCVVHYTGMLEDGKKVDSSRDRNKPFKFMLGKQEVIRGWEEGVAQMSVGQRAKLTISPDYA"
              "YGATGHPGIIPPHATLVFDVELLKLE")  # fmt: skip
    doms = tmp_path / "icasp9.fa"
    doms.write_text(f">iCasp9\n{fkbp_v}\n")
    res = design_car_construct(CarRequest(target="CD19", safety_switch="iCasp9", skip="P2A",
                                          domains_file=str(doms), optimize=False),
                               outdir=tmp_path / "ic9")  # fmt: skip
    assert [s.key for s in res.construct.segments][:3] == ["iCasp9", "P2A", "CD8a_leader"]
    assert res.construct.protein.startswith(fkbp_v + "ATNFSLLKQAGDVEENPGP" + "MALPVTALLLPLALL")
    _check_goal(res, "lentivirus")


def test_excluded_sites_are_kept_out_of_the_cds() -> None:
    req = CarRequest(target="CD19", avoid_sites=("EcoRI", "BamHI"), optimize=True, seed=1)
    res = design_car_construct(req, figures=False)
    cds = res.cassette.element_sequence(res.cassette.cds)  # type: ignore[arg-type]
    assert "GAATTC" not in cds and "GGATCC" not in cds
    assert res.report.check("excluded_sites").status in {"pass", "warn"}
    with pytest.raises(InputError):
        design_car_construct(CarRequest(target="CD19", avoid_sites=("NotAnEnzyme",),
                                        optimize=False))  # fmt: skip


def test_oversized_construct_is_refused_and_nothing_written(tmp_path: Path) -> None:
    fmc = get_binder("FMC63")
    big = tmp_path / "big.fa"
    big.write_text(">VHH\n" + (fmc.vh.sequence * 25) + "\n")  # type: ignore[union-attr]
    out = tmp_path / "out"
    req = CarRequest(target="CD19", binder_file=str(big), format="vhh", optimize=False)
    with pytest.raises(InputError, match="does not fit"):
        design_car_construct(req, outdir=out)
    assert not out.exists()


def test_user_files_binder_domains_promoter(tmp_path: Path) -> None:
    fmc = get_binder("FMC63")
    binder = tmp_path / "fmc.fa"
    binder.write_text(f">my_VH\n{fmc.vh.sequence}\n>my_VL\n{fmc.vl.sequence}\n")  # type: ignore[union-attr]
    same = design_car_construct(CarRequest(target="CD19", binder_file=str(binder),
                                           optimize=False))  # fmt: skip
    ref = design_car_construct(CarRequest(target="CD19", optimize=False))
    assert same.construct.protein == ref.construct.protein
    doms = tmp_path / "d.fa"
    spacer = "ESKYGPPCPPCP" + "GGGGS" * 4  # a user's own (test) spacer for the unbundled key
    doms.write_text(f">IgG4-long\n{spacer}\n>IgG4-short\nESKYGPPCPSCP\n")
    res = design_car_construct(CarRequest(target="CD19", hinge="IgG4-long", domains_file=str(doms),
                                          optimize=False))  # fmt: skip
    assert res.construct.segment("IgG4-long").domain.sequence == spacer
    assert res.construct.segment("CD28_tm").domain == get_domain("CD28_tm")  # IgG4 → CD28 TM
    res = design_car_construct(CarRequest(target="CD19", hinge="IgG4-short", domains_file=str(doms),
                                          optimize=False))  # fmt: skip
    assert res.construct.segment("IgG4-short").domain.sequence == "ESKYGPPCPSCP"  # user first
    prom = tmp_path / "mnd.fa"
    prom.write_text(">MND\n" + "GGAATGAAAGACCCCACCTGTAGGTTTGGCAAGCTAGG" * 10 + "\n")
    res = design_car_construct(CarRequest(target="CD19", promoter="MND", promoter_file=str(prom),
                                          optimize=False))  # fmt: skip
    assert [e.part.name for e in res.cassette.elements][4] == "MND"
    bad = tmp_path / "bad.fa"
    bad.write_text(">heavy\nEVQLV\n")
    with pytest.raises(InputError, match="not named VH, VL or VHH"):
        design_car_construct(CarRequest(target="CD19", binder_file=str(bad), optimize=False))


@pytest.mark.parametrize(
    ("req", "match"),
    [
        (CarRequest(target="CD19", promoter="MND", optimize=False), "MND promoter sequence is not"),
        (CarRequest(target="CD19", promoter="MSCV", optimize=False), "MSCV promoter"),
        (CarRequest(target="CD19", vector="AAV", optimize=False), "retroviral vectors"),
        (CarRequest(target="CD19", hinge="IgG4-long", optimize=False), "not bundled"),
    ],
)
def test_bad_requests(req: CarRequest, match: str) -> None:
    with pytest.raises(InputError, match=match):
        design_car_construct(req)


def test_tcr_construct(cli: Callable[[list[str]], int], tmp_path: Path) -> None:
    a, b = tmp_path / "a.fa", tmp_path / "b.fa"
    a.write_text(">TRA\nM" + "AKQEVTQIPAALSVPEGENLVLNC" * 10 + "\n")
    b.write_text(">TRB\nM" + "GVTQTPKFQVLKTGQSMTLQCAQ" * 10 + "\n")
    assert cli(["car", "tcr", "--alpha", str(a), "--beta", str(b), "--no-optimize", "--out",
                str(tmp_path / "cli_tcr")]) == 0  # fmt: skip
    res = design_tcr_construct(TcrRequest(alpha=str(a), beta=str(b), optimize=False),
                               outdir=tmp_path / "tcr")  # fmt: skip
    assert [s.key for s in res.construct.segments] == ["TCR_beta", "T2A", "TCR_alpha"]
    assert res.comparison == () and _genbank(res).features
    assert cli(["car", "tcr", "--alpha", str(a), "--beta", str(b), "--2a", "P2A", "--no-optimize",
                "--out", str(tmp_path / "cli_tcr_p2a")]) == 0  # fmt: skip
    res = design_tcr_construct(TcrRequest(alpha=str(a), beta=str(b), skip="P2A", optimize=False))
    assert [s.key for s in res.construct.segments] == ["TCR_beta", "P2A", "TCR_alpha"]


def test_cli_design_and_errors(cli: Callable[[list[str]], int], tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    out = tmp_path / "cli"
    args = ["car", "design", "--target", "CD19", "--no-optimize", "--no-figures", "--out", str(out)]
    assert cli([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["construct"]["options"]["costim"] == "4-1BB"
    assert cli(args) == 2  # exists, no --force
    assert "--force" in capsys.readouterr().err
    assert cli([*args, "--force", "--costim", "CD28"]) == 0
    capsys.readouterr()
    for bad in (["--target", "CD20"], ["--target", "CD19", "--binder", "foo"],
                ["--target", "CD19", "--safety-switch", "iCasp9"],
                ["--target", "CD19", "--hinge", "CD4"]):  # fmt: skip
        new = tmp_path / "never"
        assert cli(["car", "design", *bad, "--no-optimize", "--out", str(new)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("vivo: error:") and "\n" not in err and not new.exists()


def test_targets_hgnc_aliases_and_unknowns(tmp_path: Path) -> None:
    res = design_car_construct(CarRequest(target="TNFRSF17", optimize=False))  # BCMA's symbol
    assert res.construct.binder is not None and res.construct.binder.name == "ide-cel"
    with pytest.raises(InputError, match="unknown target 'CD19X'") as exc:
        design_car_construct(CarRequest(target="CD19X", optimize=False))
    assert "did you mean" in (exc.value.hint or "")
    with pytest.raises(InputError, match="no bundled binder for target 'MS4A1'"):
        design_car_construct(CarRequest(target="MS4A1", optimize=False))
    with pytest.raises(InputError, match="binds CD22, not CD19"):
        design_car_construct(CarRequest(target="CD19", binder="m971", optimize=False))
    dna = tmp_path / "dna.fa"
    dna.write_text(">VH\n" + "ACGT" * 40 + "\n>VL\n" + "ACGT" * 40 + "\n")
    with pytest.raises(InputError, match="looks like DNA"):
        design_car_construct(CarRequest(target="GD2", binder_file=str(dna), optimize=False))


_TOKENS = st.sampled_from(["CD19", "BCMA", "CD22", "FMC63", "ide-cel", "m971", "", " ", "CD19X",
                           "ünï", "x" * 300, "--force", "GD2", "cd19", "NaN"])  # fmt: skip


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=_TOKENS, binder=st.one_of(st.none(), _TOKENS), costim=st.sampled_from(
    ["4-1BB", "CD28", "none", "CD27"]))  # fmt: skip
def test_cli_any_target_binder_is_success_or_one_line_error(
    cli: Callable[[list[str]], int], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    target: str, binder: str | None, costim: str,
) -> None:  # fmt: skip
    import uuid

    out = tmp_path / uuid.uuid4().hex
    args = ["car", "design", "--target", target, "--costim", costim, "--no-optimize",
            "--no-figures", "--out", str(out)] + (["--binder", binder] if binder is not None
                                                   else [])  # fmt: skip
    code = cli(args)
    err = capsys.readouterr().err
    if code == 0:
        assert out.is_dir() and err == ""
    else:
        assert code == 2 and err.startswith("vivo: error:") and err.count("\n") == 1
        assert not out.exists()


def test_polya_signal_in_a_user_promoter_is_reported(tmp_path: Path) -> None:
    prom = tmp_path / "p.fa"
    prom.write_text(">leaky\n" + "GCCGCGGAGCTCAGTC" * 8 + "AATAAA" + "GCCGCGGAGCTCAGTC" * 8 + "\n")
    res = design_car_construct(CarRequest(target="CD19", promoter_file=str(prom), optimize=False))
    chk = res.report.check("transcript_polya")
    assert chk.status == "warn" and chk.details["hits"][0]["element"] == "leaky"  # type: ignore[index]


def test_cli_domains_lists_library_and_gaps(
    cli: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["car", "domains", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {d["key"] for d in data["domains"]}
    assert {"CD3z", "CD28_costim", "4-1BB_costim", "EGFRt"} <= keys
    assert {"IgG4-short", "P2A", "T2A"} <= keys
    assert set(data["not_bundled"]) == {"IgG4-long", "iCasp9"}
    assert {b["name"] for b in data["binders"]} >= {"FMC63"}
    assert cli(["car", "domains"]) == 0 and "not bundled" in capsys.readouterr().out
