"""Job: design guide RNAs for a gene, exon, region or variant, scored and ranked.

``design_guides(GuideRequest(...))`` resolves the genome and the target locus, finds every
candidate guide, scores it with the on-target models that apply, ranks it, and returns a
:class:`GuideResult` that renders to JSON, TSV and BED.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vivo._version import __version__
from vivo.core.coords import Interval, Locus, parse_region
from vivo.core.errors import InputError
from vivo.editing.guides import exon_locus, find_guides, window_locus
from vivo.editing.nucleases import NUCLEASES, Nuclease, custom_nuclease, get_nuclease
from vivo.editing.ranking import RankedGuide, RankingWeights, SpecificityHook, rank_guides
from vivo.editing.scoring import MODELS, default_models, score_guides
from vivo.genome.annotation import AnnotatedGenome, CodingPosition, Gene, Transcript
from vivo.io.atomic import write_text_atomic
from vivo.io.bed import BedRecord, format_bed
from vivo.io.tsv import format_tsv
from vivo.variants.hgvs import parse_hgvs
from vivo.workflows.genomes import resolve_genome

__all__ = ["SCHEMA_VERSION", "GuideRequest", "GuideResult", "design_guides", "write_guides"]

SCHEMA_VERSION = "1"
_BUILTIN = {name.lower() for name in NUCLEASES}
_POS = re.compile(r"^(?P<kind>[cg])\.(?P<pre>[-*]?)(?P<base>\d+)(?P<off>[+-]\d+)?$", re.I)
TSV_COLUMNS = (
    "rank", "id", "spacer", "pam", "strand", "contig", "start_1based", "end", "cut_site",
    "composite", "efficiency", "specificity", "flag_score", "distance_score",
    "target_distance_bp", "exon_number", "in_coding_exon", "cds_fraction_before_cut",
    "gc_fraction", "flags",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GuideRequest:
    """What to design. Give ``gene`` (optionally with ``exon`` or ``around``) or ``region``.

    ``around`` is a position such as ``c.20``, ``c.-12``, ``c.92+1``, ``g.62206`` or a
    variant such as ``c.20A>T``; guides are kept whose cut lies within ``window_bp``.
    ``pam``/``pam_side`` define a custom nuclease (named ``nuclease``).
    """

    gene: str | None = None
    nuclease: str = "SpCas9"
    exon: int | None = None
    around: str | None = None
    window_bp: int = 50
    region: str | None = None
    genome: str | None = None  # a file, or the name of a fetched genome (vivo genome fetch)
    annotation: str | None = None
    genome_home: str | None = None  # a store of fetched genomes: `genome` must be one there
    models: tuple[str, ...] | None = None
    spacer_length: int | None = None
    include_alt_pams: bool = False
    restriction_sites: tuple[str, ...] = ()
    weights: RankingWeights = field(default_factory=RankingWeights)
    top: int | None = None
    pam: str | None = None
    pam_side: str = "3prime"
    offtarget_genome: str | None = None
    offtarget_mismatches: int = 4
    offtarget_home: str | None = None


@dataclass(frozen=True, slots=True)
class GuideResult:
    """Ranked guides plus everything needed to reproduce them."""

    ranked: tuple[RankedGuide, ...]
    locus: Locus
    nuclease: Nuclease
    models: tuple[str, ...]
    notes: tuple[str, ...]
    genome: str
    target: int | None = None
    total_found: int = 0
    offtargets: dict[str, dict[str, object]] | None = None
    offtarget_provenance: dict[str, object] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result with ``schema_version`` and provenance."""
        out = self._base_dict()
        if self.offtargets is not None:
            out["specificity"] = "CFD specificity 1/(1+sum CFD) of a genome-wide search"
            out["provenance"]["offtargets"] = self.offtarget_provenance
            for g, r in zip(out["guides"], self.ranked, strict=True):
                g["offtargets"] = self.offtargets.get(r.guide.guide_id)
        return out

    def _base_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "locus": self.locus.to_ucsc(),
            "genome": self.genome,
            "nuclease": self.nuclease.to_dict(),
            "target_position": self.target,
            "total_found": self.total_found,
            "shown": len(self.ranked),
            "weights": (self.ranked[0].weights if self.ranked else RankingWeights()).to_dict(),
            "specificity": "not computed (no off-target search was run)",
            "notes": list(self.notes),
            "provenance": {
                "vivo_version": __version__,
                "models": {m: MODELS[m].info.as_dict() for m in self.models},
            },
            "guides": [r.to_dict() for r in self.ranked],
        }

    def to_tsv(self) -> str:
        """Tab-separated table with a header (1-based ``start_1based``, inclusive ``end``)."""
        score_names = list(self.models)
        rows = []
        for r in self.ranked:
            row = r.to_dict()
            row["flags"] = ",".join(r.guide.flags)
            values = [_cell(row.get(col)) for col in TSV_COLUMNS]
            values += [_cell(r.guide.score(name)) for name in score_names]
            rows.append(values)
        return format_tsv((*TSV_COLUMNS, *score_names), rows)

    def to_bed(self) -> str:
        """BED6 track of the protospacers (score = composite x 1000), a ``track`` line first."""
        records = (
            BedRecord(r.guide.contig, r.guide.protospacer.start, r.guide.protospacer.end,
                      f"{r.rank}_{r.guide.spacer}_{r.guide.pam}", round(r.composite * 1000),
                      str(r.guide.strand))
            for r in self.ranked
        )  # fmt: skip
        return format_bed(records, track="vivo guides", description=f"{self.nuclease.name} guides")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _nuclease(req: GuideRequest) -> Nuclease:
    if req.pam is None:
        return get_nuclease(req.nuclease)
    length = req.spacer_length or 20
    name = req.nuclease if req.nuclease.lower() not in _BUILTIN else f"custom-{req.pam.upper()}"
    return custom_nuclease(name=name, pam=req.pam, pam_side=req.pam_side, spacer_length=length)


