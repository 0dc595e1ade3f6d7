"""Construct checks: every rule a cassette is held to, each with pass / warn / fail.

Capacity (digest §2), intact ORF and protein, Kozak context, cryptic polyA and splice motifs
inside the CDS, CpG (AAV: TLR9), homopolymers, restriction sites, placeholders, promoter–tissue
and vector–tissue consistency, CMV silencing, WPRE X-ORF, forward polyA in retroviral genomes
(digest §8 rules 1-8).

Examples
--------
>>> from vivo.delivery.cassettes import design_cassette
>>> from vivo.delivery.transgenes import get_transgene
>>> r = check_cassette(design_cassette(get_transgene("HBB"), vector="AAV", tissue="liver"))
>>> r.check("capacity").status, r.check("orf").status
('pass', 'pass')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

from vivo.core.errors import InputError
from vivo.core.seq import reverse_complement, translate
from vivo.delivery.capsids import get_tissue
from vivo.delivery.cassettes import TISSUE_PROMOTERS, Cassette
from vivo.delivery.motifs import DEFAULT_ENZYMES, find_restriction_sites, scan_motifs
from vivo.delivery.vectors import check_capacity, get_vector

__all__ = ["CassetteReport", "Check", "check_cassette"]

Status = Literal["pass", "warn", "fail"]
_RANK: Final[dict[str, int]] = {"pass": 0, "warn": 1, "fail": 2}
_GOLDEN_GATE: Final[tuple[str, ...]] = ("BsaI", "BsmBI")


@dataclass(frozen=True, slots=True)
class Check:
    """One rule's outcome."""

    name: str
    status: Status
    message: str
    details: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {"name": self.name, "status": self.status, "message": self.message,
                "details": self.details}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CassetteReport:
    """All checks of one cassette; ``status`` is the worst of them."""

    cassette: Cassette
    checks: tuple[Check, ...]

    @property
    def status(self) -> Status:
        """The worst status of all checks."""
        return max((c.status for c in self.checks), key=_RANK.__getitem__, default="pass")

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {"status": self.status, "checks": [c.to_dict() for c in self.checks]}

    def to_text(self) -> str:
        """One line per check: ``[PASS] name: message``."""
        head = f"{self.cassette.name}: {self.cassette.length_bp:,} bp, overall {self.status}"
        return "\n".join([head] + [f"[{c.status.upper()}] {c.name}: {c.message}"
                                   for c in self.checks])  # fmt: skip


def _capacity(c: Cassette, **_: object) -> Check:
    cap = check_capacity(c.vector, c.payload_bp())
    return Check("capacity", cap.status, cap.message, cap.to_dict())


def _placeholders(c: Cassette, **_: object) -> Check:
    ph = [f"{e.part.name} ({e.part.length_bp} bp, size {e.part.size_confidence})"
          for e in c.placeholders]  # fmt: skip
    if not ph:
        return Check("placeholders", "pass", "every part has a real sequence")
    return Check(
        "placeholders", "warn",
        f"size-only placeholder parts (N runs in the sequence): {', '.join(ph)}; supply their "
        "sequences before ordering DNA", {"parts": [e.part.name for e in c.placeholders]},
    )  # fmt: skip


def _cds_seq(c: Cassette) -> str | None:
    el = c.cds
    if el is None or el.part.is_placeholder:
        return None
    return c.element_sequence(el).upper()


def _orf(c: Cassette, **_: object) -> Check:
    seq = _cds_seq(c)
    if seq is None:
        return Check("orf", "warn", "no CDS sequence in the design (placeholder or absent)")
    problems = []
    if len(seq) % 3:
        problems.append(f"length {len(seq)} nt is not a multiple of 3")
    prot = translate(seq, partial="ignore")
    if not seq.startswith("ATG"):
        problems.append(f"starts with {seq[:3]}, not ATG")
    if not prot.endswith("*"):
        problems.append("no stop codon at the end")
    inner = [i + 1 for i, aa in enumerate(prot[:-1]) if aa == "*"]
    if inner:
        problems.append(f"internal stop codon(s) at codon {inner[:5]}")
    tg = c.transgene
    if tg and tg.protein and prot.rstrip("*") != tg.protein:
        problems.append("the CDS does not translate to the intended protein")
    if problems:
        return Check("orf", "fail", "; ".join(problems))
    return Check("orf", "pass", f"intact ORF: {len(seq)} nt → {len(prot) - 1} aa, frame and "
                 "stop correct" + (", protein identical" if tg and tg.protein else ""),
                 {"protein_length_aa": len(prot) - 1})  # fmt: skip


