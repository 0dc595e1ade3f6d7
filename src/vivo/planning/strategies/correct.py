"""Correct the variant: HDR, base editing, prime editing."""

from __future__ import annotations

from typing import Literal

from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, literature
from vivo.planning.plan import DeliveryMode, Option, Precedent
from vivo.planning.requests import (
    BaseEditDesign,
    DesignRequest,
    DonorDesign,
    EditorKind,
    GuideDesign,
    OffTargetDesign,
    PrimeEditDesign,
    SpacerSource,
)
from vivo.planning.strategies._common import (
    BENIGN_CONVERSIONS,
    EDIT_ROUTE,
    MAX_PRIME_EDIT_BP,
    finish_option,
    impossible_option,
    with_needs,
)

__all__ = ["correct_base_edit", "correct_hdr", "correct_prime_edit"]


def _offtargets(ctx: Context, purpose: str, source: SpacerSource) -> OffTargetDesign:
    return OffTargetDesign(purpose=purpose, gene=ctx.gene, source=source)


def _needing(ctx: Context, *requests: DesignRequest) -> tuple[DesignRequest, ...]:
    return tuple(with_needs(ctx, r) for r in requests)


def _variant_or_none(ctx: Context) -> bool:
    return ctx.first_variant is not None


def correct_hdr(ctx: Context) -> Option | None:
    """Cut next to the variant and copy the normal sequence from a donor template."""
    if not _variant_or_none(ctx):
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    precedents: tuple[Precedent, ...] = ()
    rationale = ["Restores the normal sequence exactly, under the gene's own regulation."]
    base = best_level_score(()) + 5.0
    if ctx.tissue == "blood":
        precedents = (
            literature(
                "Dever2016",
                "preclinical",
                "Cas9 RNP + AAV6 donor corrected "
                "the sickle mutation in human HSPCs that engrafted in mice.",
            ),
        )
        rationale.append(
            "In HSCs, HDR competes with NHEJ and HDR-edited long-term stem cells "
            "engraft less well, so the corrected fraction after infusion is lower "
            "than in culture."
        )
        base = best_level_score(precedents) - 10.0
    else:
        rationale.append(
            f"Most cells of the {ctx.tissue_label} do not divide; HDR is rare "
            "there, so in vivo correction by HDR is inefficient."
        )
        base -= 10.0
    opt = Option(
        id="correct-hdr",
        title="Correction by Cas9 cut and homology-directed repair (donor)",
        family="correct",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9 + donor",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=(*risks.DSB, *(risks.CONDITIONING if ctx.tissue == "blood" else ())),
        designs=_needing(
            ctx,
            GuideDesign(
                purpose="Cas9 guides cutting within 20 bp of the variant",
                gene=ctx.gene,
                site="variant",
                window_bp=40,
            ),
            DonorDesign(
                purpose="single-stranded donor (ssODN) restoring the normal "
                "base, with a PAM-blocking silent change",
                gene=ctx.gene,
            ),
            _offtargets(ctx, "off-target sites of the top guides", "guides"),
        ),
    )
    return finish_option(opt, base)


def _correcting_editor(ref: str, alt: str) -> EditorKind | Literal[""]:
    """Base editor turning ``alt`` back into ``ref`` (coding strand); '' for a transversion."""
    change = (alt.upper(), ref.upper())
    if change in (("A", "G"), ("T", "C")):
        return "ABE"
    if change in (("C", "T"), ("G", "A")):
        return "CBE"
    return ""


def correct_base_edit(ctx: Context) -> Option | None:
    """Base editing: direct correction of a transition, or a known benign alternative."""
    v = ctx.first_variant
    if v is None:
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    editor = _correcting_editor(v.ref, v.alt) if v.is_substitution else ""
    benign = BENIGN_CONVERSIONS.get((ctx.gene, v.protein))
    if benign:
        return _benign_base_edit(ctx, benign, delivery, vehicle, cell)
    title = "Direct correction by base editing"
    if not editor:
        why = (
            f"{v.hgvs} is not a single-base substitution"
            if not v.is_substitution
            else f"reverting {v.alt}>{v.ref} is a transversion, which no base editor makes"
        )
        return impossible_option(
            ctx,
            "correct-base-edit",
            title,
            "correct",
            f"Base editing cannot correct it: {why}; use prime editing or HDR.",
            delivery=delivery,
            vehicle=vehicle,
        )
    opt = Option(
        id="correct-base-edit",
        title=f"Direct correction by {editor} base editing",
        family="correct",
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"Reverting {v.alt}>{v.ref} is a transition that an {editor} makes without a "
            "double-strand break or donor.",
        ),
        risks=(*risks.BASE_EDIT, *(risks.CONDITIONING if ctx.tissue == "blood" else ())),
        designs=_needing(
            ctx,
            BaseEditDesign(
                purpose=f"{editor} guides placing the variant in the activity window",
                gene=ctx.gene,
                editor=editor,
            ),
            _offtargets(ctx, "off-target sites of the top base-editing guides", "base_editing"),
        ),
    )
    return finish_option(opt, best_level_score(()) + 15.0)


