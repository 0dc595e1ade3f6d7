"""Job: design a CAR (or TCR) construct in a real retroviral transfer vector, end to end.

Request in (target, binder, domains, vector, promoter, options), result out: the protein
from :mod:`vivo.cells.car`, a human codon-optimised CDS (DNA Chisel via
:func:`vivo.delivery.codon.optimize_codons`), the vector assembled with the bundled delivery
parts (:func:`vivo.delivery.cassettes.design_cassette` — self-inactivating lentivirus or
γ-retrovirus), every delivery check (:func:`vivo.delivery.checks.check_cassette`) plus the
checks that matter for retroviral genomes (no polyA signal in the sense of the vector
transcript, no strong cryptic splice donor in the CDS, no user-excluded restriction site, GC in
every window), and a side-by-side comparison with the approved CAR-T products of the
knowledge base. With ``outdir`` the files (GenBank with every domain annotated, protein and DNA
FASTA, construct maps, JSON and text reports, comparison TSV) are written as one transaction
(:func:`vivo.io.atomic.atomic_dir`).

A construct over its vector's packaging limit is an :class:`~vivo.core.errors.InputError`
raised before anything is written.

>>> res = design_car_construct(CarRequest(target="CD19", optimize=False))
>>> res.report.check("capacity").status, res.construct.segments[0].key
('pass', 'CD8a_leader')
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from vivo.cells.car import (
    Binder,
    CarConstruct,
    CarSpec,
    Domain,
    design_car,
    design_tcr,
    get_binder,
    list_binders,
    make_binder,
    make_domain,
)
from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.delivery.cassettes import Cassette, design_cassette
from vivo.delivery.checks import CassetteReport, Check, check_cassette
from vivo.delivery.motifs import (
    DEFAULT_ENZYMES,
)
from vivo.delivery.parts import Part, make_part
from vivo.delivery.retroviral_checks import retroviral_checks
from vivo.delivery.transgenes import back_translate, make_transgene
from vivo.delivery.vectors import get_vector
from vivo.io.atomic import atomic_dir, atomic_write, write_text_atomic

__all__ = [
    "SCHEMA_VERSION",
    "CarRequest",
    "CarResult",
    "TcrRequest",
    "car_construct",
    "compare_with_products",
    "design_car_construct",
    "design_tcr_construct",
    "read_binder_fasta",
    "read_domains_fasta",
]

SCHEMA_VERSION: Final = "1"
#: promoters the CLI offers; only EF1a has a bundled sequence (delivery part ``EF1a``).
PROMOTERS: Final[tuple[str, ...]] = ("EF1a", "MND", "MSCV")
VECTORS: Final[tuple[str, ...]] = ("lentivirus", "gamma-retrovirus")
_HEADS: Final[dict[str, list[str]]] = {
    "lentivirus": ["HIV1_5LTR", "HIV1_psi", "RRE", "cPPT"],
    "gammaretrovirus": ["MoMLV_5LTR", "MoMLV_psi"],
}
_TAILS: Final[dict[str, list[str]]] = {
    "lentivirus": ["Kozak", "CDS", "WPRE", "HIV1_3LTR_SIN"],
    "gammaretrovirus": ["Kozak", "CDS", "MoMLV_3LTR"],
}


@dataclass(frozen=True, slots=True)
class CarRequest:
    """What CAR to design (option values as on the command line)."""

    target: str
    binder: str | None = None
    binder_file: str | None = None
    format: str = "scfv-vl-vh"
    leader: str = "CD8a"
    linker: str = "Whitlow"
    hinge: str = "CD8a"
    tm: str | None = None
    costim: str = "4-1BB"
    safety_switch: str = "none"
    skip: str = "T2A"
    vector: str = "lentivirus"
    promoter: str | None = None
    promoter_file: str | None = None
    domains_file: str | None = None
    avoid_sites: tuple[str, ...] = ()
    optimize: bool = True
    seed: int = 0
    name: str | None = None


@dataclass(frozen=True, slots=True)
class TcrRequest:
    """A TCR construct from user chains (FASTA files or sequences)."""

    alpha: str
    beta: str
    target: str = "TCR"
    order: str = "beta-alpha"
    skip: str = "T2A"
    vector: str = "lentivirus"
    promoter: str | None = None
    promoter_file: str | None = None
    avoid_sites: tuple[str, ...] = ()
    optimize: bool = True
    seed: int = 0
    name: str | None = None


@dataclass(frozen=True, slots=True)
class CarResult:
    """The designed protein, vector, checks, codon run, product comparison and files."""

    construct: CarConstruct
    cassette: Cassette
    report: CassetteReport
    codon: Any | None
    comparison: tuple[dict[str, str], ...]
    request: CarRequest | TcrRequest
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def checks(self) -> tuple[Check, ...]:
        """Every check (delivery and retroviral-genome checks)."""
        return self.report.checks

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view with ``schema_version``."""
        from vivo import __version__

        cds = self.cassette.cds
        return {
            "schema_version": SCHEMA_VERSION,
            "vivo_version": __version__,
            "construct": self.construct.to_dict(),
            "vector": self.cassette.to_dict(),
            "payload_bp": self.cassette.payload_bp(),
            "vector_genome_bp": self.cassette.length_bp,
            "cds_bp": cds.length_bp if cds else None,
            "status": self.report.status,
            "checks": [c.to_dict() for c in self.report.checks],
            "codon_optimization": self.codon.to_dict() if self.codon else None,
            "comparison_with_approved_products": list(self.comparison),
            "sequence": self.cassette.sequence,
            "files": {k: str(v) for k, v in self.files.items()},
        }


