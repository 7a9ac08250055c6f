"""Release notes and changelog entries from the hotfix PR: its template sections, its commits.

:func:`parse_sections` reads the headings of the hotfix PR template (Severity, Affected users,
Impact, Error rate, Root cause, Fix, Testing checklist, Before/After, Rollback plan, Deployment
notes, Checklist: :data:`SECTIONS`) from a PR body: ``##`` or ``###`` headings,
any case, a trailing colon or ``#`` allowed, ``## Severity: P1`` style inline values too.
HTML comments (the template's instructions) are removed first; a section left empty is
missing. The renderers use the jinja2 templates shipped in ``hotfix_ci/release/templates/``
(https://jinja.palletsprojects.com/en/3.1.x/api/#jinja2.PackageLoader, ``StrictUndefined``,
``trim_blocks``); the output is Markdown, so autoescaping is off. Missing sections are left
out of the notes, never printed as empty headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2

# key -> heading, in the order the notes print them. The one list of the hotfix PR
# template's sections: ``hotfix-ci init`` writes .github/PULL_REQUEST_TEMPLATE/hotfix.md
# from it (see :data:`SECTION_PROMPTS`), and :func:`parse_sections` reads exactly these.
SECTIONS: dict[str, str] = {
    "severity": "Severity",
    "affected_users": "Affected users",
    "impact": "Impact",
    "error_rate": "Error rate",
    "root_cause": "Root cause",
    "fix": "Fix",
    "testing": "Testing checklist",
    "before_after": "Before/After",
    "rollback_plan": "Rollback plan",
    "deployment_notes": "Deployment notes",
    "checklist": "Checklist",
}
# key -> the template's instruction under that heading (an HTML comment, removed on parsing)
SECTION_PROMPTS: dict[str, str] = {
    "severity": "P0, P1, P2 or P3 (P0: outage; P1: a major feature broken)",
    "affected_users": "Who is affected, and how many",
    "impact": "What users see while this is broken",
    "error_rate": "Error rate or failing requests now, with a link to the graph",
    "root_cause": "Why it broke",
    "fix": "What this change does",
    "testing": "- [ ] reproduced the failure\n- [ ] a test covers it\n- [ ] checked on staging",
    "before_after": "Behaviour, output or screenshots before and after the fix",
    "rollback_plan": "How to undo this if it makes things worse",
    "deployment_notes": "Migrations, flags, order of deploys, who to tell",
    "checklist": "- [ ] labelled `hotfix`\n- [ ] reviewer from the owning team\n"
    "- [ ] incident channel told",
}
_ALIASES = {title.lower(): key for key, title in SECTIONS.items()} | {
    "rollback": "rollback_plan",
    "users affected": "affected_users",
    "testing": "testing",
    "tests": "testing",
    "the fix": "fix",
    "before / after": "before_after",
    "before and after": "before_after",
}


def pr_template() -> str:
    """The body of .github/PULL_REQUEST_TEMPLATE/hotfix.md: every section, in order."""
    parts = ["<!-- hotfix-ci: fill in each section; the release notes are built from them. -->\n"]
    for key, title in SECTIONS.items():
        parts.append(f"\n## {title}\n\n<!-- {SECTION_PROMPTS[key]} -->\n")
    return "".join(parts)


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# A comment on lines of its own goes with its line break, so it leaves no blank line.
_COMMENT_LINES = re.compile(
    r"^[ \t]*<!--(?:(?!-->).)*-->[ \t]*(?:\r\n|\r|\n)", re.DOTALL | re.MULTILINE
)
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_HOTFIX_PREFIX = re.compile(r"^\s*\[hotfix\]\s*:?\s*", re.IGNORECASE)


def _section_of(title: str) -> tuple[str | None, str]:
    """The section a heading opens, and any value written inline after a colon."""
    plain = re.sub(r"[*_`]", "", title).strip()
    name, colon, inline = plain.partition(":")
    key = _ALIASES.get(" ".join(name.split()).lower())
    if key is None:
        return None, ""
    return key, inline.strip() if colon else ""


def parse_sections(body: str) -> dict[str, str]:
    """The filled-in sections of a hotfix PR body, by key (see :data:`SECTIONS`)."""
    collected: dict[str, list[str]] = {}
    current: str | None = None
    current_level = 0
    fence: str | None = None
    for line in _COMMENT.sub("", _COMMENT_LINES.sub("", body)).splitlines():
        opener = _FENCE.match(line)
        if opener is not None and (fence is None or opener.group(1).startswith(fence)):
            fence = opener.group(1) if fence is None else None
        elif fence is None and (heading := _HEADING.match(line)) is not None:
            level = len(heading.group(1))
            key, inline = _section_of(heading.group(2)) if level in (2, 3) else (None, "")
            if key is not None:
                current, current_level = key, level
                collected.setdefault(key, []).append(inline)
                continue
            if level <= current_level:
                current = None
        if current is not None:
            collected[current].append(line)
    sections = {key: "\n".join(lines).strip() for key, lines in collected.items()}
    return {key: text for key, text in sections.items() if text}


@dataclass(frozen=True, kw_only=True)
class Commit:
    sha: str
    message: str

    @property
    def subject(self) -> str:
        lines = self.message.strip().splitlines()
        return lines[0].strip() if lines else ""


@dataclass(frozen=True, kw_only=True)
class ReleaseNotesContext:
    version: str
    tag: str
    previous_tag: str | None = None
    severity: str | None = None
    pr_number: int | None = None
    pr_title: str = ""
    pr_url: str = ""
    author: str | None = None
    merged_by: str | None = None
    commits: tuple[Commit, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)
    compare_url: str | None = None
    break_glass: dict[str, Any] | None = None  # see release.gate_verdict.BreakGlass


@cache
def _environment() -> jinja2.Environment:
    # Markdown output, never served as HTML: escaping would garble titles like "a < b".
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hotfix_ci.release", "templates"),
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _variables(ctx: ReleaseNotesContext) -> dict[str, Any]:
    sections = {key: text.strip() for key, text in ctx.sections.items() if text.strip()}
    severity = ctx.severity or sections.get("severity")
    pr_ref = None
    if ctx.pr_number is not None:
        pr_ref = f"[#{ctx.pr_number}]({ctx.pr_url})" if ctx.pr_url else f"#{ctx.pr_number}"
    compare_ref = None
    if ctx.previous_tag:
        span = f"{ctx.previous_tag}...{ctx.tag}"
        compare_ref = f"[{span}]({ctx.compare_url})" if ctx.compare_url else f"`{span}`"
    return {
        "version": ctx.version,
        "tag": ctx.tag,
        "previous_tag": ctx.previous_tag,
        "severity": severity,
        "pr_ref": pr_ref,
        "title": _HOTFIX_PREFIX.sub("", ctx.pr_title).strip(),
        "author": ctx.author,
        "merged_by": ctx.merged_by,
        "sections": [
            (heading, sections[key])
            for key, heading in SECTIONS.items()
            if key != "severity" and key in sections
        ],
        "commits": [{"short": c.sha[:7], "subject": c.subject} for c in ctx.commits if c.subject],
        "compare_ref": compare_ref,
        "break_glass": ctx.break_glass,
    }


def _render(name: str, ctx: ReleaseNotesContext) -> str:
    return _environment().get_template(name).render(_variables(ctx))


def render_release_notes(ctx: ReleaseNotesContext) -> str:
    """The GitHub Release body (Markdown) for a hotfix."""
    return _render("release_notes.md.j2", ctx).strip() + "\n"


def render_changelog_entries(ctx: ReleaseNotesContext) -> list[str]:
    """The ``### Fixed`` items for the changelog: one per line of the entry template."""
    rendered = _render("changelog_entry.md.j2", ctx)
    return [line.strip() for line in rendered.splitlines() if line.strip()]
