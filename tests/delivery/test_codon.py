"""Codon optimisation with DNA Chisel (skips without the design extra)."""

from __future__ import annotations

import numpy as np
import pytest

from vivo.core.errors import InputError
from vivo.core.seq import translate
from vivo.delivery import get_transgene
from vivo.delivery.motifs import count_cpg, find_restriction_sites

pytest.importorskip("dnachisel", reason="codon optimisation needs the design extra")

from vivo.delivery.codon import (
    CodonConstraints,
    codon_adaptation_index,
    optimize_codons,
)

F9 = get_transgene("F9", variant="R338L")


@pytest.fixture(scope="module")
def f9_depleted():  # type: ignore[no-untyped-def]
    return optimize_codons(protein=F9.protein, constraints=CodonConstraints(deplete_cpg=True),
                           rng=11)  # fmt: skip


def test_exact_protein_and_constraints(f9_depleted) -> None:  # type: ignore[no-untyped-def]
    seq = f9_depleted.sequence
    assert translate(seq)[:-1] == F9.protein
    assert all(line.startswith("PASS") for line in f9_depleted.constraint_report)
    for start in range(0, len(seq) - 49):
        window = seq[start : start + 50]
        gc = (window.count("G") + window.count("C")) / 50
        assert 0.30 <= gc <= 0.70
    assert "AATAAA" not in seq and "ATTAAA" not in seq
    assert not any(b * 7 in seq for b in "ACGT")
    assert not any(find_restriction_sites(seq, ["BsaI", "BsmBI"]).values())


def test_cpg_depletion_drops_cpg(f9_depleted) -> None:  # type: ignore[no-untyped-def]
    assert f9_depleted.before.cpg_count > 50
    assert f9_depleted.after.cpg_count == 0 == count_cpg(f9_depleted.sequence)


def test_same_seed_same_sequence_and_global_state_untouched() -> None:
    tg = get_transgene("HBB", variant="T87Q")
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = optimize_codons(tg.cds, method="match_codon_usage", rng=5)
    assert (np.random.get_state()[1] == before).all()
    b = optimize_codons(tg.cds, method="match_codon_usage", rng=np.random.default_rng(0))
    c = optimize_codons(tg.cds, method="match_codon_usage", rng=np.random.default_rng(0))
    d = optimize_codons(tg.cds, method="match_codon_usage", rng=5)
    assert a.sequence == d.sequence and b.sequence == c.sequence
    assert translate(a.sequence) == translate(tg.cds or "")


def test_best_codon_raises_cai_of_a_native_cds() -> None:
    tg = get_transgene("HBB")
    res = optimize_codons(tg.cds, method="use_best_codon", rng=0)
    assert res.after.cai > res.before.cai
    assert res.before.cai == pytest.approx(codon_adaptation_index(tg.cds or ""))


def test_harmonize_needs_native_cds() -> None:
    with pytest.raises(InputError, match="harmonize_rca needs"):
        optimize_codons(protein="MKV", method="harmonize_rca")
    res = optimize_codons(get_transgene("HBB").cds, method="harmonize_rca",
                          original_host="h_sapiens", host="m_musculus", rng=0)  # fmt: skip
    assert translate(res.sequence)[:-1] == get_transgene("HBB").protein


def test_cai_golden_values() -> None:
    # Sharp & Li 1987: CAI is 1 when every codon is the host's most frequent one.
    assert codon_adaptation_index("ATGAAGCTGTGA") == pytest.approx(1.0)
    # h_sapiens (Kazusa): AAA 0.43 vs AAG 0.57 -> w(AAA) = 0.43 / 0.57.
    assert codon_adaptation_index("ATGAAATGA") == pytest.approx(0.43 / 0.57, rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"protein": "MK1V"}, "non-amino-acid"),
        ({"sequence": "ATGAA"}, "not a multiple of 3"),
        ({"protein": "MKV", "host": "martian"}, "unknown host"),
        ({"protein": "MK*V"}, "internal stop"),
    ],
)
def test_bad_input(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(InputError, match=match):
        optimize_codons(**kwargs)  # type: ignore[arg-type]


def test_bad_constraints() -> None:
    with pytest.raises(InputError, match="GC bounds"):
        CodonConstraints(gc_min=0.8, gc_max=0.2)
