"""Labels on an issue or pull request (issues/add-labels: adding one that is there is a
no-op, so a repeated call after a timeout is safe)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hotfix_ci.github_api.rest import repo_url, request

if TYPE_CHECKING:
    from hotfix_ci.github_api.client import GitHubClient


def add_labels(client: GitHubClient, number: int, labels: Sequence[str]) -> None:
    """https://docs.github.com/rest/issues/labels#add-labels-to-an-issue"""
    if not labels:
        return
    with client.call(f"labelling #{number} {', '.join(labels)}", "issues: write"):
        request(
            client,
            "POST",
            repo_url(client, f"issues/{number}/labels"),
            input={"labels": list(labels)},
        )
