"""Issues, labels with their ``labeled``/``unlabeled`` events, and issue comments.

Endpoints as documented at https://docs.github.com/rest/issues/issues,
https://docs.github.com/rest/issues/labels, https://docs.github.com/rest/issues/events and
https://docs.github.com/rest/issues/comments. Pull requests share the issue number space.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.state import Comment, Issue, IssueEvent, Repo, Store

ISSUE = r"{repo}/issues/(?P<number>\d+)"
# GitHub refuses a comment body over 65,536 characters with this 422.
MAX_COMMENT_CHARS = 65536
READ = ("issues=read", "pull_requests=read")
WRITE = ("issues=write", "pull_requests=write")


def new_issue(store: Store, repo: Repo, *, title: str, body: str | None, author: str) -> Issue:
    now = store.now()
    item = Issue(repo.next_number, store.next_id(), title, body, author, now, now)
    repo.issues[item.number] = item
    repo.next_number += 1
    return item


def record(store: Store, item: Issue, event: str, actor: str, **fields: Any) -> IssueEvent:
    created = IssueEvent(store.next_id(), event, actor, store.now(), **fields)
    item.events.append(created)
    item.updated_at = created.created_at
    return created


def add_label(store: Store, repo: Repo, item: Issue, name: str, actor: str) -> None:
    """Attach ``name`` (created on first use, like GitHub's add-labels) and log the event."""
    if name not in repo.labels:
        repo.labels[name] = store.next_id()
    if name not in item.labels:
        item.labels.append(name)
        record(store, item, "labeled", actor, label=name)


def remove_label(store: Store, item: Issue, name: str, actor: str) -> bool:
    if name not in item.labels:
        return False
    item.labels.remove(name)
    record(store, item, "unlabeled", actor, label=name)
    return True


def set_state(store: Store, item: Issue, state: str, actor: str) -> None:
    if state not in ("open", "closed"):
        raise rest.ApiError.invalid("state", "invalid")
    if state != item.state:
        item.state = state
        item.closed_at = store.now() if state == "closed" else None
        record(store, item, "closed" if state == "closed" else "reopened", actor)


def rename(store: Store, item: Issue, title: str, actor: str) -> None:
    if title != item.title:
        record(store, item, "renamed", actor, extra={"rename": {"from": item.title, "to": title}})
        item.title = title


def comment_json(base: str, store: Store, repo: Repo, comment: Comment) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}"
    kind = "pull" if repo.issues[comment.issue_number].pull else "issues"
    return {
        "id": comment.id,
        "node_id": objects.node_id("IC_", comment.id),
        "url": f"{api}/issues/comments/{comment.id}",
        "html_url": f"{base}/{repo.full_name}/{kind}/{comment.issue_number}"
        f"#issuecomment-{comment.id}",
        "issue_url": f"{api}/issues/{comment.issue_number}",
        "body": comment.body,
        "user": objects.user(base, store, comment.user),
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "author_association": objects.author_association(repo, comment.user),
        "performed_via_github_app": None,
    }


def issue_of(store: Store, req: rest.Request) -> tuple[Repo, Issue]:
    repo = rest.repo_of(store, req)
    return repo, rest.numbered(repo.issues, req, "number")


def _labels_in(req: rest.Request) -> list[str]:
    names = req.body.get("labels") if isinstance(req.body, dict) else req.body
    if not isinstance(names, list):
        raise rest.ApiError.invalid("labels", "invalid", resource="Label")
    result = []
    for given in names:  # GitHub takes names or {"name": ...} objects
        name = given.get("name") if isinstance(given, dict) else given
        if not isinstance(name, str) or not name:
            raise rest.ApiError.invalid("labels", "invalid", resource="Label")
        result.append(name)
    return result


