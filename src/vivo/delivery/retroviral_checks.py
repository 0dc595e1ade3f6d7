"""Checks of a retroviral (lentiviral or γ-retroviral) vector genome beyond the delivery checks
of every cassette (:func:`vivo.delivery.checks.check_cassette`): what matters for a genome that
is transcribed, packaged as RNA and reverse-transcribed.

* ``transcript_polya``: no AATAAA/ATTAAA polyadenylation signal in the sense of the vector
  transcript (LTRs excluded): one would truncate the packaged RNA (fail in the CDS, warn in a
  bundled part).
* ``cds_splice_donors``: no strong cryptic 5' splice donor (MAGGTRAGT) in the CDS, which could
  splice the vector RNA.
* ``excluded_sites``: none of the restriction sites the user excludes (fail in the CDS, warn in
  the bundled backbone).
* ``gc_windows``: CDS GC content in every 50-bp window within 30-70 % (warn outside): the
  bounds the codon optimiser enforces (:class:`vivo.delivery.codon.CodonConstraints`,
  ``docs/models/codon_optimization.md``).

The motifs are those of :mod:`vivo.delivery.motifs` (sources there).
"""

from __future__ import annotations

from typing import Any, Final

from vivo.core.seq import gc_content
from vivo.delivery.cassettes import Cassette
from vivo.delivery.checks import Check
from vivo.delivery.codon import CodonConstraints
from vivo.delivery.motifs import find_polya_signals, find_restriction_sites, find_splice_donors

__all__ = ["retroviral_checks"]

#: the GC bounds the codon optimiser enforces (one source: CodonConstraints' defaults)
_GC: Final = CodonConstraints()
_GC_WINDOW_BP: Final = _GC.gc_window_bp
_GC_BOUNDS: Final = (_GC.gc_min, _GC.gc_max)


def retroviral_checks(c: Cassette, avoid: tuple[str, ...] = ()) -> list[Check]:
    """The four checks of the module docstring, in that order (``avoid``: enzyme names the
    user excludes, already checked against the enzyme table)."""
    return [_polya_check(c), _splice_check(c), _sites_check(c, avoid), _gc_check(c)]


def _transcript_elements(c: Cassette) -> list[Any]:
    """Elements inside the vector transcript read in its sense (LTRs excluded)."""
    return [e for e in c.elements if e.part.kind != "ltr" and not e.reverse]


def _polya_check(c: Cassette) -> Check:
    hits = []
    for e in _transcript_elements(c):
        for p in find_polya_signals(c.sequence[e.start : e.end]):
            hits.append({"element": e.part.name, "position_1based": e.start + p + 1})
    bad = [h for h in hits if h["element"] == (c.cds.part.name if c.cds else "")]
    status = "fail" if bad else ("warn" if hits else "pass")
    msg = ("no AATAAA/ATTAAA polyadenylation signal in the sense of the vector transcript "
           "(LTRs excluded)") if not hits else (
        f"{len(hits)} polyA signal(s) in the sense of the vector transcript, in "
        f"{sorted({h['element'] for h in hits})}: they can truncate the packaged RNA")  # fmt: skip
    return Check("transcript_polya", status, msg, {"hits": hits})  # type: ignore[arg-type]


def _splice_check(c: Cassette) -> Check:
    el = c.cds
    seq = c.element_sequence(el) if el else ""
    donors = [p + 1 for p in find_splice_donors(seq)]
    if not donors:
        return Check("cds_splice_donors", "pass",
                     "no strong cryptic 5' splice donor (MAGGTRAGT) in the CDS")  # fmt: skip
    return Check("cds_splice_donors", "fail",
                 f"{len(donors)} strong cryptic splice donor(s) in the CDS at {donors[:5]}: "
                 "they can splice the vector RNA", {"cds_positions_1based": donors})  # fmt: skip


def _sites_check(c: Cassette, avoid: tuple[str, ...]) -> Check:
    if not avoid:
        return Check("excluded_sites", "pass", "no restriction sites excluded by the user")
    sites = find_restriction_sites(c.sequence, avoid)
    hits = {e: [p + 1 for p in v] for e, v in sites.items() if v}
    if not hits:
        return Check("excluded_sites", "pass", f"none of {', '.join(avoid)} in the construct")
    in_cds = c.cds is not None and any(
        c.cds.start < p <= c.cds.end for v in hits.values() for p in v)  # fmt: skip
    return Check("excluded_sites", "fail" if in_cds else "warn",
                 f"excluded site(s) present: {hits}" + (" (in the CDS)" if in_cds else
                 " (in bundled backbone parts, not the CDS)"), {"sites_1based": hits})  # fmt: skip


def _gc_check(c: Cassette) -> Check:
    seq = c.element_sequence(c.cds) if c.cds else ""
    w = _GC_WINDOW_BP
    gcs = [gc_content(seq[i : i + w]) for i in range(max(1, len(seq) - w + 1))]  # every window
    lo, hi = min(gcs), max(gcs)
    ok = _GC_BOUNDS[0] <= lo and hi <= _GC_BOUNDS[1]
    return Check("gc_windows", "pass" if ok else "warn",
                 f"CDS GC {gc_content(seq):.1%}; {w}-bp windows {lo:.0%}-{hi:.0%} "
                 f"(bounds {_GC_BOUNDS[0]:.0%}-{_GC_BOUNDS[1]:.0%})",
                 {"min": round(lo, 3), "max": round(hi, 3), "window_bp": w})  # fmt: skip
