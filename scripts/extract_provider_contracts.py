"""Extract the parts of the platforms' published contracts the provider stand-ins hold to.

Reads the copies in ``../shared/contracts/`` (next to the repository; ``--shared DIR`` to
point elsewhere) and writes small JSON extracts into ``tests/standins/contracts/``, each
recording its source (repository, path, commit, date) and the sha256 of the file read:

- ``railway-graphql.json``: the introspection result of Railway's public GraphQL API cut
  down to the root fields the railway provider uses and the types they reach (objects
  other than those listed keep only the fields whose types stay in the extract).
- ``heroku-platform-api.json``: the Platform API hyper-schema links the heroku provider
  calls (href, method, request ``schema``, ``targetSchema``) and every definition they
  reference, transitively, at the same JSON pointers.
- ``render-api.json``: from the Go client generated from Render's OpenAPI description:
  the deploy status enum, the create-deploy body's JSON keys, the status codes each
  operation's response parser knows, and the autoDeploy enum.

    python scripts/extract_provider_contracts.py [--shared DIR] [--check]

``--check`` writes nothing and exits 1 when a committed extract differs (the test suite
runs the same comparison).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "contracts"
OUT = ROOT / "tests" / "standins" / "contracts"

SOURCES = {
    "railway": {
        "file": "railway-graphql-schema.json",
        "repository": "railwayapp/cli",
        "path": "src/gql/schema.json",
        "commit": "df3838bf",
        "date": "2026-08-21",
        "license": "MIT",
    },
    "heroku": {
        "file": "heroku-platform-api-schema.json",
        "repository": "heroku/platform-api",
        "path": "schema.json",
        "commit": "4f4f592c",
        "date": "2026-06-05",
    },
    "render": {
        "file": ["render-api-types_gen.go", "render-api-client_gen.go"],
        "repository": "render-oss/cli",
        "path": "pkg/client/types_gen.go, pkg/client/client_gen.go",
        "commit": "85c8c2c0",
        "date": "2026-08-21",
        "license": "Apache-2.0",
    },
}

RAILWAY_ROOTS = {
    "Query": ["deployment", "deployments"],
    "Mutation": [
        "deploymentRedeploy",
        "deploymentRollback",
        "serviceInstanceDeployV2",
        "serviceInstanceUpdate",
    ],
}
RAILWAY_OBJECTS = {"Deployment", "QueryDeploymentsConnection", "QueryDeploymentsConnectionEdge"}
RAILWAY_OBJECTS |= {"PageInfo"}

HEROKU_LINKS = {
    "release": ["Info", "List", "Rollback"],
    "build": ["Create", "Info", "List"],
    "formation": ["Batch Update"],
}

RENDER_OPERATIONS = {
    "CreateDeploy": "create a deploy",
    "ListDeploys": "list deploys",
    "RetrieveDeploy": "read a deploy",
    "RollbackDeploy": "roll back",
    "RetrieveService": "read the service",
}


def source_of(name: str, shared: Path) -> dict[str, Any]:
    meta = dict(SOURCES[name])
    files = meta.pop("file")
    names = files if isinstance(files, list) else [files]
    meta["sha256"] = {f: hashlib.sha256((shared / f).read_bytes()).hexdigest() for f in names}
    return meta


# -- railway ---------------------------------------------------------------------------
def _named(ref: dict[str, Any]) -> str:
    while ref.get("ofType"):
        ref = ref["ofType"]
    return str(ref["name"])


def railway(shared: Path) -> dict[str, Any]:
    raw = json.loads((shared / SOURCES["railway"]["file"]).read_text())
    schema = raw.get("data", raw)["__schema"]
    types = {t["name"]: t for t in schema["types"]}
    objects = {*RAILWAY_OBJECTS, *RAILWAY_ROOTS}
    keep: set[str] = set()

    def reach(name: str) -> None:
        kind = types[name]["kind"]
        if name in keep or (kind in ("OBJECT", "INTERFACE", "UNION") and name not in objects):
            return
        keep.add(name)
        t = types[name]
        for f in t.get("inputFields") or []:
            reach(_named(f["type"]))
        roots = RAILWAY_ROOTS.get(name)
        for f in t.get("fields") or []:
            if roots is not None and f["name"] not in roots:
                continue
            reach(_named(f["type"]))
            for a in f.get("args") or []:
                reach(_named(a["type"]))

    for name in objects:
        reach(name)
    out = []
    for name in sorted(keep):
        t = dict(types[name])
        if t.get("fields") is not None:
            roots = RAILWAY_ROOTS.get(name)
            t["fields"] = [
                f
                for f in t["fields"]
                if (roots is None or f["name"] in roots) and _named(f["type"]) in keep
            ]
        if t.get("interfaces"):
            t["interfaces"] = [i for i in t["interfaces"] if i["name"] in keep]
        out.append(t)
    builtin = {"Boolean", "String", "Int", "Float", "ID"}
    for name in sorted(builtin - keep):
        out.append(types[name])
    extract = {
        "queryType": {"name": "Query"},
        "mutationType": {"name": "Mutation"},
        "subscriptionType": None,
        "types": out,
        "directives": [
            d
            for d in schema.get("directives", [])
            if d["name"] in ("skip", "include", "deprecated")
        ],
    }
    return {"source": source_of("railway", shared), "data": {"__schema": extract}}


# -- heroku ----------------------------------------------------------------------------
def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _pointer(doc: Any, ref: str) -> Any:
    for part in ref.removeprefix("#/").split("/"):
        doc = doc[part]
    return doc


def heroku(shared: Path) -> dict[str, Any]:
    doc = json.loads((shared / SOURCES["heroku"]["file"]).read_text())
    links = []
    for resource, titles in HEROKU_LINKS.items():
        for link in doc["definitions"][resource]["links"]:
            if link["title"] in titles:
                links.append({"resource": resource, **link})
    definitions: dict[str, Any] = {}
    pending = [f"#/definitions/{r}" for r in HEROKU_LINKS]
    pending += [r for link in links for r in _refs(link)]
    pending += [ref for link in links for ref in re.findall(r"\{\((.*?)\)\}", link["href"])]
    seen: set[str] = set()
    while pending:
        ref = pending.pop().replace("%23", "#").replace("%2F", "/")
        resource, *rest = ref.removeprefix("#/definitions/").split("/")
        if resource not in doc["definitions"]:
            # A dangling $ref in the published schema (e.g. dyno_size for dyno-size): an
            # empty schema at that pointer, so validation accepts what Heroku sends there.
            missing = definitions.setdefault(
                resource, {"$comment": "dangling $ref in the published schema", "definitions": {}}
            )
            if rest[:1] == ["definitions"] and len(rest) > 1:
                missing["definitions"][rest[1]] = {}
            continue
        if resource in seen:
            continue
        seen.add(resource)
        body = dict(doc["definitions"][resource])
        body.pop("links", None)  # only the links above are kept
        definitions[resource] = body
        pending += list(_refs(body))
    return {
        "source": source_of("heroku", shared),
        "links": links,
        "definitions": dict(sorted(definitions.items())),
    }


# -- render ----------------------------------------------------------------------------
def _enum(types_go: str, name: str) -> list[str]:
    return sorted(re.findall(rf"^\t{name}\w* +{name} = \"([^\"]+)\"", types_go, re.MULTILINE))


def render(shared: Path) -> dict[str, Any]:
    types_go = (shared / "render-api-types_gen.go").read_text()
    client_go = (shared / "render-api-client_gen.go").read_text()
    body = re.search(r"^type CreateDeployJSONBody struct \{\n(.*?)^\}", types_go, re.S | re.M)
    assert body, "CreateDeployJSONBody not found"
    deploy = re.search(r"^type Deploy struct \{\n(.*?)^\}\n", types_go, re.S | re.M)
    assert deploy, "Deploy not found"
    responses = {}
    for operation in RENDER_OPERATIONS:
        parser = re.search(rf"^func Parse{operation}Response\(.*?^\}}", client_go, re.S | re.M)
        assert parser, f"Parse{operation}Response not found"
        codes = sorted({int(c) for c in re.findall(r"rsp\.StatusCode == (\d+)", parser.group(0))})
        responses[operation] = codes
    top_level = re.findall(r'^\t\w+ +[^\n]*`json:"(\w+)', deploy.group(1), re.M)
    return {
        "source": source_of("render", shared),
        "deploy_status": _enum(types_go, "DeployStatus"),
        "auto_deploy": _enum(types_go, "AutoDeploy"),
        "create_deploy_body": sorted(re.findall(r'`json:"(\w+)', body.group(1))),
        "deploy_fields": sorted(set(top_level)),
        "responses": responses,
    }


EXTRACTS = {
    "railway-graphql.json": railway,
    "heroku-platform-api.json": heroku,
    "render-api.json": render,
}


def render_all(shared: Path) -> dict[str, str]:
    """File name -> the text the script writes for it."""
    return {
        name: json.dumps(build(shared), indent=1, sort_keys=True) + "\n"
        for name, build in EXTRACTS.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    texts = render_all(args.shared)
    stale = [n for n, t in texts.items() if not (OUT / n).is_file() or (OUT / n).read_text() != t]
    if args.check:
        for name in stale:
            print(f"{OUT / name} is out of date: run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
