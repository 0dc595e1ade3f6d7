"""Job: design a gene-addition construct end to end.

Request in (transgene + variant, vector, tissue, options; or a design TOML file), result out:
the assembled cassette, the codon-optimisation run (when asked or when only a protein is
known), every check, a vector recommendation, and — with ``outdir`` — GenBank, FASTA, JSON
and text reports and linear/circular map figures.

The output folder is a transaction (:func:`vivo.io.atomic.atomic_dir`): the files are staged
next to it and appear together only when all are written; an existing non-empty folder is
replaced only with ``force=True``. With ``require_fit=True`` a construct over its vector's hard
capacity is an :class:`~vivo.core.errors.InputError` raised before anything is written.

Used by ``vivo cassette`` and by the therapy dossier:

>>> from vivo.workflows.cassette import CassetteRequest, design_construct
>>> res = design_construct(CassetteRequest(transgene="HBB", variant="T87Q", vector="LV",
...                                        tissue="erythroid", optimize=False))
>>> res.report.check("orf").status
'pass'
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from vivo.core.errors import FormatError, InputError
from vivo.delivery.cassettes import Cassette, design_cassette
from vivo.delivery.checks import CassetteReport, check_cassette
from vivo.delivery.parts import Part, make_part
from vivo.delivery.recommend import VectorRecommendation, recommend_vectors
from vivo.delivery.transgenes import Transgene, back_translate, get_transgene, make_transgene
from vivo.delivery.vectors import get_vector
from vivo.genome.annotation import AnnotatedGenome
from vivo.io.atomic import atomic_dir, atomic_write, write_text_atomic
from vivo.io.jsonio import write_json

__all__ = [
    "SCHEMA_VERSION",
    "CassetteRequest",
    "CassetteResult",
    "PartSpec",
    "bundled_transgene",
    "cds_from_annotation",
    "check_fits",
    "design_construct",
    "load_design",
    "write_construct_files",
]

SCHEMA_VERSION: Final = "1"


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A user part: a sequence given inline or a FASTA/GenBank file (first record)."""

    name: str
    kind: str
    sequence: str | None = None
    file: str | None = None
    tissues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CassetteRequest:
    """What to design. ``optimize``/``deplete_cpg`` ``None`` mean automatic (see docs)."""

    transgene: str | None = None
    variant: str | None = None
    cds: str | None = None
    protein: str | None = None
    vector: str = "AAV"
    tissue: str | None = None
    promoter: str | None = None
    layout: tuple[str, ...] | None = None
    parts: tuple[PartSpec, ...] = ()
    optimize: bool | None = None
    method: str = "use_best_codon"
    host: str = "h_sapiens"
    deplete_cpg: bool | None = None
    seed: int = 0
    name: str | None = None
    #: a genome file (+ GTF/GFF3) whose annotation gives the CDS of a transgene that vivo does
    #: not bundle (e.g. ``transgene="ADA"`` on GRCh37); the bundled transgenes come first
    genome: str | None = None
    annotation: str | None = None
    genome_home: str | None = None  # a store of fetched genomes: `genome` must be one there