# ------------------------------------------------------------------------------ user files


def _read_records(path: str, what: str) -> list[tuple[str, str]]:
    """Protein (or DNA) FASTA records as (name, sequence), read with vivo's one FASTA parser
    (plain or gzip; letters are validated by the caller)."""
    from vivo.genome.fasta_format import parse_fasta_text
    from vivo.io.sniff import read_text, require_file

    p = require_file(path, f"{what} file")
    text = read_text(p, what=f"{what} FASTA file")
    return [(r.name, r.sequence) for r in parse_fasta_text(text, where=str(p), alphabet="protein")]


def read_binder_fasta(path: str, *, target: str) -> Binder:
    """A user binder from protein FASTA: records named VH and VL, or one named VHH."""
    roles: dict[str, str] = {}
    for name, seq in _read_records(path, "binder"):
        key = name.upper().rsplit("_", 1)[-1]
        if key not in {"VH", "VL", "VHH"}:
            raise InputError(f"{path}: record {name!r} is not named VH, VL or VHH",
                             hint="name the records >VH and >VL (scFv) or >VHH")  # fmt: skip
        if key in roles:
            raise InputError(f"{path}: two {key} records")
        roles[key] = seq
    label = Path(path).stem
    return make_binder(label, target=target, vh=roles.get("VH"), vl=roles.get("VL"),
                       vhh=roles.get("VHH"), source=f"user file {Path(path).name}")  # fmt: skip


def read_domains_fasta(path: str) -> dict[str, Domain]:
    """User segments from protein FASTA: the record name is the segment key (e.g. iCasp9)."""
    return {name: make_domain(name, seq, source=f"user file {Path(path).name}")
            for name, seq in _read_records(path, "domains")}  # fmt: skip


def _read_dna(path: str) -> tuple[str, str]:
    from vivo.io.fasta import read_fasta

    rec = read_fasta(path)[0]
    return rec.name, rec.sequence


# ---------------------------------------------------------------------------------- vector


def _vector_family(vector: str) -> str:
    vec = get_vector(vector)
    if vec.family not in _HEADS:
        raise InputError(
            f"CAR/TCR constructs here go into integrating retroviral vectors, not {vec.name}",
            hint="use --vector lentivirus or gamma-retrovirus",
        )
    return vec.family


def _promoter(family: str, promoter: str | None, promoter_file: str | None) -> list[Part]:
    """The internal promoter parts ([] for an LTR-driven γ-retroviral design)."""
    if promoter_file:
        rec_name, seq = _read_dna(promoter_file)
        label = promoter or rec_name
        taken = {n.lower() for names in (*_HEADS.values(), *_TAILS.values()) for n in names}
        label = f"user_{label}" if label.lower() in taken else label
        return [make_part(label, seq, kind="promoter",
                          source=f"user file {Path(promoter_file).name}")]  # fmt: skip
    name = promoter or ("EF1a" if family == "lentivirus" else "MSCV")
    canon = next((p for p in PROMOTERS if p.lower() == name.lower()), None)
    if canon is None:
        raise InputError(
            f"unknown --promoter {name!r}", hint=f"choose from: {', '.join(PROMOTERS)}"
        )
    if canon == "EF1a":
        from vivo.delivery.parts import get_part

        return [get_part("EF1a")]
    if canon == "MSCV" and family == "gammaretrovirus" and promoter is None:
        return []  # default LTR-driven design: the bundled MoMLV 5' LTR U3 is the promoter
    raise InputError(
        f"the {canon} promoter sequence is not bundled (no traceable public copy that a second "
        "source confirms)",
        hint="supply it with --promoter-file FILE.fa, or use --promoter EF1a"
        + (
            " (or leave --promoter out with --vector gamma-retrovirus: the bundled MoMLV LTR "
            "drives expression, as an LTR-driven design)"
            if canon == "MSCV"
            else ""
        ),
    )  # fmt: skip


