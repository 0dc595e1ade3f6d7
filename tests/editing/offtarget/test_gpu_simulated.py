"""The GPU kernels' logic, run on numba's CUDA simulator, against the numpy oracle.

No GPU is needed: ``NUMBA_ENABLE_CUDASIM=1`` runs every CUDA thread in Python on the CPU. It has
to be set before numba.cuda is imported, hence a subprocess. This checks the kernels' code (the
candidate-driven keys, the one-source recursion compiled as device functions, hit counting,
buffer overflow and relaunch, row ranges, the resident index and the device-side decode), not
a device's speed or its compiler (``benchmarks/device_offtarget_check.py`` measures those).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba")

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from vivo.core.seq import reverse_complement
    from vivo.editing.offtarget import build_site_index, pack_genome, pam_set, search_offtargets
    from vivo.editing.offtarget import backends
    from vivo.editing.offtarget._kernels import Limits
    from vivo.editing.offtarget._kernels.search import gpu, reference
    from vivo.editing.offtarget.search import guide_batch

    ok, detail = gpu.probe()
    assert ok and "simulator" in detail, detail  # the probe kernel ran and answered right
    # auto never picks a GPU without a measured advantage for that kind of search
    assert backends.resolve_backend("auto", kind="mismatch") == "cpu"
    backends.GPU_SPEEDUP["mismatch"] = 5.0
    assert backends.resolve_backend("auto", kind="mismatch") == "gpu"
    assert backends.resolve_backend("auto", kind="bulge") == "cpu"
    backends.GPU_SPEEDUP["mismatch"] = None

    rng = np.random.default_rng(7)
    g = "GACGCATAAAGATGAGACGC"
    g2 = "TTGCAGGACTTACCGATGCAAGT"  # 23 nt
    parts = []
    for c in range(60):  # near copies: substitutions, bulges, both strands, masks, N
        base = g if c % 3 else g2
        s = list(base)
        for i in rng.choice(len(base), size=c % 6, replace=False):
            s[i] = "ACGT"[("ACGT".index(s[i]) + 1) % 4]
        if c % 7 == 3:
            s.insert(int(rng.integers(2, 18)), "T")
        if c % 7 == 5:
            del s[int(rng.integers(2, 18))]
        if c % 11 == 4:
            s[int(rng.integers(0, 20))] = "N"
        site = "".join(s) + ["AGG", "TGG", "CAG"][c % 3]
        site = reverse_complement(site) if c % 2 else site
        parts.append(site.lower() if c % 5 == 0 else site)
        parts.append("".join(rng.choice(list("ACGTN"), 3, p=[0.24, 0.24, 0.24, 0.24, 0.04])))
    contigs = [("c1", "".join(parts)), ("c2", g[6:] + "TGG"), ("c3", "ACGTGG"),
               ("c4", "".join(rng.choice(list("ACGT"), 3000)))]
    idx = build_site_index(pack_genome(contigs), pam_set("SpCas9"))
    assert idx.has_distal
    spacers = [g, "GCATAAAGATGAGACGC", "TTTTCCCCAAAAGGGGTTTT", g2]
    batch = guide_batch(spacers, idx.pams.side)

    def rows(h):
        return sorted(zip(h.guide.tolist(), h.row.tolist(), h.mismatches.tolist(),
                          h.dna.tolist(), h.rna.tolist()))

    total = 0
    for lim in [Limits(0, 0, 0), Limits(4, 0, 0), Limits(5, 0, 0), Limits(3, 1, 1),
                Limits(2, 2, 0), Limits(1, 0, 2), Limits(2, 2, 2)]:
        want = rows(reference.find_sites(idx, batch, lim))
        assert rows(gpu.find_sites(idx, batch, lim)) == want, lim
        total += len(want)
    assert len(gpu._RESIDENT) == 1  # one upload for every call on this index

    # row ranges (Dask shards): the hits of that range only, numbered like the whole index
    for lim in (Limits(3, 0, 0), Limits(3, 1, 1)):
        lo, hi = idx.n_sites // 3, 2 * idx.n_sites // 3
        want = [h for h in rows(reference.find_sites(idx, batch, lim)) if lo <= h[1] < hi]
        assert rows(gpu.find_sites(idx, batch, lim, row_range=(lo, hi))) == want, lim

    # hit buffers too small: the launch runs again with room for every hit
    gpu._MIN_CAP, gpu._CAP_PER_GUIDE = 1, {"mismatch": 0, "bulge": 0, "scan": 0}
    gpu._HITS_PER_ROW = {"mismatch": 0.0, "bulge": 0.0, "scan": 0.0}
    for lim in (Limits(3, 0, 0), Limits(1, 1, 1)):
        assert rows(gpu.find_sites(idx, batch, lim)) == rows(reference.find_sites(idx, batch, lim))

    # an index without pigeonhole tables: every row scanned on the device
    small = build_site_index(pack_genome(contigs), pam_set("SpCas9"), key_bases=4)
    assert not small.has_distal
    two = guide_batch(spacers[1:3], idx.pams.side)
    for lim in (Limits(3, 0, 0), Limits(2, 1, 0)):
        assert rows(gpu.find_sites(small, two, lim)) == rows(reference.find_sites(small, two, lim))

    # the public search end to end (device-side decode of the hit rows) equals the oracle's
    for kw in ({"max_mismatches": 3}, {"max_mismatches": 2, "dna_bulges": 1, "rna_bulges": 1}):
        a = search_offtargets(idx, spacers, backend="gpu", **kw)
        b = search_offtargets(idx, spacers, backend="numpy", **kw)
        assert a.settings.backend == "gpu"
        for x, y in zip(a.guides, b.guides, strict=True):
            assert [s.to_dict() for s in x.sites()] == [s.to_dict() for s in y.sites()]
    uniq = np.arange(0, idx.n_sites, 3, dtype=np.int64)
    dev = gpu.gather_rows(idx, uniq)
    for name in ("win", "nmask", "pos", "meta"):
        assert np.array_equal(getattr(dev, name), getattr(idx, name)[uniq]), name
    print("ok", idx.n_sites, total)
    """
)


