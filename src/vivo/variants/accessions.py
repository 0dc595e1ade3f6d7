"""HGVS reference accessions: ``NM_…:c.``, ``ENST…:c.`` and ``NC_…:g.`` on the genome in use.

A transcript accession is looked up among the transcripts of the loaded annotation (GTF/GFF3
transcript ids, versioned or not) and, on the bundled locus, in :data:`BUNDLED_TRANSCRIPTS`:
the RefSeq and Ensembl transcripts whose c. numbering is the record's (HBB: NM_000518.5 and
its MANE Select twin ENST00000335295.4 have the record's 50-nt 5'UTR, 444-nt CDS and 132-nt
3'UTR, and the same exon boundaries). Another version of a known accession is used with a
warning naming both versions; an accession the annotation lacks is an :class:`InputError`.

A chromosome accession (``NC_000011.10`` GRCh38 chr11, ``NC_000011.9`` GRCh37 chr11) is placed
on the bundled locus through its placement on that assembly (:func:`bundled_placement`), or
is matched to a contig of the user's genome by name (``NC_000011.10``, ``chr11`` or ``11`` with
the assembly's chr11 length).

>>> from vivo.variants.hgvs import parse_hgvs
>>> from vivo.genome.bundled import beta_globin_locus
>>> hbs = parse_hgvs("NC_000011.10:g.5227002T>A")
>>> v, tx, warnings = resolve_accession(hbs, beta_globin_locus())
>>> v.gene, v.kind, str(v.start), v.edit.ref, v.edit.alt, warnings
('HBB', 'g', '62206', 'A', 'T', ())
"""

from __future__ import annotations

import re

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.annotation import AnnotatedGenome, Transcript
from vivo.genome.bundled import BUNDLED_RECORD_NAMES, AssemblyPlacement, bundled_placement
from vivo.variants.hgvs import Edit, HgvsVariant

__all__ = [
    "BUNDLED_TRANSCRIPTS",
    "CHROMOSOME_ACCESSIONS",
    "is_accession",
    "resolve_accession",
]

_ACCESSION = re.compile(
    r"^(?P<stem>(?:N[CGMRTW]|X[MR])_\d+|ENS[TG]\d{11}|LRG_\d+(?:t\d+)?)(?:\.(?P<version>\d+))?$"
)
#: transcripts of the bundled record that are RefSeq/Ensembl transcripts (same c. numbering)
BUNDLED_TRANSCRIPTS: dict[str, str] = {"NM_000518.5": "HBB", "ENST00000335295.4": "HBB"}
#: chromosome accessions vivo can match to a contig: accession -> (assembly, names, length)
CHROMOSOME_ACCESSIONS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "NC_000011.10": ("GRCh38", ("chr11", "11"), 135086622),
    "NC_000011.9": ("GRCh37", ("chr11", "11"), 135006516),
}


def is_accession(name: str | None) -> bool:
    """True for a RefSeq (``NM_``, ``NC_``, …), Ensembl (``ENST``/``ENSG``) or LRG name."""
    return bool(name) and _ACCESSION.match(str(name)) is not None


def _split(acc: str) -> tuple[str, str | None]:
    m = _ACCESSION.match(acc)
    assert m is not None
    return m["stem"], m["version"]


def resolve_accession(
    variant: HgvsVariant, ag: AnnotatedGenome
) -> tuple[HgvsVariant, Transcript | None, tuple[str, ...]]:
    """Rewrite a variant given on an accession onto the genome in use.

    Returns the variant (gene set to the gene's name; ``g.`` positions on the genome's
    contig), the transcript named by a ``c.`` accession (``None`` otherwise) and warnings.
    A variant without an accession is returned unchanged.
    """
    acc = variant.accession or (variant.gene if is_accession(variant.gene) else None)
    if acc is None:
        return variant, None, ()
    if not is_accession(acc):
        raise InputError(f"{acc!r} is not a RefSeq, Ensembl or LRG accession")
    stem, _ = _split(acc)
    if stem.startswith(("NC_",)):
        if variant.kind != "g":
            raise InputError(
                f"{acc} is a chromosome: its variants are g. variants", hint=f"write {acc}:g.…"
            )
        return _genomic(variant, acc, ag)
    if stem.startswith(("NG_", "ENSG", "LRG_", "NT_", "NW_")):
        raise InputError(
            f"{acc}: gene and region records are not supported as HGVS references",
            hint="use a transcript (NM_…:c., ENST…:c.) or a chromosome (NC_…:g.)",
        )
    if variant.kind != "c":
        raise InputError(f"{acc} is a transcript: write its variants as c.", hint=f"{acc}:c.…")
    tx, warnings = find_transcript(acc, ag)
    paren = variant.gene if variant.accession else None
    if paren and paren.upper() != tx.gene_name.upper():
        raise InputError(
            f"{acc} is a transcript of {tx.gene_name}, not of {paren}",
            hint=f"write {acc}({tx.gene_name}):c.…",
        )
    out = HgvsVariant(tx.gene_name, "c", variant.start, variant.end, variant.edit, acc)
    return out, tx, warnings


