"""Issue 10 item 5 (deploy's writes): GitHub applied the Deployment write, then failed.

Before: PyGithub resent the POST: an orphan Deployment (never finished) next to the real one,
or a status written twice (``in_progress, in_progress, success``).
"""

from __future__ import annotations

import pytest

from hotfix_ci.testing import Fault
from tests.helpers.deploy import Scene

GOOD, NEW = "hotfix-v1.4.2", "hotfix-v1.4.3"


@pytest.mark.parametrize(
    "fault",
    [
        Fault(method="POST", path=r"/deployments$", status=502, apply=True),
        Fault(method="POST", path=r"/deployments$", kind="disconnect", apply=True),
        Fault(method="POST", path=r"/statuses$", status=502, apply=True),
        Fault(method="POST", path=r"/statuses$", kind="disconnect", apply=True),
    ],
    ids=["deployment-502", "deployment-dropped", "status-502", "status-dropped"],
)
def test_applied_deployment_write_is_not_made_twice(scene: Scene, fault: Fault) -> None:
    assert scene.deploy(GOOD).exit_code == 0
    scene.emu.faults.add(fault)
    result = scene.deploy(NEW)
    assert result.exit_code == 0, result.stderr
    assert scene.live() == NEW
    assert scene.history() == [
        (GOOD, f"deploy {GOOD} via app", ["in_progress", "success"]),
        (NEW, f"deploy {NEW} via app", ["in_progress", "success"]),
    ]
