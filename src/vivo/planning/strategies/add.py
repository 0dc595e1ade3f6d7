"""Gene addition: lentiviral HSC and in vivo AAV options."""

from __future__ import annotations

from dataclasses import replace

from vivo.knowledge.catalog import get_vector
from vivo.knowledge.products import find_products
from vivo.planning import risks
from vivo.planning.context import Context
from vivo.planning.evidence import best_level_score, product_precedents
from vivo.planning.plan import Option, Risk
from vivo.planning.requests import CassetteDesign
from vivo.planning.strategies._common import (
    AAV_OVERHEAD_BP,
    AAV_SEROTYPE,
    AAV_SIMULATION_PRODUCTS,
    LV_OVERHEAD_BP,
    collection_designs,
    finish_option,
    impossible_option,
    in_vivo_label_fit,
    label_fit,
    simulation_design,
    with_needs,
)

__all__ = [
    "SHORTENED_TRANSGENES",
    "add_aav_in_vivo",
    "add_aav_shortened",
    "add_ex_vivo_skin_grafts",
    "add_lentiviral_hsc",
    "add_topical_hsv",
]

#: engineered short forms of transgenes too large for one AAV: (name, what it keeps)
SHORTENED_TRANSGENES: dict[str, tuple[str, str]] = {
    "DMD": (
        "micro-dystrophin",
        "Elevidys' micro-dystrophin (138 kDa) keeps the N-terminal actin-binding domain, "
        "spectrin repeats R1-R3 and R24, hinges H1, H3 and H4 and the cysteine-rich domain "
        "(Mendell et al. 2020, JAMA Neurol 77:1122).",
    ),
}


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


def _hsc_vector(ctx: Context) -> tuple[str, str]:
    """The vector family of the approved ex vivo HSC precedents: gamma-retroviral only when
    every one of them is (ADA-SCID: Strimvelis); lentiviral otherwise."""
    classes = {
        p.vector_class
        for p in find_products(target=ctx.gene, modality="gene_addition", delivery="ex_vivo")
    }
    if classes and classes <= {"gRV"}:
        return "gRV", "gamma-retroviral"
    return "LV", "lentiviral"


def add_lentiviral_hsc(ctx: Context) -> Option | None:
    """Ex vivo integrating-vector gene addition into the patient's HSCs (Lyfgenia, Zynteglo,
    Libmeldy; gamma-retroviral where that is the precedent's vector, as Strimvelis)."""
    if ctx.tissue != "blood":
        return None
    vector, words = _hsc_vector(ctx)
    oid = "add-lv-hsc" if vector == "LV" else "add-rv-hsc"
    title = f"Ex vivo {words} gene addition ({_transgene(ctx)}) in HSCs"
    if blocked := _add_blocked(ctx):
        return impossible_option(
            ctx, oid, title, "add", blocked, delivery="ex_vivo", vehicle=vector
        )
    cargo_bp = ctx.cds_length_bp + LV_OVERHEAD_BP
    vec = get_vector(vector)
    if ctx.cds_length_bp and not vec.fits(cargo_bp / 1000):
        return impossible_option(
            ctx,
            oid,
            title,
            "add",
            f"{cargo_bp / 1000:.1f} kb cassette "
            f"exceeds the {words} capacity ({vec.capacity_note}).",
            delivery="ex_vivo",
            vehicle=vector,
        )
    precedents = product_precedents(
        disease=ctx.disease, targets=(ctx.gene,), modality="gene_addition", delivery="ex_vivo"
    )
    rationale = [
        f"Adds a working {_transgene(ctx)} to the patient's own stem cells; the vector "
        "integrates, so every daughter blood cell keeps it.",
        "Lentivirus transduces quiescent stem cells (gamma-retrovirus needs dividing cells)."
        if vector == "LV"
        else "The approved precedent uses a gamma-retroviral vector (cells are stimulated to "
        "divide during transduction); lentiviral vectors for this gene are in clinical trials.",
    ]
    if ctx.mechanism == "gain_of_function":
        rationale.append(
            "The disease is recessive: the added anti-sickling globin dilutes the "
            "mutant protein, as the normal allele does in healthy carriers."
        )
    opt = Option(
        id=oid,
        title=title,
        family="add",
        delivery="ex_vivo",
        vehicle=vector,
        editor="",
        cell_source="autologous CD34+ HSPC",
        feasibility="possible",
        score=0.0,
        rationale=tuple(rationale),
        precedents=precedents,
        risks=(*(risks.LV if vector == "LV" else risks.GRV), *risks.CONDITIONING),
        designs=(
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"{words} cassette for {_transgene(ctx)}",
                    gene=ctx.gene,
                    vector="LV" if vector == "LV" else "RV",
                    tissue="erythroid",
                    # betaA-T87Q, the globin of both LentiGlobin products (Lyfgenia, Zynteglo)
                    transgene_variant="T87Q" if ctx.gene == "HBB" else None,
                ),
            ),
            simulation_design(
                ctx,
                "vector copy number and engraftment over time",
                "hsc",
                # calibrated HSC models exist for the LentiGlobin products only
                ("Lyfgenia" if ctx.mechanism == "gain_of_function" else "Zynteglo")
                if ctx.gene == "HBB"
                else None,
            ),
            *collection_designs(ctx, precedents),
        ),
    )
    # boxed warnings and other safety signals are already in the precedents' weights
    penalty, off_label = label_fit(ctx, precedents)
    opt = replace(opt, rationale=(*opt.rationale, *off_label))
    return finish_option(opt, best_level_score(precedents) - penalty)


