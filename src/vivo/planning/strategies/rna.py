"""RNA therapies: oligonucleotides that silence a transcript or change its splicing.

The RNA family of strategies (issue 15). Each builder returns one option whose family is the
biological goal (``silence``, ``induce``, ``correct``) and whose ``editor``/``vehicle`` name the
oligonucleotide and its delivery; the score is the precedents' (the approved oligonucleotides in
the knowledge base, weighed by status and safety like every other product):

- :func:`rna_knockdown`: siRNA or RNase H gapmer against a gain-of-function or dominant toxic
  gene (TTR, SOD1, PCSK9: both alleles, as the approved drugs do; HTT, RHO: the mutant allele
  only, by the variant or a linked heterozygous SNP, which is investigational);
- :func:`rna_splice_inclusion`: a splice-switching ASO that makes a compensating paralog include
  an exon (SMN2 exon 7 for SMA: nusinersen);
- :func:`rna_exon_skip`: a splice-switching oligo that skips a DMD exon so that a deletion's
  reading frame is restored, the exon chosen from the patient's deletion by the reading-frame
  rule (:mod:`vivo.knowledge.exons`);
- :func:`rna_target_knockdown`: knockdown of a drug target that is not the disease gene, where an
  approved RNA drug for the disease does it (found from the products' indications).

Delivery follows the precedent: GalNAc conjugates (subcutaneous) or LNP (intravenous) for
hepatocytes, intrathecal injection for the CNS, intravenous naked PMO for muscle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from vivo.core.errors import InputError
from vivo.genome.annotation import CodingPosition
from vivo.knowledge.diseases import Disease
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
from vivo.planning.context import Context, TissueClass
from vivo.planning.evidence import (
    NO_EVIDENCE_SCORE,
    best_level_score,
    literature,
    product_precedent,
    product_precedents,
    treats,
)
from vivo.planning.plan import Family, Option, Precedent, Risk, VariantFacts
from vivo.planning.requests import AsoDesign, DesignRequest, SirnaDesign
from vivo.planning.strategies._common import finish_option, impossible_option
from vivo.variants.hgvs import parse_hgvs
from vivo.variants.uncertain import is_uncertain_hgvs, parse_uncertain

__all__ = [
    "ALLELE_SELECTIVE_SCORE",
    "INVESTIGATIONAL_CAP",
    "NEW_EXON_SCORE",
    "RNA_GOALS",
    "RNA_RECORDS",
    "SPLICE_INCLUSION",
    "DmdDeletion",
    "dmd_lesion",
    "rna_exon_skip",
    "rna_knockdown",
    "rna_needs",
    "rna_splice_inclusion",
    "rna_target_knockdown",
]

#: score of an allele-selective oligo without any clinical precedent: no editing and reversible,
#: but investigational (a ranking convention, docs/planner.md "RNA therapies")
ALLELE_SELECTIVE_SCORE = NO_EVIDENCE_SCORE + 15.0
#: investigational strategies never score above this, whatever their class precedent
INVESTIGATIONAL_CAP = 60.0
#: an exon skip that restores the frame but has no approved oligo for that exon: the chemistry
#: is approved for other exons (class precedent), the oligo would be a new drug
NEW_EXON_SCORE = NO_EVIDENCE_SCORE + 15.0
#: exon skipping without the patient's deletion: whether any approved skip applies is unknown
#: (about 13% of patients are amenable to exon 51 skipping, Aartsma-Rus 2009), so it scores as
#: an unproven skip
AMENABILITY_UNKNOWN_CAP = NEW_EXON_SCORE

#: transcript records vivo bundles (vivo.rna.transcript.bundled_transcript), by (gene, exon):
#: a design request they cover needs no sequence from the genome in use
RNA_RECORDS: dict[tuple[str, int | None], str] = {
    ("SMN2", 7): "SMN2-exon7",
    ("DMD", 51): "DMD-exon51",
    ("ADA", None): "ADA",
}


def rna_needs(ctx: Context, gene: str, exon: int | tuple[int, ...] | None) -> str:
    """What sequence an RNA design of ``gene`` (around ``exon``, or each exon of a tuple) needs,
    or ``""`` when a bundled record or the genome in use has it."""
    if gene == ctx.gene and ctx.sequence_available:
        return ""
    exons = (exon,) if not isinstance(exon, tuple) else exon
    missing = [n for n in exons if (gene, n) not in RNA_RECORDS]
    if not missing:
        return ""
    what = (
        f"{gene} mRNA"
        if missing == [None]
        else f"{gene} pre-mRNA around exon{'s' if len(missing) > 1 else ''} "
        + " and ".join(str(n) for n in missing)
    )
    bundled = [k[1] for k in RNA_RECORDS if k[0] == gene and k[1] is not None]
    extra = f" (vivo bundles {gene} exon {', '.join(map(str, bundled))} only)" if bundled else ""
    return (
        f"{what}{extra}: a genome that holds {gene} with its annotation (--genome, "
        "--annotation); `vivo rna` designs on a transcript file too"
    )


#: what an RNA option achieves where its family's words would mislead (the decision flow's
#: family step): exon skipping restores the reading frame of a deletion, it does not correct the
#: variant; the protein made is internally shortened and partly functional, as in Becker
#: muscular dystrophy (Aartsma-Rus 2009)
RNA_GOALS: dict[str, str] = {
    "rna-exon-skip": "restore the reading frame (Becker-like), not correct the variant",
}

#: a multi-exon skip needs one oligo per exon given together: exons 45-51 were skipped in
#: patient muscle cells with a combination of oligos against the outer exons 45 and 51
COCKTAIL_STUDY = (
    "Aartsma-Rus et al. 2006, Mol Ther 14:401, doi:10.1016/j.ymthe.2006.02.022: exons 45-51 "
    "skipped in patient cells with a combination of oligos against exons 45 and 51"
)

#: routes of oligonucleotide delivery by tissue: (vehicle, why)
RNA_ROUTE: dict[TissueClass, tuple[str, str]] = {
    "liver": (
        "GalNAc conjugate, subcutaneous (or LNP, intravenous)",
        "GalNAc binds the asialoglycoprotein receptor of hepatocytes: a subcutaneous oligo "
        "reaches the liver without a carrier (vutrisiran, eplontersen, inclisiran); patisiran "
        "uses a lipid nanoparticle given intravenously.",
    ),
    "cns": (
        "intrathecal injection (naked oligonucleotide)",
        "Oligonucleotides do not cross the blood-brain barrier: they are injected into the "
        "cerebrospinal fluid by lumbar puncture (nusinersen, tofersen) and re-dosed.",
    ),
    "muscle": (
        "intravenous infusion (naked PMO)",
        "Phosphorodiamidate morpholino oligomers are infused weekly and reach skeletal muscle "
        "(eteplirsen, golodirsen, viltolarsen, casimersen).",
    ),
    "retina": (
        "intravitreal injection",
        "The eye is closed off: an oligonucleotide is injected into the vitreous.",
    ),
    "blood": ("LNP, intravenous", "No approved oligonucleotide targets blood stem cells."),
    "skin": ("topical or intradermal", "No approved oligonucleotide targets skin."),
    "other": ("systemic injection", "No tissue-specific route; systemic delivery assumed."),
}

OLIGO_RISKS: tuple[Risk, ...] = (
    Risk(
        "off_target",
        "low",
        "Hybridisation-dependent off-target knockdown or mis-splicing of transcripts with near "
        "complementary sites; the dossier counts them in the transcriptome.",
    ),
    Risk(
        "efficacy",
        "medium",
        "An oligonucleotide does not change DNA: its effect wears off and it is re-dosed for "
        "life (every few weeks to every 6 months).",
    ),
)


@dataclass(frozen=True, slots=True)
class SpliceInclusion:
    """A splice-switching precedent that makes a paralog include an exon."""

    gene: str
    exon: int
    chemistry: str
    study: str
    study_summary: str


#: compensating genes whose exon inclusion has a precedent (the nusinersen target ISS-N1)
SPLICE_INCLUSION: dict[str, SpliceInclusion] = {
    "SMN2": SpliceInclusion(
        "SMN2",
        7,
        "uniform 2'-MOE phosphorothioate 18-mer",
        "Singh2006",
        "An antisense oligo against the intronic splicing silencer ISS-N1 (SMN2 intron 7, "
        "+10 to +27) restores exon 7 inclusion: the site nusinersen targets.",
    ),
}


def _rna_products(genes: tuple[str, ...], disease: Disease | None) -> tuple[Product, ...]:
    seen: dict[str, Product] = {}
    for g in genes:
        for p in find_products(target=g, modality="rna"):
            seen.setdefault(p.brand, p)
    products = list(seen.values())
    if disease is not None and any(treats(p, disease) for p in products):
        products = [p for p in products if treats(p, disease)]
    return tuple(products)


def _chemistry(products: tuple[Product, ...]) -> tuple[bool, bool]:
    """(any siRNA, any antisense oligo) among ``products``."""
    sirna = any("sirna" in p.modality_label.lower() for p in products)
    aso = any("antisense" in p.modality_label.lower() for p in products)
    return sirna, aso


def _knockdown_designs(
    ctx: Context, products: tuple[Product, ...], allele: bool
) -> tuple[DesignRequest, ...]:
    sirna, aso = _chemistry(products)
    if not products:  # no precedent: siRNA for the liver (GalNAc), gapmers elsewhere
        sirna, aso = ctx.tissue == "liver", ctx.tissue != "liver"
    kinds = {p.vector_class for p in products}
    conjugate: Literal["GalNAc", "LNP", "none"] = "none"
    if ctx.tissue == "liver":
        conjugate = "LNP" if kinds == {"LNP"} else "GalNAc"
    first_sirna = next((p.brand for p in products if "sirna" in p.modality_label.lower()), None)
    first_aso = next((p.brand for p in products if "antisense" in p.modality_label.lower()), None)
    mutant: Literal["mutant"] | None = "mutant" if allele else None
    cover = " that cover the variant or a linked SNP" if allele else ""
    out: list[DesignRequest] = []
    if sirna:
        out.append(
            SirnaDesign(
                purpose=f"siRNA duplexes against the {ctx.gene} mRNA{cover}",
                gene=ctx.gene,
                target_region="cds",
                conjugate=conjugate,
                allele=mutant,
                precedent=first_sirna,
                needs=rna_needs(ctx, ctx.gene, None),
            )
        )
    if aso:
        out.append(
            AsoDesign(
                purpose=f"RNase H gapmer ASOs against the {ctx.gene} transcript{cover}",
                gene=ctx.gene,
                mode="gapmer",
                chemistry="5-10-5 2'-MOE gapmer, phosphorothioate",
                precedent=first_aso,
                allele=mutant,
                needs=rna_needs(ctx, ctx.gene, None),
            )
        )
    return tuple(out)


def _in_vivo(
    *,
    id: str,
    title: str,
    family: Family,
    vehicle: str,
    editor: str,
    rationale: tuple[str, ...],
    precedents: tuple[Precedent, ...],
    designs: tuple[DesignRequest, ...] = (),
    risks: tuple[Risk, ...] = OLIGO_RISKS,
    cell_source: str = "n/a (cells treated in place)",
) -> Option:
    """An in vivo oligonucleotide option (scored later by ``finish_option``)."""
    return Option(
        id=id, title=title, family=family, delivery="in_vivo", vehicle=vehicle, editor=editor,
        cell_source=cell_source, feasibility="possible", score=0.0, rationale=rationale,
        precedents=precedents, risks=risks, designs=designs,
    )  # fmt: skip


def _vehicle(ctx: Context, products: tuple[Product, ...]) -> tuple[str, str]:
    vehicle, why = RNA_ROUTE[ctx.tissue]
    if ctx.tissue == "liver" and products:
        kinds = sorted({p.vector_class for p in products if p.vector_class in ("GalNAc", "LNP")})
        if kinds == ["LNP"]:
            vehicle = "LNP, intravenous"
        elif kinds == ["GalNAc"]:
            vehicle = "GalNAc conjugate, subcutaneous"
    return vehicle, why


def rna_knockdown(ctx: Context) -> Option | None:
    """siRNA or gapmer knockdown of a gain-of-function or dominant toxic gene."""
    if not (ctx.dominant and ctx.mechanism in ("gain_of_function", "dominant_negative")):
        return None
    products = _rna_products((ctx.gene,), ctx.disease)
    precedents = tuple(product_precedent(p) for p in products)
    vehicle, why = _vehicle(ctx, products)
    sirna, aso = _chemistry(products)
    editor = " or ".join(x for x, ok in (("siRNA", sirna), ("gapmer ASO", aso)) if ok)
    if precedents or ctx.knockout_tolerated:
        return _knockdown_all(ctx, precedents, products, vehicle, why, editor or "siRNA")
    return _knockdown_allele(ctx, vehicle, why)


def _knockdown_all(
    ctx: Context,
    precedents: tuple[Precedent, ...],
    products: tuple[Product, ...],
    vehicle: str,
    why: str,
    editor: str,
) -> Option:
    names = ", ".join(p.name for p in precedents)
    opt = _in_vivo(
        id="rna-knockdown",
        title=f"RNA knockdown of {ctx.gene} ({editor})",
        family="silence",
        vehicle=vehicle,
        editor=editor,
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: lowering {ctx.gene} (mutant and "
            "normal transcripts) removes the source of the harmful protein, without changing DNA.",
            (f"Approved precedents: {names}." if names else "No approved oligo for this gene.")
            + " The design engines propose siRNAs or gapmers with their transcriptome "
            "off-targets; the dossier compares them with the approved drug.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=_knockdown_designs(ctx, products, allele=False),
    )
    base = best_level_score(precedents) if precedents else ALLELE_SELECTIVE_SCORE
    return finish_option(opt, base)


#: what became of the HTT-lowering oligos in the clinic (Rook & Southwell 2022, BioDrugs
#: 36:105, key points): tominersen's trial halted for worse clinical outcomes, the two
#: allele-selective oligos (WVE-120101/-102) for not lowering mutant HTT
HTT_TRIALS_HALTED = Risk(
    "efficacy",
    "high",
    "The clinical trials of three HTT-lowering antisense oligos were halted: tominersen "
    "(not allele-selective) for worse clinical outcomes, the two allele-selective oligos for "
    "failing to lower mutant HTT (Rook & Southwell 2022, BioDrugs 36:105, "
    "doi:10.1007/s40259-022-00519-9); as of that review none had shown clinical benefit.",
)


def _knockdown_allele(ctx: Context, vehicle: str, why: str) -> Option:
    precedents: tuple[Precedent, ...] = ()
    if ctx.gene == "HTT":
        precedents = (
            literature(
                "Tabrizi2019",
                "clinical",
                "Intrathecal antisense oligonucleotide (tominersen, not allele-selective) lowered "
                "mutant huntingtin in CSF in a phase 1/2a trial.",
            ),
        )
    snp = (
        "a heterozygous SNP on the same chromosome as the variant (phased, e.g. from a VCF)"
        if ctx.gene == "HTT"
        else "the variant itself or a linked heterozygous SNP"
    )
    snvs = [v.hgvs for v in ctx.variants if v.is_substitution]
    if snvs:
        snp += (
            f"; candidate single-nucleotide variants given: {', '.join(snvs[:10])} (which one "
            "lies on the mutant allele must be established by phasing)"
        )
    opt = _in_vivo(
        id="rna-knockdown-allele-selective",
        title=f"Allele-selective RNA knockdown of the mutant {ctx.gene} allele (investigational)",
        family="silence",
        vehicle=vehicle,
        editor="allele-selective gapmer ASO or siRNA",
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: the normal {ctx.gene} allele is "
            "needed, so only the mutant transcript should be lowered.",
            f"The oligo must tell the alleles apart by {snp}; no allele-selective oligo is "
            "approved, so this is investigational.",
            why,
        ),
        precedents=precedents,
        risks=(
            *OLIGO_RISKS,
            Risk(
                "efficacy",
                "medium",
                "Allele selectivity rests on one mismatch: partial knockdown of the normal "
                "allele is expected.",
            ),
            *((HTT_TRIALS_HALTED,) if ctx.gene == "HTT" else ()),
        ),
        designs=_knockdown_designs(ctx, (), allele=True),
    )
    base = min(best_level_score(precedents), INVESTIGATIONAL_CAP)
    return finish_option(opt, base if precedents else ALLELE_SELECTIVE_SCORE)


def rna_splice_inclusion(ctx: Context) -> Option | None:
    """A splice-switching ASO that makes a compensating paralog include an exon (SMN2)."""
    genes = tuple(g for g in ctx.compensating if g in SPLICE_INCLUSION)
    if not genes:
        return None
    s = SPLICE_INCLUSION[genes[0]]
    precedents = (
        *product_precedents(targets=(s.gene,), modality="rna", disease=ctx.disease),
        literature(s.study, "preclinical", s.study_summary),
    )
    vehicle, why = RNA_ROUTE[ctx.tissue]
    drug = next((p.name for p in precedents if p.level in ("approved", "withdrawn")), None)
    opt = _in_vivo(
        id="rna-splice-inclusion",
        title=f"Splice-switching ASO: {s.gene} exon {s.exon} inclusion",
        family="induce",
        vehicle=vehicle,
        editor=f"splice-switching ASO ({s.chemistry})",
        rationale=(
            f"{s.gene} can take over from {ctx.gene} when it includes exon {s.exon}: a steric "
            "antisense oligo that blocks a splicing silencer makes full-length protein from "
            f"the patient's own {s.gene} copies.",
            (f"Approved precedent: {drug}. " if drug else "")
            + "vivo designs inclusion oligos on the bundled "
            f"{s.gene} exon {s.exon} record and compares them with the approved site.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=(
            AsoDesign(
                purpose=f"splice-switching ASOs for {s.gene} exon {s.exon} inclusion",
                gene=s.gene,
                mode="include",
                exon=s.exon,
                chemistry=s.chemistry,
                precedent=drug,
                needs=rna_needs(ctx, s.gene, s.exon),
            ),
        ),
    )
    return finish_option(opt, best_level_score(precedents))


# ---------------------------------------------------------------------------------------------
# exon skipping (DMD)


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
    opt = _in_vivo(
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
    opt = _in_vivo(
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
    opt = _in_vivo(
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


# ---------------------------------------------------------------------------------------------
# drug targets


def rna_target_knockdown(ctx: Context) -> Option | None:
    """Knockdown of a drug target (not the disease gene) where an approved RNA drug does it."""
    if ctx.disease is None:
        return None
    disease = ctx.disease
    products = tuple(
        p
        for p in find_products(modality="rna")
        if treats(p, disease)
        and not set(p.target_genes) & set(disease.genes)
        and "splice" not in p.modality_label.lower()  # splice switching is rna_splice_inclusion's
    )
    if not products:
        return None
    targets = tuple(dict.fromkeys(g for p in products for g in p.target_genes))
    precedents = tuple(product_precedent(p) for p in products)
    # the drug's delivery decides the route: GalNAc/LNP oligos act in hepatocytes
    liver = any(p.vector_class in ("GalNAc", "LNP") or "GalNAc" in p.vector for p in products)
    vehicle, why = _vehicle(replace(ctx, tissue="liver") if liver else ctx, products)
    sirna, aso = _chemistry(products)
    editor = " or ".join(x for x, ok in (("siRNA", sirna), ("gapmer ASO", aso)) if ok)
    target_ctx = replace(ctx, gene=targets[0], tissue="liver" if liver else ctx.tissue)
    designs = tuple(
        replace(d, needs=rna_needs(ctx, targets[0], None))
        for d in _knockdown_designs(target_ctx, products, allele=False)
    )
    opt = _in_vivo(
        id="rna-target-knockdown",
        title=f"RNA knockdown of the drug target {'/'.join(targets)} ({editor})",
        family="silence",
        vehicle=vehicle,
        editor=editor,
        rationale=(
            f"{'/'.join(targets)} is not the disease gene: lowering it treats {disease.name} "
            "downstream, as the approved drugs do.",
            f"Approved precedents: {', '.join(p.brand for p in products)}.",
            why,
        ),
        precedents=precedents,
        risks=OLIGO_RISKS,
        designs=designs,
    )
    return finish_option(opt, best_level_score(precedents))
