"""Exon skipping for DMD: the skip that restores the reading frame, from the patient's lesion.

:func:`rna_exon_skip` reads the lesion (an HGVS deletion or duplication, exact or with uncertain
breakpoints, or a point variant in an exon) against the RefSeq Dp427m exon table
(:mod:`vivo.knowledge.exons`, the one frame calculator), chooses the skips that restore the frame
(Aartsma-Rus 2009), and builds the splice-switching oligo option with the approved skips as
precedents (Exondys 51, Vyondys 53, Viltepso, Amondys 45). Part of the RNA family of strategies
(:mod:`vivo.planning.strategies.rna`), whose delivery, risks and option shape it shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition
from vivo.knowledge.exons import (
    ExonTable,
    exact_as_uncertain,
    exon_change,
    frame_shift,
    load_exon_table,
    skips_restoring_frame,
)
from vivo.knowledge.products import Product, find_products
from vivo.knowledge.sources import Source
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, literature, product_precedent
from vivo.planning.plan import Option, Precedent, Risk, VariantFacts
from vivo.planning.requests import AsoDesign
from vivo.planning.strategies._common import finish_option, impossible_option
from vivo.planning.strategies.rna import (
    INVESTIGATIONAL_CAP,
    NEW_EXON_SCORE,
    OLIGO_RISKS,
    RNA_ROUTE,
    in_vivo_option,
    rna_needs,
)
from vivo.variants.hgvs import parse_hgvs
from vivo.variants.uncertain import is_uncertain_hgvs, parse_uncertain

__all__ = [
    "AMENABILITY_UNKNOWN_CAP",
    "COCKTAIL_STUDY",
    "DmdDeletion",
    "dmd_lesion",
    "rna_exon_skip",
]

#: exon skipping without the patient's deletion: whether any approved skip applies is unknown
#: (about 13% of patients are amenable to exon 51 skipping, Aartsma-Rus 2009), so it scores as
#: an unproven skip
AMENABILITY_UNKNOWN_CAP = NEW_EXON_SCORE

#: a multi-exon skip needs one oligo per exon given together: exons 45-51 were skipped in
#: patient muscle cells with a combination of oligos against the outer exons 45 and 51
COCKTAIL_STUDY = (
    "Aartsma-Rus et al. 2006, Mol Ther 14:401, doi:10.1016/j.ymthe.2006.02.022: exons 45-51 "
    "skipped in patient cells with a combination of oligos against exons 45 and 51"
)


@dataclass(frozen=True, slots=True)
class DmdDeletion:
    """A DMD lesion read from an HGVS c. variant: coding bases removed per exon, or the exon of
    a point variant; ``note`` says what could not be read."""

    hgvs: str
    removed: dict[int, int]
    point_exon: int | None
    note: str
    edit: Literal["del", "dup"] = "del"
    unknown: str = ""  # what the description cannot say (uncertain breakpoints)

    @property
    def exons(self) -> tuple[int, ...]:
        """Exons touched by the deletion, 5' to 3'."""
        return tuple(sorted(self.removed))


def _cds_base(pos: object, *, start: bool) -> int | None:
    """First (start) or last (end) coding base a breakpoint leaves out; None if not in the CDS."""
    if not isinstance(pos, CodingPosition) or pos.region != "cds":
        return None
    if pos.offset == 0:
        return pos.base
    # an intronic breakpoint: c.N-k lies before exon base N, c.N+k after base N
    if start:
        return pos.base if pos.offset < 0 else pos.base + 1
    return pos.base if pos.offset > 0 else pos.base - 1


def dmd_lesion(table: ExonTable, variant: VariantFacts) -> DmdDeletion:
    """Read which DMD exons a variant removes (deletions) or hits (substitutions)."""
    if is_uncertain_hgvs(variant.hgvs):
        return _uncertain_lesion(table, variant)
    try:
        v = parse_hgvs(variant.hgvs, gene="DMD")
    except InputError as exc:
        return DmdDeletion(variant.hgvs, {}, None, f"cannot read {variant.hgvs}: {exc}")
    if v.kind != "c":
        return DmdDeletion(variant.hgvs, {}, None, "give the DMD variant in c. (NM_004006) terms")
    first, last = _cds_base(v.start, start=True), _cds_base(v.end, start=False)
    if first is None or last is None:
        return DmdDeletion(variant.hgvs, {}, None, "the variant lies outside the coding sequence")
    if v.edit.kind == "dup" and v.is_range:
        change = exon_change(table, exact_as_uncertain(v))
        if change.whole and not change.partial:  # whole exons duplicated
            return DmdDeletion(variant.hgvs, change.changed_nt or {}, None, "", "dup")
    if v.edit.kind != "del":
        e = table.exon_of_cds(first)
        exon = e.number if e is not None and v.start.offset == 0 else None  # type: ignore[union-attr]
        return DmdDeletion(variant.hgvs, {}, exon, "" if exon else "not in a resolved exon")
    removed: dict[int, int] = {}
    for e in table.exons:
        if e.cds_first is None or e.cds_last is None:
            if e.number >= 70 and last >= 10087:
                return DmdDeletion(
                    variant.hgvs, {}, None,
                    "the deletion reaches exon 70 or beyond, whose length vivo's exon table "
                    "does not resolve",
                )  # fmt: skip
            continue
        lo, hi = max(first, e.cds_first), min(last, e.cds_last)
        if lo <= hi:
            removed[e.number] = hi - lo + 1
    note = "" if removed else "the deletion removes no coding base of a resolved exon"
    return DmdDeletion(variant.hgvs, removed, None, note)


def _uncertain_lesion(table: ExonTable, variant: VariantFacts) -> DmdDeletion:
    """A deletion/duplication with uncertain breakpoints, read on the exon table."""
    try:
        change = exon_change(table, parse_uncertain(variant.hgvs, gene="DMD"))
    except InputError as exc:
        return DmdDeletion(variant.hgvs, {}, None, f"cannot read {variant.hgvs}: {exc}")
    unknown = "; ".join(change.unknown)
    if change.changed_nt is None:
        return DmdDeletion(
            variant.hgvs, {}, None, f"{change.summary()}", change.edit, unknown
        )  # fmt: skip
    return DmdDeletion(variant.hgvs, change.changed_nt, None, "", change.edit, unknown)


def _skip_products(exons: tuple[int, ...]) -> tuple[Product, ...]:
    """Approved exon-skipping drugs for exactly this one exon (Exondys 51 for exon 51, ...)."""
    if len(exons) != 1:
        return ()
    word = re.compile(rf"\bexon {exons[0]}\b")
    return tuple(p for p in find_products(target="DMD", modality="rna") if word.search(p.target))


def rna_exon_skip(ctx: Context) -> Option | None:
    """Exon skipping for DMD, chosen from the patient's deletion by the reading-frame rule."""
    if ctx.gene != "DMD":
        return None
    table = load_exon_table("DMD")
    vehicle, why = RNA_ROUTE["muscle"]
    variant = ctx.first_variant
    if variant is None:
        return _skip_unknown(ctx, vehicle, why, "no variant given")
    lesion = dmd_lesion(table, variant)
    if lesion.point_exon is not None:
        exon = table.exon(lesion.point_exon)
        internal = 2 <= exon.number <= table.count - 1
        if exon.length_nt is not None and exon.length_nt % 3 == 0 and internal:
            return _skip_option(ctx, table, lesion, (exon.number,), vehicle, why)
        doubles = _point_double_skips(table, exon.number) if internal else ()
        if doubles:  # an out-of-frame exon skipped with a neighbour (Aartsma-Rus 2009)
            return _skip_option(ctx, table, lesion, doubles[0], vehicle, why, alternatives=doubles)
        reason = (
            f"exon {exon.number} holds the {'start' if exon.number == 1 else 'stop'} codon and "
            "cannot be skipped"
            if not internal
            else f"exon {exon.number}'s {exon.length_nt} nt are not a multiple of 3 and no skip "
            "of it with a neighbouring exon restores the reading frame"
        )
        return impossible_option(
            ctx, "rna-exon-skip", "Exon skipping (DMD)", "correct",
            f"{variant.hgvs} lies in exon {exon.number}: {reason}.",
            vehicle=vehicle, editor="splice-switching PMO",
        )  # fmt: skip
    if lesion.note:
        return _skip_unknown(ctx, vehicle, why, lesion.note)
    if lesion.edit == "dup":
        return _duplication_skip(ctx, table, lesion, vehicle, why)
    if frame_shift(table, lesion.removed) == 0:
        return impossible_option(
            ctx, "rna-exon-skip", "Exon skipping (DMD)", "correct",
            f"The deletion of exon(s) {_span(lesion.exons)} keeps the reading frame (in-frame, "
            "Becker-like): there is no frame to restore by skipping."
            + (f" Not known: {lesion.unknown}." if lesion.unknown else ""),
            vehicle=vehicle, editor="splice-switching PMO",
        )  # fmt: skip
    skips = skips_restoring_frame(table, lesion.removed)
    if not skips:
        return impossible_option(
            ctx, "rna-exon-skip", "Exon skipping (DMD)", "correct",
            f"No skip of one or two exons next to the deletion of exon(s) "
            f"{_span(lesion.exons)} restores the reading frame.",
            vehicle=vehicle, editor="splice-switching PMO",
        )  # fmt: skip
    best = min(skips, key=lambda s: (-len(_skip_products(s)), len(s), s))
    return _skip_option(ctx, table, lesion, best, vehicle, why, alternatives=skips)


