"""Device check of vivo's GPU off-target backend (issue 17), one prepared run on the GPU machine.

    OUT=/tmp/out python benchmarks/device_offtarget_check.py      (from the repository root)

1. environment: device name, numba / numba-cuda versions, and vivo's own probe of the GPU
   backend (``backends.probe_backend("gpu")``: a probe kernel compiled and run on the device);
2. equivalence on real GRCh37 chr20 (NGG + NAG), GPU vs CPU site by site: <= 4 mm (60 guides),
   <= 3 and <= 4 mm + 1 DNA + 1 RNA bulge, <= 4 mm + 2 + 2, <= 6 mm;
3. the 3.1 Gb synthetic genome of ``benchmarks/offtarget.py`` (made and indexed here), timed:
   goal 1a: 1,000 guides <= 4 mm in <= 0.5 s and >= 5x faster than the CPU backend on the same
   machine; goal 1b: 100 guides <= 4 mm + 1 DNA + 1 RNA bulge in <= 3 s; identical sites; the
   planted sites all found. The first GPU call of a process copies the index to the device
   (recorded as ``first_call_s``); the timed calls find it there.

It writes ``$OUT/gpu.json`` after every step (results, errors, skipped steps, the goals, and the
speed-ups to record in ``vivo.editing.offtarget.backends.GPU_SPEEDUP``). Environment:
``CHR20`` (the chr20 FASTA; default ``../shared/data/genomes/GRCh37.chr20.fa.gz`` from the
repository root), ``SIZE_MB`` (default 3100), ``BUDGET_S`` (seconds it may use, default 480),
``GPU_AS`` (another backend name, to dry-run the script on a machine without a GPU, e.g.
``GPU_AS=cpu SIZE_MB=20``). It needs numpy and numba (with numba-cuda for a device), and no
other third-party package: vivo reads .2bit and gzipped FASTA itself (Biopython only if
installed). Adapted from the script that measured the brute-force GPU kernel (issue 17).
"""

import gzip
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

if not hasattr(np, "row_stack"):  # numba-cuda on this image still names np.row_stack
    np.row_stack = np.vstack

T0 = time.time()
BUDGET = float(os.environ.get("BUDGET_S", "480"))
OUT = Path(os.environ.get("OUT", "/tmp/out"))
OUT.mkdir(parents=True, exist_ok=True)
HERE = Path(__file__).resolve().parent  # benchmarks/
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))
RES: dict = {"steps": []}


def save():
    RES["elapsed_s"] = round(time.time() - T0, 1)
    (OUT / "gpu.json").write_text(json.dumps(RES, indent=1, default=str))


def log(*a):
    print(f"[{time.time() - T0:6.1f}s]", *a, flush=True)


def left():
    return BUDGET - (time.time() - T0)


def step(name, fn, *a, need=0.0, **k):
    if left() < need:
        RES["steps"].append({"step": name, "skipped": f"{left():.0f}s left, needs {need:.0f}"})
        log("skip", name)
        save()
        return None
    log("start", name)
    t = time.time()
    try:
        r = fn(*a, **k)
        RES["steps"].append({"step": name, "wall_s": round(time.time() - t, 2), "result": r})
    except Exception as e:  # record and go on
        RES["steps"].append({"step": name, "error": repr(e), "tb": traceback.format_exc()[-3000:]})
        r = None
    log("done", name, round(time.time() - t, 1))
    save()
    return r


def env():
    import numba
    from numba import cuda

    d = {
        "numba": numba.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "cuda_available": bool(cuda.is_available()),
    }
    if cuda.is_available():
        dev = cuda.get_current_device()
        d["device"] = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
    try:
        d["nvidia_smi"] = subprocess.run(
            ["nvidia-smi", "-L"], capture_output=True, text=True
        ).stdout
    except OSError as e:
        d["nvidia_smi"] = repr(e)
    d["cpus"] = os.cpu_count()
    from vivo.editing.offtarget import backends

    probe = backends.probe_backend("gpu")
    d["vivo_gpu_probe"] = {"usable": probe.usable, "detail": probe.detail}
    try:
        import importlib.metadata as md

        d["numba_cuda"] = md.version("numba-cuda")
    except Exception as e:  # not installed: numba's built-in CUDA target
        d["numba_cuda"] = repr(e)
    RES["device"] = d.get("device", "none")
    return d


def build(name, path, home, pams=("NGG", "NAG")):
    from vivo.workflows.genome_index import build_genome_index, open_index

    info = build_genome_index(name, path, home=home, pams=pams)
    idx = open_index(name, home=home, pams=pams, check_source=False)
    return {"bp": info.total_length, "n_sites": int(idx.n_sites)}


def chr20_guides(path, n, seed=7):
    with gzip.open(path, "rt") as fh:
        seq = "".join(line.strip() for line in fh if not line.startswith(">"))
    rng = np.random.default_rng(seed)
    out, lower = [], 0
    while len(out) < n:
        p = int(rng.integers(100, len(seq) - 100))
        s = seq[p : p + 23]
        if s[21:23].upper() == "GG" and set(s.upper()) <= set("ACGT"):
            if s.islower() and lower < n // 5:  # some guides in soft-masked repeats
                out.append(s[:20].upper())
                lower += 1
            elif not any(c.islower() for c in s):
                out.append(s[:20].upper())
    return out


def keys(res):
    ks = []
    for _gi, g in enumerate(res.guides):
        a = (
            np.stack(
                [
                    g.rows,
                    g.length,
                    g.mismatches.astype(np.int64),
                    g.dna.astype(np.int64),
                    g.rna.astype(np.int64),
                ],
                axis=1,
            )
            if len(g.rows)
            else np.zeros((0, 5), np.int64)
        )
        a = a[np.lexsort(a.T[::-1])]
        ks.append(a)
    return ks


