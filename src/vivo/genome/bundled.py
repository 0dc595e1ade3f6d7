"""Loci that ship inside vivo, addressable by gene name.

The default is the human beta-globin locus, GenBank U01317.1 (73,308 bp; genes HBE1, HBG2,
HBG1, HBD, HBB on the record's plus strand). Provenance: ``vivo/genome/data/SOURCES.md``.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from importlib import resources

from vivo.core.errors import DataError
from vivo.genome.annotation import AnnotatedGenome
from vivo.genome.records import genome_from_records

__all__ = ["BETA_GLOBIN_SHA256", "BUNDLED_LOCI", "beta_globin_locus", "bundled_locus"]

#: sha256 of the bundled GenBank file, as recorded in SOURCES.md.
BETA_GLOBIN_SHA256 = "1fdc8b15a454dfb4ebc84ad1bb7a20d926f1818f5681a11f60e789934d697c2c"
#: Bundled loci by name, with their data file and checksum.
BUNDLED_LOCI: dict[str, tuple[str, str]] = {
    "beta-globin": ("U01317.1.gb", BETA_GLOBIN_SHA256),
}


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