def _cds(protein: str, req: CarRequest | TcrRequest) -> tuple[str, Any | None]:
    if not req.optimize:
        return back_translate(protein + "*"), None
    from vivo.delivery.codon import CodonConstraints, optimize_codons

    enzymes = tuple(dict.fromkeys(("BsaI", "BsmBI", *req.avoid_sites)))
    res = optimize_codons(protein=protein, constraints=CodonConstraints(avoid_enzymes=enzymes),
                          rng=req.seed)  # fmt: skip
    return res.sequence, res


def _check_enzymes(names: Sequence[str]) -> tuple[str, ...]:
    """REBASE names (Biopython's table) of ``names``, matched without regard to case."""
    if not names:
        return ()
    import difflib

    from Bio.Restriction import AllEnzymes  # type: ignore[attr-defined]

    known = {str(e).upper(): str(e) for e in AllEnzymes}
    out = []
    for name in names:
        hit = known.get(name.strip().upper())
        if hit is None:
            close = difflib.get_close_matches(name.strip().upper(), list(known), n=3, cutoff=0.75)
            hint = f"did you mean {', '.join(known[c] for c in close)}?" if close else ""
            raise InputError(
                f"unknown restriction enzyme {name!r} (not in REBASE as bundled with Biopython)",
                hint=hint or "give enzyme names as REBASE writes them, e.g. EcoRI, BsaI, NotI",
            )
        out.append(hit)
    return tuple(dict.fromkeys(out))


def _assemble(construct: CarConstruct, req: CarRequest | TcrRequest) -> tuple[Cassette, Any | None]:
    family = _vector_family(req.vector)
    avoid = _check_enzymes(req.avoid_sites)
    prom = _promoter(family, req.promoter, req.promoter_file)
    cds, codon = _cds(construct.protein, replace(req, avoid_sites=avoid))
    if translate(cds)[:-1] != construct.protein:  # pragma: no cover - guaranteed upstream
        raise InputError("internal: the CDS does not encode the construct protein")
    tg = make_transgene(construct.name.replace(" ", "_"), cds=cds)
    layout = [*_HEADS[family], *(p.name for p in prom), *_TAILS[family]]
    cas = design_cassette(tg, vector=req.vector, layout=layout, extra_parts=prom,
                          name=req.name or construct.name)  # fmt: skip
    return cas, codon


# ---------------------------------------------------------------------------------- checks


def _promoter_note(req: CarRequest | TcrRequest, family: str) -> list[Check]:
    lte = (req.promoter or "MSCV").lower() == "mscv"
    if family == "gammaretrovirus" and not req.promoter_file and lte:
        return [Check("promoter", "warn",
                      "LTR-driven γ-retroviral design: the bundled backbone has MoMLV LTRs; the "
                      "MSCV LTR of the approved products (Yescarta, Tecartus) is not bundled — "
                      "the expression promoter here is the MoMLV 5' LTR U3")]  # fmt: skip
    return []


def _run_checks(c: Cassette, req: CarRequest | TcrRequest) -> CassetteReport:
    avoid = _check_enzymes(req.avoid_sites)
    base = check_cassette(c, enzymes=tuple(dict.fromkeys((*DEFAULT_ENZYMES, *avoid))))
    extra = [*retroviral_checks(c, avoid), *_promoter_note(req, get_vector(c.vector).family)]
    return CassetteReport(c, (*base.checks, *extra))


def _require_fit(report: CassetteReport, c: Cassette) -> None:
    vec = get_vector(c.vector)
    payload = c.payload_bp()
    limit = vec.hard_limit_bp or vec.soft_limit_bp
    if limit is not None and payload > limit:
        raise InputError(
            f"the construct does not fit its vector: {report.check('capacity').message}",
            hint="drop the safety switch, use a shorter hinge or binder (a VHH), or split the "
            "cassette",
        )


# ------------------------------------------------------------------------------ comparison


def _field(items: list[str], *words: str) -> str:
    hit = [i for i in items if any(w.lower() in i.lower() for w in words)]
    return "; ".join(hit) if hit else "not stated"


