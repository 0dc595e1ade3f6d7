"""Regenerate the VCF fixtures of this folder (see SOURCES.md): ``python make_fixtures.py``."""

from __future__ import annotations

from pathlib import Path

from vivo.io.vcf import VcfRecord, write_vcf

HERE = Path(__file__).parent
GRCH38 = (("chr11", 135086622),)
GRCH37 = (("11", 135006516),)
HBS = ("chr11", 5227002, "T", ("A",))  # rs334, NM_000518.5:c.20A>T
B0_NONSENSE = ("chr11", 5226774, "G", ("A",))  # NM_000518.5:c.118C>T, p.Gln40Ter
B0_SPLICE = ("chr11", 5226929, "C", ("T",))  # NM_000518.5:c.92+1G>A (IVS1-1)
HBG1_SNV = ("chr11", 5249456, "G", ("A",))  # NM_000559.3:c.227C>T, outside the placed span


def rec(
    site: tuple[str, int, str, tuple[str, ...]], gt: tuple[int | None, ...], *, phased: bool = False
) -> VcfRecord:
    contig, pos, ref, alts = site
    return VcfRecord(contig, pos, ref, alts, genotype=gt, phased=phased)


def main() -> None:
    p = ("PATIENT",)
    ref38 = "GRCh38"
    write_vcf(HERE / "hbs_het.vcf", [rec(HBS, (0, 1))], samples=p, contigs=GRCH38, reference=ref38)
    write_vcf(
        HERE / "hbs_hom.vcf.gz",
        [rec(HBS, (1, 1))],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
        bgzip=True,
    )
    write_vcf(
        HERE / "hbs_b0_trans.vcf.gz",
        [
            rec(B0_NONSENSE, (1, 0), phased=True),
            rec(HBS, (0, 1), phased=True),
            rec(HBG1_SNV, (0, 1)),
        ],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
        bgzip=True,
    )
    write_vcf(
        HERE / "hbs_b0_trans_plain.vcf",
        [
            rec(B0_NONSENSE, (1, 0), phased=True),
            rec(HBS, (0, 1), phased=True),
            rec(HBG1_SNV, (0, 1)),
        ],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    write_vcf(
        HERE / "hbs_b0_unphased.vcf",
        [rec(B0_SPLICE, (0, 1)), rec(HBS, (0, 1))],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    write_vcf(
        HERE / "hbs_b0_cis.vcf",
        [rec(B0_NONSENSE, (0, 1), phased=True), rec(HBS, (0, 1), phased=True)],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    # HbS and HbC in one multi-allelic, un-trimmed record (REF spans c.20 and c.19)
    write_vcf(
        HERE / "hbsc_multiallelic.vcf",
        [VcfRecord("chr11", 5227002, "TC", ("AC", "TT"), genotype=(1, 2))],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    # codons 41/42 (-TTCT), c.126_129del, written right-shifted on chr11 with an extra base
    write_vcf(
        HERE / "hbs_cd4142_unnormalised.vcf",
        [VcfRecord("chr11", 5226764, "AAGAAC", ("AC",), genotype=(1, 0)), rec(HBS, (0, 1))],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    write_vcf(
        HERE / "hbs_het_grch37.vcf",
        [VcfRecord("11", 5248232, "T", ("A",), genotype=(0, 1))],
        samples=p,
        contigs=GRCH37,
    )
    write_vcf(
        HERE / "two_samples.vcf",
        [rec(HBS, (0, 1))],
        samples=("MOTHER", "CHILD"),
        contigs=GRCH38,
        reference=ref38,
    )
    write_vcf(
        HERE / "reference_only.vcf", [rec(HBS, (0, 0))], samples=p, contigs=GRCH38, reference=ref38
    )
    write_vcf(
        HERE / "broken_ref_mismatch.vcf",
        [VcfRecord("chr11", 5227002, "G", ("A",), genotype=(0, 1))],
        samples=p,
        contigs=GRCH38,
        reference=ref38,
    )
    write_vcf(
        HERE / "broken_contig_length.vcf",
        [rec(HBS, (0, 1))],
        samples=p,
        contigs=(("chr11", 1000000),),
    )
    write_vcf(
        HERE / "broken_no_chr11.vcf",
        [VcfRecord("chr1", 100, "A", ("T",), genotype=(0, 1))],
        samples=p,
        contigs=(("chr1", 248956422),),
    )
    write_vcf(HERE / "broken_sites_only.vcf", [rec(HBS, ())], contigs=GRCH38)
    lines = (HERE / "hbs_het.vcf").read_text().splitlines()
    lines.append("chr11\tfive\t.\tG\tA\t.\tPASS\t.\tGT\t0/1")
    (HERE / "broken_malformed_pos.vcf").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
