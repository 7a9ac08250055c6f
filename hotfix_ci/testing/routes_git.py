"""Git data: commits, refs, annotated tags, the tag list and branches.

Endpoints as documented at https://docs.github.com/rest/git/refs,
https://docs.github.com/rest/git/tags, https://docs.github.com/rest/git/commits,
https://docs.github.com/rest/commits/commits and https://docs.github.com/rest/branches.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.routes_pulls import diff_entry, pull_json, tree_diff
from hotfix_ci.testing.state import Repo, Store, TagObject

JSON = dict[str, Any]
# commits/{ref} where ref may hold slashes, but not the check-runs or pulls sub-resources
COMMIT_REF = r"{repo}/commits/(?P<ref>(?:(?!/check-runs$|/pulls$).)+)"


def ref_json(base: str, repo: Repo, name: str) -> JSON:
    sha = repo.refs[name]
    api = f"{base}/repos/{repo.full_name}"
    kind = "tag" if sha in repo.tags else "commit"
    return {
        "ref": name,
        "node_id": objects.node_id("REF_", name),
        "url": f"{api}/git/{name}",
        "object": {"type": kind, "sha": sha, "url": f"{api}/git/{kind}s/{sha}"},
    }


def tag_json(base: str, repo: Repo, tag: TagObject) -> JSON:
    api = f"{base}/repos/{repo.full_name}"
    return {
        "sha": tag.sha,
        "node_id": objects.node_id("TAG_", tag.sha),
        "url": f"{api}/git/tags/{tag.sha}",
        "tag": tag.tag,
        "message": tag.message,
        "tagger": {
            "name": tag.tagger,
            "email": f"{tag.tagger}@users.noreply.local",
            "date": tag.date,
        },
        "object": {
            "type": tag.object_type,
            "sha": tag.object_sha,
            "url": f"{api}/git/{tag.object_type}s/{tag.object_sha}",
        },
        "verification": objects.unsigned(),
    }


def create_tag_object(
    store: Store,
    repo: Repo,
    tag: str,
    *,
    message: str,
    object_sha: str,
    tagger: str,
    date: str | None = None,
) -> TagObject:
    """With an explicit tagger ``date`` the object is content-addressed, as in git: the
    same tag, object, tagger, date and message give the same sha (no second object)."""
    if object_sha not in repo.commits:
        raise rest.ApiError.invalid(
            "object", "invalid", resource="Tag", message="Object does not exist"
        )
    if date:
        content = (
            f"object {object_sha}\ntype commit\ntag {tag}\ntagger {tagger} {date}\n\n{message}"
        )
        sha = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()
    else:
        sha = store.new_sha(tag)
    if sha in repo.tags:
        return repo.tags[sha]
    created = TagObject(sha, tag, message, object_sha, "commit", tagger, date or store.now())
    repo.tags[created.sha] = created
    return created


def create_ref(repo: Repo, name: str, sha: str) -> None:
    if not name.startswith("refs/") or name.count("/") < 2:
        raise rest.ApiError(422, f"{name} is not a valid ref name.")
    if name in repo.refs:
        raise rest.ApiError(422, "Reference already exists")
    if sha not in repo.commits and sha not in repo.tags:
        raise rest.ApiError(422, "Object does not exist")
    repo.refs[name] = sha


def _full_commit(base: str, store: Store, repo: Repo, sha: str) -> JSON:
    commit = repo.commits[sha]
    body = objects.commit_object(base, store, repo, commit)
    before = repo.commits[commit.parents[0]].tree if commit.parents else {}
    files = tree_diff(before, commit.tree)
    body["files"] = [diff_entry(base, repo, sha, f) for f in files]
    additions = sum(f["additions"] for f in files)
    deletions = sum(f["deletions"] for f in files)
    body["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
    return body


def _resolve(repo: Repo, ref: str) -> str:
    sha = repo.resolve(ref)
    if sha is None:
        raise rest.ApiError(422, f"No commit found for SHA: {ref}")
    return sha


@rest.route("GET", COMMIT_REF, "contents=read")
def get_commit(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    return rest.Response(
        200, _full_commit(req.base_url, store, repo, _resolve(repo, req.params["ref"]))
    )


@rest.route("GET", r"{repo}/commits/(?P<ref>.+)/pulls", "pull_requests=read", "contents=read")
def commit_pulls(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    sha = _resolve(repo, req.params["ref"])
    items = [repo.issues[n] for n in repo.commit_pulls.get(sha, [])]
    return rest.paginate(req, items, lambda i: pull_json(req.base_url, store, repo, i, full=False))


@rest.route("GET", r"{repo}/git/commits/(?P<sha>[0-9a-f]+)", "contents=read")
def get_git_commit(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    commit = rest.found(repo.commits.get(req.params["sha"]))
    return rest.Response(200, objects.git_commit(req.base_url, repo, commit))


@rest.route("GET", r"{repo}/tags", "contents=read")
def list_tags(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    names = [name for name in reversed(repo.refs) if name.startswith("refs/tags/")]
    api, html = f"{req.base_url}/repos/{repo.full_name}", f"{req.base_url}/{repo.full_name}"

    def render(name: str) -> JSON:
        tag, sha = name.removeprefix("refs/tags/"), repo.peel(repo.refs[name])
        return {
            "name": tag,
            "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
            "zipball_url": f"{html}/zipball/refs/tags/{tag}",
            "tarball_url": f"{html}/tarball/refs/tags/{tag}",
            "node_id": objects.node_id("REF_", name),
        }

    return rest.paginate(req, names, render)


@rest.route("GET", r"{repo}/git/ref/(?P<ref>.+)", "contents=read")
def get_ref(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    name = "refs/" + req.params["ref"]
    if name not in repo.refs:
        raise rest.ApiError.not_found()
    return rest.Response(200, ref_json(req.base_url, repo, name))


@rest.route("GET", r"{repo}/git/matching-refs/(?P<ref>.*)", "contents=read")
def matching_refs(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    prefix = "refs/" + req.params["ref"]
    names = sorted(name for name in repo.refs if name.startswith(prefix))
    return rest.paginate(req, names, lambda name: ref_json(req.base_url, repo, name))


@rest.route("POST", r"{repo}/git/refs", "contents=write")
def post_ref(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    name = req.text("ref", required=True) or ""
    create_ref(repo, name, req.text("sha", required=True) or "")
    return rest.Response(201, ref_json(req.base_url, repo, name))


@rest.route("PATCH", r"{repo}/git/refs/(?P<ref>.+)", "contents=write")
def update_ref(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    name = "refs/" + req.params["ref"]
    sha = req.text("sha", required=True) or ""
    if name not in repo.refs:
        raise rest.ApiError(422, "Reference does not exist")
    if sha not in repo.commits:
        raise rest.ApiError(422, "Object does not exist")
    if not req.field("force", False) and not repo.is_ancestor(repo.refs[name], sha):
        raise rest.ApiError(422, "Update is not a fast forward")
    repo.refs[name] = sha
    return rest.Response(200, ref_json(req.base_url, repo, name))


@rest.route("DELETE", r"{repo}/git/refs/(?P<ref>.+)", "contents=write")
def delete_ref(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    if repo.refs.pop("refs/" + req.params["ref"], None) is None:
        raise rest.ApiError(422, "Reference does not exist")
    return rest.Response(204, None)


@rest.route("POST", r"{repo}/git/tags", "contents=write")
def post_tag(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    tagger = req.field("tagger") or {}
    created = create_tag_object(
        store,
        repo,
        req.text("tag", required=True) or "",
        message=req.text("message", required=True) or "",
        object_sha=req.text("object", required=True) or "",
        tagger=tagger.get("name", store.login) if isinstance(tagger, dict) else store.login,
        date=str(tagger.get("date") or "") if isinstance(tagger, dict) else None,
    )
    return rest.Response(201, tag_json(req.base_url, repo, created))


@rest.route("GET", r"{repo}/git/tags/(?P<sha>[0-9a-f]+)", "contents=read")
def get_tag(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    tag = rest.found(repo.tags.get(req.params["sha"]))
    return rest.Response(200, tag_json(req.base_url, repo, tag))


# Any branch name, slashes included, except what routes_admin serves: {branch}/protection.
BRANCH = r"{repo}/branches/(?P<branch>(?![^/]+/protection$).+)"


@rest.route("GET", BRANCH, "contents=read")
def get_branch(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    branch = req.params["branch"]
    sha = repo.branch_sha(branch)
    if sha is None:
        raise rest.ApiError(404, "Branch not found")
    api = f"{req.base_url}/repos/{repo.full_name}/branches/{branch}"
    return rest.Response(
        200,
        {
            "name": branch,
            "commit": objects.commit_object(req.base_url, store, repo, repo.commits[sha]),
            "_links": {"html": f"{req.base_url}/{repo.full_name}/tree/{branch}", "self": api},
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{api}/protection",
        },
    )
