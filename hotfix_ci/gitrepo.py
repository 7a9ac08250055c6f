"""Read-only questions to a local git checkout, all through :func:`hotfix_ci.proc.run`.

Commands and output formats used (current git documentation):

- ``git for-each-ref --format=%(refname:strip=2) refs/tags``:
  https://git-scm.com/docs/git-for-each-ref
- ``git rev-parse --verify <ref>^{commit}``: https://git-scm.com/docs/git-rev-parse
- ``git cat-file -e <object>`` exits 0 when the object exists:
  https://linux.die.net/man/1/git-cat-file
- ``git diff --numstat -z -M base...head``: ``added\\tdeleted\\tpath\\0``, a rename as
  ``added\\tdeleted\\t\\0old\\0new\\0``, ``-`` for both counts of a binary file; with
  ``--name-status -z`` the status letter comes first (``R085\\0old\\0new\\0``).
  https://chromium.googlesource.com/external/gitster/git-htmldocs.git/+/2030f00d525a0c2701e829f800d3f861cca7a6e3/diff-format.adoc
  and the ``--numstat`` option of https://manpages.ubuntu.com/manpages/karmic/man1/git-diff-tree.1.html

``base...head`` diffs head against the merge base, exactly like a pull request's file list.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from hotfix_ci import proc
from hotfix_ci.errors import HotfixError, ProcessError, UsageError
from hotfix_ci.model import FileChange

PathLike = str | os.PathLike[str]

# git's status letters -> the ``status`` values GitHub's pulls/list-files reports.
_STATUS = {
    "A": "added",
    "D": "removed",
    "M": "modified",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}
_SHALLOW_HINT = (
    "the checkout may be shallow: use actions/checkout with `fetch-depth: 0`, "
    "or run `git fetch --unshallow --tags`"
)


def _git(path: PathLike, *args: str, what: str) -> str:
    """Run git in ``path``; a failure says ``what`` was being done and how to fix it."""
    try:
        return proc.run(["git", *args], cwd=path).stdout
    except ProcessError as exc:
        if exc.returncode is None:  # git itself could not be started
            raise
        stderr = exc.stderr.strip()
        hint = "run the command in a git checkout of the repository"
        if "dubious ownership" in stderr:
            hint = f"mark the checkout as safe: git config --global --add safe.directory {path}"
        elif "not a git repository" not in stderr:
            hint = _SHALLOW_HINT
        raise ProcessError(
            f"git could not {what} in {path}: {stderr.splitlines()[-1] if stderr else 'no output'}",
            hint=hint,
            returncode=exc.returncode,
            stdout=exc.stdout,
            stderr=exc.stderr,
        ) from exc
    except UnicodeDecodeError as exc:
        raise HotfixError(
            f"git's answer when asked to {what} in {path} is not UTF-8 text",
            hint="hotfix-ci reads text files and UTF-8 path names only; "
            "check the file or path named above",
        ) from exc


def is_git_repo(path: PathLike) -> bool:
    if not Path(path).is_dir():
        return False
    result = proc.run(["git", "rev-parse", "--git-dir"], cwd=path, check=False)
    return result.returncode == 0


def require_git_repo(path: PathLike) -> None:
    if not is_git_repo(path):
        raise UsageError(
            f"{path} is not a git repository, so its tags and history cannot be read",
            hint="run hotfix-ci in the checked-out repository (actions/checkout first), "
            "or pass the checkout's directory",
        )


def list_tags(path: PathLike) -> list[str]:
    """Every tag name in the repository, sorted (lightweight and annotated alike)."""
    out = _git(
        path, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags", what="list the tags"
    )
    return sorted(line for line in out.splitlines() if line)


def tag_commit(path: PathLike, tag: str) -> str:
    """The commit a tag points to (annotated tags are peeled)."""
    result = proc.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}"],
        cwd=path,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        require_git_repo(path)
        raise HotfixError(
            f"tag {tag!r} does not exist in {path} (or does not point to a commit)",
            hint="fetch the tags (`git fetch --tags`, or actions/checkout with "
            "`fetch-depth: 0`) and check the tag name",
        )
    return result.stdout.strip()


def has_commit(path: PathLike, sha: str) -> bool:
    """Whether ``sha`` names a commit present in the local object store."""
    if not sha or sha.startswith("-"):
        return False
    result = proc.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=path, check=False)
    return result.returncode == 0


def head_sha(path: PathLike) -> str:
    result = proc.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=path, check=False
    )
    if result.returncode != 0 or not result.stdout.strip():
        require_git_repo(path)
        raise HotfixError(
            f"the repository in {path} has no commit checked out (HEAD does not resolve)",
            hint="check out a branch or commit before running hotfix-ci",
        )
    return result.stdout.strip()


def file_at(path: PathLike, sha: str, name: str) -> str | None:
    """The text of ``name`` in commit ``sha`` (``git show sha:name``); None when absent there.

    Reads the object store only, never the working tree, so a checkout of the PR's head
    cannot change what is read. https://git-scm.com/docs/git-show
    """
    _require_commit(path, sha, "base")
    exists = proc.run(["git", "cat-file", "-e", f"{sha}:{name}"], cwd=path, check=False)
    if exists.returncode != 0:
        return None
    return _git(path, "show", f"{sha}:{name}", what=f"read {name} at {sha[:7]}")


def _require_commit(path: PathLike, sha: str, role: str) -> None:
    if not has_commit(path, sha):
        raise HotfixError(
            f"the {role} commit {sha!r} is not in the local repository {path}",
            hint=_SHALLOW_HINT,
        )


def numstat(path: PathLike, base_sha: str, head_sha: str) -> list[FileChange]:
    """Files changed on ``head_sha`` since it forked from ``base_sha`` (``base...head``)."""
    _require_commit(path, base_sha, "base")
    _require_commit(path, head_sha, "head")
    span = f"{base_sha}...{head_sha}"
    # --no-textconv: a PR's .gitattributes cannot swap in a filter that hides its lines.
    common = ("diff", "--no-ext-diff", "--no-textconv", "--no-color", "-z", "-M")
    changes = _parse_numstat(_git(path, *common, "--numstat", span, "--", what="diff " + span))
    statuses = _parse_name_status(
        _git(path, *common, "--name-status", span, "--", what="diff " + span)
    )
    return [replace(change, status=statuses.get(change.path, change.status)) for change in changes]


def _parse_numstat(out: str) -> list[FileChange]:
    """The files of ``git diff --numstat -z``; a status the name-status listing may refine."""
    fields = out.split("\0")
    changes: list[FileChange] = []
    i = 0
    while i < len(fields) and fields[i]:
        added, deleted, name = fields[i].split("\t", 2)
        old: str | None = None
        if name == "":  # a rename or copy: the two paths follow as their own fields
            old, name = fields[i + 1], fields[i + 2]
            i += 2
        change = FileChange(
            path=name,
            additions=_count(added),
            deletions=_count(deleted),
            status="renamed" if old else "modified",
            previous_path=old,
            binary=added == "-" or deleted == "-",  # "-" marks a binary file: no line counts
        )
        changes.append(change)
        i += 1
    return changes


def _count(field: str) -> int:
    return 0 if field == "-" else int(field)


def _parse_name_status(out: str) -> dict[str, str]:
    fields = out.split("\0")
    result: dict[str, str] = {}
    i = 0
    while i < len(fields) and fields[i]:
        letter = fields[i][0]
        if letter in "RC":
            name = fields[i + 2]
            i += 3
        else:
            name = fields[i + 1]
            i += 2
        result[name] = _STATUS.get(letter, "changed")
    return result


def read_file_at(path: PathLike, ref: str, file: str) -> str | None:
    """The text of ``file`` at ``ref``; None when the file does not exist there."""
    if ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a git revision", hint="pass a commit sha or a ref name")
    spec = f"{ref}:{file}"
    if proc.run(["git", "cat-file", "-e", spec], cwd=path, check=False).returncode != 0:
        return None
    return _git(path, "cat-file", "blob", spec, what=f"read {file} at {ref}")
