"""Extract the slice of GitHub's REST description and webhook examples the emulator needs.

Reads two npm packages (neither is needed at test time) and writes small committed files:

- ``hotfix_ci/testing/data/github-openapi-subset.json``: the response schemas of the
  operations the toolkit calls, converted from OpenAPI 3.0.3 to JSON Schema 2020-12 and
  sharing one ``$defs`` table.
- ``hotfix_ci/testing/data/github-openapi-examples.json``: GitHub's example response bodies
  of those operations, for tests (and for the emulator to seed realistic objects).
- ``hotfix_ci/testing/data/webhook-examples.json``: real event payloads.

Sources:
- @octokit/openapi (GitHub's official description): https://github.com/octokit/openapi
- @octokit/webhooks-examples: https://github.com/octokit/webhooks
- OpenAPI 3.0 ``nullable`` vs JSON Schema: https://spec.openapis.org/oas/v3.0.3#fixed-fields-19
  and https://www.openapis.org/blog/2021/02/16/migrating-from-openapi-3-0-to-3-1-0

Usage: ``python scripts/extract_github_data.py [--node-modules DIR] [--output-dir DIR]``.
Output is deterministic: sorted keys, a fixed selection, no timestamps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "hotfix_ci" / "testing" / "data"
OPENAPI_PACKAGE = "@octokit/openapi"
OPENAPI_FILE = "generated/api.github.com.json"
WEBHOOKS_PACKAGE = "@octokit/webhooks-examples"
WEBHOOKS_FILE = "api.github.com/index.json"

OPERATION_IDS = (
    "repos/get", "pulls/get", "pulls/list", "pulls/create", "pulls/update", "pulls/list-files",
    "pulls/list-reviews", "pulls/list-commits", "issues/get", "issues/create", "issues/update",
    "issues/list-labels-on-issue", "issues/add-labels", "issues/list-events",
    "issues/list-comments", "issues/create-comment", "issues/update-comment",
    "repos/get-collaborator-permission-level", "teams/get-membership-for-user-in-org",
    "checks/create", "checks/update", "checks/list-for-ref", "checks/list-annotations",
    "repos/get-commit", "repos/list-pull-requests-associated-with-commit", "repos/list-tags",
    "git/get-ref", "git/list-matching-refs", "git/create-ref", "git/update-ref",
    "git/delete-ref", "git/create-tag", "git/get-tag", "git/get-commit", "repos/list-releases",
    "repos/create-release", "repos/get-release-by-tag", "repos/update-release",
    "repos/create-deployment", "repos/list-deployments", "repos/get-deployment",
    "repos/create-deployment-status", "repos/list-deployment-statuses", "repos/get-content",
    "repos/create-or-update-file-contents", "repos/get-branch", "users/get-authenticated",
    "rate-limit/get", "issues/list-for-repo", "checks/get", "repos/get-release",
    "issues/remove-label", "issues/delete-comment", "pulls/merge",
    # hotfix-ci doctor: the repository's setup
    "repos/get-branch-protection", "repos/get-branch-rules", "repos/get-all-environments",
    "repos/get-environment", "actions/list-environment-secrets", "actions/list-repo-secrets",
    "actions/list-repo-organization-secrets",
)  # fmt: skip
# Error bodies are validated even where an operation does not reference these.
ERROR_SCHEMAS = ("basic-error", "validation-error", "validation-error-simple")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# (event, action or None, prefix of payload["ref"], how many); the first matching ones in
# source order are kept. Push gets one branch push and one tag push: the toolkit sees both.
WEBHOOK_SELECTION: tuple[tuple[str, str | None, str, int], ...] = (
    ("pull_request", "opened", "", 1),
    ("pull_request", "labeled", "", 1),
    ("pull_request", "synchronize", "", 1),
    ("pull_request", "closed", "", 1),
    ("pull_request", "edited", "", 1),
    ("pull_request", "reopened", "", 1),
    ("pull_request_review", "submitted", "", 1),
    ("push", None, "refs/heads/", 1),
    ("push", None, "refs/tags/", 1),
    ("workflow_dispatch", None, "", 1),
    ("workflow_run", "completed", "", 2),
    ("merge_group", "checks_requested", "", 1),
)

# Annotations and OpenAPI-only keywords: they never change whether a body is valid.
DROPPED_KEYWORDS = frozenset(
    {"example", "examples", "discriminator", "xml", "externalDocs", "description", "title",
     "default", "deprecated", "readOnly", "writeOnly"}
)  # fmt: skip
# Exactly what hotfix_ci.testing.contract's fast checker implements: a new keyword in a
# future description stops the extraction here instead of being silently ignored there.
KEPT_KEYWORDS = frozenset(
    {"type", "properties", "required", "items", "enum", "allOf", "anyOf", "oneOf", "not",
     "additionalProperties", "minimum", "maximum", "minLength", "maxLength", "format"}
)  # fmt: skip
COMBINATORS = ("$ref", "allOf", "anyOf", "oneOf", "not")


class SchemaConverter:
    """Converts OpenAPI 3.0 schemas, collecting every referenced component into ``defs``."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.defs: dict[str, Any] = {}

    def resolve(self, ref: str) -> Any:
        node: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def define(self, name: str) -> str:
        if name not in self.defs:
            self.defs[name] = {}  # placeholder first: components refer to themselves
            self.defs[name] = self.convert(self.document["components"]["schemas"][name])
        return f"#/$defs/{name}"

    def convert(self, schema: dict[str, Any]) -> dict[str, Any]:
        nullable = schema.get("nullable") is True
        if "$ref" in schema:
            # OpenAPI 3.0 ignores siblings of $ref; only ``nullable`` is honoured by tools.
            name = schema["$ref"].removeprefix("#/components/schemas/")
            converted: dict[str, Any] = {"$ref": self.define(name)}
        else:
            converted = {}
            for key, value in schema.items():
                if key == "nullable" or key in DROPPED_KEYWORDS or key.startswith("x-"):
                    continue
                if key not in KEPT_KEYWORDS:
                    raise SystemExit(f"unsupported schema keyword {key!r} in {schema}")
                # GitHub's oneOf branches overlap (basic-error vs repository-rule-violation-error
                # have no required keys), so a body GitHub really sends matches several and a
                # strict oneOf rejects it. The contract question is "one of the documented
                # shapes?", which is anyOf.
                target = "anyOf" if key == "oneOf" else key
                converted[target] = self.convert_keyword(key, value)
        if not nullable:
            return converted
        if any(key in converted for key in COMBINATORS):
            return {"anyOf": [converted, {"type": "null"}]}
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        if "enum" in converted and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        return converted

    def convert_keyword(self, key: str, value: Any) -> Any:
        if key == "properties":
            return {name: self.convert(sub) for name, sub in value.items()}
        if key in ("allOf", "anyOf", "oneOf"):
            return [self.convert(sub) for sub in value]
        if key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            return self.convert(value)
        return value

    def response_schema(self, response: dict[str, Any]) -> dict[str, Any] | None:
        if "$ref" in response:
            response = self.resolve(response["$ref"])
        content = response.get("content") or {}
        media = content.get("application/json") or next(
            (v for k, v in sorted(content.items()) if k.endswith("json")), None
        )
        if media is None or "schema" not in media:
            return None  # no JSON body documented (204, 304, or a bare status)
        return self.convert(media["schema"])


