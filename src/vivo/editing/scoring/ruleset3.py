"""Rule Set 3 sequence model (DeWeirdt et al. 2022) for SpCas9 20-nt guides — optional extra.

The published model is a LightGBM regressor shipped inside the ``rs3`` wheel
(``rs3/RuleSet3.pkl``, identical in rs3 0.0.15-0.0.18). vivo does not copy it: with the
``rs3`` extra installed it builds the features with rs3's own ``featurize_context`` and
predicts with the model's LightGBM booster (``Booster.predict``), which works with current
LightGBM 4 / scikit-learn / numpy 2 on Python 3.11. (rs3's ``LGBMRegressor.predict`` wrapper
fails under LightGBM 4, rs3 issue #9; rs3 0.0.16+ pin versions that do not install on
Python 3.11, which is why the extra names rs3 0.0.15, whose pins are open.)

Install: ``pip install "vivo[rs3]"``. Input: 30-mers ``[4 nt][20-nt spacer][NGG][3 nt]``
and the tracrRNA variant (``Hsu2013`` or ``Chen2013``). Output: the model's raw prediction
(centred near 0; higher is more active).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import warnings
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from vivo.core.errors import DataError, InputError
from vivo.core.provenance import Citation, ModelInfo
from vivo.editing.scoring._motifs import encode

__all__ = [
    "DOWNSTREAM",
    "INSTALL_HINT",
    "LENGTH",
    "MODEL_INFO",
    "MODEL_SHA256",
    "NAME",
    "UPSTREAM",
    "Tracr",
    "is_available",
    "score_sequences",
]

NAME = "ruleset3"
UPSTREAM, DOWNSTREAM, LENGTH = 4, 3, 30
Tracr = Literal["Hsu2013", "Chen2013"]
#: sha256 of ``rs3/RuleSet3.pkl`` in rs3 0.0.15, 0.0.16, 0.0.17 and 0.0.18.
MODEL_SHA256 = "88e75f7cb7d17ecc636c71e279b31d4fc2314d85cee59a8d7d2d0301373b0b1e"
INSTALL_HINT = 'install the optional extra: pip install "vivo[rs3]"'

MODEL_INFO = ModelInfo(
    name="Rule Set 3 (sequence model)",
    version=f"rs3 RuleSet3.pkl sha256 {MODEL_SHA256[:12]}",
    citation=Citation(
        key="DeWeirdt2022",
        authors="DeWeirdt PC, McGee AV, Zheng F, Nwolah I, Hegde M, Doench JG",
        title="Accounting for small variations in the tracrRNA sequence improves sgRNA "
        "activity predictions for CRISPR screening",
        journal="Nat Commun",
        year=2022,
        doi="10.1038/s41467-022-33024-2",
    ),
    input_contract="30-mer 5'-[4 nt][20-nt spacer][NGG][3 nt]-3' on the protospacer strand, "
    "tracrRNA Hsu2013 or Chen2013; SpCas9 20-nt guides",
    notes="LightGBM model from the rs3 wheel, features from rs3.seq.featurize_context; "
    "raw prediction, higher is more active",
)


def is_available() -> bool:
    """True when the ``rs3`` extra (rs3, lightgbm, scikit-learn, pandas) is importable."""
    return all(importlib.util.find_spec(m) is not None for m in ("rs3", "lightgbm", "sklearn"))


@cache
def _model() -> tuple[Any, Any]:
    """(booster, featurize_context) from the installed rs3 package."""
    if not is_available():
        raise DataError("Rule Set 3 needs the optional rs3 extra, which is not installed",
                        hint=INSTALL_HINT)  # fmt: skip
    import joblib
    from rs3 import seq as rs3_seq

    raw = resources.files("rs3").joinpath("RuleSet3.pkl").read_bytes()  # rs3's own data file
    digest = hashlib.sha256(raw).hexdigest()
    if digest != MODEL_SHA256:
        raise DataError(
            f"rs3's RuleSet3.pkl has sha256 {digest[:12]}…, not the validated {MODEL_SHA256[:12]}…",
            hint='install the validated model: pip install "rs3==0.0.15" --no-deps',
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn version notes on unpickling
        model = joblib.load(io.BytesIO(raw))
    return model.booster_, rs3_seq.featurize_context


def score_sequences(
    sequences: Sequence[str], *, tracr: Tracr = "Hsu2013"
) -> npt.NDArray[np.float64]:
    """Rule Set 3 predictions for 30-mers; ``nan`` where a 30-mer has a non-ACGT base or no GG.

    Raises
    ------
    InputError
        For a 30-mer of the wrong length or an unknown tracrRNA.
    DataError
        When the rs3 extra is not installed (with the install command).
    """
    if tracr not in ("Hsu2013", "Chen2013"):
        raise InputError(f"unknown tracrRNA {tracr!r}", hint="use Hsu2013 or Chen2013")
    codes, ok = encode(sequences, LENGTH)
    ok &= (codes[:, 25] == ord("G")) & (codes[:, 26] == ord("G"))
    out = np.full(len(sequences), np.nan)
    if not ok.any():
        return out
    booster, featurize = _model()
    valid = [s.upper() for s, good in zip(sequences, ok, strict=True) if good]
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        features = featurize(valid, sequence_tracr=tracr)
        out[ok] = np.asarray(booster.predict(features), dtype=np.float64)
    return out
