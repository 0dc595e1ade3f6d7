"""Off-target sections: where the spacers an earlier section of the option chose also match.

The spacers come explicitly from that section (:class:`SpacerSet`). With an indexed genome
(``vivo plan --offtarget-genome NAME``) the whole genome is searched and every site is kept;
otherwise the genome in use is searched (a locus, not the whole genome; the message says so).
"""

from __future__ import annotations

from vivo.editing.offtarget import OffTargetSite, search_offtargets
from vivo.planning.requests import OffTargetDesign
from vivo.workflows.dossier.indexes import SiteIndexes
from vivo.workflows.dossier.section import DossierInputs, Section, SpacerSet, Unavailable

__all__ = ["MAX_HITS", "SHOWN", "offtarget_section"]

MAX_HITS = 50  # per guide, in the genome in use
#: above this many PAM sites in the genome in use, the locus search leaves the reference kernels
NUMPY_MAX_SITES = 200_000
SHOWN = 15
COLUMNS = ("spacer", "site (1-based)", "strand", "sequence", "mismatches", "bulges", "CFD")


def offtarget_section(
    req: OffTargetDesign, inputs: DossierInputs, spacers: SpacerSet | None, indexes: SiteIndexes
) -> Section:
    """Search the best ``req.top_n`` spacers of ``spacers`` (the option's ``req.source``
    section of ``req.gene``)."""
    if spacers is None or not spacers.spacers:
        raise Unavailable(
            f"no {req.source.replace('_', ' ')} design of {req.gene} in this option chose "
            "spacers, so there is nothing to search"
        )
    chosen = list(spacers.spacers[: req.top_n])
    patient = (
        "; spacers were designed on the patient allele, so a site over the variant shows it "
        "as a mismatch"
        if spacers.patient_allele
        else ""
    )
    nuclease = spacers.nuclease
    name = spacers.nuclease_name
    index, why = indexes.genome(nuclease) if inputs.offtarget_genome else (None, "")
    if index is not None:  # whole genome: every site is kept, the table shows the top CFD ones
        result = search_offtargets(index, chosen, nuclease=nuclease,
                                   max_mismatches=req.max_mismatches)  # fmt: skip
        total = sum(g.n_sites for g in result.guides)
        return Section(
            f"{total} sites for {len(chosen)} {name} spacers in the indexed genome "
            f"{inputs.offtarget_genome} (whole genome, ≤ {req.max_mismatches} mismatches, no "
            f"bulges; on-target included){patient}; the {SHOWN} highest-CFD sites are shown",
            COLUMNS,
            _rows(list(result.sites())),
            (("search", "vivo.editing.offtarget.search_offtargets"),
             ("genome", str(inputs.offtarget_genome)), ("backend", result.settings.backend)),
        )  # fmt: skip
    locus = indexes.locus(nuclease)
    result = search_offtargets(
        locus,
        chosen,
        nuclease=nuclease,
        max_mismatches=req.max_mismatches,
        # the reference kernels cost nothing to start on a locus; a whole chromosome or genome
        # in use (--genome) needs the pigeonhole search (auto: cpu)
        backend="numpy" if locus.n_sites <= NUMPY_MAX_SITES else "auto",
        max_hits_per_guide=MAX_HITS,
    )
    capped = [g.spacer for g in result.guides if g.capped]
    cap_note = (
        f"; hit list capped at {MAX_HITS} per guide for {', '.join(capped)}" if capped else ""
    )
    whole = f"{why}; " if why else ""
    sites = list(result.sites())
    return Section(
        f"{len(sites)} sites for {len(chosen)} {name} spacers in {inputs.genome.name} "
        f"(≤ {req.max_mismatches} mismatches, no bulges; on-target included){cap_note}{patient}; "
        f"{whole}a whole-genome search needs an indexed genome (vivo genome add, then "
        "vivo plan --offtarget-genome NAME)",
        COLUMNS,
        _rows(sites),
        (("search", "vivo.editing.offtarget.search_offtargets"), ("genome", inputs.genome.name)),
    )


def _rows(sites: list[OffTargetSite]) -> tuple[tuple[object, ...], ...]:
    ranked = sorted(sites, key=lambda h: (-(h.cfd or 0.0), h.mismatches))
    return tuple(
        (h.guide, f"{h.contig}:{h.start + 1}", h.strand, h.site, h.mismatches,
         h.dna_bulges + h.rna_bulges, "" if h.cfd is None else round(h.cfd, 3))
        for h in ranked[:SHOWN]
    )  # fmt: skip
