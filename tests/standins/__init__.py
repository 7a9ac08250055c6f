"""Stand-ins for provider CLIs and APIs, for tests and the demo.

Each CLI stand-in is a module with ``main(argv, env) -> int`` that accepts only the
documented syntax of the real tool and keeps its state in a JSON file. ``install`` writes an
executable script of the tool's name into a directory, to put first on a PATH given to the
provider (never os.environ). Faults are set in the same JSON file under ``"faults"``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """#!{python}
import os, sys
sys.path.insert(0, {root!r})
from tests.standins.{module} import main
sys.exit(main(sys.argv[1:], os.environ, {state!r}))
"""


def install(bin_dir: Path, tool: str, module: str, state_file: Path) -> Path:
    """Write ``bin_dir/tool``, an executable that runs ``tests.standins.<module>.main``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / tool
    script.write_text(
        _SCRIPT.format(
            python=sys.executable, root=str(REPO_ROOT), module=module, state=str(state_file)
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def path_env(bin_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment whose PATH starts with ``bin_dir``; nothing else is inherited but
    what a subprocess needs to start (HOME is left unset on purpose)."""
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(extra or {})
    return env


class JsonState:
    """A stand-in's state file: read, change, write back, one call at a time."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        data: dict[str, Any] = json.loads(self.path.read_text())
        return data

    def save(self, data: Mapping[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
        tmp.replace(self.path)

    def update(self, **values: Any) -> None:
        data = self.load()
        data.update(values)
        self.save(data)


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def take_once(store: JsonState, verb: str) -> dict[str, Any] | None:
    """The one-shot fault ``faults.once`` when it is for ``verb`` (then it is used up):
    ``{"verb": "deploy", "hang": secs}`` sleeps, ``{"verb": ..., "fail": "message"}`` is
    what the tool answers instead; a test injects a fault into one call, not every one."""
    state = store.load()
    once = (state.get("faults") or {}).get("once")
    if not isinstance(once, dict) or once.get("verb") != verb:
        return None
    state["faults"].pop("once")
    store.save(state)
    return once


def apply_once(store: JsonState, verb: str) -> int | None:
    """Run the one-shot fault for ``verb``: sleep for ``hang``; print ``fail`` and return 1."""
    import time

    once = take_once(store, verb)
    if once is None:
        return None
    if once.get("hang"):
        time.sleep(float(once["hang"]))
    if once.get("fail"):
        return fail(str(once["fail"]))
    return None
