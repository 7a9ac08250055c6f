"""Scene-setting for the release tests."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tests.helpers.cli import REPO, Result, base_env, run

NOW = datetime(2025, 10, 22, 14, 30, tzinfo=timezone.utc)
PR_BODY = """## Severity
P1

## Impact
Logins fail with HTTP 500.

## Root cause
The session query interpolated the display name.

## Fix
Use a bound parameter.

## Testing
<!-- how you tested -->

## Rollback plan
Redeploy the previous release tag.
"""
WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}


def scene(
    emulator: Any,
    *,
    labels: tuple[str, ...] = ("hotfix", "P1"),
    gate: str | None = "success",
    **pull: Any,
) -> str:
    """acme/web with v1.4.2 on main and a merged hotfix PR #1; returns the merge sha.
    ``gate`` is the conclusion of the PR gate's check run on its head (None: no check run,
    an admin merge past the gate)."""
    emulator.create_repo(REPO, default_branch="main")
    emulator.set_permission(REPO, "alice", "write")
    emulator.commit(REPO, branch="main", message="init", files={"app.py": "print('hi')\n"})
    emulator.add_tag(REPO, "v1.4.2")
    spec: dict[str, Any] = dict(
        title="[HOTFIX] Fix login 500s",
        head="hotfix/login-500",
        base="main",
        author="bob",
        body=PR_BODY,
        labels=list(labels),
    )
    spec.update(pull)
    number = emulator.create_pull(REPO, **spec)
    head = emulator.push(REPO, number, {"app.py": "print('fixed')\n"})
    if gate is not None:
        emulator.add_check_run(REPO, head, "hotfix-ci / PR gate", conclusion=gate)
    return str(emulator.merge_pull(REPO, number, merged_by="alice"))


def merge_gated(emulator: Any, number: int, *, merged_by: str = "alice") -> str:
    """Merge pull request ``number`` after the PR gate passed on its head; the merge sha."""
    head = emulator.pull_head_sha(REPO, number)
    emulator.add_check_run(REPO, head, "hotfix-ci / PR gate", conclusion="success")
    return str(emulator.merge_pull(REPO, number, merged_by=merged_by))


def write_config(tmp_path: Path, text: str) -> None:
    (tmp_path / ".github").mkdir(exist_ok=True)
    (tmp_path / ".github" / "hotfix.yml").write_text("version: 1\n" + text, encoding="utf-8")


def release(emulator: Any, tmp_path: Path, sha: str, *extra: str, **env: str) -> Result:
    environment = base_env(emulator, tmp_path, GITHUB_SHA=sha, **env)
    return run(["release", "--format", "json", *extra], environment, tmp_path)


def writes(emulator: Any) -> list[str]:
    return [f"{r.method} {r.path}" for r in emulator.requests if r.method in WRITE_METHODS]


def outputs_file(tmp_path: Path) -> Path:
    path = tmp_path / "github_output"
    path.write_text("", encoding="utf-8")
    return path


def read_outputs(path: Path) -> dict[str, str]:
    """Parse ``name<<DELIM`` blocks as the runner does."""
    lines, found = path.read_text(encoding="utf-8").splitlines(), {}
    index = 0
    while index < len(lines):
        name, _, delimiter = lines[index].partition("<<")
        end = lines.index(delimiter, index + 1)
        found[name] = "\n".join(lines[index + 1 : end])
        index = end + 1
    return found


def tag_names(emulator: Any) -> list[str]:
    return [
        r["ref"].removeprefix("refs/tags/") for r in emulator.refs(REPO) if "/tags/" in r["ref"]
    ]


def as_json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data