def load_openapi(node_modules: Path) -> tuple[dict[str, Any], dict[str, str]]:
    package_dir = node_modules / OPENAPI_PACKAGE
    raw = (package_dir / OPENAPI_FILE).read_bytes()
    return json.loads(raw), _source_record(package_dir, OPENAPI_FILE, raw)


def extract_openapi(document: dict[str, Any], source: dict[str, str]) -> dict[str, Any]:
    converter = SchemaConverter(document)
    by_id: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                by_id[item[method]["operationId"]] = (method.upper(), path, item[method])
    missing = [op_id for op_id in OPERATION_IDS if op_id not in by_id]
    if missing:
        raise SystemExit(f"operations missing from {source['file']}: {', '.join(missing)}")
    operations = []
    for op_id in OPERATION_IDS:
        method, path, operation = by_id[op_id]
        responses = {
            status: converter.response_schema(response)
            for status, response in operation["responses"].items()
        }
        operations.append(
            {"operationId": op_id, "method": method, "path": path, "responses": responses}
        )
    for name in ERROR_SCHEMAS:
        converter.define(name)
    return {
        "source": source,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "operations": sorted(operations, key=lambda op: (op["path"], op["method"])),
        # GitHub's errors always carry both keys, though basic-error does not require them.
        "errorFallback": {
            "$ref": "#/$defs/basic-error",
            "required": ["message", "documentation_url"],
        },
        "$defs": converter.defs,
    }


