"""Every backend gives the same site set as the naive string implementation of the definition."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vivo.core.seq import reverse_complement
from vivo.editing.offtarget import (
    backends,
    build_site_index,
    pack_genome,
    pam_set,
    search_offtargets,
)

sys.path.insert(0, str(Path(__file__).parent))
from naive import naive_search

BACKENDS = ["numpy", "cpu"]


def _sites(res, guides):  # type: ignore[no-untyped-def]
    return {
        (guides.index(s.guide), s.contig, s.start, s.end, s.strand, s.mismatches,
         s.dna_bulges, s.rna_bulges)
        for s in res.sites()
    }  # fmt: skip


def _check(contigs, guides, nuclease, k, d, r):  # type: ignore[no-untyped-def]
    pams = pam_set(nuclease)
    idx = build_site_index(pack_genome(contigs), pams)
    want = naive_search(contigs, guides, pams.patterns, pams.side, k, d, r)
    for backend, small in [(b, s) for b in BACKENDS for s in (0, 10_000)]:
        # the cpu backend's numba kernels (small-search threshold 0) and its numpy pigeonhole
        # path for short searches (a high threshold)
        old, backends.SMALL_SEARCH_GUIDES = backends.SMALL_SEARCH_GUIDES, small
        try:
            res = search_offtargets(idx, guides, nuclease=nuclease, backend=backend,
                                    max_mismatches=k, dna_bulges=d, rna_bulges=r)  # fmt: skip
        finally:
            backends.SMALL_SEARCH_GUIDES = old
        got = _sites(res, list(guides))
        assert got == want, (backend, small, sorted(want - got)[:3], sorted(got - want)[:3])
    return want


def _mutate(rng: np.random.Generator, s: str, edits: int) -> str:
    out = list(s)
    for _ in range(edits):
        i = int(rng.integers(1, len(out) - 1))
        op = rng.integers(3)
        if op == 0:
            out[i] = "ACGT"[(("ACGT".index(out[i]) + 1 + int(rng.integers(3))) % 4)]
        elif op == 1:
            out.insert(i, "ACGT"[int(rng.integers(4))])
        else:
            del out[i]
    return "".join(out)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    limits=st.sampled_from([(4, 0, 0), (2, 1, 0), (2, 0, 1), (1, 1, 1), (6, 0, 0), (1, 2, 2)]),
    nuclease=st.sampled_from(["SpCas9", "AsCas12a"]),
)
def test_random_genomes_with_planted_sites(seed: int, limits, nuclease: str) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n = 20 if nuclease == "SpCas9" else 23
    guides = ["".join(rng.choice(list("ACGT"), n)) for _ in range(2)]
    pam = "AGG" if nuclease == "SpCas9" else "TTTA"
    body = "".join(rng.choice(list("ACGTN"), 250, p=[0.24, 0.24, 0.24, 0.24, 0.04]))
    planted = []
    for g in guides:
        for e in range(4):
            site = _mutate(rng, g, e)
            planted.append(site + pam if nuclease == "SpCas9" else pam + site)
    seq = body + "".join(planted[:4]) + reverse_complement("".join(planted[4:]))
    if rng.integers(2):
        seq = seq.lower()[:100] + seq[100:]
    _check([("a", seq), ("b", body[:60])], guides, nuclease, *limits)


ADVERSARIAL = {
    # repeats: the same site many times, both strands
    "repeats": "AC" + ("GACGCATAAAGATGAGACGCTGG" * 6) + reverse_complement("GACGCATAAAGATGAGACGCAGG" * 3),  # noqa: E501
    # N runs inside and next to sites, PAM made of N
    "n_runs": "GACGCATAANNNTGAGACGCTGG" + "NNNNN" + "GACGCATAAAGATGAGACGCNGG" + "GACGCATAAAGATGAGACGCTNG",  # noqa: E501
    # soft-masked sites
    "soft_masked": "ttgacgcataaagatgagacgctggaa" + "GACGCATAAAGATGAGACGTAGG",
    # sites hanging over both contig ends
    "contig_ends": "CATAAAGATGAGACGCTGG" + "A" * 30 + "CCAGCGTCTCATCTTTATG",
    # palindromic / homopolymer context (many equivalent bulge placements)
    "palindrome": "GGGGGGGGGGAAAAAAAAAATGG" + "CCATTTTTTTTTTCCCCCCCCCC" + "AAAAAAAAAAAAAAAAAAAAAAGG",  # noqa: E501
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
@pytest.mark.parametrize("limits", [(4, 0, 0), (2, 1, 1), (1, 2, 2)])
def test_adversarial_genomes(case: str, limits) -> None:  # type: ignore[no-untyped-def]
    guides = ["GACGCATAAAGATGAGACGC", "GGGGGGGGGGAAAAAAAAAA"]
    want = _check([("x", ADVERSARIAL[case]), ("y", "ACGTGG")], guides, "SpCas9", *limits)
    if case in ("repeats", "soft_masked"):
        assert want, "the planted sites must be found"


def test_planted_sites_found_with_exact_counts() -> None:
    g = "GACGCATAAAGATGAGACGC"
    one_mm = g[:5] + "T" + g[6:]
    dna = g[:8] + "A" + g[8:]
    rna = g[:8] + g[9:]
    seq = "TTTT" + one_mm + "AGG" + "CCCC" + dna + "TGG" + "CCCC" + rna + "CGG" + "TTTT"
    idx = build_site_index(pack_genome([("c", seq)]), pam_set("SpCas9"))
    res = search_offtargets(idx, [g], backend="cpu", max_mismatches=1, dna_bulges=1, rna_bulges=1)
    counts = {(s.start, s.mismatches, s.dna_bulges, s.rna_bulges) for s in res.sites()}
    assert (4, 1, 0, 0) in counts
    assert (4 + 23 + 4, 0, 1, 0) in counts
    assert (4 + 23 + 4 + 24 + 4, 0, 0, 1) in counts
