"""Deploy, health gates and rollback: the pipeline behind ``hotfix-ci deploy``, ``gate`` and
``rollback``.

Entry points: :func:`~hotfix_ci.deploy.commands.execute_deploy`,
:func:`~hotfix_ci.deploy.commands.execute_gate`,
:func:`~hotfix_ci.deploy.rollback_cmd.execute_rollback`; the config section is parsed by
:func:`~hotfix_ci.deploy.config.parse_deploy`.
"""

from __future__ import annotations
