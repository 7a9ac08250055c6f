"""Write the generated ``deploy`` part into hotfix_ci/config/hotfix.schema.json.

python scripts/build_config_schema.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hotfix_ci.config.deploy_schema import deploy_schema

SCHEMA = Path(__file__).resolve().parent.parent / "hotfix_ci" / "config" / "hotfix.schema.json"


def build(current: dict) -> dict:
    updated = dict(current)
    updated["properties"] = {**current["properties"], "deploy": deploy_schema()}
    return updated


def main() -> int:
    current = json.loads(SCHEMA.read_text(encoding="utf-8"))
    SCHEMA.write_text(
        json.dumps(build(current), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {SCHEMA}")
    # The generated validator follows the schema it was generated from.
    import build_config_validator

    return int(build_config_validator.main([]))


if __name__ == "__main__":
    sys.exit(main())
