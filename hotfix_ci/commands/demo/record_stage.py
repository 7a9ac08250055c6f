"""The demo's last stage: the deployment log and the post-mortem of its own run.

It runs the real commands over the demo's emulator, as an engineer would the morning after:
``hotfix-ci log`` (:mod:`hotfix_ci.commands.log`: every Deployment the deploy stage
recorded, the rollback included) and ``hotfix-ci report --pr 1 --open-issue``
(:mod:`hotfix_ci.commands.report`: the post-mortem issue with the timeline's durations
against the P1 target and its Mermaid gantt chart), then the report again, which finds the
issue by its marker and opens no second one. The report is long; the demo prints its
summary, the step durations and the gantt chart, and names the other sections.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from hotfix_ci.commands import log, report
from hotfix_ci.commands.demo.deploy_stage import production
from hotfix_ci.errors import HotfixError

if TYPE_CHECKING:
    from hotfix_ci.commands.demo import Demo

PR = 1
SHOWN = ("Summary",)


def sections(document: str) -> list[tuple[str, list[str]]]:
    """``(title, lines)`` of each ``#``/``##`` section of a markdown document, in order."""
    found: list[tuple[str, list[str]]] = []
    fenced = False
    for line in document.splitlines():
        fenced = fenced != line.startswith("```")
        if not fenced and line.startswith("#") and not line.startswith("```"):
            found.append((line.lstrip("#").strip(), []))
        elif found:
            found[-1][1].append(line)
    return found


def gantt_block(document: str) -> list[str]:
    """The lines of the document's Mermaid block, fences included."""
    lines = document.splitlines()
    if "```mermaid" not in lines:
        return []
    start = lines.index("```mermaid")
    end = lines.index("```", start + 1)
    return lines[start : end + 1]


def _run(demo: Demo, command: str, call: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = call(out, err)  # type: ignore[operator]
    except HotfixError as exc:
        code = int(exc.exit_code)
        err.write(f"error: {exc.message}\n")
    if code != 0:
        demo.say(f"   `{command}` ended with exit code {code}")
        for line in (out.getvalue() + err.getvalue()).splitlines():
            demo.say(f"   {line}")
    return code, out.getvalue(), err.getvalue()


def _report(demo: Demo) -> tuple[int, str, str]:
    args = report.ReportArgs(
        pr=PR, open_issue=True, config=production(demo).config, workdir=demo.workdir
    )
    return _run(
        demo,
        f"hotfix-ci report --pr {PR} --open-issue",
        lambda out, err: report.run(args, demo.env, out, err),
    )


def record_stage(demo: Demo) -> int:
    demo.at(60)  # the morning after: the post-mortem is due within 24 hours of the end
    repo = demo.env["GITHUB_REPOSITORY"]
    demo.step(f"the deployment log of {repo} (`hotfix-ci log`), newest first")
    code, text, _ = _run(
        demo, "hotfix-ci log", lambda out, err: log.run(log.LogArgs(), demo.env, out, err)
    )
    if code != 0:
        return code
    for line in text.splitlines():
        demo.say(f"   {line}".rstrip())
    demo.say("   (the newest row is the automatic rollback: it put the PR's release back)")
    demo.step(f"the post-mortem of PR #{PR} (`hotfix-ci report --pr {PR} --open-issue`)")
    code, document, told = _report(demo)
    if code != 0:
        return code
    for line in told.splitlines():
        demo.say(f"   {line}")
    parts = sections(document)
    for title, lines in parts:
        if title in SHOWN:
            for line in lines:
                if line.strip():
                    demo.say(f"     {line}")
        elif title.startswith("Post-mortem"):
            due = next((line for line in lines if line.startswith("Due by")), "")
            when = due.split("(")[0].removeprefix("Due by").replace("*", "").strip()
            demo.say(f"     the post-mortem is due by {when} (24 hours after the end)")
    for line in gantt_block(document):
        demo.say(f"     {line}")
    rest = [title for title, _ in parts if title not in SHOWN and not title.startswith("Incident")]
    demo.say(f"   ... and the sections {', '.join(rest)} (the issue holds them all)")
    demo.step("the report runs again (say, a re-run of the job): the same issue, not a second")
    code, _, again = _report(demo)
    for line in again.splitlines():
        demo.say(f"   {line}")
    opened = "opened post-mortem issue" in told
    kept = "is up to date" in again or "updated post-mortem issue" in again
    return 0 if code == 0 and opened and kept else 1
