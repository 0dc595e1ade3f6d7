"""Strategy rules: each builder turns the resolved facts into one scored, explained option.

A builder returns ``None`` when its strategy does not apply at all, and an option with
``feasibility="impossible"`` and a reason when it applies but cannot work (for example a 7 kb
transgene in one AAV).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from vivo.delivery.transgenes import TRANSGENES
from vivo.knowledge.catalog import get_vector
from vivo.planning import risks
from vivo.planning.context import Context, TissueClass
from vivo.planning.evidence import best_level_score, literature, product_precedents
from vivo.planning.plan import DeliveryMode, DesignRequest, Engine, Family, Option, Precedent, Risk

__all__ = ["BUILDERS", "build_options", "rank_options"]

AAV_OVERHEAD_BP = 1300  # promoter (~0.7 kb) + polyA (~0.25 kb) + two ITRs (~0.3 kb)
LV_OVERHEAD_BP = 3000  # erythroid/ubiquitous regulatory elements inside a lentiviral vector
MAX_PRIME_EDIT_BP = 40

# (delivery, vehicle, editor-compatible cell source) for editing, by tissue class.
EDIT_ROUTE: dict[TissueClass, tuple[DeliveryMode, str, str]] = {
    "blood": ("ex_vivo", "RNP-electroporation", "autologous CD34+ HSPC"),
    "liver": ("in_vivo", "LNP", "n/a (hepatocytes in place)"),
    "retina": ("in_vivo", "AAV", "n/a (retinal cells in place)"),
    "cns": ("in_vivo", "AAV", "n/a (neurons in place)"),
    "muscle": ("in_vivo", "AAV", "n/a (muscle in place)"),
    "skin": ("ex_vivo", "RNP-electroporation", "autologous keratinocytes"),
    "other": ("in_vivo", "LNP", "n/a"),
}
AAV_SEROTYPE: dict[TissueClass, str] = {
    "liver": "AAV5 or AAV8-like (liver-tropic; Hemgenix AAV5, Beqvez AAVrh74var)",
    "retina": "AAV2 (subretinal; Luxturna)",
    "cns": "AAV9 (Zolgensma) or AAV2 by local infusion (Upstaza)",
    "muscle": "AAVrh74 (Elevidys)",
    "other": "tissue-matched serotype",
}
# Known benign alternatives that a base editor can reach when direct correction cannot be made.
BENIGN_CONVERSIONS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("HBB", "p.Glu7Val"): (
        "ABE",
        "c.20T>C",
        "Hb G-Makassar (p.Glu7Ala, legacy Glu6Ala), a natural non-sickling variant",
        "Newby2021",
    ),
}


def _needs(ctx: Context) -> str:
    return ctx.needs_text()


#: genes whose AAV expression course has a calibrated model (vivo.simulation.aav)
AAV_SIMULATION_PRODUCTS = {"F9": "Hemgenix", "F8": "Roctavian"}


def _request(
    ctx: Context,
    engine: Engine,
    purpose: str,
    *,
    region: str = "variant",
    gene: str | None = None,
    **params: str,
) -> DesignRequest:
    return DesignRequest(
        engine=engine,
        purpose=purpose,
        gene=gene or ctx.gene,
        region=region,
        params=tuple(sorted(params.items())),
        needs=""
        if (gene or ctx.gene) != ctx.gene or _engine_ships_sequence(engine, ctx.gene)
        else _needs(ctx),
    )


def _engine_ships_sequence(engine: Engine, gene: str) -> bool:
    """Engines that carry their own sequence for ``gene`` need none from the genome in use."""
    if engine == "simulation":
        return True
    return engine == "cassette" and gene.upper() in TRANSGENES


def _finish(option: Option, base: float) -> Option:
    feas = option.feasibility
    if feas != "impossible":
        feas = "recommended" if base >= 70 else "possible"
    return replace(option, score=max(0.0, min(100.0, base)), feasibility=feas)


def _impossible(
    ctx: Context,
    oid: str,
    title: str,
    family: Family,
    reason: str,
    *,
    delivery: DeliveryMode = "in_vivo",
    vehicle: str = "",
    editor: str = "",
) -> Option:
    return Option(
        id=oid,
        title=title,
        family=family,
        delivery=delivery,
        vehicle=vehicle,
        editor=editor,
        cell_source="n/a",
        feasibility="impossible",
        score=0.0,
        rationale=(reason,),
        reason_impossible=reason,
    )


# --------------------------------------------------------------------------- induce


def induce_hbf(ctx: Context) -> Option | None:
    """Ex vivo HSC editing that switches fetal hemoglobin back on (Casgevy's strategy)."""
    if not {"HBG1", "HBG2"} & set(ctx.compensating) or ctx.tissue != "blood":
        return None
    precedents = (
        *product_precedents(targets=("BCL11A",), modality="gene_editing"),
        literature(
            "Bauer2013",
            "preclinical",
            "BCL11A erythroid enhancer controls HbF level; the approved editing target.",
        ),
        literature(
            "Traxler2016",
            "preclinical",
            "Disrupting the HBG1/HBG2 promoters (13-nt "
            "HPFH-like deletion) raises HbF in human HSPC-derived red cells.",
        ),
    )
    rationale = (
        "Fetal hemoglobin (HbF) does not polymerize with HbS and replaces missing adult "
        "hemoglobin, so raising it treats both sickle cell disease and beta-thalassemia.",
        "Approved target: the BCL11A erythroid-specific enhancer (edited by Casgevy). It lies on "
        "chromosome 2, outside the bundled beta-globin locus; the designs below target the "
        "BCL11A-repressor binding sites in the HBG1/HBG2 promoters, which the bundled locus "
        "contains (same outcome, HbF induction).",
        "Ex vivo: the HSCs are edited outside the body with Cas9 RNP by electroporation, so no "
        "editor stays in the patient and edited cells are checked before infusion.",
    )
    designs = (
        _request(
            ctx,
            "guides",
            "Cas9 guides at the HBG1 promoter (BCL11A binding site)",
            region="HBG1 promoter",
            gene="HBG1",
            upstream_bp="300",
            downstream_bp="0",
        ),
        _request(
            ctx,
            "guides",
            "Cas9 guides at the HBG2 promoter (BCL11A binding site)",
            region="HBG2 promoter",
            gene="HBG2",
            upstream_bp="300",
            downstream_bp="0",
        ),
        _request(
            ctx,
            "offtargets",
            "off-target sites of the top promoter guides",
            region="HBG1 promoter",
            gene="HBG1",
        ),
        _request(
            ctx,
            "simulation",
            "engraftment and HbF over time after edited HSC infusion",
            region="",
            kind="hsc",
            product="Casgevy",
        ),
    )
    dual_cut = Risk(
        "other",
        "medium",
        "HBG1 and HBG2 promoters are nearly identical: one guide cuts both "
        "and can delete the ~5 kb between them (an HPFH-like deletion that loses HBG1).",
    )
    opt = Option(
        id="induce-hbf-ex-vivo-editing",
        title="Ex vivo Cas9 editing of HSCs to induce fetal hemoglobin",
        family="induce",
        delivery="ex_vivo",
        vehicle="RNP-electroporation",
        editor="SpCas9",
        cell_source="autologous CD34+ HSPC",
        feasibility="possible",
        score=0.0,
        rationale=rationale,
        precedents=precedents,
        risks=(*risks.DSB, dual_cut, *risks.CONDITIONING),
        designs=designs,
    )
    return _finish(opt, best_level_score(precedents))


def induce_other(ctx: Context) -> Option | None:
    """Up-regulate a compensating paralog other than the fetal globins (e.g. SMN2, UTRN)."""
    others = tuple(g for g in ctx.compensating if g not in ("HBG1", "HBG2"))
    if not others:
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    opt = Option(
        id="induce-compensating-gene",
        title=f"Induce the compensating gene {'/'.join(others)}",
        family="induce",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9 or RNA therapy",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(f"{'/'.join(others)} can partly take over the function of {ctx.gene}.",),
        designs=(
            _request(
                ctx,
                "guides",
                f"guides near {others[0]}",
                region=f"{others[0]} promoter",
                gene=others[0],
                upstream_bp="300",
                downstream_bp="0",
            ),
        ),
    )
    return _finish(opt, best_level_score(()))


# --------------------------------------------------------------------------- add


def _add_blocked(ctx: Context) -> str:
    if ctx.mechanism in ("gain_of_function", "dominant_negative") and ctx.dominant:
        return (
            f"A {ctx.mechanism.replace('_', ' ')} disease: adding a normal copy of "
            f"{ctx.gene} leaves the harmful mutant protein in place."
        )
    return ""


def _transgene(ctx: Context) -> str:
    if ctx.gene == "HBB" and ctx.mechanism == "gain_of_function":
        return "anti-sickling beta-globin (HBB p.Thr87Gln, betaA-T87Q, as in Lyfgenia)"
    return f"{ctx.gene} coding sequence"


def add_lentiviral_hsc(ctx: Context) -> Option | None:
    """Ex vivo lentiviral gene addition into the patient's HSCs (Lyfgenia, Zynteglo, Libmeldy)."""
    if ctx.tissue != "blood":
        return None
    title = f"Ex vivo lentiviral gene addition ({_transgene(ctx)}) in HSCs"
    if blocked := _add_blocked(ctx):
        return _impossible(
            ctx, "add-lv-hsc", title, "add", blocked, delivery="ex_vivo", vehicle="LV"
        )
    cargo_bp = ctx.cds_length_bp + LV_OVERHEAD_BP
    lv = get_vector("LV")
    if ctx.cds_length_bp and not lv.fits(cargo_bp / 1000):
        return _impossible(
            ctx,
            "add-lv-hsc",
            title,
            "add",
            f"{cargo_bp / 1000:.1f} kb cassette "
            f"exceeds the lentiviral capacity ({lv.capacity_note}).",
            delivery="ex_vivo",
            vehicle="LV",
        )
    precedents = product_precedents(
        targets=(ctx.gene,), modality="gene_addition", delivery="ex_vivo"
    )
    rationale = [
        f"Adds a working {_transgene(ctx)} to the patient's own stem cells; the vector "
        "integrates, so every daughter blood cell keeps it.",
        "Lentivirus transduces quiescent stem cells (gamma-retrovirus needs dividing cells).",
    ]
    if ctx.mechanism == "gain_of_function":
        rationale.append(
            "The disease is recessive: the added anti-sickling globin dilutes the "
            "mutant protein, as the normal allele does in healthy carriers."
        )
    opt = Option(
        id="add-lv-hsc",
        title=title,
        family="add",
        delivery="ex_vivo",
        vehicle="LV",
        editor="",
        cell_source="autologous CD34+ HSPC",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=(*risks.LV, *risks.CONDITIONING),
        designs=(
            _request(
                ctx,
                "cassette",
                f"lentiviral cassette for {_transgene(ctx)}",
                region="CDS",
                vector="LV",
                promoter="erythroid",
            ),
            _request(
                ctx,
                "simulation",
                "vector copy number and engraftment over time",
                region="",
                kind="hsc",
                product="Lyfgenia" if ctx.mechanism == "gain_of_function" else "Zynteglo",
            ),
        ),
    )
    penalty = 5.0 if any("boxed" in p.summary.lower() for p in precedents) else 0.0
    return _finish(opt, best_level_score(precedents) - penalty)


def add_aav_in_vivo(ctx: Context) -> Option | None:
    """In vivo AAV gene addition to the target organ (Hemgenix, Luxturna, Zolgensma)."""
    title = f"In vivo AAV gene addition of {ctx.gene} ({ctx.tissue_label})"
    if ctx.tissue == "blood":
        return _impossible(
            ctx,
            "add-aav-in-vivo",
            title,
            "add",
            "AAV genomes stay episomal and are diluted out as blood stem cells divide, and AAV "
            "does not reach long-term HSCs in the marrow; blood diseases need integrating "
            "vectors or editing ex vivo.",
            vehicle="AAV",
        )
    if ctx.tissue == "skin":
        return None
    if blocked := _add_blocked(ctx):
        return _impossible(ctx, "add-aav-in-vivo", title, "add", blocked, vehicle="AAV")
    cargo_bp = ctx.cds_length_bp + AAV_OVERHEAD_BP
    aav = get_vector("AAV")
    if ctx.cds_length_bp and not aav.fits(cargo_bp / 1000):
        return _impossible(
            ctx,
            "add-aav-in-vivo",
            title,
            "add",
            f"A {cargo_bp / 1000:.1f} kb cassette ({ctx.cds_length_bp / 1000:.1f} kb coding "
            f"sequence + ~1.3 kb promoter, polyA and ITRs) does not fit one AAV "
            f"({aav.capacity_note}). Use a shortened transgene, a dual-AAV split or a larger "
            "vector.",
            vehicle="AAV",
        )
    return _aav_option(ctx, title, shortened=False)


def add_aav_shortened(ctx: Context) -> Option | None:
    """A shortened transgene (micro-dystrophin, B-domain-deleted FVIII) when the full is too big."""
    if ctx.tissue in ("blood", "skin") or _add_blocked(ctx) or not ctx.cds_length_bp:
        return None
    if get_vector("AAV").fits((ctx.cds_length_bp + AAV_OVERHEAD_BP) / 1000):
        return None
    title = f"In vivo AAV addition of a shortened {ctx.gene} transgene"
    return _aav_option(ctx, title, shortened=True)


def _aav_option(ctx: Context, title: str, *, shortened: bool) -> Option:
    precedents = product_precedents(
        targets=(ctx.gene,), modality="gene_addition", delivery="in_vivo"
    )
    rationale = [
        f"A working copy of {ctx.gene} expressed from a tissue-specific promoter in "
        f"{ctx.tissue_label}; one infusion, no conditioning.",
        f"Capsid: {AAV_SEROTYPE.get(ctx.tissue, AAV_SEROTYPE['other'])}.",
    ]
    if shortened:
        rationale.append(
            "The full coding sequence is too large for AAV; approved products use "
            "engineered, shortened versions that keep the essential domains."
        )
    base = best_level_score(precedents)
    if ctx.patient.anti_aav_antibodies:
        base -= 30.0
        rationale.append(
            "The patient has pre-existing anti-AAV antibodies: most AAV products "
            "exclude such patients (check the titre against the chosen capsid)."
        )
    opt = Option(
        id="add-aav-shortened" if shortened else "add-aav-in-vivo",
        title=title,
        family="add",
        delivery="in_vivo",
        vehicle="AAV",
        editor="",
        cell_source="n/a (in vivo)",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=risks.AAV,
        designs=(
            _request(
                ctx,
                "cassette",
                f"AAV expression cassette for {ctx.gene}",
                region="CDS",
                vector="AAV",
                promoter=ctx.tissue,
            ),
            _request(
                ctx,
                "simulation",
                "transgene expression after an AAV dose",
                region="",
                kind="aav",
                product=AAV_SIMULATION_PRODUCTS.get(ctx.gene, ""),
            ),
        ),
    )
    return _finish(opt, base)


# --------------------------------------------------------------------------- silence


def silence(ctx: Context) -> Option | None:
    """Knock out or silence the gene (all copies when tolerated, else the mutant allele only)."""
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    title = f"Knock out / silence {ctx.gene}"
    if not (ctx.dominant or ctx.mechanism == "dominant_negative"):
        reason = (
            f"{ctx.gene} variants cause disease by missing function; removing the gene cannot help."
        )
        if ctx.mechanism == "gain_of_function":
            reason = (
                f"Recessive disease: silencing the mutant {ctx.gene} alone would leave too "
                "little protein (for HBB, a beta-thalassemia); it only helps together "
                "with inducing a compensating gene."
            )
        return _impossible(
            ctx,
            "silence-knockout",
            title,
            "silence",
            reason,
            delivery=delivery,
            vehicle=vehicle,
            editor="SpCas9",
        )
    if ctx.knockout_tolerated:
        return _knockout_all(ctx, delivery, vehicle, cell)
    return _allele_specific(ctx, delivery, vehicle, cell)


def _knockout_all(ctx: Context, delivery: DeliveryMode, vehicle: str, cell: str) -> Option:
    keys = {
        "TTR": (
            "Gillmore2021",
            "clinical",
            "NTLA-2001: one LNP infusion of Cas9 mRNA and a "
            "TTR guide lowered serum TTR by a mean 87% at 0.3 mg/kg.",
        ),
        "PCSK9": (
            "Musunuru2021",
            "preclinical",
            "LNP-delivered adenine base editor knocked "
            "out PCSK9 in macaque liver; LDL cholesterol fell by about 60%.",
        ),
    }
    precedents: tuple[Precedent, ...] = ()
    if ctx.gene in keys:
        precedents = (literature(*keys[ctx.gene]),)
    precedents += product_precedents(targets=(ctx.gene,), modality="rna")
    opt = Option(
        id="silence-knockout",
        title=f"In vivo knockout of {ctx.gene} (both alleles)",
        family="silence",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"Gain of function: the mutant protein is harmful, and losing {ctx.gene} "
            "entirely is tolerated, so a plain knockout removes the source.",
            "A frameshift in an early coding exon, made by NHEJ after one Cas9 cut.",
        ),
        precedents=precedents,
        risks=(*risks.DSB, *risks.LNP),
        designs=(
            _request(
                ctx,
                "guides",
                f"knockout guides in early coding exons of {ctx.gene}",
                region="early exons",
            ),
            _request(ctx, "offtargets", "off-target sites of the top knockout guides"),
        ),
    )
    return _finish(opt, best_level_score(precedents) + 3.0)


