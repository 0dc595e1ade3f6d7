"""Genome-wide off-target search: validate, pick a backend once, run it, decode the hits.

The problem solved is defined in ``docs/offtarget.md``: every site on either strand next to a
PAM of the index's PAM set whose protospacer aligns to the spacer with at most
``max_mismatches`` mismatches, ``dna_bulges`` unpaired genome bases and ``rna_bulges`` unpaired
spacer bases is reported once per (strand, PAM, site length); nothing is dropped silently.

Examples
--------
>>> from vivo.editing.offtarget.index import pack_genome, build_site_index
>>> from vivo.editing.offtarget.encoding import pam_set
>>> g = pack_genome([("c1", "TT" + "GACGCATAAAGATGAGACGC" + "TGGAAA")])
>>> idx = build_site_index(g, pam_set("SpCas9"))
>>> res = search_offtargets(idx, ["GACGCATAAAGATGAGACGC"], backend="numpy", max_mismatches=1)
>>> [(s.contig, s.start, s.strand, s.pam, s.mismatches) for s in res.guides[0].sites()]
[('c1', 2, '+', 'TGG', 0)]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from vivo.core.coords import Locus
from vivo.core.errors import InputError
from vivo.editing.nucleases import Nuclease, get_nuclease
from vivo.editing.offtarget._kernels import GuideBatch, Limits, RawHits
from vivo.editing.offtarget.backends import (
    KernelBackend,
    kernel_module,
    resolve_backend,
    search_kind,
)
from vivo.editing.offtarget.encoding import WINDOW, guide_outward
from vivo.editing.offtarget.index import SiteIndex, gather_rows, release_pages
from vivo.editing.offtarget.results import GuideOffTargets, OffTargetResult, SearchSettings
from vivo.genome.annotation import Annotation

__all__ = [
    "MAX_BULGES",
    "MAX_MISMATCHES",
    "SearchPlan",
    "decode_hits",
    "iter_offtargets",
    "plan_search",
    "prepare_guides",
    "run_kernel",
    "search_offtargets",
]

MAX_MISMATCHES = 6
MAX_BULGES = 2


@dataclass(frozen=True, slots=True)
class SearchPlan:
    index: SiteIndex
    nuclease: Nuclease
    spacers: tuple[str, ...]
    settings: SearchSettings
    on_targets: tuple[Locus | None, ...]
    annotation: Annotation | None = field(default=None)


def check_limits(max_mismatches: int, dna_bulges: int, rna_bulges: int) -> Limits:
    """Validated search limits."""
    if not 0 <= max_mismatches <= MAX_MISMATCHES:
        raise InputError(
            f"max_mismatches={max_mismatches} is out of range",
            hint=f"use 0-{MAX_MISMATCHES}",
        )
    for name, value in (("dna_bulges", dna_bulges), ("rna_bulges", rna_bulges)):
        if not 0 <= value <= MAX_BULGES:
            raise InputError(f"{name}={value} is out of range", hint=f"use 0-{MAX_BULGES}")
    return Limits(max_mismatches, dna_bulges, rna_bulges)


def prepare_guides(spacers: Sequence[str], nuclease: Nuclease) -> tuple[str, ...]:
    """Upper-case, validated spacers (A/C/G/T only, a length the nuclease accepts)."""
    if isinstance(spacers, str):
        spacers = [spacers]
    out = []
    lo, hi = nuclease.spacer_range
    for k, raw in enumerate(spacers, start=1):
        s = raw.strip().upper().replace("U", "T")
        bad = sorted({c for c in s if c not in "ACGT"})
        if bad or not s:
            raise InputError(
                f"guide {k} ({raw!r}) has letters other than A, C, G, T: {''.join(bad)}",
                hint="give the spacer as DNA letters, without the PAM",
            )
        if not lo <= len(s) <= hi:
            raise InputError(
                f"guide {k} ({raw!r}) is {len(s)} nt; {nuclease.name} takes {lo}-{hi} nt",
                hint="give the spacer without the PAM",
            )
        out.append(s)
    if not out:
        raise InputError("no guides given", hint="give at least one spacer sequence")
    return tuple(out)


def _check_index(index: SiteIndex, nuclease: Nuclease) -> None:
    pams = index.pams
    if pams.side != nuclease.pam_side or pams.patterns[0] != nuclease.pam:
        raise InputError(
            f"the index was built for PAMs {'/'.join(pams.patterns)} ({pams.side}), not for "
            f"{nuclease.name} ({nuclease.pam}, {nuclease.pam_side})",
            hint=f"build an index for {nuclease.name}: vivo genome add NAME FILE "
            f"--nuclease {nuclease.name}",
        )


def guide_batch(spacers: Sequence[str], side: str) -> GuideBatch:
    """Spacers as a :class:`GuideBatch` (PAM-outward codes)."""
    codes = np.full((len(spacers), WINDOW), 4, dtype=np.uint8)
    for i, s in enumerate(spacers):
        codes[i, : len(s)] = guide_outward(s, side)  # type: ignore[arg-type]
    return GuideBatch(codes, np.array([len(s) for s in spacers], dtype=np.int64))


def run_kernel(
    index: SiteIndex,
    spacers: Sequence[str],
    limits: Limits,
    backend: KernelBackend,
    *,
    row_range: tuple[int, int] | None = None,
) -> RawHits:
    """Run one kernel on validated spacers (for the workflow layer's Dask tasks)."""
    batch = guide_batch(spacers, index.pams.side)
    hits: RawHits = kernel_module(backend).find_sites(index, batch, limits, row_range=row_range)
    release_pages(index.pw, index.dw, index.drow, index.win, index.nmask, index.meta)
    return hits


def _sort_hits(index: SiteIndex, hits: RawHits, lengths: npt.NDArray[np.int64]) -> RawHits:
    """Canonical order: guide, PAM position, strand, site length."""
    length = lengths[hits.guide] + hits.dna - hits.rna
    order = np.lexsort((length, index.meta[hits.row] & 1, index.pos[hits.row], hits.guide))
    return RawHits(
        hits.guide[order], hits.row[order], hits.mismatches[order], hits.dna[order],
        hits.rna[order],
    )  # fmt: skip


def _concrete(plan: SearchPlan) -> KernelBackend:
    """The kernel backend ``plan_search`` resolved (``auto`` is resolved once, there)."""
    backend = plan.settings.backend
    if backend not in ("numpy", "cpu", "gpu"):  # pragma: no cover - settings built elsewhere
        return resolve_backend(backend)
    return backend  # type: ignore[return-value]


def _gather(plan: SearchPlan, rows: npt.NDArray[np.int64]) -> SiteIndex:
    """The hit rows of the index: read on the device when the GPU backend holds the index
    there (no scattered reads of a memory-mapped file), else from the host arrays."""
    if plan.settings.backend == "gpu":
        from vivo.editing.offtarget._kernels.search import gpu

        got = gpu.gather_rows(plan.index, rows)
        if got is not None:
            return got
    return gather_rows(plan.index, rows)


def decode_hits(plan: SearchPlan, hits: RawHits, first_guide: int) -> list[GuideOffTargets]:
    """Per-guide results from raw hits of guides ``first_guide…`` (already validated)."""
    count = 0
    out = []
    spacers = plan.spacers[first_guide:]
    lengths = np.array([len(s) for s in spacers], dtype=np.int64)
    # decode from an in-memory copy of the hit rows only (bounded RSS on a memory-mapped index)
    uniq, inverse = np.unique(hits.row, return_inverse=True)
    plan = dataclasses.replace(plan, index=_gather(plan, uniq))
    hits = dataclasses.replace(hits, row=inverse.astype(np.int64).reshape(-1))
    hits = _sort_hits(plan.index, hits, lengths)
    bounds = np.searchsorted(hits.guide, np.arange(len(spacers) + 1))
    for gi, spacer in enumerate(spacers):
        a, b = int(bounds[gi]), int(bounds[gi + 1])
        count += b - a
        out.append(
            GuideOffTargets.from_hits(
                spacer=spacer,
                index=plan.index,
                nuclease=plan.nuclease,
                rows=hits.row[a:b],
                mismatches=hits.mismatches[a:b],
                dna=hits.dna[a:b],
                rna=hits.rna[a:b],
                settings=plan.settings,
                on_target=plan.on_targets[first_guide + gi],
                annotation=plan.annotation,
            )
        )
    return out


def plan_search(
    index: SiteIndex,
    guides: Sequence[str],
    *,
    nuclease: Nuclease | str,
    max_mismatches: int,
    dna_bulges: int,
    rna_bulges: int,
    backend: str,
    max_hits_per_guide: int | None,
    on_targets: Sequence[Locus | None] | None,
    annotation: Annotation | None,
) -> SearchPlan:
    nuc = get_nuclease(nuclease)
    limits = check_limits(max_mismatches, dna_bulges, rna_bulges)
    spacers = prepare_guides(guides, nuc)
    _check_index(index, nuc)
    if max_hits_per_guide is not None and max_hits_per_guide < 1:
        raise InputError("max_hits_per_guide must be at least 1 (or None for no cap)")
    targets = tuple(on_targets) if on_targets is not None else (None,) * len(spacers)
    if len(targets) != len(spacers):
        raise InputError("on_targets needs one entry (or None) per guide")
    settings = SearchSettings(
        nuclease=nuc.name,
        pams=index.pams.patterns,
        limits=limits,
        backend=resolve_backend(backend, kind=search_kind(dna_bulges, rna_bulges)),
        max_hits_per_guide=max_hits_per_guide,
    )
    return SearchPlan(index, nuc, spacers, settings, targets, annotation)


def iter_offtargets(
    index: SiteIndex,
    guides: Sequence[str],
    *,
    nuclease: Nuclease | str = "SpCas9",
    max_mismatches: int = 4,
    dna_bulges: int = 0,
    rna_bulges: int = 0,
    backend: str = "auto",
    max_hits_per_guide: int | None = None,
    on_targets: Sequence[Locus | None] | None = None,
    annotation: Annotation | None = None,
    batch_size: int = 64,
) -> Iterator[GuideOffTargets]:
    """Stream per-guide results, ``batch_size`` guides per kernel call (see
    :func:`search_offtargets` for the parameters)."""
    plan = plan_search(
        index, guides, nuclease=nuclease, max_mismatches=max_mismatches,
        dna_bulges=dna_bulges, rna_bulges=rna_bulges, backend=backend,
        max_hits_per_guide=max_hits_per_guide, on_targets=on_targets, annotation=annotation,
    )  # fmt: skip
    for start in range(0, len(plan.spacers), max(1, batch_size)):
        chunk = plan.spacers[start : start + batch_size]
        hits = run_kernel(index, chunk, plan.settings.limits, _concrete(plan))
        sub = SearchPlan(index, plan.nuclease, plan.spacers[: start + len(chunk)], plan.settings,
                    plan.on_targets, plan.annotation)  # fmt: skip
        yield from decode_hits(sub, hits, start)


def search_offtargets(
    index: SiteIndex,
    guides: Sequence[str],
    *,
    nuclease: Nuclease | str = "SpCas9",
    max_mismatches: int = 4,
    dna_bulges: int = 0,
    rna_bulges: int = 0,
    backend: str = "auto",
    max_hits_per_guide: int | None = None,
    on_targets: Sequence[Locus | None] | None = None,
    annotation: Annotation | None = None,
) -> OffTargetResult:
    """Find every off-target site of each guide in an indexed genome.

    Parameters
    ----------
    index:
        A site index (``vivo.workflows.genome_index.open_index`` or ``build_site_index``).
    guides:
        Spacers 5'->3' (DNA letters, no PAM).
    nuclease:
        Nuclease name or object; the index must have been built for its PAMs.
    max_mismatches, dna_bulges, rna_bulges:
        Limits (0-6, 0-2, 0-2).
    backend:
        ``auto`` (resolved once and recorded), ``numpy`` (the oracle), ``cpu`` or ``gpu``.
    max_hits_per_guide:
        Keep at most this many sites per guide; a guide that exceeds it is marked ``capped``
        (its counts and specificity still use every site).
    on_targets:
        Per guide, the intended locus (protospacer interval and strand), excluded from the
        specificity; when ``None`` one perfect canonical-PAM match is assumed to be it.
    annotation:
        Genes used to annotate each site (gene names, exon/intron).

    Returns
    -------
    OffTargetResult
    """
    plan = plan_search(
        index, guides, nuclease=nuclease, max_mismatches=max_mismatches,
        dna_bulges=dna_bulges, rna_bulges=rna_bulges, backend=backend,
        max_hits_per_guide=max_hits_per_guide, on_targets=on_targets, annotation=annotation,
    )  # fmt: skip
    hits = run_kernel(index, plan.spacers, plan.settings.limits, _concrete(plan))
    return OffTargetResult(tuple(decode_hits(plan, hits, 0)), plan.settings)
