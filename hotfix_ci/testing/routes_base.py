"""Plumbing shared by the route modules: requests, responses, errors, the route table, paging.

Pagination follows GitHub: ``per_page`` (default 30, max 100), ``page``, and a ``Link``
header of absolute URLs with rel next/prev/first/last,
https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote, urlencode

from hotfix_ci.testing.state import Repo, Store

DOCS = "https://docs.github.com/rest"
T = TypeVar("T")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    base_url: str
    params: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.body.get(name) if isinstance(self.body, dict) else None
        if value is None:
            if required:
                raise ApiError.invalid(name, "missing_field")
            return default
        if not isinstance(value, str):
            raise ApiError(422, f"Invalid request.\n\nFor '{name}', {value!r} is not a string.")
        return value

    def field(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default) if isinstance(self.body, dict) else default


@dataclass
class Response:
    status: int
    body: object
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """An error answer, shaped like GitHub's ``basic-error`` / ``validation-error``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, object] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        return Response(self.status, body, self.headers)

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "Not Found")

    @classmethod
    def invalid(
        cls, field_name: str, code: str, *, resource: str = "Issue", message: str | None = None
    ) -> ApiError:
        error: dict[str, Any] = {"resource": resource, "field": field_name, "code": code}
        if message is not None:
            error["message"] = message
        return cls(422, "Validation Failed", errors=[error])


def found(value: T | None) -> T:
    """``value``, or GitHub's 404 answer when there is none."""
    if value is None:
        raise ApiError.not_found()
    return value


def numbered(items: Mapping[int, T], req: Request, param: str) -> T:
    """The item of ``items`` that the path parameter ``param`` numbers, or GitHub's 404."""
    return found(items.get(int(req.params[param])))


Handler = Callable[[Store, Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    permissions: tuple[tuple[str, str], ...]  # alternatives of (GitHub App permission, access)


ROUTES: list[Route] = []
REPO = r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"


def route(method: str, pattern: str, *permissions: str) -> Callable[[Handler], Handler]:
    """Register a handler; ``permissions`` like "checks=write" (any one of them suffices)."""
    needs = tuple(tuple(p.split("=", 1)) for p in permissions)

    def register(handler: Handler) -> Handler:
        compiled = re.compile(pattern.replace("{repo}", REPO) + "$")
        ROUTES.append(Route(method, compiled, handler, needs))  # type: ignore[arg-type]
        return handler

    return register


def repo_of(store: Store, req: Request) -> Repo:
    repo = store.find_repo(req.params["owner"], req.params["repo"])
    if repo is None:
        raise ApiError.not_found()
    return repo


def number(req: Request, name: str) -> int:
    return int(req.params[name])


def paginate(
    req: Request,
    items: Sequence[T],
    render: Callable[[T], object],
    *,
    cap: int | None = None,
    wrap: Callable[[list[object], int], object] | None = None,
) -> Response:
    """One page of ``items`` with GitHub's Link header; ``cap`` bounds the whole list."""
    try:
        per_page = min(max(int(req.query.get("per_page", "30")), 1), 100)
        page = max(int(req.query.get("page", "1")), 1)
    except ValueError as exc:
        raise ApiError(422, "Invalid request.\n\npage and per_page must be integers.") from exc
    total = len(items) if cap is None else min(len(items), cap)
    last = max((total + per_page - 1) // per_page, 1)
    start = (page - 1) * per_page
    rendered = [render(item) for item in items[start : min(start + per_page, total)]]
    body = wrap(rendered, total) if wrap else rendered
    links = []
    if page < last:
        links += [(page + 1, "next"), (last, "last")]
    if page > 1:
        links = [(page - 1, "prev"), (1, "first"), *links]
    headers = {}
    if links:
        query = {k: v for k, v in req.query.items() if k not in ("page", "per_page")}
        base = f"{req.base_url}{req.path}?"
        headers["Link"] = ", ".join(
            f'<{base}{urlencode({**query, "per_page": per_page, "page": n})}>; rel="{rel}"'
            for n, rel in links
        )
    return Response(200, body, headers)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for candidate in ROUTES:
        found = candidate.pattern.match(path)
        if found is not None and candidate.method == method:
            return candidate, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
