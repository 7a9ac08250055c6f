"""The emulator serves every operation of the OpenAPI subset, and nothing outside it."""

from __future__ import annotations

import re

import hotfix_ci.testing  # noqa: F401  (registers the routes)
from hotfix_ci.testing import routes_base
from hotfix_ci.testing.contract import operations, validate_response

SAMPLES = {
    "owner": "acme",
    "repo": "web",
    "org": "acme",
    "team_slug": "sre",
    "username": "alice",
    "ref": "heads/main",
    "path": "CHANGELOG.md",
    "branch": "main",
    "tag": "v1.4.2",
    "commit_sha": "a" * 40,
    "tag_sha": "b" * 40,
}


def concrete(template: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return SAMPLES.get(name, "7")

    return re.sub(r"\{([^}]+)\}", fill, template)


def test_every_operation_in_the_subset_has_a_route() -> None:
    missing = []
    for op in operations():
        path = concrete(op.path)
        if not any(r.method == op.method and r.pattern.match(path) for r in routes_base.ROUTES):
            missing.append(f"{op.method} {op.path} ({op.operation_id})")
    assert missing == []


def test_a_path_outside_the_subset_is_reported() -> None:
    found = validate_response("GET", "/repos/acme/web/stargazers", 200, [])
    assert found == ["no operation in the OpenAPI subset matches GET /repos/acme/web/stargazers"]


def test_every_operation_matches_one_route_so_registration_order_does_not_matter() -> None:
    # routes_base.match takes the first route that matches: two matching routes would make
    # the answer depend on which module was imported first.
    ambiguous = {}
    for op in operations():
        path = concrete(op.path)
        handlers = [
            f"{r.handler.__module__}.{r.handler.__name__}"
            for r in routes_base.ROUTES
            if r.method == op.method and r.pattern.match(path)
        ]
        if len(handlers) > 1:
            ambiguous[f"{op.method} {op.path}"] = handlers
    assert ambiguous == {}
