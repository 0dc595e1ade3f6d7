"""A patient's VCF to the planner: normalisation, zygosity, the plan, and bad input (CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vivo.core.errors import FormatError, InputError
from vivo.workflows.plan import PlanRequest, run_plan
from vivo.workflows.variants import read_patient_vcf, run_variant_vcf


@pytest.fixture(scope="module")
def vcf(data_dir: Path) -> Path:
    return data_dir / "vcf"


@pytest.mark.parametrize(
    ("name", "hgvs", "zygosity", "phase"),
    [
        ("hbs_het.vcf", ("HBB:c.20A>T",), "heterozygous", "not_applicable"),
        ("hbs_hom.vcf.gz", ("HBB:c.20A>T",), "homozygous", "not_applicable"),
        ("hbs_b0_trans.vcf.gz", ("HBB:c.20A>T", "HBB:c.118C>T"), "compound_heterozygous",
         "trans"),
        ("hbs_b0_trans_plain.vcf", ("HBB:c.20A>T", "HBB:c.118C>T"), "compound_heterozygous",
         "trans"),
        ("hbs_b0_unphased.vcf", ("HBB:c.20A>T", "HBB:c.92+1G>A"), "compound_heterozygous",
         "unknown"),
        ("hbsc_multiallelic.vcf", ("HBB:c.19G>A", "HBB:c.20A>T"), "compound_heterozygous",
         "trans"),
        ("hbs_cd4142_unnormalised.vcf", ("HBB:c.20A>T", "HBB:c.126_129del"),
         "compound_heterozygous", "unknown"),
        ("hbs_het_grch37.vcf", ("HBB:c.20A>T",), "heterozygous", "not_applicable"),
    ],
)  # fmt: skip
def test_fixture_genotypes(
    vcf: Path, hbb_locus, name: str, hgvs: tuple[str, ...], zygosity: str, phase: str
) -> None:
    pv = read_patient_vcf(str(vcf / name), gene="HBB", genome=hbb_locus)
    assert (pv.hgvs, pv.genotype.zygosity, pv.genotype.phase) == (hgvs, zygosity, phase)
    assert pv.assembly == ("GRCh37" if "grch37" in name else "GRCh38")


def test_the_unnormalised_deletion_is_left_aligned_on_the_record(vcf: Path, hbb_locus) -> None:
    pv = read_patient_vcf(str(vcf / "hbs_cd4142_unnormalised.vcf"), gene="HBB", genome=hbb_locus)
    deletion = next(v for v in pv.genotype.variants if not v.change.alt)
    assert deletion.change.to_vcf_like() == "U01317.1:62440:TTCT>-"  # leftmost of CTTT/TTCT
    assert deletion.source.startswith("chr11:5226764 AAGAAC>AC")


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    [
        ("two_samples.vcf", {}, InputError, r"2 samples \(MOTHER, CHILD\)"),
        ("two_samples.vcf", {"sample": "X"}, InputError, "no sample 'X'"),
        ("broken_sites_only.vcf", {}, InputError, "no sample columns"),
        ("broken_ref_mismatch.vcf", {}, InputError, "REF G does not match GRCh38 chr11"),
        ("broken_contig_length.vcf", {}, InputError, "contigs do not match"),
        ("broken_no_chr11.vcf", {}, InputError, "contigs do not match"),
        ("broken_malformed_pos.vcf", {}, FormatError, "broken_malformed_pos.vcf:7"),
        ("reference_only.vcf", {}, InputError, "carries no variant allele in HBB"),
        ("hbs_b0_cis.vcf", {}, InputError, "in cis"),
        ("hbs_het.vcf", {"assembly": "GRCh37"}, InputError, "not called on GRCh37"),
        ("hbs_het.vcf", {"gene": "HBG1"}, InputError, "only HBB of the bundled locus"),
    ],
)
def test_bad_input(vcf: Path, hbb_locus, name: str, kwargs: dict[str, str], error: type,
                   message: str) -> None:  # fmt: skip
    gene = kwargs.pop("gene", "HBB")
    with pytest.raises(error, match=message):
        read_patient_vcf(str(vcf / name), gene=gene, genome=hbb_locus, **kwargs)


def test_interpretations(vcf: Path) -> None:
    pv, rs = run_variant_vcf(str(vcf / "hbs_b0_unphased.vcf"), gene="HBB")
    assert [r.consequence.label for r in rs] == ["missense", "splice donor"]
    assert pv.to_dict()["notes"] and "assumed" in pv.to_dict()["notes"][0]


@pytest.fixture(scope="module")
def plans(vcf: Path) -> dict[str, object]:
    out = {}
    for name in ("hbs_het.vcf", "hbs_hom.vcf.gz", "hbs_b0_trans.vcf.gz"):
        req = PlanRequest(gene="HBB", vcf=str(vcf / name), trials="off", max_design_options=1)
        out[name] = run_plan(req)
    return out


def test_hbs_beta0_compound_heterozygote_gets_a_sickle_cell_plan(plans) -> None:
    r = plans["hbs_b0_trans.vcf.gz"]
    g = r.plan.genotype
    assert (g.name, g.status, g.zygosity, g.zygosity_assumed) == (
        "HbS/beta0-thalassemia", "affected", "compound_heterozygous", False)  # fmt: skip
    assert r.plan.disease.name == "sickle cell disease" and r.plan.indication == "therapy"
    assert r.provenance["vcf"]["phase"] == "trans" and r.provenance["vcf"]["assembly"] == "GRCh38"


def test_homozygous_hbs_is_sickle_cell_anemia(plans) -> None:
    g = plans["hbs_hom.vcf.gz"].plan.genotype
    assert (g.name, g.status, g.zygosity) == ("HbSS", "affected", "homozygous")


def test_heterozygous_hbs_is_a_carrier_report(plans) -> None:
    p = plans["hbs_het.vcf"].plan
    assert p.indication == "carrier" and p.genotype.status == "carrier"
    assert p.genotype.name == "sickle cell trait (HbAS)"


def test_plan_request_checks() -> None:
    with pytest.raises(InputError, match="not both"):
        PlanRequest(gene="HBB", variant="c.20A>T", vcf="x.vcf")
    with pytest.raises(InputError, match="--zygosity comes from the VCF"):
        PlanRequest(gene="HBB", vcf="x.vcf", zygosity="homozygous")
    with pytest.raises(InputError, match="needs the gene"):
        PlanRequest(gene="", vcf="x.vcf")
    with pytest.raises(InputError, match="go with --vcf"):
        PlanRequest(gene="HBB", variant="c.20A>T", sample="P")


def test_cli_plan_from_a_vcf(cli, vcf: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "d"
    args = ["plan", "--vcf", str(vcf / "hbs_het.vcf"), "--gene", "HBB", "--out", str(out)]
    assert cli([*args, "--quiet"]) == 0
    data = json.loads((out / "plan.json").read_text())
    assert data["plan"]["indication"] == "carrier" and data["provenance"]["vcf"]["sample"]
    html = (out / "report.html").read_text()  # the report names the VCF it read
    assert "<th>VCF</th>" in html and "chr11:5227002 T&gt;A" in html and "HBB:c.20A&gt;T" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["variant", "--vcf", "two_samples.vcf", "--gene", "HBB"], "choose one with --sample"),
        (["variant", "--vcf", "broken_malformed_pos.vcf", "--gene", "HBB"], ":7: malformed"),
        (["variant", "--vcf", "hbs_het.vcf"], "needs the gene"),
        (["variant", "--gene", "HBB"], "go with --vcf"),
        (["plan", "HBB", "c.20A>T", "--vcf", "hbs_het.vcf"], "not both"),
        (["variant", "NM_000519.4:c.20A>T"], "not in the annotation"),
    ],
)
def test_cli_bad_input_is_one_line(cli, vcf: Path, capsys, args: list[str], message: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(vcf)
    assert cli(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vivo: error:") and "\n" not in err and message in err


def test_cli_variant_vcf_json(cli, vcf: Path, capsys) -> None:
    assert cli(["variant", "--vcf", str(vcf / "hbsc_multiallelic.vcf"), "--gene", "HBB",
                "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert [i["protein"]["legacy"] for i in data["interpretations"]] == ["Glu6Lys", "Glu6Val"]


def test_cli_accession_version_warning(cli, capsys) -> None:
    assert cli(["variant", "NM_000518.4:c.20A>T"]) == 0
    err = capsys.readouterr().err
    assert "vivo: warning:" in err and "NM_000518.5" in err


def _user_genome(hbb_locus, contig: str = "chr11"):
    """A user's genome: the bundled sequence under the contig name ``contig`` (73,308 bp)."""
    from dataclasses import replace

    from vivo.genome.annotation import AnnotatedGenome, Annotation, Gene
    from vivo.genome.base import InMemoryGenome

    seq = hbb_locus.genome.fetch_region("U01317.1", 0, 73308)
    tx = replace(hbb_locus.gene("HBB").canonical, contig=contig)
    gene = Gene("HBB", replace(hbb_locus.gene("HBB").locus, contig=contig), (tx,))
    return AnnotatedGenome(InMemoryGenome({contig: seq}, name="user"), Annotation([gene]))