def _allele_specific(ctx: Context, delivery: DeliveryMode, vehicle: str, cell: str) -> Option:
    opt = Option(
        id="silence-allele-specific",
        title=f"Allele-specific knockout of the mutant {ctx.gene} allele",
        family="silence",
        delivery=delivery,
        vehicle=vehicle,
        editor="SpCas9",
        cell_source=cell,
        feasibility="possible",
        score=0.0,
        rationale=(
            f"{ctx.mechanism.replace('_', ' ').capitalize()}: one mutant allele causes "
            "disease, so removing it while sparing the normal allele treats it.",
            "Needs a guide (or PAM) that exists only on the mutant allele: the variant "
            "itself or a linked heterozygous SNP; an RNA-silencing drug (siRNA/ASO) is "
            "the non-editing alternative.",
        ),
        risks=(*risks.DSB, *(risks.AAV if vehicle == "AAV" else risks.LNP)),
        designs=(
            _request(
                ctx,
                "guides",
                "guides whose spacer or PAM covers the variant",
                window_bp="40",
                allele="mutant",
            ),
            _request(ctx, "offtargets", "off-target sites, including the normal allele"),
        ),
    )
    # One NHEJ cut is far more efficient than precise correction in non-dividing tissue.
    return _finish(opt, best_level_score(()) + 20.0)


