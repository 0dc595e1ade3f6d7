"""Dossier sections of RNA options: siRNA and antisense designs with their off-targets and
chemistry, compared with the approved drug's site (engines in :mod:`vivo.rna`)."""

from __future__ import annotations

from vivo.planning.requests import AsoDesign, SirnaDesign
from vivo.workflows.dossier.section import DossierInputs, Section, Unavailable

__all__ = ["aso_section", "sirna_section"]


def sirna_section(req: SirnaDesign, inputs: DossierInputs) -> Section:
    """siRNA duplexes for ``req.gene`` (not wired yet)."""
    raise Unavailable(
        f"the siRNA designer (vivo.rna.sirna) is not wired into the dossier yet for {req.gene}"
    )


def aso_section(req: AsoDesign, inputs: DossierInputs) -> Section:
    """Antisense oligonucleotides for ``req.gene`` (not wired yet)."""
    raise Unavailable(
        f"the antisense designer (vivo.rna.aso) is not wired into the dossier yet for {req.gene}"
    )
