from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vivo.core.errors import FormatError
from vivo.io.twobit import TwoBitGenome, write_twobit


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="ACGTacgtN", min_size=1, max_size=80), min_size=1, max_size=4))
def test_write_then_read_round_trip(
    tmp_path_factory: pytest.TempPathFactory, seqs: list[str]
) -> None:
    path = tmp_path_factory.mktemp("tb") / "g.2bit"
    contigs = {f"c{i}": s for i, s in enumerate(seqs)}
    write_twobit(contigs, path)
    g = TwoBitGenome(path)
    assert g.contig_lengths() == {k: len(v) for k, v in contigs.items()}
    for name, seq in contigs.items():
        got = g.fetch_region(name, 0, len(seq))
        # 2bit keeps N and soft-masking; an N inside a masked block reads back as lowercase n
        assert got.upper() == seq.upper()
        assert [c.islower() for c in got if c.upper() != "N"] == [
            c.islower() for c in seq if c.upper() != "N"
        ]
    g.close()


def test_not_a_twobit_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.2bit"
    bad.write_bytes(b"ACGT" * 10)
    with pytest.raises(FormatError, match="bad signature"):
        TwoBitGenome(bad)


def test_truncated_twobit_is_a_format_error(tmp_path: Path) -> None:
    good = tmp_path / "g.2bit"
    write_twobit({"a": "ACGTNNacgt" * 100, "b": "ACGT" * 50}, good)
    raw = good.read_bytes()
    for cut in (10, 20, 30, 60, len(raw) // 2, len(raw) - 1):
        bad = tmp_path / f"cut{cut}.2bit"
        bad.write_bytes(raw[:cut])
        with pytest.raises(FormatError, match=f"cut{cut}.2bit") as info:
            TwoBitGenome(bad)
        assert "truncated" in str(info.value) or "bad signature" in str(info.value)


def test_compressed_twobit_says_decompress(tmp_path: Path) -> None:
    import gzip

    from vivo.io.genomes import open_genome

    good = tmp_path / "g.2bit"
    write_twobit({"a": "ACGT" * 10}, good)
    packed = tmp_path / "g.2bit.gz"
    packed.write_bytes(gzip.compress(good.read_bytes()))
    with pytest.raises(FormatError, match=r"g\.2bit\.gz: this \.2bit file is gzip-compressed"):
        open_genome(packed)


@settings(max_examples=25, deadline=None)
@given(
    st.text(alphabet="ACGTacgtNn", min_size=1, max_size=120),
    st.integers(0, 130),
    st.integers(0, 130),
)
def test_any_range_reads_like_the_sequence(
    tmp_path_factory: pytest.TempPathFactory, seq: str, a: int, b: int
) -> None:
    """Sub-ranges (any start, not only multiples of 4) decode to the written bases, N and soft
    masking included; the packer's chunks (record_codes) agree with the genome reader."""
    import numpy as np

    from vivo.editing.offtarget.encoding import encode
    from vivo.io.twobit import read_twobit_index, record_codes, twobit_contigs

    path = tmp_path_factory.mktemp("tb") / "g.2bit"
    write_twobit({"c": seq}, path)
    lo, hi = sorted((min(a, len(seq)), min(b, len(seq))))
    g = TwoBitGenome(path)
    got = g.fetch_region("c", lo, hi)
    want = seq[lo:hi]
    assert got.upper() == want.upper().replace("n", "N")
    assert [c.islower() for c in got if c not in "Nn"] == [
        c.islower() for c in want if c not in "Nn"
    ]
    g.close()
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    rec = read_twobit_index(path)[0]
    assert np.array_equal(record_codes(raw, rec, lo, hi), encode(want))
    (contig,) = twobit_contigs(path)
    assert np.array_equal(np.concatenate(list(contig.chunks)), encode(seq))