#: exon skipping of duplications: single-exon duplications in patient muscle cells (exon 45:
#: one copy skipped, wild-type dystrophin; exon 44: both copies skipped, out of frame)
DUPLICATION_STUDY = Precedent(
    name="Aartsma-Rus et al. 2007 (BMC Med Genet 8:43)",
    level="preclinical",
    summary="Antisense oligos against a duplicated exon in DMD patient muscle cells: exon 45 "
    "duplication, one copy skipped and wild-type dystrophin restored; exon 44 duplication, both "
    "copies skipped (out of frame again), rescued by also skipping exon 43.",
    sources=(Source("AartsmaRus2007", "https://doi.org/10.1186/1471-2350-8-43"),),
)
#: exon 2 duplication: skipping exon 2 (one copy: full length; both: translation from the exon 5
#: IRES, an N-truncated functional dystrophin) in patient cells and Dup2 mice
EXON2_STUDY = Precedent(
    name="Wein et al. 2014 (Nat Med 20:992)",
    level="preclinical",
    summary="Exon 2 skipping (U7 snRNA by AAV9, or antisense oligos) in exon 2 duplication "
    "patient cells and Dup2 mice: the exon 5 IRES makes an N-truncated dystrophin that "
    "corrected muscle force in mice.",
    sources=(Source("Wein2014", "https://doi.org/10.1038/nm.3628"),),
)


