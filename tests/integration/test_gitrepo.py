"""hotfix_ci.gitrepo against real repositories built in tmp_path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hotfix_ci import gitrepo
from hotfix_ci.errors import HotfixError, ProcessError, UsageError
from hotfix_ci.model import FileChange
from hotfix_ci.patterns import tag_name_problem
from tests.helpers.git import commit, git


def test_is_git_repo(git_repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert gitrepo.is_git_repo(git_repo)
    assert gitrepo.is_git_repo(git_repo / ".git")  # inside the repository still counts
    assert not gitrepo.is_git_repo(plain)
    assert not gitrepo.is_git_repo(tmp_path / "missing")
    with pytest.raises(UsageError, match="is not a git repository") as caught:
        gitrepo.require_git_repo(plain)
    assert caught.value.hint and "actions/checkout" in caught.value.hint


def test_tags_lightweight_and_annotated(git_repo: Path) -> None:
    first = git(git_repo, "rev-parse", "HEAD")
    git(git_repo, "tag", "v1.4.2")
    second = commit(git_repo, {"app.py": "x = 1\n"})
    git(git_repo, "tag", "-a", "hotfix-v1.4.3", "-m", "hotfix 1.4.3")
    git(git_repo, "tag", "prod/20251022-1430")
    assert gitrepo.list_tags(git_repo) == ["hotfix-v1.4.3", "prod/20251022-1430", "v1.4.2"]
    assert gitrepo.tag_commit(git_repo, "v1.4.2") == first
    # An annotated tag is its own object; tag_commit peels it to the commit.
    assert git(git_repo, "rev-parse", "hotfix-v1.4.3") != second
    assert gitrepo.tag_commit(git_repo, "hotfix-v1.4.3") == second


def test_no_tags_is_an_empty_list(git_repo: Path) -> None:
    assert gitrepo.list_tags(git_repo) == []


def test_missing_tag_says_how_to_fetch_tags(git_repo: Path, tmp_path: Path) -> None:
    with pytest.raises(HotfixError, match=r"tag 'v9\.9\.9' does not exist") as caught:
        gitrepo.tag_commit(git_repo, "v9.9.9")
    assert caught.value.hint and "fetch-depth: 0" in caught.value.hint
    (tmp_path / "plain").mkdir()
    with pytest.raises(UsageError):
        gitrepo.tag_commit(tmp_path / "plain", "v1.0.0")


def test_list_tags_outside_a_repository_is_a_clear_process_error(tmp_path: Path) -> None:
    with pytest.raises(ProcessError, match="could not list the tags") as caught:
        gitrepo.list_tags(tmp_path)
    assert caught.value.hint and "git checkout" in caught.value.hint
    assert caught.value.returncode not in (None, 0)


def test_has_commit_and_head_sha(git_repo: Path) -> None:
    head = git(git_repo, "rev-parse", "HEAD")
    tree = git(git_repo, "rev-parse", "HEAD^{tree}")
    assert gitrepo.head_sha(git_repo) == head
    assert gitrepo.has_commit(git_repo, head)
    assert gitrepo.has_commit(git_repo, head[:10])
    assert not gitrepo.has_commit(git_repo, tree)  # exists, but is not a commit
    assert not gitrepo.has_commit(git_repo, "0" * 40)
    assert not gitrepo.has_commit(git_repo, "--all")
    assert not gitrepo.has_commit(git_repo, "")


def test_head_sha_of_an_empty_repository(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    with pytest.raises(HotfixError, match="no commit checked out") as caught:
        gitrepo.head_sha(empty)
    assert caught.value.hint


def test_numstat_lists_what_the_pull_request_changes(git_repo: Path) -> None:
    body = "".join(f"line {n}\n" for n in range(20))
    base = commit(
        git_repo,
        {
            "src/old_name.py": body,
            "logo.png": b"\x89PNG\x00\x01\x02",
            "docs/été notes.md": "a\nb\n",
            "obsolete.txt": "bye\n",
        },
    )
    git(git_repo, "switch", "-q", "-c", "hotfix/crash")
    head = commit(
        git_repo,
        {
            "src/old_name.py": None,
            "src/new name.py": body + "line 20\n",
            "logo.png": b"\x89PNG\x00\x09\x09\x09",
            "docs/été notes.md": "a\nB\nc\n",
            "obsolete.txt": None,
            "tests/test_crash.py": "def test_it():\n    assert True\n",
        },
    )
    # main moves on meanwhile: a PR diff (base...head) must not show main's own change.
    git(git_repo, "switch", "-q", "main")
    main_tip = commit(git_repo, {"main_only.txt": "later\n"})
    changes = gitrepo.numstat(git_repo, main_tip, head)
    assert sorted(changes, key=lambda c: c.path) == [
        FileChange(path="docs/été notes.md", additions=2, deletions=1),
        FileChange(path="logo.png", additions=0, deletions=0, binary=True),
        FileChange(path="obsolete.txt", additions=0, deletions=1, status="removed"),
        FileChange(
            path="src/new name.py",
            additions=1,
            deletions=0,
            status="renamed",
            previous_path="src/old_name.py",
        ),
        FileChange(path="tests/test_crash.py", additions=2, deletions=0, status="added"),
    ]
    assert gitrepo.numstat(git_repo, base, base) == []


def test_numstat_with_a_commit_missing_points_at_shallow_clones(git_repo: Path) -> None:
    head = git(git_repo, "rev-parse", "HEAD")
    with pytest.raises(HotfixError, match="base commit '1111111111") as caught:
        gitrepo.numstat(git_repo, "1" * 40, head)
    assert caught.value.hint and "fetch-depth: 0" in caught.value.hint


def test_read_file_at(git_repo: Path) -> None:
    commit(git_repo, {"pkg/VERSION": "1.4.2\n", "café.txt": "ünïcode\n"})
    git(git_repo, "tag", "v1.4.2")
    commit(git_repo, {"pkg/VERSION": "1.4.3\n"})
    assert gitrepo.read_file_at(git_repo, "v1.4.2", "pkg/VERSION") == "1.4.2\n"
    assert gitrepo.read_file_at(git_repo, "HEAD", "pkg/VERSION") == "1.4.3\n"
    assert gitrepo.read_file_at(git_repo, "HEAD", "café.txt") == "ünïcode\n"
    assert gitrepo.read_file_at(git_repo, "HEAD", "absent.txt") is None
    assert gitrepo.read_file_at(git_repo, "no-such-ref", "pkg/VERSION") is None
    with pytest.raises(UsageError):
        gitrepo.read_file_at(git_repo, "--output=x", "pkg/VERSION")


@pytest.mark.parametrize(
    "name",
    [
        "hotfix-v1.2.3",
        "v1.2.3+build.1",
        "prod/20251022-1430",
        "rel-ü",
        "x@y",
        "a b",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[b",
        "a\\b",
        "a..b",
        "a/",
        "a//b",
        "a.",
        ".a",
        "a/.b",
        "a.lock",
        "a@{b",
        "@",
    ],
)
def test_tag_name_rules_agree_with_git(git_repo: Path, name: str) -> None:
    created = subprocess.run(["git", "tag", name], cwd=git_repo, capture_output=True, check=False)
    assert (tag_name_problem(name) is None) == (created.returncode == 0)
