"""The GitHub calls ``hotfix-ci release`` makes, as functions over a :class:`GitHubClient`.

Each call runs inside ``client.call(operation, permission)``, so a failure becomes a
:class:`GitHubAPIError` (exit 4) naming what was being done and the permission it needs.
Single requests go through PyGithub's requester (bounded retries, request counting);
lists follow GitHub's ``Link: rel="next"`` pages. Endpoints, as documented:

- commits -> associated pulls: https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit
- pull commits: https://docs.github.com/rest/pulls/pulls#list-commits-on-a-pull-request
- tags with their commits: https://docs.github.com/rest/repos/repos#list-repository-tags
- refs: https://docs.github.com/rest/git/refs (get, create; 422 "Reference already exists"; delete)
- annotated tag objects: https://docs.github.com/rest/git/tags#create-a-tag-object
- releases: https://docs.github.com/rest/releases/releases (get by tag, create, update)
- contents: https://docs.github.com/rest/repos/contents (PUT needs the blob ``sha``; 409 when stale)
- issues: https://docs.github.com/rest/issues/issues (list for a repository, create)
- pulls: https://docs.github.com/rest/pulls/pulls (list with ``head``, create)
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from github import GithubException

from hotfix_ci.errors import (
    BranchMissing,
    ContentChanged,
    GitHubAPIError,
    NothingToMerge,
    RefAlreadyExists,
)
from hotfix_ci.github_api.client import GitHubClient, pull_from_raw
from hotfix_ci.github_api.rest import error_message, get_or_none, pages, repo_url, request
from hotfix_ci.github_api.writes import write_once
from hotfix_ci.model import PullRequest

CONTENTS = "contents: write"
_TAKEN_HINT = (
    "another run or a person created it at a different commit: re-run the job (a release "
    "picks the next free version), or delete the ref if it was made by mistake"
)


@dataclass(frozen=True, kw_only=True)
class CommitPull:
    pull: PullRequest
    head_repo: str | None  # OWNER/NAME the head branch lives in (a fork's, or ours)


@dataclass(frozen=True, kw_only=True)
class TagInfo:
    name: str
    commit_sha: str  # the commit the tag points at (annotated tags peeled)


@dataclass(frozen=True, kw_only=True)
class FileAtRef:
    text: str
    sha: str  # the blob sha the contents API wants back on update


@dataclass(frozen=True, kw_only=True)
class ReleaseInfo:
    id: int
    body: str
    html_url: str


def pulls_for_commit(client: GitHubClient, sha: str) -> list[CommitPull]:
    """Pull requests GitHub associates with ``sha``; ``merged`` is read from ``merged_at``."""
    found = []
    with client.call(f"listing the pull requests of commit {sha[:12]}", "pull-requests: read"):
        for raw in pages(client, repo_url(client, f"commits/{sha}/pulls"), {}):
            pull = replace(pull_from_raw(raw), merged=bool(raw.get("merged_at")))
            head_repo = ((raw.get("head") or {}).get("repo") or {}).get("full_name")
            found.append(CommitPull(pull=pull, head_repo=str(head_repo) if head_repo else None))
    return found


def merged_by(client: GitHubClient, number: int) -> str | None:
    """Who merged the pull request (only the full pull request carries it)."""
    with client.call(f"reading pull request #{number}", "pull-requests: read"):
        raw = request(client, "GET", repo_url(client, f"pulls/{number}"))
    user = raw.get("merged_by") or {}
    return str(user["login"]) if user.get("login") else None


def pull_commits(client: GitHubClient, number: int) -> list[tuple[str, str]]:
    """``(sha, message)`` of the pull request's commits, oldest first (GitHub caps at 250)."""
    with client.call(f"listing the commits of pull request #{number}", "pull-requests: read"):
        url = repo_url(client, f"pulls/{number}/commits")
        return [(str(c["sha"]), str(c["commit"]["message"])) for c in pages(client, url, {})]


