"""RNA therapy jobs: load a target transcript and a transcriptome, design siRNAs, write results.

``design_sirna(SiRNARequest(...))`` resolves the transcript (a file given with
``--transcript``, a gene of ``--genome``, a bundled record or the bundled locus), the
transcriptome searched for off-targets (``--transcriptome`` FASTA, else the annotated genome's
transcripts when a genome is given, else the bundled records, which the result flags as not a
transcriptome), the variant positions of a VCF, and runs :func:`vivo.rna.sirna.design_sirnas`.
:func:`write_sirna` writes the result folder atomically (nothing is left on failure).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TypeVar

import numpy as np

from vivo.core.errors import InputError
from vivo.genome.annotation import AnnotatedGenome
from vivo.io.atomic import atomic_dir
from vivo.rna.aso import AsoResult
from vivo.rna.offtargets import Transcriptome
from vivo.rna.sirna import MAX_TOP, SiRNADesign, design_sirnas
from vivo.rna.transcript import (
    BUNDLED_TRANSCRIPTS,
    RnaTranscript,
    bundled_transcript,
    parse_transcript_header,
    transcript_from_annotation,
    transcript_from_record,
    transcript_from_sequence,
)

__all__ = [
    "AsoRequest",
    "SiRNARequest",
    "SiRNAResult",
    "design_aso",
    "design_sirna",
    "load_transcript",
    "load_transcriptome",
    "variant_mrna_positions",
    "write_aso",
    "write_sirna",
]

_REGIONS = ("cds", "3utr", "5utr", "any")
_TISSUES = ("liver", "other")


@dataclass(frozen=True, slots=True)
class SiRNARequest:
    """One siRNA design job: give ``gene`` or ``transcript`` (a GenBank/FASTA file)."""

    gene: str | None = None
    transcript: str | None = None
    transcript_id: str | None = None
    genome: str | None = None
    annotation: str | None = None
    region: str = "cds"
    top: int = 10
    transcriptome: str | None = None
    vcf: str | None = None
    sample: str | None = None
    tissue: str = "liver"

    def __post_init__(self) -> None:
        if self.region not in _REGIONS:
            raise InputError(f"unknown region {self.region!r}", hint="use " + ", ".join(_REGIONS))
        if self.tissue not in _TISSUES:
            raise InputError(f"unknown tissue {self.tissue!r}", hint="use liver or other")
        if not 1 <= self.top <= MAX_TOP:
            raise InputError(f"top={self.top} is out of range", hint=f"use 1-{MAX_TOP}")
        if self.gene is None and self.transcript is None:
            raise InputError("give a gene or --transcript FILE",
                             hint="e.g. vivo rna sirna ADA")  # fmt: skip


@dataclass(frozen=True, slots=True)
class SiRNAResult:
    """The design and what it was made from."""

    design: SiRNADesign
    variants: int = 0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result."""
        return {**self.design.to_dict(), "variants_used": self.variants}


# -- loading ---------------------------------------------------------------------------------------
def _bundled_by_gene(gene: str) -> RnaTranscript | None:
    key = gene.strip().upper()
    for name in BUNDLED_TRANSCRIPTS:
        tx = bundled_transcript(name)
        if key in (name.upper(), tx.gene.upper()):
            return tx
    return None


def _from_file(path: str, gene: str | None, transcript_id: str | None) -> RnaTranscript:
    """The one transcript of a GenBank/FASTA file that ``transcript_id`` (else ``gene``) names.

    A file of several records never yields its first silently: the record is chosen by
    ``--transcript-id`` (record id/name, with or without version, or gene), else by the gene
    when that names exactly one record; otherwise an :class:`InputError` lists the records.
    """
    from vivo.io.sniff import require_format

    kind = require_format(path, ("genbank", "fasta"), what="a transcript file (GenBank or FASTA)")
    if kind.format == "genbank":
        from vivo.genome.records import genes_from_record
        from vivo.io.genbank import parse_genbank_text
        from vivo.io.sniff import read_text

        records = parse_genbank_text(read_text(path, what="GenBank file"), where=str(path))
        labelled = [
            (str(r.id), {str(r.id), str(r.name), *(g.name for g in genes_from_record(r))}, r)
            for r in records
        ]
        record = _choose(path, labelled, gene, transcript_id)
        return transcript_from_record(record, gene=gene, source=f"GenBank file {path}")
    from vivo.io.fasta import read_fasta

    fasta = read_fasta(path)
    chosen = _choose(
        path,
        [(r.name, {r.name, *_names(f"{r.name} {r.description}")}, r) for r in fasta],
        gene,
        transcript_id,
    )
    tid, gname, cds = parse_transcript_header(f"{chosen.name} {chosen.description}")
    return transcript_from_sequence(tid, chosen.sequence, cds=cds, gene=gene or gname,
                                    source=f"FASTA file {path}")  # fmt: skip


