"""``hotfix-ci init``: write the config, the four workflows and the hotfix PR template.

When ``.github/hotfix.yml`` exists, the variables its notify channels name go from secrets
into the ``env:`` of every step that notifies (release, deploy, rollback, summary), as the
``--provider`` credentials go into the deploy and rollback steps.

``--check`` writes nothing: it renders the same files and exits 1 with a unified diff per
file that differs on disk. ``--force`` overwrites and names every file it replaces;
``--dry-run`` prints the content it would write.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.workflows import WorkflowSettings, render_all

CONFIG_PATH = Path(".github/hotfix.yml")
TEMPLATE_PATH = Path(".github/PULL_REQUEST_TEMPLATE/hotfix.md")
STARTER_CONFIG = """\
# hotfix-ci: `version: 1` alone gives the documented defaults; run `hotfix-ci config schema`
# for every key.
version: 1
pull_request:
  base: [{base}]
"""
# The variables each built-in provider reads its credentials from (see the README's
# Providers section); init passes them from secrets in the deploy job's env.
PROVIDER_SECRETS: dict[str, tuple[str, ...]] = {
    "vercel": ("VERCEL_TOKEN",),
    "fly": ("FLY_API_TOKEN",),
    "heroku": ("HEROKU_API_KEY",),
    "railway": ("RAILWAY_API_TOKEN",),
    "render": ("RENDER_API_KEY",),
    "compose-ssh": ("SSH_PRIVATE_KEY",),
    "kubernetes": ("KUBECONFIG",),
    "command": (),
}
NO_ACTION_HINT = (
    "this installation does not record the commit it was built from; find the commit of "
    "the hotfix-ci release you want on its GitHub releases page (or run `git rev-parse HEAD` "
    "in a checkout of it) and pass it: --action 'OWNER/hotfix-ci@<40-hex commit sha> # vX.Y.Z'"
)


@dataclass(frozen=True, kw_only=True)
class InitArgs:
    root: Path
    action: str | None = None
    base: Sequence[str] = ("main",)
    providers: Sequence[str] = ()
    force: bool = False
    dry_run: bool = False
    check: bool = False


def _action(args: InitArgs) -> str:
    if args.action:
        return args.action
    from hotfix_ci.build_info import action_reference

    found = action_reference()
    if found is None:
        raise UsageError("no --action given", hint=NO_ACTION_HINT)
    return found


def _placeholder_lines(type_name: str) -> list[str]:
    from hotfix_ci.providers.registry import settings_schema

    schema: dict[str, Any] = settings_schema(type_name)
    required = set(schema.get("required", ()))
    lines = []
    for key, prop in schema.get("properties", {}).items():
        text = " ".join(str(prop.get("description", "")).split())
        mark = "required" if key in required else "optional"
        lines.append(f"            # {key}: <{mark}> {text}".rstrip())
    return lines


def provider_section(types: Sequence[str]) -> str:
    """A ``deploy:`` section with one provider of each type, its settings commented out."""
    lines = [
        "deploy:",
        "  environments:",
        "    production:",
        "      production: true",
        "      providers:",
    ]
    for type_name in types:
        lines += [f"        - name: {type_name}", f"          type: {type_name}"]
        placeholders = _placeholder_lines(type_name)
        if placeholders:
            lines.append("          with:  # uncomment and fill in; `hotfix-ci config validate`")
            lines += placeholders
    return "\n".join(lines) + "\n"


def _validate_types(types: Sequence[str]) -> None:
    from hotfix_ci.providers.registry import provider_factory

    for type_name in types:
        provider_factory(type_name)  # an unknown type raises with "did you mean"


def notify_variables(root: Path) -> tuple[str, ...]:
    """The variables the existing config's notify channels read (``url_env``,
    ``secret_env``, ``page_env``, ``key_env``), in config order; none without a config."""
    if not (root / CONFIG_PATH).is_file():
        return ()
    from hotfix_ci.config import load_config

    channels = load_config(CONFIG_PATH, workdir=root).notify.channels
    keys = ("url_env", "secret_env", "page_env", "key_env")
    names = (getattr(channel, key) for channel in channels for key in keys)
    return tuple(dict.fromkeys(name for name in names if name))


def render_files(args: InitArgs) -> dict[Path, str]:
    from hotfix_ci.release.notes import pr_template

    _validate_types(args.providers)
    secrets = tuple(dict.fromkeys(s for t in args.providers for s in PROVIDER_SECRETS.get(t, ())))
    settings = WorkflowSettings(
        action=_action(args),
        base=tuple(args.base),
        secrets=secrets,
        notify_secrets=notify_variables(args.root),
    )
    files = {Path(".github/workflows") / name: text for name, text in render_all(settings).items()}
    config = STARTER_CONFIG.format(base=", ".join(f'"{b}"' for b in args.base))
    if args.providers:
        config += provider_section(args.providers)
    files[CONFIG_PATH] = config
    files[TEMPLATE_PATH] = pr_template()
    return files


def _check(args: InitArgs, files: Mapping[Path, str], out: TextIO) -> int:
    drifted = 0
    for path, text in files.items():
        if path == CONFIG_PATH:
            continue  # the config is the user's; the rest is rendered from it
        target = args.root / path
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == text:
            continue
        drifted += 1
        out.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (on disk)" if target.exists() else f"{path} (missing)",
                tofile=f"{path} (rendered)",
            )
        )
    if drifted:
        out.write(
            f"{drifted} file(s) differ from what `hotfix-ci init` renders; run "
            "`hotfix-ci init --force` with the same flags to rewrite them, or keep your edits\n"
        )
        return int(ExitCode.POLICY_FAILED)
    out.write("every rendered file matches what is on disk\n")
    return 0


def run(args: InitArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    files = render_files(args)
    if args.check:
        return _check(args, files, out)
    existing = [p for p in files if (args.root / p).exists()]
    if existing and not args.force and not args.dry_run:
        raise UsageError(
            f"{', '.join(str(p) for p in existing)} already exist(s)",
            hint="pass --force to overwrite them, or --check to see how they differ",
        )
    for path, text in files.items():
        target = args.root / path
        if args.dry_run:
            out.write(f"--- would write {path} ({len(text.splitlines())} lines)\n{text}")
            continue
        if target.exists():
            if target.read_text(encoding="utf-8") == text:
                out.write(f"unchanged {path}\n")
                continue
            out.write(f"replacing {path} (your version was not kept; see `git diff`)\n")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        out.write(f"wrote {path}\n")
    if not args.dry_run:
        out.write(
            "next: commit these files, then require the 'hotfix-ci / PR gate' check on "
            f"{' and '.join(args.base)} in the branch protection settings (better: a ruleset "
            "that requires the workflow .github/workflows/hotfix-pr-gate.yml from the default "
            "branch; README: Threat model)\n"
        )
        if args.providers:
            out.write(
                f"then fill in the provider settings in {CONFIG_PATH} and add the secrets "
                "the deploy job passes in `env:` to the production environment\n"
            )
    return 0