def _kozak(c: Cassette, **_: object) -> Check:
    el = c.cds
    if el is None:
        return Check("kozak", "warn", "no CDS in the design")
    if el.reverse:
        ctx = reverse_complement(c.sequence[el.end : el.end + 3])
    else:
        ctx = c.sequence[max(0, el.start - 3) : el.start]
    good = len(ctx) == 3 and ctx[0].upper() in "AG"
    return Check("kozak", "pass" if good else "warn",
                 f"-3 position is {ctx[:1] or 'absent'}" + (" (purine: good context)" if good
                 else "; Kozak consensus wants A/G at -3 (GCCACCATGG)"))  # fmt: skip


def _hygiene(c: Cassette, *, max_homopolymer: int, **_: object) -> list[Check]:
    seq = _cds_seq(c)
    if seq is None:
        return []
    scan = scan_motifs(seq, max_homopolymer=max_homopolymer, enzymes=())
    out = [
        _motif_check("cryptic_polya", scan.polya_signals, "AATAAA/ATTAAA polyA signal(s)"),
        _motif_check("cryptic_splice", (*scan.splice_donors, *scan.splice_acceptors),
                     "splice-site consensus match(es)"),
        _motif_check("homopolymers", [h[2] for h in scan.homopolymers],
                     f"homopolymer run(s) longer than {max_homopolymer} nt"),
    ]  # fmt: skip
    aav = get_vector(c.vector).family == "aav"
    status: Status = "warn" if (aav and scan.cpg_count) else "pass"
    total = c.sequence.upper().count("CG")
    msg = f"CDS has {scan.cpg_count} CpG ({scan.cpg_per_kb:.1f}/kb); cassette {total} in all"
    if status == "warn":
        msg += "; CpG in AAV genomes is sensed by TLR9: consider CpG depletion of the CDS"
    out.append(
        Check(
            "cpg",
            status,
            msg,
            {
                "cds_cpg": scan.cpg_count,
                "cassette_cpg": total,
                "cds_cpg_per_kb": round(scan.cpg_per_kb, 2),
            },
        )
    )
    return out


def _motif_check(name: str, positions: Iterable[int], what: str) -> Check:
    pos = sorted(positions)
    if not pos:
        return Check(name, "pass", f"no {what} in the CDS")
    first = ", ".join(str(p + 1) for p in pos[:5])
    return Check(name, "warn", f"{len(pos)} {what} in the CDS (CDS positions {first})",
                 {"cds_positions_1based": [p + 1 for p in pos]})  # fmt: skip


def _restriction(c: Cassette, *, enzymes: tuple[str, ...], **_: object) -> Check:
    sites = find_restriction_sites(c.sequence, enzymes)
    unique = sorted(e for e, p in sites.items() if len(p) == 1)
    absent = sorted(e for e, p in sites.items() if not p)
    gg = [e for e in _GOLDEN_GATE if sites.get(e)]
    status: Status = "warn" if gg else "pass"
    msg = f"unique cutters: {', '.join(unique) or 'none'}; non-cutters: {', '.join(absent)}"
    if gg:
        msg += f"; Golden Gate enzyme site(s) present: {', '.join(gg)}"
    return Check(
        "restriction_sites",
        status,
        msg,
        {"sites_1based": {e: [p + 1 for p in v] for e, v in sites.items() if v}},
    )