def add_aav_in_vivo(ctx: Context) -> Option | None:
    """In vivo AAV gene addition to the target organ (Hemgenix, Luxturna, Zolgensma)."""
    title = f"In vivo AAV gene addition of {ctx.gene} ({ctx.tissue_label})"
    if ctx.tissue == "blood":
        return impossible_option(
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
        return impossible_option(ctx, "add-aav-in-vivo", title, "add", blocked, vehicle="AAV")
    cargo_bp = ctx.cds_length_bp + AAV_OVERHEAD_BP
    aav = get_vector("AAV")
    if ctx.cds_length_bp and not aav.fits(cargo_bp / 1000):
        return impossible_option(
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
    short = SHORTENED_TRANSGENES.get(ctx.gene)
    name = f"{short[0]} (a shortened {ctx.gene})" if short else f"a shortened {ctx.gene}"
    title = f"In vivo AAV addition of {name} transgene"
    return _aav_option(ctx, title, shortened=True)


def _aav_option(ctx: Context, title: str, *, shortened: bool) -> Option:
    precedents = product_precedents(
        disease=ctx.disease, targets=(ctx.gene,), modality="gene_addition", delivery="in_vivo"
    )
    rationale = [
        f"A working copy of {ctx.gene} expressed from a tissue-specific promoter in "
        f"{ctx.tissue_label}; one infusion, no conditioning.",
        f"Capsid: {AAV_SEROTYPE.get(ctx.tissue, AAV_SEROTYPE['other'])}.",
    ]
    short = SHORTENED_TRANSGENES.get(ctx.gene) if shortened else None
    if shortened:
        rationale.append(
            "The full coding sequence is too large for AAV; approved products use "
            "engineered, shortened versions that keep the essential domains"
            + (f": {short[1]}" if short else ".")
        )
    penalty, off_label = in_vivo_label_fit(ctx, precedents)
    base = best_level_score(precedents) - penalty
    rationale.extend(off_label)
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
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"AAV expression cassette for {short[0] if short else ctx.gene}",
                    gene=ctx.gene,
                    vector="AAV",
                    tissue=ctx.tissue,
                    transgene_variant=short[0] if short else None,
                ),
            ),
            simulation_design(
                ctx,
                "transgene expression after an AAV dose",
                "aav",
                AAV_SIMULATION_PRODUCTS.get(ctx.gene),
            ),
        ),
    )
    return finish_option(opt, base)


