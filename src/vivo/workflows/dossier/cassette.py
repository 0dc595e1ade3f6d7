"""Cassette sections: an expression cassette for the transgene, checked, with its map."""

from __future__ import annotations

import importlib.util

from vivo.delivery.transgenes import TRANSGENES
from vivo.planning.requests import CassetteDesign
from vivo.reports.construct_maps import render_construct_map
from vivo.workflows.cassette import CassetteRequest, cds_from_annotation, design_construct
from vivo.workflows.dossier.section import DossierInputs, Section, draw_figure

__all__ = ["cassette_section"]


def _codon_optimisation() -> tuple[bool | None, str]:
    """``None`` (the engine's default: on for AAV, CpG depletion) when DNA Chisel, the optional
    codon-optimisation dependency, is installed; else off, with a note."""
    if importlib.util.find_spec("dnachisel") is None:
        return False, "; codon optimisation skipped: pip install 'vivo[design]' (DNA Chisel)"
    return None, ""


def cassette_section(req: CassetteDesign, inputs: DossierInputs) -> Section:
    """Design and check the cassette ``req`` asks for."""
    optimize, codon_note = _codon_optimisation()
    # a gene vivo does not bundle as a transgene takes its CDS from the annotation in use
    own = req.gene.upper() not in TRANSGENES and req.gene in inputs.genome.annotation
    cds = cds_from_annotation(inputs.genome, req.gene) if own else None
    result = design_construct(
        CassetteRequest(
            transgene=req.gene,
            cds=cds,
            variant=req.transgene_variant,
            vector=req.vector,
            tissue=req.tissue,
            seed=inputs.seed,
            optimize=optimize,
        ),
        figures=False,
    )
    c, report = result.cassette, result.report
    rows = tuple((chk.name, chk.status, chk.message) for chk in report.checks)
    figures, note = draw_figure(
        f"construct map: {c.name}", lambda: render_construct_map(c, fmt="svg")
    )
    source = f"; CDS from the annotation of {inputs.genome.name}" if own else ""
    return Section(
        f"{c.name}: {c.length_bp:,} bp, overall {report.status}{source}{codon_note}{note}",
        ("check", "status", "detail"),
        rows,
        (("engine", "vivo.workflows.cassette.design_construct"), ("seed", str(inputs.seed))),
        figures,
    )