def _product_row(p: Any) -> dict[str, str]:
    inner = p.target.split("(", 1)[1].rsplit(")", 1)[0] if "(" in p.target else ""
    items = [i.strip() for i in inner.split(";") if i.strip()]
    costim = _field(items, "/CD3z")
    vec_prom = re.search(r"\(([^)]*promoter)\)", p.vector)
    return {
        "product": p.brand, "target": p.target.split("(")[0].strip(),
        "binder": _field(items, "scFv", "binder", "antibod", "VHH"),
        "hinge": _field(items, "hinge"), "tm": _field(items, " TM"),
        "costimulation": costim.replace("/CD3z", "") if costim != "not stated" else costim,
        "activation": "CD3z" if "/CD3z" in p.target else "not stated",
        "safety_switch": _field(items, "EGFRt", "iCasp9"),
        "vector": p.vector.split("(")[0].strip(),
        "promoter": vec_prom.group(1) if vec_prom else _field(items, "promoter"),
        "status": p.status_line(),
    }  # fmt: skip


def compare_with_products(construct: CarConstruct, cassette: Cassette) -> list[dict[str, str]]:
    """The design next to every CAR-T product of the knowledge base (first row: the design)."""
    from vivo.knowledge.products import load_products

    o = construct.options
    prom = next((e.part.name for e in cassette.elements if e.part.kind == "promoter"),
                "5' LTR (MoMLV U3)")  # fmt: skip
    design = {
        "product": f"this design ({construct.name})", "target": construct.target,
        "binder": f"{o.get('binder', '')} ({o.get('format', '')})",
        "hinge": o.get("hinge", ""), "tm": o.get("tm", ""),
        "costimulation": o.get("costim", ""), "activation": "CD3z",
        "safety_switch": o.get("safety_switch", "none"), "vector": cassette.vector,
        "promoter": prom, "status": "design",
    }  # fmt: skip
    rows = [_product_row(p) for p in load_products() if "CAR-T" in p.modality_label]
    return [design, *rows]


# -------------------------------------------------------------------------------- workflow


def _finish(
    construct: CarConstruct,
    req: CarRequest | TcrRequest,
    *,
    outdir: str | os.PathLike[str] | None,
    force: bool,
    figures: bool,
) -> CarResult:
    cas, codon = _assemble(construct, req)
    report = _run_checks(cas, req)
    _require_fit(report, cas)
    comparison = tuple(compare_with_products(construct, cas)) if construct.kind == "CAR" else ()
    result = CarResult(construct, cas, report, codon, comparison, req)
    if outdir is not None:
        result = replace(result, files=_write(result, outdir, force=force, figures=figures))
    return result


def _same_gene(a: str, b: str) -> bool:
    from vivo.knowledge.genes import lookup_gene

    ra, rb = lookup_gene(a), lookup_gene(b)
    return a.strip().lower() == b.strip().lower() or (
        ra is not None and rb is not None and ra.symbol == rb.symbol
    )


def _bundled_binder_for(target: str, name: str | None) -> Binder | None:
    """The bundled binder for ``target`` (HGNC aliases understood: BCMA = TNFRSF17).

    ``None`` for a real gene without a bundled binder (``design_car`` then says how to give
    one); an :class:`InputError` for a target that is no human protein-coding gene.
    """
    from vivo.knowledge.genes import lookup_gene, suggest_genes

    text = target.strip()
    if not text:
        raise InputError("name the target antigen, e.g. --target CD19")
    if name is not None:
        b = get_binder(name)
        if not _same_gene(b.target, text):
            raise InputError(f"binder {b.name} binds {b.target}, not {text}",
                             hint=f"use --target {b.target} or another binder")  # fmt: skip
        return b
    bundled = [b for b in list_binders() if b.target.lower() == text.lower()]
    if not bundled and lookup_gene(text) is None:
        guess = suggest_genes(text)
        raise InputError(
            f"unknown target {text!r}: not a human protein-coding gene symbol or alias",
            hint=(f"did you mean {', '.join(guess)}? " if guess else "")
            + "for a non-protein antigen give your own binder with --binder FILE.fa",
        )
    bundled = bundled or [b for b in list_binders() if _same_gene(b.target, text)]
    return bundled[0] if bundled else None


def design_car_construct(
    request: CarRequest,
    *,
    outdir: str | os.PathLike[str] | None = None,
    force: bool = False,
    figures: bool = True,
) -> CarResult:
    """Design, check and (with ``outdir``) write a CAR construct; see the module doc."""
    construct = car_construct(request)
    return _finish(construct, request, outdir=outdir, force=force, figures=figures)


