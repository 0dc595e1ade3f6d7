"""On-target scoring: one module per model, a registry, and :func:`score_guides`.

=============  ===============================  ========================  ====================
name           model                            nucleases                 needs
=============  ===============================  ========================  ====================
``ruleset1``   Rule Set 1 (Doench 2014)         SpCas9 family, 20 nt NGG  —
``crisprscan`` CRISPRscan (Moreno-Mateos 2015)  SpCas9 family, 20 nt NGG  —
``ruleset3``   Rule Set 3 (DeWeirdt 2022)       SpCas9 family, 20 nt NGG  extra ``rs3``
``fold_mfe``   spacer self-folding MFE          any                       extra ``fold``
=============  ===============================  ========================  ====================

No Cas12a on-target model ships with vivo: Cas12a (5'-PAM) guides are never given a Cas9
score; they get the ``unscored`` flag instead.

>>> from vivo.genome.base import InMemoryGenome
>>> from vivo.editing.guides import find_guides
>>> g = InMemoryGenome({"c": "TATAGCTGCGATCTGAGGTAGGGAGGGACC"})
>>> scored = score_guides(find_guides(g, "c"), ["ruleset1"])
>>> scored[-1].spacer, round(scored[-1].score("ruleset1"), 4)
('GCTGCGATCTGAGGTAGGGA', 0.7131)
>>> scored[0].score("ruleset1") is None, scored[0].flags  # 30-mer runs past the contig start
(True, ('context_truncated', 'unscored'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from math import erf, isnan, sqrt
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import ModelInfo
from vivo.editing.guides import Guide
from vivo.editing.nucleases import NUCLEASES, Nuclease, get_nuclease
from vivo.editing.scoring import crisprscan, folding, ruleset1, ruleset3

__all__ = [
    "MODELS",
    "OnTargetModel",
    "available_models",
    "default_models",
    "score_guides",
]

Kind = Literal["efficiency", "diagnostic"]


@dataclass(frozen=True, slots=True)
class OnTargetModel:
    """A registered on-target model.

    ``upstream``/``downstream`` are the context bases it needs around protospacer + PAM
    (``None`` for models that read only the spacer); ``normalize`` maps a raw score to
    [0, 1] for ranking (monotone, documented per model).
    """

    name: str
    info: ModelInfo
    kind: Kind
    pam_sides: tuple[str, ...]
    spacer_length: int | None
    upstream: int | None
    downstream: int | None
    scorer: Callable[[Sequence[str]], npt.NDArray[np.float64]]
    normalize: Callable[[float], float]
    available: Callable[[], bool]
    install_hint: str = ""

    def unsupported_reason(self, nuclease: Nuclease) -> str | None:
        """Why this model cannot score guides of ``nuclease`` (``None`` if it can)."""
        if nuclease.pam_side not in self.pam_sides:
            return (
                f"{self.info.name} is a SpCas9 model; {nuclease.name} has a 5' PAM "
                "(Cas12a-like) and no on-target model in vivo"
            )
        if nuclease.family == "cas12a":
            return f"{self.info.name} does not apply to Cas12a nucleases"
        return None


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


def _phi(x: float) -> float:
    return 0.5 * (1.0 + erf(x / sqrt(2.0)))


_CAS9 = ("3prime",)
MODELS: Mapping[str, OnTargetModel] = MappingProxyType(
    {
        ruleset1.NAME: OnTargetModel(
            ruleset1.NAME, ruleset1.MODEL_INFO, "efficiency", _CAS9, 20,
            ruleset1.UPSTREAM, ruleset1.DOWNSTREAM, ruleset1.score_sequences, _clip01,
            lambda: True,
        ),
        crisprscan.NAME: OnTargetModel(
            crisprscan.NAME, crisprscan.MODEL_INFO, "efficiency", _CAS9, 20,
            crisprscan.UPSTREAM, crisprscan.DOWNSTREAM, crisprscan.score_sequences, _clip01,
            lambda: True,
        ),
        ruleset3.NAME: OnTargetModel(
            ruleset3.NAME, ruleset3.MODEL_INFO, "efficiency", _CAS9, 20,
            ruleset3.UPSTREAM, ruleset3.DOWNSTREAM, ruleset3.score_sequences, _phi,
            ruleset3.is_available, ruleset3.INSTALL_HINT,
        ),
        folding.NAME: OnTargetModel(
            folding.NAME, folding.MODEL_INFO, "diagnostic", ("3prime", "5prime"), None,
            None, None, folding.mfe_kcal_per_mol, lambda x: 0.0,
            folding.is_available, folding.INSTALL_HINT,
        ),
    }
)  # fmt: skip


def available_models() -> list[str]:
    """Names of the registered models whose dependencies are installed."""
    return [name for name, model in MODELS.items() if model.available()]


def default_models(nuclease: Nuclease | str) -> list[str]:
    """The installed efficiency models that apply to ``nuclease`` (may be empty)."""
    nuc = get_nuclease(nuclease)
    return [
        name
        for name, model in MODELS.items()
        if model.kind == "efficiency"
        and model.available()
        and model.unsupported_reason(nuc) is None
    ]


def _model(name: str) -> OnTargetModel:
    model = MODELS.get(name.strip().lower())
    if model is None:
        raise InputError(f"unknown score model {name!r}", hint="known: " + ", ".join(MODELS))
    if not model.available():
        raise DataError(f"score model {name!r} is not installed", hint=model.install_hint)
    return model


def _nuclease_of(guides: Sequence[Guide], nuclease: Nuclease | str | None) -> Nuclease | None:
    if nuclease is not None:
        return get_nuclease(nuclease)
    names = {g.nuclease for g in guides}
    if not names:
        return None
    if len(names) > 1:
        raise InputError("score_guides got guides of several nucleases; score them separately")
    name = names.pop()
    return NUCLEASES.get(name) or get_nuclease(name)


def _inputs(model: OnTargetModel, guides: Sequence[Guide]) -> list[str]:
    if model.upstream is None or model.downstream is None:
        return [g.spacer for g in guides]
    return [g.context_window(model.upstream, model.downstream) for g in guides]


def _values(model: OnTargetModel, guides: Sequence[Guide]) -> list[float | None]:
    usable = [i for i, g in enumerate(guides) if model.spacer_length in (None, len(g.spacer))]
    raw: Sequence[float] = []
    if usable:
        raw = model.scorer(_inputs(model, [guides[i] for i in usable])).tolist()
    out: list[float | None] = [None] * len(guides)
    for i, value in zip(usable, raw, strict=True):
        out[i] = None if isnan(value) else float(value)
    return out


def score_guides(
    guides: Iterable[Guide],
    models: Sequence[str] | None = None,
    *,
    nuclease: Nuclease | str | None = None,
) -> list[Guide]:
    """Add on-target scores to ``guides`` (copies; order kept).

    Parameters
    ----------
    guides:
        Guides of one nuclease, e.g. from :func:`~vivo.editing.guides.find_guides`.
    models:
        Model names (see :data:`MODELS`). ``None``: every installed efficiency model that
        applies to the nuclease (Rule Set 1, CRISPRscan, and Rule Set 3 when its extra is
        installed).
    nuclease:
        The guides' nuclease, needed for user-defined nucleases that are not in the catalog
        (default: looked up by the guides' ``nuclease`` name).

    A guide a model cannot score (spacer length other than the model's, no NGG PAM, N bases
    or context past a contig end) gets ``None`` for it. A guide that no efficiency model
    scored gets the ``unscored`` flag.

    Raises
    ------
    InputError
        For an unknown model, or one asked for a nuclease it does not support.
    DataError
        For a model whose optional extra is not installed (with the install command).
    """
    items = list(guides)
    nuc = _nuclease_of(items, nuclease)
    if nuc is None:
        return items
    names = default_models(nuc) if models is None else [m.strip().lower() for m in models]
    chosen = [_model(name) for name in names]
    for model in chosen:
        reason = model.unsupported_reason(nuc)
        if reason is not None:
            raise InputError(reason, hint="omit --model to use the models that apply")
    columns = {model.name: _values(model, items) for model in chosen}
    efficiency = [m.name for m in chosen if m.kind == "efficiency"]
    scored = []
    for i, guide in enumerate(items):
        new = guide.with_scores({name: col[i] for name, col in columns.items()})
        if all(columns[name][i] is None for name in efficiency) and "unscored" not in new.flags:
            new = replace(new, flags=(*new.flags, "unscored"))
        scored.append(new)
    return scored
