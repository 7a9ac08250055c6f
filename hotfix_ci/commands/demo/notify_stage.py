"""The demo's notify stage: the deploy workflow's summary job posts each run's outcome once
to a signed webhook on 127.0.0.1, whose receiver checks the signature and prints what came.

It runs the real summary job (:mod:`hotfix_ci.commands.summary`) over the two deploy runs the
deploy stage made: one deployed, one rolled back (read from the deployment log, since both
a rollback and a failure are ``failure`` to the jobs). A forged delivery is refused.
"""

from __future__ import annotations

import io
import json
import secrets
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from hotfix_ci.commands import summary as run_summary
from hotfix_ci.commands.demo.deploy_stage import DEFAULT_TAG, next_tag
from hotfix_ci.notify.receiver import WebhookReceiver
from hotfix_ci.notify.webhook import SIGNATURE_HEADER

if TYPE_CHECKING:
    from hotfix_ci.commands.demo import Demo

PROVIDER = "shop"


def needs(tag: str, deploy_result: str) -> str:
    """The summary job's ``toJSON(needs)`` for a run that released ``tag``."""
    matrix = {"include": [{"environment": "production", "provider": PROVIDER}]}
    release = {"released": "true", "tag": tag, "matrix": json.dumps(matrix)}
    return json.dumps(
        {
            "release": {"result": "success", "outputs": release},
            "deploy": {"result": deploy_result, "outputs": {}},
        }
    )


def _summary_job(demo: Demo, jobs: str, env: dict[str, str], received: io.StringIO) -> int:
    out = io.StringIO()
    code = run_summary.run({**env, "INPUT_JOBS": jobs}, out)
    for line in out.getvalue().splitlines():
        if line.startswith("notify"):
            demo.say(f"   {line}")
    for line in received.getvalue().splitlines():
        demo.say(f"   [receiver] {line}")
    received.seek(0)
    received.truncate()
    return code


def _forge(url: str) -> int:
    body = json.dumps({"event": "resolved", "repository": "acme/shop"}).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: "sha256=" + "0" * 64}
    # The receiver's own loopback http:// URL, never user input.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def notify_stage(demo: Demo) -> int:
    good = str(getattr(demo, "release_tag", None) or DEFAULT_TAG)
    bad = next_tag(good)
    secret = "whsec_demo" + secrets.token_hex(16)
    folder = demo.workdir / "notify-demo" / ".github"
    folder.mkdir(parents=True, exist_ok=True)
    channel = {"name": "hook", "type": "webhook", "url_env": "DEMO_WEBHOOK_URL"}
    channel["secret_env"] = "DEMO_WEBHOOK_SECRET"  # noqa: S105 - a variable's name
    config = {"version": 1, "notify": {"channels": [channel]}}
    (folder / "hotfix.yml").write_text(json.dumps(config, indent=2), encoding="utf-8")
    received = io.StringIO()
    with WebhookReceiver(secret, out=received) as receiver:
        env = {
            **demo.env,
            "GITHUB_WORKSPACE": str(folder.parent),
            "DEMO_WEBHOOK_URL": receiver.url,
            "DEMO_WEBHOOK_SECRET": secret,
            "GITHUB_RUN_ID": "1001",
        }
        demo.step(f"the summary job of the {good} run posts its outcome once ({receiver.url})")
        first = _summary_job(demo, needs(good, "success"), env, received)
        demo.step(f"the summary job of the {bad} run reads the log: rolled back, not lost")
        second = _summary_job(
            demo, needs(bad, "failure"), {**env, "GITHUB_RUN_ID": "1002"}, received
        )
        demo.step("a forged delivery (wrong signature) reaches the receiver")
        status = _forge(receiver.url)
        for line in received.getvalue().splitlines():
            demo.say(f"   [receiver] {line}")
        demo.say(f"   the receiver answered {status}: unsigned news is not news")
    seen = [(d.payload.get("event"), d.payload.get("tag"), d.verified) for d in receiver.deliveries]
    expected = [("deployed", good, True), ("rolled-back", bad, True), (None, None, False)]
    # The second run failed (a deploy job did not succeed), so its summary job exits 1.
    return 0 if (first, second, status, seen) == (0, 1, 401, expected) else 1
