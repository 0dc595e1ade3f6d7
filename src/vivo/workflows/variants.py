"""Jobs about variants and gene structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, translate
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.bundled import BUNDLED_RECORD_NAMES, AssemblyPlacement, bundled_placement
from vivo.io.vcf import VcfHeader, VcfRecord, choose_sample, read_vcf, read_vcf_header
from vivo.variants.calls import GenotypeCall, ObservedVariant, call_zygosity, left_align
from vivo.variants.interpret import VariantInterpretation, interpret_variant
from vivo.variants.locate import GenomicChange, describe_coding, normalize
from vivo.workflows.genomes import resolve_genome

if TYPE_CHECKING:
    from vivo.knowledge.exons import ExonChange

__all__ = [
    "PatientVariants",
    "UncertainVariantReport",
    "check_variant_text",
    "describe_locus",
    "looks_like_variant_query",
    "read_patient_vcf",
    "run_uncertain_variant",
    "run_variant",
    "run_variant_vcf",
    "split_variant_query",
]

SCHEMA_VERSION = "1"
_MAX_DIGITS = 12  # no genome coordinate needs 13 digits (the largest chromosome is ~2.5e8 bp)


def check_variant_text(text: str) -> str:
    """Refuse a variant with a number of 13 or more digits before it reaches the parser.

    Such a position cannot exist, and a number of over 4,300 digits would stop ``int()``.

    >>> check_variant_text("HBB c.20A>T")
    'HBB c.20A>T'
    """
    huge = re.search(rf"\d{{{_MAX_DIGITS + 1},}}", text)
    if huge:
        raise InputError(
            f"variant {text[:40]!r}...: a number of {len(huge[0]):,} digits cannot be a position",
            hint="write e.g. HBB:c.20A>T",
        )
    return text


#: a whole variant where a gene is expected: ``HBB:c.20A>T``, ``HBB c.20A>T``,
#: ``NM_000518.5:c.20A>T``, ``NM_004006.2(DMD):c.…``, ``NC_000011.10:g.5227002T>A``
_VARIANT_QUERY = re.compile(
    r"^\s*(?P<ref>[A-Za-z][A-Za-z0-9_.\-]*(?:\([A-Za-z0-9_.\-]+\))?)\s*(?::|\s)\s*"
    r"(?P<variant>[cgnmr]\.\S+)\s*$"
)


def looks_like_variant_query(text: str) -> bool:
    """Whether ``text`` is a reference and a variant (``HBB:c.20A>T``), not a gene alone.

    >>> looks_like_variant_query("NM_000518.5:c.20A>T"), looks_like_variant_query("HBB")
    (True, False)
    """
    return _VARIANT_QUERY.match(text) is not None


def split_variant_query(text: str, ag: AnnotatedGenome) -> tuple[str, str] | None:
    """The gene and the variant of a query written as one text; ``None`` if it is a gene alone.

    ``HBB:c.20A>T`` and ``HBB c.20A>T`` give ``("HBB", "c.20A>T")``. A reference accession
    (``NM_…:c.``, ``ENST…:c.``, ``NC_…:g.``) is resolved on ``ag`` as `vivo variant` does
    (:func:`vivo.variants.accessions.resolve_accession`: another version of a transcript is
    used, and the interpretation warns naming both versions); the variant keeps its accession
    so that the interpretation says so. An uncertain-breakpoint deletion/duplication on a
    transcript accession (``NM_004006.2:c.(6912+1_6913-1)_(7309+1_7310-1)del``) takes the gene
    of vivo's exon table of that transcript. A transcript that neither knows is an
    :class:`InputError`.
    """
    from vivo.variants.accessions import is_accession, resolve_accession
    from vivo.variants.hgvs import parse_hgvs
    from vivo.variants.uncertain import is_uncertain_hgvs, parse_uncertain

    m = _VARIANT_QUERY.match(check_variant_text(text))
    if m is None:
        return None
    ref, variant = m["ref"], m["variant"]
    stem, _, paren = ref.partition("(")
    if not is_accession(stem):
        return ref, variant
    whole = f"{ref}:{variant}"
    if is_uncertain_hgvs(variant):
        gene = parse_uncertain(whole).gene if paren else _exon_table_gene(stem, ag)
        assert gene is not None
        return gene, whole
    resolved, _, _ = resolve_accession(parse_hgvs(whole), ag)
    assert resolved.gene is not None
    return resolved.gene, whole


def _exon_table_gene(accession: str, ag: AnnotatedGenome) -> str:
    """The gene of transcript ``accession``: vivo's exon tables, else the annotation in use."""
    from vivo.knowledge.exons import exon_table_gene
    from vivo.variants.accessions import find_transcript

    gene = exon_table_gene(accession)
    if gene is not None:
        return gene
    tx, _ = find_transcript(accession, ag)
    return tx.gene_name


