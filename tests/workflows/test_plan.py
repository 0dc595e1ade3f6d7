"""End-to-end dossier workflow and CLI (`vivo plan`, `vivo kb`, `vivo explain`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vivo.cli.main import main
from vivo.workflows.plan import PlanRequest, run_plan, write_dossier


def test_hbb_dossier_end_to_end(tmp_path: Path) -> None:
    result = run_plan(PlanRequest("HBB", "c.20A>T"))
    assert result.variant is not None and result.variant["protein"]["hgvs"] == "p.Glu7Val"
    paths = write_dossier(result, tmp_path)
    doc = json.loads(Path(paths["plan_json"]).read_text())
    assert doc["schema_version"] == "1.2" and doc["plan"]["chosen"] == "induce-hbf-ex-vivo-editing"
    guides = [s for s in doc["sections"] if s["engine"] == "guides" and s["status"] == "ok"]
    assert {"HBG1 promoter", "HBG2 promoter"} <= {
        s["message"].split(" in ")[1].split(" (")[0] for s in guides
    }
    for s in doc["sections"]:
        assert s["message"], s  # never blank
        if s["status"] == "unavailable":
            assert s["message"].startswith("engine not available: ")
    assert Path(paths["report_html"]).read_text().startswith("<!DOCTYPE html>")


def test_hdr_guides_cut_near_the_variant() -> None:
    result = run_plan(PlanRequest("HBB", "c.20A>T"))
    hdr = next(s for s in result.sections if s.option_id == "correct-hdr" and s.engine == "guides")
    assert hdr.status == "ok"
    distances = [abs(int(r[4])) for r in hdr.rows]
    assert distances and min(distances) <= 10


def test_f9_without_bundled_sequence_still_plans(tmp_path: Path) -> None:
    result = run_plan(PlanRequest("F9", "c.1025C>T"))
    assert result.variant is None
    assert result.plan.top is not None and result.plan.top.id == "add-aav-in-vivo"
    needs = [s for s in result.sections if s.status == "needs_sequence"]
    assert needs and all("--genome" in s.message for s in needs)
    write_dossier(result, tmp_path)


def test_cli_plan_json_and_kb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["plan", "TTR", "c.148G>A", "--out", str(tmp_path), "--json"])
    assert e.value.code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"]["chosen"] == "rna-knockdown"  # approved TTR siRNAs/ASOs (issue 15)
    for argv in (
        ["kb", "show", "Casgevy", "--json"],
        ["explain", "homology-directed", "repair"],
        ["kb", "products", "--target", "F9"],
        ["kb", "disease", "sickle cell disease"],
    ):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0, argv
    with pytest.raises(SystemExit) as e:
        main(["kb", "show", "NoSuchBrand"])
    assert e.value.code == 2


def test_every_engine_designs_for_the_sickle_dossier() -> None:
    """The five options of `vivo plan HBB c.20A>T` carry real designs from every engine."""
    result = run_plan(PlanRequest("HBB", "c.20A>T"))
    by = {(s.option_id, s.engine): s for s in result.sections}
    expected = {
        ("induce-hbf-ex-vivo-editing", "guides"),
        ("induce-hbf-ex-vivo-editing", "simulation"),
        ("add-lv-hsc", "cassette"),
        ("add-lv-hsc", "simulation"),
        ("correct-base-edit", "base_editing"),
        ("correct-prime-edit", "prime_editing"),
        ("correct-hdr", "donor"),
    }
    for key in expected:
        assert by[key].status == "ok", (key, by[key].message)
        assert by[key].rows
    # designs are validated in silico: every donor and pegRNA restores the reference protein
    assert {r[-1] for r in by[("correct-hdr", "donor")].rows} == {"yes"}
    assert {r[-1] for r in by[("correct-prime-edit", "prime_editing")].rows} == {"yes"}
    # the lentiviral cassette carries betaA-T87Q and its map; simulations carry plots
    assert "T87Q" in by[("add-lv-hsc", "cassette")].message
    for key in [("add-lv-hsc", "cassette"), ("add-lv-hsc", "simulation")]:
        fig = by[key].figures[0]
        assert fig.mime == "image/svg+xml" and fig.data.lstrip().startswith(b"<?xml")
    assert "Lyfgenia" in by[("add-lv-hsc", "simulation")].message
    assert "Casgevy" in by[("induce-hbf-ex-vivo-editing", "simulation")].message
    # base-editor off-targets are searched with the editor's own PAM (an NRCH/SpRY-type index);
    # the delta-globin paralog (HBD) shows up as a near-copy of the HBB target
    be_off = by[("correct-base-edit", "offtargets")]
    assert be_off.status == "ok" and "SpCas9-" in be_off.message
    assert any(int(r[1].split(":")[1]) in range(54700, 56400) for r in be_off.rows)


def test_f9_aav_option_designs_from_shipped_cds() -> None:
    result = run_plan(PlanRequest("F9", "c.1025C>T"))
    aav = {s.engine: s for s in result.sections if s.option_id == "add-aav-in-vivo"}
    assert aav["cassette"].status == "ok" and "F9" in aav["cassette"].message
    assert aav["simulation"].status == "ok" and "Hemgenix" in aav["simulation"].message
    assert any(s.status == "needs_sequence" for s in result.sections)


def test_a_missing_plotting_library_drops_only_the_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    import vivo.workflows.dossier.simulation as sim_section
    from vivo.core.errors import DataError

    def no_matplotlib(*args: object, **kwargs: object) -> bytes:
        raise DataError("plots need matplotlib (pip install 'vivo[plot]')")

    monkeypatch.setattr(sim_section, "render_simulation_plot", no_matplotlib)
    result = run_plan(PlanRequest("HBB", "c.20A>T"))
    sims = [s for s in result.sections if s.engine == "simulation"]
    assert sims and all(s.status == "ok" and s.rows and not s.figures for s in sims)
    assert all("figure not drawn: plots need matplotlib" in s.message for s in sims)


def test_offtargets_from_an_indexed_genome(tmp_path: Path) -> None:
    """`vivo plan --offtarget-genome NAME`: SpCas9 guides are searched in the on-disk index
    (whole genome, every site kept); an editor whose PAMs that genome was not indexed for
    falls back to the locus and says why."""
    from vivo.genome.bundled import beta_globin_locus
    from vivo.io.fasta import write_fasta
    from vivo.workflows.genome_index import build_genome_index

    g = beta_globin_locus().genome
    name = g.contig_names()[0]
    fasta = tmp_path / "locus.fa"
    write_fasta([(name, g.fetch_region(name, 0, g.contig_length(name)))], fasta)
    build_genome_index("locus", fasta, home=tmp_path / "idx")
    result = run_plan(PlanRequest("HBB", "c.20A>T", offtarget_genome="locus",
                                  offtarget_home=str(tmp_path / "idx")))  # fmt: skip
    by = {(s.option_id, s.engine): s for s in result.sections}
    hbf = by[("induce-hbf-ex-vivo-editing", "offtargets")]
    assert hbf.status == "ok" and "indexed genome locus (whole genome" in hbf.message
    assert dict(hbf.provenance)["genome"] == "locus"
    assert any(r[4] == 0 for r in hbf.rows)  # the on-target site itself
    guides = by[("induce-hbf-ex-vivo-editing", "guides")]
    assert guides.columns[-1] == "CFD specificity" and "whole-genome search" in guides.message
    assert all(0.0 < r[-1] <= 1.0 for r in guides.rows)
    be = by[("correct-base-edit", "offtargets")]
    assert "genome locus not used" in be.message and be.rows
    with pytest.raises(SystemExit) as e:
        main(
            [
                "plan",
                "HBB",
                "c.20A>T",
                "--out",
                str(tmp_path / "o"),
                "--json",
                "--offtarget-genome",
                "locus",
                "--offtarget-home",
                str(tmp_path / "idx"),
            ]
        )
    assert e.value.code == 0
