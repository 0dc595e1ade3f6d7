"""The pigeonhole tables and the numba builder: identical to the numpy builder and the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from vivo.core.seq import reverse_complement
from vivo.editing.offtarget import build_site_index, pack_genome, pam_set, search_offtargets
from vivo.editing.offtarget._kernels.search import cpu
from vivo.io.fasta import write_fasta
from vivo.io.twobit import write_twobit
from vivo.workflows import genome_index as gi

ARRAYS = ("bucket_start", "win", "nmask", "pos", "meta", "pw", "dbucket_start", "dw", "drow")


def _near_copies(rng: np.random.Generator, guide: str, pams: list[str], copies: int) -> str:
    """A sequence holding copies of ``guide`` with 0-6 mismatches, both strands, N and masks."""
    parts = []
    for c in range(copies):
        site = list(guide)
        for i in rng.choice(len(guide), size=c % 7, replace=False):
            site[i] = "ACGT"[("ACGT".index(site[i]) + 1 + int(rng.integers(3))) % 4]
        s = "".join(site) + pams[c % len(pams)]
        s = reverse_complement(s) if c % 2 else s
        parts.append(s.lower() if c % 5 == 0 else s)
        parts.append("".join(rng.choice(list("ACGTN"), int(rng.integers(0, 9)),
                                         p=[0.24, 0.24, 0.24, 0.24, 0.04])))  # fmt: skip
    return "".join(parts)


@pytest.fixture(scope="module")
def contigs():  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    g = "GACGCATAAAGATGAGACGC"
    body = "".join(rng.choice(list("ACGT"), 4000))
    return [
        ("c1", body[:2000] + _near_copies(rng, g, ["AGG", "TGG", "CAG"], 120) + body[2000:]),
        ("c2", "ACGTGG"),
        ("c3", g[4:] + "AGG" + body[:500] + "NNNN" + g + "TGG"),  # sites at the contig start
    ]


@pytest.mark.parametrize("nuclease", ["SpCas9", "AsCas12a"])
def test_numba_builder_equals_numpy_builder(contigs, nuclease: str) -> None:  # type: ignore[no-untyped-def]
    genome = pack_genome(contigs)
    a = build_site_index(genome, pam_set(nuclease), builder="numpy")
    b = build_site_index(genome, pam_set(nuclease), builder="numba")
    assert a.has_distal and b.has_distal and a.n_sites > 100
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape and np.array_equal(x, y), name
    # every regular row appears once in the distal table, pointing back to itself
    regular = int(a.bucket_start[4**10])
    assert sorted(a.drow.tolist()) == list(range(regular))


@pytest.fixture(params=["numba", "numpy"])
def cpu_path(request, monkeypatch):  # type: ignore[no-untyped-def]
    """The cpu backend's numba kernel, then its numpy pigeonhole path for short searches."""
    from vivo.editing.offtarget import backends

    monkeypatch.setattr(backends, "SMALL_SEARCH_GUIDES", 0 if request.param == "numba" else 10**6)
    return request.param


@pytest.mark.parametrize("k", [0, 2, 3, 4, 5, 6])
def test_pigeonhole_search_equals_oracle(contigs, k: int, cpu_path: str) -> None:  # type: ignore[no-untyped-def]
    idx = build_site_index(pack_genome(contigs), pam_set("SpCas9"))
    rng = np.random.default_rng(k)
    guides = [
        "GACGCATAAAGATGAGACGC",
        "".join(rng.choice(list("ACGT"), 20)),
        "GACGCATAAAGATGAGACGCAT",
        "GCATAAAGATGAGACGC",
    ]  # 20, 20, 22, 17 nt (fallback)
    guides = [*guides, "AAAAAAAAAAAAAAAAAAAA"]
    want = search_offtargets(idx, guides, backend="numpy", max_mismatches=k)
    got = search_offtargets(idx, guides, backend="cpu", max_mismatches=k)
    assert list(got.sites()) == list(want.sites())
    if k >= 4:
        assert want.guides[0].n_sites > 60


