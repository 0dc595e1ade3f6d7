"""The GPU kernel's logic, run on numba's CUDA simulator, against the numpy oracle.

No GPU is needed: ``NUMBA_ENABLE_CUDASIM=1`` runs every CUDA thread in Python on the CPU. It has
to be set before numba.cuda is imported, hence a subprocess. This checks the kernel's code (the
recursion, the hit counting and writing, row ranges), not a device's speed or its compiler.
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
    from vivo.editing.offtarget import build_site_index, pack_genome, pam_set
    from vivo.editing.offtarget._kernels import Limits
    from vivo.editing.offtarget._kernels.search import gpu, reference
    from vivo.editing.offtarget.search import guide_batch

    assert gpu.available()  # the simulator stands in for a device
    rng = np.random.default_rng(7)
    g = "GACGCATAAAGATGAGACGC"
    parts = []
    for c in range(40):  # near copies: substitutions, bulges, both strands, masks, N
        s = list(g)
        for i in rng.choice(20, size=c % 5, replace=False):
            s[i] = "ACGT"[("ACGT".index(s[i]) + 1) % 4]
        if c % 7 == 3:
            s.insert(int(rng.integers(2, 18)), "T")
        if c % 7 == 5:
            del s[int(rng.integers(2, 18))]
        site = "".join(s) + ["AGG", "TGG", "CAG"][c % 3]
        site = reverse_complement(site) if c % 2 else site
        parts.append(site.lower() if c % 5 == 0 else site)
        parts.append("".join(rng.choice(list("ACGTN"), 3, p=[0.24, 0.24, 0.24, 0.24, 0.04])))
    contigs = [("c1", "".join(parts)), ("c2", g[6:] + "TGG"), ("c3", "ACGTGG")]
    idx = build_site_index(pack_genome(contigs), pam_set("SpCas9"))
    batch = guide_batch([g, "GCATAAAGATGAGACGC", "TTTTCCCCAAAAGGGGTTTT"], idx.pams.side)

    def rows(h):
        return sorted(zip(h.guide.tolist(), h.row.tolist(), h.mismatches.tolist(),
                          h.dna.tolist(), h.rna.tolist()))

    total = 0
    for lim in [Limits(0, 0, 0), Limits(4, 0, 0), Limits(3, 1, 1), Limits(2, 2, 0),
                Limits(1, 0, 2)]:
        want = rows(reference.find_sites(idx, batch, lim))
        assert rows(gpu.find_sites(idx, batch, lim)) == want, lim
        total += len(want)
    # a row range (one shard): the hits of that range only, numbered like the whole index
    lo, hi = idx.n_sites // 3, 2 * idx.n_sites // 3
    lim = Limits(4, 1, 0)
    want = [h for h in rows(reference.find_sites(idx, batch, lim)) if lo <= h[1] < hi]
    assert rows(gpu.find_sites(idx, batch, lim, row_range=(lo, hi))) == want
    print("ok", idx.n_sites, total)
    """
)


def test_gpu_kernel_logic_equals_the_oracle_on_the_cuda_simulator() -> None:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "NUMBA_DISABLE_JIT": "0"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    words = out.stdout.split()
    assert words[0] == "ok" and int(words[2]) > 40, out.stdout  # many hits were compared
