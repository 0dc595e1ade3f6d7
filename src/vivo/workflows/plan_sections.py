"""Design sections of the dossier: a small, explicit registry of section builders.

Each builder asks one design engine for designs. When the engine is missing from this
installation, or fails, the section says ``engine not available: <why>`` — never blank.
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import VivoError
from vivo.genome.annotation import AnnotatedGenome
from vivo.planning.requests import CassetteDesign, DesignRequest, GuideDesign, SimulationDesign
from vivo.variants.interpret import VariantInterpretation

__all__ = ["ENGINES", "SectionContext", "SectionResult", "build_section"]

Status = Literal["ok", "unavailable", "needs_sequence"]
TOP_N = 5


@dataclass(frozen=True, slots=True)
class Figure:
    """An image embedded in the dossier (base64, so the HTML report stays self-contained)."""

    caption: str
    mime: Literal["image/svg+xml", "image/png"]
    data: bytes

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form with the image as base64."""
        return {
            "caption": self.caption,
            "mime": self.mime,
            "data_base64": base64.b64encode(self.data).decode("ascii"),
        }


@dataclass(frozen=True, slots=True)
class SectionResult:
    """One design section of the dossier."""

    option_id: str
    engine: str
    title: str
    status: Status
    message: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    figures: tuple[Figure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "option_id": self.option_id,
            "engine": self.engine,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "provenance": dict(self.provenance),
            "figures": [f.to_dict() for f in self.figures],
        }


@dataclass(slots=True)
class SectionContext:
    """What builders share: the genome, the interpreted variant, the seed and earlier results."""

    genome: AnnotatedGenome
    variant: VariantInterpretation | None
    seed: int
    spacers: dict[str, list[str]] = field(default_factory=dict)
    nuclease: Any = "SpCas9"  # a catalog name or a Nuclease (e.g. a base editor's Cas variant)
    indexes: dict[str, Any] = field(default_factory=dict)
    offtarget_genome: str | None = None  # an indexed genome (vivo genome add) for off-targets
    offtarget_home: str | None = None


class EngineUnavailable(Exception):
    """Raised by a builder when its engine is not part of this installation."""


