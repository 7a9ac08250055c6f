"""The composite action's entry point: action inputs (``INPUT_*``) -> a hotfix-ci argument list.

The action passes every input through ``env:`` and runs ``python -m hotfix_ci.action``; the
command line is built here as a list, so no input is ever parsed by a shell.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from hotfix_ci.errors import ExitCode

COMMANDS = ("check-pr", "release", "deploy", "gate", "rollback", "version", "matrix")

# input name -> (option, commands that take it)
OPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "config": ("--config", COMMANDS),
    "format": ("--format", ("check-pr", "release", "deploy", "gate", "rollback", "version")),
    "pr": ("--pr", ("check-pr",)),
    "sha": ("--sha", ("release", "deploy")),
    "environment": ("--environment", ("deploy", "gate", "rollback", "matrix")),
    "provider": ("--provider", ("deploy", "rollback", "matrix")),
    "ref": ("--ref", ("deploy",)),
    "to": ("--to", ("rollback",)),
    "tag": ("--tag", ("release",)),
    "break-glass": ("--break-glass", ("deploy",)),
}
FLAGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dry-run": ("--dry-run", ("release", "deploy", "rollback")),
    "no-report": ("--no-report", ("check-pr",)),
}


class ActionInputError(Exception):
    pass


def _input(env: Mapping[str, str], name: str) -> str:
    # The runner upper-cases input names and keeps dashes: INPUT_DRY-RUN.
    return env.get(f"INPUT_{name.upper()}", "").strip()


def build_argv(env: Mapping[str, str]) -> list[str]:
    """The hotfix-ci arguments for these inputs; ActionInputError on a bad combination."""
    command = _input(env, "command")
    if command not in COMMANDS:
        raise ActionInputError(f"input `command` is {command!r}; use one of: {', '.join(COMMANDS)}")
    # `matrix` is `hotfix-ci config matrix`: one environment's providers, for a job matrix.
    argv = ["config", "matrix"] if command == "matrix" else [command]
    if command == "version":
        kind = _input(env, "version-kind") or "next"
        if kind not in ("current", "next"):
            raise ActionInputError(f"input `version-kind` is {kind!r}; use current or next")
        argv.append(kind)
    for name, (option, commands) in OPTIONS.items():
        value = _input(env, name)
        if not value:
            continue
        if command not in commands:
            raise ActionInputError(not_applicable(name, command))
        argv += [option, value]
    for name, (flag, commands) in FLAGS.items():
        value = _input(env, name).lower()
        if value in ("", "false"):
            continue
        if value != "true":
            raise ActionInputError(f"input `{name}` is {value!r}; use true or false")
        if command not in commands:
            raise ActionInputError(not_applicable(name, command))
        argv.append(flag)
    return argv


def inputs_of(command: str) -> list[str]:
    """The inputs ``command`` takes besides ``command`` itself, in action.yml's order."""
    taken = [n for n, (_, commands) in {**OPTIONS, **FLAGS}.items() if command in commands]
    token = [] if command in ("version", "gate") else ["github-token"]  # no GitHub call
    return (["version-kind"] if command == "version" else []) + taken + token


def not_applicable(name: str, command: str) -> str:
    users = [c for c in COMMANDS if name in inputs_of(c)]
    used_by = f" (it is for {', '.join(f'`{c}`' for c in users)})" if users else ""
    return (
        f"input `{name}` does not apply to `{command}`{used_by}; `{command}` takes: "
        f"{', '.join(f'`{n}`' for n in inputs_of(command))}. "
        f"Remove `{name}` from the step's `with:`, or set `command:` to the command it is for"
    )


def main(env: Mapping[str, str] | None = None) -> Any:
    import os

    from hotfix_ci.cli import main as cli_main

    source = os.environ if env is None else env
    if _input(source, "command") == "summary":
        from hotfix_ci.commands import summary as run_summary

        return run_summary.run(source, sys.stdout)
    try:
        argv = build_argv(source)
    except ActionInputError as exc:
        from hotfix_ci.actions_io import error_annotation
        from hotfix_ci.text import inert

        print(error_annotation(str(exc), title="hotfix-ci action"))
        print(f"error: {inert(exc)}", file=sys.stderr)
        return int(ExitCode.USAGE)
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