_T = TypeVar("_T")
_LISTED = 12


def _choose(
    path: str, records: list[tuple[str, set[str], _T]], gene: str | None, transcript_id: str | None
) -> _T:
    """The record ``transcript_id`` names (else the one ``gene`` names, else the only one)."""

    def named(wanted: str) -> list[tuple[str, set[str], _T]]:
        key = wanted.strip().upper()
        return [r for r in records if key in {x.upper() for x in r[1]}
                or key in {x.upper().rsplit(".", 1)[0] for x in r[1]}]  # fmt: skip

    if transcript_id is not None:
        found = named(transcript_id)
        if not found:
            _no_id(path, transcript_id, records)
    elif gene is not None and len(records) > 1:
        found = named(gene)
        if not found:
            _no_id(path, gene, records)
    else:
        found = records
    if len(found) > 1:
        what = f"{len(found)} records of {gene}" if transcript_id is None and gene else (
            f"{len(found)} records named {transcript_id}" if transcript_id else
            f"{len(found)} transcript records")  # fmt: skip
        raise InputError(
            f"{path} holds {what} ({_listing(found)}): vivo does not pick one for you",
            hint="choose one with --transcript-id ID",
        )
    return found[0][2]


def _listing(records: list[tuple[str, set[str], _T]]) -> str:
    names = [r[0] for r in records[:_LISTED]]
    more = len(records) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _names(header: str) -> set[str]:
    tid, gene, _ = parse_transcript_header(header)
    return {tid, gene}


def _no_id(path: str, wanted: str, records: list[tuple[str, set[str], _T]]) -> NoReturn:
    raise InputError(f"{path} has no transcript {wanted!r} (its records: {_listing(records)})",
                     hint="check --transcript-id or the gene name")  # fmt: skip


def load_transcript(
    *,
    gene: str | None = None,
    transcript: str | None = None,
    transcript_id: str | None = None,
    genome: str | None = None,
    annotation: str | None = None,
) -> tuple[RnaTranscript, AnnotatedGenome | None]:
    """The target transcript (and the annotated genome it came from, if any).

    Order: ``transcript`` file; else ``gene`` in ``genome`` (with ``annotation``); else a bundled
    record of ``gene`` (ADA, DMD, SMN2); else ``gene`` in the bundled beta-globin locus.
    """
    if transcript is not None:
        return _from_file(transcript, gene, transcript_id), None
    assert gene is not None
    if genome is None and (tx := _bundled_by_gene(gene)) is not None:
        return tx, None
    from vivo.workflows.genomes import resolve_genome

    ag = resolve_genome(genome, annotation)
    try:
        tx = transcript_from_annotation(ag, gene, transcript_id=transcript_id)
    except InputError as exc:
        if genome is None:
            raise InputError(
                f"no transcript of {gene!r} in the bundled records "
                f"({', '.join(BUNDLED_TRANSCRIPTS)}) or the bundled locus ({ag.name})",
                hint="give --transcript FILE (GenBank or FASTA) or --genome/--annotation",
            ) from exc
        raise
    return tx, ag


def load_transcriptome(path: str | os.PathLike[str]) -> Transcriptome:
    """A transcript FASTA (e.g. GENCODE ``transcripts.fa``, plain or gzip) as a transcriptome."""
    from vivo.io.fasta import read_fasta

    records = read_fasta(path)
    return Transcriptome.from_fasta_records(
        ((f"{r.name} {r.description}", r.sequence) for r in records),
        source=f"transcript FASTA {Path(path).name} ({len(records):,} transcripts)",
    )


def _plain_contig(name: str) -> str:
    return name[3:] if name.lower().startswith("chr") else name