def _benign_base_edit(
    ctx: Context,
    benign: tuple[EditorKind, str, str, str],
    delivery: DeliveryMode,
    vehicle: str,
    cell: str,
) -> Option:
    editor, edit, name, key = benign
    precedents = (
        literature(
            key,
            "preclinical",
            f"{editor} converted the sickle allele to "
            f"{name.split(' (')[0]} in patient HSPCs; edited cells engrafted "
            "in mice and red cells no longer sickled.",
        ),
    )
    opt = Option(
        id="correct-base-edit",
        title=f"Base editing to {name.split(' (')[0]}",
        family="correct",
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            "Reverting the variant directly is a transversion no base editor makes.",
            f"Instead an {editor} makes {edit}, giving {name}.",
            "No double-strand break, no donor.",
        ),
        precedents=precedents,
        risks=(*risks.BASE_EDIT, *(risks.CONDITIONING if ctx.tissue == "blood" else ())),
        designs=_needing(
            ctx,
            BaseEditDesign(
                purpose=f"{editor} guides for {edit}", gene=ctx.gene, editor=editor, target=edit
            ),
            _offtargets(ctx, "off-target sites of the top base-editing guides", "base_editing"),
        ),
    )
    return finish_option(opt, best_level_score(precedents) + 5.0)


def correct_prime_edit(ctx: Context) -> Option | None:
    """Prime editing writes the normal sequence back (any small substitution or indel)."""
    v = ctx.first_variant
    if v is None:
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    if v.length_bp > MAX_PRIME_EDIT_BP or not v.length_known:
        size = (
            f"The variant spans {v.length_bp:,} bp"
            if v.length_known
            else f"The variant's size is not known: its ends lie in introns and the genomic "
            f"sequence of {ctx.gene} is not loaded (at least {v.length_bp:,} bp; pass --genome "
            "and --annotation to measure it)"
        )
        return impossible_option(
            ctx,
            "correct-prime-edit",
            "Correction by prime editing",
            "correct",
            f"{size}; prime editing writes edits up to about {MAX_PRIME_EDIT_BP} bp.",
            delivery=delivery,
            vehicle=vehicle,
            editor="PE",
        )
    precedents: tuple[Precedent, ...] = (
        literature(
            "Anzalone2019",
            "preclinical",
            "Prime editing corrected the sickle mutation (and other transversions) in human cells.",
        ),
    )
    if ctx.gene == "HBB":
        precedents += (
            literature(
                "Everette2023",
                "preclinical",
                "Ex vivo prime editing of SCD "
                "patient HSPCs corrected HBB; edited cells engrafted in mice.",
            ),
        )
    opt = Option(
        id="correct-prime-edit",
        title="Correction by prime editing",
        family="correct",
        delivery=delivery,
        vehicle=vehicle,
        editor="PE",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            "Writes the normal sequence back with a pegRNA: any of the 12 substitutions "
            "and small indels, without a double-strand break or donor.",
            "Efficiency depends strongly on the pegRNA (PBS and RT-template lengths).",
        ),
        precedents=precedents,
        risks=(*risks.PRIME_EDIT, *(risks.CONDITIONING if ctx.tissue == "blood" else ())),
        designs=_needing(
            ctx,
            PrimeEditDesign(purpose="pegRNAs that revert the variant", gene=ctx.gene),
            _offtargets(ctx, "off-target sites of the top pegRNA spacers", "prime_editing"),
        ),
    )
    return finish_option(opt, best_level_score(precedents) + 2.0)
