"""Templates: shipped defaults, repository overrides, the sandbox; escaping and redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_ci.escape import Redactor, clip, markdown, slack, teams
from hotfix_ci.notify.context import EVENTS
from hotfix_ci.notify.render import STATUS_PARTS, TemplateProblem, Templates, compose, status_texts
from tests.unit.notify.helpers import context


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_has_a_title_and_a_body(event: str) -> None:
    message = compose(context(event), "plain", Templates(None))
    assert message.title and "\n" not in message.title
    assert message.body
    name, body = status_texts(context(event), Templates(None))
    assert name == "[HOTFIX] Fix login 500s" and body


def test_the_status_parts_ship_as_templates() -> None:
    root = Path(__file__).resolve().parents[3] / "hotfix_ci" / "notify" / "templates" / "status"
    assert {p.name for p in root.glob("*.txt.j2")} >= {f"{part}.txt.j2" for part in STATUS_PARTS}


def test_a_repository_file_overrides_a_template_and_a_status_part(tmp_path: Path) -> None:
    (tmp_path / "status").mkdir()
    (tmp_path / "deployed.md.j2").write_text("Shipped {{ tag }}\nThanks, {{ actor }}.\n")
    (tmp_path / "status" / "links.txt.j2").write_text("More: https://status.example.com\n")
    templates = Templates(tmp_path)
    message = compose(context("deployed"), "plain", templates)
    assert (message.title, message.body) == ("Shipped hotfix-v1.4.3", "Thanks, octocat.")
    _, body = status_texts(context("deployed"), templates)
    assert body.splitlines()[-1] == "More: https://status.example.com"
    # Events without an override keep the shipped text.
    assert compose(context("alert"), "plain", templates).title.startswith("HOTFIX ALERT")


def test_data_is_escaped_but_the_template_text_is_not(tmp_path: Path) -> None:
    (tmp_path / "alert.md.j2").write_text("*Alert* for {{ pr_title }}\nbody\n")
    message = compose(context(pr_title="*not bold*"), "markdown", Templates(tmp_path))
    assert message.title == "*Alert* for \\*not bold\\*"


def test_pr_text_is_never_compiled_as_a_template() -> None:
    message = compose(context(pr_title="{{ 7*7 }} {% raw %}"), "plain", Templates(None))
    assert "{{ 7*7 }} {% raw %}" in message.body
    assert "49" not in message.body


def test_the_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    (tmp_path / "alert.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(TemplateProblem) as caught:
        compose(context(), "plain", Templates(tmp_path))
    assert "alert.md.j2 cannot be rendered" in caught.value.message


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "resolved.md.j2").write_text("All clear\n{% if pr %}\n")
    with pytest.raises(TemplateProblem) as caught:
        compose(context("resolved"), "plain", Templates(tmp_path))
    assert "resolved.md.j2:" in caught.value.message
    assert caught.value.exit_code == 2


def test_an_include_cannot_leave_the_override_directory(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP SECRET")
    overrides = tmp_path / "notify"
    overrides.mkdir()
    (overrides / "alert.md.j2").write_text('{% include "../secret.txt" %}\n')
    with pytest.raises(TemplateProblem):
        compose(context(), "plain", Templates(overrides))


def test_escapers() -> None:
    assert slack("a & <b> >") == "a &amp; &lt;b&gt; &gt;"
    assert markdown("*x* [y](z) `c` @team") == "\\*x\\* \\[y\\]\\(z\\) \\`c\\` @\u200bteam"
    assert teams("{{DATE(2025)}}") == "\\{\u200b\\{DATE\\(2025\\)\\}\\}"


def test_clip_never_cuts_an_escape_in_half() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("ab&amp;cd", 5) == "ab…"
    assert clip("ab\\*cd", 4) == "ab…"
    assert len(clip("x" * 100, 10)) == 10


def test_redactor_hides_values_their_lines_and_url_paths() -> None:
    url = "https://hooks.slack.com/services/T0/B0/abcdefSECRET"
    redact = Redactor([url, "line-one-secret\nline-two-secret", "abc"])
    text = f"failed: {url} / HTTPSConnectionPool(url: /services/T0/B0/abcdefSECRET) line-two-secret"
    cleaned = redact(text)
    assert "abcdefSECRET" not in cleaned and "line-two-secret" not in cleaned
    assert "abc" not in redact.values  # too short to redact safely
