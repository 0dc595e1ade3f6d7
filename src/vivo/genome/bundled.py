"""Loci that ship inside vivo, addressable by gene name, and their place on the human assemblies.

The default is the human beta-globin locus, GenBank U01317.1 (73,308 bp; genes HBE1, HBG2,
HBG1, HBD, HBB on the record's plus strand). Provenance: ``vivo/genome/data/SOURCES.md``.

:func:`bundled_placement` places the HBB part of the record on GRCh38 and GRCh37 chr11 (minus
strand; ``chromosome position = sum - record position``), from ClinVar/dbSNP anchors listed in
``data/U01317.1.placement.toml``; every anchor's position and reference base is checked against
the record when the placement is loaded.

>>> p = bundled_placement()
>>> a = p.assembly("GRCh38")
>>> a.to_locus(5227002), a.to_chrom(62206), a.accession
(62206, 5227002, 'NC_000011.10')
"""

from __future__ import annotations

import hashlib
import io
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vivo.core.coords import Strand
from vivo.core.errors import DataError, InputError
from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome, CodingPosition
from vivo.genome.records import genome_from_records

__all__ = [
    "BETA_GLOBIN_SHA256",
    "BUNDLED_LOCI",
    "BUNDLED_RECORD_NAMES",
    "AssemblyPlacement",
    "LocusPlacement",
    "PlacementAnchor",
    "beta_globin_locus",
    "bundled_locus",
    "bundled_placement",
]

#: sha256 of the bundled GenBank file, as recorded in SOURCES.md.
BETA_GLOBIN_SHA256 = "1fdc8b15a454dfb4ebc84ad1bb7a20d926f1818f5681a11f60e789934d697c2c"
#: Bundled loci by name, with their data file and checksum.
BUNDLED_LOCI: dict[str, tuple[str, str]] = {
    "beta-globin": ("U01317.1.gb", BETA_GLOBIN_SHA256),
}
#: genome names of the bundled records (``AnnotatedGenome.name``)
BUNDLED_RECORD_NAMES = frozenset({"U01317.1"})


@cache
def bundled_locus(name: str = "beta-globin") -> AnnotatedGenome:
    """Load a bundled locus (parsed once per process)."""
    if name not in BUNDLED_LOCI:
        raise DataError(f"no bundled locus {name!r}; bundled: {', '.join(BUNDLED_LOCI)}")
    filename, sha = BUNDLED_LOCI[name]
    try:
        raw = resources.files("vivo.genome").joinpath("data", filename).read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"bundled locus file {filename} is missing; reinstall vivo") from exc
    if hashlib.sha256(raw).hexdigest() != sha:
        raise DataError(f"bundled locus file {filename} is corrupt (checksum mismatch)")
    from Bio import SeqIO  # imported here: Biopython's parsers cost ~0.2 s at `import vivo`

    records = list(SeqIO.parse(io.StringIO(raw.decode("ascii")), "genbank"))  # type: ignore[no-untyped-call]
    return genome_from_records(
        records,
        name="U01317.1",
        source="GenBank U01317.1, human beta-globin locus (chr11p15.4), bundled with vivo",
        mask_repeats=True,
    )


def beta_globin_locus() -> AnnotatedGenome:
    """The bundled human beta-globin locus (GenBank U01317.1)."""
    return bundled_locus("beta-globin")


@dataclass(frozen=True, slots=True)
class PlacementAnchor:
    """A published variant whose record (c.) and chromosome positions pin the placement."""

    hgvs_c: str
    grch38: int
    ref: str
    grch37: int
    source: str


@dataclass(frozen=True, slots=True)
class AssemblyPlacement:
    """The placed span of a bundled record on one assembly's chromosome (1-based positions)."""

    assembly: str
    contig: str
    accession: str
    contig_length: int
    strand: Strand
    sum: int
    record: str
    gene: str
    placed_start: int
    placed_end: int

    @property
    def chrom_start(self) -> int:
        """First placed chromosome position (1-based)."""
        return self.to_chrom(self.placed_end)

    @property
    def chrom_end(self) -> int:
        """Last placed chromosome position (1-based, inclusive)."""
        return self.to_chrom(self.placed_start)

    def to_chrom(self, locus_pos: int) -> int:
        """Chromosome position (1-based) of a record position (1-based)."""
        return self.sum - locus_pos if self.strand is Strand.MINUS else locus_pos + self.sum

    def to_locus(self, chrom_pos: int) -> int:
        """Record position (1-based) of a chromosome position; outside the placed span is an
        :class:`InputError`."""
        pos = self.sum - chrom_pos if self.strand is Strand.MINUS else chrom_pos - self.sum
        if not self.placed_start <= pos <= self.placed_end:
            raise InputError(
                f"{self.assembly} {self.contig}:{chrom_pos:,} is outside the bundled "
                f"{self.gene} locus (placed: {self.contig}:{self.chrom_start:,}-"
                f"{self.chrom_end:,}, {self.gene} c.-137 to c.*110)",
                hint="pass --genome (and --annotation) with the full reference genome",
            )
        return pos

    def describe(self) -> str:
        """One line for reports: what is placed where."""
        return (
            f"{self.record}:{self.placed_start}-{self.placed_end} = {self.assembly} "
            f"{self.contig}:{self.chrom_start}-{self.chrom_end} ({self.accession}), "
            f"{self.strand.value} strand"
        )


