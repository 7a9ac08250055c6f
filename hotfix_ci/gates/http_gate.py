"""The http gate: GET a URL and check status, JSON subset, body text and latency.

Also the HTTP plumbing shared with the prometheus gate: a session that ignores proxy
settings from the environment (``trust_env = False``; probes go straight to the service,
https://requests.readthedocs.io/en/latest/api/#requests.Session.trust_env), ``${VAR}``
header resolution, and one in-probe retry of a transport error (connection refused or
reset, timeout: https://requests.readthedocs.io/en/latest/user/advanced/#timeouts) so a
single dropped packet does not count towards the failure limit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from hotfix_ci.config.model import HttpGate
from hotfix_ci.durations import format_duration
from hotfix_ci.gates.spec import ENV_REFERENCE, ProbeResult
from hotfix_ci.text import clip as text_clip

DEFAULT_TIMEOUT = 5.0
_DETAIL_LIMIT = 200


def new_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


class MissingVariable(Exception):
    """A header references ``${VAR}`` and the environment has no VAR."""


def resolve_headers(headers: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
    def substitute(match: Any) -> str:
        name = str(match.group(1))
        if name not in env:
            raise MissingVariable(name)
        return env[name]

    return {key: ENV_REFERENCE.sub(substitute, value) for key, value in headers.items()}


@dataclass(frozen=True)
class Fetched:
    """A response, or the transport error that prevented one (after the retry)."""

    response: requests.Response | None
    latency_ms: float | None
    error: str | None


def fetch(
    session: requests.Session,
    url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    params: Mapping[str, str] | None = None,
) -> Fetched:
    """GET ``url``; a transport error is retried once before it is reported."""
    error = ""
    for _attempt in range(2):
        started = time.perf_counter()
        try:
            response = session.get(url, headers=dict(headers), params=params, timeout=timeout)
        except requests.Timeout:
            error = f"no answer within {format_duration(timeout)}"
        except requests.ConnectionError as exc:
            error = _connection_error(exc)
        except requests.RequestException as exc:
            # Not a transport error (bad URL, too many redirects): retrying cannot help.
            return Fetched(None, None, f"request failed: {exc}")
        else:
            return Fetched(response, (time.perf_counter() - started) * 1000, None)
    return Fetched(None, None, f"{error} (retried once)")


def fetch_with(
    session: requests.Session | None,
    url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    params: Mapping[str, str] | None = None,
) -> Fetched:
    """:func:`fetch` on ``session``, or on a session of its own that it closes."""
    if session is not None:
        return fetch(session, url, headers=headers, timeout=timeout, params=params)
    with new_session() as own:
        return fetch(own, url, headers=headers, timeout=timeout, params=params)


def _connection_error(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for needle, plain in (
        ("Connection refused", "connection refused"),
        ("Connection reset", "connection reset"),
        ("RemoteDisconnected", "connection closed without an answer"),
        ("Name or service not known", "host name not found"),
        ("Failed to resolve", "host name not found"),
    ):
        if needle in text:
            return plain
    return f"connection failed: {clip(text)}"


def clip(text: str) -> str:
    return text_clip(text, _DETAIL_LIMIT, one_line=True)


def probe(
    spec: HttpGate,
    *,
    env: Mapping[str, str],
    session: requests.Session | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ProbeResult:
    at = time.time()
    try:
        headers = resolve_headers(spec.headers, env)
    except MissingVariable as exc:
        detail = f"a header uses ${{{exc}}}, which is not set in the environment"
        return ProbeResult(gate=spec.name, ok=False, detail=detail, latency_ms=None, at=at)
    fetched = fetch_with(session, spec.url, headers=headers, timeout=timeout)
    if fetched.response is None:
        detail = fetched.error or "no answer"
        return ProbeResult(
            gate=spec.name, ok=False, detail=detail, latency_ms=None, at=at, transport_error=True
        )
    problem = check_response(spec, fetched.response, fetched.latency_ms or 0.0)
    latency = fetched.latency_ms or 0.0
    detail = f"{fetched.response.status_code} in {latency:.0f} ms"
    if problem:
        detail = f"{detail}: {problem}"
    return ProbeResult(gate=spec.name, ok=problem is None, detail=detail, latency_ms=latency, at=at)


def check_response(spec: HttpGate, response: requests.Response, latency_ms: float) -> str | None:
    """What is wrong with ``response``, or None when it is healthy."""
    expect = spec.expect
    code = response.status_code
    if expect.status is None and not 200 <= code < 300:
        return f"expected a 2xx status{_snippet(response)}"
    if expect.status is not None and code not in expect.status:
        wanted = " or ".join(str(s) for s in expect.status)
        return f"expected status {wanted}{_snippet(response)}"
    if expect.max_latency_ms is not None and latency_ms > expect.max_latency_ms:
        return f"slower than max_latency_ms {expect.max_latency_ms:g}"
    if expect.contains is not None and expect.contains not in response.text:
        return f"body does not contain {expect.contains!r}{_snippet(response)}"
    if expect.json is not None:
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            return f"body is not JSON{_snippet(response)}"
        return json_mismatch(expect.json, body, "")
    return None


def json_mismatch(expected: Any, actual: Any, path: str) -> str | None:
    """Where ``actual`` fails to contain ``expected`` (mappings match as subsets)."""
    where = path or "the body"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"JSON at {where}: expected an object, got {clip(json.dumps(actual))}"
        for key, value in expected.items():
            child = f"{path}.{key}" if path else str(key)
            if key not in actual:
                return f"JSON has no {child}"
            problem = json_mismatch(value, actual[key], child)
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"JSON at {where}: expected {clip(json.dumps(expected))}, got {_dump(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            problem = json_mismatch(want, got, f"{path}[{index}]")
            if problem:
                return problem
        return None
    # bool is an int in Python: true must not match 1.
    same_kind = isinstance(expected, bool) == isinstance(actual, bool)
    if same_kind and expected == actual:
        return None
    return f"JSON at {where}: expected {json.dumps(expected)}, got {_dump(actual)}"


def _dump(value: Any) -> str:
    return clip(json.dumps(value))


def _snippet(response: requests.Response) -> str:
    text = clip(response.text)
    return f"; body: {text}" if text else ""
