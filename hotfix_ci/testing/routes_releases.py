"""Releases: list (newest first), create, get by tag, update.

Endpoints as documented at https://docs.github.com/rest/releases/releases. Publishing a
release whose tag does not exist creates the tag at ``target_commitish``, as GitHub does.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import Repo, Store

JSON = dict[str, Any]


def release_json(base: str, store: Store, repo: Repo, release: JSON) -> JSON:
    api = f"{base}/repos/{repo.full_name}/releases/{release['id']}"
    html = f"{base}/{repo.full_name}"
    tag = release["tag_name"]
    fields = ("id", "tag_name", "target_commitish", "name", "body", "draft", "prerelease")
    return {
        **{key: release[key] for key in fields},
        "url": api,
        "html_url": f"{html}/releases/tag/{tag}",
        "assets_url": f"{api}/assets",
        "upload_url": f"{api}/assets{{?name,label}}",
        "tarball_url": f"{html}/tarball/{tag}",
        "zipball_url": f"{html}/zipball/{tag}",
        "node_id": objects.node_id("RE_", release["id"]),
        "author": objects.user(base, store, release["author"]),
        "created_at": release["created_at"],
        "published_at": None if release["draft"] else release["published_at"],
        "assets": [],
    }


def _publish_tag(repo: Repo, release: JSON) -> None:
    name = f"refs/tags/{release['tag_name']}"
    if release["draft"] or name in repo.refs:
        return
    sha = repo.resolve(release["target_commitish"])
    if sha is None:
        raise rest.ApiError.invalid("target_commitish", "invalid", resource="Release")
    repo.refs[name] = sha


@rest.route("GET", r"{repo}/releases", "contents=read")
def list_releases(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    releases = sorted(repo.releases.values(), key=lambda r: r["id"], reverse=True)
    return rest.paginate(req, releases, lambda r: release_json(req.base_url, store, repo, r))


@rest.route("POST", r"{repo}/releases", "contents=write")
def create_release(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    tag = req.text("tag_name", required=True) or ""
    if any(r["tag_name"] == tag for r in repo.releases.values()):
        raise rest.ApiError.invalid("tag_name", "already_exists", resource="Release")
    now = store.now()
    release: JSON = {
        "id": store.next_id(),
        "tag_name": tag,
        "target_commitish": req.text("target_commitish") or repo.default_branch,
        "name": req.text("name"),
        "body": req.text("body"),
        "draft": bool(req.field("draft", False)),
        "prerelease": bool(req.field("prerelease", False)),
        "author": store.login,
        "created_at": now,
        "published_at": now,
    }
    _publish_tag(repo, release)
    repo.releases[release["id"]] = release
    return rest.Response(201, release_json(req.base_url, store, repo, release))


@rest.route("GET", r"{repo}/releases/tags/(?P<tag>.+)", "contents=read")
def release_by_tag(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    for release in repo.releases.values():
        if release["tag_name"] == req.params["tag"]:
            return rest.Response(200, release_json(req.base_url, store, repo, release))
    raise rest.ApiError.not_found()


def _release_of(store: Store, req: rest.Request) -> tuple[Repo, JSON]:
    repo = rest.repo_of(store, req)
    return repo, rest.numbered(repo.releases, req, "release_id")


@rest.route("GET", r"{repo}/releases/(?P<release_id>\d+)", "contents=read")
def get_release(store: Store, req: rest.Request) -> rest.Response:
    repo, release = _release_of(store, req)
    return rest.Response(200, release_json(req.base_url, store, repo, release))


@rest.route("PATCH", r"{repo}/releases/(?P<release_id>\d+)", "contents=write")
def update_release(store: Store, req: rest.Request) -> rest.Response:
    repo, release = _release_of(store, req)
    for key in ("tag_name", "target_commitish", "name", "body"):
        if req.field(key) is not None:
            release[key] = req.text(key)
    was_draft = release["draft"]
    for key in ("draft", "prerelease"):
        if req.field(key) is not None:
            release[key] = bool(req.field(key))
    if was_draft and not release["draft"]:
        release["published_at"] = store.now()
    _publish_tag(repo, release)
    return rest.Response(200, release_json(req.base_url, store, repo, release))