def run_variant(
    text: str, *, genome: str | None = None, annotation: str | None = None
) -> VariantInterpretation:
    """Interpret ``text`` (e.g. ``HBB c.20A>T``) on the chosen genome."""
    return interpret_variant(check_variant_text(text), genome=resolve_genome(genome, annotation))


@dataclass(frozen=True, slots=True)
class UncertainVariantReport:
    """What vivo knows of a deletion/duplication with uncertain breakpoints (`vivo variant`).

    The exons certainly/possibly changed and the reading frame (or why it cannot be known) are
    :func:`vivo.knowledge.exons.exon_change`'s, read on vivo's exon table of the gene (DMD) or
    on the canonical transcript of the annotation in use (``exon_table``).
    """

    query: str
    change: ExonChange
    exon_table: str  # where the exons come from: vivo's bundled table or the annotation

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``kind`` ``vivo.variant.uncertain``)."""
        c = self.change
        nt = c.changed_nt
        return {
            "kind": "vivo.variant.uncertain",
            "query": self.query,
            "gene": c.gene,
            "transcript": c.transcript,
            "exon_table": self.exon_table,
            "hgvs": c.hgvs,
            "variant_type": {"del": "deletion", "dup": "duplication"}[c.edit],
            "exons_whole": list(c.whole),
            "exons_partial": list(c.partial),
            "exons_possible": list(c.possible),
            "changed_coding_nt": None if nt is None else {str(k): v for k, v in nt.items()},
            "changed_coding_nt_total": None if nt is None else sum(nt.values()),
            "frame_shift": c.frame_shift,
            "in_frame": c.in_frame,
            "not_known": list(c.unknown),
            "summary": c.summary(),
        }


def run_uncertain_variant(
    text: str, *, genome: str | None = None, annotation: str | None = None
) -> UncertainVariantReport:
    """Read an exon deletion/duplication with uncertain breakpoints (``DMD
    c.(6912+1_6913-1)_(7309+1_7310-1)del``, ``DMD c.6913-?_7309+?del``): which exons are
    certainly or possibly changed and the reading frame, or why it cannot be known
    (:func:`vivo.planning.genotype.uncertain_exon_change`). vivo's exon table of the gene comes
    first; else the gene's canonical transcript on the genome in use. The exact breakpoints
    cannot be known from such a description, so no base-level interpretation is made.
    """
    from vivo.planning.genotype import uncertain_exon_change
    from vivo.variants.accessions import is_accession
    from vivo.variants.uncertain import parse_uncertain

    query = check_variant_text(text).strip()
    v = parse_uncertain(query)
    gene = v.gene
    ag: AnnotatedGenome | None = None
    if gene is not None and is_accession(gene):
        ag = resolve_genome(genome, annotation)
        gene = _exon_table_gene(gene, ag)
    if gene is None:
        raise InputError(f"{query!r} names no gene", hint=f"write the gene before it: GENE {query}")
    change = uncertain_exon_change(query, gene)
    source = "vivo's bundled exon table"
    if change is None:
        ag = ag or resolve_genome(genome, annotation)
        tx = ag.gene(gene).canonical
        change = uncertain_exon_change(query, gene, transcript=tx)
        source = f"the annotation of {ag.name} ({tx.transcript_id})"
    if change is None:
        raise InputError(
            f"{gene}'s canonical transcript is non-coding: its exons have no c. numbering",
            hint="exon deletions/duplications are read on a coding transcript",
        )
    return UncertainVariantReport(query, change, source)


def describe_locus(
    gene: str, *, genome: str | None = None, annotation: str | None = None
) -> dict[str, Any]:
    """Gene structure: transcripts, exons (genomic, 1-based), CDS, c. ranges, protein length."""
    ag: AnnotatedGenome = resolve_genome(genome, annotation)
    g = ag.gene(gene)
    transcripts = []
    for tx in g.transcripts:
        exons = []
        for n, ex in enumerate(tx.exons_5to3, start=1):
            first, last = (
                (ex.start, ex.end - 1) if tx.strand.value == "+" else (ex.end - 1, ex.start)
            )
            exons.append(
                {
                    "number": n,
                    "start_1based": ex.start + 1,
                    "end_1based": ex.end,
                    "length": len(ex),
                    "c_start": f"c.{tx.to_coding(first)}" if tx.is_coding else None,
                    "c_end": f"c.{tx.to_coding(last)}" if tx.is_coding else None,
                }
            )
        entry: dict[str, Any] = {
            "transcript_id": tx.transcript_id,
            "strand": str(tx.strand),
            "exons": exons,
            "introns": [
                {"number": i, "length": len(iv)} for i, iv in enumerate(tx.introns_5to3, 1)
            ],
            "transcript_length": tx.length,
        }
        if tx.cds is not None:
            cds = tx.cds_sequence(ag.genome)
            protein = translate(cds.upper(), partial="ignore")
            entry.update(
                {
                    "cds_start_1based": tx.cds.start + 1,
                    "cds_end_1based": tx.cds.end,
                    "cds_length": len(cds),
                    "protein_length": len(protein.rstrip("*")),
                    "protein_id": tx.protein_id or None,
                    "product": tx.product or None,
                    "protein": protein,
                }
            )
        transcripts.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "gene": g.name,
        "contig": g.locus.contig,
        "start_1based": g.locus.start + 1,
        "end_1based": g.locus.end,
        "strand": str(g.locus.strand),
        "genome": ag.name,
        "source": ag.source,
        "transcripts": transcripts,
    }


# -- patient VCF --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientVariants:
    """One sample's variants in one gene, read from a VCF and normalised on the genome in use."""

    path: str
    sample: str
    gene: str
    vcf_contig: str
    assembly: str | None  # GRCh38/GRCh37 when placed on the bundled locus
    placement: str | None  # how the VCF's positions map onto the genome in use
    genotype: GenotypeCall
    hgvs: tuple[str, ...]  # normalised HGVS c. of each variant, e.g. "HBB:c.20A>T"
    records_read: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": self.path,
            "sample": self.sample,
            "gene": self.gene,
            "vcf_contig": self.vcf_contig,
            "assembly": self.assembly,
            "placement": self.placement,
            "records_read": self.records_read,
            "zygosity": self.genotype.zygosity,
            "phase": self.genotype.phase,
            "variants": [
                {
                    "hgvs_c": h,
                    "vcf": v.source,
                    "genomic_change": v.change.to_vcf_like(),
                    "copies": v.copies,
                    "ploidy": v.ploidy,
                    "phased": v.phased,
                }
                for h, v in zip(self.hgvs, self.genotype.variants, strict=True)
            ],
            "notes": [*self.notes, *self.genotype.notes],
        }