def list_tags(client: GitHubClient) -> list[TagInfo]:
    """Every tag with the commit it points at: one listing answers both "which versions
    exist" and "is this commit tagged already", without a request per annotated tag."""
    with client.call("listing the repository's tags", "contents: read"):
        return [
            TagInfo(name=str(t["name"]), commit_sha=str(t["commit"]["sha"]))
            for t in pages(client, repo_url(client, "tags"), {})
        ]


def tag_commit(client: GitHubClient, tag: str) -> str | None:
    """The commit ``refs/tags/<tag>`` points at (peeling an annotated tag), None if absent."""
    with client.call(f"reading the tag {tag}", "contents: read"):
        ref = get_or_none(client, repo_url(client, f"git/ref/tags/{quote(tag)}"))
        if ref is None:
            return None
        target = ref["object"]
        if target["type"] == "tag":
            target = request(client, "GET", repo_url(client, f"git/tags/{target['sha']}"))
            target = target["object"]
        return str(target["sha"])


def create_ref(client: GitHubClient, ref: str, sha: str) -> None:
    """Create ``ref`` (``refs/tags/x``, ``refs/heads/y``); :class:`RefAlreadyExists` if taken."""
    attempt = 0

    def post() -> bool:
        nonlocal attempt
        attempt += 1
        with client.call(f"creating {ref}", CONTENTS):
            try:
                body = {"ref": ref, "sha": sha}
                request(client, "POST", repo_url(client, "git/refs"), input=body)
            except GithubException as exc:
                if exc.status == 422 and "already exists" in error_message(exc).lower():
                    if attempt > 1 and _ref_target(client, ref) == sha:
                        return True  # our own earlier attempt landed
                    raise RefAlreadyExists(
                        f"{ref} already exists", hint=_TAKEN_HINT, status=422
                    ) from exc
                raise
        return True

    def lookup() -> bool | None:
        return True if _ref_target(client, ref) == sha else None

    write_once(post, lookup)


def _ref_target(client: GitHubClient, ref: str) -> str | None:
    """The object ``ref`` points at (not peeled), None if absent."""
    with client.call(f"reading {ref}", "contents: read"):
        data = get_or_none(client, repo_url(client, f"git/ref/{quote(ref.removeprefix('refs/'))}"))
    return str(data["object"]["sha"]) if data else None


# The tagger of every tag object hotfix-ci creates, with the merge commit's date: the same
# release always gives byte-identical content, so git (content-addressed) gives the same
# object on a resend or a re-run, never a second, dangling one.
TAGGER = {
    "name": "github-actions[bot]",
    "email": "41898282+github-actions[bot]@users.noreply.github.com",
}


def commit_date(client: GitHubClient, sha: str) -> str | None:
    with client.call(f"reading the commit {sha[:7]}", "contents: read"):
        data = get_or_none(client, repo_url(client, f"git/commits/{sha}"))
    committer = data.get("committer") if isinstance(data, dict) else None
    return str(committer["date"]) if isinstance(committer, dict) and committer.get("date") else None


def create_annotated_tag(client: GitHubClient, tag: str, message: str, sha: str) -> None:
    """The tag object, then ``refs/tags/<tag>`` pointing at it (the API needs both).

    The ref is looked up first (a re-run after the ref landed sends no write), and the tag
    object's content is fixed (tagger and date), so resending it after a 5xx or a lost
    answer yields the same object instead of a second one."""
    ref = f"refs/tags/{tag}"
    if _ref_target(client, ref) is not None:
        if tag_commit(client, tag) == sha:
            return
        raise RefAlreadyExists(f"{ref} already exists", hint=_TAKEN_HINT, status=422)
    body: dict[str, Any] = {"tag": tag, "message": message, "object": sha, "type": "commit"}
    date = commit_date(client, sha)
    if date:
        body["tagger"] = {**TAGGER, "date": date}

    def post() -> str:
        with client.call(f"creating the tag object {tag}", CONTENTS):
            return str(request(client, "POST", repo_url(client, "git/tags"), input=body)["sha"])

    # Same content, same object: repeating the POST is idempotent once the date is fixed.
    created = write_once(post, None) if date else post()
    create_ref(client, ref, created)


