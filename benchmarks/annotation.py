"""Benchmark: a genome-scale GTF (GENCODE-sized) indexed once, then opened and queried.

Goals (issue 16): first indexing <= 3 min and <= 2 GB peak RSS on 2 cores; opening the index
and looking up one gene <= 0.5 s.

The GTF is generated (seeded): 60,000 genes with 250,000 transcripts laid along 24 contigs,
GENCODE's row kinds (gene, transcript, exon, CDS, start_codon, stop_codon, UTR) and its long
attribute strings (gene_id, transcript_id, gene_type, gene_name, transcript_name, exon_id,
level, tags, ...), so that its size is about 1.5 GB uncompressed like GENCODE's full
``gencode.v44.annotation.gtf`` (about 3.4 million rows). The indexing runs in a child process
so that its peak RSS is measured alone (``resource.getrusage(RUSAGE_CHILDREN)``); the look-up
is timed in a fresh process after the index exists (open + one gene, plus the whole process
with Python start-up and imports).

    python benchmarks/annotation.py            # full size (writes ~1.5 GB under --workdir)
    python benchmarks/annotation.py --scale 0.02 --no-save   # a quick look

Prints and saves benchmarks/results/annotation.json (with os.getloadavg(): the machine is
shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GENES = 60_000
TRANSCRIPTS = 250_000
CONTIGS = [f"chr{i}" for i in range(1, 23)] + ["chrX", "chrY"]


def _attrs(g: int, t: int, name: str, extra: str) -> str:
    return (
        f'gene_id "ENSG{g:011d}.{1 + g % 9}"; transcript_id "ENST{t:011d}.{1 + t % 5}"; '
        f'gene_type "protein_coding"; gene_name "{name}"; transcript_type "protein_coding"; '
        f'transcript_name "{name}-{200 + t % 50}"; level 2; protein_id "ENSP{t:011d}.1"; '
        f'transcript_support_level "1"; hgnc_id "HGNC:{g}"; tag "basic"; tag "Ensembl_canonical"; '
        f'tag "CCDS"; ccdsid "CCDS{t}.1"; havana_gene "OTTHUMG{g:011d}.2"; '
        f'havana_transcript "OTTHUMT{t:011d}.2";{extra}'
    )


def generate(path: Path, scale: float, seed: int = 7) -> dict[str, int]:
    """Write the GTF; returns its counts."""
    rng = np.random.default_rng(seed)
    n_genes = max(1, int(GENES * scale))
    n_tx = max(n_genes, int(TRANSCRIPTS * scale))
    per_gene = rng.multinomial(n_tx - n_genes, np.ones(n_genes) / n_genes) + 1
    rows = 0
    t = 0
    pos = {c: 10_000 for c in CONTIGS}
    with open(path, "w", buffering=1 << 22) as fh:
        fh.write("##description: generated GENCODE-like annotation (vivo benchmark)\n")
        for g in range(n_genes):
            contig = CONTIGS[g % len(CONTIGS)]
            strand = "+" if g % 2 else "-"
            name = f"G{g}" if g else "ADA"
            n_ex = int(rng.integers(2, 15))
            exon_len = rng.integers(80, 300, size=n_ex)
            intron_len = rng.integers(300, 5000, size=n_ex)
            starts = pos[contig] + np.concatenate(([0], np.cumsum(exon_len + intron_len)[:-1]))
            ends = starts + exon_len
            gene_start, gene_end = int(starts[0]) + 1, int(ends[-1])
            pos[contig] = gene_end + 20_000
            base = _attrs(g, t, name, "").split("; transcript_id")[0] + ";"
            fh.write(f"{contig}\tHAVANA\tgene\t{gene_start}\t{gene_end}\t.\t{strand}\t.\t{base}\n")
            rows += 1
            for _ in range(int(per_gene[g])):
                keep = rng.random(n_ex) > 0.15
                keep[0] = keep[-1] = True
                rows += _transcript(fh, contig, strand, g, t, name, starts[keep], ends[keep])
                t += 1
    return {"genes": n_genes, "transcripts": t, "rows": rows, "bytes": path.stat().st_size}


def _transcript(fh, contig, strand, g, t, name, starts, ends) -> int:  # type: ignore[no-untyped-def]
    a = _attrs(g, t, name, "")
    fh.write(f"{contig}\tHAVANA\ttranscript\t{starts[0] + 1}\t{ends[-1]}\t.\t{strand}\t.\t{a}\n")
    n = 1
    coding = t % 5 < 3  # GENCODE: about 40% of transcripts are non-coding
    # CDS: from 40 nt into the first exon to 40 nt before the end of the last exon
    order = range(len(starts)) if strand == "+" else range(len(starts) - 1, -1, -1)
    for k, i in enumerate(order, start=1):
        s, e = int(starts[i]) + 1, int(ends[i])
        ex = f' exon_number {k}; exon_id "ENSE{t:08d}{k:03d}.1";'
        fh.write(f"{contig}\tHAVANA\texon\t{s}\t{e}\t.\t{strand}\t.\t{_attrs(g, t, name, ex)}\n")
        cs = s + 40 if i == 0 else s
        ce = e - 40 if i == len(starts) - 1 else e
        n += 1
        if not coding:
            continue
        fh.write(f"{contig}\tHAVANA\tCDS\t{cs}\t{ce}\t.\t{strand}\t0\t{_attrs(g, t, name, ex)}\n")
        n += 1
        if i in (0, len(starts) - 1):
            u0, u1 = (s, cs - 1) if i == 0 else (ce + 1, e)
            fh.write(
                f"{contig}\tHAVANA\tUTR\t{u0}\t{u1}\t.\t{strand}\t.\t{_attrs(g, t, name, ex)}\n"
            )
            n += 1
    return n


def _index_child(gtf: Path, index: Path) -> None:
    from vivo.io.annotation_index import index_annotation

    t0 = time.perf_counter()
    index_annotation(gtf, index)
    print(json.dumps({"index_seconds": time.perf_counter() - t0}))


def _lookup_child(index: Path, gene: str) -> None:
    t0 = time.perf_counter()
    from vivo.io.annotation_index import IndexedAnnotation

    t1 = time.perf_counter()
    ann = IndexedAnnotation(index)
    g = ann.gene(gene)
    t2 = time.perf_counter()
    ann2 = IndexedAnnotation(index)
    tx = ann2.transcript(g.canonical.transcript_id)
    t3 = time.perf_counter()
    print(json.dumps({"import_seconds": t1 - t0, "open_and_gene_seconds": t2 - t1,
                      "open_and_transcript_seconds": t3 - t2, "gene": g.name,
                      "transcripts": len(g.transcripts), "exons": len(tx.exons)}))  # fmt: skip


def _child(args: list[str]) -> tuple[dict[str, object], float, float]:
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - t0, max(rss_kb, before)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of GENCODE's size")
    ap.add_argument("--workdir", default=None, help="folder for the generated GTF (~1.5 GB)")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        if a.child[0] == "index":
            _index_child(Path(a.child[1]), Path(a.child[2]))
        else:
            _lookup_child(Path(a.child[1]), a.child[2])
        return
    with tempfile.TemporaryDirectory(dir=a.workdir) as tmp:
        gtf, index = Path(tmp) / "big.gtf", Path(tmp) / "big.sqlite"
        t0 = time.perf_counter()
        counts = generate(gtf, a.scale)
        gen_s = time.perf_counter() - t0
        print(f"generated {counts} in {gen_s:.0f} s", flush=True)
        idx, idx_wall, rss_kb = _child(["--child", "index", str(gtf), str(index)])
        print(f"indexing: {idx_wall:.1f} s wall, peak RSS {rss_kb / 1024:.0f} MB", flush=True)
        look, look_wall, _ = _child(["--child", "lookup", str(index), "ADA"])
        print(f"lookup: {look}; whole process {look_wall:.2f} s", flush=True)
        index_mb = index.stat().st_size / 2**20
    out = {
        "benchmark": "annotation_index_gencode_scale",
        "goals": {"index_seconds": 180, "index_peak_rss_mb": 2048, "open_and_gene_seconds": 0.5},
        "scale": a.scale, "gtf": counts, "generate_seconds": round(gen_s, 1),
        "index_seconds": round(float(idx["index_seconds"]), 1),  # type: ignore[arg-type]
        "index_wall_seconds_with_startup": round(idx_wall, 1),
        "index_peak_rss_mb": round(rss_kb / 1024), "index_mb": round(index_mb),
        "open_and_gene_seconds": round(float(look["open_and_gene_seconds"]), 4),  # type: ignore[arg-type]
        "open_and_transcript_seconds": round(float(look["open_and_transcript_seconds"]), 4),  # type: ignore[arg-type]
        "lookup_process_seconds_with_startup": round(look_wall, 2),
        "met": {"index_seconds": idx_wall <= 180, "index_peak_rss_mb": rss_kb / 1024 <= 2048,
                "open_and_gene_seconds": float(look["open_and_gene_seconds"]) <= 0.5},  # type: ignore[arg-type]
        "cpus": os.cpu_count(), "loadavg": os.getloadavg(), "python": platform.python_version(),
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    if not a.no_save:
        res = Path(__file__).parent / "results" / "annotation.json"
        res.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