@pytest.mark.parametrize("bgzip", [False, True])
def test_vcf_on_a_users_genome(hbb_locus, tmp_path: Path, bgzip: bool) -> None:
    from vivo.io.vcf import VcfRecord, write_vcf

    recs = [
        VcfRecord("chr11", 62206, "A", ("T",), genotype=(0, 1), phased=True),  # HbS
        VcfRecord("chr11", 62434, "C", ("T",), genotype=(1, 0), phased=True),  # c.118C>T
    ]
    path = tmp_path / ("u.vcf.gz" if bgzip else "u.vcf")
    write_vcf(path, recs, samples=("P",), contigs=(("chr11", 73308),), bgzip=bgzip)
    pv = read_patient_vcf(str(path), gene="HBB", genome=_user_genome(hbb_locus))
    assert pv.hgvs == ("HBB:c.20A>T", "HBB:c.118C>T") and pv.genotype.phase == "trans"
    assert pv.assembly is None and pv.placement is None


@pytest.mark.parametrize(
    ("contigs", "record", "message"),
    [
        ((("chr11", 99999),), ("chr11", 62206, "A"), "99,999 bp in the VCF and 73,308 bp"),
        ((("chr2", 73308),), ("chr2", 62206, "A"), "none of its contigs"),
        ((("chr11", 73308),), ("chr11", 62206, "G"), "REF G does not match genome user"),
    ],
)
def test_vcf_not_matching_a_users_genome(
    hbb_locus, tmp_path: Path, contigs, record, message: str
) -> None:
    from vivo.io.vcf import VcfRecord, write_vcf

    contig, pos, ref = record
    path = tmp_path / "u.vcf"
    rec = VcfRecord(contig, pos, ref, ("T",), genotype=(0, 1))
    write_vcf(path, [rec], samples=("P",), contigs=contigs)
    with pytest.raises(InputError, match=message):
        read_patient_vcf(str(path), gene="HBB", genome=_user_genome(hbb_locus))


