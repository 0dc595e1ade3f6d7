"""The decision flow as an inline SVG, with the chosen path highlighted (no external assets)."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["flow_svg"]

_STEP_W, _STEP_H, _GAP = 170, 64, 26
_FAMILIES = (
    ("induce", "induce"),
    ("add", "add"),
    ("correct", "correct"),
    ("silence", "silence"),
    ("cell", "cell therapy"),
)
_CHOSEN, _OTHER, _BLOCKED = "#1f6feb", "#d0d7de", "#f0f0f0"


def _wrap(text: str, width: int = 24) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > width and line:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return lines[:2] if len(lines) <= 2 else [lines[0], lines[1][: width - 1] + "…"]


def _box(x: int, y: int, title: str, body: str, *, fill: str, text: str, w: int = _STEP_W) -> str:
    lines = "".join(
        f'<tspan x="{x + w / 2}" dy="{15 if i else 0}">{escape(t)}</tspan>'
        for i, t in enumerate(_wrap(body))
    )
    return (
        f'<g><rect x="{x}" y="{y}" width="{w}" height="{_STEP_H}" rx="8" fill="{fill}" '
        f'stroke="#57606a"/><text x="{x + w / 2}" y="{y + 18}" text-anchor="middle" '
        f'font-size="11" font-weight="bold" fill="{text}">{escape(title)}</text>'
        f'<text x="{x + w / 2}" y="{y + 36}" text-anchor="middle" font-size="11" '
        f'fill="{text}">{lines}</text></g>'
    )


def _arrow(x1: int, y1: int, x2: int, y2: int, *, color: str) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" stroke-width="2.5" '
        'marker-end="url(#arrow)"/>'
    )


def _family_row(plan: dict[str, Any], x0: int, y: int) -> list[str]:
    chosen = next((o for o in plan["options"] if o["id"] == plan["chosen"]), None)
    out = []
    for i, (fam, label) in enumerate(_FAMILIES):
        opts = [o for o in plan["options"] if o["family"] == fam]
        feasible = [o for o in opts if o["feasibility"] != "impossible"]
        is_chosen = chosen is not None and chosen["family"] == fam
        fill = _CHOSEN if is_chosen else (_OTHER if feasible else _BLOCKED)
        body = (
            f"{len(feasible)} option(s)" if feasible else ("blocked" if opts else "not applicable")
        )
        out.append(
            _box(
                x0 + i * 130,
                y,
                label,
                body,
                fill=fill,
                text="#fff" if is_chosen else "#24292f",
                w=118,
            )
        )
    return out


def flow_svg(plan: dict[str, Any]) -> str:
    """SVG of the steps walked (top row) and the four strategy families (bottom row)."""
    steps = [s for s in plan["steps"] if s["key"] != "variant"]
    width = max(len(steps) * (_STEP_W + _GAP), len(_FAMILIES) * 130) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {max(width, 560)} 200" '
        'role="img" aria-label="decision flow" class="flow">',
        '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
        f'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{_CHOSEN}"/></marker></defs>',
    ]
    for i, s in enumerate(steps):
        x = 10 + i * (_STEP_W + _GAP)
        parts.append(
            _box(x, 10, s["key"].replace("_", " "), s["answer"], fill=_CHOSEN, text="#fff")
        )
        if i:
            parts.append(
                _arrow(x - _GAP, 10 + _STEP_H // 2, x - 2, 10 + _STEP_H // 2, color=_CHOSEN)
            )
    parts += _family_row(plan, 10, 110)
    parts.append("</svg>")
    return "".join(parts)
