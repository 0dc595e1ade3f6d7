"""Off-target benchmark: seeded synthetic genome with planted near-copies of each guide.

    python benchmarks/offtarget.py all --size-mb 3100 --guides 100 1000 \\
        [--bulge-guides 100] [--repeat 2] [--cold]
    python benchmarks/offtarget.py make|build|search|write|library ... --workdir DIR   (one phase)
    python benchmarks/offtarget.py fixedcost [--fasta chr20.fa.gz] [--guides 10] [--repeat 5]
    python benchmarks/offtarget.py library --guides 20000 --cluster processes ...

``make`` writes a seeded synthetic genome as a .2bit file (24 contigs with human chromosome
proportions, 41% GC, a 10 kb N run per contig), planting for every guide near-copies with 1-6
mismatches plus one DNA-bulged and one RNA-bulged copy, each next to an NGG or NAG PAM on a
random strand. ``build`` runs ``build_genome_index`` (SpCas9, PAMs NGG + NAG). ``search`` runs
``search_offtargets`` on the first N guides and checks that every planted site within the
limits is reported (``--cold``: the page cache is dropped first, so the first run reads the
index from disk; needs root); ``write`` times ``vivo offtargets … -o sites.tsv`` end to end;
``library`` runs tens of thousands of guides through the Dask backend (``--cluster processes``:
a scheduler and two worker processes on this machine, started by the phase, instead of the
in-process thread cluster). ``fixedcost`` times, in one run and interleaved, ``vivo offtargets
--genome chr20`` end to end from the shell (writing every site as TSV) and ``bwa aln`` +
``bwa samse`` with CRISPOR's settings on the same guides and chromosome (``--fasta``, default
GRCh37 chr20; the vivo and bwa indexes are built first, untimed); its figures go to
``benchmarks/results/offtarget-fixedcost.json``.
Each phase runs in its own process (``all`` starts them as subprocesses) so that wall time,
CPU time and peak RSS (``ru_maxrss``) are those of that phase alone. Figures go to
``benchmarks/results/offtarget-<size>mb.json`` (one entry per phase/run, with
``os.getloadavg()``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
RESULTS = Path(__file__).parent / "results"
# GRCh38 chromosome lengths (Mb, rounded): 1-22, X, Y.
CHROM_MB = [248, 242, 198, 190, 181, 171, 159, 145, 138, 134, 135, 133, 114, 107, 102, 90, 83,
            80, 59, 64, 47, 51, 156, 57]  # fmt: skip
PAMS = ("NGG", "NAG")
_TB_OF_VIVO = np.array([2, 1, 3, 0], dtype=np.uint8)  # vivo A0 C1 G2 T3 -> 2bit T0 C1 A2 G3
_LUT = np.repeat(np.arange(4, dtype=np.uint8), [59, 41, 41, 59])  # 41% GC


def _mutate(rng: np.random.Generator, s: str, mm: int, dna: int, rna: int) -> str:
    out = list(s)
    # mismatches in positions 1..18 (5'->3'), bulges inside the protospacer
    for i in rng.choice(np.arange(1, 19), size=mm, replace=False):
        out[i] = "ACGT"[("ACGT".index(out[i]) + 1 + int(rng.integers(3))) % 4]
    for _ in range(dna):
        out.insert(int(rng.integers(3, 17)), "ACGT"[int(rng.integers(4))])
    for _ in range(rna):
        del out[int(rng.integers(3, 17))]
    return "".join(out)


def _revcomp_codes(c: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    return (3 - c)[::-1]


def make(work: Path, size_mb: float, n_guides: int, seed: int) -> dict[str, object]:
    """Write genome.2bit, guides.txt and planted.json into ``work``."""
    rng = np.random.default_rng(seed)
    scale = size_mb / sum(CHROM_MB)
    lengths = [max(20_000, int(mb * scale * 1e6)) for mb in CHROM_MB]
    guides = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(n_guides)]
    kinds = [(m, 0, 0) for m in range(1, 7)] + [(1, 1, 0), (1, 0, 1)]
    planted_at: list[list[tuple[int, int, str, bool, int, int, int, int]]] = [[] for _ in lengths]
    used: set[tuple[int, int]] = set()
    for gi, g in enumerate(guides):
        for mm, d, r in kinds:
            site = _mutate(rng, g, mm, d, r) + str(rng.choice(["AGG", "TGG", "CAG", "GAG"]))
            c = int(rng.choice(len(lengths), p=np.array(lengths) / sum(lengths)))
            pos = int(rng.integers(1000, lengths[c] - 1000))
            while {(c, pos // 64 + k) for k in (-1, 0, 1)} & used or (
                lengths[c] // 2 - 100 < pos < lengths[c] // 2 + 10_100
            ):  # no overlapping plants, none in or next to the N run
                pos = int(rng.integers(1000, lengths[c] - 1000))
            used.add((c, pos // 64))
            planted_at[c].append((gi, pos, site, bool(rng.integers(2)), mm, d, r, c))
    names = [f"chr{i}" for i in [*range(1, 23), "X", "Y"]]
    records = []
    planted = []
    for c, length in enumerate(lengths):
        codes = _LUT[rng.integers(0, 200, size=length, dtype=np.uint8)]
        nrun = (length // 2, min(length // 2 + 10_000, length))
        for gi, pos, site, minus, mm, d, r, _ in planted_at[c]:
            sc = np.frombuffer(site.encode(), dtype=np.uint8)
            sc = np.searchsorted(np.frombuffer(b"ACGT", dtype=np.uint8), sc).astype(np.uint8)
            codes[pos : pos + len(sc)] = _revcomp_codes(sc) if minus else sc
            planted.append({"guide": gi, "contig": names[c], "pam_side_start": pos,
                            "length": len(sc), "minus": minus, "mm": mm, "dna": d, "rna": r})  # fmt: skip  # noqa: E501
        records.append((names[c], codes, nrun))
    _write_twobit(work / "genome.2bit", records)
    (work / "guides.txt").write_text("\n".join(guides) + "\n")
    (work / "planted.json").write_text(json.dumps(planted))
    return {"genome_bp": sum(lengths), "contigs": len(lengths), "guides_made": n_guides}


def _write_twobit(path: Path, records: list[tuple[str, np.ndarray, tuple[int, int]]]) -> None:  # type: ignore[type-arg]
    """Minimal version-0 .2bit writer from code arrays (UCSC format), one N block per record."""
    header = 16 + sum(1 + len(n) + 4 for n, _, _ in records)
    bodies_len = [16 + 8 + (len(c) + 3) // 4 for _, c, _ in records]
    offsets = np.concatenate([[header], header + np.cumsum(bodies_len)[:-1]])
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IIII", 0x1A412743, 0, len(records), 0))
        for (name, _, _), off in zip(records, offsets, strict=True):
            fh.write(struct.pack("<B", len(name)) + name.encode() + struct.pack("<I", int(off)))
        for _name, codes, (na, nb) in records:
            fh.write(struct.pack("<IIII", len(codes), 1, na, nb - na))
            fh.write(struct.pack("<II", 0, 0))  # no mask blocks, reserved
            tb = _TB_OF_VIVO[codes]
            tb = np.concatenate([tb, np.zeros((-len(tb)) % 4, dtype=np.uint8)]).reshape(-1, 4)
            fh.write(((tb[:, 0] << 6) | (tb[:, 1] << 4) | (tb[:, 2] << 2) | tb[:, 3]).tobytes())


def _usage(t0: float, c0: float) -> dict[str, object]:
    return {
        "wall_s": round(time.perf_counter() - t0, 3),
        "cpu_s": round(time.process_time() - c0, 3),
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def build(work: Path) -> dict[str, object]:
    from vivo.workflows.genome_index import build_genome_index

    t0, c0 = time.perf_counter(), time.process_time()
    info = build_genome_index("bench", work / "genome.2bit", home=work / "home", pams=PAMS)
    out = {"genome_bp": info.total_length, **_usage(t0, c0)}
    from vivo.workflows.genome_index import open_index

    idx = open_index("bench", home=work / "home", pams=PAMS, check_source=False)
    disk = sum(f.stat().st_size for f in (work / "home" / "bench").rglob("*") if f.is_file())
    return {**out, "n_sites": idx.n_sites, "index_disk_gb": round(disk / 2**30, 2)}


def search(
    work: Path,
    n_guides: int,
    mismatches: int,
    bulges: int,
    backend: str,
    repeat: int = 1,
    cold: bool = False,
) -> dict[str, object]:
    from vivo.editing.offtarget import search_offtargets
    from vivo.workflows.genome_index import open_index

    guides = (work / "guides.txt").read_text().split()[:n_guides]
    index = open_index("bench", home=work / "home", pams=PAMS, check_source=False)
    if cold:  # the first timed run reads the index from disk, not from the page cache
        os.sync()
        try:
            Path("/proc/sys/vm/drop_caches").write_text("1\n")
        except OSError as exc:
            raise SystemExit(f"--cold needs root on Linux (drop_caches: {exc})") from exc
    t0 = time.perf_counter()
    # JIT load of the same kernels
    search_offtargets(index, guides[:1], backend=backend, max_mismatches=1,
                      dna_bulges=bulges, rna_bulges=bulges)  # fmt: skip
    warm = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):  # later runs find the index pages in the page cache
        t0, c0 = time.perf_counter(), time.process_time()
        res = search_offtargets(index, guides, backend=backend, max_mismatches=mismatches,
                                dna_bulges=bulges, rna_bulges=bulges)  # fmt: skip
        runs.append(_usage(t0, c0))
    figures = {**runs[0], "repeats": runs[1:]}
    want = [p for p in json.loads((work / "planted.json").read_text())
            if p["guide"] < n_guides and p["mm"] <= mismatches and p["dna"] <= bulges
            and p["rna"] <= bulges]  # fmt: skip
    missing = _missing(res, want, index.genome.names)  # type: ignore[attr-defined]
    cand = _candidates(index, guides, mismatches, bulges) if bulges else {}
    return {"guides": n_guides, "max_mismatches": mismatches, "dna_bulges": bulges,
            "rna_bulges": bulges, "backend": res.settings.backend,
            "page_cache": "dropped before the first run" if cold else "as found", **figures,
            **cand,
            "jit_warmup_s": round(warm, 2), "sites_reported": sum(g.n_sites for g in res.guides),
            "planted_in_limits": len(want), "planted_found": len(want) - len(missing),
            "all_planted_found": not missing, "missing_examples": missing[:3]}  # fmt: skip


def write(work: Path, n_guides: int, mismatches: int, bulges: int) -> dict[str, object]:
    """``vivo offtargets … -o sites.tsv`` end to end (workflow + TSV writer): sites per second."""
    from vivo.workflows.offtargets import OffTargetRequest, run_offtargets, write_sites

    guides = tuple((work / "guides.txt").read_text().split()[:n_guides])
    req = OffTargetRequest("bench", guides, max_mismatches=mismatches, dna_bulges=bulges,
                           rna_bulges=bulges, home=str(work / "home"), pams=PAMS)  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    run = run_offtargets(req)
    searched = time.perf_counter() - t0
    out = write_sites(run, work / "sites.tsv", "tsv")
    figures = _usage(t0, c0)
    n = sum(1 for _ in out.open()) - 1
    out.unlink()
    return {"guides": n_guides, "max_mismatches": mismatches, "dna_bulges": bulges,
            "rna_bulges": bulges, "sites_written": n, "search_s": round(searched, 3), **figures,
            "sites_per_s_written": round(n / max(float(figures["wall_s"]) - searched, 1e-9))}  # type: ignore[arg-type]  # fmt: skip


def library(
    work: Path, n_guides: int, mismatches: int, scheduler: str | None, cluster: str | None = None
) -> dict[str, object]:
    """A genome-wide library job through the Dask backend (``vivo offtargets --backend dask``):
    the 1,000 planted guides plus seeded random ones up to ``n_guides``; every planted site of
    the first 1,000 within the limits must be reported."""
    from vivo.workflows.offtargets import OffTargetRequest, run_offtargets

    planted = (work / "guides.txt").read_text().split()
    rng = np.random.default_rng(2)
    extra = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(max(0, n_guides - len(planted)))]
    guides = tuple([*planted, *extra][:n_guides])
    local = None
    if cluster == "processes":  # a real cluster: a scheduler and two worker processes
        from distributed import LocalCluster

        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                             dashboard_address=None)  # fmt: skip
        scheduler = local.scheduler_address
    req = OffTargetRequest("bench", guides, max_mismatches=mismatches, backend="dask",
                           scheduler=scheduler, home=str(work / "home"), pams=PAMS,
                           guides_per_task=500)  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        run = run_offtargets(req)
    finally:
        if local is not None:
            local.close()
    figures = _usage(t0, c0)
    if local is not None:  # the workers' CPU time is not this process's
        figures["cpu_s"] = "in the worker processes (not measured)"
        scheduler = "LocalCluster (scheduler + 2 worker processes x 1 thread)"
    want = [p for p in json.loads((work / "planted.json").read_text())
            if p["guide"] < min(n_guides, len(planted)) and p["mm"] <= mismatches
            and p["dna"] == 0 and p["rna"] == 0]  # fmt: skip
    missing = _missing(run, want, run.guides[0].index.genome.names)
    return {"guides": n_guides, "max_mismatches": mismatches, "backend": "dask",
            "scheduler": scheduler or "LocalCluster (in-process, 2 threads)", **figures,
            "sites_reported": sum(g.n_sites for g in run.guides),
            "planted_in_limits": len(want), "planted_found": len(want) - len(missing),
            "all_planted_found": not missing}  # fmt: skip


#: bwa aln / samse options of CRISPOR (Haeussler et al. 2016, Genome Biol 17:148; crispor.py):
#: no gaps, up to 4 differences, all hits of a read reported up to 60,000.
BWA_ALN = ["-o", "0", "-m", "1980000", "-n", "4", "-k", "4", "-N", "-l", "20"]
BWA_SAMSE_MAX = "60000"
CHR20 = Path("/work/shared/data/genomes/GRCh37.chr20.fa.gz")


def _chrom_guides(fasta: Path, n: int, seed: int) -> list[str]:
    """``n`` seeded 20-nt spacers next to an NGG PAM of the chromosome (no N)."""
    import gzip

    opener = gzip.open if fasta.suffix == ".gz" else open
    with opener(fasta, "rt") as fh:  # type: ignore[operator]
        seq = "".join(line.strip().upper() for line in fh if not line.startswith(">"))
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < n:
        p = int(rng.integers(0, len(seq) - 23))
        if seq[p + 21 : p + 23] == "GG" and "N" not in seq[p : p + 23]:
            out.append(seq[p : p + 20])
    return out


def _timed(cmd: list[str] | str, **kw: object) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)  # type: ignore[call-overload]
    if done.returncode:
        raise SystemExit(f"{cmd} failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - t0


def fixedcost(work: Path, fasta: Path, n_guides: int, repeat: int, seed: int) -> dict[str, object]:
    """``vivo offtargets --genome chr20`` for a few guides end to end vs ``bwa aln`` + ``samse``
    on the same machine, interleaved runs (indexes built first, untimed)."""
    import shutil

    bwa = shutil.which("bwa")
    if bwa is None:
        raise SystemExit("fixedcost needs bwa on PATH (apt-get install bwa)")
    vivo_cli = Path(sys.executable).parent / "vivo"
    cli = [str(vivo_cli)] if vivo_cli.is_file() else [sys.executable, "-m", "vivo.cli.main"]
    home = work / "home"
    guides = _chrom_guides(fasta, n_guides, seed)
    (work / "guides.txt").write_text("\n".join(guides) + "\n")
    (work / "guides.fa").write_text("".join(f">g{i}\n{g}\n" for i, g in enumerate(guides)))
    build = {}
    if not (home / "chrom").is_dir():
        build["vivo_genome_add_s"] = round(_timed([*cli, "genome", "add", "chrom", str(fasta),
                                                   "--home", str(home), "--quiet"]), 1)  # fmt: skip
    ref = work / "chrom.fa"
    if not (work / "chrom.fa.bwt").is_file():
        import gzip

        opener = gzip.open if fasta.suffix == ".gz" else open
        with opener(fasta, "rb") as src, open(ref, "wb") as dst:  # type: ignore[operator]
            shutil.copyfileobj(src, dst)
        build["bwa_index_s"] = round(_timed([bwa, "index", str(ref)]), 1)
    vivo_cmd = [*cli, "offtargets", "--genome", "chrom", "--guides", str(work / "guides.txt"),
                "--home", str(home), "-o", str(work / "vivo.tsv"), "--force",
                "--quiet"]  # fmt: skip
    bwa_cmd = (f"{bwa} aln {' '.join(BWA_ALN)} {ref} {work / 'guides.fa'} > {work / 'g.sai'} && "
               f"{bwa} samse -n {BWA_SAMSE_MAX} {ref} {work / 'g.sai'} {work / 'guides.fa'} "
               f"> {work / 'g.sam'}")  # fmt: skip
    _timed(vivo_cmd)  # first runs: page cache and numba cache as after an earlier use
    _timed(bwa_cmd, shell=True)
    vivo_s, bwa_s, floor_s, loads = [], [], [], []
    for _ in range(repeat):
        vivo_s.append(_timed(vivo_cmd))
        bwa_s.append(_timed(bwa_cmd, shell=True))
        floor_s.append(_timed([*cli, "--version"]))  # start-up of the CLI itself
        loads.append(round(os.getloadavg()[0], 2))
    with open(work / "vivo.tsv") as fh:
        sites = sum(1 for _ in fh) - 1
    vm, bm = float(np.median(vivo_s)), float(np.median(bwa_s))
    return {"fasta": str(fasta), "guides": n_guides, "max_mismatches": 4,
            "vivo_cmd": "vivo offtargets --genome chrom --guides FILE -o sites.tsv --quiet",
            "bwa_cmd": f"bwa aln {' '.join(BWA_ALN)}; bwa samse -n {BWA_SAMSE_MAX}",
            "vivo_s": [round(x, 3) for x in vivo_s], "bwa_s": [round(x, 3) for x in bwa_s],
            "vivo_median_s": round(vm, 3), "bwa_median_s": round(bm, 3),
            "vivo_over_bwa": round(vm / bm, 3), "vivo_sites_written": sites,
            "vivo_version_cmd_s": [round(x, 3) for x in floor_s],
            "vivo_version_cmd_median_s": round(float(np.median(floor_s)), 3),
            "loadavg_per_run": loads, **build}  # fmt: skip


def _candidates(
    index: object, guides: list[str], mismatches: int, bulges: int
) -> dict[str, object]:
    """Per-guide candidate counts of the bulged pigeonhole search (first 20 guides, untimed)."""
    from vivo.editing.offtarget._kernels import Limits
    from vivo.editing.offtarget._kernels.search import cpu
    from vivo.editing.offtarget.search import guide_batch

    batch = guide_batch(guides[:20], index.pams.side)  # type: ignore[attr-defined]
    st = cpu.bulge_candidate_counts(index, batch, Limits(mismatches, bulges, bulges))  # type: ignore[arg-type]
    names = ("proximal_rows_read", "distal_rows_read", "rows_past_bound", "rows_with_sites")
    per = {name: round(float(st[:, j].mean())) for j, name in enumerate(names)}
    print("candidates per guide (mean of", len(st), "guides):", per, flush=True)
    return {"candidates_per_guide": per, "candidates_guides": len(st)}


def _site_keys(contig: I64, start: I64, end: I64, minus: npt.NDArray[np.bool_]) -> I64:
    """One int64 per (contig, start, end, strand): contig < 2^8, start < 2^40, length < 2^8."""
    return (((contig << 40) | start) << 8 | (end - start)) << 1 | minus.astype(np.int64)


def _missing(res: object, want: list[dict[str, object]], names: list[str]) -> list[object]:
    """Planted sites (``want``) that the search did not report, checked with sorted int64 keys
    per guide (the columnar coordinates, not decoded site records: millions of bulged sites)."""
    missing = []
    by_guide: dict[int, list[dict[str, object]]] = {}
    for p in want:
        by_guide.setdefault(int(p["guide"]), []).append(p)  # type: ignore[call-overload]
    for gi, plants in by_guide.items():
        found = np.sort(_site_keys(*res.guides[gi].coordinates()))  # type: ignore[attr-defined]
        # planted string = protospacer + 3-nt PAM (plus) or its reverse complement (minus)
        starts = [int(p["pam_side_start"]) + (3 if p["minus"] else 0) for p in plants]  # type: ignore[call-overload]
        keys = _site_keys(
            np.array([names.index(str(p["contig"])) for p in plants], dtype=np.int64),
            np.array(starts, dtype=np.int64),
            np.array([s + int(p["length"]) - 3 for s, p in zip(starts, plants, strict=True)]),  # type: ignore[call-overload]
            np.array([bool(p["minus"]) for p in plants]),
        )
        hit = np.isin(keys, found, assume_unique=False)
        missing += [p for p, h in zip(plants, hit, strict=True) if not h]
    return missing


def _save(size_mb: float | str, entry: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    name = size_mb if isinstance(size_mb, str) else f"{size_mb:g}mb"
    path = RESULTS / f"offtarget-{name}.json"
    data = json.loads(path.read_text()) if path.is_file() else {"runs": []}
    mb = None if isinstance(size_mb, str) else size_mb
    entry = {**entry, "size_mb": mb, "cpus": os.cpu_count(), "machine": platform.machine(),
             "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d %H:%M:%S")}  # fmt: skip  # noqa: E501
    data["runs"].append(entry)
    path.write_text(json.dumps(data, indent=1))
    print(json.dumps(entry), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["make", "build", "search", "write", "library", "all",
                                      "fixedcost"])  # fmt: skip
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--guides", type=int, nargs="+", default=[100])
    ap.add_argument("--bulge-guides", type=int, default=0, help="also search N guides 1D+1R")
    ap.add_argument("--mismatches", type=int, default=4)
    ap.add_argument("--bulges", type=int, default=0)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2, help="search runs (2nd: warm page cache)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--scheduler", default=None, help="Dask scheduler for the library phase")
    ap.add_argument("--cluster", choices=["threads", "processes"], default=None,
                    help="library phase: start a LocalCluster of 2 worker processes")  # fmt: skip
    ap.add_argument("--fasta", default=str(CHR20), help="fixedcost: the chromosome")
    ap.add_argument("--cold", action="store_true",
                    help="drop the page cache before searching (root; Linux)")  # fmt: skip
    a = ap.parse_args()
    if a.phase == "fixedcost":
        work = Path(a.workdir or "/tmp/vivo-offtarget-bench-fixedcost")
        work.mkdir(parents=True, exist_ok=True)
        entry0 = {"phase": "fixedcost",
                  **fixedcost(work, Path(a.fasta), a.guides[0], a.repeat, a.seed)}  # fmt: skip
        _save("fixedcost", entry0)
        return
    work = Path(a.workdir or f"/tmp/vivo-offtarget-bench-{a.size_mb:g}mb")
    work.mkdir(parents=True, exist_ok=True)
    if a.phase == "all":
        common = ["--size-mb", str(a.size_mb), "--workdir", str(work), "--seed", str(a.seed)]
        runs = [["make", "--guides", str(max([*a.guides, a.bulge_guides]))], ["build"]]
        runs += [
            ["search", "--guides", str(n), "--mismatches", str(a.mismatches)] for n in a.guides
        ]
        if a.bulge_guides:
            runs.append(["search", "--guides", str(a.bulge_guides), "--bulges", "1"])
        cold = ["--cold"] if a.cold else []
        runs[2:] = [[*r, "--repeat", str(a.repeat), *cold] for r in runs[2:]]
        for r in runs:
            subprocess.run([sys.executable, __file__, *r, *common, "--backend", a.backend],
                           check=True)  # fmt: skip
        return
    t0, c0 = time.perf_counter(), time.process_time()
    if a.phase == "make":
        entry: dict[str, object] = {"phase": "make", **make(work, a.size_mb, a.guides[0], a.seed)}
        entry.update(_usage(t0, c0))
    elif a.phase == "build":
        entry = {"phase": "build", "pams": list(PAMS), **build(work)}
    elif a.phase == "library":
        entry = {"phase": "library",
                 **library(work, a.guides[0], a.mismatches, a.scheduler, a.cluster)}  # fmt: skip
    elif a.phase == "write":
        entry = {"phase": "write", **write(work, a.guides[0], a.mismatches, a.bulges)}
    else:
        entry = {"phase": "search",
                 **search(work, a.guides[0], a.mismatches, a.bulges, a.backend,
                          a.repeat, a.cold)}  # fmt: skip
    _save(a.size_mb, entry)


if __name__ == "__main__":
    main()
