"""Guide-level aggregate specificity from per-site CFD and MIT scores.

- ``mit_specificity`` = 100 × 100 / (100 + Σ MIT hit scores) (crispr.mit.edu; CRISPOR reports
  it rounded), 100 when there are no off-targets.
- ``cfd_specificity`` = 1 / (1 + Σ CFD) (GuideScan2), 1 when there are no off-targets.

Both sum over scored off-target sites, the on-target excluded. Bulged sites have no CFD/MIT
value and are counted separately.

>>> s = aggregate_specificity(np.array([0.5, 0.5]), np.array([50.0, 50.0]))
>>> s.mit_specificity, s.cfd_specificity
(50.0, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Specificity", "aggregate_specificity"]


@dataclass(frozen=True, slots=True)
class Specificity:
    """Aggregate specificity of one guide, with the sums it was computed from."""

    mit_specificity: float
    cfd_specificity: float
    sum_mit: float
    sum_cfd: float
    scored_offtargets: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready fields plus the formulas' names."""
        return {
            "mit_specificity": self.mit_specificity,
            "cfd_specificity": self.cfd_specificity,
            "sum_mit": self.sum_mit,
            "sum_cfd": self.sum_cfd,
            "scored_offtargets": self.scored_offtargets,
            "mit_formula": "100*100/(100+sum MIT) (Hsu 2013 / crispr.mit.edu)",
            "cfd_formula": "1/(1+sum CFD) (GuideScan2)",
        }


def aggregate_specificity(
    cfd: npt.NDArray[np.float64], mit: npt.NDArray[np.float64]
) -> Specificity:
    """Specificity from per-off-target CFD and MIT scores (NaN entries are ignored)."""
    c = float(np.nansum(cfd))
    m = float(np.nansum(mit))
    scored = int(np.count_nonzero(~np.isnan(cfd)))
    return Specificity(
        mit_specificity=100.0 * 100.0 / (100.0 + m),
        cfd_specificity=1.0 / (1.0 + c),
        sum_mit=m,
        sum_cfd=c,
        scored_offtargets=scored,
    )