def _coding_position(text: str, tx: Transcript) -> int:
    if re.search(r"\d{13,}", text):  # also keeps int() away from 4,300-digit numbers
        raise InputError(
            f"position {text[:40]!r} has a number of 13 or more digits",
            hint="give a position inside the gene, e.g. c.20 or g.62206",
        )
    m = _POS.match(text.strip())
    if m is None:
        variant = parse_hgvs(text, gene=tx.gene_name)
        start = variant.start
        if isinstance(start, int):
            return start - 1
        return tx.to_genomic(start)
    if m["kind"].lower() == "g":
        return int(m["base"]) - 1
    region = {"": "cds", "-": "utr5", "*": "utr3"}[m["pre"]]
    if int(m["base"]) == 0:
        raise InputError(f"{text!r}: there is no position 0 in HGVS c. numbering")
    pos = CodingPosition(int(m["base"]), region, int(m["off"] or 0))  # type: ignore[arg-type]
    return tx.to_genomic(pos)


def _target(req: GuideRequest, ag: AnnotatedGenome) -> tuple[Locus, Transcript | None, int | None]:
    gene: Gene | None = ag.gene(req.gene) if req.gene else None
    tx = gene.canonical if gene else None
    if req.region:
        if req.exon is not None or req.around:
            raise InputError("give --region, or a gene with --exon/--around, not both")
        return parse_region(req.region), tx, None
    if gene is None or tx is None:
        raise InputError("say what to target", hint="give a gene (e.g. HBB) or --region")
    if req.exon is not None and req.around:
        raise InputError("give --exon or --around, not both")
    if req.exon is not None:
        return exon_locus(tx, req.exon), tx, None
    if req.around:
        pos = _coding_position(req.around, tx)
        size = ag.genome.contig_length(tx.contig)
        if not 0 <= pos < size:
            raise InputError(
                f"--around {req.around}: position {pos + 1:,} lies outside {tx.contig} "
                f"(1..{size:,})"
            )
        locus = window_locus(tx.contig, pos, req.window_bp)
        end = min(locus.end, size)
        return Locus(locus.contig, Interval(locus.start, end)), tx, pos
    return Locus(tx.contig, tx.span, tx.strand), tx, None


