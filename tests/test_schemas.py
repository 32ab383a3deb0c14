"""The JSON Schemas: generated from the models, accept the examples, reject bad structure."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from promisecheck.cli import app
from promisecheck.inputs.model import Item, Member, Project, Spec, Team
from promisecheck.inputs.schemas import DIALECT, Kind, json_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def conforms(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> bool:
    """A small draft-7 checker covering the keywords the generated schemas use."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/definitions/")
        return conforms(value, root["definitions"][name], root)
    if "allOf" in schema and not all(conforms(value, s, root) for s in schema["allOf"]):
        return False
    if "anyOf" in schema and not any(conforms(value, s, root) for s in schema["anyOf"]):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return False
        properties = schema.get("properties", {})
        if any(key not in value for key in schema.get("required", [])):
            return False
        extra = schema.get("additionalProperties", True)
        for key, entry in value.items():
            if key in properties:
                if not conforms(entry, properties[key], root):
                    return False
            elif extra is False or (isinstance(extra, dict) and not conforms(entry, extra, root)):
                return False
    elif kind == "array":
        if not isinstance(value, list):
            return False
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            return False
        items = schema.get("items", {})
        pairs = (
            zip(items, value, strict=False)
            if isinstance(items, list)
            else ((items, entry) for entry in value)
        )
        if not all(conforms(entry, s, root) for s, entry in pairs):
            return False
    elif kind == "string":
        is_date = schema.get("format") == "date"
        # TOML has real dates; editors check them as strings of format "date".
        if not (isinstance(value, dt.date) if is_date else isinstance(value, str)):
            return False
        if len(str(value)) < schema.get("minLength", 0):
            return False
    elif kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if kind == "integer" and not isinstance(value, int):
            return False
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return False
    return True


def accepts(kind: Kind, path: Path) -> bool:
    schema = json_schema(kind)
    return conforms(tomllib.loads(path.read_text(encoding="utf-8")), schema, schema)


VALID = [
    p
    for p in sorted(EXAMPLES.rglob("*.toml"))
    if "invalid" not in p.parts and p.name in ("spec.toml", "team.toml")
]

# The invalid examples whose fault is one of structure, which a schema can see.
STRUCTURAL: dict[str, Kind] = {
    "unknown-key": "spec",
    "missing-key": "spec",
    "not-a-date": "spec",
    "wrong-type": "team",
    "allocation-out-of-range": "team",
    "focus-out-of-range": "team",
    "hours-per-day-out-of-range": "team",
    "empty-team": "team",
    "no-members": "team",
}


@pytest.mark.parametrize("path", VALID, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_every_example_conforms(path: Path) -> None:
    assert accepts("spec" if path.name == "spec.toml" else "team", path)


@pytest.mark.parametrize("case", sorted(STRUCTURAL))
def test_structurally_invalid_examples_are_rejected(case: str) -> None:
    kind = STRUCTURAL[case]
    assert not accepts(kind, EXAMPLES / "invalid" / case / f"{kind}.toml")


def test_schema_requires_exactly_what_the_models_require() -> None:
    spec, team = json_schema("spec"), json_schema("team")
    definitions = {**spec["definitions"], **team["definitions"]}
    models: list[tuple[type[BaseModel], dict[str, Any]]] = [
        (Spec, spec),
        (Team, team),
        (Project, definitions["Project"]),
        (Item, definitions["Item"]),
        (Member, definitions["Member"]),
    ]
    for model, schema in models:
        required = {name for name, field in model.model_fields.items() if field.is_required()}
        assert set(schema.get("required", [])) == required, model.__name__
        assert set(schema["properties"]) == set(model.model_fields), model.__name__
        assert schema["additionalProperties"] is False


KINDS: tuple[Kind, ...] = ("spec", "team")


def test_every_key_has_a_description_for_hover_help() -> None:
    for kind in KINDS:
        schema = json_schema(kind)
        for name, definition in schema["definitions"].items():
            for key, entry in definition["properties"].items():
                assert entry.get("description"), f"{name}.{key}"


def test_schema_is_draft_7_without_2020_keywords() -> None:
    for kind in KINDS:
        text = json.dumps(json_schema(kind))
        assert json_schema(kind)["$schema"] == DIALECT
        assert "prefixItems" not in text and "$defs" not in text
        assert '"type": "null"' not in text  # TOML has no null


def test_cli_prints_the_schema_and_rejects_an_unknown_kind(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "spec"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema("spec")
    out = tmp_path / "team.schema.json"
    assert runner.invoke(app, ["schema", "team", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == json_schema("team")
    assert runner.invoke(app, ["schema", "plan"]).exit_code == 2
