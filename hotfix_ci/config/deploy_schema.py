"""The ``deploy:`` part of the config schema, built from the gates' and providers' own schemas.

``scripts/build_config_schema.py`` writes it into ``hotfix.schema.json`` (the file editors
and the loader use); a test fails when the two drift apart.
"""

from __future__ import annotations

import copy
from typing import Any

from hotfix_ci.config.gates_schema import GATES_SCHEMA, WATCH_SCHEMA
from hotfix_ci.config.urls import URL_PATTERN
from hotfix_ci.providers.registry import BUILTIN_PROVIDERS, settings_schema

NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"


def _without_meta(schema: dict[str, Any]) -> dict[str, Any]:
    inner = copy.deepcopy(schema)
    inner.pop("$schema", None)
    inner.pop("$id", None)
    return inner


def provider_schema() -> dict[str, Any]:
    """One provider entry; built-in types get their ``with:`` schema through if/then."""
    by_type = [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"with": _without_meta(settings_schema(name))}},
        }
        for name in sorted(BUILTIN_PROVIDERS)
    ]
    return {
        "type": "object",
        "description": "One deploy target; each gets its own matrix job.",
        "required": ["name", "type"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "type": "string",
                "pattern": NAME_PATTERN,
                "description": "Unique name within the environment (the matrix's provider).",
            },
            "type": {
                "type": "string",
                "description": "Built-in: "
                + ", ".join(sorted(BUILTIN_PROVIDERS))
                + "; or a plugin registered under the hotfix_ci.providers entry point.",
            },
            "with": {
                "type": "object",
                "description": "The provider's settings; {tag}, {version}, {sha} and "
                "{environment} are replaced.",
                "default": {},
            },
        },
        "allOf": by_type,
    }


def gates_schema() -> dict[str, Any]:
    """GATES_SCHEMA with its ``oneOf`` turned into if/then on ``type``.

    With ``oneOf`` a typo in one gate fails every branch and the only message is "not valid
    under any of the given schemas"; keyed on ``type`` the error names the bad key.
    """
    gates = _without_meta(GATES_SCHEMA)
    branches = gates["items"]["oneOf"]
    kinds = [branch["properties"]["type"]["const"] for branch in branches]
    gates["items"] = {
        "type": "object",
        "required": ["name", "type"],
        "properties": {
            "type": {"enum": kinds, "description": "Gate type: " + ", ".join(kinds) + "."}
        },
        "allOf": [
            {"if": {"properties": {"type": {"const": kind}}, "required": ["type"]}, "then": branch}
            for kind, branch in zip(kinds, branches, strict=True)
        ],
    }
    return gates


def environment_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "One environment (the GitHub Deployment environment).",
        "additionalProperties": False,
        "properties": {
            "url": {
                "type": "string",
                "pattern": URL_PATTERN,
                "description": "Public URL, recorded on the successful Deployment.",
            },
            "before": {
                "type": "array",
                "description": "Pre-deploy checks and backups, each an argument list; any "
                "failure stops before deploying.",
                "items": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "default": [],
            },
            "providers": {
                "type": "array",
                "minItems": 1,
                "description": "Where the release is deployed.",
                "items": provider_schema(),
            },
            "gates": gates_schema(),
            "watch": _without_meta(WATCH_SCHEMA),
            "rollback": {
                "type": "object",
                "description": "What happens when a gate fails.",
                "additionalProperties": False,
                "properties": {
                    "on_failure": {
                        "type": "boolean",
                        "default": True,
                        "description": "Roll back to the recorded point on its own.",
                    }
                },
            },
            "production": {
                "type": "boolean",
                "default": False,
                "description": "Mark the GitHub Deployment as a production environment.",
            },
            "transient": {
                "type": "boolean",
                "default": False,
                "description": "Mark the GitHub Deployment environment as transient.",
            },
        },
    }


def _titled(node: Any) -> Any:
    """Give every property a title (editors show it), derived from its key when absent."""
    if isinstance(node, dict):
        out = {key: _titled(value) for key, value in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            for key, prop in props.items():
                if isinstance(prop, dict) and "title" not in prop:
                    prop["title"] = key.replace("_", " ").capitalize()
        return out
    if isinstance(node, list):
        return [_titled(item) for item in node]
    return node


def deploy_schema() -> dict[str, Any]:
    titled: dict[str, Any] = _titled(_deploy_schema())
    return titled


def _deploy_schema() -> dict[str, Any]:
    return {
        "title": "Deployment",
        "description": "Environments, their providers, health gates and rollback.",
        "type": "object",
        "additionalProperties": False,
        "default": {},
        "properties": {
            "environments": {
                "title": "Environments",
                "type": "object",
                "description": "Environments by name.",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": environment_schema(),
                "default": {},
            }
        },
    }
