"""JSON Schemas of the input file kinds, generated from the pydantic models (Chinese titles kept)."""

from __future__ import annotations

import json
from pathlib import Path

from wenshu.atomic import atomic_write
from wenshu.models import FILE_KINDS


def schema_for(kind: str) -> dict:
    fk = FILE_KINDS[kind]
    schema = fk.model.model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"wenshu/{fk.schema_file}",
        **schema,
    }
    schema["title"] = f"{fk.title}（{fk.key}）"
    schema["description"] = fk.description
    return schema


def render_schema(kind: str) -> str:
    # ensure_ascii=False keeps the Chinese titles readable in editors; fixed indentation and a
    # trailing newline make the committed files byte-stable.
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, fk in FILE_KINDS.items():
        target = out / fk.schema_file
        text = render_schema(kind)
        atomic_write(target, text.encode("utf-8"), force=True)
        written.append(target)
    return written