def variant_mrna_positions(
    tx: RnaTranscript, variants: Iterable[tuple[str, int, int]], *, kind: str = "mrna"
) -> tuple[int, ...]:
    """mRNA positions covered by variants given as ``(contig, start0, end0)`` genome intervals
    (``chr`` prefixes ignored); an :class:`InputError` when the transcript has no genome map.
    ``kind="pre-mrna"`` gives pre-mRNA positions instead."""
    if not tx.blocks:
        raise InputError(
            f"transcript {tx.transcript_id} has no genome coordinates, so VCF positions "
            "cannot be placed on it",
            hint="use a GenBank record with genome coordinates or --genome with --annotation",
        )
    local = tx.local_of_mrna() if kind == "mrna" else tx.local_of_pre()
    out: set[int] = set()
    for contig, start, end in variants:
        for b in tx.blocks:
            if _plain_contig(b.contig) != _plain_contig(contig):
                continue
            lo, hi = max(start, b.genomic.start), min(end, b.genomic.end)
            if lo >= hi:
                continue
            g = np.arange(lo, hi, dtype=np.int64)
            loc = (g - b.genomic.start + b.local.start if b.strand.sign > 0
                   else b.genomic.end - 1 - g + b.local.start)  # fmt: skip
            out.update(int(i) for i in np.flatnonzero(np.isin(local, loc)))
    return tuple(sorted(out))


def _vcf_positions(
    tx: RnaTranscript, path: str, sample: str | None, *, kind: str = "mrna"
) -> tuple[int, ...]:
    from vivo.io.vcf import read_vcf

    _, records = read_vcf(path, sample=sample)
    spans = [(r.contig, r.pos - 1, r.pos - 1 + max(1, len(r.ref))) for r in records]
    return variant_mrna_positions(tx, spans, kind=kind)


def design_sirna(request: SiRNARequest) -> SiRNAResult:
    """Run one siRNA design (see the module docstring)."""
    tx, ag = load_transcript(
        gene=request.gene, transcript=request.transcript, transcript_id=request.transcript_id,
        genome=request.genome, annotation=request.annotation,
    )  # fmt: skip
    tm = None
    if request.transcriptome is not None:
        tm = load_transcriptome(request.transcriptome)
    elif ag is not None and request.genome is not None:
        tm = Transcriptome.from_annotation(ag)
    snps: tuple[int, ...] = ()
    if request.vcf is not None:
        snps = _vcf_positions(tx, request.vcf, request.sample)
    indexes = None
    if tm is not None:  # built once per transcript set, then loaded (vivo.workflows.rna_index)
        from vivo.workflows.rna_index import transcriptome_indexes

        indexes = transcriptome_indexes(tm)
    design = design_sirnas(
        tx, region=request.region, top=request.top, transcriptome=tm,  # type: ignore[arg-type]
        snp_positions=snps, tissue=request.tissue,  # type: ignore[arg-type]
        seed_index=indexes.seed if indexes else None,
        near_index=indexes.near if indexes else None,
    )  # fmt: skip
    notes = [indexes.note] if indexes is not None and indexes.note else []
    if tm is not None and (missing := sum(c is None for c in tm.cds)):
        notes.append(
            f"seed matches were searched in the 3'UTRs of {len(tm) - missing:,} of {len(tm):,} "
            f"transcripts ({tm.source}); {missing:,} without an annotated CDS have no known "
            "3'UTR (GENCODE transcripts.fa headers carry CDS:start-end; --genome with "
            "--annotation gives every coding transcript's)"
        )
    if notes:
        design = dataclasses.replace(design, notes=(*design.notes, *notes))
    return SiRNAResult(design, variants=len(snps))


# -- output ----------------------------------------------------------------------------------------
DUPLEX_COLUMNS = (
    "rank", "start_1based", "location", "target_site", "guide_antisense", "passenger_sense",
    "gc_percent", "reynolds", "ui_tei_class_i", "amarzguioui", "asymmetry_kcal_per_mol",
    "immune_motifs", "snps", "seed_sites", "seed_other_gene_transcripts",
    "near_sites_other_genes_0_1_2_3mm", "passes_rules", "passes_offtargets",
)  # fmt: skip


