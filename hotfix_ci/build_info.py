"""The repository and commit this installation was built from, for ``init --action``.

``hatch_build.py`` (a hatch build hook) writes ``hotfix_ci/_build_info.py`` when a wheel or
an editable install is built from a git checkout: ``REPOSITORY`` (``owner/name``, from
``HOTFIX_CI_REPOSITORY`` or the ``origin`` remote) and ``COMMIT`` (``git rev-parse HEAD``).
A build from an sdist or a tarball has no git metadata; then :func:`action_reference`
returns None and ``init`` asks for ``--action``.
"""

from __future__ import annotations

import importlib
import re

_SHA = re.compile(r"[0-9a-f]{40}")
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")


def action_reference(module: str = "hotfix_ci._build_info") -> str | None:
    """``owner/name@<sha> # v<version>`` as recorded at build time, or None."""
    from hotfix_ci import __version__

    try:
        info = importlib.import_module(module)
    except ImportError:
        return None
    repository = str(getattr(info, "REPOSITORY", ""))
    commit = str(getattr(info, "COMMIT", ""))
    if not _REPO.fullmatch(repository) or not _SHA.fullmatch(commit):
        return None
    return f"{repository}@{commit} # v{__version__}"
