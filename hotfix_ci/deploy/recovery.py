"""What a deploy does when its deploy step or a gate fails: roll back at once, then mark
the failed Deployment, record the rollback as its own Deployment, and end with exit 5, or
exit 6 with what a human must do (also when there is no rollback point at all)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_ci.deploy import history
from hotfix_ci.reports.deploy import Recorded
from hotfix_ci.deploy.rollback import human_needed, perform_rollback
from hotfix_ci.providers.base import Release, RollbackPoint

if TYPE_CHECKING:
    from hotfix_ci.deploy.pipeline import DeployPipeline


def fail_and_roll_back(
    p: DeployPipeline,
    record: Recorded | None,
    reason: str,
    point: RollbackPoint | None,
    previous_tag: str | None,
    *,
    step: str,
) -> None:
    tag, name = p.release.tag, p.req.spec.name
    p.console.step(step, False, reason)
    manual = f"hotfix-ci rollback --environment {p.env_cfg.name} --provider {name}"
    if not p.env_cfg.rollback_on_failure:
        p.recorder.status(record, "failure", f"{tag} failed; rollback disabled")
        return p.report.finish(
            "failed",
            1,
            f"{reason}; rollback.on_failure is false, so {tag} stays live",
            tag,
            hint=f"roll back by hand if users are affected: `{manual}`",
        )
    if point is None:
        p.recorder.status(record, "failure", f"{tag} failed; nothing to roll back to")
        return p.report.finish(
            "rollback_failed",
            6,
            f"ROLLBACK FAILED: a human must act now on {p.env_cfg.name} / {name}.\n"
            f"  failing release: {tag} ({reason})\n  attempted: nothing; no rollback point "
            "(the provider reported nothing live and the log holds no earlier release)",
            tag,
            hint=f"deploy a known good tag by hand: `{manual} --to TAG`",
        )
    result = perform_rollback(p.provider, point, p.env_cfg, p.env, p.console)
    after = f"rolled back to {point.ref}" if result.ok else "ROLLBACK FAILED"
    p.recorder.status(record, "failure", f"{reason} -> {after}")
    if previous_tag is None:
        p.console.warn("the rollback has no Deployment record: its release tag is unknown")
        rollback_record = None
    else:
        back = Release(
            tag=previous_tag,
            version=history.version_from_tag(previous_tag),
            sha="",
            environment=p.env_cfg.name,
        )
        body = history.payload(
            provider=name,
            provider_type=p.req.spec.type,
            release=back,
            previous=None,
            previous_tag=tag,
            rollback_of=tag,
            point=point,
            run_url=p.recorder.log_url,
        )
        rollback_record = p.recorder.create(
            "rollback",
            ref=previous_tag,
            environment=p.env_cfg,
            payload=body,
            description=f"automatic rollback of {tag} to {previous_tag} via {name}",
        )
    state = "success" if result.ok else "failure"
    url = p.env_cfg.url if result.ok else None
    p.recorder.status(rollback_record, state, f"rollback of {tag}: {result.detail}", url)
    if result.ok:
        return p.report.finish(
            "rolled_back",
            5,
            f"{tag} failed ({reason}); rolled back to {point.description}, and its gates pass",
            result.live,
            hint=f"{point.ref} serves users; fix {tag} in a new hotfix PR",
        )
    message, hint = human_needed(
        environment=p.env_cfg.name,
        provider=name,
        attempted=f"rollback to {point.description} (ref {point.ref})",
        result=result,
        failed_release=f"{tag} ({reason})",
        manual_tag=previous_tag,
    )
    p.report.finish("rollback_failed", 6, message, result.live, hint=hint)
