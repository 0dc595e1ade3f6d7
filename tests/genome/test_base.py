from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vivo.core.coords import Strand
from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement
from vivo.genome.base import InMemoryGenome


def test_fetch_both_strands_keeps_case() -> None:
    g = InMemoryGenome({"c": "AAccGGTTNN"})
    assert g.fetch_region("c", 0, 6) == "AAccGG"
    assert g.fetch_region("c", 0, 6, Strand.MINUS) == "CCggTT"


@given(
    st.text(alphabet="ACGTN", min_size=1, max_size=300),
    st.integers(1, 50),
    st.integers(0, 49),
)
def test_chunks_cover_the_contig(seq: str, size: int, overlap: int) -> None:
    if overlap >= size:
        overlap = size - 1
    g = InMemoryGenome({"c": seq})
    chunks = list(g.iter_chunks("c", size=size, overlap=overlap))
    rebuilt = ""
    for start, chunk in chunks:
        assert seq[start : start + len(chunk)] == chunk
        rebuilt = rebuilt[:start] + chunk
    assert rebuilt == seq
    for (s1, c1), (s2, _) in itertools.pairwise(chunks):
        assert s2 == s1 + len(c1) - overlap


@given(st.text(alphabet="ACGT", min_size=1, max_size=100), st.data())
def test_minus_strand_is_reverse_complement(seq: str, data: st.DataObject) -> None:
    g = InMemoryGenome({"c": seq})
    a = data.draw(st.integers(0, len(seq)))
    b = data.draw(st.integers(a, len(seq)))
    assert g.fetch_region("c", a, b, Strand.MINUS) == reverse_complement(seq[a:b])


def test_errors() -> None:
    g = InMemoryGenome({"chr1": "ACGT"})
    with pytest.raises(InputError, match="past the end of chr1"):
        g.fetch_region("chr1", 0, 5)
    with pytest.raises(InputError, match="did you mean chr1"):
        g.fetch_region("chr2", 0, 1)
    with pytest.raises(InputError, match="non-IUPAC"):
        InMemoryGenome({"c": "ACGJ"})
    with pytest.raises(InputError):
        list(g.iter_chunks("chr1", size=2, overlap=2))
