"""Pull-request reviews, new pushes to a pull request, and merging.

Endpoints: https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request and
https://docs.github.com/rest/pulls/pulls#merge-a-pull-request. A review keeps the commit it
was given on, so a push after an approval leaves that approval on an older commit, as on
GitHub.
"""

from __future__ import annotations

from typing import Any

from hotfix_ci.testing import objects
from hotfix_ci.testing import routes_base as rest
from hotfix_ci.testing.routes_issues import record
from hotfix_ci.testing.routes_pulls import PULL, pull_of
from hotfix_ci.testing.state import Issue, Repo, Review, Store

REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED")


def review_json(base: str, store: Store, repo: Repo, item: Issue, review: Review) -> dict[str, Any]:
    url = f"{base}/repos/{repo.full_name}/pulls/{item.number}"
    html = f"{base}/{repo.full_name}/pull/{item.number}#pullrequestreview-{review.id}"
    return {
        "id": review.id,
        "node_id": objects.node_id("PRR_", review.id),
        "user": objects.user(base, store, review.user),
        "body": review.body,
        "state": review.state,
        "html_url": html,
        "pull_request_url": url,
        "_links": {"html": {"href": html}, "pull_request": {"href": url}},
        "submitted_at": review.submitted_at,
        "commit_id": review.commit_id,
        "author_association": objects.author_association(repo, review.user),
    }


def add_review(
    store: Store, item: Issue, reviewer: str, *, state: str, commit_id: str | None, body: str = ""
) -> int:
    pull = item.pull
    assert pull is not None
    if state not in REVIEW_STATES:
        raise rest.ApiError.invalid("event", "invalid", resource="PullRequestReview")
    review = Review(store.next_id(), reviewer, state, body, commit_id or pull.head_sha, store.now())
    pull.reviews.append(review)
    return review.id


def dismiss_review(store: Store, item: Issue, review_id: int, message: str = "") -> None:
    assert item.pull is not None
    for review in item.pull.reviews:
        if review.id == review_id:
            previous, review.state = review.state, "DISMISSED"
            dismissed = {
                "state": previous.lower(),
                "review_id": review_id,
                "dismissal_message": message or None,
            }
            record(
                store, item, "review_dismissed", store.login, extra={"dismissed_review": dismissed}
            )
            return
    raise rest.ApiError.not_found()


def push(
    store: Store,
    repo: Repo,
    item: Issue,
    files: dict[str, str | None] | None = None,
    *,
    author: str | None = None,
) -> str:
    """A new head commit on the pull request's branch (GitHub's ``synchronize``)."""
    pull = item.pull
    assert pull is not None
    sha = store.commit(repo, pull.head_ref, "Update pull request", files, author=author)
    pull.head_sha = sha
    pull.commits.append(sha)
    repo.commit_pulls.setdefault(sha, []).append(item.number)
    item.updated_at = store.now()
    return sha


def merge(
    store: Store,
    repo: Repo,
    item: Issue,
    merged_by: str,
    message: str | None = None,
    *,
    sha: str | None = None,
) -> str:
    """A merge commit on the base branch whose tree takes the pull request's changes."""
    pull = item.pull
    assert pull is not None
    if item.state != "open":
        raise rest.ApiError(405, "Pull Request is not mergeable")
    base_tip = repo.branch_sha(pull.base_ref) or pull.base_sha
    head_tree = repo.commits[pull.head_sha].tree
    old_tree = repo.commits[pull.base_sha].tree
    changes: dict[str, str | None] = {
        path: head_tree.get(path)
        for path in old_tree.keys() | head_tree.keys()
        if old_tree.get(path) != head_tree.get(path)
    }
    title = message or f"Merge pull request #{item.number} from {repo.owner}/{pull.head_ref}"
    sha = store.commit(
        repo,
        pull.base_ref,
        title,
        changes,
        parents=[base_tip, pull.head_sha],
        author=merged_by,
        sha=sha,
    )
    pull.base_sha = base_tip
    pull.merged_at, pull.merged_by, pull.merge_commit_sha = store.now(), merged_by, sha
    item.state, item.closed_at = "closed", pull.merged_at
    repo.commit_pulls.setdefault(sha, []).append(item.number)
    record(store, item, "merged", merged_by, commit_id=sha)
    record(store, item, "closed", merged_by, commit_id=sha)
    return sha


@rest.route("GET", PULL + "/reviews", "pull_requests=read")
def list_reviews(store: Store, req: rest.Request) -> rest.Response:
    repo, item, pull = pull_of(store, req)
    return rest.paginate(
        req, pull.reviews, lambda r: review_json(req.base_url, store, repo, item, r)
    )


@rest.route("PUT", PULL + "/merge", "contents=write")
def merge_pull(store: Store, req: rest.Request) -> rest.Response:
    repo, item, pull = pull_of(store, req)
    expected = req.text("sha")
    if expected is not None and expected != pull.head_sha:
        raise rest.ApiError(409, "Head branch was modified. Review and try the merge again.")
    sha = merge(store, repo, item, store.login, req.text("commit_title"))
    return rest.Response(
        200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}
    )