def test_many_hits_overflow_the_first_buffer(cpu_path: str) -> None:
    """More than the kernel's first per-guide buffer: the guide is re-run with room for all."""
    g = "GACGCATAAAGATGAGACGC"
    seq = "".join(g[:-1] + "ACGT"[i % 4] + "AGG" + "T" for i in range(cpu._CAP + 80))
    idx = build_site_index(pack_genome([("r", seq)]), pam_set("SpCas9"))
    got = search_offtargets(idx, [g], backend="cpu", max_mismatches=1)
    want = search_offtargets(idx, [g], backend="numpy", max_mismatches=1)
    assert got.guides[0].n_sites == want.guides[0].n_sites == cpu._CAP + 80
    assert list(got.sites()) == list(want.sites())


def test_row_range_shards_add_up(contigs, cpu_path: str) -> None:  # type: ignore[no-untyped-def]
    from vivo.editing.offtarget._kernels import Limits
    from vivo.editing.offtarget.search import run_kernel

    idx = build_site_index(pack_genome(contigs), pam_set("SpCas9"))
    guides = ["GACGCATAAAGATGAGACGC"]
    whole = run_kernel(idx, guides, Limits(4, 0, 0), "cpu")
    cut = idx.n_sites // 3
    parts = [run_kernel(idx, guides, Limits(4, 0, 0), "cpu", row_range=r)
             for r in ((0, cut), (cut, idx.n_sites))]  # fmt: skip
    rows = sorted(np.concatenate([p.row for p in parts]).tolist())
    assert rows == sorted(whole.row.tolist()) and len(rows) > 50


def test_twobit_and_fasta_builds_are_identical(contigs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fa, tb = tmp_path / "g.fa", tmp_path / "g.2bit"
    write_fasta(contigs, fa)
    write_twobit(dict(contigs), tb)
    gi.build_genome_index("fa", fa, home=tmp_path, max_sites_per_pass=300)
    gi.build_genome_index("tb", tb, home=tmp_path, max_sites_per_pass=300, pams=("NGG", "NAG"))
    a = gi.open_index("fa", home=tmp_path)
    b = gi.open_index("tb", home=tmp_path, pams=("NGG", "NAG"))
    mem = build_site_index(pack_genome(contigs), pam_set("SpCas9"))
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(mem, name)), name
    assert np.array_equal(a.genome.packed, b.genome.packed)
    assert np.array_equal(a.genome.other, b.genome.other)
    assert np.array_equal(a.genome.masked, b.genome.masked)
    assert b.pams.patterns == ("NGG", "NAG") and b.n_sites < a.n_sites
    g = ["GACGCATAAAGATGAGACGC"]
    ra = search_offtargets(a, g, backend="cpu", max_mismatches=4)
    rb = search_offtargets(b, g, backend="cpu", max_mismatches=4)
    nga = {(s.start, s.strand) for s in ra.sites() if s.pam[1:] == "GA"}
    assert {(s.start, s.strand) for s in rb.sites()} == {
        (s.start, s.strand) for s in ra.sites()} - nga  # fmt: skip


@pytest.mark.parametrize("limits", [(4, 1, 1), (2, 2, 0), (3, 0, 2), (0, 1, 1), (5, 1, 0)])
def test_bulged_pigeonhole_equals_oracle(contigs, limits) -> None:  # type: ignore[no-untyped-def]
    g = "GACGCATAAAGATGAGACGC"
    bulged = [g[:7] + "T" + g[7:] + "AGG", g[:12] + g[13:] + "TGG", g[:3] + "A" + g[3:15]
              + g[16:] + "CGG", reverse_complement(g[:14] + "GG" + g[14:] + "AGG")]  # fmt: skip
    extra = ("c4", "ACGT".join(bulged) + "ACGTTGCA")
    idx = build_site_index(pack_genome([*contigs, extra]), pam_set("SpCas9"))
    k, d, r = limits
    guides = [g, "GCATAAAGATGAGACGC", "TTTTCCCCAAAAGGGGTTTT"]
    kw = {"max_mismatches": k, "dna_bulges": d, "rna_bulges": r}
    want = search_offtargets(idx, guides, backend="numpy", **kw)
    got = search_offtargets(idx, guides, backend="cpu", **kw)
    assert list(got.sites()) == list(want.sites())
    assert any(s.dna_bulges or s.rna_bulges for s in want.sites())


