"""Construct map figures (linear and plasmid-style circular) with DNA Features Viewer.

Needs matplotlib and dna_features_viewer: ``pip install 'vivo[design]'``.
"""

from __future__ import annotations

import io
from typing import Any, Final, Literal

from vivo.core.errors import EngineError, InputError
from vivo.delivery.cassettes import Cassette

__all__ = ["KIND_COLOURS", "render_construct_map"]

#: part kind → fill colour used on maps.
KIND_COLOURS: Final[dict[str, str]] = {
    "itr": "#9e9e9e", "ltr": "#9e9e9e", "packaging": "#cfcfcf", "promoter": "#4e79a7",
    "enhancer": "#76b7b2", "utr": "#edc948", "intron": "#bab0ac", "kozak": "#59a14f",
    "cds": "#e15759", "wpre": "#b07aa1", "polya": "#f28e2b", "element": "#ff9da7",
    "spacer": "#eeeeee",
}  # fmt: skip


def _graphic_record(cassette: Cassette, circular: bool) -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from dna_features_viewer import CircularGraphicRecord, GraphicFeature, GraphicRecord
    except ImportError as exc:  # pragma: no cover
        raise EngineError(
            "construct maps need matplotlib and dna_features_viewer: pip install 'vivo[design]'"
        ) from exc
    feats = [
        GraphicFeature(
            start=e.start, end=e.end, strand=-1 if e.reverse else 1,
            color="#ffffff" if e.part.is_placeholder else KIND_COLOURS[e.part.kind],
            label=e.part.name + (" (placeholder)" if e.part.is_placeholder else ""),
            linestyle="--" if e.part.is_placeholder else "-",
        )
        for e in cassette.elements
    ]  # fmt: skip
    cls = CircularGraphicRecord if circular else GraphicRecord
    return cls(sequence_length=cassette.length_bp, features=feats)


def render_construct_map(
    cassette: Cassette,
    *,
    fmt: Literal["svg", "png", "pdf"] = "svg",
    layout: Literal["linear", "circular"] = "linear",
) -> bytes:
    """Draw ``cassette`` as a linear or circular (plasmid-style) map; return the file bytes.

    Placeholder parts are drawn white with a dashed outline. The caller writes the bytes
    (atomically, e.g. with ``vivo.io.atomic``).
    """
    if fmt not in {"svg", "png", "pdf"}:
        raise InputError(f"unsupported figure format {fmt!r}", hint="use svg, png or pdf")
    record = _graphic_record(cassette, layout == "circular")
    import matplotlib.pyplot as plt

    ax, _ = record.plot(figure_width=12 if layout == "linear" else 8)
    ax.set_title(f"{cassette.name} ({cassette.length_bp:,} bp, {cassette.vector})")
    buf = io.BytesIO()
    ax.figure.savefig(buf, format=fmt, bbox_inches="tight", dpi=150)
    plt.close(ax.figure)
    return buf.getvalue()
