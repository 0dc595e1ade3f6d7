"""TALEN pair design: T0 rule, lengths, spacer, RVD code, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.coords import Interval, Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.editing.talen import find_talen_pairs, rvd_array
from vivo.genome.base import InMemoryGenome

CONTIG = "U01317.1"
SICKLE = 62205  # 0-based position of HBB c.20 (A)


def _check_pair(genome, pair, target: Interval) -> None:
    plus = genome.fetch_region(pair.contig, 0, genome.contig_length(pair.contig)).upper()
    left, right = pair.left, pair.right
    assert left.strand is Strand.PLUS and right.strand is Strand.MINUS
    assert plus[left.interval.start - 1] == "T"  # T0 of the left TALE
    assert plus[right.interval.end] == "A"  # T0 of the right TALE, read on the plus strand
    assert left.sequence == plus[left.interval.start : left.interval.end]
    assert right.sequence == reverse_complement(plus[right.interval.start : right.interval.end])
    assert left.interval.end == pair.spacer.start and pair.spacer.end == right.interval.start
    assert 15 <= len(left.sequence) <= 20 and 15 <= len(right.sequence) <= 20
    assert 13 <= pair.spacer_length <= 20
    assert pair.spacer.start <= target.start and target.end <= pair.spacer.end
    decode = {"NI": "A", "HD": "C", "NG": "T", "NN": "G"}
    assert "".join(decode[r] for r in left.rvds) == left.sequence
    assert "".join(decode[r] for r in right.rvds) == right.sequence


def test_hbb_sickle_talens(hbb_locus) -> None:
    genome = hbb_locus.genome
    pairs = find_talen_pairs(genome, contig=CONTIG, target=SICKLE)
    assert pairs
    for p in pairs:
        _check_pair(genome, p, Interval(SICKLE, SICKLE + 1))
    distances = [p.target_distance_bp for p in pairs]
    assert distances == sorted(distances)
    assert pairs[0].left.repeats == len(pairs[0].left.rvds) - 0.5


def test_rvd_code_and_g_choice() -> None:
    assert rvd_array("ACGT") == ("NI", "HD", "NN", "NG")
    assert rvd_array("GG", g_rvd="NK") == ("NK", "NK")
    with pytest.raises(InputError, match="ambiguous"):
        rvd_array("ACNT")


def test_no_t0_no_pairs() -> None:
    genome = InMemoryGenome({"c": "G" * 200})
    assert find_talen_pairs(genome, contig="c", target=100) == []


def test_bad_ranges(hbb_locus) -> None:
    with pytest.raises(InputError, match="12-31"):
        find_talen_pairs(hbb_locus.genome, contig=CONTIG, target=SICKLE, site_lengths=(8, 40))
    with pytest.raises(InputError):
        find_talen_pairs(hbb_locus.genome, contig=CONTIG, target=SICKLE, spacer_range=(20, 10))


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="ACGT", min_size=120, max_size=160), st.integers(50, 70))
def test_random_sequences_obey_the_rules(seq: str, target: int) -> None:
    genome = InMemoryGenome({"c": seq})
    for p in find_talen_pairs(genome, contig="c", target=target, max_pairs=5):
        _check_pair(genome, p, Interval(target, target + 1))