def test_gpu_kernels_equal_the_oracle_on_the_cuda_simulator() -> None:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "NUMBA_DISABLE_JIT": "0"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=900
    )
    assert out.returncode == 0, out.stderr[-3000:]
    words = out.stdout.split()
    assert words[0] == "ok" and int(words[2]) > 200, out.stdout  # many hits were compared


def test_a_gpu_whose_probe_fails_is_unavailable_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vivo.core.errors import InputError
    from vivo.editing.offtarget import backends
    from vivo.editing.offtarget._kernels.search import gpu

    class FakeCuda:
        @staticmethod
        def is_available() -> bool:
            return True

    def broken() -> None:
        raise AttributeError("module 'numpy' has no attribute 'row_stack'")

    monkeypatch.setattr(gpu, "_compiled", lambda: {"cuda": FakeCuda})
    monkeypatch.setattr(gpu, "_run_probe", broken)
    import numba

    monkeypatch.setattr(numba, "cuda", FakeCuda, raising=False)
    monkeypatch.setitem(sys.modules, "numba.cuda", FakeCuda)  # type: ignore[arg-type]
    ok, detail = gpu.probe(fresh=True)
    assert not ok and "probe kernel failed" in detail and "row_stack" in detail
    status = backends.probe_backend("gpu")
    assert not status.usable and "row_stack" in status.detail
    with pytest.raises(InputError, match="row_stack"):
        backends.resolve_backend("gpu")
    monkeypatch.setitem(backends.GPU_SPEEDUP, "mismatch", 10.0)  # even when it was measured
    assert backends.resolve_backend("auto", kind="mismatch") in ("cpu", "numpy")
    gpu._probe.cache_clear()  # forget the fake answer