# --------------------------------------------------------------------------- correct


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
        designs=(
            _request(
                ctx, "guides", "Cas9 guides cutting within 20 bp of the variant", window_bp="40"
            ),
            _request(
                ctx,
                "donor",
                "single-stranded donor (ssODN) restoring the normal "
                "base, with a PAM-blocking silent change",
            ),
            _request(ctx, "offtargets", "off-target sites of the top guides"),
        ),
    )
    return _finish(opt, base)


def _correcting_editor(ref: str, alt: str) -> str:
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
        return _impossible(
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
        designs=(
            _request(
                ctx,
                "base_editing",
                f"{editor} guides placing the variant in the activity window",
                editor=editor,
                target="revert",
            ),
            _request(ctx, "offtargets", "off-target sites of the top base-editing guides"),
        ),
    )
    return _finish(opt, best_level_score(()) + 15.0)


def _benign_base_edit(
    ctx: Context, benign: tuple[str, str, str, str], delivery: DeliveryMode, vehicle: str, cell: str
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
        designs=(
            _request(
                ctx, "base_editing", f"{editor} guides for {edit}", editor=editor, target=edit
            ),
            _request(ctx, "offtargets", "off-target sites of the top base-editing guides"),
        ),
    )
    return _finish(opt, best_level_score(precedents) + 5.0)


