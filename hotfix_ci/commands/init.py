"""``hotfix-ci init``: write the config, the four workflows and the hotfix PR template.

With ``.github/hotfix.yml`` on disk and no ``--base``/``--provider``, the workflows are
rendered from it (its bases and its providers' secrets) and it is kept as it is; ``--check``
always renders from it. ``--provider TYPE`` writes each setting the provider needs as
``fill-in``, which the schema accepts and ``deploy`` refuses (nothing deploys until filled).

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
from typing import TYPE_CHECKING, Any, TextIO

from hotfix_ci import links
from hotfix_ci.errors import ExitCode, UsageError
from hotfix_ci.workflows import WorkflowSettings, render_all

if TYPE_CHECKING:
    from hotfix_ci.config.model import HotfixConfig

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


@dataclass(frozen=True, kw_only=True)
class InitArgs:
    root: Path
    action: str | None = None
    base: Sequence[str] = ()  # empty: the config's on disk, else main
    providers: Sequence[str] = ()
    force: bool = False
    dry_run: bool = False
    check: bool = False


README_EXAMPLE = "acme/hotfix-ci@93a7e0c2f4be58fc2e62558de408d184f6e20e2a # v0.1.0"
_HEX = frozenset("0123456789abcdef")


def _action(args: InitArgs, env: Mapping[str, str]) -> str:
    from hotfix_ci.build_info import action_reference

    if args.action:
        check_action(args.action, env, action_reference())
        return args.action
    found = action_reference()
    if found is None:
        from hotfix_ci import __version__

        where = _where_the_commit_is("OWNER/hotfix-ci", f"v{__version__}", env)
        raise UsageError(
            "no --action given",
            hint=f"this installation does not record the commit it was built from; {where} "
            "(in a checkout of it: `git rev-parse HEAD`), and pass it: "
            "--action 'OWNER/hotfix-ci@<40-hex commit sha> # vX.Y.Z'",
        )
    return found


def check_action(action: str, env: Mapping[str, str], recorded: str | None) -> None:
    """Refuse the README's placeholder and a reference not pinned by commit, saying where
    the commit is: the build record's exact flag when there is one, else the repository's
    releases page and the ``git ls-remote`` that prints it."""
    ref, _, comment = action.partition("#")
    repo, _, sha = ref.strip().partition("@")
    version = comment.strip()
    placeholder = repo.startswith("OWNER/") or any(c in action for c in "<>") or "X.Y" in version
    if not placeholder and len(sha) == 40 and set(sha) <= _HEX:
        return
    known_repo = "/" in repo and not repo.startswith("OWNER/") and "<" not in repo
    known_version = bool(version) and "X.Y" not in version and "<" not in version
    from hotfix_ci import __version__

    tag = version if known_version else (sha if sha and not placeholder else f"v{__version__}")
    where = _where_the_commit_is(repo if known_repo else "OWNER/hotfix-ci", tag, env)
    if recorded:
        where = (
            f"this installation was built from {recorded}: pass --action '{recorded}' (or "
            f"leave --action out, it is the default); for another release, {where}"
        )
    if placeholder:
        raise UsageError(
            f"--action {action!r} is still the README's placeholder: OWNER, "
            "<40-hex commit sha> and vX.Y.Z stand for the repository, commit and release",
            hint=f"{where}; then put them in, e.g. --action '{README_EXAMPLE}'",
        )
    raise UsageError(
        f"action reference {ref.strip()!r} is not pinned to a full commit SHA",
        hint=f"{where}; then pass --action '{repo}@<that 40-hex sha> # {tag}' "
        "(a tag or branch can be moved to other code; a commit cannot)",
    )


def _where_the_commit_is(repo: str, tag: str, env: Mapping[str, str]) -> str:
    server = links.server_url(env)
    return (
        f"find the commit of release {tag} on {server}/{repo}/releases (each release names its "
        f"commit), or print it with `git ls-remote {server}/{repo} refs/tags/{tag}`"
    )


def _needed(schema: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The keys a provider needs (``required``, plus one key of each anyOf/oneOf choice: the
    first that is not a URL, which a placeholder cannot stand for) and, for the keys of a
    choice left out, the key they could replace."""
    needed = list(schema.get("required", ()))
    instead: dict[str, str] = {}
    for word in ("anyOf", "oneOf"):
        choice = [k for alt in schema.get(word, ()) for k in alt.get("required", ())]
        if not choice:
            continue
        pick = next((k for k in choice if not k.endswith("_url")), choice[0])
        needed.append(pick)
        instead.update({key: pick for key in choice if key != pick})
    return needed, instead


def _settings_lines(type_name: str) -> list[str]:
    """The ``with:`` lines of one provider: each key it needs as ``fill-in`` (a list key as
    ``[fill-in]``), every other key commented out; each with its description."""
    from hotfix_ci.deploy.runtime import UNFILLED
    from hotfix_ci.providers.registry import settings_schema

    schema: dict[str, Any] = settings_schema(type_name)
    needed, instead = _needed(schema)
    lines = []
    for key, prop in schema.get("properties", {}).items():
        text = " ".join(str(prop.get("description", "")).split())
        if key in needed:
            value = f"[{UNFILLED}]" if prop.get("type") == "array" else UNFILLED
            lines.append(f"            {key}: {value}  # {text}".rstrip())
            continue
        mark = f"instead of {instead[key]}" if key in instead else "optional"
        lines.append(f"            # {key}: <{mark}> {text}".rstrip())
    return lines