def duplex_rows(design: SiRNADesign) -> list[dict[str, object]]:
    """One TSV row per duplex."""
    rows = []
    for d in design.duplexes:
        ot = d.offtargets
        by_mm = [sum(1 for s in ot.near_sites if s.mismatches == k) for k in range(4)] if ot else []
        rows.append({
            "rank": d.rank, "start_1based": d.start + 1, "location": d.location.label,
            "target_site": d.target, "guide_antisense": d.guide, "passenger_sense": d.passenger,
            "gc_percent": d.gc_percent, "reynolds": d.reynolds.score,
            "ui_tei_class_i": d.ui_tei.class_i, "amarzguioui": d.amarzguioui.score,
            "asymmetry_kcal_per_mol": d.asymmetry_kcal, "immune_motifs": ",".join(d.immune),
            "snps": ",".join(str(p + 1) for p in d.snps),
            "seed_sites": ot.seed.n_sites if ot else "",
            "seed_other_gene_transcripts": ot.seed_other_transcripts if ot else "",
            "near_sites_other_genes_0_1_2_3mm": "/".join(map(str, by_mm)),
            "passes_rules": d.passes_rules, "passes_offtargets": d.passes_offtargets,
        })  # fmt: skip
    return rows


def _tsv(columns: Iterable[str], rows: Iterable[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _site_rows(design: SiRNADesign) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    seeds, near = [], []
    for d in design.duplexes:
        if d.offtargets is None:
            continue
        for s in d.offtargets.seed.sites():
            seeds.append({"rank": d.rank, **s.to_dict()})
        for n in (*d.offtargets.near_sites, *d.offtargets.passenger_sites):
            near.append({"rank": d.rank, **n.to_dict()})
    return seeds, near


def write_sirna(result: SiRNAResult, out: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write ``sirna.json``, ``duplexes.tsv``, ``seed_sites.tsv`` and ``near_sites.tsv`` into
    the folder ``out`` atomically."""
    seeds, near = _site_rows(result.design)
    with atomic_dir(out, force=force) as stage:
        (stage / "sirna.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n")
        (stage / "duplexes.tsv").write_text(_tsv(DUPLEX_COLUMNS, duplex_rows(result.design)))
        (stage / "seed_sites.tsv").write_text(
            _tsv(("rank", "transcript_id", "gene", "start", "start_1based", "eight_mer"), seeds)
        )
        near_cols = ("rank", "target", "name", "gene", "start", "end", "strand", "site",
                     "mismatches", "region")  # fmt: skip
        (stage / "near_sites.tsv").write_text(_tsv(near_cols, near))
    return Path(out)


# -- antisense oligonucleotides (helper H2) --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AsoRequest:
    """One ASO design job: ``gene`` or ``transcript``; ``mode`` gapmer, skip or include.

    Off-targets: the transcripts of ``transcriptome`` (else of the annotated ``genome``, else
    the bundled records, flagged as not a transcriptome) and, when ``genome`` is given, its
    contigs (both strands), with up to two mismatches.
    """

    gene: str | None = None
    transcript: str | None = None
    transcript_id: str | None = None
    genome: str | None = None
    annotation: str | None = None
    mode: str = "gapmer"
    exon: int | None = None
    length: int | None = None
    chemistry: str | None = None
    top: int = 10
    flank: int = 100
    target: str = "mrna"
    transcriptome: str | None = None
    vcf: str | None = None
    sample: str | None = None

    def __post_init__(self) -> None:
        from vivo.rna.aso import ASO_MODES

        if self.mode not in ASO_MODES:
            raise InputError(f"unknown ASO mode {self.mode!r}", hint="use gapmer, skip or include")
        if self.target not in ("mrna", "pre-mrna"):
            raise InputError(f"unknown target {self.target!r}", hint="use mrna or pre-mrna")
        if not 1 <= self.top <= 1000:
            raise InputError(f"top={self.top} is out of range", hint="use 1-1000")
        if self.gene is None and self.transcript is None:
            raise InputError("give a gene or --transcript FILE",
                             hint="e.g. vivo rna aso SMN2 --mode include --exon 7")  # fmt: skip


def design_aso(request: AsoRequest) -> AsoResult:
    """Run one ASO design (see :class:`AsoRequest`)."""
    from vivo.rna.aso import design_asos
    from vivo.rna.offtargets import genome_pamless_index
    from vivo.workflows.rna_index import transcriptome_indexes

    tx, ag = load_transcript(
        gene=request.gene, transcript=request.transcript, transcript_id=request.transcript_id,
        genome=request.genome, annotation=request.annotation,
    )  # fmt: skip
    user_genome = request.genome is not None
    if request.transcriptome is not None:
        tm = load_transcriptome(request.transcriptome)
    elif ag is not None:  # the transcript's own genome (the bundled locus is not genome-wide)
        tm = dataclasses.replace(Transcriptome.from_annotation(ag), complete=user_genome)
    else:
        tm = Transcriptome.bundled()
    tindex = transcriptome_indexes(tm)  # cached on disk when large (vivo.workflows.rna_index)
    gindex = genome_pamless_index(ag) if ag is not None else None
    kind = "pre-mrna" if request.mode != "gapmer" else request.target
    snps: tuple[int, ...] = ()
    if request.vcf is not None:
        snps = _vcf_positions(tx, request.vcf, request.sample, kind=kind)
    result = design_asos(
        tx, mode=request.mode, exon=request.exon, length=request.length,
        chemistry=request.chemistry, top=request.top, flank=request.flank,
        kind=request.target,  # type: ignore[arg-type]
        transcript_index=tindex.near,  # searched shard by shard
        genome_index=gindex, snp_positions=snps,
    )  # fmt: skip
    notes = list(result.notes)
    if tindex.note:
        notes.append(tindex.note)
    if request.vcf is not None:
        notes.append(f"{len(snps)} variant position(s) of {request.vcf} lie on the "
                     f"{kind}; designs over them are flagged SNP and ranked last")  # fmt: skip
    if not tm.complete:
        notes.append(f"transcript off-targets were searched in {tm.source} only, NOT a "
                     "transcriptome: give --transcriptome FASTA or --genome")  # fmt: skip
    if gindex is None:
        notes.append("genome off-targets not searched: give --genome (with --annotation)")
    elif not user_genome and ag is not None:
        notes.append(f"genome off-targets were searched in the bundled locus {ag.name} only, "
                     "NOT a genome: give --genome (with --annotation)")  # fmt: skip
    return dataclasses.replace(result, notes=tuple(notes))


ASO_COLUMNS = (
    "rank", "oligo_5to3", "length", "chemistry", "pattern", "location", "start_1based", "end",
    "genomic", "gc_percent", "score", "flags", "self_dimer_bp", "hairpin_bp",
    "transcript_offtargets_0_1_2mm", "genome_offtargets_0_1_2mm", "snps_1based",
)  # fmt: skip


def aso_rows(result: AsoResult) -> list[dict[str, object]]:
    """One TSV row per ASO."""
    rows = []
    for d in result.designs:
        ot = d.offtargets
        tx_counts = "/".join(map(str, ot.transcriptome)) if ot and ot.transcriptome else ""
        g_counts = "/".join(map(str, ot.genome)) if ot and ot.genome else ""
        genomic = ";".join(f"{asm}:{loc.to_ucsc()}" for asm, loc in d.location.genomic)
        rows.append({
            "rank": d.rank, "oligo_5to3": d.oligo, "length": d.length, "chemistry": d.chemistry,
            "pattern": d.pattern, "location": d.location.label, "start_1based": d.start + 1,
            "end": d.end, "genomic": genomic, "gc_percent": round(100 * d.gc, 1),
            "score": round(d.score, 3), "flags": ",".join(d.flags),
            "self_dimer_bp": d.self_dimer_bp, "hairpin_bp": d.hairpin_bp,
            "transcript_offtargets_0_1_2mm": tx_counts, "genome_offtargets_0_1_2mm": g_counts,
            "snps_1based": ",".join(str(p + 1) for p in d.snps),
        })  # fmt: skip
    return rows


def write_aso(result: AsoResult, out: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write ``aso.json``, ``asos.tsv`` and ``offtarget_sites.tsv`` into ``out`` atomically."""
    sites = [{"rank": d.rank, **s.to_dict()} for d in result.designs if d.offtargets
             for s in d.offtargets.sites]  # fmt: skip
    site_cols = ("rank", "target", "name", "gene", "start", "end", "strand", "site",
                 "mismatches", "region")  # fmt: skip
    with atomic_dir(out, force=force) as stage:
        (stage / "aso.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n")
        (stage / "asos.tsv").write_text(_tsv(ASO_COLUMNS, aso_rows(result)))
        (stage / "offtarget_sites.tsv").write_text(_tsv(site_cols, sites))
    return Path(out)
