from __future__ import annotations

from dataclasses import replace

from hotfix_ci.config.model import (
    ApprovalsConfig,
    DiffConfig,
    HotfixConfig,
    SeverityConfig,
    default_severities,
)
from hotfix_ci.model import FileChange, GateEvidence, LabelEvent, PullRequest, Review
from hotfix_ci.policy.pr_gate import evaluate

HEAD = "a" * 40
OLD = "b" * 40


def pull(**kw: object) -> PullRequest:
    base = dict(
        number=7,
        title="[HOTFIX] Fix login 500s",
        author="bob",
        head_ref="hotfix/login-500",
        head_sha=HEAD,
        base_ref="main",
        base_sha="c" * 40,
        labels=("hotfix", "P1"),
    )
    base.update(kw)
    return PullRequest(**base)  # type: ignore[arg-type]


GOOD_FILES = (
    FileChange(path="app/login.py", additions=5, deletions=2),
    FileChange(path="tests/test_login.py", additions=12, deletions=0),
)


def evidence(**kw: object) -> GateEvidence:
    base: dict[str, object] = dict(
        pull=pull(),
        reviews=(Review(reviewer="alice", state="APPROVED", commit_id=HEAD),),
        files=GOOD_FILES,
        permissions={"alice": "write"},
    )
    base.update(kw)
    return GateEvidence(**base)  # type: ignore[arg-type]


def rules(verdict: object) -> list[str]:
    return [f.rule for f in verdict.findings]  # type: ignore[attr-defined]


def test_good_p1_pull_passes() -> None:
    v = evaluate(evidence(), HotfixConfig())
    assert v.passed and v.hotfix and v.severity == "P1"
    assert v.findings == ()
    assert (v.files, v.lines) == (2, 19)


def test_non_hotfix_pull_passes_at_once() -> None:
    ev = evidence(pull=pull(title="Add feature", head_ref="feature/x", labels=()))
    v = evaluate(ev, HotfixConfig())
    assert v.passed and not v.hotfix
    assert v.note == "not a hotfix pull request"


def test_hotfix_by_label_alone_is_gated_on_branch_and_title() -> None:
    ev = evidence(pull=pull(title="fix login", head_ref="fix/login"))
    v = evaluate(ev, HotfixConfig())
    assert not v.passed
    assert rules(v) == ["branch", "title"]
    assert r"does not match the pattern ^\[HOTFIX\] \S:" in v.findings[1].message


def test_wrong_base_and_missing_hotfix_label() -> None:
    ev = evidence(pull=pull(base_ref="develop", labels=("P1",)))
    v = evaluate(ev, HotfixConfig())
    assert rules(v) == ["base", "labels"]
    assert "'hotfix' is missing" in v.findings[1].message


def test_severity_missing_and_several() -> None:
    v = evaluate(evidence(pull=pull(labels=("hotfix",))), HotfixConfig())
    assert rules(v) == ["severity"]
    assert "add exactly one of P0, P1, P2, P3" in v.findings[0].message
    v = evaluate(evidence(pull=pull(labels=("hotfix", "P0", "P1"))), HotfixConfig())
    assert "several severity labels (P0, P1)" in v.findings[0].message


def test_p2_is_not_hotfix_material() -> None:
    v = evaluate(evidence(pull=pull(labels=("hotfix", "P2"))), HotfixConfig())
    assert rules(v) == ["severity"]
    assert "P2 is not hotfix material" in v.findings[0].message
    assert v.severity == "P2" and not v.passed


def test_p0_passes_without_approval_and_reports_review_after_deploy() -> None:
    ev = evidence(pull=pull(labels=("hotfix", "P0")), reviews=())
    v = evaluate(ev, HotfixConfig())
    assert v.passed and v.review_after_deploy and v.severity == "P0"


def test_self_approval_does_not_count() -> None:
    ev = evidence(
        reviews=(Review(reviewer="bob", state="APPROVED", commit_id=HEAD),),
        permissions={"bob": "admin"},
    )
    v = evaluate(ev, HotfixConfig())
    assert rules(v) == ["approvals"]
    assert "bob approved their own pull request" in v.findings[0].message
    assert "P1 needs 1 approval(s) on the head commit; it has 0" in v.findings[0].message


def test_approval_on_older_commit_is_stale() -> None:
    ev = evidence(reviews=(Review(reviewer="alice", state="APPROVED", commit_id=OLD),))
    v = evaluate(ev, HotfixConfig())
    assert rules(v) == ["approvals"]
    assert "alice's approval is for commit bbbbbbb, not the head aaaaaaa" in v.findings[0].message
    relaxed = replace(HotfixConfig(), approvals=ApprovalsConfig(stale_after_push=False))
    assert evaluate(ev, relaxed).passed


def test_approval_then_changes_requested_by_same_reviewer() -> None:
    ev = evidence(
        reviews=(
            Review(reviewer="alice", state="APPROVED", commit_id=HEAD),
            Review(reviewer="alice", state="COMMENTED", commit_id=HEAD),
            Review(reviewer="alice", state="CHANGES_REQUESTED", commit_id=HEAD),
        )
    )
    v = evaluate(ev, HotfixConfig())
    assert rules(v) == ["approvals", "approvals"]
    assert "alice requested changes" in v.findings[0].message


def test_comment_after_approval_keeps_the_approval() -> None:
    ev = evidence(
        reviews=(
            Review(reviewer="alice", state="APPROVED", commit_id=HEAD),
            Review(reviewer="alice", state="COMMENTED", commit_id=HEAD),
        )
    )
    assert evaluate(ev, HotfixConfig()).passed


