"""Search API: bad input, caps, on-target handling, streaming, scores on hits."""

from __future__ import annotations

import pytest

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import InputError
from vivo.editing.offtarget import build_site_index, iter_offtargets, pack_genome, pam_set
from vivo.editing.offtarget import search_offtargets as search
from vivo.editing.offtarget.cfd import cfd_score
from vivo.editing.offtarget.mit import mit_hit_score

G = "GACGCATAAAGATGAGACGC"
SEQ = "TT" + G + "TGG" + "AAAA" + G + "AGG" + "CCCC" + G[:-1] + "T" + "CGG" + "TT"


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_site_index(pack_genome([("c", SEQ)]), pam_set("SpCas9"))


@pytest.mark.parametrize(
    ("guides", "kwargs"),
    [
        (["ACGTNACGTACGTACGTACG"], {}),
        (["ACGT"], {}),
        ([G + "AAAAAAAA"], {}),
        ([G], {"max_mismatches": 7}),
        ([G], {"dna_bulges": 3}),
        ([G], {"rna_bulges": -1}),
        ([G], {"backend": "quantum"}),
        ([G], {"backend": "dask"}),
        ([G], {"nuclease": "AsCas12a"}),
        ([G], {"max_hits_per_guide": 0}),
        ([], {}),
    ],
)
def test_bad_input(index, guides, kwargs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        search(index, guides, **kwargs)


def test_cap_is_reported_and_counts_stay_complete(index) -> None:  # type: ignore[no-untyped-def]
    full = search(index, [G], backend="numpy", max_mismatches=1).guides[0]
    capped = search(index, [G], backend="numpy", max_mismatches=1, max_hits_per_guide=1).guides[0]
    assert full.n_sites == 3 and not full.capped
    assert capped.capped and len(capped) == 1 and capped.n_sites == 3
    assert capped.specificity == full.specificity


def test_on_target_assumed_or_given(index) -> None:  # type: ignore[no-untyped-def]
    res = search(index, [G], backend="numpy", max_mismatches=1).guides[0]
    assert res.on_target_assumed
    assert res.counts_by_mismatches == (1, 1)  # the second perfect copy counts
    locus = Locus("c", Interval(2 + 20 + 3 + 4, 2 + 20 + 3 + 4 + 20), Strand.PLUS)
    given = search(index, [G], backend="numpy", max_mismatches=1, on_targets=[locus]).guides[0]
    assert not given.on_target_assumed
    sites = list(given.sites())
    assert [s.on_target for s in sites] == [False, True, False]


def test_site_fields(index) -> None:  # type: ignore[no-untyped-def]
    sites = list(search(index, [G], backend="numpy", max_mismatches=1).sites())
    first, alt, mm = sites
    assert (first.start, first.end, first.pam, first.cut) == (2, 22, "TGG", 19)
    assert first.cfd == pytest.approx(1.0) and first.mit == pytest.approx(100.0)
    assert alt.pam == "AGG"
    assert mm.mismatches == 1 and mm.aligned_site.endswith("t") and mm.pam == "CGG"
    assert mm.cfd == pytest.approx(cfd_score(G, mm.site, mm.pam))
    assert mm.mit == pytest.approx(mit_hit_score(G, mm.site))


def test_streaming_equals_batch(index) -> None:  # type: ignore[no-untyped-def]
    guides = [G, G[::-1], "A" * 20]
    batch = search(index, guides, backend="numpy", max_mismatches=2)
    streamed = list(iter_offtargets(index, guides, backend="numpy", max_mismatches=2, batch_size=1))
    assert [list(g.sites()) for g in streamed] == [list(g.sites()) for g in batch.guides]


def test_backend_auto_is_resolved_and_recorded(index) -> None:  # type: ignore[no-untyped-def]
    res = search(index, [G], max_mismatches=0)
    assert res.settings.backend in ("numpy", "cpu", "gpu")
