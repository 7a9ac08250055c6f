"""Pull requests: get, list, create, update, changed files and commits.

Endpoints as documented at https://docs.github.com/rest/pulls/pulls; the files list stops at
3,000 entries like GitHub's ("Responses include a maximum of 3000 files"),
https://docs.github.com/rest/pulls/pulls#list-pull-requests-files
"""

from __future__ import annotations

import difflib
import hashlib
from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.routes_issues import add_label, new_issue, rename, set_state
from hotfix_ci.testing.state import Issue, PullData, Repo, Store

JSON = dict[str, Any]
PULL = r"{repo}/pulls/(?P<number>\d+)"
MAX_FILES = 3000
FILE_STATUSES = ("added", "removed", "modified", "renamed", "copied", "changed", "unchanged")


def normalize_files(files: list[JSON]) -> list[JSON]:
    """Check a changed-file list once, so serving 3,000 of them is only formatting."""
    result = []
    for entry in files:
        filename = entry.get("filename")
        status = entry.get("status", "modified")
        if not isinstance(filename, str) or status not in FILE_STATUSES:
            raise rest.ApiError(422, f"invalid changed-file entry {entry!r}")
        additions, deletions = int(entry.get("additions", 0)), int(entry.get("deletions", 0))
        digest = f"{filename}:{additions}:{deletions}".encode()
        item: JSON = {
            "sha": entry.get("sha") or hashlib.sha1(digest, usedforsecurity=False).hexdigest(),
            "filename": filename,
            "status": status,
            "additions": additions,
            "deletions": deletions,
            "changes": additions + deletions,
        }
        for optional in ("patch", "previous_filename"):
            if optional in entry:
                item[optional] = entry[optional]
        result.append(item)
    return result


def tree_diff(old: dict[str, str], new: dict[str, str]) -> list[JSON]:
    """The changed files between two snapshots, counted line by line like a unified diff."""
    changes = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        old_lines = before.splitlines() if before is not None else []
        new_lines = after.splitlines() if after is not None else []
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        status = "added" if before is None else "removed" if after is None else "modified"
        changes.append(
            {
                "filename": path,
                "status": status,
                "additions": len(new_lines) - same,
                "deletions": len(old_lines) - same,
            }
        )
    return normalize_files(changes)


def pull_files(repo: Repo, pull: PullData) -> list[JSON]:
    if pull.files is not None:
        return pull.files
    return tree_diff(repo.commits[pull.base_sha].tree, repo.commits[pull.head_sha].tree)


def diff_entry(base: str, repo: Repo, head_sha: str, entry: JSON) -> JSON:
    name = entry["filename"]
    return {
        **entry,
        "blob_url": f"{base}/{repo.full_name}/blob/{head_sha}/{name}",
        "raw_url": f"{base}/{repo.full_name}/raw/{head_sha}/{name}",
        "contents_url": f"{base}/repos/{repo.full_name}/contents/{name}?ref={head_sha}",
    }


def pr_commits(repo: Repo, head_sha: str, base_sha: str) -> list[str]:
    """Commits reachable from head but not from base, oldest first."""
    excluded, pending = set(), [base_sha]
    while pending:
        sha = pending.pop()
        if sha not in excluded:
            excluded.add(sha)
            pending.extend(repo.commits[sha].parents)
    found, pending = [], [head_sha]
    while pending:
        sha = pending.pop()
        if sha not in excluded and sha not in found:
            found.append(sha)
            pending.extend(repo.commits[sha].parents)
    return found[::-1]


def open_pull(
    store: Store, repo: Repo, *, title: str, body: str | None, head: str, base: str, author: str
) -> Issue:
    head_sha, base_sha = repo.branch_sha(head), repo.branch_sha(base)
    if base_sha is None:
        raise rest.ApiError.invalid("base", "invalid", resource="PullRequest")
    if head_sha is None:
        raise rest.ApiError.invalid("head", "invalid", resource="PullRequest")
    for other in repo.issues.values():
        if other.pull and other.state == "open" and other.pull.head_ref == head:
            message = f"A pull request already exists for {repo.owner}:{head}."
            raise rest.ApiError.invalid("head", "custom", resource="PullRequest", message=message)
    commits = pr_commits(repo, head_sha, base_sha)
    if not commits:
        # GitHub's answer names no field: {"resource": "PullRequest", "code": "custom",
        # "message": "No commits between main and topic"}.
        message = f"No commits between {base} and {head}"
        error = {"resource": "PullRequest", "code": "custom", "message": message}
        raise rest.ApiError(422, "Validation Failed", errors=[error])
    item = new_issue(store, repo, title=title, body=body, author=author)
    item.pull = PullData(head, head_sha, base, base_sha, commits, None)
    for sha in commits:
        repo.commit_pulls.setdefault(sha, []).append(item.number)
    return item


