"""JSON Schemas of spec.toml and team.toml, generated from the models, for editors."""

from __future__ import annotations

import json
from typing import Any, Literal, assert_never

from pydantic import BaseModel

from promisecheck.inputs.model import Spec, Team

Kind = Literal["spec", "team"]
KINDS: tuple[Kind, ...] = ("spec", "team")

# Draft 7, not pydantic's 2020-12: Taplo (Even Better TOML) and most TOML editors implement
# the older drafts, which know neither `prefixItems` nor keywords beside a `$ref`.
DIALECT = "http://json-schema.org/draft-07/schema#"
TITLES: dict[Kind, str] = {
    "spec": "promisecheck proposal (spec.toml)",
    "team": "promisecheck team (team.toml)",
}


def _model(kind: Kind) -> type[BaseModel]:
    match kind:
        case "spec":
            return Spec
        case "team":
            return Team
        case _:
            assert_never(kind)


def json_schema(kind: Kind) -> dict[str, Any]:
    """The schema of one file kind: every key, its type, bounds and one-line description."""
    generated = _model(kind).model_json_schema(ref_template="#/definitions/{model}")
    definitions = generated.pop("$defs", {})
    schema: dict[str, Any] = {"$schema": DIALECT, **_for_editors(generated)}
    schema["title"] = TITLES[kind]
    if definitions:
        schema["definitions"] = {name: _for_editors(d) for name, d in definitions.items()}
    return schema


def render(kind: Kind) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def _for_editors(node: Any) -> Any:
    """Rewrite pydantic's output into the draft-7 subset editors understand, for TOML."""
    if isinstance(node, list):
        return [_for_editors(entry) for entry in node]
    if not isinstance(node, dict):
        return node
    node = {key: _for_editors(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        # TOML has no null: an optional key is one that is left out.
        rest = [option for option in options if option != {"type": "null"}]
        del node["anyOf"]
        if node.get("default", 0) is None:
            del node["default"]
        if len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node["anyOf"] = rest
    if "prefixItems" in node:
        node["items"] = node.pop("prefixItems")
    if "$ref" in node and len(node) > 1:
        # Older drafts ignore every keyword beside a $ref, descriptions included.
        node = {"allOf": [{"$ref": node.pop("$ref")}], **node}
    return node
