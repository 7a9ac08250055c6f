"""GitHub: one comment per event and environment on the hotfix pull request.

The same path as check-pr's sticky comment (``GitHubClient.find_comment`` /
``create_comment`` / ``update_comment``, REST "issue comments":
https://docs.github.com/en/rest/issues/comments): the comment starts with a hidden HTML
marker naming the event and environment, is looked up by it first, and is updated in
place (or left alone when it already says this), so a re-run or a retry never posts it
twice. Needs ``pull-requests: write`` (``issues: write`` for a plain issue).
Text is GitHub markdown with every data value escaped and ``@`` mentions defused.
"""

from __future__ import annotations

from hotfix_ci.config.model import ChannelConfig
from hotfix_ci.errors import GitHubAPIError
from hotfix_ci.notify.base import Payload, Target, need_github
from hotfix_ci.notify.http import ChannelError
from hotfix_ci.notify.render import Message, Templates

FLAVOUR = "markdown"
NEEDS: tuple[str, ...] = ("github",)  # a GitHub client, not a variable


def comment_marker(event: str, environment: str | None) -> str:
    return f"<!-- hotfix-ci:notify:{event}:{environment or '-'} -->"


def build(message: Message, spec: ChannelConfig, templates: Templates) -> Payload:
    ctx = message.context
    lines = [comment_marker(ctx.event, ctx.environment), f"### {message.title}", ""]
    if message.body:
        lines += [message.body, ""]
    lines += [f"- **{label}:** {value}" for label, value in message.facts]
    if ctx.run_url:
        lines += ["", f"[Workflow run]({ctx.run_url})"]
    return {"pr": ctx.pr, "body": "\n".join(lines)}


def deliver(payload: Payload, target: Target) -> str:
    number = payload.get("pr")
    if not isinstance(number, int):
        raise ChannelError(
            "no pull request to comment on",
            hint="pass --pr N (release, deploy and rollback pass the hotfix PR themselves)",
        )
    client = need_github(target.github)
    body = str(payload["body"])
    marker = body.splitlines()[0]
    try:
        existing = client.find_comment(number, marker)
        if existing is None:
            try:
                client.create_comment(number, body)
            except GitHubAPIError:
                # A create that failed after sending may still have landed: look first.
                if client.find_comment(number, marker) is None:
                    raise
            return f"commented on #{number}"
        if existing.body.strip() == body.strip():
            return f"comment on #{number} already says this"
        client.update_comment(existing.id, body)
        return f"updated the comment on #{number}"
    except GitHubAPIError as exc:
        raise ChannelError(exc.message, hint=exc.hint) from None
