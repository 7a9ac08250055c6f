"""Builders of full GitHub JSON objects, as GitHub's OpenAPI description defines them.

Every URL uses the emulator's own base, so PyGithub can follow them. Schemas and examples:
https://github.com/github/rest-api-description (``api.github.com.json``, components/schemas).
"""

from __future__ import annotations

import base64
from typing import Any

from hotfix_ci.testing.state import Commit, Issue, IssueEvent, Repo, Store

JSON = dict[str, Any]
ACTIONS_BOT = "github-actions[bot]"
_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"{kind}{ident}".encode()).decode()


def user(base: str, store: Store, login: str) -> JSON:
    """A ``simple-user``; logins ending in ``[bot]`` are of type Bot, as on GitHub."""
    uid = 41898282 if login == ACTIONS_BOT else store.user_id(login)
    url = f"{base}/users/{login}"
    return {
        "login": login,
        "id": uid,
        "node_id": node_id("U_", uid),
        "avatar_url": f"{base}/avatars/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{base}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


def repository(base: str, store: Store, repo: Repo) -> JSON:
    """A ``full-repository`` (a superset of ``repository`` and ``minimal-repository``)."""
    api = f"{base}/repos/{repo.full_name}"
    html = f"{base}/{repo.full_name}"
    open_issues = sum(1 for issue in repo.issues.values() if issue.state == "open")
    body: JSON = {
        "id": repo.id,
        "node_id": node_id("R_", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(base, store, repo.owner),
        "private": False,
        "html_url": html,
        "description": None,
        "fork": False,
        "url": api,
        "clone_url": f"{html}.git",
        "git_url": f"{html}.git",
        "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "default_branch": repo.default_branch,
        "visibility": "public",
        "license": None,
        "topics": [],
        "archived": False,
        "disabled": False,
        "is_template": False,
        "created_at": repo.created_at,
        "updated_at": repo.created_at,
        "pushed_at": store.now(),
        "size": 1,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "network_count": 0,
        "subscribers_count": 0,
        "open_issues": open_issues,
        "open_issues_count": open_issues,
        "has_issues": True,
        "has_projects": True,
        "has_wiki": True,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "permissions": {
            "admin": True,
            "maintain": True,
            "push": True,
            "triage": True,
            "pull": True,
        },
    }
    body.update({key: api + suffix for key, suffix in _REPO_URLS.items()})
    return body


def label(base: str, repo: Repo, name: str) -> JSON:
    label_id = repo.labels[name]
    return {
        "id": label_id,
        "node_id": node_id("LA_", label_id),
        "url": f"{base}/repos/{repo.full_name}/labels/{name}",
        "name": name,
        # pull-request-simple types it as a string (GitHub itself sends null): "" fits all
        "description": "",
        "color": "ededed",
        "default": False,
    }


def issue(base: str, store: Store, repo: Repo, item: Issue) -> JSON:
    api = f"{base}/repos/{repo.full_name}/issues/{item.number}"
    body: JSON = {
        "id": item.id,
        "node_id": node_id("I_", item.id),
        "url": api,
        "repository_url": f"{base}/repos/{repo.full_name}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{base}/{repo.full_name}/issues/{item.number}",
        "number": item.number,
        "state": item.state,
        "state_reason": "completed" if item.state == "closed" else None,
        "title": item.title,
        "body": item.body,
        "user": user(base, store, item.user),
        "labels": [label(base, repo, name) for name in item.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": len(item.comment_ids),
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_by": None,
        "author_association": author_association(repo, item.user),
    }
    if item.pull is not None:
        pulls = f"{base}/repos/{repo.full_name}/pulls/{item.number}"
        body["pull_request"] = {
            "url": pulls,
            "html_url": f"{base}/{repo.full_name}/pull/{item.number}",
            "diff_url": f"{base}/{repo.full_name}/pull/{item.number}.diff",
            "patch_url": f"{base}/{repo.full_name}/pull/{item.number}.patch",
            "merged_at": item.pull.merged_at,
        }
    return body


def author_association(repo: Repo, login: str) -> str:
    if login == repo.owner:
        return "OWNER"
    return "COLLABORATOR" if login in repo.permissions else "CONTRIBUTOR"


def issue_event(base: str, store: Store, repo: Repo, event: IssueEvent) -> JSON:
    body: JSON = {
        "id": event.id,
        "node_id": node_id("LE_", event.id),
        "url": f"{base}/repos/{repo.full_name}/issues/events/{event.id}",
        "actor": user(base, store, event.actor),
        "event": event.event,
        "commit_id": event.commit_id,
        "commit_url": (
            f"{base}/repos/{repo.full_name}/commits/{event.commit_id}" if event.commit_id else None
        ),
        "created_at": event.created_at,
        "performed_via_github_app": None,
    }
    if event.label is not None:
        body["label"] = {"name": event.label, "color": "ededed"}
    body.update(event.extra)
    return body


def git_commit(base: str, repo: Repo, commit: Commit) -> JSON:
    """A ``git-commit`` (the object behind GET git/commits/{sha})."""
    api = f"{base}/repos/{repo.full_name}"
    person = {"name": commit.author, "email": f"{commit.author}@users.noreply.local"}
    return {
        "sha": commit.sha,
        "node_id": node_id("C_", commit.sha),
        "url": f"{api}/git/commits/{commit.sha}",
        "html_url": f"{base}/{repo.full_name}/commit/{commit.sha}",
        "author": {**person, "date": commit.date},
        "committer": {**person, "date": commit.date},
        "message": commit.message,
        "tree": {"sha": tree_sha(commit), "url": f"{api}/git/trees/{tree_sha(commit)}"},
        "parents": [
            {
                "sha": parent,
                "url": f"{api}/git/commits/{parent}",
                "html_url": f"{base}/{repo.full_name}/commit/{parent}",
            }
            for parent in commit.parents
        ],
        "verification": unsigned(),
    }


def commit_object(base: str, store: Store, repo: Repo, commit: Commit) -> JSON:
    """A ``commit`` (GET commits/{ref}, pulls/{n}/commits), without ``files``."""
    api = f"{base}/repos/{repo.full_name}"
    git = git_commit(base, repo, commit)
    inner = {key: git[key] for key in ("url", "author", "committer", "message", "tree")}
    inner.update(comment_count=0, verification=git["verification"])
    author = user(base, store, commit.author)
    return {
        "url": f"{api}/commits/{commit.sha}",
        "sha": commit.sha,
        "node_id": git["node_id"],
        "html_url": git["html_url"],
        "comments_url": f"{api}/commits/{commit.sha}/comments",
        "commit": inner,
        "author": author,
        "committer": author,
        "parents": [
            {
                "sha": p,
                "url": f"{api}/commits/{p}",
                "html_url": f"{base}/{repo.full_name}/commit/{p}",
            }
            for p in commit.parents
        ],
    }


def tree_sha(commit: Commit) -> str:
    # A stable stand-in for the tree id: the commit id reversed (never equal to a commit id).
    return commit.sha[::-1]


def unsigned() -> JSON:
    """The ``verification`` of a commit or tag nobody signed."""
    return {
        "verified": False,
        "reason": "unsigned",
        "signature": None,
        "payload": None,
        "verified_at": None,
    }