def _promoter_tissue(c: Cassette, **_: object) -> list[Check]:
    proms = [e.part for e in c.elements if e.part.kind == "promoter"]
    if c.tissue is None or not proms:
        return []
    p = proms[0]
    out = []
    ok = c.tissue in p.tissues or "ubiquitous" in p.tissues
    better = ", ".join(TISSUE_PROMOTERS.get(c.tissue, ())) or "a matching promoter"
    out.append(
        Check(
            "promoter_tissue",
            "pass" if ok else "warn",
            f"{p.name} is active in {', '.join(p.tissues) or 'unknown tissues'}"
            + ("" if ok else f"; for {c.tissue} use {better}"),
        )
    )
    if p.name == "CMV" and c.tissue in {"liver", "muscle", "heart"}:
        out.append(
            Check(
                "promoter_durability",
                "warn",
                "CMV is silenced by methylation in "
                f"{c.tissue} over time; prefer CAG, CBh, EF1a or a tissue promoter",
            )
        )
    return out  # fmt: skip


def _vector_tissue(c: Cassette, **_: object) -> list[Check]:
    if c.tissue is None:
        return []
    t, v = get_tissue(c.tissue), get_vector(c.vector)
    if not v.transduces_nondividing and not t.dividing:
        return [
            Check(
                "vector_tissue",
                "fail",
                f"{v.name} transduces dividing cells only; "
                f"{t.name} cells do not divide: use lentivirus or AAV",
            )
        ]
    if v.family == "aav" and t.dividing:
        return [
            Check(
                "vector_tissue",
                "warn",
                f"AAV genomes are episomal and are diluted as "
                f"{t.name} cells divide; an integrating vector persists",
            )
        ]
    if v.name == "scAAV" and t.name == "liver":
        return [
            Check(
                "vector_tissue",
                "warn",
                "scAAV triggers a stronger TLR9 innate response in liver than ssAAV",
            )
        ]
    if v.integrating:
        return [
            Check(
                "vector_tissue",
                "pass",
                f"{v.name} integrates: insertional-mutagenesis "
                f"risk {v.insertional_risk}; follow clonal integration sites",
            )
        ]
    return [Check("vector_tissue", "pass", f"{v.name} suits {t.name} ({t.setting})")]  # fmt: skip


def _elements(c: Cassette, **_: object) -> list[Check]:
    out = []
    v = get_vector(c.vector)
    if any(e.part.name == "WPRE" for e in c.elements):
        out.append(
            Check(
                "wpre",
                "warn",
                "full-length WPRE overlaps the WHV X ORF: prefer an "
                "X-deleted variant (WPRE-m / oPRE); sense orientation only",
            )
        )
    if v.family in {"lentivirus", "gammaretrovirus"}:
        fwd = [e.part.name for e in c.elements if e.part.kind == "polya" and not e.reverse]
        out.append(
            Check(
                "internal_polya",
                "warn" if fwd else "pass",
                f"forward polyA signal(s) {fwd} inside a retroviral genome truncate "
                "the vector RNA: reverse the cassette"
                if fwd
                else "no forward internal polyA in the vector genome",
            )
        )
    if v.family == "aav" and sum(e.part.kind == "itr" for e in c.elements) != 2:
        out.append(
            Check("itrs", "warn", "an AAV cassette needs two ITRs (capacity assumed 2 × 145 nt)")
        )
    return out  # fmt: skip


_RULES: Final[tuple[Callable[..., Check | list[Check]], ...]] = (
    _capacity, _placeholders, _orf, _kozak, _hygiene, _restriction, _promoter_tissue,
    _vector_tissue, _elements,
)  # fmt: skip


def check_cassette(
    cassette: Cassette,
    *,
    enzymes: Iterable[str] = DEFAULT_ENZYMES,
    max_homopolymer: int = 6,
) -> CassetteReport:
    """Run every rule on ``cassette``; the report lists pass / warn / fail with numbers."""
    if max_homopolymer < 2:
        raise InputError(f"max_homopolymer must be >= 2, got {max_homopolymer}")
    kw = {"enzymes": tuple(enzymes), "max_homopolymer": max_homopolymer}
    checks: list[Check] = []
    for rule in _RULES:
        res = rule(cassette, **kw)
        checks.extend(res if isinstance(res, list) else [res])
    return CassetteReport(cassette, tuple(checks))
