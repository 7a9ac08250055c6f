"""``hotfix-ci init``: write the config and the three workflows into a repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hotfix_ci.errors import UsageError
from hotfix_ci.workflows import WorkflowSettings, render_all

STARTER_CONFIG = """\
# hotfix-ci: `version: 1` alone gives the documented defaults; run `hotfix-ci config schema`
# for every key.
version: 1
pull_request:
  base: [{base}]
"""


@dataclass(frozen=True, kw_only=True)
class InitArgs:
    root: Path
    action: str
    base: Sequence[str] = ("main",)
    force: bool = False
    dry_run: bool = False


def run(args: InitArgs, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    settings = WorkflowSettings(action=args.action, base=tuple(args.base))
    files = {Path(".github/workflows") / name: text for name, text in render_all(settings).items()}
    files[Path(".github/hotfix.yml")] = STARTER_CONFIG.format(
        base=", ".join(f'"{b}"' for b in args.base)
    )
    existing = [p for p in files if (args.root / p).exists()]
    if existing and not args.force:
        raise UsageError(
            f"{', '.join(str(p) for p in existing)} already exist(s)",
            hint="pass --force to overwrite, or remove them first",
        )
    for path, text in files.items():
        if args.dry_run:
            out.write(f"would write {path} ({len(text.splitlines())} lines)\n")
            continue
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        out.write(f"wrote {path}\n")
    if not args.dry_run:
        out.write(
            "next: commit these files, then require the 'hotfix-ci / PR gate' check on "
            f"{' and '.join(args.base)} in the branch protection settings\n"
        )
    return 0
