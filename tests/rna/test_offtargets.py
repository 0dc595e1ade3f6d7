"""vivo.rna.offtargets: seed matches and PAM-less full-length sites equal a brute-force scan."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.rna.offtargets import (
    ShardedTranscriptome,
    Transcriptome,
    build_seed_index,
    genome_pamless_index,
    near_searcher,
    search_near_sites,
    seed_matches,
    seed_site,
    transcriptome_index,
)


def _naive_near(seqs: dict[str, str], target: str, m: int) -> set[tuple[str, int, str, int]]:
    """Every (name, start, strand, mismatches) with <= m substitutions, both strands."""
    out = set()
    n = len(target)
    rc = reverse_complement(target)
    for name, s in seqs.items():
        for i in range(len(s) - n + 1):
            window = s[i : i + n]
            for strand, want in (("+", target), ("-", rc)):
                mm = sum(a != b or a not in "ACGT" for a, b in zip(window, want, strict=True))
                if mm <= m:
                    out.add((name, i, strand, mm))
    return out


def _mutate(rnd: random.Random, s: str, k: int) -> str:
    chars = list(s)
    for i in rnd.sample(range(len(s)), k):
        chars[i] = rnd.choice([b for b in "ACGT" if b != chars[i]])
    return "".join(chars)


@st.composite
def _transcriptome_and_targets(draw):  # type: ignore[no-untyped-def]
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    n_tx = draw(st.integers(1, 4))
    seqs = {
        f"t{i}": "".join(rnd.choice("ACGT") for _ in range(rnd.randint(16, 160)))
        for i in range(n_tx)
    }
    length = draw(st.sampled_from([16, 19, 21, 25]))
    targets = []
    for _ in range(2):
        target = "".join(rnd.choice("ACGT") for _ in range(length))
        targets.append(target)
        for _copy in range(3):  # plant mutated copies, on either strand, at the ends too
            name = rnd.choice(list(seqs))
            site = _mutate(rnd, target, rnd.randint(0, 4))
            if rnd.random() < 0.5:
                site = reverse_complement(site)
            where = rnd.choice([0, len(seqs[name]), rnd.randint(0, len(seqs[name]))])
            seqs[name] = seqs[name][:where] + site + seqs[name][where:]
    if draw(st.booleans()):  # an N inside one sequence never matches
        name = next(iter(seqs))
        pos = rnd.randrange(len(seqs[name]))
        seqs[name] = seqs[name][:pos] + "N" + seqs[name][pos + 1 :]
    return seqs, targets, draw(st.integers(0, 3))


@settings(max_examples=60, deadline=None)
@given(_transcriptome_and_targets())
def test_near_sites_equal_brute_force(case) -> None:  # type: ignore[no-untyped-def]
    seqs, targets, m = case
    tm = Transcriptome(tuple(seqs), tuple(seqs), tuple(seqs.values()), (None,) * len(seqs))
    idx = transcriptome_index(tm, builder="numpy")
    found = search_near_sites(idx, targets, max_mismatches=m, backend="numpy")
    for target, sites in zip(targets, found, strict=True):
        got = {(s.name, s.start, s.strand, s.mismatches) for s in sites}
        assert got == _naive_near(seqs, target, m)
        for s in sites:
            seq = seqs[s.name][s.start : s.end]
            assert s.site == (seq if s.strand == "+" else reverse_complement(seq))


def _naive_seeds(tm: Transcriptome, guide: str) -> list[tuple[str, int, bool]]:
    site = seed_site(guide)
    out = []
    for i in range(len(tm)):
        utr = tm.utr3(i)
        if utr is None:
            continue
        s = tm.sequences[i]
        for p in range(utr.start, utr.end - 6):
            if s[p : p + 7] == site:
                out.append((tm.ids[i], p, p + 7 < utr.end and s[p + 7] == "A"))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_seed_matches_equal_brute_force(seed: int) -> None:
    rnd = random.Random(seed)
    guide = "".join(rnd.choice("ACGU") for _ in range(21))
    site = seed_site(guide)
    ids, seqs, cds = [], [], []
    for i in range(rnd.randint(1, 6)):
        s = "".join(rnd.choice("ACGT") for _ in range(rnd.randint(10, 120)))
        for _ in range(rnd.randint(0, 3)):
            p = rnd.randint(0, len(s))
            s = s[:p] + site + rnd.choice(["A", "C", ""]) + s[p:]
        ids.append(f"t{i}")
        seqs.append(s)
        c = rnd.randint(0, len(s))
        cds.append(None if rnd.random() < 0.2 else (max(0, c - 9), c))
    tm = Transcriptome(tuple(ids), tuple(i[:2] for i in ids), tuple(seqs), tuple(cds))
    (res,) = seed_matches(build_seed_index(tm), [guide])
    want = sorted(_naive_seeds(tm, guide), key=lambda x: (ids.index(x[0]), x[1]))
    assert [(s.transcript_id, s.start, s.eight_mer) for s in res.sites()] == want
    assert res.n_sites == len(want) and res.n_eight_mer == sum(w[2] for w in want)
    assert res.n_transcripts == len({w[0] for w in want})


def test_seed_site_and_bad_targets() -> None:
    # guide 5'-U UCGAAGU ...: positions 2-8 = UCGAAGU; its sense site is ACUUCGA (DNA ACTTCGA)
    assert seed_site("UUCGAAGUAUUCCGCGUACGU") == "ACTTCGA"
    tm = Transcriptome(("a",), ("A",), ("ACGT" * 10,), (None,))
    idx = transcriptome_index(tm)
    with pytest.raises(InputError, match="nt"):
        search_near_sites(idx, ["ACGT"], max_mismatches=2)
    with pytest.raises(InputError, match="letters"):
        search_near_sites(idx, ["ACGTACGTACGTACGTXX"], max_mismatches=2)
    with pytest.raises(InputError, match="out of range"):
        search_near_sites(idx, ["ACGTACGTACGTACGTAC"], max_mismatches=9)
    with pytest.raises(InputError, match="empty"):
        Transcriptome((), (), (), ())


def test_genome_index_labels_exon_and_intron(hbb_locus) -> None:  # type: ignore[no-untyped-def]
    idx = genome_pamless_index(hbb_locus, builder="numpy")
    tx = hbb_locus.gene("HBB").canonical
    exon = tx.exons[0]
    seq = hbb_locus.genome.fetch_region(tx.contig, exon.start, exon.start + 20, tx.strand)
    (sites,) = search_near_sites(idx, [seq.upper()], max_mismatches=0)
    assert any(s.region.startswith("exon") and "HBB" in s.region for s in sites)


@pytest.mark.skipif(
    not __import__("importlib").util.find_spec("numba"), reason="numba is not installed"
)
def test_numba_builder_and_cpu_kernel_match_numpy() -> None:
    rnd = random.Random(7)
    seqs = tuple(
        "".join(rnd.choice("ACGT") for _ in range(rnd.randint(50, 400))) for _ in range(30)
    )
    tm = Transcriptome(tuple(f"t{i}" for i in range(30)), ("g",) * 30, seqs, (None,) * 30)
    targets = [seqs[3][10:29], _mutate(rnd, seqs[7][40:61], 2), reverse_complement(seqs[9][5:25])]
    a = search_near_sites(transcriptome_index(tm, builder="numpy"), targets, max_mismatches=3,
                          backend="numpy")  # fmt: skip
    b = search_near_sites(transcriptome_index(tm, builder="numba"), targets, max_mismatches=3,
                          backend="cpu")  # fmt: skip
    assert a == b and all(a)


def test_transcriptome_from_annotation_and_fasta(hbb_locus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from vivo.rna.transcript import transcript_from_annotation
    from vivo.workflows.rna import load_transcriptome

    tm = Transcriptome.from_annotation(hbb_locus)
    for i, tid in enumerate(tm.ids):
        gene = tm.genes[i]
        tx = transcript_from_annotation(hbb_locus, gene, transcript_id=tid)
        assert tm.sequences[i] == tx.mrna
        iv = tx.cds_interval()
        assert tm.cds[i] == (None if iv is None else (iv.start, iv.end))
    fa = tmp_path / "t.fa"
    fa.write_text(">ENST1.1|ENSG1.1|-|-|A-201|A|30|UTR5:1-3|CDS:4-24|UTR3:25-30|\n"
                  "GGGATGAAACCCGGGTTTAAATAGCCCAAA\n>plain\nACGUACGU\n")  # fmt: skip
    got = load_transcriptome(fa)
    assert got.ids == ("ENST1.1", "plain") and got.genes == ("A", "plain")
    assert got.cds == ((3, 24), None) and got.sequences[1] == "ACGTACGT"
    assert got.utr3(0) is not None and got.utr3(0).start == 24  # type: ignore[union-attr]


def test_sites_next_to_an_n_are_found() -> None:
    """A site whose neighbouring base (its one-letter "PAM") is N is still reported (found by
    hypothesis: the index cannot hold an N "PAM")."""
    t = "CCCAATTGAGATCGAG"
    seqs = {"a": "ACGTTGN" + reverse_complement(t) + "GGAA", "b": "GG" + t + "NNNN" + t,
            "c": t + "N", "d": "GAGGCTTNCTCGATCTCAATTGGG"}  # fmt: skip
    tm = Transcriptome(tuple(seqs), tuple(seqs), tuple(seqs.values()), (None,) * 4)
    (sites,) = search_near_sites(transcriptome_index(tm), [t], max_mismatches=1)
    got = {(s.name, s.start, s.strand, s.mismatches) for s in sites}
    assert got == _naive_near(seqs, t, 1)
    assert ("a", 7, "-", 0) in got and ("c", 0, "+", 0) in got and ("d", 8, "-", 0) in got


def test_sharded_search_equals_one_index() -> None:
    rnd = random.Random(11)
    seqs = tuple(
        "".join(rnd.choice("ACGT") for _ in range(rnd.randint(40, 300))) for _ in range(25)
    )
    tm = Transcriptome(tuple(f"t{i}" for i in range(25)), ("g",) * 25, seqs, (None,) * 25)
    targets = [seqs[2][5:24], _mutate(rnd, seqs[20][30:50], 2), reverse_complement(seqs[9][:19])]
    one = search_near_sites(transcriptome_index(tm), targets, max_mismatches=3)
    sharded = near_searcher(tm, shard_bp=500)
    assert isinstance(sharded, ShardedTranscriptome) and len(list(sharded.shards())) > 5
    many = search_near_sites(sharded, targets, max_mismatches=3)
    assert [set(x) for x in one] == [set(x) for x in many] and all(one)
