"""read_event and pull_number_from_event, on GitHub's real webhook payloads and on broken
event files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotfix_ci.errors import ExitCode, PayloadError
from hotfix_ci.events import Event, pull_number_from_event, read_event
from hotfix_ci.testing.contract import webhook_example

OUTSIDE = "outside a pull_request event, pass --pr N (and --repo OWNER/NAME)"


def event_env(tmp_path: Path, name: str, content: str | bytes) -> dict[str, str]:
    file = tmp_path / "event.json"
    if isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8")
    return {"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(file)}


@pytest.mark.parametrize(
    ("event", "action"),
    [
        ("pull_request", "opened"),
        ("pull_request", "synchronize"),
        ("pull_request", "labeled"),
        ("pull_request", "closed"),
        ("pull_request_review", "submitted"),
    ],
)
def test_real_pull_request_payloads_give_their_number(
    tmp_path: Path, event: str, action: str
) -> None:
    payload = webhook_example(event, action)
    read = read_event(event_env(tmp_path, event, json.dumps(payload)))
    assert read.name == event
    assert read.payload == payload
    assert pull_number_from_event(read) == payload["pull_request"]["number"] == 2


def test_pull_request_target_uses_the_same_payload(tmp_path: Path) -> None:
    payload = webhook_example("pull_request", "opened")
    payload["number"] = payload["pull_request"]["number"] = 41
    read = read_event(event_env(tmp_path, "pull_request_target", json.dumps(payload)))
    assert pull_number_from_event(read) == 41


def test_review_comment_event() -> None:
    event = Event(
        "pull_request_review_comment", {"action": "created", "pull_request": {"number": 8}}
    )
    assert pull_number_from_event(event) == 8


def test_top_level_number_is_the_fallback() -> None:
    assert pull_number_from_event(Event("pull_request", {"number": 12})) == 12
    assert pull_number_from_event(Event("pull_request", {"pull_request": {}, "number": 13})) == 13


@pytest.mark.parametrize(("event", "action"), [("push", None), ("workflow_dispatch", None)])
def test_other_events_have_no_pull_number(tmp_path: Path, event: str, action: str | None) -> None:
    read = read_event(event_env(tmp_path, event, json.dumps(webhook_example(event, action))))
    assert pull_number_from_event(read) is None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"pull_request": {"number": "7"}},
        {"pull_request": {"number": True}},
        {"pull_request": {"number": 0}},
        {"number": -3},
        {"pull_request": "7"},
        {"number": 7.0},
    ],
)
def test_pull_request_event_without_a_usable_number(payload: dict[str, object]) -> None:
    with pytest.raises(PayloadError) as caught:
        pull_number_from_event(Event("pull_request", payload))
    assert caught.value.message == (
        "the pull_request event payload has no usable pull request number "
        "(pull_request.number and number are missing or not positive integers)"
    )
    assert caught.value.hint == "check the event file GITHUB_EVENT_PATH points at; " + OUTSIDE


def test_missing_event_path_variable() -> None:
    with pytest.raises(PayloadError) as caught:
        read_event({"GITHUB_EVENT_NAME": "pull_request"})
    assert caught.value.message.startswith("GITHUB_EVENT_PATH is not set")
    assert caught.value.hint == OUTSIDE
    assert caught.value.exit_code == ExitCode.USAGE


def test_missing_event_name_variable(tmp_path: Path) -> None:
    env = event_env(tmp_path, "", "{}")
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == (
        "GITHUB_EVENT_NAME is not set, so the event file cannot be interpreted"
    )


def test_missing_event_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(missing)}
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == f"event file {missing} (GITHUB_EVENT_PATH) does not exist"
    assert caught.value.hint == OUTSIDE


def test_event_path_is_a_directory(tmp_path: Path) -> None:
    env = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(tmp_path)}
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == f"event file {tmp_path} (GITHUB_EVENT_PATH) is a directory"


def test_unreadable_event_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = event_env(tmp_path, "pull_request", "{}")

    def denied(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)  # root ignores chmod 000
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == (
        f"event file {env['GITHUB_EVENT_PATH']} (GITHUB_EVENT_PATH) cannot be read: "
        "Permission denied"
    )
    assert caught.value.hint == "check the file's permissions; " + OUTSIDE


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    env = event_env(tmp_path, "pull_request", '{\n  "number": 7\n  "action": "opened"}')
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == (
        f"event file {env['GITHUB_EVENT_PATH']} (GITHUB_EVENT_PATH) is not valid JSON: "
        "Expecting ',' delimiter at line 3, column 3"
    )


def test_non_utf8_event_file(tmp_path: Path) -> None:
    env = event_env(tmp_path, "pull_request", b'{"title": "caf\xe9"}')
    with pytest.raises(PayloadError, match=r"is not UTF-8 text \(bad byte at offset 14\)"):
        read_event(env)


@pytest.mark.parametrize(
    ("content", "kind"), [("[1, 2]", "list"), ("7", "int"), ("null", "NoneType")]
)
def test_event_file_must_hold_an_object(tmp_path: Path, content: str, kind: str) -> None:
    env = event_env(tmp_path, "pull_request", content)
    with pytest.raises(PayloadError) as caught:
        read_event(env)
    assert caught.value.message == (
        f"event file {env['GITHUB_EVENT_PATH']} (GITHUB_EVENT_PATH) holds a JSON {kind}, "
        "not an object"
    )


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3),
                st.dictionaries(
                    st.sampled_from(["number", "pull_request", "x"]), inner, max_size=3
                ),
            ),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
        st.just(b"[" * 100_000),
        st.just(b"1" * 5000),
    ),
    name=st.sampled_from(["pull_request", "pull_request_review", "push", "issues"]),
)
def test_any_event_file_gives_an_event_or_a_payload_error(
    tmp_path: Path, content: bytes, name: str
) -> None:
    env = event_env(tmp_path, name, content)
    try:
        number = pull_number_from_event(read_event(env))
    except PayloadError as error:
        assert str(error)
        return
    assert number is None or (isinstance(number, int) and number > 0)


def test_merge_group_event_names_its_pull_request_and_head(tmp_path: Path) -> None:
    from hotfix_ci.events import merge_group_from_event

    payload = webhook_example("merge_group", "checks_requested")
    read = read_event(event_env(tmp_path, "merge_group", json.dumps(payload)))
    group = merge_group_from_event(read)
    assert group is not None
    assert group.pull == 104  # refs/heads/gh-readonly-queue/main/pr-104-929f…
    assert group.head_sha == payload["merge_group"]["head_sha"]
    assert group.base_ref == "refs/heads/main"
    assert pull_number_from_event(read) is None  # not a pull-request event
    assert merge_group_from_event(Event("pull_request", {"number": 3})) is None


def test_workflow_run_event_lists_its_pull_requests(tmp_path: Path) -> None:
    from hotfix_ci.events import workflow_run_from_event

    payload = webhook_example("workflow_run", "completed")
    payload["workflow_run"]["pull_requests"] = [{"number": 7}, {"number": 7}, {"number": True}]
    found = workflow_run_from_event(Event("workflow_run", payload))
    assert found is not None and found.pulls == (7,)
    assert found.head_sha == payload["workflow_run"]["head_sha"]


_SHA = "ab" * 20
_FIELDS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.just(_SHA),
    st.just(f"refs/heads/gh-readonly-queue/main/pr-12-{_SHA}"),
    st.just(f"gh-readonly-queue/a/b/pr-0-{_SHA}"),
    st.lists(st.dictionaries(st.just("number"), st.integers(), max_size=1), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(
    body=st.dictionaries(
        st.sampled_from(["head_sha", "head_ref", "base_ref", "pull_requests"]), _FIELDS
    ),
    wrap=st.booleans(),
)
def test_any_merge_group_or_workflow_run_payload_parses_or_is_a_payload_error(
    body: dict[str, object], wrap: bool
) -> None:
    from hotfix_ci.events import merge_group_from_event, workflow_run_from_event

    for name, key in (("merge_group", "merge_group"), ("workflow_run", "workflow_run")):
        payload = {key: body} if wrap else dict(body)
        try:
            group = merge_group_from_event(Event(name, payload))
            finished = workflow_run_from_event(Event(name, payload))
        except PayloadError as error:
            assert str(error)
            continue
        if group is not None:
            assert group.pull > 0 and len(group.head_sha) == 40
        if finished is not None:
            assert all(n > 0 for n in finished.pulls)


_JSON_TEXT = st.one_of(
    st.sampled_from(
        [
            '{"number": 1e999}',
            '{"number": NaN, "pull_request": {"number": Infinity}}',
            '{"number": 7, "number": -1}',
            '\ufeff{"number": 3}',
            '{"pull_request": {"number": "\\ud800"}}',
            '{"merge_group": {"head_ref": "\\udfff", "head_sha": "' + "a" * 40 + '"}}',
            '{"a": ' * 50_000 + "1" + "}" * 50_000,
            '{"number": 1' + "0" * 5000 + "}",
            '{"number": 12.0}',
            "",
            " ",
        ]
    ),
    st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.text(max_size=6),
        ),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(
                st.sampled_from(
                    [
                        "number",
                        "pull_request",
                        "merge_group",
                        "workflow_run",
                        "head_sha",
                        "head_ref",
                        "base_ref",
                        "pull_requests",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            ),
        ),
        max_leaves=15,
    ).map(json.dumps),
)


@settings(
    max_examples=200,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=_JSON_TEXT,
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]),
    name=st.sampled_from(["pull_request", "pull_request_target", "merge_group", "workflow_run"]),
)
def test_any_json_event_file_is_an_event_or_a_payload_error_through_every_reader(
    tmp_path: Path, text: str, encoding: str, name: str
) -> None:
    from hotfix_ci.events import merge_group_from_event, workflow_run_from_event

    try:
        data = text.encode(encoding, errors="surrogatepass")
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    env = event_env(tmp_path, name, data)
    try:
        event = read_event(env)
        number = pull_number_from_event(event)
        merge_group_from_event(event)
        workflow_run_from_event(event)
    except PayloadError as error:
        assert error.exit_code == ExitCode.USAGE
        str(error).encode("utf-8")  # printable: what reaches the log must be encodable
        return
    assert number is None or (type(number) is int and number > 0)
