"""`vivo guides --offtarget-genome` (specificity from a genome-wide search) and hit annotation."""

from __future__ import annotations

import json

import pytest

from vivo.editing.offtarget import search_offtargets
from vivo.genome.bundled import beta_globin_locus
from vivo.io.fasta import write_fasta
from vivo.workflows import genome_index as gi
from vivo.workflows.guides import GuideRequest, design_guides
from vivo.workflows.offtargets import OffTargetRequest, run_offtargets

CONTIG = "U01317.1"


@pytest.fixture(scope="module")
def home(tmp_path_factory):  # type: ignore[no-untyped-def]
    ag = beta_globin_locus()
    seq = ag.genome.fetch_region(CONTIG, 0, ag.genome.contig_length(CONTIG))
    folder = tmp_path_factory.mktemp("bg")
    # a second contig with a copy of HBB exon 1 (1 mismatch away at most) makes off-targets
    hbb = ag.gene("HBB").canonical
    exon1 = ag.genome.fetch_region(CONTIG, hbb.exons[0].start, hbb.exons[0].end)
    write_fasta([(CONTIG, seq), ("decoy", "ACGT" * 30 + exon1 + "TTGCA" * 20)], folder / "bg.fa")
    gi.build_genome_index("bg", folder / "bg.fa", home=folder)
    gtf = folder / "bg.gtf"
    start, end = hbb.exons[0].start, hbb.exons[-1].end
    attrs = 'gene_id "HBB"; transcript_id "HBB-201"; gene_name "HBB";'
    gtf.write_text("\n".join([
        f"{CONTIG}\tx\tgene\t{start + 1}\t{end}\t.\t+\t.\t{attrs}",
        f"{CONTIG}\tx\ttranscript\t{start + 1}\t{end}\t.\t+\t.\t{attrs}",
        *(f"{CONTIG}\tx\texon\t{e.start + 1}\t{e.end}\t.\t+\t.\t{attrs}" for e in hbb.exons),
    ]) + "\n")  # fmt: skip
    return folder


def test_guides_get_cfd_specificity_from_the_search(home) -> None:  # type: ignore[no-untyped-def]
    req = GuideRequest(gene="HBB", exon=1, offtarget_genome="bg", offtarget_home=str(home))
    res = design_guides(req)
    assert res.offtargets is not None and len(res.ranked) > 3
    index = gi.open_index("bg", home=home)
    spacers = [r.guide.spacer for r in res.ranked]
    direct = search_offtargets(index, spacers, max_mismatches=4)
    decoyed = 0
    for r, d in zip(res.ranked, direct.guides, strict=True):
        o = res.offtargets[r.guide.guide_id]
        assert o["on_target_found"] is True
        # the guide's own site is excluded: one fewer 0-mismatch site than the plain search
        sites = list(d.sites())
        zero = sum(s.mismatches == 0 and s.dna_bulges == 0 for s in sites)
        assert o["offtargets_by_mismatches"][0] == zero - 1  # type: ignore[index]
        assert r.specificity == pytest.approx(o["cfd_specificity"])
        decoyed += zero >= 2
    assert decoyed > 0, "guides inside the copied exon must see their decoy copy"
    assert res.to_dict()["guides"][0]["offtargets"]["cfd_specificity"] <= 1.0


def test_guides_cli_json_has_offtarget_counts(home, capsys, cli) -> None:  # type: ignore[no-untyped-def]
    code = cli(["guides", "HBB", "--exon", "1", "--offtarget-genome", "bg", "--offtarget-home",
                 str(home), "--mismatches", "2", "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    g = data["guides"][0]
    assert len(g["offtargets"]["offtargets_by_mismatches"]) == 3
    assert data["provenance"]["offtargets"]["max_mismatches"] == 2
    assert cli(["guides", "HBB", "--exon", "1", "--offtarget-genome", "nope",
                 "--offtarget-home", str(home)]) == 2  # fmt: skip


def test_hits_are_annotated_with_genes(home, capsys, cli) -> None:  # type: ignore[no-untyped-def]
    spacer = design_guides(GuideRequest(gene="HBB", exon=1)).ranked[0].guide.spacer
    run = run_offtargets(OffTargetRequest("bg", (spacer,), home=str(home), max_mismatches=6,
                                          annotation=str(home / "bg.gtf")))  # fmt: skip
    regions = {(s.contig, s.genes, s.region) for s in run.sites()}
    assert any(c == CONTIG and g == ("HBB",) and r == "exon" for c, g, r in regions), regions
    assert any(c == "decoy" and r == "intergenic" for c, _, r in regions), regions
    assert cli(["offtargets", "--genome", "bg", "--home", str(home), spacer, "--annotation",
                 str(home / "bg.gtf"), "--json"]) == 0  # fmt: skip
    sites = json.loads(capsys.readouterr().out)["guides"][0]["sites"]
    assert {s["region"] for s in sites} >= {"intergenic"}