@dataclass(frozen=True, slots=True)
class CassetteResult:
    """The designed construct, its checks, codon run and recommendation, and written files."""

    request: CassetteRequest
    cassette: Cassette
    report: CassetteReport
    recommendation: VectorRecommendation | None
    codon: Any | None = None
    files: dict[str, Path] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view with ``schema_version``."""
        from vivo import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "vivo_version": __version__,
            "cassette": self.cassette.to_dict(),
            "status": self.report.status,
            "checks": [c.to_dict() for c in self.report.checks],
            "codon_optimization": self.codon.to_dict() if self.codon else None,
            "recommendation": self.recommendation.to_dict() if self.recommendation else None,
            "sequence": self.cassette.sequence,
            "files": {k: str(v) for k, v in self.files.items()},
        }


def _transgene(req: CassetteRequest) -> Transgene:
    if req.cds or req.protein:
        return make_transgene(req.transgene or "transgene", cds=req.cds, protein=req.protein)
    if not req.transgene:
        raise InputError("name a transgene (e.g. F9) or give a CDS or protein sequence")
    if req.genome is not None and not bundled_transgene(req.transgene):
        from vivo.workflows.genomes import resolve_genome

        ag = resolve_genome(req.genome, req.annotation, home=req.genome_home)
        return make_transgene(req.transgene, cds=cds_from_annotation(ag, req.transgene),
                              source=f"the annotation of genome {ag.name}")  # fmt: skip
    return get_transgene(req.transgene, variant=req.variant)


def bundled_transgene(name: str) -> bool:
    """Whether ``name`` is in vivo's transgene catalogue (its CDS wins over a genome's)."""
    from vivo.delivery.transgenes import TRANSGENES

    return name.strip().upper() in TRANSGENES


def cds_from_annotation(genome: AnnotatedGenome, gene: str) -> str:
    """The coding sequence (ATG to stop, upper case) of ``gene``'s canonical transcript in
    ``genome``'s annotation: the transgene of an expression cassette for a gene vivo does not
    bundle. A non-coding gene or a CDS that does not start with ATG, end with a stop codon and
    keep the frame is an :class:`InputError` (the annotation and genome do not match)."""
    from vivo.core.seq import translate

    tx = genome.gene(gene).canonical
    if not tx.is_coding:
        raise InputError(f"{gene}: the canonical transcript {tx.transcript_id} is non-coding")
    cds = tx.cds_sequence(genome.genome).upper()
    protein = translate(cds) if len(cds) % 3 == 0 else ""
    if not protein.startswith("M") or not protein.endswith("*") or "*" in protein[:-1]:
        raise InputError(
            f"{gene}: the CDS of {tx.transcript_id} in {genome.name} is not an open reading "
            f"frame ({len(cds)} nt, ATG..stop expected)",
            hint="check that the annotation belongs to this genome assembly",
        )
    return cds


def _codon_step(req: CassetteRequest, tg: Transgene) -> tuple[Transgene, Any | None]:
    if tg.is_placeholder:
        return tg, None
    optimize = req.optimize if req.optimize is not None else tg.cds is None
    if not optimize:
        if tg.cds is None:
            return tg.with_cds(back_translate(f"{tg.protein}*"), origin="back_translated"), None
        return tg, None
    from vivo.delivery.codon import CodonConstraints, optimize_codons

    deplete = req.deplete_cpg
    if deplete is None:
        deplete = get_vector(req.vector).family == "aav"
    res = optimize_codons(
        tg.cds, protein=None if tg.cds else tg.protein, method=req.method,  # type: ignore[arg-type]
        host=req.host, constraints=CodonConstraints(deplete_cpg=deplete), rng=req.seed,
        original_host=req.host if req.method == "harmonize_rca" else None,
    )  # fmt: skip
    return tg.with_cds(res.sequence, origin="optimized"), res


def _load_part(spec: PartSpec) -> Part:
    if spec.sequence:
        seq = spec.sequence
    elif spec.file:
        seq = _read_sequence_file(spec.file)
    else:
        raise InputError(f"part {spec.name!r} needs a sequence or a file")
    return make_part(spec.name, seq, kind=spec.kind, tissues=spec.tissues,
                     source=spec.file or "user")  # fmt: skip


def _read_sequence_file(path: str) -> str:
    from vivo.io.fasta import read_fasta
    from vivo.io.genbank import parse_genbank_text
    from vivo.io.sniff import sniff

    p = Path(path)
    if not p.is_file():
        raise InputError(f"no such part file: {p}")
    if sniff(p).format == "genbank":  # told by content, not by the file name
        return str(parse_genbank_text(p.read_text(encoding="utf-8"), where=str(p))[0].seq)
    return read_fasta(p)[0].sequence


def design_construct(
    request: CassetteRequest,
    *,
    outdir: str | os.PathLike[str] | None = None,
    figures: bool = True,
    force: bool = False,
    require_fit: bool = False,
) -> CassetteResult:
    """Design, check and (with ``outdir``) write a construct; see the module doc."""
    tg, codon = _codon_step(request, _transgene(request))
    user = tuple(_load_part(s) for s in request.parts)
    cassette = design_cassette(
        tg, vector=request.vector, tissue=request.tissue, promoter=request.promoter,
        layout=request.layout, extra_parts=user, name=request.name,
    )  # fmt: skip
    report = check_cassette(cassette)
    rec = recommend_vectors(tissue=request.tissue, transgene_bp=tg.length_bp) if (
        request.tissue) else None  # fmt: skip
    result = CassetteResult(request, cassette, report, rec, codon)
    if require_fit:
        check_fits(result)
    if outdir is not None:
        files = write_construct_files(result, outdir, figures=figures, force=force)
        result = replace(result, files=files)
    return result


def check_fits(result: CassetteResult) -> None:
    """Raise :class:`InputError` when the construct is over its vector's hard capacity."""
    capacity = result.report.check("capacity")
    if capacity.status != "fail":
        return
    rec = result.recommendation
    alternatives = "; ".join(rec.alternatives) if rec is not None and rec.alternatives else ""
    raise InputError(
        f"the construct does not fit its vector: {capacity.message}",
        hint=alternatives or "choose a vector with a larger capacity or shorten the transgene",
    )


def _stem(c: Cassette) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in c.name).strip("_") or "cassette"


def write_construct_files(
    result: CassetteResult,
    outdir: str | os.PathLike[str],
    *,
    figures: bool = True,
    force: bool = False,
) -> dict[str, Path]:
    """Write GenBank, FASTA, JSON and text reports (and map figures) into ``outdir``.

    All files are staged and appear together (see the module doc); returns their final paths.
    """
    final = Path(outdir)
    with atomic_dir(final, force=force) as stage:
        names = _write_into(result, stage, figures=figures)
        files = {key: final / name for key, name in names.items()}
        payload = replace(result, files=files).to_dict()
        write_json(payload, stage / names["report_json"], schema_version=SCHEMA_VERSION)
    return files


