"""HTTP plumbing shared by the API-driven providers (Render, Heroku, Railway).

- Sessions have ``trust_env`` off, so a runner's proxy variables or ~/.netrc (which the
  Heroku CLI writes) never redirect the calls or replace the Authorization header:
  https://requests.readthedocs.io/en/latest/user/advanced/#session-objects and
  https://requests.readthedocs.io/en/latest/api/#requests.Session.trust_env
- Retries are bounded with tenacity (``Retrying``, ``retry_if_exception``,
  ``stop_after_attempt``, ``wait_exponential``, ``reraise``): https://tenacity.readthedocs.io/
  A 5xx or a connection error is retried; a 4xx never is. A read timeout is retried only
  where the caller says the request is safe to repeat: a POST that timed out while reading
  the answer may already have started a deploy.
- Error messages never contain a header value, so the token is never echoed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import tenacity

from hotfix_ci.providers.base import ProviderError

REQUEST_TIMEOUT = 30.0
RETRY_ATTEMPTS = 4
RETRY_WAIT = 0.5  # seconds; doubles per attempt


def new_session(headers: Mapping[str, str]) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers.update(headers)
    return session


class _ServerError(Exception):
    """A 5xx answer, raised only so tenacity retries it."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def send_with_retries(
    send: Callable[[], requests.Response],
    *,
    retry_if: Callable[[requests.RequestException], bool],
    attempts: int,
    wait: float,
    max_wait: float = 8,
) -> requests.Response:
    """``send()`` until it answers below 500, at most ``attempts`` times.

    Returns the last answer (a 5xx one when they all were); a request error that
    ``retry_if`` rejects, or that persists, is raised as it is.
    """

    def checked() -> requests.Response:
        response = send()
        if response.status_code >= 500:
            raise _ServerError(response)
        return response

    def transient(exc: BaseException) -> bool:
        if isinstance(exc, _ServerError):
            return True
        return isinstance(exc, requests.RequestException) and retry_if(exc)

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(transient),
        stop=tenacity.stop_after_attempt(attempts),
        wait=tenacity.wait_exponential(multiplier=wait, max=max_wait),
        reraise=True,
    )
    try:
        return retrying(checked)
    except _ServerError as exc:
        return exc.response


def rest_transient(method: str) -> Callable[[requests.RequestException], bool]:
    """Connection errors always; read timeouts only on a GET (see module doc)."""

    def transient(exc: requests.RequestException) -> bool:
        if isinstance(exc, requests.ReadTimeout):
            return method == "GET"
        return isinstance(exc, requests.ConnectionError)

    return transient


def answer_message(response: requests.Response) -> str:
    """The API's own explanation of an error answer, cut short."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping) and body.get("message"):
        return str(body["message"])[:300]
    text = response.text.strip().splitlines()
    return text[0][:300] if text else response.reason or "no message"


@dataclass(frozen=True, kw_only=True)
class RestApi:
    """What the error messages of one REST API say: its name, status page and hints."""

    name: str  # "Render API": starts every message
    title: str  # "the Render API": what `api_url` should point at
    vendor: str  # "Render": who "could not do it" on a 5xx
    status_page: str
    hints: Mapping[int, str]  # by status code
    client_error_hint: str  # any other 4xx


class RestClient:
    """A session on one JSON REST API with bounded retries (see module doc)."""

    def __init__(
        self,
        api: RestApi,
        base_url: str,
        headers: Mapping[str, str],
        *,
        attempts: int = RETRY_ATTEMPTS,
        retry_wait: float = RETRY_WAIT,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self._api = api
        self._base = base_url.rstrip("/")
        self._session = new_session(headers)
        self._attempts = attempts
        self._retry_wait = retry_wait
        self._request_timeout = request_timeout

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        empty_ok: bool = False,
    ) -> Any:
        """The decoded JSON answer of ``method path``; any failure is a ProviderError.

        ``empty_ok``: a 202 answer ("accepted", no body) is None instead of an error."""
        api, what = self._api, f"{method} {path}"
        try:
            response = send_with_retries(
                lambda: self._session.request(
                    method,
                    self._base + path,
                    json=json,
                    params=params,
                    headers=headers,
                    timeout=self._request_timeout,
                ),
                retry_if=rest_transient(method),
                attempts=self._attempts,
                wait=self._retry_wait,
            )
        except requests.RequestException as exc:
            raise ProviderError(
                f"{api.name} {what} failed after {self._attempts} attempts: {type(exc).__name__}",
                hint=f"check that {self._base} is reachable from the runner "
                f"({api.status_page}), then re-run the job",
            ) from None
        code = response.status_code
        if code >= 400:
            raise ProviderError(
                f"{api.name} {what} answered {code}: {answer_message(response)}",
                hint=api.hints.get(code)
                or (
                    f"{api.vendor} could not do it; see {api.status_page} and re-run the job"
                    if code >= 500
                    else api.client_error_hint
                ),
            )
        if empty_ok and code == 202:
            return None
        try:
            return response.json()
        except ValueError:
            raise ProviderError(
                f"{api.name} {what} answered {code} with a body that is not JSON",
                hint=f"check that `api_url` ({self._base}) is {api.title}",
            ) from None
