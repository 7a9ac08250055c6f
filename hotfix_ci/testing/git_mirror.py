"""Keep an emulated repository in step with a real (bare) git repository.

``GitHubEmulator.mirror_git(repo, path)`` registers :func:`sync`, which runs before every
API request: each branch and tag of the git repository, and every commit behind them, is
copied into the emulator (message, parents, the whole tree as text), so a ``git push`` to
the local remote is visible to the next API call, as it is on GitHub.
"""

from __future__ import annotations

from pathlib import Path

from hotfix_ci import proc
from hotfix_ci.testing.state import Commit, Repo, Store


def _git(path: Path, *args: str) -> str:
    return proc.run(["git", *args], cwd=path, timeout=30).stdout


def sync(store: Store, repo: Repo, path: Path) -> None:
    """Copy what ``path`` has and ``repo`` lacks; refs point where git says (tags peeled)."""
    listing = _git(path, "for-each-ref", "--format=%(objectname)\t%(*objectname)\t%(refname)")
    refs: dict[str, str] = {}
    for line in listing.splitlines():
        sha, peeled, name = line.split("\t")
        if name.startswith(("refs/heads/", "refs/tags/")):
            refs[name] = peeled or sha
    for sha in set(refs.values()):
        if sha not in repo.commits:
            _copy_history(store, repo, path, sha)
    repo.refs.update(refs)


def _copy_history(store: Store, repo: Repo, path: Path, tip: str) -> None:
    for line in _git(path, "rev-list", "--reverse", "--parents", tip).splitlines():
        sha, *parents = line.split()
        if sha in repo.commits:
            continue
        message = _git(path, "log", "-1", "--format=%B", sha).rstrip("\n")
        names = _git(path, "ls-tree", "-r", "-z", "--name-only", sha).split("\0")
        tree = {name: _git(path, "show", f"{sha}:{name}") for name in names if name}
        repo.commits[sha] = Commit(sha, message, parents, tree, store.login, store.now())
