"""The therapy dossier: a view model built from plan.json, rendered to one offline HTML file.

The HTML carries its CSS and SVG inline and loads nothing from the network.
"""

from __future__ import annotations

from typing import Any

from vivo.reports.flow_diagram import flow_svg

__all__ = ["build_view", "render_html"]


def _citations(data: dict[str, Any]) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    plan = data["plan"]
    for o in plan["options"]:
        for p in o["precedents"]:
            for s in p["sources"]:
                seen.setdefault(s["key"], s["url"])
    if plan.get("disease"):
        for s in plan["disease"]["sources"]:
            seen.setdefault(s["key"], s["url"])
    return [{"key": k, "url": v} for k, v in sorted(seen.items())]


def _trials(data: dict[str, Any]) -> dict[str, Any] | None:
    """plan.json's ``trials`` with each match's option title, and the matches by option."""
    trials = data.get("trials")
    if not trials:
        return None
    titles = {o["id"]: f"{o['rank']}. {o['title']}" for o in data["plan"]["options"]}
    rows = [
        dict(m, option_title=titles.get(m["option_id"] or "", "other trials for the disease"))
        for m in trials["matches"]
    ]
    by_option: dict[str, list[dict[str, Any]]] = {}
    for m in rows:
        by_option.setdefault(m["option_id"] or "", []).append(m)
    return dict(trials, rows=rows, by_option=by_option)


def build_view(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, derived from a plan.json document."""
    plan = data["plan"]
    q = plan["question"]
    variant = " + ".join(v["hgvs"].split(":")[-1] for v in q["variants"])
    sections: dict[str, list[dict[str, Any]]] = {}
    for s in data["sections"]:
        sections.setdefault(s["option_id"], []).append(s)
    options = [dict(o, sections=sections.get(o["id"], [])) for o in plan["options"]]
    subject = q["gene"] or (plan.get("acquired_disease") or {}).get("name", "")
    return {
        "title": f"vivo dossier: {subject} {variant}".strip(),
        "question": q,
        "disease": plan["disease"],
        "steps": plan["steps"],
        "flow_svg": flow_svg(plan),
        "feasible": [o for o in options if o["feasibility"] != "impossible"],
        "impossible": [o for o in options if o["feasibility"] == "impossible"],
        "chosen": plan["chosen"],
        "notes": plan["notes"],
        "genotype": plan.get("genotype"),
        "acquired": plan.get("acquired_disease"),
        "indication": plan.get("indication", "therapy"),
        "not_covered": plan.get("not_covered", []),
        "variant": data["variant_interpretation"],
        "provenance": data["provenance"],
        "schema_version": data["schema_version"],
        "citations": _citations(data),
        "trials": _trials(data),
    }


def render_html(data: dict[str, Any]) -> str:
    """Render a plan.json document as a self-contained HTML page."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vivo.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    view = build_view(data)
    return env.get_template("dossier.html.j2").render(
        **view, flow_svg_markup=Markup(view["flow_svg"])
    )