def car_construct(request: CarRequest) -> CarConstruct:
    """The CAR protein of ``request`` (segments and options, no vector): fast, so a caller can
    check a request (unknown target, binder, unbundled segment, bad combination) before work."""
    user = read_domains_fasta(request.domains_file) if request.domains_file else None
    binder: str | Binder | None = request.binder
    if request.binder_file:
        binder = read_binder_fasta(request.binder_file, target=request.target)
    else:
        binder = _bundled_binder_for(request.target, request.binder)
    spec = CarSpec(target=request.target, binder=binder, format=request.format,
                   leader=request.leader, linker=request.linker, hinge=request.hinge,
                   tm=request.tm, costim=request.costim, safety_switch=request.safety_switch,
                   skip=request.skip, name=request.name)  # fmt: skip
    return design_car(spec, user_domains=user)


def design_tcr_construct(
    request: TcrRequest,
    *,
    outdir: str | os.PathLike[str] | None = None,
    force: bool = False,
    figures: bool = True,
) -> CarResult:
    """A TCR β-2A-α (or α-2A-β; T2A or P2A) construct from user chains; ``alpha``/``beta``
    are FASTA paths or protein sequences."""

    def chain(value: str, label: str) -> str:
        if Path(value).suffix.lower() in {".fa", ".fasta", ".faa"} or os.sep in value:
            return _read_records(value, f"TCR {label}")[0][1]
        return value

    construct = design_tcr(chain(request.alpha, "alpha"), chain(request.beta, "beta"),
                           target=request.target, order=request.order, skip=request.skip,
                           name=request.name)  # fmt: skip
    return _finish(construct, request, outdir=outdir, force=force, figures=figures)


# ---------------------------------------------------------------------------------- output


def _record(result: CarResult) -> Any:
    from Bio.SeqFeature import FeatureLocation, SeqFeature

    from vivo.delivery.records import cassette_to_record

    rec = cassette_to_record(result.cassette)
    cds = result.cassette.cds
    if cds is None:  # pragma: no cover - every design has a CDS
        return rec
    for seg in result.construct.segments:
        d = seg.domain
        loc = FeatureLocation(cds.start + 3 * seg.start, cds.start + 3 * seg.end, strand=1)  # type: ignore[no-untyped-call]
        notes = [d.name, f"{d.kind.replace('_', ' ')}, residues {seg.start + 1}-{seg.end}"]
        if d.uniprot:
            notes.append(f"UniProt/RefSeq {d.uniprot} {d.residues}")
        elif d.residues:
            notes.append(d.residues)
        quals = {"label": [d.key], "note": notes}
        rec.features.append(SeqFeature(loc, type="misc_feature", qualifiers=quals))  # type: ignore[no-untyped-call]
    return rec


def _stem(result: CarResult) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", result.construct.name).strip("_") or "construct"


def _comparison_tsv(rows: Sequence[dict[str, str]]) -> str:
    if not rows:
        return ""
    cols = list(rows[0])
    lines = ["\t".join(cols)] + ["\t".join(r[c] for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


def _write(
    result: CarResult, outdir: str | os.PathLike[str], *, force: bool, figures: bool
) -> dict[str, Path]:
    from vivo.io.fasta import write_fasta
    from vivo.io.genbank import write_genbank

    final, stem = Path(outdir), _stem(result)
    names = {"genbank": f"{stem}.gb", "protein_fasta": f"{stem}.protein.fa",
             "dna_fasta": f"{stem}.fa", "report_txt": f"{stem}.report.txt",
             "report_json": f"{stem}.report.json"}  # fmt: skip
    if result.comparison:
        names["comparison_tsv"] = f"{stem}.comparison.tsv"
    if figures:
        names["map_svg"] = f"{stem}.map.svg"
    with atomic_dir(final, force=force) as stage:
        write_genbank([_record(result)], stage / names["genbank"])
        write_fasta([(stem, result.construct.protein)], stage / names["protein_fasta"])
        write_fasta([(stem, result.cassette.sequence)], stage / names["dna_fasta"])
        write_text_atomic(stage / names["report_txt"], result.report.to_text() + "\n")
        if result.comparison:
            write_text_atomic(stage / names["comparison_tsv"], _comparison_tsv(result.comparison))
        if figures:
            from vivo.reports.construct_maps import render_construct_map

            with atomic_write(stage / names["map_svg"], "wb") as fh:
                fh.write(render_construct_map(result.cassette, fmt="svg", layout="linear"))
        files = {k: final / v for k, v in names.items()}
        payload = replace(result, files=files).to_dict()
        write_text_atomic(stage / names["report_json"], json.dumps(payload, indent=2) + "\n")
    return files
