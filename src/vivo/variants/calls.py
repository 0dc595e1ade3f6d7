"""A patient's variant calls in one gene: normalised alleles and the zygosity they make.

VCF records are turned into :class:`ObservedVariant` values on the genome in use, one per ALT
allele (a multi-allelic record is split, as ``bcftools norm -m-`` does), each trimmed to its
shortest form and left-aligned against the reference (Tan, Abecasis & Kang 2015,
*Bioinformatics* 31:2202, "Unified representation of genetic variants"), so that two spellings
of one variant become one. :func:`call_zygosity` then reads the genotypes:

============================================  =========================================
alleles of the sample (non-reference)          zygosity
============================================  =========================================
one variant on both copies (``1/1``)           homozygous
one variant on one of two copies (``0/1``)     heterozygous (a carrier of a recessive)
one variant, haploid call (``1``, chrX male)   hemizygous
two variants, one copy each, phased in trans   compound heterozygous (phase confirmed)
two ALT alleles of one record (``1/2``)        compound heterozygous (in trans by definition)
two variants, one copy each, unphased          compound heterozygous (phase assumed, said)
two variants phased on one haplotype (cis)     refused: one allele carries both
============================================  =========================================

>>> from vivo.genome.base import InMemoryGenome
>>> g = InMemoryGenome({"c": "GGCACACAT"})
>>> left_align(GenomicChange("c", 6, "CA", ""), g)  # the last CA of CACACA
GenomicChange(contig='c', start=2, ref='CA', alt='')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from vivo.core.errors import InputError
from vivo.genome.base import GenomeBase
from vivo.variants.locate import GenomicChange

__all__ = [
    "CallZygosity",
    "GenotypeCall",
    "ObservedVariant",
    "Phase",
    "call_zygosity",
    "left_align",
]

CallZygosity = Literal["homozygous", "heterozygous", "hemizygous", "compound_heterozygous"]
Phase = Literal["trans", "cis", "unknown", "not_applicable"]


@dataclass(frozen=True, slots=True)
class ObservedVariant:
    """One non-reference allele of the sample, normalised, with the copies that carry it."""

    change: GenomicChange  # trimmed and left-aligned, on the genome in use
    source: str  # where it was read, e.g. "chr11:5227002 T>A (line 6)"
    haplotypes: tuple[int, ...]  # genotype positions (0-based) that carry the allele
    ploidy: int
    phased: bool
    phase_set: int | None = None
    site: str = ""  # the record it came from: ALT alleles of one record are in trans

    @property
    def copies(self) -> int:
        """How many of the sample's copies carry the allele."""
        return len(self.haplotypes)


@dataclass(frozen=True, slots=True)
class GenotypeCall:
    """The sample's genotype at one gene, as read from its calls."""

    sample: str
    variants: tuple[ObservedVariant, ...]
    zygosity: CallZygosity
    phase: Phase
    notes: tuple[str, ...] = ()


def _trim(ref: str, alt: str, start: int) -> tuple[str, str, int]:
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    return ref, alt, start


def left_align(change: GenomicChange, genome: GenomeBase) -> GenomicChange:
    """Trim shared bases, then shift an insertion or deletion as far left as it goes."""
    ref, alt, start = _trim(change.ref.upper(), change.alt.upper(), change.start)
    if not ref and not alt:
        raise InputError(f"{change.to_vcf_like()}: REF and ALT are the same sequence")
    if ref and alt:
        return GenomicChange(change.contig, start, ref, alt)
    window = 512
    lo = max(0, start - window)
    before = genome.fetch_region(change.contig, lo, start).upper()
    seq = ref or alt
    while start > 0 and before and before[-1] == seq[-1]:
        seq = before[-1] + seq[:-1]
        before, start = before[:-1], start - 1
        if not before and start > 0:
            lo = max(0, start - window)
            before = genome.fetch_region(change.contig, lo, start).upper()
    return GenomicChange(change.contig, start, seq if ref else "", seq if alt else "")


