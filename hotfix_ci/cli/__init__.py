"""The ``hotfix-ci`` command line: click only; options -> objects -> core -> exit code.

Heavy modules (PyGithub, jsonschema, jinja2) are imported inside the commands so that
``hotfix-ci --help`` stays fast.
"""

from __future__ import annotations

import sys

from hotfix_ci.cli.main import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