@rest.route("GET", ISSUE, *READ)
def get_issue(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    return rest.Response(200, objects.issue(req.base_url, store, repo, item))


@rest.route("GET", r"{repo}/issues", "issues=read")
def list_issues(store: Store, req: rest.Request) -> rest.Response:
    """issues/list-for-repo: issues and pull requests, filtered by ``state`` (default open),
    ``labels`` (comma-separated, all of them), ``creator`` and ``since`` (updated at or
    after), ordered by ``sort`` (created, updated; default created) and ``direction``
    (default desc), as documented."""
    repo = rest.repo_of(store, req)
    state = req.query.get("state", "open")
    labels = [name for name in req.query.get("labels", "").split(",") if name]
    since = req.query.get("since", "")
    creator = req.query.get("creator")
    sort = "updated_at" if req.query.get("sort") == "updated" else "created_at"
    found = [
        i
        for i in repo.issues.values()
        if state in ("all", i.state)
        and all(name in i.labels for name in labels)
        and (not since or i.updated_at >= since)
        and creator in (None, i.user)
    ]
    found.sort(
        key=lambda i: (getattr(i, sort), i.number), reverse=req.query.get("direction") != "asc"
    )
    return rest.paginate(req, found, lambda i: objects.issue(req.base_url, store, repo, i))


@rest.route("POST", r"{repo}/issues", "issues=write")
def create_issue(store: Store, req: rest.Request) -> rest.Response:
    repo = rest.repo_of(store, req)
    title = req.text("title", required=True) or ""
    item = new_issue(store, repo, title=title, body=req.text("body"), author=store.login)
    for name in _labels_in(req) if req.field("labels") else []:
        add_label(store, repo, item, name, store.login)
    return rest.Response(201, objects.issue(req.base_url, store, repo, item))


@rest.route("PATCH", ISSUE, *WRITE)
def update_issue(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    if (title := req.text("title")) is not None:
        rename(store, item, title, store.login)
    if req.field("body") is not None:
        item.body = req.text("body")
    if (state := req.text("state")) is not None:
        set_state(store, item, state, store.login)
    if req.field("labels") is not None:
        wanted = _labels_in(req)
        for name in [n for n in item.labels if n not in wanted]:
            remove_label(store, item, name, store.login)
        for name in wanted:
            add_label(store, repo, item, name, store.login)
    item.updated_at = store.now()
    return rest.Response(200, objects.issue(req.base_url, store, repo, item))


@rest.route("GET", ISSUE + "/labels", *READ)
def list_labels(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    return rest.paginate(req, item.labels, lambda name: objects.label(req.base_url, repo, name))


@rest.route("POST", ISSUE + "/labels", *WRITE)
def add_labels(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    for name in _labels_in(req):
        add_label(store, repo, item, name, store.login)
    return rest.Response(200, [objects.label(req.base_url, repo, name) for name in item.labels])


@rest.route("DELETE", ISSUE + "/labels/(?P<name>[^/]+)", *WRITE)
def delete_label(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    if not remove_label(store, item, req.params["name"], store.login):
        raise rest.ApiError(404, "Label does not exist")
    return rest.Response(200, [objects.label(req.base_url, repo, name) for name in item.labels])


@rest.route("GET", ISSUE + "/events", *READ)
def list_events(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    return rest.paginate(
        req, item.events, lambda event: objects.issue_event(req.base_url, store, repo, event)
    )


@rest.route("GET", ISSUE + "/comments", *READ)
def list_comments(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    comments = [repo.comments[cid] for cid in item.comment_ids]
    return rest.paginate(req, comments, lambda c: comment_json(req.base_url, store, repo, c))


@rest.route("POST", ISSUE + "/comments", *WRITE)
def create_comment(store: Store, req: rest.Request) -> rest.Response:
    repo, item = issue_of(store, req)
    comment = add_comment(store, repo, item, _comment_body(req), None)
    return rest.Response(201, comment_json(req.base_url, store, repo, comment))


def add_comment(store: Store, repo: Repo, item: Issue, text: str, author: str | None) -> Comment:
    now = store.now()
    comment = Comment(store.next_id(), item.number, author or store.login, text, now, now)
    repo.comments[comment.id] = comment
    item.comment_ids.append(comment.id)
    item.updated_at = now
    return comment


def _comment_body(req: rest.Request) -> str:
    text = req.text("body", required=True) or ""
    if len(text) > MAX_COMMENT_CHARS:
        raise rest.ApiError.invalid(
            "data",
            "unprocessable",
            resource="IssueComment",
            message=f"Body is too long (maximum is {MAX_COMMENT_CHARS} characters)",
        )
    return text


def _comment_of(store: Store, req: rest.Request) -> tuple[Repo, Comment]:
    repo = rest.repo_of(store, req)
    return repo, rest.numbered(repo.comments, req, "comment_id")


@rest.route("PATCH", r"{repo}/issues/comments/(?P<comment_id>\d+)", *WRITE)
def update_comment(store: Store, req: rest.Request) -> rest.Response:
    repo, comment = _comment_of(store, req)
    comment.body = _comment_body(req)
    comment.updated_at = store.now()
    return rest.Response(200, comment_json(req.base_url, store, repo, comment))


@rest.route("DELETE", r"{repo}/issues/comments/(?P<comment_id>\d+)", *WRITE)
def delete_comment(store: Store, req: rest.Request) -> rest.Response:
    repo, comment = _comment_of(store, req)
    del repo.comments[comment.id]
    repo.issues[comment.issue_number].comment_ids.remove(comment.id)
    return rest.Response(204, None)