def _duplication_skip(
    ctx: Context, table: ExonTable, lesion: DmdDeletion, vehicle: str, why: str
) -> Option:
    """Skipping a duplicated exon: covered for single-exon duplications of internal exons."""
    exons = lesion.exons
    part = [n for n in exons if lesion.removed[n] != table.exon(n).coding_nt]
    if part:
        return impossible_option(
            ctx, "rna-exon-skip", "Exon skipping (DMD)", "correct",
            f"Not covered by vivo: the duplication doubles only part of exon(s) "
            f"{_span(tuple(part))}; skipping a duplicated exon applies to whole exons.",
            vehicle=vehicle, editor="splice-switching PMO",
        )  # fmt: skip
    if len(exons) != 1 or not 2 <= exons[0] <= table.count - 1:
        return impossible_option(
            ctx, "rna-exon-skip", "Exon skipping (DMD)", "correct",
            f"Not covered by vivo: skipping for a duplication of exon(s) {_span(exons)} "
            "(vivo plans single-exon duplications of internal exons; multi-exon duplications "
            "need several duplicated exons skipped, with mistargeting of the original copies "
            "reported: Aartsma-Rus 2007).",
            vehicle=vehicle, editor="splice-switching PMO",
        )  # fmt: skip
    n = exons[0]
    nt = table.exon(n).coding_nt or 0
    both = (
        "the exon-2-deleted transcript, translated from the exon 5 IRES (N-truncated, "
        "functional in Dup2 mice: Wein 2014)"
        if n == 2
        else (
            "an in-frame deletion of the exon (Becker-like)"
            if nt % 3 == 0
            else f"an out-of-frame transcript again (exon {n}: {nt} nt), as seen for the exon "
            "44 duplication"
        )
    )
    precedents = (DUPLICATION_STUDY, *((EXON2_STUDY,) if n == 2 else ()))
    drugs = ", ".join(p.brand for p in _skip_products((n,)))
    opt = in_vivo_option(
        id="rna-exon-skip",
        title=f"Exon {n} skipping for the exon {n} duplication (investigational)",
        family="correct",
        vehicle=vehicle,
        editor="splice-switching PMO" + (" or U7 snRNA (AAV9)" if n == 2 else ""),
        cell_source="n/a (muscle treated in place)",
        rationale=(
            f"{lesion.hgvs}: duplication of exon {n} ({nt} coding nt"
            + (f"; not known: {lesion.unknown}" if lesion.unknown else "")
            + f"). Skipping one copy of exon {n} gives back the full-length, wild-type "
            f"transcript; skipping both copies gives {both}.",
            (f"Approved oligos skip exon {n} ({drugs}), for deletions, not duplications. "
             if drugs else "")
            + "Duplication skipping has preclinical evidence only (patient cells"
            + (", Dup2 mice)." if n == 2 else ")."),
            why,
        ),
        precedents=precedents,
        risks=(
            *OLIGO_RISKS,
            Risk(
                "efficacy",
                "high" if n != 2 and nt % 3 else "medium",
                "The oligo binds both copies of the exon: the share of transcripts with one "
                "copy skipped (wild type) versus both (" + both + ") is not predictable.",
            ),
        ),
        designs=(
            AsoDesign(
                purpose=f"splice-switching oligos that skip DMD exon {n} (one copy of the "
                "duplication)",
                gene="DMD",
                mode="skip",
                exon=n,
                chemistry="PMO (uniform phosphorodiamidate morpholino)",
                precedent=None,
                needs=rna_needs(ctx, "DMD", n),
            ),
        ),
    )  # fmt: skip
    return finish_option(opt, min(NEW_EXON_SCORE, INVESTIGATIONAL_CAP))


