"""GitHub's REST contract for the emulator: response schemas and real webhook payloads.

The data comes from GitHub's official OpenAPI description (npm ``@octokit/openapi``) and
``@octokit/webhooks-examples``, cut down by ``scripts/extract_github_data.py`` into JSON
files shipped in ``hotfix_ci/testing/data/``. The emulator calls :func:`validate_response`
on every response so that it cannot drift from what real GitHub sends. A fast yes/no check
(:mod:`hotfix_ci.testing.schema_check`) runs first; jsonschema explains rejected bodies.

References:
- https://github.com/octokit/openapi and
  https://app.unpkg.com/@octokit/openapi@22.0.0/files/package.json (package layout)
- https://github.com/octokit/webhooks (the webhook example payloads)
- https://python-jsonschema.readthedocs.io/en/stable/validate/ (Draft202012Validator)
- https://github.com/python-jsonschema/jsonschema/releases?page=5 (``best_match`` descends
  into anyOf/oneOf unless all branches are equally applicable)
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from hotfix_ci.errors import UsageError
from hotfix_ci.testing.schema_check import Check, SchemaChecker

OPENAPI_FILE = "github-openapi-subset.json"
WEBHOOKS_FILE = "webhook-examples.json"
GITHUB_API_URL = "https://api.github.com"
MAX_VIOLATIONS = 20
MAX_MESSAGE_CHARS = 240
# Only these parameters may span several path segments: file paths of the contents API,
# fully qualified git refs (heads/hotfix/x) and branch names (hotfix/x).
_MULTI_SEGMENT = re.compile(r"/contents/\{path\}$|/git/.*\{ref\}$|/branches/\{branch\}$")
_PARAMETER = re.compile(r"\{([a-z_]+)\}")
_API_PREFIX = re.compile(r"^https://api\.github\.com(?=$|[/?#{])")


@dataclass(frozen=True)
class Operation:
    """One documented GitHub REST operation: ``GET /repos/{owner}/{repo}`` (repos/get)."""

    method: str
    path: str
    operation_id: str


@dataclass(frozen=True)
class _Route:
    operation: Operation
    pattern: re.Pattern[str]
    # status -> response schema, or None where GitHub documents no JSON body
    responses: dict[int, dict[str, Any] | None]


def _data_text(name: str) -> str:
    # hotfix_ci (not hotfix_ci.testing) is the anchor: it is always a regular package.
    return (resources.files("hotfix_ci") / "testing" / "data" / name).read_text("utf-8")


@functools.lru_cache(maxsize=1)
def _openapi() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_data_text(OPENAPI_FILE))
    return data


@functools.lru_cache(maxsize=1)
def _webhooks() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_data_text(WEBHOOKS_FILE))
    return data


def _compile_template(template: str) -> re.Pattern[str]:
    multi = _MULTI_SEGMENT.search(template)
    parts: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        if multi is not None and match.end() == len(template):
            parts.append(".+")
        elif name.endswith(("_number", "_id")):
            parts.append("[0-9]+")
        else:
            parts.append("[^/]+")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts) + "/?")


def _specificity(route: _Route) -> tuple[int, int, str]:
    segments = route.operation.path.strip("/").split("/")
    literal = sum(1 for segment in segments if "{" not in segment)
    # more literal segments first, then longer templates; the path breaks ties stably
    return (-literal, -len(segments), route.operation.path)


@functools.lru_cache(maxsize=1)
def _routes() -> dict[str, tuple[_Route, ...]]:
    by_method: dict[str, list[_Route]] = {}
    for entry in _openapi()["operations"]:
        operation = Operation(entry["method"], entry["path"], entry["operationId"])
        responses = {int(s): schema for s, schema in entry["responses"].items() if s.isdigit()}
        route = _Route(operation, _compile_template(operation.path), responses)
        by_method.setdefault(operation.method, []).append(route)
    return {method: tuple(sorted(rs, key=_specificity)) for method, rs in by_method.items()}


def operations() -> list[Operation]:
    """Every operation in the shipped subset, in a stable order."""
    return sorted(
        (route.operation for routes in _routes().values() for route in routes),
        key=lambda op: (op.path, op.method),
    )


@functools.lru_cache(maxsize=4096)
def _match(method: str, path: str) -> _Route | None:
    for route in _routes().get(method, ()):
        if route.pattern.fullmatch(path):
            return route
    return None


@functools.lru_cache(maxsize=1)
def _routes_by_id() -> dict[str, _Route]:
    return {r.operation.operation_id: r for routes in _routes().values() for r in routes}


def _response_schema(operation_id: str, status: int) -> dict[str, Any]:
    """The schema of one documented response; status 0 means the error fallback."""
    if status == 0:
        fallback: dict[str, Any] = _openapi()["errorFallback"]
        return fallback
    return _routes_by_id()[operation_id].responses[status] or {}


@functools.lru_cache(maxsize=1)
def _fast_checker() -> SchemaChecker:
    return SchemaChecker(_openapi()["$defs"])


@functools.lru_cache(maxsize=512)
def _fast_check(operation_id: str, status: int) -> Check:
    return _fast_checker().compile(_response_schema(operation_id, status))


@functools.lru_cache(maxsize=512)
def _validator(operation_id: str, status: int) -> Draft202012Validator:
    document = _openapi()
    # Each response schema becomes a root carrying the shared $defs. No format_checker on
    # purpose: GitHub's own examples do not all satisfy "uri" and "date-time".
    schema = _response_schema(operation_id, status)
    return Draft202012Validator(
        {"$schema": document["jsonSchemaDialect"], "$defs": document["$defs"], **schema}
    )


def validate_response(method: str, path: str, status: int, body: object) -> list[str]:
    """Check one response against GitHub's description; return violations, empty if valid.

    ``path`` is the concrete request path (``/repos/acme/web/pulls/7``); a query string is
    ignored. Bodies of undocumented 4xx/5xx statuses must be GitHub error bodies.
    """
    method = method.upper()
    route = _match(method, path.partition("?")[0])
    if route is None:
        return [f"no operation in the OpenAPI subset matches {method} {path}"]
    label = f"{method} {route.operation.path} {status}"
    empty = body is None or body in ("", b"")
    if status in route.responses:
        if route.responses[status] is not None:
            return _violations(label, route.operation.operation_id, status, body)
        if empty:
            return []
        if status < 400:
            return [f"{label}: GitHub sends no body with this status, got {_shorten(repr(body))}"]
    elif status < 400:
        documented = ", ".join(str(s) for s in sorted(route.responses))
        return [f"{label}: status not documented for this operation (documented: {documented})"]
    return _violations(label, "", 0, body)


def _violations(label: str, operation_id: str, status: int, body: object) -> list[str]:
    if _fast_check(operation_id, status)(body):
        return []
    found: list[str] = []
    for error in _validator(operation_id, status).iter_errors(body):
        if len(found) == MAX_VIOLATIONS:
            found.append(f"{label}: ... more violations not shown")
            break
        # best_match descends into anyOf/oneOf to the sub-error that explains the failure
        cause = best_match([error]) or error
        found.append(f"{label}: {_json_path(cause)}: {_shorten(cause.message)}")
    # Both checkers implement the same keywords; disagreeing is a bug here, not in the body.
    return found or [f"{label}: rejected by the fast checker only (bug in contract.py)"]


def _json_path(error: ValidationError) -> str:
    return "$" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )


def _shorten(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 3] + "..."


def webhook_example(
    event: str,
    action: str | None = None,
    api_url: str = GITHUB_API_URL,
    index: int = 0,
) -> dict[str, Any]:
    """A fresh copy of a real ``event`` payload (of ``action``, if given).

    Every string starting with ``https://api.github.com`` is rewritten to start with
    ``api_url`` so clients that follow those URLs stay on the emulator; ``https://github.com``
    links are left alone.
    """
    data = _webhooks()
    matching = [
        example["payload"]
        for example in data["examples"]
        if example["event"] == event and (action is None or example["action"] == action)
    ]
    wanted = f"{event}.{action}" if action else event
    source = f"{data['source']['package']} {data['source']['version']}"
    if not matching:
        available = sorted({_example_name(e) for e in data["examples"]})
        raise UsageError(
            f"no webhook example for {wanted}: {source} has none, or it was not extracted",
            hint=f"use one of: {', '.join(available)}; or add it to "
            "WEBHOOK_SELECTION in scripts/extract_github_data.py and re-run it",
        )
    if not 0 <= index < len(matching):
        raise UsageError(
            f"webhook example {wanted} #{index} does not exist: there are {len(matching)}",
            hint=f"pass index between 0 and {len(matching) - 1}",
        )
    payload: dict[str, Any] = _rewrite(matching[index], api_url.rstrip("/"))
    return payload


def _example_name(example: dict[str, Any]) -> str:
    action = example["action"]
    return f"{example['event']}.{action}" if action else str(example["event"])


def _rewrite(value: Any, api_url: str) -> Any:
    # Builds new containers all the way down, so the result is also a deep copy.
    if isinstance(value, dict):
        return {key: _rewrite(item, api_url) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, api_url) for item in value]
    if isinstance(value, str) and value.startswith(GITHUB_API_URL):
        return _API_PREFIX.sub(lambda _: api_url, value, count=1)
    return value
