"""Real genomes from ../shared (skipped on a user's clone, where that folder is absent)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from vivo.io.genomes import open_genome


def test_grch37_chr20_bgzip_identity(shared_dir: Path) -> None:
    """chr20 of GRCh37: length and the standard sequence-dictionary M5 (md5 of the upper-cased
    sequence), as recorded in shared/data/genomes/SOURCES.md."""
    ag = open_genome(shared_dir / "data" / "genomes" / "GRCh37.chr20.fa.gz")
    g = ag.genome
    assert g.contig_lengths() == {"20": 63_025_520}
    seq = g.fetch_region("20", 0, 63_025_520)
    assert hashlib.md5(seq.upper().encode()).hexdigest() == "0dec9660ec1efaaf33281c0d5ea2560f"
    assert seq.upper().count("N") == 3_520_000
