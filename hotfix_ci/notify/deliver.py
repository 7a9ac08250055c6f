"""Send one event to its channels: each on its own, failures kept as data, secrets redacted.

A channel that fails never stops the others; its outcome says what happened and what to
do. Whether a failure fails the run is the caller's decision (``required: true``), taken
from the outcomes: :func:`announce` never raises for a channel.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config.model import ChannelConfig, HotfixConfig, NotifyConfig
from hotfix_ci.errors import HotfixError
from hotfix_ci.escape import Redactor
from hotfix_ci.notify.base import CommentClient, Payload, Target, need_github
from hotfix_ci.notify.channels import CHANNELS
from hotfix_ci.notify.context import NotifyContext, delivery_id
from hotfix_ci.notify.http import ChannelError, RetryPolicy, Transport
from hotfix_ci.notify.render import OVERRIDE_DIR, Message, Templates, compose
from hotfix_ci.text import redact as redact_registered

Status = Literal["sent", "failed", "dry-run"]
_LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True, kw_only=True)
class ChannelOutcome:
    """What one channel did with one event; ``detail`` and ``payload`` are redacted."""

    channel: str
    type: str
    required: bool
    status: Status
    detail: str
    hint: str | None = None
    payload: Payload | None = None  # what the channel would receive (dry run only)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "channel": self.channel,
            "type": self.type,
            "required": self.required,
            "status": self.status,
            "detail": self.detail,
            "hint": self.hint,
        }
        if self.payload is not None:
            data["payload"] = self.payload
        return data


def required_failed(outcomes: list[ChannelOutcome]) -> bool:
    return any(o.failed and o.required for o in outcomes)


def secret_values(config: NotifyConfig, env: Mapping[str, str]) -> list[str]:
    """Every value a channel's ``*_env`` names, whatever event is sent: all are secrets."""
    names = {name for name, _ in config.variables()}
    return [env[name] for name in sorted(names) if env.get(name)]


def values_for(spec: ChannelConfig, env: Mapping[str, str]) -> dict[str, str]:
    """The values of the channel's variables; a needed one that is unset is an error."""
    needed = set(CHANNELS[spec.type].NEEDS) | ({"secret"} if spec.secret_env else set())
    values: dict[str, str] = {}
    for key, name in spec.variables():
        if key not in needed:
            continue
        value = (env.get(name) or "").strip()
        if not value:
            raise ChannelError(
                f"${name} is not set or empty",
                hint=f"set {name} in the job's env from a secret, e.g. "
                f"`{name}: ${{{{ secrets.{name} }}}}`",
            )
        if key == "url":
            _check_url(name, value)
        values[key] = value
    return values


def _check_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host in _LOOPBACK_NAMES or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme == "https" or (parts.scheme == "http" and loopback):
        return
    raise ChannelError(
        f"${name} does not hold an https:// URL",
        hint="copy the webhook URL from the service again; plain http is allowed only to "
        "127.0.0.1 (the demo receiver)",
    )


def redact_data(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_data(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_data(item, redact) for item in value]
    return value


def deliver_all(
    ctx: NotifyContext,
    config: NotifyConfig,
    env: Mapping[str, str],
    *,
    redact: Redactor,
    templates: Templates,
    github: CommentClient | None = None,
    dry_run: bool = False,
    transport: Transport | None = None,
) -> list[ChannelOutcome]:
    """Each channel of ``ctx.event`` in turn; nothing here raises for a channel."""
    ctx = ctx.redacted(lambda text: redact_registered(redact(text)))
    transport = transport or Transport(RetryPolicy.from_env(env))
    messages: dict[str, Message] = {}
    outcomes = []
    for spec in config.channels_for(ctx.event):
        backend = CHANNELS[spec.type]
        payload: Payload | None = None
        try:
            flavour = backend.FLAVOUR
            if flavour not in messages:
                messages[flavour] = compose(ctx, flavour, templates)
            payload = backend.build(messages[flavour], spec, templates)
            values = values_for(spec, env)
            if "github" in backend.NEEDS:
                need_github(github)
            if dry_run:
                detail = "would be sent (dry run)"
            else:
                target = Target(
                    spec=spec, values=values, env=env, transport=transport, github=github
                )
                detail = backend.deliver(payload, target)
            status: Status = "dry-run" if dry_run else "sent"
            outcomes.append(_outcome(spec, status, detail, None, payload, dry_run, redact))
        except HotfixError as exc:
            outcomes.append(
                _outcome(spec, "failed", exc.message, exc.hint, payload, dry_run, redact)
            )
        except Exception as exc:  # a bug in one channel must not silence the others
            text = f"internal error in the {spec.type} channel: {type(exc).__name__}: {exc}"
            hint = "this is a bug in hotfix-ci; report it with this message"
            outcomes.append(_outcome(spec, "failed", text, hint, payload, dry_run, redact))
    return outcomes


def _outcome(
    spec: ChannelConfig,
    status: Status,
    detail: str,
    hint: str | None,
    payload: Payload | None,
    dry_run: bool,
    redact: Redactor,
) -> ChannelOutcome:
    return ChannelOutcome(
        channel=spec.name,
        type=spec.type,
        required=spec.required,
        status=status,
        detail=redact(detail),
        hint=redact(hint) if hint else None,
        payload=redact_data(payload, redact) if dry_run and payload is not None else None,
    )


def describe(outcome: ChannelOutcome) -> str:
    """One line for a log: ``notify team (slack): posted``."""
    line = f"notify {outcome.channel} ({outcome.type}): "
    if outcome.failed:
        kind = "FAILED" if outcome.required else "failed (warning)"
        line += f"{kind}: {outcome.detail}"
        if outcome.hint:
            line += f" — what to do: {outcome.hint}"
        return line
    return line + outcome.detail


def announce(
    event: str,
    context: NotifyContext,
    config: HotfixConfig,
    env: Mapping[str, str],
    io: ActionsIO,
    *,
    github: CommentClient | None = None,
    workdir: Path | None = None,
    dry_run: bool = False,
) -> list[ChannelOutcome]:
    """Send ``event`` to the channels ``notify.events`` names for it, for a stage
    (release, deploy, rollback). Masks every channel secret first; writes a warning
    annotation for each failed channel (an error one when it is required) inside Actions;
    never raises for a channel. Check :func:`required_failed` on the result.
    """
    ctx = replace(context, event=event)
    ctx = replace(ctx, delivery=delivery_id(ctx, env))
    redact = Redactor(secret_values(config.notify, env))
    for value in redact.values:
        io.mask(value)
    templates = Templates((workdir or Path()) / OVERRIDE_DIR)
    outcomes = deliver_all(
        ctx,
        config.notify,
        env,
        redact=redact,
        templates=templates,
        github=github,
        dry_run=dry_run,
    )
    if io.in_actions:
        for outcome in outcomes:
            if outcome.failed:
                level = "error" if outcome.required else "warning"
                io.annotation(level, describe(outcome), title="hotfix-ci notify")
    return outcomes