def design_guides(
    request: GuideRequest, *, specificity: SpecificityHook | None = None
) -> GuideResult:
    """Find, score and rank guides for ``request``; ``specificity`` is the off-target hook."""
    ag = resolve_genome(request.genome, request.annotation, home=request.genome_home)
    nuc = _nuclease(request)
    locus, tx, target = _target(request, ag)
    selection: Literal["site", "cut"] = "cut" if (request.exon or request.around) else "site"
    guides = find_guides(
        ag.genome, locus, nuc, spacer_length=request.spacer_length,
        include_alt_pams=request.include_alt_pams, selection=selection, target=target,
        transcript=tx, restriction_sites=request.restriction_sites,
    )  # fmt: skip
    models = list(request.models) if request.models is not None else default_models(nuc)
    notes = _notes(nuc, request, models)
    scored = score_guides(guides, models, nuclease=nuc)
    ot = None
    if request.offtarget_genome and specificity is None and scored:
        from vivo.workflows.offtargets import guide_specificity

        ot = guide_specificity(scored, genome=request.offtarget_genome, nuclease=nuc.name,
                               max_mismatches=request.offtarget_mismatches,
                               home=request.offtarget_home)  # fmt: skip
        specificity = ot.hook()
        missing = sum(not v["on_target_found"] for v in ot.by_guide.values())
        if missing:
            notes.append(f"off-targets: {missing} guide(s) were not found at their own site in "
                         f"{request.offtarget_genome!r} (other contig names?); their own site "
                         "counts as an off-target")  # fmt: skip
    ranked = rank_guides(scored, weights=request.weights, specificity=specificity)
    if specificity is None:
        notes.append("specificity: not computed (run an off-target search to include it)")
    shown = ranked[: request.top] if request.top else ranked
    return GuideResult(
        tuple(shown), locus, nuc, tuple(m.lower() for m in models), tuple(notes), ag.name,
        target, len(ranked), ot.by_guide if ot else None, ot.provenance if ot else None,
    )  # fmt: skip


def _notes(nuc: Nuclease, req: GuideRequest, models: list[str]) -> list[str]:
    notes = []
    if not [m for m in models if MODELS.get(m.lower()) and MODELS[m.lower()].kind == "efficiency"]:
        notes.append(
            f"on-target efficiency: unscored — vivo has no on-target model for {nuc.name}; "
            "guides carry the 'unscored' flag"
        )
    rs3 = MODELS["ruleset3"]
    if req.models is None and not rs3.available() and rs3.unsupported_reason(nuc) is None:
        notes.append(f"Rule Set 3 not used: {rs3.install_hint}")
    return notes


def write_guides(
    result: GuideResult, path: str | Path, *, fmt: str | None = None, force: bool = True
) -> Path:
    """Write ``result`` atomically as ``tsv``, ``json`` or ``bed`` (default: from the suffix).

    An existing file is replaced only with ``force`` (``--force``).
    """
    import json

    target = Path(path)
    kind = (fmt or target.suffix.lstrip(".") or "tsv").lower()
    renderers: dict[str, Callable[[], str]] = {
        "tsv": result.to_tsv,
        "bed": result.to_bed,
        "json": lambda: json.dumps(result.to_dict(), indent=2) + "\n",
    }
    render = renderers.get(kind)
    if render is None:
        raise InputError(f"unknown output format {kind!r}", hint="use tsv, json or bed")
    return write_text_atomic(target, render(), force=force)
