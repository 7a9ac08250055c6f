"""The ``deploy:`` section as frozen dataclasses, parsed from the raw config mapping.

Parsing is pure: every error is a ConfigError naming the key path
(``deploy.environments.production.providers[0].name``). Gates and the watch schedule are
parsed by :mod:`hotfix_ci.gates`; a provider's ``with:`` block is checked against that
provider's own JSON schema only when the provider is used (:func:`check_provider_settings`),
so a config naming a third-party provider that is not installed still loads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hotfix_ci.errors import ConfigError
from hotfix_ci.gates import GateSpec, WatchSpec, parse_gates, parse_watch

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
RELEASE_PLACEHOLDER = re.compile(r"\{(tag|version|sha|environment)\}")
_ENV_KEYS = {"url", "before", "providers", "gates", "watch", "rollback", "production", "transient"}
_PROVIDER_KEYS = {"name", "type", "with"}


@dataclass(frozen=True, kw_only=True)
class ProviderSpec:
    name: str
    type: str
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    where: str = ""  # key path, for messages about its settings


@dataclass(frozen=True, kw_only=True)
class Environment:
    name: str
    url: str | None = None
    before: tuple[tuple[str, ...], ...] = ()
    providers: tuple[ProviderSpec, ...] = ()
    gates: tuple[GateSpec, ...] = ()
    watch: WatchSpec = field(default_factory=WatchSpec)
    rollback_on_failure: bool = True
    production: bool = False
    transient: bool = False

    def provider(self, name: str) -> ProviderSpec:
        for spec in self.providers:
            if spec.name == name:
                return spec
        known = [spec.name for spec in self.providers]
        raise ConfigError(
            f"environment {self.name!r} has no provider named {name!r}",
            hint=_choices("providers", known, name),
        )


@dataclass(frozen=True, kw_only=True)
class DeployConfig:
    environments: Mapping[str, Environment] = field(default_factory=dict, hash=False)

    def environment(self, name: str) -> Environment:
        found = self.environments.get(name)
        if found is None:
            raise ConfigError(
                f"deploy.environments has no environment {name!r}",
                hint=_choices("environments", list(self.environments), name),
            )
        return found


def _choices(what: str, known: list[str], wanted: str) -> str:
    if not known:
        return f"add it under deploy.environments in .github/hotfix.yml (no {what} configured)"
    starts = [name for name in known if name.startswith(wanted) or wanted.startswith(name)]
    close = starts or difflib.get_close_matches(wanted, known, n=1)
    prefix = f"did you mean {close[0]!r}? " if close else ""
    return f"{prefix}configured {what}: {', '.join(known)}"


def parse_deploy(raw: object, where: str = "deploy") -> DeployConfig:
    """Parse the raw ``deploy:`` mapping (an absent or empty one has no environments)."""
    if raw is None or raw == {}:
        return DeployConfig()
    section = _mapping(raw, where)
    _reject_unknown(section, {"environments"}, where)
    envs = _mapping(section.get("environments") or {}, f"{where}.environments")
    parsed = {
        str(name): _environment(str(name), value, f"{where}.environments.{name}")
        for name, value in envs.items()
    }
    return DeployConfig(environments=parsed)


def _environment(name: str, raw: object, where: str) -> Environment:
    item = _mapping(raw, where)
    _reject_unknown(item, _ENV_KEYS, where)
    url = item.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise ConfigError(f"{where}.url: expected an http(s) URL, got {url!r}")
    before_raw = item.get("before") or []
    if not isinstance(before_raw, list):
        raise ConfigError(
            f"{where}.before: expected a list of argument lists",
            hint='e.g. before: [["./scripts/validate_env.sh", "production"]]',
        )
    before = tuple(_argv(cmd, f"{where}.before[{i}]") for i, cmd in enumerate(before_raw))
    providers = _providers(item.get("providers"), f"{where}.providers")
    rollback = _mapping(item.get("rollback") or {}, f"{where}.rollback")
    _reject_unknown(rollback, {"on_failure"}, f"{where}.rollback")
    return Environment(
        name=name,
        url=url,
        before=before,
        providers=providers,
        gates=parse_gates(item.get("gates"), f"{where}.gates"),
        watch=parse_watch(item.get("watch"), f"{where}.watch"),
        rollback_on_failure=_flag(rollback.get("on_failure", True), f"{where}.rollback.on_failure"),
        production=_flag(item.get("production", name == "production"), f"{where}.production"),
        transient=_flag(item.get("transient", False), f"{where}.transient"),
    )


def _providers(raw: object, where: str) -> tuple[ProviderSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of providers, got {type(raw).__name__}")
    specs: list[ProviderSpec] = []
    for index, entry in enumerate(raw):
        path = f"{where}[{index}]"
        item = _mapping(entry, path)
        _reject_unknown(item, _PROVIDER_KEYS, path)
        name, kind = item.get("name"), item.get("type")
        if not isinstance(name, str) or not NAME.match(name):
            raise ConfigError(
                f"{path}.name: {name!r} is not a usable provider name",
                hint="use letters, digits, '-', '_' or '.'; it names the matrix job and --provider",
            )
        if any(spec.name == name for spec in specs):
            raise ConfigError(f"{path}.name: provider name {name!r} is used twice")
        if not isinstance(kind, str) or not kind:
            raise ConfigError(f"{path}.type: expected a provider type such as kubernetes")
        settings = _mapping(item.get("with") or {}, f"{path}.with")
        specs.append(ProviderSpec(name=name, type=kind, settings=settings, where=path))
    return tuple(specs)


def check_provider_settings(spec: ProviderSpec) -> None:
    """Validate ``spec.settings`` against its provider's schema; ConfigError names the key."""
    import jsonschema

    from hotfix_ci.providers.registry import settings_schema

    schema = settings_schema(spec.type)
    if not schema:
        return
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


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Replace {tag}, {version}, {sha}, {environment}; other braces stay as written."""
    return RELEASE_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _argv(raw: object, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raise ConfigError(
            f"{where}: expected an argument list, got the string {raw!r}",
            hint='write it as a list, e.g. ["./scripts/validate_env.sh", "production"]; '
            "no shell runs it",
        )
    if not isinstance(raw, list) or not raw or not all(isinstance(a, str) for a in raw):
        raise ConfigError(f"{where}: expected a non-empty list of strings, got {raw!r}")
    return tuple(raw)


def _flag(raw: object, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: expected true or false, got {raw!r}")
    return raw


def _mapping(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _reject_unknown(item: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in item:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"allowed keys: {', '.join(sorted(allowed))}"
            raise ConfigError(
                f"{where}: unknown key {key!r}",
                hint=(f"did you mean {close[0]!r}? " if close else "") + hint,
            )