def pull_json(base: str, store: Store, repo: Repo, item: Issue, *, full: bool = True) -> JSON:
    pull = item.pull
    assert pull is not None  # callers pass pull requests only
    api = f"{base}/repos/{repo.full_name}"
    url, html = f"{api}/pulls/{item.number}", f"{base}/{repo.full_name}/pull/{item.number}"
    repo_json = objects.repository(base, store, repo)
    owner = objects.user(base, store, repo.owner)
    base_sha = pull.base_sha if pull.merged_at else repo.branch_sha(pull.base_ref) or pull.base_sha
    issue = objects.issue(base, store, repo, item)
    links = {
        "self": url,
        "html": html,
        "issue": issue["url"],
        "comments": issue["comments_url"],
        "review_comments": f"{url}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{url}/commits",
        "statuses": f"{api}/statuses/{pull.head_sha}",
    }
    body: JSON = {
        **{k: issue[k] for k in ("id", "number", "state", "locked", "title", "user", "body")},
        **{k: issue[k] for k in ("labels", "milestone", "assignee", "assignees", "closed_at")},
        **{k: issue[k] for k in ("created_at", "updated_at", "author_association")},
        "url": url,
        "node_id": objects.node_id("PR_", item.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue["url"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": issue["comments_url"],
        "statuses_url": links["statuses"],
        "active_lock_reason": None,
        "merged_at": pull.merged_at,
        "merge_commit_sha": pull.merge_commit_sha,
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _side(repo, pull.head_ref, pull.head_sha, owner, repo_json),
        "base": _side(repo, pull.base_ref, base_sha, owner, repo_json),
        "_links": {name: {"href": href} for name, href in links.items()},
        "auto_merge": None,
        "draft": pull.draft,
    }
    if full:
        files = pull_files(repo, pull)
        open_now = item.state == "open"
        body.update(
            merged=pull.merged_at is not None,
            mergeable=True if open_now else None,
            rebaseable=True if open_now else None,
            mergeable_state="clean" if open_now else "unknown",
            merged_by=objects.user(base, store, pull.merged_by) if pull.merged_by else None,
            comments=len(item.comment_ids),
            review_comments=0,
            maintainer_can_modify=False,
            commits=len(pull.commits),
            additions=sum(f["additions"] for f in files),
            deletions=sum(f["deletions"] for f in files),
            changed_files=len(files),
        )
    return body


def _side(repo: Repo, ref: str, sha: str, owner: JSON, repo_json: JSON) -> JSON:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": owner,
        "repo": repo_json,
    }


def pull_of(store: Store, req: rest.Request) -> tuple[Repo, Issue, PullData]:
    repo = rest.repo_of(store, req)
    item = repo.issues.get(int(req.params["number"]))
    if item is None or item.pull is None:
        raise rest.ApiError.not_found()
    return repo, item, item.pull


@rest.route("GET", PULL, "pull_requests=read")
def get_pull(store: Store, req: rest.Request) -> rest.Response:
    repo, item, _ = pull_of(store, req)
    return rest.Response(200, pull_json(req.base_url, store, repo, item))


@rest.route("GET", r"{repo}/pulls", "pull_requests=read")
def list_pulls(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    state, head, base = req.query.get("state", "open"), req.query.get("head"), req.query.get("base")
    found = [
        item
        for item in reversed(repo.issues.values())
        if item.pull is not None
        and state in ("all", item.state)
        and (head is None or head in (f"{repo.owner}:{item.pull.head_ref}", item.pull.head_ref))
        and (base is None or base == item.pull.base_ref)
    ]
    return rest.paginate(req, found, lambda i: pull_json(req.base_url, store, repo, i, full=False))


@rest.route("POST", r"{repo}/pulls", "pull_requests=write")
def create_pull(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    head = (req.text("head", required=True) or "").split(":")[-1]
    item = open_pull(
        store,
        repo,
        title=req.text("title", required=True) or "",
        body=req.text("body"),
        head=head,
        base=req.text("base", required=True) or "",
        author=store.login,
    )
    assert item.pull is not None
    item.pull.draft = bool(req.field("draft", False))
    return rest.Response(201, pull_json(req.base_url, store, repo, item))


@rest.route("PATCH", PULL, "pull_requests=write")
def update_pull(store: Store, req: rest.Request) -> rest.Response:
    repo, item, pull = pull_of(store, req)
    if (title := req.text("title")) is not None:
        rename(store, item, title, store.login)
    if req.field("body") is not None:
        item.body = req.text("body")
    if (state := req.text("state")) is not None:
        if pull.merged_at is not None:
            raise rest.ApiError.invalid("state", "invalid", resource="PullRequest")
        set_state(store, item, state, store.login)
    if (base := req.text("base")) is not None:
        if repo.branch_sha(base) is None:
            raise rest.ApiError.invalid("base", "invalid", resource="PullRequest")
        pull.base_ref = base
    item.updated_at = store.now()
    return rest.Response(200, pull_json(req.base_url, store, repo, item))


@rest.route("GET", PULL + "/files", "pull_requests=read")
def list_files(store: Store, req: rest.Request) -> rest.Response:
    repo, _, pull = pull_of(store, req)
    files = pull_files(repo, pull)
    render = diff_entry
    return rest.paginate(
        req, files, lambda f: render(req.base_url, repo, pull.head_sha, f), cap=MAX_FILES
    )


@rest.route("GET", PULL + "/commits", "pull_requests=read")
def list_commits(store: Store, req: rest.Request) -> rest.Response:
    repo, _, pull = pull_of(store, req)
    return rest.paginate(
        req,
        pull.commits,
        lambda sha: objects.commit_object(req.base_url, store, repo, repo.commits[sha]),
        cap=250,
    )


def label_all(store: Store, repo: Repo, item: Issue, labels: list[str], actor: str) -> None:
    for name in labels:
        add_label(store, repo, item, name, actor)
