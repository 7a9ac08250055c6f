"""Extracts of the platforms' published contracts (written by
scripts/extract_provider_contracts.py; each records its source and the sha256 it was read
from) and their loaders for the stand-ins."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text())
    return data