_CHR11_NAMES = ("chr11", "11", "NC_000011.10", "NC_000011.9")
_ASSEMBLY_WORDS = {
    "GRCh38": ("grch38", "hg38", "hs38"),
    "GRCh37": ("grch37", "hg19", "b37", "hs37"),
}


def _bundled_assembly(header: VcfHeader, contig: str, assembly: str | None) -> AssemblyPlacement:
    placement = bundled_placement()
    if assembly is not None:
        chosen = placement.assembly(assembly)
    elif contig.startswith("NC_"):
        found = placement.by_accession(contig)
        if found is None:
            raise InputError(f"{header.path}: contig {contig} is not GRCh38 or GRCh37 chr11")
        chosen = found
    else:
        chosen = _assembly_from_header(header, contig, placement.assemblies)
    length = header.contig_length(contig)
    if length is not None and length != chosen.contig_length:
        raise InputError(
            f"{header.path}: contig {contig} is {length:,} bp, but {chosen.assembly} "
            f"{chosen.contig} is {chosen.contig_length:,} bp: the VCF was not called on "
            f"{chosen.assembly}",
            hint="pass --assembly to match the VCF, or --genome with the genome it was called on",
        )
    return chosen


def _assembly_from_header(
    header: VcfHeader, contig: str, assemblies: tuple[AssemblyPlacement, ...]
) -> AssemblyPlacement:
    length = header.contig_length(contig)
    for a in assemblies:
        if length == a.contig_length:
            return a
    if length is None and header.reference:
        ref = header.reference.lower()
        for a in assemblies:
            if any(word in ref for word in _ASSEMBLY_WORDS.get(a.assembly, ())):
                return a
    if length is not None:
        known = ", ".join(f"{a.assembly} {a.contig_length:,} bp" for a in assemblies)
        raise InputError(
            f"{header.path}: contig {contig} is {length:,} bp, which is neither chr11 of "
            f"{known}: the VCF's contigs do not match the genome",
            hint="pass --genome with the genome the VCF was called on",
        )
    raise InputError(
        f"{header.path}: cannot tell the assembly ({contig} has no length in the header and "
        "there is no ##reference line)",
        hint="pass --assembly GRCh38 or --assembly GRCh37",
    )