def provider_section(types: Sequence[str]) -> str:
    """A ``deploy:`` section with one provider of each type: the settings it needs as
    ``fill-in`` (valid, so every command runs; refused by deploy and rollback until filled
    in), the others commented out."""
    lines = [
        "deploy:",
        "  environments:",
        "    production:",
        "      production: true",
        "      providers:",
    ]
    for type_name in types:
        lines += [f"        - name: {type_name}", f"          type: {type_name}"]
        settings = _settings_lines(type_name)
        if settings:
            lines.append(
                "          with:  # replace each fill-in (deploy refuses to run while one is "
                "left); uncomment what you need"
            )
            lines += settings
    return "\n".join(lines) + "\n"


def _validate_types(types: Sequence[str]) -> None:
    from hotfix_ci.providers.registry import provider_factory

    for type_name in types:
        provider_factory(type_name)  # an unknown type raises with "did you mean"


def notify_variables(cfg: HotfixConfig) -> tuple[str, ...]:
    """The variables the workflows pass from secrets to the config's notify channels, each
    once, in config order (the rule, GITHUB_* names left out, is NotifyConfig.variables)."""
    return tuple(dict.fromkeys(name for name, _ in cfg.notify.variables(from_secrets=True)))


@dataclass(frozen=True, kw_only=True)
class Source:
    """What the files are rendered from: the config on disk, or the flags."""

    base: tuple[str, ...]
    providers: tuple[str, ...]  # provider types, for their secrets
    config: str  # the config to write (the one on disk, unchanged, when on_disk)
    on_disk: bool
    notify: tuple[str, ...] = ()  # the variables its notify channels read


def config_source(args: InitArgs) -> Source:
    """The config on disk when there is one and the flags do not ask for a new one
    (``--check`` always compares with it); else a starter config from ``--base``/``--provider``."""
    path = args.root / CONFIG_PATH
    if path.is_file() and (args.check or not (args.base or args.providers)):
        from hotfix_ci.config import load_config

        cfg = load_config(CONFIG_PATH, workdir=args.root)
        types = (spec.type for env in cfg.deploy.environments.values() for spec in env.providers)
        return Source(
            base=tuple(cfg.pull_request.base),
            providers=tuple(dict.fromkeys(types)),
            config=path.read_text(encoding="utf-8"),
            on_disk=True,
            notify=notify_variables(cfg),
        )
    base = tuple(args.base) or ("main",)
    _validate_types(args.providers)
    config = STARTER_CONFIG.format(base=", ".join(f'"{b}"' for b in base))
    if args.providers:
        config += provider_section(args.providers)
    return Source(base=base, providers=tuple(args.providers), config=config, on_disk=False)


def render_files(args: InitArgs, source: Source, env: Mapping[str, str]) -> dict[Path, str]:
    from hotfix_ci.release.notes import pr_template

    types = source.providers
    secrets = tuple(dict.fromkeys(s for t in types for s in PROVIDER_SECRETS.get(t, ())))
    settings = WorkflowSettings(
        action=_action(args, env),
        base=source.base,
        secrets=secrets,
        notify_secrets=source.notify,
    )
    files = {Path(".github/workflows") / name: text for name, text in render_all(settings).items()}
    files[CONFIG_PATH] = source.config
    files[TEMPLATE_PATH] = pr_template()
    return files


def _check(args: InitArgs, source: Source, files: Mapping[Path, str], out: TextIO) -> int:
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
        origin = f"from {CONFIG_PATH}" if source.on_disk else "with the same flags"
        keeps = f" (it keeps {CONFIG_PATH})" if source.on_disk else ""
        out.write(
            f"{drifted} file(s) differ from what `hotfix-ci init` renders {origin}; run "
            f"`hotfix-ci init --force` to rewrite them{keeps}, or keep your edits\n"
        )
        return int(ExitCode.POLICY_FAILED)
    out.write("every rendered file matches what is on disk\n")
    return 0


def run(args: InitArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    source = config_source(args)
    files = render_files(args, source, env)
    if args.check:
        if source.on_disk and (args.base or args.providers):
            err.write(
                f"note: --check renders from {CONFIG_PATH}; --base and --provider apply only "
                "to a new config\n"
            )
        return _check(args, source, files, out)
    existing = [p for p in files if (args.root / p).exists()]
    if existing and not args.force and not args.dry_run:
        raise UsageError(
            f"{', '.join(str(p) for p in existing)} already exist(s)",
            hint=(
                f"pass --force to rewrite the others from {CONFIG_PATH} (it is kept)"
                if source.on_disk
                else "pass --force to overwrite them"
            )
            + ", or --check to see how they differ",
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
            f"{' and '.join(source.base)} in the branch protection settings (better: a ruleset "
            "that requires the workflow .github/workflows/hotfix-pr-gate.yml from the default "
            "branch; README: Threat model)\n"
        )
        if source.providers and not source.on_disk:
            out.write(
                f"then replace each `fill-in` in {CONFIG_PATH} with the provider's settings "
                "(until then deploy refuses to run, exit 2) and add the secrets the deploy "
                "job passes in `env:` to the production environment\n"
            )
    return 0