def test_dismissed_approval_does_not_count() -> None:
    ev = evidence(
        reviews=(
            Review(reviewer="alice", state="APPROVED", commit_id=HEAD),
            Review(reviewer="alice", state="DISMISSED", commit_id=HEAD),
        )
    )
    assert rules(evaluate(ev, HotfixConfig())) == ["approvals"]


def test_approval_without_write_permission() -> None:
    ev = evidence(permissions={"alice": "read"})
    v = evaluate(ev, HotfixConfig())
    assert "alice has 'read' permission" in v.findings[0].message


def test_reviewers_list_and_teams() -> None:
    cfg = replace(HotfixConfig(), approvals=ApprovalsConfig(reviewers=("carol", "@acme/sre")))
    assert not evaluate(evidence(), cfg).passed
    ev = evidence(team_members={"@acme/sre": frozenset({"alice"})})
    assert evaluate(ev, cfg).passed
    ev = evidence(unreadable_teams=("@acme/sre",))
    v = evaluate(ev, cfg)
    assert "cannot read @acme/sre" in v.findings[0].message
    assert "members: read" in v.findings[0].message


def p0_labelled_by(*entries: str) -> HotfixConfig:
    sevs = tuple(
        replace(s, labelled_by=entries) if s.name == "P0" else s for s in default_severities()
    )
    return replace(HotfixConfig(), severities=sevs)


def test_self_labelled_p0_fails_when_labelled_by_is_set() -> None:
    cfg = p0_labelled_by("oncall-lead")
    events = (LabelEvent(event="labeled", label="P0", actor="bob"),)
    ev = evidence(pull=pull(labels=("hotfix", "P0")), reviews=(), label_events=events)
    v = evaluate(ev, cfg)
    assert rules(v) == ["severity"]
    assert "P0 was applied by bob, who is not in severities.P0.labelled_by (oncall-lead)" in (
        v.findings[0].message
    )
    ok = (*events, LabelEvent(event="labeled", label="P0", actor="oncall-lead"))
    assert evaluate(replace(ev, label_events=ok), cfg).passed


def test_p0_label_without_event_history_fails() -> None:
    ev = evidence(pull=pull(labels=("hotfix", "P0")), reviews=(), label_events=())
    v = evaluate(ev, p0_labelled_by("@acme/leads"))
    assert "no record of who applied P0" in v.findings[0].message


def test_protected_lockfile_needs_label() -> None:
    files = (*GOOD_FILES, FileChange(path="web/package-lock.json", additions=40, deletions=3))
    v = evaluate(evidence(files=files), HotfixConfig())
    assert rules(v) == ["protected-paths"]
    assert v.findings[0].path == "web/package-lock.json"
    labelled = evidence(files=files, pull=pull(labels=("hotfix", "P1", "allow-dependency-change")))
    assert evaluate(labelled, HotfixConfig()).passed


def test_no_test_file_changed() -> None:
    v = evaluate(evidence(files=GOOD_FILES[:1]), HotfixConfig())
    assert rules(v) == ["tests-required"]
    cfg = replace(HotfixConfig(), diff=DiffConfig(require_tests=False))
    assert evaluate(evidence(files=GOOD_FILES[:1]), cfg).passed


def test_diff_size_ignores_markdown_and_counts_lines() -> None:
    files = (
        *GOOD_FILES,
        FileChange(path="docs/runbook.md", additions=900, deletions=0),
        FileChange(path="app/big.py", additions=300, deletions=40),
    )
    v = evaluate(evidence(files=files), HotfixConfig())
    assert rules(v) == ["diff-size"]
    assert "the diff is 359 lines against a limit of 200" in v.findings[0].message
    many = tuple(FileChange(path=f"app/m{i}.py", additions=1, deletions=0) for i in range(11))
    v = evaluate(evidence(files=(*GOOD_FILES, *many)), HotfixConfig())
    assert "13 files changed against a limit of 10" in v.findings[0].message


def test_truncated_file_list_fails_closed() -> None:
    ev = evidence(pull=pull(changed_files=3001), files_truncated=True)
    v = evaluate(ev, HotfixConfig())
    assert "api-limit" in rules(v)
    assert "changes 3001" in next(f for f in v.findings if f.rule == "api-limit").message


def test_skip_authors_passes_without_findings() -> None:
    cfg = replace(
        HotfixConfig(),
        pull_request=replace(HotfixConfig().pull_request, skip_authors=("dependabot[bot]",)),
    )
    ev = evidence(pull=pull(author="dependabot[bot]", labels=("hotfix",)), reviews=())
    v = evaluate(ev, cfg)
    assert v.passed and v.findings == ()
    assert "skip_authors" in (v.note or "")


def test_custom_severity_set_replaces_defaults() -> None:
    sevs = (SeverityConfig(name="SEV1", label="sev:1", approvals=2),)
    cfg = replace(HotfixConfig(), severities=sevs)
    ev = evidence(
        pull=pull(labels=("hotfix", "sev:1")),
        reviews=(
            Review(reviewer="alice", state="APPROVED", commit_id=HEAD),
            Review(reviewer="dan", state="APPROVED", commit_id=HEAD),
        ),
        permissions={"alice": "write", "dan": "maintain"},
    )
    v = evaluate(ev, cfg)
    assert v.passed and v.severity == "SEV1"


def test_branch_glob_star_stays_within_a_segment() -> None:
    from hotfix_ci.policy.classify import branch_matches

    assert branch_matches("hotfix/login-500", "hotfix/*")
    assert not branch_matches("hotfix/auth/login-500", "hotfix/*")
    assert branch_matches("hotfix/auth/login-500", "hotfix/**")
    assert not branch_matches("feature/hotfix/x", "hotfix/*")
