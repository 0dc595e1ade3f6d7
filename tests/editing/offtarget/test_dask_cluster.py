"""A real Dask cluster: a scheduler and two worker processes on localhost, started and stopped
by the test, run searches sharded by guides and by index rows; the sites equal the local run.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from vivo.core.seq import reverse_complement
from vivo.io.fasta import write_fasta
from vivo.workflows import genome_index as gi
from vivo.workflows.offtargets import OffTargetRequest, run_offtargets

distributed = pytest.importorskip("distributed")
G = "GACGCATAAAGATGAGACGC"


@pytest.fixture(scope="module")
def store(tmp_path_factory):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    parts = []
    for c in range(40):  # near copies of G: substitutions, bulges, both strands
        s = list(G)
        for i in rng.choice(20, size=c % 5, replace=False):
            s[i] = "ACGT"[("ACGT".index(s[i]) + 1) % 4]
        if c % 6 == 2:
            s.insert(int(rng.integers(3, 17)), "A")
        if c % 6 == 4:
            del s[int(rng.integers(3, 17))]
        site = "".join(s) + "AGG"
        parts.append(reverse_complement(site) if c % 2 else site)
        parts.append("".join(rng.choice(list("ACGT"), 200)))
    path = tmp_path_factory.mktemp("g") / "toy.fa"
    write_fasta([("chrA", "".join(parts)), ("chrB", "".join(rng.choice(list("ACGT"), 4000)))], path)
    home = tmp_path_factory.mktemp("home")
    gi.build_genome_index("toy", path, home=home)
    return str(home)


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def _sites(run):  # type: ignore[no-untyped-def]
    return [s.to_dict() for s in run.sites()]


@pytest.mark.parametrize(
    "limits", [{"max_mismatches": 4}, {"max_mismatches": 3, "dna_bulges": 1, "rna_bulges": 1}]
)
def test_two_worker_processes_give_the_local_sites(store, cluster, limits) -> None:  # type: ignore[no-untyped-def]
    guides = (G, "ACGTTGCAACGTTGCAACGT", G[:-1] + "A")
    local = run_offtargets(OffTargetRequest("toy", guides, home=store, **limits))
    with distributed.Client(cluster.scheduler_address) as client:
        pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids  # two separate worker processes
    for shards, per_task in ((1, 1), (3, 2), (4, 3)):  # by guides, by rows, both
        req = OffTargetRequest("toy", guides, home=store, backend="dask",
                               scheduler=cluster.scheduler_address, shards=shards,
                               guides_per_task=per_task, **limits)  # fmt: skip
        run = run_offtargets(req)
        assert run.provenance["backend"] == "dask(cpu)"
        assert run.provenance["scheduler"] == cluster.scheduler_address
        assert _sites(run) == _sites(local), (shards, per_task)
    assert sum(g.n_sites for g in local.guides) > 20