def correct_prime_edit(ctx: Context) -> Option | None:
    """Prime editing writes the normal sequence back (any small substitution or indel)."""
    v = ctx.first_variant
    if v is None:
        return None
    delivery, vehicle, cell = EDIT_ROUTE[ctx.tissue]
    if v.length_bp > MAX_PRIME_EDIT_BP:
        return _impossible(
            ctx,
            "correct-prime-edit",
            "Correction by prime editing",
            "correct",
            f"The variant spans {v.length_bp} bp; prime editing writes edits up "
            f"to about {MAX_PRIME_EDIT_BP} bp.",
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
        designs=(
            _request(ctx, "prime_editing", "pegRNAs that revert the variant", target="revert"),
            _request(ctx, "offtargets", "off-target sites of the top pegRNA spacers"),
        ),
    )
    return _finish(opt, best_level_score(precedents) + 2.0)


Builder = Callable[[Context], Option | None]
BUILDERS: tuple[Builder, ...] = (
    induce_hbf,
    induce_other,
    add_lentiviral_hsc,
    add_aav_in_vivo,
    add_aav_shortened,
    silence,
    correct_hdr,
    correct_base_edit,
    correct_prime_edit,
)


def rank_options(options: list[Option]) -> tuple[Option, ...]:
    """Feasible options by score (best first), then impossible ones; ranks from 1."""
    order = {"recommended": 0, "possible": 1, "impossible": 2}
    ranked = sorted(options, key=lambda o: (order[o.feasibility], -o.score, o.id))
    return tuple(replace(o, rank=i) for i, o in enumerate(ranked, start=1))


def build_options(ctx: Context) -> tuple[Option, ...]:
    """Run every builder and rank what they return."""
    return rank_options([o for b in BUILDERS if (o := b(ctx)) is not None])