def _describe(v: ObservedVariant) -> str:
    return v.source


def call_zygosity(sample: str, variants: Sequence[ObservedVariant], *, gene: str) -> GenotypeCall:
    """Zygosity and phase of the sample's non-reference alleles in ``gene`` (table above)."""
    merged = _merge(variants)
    if not merged:
        raise InputError(
            f"sample {sample} carries no variant allele in {gene} in the VCF",
            hint="check --sample and --gene; reference-only (0/0) and missing (./.) calls "
            "are not variants",
        )
    if len(merged) > 2:
        listed = "; ".join(_describe(v) for v in merged)
        raise InputError(
            f"sample {sample} has {len(merged)} variant alleles in {gene} ({listed})",
            hint="vivo plans from at most two alleles of a gene; give the two of interest as "
            "HGVS: vivo plan GENE VARIANT1 VARIANT2",
        )
    if len(merged) == 1:
        call = _single(sample, merged[0])
    else:
        call = _pair(sample, merged[0], merged[1], gene)
    repeated = tuple(
        f"{v.source}: one variant in several records, read once"
        for v in merged
        if len(set(v.source.split(" + "))) > 1  # records, not the copies of one record
    )
    return replace(call, notes=call.notes + repeated) if repeated else call


def _merge(variants: Sequence[ObservedVariant]) -> list[ObservedVariant]:
    """One entry per distinct normalised change (two records of one variant are merged)."""
    out: dict[tuple[str, int, str, str], ObservedVariant] = {}
    for v in variants:
        if not v.haplotypes:
            continue
        key = (v.change.contig, v.change.start, v.change.ref, v.change.alt)
        if key in out:
            first = out[key]
            haps = tuple(sorted(set(first.haplotypes) | set(v.haplotypes)))
            out[key] = ObservedVariant(
                first.change, f"{first.source} + {v.source}", haps, first.ploidy,
                first.phased and v.phased, first.phase_set, first.site,
            )  # fmt: skip
        else:
            out[key] = v
    return list(out.values())


def _single(sample: str, v: ObservedVariant) -> GenotypeCall:
    if v.ploidy == 1:
        return GenotypeCall(sample, (v,), "hemizygous", "not_applicable")
    if v.copies >= 2:
        return GenotypeCall(sample, (v,), "homozygous", "not_applicable")
    return GenotypeCall(sample, (v,), "heterozygous", "not_applicable")


def _pair(sample: str, a: ObservedVariant, b: ObservedVariant, gene: str) -> GenotypeCall:
    if a.copies > 1 or b.copies > 1 or a.ploidy == 1 or b.ploidy == 1:
        raise InputError(
            f"sample {sample}: {_describe(a)} and {_describe(b)} do not fit two alleles of "
            f"{gene} (a variant on every copy plus another one)",
            hint="check the genotypes in the VCF",
        )
    if a.site and a.site == b.site and a.haplotypes != b.haplotypes:
        return GenotypeCall(sample, (a, b), "compound_heterozygous", "trans")
    same_set = a.phase_set == b.phase_set
    if a.phased and b.phased and same_set:
        if a.haplotypes == b.haplotypes:
            raise InputError(
                f"sample {sample}: {_describe(a)} and {_describe(b)} are phased on the same "
                f"haplotype (in cis): one {gene} allele carries both and the other is "
                "unchanged",
                hint="vivo models one variant per allele; plan the variant of interest with "
                "vivo plan GENE VARIANT --zygosity heterozygous",
            )
        return GenotypeCall(sample, (a, b), "compound_heterozygous", "trans")
    note = (
        f"the two variants are not phased ({_describe(a)}; {_describe(b)}): "
        "compound heterozygosity (in trans) is assumed; confirm by parental testing or "
        "long reads"
    )
    return GenotypeCall(sample, (a, b), "compound_heterozygous", "unknown", (note,))
