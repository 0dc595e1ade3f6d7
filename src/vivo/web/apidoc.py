"""The offline API reference at ``/docs``, rendered from the app's OpenAPI document (FastAPI's
default Swagger UI loads its JavaScript from a CDN, which an offline lab machine cannot reach)."""

from __future__ import annotations

from typing import Any

__all__ = ["endpoints"]


def _schema_fields(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, str]]:
    ref = schema.get("$ref", "")
    if ref:
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        kinds = [prop.get("type", "")] + [a.get("type", "") for a in prop.get("anyOf", [])]
        out.append({
            "name": name,
            "type": " or ".join(k for k in kinds if k and k != "null") or "value",
            "required": "yes" if name in required else "",
            "description": prop.get("description", ""),
        })  # fmt: skip
    return out


def endpoints(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per operation: method, path, summary, parameters and body fields."""
    components = openapi.get("components", {}).get("schemas", {})
    out = []
    for path, ops in openapi.get("paths", {}).items():
        for method, op in ops.items():
            params = [{"name": p["name"], "type": p.get("schema", {}).get("type", ""),
                       "required": "yes" if p.get("required") else "", "description": p["in"]}
                      for p in op.get("parameters", [])]  # fmt: skip
            body = op.get("requestBody", {}).get("content", {})
            fields: list[dict[str, str]] = []
            for content in body.values():
                fields += _schema_fields(content.get("schema", {}), components)
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "params": params + fields,
            })  # fmt: skip
    return out
