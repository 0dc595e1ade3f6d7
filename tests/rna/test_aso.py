"""ASO design: chemistries, gapmers, splice switching, off-targets and bad input."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.rna import aso, aso_fold
from vivo.rna.aso_chemistry import CHEMISTRIES, get_chemistry, motif_flags
from vivo.rna.offtargets import Transcriptome, build_pamless_index, transcriptome_index
from vivo.rna.transcript import bundled_transcript, transcript_from_sequence

PAIR = {("A", "T"), ("T", "A"), ("G", "C"), ("C", "G")}


# -- chemistry ----------------------------------------------------------------------------------
def test_named_chemistries() -> None:
    assert get_chemistry("moe-5-10-5").length == 20
    assert get_chemistry("LNA-3-10-3").pattern() == "MMM" + "d" * 10 + "MMM"
    assert get_chemistry("pmo").kind == "steric" and get_chemistry("pmo").length is None
    assert get_chemistry("moe").pattern(18) == "M" * 18
    assert set(CHEMISTRIES) >= {"moe-5-10-5", "lna-3-10-3", "cet-3-10-3", "moe", "pmo"}


def test_custom_gapmer_and_its_bounds() -> None:
    custom = get_chemistry("moe-4-12-4")
    assert (custom.wing5, custom.gap, custom.wing3, custom.length) == (4, 12, 4, 20)
    for bad in ("moe-4-6-4", "moe-8-10-5", "moe-0-10-5", "pmo-5-10-5", "gapmer", ""):
        with pytest.raises(InputError):
            get_chemistry(bad)


def test_motif_flags() -> None:
    moe, lna = get_chemistry("moe-5-10-5"), get_chemistry("lna-3-10-3")
    assert motif_flags("AACGTT", moe) == ("CpG",)
    assert motif_flags("AGGGGA", moe) == ("G4",)
    assert motif_flags("ATCCTGCA", moe) == ()
    assert motif_flags("ATCCTGCA", lna) == ("TCC", "TGC")
    assert motif_flags("AACGGGGT", get_chemistry("pmo")) == ("G4",)  # no CpG flag for PMO


# -- self-complementarity (against brute force) -------------------------------------------------
def brute_dimer(s: str) -> int:
    best = 0
    for shift in range(2 * len(s) - 1):
        run = 0
        for i in range(len(s)):
            j = shift - i
            ok = 0 <= j < len(s) and i != j and (s[i], s[j]) in PAIR
            run = run + 1 if ok else 0
            best = max(best, run)
    return best


def brute_hairpin(s: str, loop: int = 3) -> int:
    best = 0
    for i in range(len(s)):
        for j in range(i + loop + 1, len(s)):
            k = 0
            while i + k < j - k - loop and (s[i + k], s[j - k]) in PAIR:
                k += 1
            best = max(best, k)
    return best


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ACGT", min_size=1, max_size=30))
def test_self_complementarity_matches_brute_force(oligo: str) -> None:
    assert aso_fold.self_complementarity(oligo) == (brute_dimer(oligo), brute_hairpin(oligo))


# -- gapmers ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ada_gapmers() -> aso.AsoResult:
    return aso.design_gapmers(bundled_transcript("ADA"), chemistry="moe-5-10-5", top=6)


def test_gapmers_are_reverse_complements_with_pattern(ada_gapmers: aso.AsoResult) -> None:
    mrna = bundled_transcript("ADA").mrna
    assert len(ada_gapmers.designs) == 6
    for d in ada_gapmers.designs:
        assert d.target == mrna[d.start : d.end]
        assert d.oligo == reverse_complement(d.target)
        assert d.pattern == "MMMMM" + "d" * 10 + "MMMMM"
        assert d.location.kind == "mrna"


def test_gapmers_do_not_overlap_by_more_than_half(ada_gapmers: aso.AsoResult) -> None:
    starts = [d.start for d in ada_gapmers.designs]
    for a in starts:
        for b in starts:
            assert a == b or 20 - abs(a - b) <= 10


@pytest.mark.skipif(not aso_fold.folding_available(), reason="ViennaRNA not installed")
def test_gapmer_ranking_follows_flags_then_accessibility(ada_gapmers: aso.AsoResult) -> None:
    keys = [(len(d.flags), -(d.terms["accessibility"] or 0.0)) for d in ada_gapmers.designs]
    assert keys == sorted(keys)
    assert all(0.0 <= (d.terms["accessibility"] or 0.0) <= 1.0 for d in ada_gapmers.designs)


def test_without_accessibility_the_result_says_so() -> None:
    res = aso.design_gapmers(bundled_transcript("ADA"), top=2, accessibility=False)
    assert any("accessibility not computed" in n for n in res.notes)
    assert all(d.terms["accessibility"] is None for d in res.designs)


# -- off-targets --------------------------------------------------------------------------------
def mismatches(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def brute_sites(seqs: dict[str, str], target: str, max_mm: int) -> list[tuple[str, int, int]]:
    out = []
    for name, seq in seqs.items():
        for i in range(len(seq) - len(target) + 1):
            mm = mismatches(seq[i : i + len(target)], target)
            if mm <= max_mm:
                out.append((name, i, mm))
    return out


def planted_copy(target: str, positions: tuple[int, ...]) -> str:
    seq = list(target)
    for p in positions:
        seq[p] = "A" if seq[p] != "A" else "C"
    return "".join(seq)


def test_offtargets_match_brute_force_and_drop_the_on_target() -> None:
    tx = bundled_transcript("SMN2-exon7")
    first = aso.design_splice_switching(tx, exon=7, mode="include", top=3).designs[0].target
    bundled = Transcriptome.bundled()
    records = [
        (f"{i}|G|-|-|{g}-201|{g}|{len(q)}|", q)
        for i, g, q in zip(bundled.ids, bundled.genes, bundled.sequences, strict=True)
    ]
    # a paralog transcript with a 1-mismatch copy and a genome contig with a 2-mismatch copy
    para = "T" * 30 + planted_copy(first, (4,)) + "T" * 30
    records.append(("ENSTP.1|G|-|-|PARA-201|PARA|78|", para))
    tm = Transcriptome.from_fasta_records(records, source="test")
    tindex = transcriptome_index(tm)
    pre = {"dmd": bundled_transcript("DMD-exon51").pre_mrna, "smn": tx.pre_mrna,
           "plant": "T" * 30 + planted_copy(first, (4, 9)) + "T" * 30}  # fmt: skip
    gindex = build_pamless_index(list(pre.items()), kind="genome")
    res = aso.design_splice_switching(
        tx, exon=7, mode="include", top=3, transcript_index=tindex, genome_index=gindex
    )
    mrnas = dict(zip(tm.ids, tm.sequences, strict=True))
    gene_of = dict(zip(tm.ids, tm.genes, strict=True))
    for d in res.designs:
        assert d.offtargets is not None
        # the designed gene's own transcripts (on-target, other isoforms) are not off-targets
        expect_tx = [s for s in brute_sites(mrnas, d.target, 2) if gene_of[s[0]] != "SMN2"]
        assert d.offtargets.transcriptome == tuple(
            sum(1 for s in expect_tx if s[2] == m) for m in range(3)
        )
        assert d.offtargets.genome is not None
        plus = brute_sites(pre, d.target, 2)
        minus = brute_sites({k: reverse_complement(v) for k, v in pre.items()}, d.target, 2)
        total = [len([s for s in plus + minus if s[2] == m]) for m in range(3)]
        # the genome map of the local 'smn' contig is not the record's GRCh38 map, so the
        # on-target copy stays in the genome counts here
        assert list(d.offtargets.genome) == total
    top = res.designs[0].offtargets
    assert top is not None and top.transcriptome == (0, 1, 0)
    assert top.genome is not None and top.genome[0] >= 1 and top.genome[2] >= 1


def test_offtargets_not_searched_is_noted() -> None:
    res = aso.design_gapmers(bundled_transcript("ADA"), top=1, accessibility=False)
    assert res.designs[0].offtargets is None
    assert any("off-targets not searched" in n for n in res.notes)


# -- splice switching: structure of the result --------------------------------------------------
def test_include_mode_never_covers_the_exon_splice_site_cores() -> None:
    tx = bundled_transcript("SMN2-exon7")
    res = aso.design_splice_switching(tx, exon=7, mode="include", top=20)
    exon = aso._exon_in_pre(tx, 7)
    assert (exon.start, exon.end) == (500, 554)
    for d in res.designs:
        assert not aso._core_overlap(d.start, d.end, exon)
        assert d.oligo == reverse_complement(tx.pre_mrna[d.start : d.end])
        assert d.pattern == "M" * 18
    assert any("splice-site cores" in n for n in res.notes)


def test_splice_tiles_stay_in_exon_plus_flank() -> None:
    tx = bundled_transcript("DMD-exon51")
    res = aso.design_splice_switching(tx, exon=51, mode="skip", length=25, chemistry="pmo",
                                      flank=50, top=50)  # fmt: skip
    assert (res.region.start, res.region.end) == (450, 783)
    assert all(d.start >= 450 and d.end <= 783 for d in res.designs)
    assert res.chemistry.sugar == "PMO"


def test_design_asos_defaults() -> None:
    tx = bundled_transcript("SMN2-exon7")
    assert aso.design_asos(tx, mode="include", exon=7, top=1).designs[0].length == 18
    assert aso.design_asos(tx, mode="skip", exon=7, chemistry="pmo", top=1).designs[0].length == 25


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mode": "skip", "exon": 6}, "no exon 6"),
        ({"mode": "skip", "exon": 99}, "no exon 99"),
        ({"mode": "include", "exon": 7, "length": 17}, "out of range"),
        ({"mode": "include", "exon": 7, "length": 31}, "out of range"),
        ({"mode": "include", "exon": 7, "chemistry": "moe-5-10-5"}, "gapmer"),
        ({"mode": "gapmer", "chemistry": "pmo"}, "steric"),
        ({"mode": "gapmer", "length": 18}, "20 nt"),
        ({"mode": "gapmer", "exon": 7}, "--exon"),
        ({"mode": "skip"}, "needs --exon"),
        ({"mode": "flip", "exon": 7}, "unknown ASO mode"),
        ({"mode": "include", "exon": 7, "top": 0}, "--top"),
    ],
)
def test_bad_requests_are_input_errors(kwargs: dict[str, object], match: str) -> None:
    tx = bundled_transcript("SMN2-exon7")
    with pytest.raises(InputError, match=match):
        aso.design_asos(tx, **kwargs)  # type: ignore[arg-type]


def test_splice_switching_needs_a_pre_mrna() -> None:
    with pytest.raises(InputError, match="mature mRNA"):
        aso.design_asos(bundled_transcript("ADA"), mode="skip", exon=3)


def test_non_nucleotide_letters_are_refused() -> None:
    with pytest.raises(InputError):
        transcript_from_sequence("bad", "ACGTXACGT" * 5)


def test_transcript_shorter_than_the_oligo() -> None:
    tx = transcript_from_sequence("short", "ACGTACGTAC")
    with pytest.raises(InputError, match="shorter"):
        aso.design_gapmers(tx, top=1)


def test_splice_switching_without_viennarna(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aso_fold, "folding_available", lambda: False)
    res = aso.design_splice_switching(bundled_transcript("SMN2-exon7"), exon=7, mode="include",
                                      top=3)  # fmt: skip
    assert len(res.designs) == 3
    assert any("ViennaRNA not installed" in n for n in res.notes)
    assert all(d.terms["duplex_dg"] is None and d.terms["accessibility"] is None
               for d in res.designs)  # fmt: skip
    assert res.to_dict()["viennarna"] is None


@pytest.mark.skipif(not aso_fold.folding_available(), reason="ViennaRNA not installed")
@pytest.mark.parametrize(("start", "length"), [(0, 8), (5, 10), (12, 6)])
def test_opening_energy_equals_constrained_partition_function(start: int, length: int) -> None:
    # oracle: G(target unpaired) - G(ensemble) from two ViennaRNA partition functions; for a
    # sequence shorter than the plfold window both are the same global ensemble
    import RNA

    seq = "GGGGCCCAUAGCUCAGUGGUAGAGCAUGGGCCCC"
    md = RNA.md()
    md.max_bp_span = len(seq)
    free = RNA.fold_compound(seq, md).pf()[1]
    constrained = RNA.fold_compound(seq, md)
    for i in range(start, start + length):
        constrained.hc_add_up(i + 1)
    expected = constrained.pf()[1] - free
    got = aso_fold.opening_energy_kcal(seq, [start], length)
    assert got is not None and got[0] == pytest.approx(expected, abs=1e-3)
    assert got[0] >= 0


def test_designs_over_a_variant_are_flagged_and_rank_last() -> None:
    tx = bundled_transcript("SMN2-exon7")
    plain = aso.design_splice_switching(tx, exon=7, mode="include", top=4)
    best = plain.designs[0]
    snp = best.start + 5
    res = aso.design_splice_switching(tx, exon=7, mode="include", top=40, snp_positions=[snp])
    flagged = [d for d in res.designs if d.snps]
    assert flagged and all(d.snps == (snp,) and "SNP" in d.flags for d in flagged)
    assert all(d.start <= snp < d.end for d in flagged)
    ranks = [d.rank for d in res.designs if d.snps]
    assert min(ranks) > max(d.rank for d in res.designs if not d.snps)
    assert res.designs[0].start != best.start
    assert res.designs[-1].to_dict()["snp_positions_1based"] == [snp + 1]


def test_gapmers_over_a_variant_rank_last() -> None:
    tx = bundled_transcript("ADA")
    best = aso.design_gapmers(tx, top=1, accessibility=False).designs[0]
    res = aso.design_gapmers(tx, top=3, accessibility=False, snp_positions=[best.start])
    assert res.designs[0].start != best.start and not res.designs[0].snps


def test_skip_weights_follow_chiba_2021_importances() -> None:
    # Chiba et al. 2021 Table 1 (PMO): 0.68 exon GC, 0.66 dG, 0.32 ACC_LAST15, 0.18 NI score
    pmo = aso._SKIP_WEIGHTS["pmo"]
    assert sum(abs(w) for w in pmo.values()) == pytest.approx(7.0)
    unit = 7.0 / (0.68 + 0.66 + 0.32 + 0.18)
    assert pmo["exon_gc_ratio"] == pytest.approx(-0.68 * unit)
    assert pmo["binding_dg"] == pytest.approx(-0.66 * unit)
    assert pmo["accessibility_3p"] == pytest.approx(0.32 * unit)
    assert pmo["esrseq_enhancer"] - pmo["esrseq_silencer"] == pytest.approx(0.18 * unit)
    moe = aso._SKIP_WEIGHTS["moe"]  # 2'-OMe model: GC count 0.67, ACP 0.49, exon GC 0.46
    assert moe["oligo_gc"] / -moe["distance_acceptor"] == pytest.approx(0.67 / 0.49)
    assert moe["exon_gc_ratio"] / moe["oligo_gc"] == pytest.approx(-0.46 / 0.67)


def test_skip_scores_depend_on_the_chemistry() -> None:
    tx = bundled_transcript("DMD-exon51")

    def tiles(mode: Literal["skip", "include"], chemistry: str) -> tuple[tuple[int, float], ...]:
        return aso.splice_tile_scores(tx, exon=51, mode=mode, length=20, flank=20,
                                      chemistry=chemistry)  # fmt: skip

    pmo, moe = tiles("skip", "pmo"), tiles("skip", "moe")
    assert sorted(s for s, _ in pmo) == sorted(s for s, _ in moe)  # the same tiles
    assert [s for s, _ in pmo] != [s for s, _ in moe]  # ranked by different weights
    assert tiles("include", "pmo") == tiles("include", "moe")
    with pytest.raises(InputError):
        aso.splice_tile_scores(tx, exon=51, mode="skip", length=20, chemistry="moe-5-10-5")
