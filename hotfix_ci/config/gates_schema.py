"""JSON schema fragments (Draft 2020-12) of ``gates:`` and ``watch:``, merged by the config
schema that editors and the config loader validate against.

The parser in :mod:`hotfix_ci.gates.spec` accepts exactly what these describe; the gate-name
pattern lives here so both use the same one.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.config.urls import URL_PATTERN
from hotfix_ci.durations import DURATION_PATTERN

GATE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

_DURATION_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": DURATION_PATTERN},
    ]
}


def _duration(description: str, default: str) -> dict[str, Any]:
    return {**_DURATION_SCHEMA, "description": description, "default": default}


_NAME = {"type": "string", "pattern": GATE_NAME_PATTERN, "description": "Unique gate name."}
_HEADERS = {
    "type": "object",
    "description": "Request headers; values may use ${VAR} from the environment (never logged).",
    "additionalProperties": {"type": "string"},
}


def _gate(kind: str, description: str, required: list[str], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["name", "type", *required],
        "additionalProperties": False,
        "properties": {
            "name": _NAME,
            "type": {"const": kind, "description": f"Gate type: {kind}."},
            **props,
        },
    }


_URL = {"type": "string", "pattern": URL_PATTERN, "description": "Absolute http(s) URL."}
_HTTP_GATE = _gate(
    "http",
    "GET a URL and check the answer.",
    ["url"],
    url={**_URL, "description": "URL to GET."},
    headers=_HEADERS,
    expect={
        "type": "object",
        "description": "What a healthy answer looks like.",
        "additionalProperties": False,
        "properties": {
            "status": {
                "description": "Accepted HTTP status(es); default any 2xx.",
                "oneOf": [
                    {"type": "integer", "minimum": 100, "maximum": 599},
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "integer", "minimum": 100, "maximum": 599},
                    },
                ],
            },
            "json": {"type": "object", "description": "Subset the JSON body must contain."},
            "contains": {"type": "string", "description": "Text the body must contain."},
            "max_latency_ms": {
                "type": "number",
                "exclusiveMinimum": 0,
                "description": "Slowest acceptable answer, in milliseconds.",
            },
        },
    },
)
_PROMETHEUS_GATE = _gate(
    "prometheus",
    "Run an instant PromQL query and compare its value.",
    ["url", "query"],
    url={**_URL, "description": "Prometheus base URL (without /api/v1)."},
    query={"type": "string", "minLength": 1, "description": "PromQL instant query."},
    max={"type": "number", "description": "Fail when the value is above this."},
    min={"type": "number", "description": "Fail when the value is below this."},
    on_no_data={
        "enum": ["fail", "pass", "ignore"],
        "default": "fail",
        "description": "What an empty (or NaN) result means; ignore neither fails nor passes.",
    },
    headers=_HEADERS,
)
_PROMETHEUS_GATE["anyOf"] = [{"required": ["max"]}, {"required": ["min"]}]
_COMMAND_GATE = _gate(
    "command",
    "Run a command; exit 0 passes, its last output line is the probe detail.",
    ["run"],
    run={
        "type": "array",
        "minItems": 1,
        "items": {"type": "string"},
        "description": "Argument list (no shell).",
    },
)

GATES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Post-deploy health gates, probed by the watch loop.",
    "items": {"oneOf": [_HTTP_GATE, _PROMETHEUS_GATE, _COMMAND_GATE]},
}
WATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "When and how long the gates are probed after a deploy.",
    "additionalProperties": False,
    "properties": {
        "initial_delay": _duration("Wait before the first probe.", "15s"),
        "interval": _duration("Time between probe rounds.", "10s"),
        "duration": _duration("How long to keep probing.", "5m"),
        "failure_limit": {
            "type": "integer",
            "minimum": 1,
            "default": 3,
            "description": "Consecutive failed probes of one gate that fail the deploy.",
        },
        "timeout": _duration("Timeout of one probe (a transport error is retried once).", "5s"),
    },
}