def branch_exists(client: GitHubClient, branch: str) -> bool:
    with client.call(f"reading the branch {branch}", "contents: read"):
        found = get_or_none(client, repo_url(client, f"git/ref/heads/{quote(branch)}"))
    return found is not None


def delete_branch(client: GitHubClient, branch: str) -> bool:
    """Delete ``refs/heads/<branch>``; False when it was already gone."""
    with client.call(f"deleting the branch {branch}", CONTENTS):
        try:
            request(client, "DELETE", repo_url(client, f"git/refs/heads/{quote(branch)}"))
        except GithubException as exc:
            gone = exc.status == 404 or "does not exist" in error_message(exc).lower()
            if exc.status in (404, 422) and gone:
                return False
            raise
    return True


def get_file(client: GitHubClient, path: str, ref: str) -> FileAtRef | None:
    with client.call(f"reading {path} at {ref}", "contents: read"):
        url = repo_url(client, f"contents/{quote(path)}")
        data = get_or_none(client, url, parameters={"ref": ref})
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("type") != "file":
        raise GitHubAPIError(
            f"{path} at {ref} is not a file",
            hint="point release.changelog / release.version_from at a file, not a directory",
        )
    text = base64.b64decode(data.get("content") or "").decode("utf-8")
    return FileAtRef(text=text, sha=str(data["sha"]))


def put_file(
    client: GitHubClient, path: str, text: str, *, branch: str, message: str, sha: str | None
) -> None:
    """Commit ``text`` to ``branch``; :class:`ContentChanged` when ``sha`` is stale."""
    body: dict[str, Any] = {
        "message": message,
        "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        "branch": branch,
    }
    if sha is not None:
        body["sha"] = sha
    with client.call(f"committing {path} to {branch}", CONTENTS):
        try:
            request(client, "PUT", repo_url(client, f"contents/{quote(path)}"), input=body)
        except GithubException as exc:
            stale = exc.status == 409 or (exc.status == 422 and "sha" in error_message(exc).lower())
            if stale:
                raise ContentChanged(
                    f"{path} changed on {branch} since it was read",
                    hint="someone committed to it meanwhile: re-run the job (it re-reads the file)",
                    status=exc.status,
                ) from exc
            raise


def release_by_tag(client: GitHubClient, tag: str) -> ReleaseInfo | None:
    with client.call(f"reading the GitHub Release {tag}", "contents: read"):
        data = get_or_none(client, repo_url(client, f"releases/tags/{quote(tag)}"))
    if data is None:
        return None
    return ReleaseInfo(
        id=int(data["id"]), body=str(data.get("body") or ""), html_url=data["html_url"]
    )


def create_release(
    client: GitHubClient, *, tag: str, sha: str, name: str, body: str
) -> ReleaseInfo:
    fields = {"tag_name": tag, "target_commitish": sha, "name": name, "body": body}

    def post() -> ReleaseInfo:
        with client.call(f"creating the GitHub Release {tag}", CONTENTS):
            data = request(client, "POST", repo_url(client, "releases"), input=fields)
        return ReleaseInfo(id=int(data["id"]), body=body, html_url=str(data["html_url"]))

    return write_once(post, lambda: release_by_tag(client, tag))


def update_release_body(client: GitHubClient, release: ReleaseInfo, body: str) -> None:
    with client.call(f"updating the GitHub Release {release.id}", CONTENTS):
        request(client, "PATCH", repo_url(client, f"releases/{release.id}"), input={"body": body})


def find_open_issue(client: GitHubClient, title: str) -> int | None:
    """The number of an open issue (not a pull request) titled exactly ``title``."""
    with client.call("listing the open issues", "issues: read"):
        for item in pages(client, repo_url(client, "issues"), {"state": "open"}):
            if "pull_request" not in item and item.get("title") == title:
                return int(item["number"])
    return None


