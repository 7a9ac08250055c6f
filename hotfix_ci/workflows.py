"""Render the four workflow templates with pinned action references.

Templates use ``[[ ]]`` for jinja2 so GitHub's ``${{ }}`` expressions pass through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hotfix_ci.errors import UsageError

CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
WORKFLOWS = (
    "hotfix-pr-gate.yml",
    "hotfix-pr-review.yml",
    "hotfix-deploy.yml",
    "hotfix-rollback.yml",
)


@dataclass(frozen=True, kw_only=True)
class WorkflowSettings:
    action: str  # "owner/hotfix-ci@<40-hex sha> # vX.Y.Z"
    base: Sequence[str] = ("main",)
    checkout: str = CHECKOUT
    secrets: Sequence[str] = ()  # provider variables the deploy and rollback jobs pass
    # The notify channels' variables (url_env, secret_env, page_env, key_env), passed from
    # secrets to every job that notifies: release, deploy, rollback and summary.
    notify_secrets: Sequence[str] = ()


def templates_dir() -> Path:
    """In a wheel the templates sit in the package; in a checkout, at the top level."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "workflows-templates", here.parent / "workflows-templates"):
        if candidate.is_dir():
            return candidate
    raise UsageError("the workflow templates are missing from this installation")


def check_pinned(uses: str) -> None:
    ref = uses.split("#", 1)[0].strip()
    name, _, sha = ref.partition("@")
    if not name or len(sha) != 40 or any(c not in "0123456789abcdef" for c in sha):
        raise UsageError(
            f"action reference {ref!r} is not pinned to a full commit SHA",
            hint="use OWNER/REPO@<40-hex commit sha> # vX.Y.Z",
        )


def render(name: str, settings: WorkflowSettings) -> str:
    import jinja2

    check_pinned(settings.action)
    check_pinned(settings.checkout)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - YAML, not HTML
    )
    template = env.get_template(name)
    return template.render(
        action=settings.action,
        checkout=settings.checkout,
        base=", ".join(settings.base),
        base_json=json.dumps(list(settings.base)),
        secrets=list(settings.secrets),
        notify_secrets=[n for n in settings.notify_secrets if n not in settings.secrets],
    )


def render_all(settings: WorkflowSettings) -> dict[str, str]:
    return {name: render(name, settings) for name in WORKFLOWS}
