"""Reported alignments: the batch kernel equals the reference rule; site records decode right."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from vivo.core.seq import reverse_complement
from vivo.editing.offtarget import build_site_index, pack_genome, pam_set, search_offtargets
from vivo.editing.offtarget.alignment import align_many
from vivo.editing.offtarget.encoding import decode

sys.path.insert(0, str(Path(__file__).parent))
from naive import reference_align as align

pytest.importorskip("numba")


@pytest.mark.parametrize("side", ["3prime", "5prime"])
def test_batch_alignments_equal_the_reference_rule(side: str) -> None:
    rng = np.random.default_rng(4)
    spacer = "".join(rng.choice(list("ACGT"), 20))
    rows, dna, rna = [], [], []
    for _ in range(600):  # substitutions, N, up to 2 + 2 bulges anywhere
        d, r = int(rng.integers(0, 3)), int(rng.integers(0, 3))
        s = list(spacer)
        for i in rng.choice(20, size=int(rng.integers(0, 5)), replace=False):
            s[i] = "ACGTN"[int(rng.integers(5))]
        for _ in range(d):
            s.insert(int(rng.integers(1, len(s))), "ACGT"[int(rng.integers(4))])
        for _ in range(r):
            del s[int(rng.integers(1, len(s) - 1))]
        rows.append("".join(s))
        dna.append(d)
        rna.append(r)
    codes = np.full((len(rows), 24), 4, dtype=np.uint8)
    for q, s in enumerate(rows):
        codes[q, : len(s)] = ["ACGTN".index(c) for c in s]
    got = align_many(spacer, codes, np.array([len(s) for s in rows]), np.array(dna),
                     np.array(rna), pam_side=side)  # type: ignore[arg-type]  # fmt: skip
    want = [align(spacer, s, dna=d, rna=r, pam_side=side)  # type: ignore[arg-type]
            for s, d, r in zip(rows, dna, rna, strict=True)]  # fmt: skip
    assert got == want
    assert any("-" in a or "-" in b for a, b in got)


def test_site_records_match_the_genome_and_the_rule() -> None:
    """Sequences decoded in batches equal the genome read site by site (reverse complement on
    the minus strand, N shown as N), and the alignments equal the reference rule."""
    rng = np.random.default_rng(9)
    g = "GACGCATAAAGATGAGACGC"
    parts = []
    for c in range(60):
        s = list(g)
        for i in rng.choice(20, size=c % 4, replace=False):
            s[i] = "ACGTN"[int(rng.integers(5))]
        if c % 5 == 1:
            s.insert(int(rng.integers(2, 18)), "G")
        if c % 5 == 2:
            del s[int(rng.integers(2, 18))]
        site = "".join(s) + ["AGG", "TGG", "CAG"][c % 3]
        parts.append(reverse_complement(site) if c % 2 else site)
        parts.append("".join(rng.choice(list("ACGT"), 4)))
    seq = "".join(parts)
    idx = build_site_index(pack_genome([("c", seq)]), pam_set("SpCas9"))
    res = search_offtargets(idx, [g], backend="cpu", max_mismatches=4, dna_bulges=1, rna_bulges=1)
    sites = list(res.sites())
    assert (
        len(sites) > 40 and any(s.dna_bulges for s in sites) and any(s.strand == "-" for s in sites)
    )
    for s in sites:
        proto = decode(np.array(["ACGTN".index(c) for c in seq[s.start : s.end].upper()]))
        pam = seq[s.end : s.end + 3] if s.strand == "+" else seq[s.start - 3 : s.start]
        if s.strand == "-":
            proto, pam = reverse_complement(proto), reverse_complement(pam)
        assert (s.site, s.pam) == (proto, pam.upper())
        assert (s.aligned_guide, s.aligned_site) == align(
            g, proto, dna=s.dna_bulges, rna=s.rna_bulges, pam_side="3prime"
        )
