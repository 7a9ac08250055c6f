"""What deploy, gate and rollback share: the environment's config, secrets masked before the
first line, and the provider built from its spec."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from hotfix_ci.actions_io import ActionsIO
from hotfix_ci.config.model import Environment, ProviderSpec
from hotfix_ci.errors import ConfigError, ProviderError
from hotfix_ci.gates import secret_values
from hotfix_ci.proc import PROVIDER_SECRETS
from hotfix_ci.providers.base import Provider, ProviderContext


def mask_secrets(io: ActionsIO, environment: Environment, env: Mapping[str, str]) -> None:
    """Mask gate header secrets and provider tokens (each line of a multi-line key too)."""
    values = [*secret_values(environment.gates, env)]
    values += [env[name] for name in PROVIDER_SECRETS if env.get(name)]
    for value in values:
        for line in {value, *value.splitlines()}:
            if line.strip():
                io.mask(line.strip())


# What `hotfix-ci init --provider TYPE` writes for each setting the provider needs: a value
# the schema accepts (so the config validates and the PR gate runs), refused before a deploy.
UNFILLED = "fill-in"


def unfilled_settings(settings: Mapping[str, object], prefix: str = "") -> list[str]:
    """The keys of ``settings`` (dotted, ``[i]`` for list items) still holding ``UNFILLED``."""
    found: list[str] = []
    for key, value in settings.items():
        where = f"{prefix}.{key}" if prefix else str(key)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            at = f"{where}[{index}]" if isinstance(value, list) else where
            if item == UNFILLED:
                found.append(at)
            elif isinstance(item, Mapping):
                found += unfilled_settings(item, at)
    return found


def check_filled(spec: ProviderSpec) -> None:
    """Refuse a provider whose settings are still init's placeholders: nothing deploys from
    a config nobody finished."""
    unfilled = unfilled_settings(spec.settings)
    if unfilled:
        where = spec.where or f"provider {spec.name}"
        raise ConfigError(
            f"{where}.with: {', '.join(unfilled)} still say {UNFILLED!r} (the placeholders "
            f"`hotfix-ci init` wrote); nothing was deployed",
            hint=f"fill in {', '.join(unfilled)} of the {spec.type} provider {spec.name!r} in "
            ".github/hotfix.yml (the comment next to each says what it is), then run "
            "`hotfix-ci config validate`",
        )


def check_provider_settings(spec: ProviderSpec) -> None:
    """Refuse init's unfilled placeholders, and validate a plugin provider's ``with:``
    against its own schema (built-in providers' settings are part of the config schema,
    checked when the config loads)."""
    from hotfix_ci.providers.registry import BUILTIN_PROVIDERS, settings_schema

    check_filled(spec)
    if spec.type in BUILTIN_PROVIDERS:
        return
    schema = settings_schema(spec.type)
    if not schema:
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(dict(spec.settings)), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first.path)
        raise ConfigError(
            f"{spec.where}.with{key}: {first.message}",
            hint=f"`{spec.type}` provider settings: "
            + ", ".join(sorted(schema.get("properties", {}))),
        )


def build_provider(
    spec: ProviderSpec, env: Mapping[str, str], workdir: Path, log: Callable[[str], None]
) -> Provider:
    from hotfix_ci.providers.registry import provider_factory

    check_provider_settings(spec)
    context = ProviderContext(
        name=spec.name,
        type=spec.type,
        settings=spec.settings,
        env=dict(env),
        workdir=workdir,
        log=log,
    )
    factory = provider_factory(spec.type)
    try:
        return factory(context)
    except ProviderError as exc:
        # Raised while reading settings (a missing key file, a bad combination): the
        # config is at fault, not hotfix-ci, so it is a usage error (exit 2), not exit 3.
        raise ConfigError(f"{spec.where or spec.name}: {exc.message}", hint=exc.hint) from exc