def _find_contig(header: VcfHeader, wanted: tuple[str, ...], records_hint: str) -> str:
    declared = header.contig_names()
    for name in wanted:
        if name in declared:
            return name
    if declared:
        shown = ", ".join(declared[:8]) + (", …" if len(declared) > 8 else "")
        raise InputError(
            f"{header.path}: none of its contigs ({shown}) is {records_hint}: the VCF's "
            "contigs do not match the genome",
            hint="pass --genome with the genome the VCF was called on",
        )
    return wanted[0]  # no ##contig lines: the records decide


def _record_changes(
    rec: VcfRecord, to_genome: Any, path: str
) -> tuple[list[tuple[int, GenomicChange]], list[str]]:
    """(allele index, change on the genome in use) for each ALT allele the sample carries."""
    notes: list[str] = []
    out: list[tuple[int, GenomicChange]] = []
    if not rec.genotype or all(a is None for a in rec.genotype):
        return out, [f"{rec.where}: no genotype for the sample (skipped)"]
    for k, alt in enumerate(rec.alts, start=1):
        if k not in rec.genotype:
            continue
        if alt == "*" or alt.startswith("<") or "[" in alt or "]" in alt:
            notes.append(f"{rec.where}: symbolic allele {alt} is not interpreted (skipped)")
            continue
        out.append((k, to_genome(rec, alt)))
    return out, notes


def _bundled_mapper(a: AssemblyPlacement, ag: AnnotatedGenome, path: str) -> Any:
    contig = ag.genome.contig_names()[0]

    def to_genome(rec: VcfRecord, alt: str) -> GenomicChange:
        last = rec.pos + len(rec.ref) - 1
        a.to_locus(rec.pos)
        start1 = a.to_locus(last)
        plus = ag.genome.fetch_region(contig, start1 - 1, start1 - 1 + len(rec.ref)).upper()
        if reverse_complement(plus) != rec.ref:
            raise InputError(
                f"{path}: {rec.where}: REF {rec.ref} does not match {a.assembly} "
                f"{a.contig}, which has {reverse_complement(plus)} there",
                hint=f"check that the VCF was called on {a.assembly} (or pass --assembly)",
            )
        return GenomicChange(contig, start1 - 1, plus, reverse_complement(alt))

    return to_genome


