"""Repair outcomes: Bae 2014 golden values, vivo-repair properties and its validation against
measured indel spectra (tests/data/repair/), knockout estimate."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.editing.guides import find_guides
from vivo.editing.repair import (
    INS1_BASE_SHARE_MESC,
    INS1_RATE_MESC,
    MODEL_INFO,
    RepairParameters,
    bae_microhomology,
    cut_window,
    estimate_knockout,
    predict_repair,
    predict_repair_at,
)

EMX1 = "GGAGGAAGGGCCTGAGTCCGAGCAGAAGAAGAAGGGCTCCCATCACATCAACCGGTGGCG"
HBB = "ACCTGACTCCTGAGGAGAAGTCTGCCGTTA" + "CTGCCCTGTGGGGCAAGGTGAACGTGGATG"
dna = st.text(alphabet="ACGT", min_size=40, max_size=80)


# --- Bae et al. 2014 ------------------------------------------------------------------------
def test_bae_emx1_published_values() -> None:
    """Bae 2014 Supplementary script output for EMX1: MH 4662.9, OOF 50.7473889639."""
    s = bae_microhomology(EMX1, left=30)
    assert s.mh_score == pytest.approx(4662.9, abs=1e-9)
    assert s.oof_score == pytest.approx(50.7473889639, abs=1e-9)
    assert len(s.patterns) == 44


def test_bae_rounding_matters() -> None:
    s = bae_microhomology(EMX1)
    assert s.mh_score_unrounded == pytest.approx(4660.62, abs=0.01)
    assert s.oof_score_unrounded == pytest.approx(50.73, abs=0.01)


def test_bae_hbb_sickle_window_both_strands() -> None:
    """Digest test vector (derived from the published parameters): 4433.3 / 54.086."""
    for seq in (HBB, reverse_complement(HBB)):
        s = bae_microhomology(seq)
        assert s.mh_score == pytest.approx(4433.3, abs=1e-6)
        assert s.oof_score == pytest.approx(54.086, abs=1e-3)


def test_bae_hbb_window_from_genome(hbb_locus) -> None:
    guides = find_guides(hbb_locus.genome, Locus("U01317.1", Interval(62215, 62245)))
    g = next(x for x in guides if x.spacer == "CTTGCCCCACAGGGCAGTAA")
    window = cut_window(hbb_locus.genome, contig=g.contig, cut_site=g.cut_site, strand=g.strand)
    assert window == reverse_complement(HBB)
    assert bae_microhomology(window).mh_score == pytest.approx(4433.3, abs=1e-6)


def test_bae_patterns_are_real_microhomologies() -> None:
    for p in bae_microhomology(EMX1).patterns:
        assert EMX1[p.left_start : p.left_end] == EMX1[p.right_start : p.right_end] == p.sequence
        assert p.left_end <= 30 <= p.right_start
        assert p.deletion_length == p.right_start - p.left_start


def test_bae_rejects_bad_input() -> None:
    with pytest.raises(InputError):
        bae_microhomology("ACGT" * 30)  # > 100 nt
    with pytest.raises(InputError):
        bae_microhomology(EMX1, left=1)
    with pytest.raises(InputError):
        bae_microhomology("ACGTXACGT")


# --- vivo-repair ----------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(dna)
def test_outcomes_are_a_distribution_of_real_products(seq: str) -> None:
    p = predict_repair(seq)
    assert sum(o.frequency for o in p.outcomes) == pytest.approx(1.0)
    freqs = [o.frequency for o in p.outcomes]
    assert freqs == sorted(freqs, reverse=True)
    cut = p.cut_index
    for o in p.outcomes[:25]:
        assert len(o.product) == len(seq) + o.indel_nt
        if o.kind == "insertion":
            assert o.product == seq[:cut] + o.sequence + seq[cut:]
        else:
            a = cut + o.start
            assert a <= cut <= a - o.indel_nt  # the deletion spans the cut
            assert o.product == seq[:a] + seq[a - o.indel_nt :]
    assert len({o.product for o in p.outcomes}) == len(p.outcomes)  # one genotype each


def test_insertion_templated_by_minus4_base() -> None:
    p = predict_repair(EMX1)  # ...GAAGAA|GAAGGG: -4 nucleotide is A
    ins = [o for o in p.outcomes if o.kind == "insertion"]
    assert max(ins, key=lambda o: o.frequency).sequence == EMX1[29]


def test_minus4_t_gives_more_insertions_than_g() -> None:
    left, right = "ACGATCGTACCATGCAGTCATGCAGCATC", "CGTAGCTAGCTACGATCACGGTACGACTAG"
    t_site = predict_repair(left + "T" + right, cut_index=30)
    g_site = predict_repair(left + "G" + right, cut_index=30)
    assert t_site.fraction("insertion") > g_site.fraction("insertion")


def test_longer_microhomology_gives_more_mh_deletions() -> None:
    left, tail = "ACGATCGTACCATGCAGTCATG" + "GCGGCCAT", "CTACGATCACGGTACGACTAG"
    strong = left + "TAGCGGCCA" + tail  # a 6-nt microhomology across the cut
    weak = left + "TATCATTCA" + tail
    p_strong, p_weak = predict_repair(strong), predict_repair(weak)
    top = p_strong.outcomes[0]
    assert (top.kind, top.microhomology) == ("mh_deletion", "GCGGCCA")
    assert top.frequency > 1.5 * max(o.frequency for o in p_weak.outcomes if o.indel_nt < -6)


def test_mh_deletion_matches_bae_pattern() -> None:
    p = predict_repair(EMX1)
    bae_deletions = {(x.deletion_length, x.sequence) for x in bae_microhomology(EMX1).patterns}
    mh = [o for o in p.outcomes if o.kind == "mh_deletion"]
    assert mh
    for o in mh:
        assert len(o.microhomology) >= 2
        assert any(d == -o.indel_nt and o.microhomology in s for d, s in bae_deletions)


def test_parameters_change_the_answer() -> None:
    base = predict_repair(EMX1)
    more_mh = predict_repair(EMX1, parameters=RepairParameters(mh_weight=4.0))
    assert more_mh.fraction("mh_deletion") > base.fraction("mh_deletion")


def test_cell_type_unsupported_is_explained() -> None:
    assert "cell type" in predict_repair(EMX1).cell_type_note
    with pytest.raises(InputError, match="cell type"):
        predict_repair(EMX1, cell_type="K562")


def test_repair_rejects_short_or_ambiguous() -> None:
    with pytest.raises(InputError):
        predict_repair("ACGTACGTAC")
    with pytest.raises(InputError):
        predict_repair("ACGTNACGTACGTACGTACGTACGTACGT")


def test_predict_repair_at_guide(hbb_locus) -> None:
    guides = find_guides(hbb_locus.genome, Locus("U01317.1", Interval(62180, 62240)))
    p = predict_repair_at(hbb_locus.genome, guides[0])
    assert p.cut_index == 30 and len(p.sequence) == 60
    assert 0 < p.frameshift_fraction < 1


def test_cut_window_near_contig_end(hbb_locus) -> None:
    with pytest.raises(InputError, match="closer than"):
        cut_window(hbb_locus.genome, contig="U01317.1", cut_site=5, strand=Strand.PLUS)


def test_hbb_sickle_guide_top_outcome_is_the_9bp_mh_deletion() -> None:
    """The sickle-site guide (CTTGCCCCACAGGGCAGTAA): the 9-bp deletion with the 5-nt
    microhomology GGCAG is the top outcome (v1 ranked a 1-bp insertion first, 9 %)."""
    p = predict_repair(reverse_complement(HBB))
    top = p.outcomes[0]
    assert (top.label, top.microhomology) == ("del9:-5", "GGCAG")
    assert 0.12 < top.frequency < 0.6


def test_parameters_are_validated() -> None:
    for bad in ({"mh_decay_nt": 0.0}, {"mhless_weight": -1.0}, {"max_deletion_nt": 0},
                {"insertion_weight": float("nan")}, {"mh_length_log_weights": ()},
                {"mh_length_log_weights": (1.0, float("inf"))},
                {"mh_length_coef": float("nan")}):  # fmt: skip
        with pytest.raises(InputError):
            RepairParameters(**bad)


def test_model_version() -> None:
    assert MODEL_INFO.name == "vivo-repair" and MODEL_INFO.version == "3"


# --- validation against measured spectra (tests/data/repair, see SOURCES.md there) ---------
DATA = Path(__file__).parents[1] / "data" / "repair"


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name) as fh:
        return list(csv.DictReader(fh))


def test_insertion_tables_match_the_bundled_measurements() -> None:
    """The -4 nucleotide tables in the model are the bundled Shen 2018 Fig. 2 summaries."""
    rates, shares = dict(INS1_RATE_MESC), dict(INS1_BASE_SHARE_MESC)
    for r in _csv("ins1bp_by_minus4_mesc.csv"):
        b = r["minus4"]
        assert rates[b] == pytest.approx(float(r["mean_ins1bp_fraction"]), abs=1e-4)
        got = shares[b]
        want = tuple(float(r[f"frac_{x}"]) for x in "ACGT")
        assert got == pytest.approx(want, abs=1e-4)
        assert max(range(4), key=lambda i: got[i]) == "ACGT".index(b)  # templated by -4


def _frameshift_errors(split: str) -> tuple[list[float], list[float]]:
    vivo, const = [], []
    rows = _csv("vo_hek293t.csv")
    mean = statistics.fmean(float(r["measured_frameshift"]) for r in rows if r["split"] == split)
    for r in rows:
        if r["split"] != split:
            continue
        measured = float(r["measured_frameshift"])
        p = predict_repair(r["sequence"], cut_index=int(r["cut_index"]))
        vivo.append(abs(p.frameshift_fraction - measured))
        const.append(abs(mean - measured))
    return vivo, const


def _top_hits(split: str) -> list[bool]:
    hits = []
    for r in _csv("libb_mesc.csv"):
        if r["split"] != split or float(r["measured_repair_to_wt"]) < 0.5:
            continue  # the measured top outcome is known only where one genotype is >= 50 %
        p = predict_repair(r["sequence"], cut_index=int(r["cut_index"]))
        hits.append(p.outcomes[0].label == r["repair_to_wt_genotype"])
    return hits


@pytest.mark.parametrize("split", ["fit", "holdout"])
def test_frameshift_error_on_measured_sites(split: str) -> None:
    """84 endogenous HEK293T sites: vivo v3's frameshift MAE (fit 5.0, held-out 7.4 points)
    beats v2 (7.0 / 7.8), v1 (8.8 / 10.2) and a constant predictor (8.3 / 10.9); regression
    guard."""
    vivo, const = _frameshift_errors(split)
    assert len(vivo) == 42
    mae = statistics.fmean(vivo)
    assert mae <= {"fit": 0.052, "holdout": 0.075}[split]
    assert mae < statistics.fmean(const) - 0.005


@pytest.mark.xfail(
    strict=True,
    reason="issue 12 goal not met: held-out frameshift MAE is 7.4 "
    "points (inDelphi's published predictions: 6.3 on the same sites)",
)
def test_frameshift_goal_six_points_held_out() -> None:
    vivo, _ = _frameshift_errors("holdout")
    assert statistics.fmean(vivo) <= 0.06


@pytest.mark.parametrize("split", ["fit", "holdout"])
def test_top_outcome_goal_on_measured_sites(split: str) -> None:
    """Issue 12 goal: the top outcome right at >= 2/3 of the sites where it was measured
    (Lib-B, mESC: the repair-to-wild-type deletion is >= 50 % of edits). v3: 33/35, 40/40."""
    hits = _top_hits(split)
    assert len(hits) >= 35
    assert sum(hits) / len(hits) >= 2 / 3
    assert sum(hits) / len(hits) >= 0.9  # regression guard (v1: 0 of 75)


# --- knockout -------------------------------------------------------------------------------
def test_knockout_estimate() -> None:
    p = predict_repair(EMX1)
    ko = estimate_knockout(p, editing_efficiency=0.8)
    assert ko.knockout_probability == pytest.approx(0.8 * p.frameshift_fraction)
    assert ko.biallelic_probability == pytest.approx(ko.knockout_probability**2)
    with_frame = estimate_knockout(p, frame=0, editing_efficiency=0.8)
    assert with_frame.knockout_probability >= ko.knockout_probability
    with pytest.raises(InputError):
        estimate_knockout(p, editing_efficiency=1.5)
    with pytest.raises(InputError):
        estimate_knockout(p, frame=3)


def test_knockout_counts_inframe_stops() -> None:
    # in-frame deletion of CAG between TAC|AGx ... creates TAG? Build a window where a 3-nt
    # deletion joins TA + G into a stop codon in frame 0.
    left = "ATGGCTGCAGCTGCAGCTGCAGCTGCATAC"  # codons ... TAC (Tyr) ending at the cut
    right = "AGGCTGCAGCTGCAGCTGCAGCTGCAGCTG"
    p = predict_repair(left + right)
    est = estimate_knockout(p, frame=0)
    assert est.inframe_stop_fraction > 0
