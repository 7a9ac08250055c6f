"""The committed contract extracts are what scripts/extract_provider_contracts.py writes
from the platforms' published files in ../shared/contracts (present in CI)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT / ".." / "shared" / "contracts"
EXTRACTS = ROOT / "tests" / "standins" / "contracts"


def _script() -> ModuleType:
    path = ROOT / "scripts" / "extract_provider_contracts.py"
    spec = importlib.util.spec_from_file_location("extract_provider_contracts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shared() -> Path:
    if SHARED.is_dir():
        return SHARED
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"):
        pytest.fail(f"{SHARED} is missing: CI must check the extracts against it")
    pytest.skip(f"{SHARED} is not here: the published contracts are checked in CI")


def test_committed_extracts_are_what_the_script_writes() -> None:
    texts = _script().render_all(_shared())
    assert sorted(texts) == sorted(p.name for p in EXTRACTS.glob("*.json"))
    for name, text in texts.items():
        assert (EXTRACTS / name).read_text() == text, (
            f"{name} is out of date: run python scripts/extract_provider_contracts.py"
        )


def test_each_extract_records_its_source_and_the_sha256_it_was_read_from() -> None:
    shared = _shared()
    for path in EXTRACTS.glob("*.json"):
        source = json.loads(path.read_text())["source"]
        assert source["repository"] and source["commit"] and source["path"]
        for name, digest in source["sha256"].items():
            assert hashlib.sha256((shared / name).read_bytes()).hexdigest() == digest
