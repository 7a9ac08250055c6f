"""Release decisions without I/O: which PR, which version, the matrix, the outputs."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from hotfix_ci.config import validate_config_text
from hotfix_ci.config.model import DeployConfig, HotfixConfig, ReleaseConfig
from hotfix_ci.github_api.releases import CommitPull, TagInfo
from hotfix_ci.model import PullRequest
from hotfix_ci.release.plan import (
    deploy_matrix,
    merged_as,
    pick_pull,
    plan_version,
    review_issue_body,
)
from hotfix_ci.reports.release import ReleaseReport, as_json, outputs, render_version

NOW = datetime(2025, 10, 22, 14, 30, tzinfo=timezone.utc)
SHA, OTHER = "a" * 40, "b" * 40


def _pull(
    number: int, *, base: str = "main", merged: bool = True, merge_sha: str = SHA
) -> CommitPull:
    pull = PullRequest(
        number=number,
        title="t",
        author="bob",
        head_ref="hotfix/x",
        head_sha="c" * 40,
        base_ref=base,
        base_sha="d" * 40,
        merged=merged,
        merge_commit_sha=merge_sha,
    )
    return CommitPull(pull=pull, head_repo="acme/web")


def test_pick_pull_prefers_the_exact_merge_commit_then_an_allowed_base() -> None:
    cfg = HotfixConfig()
    exact, other_base = _pull(2), _pull(3, base="develop", merge_sha=OTHER)
    assert pick_pull([other_base, exact], SHA, cfg) is exact
    allowed = _pull(4, merge_sha=OTHER)
    assert pick_pull([other_base, allowed], SHA, cfg) is allowed
    assert pick_pull([other_base, _pull(5, merged=False)], SHA, cfg) is None


def test_merged_as_is_the_merged_pull_whose_merge_commit_is_the_sha() -> None:
    # An open PR's merge_commit_sha is GitHub's test merge: it was not merged as that commit.
    open_one, merged_elsewhere, exact = _pull(2, merged=False), _pull(3, merge_sha=OTHER), _pull(4)
    assert merged_as([open_one, merged_elsewhere, exact], SHA) is exact
    assert merged_as([open_one, merged_elsewhere], SHA) is None


def test_plan_version_reuses_the_tag_on_the_commit_with_the_first_runs_previous() -> None:
    cfg = ReleaseConfig()
    tags = [
        TagInfo(name="v1.4.2", commit_sha=OTHER),
        TagInfo(name="hotfix-v1.4.3", commit_sha=SHA),
        TagInfo(name="hotfix-v1.4.4", commit_sha=OTHER),
    ]
    planned = plan_version(cfg, tags, SHA, None, now=NOW)
    assert (planned.version, planned.tag, planned.reused) == ("1.4.3", "hotfix-v1.4.3", True)
    assert (planned.previous_version, planned.previous_tag) == ("1.4.2", "v1.4.2")


def test_plan_version_skips_taken_names_and_ignores_foreign_tags_on_the_commit() -> None:
    tags = [TagInfo(name="v1.4.2", commit_sha=OTHER), TagInfo(name="nightly", commit_sha=SHA)]
    planned = plan_version(ReleaseConfig(), tags, SHA, None, now=NOW, taken={"hotfix-v1.4.3"})
    assert (planned.tag, planned.reused) == ("hotfix-v1.4.4", False)


def test_plan_version_date_scheme_reuses_its_tag() -> None:
    cfg = ReleaseConfig(scheme="date")
    tags = [TagInfo(name="hotfix-20251022-1430", commit_sha=SHA)]
    later = datetime(2025, 10, 23, 9, 0, tzinfo=timezone.utc)
    planned = plan_version(cfg, tags, SHA, None, now=later)
    assert (planned.tag, planned.reused) == ("hotfix-20251022-1430", True)


def test_deploy_matrix_is_one_job_per_provider_of_every_environment() -> None:
    assert deploy_matrix(DeployConfig()) == {"include": []}
    cfg = validate_config_text(
        "version: 1\n"
        "deploy:\n"
        "  environments:\n"
        "    prod:\n"
        "      providers: [{name: fly, type: command}, {name: k8s, type: command}]\n"
        "    stage:\n"
        "      providers: [{name: render, type: command}]\n",
        "hotfix.yml",
    )
    assert deploy_matrix(cfg.deploy) == {
        "include": [
            {"environment": "prod", "provider": "fly"},
            {"environment": "prod", "provider": "k8s"},
            {"environment": "stage", "provider": "render"},
        ]
    }


def test_outputs_are_the_json_keys_as_strings() -> None:
    report = ReleaseReport(
        released=True,
        reason="r",
        version="1.4.3",
        pr_number=7,
        matrix={"include": [{"environment": "prod", "provider": "fly"}]},
    )
    out = outputs(report)
    assert list(out) == list(as_json(report))
    assert out["released"] == "true" and out["previous-tag"] == "" and out["pr-number"] == "7"
    assert json.loads(out["matrix"]) == report.matrix and " " not in out["matrix"]


def test_review_issue_asks_the_configured_reviewers_or_says_there_are_none() -> None:
    body = review_issue_body(
        pr_number=3, pr_url="u", tag="t", severity="P0", reviewers=("alice", "@acme/sre")
    )
    assert body.startswith("@alice @acme/sre: please review pull request #3 (u).")
    nobody = review_issue_body(pr_number=3, pr_url="u", tag="t", severity="P0", reviewers=())
    assert nobody.startswith("No reviewers are configured (approvals.reviewers)")


def test_render_version_text_for_a_repository_without_releases() -> None:
    data = {
        "kind": "next",
        "scheme": "patch",
        "version": "0.1.1",
        "tag": "hotfix-v0.1.1",
        "previous_version": None,
        "previous_tag": None,
        "source": "default",
    }
    assert render_version(data).splitlines() == [
        "next: 0.1.1 (tag hotfix-v0.1.1)",
        "previous: none",
        "scheme: patch, read from no release yet: the 0.1.0 baseline",
    ]
