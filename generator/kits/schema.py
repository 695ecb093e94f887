"""A kit's JSON Schema: what an editor needs to complete, label and check a set as it is typed."""

from __future__ import annotations

from typing import Any

import msgspec

from ..kernel.model import Kernel
from .kit import IDENT, Field, Kit

_SCALARS: dict[str, dict[str, Any]] = {
    "texte": {"type": "string", "minLength": 1, "pattern": r"\S"},
    "entier": {"type": "integer"},
    "montant": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "booleen": {"type": "boolean"},
}


def _accent_free(text: str) -> str:
    from .values import plain_letters

    return plain_letters(text)


def field_schema(spec: Field) -> dict[str, Any]:
    """The JSON Schema of one field."""
    out: dict[str, Any] = {"title": spec.label}
    if spec.help:
        out["description"] = spec.help
    if spec.type in _SCALARS:
        out.update(_SCALARS[spec.type])
        if spec.type in ("entier", "montant"):
            if spec.min is not None:
                out["minimum"] = spec.min
            if spec.max is not None:
                out["maximum"] = spec.max
            if spec.type == "montant" and not spec.cents:
                out["multipleOf"] = 1
    elif spec.type == "choix":
        spellings = list(dict.fromkeys([*spec.choices, *map(_accent_free, spec.choices)]))
        out["enum"] = spellings
    elif spec.type == "section":
        out.update(type="object", additionalProperties=False,
                   properties={n: field_schema(f) for n, f in spec.fields.items()},
                   required=[n for n, f in spec.fields.items() if f.required and f.default is None])
    elif spec.type in ("liste", "table"):
        assert spec.element is not None
        counts = ("minItems", "maxItems") if spec.type == "liste" else (
            "minProperties", "maxProperties")
        if spec.type == "liste":
            out.update(type="array", items=field_schema(spec.element))
        else:
            out.update(type="object", propertyNames={"pattern": IDENT.pattern},
                       additionalProperties=field_schema(spec.element))
        for key, bound in zip(counts, (spec.min, spec.max), strict=True):
            if bound is not None:
                out[key] = bound
    if spec.example is not None and spec.type not in ("date",):
        out["examples"] = [spec.example]
    if not spec.required:
        out = {"anyOf": [out, {"type": "null"}], "title": spec.label}
    return out


def schema(kit: Kit) -> dict[str, Any]:
    """The JSON Schema of a variable set of KIT: the kernel's sections, then the kit's fields."""
    (kernel,), defs = msgspec.json.schema_components([Kernel], ref_template="#/$defs/{name}")
    kernel_def = defs.pop("Kernel")
    properties: dict[str, Any] = {"kit": {"const": kit.name, "title": "kit du jeu"}}
    properties.update(kernel_def["properties"])
    properties.update({n: field_schema(f) for n, f in kit.fields.items()})
    required = ["kit", *kernel_def.get("required", [])]
    required += [n for n, f in kit.fields.items() if f.required and f.default is None]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Jeu de variables du kit « {kit.name} » : {kit.title}",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required,
        "$defs": defs,
    }


def schema_text(kit: Kit) -> str:
    """The schema as the file ``templates/<kit>/schema.json`` holds it."""
    import json

    return json.dumps(schema(kit), ensure_ascii=False, indent=2, default=_iso) + "\n"


def _iso(value: Any) -> str:
    return value.isoformat()  # dates of examples, as the editor reads them: text