def _bundled_transcript(acc: str, ag: AnnotatedGenome) -> tuple[Transcript, str] | None:
    """The bundled record's transcript named ``acc`` (any version) and the accession it is
    known by, if the genome is the bundled record."""
    if ag.name not in BUNDLED_RECORD_NAMES:
        return None
    stem, _ = _split(acc)
    for known, gene_name in BUNDLED_TRANSCRIPTS.items():
        if known == acc or _split(known)[0] == stem:
            return ag.gene(gene_name).canonical, known
    return None


def find_transcript(acc: str, ag: AnnotatedGenome) -> tuple[Transcript, tuple[str, ...]]:
    """The transcript ``acc`` names in ``ag``; another version of it comes with a warning.

    The look-up is the annotation's own (:meth:`Annotation.find_transcript`, an index query on
    a genome-scale annotation), then the bundled record's accessions.
    """
    tx = ag.annotation.find_transcript(acc)
    have = tx.transcript_id if tx is not None else ""
    if tx is None:
        found = _bundled_transcript(acc, ag)
        if found is None:
            bundled = ", ".join(BUNDLED_TRANSCRIPTS) if ag.name in BUNDLED_RECORD_NAMES else ""
            raise InputError(
                f"transcript {acc} is not in the annotation of {ag.name}",
                hint=(f"transcripts with accessions: {bundled}" if bundled else
                      "pass --genome and --annotation with the annotation that has it, or "
                      "write the gene: e.g. HBB:c.20A>T"),
            )  # fmt: skip
        tx, have = found
    if have == acc:
        return tx, ()
    version = _split(acc)[1]
    have_version = _split(have)[1] if is_accession(have) else None
    warning = (
        f"{acc} asked, the annotation of {ag.name} has {have}: using {have} "
        f"(version {version or 'none'} vs {have_version or 'none'}; check that the c. "
        "numbering is the same)"
    )
    return tx, (warning,)


def _genomic(
    variant: HgvsVariant, acc: str, ag: AnnotatedGenome
) -> tuple[HgvsVariant, None, tuple[str, ...]]:
    assert isinstance(variant.start, int) and isinstance(variant.end, int)
    if ag.name in BUNDLED_RECORD_NAMES:
        placement = bundled_placement()
        assembly = placement.by_accession(acc)
        if assembly is None:
            known = ", ".join(f"{a.accession} ({a.assembly})" for a in placement.assemblies)
            raise InputError(
                f"{acc} is not a chromosome the bundled locus is placed on",
                hint=f"placed on {known}; or pass --genome with that assembly",
            )
        return _onto_bundled(variant, assembly, ag), None, ()
    contig = _contig_for(acc, ag)
    a, b = variant.start, variant.end
    genes = [
        g for g in ag.annotation.overlapping(Locus(contig, Interval(a - 1, b)))
        if g.canonical.is_coding
    ] or ag.annotation.overlapping(Locus(contig, Interval(a - 1, b)))  # fmt: skip
    if not genes:
        raise InputError(f"{acc}:g.{a}: no annotated gene of {ag.name} at {contig}:{a:,}")
    return HgvsVariant(genes[0].name, "g", a, b, variant.edit, None), None, ()


def _contig_for(acc: str, ag: AnnotatedGenome) -> str:
    names = ag.genome.contig_names()
    if acc in names:
        return acc
    if acc in CHROMOSOME_ACCESSIONS:
        assembly, aliases, length = CHROMOSOME_ACCESSIONS[acc]
        for name in aliases:
            if name in names and ag.genome.contig_length(name) == length:
                return name
        raise InputError(
            f"{acc} ({assembly} {aliases[0]}) is not a contig of genome {ag.name}",
            hint=f"the genome has no {aliases[0]} of {length:,} bp; pass the {assembly} genome",
        )
    raise InputError(
        f"chromosome accession {acc} is not a contig of genome {ag.name}",
        hint="write the contig name as the genome spells it, e.g. chr11:g.…",
    )


def _onto_bundled(variant: HgvsVariant, a: AssemblyPlacement, ag: AnnotatedGenome) -> HgvsVariant:
    """A chromosome g. variant as a g. variant on the bundled record (strand flipped)."""
    assert isinstance(variant.start, int) and isinstance(variant.end, int)
    lo, hi = a.to_locus(variant.start), a.to_locus(variant.end)
    start, end = min(lo, hi), max(lo, hi)
    e = variant.edit
    if e.ref and e.kind != "ins":
        contig = ag.genome.contig_names()[0]
        plus = ag.genome.fetch_region(contig, start - 1, end).upper()
        chrom_ref = reverse_complement(plus) if a.strand is Strand.MINUS else plus
        if chrom_ref != e.ref.upper():
            raise InputError(
                f"{a.accession}:g.{variant.start}: the {a.assembly} reference at "
                f"{a.contig}:{variant.start:,} is {chrom_ref}, not {e.ref.upper()}",
                hint=f"check the variant and the assembly ({a.assembly} = {a.accession})",
            )
    if a.strand is Strand.MINUS:
        e = Edit(e.kind, reverse_complement(e.ref), reverse_complement(e.alt))
    return HgvsVariant(a.gene, "g", start, end, e, None)
