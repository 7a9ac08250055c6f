"""The GitHub adapter: the only code that talks PyGithub. Returns frozen model objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from github import UnknownObjectException
from github.Repository import Repository

from hotfix_ci.errors import GitHubAPIError
from hotfix_ci.github_api.connect import (
    Connection,
    RequestCounter,
    effective_timeout,
    open_github,
)
from hotfix_ci.github_api.errors import Reach, api_call
from hotfix_ci.github_api.writes import ATTEMPTS, write_once
from hotfix_ci.model import FileChange, LabelEvent, PullRequest, Review
from hotfix_ci.text import redact

# Who a workflow's GITHUB_TOKEN writes as; GET /user answers 403 for such installation
# tokens, so that is the identity assumed when /user cannot say.
ACTIONS_BOT = "github-actions[bot]"
PR_FILES_CAP = 3000  # GitHub's pulls/list-files returns at most 3,000 files


@dataclass(frozen=True, kw_only=True)
class Comment:
    id: int
    body: str
    author: str | None


@dataclass(frozen=True, kw_only=True)
class CheckRunRef:
    id: int
    html_url: str | None


class GitHubClient:
    """One repository, reached through PyGithub with bounded retries."""

    def __init__(self, conn: Connection, repo: str) -> None:
        self.conn = conn
        self.repo_name = repo
        self.counter = RequestCounter()
        self.gh = open_github(conn, self.counter)
        self.repo: Repository = self.gh.get_repo(repo)  # lazy: no request until used
        self._identity: str | None = None

    @property
    def requests_made(self) -> int:
        return self.counter.count

    def call(self, operation: str, permission: str) -> Any:
        """A context manager translating PyGithub failures of ``operation`` to GitHubAPIError."""
        reach = Reach(
            api_url=self.conn.api_url,
            timeout=effective_timeout(self.conn),
            retries=self.conn.retries,
            repo=self.repo_name,
        )
        return api_call(operation, permission, reach)

    # -- pull requests -------------------------------------------------------------------
    def pull(self, number: int) -> PullRequest:
        with self.call(f"reading pull request #{number}", "pull-requests: read"):
            pr = self.repo.get_pull(number)
            raw = pr.raw_data
        return pull_from_raw(raw)

    def pull_files(self, number: int) -> tuple[tuple[FileChange, ...], bool]:
        """The PR's files, and whether GitHub's 3,000-file cap may have cut the list."""
        files: list[FileChange] = []
        with self.call(f"listing the files of pull request #{number}", "pull-requests: read"):
            pr = self.repo.get_pull(number)
            # Read list items through properties: on a lazy client, raw_data would fetch
            # every item again from its own URL.
            for entry in pr.get_files():
                files.append(
                    FileChange(
                        path=entry.filename,
                        additions=entry.additions or 0,
                        deletions=entry.deletions or 0,
                        status=entry.status or "modified",
                        previous_path=entry.previous_filename,
                    )
                )
        return tuple(files), len(files) >= PR_FILES_CAP

    def reviews(self, number: int) -> tuple[Review, ...]:
        with self.call(f"listing the reviews of pull request #{number}", "pull-requests: read"):
            pr = self.repo.get_pull(number)
            return tuple(
                Review(
                    reviewer=r.user.login if r.user else "",
                    state=r.state or "",
                    commit_id=r.commit_id,
                    submitted_at=r.submitted_at.isoformat() if r.submitted_at else None,
                    bot=bool(r.user) and (r.user.type == "Bot" or r.user.login.endswith("[bot]")),
                )
                for r in pr.get_reviews()
            )

    def pushers(self, number: int) -> tuple[str, ...]:
        """Logins of the authors and committers of the PR's commits (GitHub lists at most
        250 commits: https://docs.github.com/en/rest/pulls/pulls#list-commits-on-a-pull-request)."""
        with self.call(f"listing the commits of pull request #{number}", "pull-requests: read"):
            pr = self.repo.get_pull(number)
            logins: list[str] = []
            for c in pr.get_commits():
                for who in (c.author, c.committer):
                    login = getattr(who, "login", None) if who is not None else None
                    if login and login not in logins:
                        logins.append(login)
            return tuple(logins)

    def label_events(self, number: int) -> tuple[LabelEvent, ...]:
        with self.call(f"listing the label events of #{number}", "issues: read"):
            issue = self.repo.get_issue(number)
            events = []
            for ev in issue.get_events():
                if ev.event not in ("labeled", "unlabeled"):
                    continue
                events.append(
                    LabelEvent(
                        event=ev.event,
                        label=ev.label.name if ev.label else "",
                        actor=ev.actor.login if ev.actor else None,
                        created_at=ev.created_at.isoformat() if ev.created_at else None,
                    )
                )
        return tuple(events)

    def permission(self, login: str) -> str:
        """A collaborator's permission; "none" for a user who is not one."""
        with self.call(f"reading {login}'s permission on {self.repo_name}", "metadata: read"):
            try:
                return str(self.repo.get_collaborator_permission(login))
            except UnknownObjectException:
                return "none"

    def team_has_member(self, org: str, slug: str, login: str) -> bool | None:
        """True/False, or None when the token may not read the team (needs members: read)."""
        url = f"/orgs/{org}/teams/{slug}/memberships/{login}"
        try:
            with self.call(f"reading @{org}/{slug} membership of {login}", "members: read"):
                try:
                    _, data = self.gh.requester.requestJsonAndCheck("GET", url)
                except UnknownObjectException:
                    return False
        except GitHubAPIError as exc:
            if exc.status in (401, 403):
                return None
            raise
        return bool(data) and data.get("state") == "active"

    # -- sticky comment --------------------------------------------------------------------
    def identity(self) -> str:
        """The login the token writes as (GET /user; github-actions[bot] when the token is
        an installation token, which /user refuses)."""
        if self._identity is None:
            try:
                with self.call("reading the token's identity", "none"):
                    _, data = self.gh.requester.requestJsonAndCheck("GET", "/user")
                self._identity = str(data.get("login") or ACTIONS_BOT)
            except GitHubAPIError as exc:
                # 403 "Resource not accessible by integration": an installation token.
                if exc.status not in (403, 404):
                    raise
                self._identity = ACTIONS_BOT
        return self._identity

    def find_comment(self, number: int, marker: str) -> Comment | None:
        """Our comment carrying ``marker``: one written by the token's own identity. The
        same marker planted in someone else's comment is never taken for ours."""
        me = self.identity()
        with self.call(f"listing the comments of #{number}", "issues: read"):
            issue = self.repo.get_issue(number)
            for c in issue.get_comments():
                body = c.body or ""
                author = c.user.login if c.user else None
                if marker in body and author == me:
                    return Comment(id=c.id, body=body, author=author)
        return None

    def create_comment(self, number: int, body: str, *, marker: str | None = None) -> Comment:
        """Comment once: with ``marker``, a comment that may have been posted (5xx, timeout)
        is looked up by it before posting again."""
        body = redact(body)

        def post() -> Comment:
            with self.call(f"commenting on #{number}", "pull-requests: write"):
                c = self.repo.get_issue(number).create_comment(body)
                return Comment(id=c.id, body=body, author=None)

        lookup = (lambda: self.find_comment(number, marker)) if marker else None
        return write_once(post, lookup, attempts=ATTEMPTS if marker else 1)

    def update_comment(self, comment_id: int, body: str) -> None:
        body = redact(body)

        def patch() -> None:
            with self.call(f"updating comment {comment_id}", "pull-requests: write"):
                self.gh.requester.requestJsonAndCheck(
                    "PATCH",
                    f"/repos/{self.repo_name}/issues/comments/{comment_id}",
                    input={"body": body},
                )

        write_once(patch, None)  # the same body again changes nothing

    # -- check runs ------------------------------------------------------------------------
    def find_check_run(self, head_sha: str, name: str) -> CheckRunRef | None:
        url = f"/repos/{self.repo_name}/commits/{head_sha}/check-runs"
        # The command writes the check run next, so the permission to ask for is write.
        with self.call(f"looking up check run {name!r}", "checks: write"):
            _, data = self.gh.requester.requestJsonAndCheck(
                "GET", url, parameters={"check_name": name, "filter": "latest", "per_page": 1}
            )
        runs = data.get("check_runs") or []
        if not runs:
            return None
        return CheckRunRef(id=int(runs[0]["id"]), html_url=runs[0].get("html_url"))

    def write_check_run(
        self,
        *,
        existing: CheckRunRef | None,
        name: str,
        head_sha: str,
        conclusion: str,
        title: str,
        summary: str,
        text: str,
        annotations: Sequence[dict[str, Any]],
        details_url: str | None = None,
    ) -> CheckRunRef:
        """Create (or complete again) the check run, 50 annotations per request."""
        batches = [list(annotations[i : i + 50]) for i in range(0, len(annotations), 50)] or [[]]
        title, summary, text = redact(title), redact(summary), redact(text)
        annotations = [{**a, "message": redact(str(a.get("message", "")))} for a in annotations]
        output: dict[str, Any] = {"title": title, "summary": summary[:65535], "text": text[:65535]}
        fields: dict[str, Any] = {"status": "completed", "conclusion": conclusion}
        if details_url:
            fields["details_url"] = details_url
        first = {**output, "annotations": batches[0]}
        if existing is None:
            # Created once: after a 5xx or timeout the run is looked up by name + head sha.
            def create() -> CheckRunRef:
                with self.call(f"writing check run {name!r}", "checks: write"):
                    run = self.repo.create_check_run(
                        name=name, head_sha=head_sha, output=first, **fields
                    )
                    return CheckRunRef(id=run.id, html_url=None)

            ref = write_once(create, lambda: self.find_check_run(head_sha, name))
        else:
            ref = existing
            self._edit_check_run(ref.id, name, {"output": first, **fields})
        for batch in batches[1:]:
            self._edit_check_run(ref.id, name, {"output": {**output, "annotations": batch}})
        return CheckRunRef(id=ref.id, html_url=None)

    def _edit_check_run(self, run_id: int, name: str, fields: dict[str, Any]) -> None:
        url = f"/repos/{self.repo_name}/check-runs/{run_id}"

        def patch() -> None:
            with self.call(f"writing check run {name!r}", "checks: write"):
                self.gh.requester.requestJsonAndCheck("PATCH", url, input=fields)

        # Resending the same output is harmless (GitHub may list an annotation twice at
        # worst); a lost conclusion is not.
        write_once(patch, None)


def pull_from_raw(raw: dict[str, Any]) -> PullRequest:
    head = raw.get("head") or {}
    base = raw.get("base") or {}
    return PullRequest(
        number=int(raw["number"]),
        title=str(raw.get("title") or ""),
        author=str((raw.get("user") or {}).get("login") or ""),
        head_ref=str(head.get("ref") or ""),
        head_sha=str(head.get("sha") or ""),
        base_ref=str(base.get("ref") or ""),
        base_sha=str(base.get("sha") or ""),
        labels=tuple(str(lb.get("name")) for lb in raw.get("labels") or []),
        body=str(raw.get("body") or ""),
        state=str(raw.get("state") or "open"),
        merged=bool(raw.get("merged")),
        merge_commit_sha=raw.get("merge_commit_sha"),
        html_url=str(raw.get("html_url") or ""),
        changed_files=int(raw.get("changed_files") or 0),
        additions=int(raw.get("additions") or 0),
        deletions=int(raw.get("deletions") or 0),
        comments=int(raw.get("comments") or 0),
        created_at=str(raw.get("created_at") or ""),
    )