def _genome_mapper(ag: AnnotatedGenome, path: str) -> Any:
    def to_genome(rec: VcfRecord, alt: str) -> GenomicChange:
        start = rec.pos - 1
        have = ag.genome.fetch_region(rec.contig, start, start + len(rec.ref)).upper()
        if have != rec.ref:
            raise InputError(
                f"{path}: {rec.where}: REF {rec.ref} does not match genome {ag.name}, which "
                f"has {have} there",
                hint="pass the genome the VCF was called on with --genome",
            )
        return GenomicChange(rec.contig, start, rec.ref, alt)

    return to_genome


def _gene_on(genome: AnnotatedGenome, gene: str) -> Any:
    """The gene on the genome in use; a gene vivo knows but the genome lacks says so."""
    try:
        return genome.gene(gene)
    except InputError:
        from vivo.knowledge.genes import lookup_gene

        known = lookup_gene(gene)
        if known is None:
            raise
        name = known.symbol if known.symbol == gene.upper() else f"{gene} ({known.symbol})"
        raise InputError(
            f"{name} is not in the genome in use ({genome.name}), so its variants "
            "cannot be read from the VCF",
            hint=f"pass --genome (and --annotation) with the genome the VCF was called on, "
            f"holding {known.symbol}",
        ) from None


def read_patient_vcf(
    path: str,
    *,
    gene: str,
    genome: AnnotatedGenome,
    sample: str | None = None,
    assembly: str | None = None,
) -> PatientVariants:
    """The sample's variants in ``gene``: read, checked against the genome, normalised, and
    their zygosity. On the bundled locus the VCF's GRCh38/GRCh37 chr11 positions are placed
    on the record (:func:`vivo.genome.bundled.bundled_placement`)."""
    header = read_vcf_header(path)
    chosen_sample = choose_sample(header, sample)
    g = _gene_on(genome, gene)
    tx = g.canonical
    placed: AssemblyPlacement | None = None
    if genome.name in BUNDLED_RECORD_NAMES:
        placement = bundled_placement()
        if g.name != placement.gene:
            raise InputError(
                f"only {placement.gene} of the bundled locus is placed on GRCh38/GRCh37; "
                f"{g.name} is not",
                hint="pass --genome (and --annotation) with the genome the VCF was called on",
            )
        contig = _find_contig(header, _CHR11_NAMES, "chromosome 11 (chr11, 11, NC_000011.x)")
        placed = _bundled_assembly(header, contig, assembly)
        # the whole gene is read, so that a variant of the gene outside the placed span is an
        # error (never silently missed)
        gene_first = placed.to_chrom(g.locus.end)
        gene_last = placed.to_chrom(g.locus.start + 1)
        region = (
            contig,
            min(gene_first, placed.chrom_start) - 1,
            max(gene_last, placed.chrom_end),
        )
        to_genome = _bundled_mapper(placed, genome, path)
    else:
        locus = g.locus
        contig = _find_contig(header, (locus.contig,), f"{locus.contig} of genome {genome.name}")
        length = header.contig_length(contig)
        if length is not None and length != genome.genome.contig_length(contig):
            raise InputError(
                f"{path}: contig {contig} is {length:,} bp in the VCF and "
                f"{genome.genome.contig_length(contig):,} bp in genome {genome.name}: the VCF's "
                "contigs do not match the genome",
                hint="pass the genome the VCF was called on with --genome",
            )
        region = (contig, locus.start, locus.end)
        to_genome = _genome_mapper(genome, path)
    _, records = read_vcf(path, sample=chosen_sample, region=region)
    observed, notes = _observe(records, to_genome, genome, path)
    if not any(v.haplotypes for v in observed) and notes:
        # what vivo skipped is the answer, not "no variant" (e.g. only a symbolic <DEL>)
        raise InputError(
            f"sample {chosen_sample} carries no variant allele vivo can interpret in {g.name}: "
            + "; ".join(notes),
            hint="structural and symbolic alleles are not interpreted; give the variant as "
            "HGVS (for whole exons: vivo plan GENE --exons N-M)",
        )
    call = _five_to_three(call_zygosity(chosen_sample, observed, gene=g.name), tx)
    hgvs = tuple(
        describe_coding(normalize(v.change, genome.genome, tx.strand), tx) for v in call.variants
    )
    return PatientVariants(
        path=path,
        sample=chosen_sample,
        gene=g.name,
        vcf_contig=contig,
        assembly=placed.assembly if placed else None,
        placement=placed.describe() if placed else None,
        genotype=call,
        hgvs=hgvs,
        records_read=len(records),
        notes=tuple(notes),
    )


