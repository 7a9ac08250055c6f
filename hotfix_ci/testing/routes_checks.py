"""Check runs and their annotations.

Endpoints as documented at https://docs.github.com/rest/checks/runs: ``output.annotations``
takes at most 50 entries per request and further requests append to them.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import Repo, Store

JSON = dict[str, Any]
RUN = r"{repo}/check-runs/(?P<run_id>\d+)"
MAX_ANNOTATIONS_PER_REQUEST = 50
LEVELS = ("notice", "warning", "failure")
CONCLUSIONS = (
    "success",
    "failure",
    "neutral",
    "cancelled",
    "skipped",
    "timed_out",
    "action_required",
)


def app_json(base: str, store: Store) -> JSON:
    """The GitHub Actions app, which owns check runs made with ``GITHUB_TOKEN``."""
    return {
        "id": 15368,
        "slug": "github-actions",
        "node_id": objects.node_id("A_", 15368),
        "owner": objects.user(base, store, "github"),
        "name": "GitHub Actions",
        "description": "Automate your workflow from idea to production",
        "external_url": "https://help.github.com/en/actions",
        "html_url": f"{base}/apps/github-actions",
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2019-12-10T19:04:12Z",
        "permissions": {"checks": "write", "metadata": "read"},
        "events": ["check_run"],
    }


def run_json(base: str, store: Store, repo: Repo, run: JSON) -> JSON:
    api = f"{base}/repos/{repo.full_name}"
    pulls = [
        {
            "id": item.id,
            "number": item.number,
            "url": f"{api}/pulls/{item.number}",
            "head": _minimal(api, repo, item.pull.head_ref, item.pull.head_sha),
            "base": _minimal(api, repo, item.pull.base_ref, item.pull.base_sha),
        }
        for item in repo.issues.values()
        if item.pull and item.state == "open" and item.pull.head_sha == run["head_sha"]
    ]
    output = dict(run["output"])
    output.update(
        annotations_count=len(run["annotations"]),
        annotations_url=f"{api}/check-runs/{run['id']}/annotations",
    )
    fields = ("id", "name", "head_sha", "status", "conclusion", "started_at", "completed_at")
    return {
        **{key: run[key] for key in fields},
        "node_id": objects.node_id("CR_", run["id"]),
        "external_id": run["external_id"],
        "url": f"{api}/check-runs/{run['id']}",
        "html_url": f"{base}/{repo.full_name}/runs/{run['id']}",
        "details_url": run["details_url"],
        "output": output,
        "check_suite": {"id": run["check_suite_id"]},
        "app": app_json(base, store),
        "pull_requests": pulls,
    }


def _minimal(api: str, repo: Repo, ref: str, sha: str) -> JSON:
    return {"ref": ref, "sha": sha, "repo": {"id": repo.id, "url": api, "name": repo.name}}


def _apply(store: Store, run: JSON, req: rest.Request) -> None:
    for key in ("name", "details_url", "external_id", "started_at"):
        if req.field(key) is not None:
            run[key] = req.text(key)
    status, conclusion = req.text("status"), req.text("conclusion")
    if status is not None and status not in ("queued", "in_progress", "completed"):
        raise rest.ApiError.invalid("status", "invalid", resource="CheckRun")
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise rest.ApiError.invalid("conclusion", "invalid", resource="CheckRun")
    if status == "completed" and conclusion is None and run["conclusion"] is None:
        raise rest.ApiError.invalid("conclusion", "missing_field", resource="CheckRun")
    if conclusion is not None:
        run.update(status="completed", conclusion=conclusion)
        run["completed_at"] = req.text("completed_at") or store.now()
    elif status is not None:
        run["status"] = status
    output = req.field("output")
    if output is None:
        return
    if not isinstance(output, dict) or not isinstance(output.get("summary", ""), str):
        raise rest.ApiError.invalid("output", "invalid", resource="CheckRun")
    annotations = output.get("annotations") or []
    if len(annotations) > MAX_ANNOTATIONS_PER_REQUEST:
        message = "Only 50 annotations are allowed per request"
        raise rest.ApiError.invalid("annotations", "too_many", resource="CheckRun", message=message)
    for key in ("title", "summary", "text"):
        if key in output:
            run["output"][key] = output[key]
    run["annotations"].extend(_annotation(a) for a in annotations)


def _annotation(given: Any) -> JSON:
    if not isinstance(given, dict) or given.get("annotation_level") not in LEVELS:
        raise rest.ApiError.invalid("annotations", "invalid", resource="CheckRun")
    for key in ("path", "message"):
        if not isinstance(given.get(key), str):
            raise rest.ApiError.invalid(f"annotations.{key}", "missing_field", resource="CheckRun")
    for key in ("start_line", "end_line"):
        if not isinstance(given.get(key), int):
            raise rest.ApiError.invalid(f"annotations.{key}", "missing_field", resource="CheckRun")
    return {
        "path": given["path"],
        "start_line": given["start_line"],
        "end_line": given["end_line"],
        "start_column": given.get("start_column"),
        "end_column": given.get("end_column"),
        "annotation_level": given["annotation_level"],
        "title": given.get("title"),
        "message": given["message"],
        "raw_details": given.get("raw_details"),
    }


@rest.route("POST", r"{repo}/check-runs", "checks=write")
def create_run(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    head_sha = req.text("head_sha", required=True) or ""
    if repo.resolve(head_sha) is None:
        raise rest.ApiError.invalid(
            "head_sha",
            "invalid",
            resource="CheckRun",
            message="No commit found for SHA: " + head_sha,
        )
    run: JSON = {
        "id": store.next_id(),
        "name": req.text("name", required=True),
        "head_sha": repo.resolve(head_sha),
        "status": "queued",
        "conclusion": None,
        "started_at": store.now(),
        "completed_at": None,
        "external_id": "",
        "details_url": None,
        "check_suite_id": store.next_id(),
        "output": {"title": None, "summary": None, "text": None},
        "annotations": [],
    }
    _apply(store, run, req)
    repo.check_runs[run["id"]] = run
    return rest.Response(201, run_json(req.base_url, store, repo, run))


def _run_of(store: Store, req: rest.Request) -> tuple[Repo, JSON]:
    repo = rest.repo_of(store, req)
    return repo, rest.found(repo.check_runs.get(int(req.params["run_id"])))


@rest.route("PATCH", RUN, "checks=write")
def update_run(store: Store, req: rest.Request) -> rest.Response:
    repo, run = _run_of(store, req)
    _apply(store, run, req)
    return rest.Response(200, run_json(req.base_url, store, repo, run))


@rest.route("GET", RUN, "checks=read")
def get_run(store: Store, req: rest.Request) -> rest.Response:
    repo, run = _run_of(store, req)
    return rest.Response(200, run_json(req.base_url, store, repo, run))


@rest.route("GET", RUN + "/annotations", "checks=read")
def list_annotations(store: Store, req: rest.Request) -> rest.Response:
    repo, run = _run_of(store, req)
    blob = f"{req.base_url}/{repo.full_name}/blob/{run['head_sha']}/"
    return rest.paginate(req, run["annotations"], lambda a: {**a, "blob_href": blob + a["path"]})


@rest.route("GET", r"{repo}/commits/(?P<ref>.+)/check-runs", "checks=read")
def list_for_ref(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    sha = repo.resolve(req.params["ref"])
    if sha is None:
        raise rest.ApiError(422, f"No commit found for SHA: {req.params['ref']}")
    name, status = req.query.get("check_name"), req.query.get("status")
    runs = [
        run
        for run in reversed(repo.check_runs.values())
        if run["head_sha"] == sha
        and (name is None or run["name"] == name)
        and (status is None or run["status"] == status)
    ]
    if req.query.get("filter", "latest") == "latest":
        newest: dict[str, JSON] = {}
        for run in runs:
            newest.setdefault(run["name"], run)
        runs = list(newest.values())
    return rest.paginate(
        req,
        runs,
        lambda run: run_json(req.base_url, store, repo, run),
        wrap=lambda page, total: {"total_count": total, "check_runs": page},
    )