def _point_double_skips(table: ExonTable, n: int) -> tuple[tuple[int, int], ...]:
    """Skips of exon ``n`` with one neighbour whose coding bases sum to a multiple of 3."""
    out = []
    for pair in ((n - 1, n), (n, n + 1)):
        nts = [table.exon(k).coding_nt if 2 <= k <= table.count - 1 else None for k in pair]
        if all(nt is not None for nt in nts) and sum(nt or 0 for nt in nts) % 3 == 0:
            out.append(pair)
    return tuple(out)


def _span(exons: tuple[int, ...]) -> str:
    return str(exons[0]) if len(exons) == 1 else f"{exons[0]}-{exons[-1]}"


def _skip_option(
    ctx: Context,
    table: ExonTable,
    lesion: DmdDeletion,
    skip: tuple[int, ...],
    vehicle: str,
    why: str,
    *,
    alternatives: tuple[tuple[int, ...], ...] = (),
) -> Option:
    products = _skip_products(skip)
    precedents = tuple(product_precedent(p) for p in products)
    precedents += (
        literature(
            "AartsmaRus2009",
            "preclinical",
            "Reading-frame rule applied to the Leiden DMD database: which exon skips restore "
            "the frame of each deletion (theoretic applicability).",
        ),
    )
    what = "+".join(str(s) for s in skip)
    lesion_text = (
        f"deletion of exon(s) {_span(lesion.exons)} (frame shift "
        f"{frame_shift(table, lesion.removed)})"
        if lesion.removed
        else f"a variant in exon {skip[0]}, an in-frame exon ({table.exon(skip[0]).length_nt} nt)"
        if len(skip) == 1
        else f"a variant in exon {lesion.point_exon}, an out-of-frame exon "
        f"({table.exon(lesion.point_exon or skip[0]).length_nt} nt), skipped with a neighbour"
    )
    others = [("+".join(map(str, s))) for s in alternatives if s != skip]
    drugs = ", ".join(p.brand for p in products)
    opt = in_vivo_option(
        id="rna-exon-skip",
        title=f"Exon {what} skipping (splice-switching PMO)",
        family="correct",
        vehicle=vehicle,
        editor="splice-switching PMO",
        cell_source="n/a (muscle treated in place)",
        rationale=(
            f"{lesion.hgvs}: {lesion_text}"
            + (f" (not known: {lesion.unknown})" if lesion.unknown else "")
            + f". Skipping exon {what} removes "
            f"{sum((table.exon(s).coding_nt or 0) for s in skip)} more coding nt, restoring "
            "the reading frame: a shorter, partly functional dystrophin (Becker-like).",
            (
                f"Approved for exon {what}: {drugs}."
                if drugs
                else f"No approved oligo skips "
                f"exon {what}; the chemistry is approved for exons 45, 51 and 53."
            )
            + (
                f" Skipping {len(skip)} exons needs a cocktail of oligos, one per exon, given "
                f"together ({COCKTAIL_STUDY})."
                if len(skip) > 1
                else ""
            )
            + (f" Other frame-restoring skips: {', '.join(others)}." if others else ""),
            why,
        ),
        precedents=precedents,
        risks=(
            *OLIGO_RISKS,
            Risk(
                "efficacy",
                "medium",
                "Accelerated approvals rest on small increases of dystrophin; clinical benefit "
                "awaits confirmatory trials.",
            ),
        ),
        designs=(
            AsoDesign(
                purpose=f"splice-switching oligos that skip DMD exon {skip[0]}"
                if len(skip) == 1
                else f"a cocktail of splice-switching oligos, one per exon, that skips DMD "
                f"exons {what} together",
                gene="DMD",
                mode="skip",
                exons=skip,
                chemistry="PMO (uniform phosphorodiamidate morpholino)",
                precedent=products[0].brand if products else None,
                needs=rna_needs(ctx, "DMD", skip),
            ),
        ),
    )
    base = best_level_score(precedents[:-1]) if products else NEW_EXON_SCORE
    if len(skip) > 1:
        base = min(base, INVESTIGATIONAL_CAP)
    return finish_option(opt, base)


def _skip_unknown(ctx: Context, vehicle: str, why: str, reason: str) -> Option:
    products = tuple(p for p in find_products(target="DMD", modality="rna"))
    precedents = tuple(product_precedent(p) for p in products)
    opt = in_vivo_option(
        id="rna-exon-skip",
        title="Exon skipping (splice-switching PMO): amenability unknown",
        family="correct",
        vehicle=vehicle,
        editor="splice-switching PMO",
        cell_source="n/a (muscle treated in place)",
        rationale=(
            f"Which exon to skip depends on the patient's deletion ({reason}); give it by "
            "exon number (vivo plan DMD --exons 48-50) or as HGVS, e.g. "
            "DMD:c.(6912+1_6913-1)_(7309+1_7310-1)del for exons 48-50.",
            "Approved skips: exon 51 (Exondys 51), 53 (Vyondys 53, Viltepso), 45 (Amondys 45).",
            why,
        ),
        precedents=precedents,
    )
    return finish_option(opt, min(best_level_score(precedents), AMENABILITY_UNKNOWN_CAP))
