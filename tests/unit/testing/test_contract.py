"""GitHub's response contract and webhook examples shipped in hotfix_ci.testing."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import random
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from hotfix_ci.errors import UsageError
from hotfix_ci.testing import contract
from hotfix_ci.testing.schema_check import SchemaChecker
from tests.helpers import ROOT
from tests.helpers.servers import require, server

REPO_ROOT = ROOT
DATA = resources.files("hotfix_ci") / "testing" / "data"
EXAMPLES = json.loads((DATA / "github-openapi-examples.json").read_text("utf-8"))
PULL = "/repos/acme/web/pulls/7"
PULL_LABEL = "GET /repos/{owner}/{repo}/pulls/{pull_number} 200"

REQUIRED_OPERATIONS = {
    "issues/list-for-repo", "checks/get", "repos/get-release", "issues/remove-label",
    "issues/delete-comment", "pulls/merge",
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
    "rate-limit/get",
    "repos/get-branch-protection", "repos/get-branch-rules", "repos/get-all-environments",
    "repos/get-environment", "actions/list-environment-secrets", "actions/list-repo-secrets",
    "actions/list-repo-organization-secrets",
}  # fmt: skip

# GitHub's own examples that disagree with GitHub's own schemas (upstream drift in
# @octokit/openapi 23.0.2). Pinned exactly, so the validator is shown to look deep.
TEAM_TYPE = "$.requested_teams[0]: 'type' is a required property"
KNOWN_DRIFT = {
    "full-repository-default-response": [
        "$.source: 'language' is a required property",
        "$: 'language' is a required property",
    ],
    "repository-collaborator-permission-response-if-user-has-admin-permissions": [
        "$.user: 'role_name' is a required property"
    ],
    "pull-request": [TEAM_TYPE],
    "branch-protection": [
        "$.required_pull_request_reviews.dismissal_restrictions.apps[0].owner: {'avatar_url': "
        "'https://github.com/images/error/octocat_happy.gif', 'description': 'A great "
        "organization', 'events_url': 'https://api.github.com/orgs/github/events', 'hooks_url': "
        "'https://api.github.com/orgs/github/hooks', 'id': 1, 'issu...",
        "$.required_pull_request_reviews.dismissal_restrictions.teams[0]: 'type' is a required "
        "property",
        "$.required_status_checks: 'checks' is a required property",
        "$.restrictions.teams[0]: 'type' is a required property",
    ],
    "pull-request-simple-items": [TEAM_TYPE.replace("$.", "$[0].")],
    "commit": [
        "$.files[0]: 'contents_url' is a required property",
        "$.files[0]: 'sha' is a required property",
    ],
}


def concrete_path(template: str) -> str:
    return re.sub(
        r"\{([a-z_]+)\}",
        lambda m: "7" if m.group(1).endswith(("_number", "_id")) else "x",
        template,
    )


def shipped_examples() -> Iterator[tuple[contract.Operation, int, str]]:
    by_id = {op.operation_id: op for op in contract.operations()}
    for op_id, statuses in sorted(EXAMPLES["operations"].items()):
        for status, names in sorted(statuses.items()):
            for name in names:
                yield by_id[op_id], int(status), name


@pytest.fixture
def pull() -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(EXAMPLES["examples"]["pull-request"])
    body["requested_teams"] = []  # remove the one known upstream drift (see KNOWN_DRIFT)
    assert contract.validate_response("GET", PULL, 200, body) == []
    return body


def test_subset_has_every_listed_operation() -> None:
    operations = contract.operations()
    assert {op.operation_id for op in operations} == REQUIRED_OPERATIONS
    assert contract.Operation("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files",
                              "pulls/list-files") in operations  # fmt: skip


def test_subset_records_its_source() -> None:
    subset = json.loads((DATA / "github-openapi-subset.json").read_text("utf-8"))
    assert subset["source"]["package"] == "@octokit/openapi"
    assert re.fullmatch(r"\d+\.\d+\.\d+", subset["source"]["version"])
    assert re.fullmatch(r"[0-9a-f]{64}", subset["source"]["sha256"])
    assert {"basic-error", "validation-error", "validation-error-simple"} <= set(subset["$defs"])


@pytest.mark.parametrize(("operation", "status", "name"), list(shipped_examples()))
def test_github_examples_validate(operation: contract.Operation, status: int, name: str) -> None:
    body = EXAMPLES["examples"][name]
    found = contract.validate_response(operation.method, concrete_path(operation.path),
                                       status, body)  # fmt: skip
    prefix = f"{operation.method} {operation.path} {status}: "
    assert found == [prefix + message for message in KNOWN_DRIFT.get(name, [])]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: b.pop("title"), "$: 'title' is a required property"),
        (lambda b: b["head"].pop("sha"), "$.head: 'sha' is a required property"),
        (lambda b: b.__setitem__("number", "7"), "$.number: '7' is not of type 'integer'"),
        (lambda b: b["user"].__setitem__("login", None),
         "$.user.login: None is not of type 'string'"),
        (lambda b: b.__setitem__("user", None), "$.user: None is not of type 'object'"),
        (lambda b: b.__setitem__("state", "merged"), "$.state: 'merged' is not one of"),
        (lambda b: b["labels"].append({"id": 1}), "$.labels[1]: 'node_id' is a required"),
    ],
)  # fmt: skip
def test_mutated_pull_names_the_key(pull: dict[str, Any], mutate: Any, expected: str) -> None:
    mutate(pull)
    found = contract.validate_response("GET", PULL, 200, pull)
    assert found and found[0].startswith(f"{PULL_LABEL}: {expected}")


def test_nullable_fields_accept_null(pull: dict[str, Any]) -> None:
    # type+nullable, $ref+nullable (milestone, assignee) and allOf/oneOf+nullable forms
    for key in ("merged_at", "body", "milestone", "assignee", "auto_merge", "closed_at"):
        pull[key] = None
    assert contract.validate_response("GET", PULL, 200, pull) == []
    check_run = copy.deepcopy(EXAMPLES["examples"]["check-run"])
    check_run["conclusion"] = None  # enum + nullable
    assert contract.validate_response("PATCH", "/repos/a/b/check-runs/9", 200, check_run) == []
    check_run["conclusion"] = "green"
    assert contract.validate_response("PATCH", "/repos/a/b/check-runs/9", 200, check_run)


def test_commit_author_may_be_null_but_not_malformed() -> None:
    commit = copy.deepcopy(EXAMPLES["examples"]["commit"])
    commit["files"] = []
    commit["author"] = None  # oneOf + nullable
    assert contract.validate_response("GET", "/repos/a/b/commits/main", 200, commit) == []
    commit["author"] = {"login": 5}
    assert contract.validate_response("GET", "/repos/a/b/commits/main", 200, commit) == [
        "GET /repos/{owner}/{repo}/commits/{ref} 200: $.author.login: 5 is not of type 'string'"
    ]


def test_error_bodies_are_validated() -> None:
    error = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    assert contract.validate_response("GET", PULL, 404, error) == []
    assert contract.validate_response("GET", PULL, 404, {"message": 404}) == [
        "GET /repos/{owner}/{repo}/pulls/{pull_number} 404: $.message: 404 is not of type 'string'"
    ]
    files = "/repos/a/b/pulls/7/files"
    assert contract.validate_response("POST", "/repos/a/b/pulls", 422, {"message": "x"}) == [
        "POST /repos/{owner}/{repo}/pulls 422: $: 'documentation_url' is a required property"
    ]
    # 403 is not documented for list-files: any GitHub error body must have both keys
    assert contract.validate_response("GET", files, 403, error) == []
    assert contract.validate_response("GET", files, 403, {"message": "API rate limit"}) == [
        "GET /repos/{owner}/{repo}/pulls/{pull_number}/files 403: "
        "$: 'documentation_url' is a required property"
    ]


def test_statuses_without_a_body_and_undocumented_success() -> None:
    ref = "/repos/a/b/git/refs/tags/hotfix-1.2.3"
    assert contract.validate_response("DELETE", ref, 204, None) == []
    assert contract.validate_response("DELETE", ref, 204, "") == []
    assert contract.validate_response("DELETE", ref, 204, {"ok": True}) == [
        "DELETE /repos/{owner}/{repo}/git/refs/{ref} 204: "
        "GitHub sends no body with this status, got {'ok': True}"
    ]
    assert contract.validate_response("POST", "/repos/a/b/pulls", 200, {}) == [
        "POST /repos/{owner}/{repo}/pulls 200: "
        "status not documented for this operation (documented: 201, 403, 422)"
    ]


def test_unknown_path_or_method() -> None:
    assert contract.validate_response("GET", "/x", 200, {}) == [
        "no operation in the OpenAPI subset matches GET /x"
    ]
    assert contract.validate_response("delete", PULL, 200, {}) == [
        f"no operation in the OpenAPI subset matches DELETE {PULL}"
    ]


@pytest.mark.parametrize(
    ("method", "path", "tail"),
    [
        ("GET", "/repos/a/b/contents/src/app/main.py?ref=main", "/contents/{path}"),
        ("GET", "/repos/a/b/git/ref/heads/hotfix/login", "/git/ref/{ref}"),
        ("PATCH", "/repos/a/b/git/refs/heads/hotfix/x", "/git/refs/{ref}"),
        ("GET", "/repos/a/b/branches/hotfix/login", "/branches/{branch}"),
        ("GET", "/repos/a/b/commits/abc/check-runs", "/commits/{ref}/check-runs"),
        ("GET", "/repos/a/b/commits/abc/pulls", "/commits/{commit_sha}/pulls"),
        ("GET", "/repos/a/b/commits/abc", "/commits/{ref}"),
        ("PATCH", "/repos/a/b/issues/comments/5", "/issues/comments/{comment_id}"),
        ("PATCH", "/repos/a/b/issues/5", "/issues/{issue_number}"),
        ("GET", "/repos/a/b/releases/tags/hotfix-1.2.3", "/releases/tags/{tag}"),
    ],
)  # fmt: skip
def test_paths_match_the_most_specific_template(method: str, path: str, tail: str) -> None:
    # a string body is wrong for every operation, so the label shows the template matched
    found = contract.validate_response(method, path, 200, "x")
    assert found[0].startswith(f"{method} /repos/{{owner}}/{{repo}}{tail} 200: $: 'x' is not ")


def _mutations(body: Any, rng: random.Random) -> Iterator[Any]:
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, (dict, list)):
            for key, child in node.items() if isinstance(node, dict) else enumerate(node):
                walk(child, (*path, key))

    walk(body, ())
    for path in rng.sample(paths[1:], min(25, len(paths) - 1)):
        mutated = copy.deepcopy(body)
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        replacement = rng.choice([None, 12, 1.5, True, "x", [], {}, "DELETE"])
        if replacement == "DELETE" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = replacement
        yield mutated


def test_fast_checker_agrees_with_jsonschema() -> None:
    # validate_response trusts the fast checker's "valid"; it must never miss a violation
    rng = random.Random(20240601)
    rejected = 0
    for operation, status, name in shipped_examples():
        fast = contract._fast_check(operation.operation_id, status)
        slow = contract._validator(operation.operation_id, status)
        for body in _mutations(EXAMPLES["examples"][name], rng):
            assert fast(body) == slow.is_valid(body), (operation.operation_id, body)
            rejected += not fast(body)
    assert rejected > 500


@pytest.mark.parametrize(
    ("schema", "value"),
    [({"type": "integer"}, 1.0), ({"type": "integer"}, True), ({"type": "number"}, False),
     ({"enum": [1]}, True), ({"enum": [1]}, 1.0), ({"enum": ["a", None]}, None),
     ({"type": ["string", "null"], "maxLength": 2}, "abc"), ({"minimum": 3}, 2),
     ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1),
     ({"not": {"type": "string"}}, "s"), ({"additionalProperties": False}, {"a": 1})],
)  # fmt: skip
def test_schema_checker_edge_cases_match_jsonschema(schema: dict[str, Any], value: Any) -> None:
    assert SchemaChecker({}).compile(schema)(value) == Draft202012Validator(schema).is_valid(value)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for child in node.values():
            yield from _strings(child)
    elif isinstance(node, list):
        for child in node:
            yield from _strings(child)
    elif isinstance(node, str):
        yield node


def test_webhook_example_rewrites_api_urls_only() -> None:
    payload = contract.webhook_example("pull_request", "opened", api_url="http://127.0.0.1:8765/")
    assert payload["action"] == "opened"
    assert payload["pull_request"]["url"] == (
        "http://127.0.0.1:8765/repos/Codertocat/Hello-World/pulls/2"
    )
    assert payload["pull_request"]["html_url"].startswith("https://github.com/Codertocat/")
    assert not [s for s in _strings(payload) if "api.github.com" in s]
    untouched = contract.webhook_example("pull_request", "opened")
    assert untouched["repository"]["url"] == "https://api.github.com/repos/Codertocat/Hello-World"


def test_webhook_examples_are_independent_copies() -> None:
    first = contract.webhook_example("push", index=0)
    first["commits"].clear()
    first["repository"]["name"] = "changed"
    second = contract.webhook_example("push", index=0)
    assert second["commits"] and second["repository"]["name"] == "Hello-World"


@pytest.mark.parametrize(
    ("event", "action"),
    [("pull_request", "opened"), ("pull_request", "labeled"), ("pull_request", "synchronize"),
     ("pull_request", "closed"), ("pull_request", "reopened"), ("pull_request_review", "submitted"),
     ("push", None), ("workflow_dispatch", None), ("workflow_run", "completed")],
)  # fmt: skip
def test_requested_webhook_examples_are_shipped(event: str, action: str | None) -> None:
    payload = contract.webhook_example(event, action)
    assert payload.get("action") == action
    assert payload["sender"]["url"].startswith("https://api.github.com/users/")


def test_missing_webhook_example_says_what_exists() -> None:
    # @octokit/webhooks-examples 7.6.1 has no pull_request "edited" payload
    with pytest.raises(UsageError, match=r"no webhook example for pull_request\.edited") as info:
        contract.webhook_example("pull_request", "edited")
    assert info.value.hint is not None and "pull_request.opened" in info.value.hint
    with pytest.raises(UsageError, match="there are 2"):
        contract.webhook_example("workflow_run", "completed", index=2)


def _load_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "extract_github_data.py"
    spec = importlib.util.spec_from_file_location("extract_github_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_converter_turns_openapi_nullable_into_json_schema() -> None:
    components = {"user": {"type": "object", "example": {"a": 1}, "x-github": {}}}
    converter = _load_script().SchemaConverter({"components": {"schemas": components}})
    convert = converter.convert
    assert convert({"type": "string", "nullable": True, "example": "x"}) == {
        "type": ["string", "null"]
    }
    assert convert({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"], "enum": ["a", None]
    }  # fmt: skip
    assert convert({"$ref": "#/components/schemas/user", "nullable": True}) == {
        "anyOf": [{"$ref": "#/$defs/user"}, {"type": "null"}]
    }
    assert converter.defs == {"user": {"type": "object"}}
    with pytest.raises(SystemExit, match="unsupported schema keyword 'uniqueItems'"):
        convert({"type": "array", "uniqueItems": True})


@server
def test_extraction_is_deterministic_and_matches_committed_files(tmp_path: Path) -> None:
    node_modules = os.environ.get("HOTFIX_CI_NODE_MODULES")
    require(
        bool(node_modules),
        "GitHub's npm data (HOTFIX_CI_NODE_MODULES)",
        "run .ci/run, which installs it, or set HOTFIX_CI_NODE_MODULES to its node_modules",
    )
    assert node_modules is not None
    script = _load_script()
    first = script.extract(Path(node_modules), tmp_path / "first")
    second = script.extract(Path(node_modules), tmp_path / "second")
    assert [p.name for p in first] == [p.name for p in second]
    for made, again in zip(first, second, strict=True):
        assert made.read_bytes() == again.read_bytes()
        assert made.read_bytes() == (DATA / made.name).read_bytes(), (
            f"re-run the script: {made.name}"
        )