@pytest.mark.parametrize("limits", [(1, 1), (2, 0), (0, 2), (2, 1), (1, 0)])
def test_shift_bound_never_exceeds_the_exact_mismatches(limits) -> None:  # type: ignore[no-untyped-def]
    """The candidate filter is a lower bound of the alignment recursion (else sites are lost),
    and it is tight on most windows near the guide (else it filters nothing)."""
    nd, nr = limits
    k = cpu._compiled()
    rng = np.random.default_rng(5)
    n, tight, near = 20, 0, 0
    fb = np.empty((nd + 1) * (nr + 1), dtype=np.int64)
    f = np.empty((n + 1, nd + 1, nr + 1, 4), dtype=np.int16)
    out = np.empty((nd + 1, nr + 1), dtype=np.int16)
    for _ in range(3000):
        g = rng.integers(0, 4, n)
        site = list(g)
        for _e in range(int(rng.integers(0, 4))):  # a few random edits, bulges included
            at, op = int(rng.integers(1, len(site) - 1)), int(rng.integers(3))
            if op == 0:
                site[at] = int(rng.integers(4))
            elif op == 1:
                site.insert(at, int(rng.integers(4)))
            else:
                del site[at]
        w = np.concatenate([site, rng.integers(0, 4, 32)])[:32]
        win = np.uint64(sum(int(b) << (2 * i) for i, b in enumerate(w)))
        gw = np.uint64(sum(int(b) << (2 * i) for i, b in enumerate(g)))
        nm = np.uint32(1 << int(rng.integers(32)) if rng.random() < 0.1 else 0)
        k["costs"](g.astype(np.int64), n, win, nm, 32, nd, nr, f, out)
        exact = int(out.min())
        bound = k["shift_bound"](gw, n, win, 6, nd, nr, fb)
        assert bound <= exact or bound > 6
        near += exact <= 4
        tight += exact <= 4 and bound == exact
    assert near > 100 and tight > 0.9 * near


def test_many_bulged_hits_overflow_the_first_buffer() -> None:
    """A guide in a repeat with more bulged sites than the first buffer: all of them."""
    g = "GACGCATAAAGATGAGACGC"
    unit = [g[:8] + "ACGT"[i % 4] + g[8:] + "AGG" + "TT" for i in range(cpu._CAP + 40)]
    idx = build_site_index(pack_genome([("r", "".join(unit))]), pam_set("SpCas9"))
    kw = {"max_mismatches": 1, "dna_bulges": 1, "rna_bulges": 1}
    got = search_offtargets(idx, [g], backend="cpu", **kw)
    want = search_offtargets(idx, [g], backend="numpy", **kw)
    assert got.guides[0].n_sites == want.guides[0].n_sites > cpu._CAP
    assert list(got.sites()) == list(want.sites())


def _edited(rng: np.random.Generator, guide: str, k: int, d: int, r: int) -> str:
    """``guide`` with up to k substitutions, d inserted and r deleted bases, at random
    positions (mismatches and bulges piled on either side of site base 10 on purpose)."""
    site = list(guide)
    for i in rng.choice(len(site), size=int(rng.integers(0, k + 1)), replace=False):
        site[i] = "ACGT"[("ACGT".index(site[i]) + 1 + int(rng.integers(3))) % 4]
    for _ in range(int(rng.integers(0, d + 1))):
        site.insert(int(rng.integers(1, len(site))), "ACGT"[int(rng.integers(4))])
    for _ in range(int(rng.integers(0, r + 1))):
        del site[int(rng.integers(1, len(site) - 1))]
    return "".join(site)