def _write_into(result: CassetteResult, stage: Path, *, figures: bool) -> dict[str, str]:
    """Write every file but the JSON report into ``stage``; return key -> file name."""
    from vivo.delivery.records import cassette_to_record
    from vivo.io.fasta import write_fasta
    from vivo.io.genbank import write_genbank

    stem = _stem(result.cassette)
    names = {"genbank": f"{stem}.gb", "fasta": f"{stem}.fa", "report_txt": f"{stem}.report.txt"}
    write_genbank([cassette_to_record(result.cassette)], stage / names["genbank"])
    write_fasta([(stem, result.cassette.sequence)], stage / names["fasta"])
    write_text_atomic(stage / names["report_txt"], result.report.to_text() + "\n")
    if figures:
        from vivo.reports.construct_maps import render_construct_map

        for layout in ("linear", "circular"):
            for ext in ("svg", "png"):
                name = f"{stem}.{layout}.{ext}"
                image = render_construct_map(result.cassette, fmt=ext, layout=layout)
                with atomic_write(stage / name, "wb") as fh:
                    fh.write(image)
                names[f"map_{layout}_{ext}"] = name
    names["report_json"] = f"{stem}.report.json"
    return names


_KEYS: Final = {"transgene", "variant", "cds", "protein", "vector", "tissue", "promoter",
                "layout", "name"}  # fmt: skip
_CODON_KEYS: Final = {"optimize", "method", "host", "deplete_cpg", "seed"}


_TYPES: Final[dict[str, type | tuple[type, ...]]] = {
    "transgene": str, "variant": str, "cds": str, "protein": str, "vector": str, "tissue": str,
    "promoter": str, "name": str, "layout": list, "optimize": bool, "method": str, "host": str,
    "deplete_cpg": bool, "seed": int, "kind": str, "sequence": str, "file": str, "tissues": list,
}  # fmt: skip
_PART_KEYS: Final = {"name", "kind", "sequence", "file", "tissues"}


def _check_types(table: dict[str, Any], where: str, path: Path) -> None:
    """Every value has the type its key needs (lists hold strings; seeds are 0..2**32-1)."""
    for key, value in table.items():
        want = _TYPES[key]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if ok and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        if ok and key == "seed":
            ok = 0 <= value <= 2**32 - 1
        if not ok:
            kind = {list: "a list of names", str: "text in quotes", bool: "true or false",
                    int: "a whole number 0..4294967295"}[want]  # type: ignore[index]  # fmt: skip
            raise FormatError(f"{where} {key} = {value!r}: must be {kind}", path=str(path))


def _read_toml(p: Path) -> dict[str, Any]:
    if not p.is_file():
        raise InputError(f"no such design file: {p}")
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text (a binary file?)", path=str(p)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise FormatError(f"invalid TOML: {exc}", path=str(p)) from exc


def load_design(path: str | os.PathLike[str]) -> CassetteRequest:
    """Read a design TOML (``[construct]``, optional ``[codon]`` and ``[[parts]]``).

    Unknown keys and values of the wrong type are a :class:`FormatError` naming the file.
    """
    p = Path(path)
    data = _read_toml(p)
    cons, codon, raw_parts = data.get("construct", {}), data.get("codon", {}), data.get("parts", [])
    if not (isinstance(cons, dict) and isinstance(codon, dict) and isinstance(raw_parts, list)):
        raise FormatError("[construct] and [codon] must be tables, [[parts]] an array of tables",
                          path=str(p))  # fmt: skip
    unknown = (set(cons) - _KEYS) | (set(codon) - _CODON_KEYS)
    if unknown:
        raise FormatError(
            f"unknown design keys {sorted(unknown)}",
            path=str(p),
            hint=f"[construct] takes {sorted(_KEYS)}; [codon] {sorted(_CODON_KEYS)}",
        )
    _check_types(cons, "[construct]", p)
    _check_types(codon, "[codon]", p)
    parts = [_part_spec(raw, p) for raw in raw_parts]
    if "layout" in cons:
        cons = {**cons, "layout": tuple(cons["layout"])}
    return CassetteRequest(**cons, **codon, parts=tuple(parts))


def _part_spec(raw: Any, p: Path) -> PartSpec:
    if not isinstance(raw, dict) or set(raw) - _PART_KEYS or not {"name", "kind"} <= set(raw):
        raise FormatError(
            f"bad [[parts]] entry {raw!r}",
            path=str(p),
            hint="each part has name and kind, and sequence or file (optional tissues)",
        )
    _check_types(raw, "[[parts]]", p)
    spec = dict(raw)
    if "file" in spec and not Path(spec["file"]).is_absolute():
        spec["file"] = str(p.parent / spec["file"])
    spec["tissues"] = tuple(spec.get("tissues", ()))
    return PartSpec(**spec)
