"""Job: design a precise edit (HDR, base, prime) or a knockout for a variant.

Request in, result out. The therapy dossier calls :func:`run_edit` (or the per-strategy
helpers) for each strategy; the CLI ``vivo edit`` is a thin layer over it.

For a correction the designs act on the *patient genome* (the reference with the variant
applied, see :func:`vivo.editing.edit_site.correction_site`); for ``goal="introduce"`` on the
reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vivo.core.coords import Locus
from vivo.core.errors import InputError
from vivo.editing.base_editing import BaseEditingResult, design_base_edits
from vivo.editing.donors import DonorResult, design_donors, donor_records
from vivo.editing.edit_site import EditSite, correction_site, introduction_site
from vivo.editing.guides import Guide, find_guides
from vivo.editing.prime_editing import PrimeEditingResult, design_pegrnas
from vivo.editing.repair import MODEL_INFO as REPAIR_MODEL
from vivo.editing.repair import (
    KnockoutEstimate,
    RepairPrediction,
    estimate_knockout,
    predict_repair_at,
)
from vivo.genome.annotation import AnnotatedGenome
from vivo.workflows.genomes import resolve_genome

__all__ = [
    "SCHEMA_VERSION",
    "EditRequest",
    "EditResult",
    "KnockoutDesign",
    "KnockoutResult",
    "design_knockout",
    "edit_site_for",
    "run_edit",
]

SCHEMA_VERSION = "1"
Strategy = Literal["hdr", "base", "prime", "knockout"]
STRATEGIES: tuple[str, ...] = ("hdr", "base", "prime", "knockout")


@dataclass(frozen=True, slots=True)
class EditRequest:
    """What to design: ``variant`` (e.g. ``"HBB c.20A>T"``) and a ``strategy``."""

    variant: str
    strategy: Strategy = "hdr"
    goal: Literal["correct", "introduce"] = "correct"
    genome: str | None = None  # FASTA/2bit/GenBank path or fetched genome name (default: locus)
    annotation: str | None = None
    genome_home: str | None = None  # a store of fetched genomes: `genome` must be one there
    nuclease: str = "SpCas9"
    editors: tuple[str, ...] = ()
    max_designs: int = 10
    genbank_out: str | None = None  # HDR: write the best donor design as GenBank here


@dataclass(frozen=True, slots=True)
class KnockoutDesign:
    """A guide with its predicted repair spectrum and knockout probability."""

    guide: Guide
    repair: RepairPrediction
    knockout: KnockoutEstimate

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        top = [o.to_dict() for o in self.repair.outcomes[:5]]
        return {
            "guide": self.guide.to_dict(),
            "frameshift_fraction": self.repair.frameshift_fraction,
            "knockout": self.knockout.to_dict(),
            "bae2014_oof": None if self.repair.bae is None else self.repair.bae.oof_score,
            "top_outcomes": top,
        }


@dataclass(frozen=True, slots=True)
class KnockoutResult:
    """Knockout guides in the first half of the CDS, best first."""

    gene: str
    designs: tuple[KnockoutDesign, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "gene": self.gene,
            "designs": [d.to_dict() for d in self.designs],
            "notes": list(self.notes),
            "model": REPAIR_MODEL.as_dict(),
        }


Design = DonorResult | BaseEditingResult | PrimeEditingResult | KnockoutResult


@dataclass(frozen=True, slots=True)
class EditResult:
    """The designs for one request, with the files written."""

    request: EditRequest
    site: EditSite | None
    design: Design
    files: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result with ``schema_version``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "variant": self.request.variant,
            "strategy": self.request.strategy,
            "goal": self.request.goal,
            "result": self.design.to_dict(),
            "files": list(self.files),
        }


def edit_site_for(
    variant: str, *, goal: str = "correct", genome: AnnotatedGenome | None = None
) -> EditSite:
    """The :class:`EditSite` for ``variant``: corrected in patient cells or introduced."""
    if goal == "correct":
        return correction_site(variant, genome=genome)
    if goal == "introduce":
        return introduction_site(variant, genome=genome)
    raise InputError(f"unknown goal {goal!r}", hint="use 'correct' or 'introduce'")


def design_knockout(
    gene: str, *, genome: AnnotatedGenome, nuclease: str = "SpCas9", max_designs: int = 10
) -> KnockoutResult:
    """Guides cutting the first half of ``gene``'s CDS, ranked by knockout probability."""
    tx = genome.gene(gene).canonical
    if tx.cds is None:
        raise InputError(f"{gene} is non-coding: a frameshift knockout needs a CDS")
    designs = []
    for seg in tx.cds_segments():
        guides = find_guides(
            genome.genome, Locus(tx.contig, seg), nuclease, selection="cut", transcript=tx
        )
        for g in guides:
            early = g.cds_fraction_before_cut is not None and g.cds_fraction_before_cut <= 0.5
            if not (early and g.in_coding_exon):
                continue
            try:
                rep = predict_repair_at(genome.genome, g)
            except InputError:
                continue
            designs.append(KnockoutDesign(g, rep, estimate_knockout(rep)))
    designs.sort(key=lambda d: -d.knockout.knockout_probability)
    notes = ["knockout probability = frameshift fraction of repaired alleles (editing "
             "efficiency 1); in-frame indels counted as not knocked out"]  # fmt: skip
    if not designs:
        notes.append(f"no design possible: no {nuclease} cut in the first half of the CDS")
    return KnockoutResult(gene, tuple(designs[:max_designs]), tuple(notes))


def run_edit(request: EditRequest) -> EditResult:
    """Run one editing design job (see :class:`EditRequest`)."""
    if request.strategy not in STRATEGIES:
        raise InputError(
            f"unknown strategy {request.strategy!r}", hint=f"use {', '.join(STRATEGIES)}"
        )
    if request.editors and request.strategy != "base":
        raise InputError(
            f"--editor chooses base editors, but the strategy is {request.strategy!r}",
            hint="use --strategy base, or drop --editor",
        )
    from vivo.workflows.variants import check_variant_text

    check_variant_text(request.variant)
    if request.genbank_out and request.strategy != "hdr":
        raise InputError(
            f"--genbank writes HDR donors, but the strategy is {request.strategy!r}",
            hint="use --strategy hdr, or drop --genbank",
        )
    ag = resolve_genome(request.genome, request.annotation, home=request.genome_home)
    words = request.variant.replace(":", " ").split()
    if not words:
        raise InputError("say what to edit", hint="give a variant (e.g. HBB c.20A>T) or, for "
                         "--strategy knockout, a gene")  # fmt: skip
    if request.strategy == "knockout":
        gene = words[0]
        return EditResult(request, None, design_knockout(gene, genome=ag,
                          nuclease=request.nuclease, max_designs=request.max_designs))  # fmt: skip
    site = edit_site_for(request.variant, goal=request.goal, genome=ag)
    design: Design
    files: tuple[str, ...] = ()
    if request.strategy == "hdr":
        design = design_donors(site, nuclease=request.nuclease, max_designs=request.max_designs)
        if request.genbank_out and design.designs:
            files = (_write_genbank(design, request.genbank_out),)
    elif request.strategy == "base":
        design = design_base_edits(
            site, editors=list(request.editors) or None, max_designs=request.max_designs
        )
    else:
        design = design_pegrnas(site, nuclease=request.nuclease, max_designs=request.max_designs)
    return EditResult(request, site, design, files)


def _write_genbank(result: DonorResult, path: str) -> str:
    from vivo.io.genbank import write_genbank

    records = donor_records(result.designs[0], name="vivo_donor")
    return str(write_genbank(records, Path(path)))
