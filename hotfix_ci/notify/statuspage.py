"""Atlassian Statuspage: one incident per hotfix, created on alert, updated, then resolved.

REST API v1 at https://api.statuspage.io/v1 (``HOTFIX_CI_STATUSPAGE_API_URL`` overrides
it), ``Authorization: OAuth <api key>``: https://developer.statuspage.io/#section/Authentication
- ``POST /pages/{page_id}/incidents`` creates, ``PATCH /pages/{page_id}/incidents/{id}``
  updates, both with ``{"incident": {name, status, body, impact_override, components,
  component_ids, deliver_notifications, metadata}}``; ``GET
  /pages/{page_id}/incidents/unresolved`` lists the open ones; ``GET
  /pages/{page_id}/components`` the components: https://developer.statuspage.io/#tag/incidents
- Incident status: investigating, identified, monitoring, resolved; component status:
  operational, degraded_performance, partial_outage, major_outage, under_maintenance.
- Rate limit: 1 request a second per token, answered with 420 or 429.

Lifecycle: alert opens the incident (investigating, component down by the severity's
impact); in-progress, rolled-back and failed update it as identified; deployed moves it
to monitoring with the component operational; resolved resolves it. The incident is
found again by ``metadata.hotfix_ci.marker`` (or, on pages that drop metadata, its
name), so a re-run or a retry never opens a second one; a create or update whose answer
timed out is looked up before it is sent again.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.notify import http
from hotfix_ci.notify.base import Payload, Target
from hotfix_ci.notify.context import NotifyContext
from hotfix_ci.notify.http import AmbiguousSend, ChannelError
from hotfix_ci.notify.render import Message, Templates, status_texts

FLAVOUR = "plain"
NEEDS: tuple[str, ...] = ("page", "key")
DEFAULT_API_URL = "https://api.statuspage.io/v1"
INCIDENT_STATUS = {
    "alert": "investigating",
    "in-progress": "identified",
    "deployed": "monitoring",
    "rolled-back": "identified",
    "failed": "identified",
    "resolved": "resolved",
}
OUTAGE_OF_IMPACT = {"critical": "major_outage", "major": "partial_outage"}
HINTS = {
    401: "the Statuspage API key is wrong or revoked; create one under API info and update "
    "the secret",
    403: "the API key's user may not manage incidents on this page (needs the incident "
    "manager role)",
    404: "the page id is wrong, or the incident was deleted; check the page id secret",
    422: "Statuspage refused the incident; run with --dry-run and check the fields",
    0: "check the Statuspage page id and API key secrets",
}


def marker(ctx: NotifyContext) -> str:
    if ctx.pr is not None:
        return f"{ctx.repository}#{ctx.pr}"
    return f"{ctx.repository}@{ctx.tag or ctx.environment or '-'}"


def component_status(ctx: NotifyContext) -> str | None:
    if ctx.event == "alert":
        return OUTAGE_OF_IMPACT.get(ctx.impact or "", "degraded_performance")
    return "operational" if ctx.event in ("deployed", "resolved") else None


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    ctx = message.context
    name, body = status_texts(ctx, templates)
    incident: dict[str, Any] = {
        "name": name,
        "status": INCIDENT_STATUS[ctx.event],
        "body": body,
        "deliver_notifications": True,
        # The marker finds the incident again; the event tells a re-run from news.
        "metadata": {"hotfix_ci": {"marker": marker(ctx), "event": ctx.event}},
    }
    if ctx.event == "alert" and ctx.impact:
        incident["impact_override"] = ctx.impact
    status = component_status(ctx)
    if spec.component and status:
        incident["components"] = {spec.component: status}
        incident["component_ids"] = [spec.component]
    return {"incident": incident}


class _Page:
    def __init__(self, target: Target) -> None:
        base = target.env.get("HOTFIX_CI_STATUSPAGE_API_URL") or DEFAULT_API_URL
        self.base = f"{base.rstrip('/')}/pages/{target.value('page')}"
        self.transport = target.transport
        self.headers = {"Authorization": f"OAuth {target.value('key')}"}

    def call(self, method: str, path: str, *, once: bool = False, **kwargs: Any) -> Any:
        what = f"Statuspage {method} {path.split('/')[1]}"
        response = self.transport.request(
            method,
            self.base + path,
            what=what,
            ambiguous_ok=not once,
            headers=self.headers,
            **kwargs,
        )
        http.check(response, what, HINTS)
        try:
            return response.json()
        except ValueError:
            raise ChannelError(
                f"{what} answered {response.status_code} with a body that is not JSON",
                hint="check HOTFIX_CI_STATUSPAGE_API_URL (default https://api.statuspage.io/v1)",
            ) from None

    def component_id(self, wanted: str) -> str:
        components = self.call("GET", "/components") or []
        for item in components:
            name = str(item.get("name", ""))
            if item.get("id") == wanted or name.casefold() == wanted.casefold():
                return str(item["id"])
        names = ", ".join(str(item.get("name")) for item in components) or "none"
        raise ChannelError(
            f"the page has no component {wanted!r} (components: {names})",
            hint="set notify.channels[].component to one of them, by name or id",
        )

    def open_incident(self, incident: Payload) -> Payload | None:
        wanted = incident["metadata"]["hotfix_ci"]["marker"]
        for item in self.call("GET", "/incidents/unresolved") or []:
            meta = (item.get("metadata") or {}).get("hotfix_ci") or {}
            if meta.get("marker") == wanted or item.get("name") == incident["name"]:
                return dict(item)
        return None


def _says_already(found: Payload, incident: Payload) -> bool:
    """The open incident already carries this event (a re-run or a retry)."""
    if found.get("status") != incident["status"]:
        return False
    meta = (found.get("metadata") or {}).get("hotfix_ci") or {}
    if "event" in meta:
        return bool(meta["event"] == incident["metadata"]["hotfix_ci"]["event"])
    updates = found.get("incident_updates") or []
    return bool(updates) and updates[0].get("body") == incident["body"]


def deliver(payload: Payload, target: Target) -> str:
    page = _Page(target)
    incident = dict(payload["incident"])
    if target.spec.component and "components" in incident:
        component = page.component_id(target.spec.component)
        incident["components"] = {component: next(iter(incident["components"].values()))}
        incident["component_ids"] = [component]
    found = page.open_incident(incident)
    status = incident["status"]
    if found is None:
        if status in ("monitoring", "resolved"):
            return "no open incident of this hotfix: nothing to update"
        return _create(page, incident)
    if _says_already(found, incident):
        return f"incident {found['id']} already says this ({status})"
    if status == "investigating":  # an alert while the incident is open: keep its state
        return f"incident {found['id']} already open ({found.get('status')})"
    update = {k: v for k, v in incident.items() if k not in ("name", "impact_override")}
    try:
        page.call("PATCH", f"/incidents/{found['id']}", once=True, json={"incident": update})
    except AmbiguousSend:
        again = page.open_incident(incident)
        if again is None or again.get("status") != status:
            page.call("PATCH", f"/incidents/{found['id']}", json={"incident": update})
    verb = "resolved" if status == "resolved" else f"updated ({status})"
    return f"incident {found['id']} {verb}"


def _create(page: _Page, incident: Payload) -> str:
    try:
        created = page.call("POST", "/incidents", once=True, json={"incident": incident})
    except AmbiguousSend:
        created = page.open_incident(incident) or page.call(
            "POST", "/incidents", once=True, json={"incident": incident}
        )
    return f"incident {created.get('id')} created ({incident['status']})"
