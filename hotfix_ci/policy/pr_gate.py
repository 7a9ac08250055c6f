"""The PR gate's rules: pure functions from the gathered evidence to findings.

Rule ids are a public contract: branch, base, title, labels, severity, approvals, diff-size,
protected-paths, tests-required, api-limit, policy-change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotfix_ci.config.model import HotfixConfig, SeverityConfig
from hotfix_ci.model import Finding, GateEvidence
from hotfix_ci.patterns import path_matches as matches
from hotfix_ci.policy.approvals import count_approvals
from hotfix_ci.policy.classify import branch_matches, is_hotfix, severity_labels
from hotfix_ci.policy.principals import is_listed
from hotfix_ci.text import clip, inert, shown_path


@dataclass(frozen=True, kw_only=True)
class GateVerdict:
    hotfix: bool
    passed: bool
    severity: str | None
    review_after_deploy: bool
    findings: tuple[Finding, ...]
    files: int
    lines: int
    note: str | None = None  # why the gate did not apply, when it did not


def _err(rule: str, message: str, path: str | None = None) -> Finding:
    return Finding(rule=rule, level="error", message=message, path=path)


_TITLE_PREFIXES = ("[HOTFIX] ", "HOTFIX: ", "hotfix: ", "[hotfix] ", "Hotfix: ")
_HOTFIX_WORD = re.compile(r"^\W*hot[\s_-]?fix\W*", re.IGNORECASE)


TITLE_SHOWN = 80  # characters of a PR title quoted in a finding


def title_example(title: str, pattern: str) -> str | None:
    """The PR's own title with a prefix that makes it match ``pattern`` (None if none does):
    data, on one line, clipped, so what the author wrote never turns into markup or a wall."""
    rest = _HOTFIX_WORD.sub("", clip(inert(title), TITLE_SHOWN, one_line=True)).strip()
    rest = rest or "Fix login 500s"
    for prefix in _TITLE_PREFIXES:
        if re.search(pattern, prefix + rest):
            return prefix + rest
    return None


def check_shape(ev: GateEvidence, cfg: HotfixConfig) -> list[Finding]:
    """branch, base, title and labels."""
    pull, rules = ev.pull, cfg.pull_request
    out = []
    if not branch_matches(pull.head_ref, rules.branch):
        out.append(
            _err(
                "branch",
                f"head branch {pull.head_ref!r} does not match "
                f"{rules.branch!r}: open the fix from a branch named like "
                f"{rules.branch.replace('*', 'short-name')}",
            )
        )
    if pull.base_ref not in rules.base:
        out.append(
            _err(
                "base",
                f"the pull request targets {pull.base_ref!r}; hotfixes go to "
                f"{' or '.join(rules.base)}: change the base branch",
            )
        )
    if re.search(rules.title, pull.title) is None:
        example = title_example(pull.title, rules.title)
        out.append(
            _err(
                "title",
                f"title {clip(inert(pull.title), TITLE_SHOWN, one_line=True)!r} does not match "
                f"the pattern {rules.title}: "
                + (f"edit the title, e.g. {example!r}" if example else "edit the title to match"),
            )
        )
    for label in rules.labels:
        if label not in pull.labels:
            out.append(_err("labels", f"label {label!r} is missing: add it to the pull request"))
    return out


def check_severity(
    ev: GateEvidence, cfg: HotfixConfig
) -> tuple[list[Finding], SeverityConfig | None]:
    found = severity_labels(ev.pull, cfg)
    names = ", ".join(s.label for s in cfg.severities)
    if not found:
        return [_err("severity", f"no severity label: add exactly one of {names}")], None
    if len(found) > 1:
        both = ", ".join(s.label for s in found)
        return [_err("severity", f"several severity labels ({both}): keep exactly one")], None
    sev = found[0]
    if not sev.hotfix:
        hotfix_sevs = ", ".join(s.label for s in cfg.severities if s.hotfix) or "none"
        return [
            _err(
                "severity",
                f"{sev.label} is not hotfix material: ship it through the "
                f"normal release and remove the hotfix labels (hotfix severities: "
                f"{hotfix_sevs})",
            )
        ], sev
    if sev.labelled_by:
        finding = _check_labeller(ev, sev)
        if finding:
            return [finding], sev
    return [], sev


def _check_labeller(ev: GateEvidence, sev: SeverityConfig) -> Finding | None:
    applied = [e for e in ev.label_events if e.event == "labeled" and e.label == sev.label]
    allowed = ", ".join(sev.labelled_by)
    if not applied or not applied[-1].actor:
        return _err(
            "severity",
            f"no record of who applied {sev.label}: remove it and ask one of {allowed} to apply it",
        )
    actor = applied[-1].actor
    member = is_listed(actor, sev.labelled_by, ev.team_members, ev.unreadable_teams)
    if member.allowed:
        return None
    if member.unknown_teams:
        teams = ", ".join(member.unknown_teams)
        return _err(
            "severity",
            f"{sev.label} was applied by {actor}; cannot tell whether "
            f"{actor} is in {teams}: the token cannot read team membership. Pass a "
            "GitHub App or fine-grained token with `members: read` as github-token",
        )
    return _err(
        "severity",
        f"{sev.label} was applied by {actor}, who is not in "
        f"severities.{sev.name}.labelled_by ({allowed}): ask one of them to apply it",
    )


def check_approvals(ev: GateEvidence, cfg: HotfixConfig, sev: SeverityConfig) -> list[Finding]:
    counted = count_approvals(ev, cfg.approvals)
    out = [
        _err("approvals", f"{who} requested changes: resolve them and ask {who} to approve")
        for who in counted.changes_requested
    ]
    if sev.approvals == 0 or len(counted.valid) >= sev.approvals:
        return out
    have = len(counted.valid)
    why = "; ".join(counted.rejected)
    message = f"{sev.label} needs {sev.approvals} approval(s) on the head commit; it has {have}"
    if why:
        message += f" ({why})"
    if counted.unknown_teams:
        message += (
            f". The token cannot read {', '.join(counted.unknown_teams)}: pass a token "
            "with `members: read` as github-token"
        )
    out.append(_err("approvals", message))
    return out


def check_diff(ev: GateEvidence, cfg: HotfixConfig) -> tuple[list[Finding], int, int]:
    diff = cfg.diff
    counted = [f for f in ev.files if not matches(f.path, diff.ignore)]
    lines = sum(f.lines for f in counted)
    out = []
    if ev.files_truncated:
        out.append(
            _err(
                "api-limit",
                f"GitHub lists at most 3,000 files and this pull request "
                f"changes {max(ev.pull.changed_files, len(ev.files))}: the gate cannot see "
                "them all and fails closed. A hotfix this large is not minimal: split it",
            )
        )
    if len(counted) > diff.max_files:
        out.append(
            _err(
                "diff-size",
                f"{len(counted)} files changed against a limit of "
                f"{diff.max_files}: keep the hotfix minimal, move the rest to a normal PR",
            )
        )
    if lines > diff.max_lines:
        out.append(
            _err(
                "diff-size",
                f"the diff is {lines} lines against a limit of "
                f"{diff.max_lines}: keep the hotfix minimal, move the rest to a normal PR",
            )
        )
    if diff.protected_label not in ev.pull.labels:
        for f in ev.files:
            if matches(f.path, diff.protected) or (
                f.previous_path and matches(f.previous_path, diff.protected)
            ):
                out.append(
                    _err(
                        "protected-paths",
                        f"{shown_path(f.path)} is protected (dependency change): "
                        f"revert it, or add the {diff.protected_label!r} label if the "
                        "fix really needs it",
                        path=f.path,
                    )
                )
    if diff.require_tests and not any(matches(f.path, diff.tests) for f in ev.files):
        out.append(
            _err(
                "tests-required",
                "no test file changed: add a regression test that "
                "fails without the fix (paths matching diff.tests)",
            )
        )
    return out, len(counted), lines


# Files that decide how a PR is judged: the config, the workflows that run the gate, and
# git attributes (which change how git counts a diff).
POLICY_GLOBS = (".github/workflows/**", "**/.gitattributes")


def policy_files_changed(ev: GateEvidence) -> list[str]:
    """The changed files that are policy files, in the PR's order."""
    globs = (*POLICY_GLOBS, ev.config_path)
    out = []
    for f in ev.files:
        for name in (f.path, f.previous_path):
            if name and matches(name, globs) and name not in out:
                out.append(name)
    return out


