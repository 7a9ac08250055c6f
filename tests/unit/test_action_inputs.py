from __future__ import annotations

import pytest

from hotfix_ci.action import ActionInputError, build_argv, main


def test_check_pr_with_pr_and_config() -> None:
    env = {
        "INPUT_COMMAND": "check-pr",
        "INPUT_PR": "12",
        "INPUT_CONFIG": "ci/hotfix.yml",
        "INPUT_DRY-RUN": "false",
        "INPUT_NO-REPORT": "true",
    }
    assert build_argv(env) == ["check-pr", "--config", "ci/hotfix.yml", "--pr", "12", "--no-report"]


def test_values_stay_single_arguments() -> None:
    env = {
        "INPUT_COMMAND": "deploy",
        "INPUT_ENVIRONMENT": "prod; rm -rf /",
        "INPUT_PROVIDER": "api",
        "INPUT_REF": "$(whoami)",
    }
    assert build_argv(env) == [
        "deploy",
        "--environment",
        "prod; rm -rf /",
        "--provider",
        "api",
        "--ref",
        "$(whoami)",
    ]


def test_matrix_is_config_matrix_of_one_environment() -> None:
    env = {"INPUT_COMMAND": "matrix", "INPUT_ENVIRONMENT": "eu", "INPUT_PROVIDER": ""}
    assert build_argv(env) == ["config", "matrix", "--environment", "eu"]
    env["INPUT_PROVIDER"] = "shop-eu"
    assert build_argv(env)[-2:] == ["--provider", "shop-eu"]
    with pytest.raises(ActionInputError, match="does not apply to `matrix`"):
        build_argv({**env, "INPUT_TO": "v1"})


def test_version_kind() -> None:
    assert build_argv({"INPUT_COMMAND": "version"}) == ["version", "next"]
    with pytest.raises(ActionInputError, match="current or next"):
        build_argv({"INPUT_COMMAND": "version", "INPUT_VERSION-KIND": "latest"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INPUT_COMMAND": "ship-it"}, "use one of: check-pr"),
        ({"INPUT_COMMAND": ""}, "input `command` is ''"),
        (
            {"INPUT_COMMAND": "check-pr", "INPUT_ENVIRONMENT": "prod"},
            "`environment` does not apply to `check-pr`",
        ),
        ({"INPUT_COMMAND": "release", "INPUT_DRY-RUN": "yes"}, "use true or false"),
        ({"INPUT_COMMAND": "gate", "INPUT_DRY-RUN": "true"}, "`dry-run` does not apply to `gate`"),
    ],
)
def test_bad_inputs(env: dict[str, str], message: str) -> None:
    with pytest.raises(ActionInputError, match=message):
        build_argv(env)


def test_main_reports_bad_inputs_as_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main({"INPUT_COMMAND": "nope"}) == 2
    out = capsys.readouterr()
    assert out.out.startswith("::error title=hotfix-ci action::input `command` is 'nope'")