def create_issue(
    client: GitHubClient,
    title: str,
    body: str,
    *,
    find: Callable[[], int | None] | None = None,
) -> int:
    """Open an issue; after a failure that may have been applied, ``find`` (default: an open
    issue with this title) looks for it before trying again."""

    def post() -> int:
        with client.call(f"opening the issue {title!r}", "issues: write"):
            data = request(
                client, "POST", repo_url(client, "issues"), input={"title": title, "body": body}
            )
        return int(data["number"])

    return write_once(post, find or (lambda: find_open_issue(client, title)))


def own_login(client: GitHubClient) -> str | None:
    """The token's own login; None when the token may not read it (an installation token,
    as ``GITHUB_TOKEN`` is, gets 403 on ``GET /user``: it acts as a bot account)."""
    try:
        with client.call("reading the token's own identity", "metadata: read"):
            data = request(client, "GET", "/user")
    except GitHubAPIError as exc:
        if exc.status in (401, 403, 404):
            return None
        raise
    return str(data.get("login") or "") or None


def find_marked_issue(client: GitHubClient, marker: str, *, since: str = "") -> int | None:
    """An issue (any state) whose body holds ``marker`` and whose author is the token's own
    identity (any bot account when the token cannot read its own login): an issue anyone
    else opens, with the same title or even the marker, is not ours.

    ``since`` (ISO 8601; the PR's opening for its review issue, which cannot be older)
    lists only issues updated since then, so the cost follows the repository's recent
    activity, not every issue it ever had."""
    me = own_login(client)
    params = {"state": "all", **({"since": since} if since else {})}
    with client.call("listing the issues", "issues: read"):
        for item in pages(client, repo_url(client, "issues"), params):
            if "pull_request" in item or marker not in str(item.get("body") or ""):
                continue
            author = str((item.get("user") or {}).get("login") or "")
            if author == me if me else author.endswith("[bot]"):
                return int(item["number"])
    return None


def find_pull_by_head(client: GitHubClient, branch: str, base: str) -> int | None:
    """A pull request (any state) from ``branch`` into ``base``: never open one twice."""
    owner = client.repo_name.split("/", 1)[0]
    params = {"state": "all", "head": f"{owner}:{branch}", "base": base}
    with client.call(f"looking for a pull request from {branch}", "pull-requests: read"):
        for item in pages(client, repo_url(client, "pulls"), params):
            return int(item["number"])
    return None


def create_pull(client: GitHubClient, *, head: str, base: str, title: str, body: str) -> int:
    """Open a pull request from ``head`` into ``base``. GitHub's two answers that no re-run
    can change are their own errors: :class:`NothingToMerge` (422 "No commits between
    BASE and HEAD") and :class:`BranchMissing` (422 ``base`` ``invalid``: no such branch).
    https://docs.github.com/rest/pulls/pulls#create-a-pull-request"""
    fields = {"head": head, "base": base, "title": title, "body": body}

    def post() -> int:
        what = f"opening a pull request from {head} into {base}"
        with client.call(what, "pull-requests: write"):
            try:
                data = request(client, "POST", repo_url(client, "pulls"), input=fields)
            except GithubException as exc:
                refused = _pull_refusal(exc, head=head, base=base)
                if refused is not None:
                    raise refused from exc
                raise
        return int(data["number"])

    return write_once(post, lambda: find_pull_by_head(client, head, base))


def _pull_refusal(exc: GithubException, *, head: str, base: str) -> GitHubAPIError | None:
    if exc.status != 422:
        return None
    errors = exc.data.get("errors") if isinstance(exc.data, dict) else None
    for item in errors if isinstance(errors, list) else []:
        if not isinstance(item, dict):
            continue
        text = str(item.get("message") or "")
        if text.lower().startswith("no commits between"):
            return NothingToMerge(f"{base} already contains {head}: {text}", status=422)
        if item.get("field") == "base" and item.get("code") == "invalid":
            return BranchMissing(f"the branch {base} does not exist", status=422)
    return None
