"""The deploy stage behind ``hotfix-ci deploy`` and ``rollback``: the pipeline of one provider
(:mod:`~hotfix_ci.deploy.pipeline`, its failure path included), rollback, the Deployments
log (:mod:`~hotfix_ci.deploy.history`), Deployment writes (:mod:`~hotfix_ci.deploy.recorder`)
and signal handling. The commands are in :mod:`hotfix_ci.commands`."""

from __future__ import annotations
