"""The repository, who may do what in it, the token's user and rate limit, and file contents.

Endpoints as documented at https://docs.github.com/rest/repos/repos,
https://docs.github.com/rest/collaborators/collaborators,
https://docs.github.com/rest/teams/members, https://docs.github.com/rest/users/users,
https://docs.github.com/rest/rate-limit/rate-limit and https://docs.github.com/rest/repos/contents
(PUT takes base64 content and answers 409 when ``sha`` is not the file's current blob sha).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import RATE_LIMIT, Repo, Store, blob_sha

JSON = dict[str, Any]
LEGACY_PERMISSION = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
}


@rest.route("GET", r"{repo}", "metadata=read")
def get_repo(store: Store, req: rest.Request) -> rest.Response:
    return rest.Response(200, objects.repository(req.base_url, store, rest.repo_of(store, req)))


@rest.route("GET", r"{repo}/collaborators/(?P<username>[^/]+)/permission", "metadata=read")
def collaborator_permission(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    login = req.params["username"]
    role = repo.permissions.get(login, "admin" if login == repo.owner else "none")
    user = objects.user(req.base_url, store, login)
    body = {
        "permission": LEGACY_PERMISSION.get(role, "none"),
        "role_name": role,
        "user": {**user, "role_name": role},
    }
    return rest.Response(200, body)


@rest.route(
    "GET",
    r"^/orgs/(?P<org>[^/]+)/teams/(?P<team>[^/]+)/memberships/(?P<username>[^/]+)",
    "members=read",
)
def team_membership(store: Store, req: rest.Request) -> rest.Response:
    key = (req.params["org"].lower(), req.params["team"].lower())
    if req.params["username"] not in store.teams.get(key, set()):
        raise rest.ApiError.not_found()
    url = f"{req.base_url}/teams/{req.params['team']}/memberships/{req.params['username']}"
    return rest.Response(200, {"url": url, "role": "member", "state": "active"})


@rest.route("GET", r"^/user")
def authenticated_user(store: Store, req: rest.Request) -> rest.Response:
    body = objects.user(req.base_url, store, store.login)
    body.update(
        {key: None for key in ("name", "company", "blog", "location", "email", "hireable", "bio")}
    )
    body.update(
        {key: 0 for key in ("public_repos", "public_gists", "followers", "following")},
        private_gists=0,
        total_private_repos=0,
        owned_private_repos=0,
        disk_usage=0,
        collaborators=0,
        two_factor_authentication=True,
        created_at="2020-01-01T00:00:00Z",
        updated_at="2020-01-01T00:00:00Z",
        user_view_type="private",
    )
    return rest.Response(200, body)


@rest.route("GET", r"^/rate_limit")
def rate_limit(store: Store, req: rest.Request) -> rest.Response:
    core = {
        "limit": RATE_LIMIT,
        "used": store.rate_used,
        "remaining": RATE_LIMIT - store.rate_used,
        "reset": store.rate_reset,
    }
    search = {"limit": 30, "used": 0, "remaining": 30, "reset": store.rate_reset}
    graphql = {"limit": RATE_LIMIT, "used": 0, "remaining": RATE_LIMIT, "reset": store.rate_reset}
    return rest.Response(
        200, {"resources": {"core": core, "search": search, "graphql": graphql}, "rate": core}
    )


def content_json(base: str, repo: Repo, path: str, text: str | None, ref: str) -> JSON:
    """A ``content-file`` (``text`` given) or a directory entry (``text`` None)."""
    api = f"{base}/repos/{repo.full_name}"
    data = (text or "").encode()
    sha = blob_sha(text) if text is not None else objects.node_id("tree", path)
    kind = "blob" if text is not None else "tree"
    body: JSON = {
        "type": "file" if text is not None else "dir",
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "size": len(data),
        "url": f"{api}/contents/{path}?ref={ref}",
        "git_url": f"{api}/git/{kind}s/{sha}",
        "html_url": f"{base}/{repo.full_name}/{kind}/{ref}/{path}",
        "download_url": f"{base}/{repo.full_name}/raw/{ref}/{path}" if text is not None else None,
    }
    body["_links"] = {"self": body["url"], "git": body["git_url"], "html": body["html_url"]}
    if text is not None:
        body.update(content=base64.encodebytes(data).decode(), encoding="base64")
    return body


@rest.route("GET", r"{repo}/contents/(?P<path>.+)", "contents=read")
def get_content(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    ref = req.query.get("ref", repo.default_branch)
    sha = repo.resolve(ref)
    if sha is None:
        raise rest.ApiError(404, f"No commit found for the ref {ref}")
    tree, path = repo.commits[sha].tree, req.params["path"].strip("/")
    if path in tree:
        return rest.Response(200, content_json(req.base_url, repo, path, tree[path], ref))
    children = sorted({p[len(path) + 1 :].split("/")[0] for p in tree if p.startswith(path + "/")})
    if not children:
        raise rest.ApiError.not_found()
    entries = []
    for name in children:
        child = f"{path}/{name}"
        entries.append(content_json(req.base_url, repo, child, tree.get(child), ref))
    return rest.Response(200, entries)


@rest.route("PUT", r"{repo}/contents/(?P<path>.+)", "contents=write")
def put_content(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    path = req.params["path"].strip("/")
    message = req.text("message", required=True) or ""
    try:
        text = base64.b64decode(req.text("content", required=True) or "", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise rest.ApiError.invalid(
            "content", "invalid", resource="Blob", message=str(exc)
        ) from exc
    branch = req.text("branch") or repo.default_branch
    tip = repo.branch_sha(branch)
    if tip is None:
        raise rest.ApiError(404, f"Branch {branch} not found")
    current = repo.commits[tip].tree.get(path)
    given = req.text("sha")
    if current is not None and given is None:
        raise rest.ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if current is not None and given != blob_sha(current):
        raise rest.ApiError(409, f"{path} does not match {given}")
    sha = store.commit(repo, branch, message, {path: text})
    commit = objects.git_commit(req.base_url, repo, repo.commits[sha])
    content = content_json(req.base_url, repo, path, text, branch)
    for key in ("content", "encoding"):
        content.pop(key)
    return rest.Response(201 if current is None else 200, {"content": content, "commit": commit})
