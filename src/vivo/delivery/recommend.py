"""Vector recommendation for a target tissue and a transgene size.

The estimate adds the smallest matching promoter, a Kozak, the transgene and a polyA (and the
ITRs for AAV) and checks it against each candidate vector's capacity. A transgene too large
for AAV gets the alternatives used in practice: dual AAV (split transgene), a high-capacity
vector, lentivirus ex vivo where the target cells can be taken out, or a shortened transgene
(as micro-dystrophin was for DMD).

Examples
--------
>>> rec = recommend_vectors(tissue="liver", transgene_bp=1386)
>>> rec.options[0].vector, rec.options[0].fits, rec.options[0].capsids[0]
('ssAAV', True, 'AAV8')
>>> big = recommend_vectors(tissue="muscle", transgene_bp=11058)
>>> any(o.fits for o in big.options if o.vector == "ssAAV")
False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vivo.core.errors import InputError
from vivo.delivery.capsids import capsids_for_tissue, get_tissue
from vivo.delivery.cassettes import TISSUE_PROMOTERS
from vivo.delivery.parts import get_part
from vivo.delivery.vectors import CapacityCheck, check_capacity, get_vector

__all__ = ["VectorOption", "VectorRecommendation", "recommend_vectors"]

_ITRS: Final = 2 * 145
_KOZAK: Final = 6


@dataclass(frozen=True, slots=True)
class VectorOption:
    """One candidate: the vector, capsids (AAV), promoter, estimated payload and its check."""

    vector: str
    promoter: str
    estimated_payload_bp: int
    capacity: CapacityCheck
    rationale: str
    capsids: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        """True unless the capacity check fails."""
        return self.capacity.status != "fail"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "vector": self.vector,
            "fits": self.fits,
            "capsids": list(self.capsids),
            "promoter": self.promoter,
            "estimated_payload_bp": self.estimated_payload_bp,
            "capacity": self.capacity.to_dict(),
            "rationale": self.rationale,
        }


@dataclass(frozen=True, slots=True)
class VectorRecommendation:
    """Ranked options (fitting first) and alternatives when nothing practical fits."""

    tissue: str
    transgene_bp: int
    options: tuple[VectorOption, ...]
    alternatives: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        return {
            "tissue": self.tissue,
            "transgene_bp": self.transgene_bp,
            "options": [o.to_dict() for o in self.options],
            "alternatives": list(self.alternatives),
        }


def _smallest_promoter(tissue: str) -> tuple[str, int]:
    parts = [get_part(n) for n in TISSUE_PROMOTERS[tissue]]
    best = min(parts, key=lambda p: p.length_bp)
    extra = get_part("beta_globin_LCR").length_bp if tissue == "erythroid" else 0
    return best.name, best.length_bp + extra


def _option(vector: str, tissue: str, transgene_bp: int, why: str) -> VectorOption:
    vec = get_vector(vector)
    prom, prom_bp = _smallest_promoter(tissue)
    polya = get_part("SPA").length_bp if vec.family == "aav" else get_part("bGH_polyA").length_bp
    payload = prom_bp + _KOZAK + transgene_bp + polya
    if vec.capacity_scope == "itr_to_itr":
        payload += _ITRS
    caps = tuple(c.name for c in capsids_for_tissue(tissue)) if vec.family == "aav" else ()
    return VectorOption(vec.name, prom, payload, check_capacity(vec, payload), why, caps)


def _candidates(tissue: str, setting: str, dividing: bool) -> list[tuple[str, str]]:
    if setting == "ex_vivo":
        out = [("lentivirus", "integrates and persists in dividing progeny; SIN design")]
        if dividing:
            out.append(("gammaretrovirus", "integrates; dividing cells only; higher "
                        "insertional-oncogenesis risk than lentivirus"))  # fmt: skip
        return out
    return [
        ("ssAAV", f"in vivo gene addition to non-dividing {tissue} cells; mostly episomal"),
        ("scAAV", "faster, stronger expression for small transgenes (half the capacity)"),
        ("HDAd", "high capacity (~30-37 kb), non-integrating; production needs a helper"),
    ]


def recommend_vectors(*, tissue: str, transgene_bp: int) -> VectorRecommendation:
    """Rank vectors for ``tissue`` and a transgene CDS of ``transgene_bp``."""
    if transgene_bp <= 0:
        raise InputError(f"transgene length must be > 0 bp, got {transgene_bp}")
    t = get_tissue(tissue)
    opts = [_option(v, t.name, transgene_bp, why)
            for v, why in _candidates(t.name, t.setting, t.dividing)]  # fmt: skip
    opts.sort(key=lambda o: (not o.fits, o.capacity.status != "pass"))
    alternatives: list[str] = []
    aav = [o for o in opts if o.vector == "ssAAV"]
    if aav and not aav[0].fits:
        half = transgene_bp // 2
        alternatives += [
            f"dual AAV: split the {transgene_bp:,}-bp transgene over two vectors (~{half:,} bp "
            "each; split intein, trans-splicing or overlapping designs)",
            "shorten the transgene to fit one AAV (as micro-dystrophin did for DMD)",
            "lentivirus ex vivo, if the target cells can be modified outside the body",
        ]
    return VectorRecommendation(t.name, transgene_bp, tuple(opts), tuple(alternatives))
