"""Real genomes from ../shared (skipped on a user's clone, where that folder is absent)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from vivo.core.coords import Locus, Strand
from vivo.core.seq import translate
from vivo.io.genomes import open_genome


def test_grch37_chr20_bgzip_identity(shared_dir: Path) -> None:
    """chr20 of GRCh37: length and the standard sequence-dictionary M5 (md5 of the upper-cased
    sequence), as recorded in shared/data/genomes/SOURCES.md."""
    ag = open_genome(shared_dir / "data" / "genomes" / "GRCh37.chr20.fa.gz")
    g = ag.genome
    assert g.contig_lengths() == {"20": 63_025_520}
    seq = g.fetch_region("20", 0, 63_025_520)
    assert hashlib.md5(seq.upper().encode()).hexdigest() == "0dec9660ec1efaaf33281c0d5ea2560f"
    assert seq.upper().count("N") == 3_520_000


# ---- every design engine on an annotated real genome: ADA (ADA-SCID) on GRCh37 chr20 ----------

ADA_GTF = Path(__file__).parents[1] / "data" / "annotation" / "ADA_GRCh37.gtf"
#: UniProt P00813 (ADA_HUMAN) begins MAQTPAFDKPKVELHVHLDGS and has 363 residues
ADA_PROTEIN_START = "MAQTPAFDKPKVELHVHLDGS"
WINDOW = (43_148_162, 43_380_376)  # 0-based half-open: ADA (NM_000022.2) +- 100 kb


def _chr20(shared_dir: Path) -> Path:
    return shared_dir / "data" / "genomes" / "GRCh37.chr20.fa.gz"


@pytest.fixture(scope="module")
def ada_window(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real GRCh37 sequence around ADA (232 kb of chr20) with the ADA annotation shifted
    onto it: the whole-dossier tests run on real sequence in seconds, not minutes."""
    from vivo.io.fasta import write_fasta
    from vivo.io.gtf import read_annotation

    folder = tmp_path_factory.mktemp("ada")
    g = open_genome(_chr20(shared_dir)).genome
    fa = write_fasta([("chr20_ADA", g.fetch_region("20", *WINDOW))], folder / "ada.fa")
    text = ADA_GTF.read_text()
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        cols[0] = "chr20_ADA"
        cols[3], cols[4] = str(int(cols[3]) - WINDOW[0]), str(int(cols[4]) - WINDOW[0])
        lines.append("\t".join(cols))
    gtf = folder / "ada.gtf"
    gtf.write_text("\n".join(lines) + "\n")
    assert read_annotation(gtf).gene("ADA").canonical.cds_length() == 1092
    return fa, gtf


def test_ada_fixture_matches_grch37(shared_dir: Path) -> None:
    """The cited NM_000022.2 exons on the real chr20: ATG..stop ORF of 363 aa (UniProt P00813)
    and GT..AG introns."""
    ag = open_genome(_chr20(shared_dir), annotation=ADA_GTF)
    tx = ag.gene("ADA").canonical
    protein = translate(tx.cds_sequence(ag.genome).upper())
    assert protein.startswith(ADA_PROTEIN_START) and protein.endswith("*")
    assert len(protein) == 364 and "*" not in protein[:-1]
    for intron in tx.introns_5to3:
        seq = ag.genome.fetch(Locus("20", intron, Strand.MINUS)).upper()
        assert (seq[:2], seq[-2:]) == ("GT", "AG")


def test_guides_on_ada_exon(
    shared_dir: Path, cli: Callable[[list[str]], int], tmp_path: Path
) -> None:
    out = tmp_path / "g.json"
    args = ["guides", "ADA", "--exon", "4", "--genome", str(_chr20(shared_dir)),
            "--annotation", str(ADA_GTF), "--out", str(out)]  # fmt: skip
    assert cli(args) == 0
    doc = json.loads(out.read_text())
    exon4 = open_genome(_chr20(shared_dir), annotation=ADA_GTF).gene("ADA").canonical.exons_5to3[3]
    assert doc["guides"]
    for g in doc["guides"]:
        assert g["contig"] == "20"
        cut = g["cut_site"]
        assert exon4.start - 30 <= cut <= exon4.end + 30


def test_cassette_cds_from_annotation(shared_dir: Path) -> None:
    from vivo.workflows.cassette import CassetteRequest, design_construct

    res = design_construct(
        CassetteRequest(transgene="ADA", genome=str(_chr20(shared_dir)),
                        annotation=str(ADA_GTF), vector="LV", tissue="hsc", optimize=False),
        figures=False,
    )  # fmt: skip
    c = res.cassette
    assert c.cds is not None and c.transgene is not None
    protein = translate(c.element_sequence(c.cds).upper())
    assert protein.startswith(ADA_PROTEIN_START) and len(protein.rstrip("*")) == 363


def test_base_edit_and_plan_on_ada(
    ada_window: tuple[Path, Path], cli: Callable[[list[str]], int], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """ADA c.646G>A (p.Gly216Arg, ClinVar VCV000001968, pathogenic): the base editor corrects
    it on the real sequence, and the planner's ADA-SCID plan designs on the loaded genome."""
    fa, gtf = ada_window
    assert cli(["edit", "ADA:c.646G>A", "--strategy", "base", "--genome", str(fa),
                "--annotation", str(gtf), "--json"]) == 0  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert doc["result"]["site"]["start_vs_reference"] == ["p.Gly216Arg"]
    assert doc["result"]["site"]["transcript"] == "NM_000022.2"
    assert any(d["reaches_goal"] for d in doc["result"]["designs"])
    out = tmp_path / "plan"
    assert cli(["plan", "ADA", "c.646G>A", "--zygosity", "homozygous", "--genome", str(fa),
                "--annotation", str(gtf), "--out", str(out), "--quiet"]) == 0  # fmt: skip
    plan = json.loads((out / "plan.json").read_text())
    assert plan["provenance"]["genome"]["name"] == "ada"
    status = {s["engine"]: s["status"] for s in plan["sections"]}
    # the sequence engines ran on the loaded genome (none says needs_sequence), and the
    # cassette of the gene-addition option took ADA's CDS from the annotation
    for engine in ("guides", "base_editing", "prime_editing", "donor", "offtargets"):
        assert status[engine] == "ok", (engine, status)
    cassettes = [s for s in plan["sections"] if s["engine"] == "cassette"]
    assert cassettes and all(s["status"] == "ok" for s in cassettes), cassettes
    assert "CDS from the annotation" in cassettes[0]["message"]
    assert "chr20_ADA" in json.dumps(plan["sections"])