@dataclass(frozen=True, slots=True)
class LocusPlacement:
    """Where a bundled record lies on the human assemblies, with the evidence."""

    record: str
    gene: str
    assemblies: tuple[AssemblyPlacement, ...]
    anchors: tuple[PlacementAnchor, ...]

    def assembly(self, name: str) -> AssemblyPlacement:
        """The placement on ``name`` (GRCh38 or GRCh37; hg38/hg19 are accepted)."""
        key = {"HG38": "GRCH38", "HG19": "GRCH37"}.get(name.upper(), name.upper())
        for a in self.assemblies:
            if a.assembly.upper() == key:
                return a
        known = ", ".join(a.assembly for a in self.assemblies)
        raise InputError(f"unknown assembly {name!r}", hint=f"choose from {known}")

    def by_accession(self, accession: str) -> AssemblyPlacement | None:
        """The placement whose chromosome accession is ``accession`` (version included)."""
        for a in self.assemblies:
            if a.accession == accession:
                return a
        return None


_PLACEMENTS = {"beta-globin": "U01317.1.placement.toml"}
_C_POS = re.compile(r"^c\.(?P<pre>[-*]?)(?P<base>\d+)(?P<off>[+-]\d+)?$")


def _coding(text: str) -> CodingPosition:
    m = _C_POS.match(text)
    if m is None:
        raise DataError(f"placement anchor {text!r} is not a c. position")
    region = {"": "cds", "-": "utr5", "*": "utr3"}[m["pre"]]
    return CodingPosition(int(m["base"]), region, int(m["off"] or 0))  # type: ignore[arg-type]


@cache
def bundled_placement(name: str = "beta-globin") -> LocusPlacement:
    """The placement of a bundled locus on GRCh38/GRCh37, checked against its anchors."""
    if name not in _PLACEMENTS:
        raise DataError(f"no placement for bundled locus {name!r}")
    raw = resources.files("vivo.genome").joinpath("data", _PLACEMENTS[name]).read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(raw)
    start, end = int(data["placed_start_1based"]), int(data["placed_end_1based"])
    assemblies = tuple(_assembly(a, data, start, end) for a in data["assembly"])
    anchors = tuple(PlacementAnchor(**a) for a in data["anchor"])
    placement = LocusPlacement(data["record"], data["gene"], assemblies, anchors)
    _check_anchors(placement, bundled_locus(name))
    return placement


def _assembly(a: dict[str, Any], data: dict[str, Any], start: int, end: int) -> AssemblyPlacement:
    return AssemblyPlacement(
        assembly=a["name"],
        contig=a["contig"],
        accession=a["accession"],
        contig_length=int(a["contig_length"]),
        strand=Strand(a["strand"]),
        sum=int(a["sum"]),
        record=data["record"],
        gene=data["gene"],
        placed_start=start,
        placed_end=end,
    )


def _check_anchors(placement: LocusPlacement, ag: AnnotatedGenome) -> None:
    """Every anchor: same offset on each assembly, reference base equal to the record's."""
    tx = ag.gene(placement.gene).canonical
    seq = ag.genome
    for anchor in placement.anchors:
        locus_pos = tx.to_genomic(_coding(anchor.hgvs_c)) + 1
        base = seq.fetch_region(tx.contig, locus_pos - 1, locus_pos).upper()
        for a in placement.assemblies:
            chrom = anchor.grch38 if a.assembly == "GRCh38" else anchor.grch37
            if chrom and a.to_chrom(locus_pos) != chrom:
                raise DataError(
                    f"placement anchor {anchor.hgvs_c}: {a.assembly} {chrom} != "
                    f"{a.to_chrom(locus_pos)} from the offset"
                )
        plus = reverse_complement(base) if placement.assemblies[0].strand is Strand.MINUS else base
        if plus != anchor.ref:
            raise DataError(f"placement anchor {anchor.hgvs_c}: record base {base} vs {anchor.ref}")