def extract_examples(document: dict[str, Any], source: dict[str, str]) -> dict[str, Any]:
    """GitHub's own example bodies of the subset's operations, shared by name.

    Tests validate them against the converted schemas; the emulator may seed from them.
    """
    wanted = set(OPERATION_IDS)
    examples: dict[str, Any] = {}
    by_operation: dict[str, dict[str, list[str]]] = {}
    for item in document["paths"].values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None or operation["operationId"] not in wanted:
                continue
            op_id = operation["operationId"]
            for status, response in operation["responses"].items():
                media = (response.get("content") or {}).get("application/json") or {}
                for name, entry in (media.get("examples") or {}).items():
                    key, value = f"{op_id} {status} {name}", entry.get("value")
                    # Upstream writes both {"$ref": ...} and {"value": {"$ref": ...}}.
                    ref = entry.get("$ref") or (value or {}).get("$ref")
                    if ref is not None:
                        key = ref.removeprefix("#/components/examples/")
                        value = document["components"]["examples"][key].get("value")
                    if value is not None:
                        examples[key] = value
                        by_operation.setdefault(op_id, {}).setdefault(status, []).append(key)
    return {"source": source, "examples": examples, "operations": by_operation}


def extract_webhooks(node_modules: Path) -> dict[str, Any]:
    package_dir = node_modules / WEBHOOKS_PACKAGE
    raw = (package_dir / WEBHOOKS_FILE).read_bytes()
    examples_by_event = {entry["name"]: entry["examples"] for entry in json.loads(raw)}
    selected: list[dict[str, Any]] = []
    unavailable: list[str] = []
    for event, action, ref_prefix, count in WEBHOOK_SELECTION:
        matching = [
            payload
            for payload in examples_by_event.get(event, [])
            if (action is None or payload.get("action") == action)
            and str(payload.get("ref", "")).startswith(ref_prefix)
        ][:count]
        if not matching:
            unavailable.append(f"{event}.{action}" if action else event)
        selected.extend({"event": event, "action": action, "payload": p} for p in matching)
    return {
        "source": _source_record(package_dir, WEBHOOKS_FILE, raw),
        "unavailable": unavailable,
        "examples": selected,
    }


def _source_record(package_dir: Path, file_name: str, raw: bytes) -> dict[str, str]:
    manifest = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    return {
        "package": manifest["name"],
        "version": manifest["version"],
        "file": file_name,
        "sha256": hashlib.sha256(raw).hexdigest(),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def extract(node_modules: Path, output_dir: Path) -> list[Path]:
    """Write both data files into ``output_dir`` and return their paths."""
    for package in (OPENAPI_PACKAGE, WEBHOOKS_PACKAGE):
        if not (node_modules / package / "package.json").is_file():
            raise SystemExit(
                f"{package} is not installed under {node_modules}; "
                f"run `npm install {OPENAPI_PACKAGE} {WEBHOOKS_PACKAGE}` there first"
            )
    output_dir.mkdir(parents=True, exist_ok=True)
    document, source = load_openapi(node_modules)
    outputs = {
        "github-openapi-subset.json": extract_openapi(document, source),
        "github-openapi-examples.json": extract_examples(document, source),
        "webhook-examples.json": extract_webhooks(node_modules),
    }
    for name, data in outputs.items():
        write_json(output_dir / name, data)
    return [output_dir / name for name in outputs]


def committed_npm_specs(output_dir: Path) -> list[str]:
    """`package@version` of the sources recorded in the committed data files."""
    specs = []
    for name in ("github-openapi-subset.json", "webhook-examples.json"):
        source = json.loads((output_dir / name).read_text(encoding="utf-8"))["source"]
        specs.append(f"{source['package']}@{source['version']}")
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--node-modules", type=Path, default=Path("node_modules"))
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--print-npm-specs",
        action="store_true",
        help="print the exact npm package@version specs the committed files came from",
    )
    args = parser.parse_args(argv)
    if args.print_npm_specs:
        print(" ".join(committed_npm_specs(args.output_dir)))
        return 0
    for path in extract(args.node_modules, args.output_dir):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