def check_policy_change(ev: GateEvidence, cfg: HotfixConfig) -> list[Finding]:
    """A PR that changes the policy is judged by the base commit's policy, and needs one
    approval that counts under ``approvals`` (the base's ``reviewers``, else write access)."""
    changed = policy_files_changed(ev)
    if not changed:
        return []
    names = ", ".join(changed)
    if not ev.policy_from_base:
        return [
            _err(
                "policy-change",
                f"this pull request changes policy files ({names}) and the base commit's "
                "policy could not be read from the checkout, so the gate fails closed: "
                "check out with `fetch-depth: 0` (the base commit must be present)",
                path=changed[0],
            )
        ]
    if count_approvals(ev, cfg.approvals).valid:
        return []
    who = (
        f"one of approvals.reviewers ({', '.join(cfg.approvals.reviewers)})"
        if cfg.approvals.reviewers
        else "someone with write access"
    )
    return [
        _err(
            "policy-change",
            f"this pull request changes policy files ({names}); they are judged by the base "
            f"commit's policy and need an approval from {who} on the head commit",
            path=changed[0],
        )
    ]


def _not_gated(*, hotfix: bool, note: str) -> GateVerdict:
    return GateVerdict(
        hotfix=hotfix,
        passed=True,
        severity=None,
        review_after_deploy=False,
        findings=(),
        files=0,
        lines=0,
        note=note,
    )


def evaluate(ev: GateEvidence, cfg: HotfixConfig) -> GateVerdict:
    pull = ev.pull
    if not is_hotfix(pull, cfg):
        return _not_gated(hotfix=False, note="not a hotfix pull request")
    if pull.author.lower() in {a.lower() for a in cfg.pull_request.skip_authors}:
        return _not_gated(
            hotfix=True, note=f"{pull.author} is in pull_request.skip_authors: not gated"
        )
    findings = check_shape(ev, cfg)
    sev_findings, sev = check_severity(ev, cfg)
    findings += sev_findings
    if sev is not None and sev.hotfix:
        findings += check_approvals(ev, cfg, sev)
    diff_findings, files, lines = check_diff(ev, cfg)
    findings += diff_findings
    findings += check_policy_change(ev, cfg)
    passed = not any(f.level == "error" for f in findings)
    review_after = bool(sev and sev.hotfix and sev.review_after_deploy)
    return GateVerdict(
        hotfix=True,
        passed=passed,
        severity=sev.name if sev else None,
        review_after_deploy=review_after,
        findings=tuple(findings),
        files=files,
        lines=lines,
    )
