"""Deploy, health gates and rollback: the pipeline behind ``hotfix-ci deploy``, ``gate`` and
``rollback``.

Entry points: :func:`~hotfix_ci.commands.deploy.execute_deploy`,
:func:`~hotfix_ci.commands.deploy.execute_gate`,
:func:`~hotfix_ci.commands.rollback.execute_rollback`; the config section is parsed by
:func:`~hotfix_ci.deploy.config.parse_deploy`.
"""

from __future__ import annotations
