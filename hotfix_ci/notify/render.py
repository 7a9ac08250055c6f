"""Render a notification's text from the jinja2 templates, escaped for one channel.

Templates ship in ``hotfix_ci/notify/templates/``; a file of the same name under
``.github/hotfix/notify/`` in the repository replaces one (``deployed.md.j2``,
``status/impact.txt.j2``, ...). They run in jinja2's ``SandboxedEnvironment``
(https://jinja.palletsprojects.com/en/stable/sandbox/), and the facts (PR title, tag,
...) reach them only as variables: a title holding ``{{ 7*7 }}`` is printed, not run.
Every ``{{ expression }}`` passes the environment's ``finalize`` hook
(https://jinja.palletsprojects.com/en/stable/api/#jinja2.Environment), which makes the
value one line and escapes it for the channel; the template's own text is kept as written.
An event template's first line is the title, the rest the body.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from hotfix_ci.errors import ConfigError
from hotfix_ci.escape import ESCAPERS, one_line
from hotfix_ci.notify.context import COLOR_OF_EVENT, NotifyContext

OVERRIDE_DIR = Path(".github") / "hotfix" / "notify"
STATUS_PARTS = ("issue", "impact", "fix", "severity", "times", "links")


class TemplateProblem(ConfigError):
    """A template (usually a repository override) cannot be rendered."""


@dataclass(frozen=True, kw_only=True)
class Message:
    """One event's text for one channel: data escaped, template text as written."""

    event: str
    title: str
    plain_title: str  # for fields the service shows as plain text (Slack's header)
    body: str
    facts: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, str], ...]  # (label, http(s) URL); URLs are never escaped
    color: int
    context: NotifyContext


class Templates:
    """The shipped templates, each replaceable by a file in ``override_dir``."""

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = override_dir

    def render(self, name: str, variables: dict[str, Any], flavour: str) -> str:
        try:
            template = _environment(self.override_dir, flavour).get_template(name)
            return template.render(variables).strip()
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(
                f"notification template {exc.filename or name}:{exc.lineno}: {exc.message}",
                hint="fix the jinja2 syntax there, or delete the override to use the default",
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem(
                f"notification template {name} cannot be rendered: {exc}",
                hint=f"check the overrides in {OVERRIDE_DIR}; the sandbox allows variables, "
                "filters, if and for, but no attribute or method access on Python objects",
            ) from None


@functools.cache
def _environment(override_dir: Path | None, flavour: str) -> SandboxedEnvironment:
    escape = ESCAPERS[flavour]
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(override_dir)))
    loaders.append(jinja2.PackageLoader("hotfix_ci.notify", "templates"))

    def finalize(value: Any) -> str:
        return "" if value is None else escape(one_line(str(value)))

    return SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,
        finalize=finalize,
        # No trim_blocks: a title line ending in {% endif %} must keep its newline.
        lstrip_blocks=True,
    )


def _split(text: str) -> tuple[str, str]:
    lines = text.splitlines()
    title = one_line(lines[0]) if lines else ""
    return title, "\n".join(lines[1:]).strip()


def _facts(ctx: NotifyContext, flavour: str) -> tuple[tuple[str, str], ...]:
    escape = ESCAPERS[flavour]
    rows = [
        ("Repository", ctx.repository),
        ("Environment", ctx.environment),
        ("Provider", ctx.provider),
        ("Release", ctx.tag),
        ("Severity", ctx.severity),
        ("Pull request", f"#{ctx.pr}" if ctx.pr is not None else None),
        ("Commit", ctx.sha[:12] if ctx.sha else None),
        ("By", ctx.actor),
    ]
    return tuple((label, escape(one_line(value))) for label, value in rows if value)


def _links(ctx: NotifyContext) -> tuple[tuple[str, str], ...]:
    rows = [
        (f"Pull request #{ctx.pr}", ctx.pr_url),
        ("Workflow run", ctx.run_url),
    ]
    return tuple(
        (label, url) for label, url in rows if url and url.startswith(("https://", "http://"))
    )


def compose(ctx: NotifyContext, flavour: str, templates: Templates) -> Message:
    """The event's message for a channel whose markup ``flavour`` names."""
    variables = ctx.variables()
    name = f"{ctx.event}.md.j2"
    title, body = _split(templates.render(name, variables, flavour))
    plain_title, _ = _split(templates.render(name, variables, "plain"))
    return Message(
        event=ctx.event,
        title=title,
        plain_title=plain_title,
        body=body,
        facts=_facts(ctx, flavour),
        links=_links(ctx),
        color=COLOR_OF_EVENT[ctx.event],
        context=ctx,
    )


def status_texts(ctx: NotifyContext, templates: Templates) -> tuple[str, str]:
    """The Statuspage incident's name and this event's update text."""
    variables = ctx.variables()
    name = one_line(templates.render("status/issue.txt.j2", variables, "plain"))
    body = templates.render(f"status/{ctx.event}.txt.j2", variables, "plain")
    lines = [line for line in body.splitlines() if line.strip()]
    return name, "\n".join(lines)