def add_topical_hsv(ctx: Context) -> Option | None:
    """Topical in vivo gene addition to skin wounds with a non-replicating HSV-1 vector
    (beremagene geperpavec, Vyjuvek, for dystrophic epidermolysis bullosa)."""
    if ctx.tissue != "skin":
        return None
    title = f"Topical in vivo gene addition of {ctx.gene} to wounds (HSV-1 vector)"
    if blocked := _add_blocked(ctx):
        return impossible_option(ctx, "add-hsv-topical", title, "add", blocked, vehicle="HSV1")
    precedents = tuple(
        p
        for p in product_precedents(
            disease=ctx.disease, targets=(ctx.gene,), modality="gene_addition"
        )
        if "HSV" in p.summary
    )
    opt = Option(
        id="add-hsv-topical",
        title=title,
        family="add",
        delivery="in_vivo",
        vehicle="HSV1",
        editor="",
        cell_source="n/a (keratinocytes and fibroblasts in the wound)",
        feasibility="possible",
        score=0.0,
        rationale=(
            f"A gel of a replication-defective HSV-1 vector carrying {ctx.gene} is applied to "
            "the wounds; HSV-1 infects skin cells efficiently and carries large cargos "
            "(COL7A1 is 8.8 kb, too large for AAV).",
            "The vector does not integrate and skin turns over, so wounds are re-treated "
            "(weekly in the approved label).",
        ),
        precedents=precedents,
        risks=(
            Risk("efficacy", "medium", "Expression is transient: repeated applications."),
            Risk("immunogenicity", "low", "Pre-existing anti-HSV-1 immunity is common."),
        ),
        designs=(
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"HSV-1 expression cassette for {ctx.gene}",
                    gene=ctx.gene,
                    vector="HSV",
                    tissue="skin",
                ),
            ),
        ),
    )
    return finish_option(opt, best_level_score(precedents))


def add_ex_vivo_skin_grafts(ctx: Context) -> Option | None:
    """Autologous keratinocyte sheets gene-corrected ex vivo and grafted onto wounds
    (prademagene zamikeracel, Zevaskyn, for RDEB)."""
    if ctx.tissue != "skin":
        return None
    title = f"Ex vivo {ctx.gene} gene-corrected autologous keratinocyte sheets (grafts)"
    if blocked := _add_blocked(ctx):
        return impossible_option(
            ctx, "add-skin-grafts", title, "add", blocked, delivery="ex_vivo", vehicle="gRV"
        )
    precedents = product_precedents(
        disease=ctx.disease, targets=(ctx.gene,), modality="gene_modified_cell", delivery="ex_vivo"
    )
    opt = Option(
        id="add-skin-grafts",
        title=title,
        family="add",
        delivery="ex_vivo",
        vehicle="gRV",
        editor="",
        cell_source="autologous keratinocytes (skin biopsy)",
        feasibility="possible",
        score=0.0,
        rationale=(
            "Keratinocytes from a skin biopsy are transduced with an integrating "
            f"gamma-retroviral vector carrying {ctx.gene}, grown into sheets and grafted onto "
            "chronic wounds: one surgical application per wound.",
            "Integrated in epidermal stem cells, the gene persists as the graft renews.",
        ),
        precedents=precedents,
        risks=(
            *risks.GRV,
            Risk("other", "medium", "Surgical grafting under general anesthesia."),
        ),
        designs=(
            with_needs(
                ctx,
                CassetteDesign(
                    purpose=f"gamma-retroviral cassette for {ctx.gene}",
                    gene=ctx.gene,
                    vector="RV",
                    tissue="skin",
                ),
            ),
        ),
    )
    return finish_option(opt, best_level_score(precedents))
