"""Issue 10 item 7, its cost: the P0 review issue is looked up among the issues updated since
the PR was opened, not among every issue the repository ever had.

Before: each P0 release listed every issue (``state=all``, no filter): 3 pages for 250 old
issues here, one more per 100 issues in a real repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.release import REPO, as_json, merge_gated, release, write_config

OLD_ISSUES = 250


def test_the_review_issue_lookup_reads_only_issues_since_the_pr(
    emulator: Any, tmp_path: Path
) -> None:
    write_config(tmp_path, "approvals:\n  reviewers: [alice]\n")
    emulator.set_clock("2026-03-01T09:00:00Z")
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="main", message="init", files={"app.py": "print('hi')\n"})
    emulator.add_tag(REPO, "v1.4.2")
    for index in range(OLD_ISSUES):
        emulator.open_issue(REPO, title=f"old bug {index}", author="eve")
    emulator.set_clock("2026-03-02T03:00:00Z")  # the outage, a day later
    number = emulator.create_pull(
        REPO, title="[HOTFIX] Fix login", head="hotfix/login", author="bob", labels=["hotfix", "P0"]
    )
    emulator.advance_clock(600)
    sha = merge_gated(emulator, number)

    def listings() -> list[dict[str, str]]:
        path = f"/repos/{REPO}/issues"
        return [r.query for r in emulator.requests if r.method == "GET" and r.path == path]

    def reviews() -> list[Any]:
        return [i for i in emulator.issues(REPO) if i["user"]["login"] == "github-actions[bot]"]

    emulator.clear_requests()
    assert as_json(release(emulator, tmp_path, sha))["review-after-deploy"] is True
    assert len(reviews()) == 1
    # Before: 3 pages (state=all, no since); now one page of what changed since the PR.
    assert [q.get("since") for q in listings()] == ["2026-03-02T03:00:00Z"]
    emulator.clear_requests()
    as_json(release(emulator, tmp_path, sha))  # a re-run still finds it: no second one
    assert len(reviews()) == 1
    assert [q.get("since") for q in listings()] == ["2026-03-02T03:00:00Z"]