@pytest.mark.parametrize(
    "limits", [(4, 1, 1), (6, 2, 2), (3, 2, 1), (4, 0, 1), (4, 1, 0), (1, 1, 1), (0, 2, 2)]
)
def test_bulge_class_split_equals_oracle(limits) -> None:  # type: ignore[no-untyped-def]
    """The bulged search splits candidates by where the bulges sit (site bases 0-9 or after)
    and picks per class how many mismatches each half may hold; every edited copy of a guide
    (edits and bulges anywhere, both strands, NGG/NAG) is found exactly as by the oracle."""
    k, d, r = limits
    rng = np.random.default_rng(sum(limits) * 31 + k)
    guides = ["".join(rng.choice(list("ACGT"), n)) for n in (20, 20, 23, 17)]
    parts = []
    for _ in range(250):
        g = guides[int(rng.integers(len(guides)))]
        s = _edited(rng, g, k + 1, d, r) + str(rng.choice(["AGG", "TGG", "CAG"]))
        parts.append(reverse_complement(s) if rng.random() < 0.5 else s)
        parts.append("".join(rng.choice(list("ACGT"), int(rng.integers(0, 6)))))
    idx = build_site_index(pack_genome([("e", "".join(parts))]), pam_set("SpCas9"))
    kw = {"max_mismatches": k, "dna_bulges": d, "rna_bulges": r}
    want = search_offtargets(idx, guides, backend="numpy", **kw)
    got = search_offtargets(idx, guides, backend="cpu", **kw)
    assert list(got.sites()) == list(want.sites())
    assert sum(g.bulged_sites for g in want.guides) > (20 if d + r else -1)


@pytest.mark.parametrize("side", ["3prime", "5prime"])
def test_long_spacers_with_bulges_equal_oracle(side: str) -> None:
    """Spacers too long for the window rebuilt from the distal row (n + DNA bulges > 26) read
    the proximal tables for their distal candidates; both PAM sides."""
    from vivo.editing.nucleases import custom_nuclease

    nuc = custom_nuclease(name="long", pam="NGG" if side == "3prime" else "TTTV",
                          pam_side=side, spacer_length=27, spacer_range=(26, 28))  # fmt: skip
    rng = np.random.default_rng(17)
    guides = ["".join(rng.choice(list("ACGT"), n)) for n in (26, 27, 28)]
    parts = []
    for _ in range(150):
        g = guides[int(rng.integers(len(guides)))]
        s = _edited(rng, g, 4, 1, 1)
        s = s + "AGG" if side == "3prime" else "TTTA" + s
        parts.append(reverse_complement(s) if rng.random() < 0.5 else s)
        parts.append("".join(rng.choice(list("ACGT"), int(rng.integers(0, 5)))))
    idx = build_site_index(pack_genome([("e", "".join(parts))]), pam_set(nuc))
    kw = {"nuclease": nuc, "max_mismatches": 3, "dna_bulges": 1, "rna_bulges": 1}
    want = search_offtargets(idx, guides, backend="numpy", **kw)
    got = search_offtargets(idx, guides, backend="cpu", **kw)
    assert list(got.sites()) == list(want.sites())
    assert sum(g.bulged_sites for g in want.guides) > 10


def test_short_searches_skip_numba_only_while_numpy_is_faster() -> None:
    from vivo.editing.offtarget.backends import small_search

    assert small_search(10, "mismatch", 23_000_000)  # chr20: numpy wins below ~100 guides
    assert not small_search(10, "mismatch", 635_000_000)  # 3.1 Gb: numba's start-up pays off
    assert not small_search(200, "mismatch", 1_000)  # many guides
    assert not small_search(1, "bulge", 1_000)  # bulged searches always run the numba kernel