def _five_to_three(call: GenotypeCall, tx: Any) -> GenotypeCall:
    """The variants in transcript order (the planner designs around the first one)."""
    ordered = tuple(sorted(call.variants, key=lambda v: tx.to_coding(v.change.start).sort_key()))
    return GenotypeCall(call.sample, ordered, call.zygosity, call.phase, call.notes)


_SEX_CHROMOSOMES = frozenset({"X", "Y", "M", "MT"})


def _genotype_notes(rec: VcfRecord, path: str) -> list[str]:
    """Refuse genotypes vivo cannot read as two alleles; say what a partial call means."""
    gt = rec.genotype
    carried = [a for a in gt if a]
    if not carried:
        return []
    if len(gt) > 2:
        shown = "/".join("." if a is None else str(a) for a in gt)
        raise InputError(
            f"{path}: {rec.where}: genotype {shown} has {len(gt)} copies; vivo reads diploid "
            "(or haploid) calls of a human gene",
            hint="call the sample as diploid, or plan the variant with vivo plan GENE VARIANT "
            "--zygosity ...",
        )
    out: list[str] = []
    if len(gt) == 2 and None in gt:
        out.append(
            f"{rec.where}: the other copy is not called (genotype with '.'): read as one "
            "variant copy; the second allele is unknown (it may carry the same or another "
            "variant)"
        )
    if len(gt) == 1:
        bare = rec.contig.removeprefix("chr").upper()
        if bare not in _SEX_CHROMOSOMES:
            out.append(
                f"{rec.where}: a haploid call on {rec.contig}, which is not a sex chromosome: "
                "read as hemizygous; check the caller's ploidy (a diploid call of this site "
                "would say heterozygous or homozygous)"
            )
    return out


def _observe(
    records: tuple[VcfRecord, ...], to_genome: Any, genome: AnnotatedGenome, path: str
) -> tuple[list[ObservedVariant], list[str]]:
    observed: list[ObservedVariant] = []
    notes: list[str] = []
    for rec in records:
        if rec.filters and rec.filters != ("PASS",):
            notes.append(f"{rec.where}: FILTER {';'.join(rec.filters)} (used; check the call)")
        notes += _genotype_notes(rec, path)
        changes, more = _record_changes(rec, to_genome, path)
        notes += more
        for k, change in changes:
            haps = tuple(i for i, a in enumerate(rec.genotype) if a == k)
            source = f"{rec.contig}:{rec.pos} {rec.ref}>{rec.alts[k - 1]}" + (
                f" (line {rec.line})" if rec.line is not None else ""
            )
            norm = left_align(change, genome.genome)
            ploidy = len(rec.genotype)
            site = f"{rec.contig}:{rec.pos}:{rec.line}"
            observed.append(
                ObservedVariant(norm, source, haps, ploidy, rec.phased, rec.phase_set, site)
            )
    return observed, notes


def run_variant_vcf(
    path: str,
    *,
    gene: str,
    sample: str | None = None,
    assembly: str | None = None,
    genome: str | None = None,
    annotation: str | None = None,
) -> tuple[PatientVariants, tuple[VariantInterpretation, ...]]:
    """``vivo variant --vcf``: the sample's variants in ``gene`` and each one interpreted."""
    ag = resolve_genome(genome, annotation)
    pv = read_patient_vcf(path, gene=gene, genome=ag, sample=sample, assembly=assembly)
    return pv, tuple(interpret_variant(h, genome=ag) for h in pv.hgvs)


def vcf_label(path: str) -> str:
    """A short name for a VCF in folder names: the file name without .vcf/.vcf.gz."""
    name = Path(path).name
    for suffix in (".gz", ".bgz", ".vcf"):
        name = name.removesuffix(suffix)
    return name or "vcf"
