"""Multi-exon skips (a cocktail of oligos, one per exon) and the wording of exon skipping."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from vivo.core.coords import Interval, Locus, Strand
from vivo.genome.annotation import AnnotatedGenome, Annotation, Gene, Transcript
from vivo.genome.base import InMemoryGenome
from vivo.planning import TherapyQuestion, VariantFacts, plan_therapy
from vivo.planning.genotype import exon_variant_hgvs, uncertain_variant_facts
from vivo.planning.plan import Option, Plan
from vivo.planning.requests import AsoDesign
from vivo.workflows.dossier import DossierInputs, build_section


def _plan(hgvs: str) -> Plan:
    if not hgvs.startswith("DMD:"):  # whole exons deleted, e.g. "46-50"
        facts = uncertain_variant_facts(exon_variant_hgvs("DMD", hgvs, "del"), "DMD")
        return plan_therapy(TherapyQuestion("DMD", (facts,)))
    kind = "deletion" if "del" in hgvs else "substitution"
    return plan_therapy(TherapyQuestion("DMD", (VariantFacts(hgvs, kind),)))


def _skip(hgvs: str) -> tuple[Option, AsoDesign]:
    opt = _plan(hgvs).option("rna-exon-skip")
    (req,) = opt.designs
    assert isinstance(req, AsoDesign)
    return opt, req


@pytest.mark.parametrize(
    ("hgvs", "exons", "needs"),
    [
        ("46-50", (45, 51), "exon 45 "),  # exons 46-50 deleted
        ("DMD:c.7400del", (50, 51), "exon 50 "),  # 1 nt in out-of-frame exon 51
    ],
)
def test_a_two_exon_skip_asks_for_every_exon(hgvs: str, exons: tuple[int, ...], needs: str) -> None:
    opt, req = _skip(hgvs)
    assert req.exons == exons and req.exon == exons[0] and req.mode == "skip"
    assert req.region == "exons " + "+".join(map(str, exons)) and "cocktail" in req.purpose
    assert (
        "needs a cocktail of oligos" in opt.rationale[1] and "Mol Ther 14:401" in opt.rationale[1]
    )
    # exon 51 is bundled, the other is not: the request says which sequence it lacks
    assert needs in req.needs and "exon 51 " not in req.needs.split("(")[0]
    assert req.to_dict()["params"]["exons"] == list(exons)


def test_a_single_exon_skip_keeps_one_exon() -> None:
    _, req = _skip("DMD:c.6913-100_7309+100del")  # exons 48-50 -> 51
    assert (req.exon, req.exons, req.needs) == (51, (51,), "")


def test_aso_design_exons_are_checked() -> None:
    with pytest.raises(ValueError, match="first of distinct"):
        AsoDesign(purpose="x", gene="DMD", mode="skip", exon=51, exons=(45, 51))
    with pytest.raises(ValueError, match="first of distinct"):
        AsoDesign(purpose="x", gene="DMD", mode="skip", exons=(51, 51))
    with pytest.raises(ValueError, match="splice-switching"):
        AsoDesign(purpose="x", gene="DMD", mode="gapmer", exons=(51,))


def test_the_family_step_says_exon_skipping_restores_the_frame() -> None:
    plan = _plan("DMD:c.6913-100_7309+100del")
    assert plan.top is not None and plan.top.id == "rna-exon-skip"
    family = next(s for s in plan.steps if s.key == "family")
    assert family.answer.startswith("restore the reading frame")
    assert "not correct the variant" in family.answer and "PMO" in family.answer


def _toy_genome() -> AnnotatedGenome:
    """A 4-exon gene on a random 3 kb contig (exons 2 and 3 are internal)."""
    rng = random.Random(7)
    seq = "".join(rng.choice("ACGT") for _ in range(3000))
    exons = (Interval(200, 400), Interval(900, 1020), Interval(1600, 1750), Interval(2400, 2800))
    tx = Transcript("TOY-201", "TOYG", "chrT", Strand.PLUS, exons, Interval(250, 2600))
    gene = Gene("TOYG", Locus("chrT", Interval(200, 2800), Strand.PLUS), (tx,))
    return AnnotatedGenome(InMemoryGenome({"chrT": seq}, name="toy"), Annotation([gene]))


def test_the_dossier_designs_each_exon_of_a_cocktail() -> None:
    pytest.importorskip("RNA", reason="ViennaRNA (RNA module) not installed")
    inputs = DossierInputs(genome=_toy_genome(), variant=None)
    req = AsoDesign(purpose="skip 2+3", gene="TOYG", mode="skip", exons=(2, 3), top_n=3,
                    chemistry="PMO")  # fmt: skip
    s, _ = build_section(req, inputs, option_id="rna-exon-skip", sequence_available=True)
    assert s.status == "ok" and s.columns[0] == "exon" and len(s.rows) == 6
    assert "need a cocktail of oligos, one per exon" in s.message
    for row in s.rows:
        n = 2 if row[0] == "exon 2 (1 of 2)" else 3
        assert row[0] == f"exon {n} ({n - 1} of 2)"
        assert all(w in (f"exon {n}", f"intron {n - 1}", f"intron {n}")
                   for w in _words(row[4]))  # fmt: skip
    # an exon that cannot be designed (the last one) is named; the others are still designed
    bad = AsoDesign(purpose="skip 3+4", gene="TOYG", mode="skip", exons=(3, 4), top_n=2,
                    chemistry="PMO")  # fmt: skip
    s, _ = build_section(bad, inputs, option_id="rna-exon-skip", sequence_available=True)
    assert s.status == "ok" and len(s.rows) == 2 and "NOT designed: exon 4" in s.message


def _words(label: str) -> set[str]:
    """``exon 2``/``intron 1`` words of a site label like ``intron 1 -30 .. exon 2 nt 5``."""
    parts = label.replace("..", " ").split()
    return {f"{a} {b}" for a, b in pairwise(parts) if a in ("exon", "intron")}
