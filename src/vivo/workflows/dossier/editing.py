"""Editing sections at the variant: base editing, HDR donor and prime editing.

Each works on the correction site: the patient's genome (the genome in use with the variant
applied) with the reference allele as the goal. Every design is applied in silico and
translated (the ``protein`` column says whether it gives the normal protein).
"""

from __future__ import annotations

from vivo.editing.base_editing import design_base_edits, editor_names, get_editor
from vivo.editing.donors import design_donors
from vivo.editing.edit_site import EditSite, correction_site
from vivo.editing.prime_editing import design_pegrnas
from vivo.planning.requests import BaseEditDesign, DonorDesign, PrimeEditDesign
from vivo.workflows.dossier.section import TOP_N, DossierInputs, Section, SpacerSet, Unavailable

__all__ = ["base_edit_section", "donor_section", "prime_edit_section"]


def _site(inputs: DossierInputs) -> EditSite:
    """The correction site (patient genome = reference + variant, goal = reference allele)."""
    if inputs.variant is None:
        raise Unavailable("no interpreted variant to design around")
    return correction_site(inputs.variant.hgvs_c, genome=inputs.genome)


def base_edit_section(req: BaseEditDesign, inputs: DossierInputs) -> Section:
    """Base-editing designs by ``req.editor``-kind editors (exact reversion first, then edits
    that restore the protein, then known benign alternatives such as Hb G-Makassar)."""
    editors = [n for n in editor_names() if get_editor(n).kind == req.editor]
    result = design_base_edits(_site(inputs), editors=editors, max_designs=10)
    best = result.designs[:TOP_N]
    spacers = None
    if best:  # off-targets are searched for the designs sharing the top design's Cas variant
        cas = best[0].editor.nuclease
        same = tuple(d.guide.spacer for d in best if d.editor.nuclease.name == cas.name)
        spacers = SpacerSet("base_editing", req.gene, cas, same, patient_allele=True)
    rows = tuple(
        (
            d.editor.name,
            d.guide.spacer,
            d.guide.pam,
            str(d.guide.strand),
            d.target_position,
            d.outcome,
            " | ".join(
                f"position {b.protospacer_position} ({b.window}): {b.consequence}"
                for b in d.bystanders
            )
            or "none",
        )
        for d in best
    )
    notes = "; ".join(result.notes)
    goal = "" if req.target == "revert" else f"; requested edit {req.target}"
    return Section(
        f"{len(result.designs)} {req.editor} designs ({', '.join(editors)}); exact "
        f"correction possible: {result.exact_possible}{goal}" + (f"; {notes}" if notes else ""),
        ("editor", "spacer", "PAM", "strand", "target position", "outcome", "bystanders"),
        rows,
        (("engine", "vivo.editing.base_editing.design_base_edits"),),
        spacers=spacers,
        status="ok" if best else "none_found",
    )


def donor_section(req: DonorDesign, inputs: DossierInputs) -> Section:
    """HDR donors (ssODN and dsDNA arms) for cuts near the variant."""
    result = design_donors(_site(inputs), nuclease=req.nuclease, max_designs=TOP_N)
    best = result.designs[:TOP_N]
    notes = "; ".join(result.notes)
    rows = tuple(
        (
            d.guide.spacer,
            d.guide.pam,
            d.cut_to_edit_bp,
            "; ".join(f"{b.where}: {b.context}" for b in d.blocking)
            if d.blocking
            else ("edit blocks re-cutting" if d.blocked_by_edit else "none"),
            len(d.ssodn.sequence),
            d.ssodn.sequence,
            "yes" if d.validation.reaches_goal else "NO",
        )
        for d in best
    )
    message = (
        f"{len(result.designs)} donor designs (ssODN + dsDNA arms); each applied in silico "
        "and translated" + (f"; {notes}" if notes else "")
        if best
        else f"no donor design possible: {notes or 'no guide cuts near the edit'}"
    )
    return Section(
        message,
        ("spacer", "PAM", "cut to edit (bp)", "blocking mutations", "ssODN nt", "ssODN", "protein"),
        rows,
        (("engine", "vivo.editing.donors.design_donors"), ("nuclease", req.nuclease)),
        spacers=SpacerSet(
            "donor", req.gene, req.nuclease, tuple(d.guide.spacer for d in best), True
        ),
        status="ok" if best else "none_found",
    )


def prime_edit_section(req: PrimeEditDesign, inputs: DossierInputs) -> Section:
    """pegRNAs that write the reference allele back, with PE3/PE3b nicking guides."""
    result = design_pegrnas(_site(inputs), max_designs=TOP_N)
    best = result.pegrnas[:TOP_N]
    rows = tuple(
        (
            p.guide.spacer,
            p.pbs_length,
            p.rtt_length,
            p.extension,
            ", ".join(
                f"{n.guide.spacer} ({n.kind}"
                + (f", {n.distinguished_by}" if n.distinguished_by else "")
                + ")"
                for n in p.nicking_guides[:2]
            )
            or "none",
            "yes" if p.validation.reaches_goal else "NO",
        )
        for p in best
    )
    notes = "; ".join(result.notes)
    message = (
        f"{len(result.pegrnas)} pegRNAs (PBS 8-15 nt, RTT 10-30 nt), each applied in silico"
        if best
        else f"no pegRNA design possible here{': ' + notes if notes else ''}"
    )
    return Section(
        message,
        ("spacer", "PBS nt", "RTT nt", "3' extension (RTT+PBS)", "nicking guides", "protein"),
        rows,
        (("engine", "vivo.editing.prime_editing.design_pegrnas"),),
        spacers=SpacerSet(
            "prime_editing", req.gene, "SpCas9", tuple(p.guide.spacer for p in best), True
        ),
        status="ok" if best else "none_found",
    )
