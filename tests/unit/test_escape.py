"""Escaping for each channel's markup redacts the registered secrets first."""

from __future__ import annotations

import pytest

from hotfix_ci.escape import ESCAPERS
from hotfix_ci.reports.report import render_markdown
from hotfix_ci.text import register_secret
from tests.unit.reports.test_renderers import hostile

# Unique to this module: the registry of secrets is process-wide.
SECRET = "ghs_" + "esc4pe-" * 6


@pytest.mark.parametrize("flavour", sorted(ESCAPERS))
def test_each_escaper_redacts_a_registered_secret_before_it_escapes(flavour: str) -> None:
    register_secret(SECRET)
    out = ESCAPERS[flavour](f"rotated {SECRET} at 3am")
    # Escaped first, the token would read ghs\_esc4pe\-… and slip past a later redaction.
    assert "esc4pe" not in out
    assert out.replace("\\", "").startswith("rotated *** at 3am")


def test_a_post_mortem_quoting_a_secret_in_the_pr_title_shows_it_redacted() -> None:
    register_secret(SECRET)
    timeline = hostile()
    from dataclasses import replace

    report = render_markdown(replace(timeline, title=f"[HOTFIX] leaked {SECRET}"))
    assert "esc4pe" not in report
    assert "leaked \\*\\*\\*" in report