def test_a_variant_of_hbb_outside_the_placed_span_is_an_error(hbb_locus, tmp_path: Path) -> None:
    """HBB's 3'UTR runs to c.*132; c.*111 onwards is not placed (GRCh38 < 5,225,488)."""
    from vivo.core.seq import reverse_complement
    from vivo.io.vcf import VcfRecord, write_vcf

    path = tmp_path / "p.vcf"
    base = hbb_locus.genome.fetch_region("U01317.1", 63729, 63730).upper()  # c.*120
    rec = VcfRecord("chr11", 5289208 - 63730, reverse_complement(base), ("N",), genotype=(0, 1))
    write_vcf(path, [rec], samples=("P",), contigs=(("chr11", 135086622),))
    with pytest.raises(InputError, match="outside the bundled HBB locus"):
        read_patient_vcf(str(path), gene="HBB", genome=hbb_locus)


@pytest.mark.parametrize(
    ("ps_type", "ps_a", "ps_b", "phase"),
    [
        ("Integer", "100", "100", "trans"),
        ("Integer", "100", "200", "unknown"),  # two phase sets: nothing known between them
        ("String", "100", "100", "trans"),  # declared String, still the same set
        ("String", "100", "200", "unknown"),  # was read as one set (None == None): "trans"
        ("String", "blockA", "blockB", "unknown"),  # not a number: the calls count unphased
    ],
)
def test_phase_sets_decide_phase_whatever_the_declared_type(
    tmp_path: Path, hbb_locus, ps_type: str, ps_a: str, ps_b: str, phase: str
) -> None:  # fmt: skip
    text = (
        "##fileformat=VCFv4.2\n##reference=GRCh38\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
        f'##FORMAT=<ID=PS,Number=1,Type={ps_type},Description="p">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP\n"
        f"chr11\t5227002\t.\tT\tA\t.\tPASS\t.\tGT:PS\t0|1:{ps_a}\n"
        f"chr11\t5226996\t.\tT\tC\t.\tPASS\t.\tGT:PS\t1|0:{ps_b}\n"
    )
    path = tmp_path / "ps.vcf"
    path.write_text(text)
    pv = read_patient_vcf(str(path), gene="HBB", genome=hbb_locus)
    assert pv.genotype.zygosity == "compound_heterozygous"
    assert pv.genotype.phase == phase


_HEAD = (
    "##fileformat=VCFv4.2\n##reference=GRCh38\n"
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP\n"
)


def test_only_a_symbolic_allele_says_it_was_skipped(tmp_path: Path, hbb_locus) -> None:
    path = tmp_path / "sv.vcf"
    path.write_text(_HEAD + "chr11\t5226900\t.\tC\t<DEL>\t.\tPASS\t.\tGT\t0/1\n")
    with pytest.raises(InputError, match="no variant allele vivo can interpret") as info:
        read_patient_vcf(str(path), gene="HBB", genome=hbb_locus)
    assert "symbolic allele <DEL>" in str(info.value)


def test_a_variant_in_two_records_is_read_once_with_a_note(tmp_path: Path, hbb_locus) -> None:
    path = tmp_path / "dup.vcf"
    rec = "chr11\t5227002\t.\tT\tA\t.\tPASS\t.\tGT\t0/1\n"
    path.write_text(_HEAD + rec + rec)
    pv = read_patient_vcf(str(path), gene="HBB", genome=hbb_locus)
    assert pv.genotype.zygosity == "heterozygous"
    assert any("read once" in n for n in pv.genotype.notes)
