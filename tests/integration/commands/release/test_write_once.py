"""Issue 10 items 5 and 7 (release's writes): GitHub applied the write, then answered 502,
dropped the connection or answered late; and the review issue is ours only by its marker.

Before: the tag object POST was sent again on a re-run (a second, dangling tag object) and
its 502 ended the job with exit 4; the review issue was found by its title, so anyone's
issue with that title suppressed it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hotfix_ci.testing import Fault
from tests.helpers.release import REPO, as_json, merge_gated, release, tag_names, write_config

# A late answer: the client gives up after HOTFIX_CI_HTTP_TIMEOUT, the write has landed.
TIMEOUT = "0.6"
KINDS = {
    "502": {"status": 502},
    "dropped": {"kind": "disconnect"},
    "late": {"kind": "slow", "delay": 1.0},
}
TITLE = "[HOTFIX] Fix login 500s"
CONFIG = "approvals:\n  reviewers: [alice]\nrelease:\n  back_merge: [develop]\n"


def _p0_scene(emulator: Any, tmp_path: Path) -> str:
    """A merged P0 hotfix PR #1 on main, and a develop branch without it."""
    write_config(tmp_path, CONFIG)
    emulator.create_repo(REPO, default_branch="main")
    emulator.commit(REPO, branch="main", message="init", files={"app.py": "print('hi')\n"})
    emulator.add_tag(REPO, "v1.4.2")
    emulator.commit(REPO, branch="develop", message="dev work", files={"dev.txt": "wip\n"})
    number = emulator.create_pull(
        REPO, title=TITLE, head="hotfix/login-500", author="bob", labels=["hotfix", "P0"]
    )
    return str(merge_gated(emulator, number))


def _counts(emulator: Any) -> dict[str, int]:
    back = [p for p in emulator.pulls(REPO) if p["base"]["ref"] == "develop"]
    return {
        "tag objects": len(emulator.tag_objects(REPO)),
        "tags": tag_names(emulator).count("hotfix-v1.4.3"),
        "releases": len(emulator.releases(REPO)),
        "review issues": len(emulator.issues(REPO)),
        "back-merge PRs": len(back),
    }


ONE_OF_EACH = {"tag objects": 1, "tags": 1, "releases": 1, "review issues": 1, "back-merge PRs": 1}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "path",
    [r"/git/tags$", r"/git/refs$", r"/releases$", r"/issues$", r"/pulls$"],
    ids=["tag-object", "tag-ref", "release", "review-issue", "back-merge-pr"],
)
def test_an_applied_release_write_is_not_made_twice(
    emulator: Any, tmp_path: Path, path: str, kind: str
) -> None:
    sha = _p0_scene(emulator, tmp_path)
    emulator.faults.add(Fault(method="POST", path=path, apply=True, **KINDS[kind]))  # type: ignore[arg-type]
    data = as_json(release(emulator, tmp_path, sha, HOTFIX_CI_HTTP_TIMEOUT=TIMEOUT))
    assert data["tag"] == "hotfix-v1.4.3"
    assert _counts(emulator) == ONE_OF_EACH
    (ref,) = [r for r in emulator.refs(REPO) if r["ref"] == "refs/tags/hotfix-v1.4.3"]
    (tag_object,) = emulator.tag_objects(REPO)
    assert ref["object"] == {**ref["object"], "type": "tag", "sha": tag_object["sha"]}
    assert tag_object["object"]["sha"] == sha


def test_a_dangling_tag_object_is_reused_by_the_rerun(emulator: Any, tmp_path: Path) -> None:
    """The tag object landed, every answer was lost, the ref never came: the re-run makes
    no second object and no failure."""
    sha = _p0_scene(emulator, tmp_path)
    emulator.faults.add(
        Fault(method="POST", path=r"/git/tags$", status=502, apply=True, times=None)
    )
    failed = release(emulator, tmp_path, sha)
    assert failed.exit_code == 4, failed.stderr
    assert len(emulator.tag_objects(REPO)) == 1 and "hotfix-v1.4.3" not in tag_names(emulator)
    emulator.faults.clear()
    as_json(release(emulator, tmp_path, sha))
    assert _counts(emulator) == ONE_OF_EACH


def test_an_existing_tag_ref_is_looked_up_before_any_tag_write(
    emulator: Any, tmp_path: Path
) -> None:
    sha = _p0_scene(emulator, tmp_path)
    as_json(release(emulator, tmp_path, sha))
    emulator.clear_requests()
    as_json(release(emulator, tmp_path, sha))
    assert [r.path for r in emulator.requests if r.method == "POST"] == []
    assert _counts(emulator) == ONE_OF_EACH


def test_someone_elses_issue_with_the_review_title_does_not_suppress_it(
    emulator: Any, tmp_path: Path
) -> None:
    sha = _p0_scene(emulator, tmp_path)
    title = "Post-deploy review: [HOTFIX] Fix login 500s"
    marker = "<!-- hotfix-ci:post-deploy-review pr=1 tag=hotfix-v1.4.3 -->"
    squatter = emulator.open_issue(
        REPO, title=title, body=f"nothing to see\n{marker}", author="eve"
    )
    as_json(release(emulator, tmp_path, sha))
    ours = [i for i in emulator.issues(REPO) if i["number"] != squatter]
    assert len(ours) == 1 and ours[0]["title"] == title
    assert ours[0]["user"]["login"] == "github-actions[bot]"
    assert ours[0]["body"].rstrip().endswith(marker)
    as_json(release(emulator, tmp_path, sha))  # the re-run finds ours, not eve's
    assert len(emulator.issues(REPO)) == 2


def test_a_second_p0_with_the_same_title_gets_its_own_review_issue(
    emulator: Any, tmp_path: Path
) -> None:
    sha = _p0_scene(emulator, tmp_path)
    as_json(release(emulator, tmp_path, sha))
    number = emulator.create_pull(
        REPO,
        title="[HOTFIX] Fix login 500s",
        head="hotfix/login-500-again",
        author="bob",
        labels=["hotfix", "P0"],
    )
    second = merge_gated(emulator, number)
    data = as_json(release(emulator, tmp_path, str(second)))
    assert data["tag"] == "hotfix-v1.4.4"
    bodies = [i["body"] for i in emulator.issues(REPO)]
    assert len(bodies) == 2
    assert "pr=1 tag=hotfix-v1.4.3" in bodies[0]
    assert f"pr={number} tag=hotfix-v1.4.4" in bodies[1]
