"""`targets:`: defaults from the seeds, replacement, durations, names checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_ci.config import load_config
from hotfix_ci.errors import ConfigError


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "hotfix.yml"
    path.write_text(text)
    return load_config(path)


def test_defaults_are_the_seeds(tmp_path: Path) -> None:
    cfg = load_config(None, workdir=tmp_path)
    assert cfg.target_for("P0").respond == 900 and cfg.target_for("P0").total == 1800
    assert cfg.target_for("P1").deploy == 7200 and cfg.target_for("P1").respond is None
    assert cfg.target_for("P2").limit("total") is None
    assert cfg.target_for(None).limit("deploy") is None


def test_given_targets_replace_the_defaults(tmp_path: Path) -> None:
    cfg = load(tmp_path, "version: 1\ntargets:\n  P1: {respond: 10m, merge: 1h30m, total: 90}\n")
    assert cfg.target_for("P1").respond == 600  # type: ignore[attr-defined]
    assert cfg.target_for("P1").merge == 5400  # type: ignore[attr-defined]
    assert cfg.target_for("P1").total == 90  # type: ignore[attr-defined]
    assert cfg.target_for("P0").respond is None  # type: ignore[attr-defined]


def test_targets_follow_custom_severities(tmp_path: Path) -> None:
    text = "version: 1\nseverities:\n  SEV1: {approvals: 0}\ntargets:\n  SEV1: {deploy: 20m}\n"
    assert load(tmp_path, text).target_for("SEV1").deploy == 1200  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("targets:\n  P9: {deploy: 2h}\n", "targets.P9: 'P9' is not a severity"),
        ("targets:\n  P1: {deploy: soon}\n", "targets.P1.deploy"),
        ("targets:\n  P1: {respnd: 5m}\n", "respnd"),
    ],
)
def test_bad_targets_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load(tmp_path, "version: 1\n" + text)
