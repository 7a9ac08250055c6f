"""The emulator's git model and paging, without HTTP."""

from __future__ import annotations

from hotfix_ci.testing.routes_base import Request, paginate
from hotfix_ci.testing.routes_pulls import pr_commits, tree_diff
from hotfix_ci.testing.state import Store, blob_sha


def test_commits_resolve_and_ancestry() -> None:
    store = Store(login="bot")
    repo = store.create_repo("acme/web", "main")
    root = repo.branch_sha("main")
    assert root is not None
    fix = store.commit(repo, "hotfix/x", "fix", {"a.py": "1\n"})
    assert repo.commits[fix].parents == [root]
    assert repo.commits[fix].tree == {"README.md": "# web\n", "a.py": "1\n"}
    assert (
        repo.resolve("hotfix/x")
        == repo.resolve("refs/heads/hotfix/x")
        == repo.resolve(fix[:7])
        == fix
    )
    assert repo.is_ancestor(root, fix) and not repo.is_ancestor(fix, root)
    assert pr_commits(repo, fix, root) == [fix]


def test_tree_diff_counts_lines() -> None:
    diff = tree_diff({"a": "1\n2\n3\n", "gone": "x\n"}, {"a": "1\n3\n4\n5\n", "new": "y\n"})
    assert [(d["filename"], d["status"], d["additions"], d["deletions"]) for d in diff] == [
        ("a", "modified", 2, 1),
        ("gone", "removed", 0, 1),
        ("new", "added", 1, 0),
    ]


def test_blob_sha_matches_git() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert blob_sha("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_paginate_caps_and_links() -> None:
    req = Request("GET", "/x", {"per_page": "2", "page": "2", "state": "all"}, None, "http://h:1")
    response = paginate(req, list(range(9)), lambda i: i, cap=5)
    assert response.body == [2, 3]
    assert response.headers["Link"] == (
        '<http://h:1/x?state=all&per_page=2&page=1>; rel="prev", '
        '<http://h:1/x?state=all&per_page=2&page=1>; rel="first", '
        '<http://h:1/x?state=all&per_page=2&page=3>; rel="next", '
        '<http://h:1/x?state=all&per_page=2&page=3>; rel="last"'
    )
    big = paginate(
        Request("GET", "/x", {"per_page": "500"}, None, "b"), list(range(150)), lambda i: i
    )
    assert isinstance(big.body, list) and len(big.body) == 100
