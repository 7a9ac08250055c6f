"""The transport of the railway provider: one GraphQL call is one POST to Railway's API.

Endpoint and auth, as documented at https://docs.railway.com/reference/public-api: an
account/workspace token (RAILWAY_API_TOKEN) goes in ``Authorization: Bearer``, a project
token (RAILWAY_TOKEN) in ``Project-Access-Token``; when both are set the project token
wins, as in the Railway CLI (railwayapp/cli src/config.rs ``get_railway_token`` first,
src/client.rs). GraphQL reports most failures as an
``errors`` list in a 200 answer, so both the status and the body are checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from hotfix_ci.providers._http import new_session, rest_transient, send_with_retries
from hotfix_ci.providers.base import ProviderError

RETRY_HINT = "Railway may be having an incident (status.railway.com); re-run the job"


class RailwayAPI:
    """One GraphQL call = one POST; 5xx and request errors are retried (bounded)."""

    attempts = 4
    request_timeout = 30.0

    def __init__(self, url: str, env: Mapping[str, str]) -> None:
        self.url = url
        self.session = new_session({})  # no proxies or netrc from the runner
        if env.get("RAILWAY_TOKEN"):
            self.headers = {"Project-Access-Token": env["RAILWAY_TOKEN"]}
        elif env.get("RAILWAY_API_TOKEN"):
            self.headers = {"Authorization": f"Bearer {env['RAILWAY_API_TOKEN']}"}
        else:
            self.headers = {}

    def call(self, what: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        if not self.headers:
            raise ProviderError(
                f"neither RAILWAY_API_TOKEN nor RAILWAY_TOKEN is set, so Railway cannot {what}",
                hint="create a token in Railway (account/workspace token -> RAILWAY_API_TOKEN, "
                "or project token -> RAILWAY_TOKEN), store it as a repository secret and pass "
                "it with `env: RAILWAY_API_TOKEN: ${{ secrets.RAILWAY_API_TOKEN }}`",
            )
        failed = f"Railway API could not {what}"
        try:
            response = send_with_retries(
                lambda: self.session.post(
                    self.url,
                    json={"query": query, "variables": dict(variables)},
                    headers=self.headers,
                    timeout=self.request_timeout,
                ),
                # GraphQL sends everything as POST: a query may be retried after a read
                # timeout, a mutation may not (Railway may have started the deploy already,
                # and a second one would race it).
                retry_if=rest_transient("GET" if query.lstrip().startswith("query") else "POST"),
                attempts=self.attempts,
                wait=0.25,
                max_wait=4,
            )
        except requests.RequestException as exc:
            raise ProviderError(
                f"{failed}: {type(exc).__name__} talking to {self.url} "
                f"(after {self.attempts} attempts)",
                hint=RETRY_HINT,
            ) from exc
        if response.status_code >= 500:
            raise ProviderError(
                f"{failed}: HTTP {response.status_code} (after {self.attempts} attempts)",
                hint=RETRY_HINT,
            )
        return self._data(failed, response)

    def _data(self, failed: str, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if response.status_code >= 400 or errors:
            message = str(errors[0].get("message")) if errors else response.text.strip()[:200]
            hint = "check the project, environment and service IDs and the token's scope"
            if response.status_code in (401, 403) or "authorized" in message.lower():
                hint = "the token is invalid or cannot see this project; create a new one"
            raise ProviderError(f"{failed}: HTTP {response.status_code}: {message}", hint=hint)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ProviderError(
                f"{failed}: the answer had no `data`",
                hint=f"check that `api_url` ({self.url}) is Railway's GraphQL endpoint",
            )
        return data