def compare(index, guides, mm, d, r, backends=("cpu", "gpu"), runs=1):
    from vivo.editing.offtarget import search_offtargets

    backends = tuple(os.environ.get("GPU_AS", "gpu") if b == "gpu" else b for b in backends)

    out, res = {}, {}
    for b in backends:
        t = time.time()
        search_offtargets(
            index, guides[:1], backend=b, max_mismatches=1, dna_bulges=d, rna_bulges=r
        )
        warm = time.time() - t
        times = []
        for _ in range(runs):
            t = time.time()
            res[b] = search_offtargets(
                index, guides, backend=b, max_mismatches=mm, dna_bulges=d, rna_bulges=r
            )
            times.append(round(time.time() - t, 3))
        out[b] = {
            "first_call_s": round(warm, 2),
            "search_s": times,
            "sites": int(sum(g.n_sites for g in res[b].guides)),
        }
        log(b, out[b])
        save()
    if len(res) == 2:
        ka, kb = (keys(res[b]) for b in backends)
        diff = [
            i
            for i, (x, y) in enumerate(zip(ka, kb, strict=False))
            if x.shape != y.shape or not np.array_equal(x, y)
        ]
        out["identical"] = not diff
        out["guides_differing"] = len(diff)
        if diff:
            i = diff[0]
            sa = {tuple(x) for x in ka[i].tolist()}
            sb = {tuple(x) for x in kb[i].tolist()}
            out["example"] = {
                "guide": guides[i],
                "only_" + backends[0]: sorted(sa - sb)[:5],
                "only_" + backends[1]: sorted(sb - sa)[:5],
            }
    return out


def main():
    from vivo.workflows.genome_index import open_index

    step("env", env)
    from vivo.editing.offtarget import backends

    backends.SMALL_SEARCH_GUIDES = 0  # time the numba CPU kernels, not the short-search path
    home = Path("/tmp/vivo-home")
    default = REPO.parent / "shared" / "data" / "genomes" / "GRCh37.chr20.fa.gz"
    if not default.is_file():
        default = REPO / "shared" / "data" / "genomes" / "GRCh37.chr20.fa.gz"
    chr20 = Path(os.environ.get("CHR20", default))
    step("build chr20", build, "chr20", chr20, home)
    g = chr20_guides(chr20, 60)
    RES["chr20_guides"] = g
    idx = open_index("chr20", home=home, pams=("NGG", "NAG"), check_source=False)
    step("chr20 60 guides <=4mm", compare, idx, g, 4, 0, 0, runs=2)
    step("chr20 20 guides <=3mm +1D+1R", compare, idx, g[:20], 3, 1, 1)
    step("chr20 10 guides <=4mm +1D+1R", compare, idx, g[:10], 4, 1, 1)
    step("chr20 3 guides <=4mm +2D+2R", compare, idx, g[:3], 4, 2, 2)
    step("chr20 20 guides <=6mm", compare, idx, g[:20], 6, 0, 0)
    del idx
    size = float(os.environ.get("SIZE_MB", "3100"))
    import offtarget as bench  # benchmarks/offtarget.py

    work = Path(f"/tmp/bench{size:g}")
    work.mkdir(exist_ok=True)
    step(f"make {size:g} Mb", bench.make, work, size, 1000, 1, need=60)
    r = step(f"build {size:g} Mb", build, "bench", work / "genome.2bit", work / "home", need=240)
    if r is None:
        return
    big = open_index("bench", home=work / "home", pams=("NGG", "NAG"), check_source=False)
    guides = (work / "guides.txt").read_text().split()
    gname = os.environ.get("GPU_AS", "gpu")
    RES["big_rows"] = int(big.n_sites)
    save()
    step(
        "big 1 guide warm-up (index copied to the device)",
        compare,
        big,
        guides[:1],
        4,
        0,
        0,
        backends=(gname,),
        need=20,
    )
    mm = step(
        "big 1000 guides <=4mm gpu+cpu", compare, big, guides[:1000], 4, 0, 0, runs=3, need=60
    )
    bu = step("big 100 guides <=4mm +1D+1R gpu+cpu", compare, big, guides[:100], 4, 1, 1, need=90)
    step(
        "big planted recall gpu (1000 guides <=4mm)",
        bench.search,
        work,
        1000,
        4,
        0,
        gname,
        1,
        need=40,
    )
    goals = {}
    if mm and gname in mm and "cpu" in mm:
        g, c = min(mm[gname]["search_s"]), min(mm["cpu"]["search_s"])
        goals["1000 guides <=4mm <= 0.5 s"] = {"gpu_s": g, "met": g <= 0.5}
        goals["1000 guides <=4mm >= 5x cpu"] = {"speedup": round(c / g, 2), "met": c / g >= 5}
        goals["identical (mismatch)"] = mm.get("identical")
        RES["GPU_SPEEDUP"] = {"mismatch": round(c / g, 2)}
    if bu and gname in bu and "cpu" in bu:
        g, c = min(bu[gname]["search_s"]), min(bu["cpu"]["search_s"])
        goals["100 guides <=4mm+1D+1R <= 3 s"] = {"gpu_s": g, "met": g <= 3.0}
        goals["identical (bulge)"] = bu.get("identical")
        RES.setdefault("GPU_SPEEDUP", {})["bulge"] = round(c / g, 2)
    RES["goals"] = goals
    save()


if __name__ == "__main__":
    main()
    save()
    log("all done")
