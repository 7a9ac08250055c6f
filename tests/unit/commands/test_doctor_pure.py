"""doctor's pure parts: permissions arithmetic, pins, the required-check set, the text report."""

from __future__ import annotations

from hotfix_ci.commands.doctor_checks import required_checks
from hotfix_ci.commands.doctor_workflows import (
    SCOPES,
    check_workflows,
    needed_permissions,
    normalize,
)
from hotfix_ci.reports.doctor import DoctorReport, Finding, render_text
from hotfix_ci.workflows import WorkflowSettings, render_all

PINNED = "acme/hotfix-ci@" + "a" * 40


def test_normalize_permission_shorthands() -> None:
    assert normalize(None) is None
    assert normalize({}) == {}
    assert normalize("read-all") == dict.fromkeys(SCOPES, "read")
    assert normalize({"contents": "read", "issues": "none"}) == {"contents": "read"}


def test_needed_permissions_are_the_rendered_ones() -> None:
    needed = needed_permissions()
    assert needed["hotfix-pr-gate.yml"]["gate"] == {
        "contents": "read",
        "pull-requests": "write",
        "checks": "write",
        "issues": "read",
    }
    # The summary job reads the log and comments on the PR (its notify step).
    assert needed["hotfix-deploy.yml"]["summary"] == {
        "contents": "read",
        "deployments": "read",
        "pull-requests": "write",
    }


def test_write_all_at_the_top_and_unpinned_uses_kinds() -> None:
    rendered = render_all(WorkflowSettings(action=PINNED))
    rollback = rendered["hotfix-rollback.yml"]
    rollback = rollback.replace("permissions: {}\n", "permissions: write-all\n", 1)
    rollback = rollback.replace(
        "    permissions:\n      contents: read\n      deployments: write\n", ""
    )
    rollback += "  extra:\n    uses: acme/shared/.github/workflows/x.yml@main\n"
    rollback += "  local:\n    runs-on: x\n    steps:\n      - uses: ./local\n"
    rollback += "      - uses: docker://alpine:3\n"
    found = check_workflows({**rendered, "hotfix-rollback.yml": rollback})
    assert [(f.check, f.where) for f in found] == [
        ("workflow-permissions", ".github/workflows/hotfix-rollback.yml: jobs.rollback"),
        ("action-pinned", ".github/workflows/hotfix-rollback.yml: jobs.extra"),
    ]
    assert found[0].message.startswith("job rollback grants {actions: write, ")
    assert "action acme/shared/.github/workflows/x.yml is referenced by 'main'" in found[1].message


def test_invalid_yaml_workflow_is_a_finding() -> None:
    rendered = render_all(WorkflowSettings(action=PINNED))
    found = check_workflows({**rendered, "hotfix-deploy.yml": "jobs: [unclosed\n"})
    assert [f.message.split(":")[0] for f in found] == [
        ".github/workflows/hotfix-deploy.yml is not valid YAML"
    ]


def test_required_checks_from_protection_and_rules() -> None:
    protection = {"required_status_checks": {"contexts": ["a"], "checks": [{"context": "b"}]}}
    rules = [
        {"type": "deletion"},
        {
            "type": "required_status_checks",
            "parameters": {"required_status_checks": [{"context": "c"}]},
        },
    ]
    assert required_checks(protection, rules) == {"a", "b", "c"}
    assert required_checks(None, []) == set()


def test_text_report_marks_each_check() -> None:
    finding = Finding(check="secrets", message="secret X is missing", fix="add it", where="w")
    unseen = Finding(check="gate-required", message="cannot read", fix="token", level="unverified")
    report = DoctorReport(
        repository="acme/web",
        default_branch="main",
        config_source="defaults",
        findings=(finding, unseen),
    )
    text = render_text(report)
    assert "FAIL secrets: the provider and notification secrets exist" in text
    assert "     - secret X is missing [w]\n       fix: add it" in text
    assert "??   gate-required:" in text and "ok   config:" in text
    assert text.endswith(
        "1 problem(s) and 1 check(s) the token could not see: apply each fix, then run "
        "`hotfix-ci doctor` again."
    )
