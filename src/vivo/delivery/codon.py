"""Codon optimisation with DNA Chisel: methods, constraints, a seeded run, before/after report.

Methods (DNA Chisel ``CodonOptimize``): ``use_best_codon`` maximises the codon adaptation index
(CAI); ``match_codon_usage`` follows the host's codon-usage profile (Hale & Thomson 1998);
``harmonize_rca`` gives each codon the host-2 codon whose relative adaptiveness is closest to
the original codon's in host 1 (Claassens 2017). Constraints are hard: exact protein
(``EnforceTranslation``), GC bounds per window, no homopolymer longer than a limit, no sites
of chosen enzymes, optional CpG depletion (``AvoidPattern("CG")``, for AAV and TLR9), no
cryptic polyA signals or splice-site consensus matches.

DNA Chisel draws from numpy's *global* random state; :func:`optimize_codons` seeds it from the
caller's seed (or ``numpy.random.Generator``) for the run and restores it afterwards, so the
same seed gives the same sequence and the caller's global state is untouched.

DNA Chisel is an optional dependency: ``pip install 'vivo[design]'``.

Examples
--------
>>> round(codon_adaptation_index("ATGAAGTGA"), 3)
1.0
>>> res = optimize_codons(protein="MKRSLLVAGT", rng=1)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np

from vivo.core.errors import EngineError, InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.core.seq import GENETIC_CODE, translate, validate_protein
from vivo.delivery.motifs import (
    POLYA_SIGNALS,
    count_cpg,
    find_polya_signals,
    find_restriction_sites,
    find_splice_acceptors,
    find_splice_donors,
    longest_homopolymer,
)
from vivo.delivery.transgenes import back_translate, validate_cds

__all__ = [
    "HOSTS",
    "MODEL_INFO",
    "CodonConstraints",
    "CodonMethod",
    "CodonResult",
    "SequenceMetrics",
    "codon_adaptation_index",
    "codon_table",
    "optimize_codons",
    "sequence_metrics",
]

CodonMethod = Literal["use_best_codon", "match_codon_usage", "harmonize_rca"]
#: host short name → python_codon_tables table (Kazusa codon-usage database).
HOSTS: Final[dict[str, str]] = {
    "h_sapiens": "h_sapiens_9606",
    "m_musculus": "m_musculus_10090",
    "e_coli": "e_coli_316407",
    "s_cerevisiae": "s_cerevisiae_4932",
    "g_gallus": "g_gallus_9031",
    "d_melanogaster": "d_melanogaster_7227",
    "c_elegans": "c_elegans_6239",
    "b_subtilis": "b_subtilis_1423",
}
_INSTALL: Final = "install the design extra: pip install 'vivo[design]' (DNA Chisel)"
#: splice-site consensus avoided in the CDS (donor MAG|GTRAGT; acceptor Y12 N0-3 CAG|R).
SPLICE_PATTERNS: Final[tuple[str, ...]] = (
    "MAGGTRAGT",
    *("Y" * 12 + "N" * k + "CAGR" for k in range(4)),
)

MODEL_INFO: Final = ModelInfo(
    name="codon_optimization",
    version="1",
    citation=Citation(
        key="Zulkower2020",
        authors="Zulkower V, Rosser S",
        title="DNA Chisel, a versatile sequence optimizer",
        journal="Bioinformatics",
        year=2020,
        doi="10.1093/bioinformatics/btaa558",
    ),
    input_contract="protein (one-letter) or CDS (ATG..stop, whole codons); host codon table",
    notes="CAI per Sharp & Li 1987 (Met, Trp and stops excluded); DNA Chisel CodonOptimize",
    extra_citations=(
        Citation("SharpLi1987", "Sharp PM, Li WH", "The codon adaptation index",
                 "Nucleic Acids Res", 1987, doi="10.1093/nar/15.3.1281"),
        Citation("Claassens2017", "Claassens NJ et al.", "Improving heterologous membrane "
                 "protein production in Escherichia coli by combining transcriptional tuning "
                 "and codon usage algorithms", "PLoS One", 2017,
                 doi="10.1371/journal.pone.0184355"),
        Citation("Nakamura2000", "Nakamura Y, Gojobori T, Ikemura T", "Codon usage tabulated "
                 "from international DNA sequence databases", "Nucleic Acids Res", 2000,
                 doi="10.1093/nar/28.1.292"),
    ),
)  # fmt: skip


def _chisel() -> Any:
    try:
        import dnachisel
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise EngineError(f"codon optimisation needs DNA Chisel: {_INSTALL}") from exc
    return dnachisel


def codon_table(host: str = "h_sapiens") -> dict[str, dict[str, float]]:
    """Codon usage of ``host``: amino acid → codon → relative frequency (Kazusa)."""
    if host not in HOSTS:
        raise InputError(f"unknown host {host!r}", hint=f"known hosts: {', '.join(HOSTS)}")
    try:
        import python_codon_tables as pct
    except ImportError as exc:  # pragma: no cover
        raise EngineError(f"codon tables need python_codon_tables: {_INSTALL}") from exc
    table: dict[str, dict[str, float]] = pct.get_codons_table(HOSTS[host])
    return table


def codon_adaptation_index(cds: str, *, host: str = "h_sapiens") -> float:
    """CAI: geometric mean of w = f(codon) / max f(synonyms) (Sharp & Li 1987).

    Met, Trp (single codons) and stop codons are left out.
    """
    table = codon_table(host)
    seq = cds.upper()
    logs = []
    for i in range(0, len(seq) - len(seq) % 3, 3):
        codon = seq[i : i + 3]
        aa = GENETIC_CODE.get(codon)
        if aa is None or aa in "MW*":
            continue
        best = max(table[aa].values())
        logs.append(math.log(max(table[aa][codon], 1e-6) / best))
    return math.exp(sum(logs) / len(logs)) if logs else 1.0


@dataclass(frozen=True, slots=True)
class SequenceMetrics:
    """Before/after figures of a coding sequence (positions 1-based)."""

    length_bp: int
    cai: float
    gc_fraction: float
    cpg_count: int
    polya_signals: tuple[int, ...]
    splice_sites: tuple[int, ...]
    longest_homopolymer_bp: int
    restriction_sites: dict[str, list[int]]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "length_bp": self.length_bp,
            "cai": round(self.cai, 4),
            "gc_fraction": round(self.gc_fraction, 4),
            "cpg_count": self.cpg_count,
            "polya_signals_1based": list(self.polya_signals),
            "splice_sites_1based": list(self.splice_sites),
            "longest_homopolymer_bp": self.longest_homopolymer_bp,
            "restriction_sites_1based": self.restriction_sites,
        }


def sequence_metrics(
    cds: str, *, host: str = "h_sapiens", enzymes: tuple[str, ...] = ("BsaI", "BsmBI")
) -> SequenceMetrics:
    """CAI, GC, CpG, cryptic polyA and splice motifs, longest homopolymer, enzyme sites."""
    from vivo.core.seq import gc_content

    seq = cds.upper()
    splice = sorted({*find_splice_donors(seq), *find_splice_acceptors(seq)})
    sites = find_restriction_sites(seq, enzymes) if enzymes else {}
    return SequenceMetrics(
        len(seq), codon_adaptation_index(seq, host=host), gc_content(seq), count_cpg(seq),
        tuple(p + 1 for p in find_polya_signals(seq)), tuple(p + 1 for p in splice),
        longest_homopolymer(seq)[1], {e: [p + 1 for p in v] for e, v in sites.items() if v},
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class CodonConstraints:
    """Hard constraints of an optimisation (defaults suit a mammalian transgene)."""

    gc_min: float = 0.30
    gc_max: float = 0.70
    gc_window_bp: int = 50
    max_homopolymer: int = 6
    avoid_enzymes: tuple[str, ...] = ("BsaI", "BsmBI")
    deplete_cpg: bool = False
    avoid_polya: bool = True
    avoid_splice: bool = True
    avoid_patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.gc_min < self.gc_max <= 1:
            raise InputError(f"GC bounds must satisfy 0 <= min < max <= 1, got "
                             f"{self.gc_min}-{self.gc_max}")  # fmt: skip
        if self.gc_window_bp < 10:
            raise InputError(f"GC window must be >= 10 bp, got {self.gc_window_bp}")
        if self.max_homopolymer < 3:
            raise InputError(f"max homopolymer must be >= 3, got {self.max_homopolymer}")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "gc_min": self.gc_min, "gc_max": self.gc_max, "gc_window_bp": self.gc_window_bp,
            "max_homopolymer": self.max_homopolymer, "avoid_enzymes": list(self.avoid_enzymes),
            "deplete_cpg": self.deplete_cpg, "avoid_polya": self.avoid_polya,
            "avoid_splice": self.avoid_splice, "avoid_patterns": list(self.avoid_patterns),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class CodonResult:
    """An optimised CDS with its before/after metrics and provenance."""

    protein: str
    original: str
    sequence: str
    method: CodonMethod
    host: str
    seed: int
    constraints: CodonConstraints
    before: SequenceMetrics
    after: SequenceMetrics
    constraint_report: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed_codons(self) -> int:
        """How many codons differ from the starting sequence."""
        return sum(self.original[i : i + 3] != self.sequence[i : i + 3]
                   for i in range(0, len(self.sequence), 3))  # fmt: skip

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "method": self.method,
            "host": self.host,
            "seed": self.seed,
            "protein_length_aa": len(self.protein),
            "changed_codons": self.changed_codons,
            "constraints": self.constraints.to_dict(),
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "constraint_report": list(self.constraint_report),
            "sequence": self.sequence,
            "provenance": {"model": MODEL_INFO.as_dict(), "dnachisel": _chisel().__version__},
        }


def _specs(dc: Any, c: CodonConstraints, length: int) -> list[Any]:
    loc = (0, length, 1)
    specs = [
        dc.EnforceTranslation(location=loc),
        dc.EnforceGCContent(mini=c.gc_min, maxi=c.gc_max, window=c.gc_window_bp),
    ]
    specs += [dc.AvoidPattern(dc.HomopolymerPattern(b, c.max_homopolymer + 1)) for b in "ACGT"]
    specs += [dc.AvoidPattern(dc.EnzymeSitePattern(e)) for e in c.avoid_enzymes]
    patterns = list(c.avoid_patterns)
    if c.deplete_cpg:
        patterns.append("CG")
    if c.avoid_polya:
        patterns += list(POLYA_SIGNALS)
    if c.avoid_splice:
        patterns += list(SPLICE_PATTERNS)
    specs += [dc.AvoidPattern(p) for p in patterns]
    return specs


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed numpy's global state for DNA Chisel, restoring the caller's state afterwards."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _start(sequence: str | None, protein: str | None) -> tuple[str, str]:
    if sequence:
        cds = validate_cds(sequence)
        return cds, translate(cds)[:-1]
    if protein:
        prot = validate_protein(protein.strip().rstrip("*"))
        if "*" in prot:
            raise InputError(f"protein has an internal stop (*) at residue {prot.index('*') + 1}")
        if "X" in prot:
            raise InputError("protein has an unknown residue X: give every residue")
        return back_translate(prot + "*"), prot
    raise InputError("give a CDS (sequence=...) or a protein (protein=...) to optimise")


def _seed_of(rng: np.random.Generator | int) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**32 - 1))
    if rng < 0:
        raise InputError(f"seed must be >= 0, got {rng}")
    return int(rng)


def optimize_codons(
    sequence: str | None = None,
    *,
    protein: str | None = None,
    method: CodonMethod = "use_best_codon",
    host: str = "h_sapiens",
    original_host: str | None = None,
    constraints: CodonConstraints | None = None,
    rng: np.random.Generator | int = 0,
) -> CodonResult:
    """Optimise a CDS (or a protein, back-translated first) for ``host`` under constraints.

    Raises
    ------
    InputError
        For a bad CDS or protein, unknown host, or harmonisation without a native CDS.
    EngineError
        When DNA Chisel is missing or no sequence satisfies every constraint.
    """
    dc = _chisel()
    cons = constraints or CodonConstraints()
    codon_table(host)
    if method == "harmonize_rca" and (original_host is None or not sequence):
        raise InputError("harmonize_rca needs the native CDS (sequence=...) and original_host")
    start, prot = _start(sequence, protein)
    seed = _seed_of(rng)
    objective = dc.CodonOptimize(
        species=host, method=method, location=(0, len(start), 1),
        **({"original_species": original_host} if method == "harmonize_rca" else {}),
    )  # fmt: skip
    problem = dc.DnaOptimizationProblem(
        sequence=start, constraints=_specs(dc, cons, len(start)), objectives=[objective],
        logger=None,
    )  # fmt: skip
    with _seeded(seed):
        try:
            problem.resolve_constraints()
            problem.optimize()
        except dc.NoSolutionError as exc:
            raise EngineError(
                f"no sequence satisfies every constraint: {str(exc).splitlines()[0]}",
                hint="relax the GC bounds or window, the homopolymer limit or the motif list",
            ) from exc
    out = problem.sequence
    if translate(out)[:-1] != prot:  # pragma: no cover - EnforceTranslation guarantees it
        raise EngineError("optimised sequence does not translate to the protein")
    summary = tuple(
        f"{'PASS' if ev.passes else 'FAIL'} {ev.specification}"
        for ev in problem.constraints_evaluations().evaluations
    )
    enz = cons.avoid_enzymes
    return CodonResult(
        prot, start, out, method, host, seed, cons,
        sequence_metrics(start, host=host, enzymes=enz),
        sequence_metrics(out, host=host, enzymes=enz), summary,
    )  # fmt: skip
