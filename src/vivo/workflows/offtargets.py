# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""The off-target job: open an index, search (locally or on a Dask cluster), write outputs.

``backend="dask"`` partitions the guides (and, with ``shards > 1``, the site table) into tasks
that run on the workers of a Dask distributed cluster; every worker memory-maps the same
on-disk index, so the index path must be visible to all workers.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from vivo.core.errors import EngineError, InputError
from vivo.editing.offtarget._kernels import RawHits, concat_hits
from vivo.editing.offtarget.backends import resolve_backend, search_kind
from vivo.editing.offtarget.results import GuideOffTargets, OffTargetSite
from vivo.editing.offtarget.search import decode_hits, iter_offtargets, plan_search, run_kernel
from vivo.genome.annotation import Annotation
from vivo.io.atomic import atomic_write
from vivo.io.sniff import read_text, require_file
from vivo.workflows.genome_index import genomes_home, index_checksum, open_index

__all__ = [
    "GuideSpecificity",
    "OffTargetRequest",
    "OffTargetRun",
    "guide_specificity",
    "read_guides",
    "run_offtargets",
    "write_sites",
]

OutputFormat = Literal["tsv", "json", "bed"]
OUTPUT_FORMATS: tuple[str, ...] = ("tsv", "json", "bed")
#: ``progress(what, done, total, unit)``, here with ``unit == "guides"``
Progress = Callable[[str, int, int, str], None]
_BACKENDS = ("auto", "numpy", "cpu", "gpu", "dask")
SCHEMA_VERSION = "1"
_TSV_FIELDS = (
    "guide", "contig", "start", "end", "strand", "pam", "site", "aligned_guide", "aligned_site",
    "mismatches", "dna_bulges", "rna_bulges", "cfd", "mit", "pam_weight", "cut", "soft_masked",
    "on_target", "genes", "region",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class OffTargetRequest:
    """One off-target job."""

    genome: str
    guides: tuple[str, ...]
    nuclease: str = "SpCas9"
    max_mismatches: int = 4
    dna_bulges: int = 0
    rna_bulges: int = 0
    backend: str = "auto"
    scheduler: str | None = None
    home: str | None = None
    max_hits_per_guide: int | None = None
    guides_per_task: int = 64
    shards: int = 1
    annotation: str | None = None
    pams: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.backend.strip().lower() not in _BACKENDS:
            raise InputError(
                f"unknown backend {self.backend!r}", hint="use " + ", ".join(_BACKENDS)
            )
        for what, value in (("guides_per_task", self.guides_per_task), ("shards", self.shards)):
            if not 1 <= value <= 1_000_000:
                raise InputError(f"{what}={value} is out of range", hint="use 1-1,000,000")
        if self.max_hits_per_guide is not None and self.max_hits_per_guide < 1:
            raise InputError("max_hits_per_guide must be at least 1 (or None for no cap)")


@dataclass(frozen=True, slots=True)
class OffTargetRun:
    """Per-guide results and provenance of a job."""

    guides: tuple[GuideOffTargets, ...]
    provenance: dict[str, object] = field(default_factory=dict)

    def sites(self) -> Iterator[OffTargetSite]:
        """All kept sites."""
        for g in self.guides:
            yield from g.sites()

    def to_dict(self) -> dict[str, object]:
        """JSON document (schema version 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "provenance": self.provenance,
            "guides": [
                {**g.summary(), "sites": [s.to_dict() for s in g.sites()]} for g in self.guides
            ],
        }


def read_guides(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """Spacers from a text file: one per line (first column of TSV/CSV; '#' comments)."""
    p = require_file(path, "guides file")
    out = []
    for line in read_text(p, what="guides file (one spacer per line)").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first = line.replace(",", "\t").split()[0]
        if first.lower() in {"guide", "spacer", "sequence"}:
            continue
        out.append(first)
    return tuple(out)


def _dask_task(
    home: str, genome: str, nuclease: str, spacers: tuple[str, ...], limits: object,
    row_range: tuple[int, int], first: int, backend: str, pams: tuple[str, ...] = (),
) -> RawHits:  # fmt: skip
    index = open_index(genome, nuclease=nuclease, home=home, check_source=False, pams=pams)
    hits = run_kernel(index, spacers, limits, backend, row_range=row_range)  # type: ignore[arg-type]
    return dataclasses.replace(hits, guide=hits.guide + np.int32(first))


def _client(scheduler: str | None):  # type: ignore[no-untyped-def]
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover
        raise InputError("the dask backend needs dask", hint="pip install 'vivo[dask]'") from exc
    if scheduler is None:
        return Client(LocalCluster(n_workers=1, threads_per_worker=2, processes=False))
    try:
        return Client(scheduler, timeout="5s")
    except (OSError, TimeoutError) as exc:
        raise EngineError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            hint="check the address (tcp://HOST:8786) and that `dask scheduler` is running",
        ) from exc


def _run_dask(
    request: OffTargetRequest, plan_args: dict[str, object], progress: Progress | None
) -> OffTargetRun:
    inner = resolve_backend("auto" if request.backend == "dask" else request.backend,
                            kind=search_kind(request.dna_bulges, request.rna_bulges))  # fmt: skip
    home = str(genomes_home(request.home))
    index = open_index(request.genome, nuclease=request.nuclease, home=home, pams=request.pams)
    plan = plan_search(index, request.guides, backend=inner, **plan_args)  # type: ignore[arg-type]
    n = index.n_sites
    cuts = np.linspace(0, n, max(1, request.shards) + 1).astype(np.int64)
    client = _client(request.scheduler)
    try:
        step = max(1, request.guides_per_task)
        futures = [
            client.submit(_dask_task, home, request.genome, request.nuclease,
                          plan.spacers[a : a + step], plan.settings.limits,
                          (int(cuts[s]), int(cuts[s + 1])), a, inner, request.pams,
                          pure=False)
            for a in range(0, len(plan.spacers), step) for s in range(len(cuts) - 1)
        ]  # fmt: skip
        hits = concat_hits(
            _gather(client, futures, progress, len(plan.spacers), step / (len(cuts) - 1))
        )
    finally:
        client.close()
    settings = dataclasses.replace(plan.settings, backend=f"dask({inner})")
    plan = dataclasses.replace(plan, settings=settings)
    return OffTargetRun(tuple(decode_hits(plan, hits, 0)), _provenance(request, settings))


def _gather(client, futures: list, progress: Progress | None, n: int, per_task: float) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Results of the Dask tasks in submission order, reporting guides as tasks finish."""
    if progress is None:
        return list(client.gather(futures))
    from distributed import as_completed

    for done, _ in enumerate(as_completed(futures), start=1):
        progress("searching (dask)", min(n, int(done * per_task)), n, "guides")
    return list(client.gather(futures))


def _annotation(path: str | None) -> Annotation | None:
    """Genes of a GTF/GFF3 file (hits are annotated with gene and exon/intron)."""
    if path is None:
        return None
    from vivo.io.gtf import read_annotation

    return read_annotation(path)


def _provenance(request: OffTargetRequest, settings: object) -> dict[str, object]:
    return {
        **settings.to_dict(),  # type: ignore[attr-defined]
        "genome": request.genome,
        "genome_sha256": index_checksum(request.genome, genomes_home(request.home)),
        "scheduler": request.scheduler,
        "annotation": request.annotation,
    }


def run_offtargets(request: OffTargetRequest, *, progress: Progress | None = None) -> OffTargetRun:
    """Search every guide of ``request`` in its genome's index; ``progress`` is told the
    guides searched after each batch."""
    plan_args: dict[str, object] = {
        "nuclease": request.nuclease, "max_mismatches": request.max_mismatches,
        "dna_bulges": request.dna_bulges, "rna_bulges": request.rna_bulges,
        "max_hits_per_guide": request.max_hits_per_guide, "on_targets": None,
        "annotation": _annotation(request.annotation),
    }  # fmt: skip
    if request.backend == "dask" or request.scheduler is not None:
        return _run_dask(request, plan_args, progress)
    index = open_index(request.genome, nuclease=request.nuclease, home=request.home,
                       pams=request.pams)  # fmt: skip
    found = []
    n = len(request.guides)
    if progress:
        progress("searching", 0, n, "guides")
    for g in iter_offtargets(index, request.guides, backend=request.backend, **plan_args):  # type: ignore[arg-type]
        found.append(g)
        if progress and (len(found) % _PROGRESS_EVERY == 0 or len(found) == n):
            progress("searching", len(found), n, "guides")
    guides = tuple(found)
    settings = plan_search(index, request.guides, backend=request.backend, **plan_args).settings  # type: ignore[arg-type]
    return OffTargetRun(guides, _provenance(request, settings))


_PROGRESS_EVERY = 8


def _tsv_value(v: object) -> str:
    if v is None:
        return "NA"
    if isinstance(v, tuple):
        return ",".join(v) or "."
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def write_sites(run: OffTargetRun, path: str | os.PathLike[str], fmt: OutputFormat) -> Path:
    """Write every site atomically as TSV (header), JSON (schema 1) or BED6 (0-based)."""
    if fmt not in OUTPUT_FORMATS:
        raise InputError(f"unknown output format {fmt!r}", hint="use tsv, json or bed")
    with atomic_write(path, "w") as fh:
        if fmt == "json":
            json.dump(run.to_dict(), fh, indent=1)
        elif fmt == "tsv":
            fh.write("\t".join(_TSV_FIELDS) + "\n")
            fh.writelines(_tsv_lines(run))
        elif fmt == "bed":
            fh.writelines(_lines(run.sites(), _bed_row))
        else:
            raise InputError(f"unknown output format {fmt!r}", hint="use tsv, json or bed")
    return Path(path)


def _lines(sites: Iterable[OffTargetSite], row: object) -> Iterator[str]:
    for s in sites:
        yield row(s) + "\n"  # type: ignore[operator]


def _tsv_lines(run: OffTargetRun) -> Iterator[str]:
    """The TSV rows of every kept site, from the columns of each chunk of sites (the fields of
    ``_TSV_FIELDS`` as :func:`_tsv_row` writes them, without building site records)."""
    for g in run.guides:
        for c in g.site_columns():
            cfd = ["NA" if v is None else f"{v:.6g}" for v in c["cfd"]]
            mit = ["NA" if v is None else f"{v:.6g}" for v in c["mit"]]
            genes = [",".join(x) or "." for x in c["genes"]]  # type: ignore[call-overload,arg-type]
            weight = [f"{v:.6g}" for v in c["pam_weight"]]
            for row in zip(c["guide"], c["contig"], c["start"], c["end"], c["strand"], c["pam"],
                           c["site"], c["aligned_guide"], c["aligned_site"], c["mismatches"],
                           c["dna_bulges"], c["rna_bulges"], cfd, mit, weight, c["cut"],
                           c["soft_masked"], c["on_target"], genes, c["region"],
                           strict=True):  # fmt: skip
                yield "\t".join(map(str, row)) + "\n"


def _tsv_row(s: OffTargetSite) -> str:
    # the fields of _TSV_FIELDS, each as _tsv_value writes it (spelled out: millions of rows)
    cfd = "NA" if s.cfd is None else f"{s.cfd:.6g}"
    mit = "NA" if s.mit is None else f"{s.mit:.6g}"
    genes = ",".join(s.genes) or "."
    return (
        f"{s.guide}\t{s.contig}\t{s.start}\t{s.end}\t{s.strand}\t{s.pam}\t{s.site}\t"
        f"{s.aligned_guide}\t{s.aligned_site}\t{s.mismatches}\t{s.dna_bulges}\t"
        f"{s.rna_bulges}\t{cfd}\t{mit}\t{s.pam_weight:.6g}\t{s.cut}\t{s.soft_masked}\t"
        f"{s.on_target}\t{genes}\t{s.region}"
    )


def _bed_row(s: OffTargetSite) -> str:
    score = 0 if s.cfd is None else round(1000 * s.cfd)
    name = f"{s.guide}:{s.mismatches}mm:{s.dna_bulges}D{s.rna_bulges}R"
    return f"{s.contig}\t{s.start}\t{s.end}\t{name}\t{score}\t{s.strand}"


def guides_from(args: Sequence[str], guides_file: str | None) -> tuple[str, ...]:
    """Guides from the command line and/or a file."""
    out = tuple(args) + (read_guides(guides_file) if guides_file else ())
    if not out:
        raise InputError("no guides given", hint="pass spacers as arguments or --guides FILE")
    return out


@dataclass(frozen=True, slots=True)
class GuideSpecificity:
    """Off-target summary of designed guides, keyed by ``Guide.guide_id``."""

    by_guide: dict[str, dict[str, object]]
    provenance: dict[str, object]

    def hook(self) -> dict[str, float]:
        """``guide_id -> cfd_specificity`` for ``design_guides(..., specificity=...)``."""
        return {gid: float(s["cfd_specificity"]) for gid, s in self.by_guide.items()}  # type: ignore[arg-type]


def guide_specificity(
    guides: Sequence[object],
    *,
    genome: str,
    nuclease: str = "SpCas9",
    max_mismatches: int = 4,
    home: str | None = None,
    backend: str = "auto",
) -> GuideSpecificity:
    """Search every designed guide in the indexed ``genome``, its own site as the on-target.

    ``guides`` are :class:`vivo.editing.guides.Guide` objects (spacer, contig, protospacer,
    strand); a guide whose own site is not in the index (other contig names) keeps it among
    its off-targets, and its summary says ``on_target_found: false``.
    """
    from vivo.core.coords import Locus
    from vivo.editing.offtarget.search import search_offtargets

    index = open_index(genome, nuclease=nuclease, home=home)
    spacers = [g.spacer for g in guides]  # type: ignore[attr-defined]
    loci = [Locus(g.contig, g.protospacer, g.strand) for g in guides]  # type: ignore[attr-defined]
    res = search_offtargets(index, spacers, nuclease=nuclease, max_mismatches=max_mismatches,
                            backend=backend, on_targets=loci)  # fmt: skip
    by_guide = {
        g.guide_id: {  # type: ignore[attr-defined]
            "offtargets_by_mismatches": list(r.counts_by_mismatches),
            "on_target_found": r.on_target_row >= 0,
            "cfd_specificity": r.specificity.cfd_specificity,
            "mit_specificity": r.specificity.mit_specificity,
        }
        for g, r in zip(guides, res.guides, strict=True)
    }
    prov = {**res.settings.to_dict(), "genome": genome,
            "genome_sha256": index_checksum(genome, genomes_home(home))}  # fmt: skip
    return GuideSpecificity(by_guide, prov)