def _engine(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise EngineUnavailable(f"{module} is not installed in this version ({exc})") from exc
    if not hasattr(mod, name):
        raise EngineUnavailable(f"{module}.{name} does not exist in this version")
    return getattr(mod, name)


# ---------------------------------------------------------------------------- regions


def _region_locus(ctx: SectionContext, req: DesignRequest) -> tuple[Locus, int | None]:
    """The genomic locus a request names, and the target position (variant) if any."""
    assert isinstance(req, GuideDesign)
    if req.site == "variant":
        if ctx.variant is None:
            raise EngineUnavailable("no interpreted variant to design around")
        pos = ctx.variant.change.start
        half = (req.window_bp or 40) // 2
        contig = ctx.variant.change.contig
        return Locus(contig, Interval(max(0, pos - half), pos + half + 1), Strand.PLUS), pos
    gene = ctx.genome.gene(req.gene)
    tx = gene.canonical
    if req.site == "promoter":
        up, down = req.upstream_bp, req.downstream_bp
        loc = gene.locus
        if loc.strand is Strand.MINUS:
            iv = Interval(loc.end - down, loc.end + up)
        else:
            iv = Interval(max(0, loc.start - up), loc.start + down)
        return Locus(loc.contig, iv, loc.strand), None
    exons = tx.exons_5to3[:2]
    iv = Interval(min(e.start for e in exons), max(e.end for e in exons))
    return Locus(tx.contig, iv, tx.strand), None


# ---------------------------------------------------------------------------- builders


def _guides(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    find_guides = _engine("vivo.editing.guides", "find_guides")
    locus, target = _region_locus(ctx, req)
    tx = ctx.genome.gene(req.gene).canonical
    guides = find_guides(
        ctx.genome.genome, locus, "SpCas9", target=target, transcript=tx, selection="cut"
    )
    model = "ruleset1"
    try:
        score_guides = _engine("vivo.editing.scoring", "score_guides")
        guides = score_guides(guides, [model])
    except (EngineUnavailable, VivoError):
        model = ""

    def key(g: Any) -> tuple[float, float]:
        s = g.score(model) if model else None
        dist = abs(g.target_distance_bp) if g.target_distance_bp is not None else 0
        return (dist if target is not None else 0.0, -(s if s is not None else -1.0))

    best = sorted(guides, key=key)[:TOP_N]
    ctx.spacers[req.gene] = [g.spacer for g in best]
    ctx.nuclease = "SpCas9"
    spec, spec_note = _genome_specificity(ctx, [g.spacer for g in best])
    rows = tuple(
        (
            g.spacer,
            g.pam,
            str(g.strand),
            g.cut_site + 1,
            "" if g.target_distance_bp is None else g.target_distance_bp,
            "" if not model or g.score(model) is None else round(float(g.score(model)), 3),
            ", ".join(g.flags),
            *((spec[g.spacer],) if spec else ()),
        )
        for g in best
    )
    where = f"{locus.contig}:{locus.start + 1:,}-{locus.end:,}"
    return SectionResult(
        "",
        "guides",
        req.purpose,
        "ok",
        f"{len(guides)} SpCas9 sites in {req.region} ({where}); best {len(best)} shown"
        + (f", on-target score: {model}" if model else ", unscored")
        + spec_note,
        (
            "spacer",
            "PAM",
            "strand",
            "cut (1-based)",
            "distance to variant (bp)",
            model or "score",
            "flags",
            *(("CFD specificity",) if spec else ()),
        ),
        rows,
        (("nuclease", "SpCas9"), ("score_model", model or "none"))
        + ((("specificity_genome", str(ctx.offtarget_genome)),) if spec else ()),
    )


def _genome_specificity(ctx: SectionContext, spacers: list[str]) -> tuple[dict[str, Any], str]:
    """Genome-wide CFD specificity (1 / (1 + ΣCFD), one perfect canonical-PAM site taken as the
    on-target) of each spacer when ``ctx.offtarget_genome`` is indexed for SpCas9."""
    if not ctx.offtarget_genome or not spacers:
        return {}, ""
    index, why = _genome_index(ctx)
    if index is None:
        return {}, f"; no genome-wide specificity ({why})"
    search = _engine("vivo.editing.offtarget", "search_offtargets")
    res = search(index, spacers, nuclease="SpCas9", max_mismatches=4)
    spec = {g.spacer: round(g.specificity.cfd_specificity, 3) for g in res.guides}
    return spec, (
        f"; CFD specificity from a whole-genome search of {ctx.offtarget_genome} (≤ 4 mismatches)"
    )


def _nuclease_name(nuclease: Any) -> str:
    return str(getattr(nuclease, "name", nuclease))


def _site_index(ctx: SectionContext) -> Any:
    """An in-memory site index of the genome in use for the current nuclease's PAMs (built once
    per nuclease and dossier)."""
    key = _nuclease_name(ctx.nuclease)
    if key not in ctx.indexes:
        off = importlib.import_module("vivo.editing.offtarget")
        g = ctx.genome.genome
        contigs = [
            (name, g.fetch_region(name, 0, g.contig_length(name))) for name in g.contig_names()
        ]
        ctx.indexes[key] = off.build_site_index(off.pack_genome(contigs), off.pam_set(ctx.nuclease))
    return ctx.indexes[key]


MAX_HITS = 50


def _genome_index(ctx: SectionContext) -> tuple[Any, str]:
    """The on-disk index of ``ctx.offtarget_genome`` for the current nuclease, or ``None`` and
    why it cannot be used (the section then searches the locus in use and says so)."""
    from vivo.workflows.genome_index import open_index

    name = _nuclease_name(ctx.nuclease)
    key = f"{ctx.offtarget_genome}/{name}"
    if key not in ctx.indexes:
        try:
            ctx.indexes[key] = (
                open_index(str(ctx.offtarget_genome), nuclease=name, home=ctx.offtarget_home),
                "",
            )
        except VivoError as exc:
            ctx.indexes[key] = (None, f"genome {ctx.offtarget_genome} not used: {exc}")
    found: tuple[Any, str] = ctx.indexes[key]
    return found


def _offtargets(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    search = _engine("vivo.editing.offtarget", "search_offtargets")
    spacers = ctx.spacers.get(req.gene, [])[:3]
    if not spacers:
        raise EngineUnavailable("no guides were designed for this option, so nothing to search")
    index, why = _genome_index(ctx) if ctx.offtarget_genome else (None, "")
    if index is not None:  # whole genome: every site is kept, the table shows the top CFD ones
        result = search(index, spacers, nuclease=ctx.nuclease, max_mismatches=4)
        sites = sorted(result.sites(), key=lambda h: (-(h.cfd or 0.0), h.mismatches))
        total = sum(g.n_sites for g in result.guides)
        return SectionResult(
            "",
            "offtargets",
            req.purpose,
            "ok",
            f"{total} sites for {len(spacers)} {_nuclease_name(ctx.nuclease)} spacers in the "
            f"indexed genome {ctx.offtarget_genome} (whole genome, ≤ 4 mismatches, no bulges; "
            "on-target included); the 15 highest-CFD sites are shown",
            _OFFTARGET_COLUMNS,
            _offtarget_rows(sites),
            (("search", "vivo.editing.offtarget.search_offtargets"),
             ("genome", str(ctx.offtarget_genome)), ("backend", result.settings.backend)),
        )  # fmt: skip
    result = search(
        _site_index(ctx),
        spacers,
        nuclease=ctx.nuclease,
        max_mismatches=4,
        backend="numpy",
        max_hits_per_guide=MAX_HITS,
    )
    capped = [g.guide for g in result.guides if g.capped]
    cap_note = (
        f"; hit list capped at {MAX_HITS} per guide for {', '.join(capped)}" if capped else ""
    )
    sites = sorted(result.sites(), key=lambda h: (-(h.cfd or 0.0), h.mismatches))
    whole = f"{why}; " if why else ""
    return SectionResult(
        "",
        "offtargets",
        req.purpose,
        "ok",
        f"{len(sites)} sites for {len(spacers)} {_nuclease_name(ctx.nuclease)} spacers in "
        f"{ctx.genome.name} (≤ 4 mismatches, no bulges; on-target included){cap_note}; "
        f"{whole}a whole-genome search needs an indexed genome (vivo genome add, then "
        "vivo plan --offtarget-genome NAME)",
        _OFFTARGET_COLUMNS,
        _offtarget_rows(sites),
        (("search", "vivo.editing.offtarget.search_offtargets"), ("genome", ctx.genome.name)),
    )


_OFFTARGET_COLUMNS = (
    "spacer", "site (1-based)", "strand", "sequence", "mismatches", "bulges", "CFD",
)  # fmt: skip


def _offtarget_rows(sites: list[Any]) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        (h.guide, f"{h.contig}:{h.start + 1}", h.strand, h.site, h.mismatches,
         h.dna_bulges + h.rna_bulges, "" if h.cfd is None else round(h.cfd, 3))
        for h in sites[:15]
    )  # fmt: skip


def _base_editing(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    correction_site = _engine("vivo.editing.edit_site", "correction_site")
    design = _engine("vivo.editing.base_editing", "design_base_edits")
    if ctx.variant is None:
        raise EngineUnavailable("no interpreted variant to design around")
    result = design(correction_site(ctx.variant.hgvs_c, genome=ctx.genome), max_designs=10)
    best = result.designs[:TOP_N]
    if best:  # off-targets are searched for the designs that share the top design's Cas variant
        ctx.nuclease = best[0].editor.nuclease
        ctx.spacers[req.gene] = [
            d.guide.spacer for d in best if d.editor.nuclease.name == ctx.nuclease.name
        ]
    rows = tuple(
        (
            d.editor.name,
            d.guide.spacer,
            d.guide.pam,
            str(d.guide.strand),
            d.target_position,
            d.outcome,
            len(d.bystanders),
        )
        for d in best
    )
    notes = "; ".join(result.notes)
    return SectionResult(
        "",
        "base_editing",
        req.purpose,
        "ok",
        f"{len(result.designs)} designs; exact correction possible: {result.exact_possible}"
        + (f"; {notes}" if notes else ""),
        ("editor", "spacer", "PAM", "strand", "target position", "outcome", "bystanders"),
        rows,
    )


def _site(ctx: SectionContext) -> Any:
    """The correction site (patient genome = reference + variant, goal = reference allele)."""
    correction_site = _engine("vivo.editing.edit_site", "correction_site")
    if ctx.variant is None:
        raise EngineUnavailable("no interpreted variant to design around")
    return correction_site(ctx.variant.hgvs_c, genome=ctx.genome)


def _donor(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    design_donors = _engine("vivo.editing.donors", "design_donors")
    result = design_donors(_site(ctx), nuclease="SpCas9", max_designs=TOP_N)
    best = result.designs[:TOP_N]
    ctx.spacers[req.gene] = [d.guide.spacer for d in best]
    ctx.nuclease = "SpCas9"
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
    notes = "; ".join(result.notes)
    return SectionResult(
        "",
        "donor",
        req.purpose,
        "ok" if best else "unavailable",
        f"{len(result.designs)} donor designs (ssODN + dsDNA arms); each applied in silico and "
        "translated" + (f"; {notes}" if notes else "")
        if best
        else "engine not available: no donor design possible "
        f"({notes or 'no guide cuts near the edit'})",
        ("spacer", "PAM", "cut to edit (bp)", "blocking mutations", "ssODN nt", "ssODN", "protein"),
        rows,
        (("engine", "vivo.editing.donors.design_donors"),),
    )


def _prime_editing(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    design_pegrnas = _engine("vivo.editing.prime_editing", "design_pegrnas")
    result = design_pegrnas(_site(ctx), max_designs=TOP_N)
    best = result.pegrnas[:TOP_N]
    ctx.spacers[req.gene] = [p.guide.spacer for p in best]
    ctx.nuclease = "SpCas9"
    rows = tuple(
        (
            p.guide.spacer,
            p.pbs_length,
            p.rtt_length,
            p.extension,
            ", ".join(n.guide.spacer for n in p.nicking_guides[:2]) or "none",
            "yes" if p.validation.reaches_goal else "NO",
        )
        for p in best
    )
    return SectionResult(
        "",
        "prime_editing",
        req.purpose,
        "ok" if best else "unavailable",
        f"{len(result.pegrnas)} pegRNAs (PBS 8-15 nt, RTT 10-30 nt), each applied in silico"
        if best
        else "engine not available: no pegRNA design possible here",
        ("spacer", "PBS nt", "RTT nt", "3' extension (RTT+PBS)", "PE3 nicking spacers", "protein"),
        rows,
        (("engine", "vivo.editing.prime_editing.design_pegrnas"),),
    )


_VECTORS = {"LV": "lentivirus", "AAV": "AAV"}


def _cassette(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    design_construct = _engine("vivo.workflows.cassette", "design_construct")
    render = _engine("vivo.reports.construct_maps", "render_construct_map")
    request_cls = _engine("vivo.workflows.cassette", "CassetteRequest")
    assert isinstance(req, CassetteDesign)
    vector = req.vector
    tissue = req.tissue
    codon_note = ""
    optimize: bool | None = None  # the engine's default (on for AAV: CpG depletion)
    if importlib.util.find_spec("dnachisel") is None:
        optimize = False
        codon_note = "; codon optimisation skipped: pip install 'vivo[design]' (DNA Chisel)"
    result = design_construct(
        request_cls(
            transgene=req.gene,
            variant=req.transgene_variant,
            vector=_VECTORS.get(vector, vector),
            tissue=tissue,
            seed=ctx.seed,
            optimize=optimize,
        ),
        figures=False,
    )
    c, report = result.cassette, result.report
    rows = tuple((chk.name, chk.status, chk.message) for chk in report.checks)
    figures, note = _figure(f"construct map: {c.name}", lambda: render(c, fmt="svg"))
    return SectionResult(
        "",
        "cassette",
        req.purpose,
        "ok",
        f"{c.name}: {c.length_bp:,} bp, overall {report.status}{codon_note}{note}",
        ("check", "status", "detail"),
        rows,
        (("engine", "vivo.workflows.cassette.design_construct"), ("seed", str(ctx.seed))),
        figures,
    )


def _figure(caption: str, draw: Callable[[], bytes]) -> tuple[tuple[Figure, ...], str]:
    """An SVG figure, or none and a note saying why (e.g. matplotlib is not installed)."""
    try:
        return (Figure(caption, "image/svg+xml", draw()),), ""
    except (VivoError, ImportError) as exc:
        return (), f"; figure not drawn: {exc}"


_SIM_PRODUCTS = {
    "hsc": ("Casgevy", "Lyfgenia", "Zynteglo"),
    "aav": ("Hemgenix (F9)", "Roctavian (F8)"),
    "car-t": ("Kymriah", "Breyanzi", "Yescarta"),
}


def _simulation(ctx: SectionContext, req: DesignRequest) -> SectionResult:
    run_simulation = _engine("vivo.workflows.simulate", "run_simulation")
    request_cls = _engine("vivo.workflows.simulate", "SimulationRequest")
    render = _engine("vivo.reports.sim_plots", "render_simulation_plot")
    assert isinstance(req, SimulationDesign)
    kind = req.kind
    product = req.product
    if not product:
        raise EngineUnavailable(
            f"no calibrated {kind} model for {req.gene}; calibrated products: "
            + ", ".join(_SIM_PRODUCTS.get(kind, ()))
        )
    result = run_simulation(request_cls(kind=kind, product=product, seed=ctx.seed, patients=200))
    data = result.to_dict()
    rows = tuple((k, _short(v)) for k, v in data["metrics"].items())
    figures, note = _figure(
        f"{product}: {data['quantity']} over time", lambda: render(result, fmt="svg")
    )
    return SectionResult(
        "",
        "simulation",
        req.purpose,
        "ok",
        f"{kind} model for {product}: {data['quantity']} ({data['unit']}); "
        + "; ".join(data.get("notes", []))
        + note,
        ("metric", "value"),
        rows,
        (("model", str(data["provenance"].get("model", kind))), ("seed", str(ctx.seed))),
        figures,
    )


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_short(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


Builder = Callable[[SectionContext, DesignRequest], SectionResult]
ENGINES: dict[str, Builder] = {
    "guides": _guides,
    "offtargets": _offtargets,
    "donor": _donor,
    "base_editing": _base_editing,
    "prime_editing": _prime_editing,
    "cassette": _cassette,
    "simulation": _simulation,
}


def build_section(
    ctx: SectionContext, req: DesignRequest, *, option_id: str, sequence_available: bool
) -> SectionResult:
    """Run the engine for ``req``; never raises, never returns an empty message."""
    from dataclasses import replace

    if req.needs and not sequence_available:
        return SectionResult(
            option_id,
            req.engine,
            req.purpose,
            "needs_sequence",
            f"engine not run: it needs the {req.needs}",
        )
    builder = ENGINES.get(req.engine)
    try:
        if builder is None:
            raise EngineUnavailable(f"no section builder for engine {req.engine!r}")
        return replace(builder(ctx, req), option_id=option_id)
    except EngineUnavailable as exc:
        why = str(exc)
    except VivoError as exc:
        why = f"{req.engine} failed: {exc}"
    except Exception as exc:  # an engine bug must not blank the dossier
        why = f"{req.engine} failed: {type(exc).__name__}: {exc}"
    return SectionResult(
        option_id, req.engine, req.purpose, "unavailable", f"engine not available: {why}"
    )
