"""The demo's merge-and-release stage: merge the approved hotfix PR, run ``release``, show the
tag, the GitHub Release and the deploy matrix, then re-run it to show it creates nothing.

It continues the gate stage of :mod:`hotfix_ci.commands.demo` (PR #1 in acme/shop, approved,
with v1.4.2 on main) and leaves the tag on ``demo.release_tag`` for the deploy stage. It reads
the deploy stage's config (:func:`~hotfix_ci.commands.demo.deploy_stage.production`), so the
matrix it prints is the one the deploy stage deploys.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_ci.commands import release as release_command
from hotfix_ci.commands.demo.deploy_stage import production

if TYPE_CHECKING:
    from hotfix_ci.commands.demo import Demo

REPO = "acme/shop"
WRITES = ("POST", "PATCH", "PUT", "DELETE")
PREVIEW_LINES = 14


def preview(body: str, budget: int = PREVIEW_LINES) -> tuple[list[str], list[str]]:
    """The first whole sections of release notes that fit in ``budget`` lines (at least one),
    and the titles of the sections left out: a preview never stops inside a section."""
    sections: list[list[str]] = [[]]
    for line in body.splitlines():
        if line.startswith("## ") and sections[-1]:
            sections.append([])
        sections[-1].append(line)
    shown: list[str] = []
    for index, lines in enumerate(sections):
        section = lines
        while section and not section[-1].strip():
            section = section[:-1]
        if shown and len(shown) + 1 + len(section) > budget:
            rest = [s[0].removeprefix("## ").strip() for s in sections[index:] if s]
            return shown, rest
        shown += ([""] if shown else []) + section
    return shown, []


def _read_outputs(path: Path) -> dict[str, str]:
    """``name<<DELIMITER`` blocks of a ``$GITHUB_OUTPUT`` file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: dict[str, str] = {}
    index = 0
    while index < len(lines):
        name, _, delimiter = lines[index].partition("<<")
        end = lines.index(delimiter, index + 1)
        found[name] = "\n".join(lines[index + 1 : end])
        index = end + 1
    return found


def _run_release(demo: Demo, sha: str, outputs: Path) -> int:
    buffer = io.StringIO()
    env = {**demo.env, "GITHUB_OUTPUT": str(outputs)}
    args = release_command.ReleaseArgs(
        sha=sha, workdir=demo.workdir, config=production(demo).config, format="text"
    )
    code = release_command.run(args, env, buffer, buffer)
    for line in buffer.getvalue().splitlines():
        demo.say(f"   {line}")
    demo.say(f"   (exit code {code})")
    return code


def release_stage(demo: Demo) -> int:
    emu = demo.emu
    demo.at(3)
    demo.step("5. alice merges PR #1; the release job runs `hotfix-ci release`")
    sha = emu.merge_pull(REPO, 1, merged_by="alice")
    outputs = demo.workdir / "release-outputs.txt"
    outputs.write_text("", encoding="utf-8")
    code = _run_release(demo, sha, outputs)
    if code != 0:
        return code
    values = _read_outputs(outputs)
    tag = values["tag"]
    ref = next(r for r in emu.refs(REPO) if r["ref"] == f"refs/tags/{tag}")
    demo.say()
    demo.say(f"   tag {tag}: an annotated tag object ({ref['object']['type']}) on {sha[:7]}")
    for release in emu.releases(REPO)[:1]:
        demo.say(f"   GitHub Release {release['name']}, notes from the PR description:")
        shown, rest = preview(release["body"] or "")
        for line in shown:
            demo.say(f"     | {line}".rstrip())
        if rest:
            demo.say(f"     | ... and the sections {', '.join(rest)}")
    demo.say(f"   matrix output for the deploy job: {values['matrix']}")
    demo.step("6. the release job is re-run (say, after a flaky deploy): nothing is created twice")
    emu.clear_requests()
    code = _run_release(demo, sha, outputs)
    writes = [r for r in emu.requests if r.method in WRITES]
    demo.say(f"   write requests on the re-run: {len(writes)}")
    demo.release_tag = tag  # type: ignore[attr-defined]  # read by the deploy stage
    return code
