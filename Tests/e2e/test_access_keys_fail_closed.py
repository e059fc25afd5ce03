"""Access key changes through IAM's API are fail-closed: a change whose audit record cannot be
written is taken back before the caller hears of it, without undoing anyone else's change, and
a daemon killed between a change and its record takes the change back at its next start.

The audit log is made to refuse chosen records with a trigger added to this test's own
database (records of calls whose User-Agent says FAILME), and the database's write lock is
held from outside to hold a change between its making and its record."""

import json
import os
import sqlite3
import threading
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ADMIN_KEY, ADMIN_SECRET, REGION, REPO_POLICIES, Daemon, principals_cli, user_arn

FAIL_TRIGGER = ("CREATE TRIGGER e2e_refuse_records BEFORE INSERT ON audit_templates "
                "WHEN NEW.template LIKE '%FAILME%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")


@pytest.fixture
def env(tmp_path):
    d = Daemon(str(tmp_path), policies_dir=REPO_POLICIES)
    d.start()
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"), timeout=10)
    db.execute(FAIL_TRIGGER)
    db.commit()
    db.close()
    yield d
    d.stop()


def iam(d, failing=False, key=ADMIN_KEY, secret=ADMIN_SECRET):
    cfg = dict(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
    if failing:
        cfg["user_agent_extra"] = "FAILME"
    return boto3.session.Session().client("iam", endpoint_url=d.url, region_name=REGION, aws_access_key_id=key,
                                          aws_secret_access_key=secret, config=Config(**cfg))


def code_of(fn, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    return ei.value.response["Error"]["Code"], ei.value.response["ResponseMetadata"]["HTTPStatusCode"]


def signs(d, key):
    sts = boto3.session.Session().client(
        "sts", endpoint_url=d.url, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"], config=Config(retries={"max_attempts": 1}))
    try:
        return sts.get_caller_identity()["Arn"]
    except ClientError as e:
        return e.response["Error"]["Code"]


def statuses(d, user):
    return {k["AccessKeyId"]: k["Status"] for k in iam(d).list_access_keys(UserName=user)["AccessKeyMetadata"]}


class WriteLock:
    """Holds the database's write lock from outside (the daemon waits up to 5 s for it)."""

    def __init__(self, d):
        self.db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"), timeout=10, isolation_level=None)

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *exc):
        self.db.execute("ROLLBACK")
        self.db.close()


def kill_while_journaled(d, change):
    """Runs `change` (an API call) while the audit log is locked, and kills the daemon once the
    change is journaled and made but not recorded; returns the journal it left (0600)."""
    path = os.path.join(d.data_dir, "access-keys.journal")

    def call():
        try:
            change()
        except Exception:
            pass  # the daemon dies before it answers

    with WriteLock(d):
        t = threading.Thread(target=call)
        t.start()
        deadline = time.monotonic() + 5
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert os.path.exists(path), "the change is journaled before it is made"
        d.kill()
    t.join(20)
    assert os.stat(path).st_mode & 0o777 == 0o600
    with open(path) as f:
        return json.load(f)


def test_a_change_that_cannot_be_recorded_is_taken_back(env):
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    assert code_of(iam(env, failing=True).create_access_key, UserName="partner") == ("InternalFailure", 500)
    assert list(statuses(env, "partner")) == [key["AccessKeyId"]], "the unrecorded key was taken back"
    assert code_of(iam(env, failing=True).update_access_key, UserName="partner", AccessKeyId=key["AccessKeyId"],
                   Status="Inactive") == ("InternalFailure", 500)
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Active"} and signs(env, key) == user_arn("partner")
    assert code_of(iam(env, failing=True).delete_access_key, UserName="partner",
                   AccessKeyId=key["AccessKeyId"]) == ("InternalFailure", 500)
    assert signs(env, key) == user_arn("partner"), "the deleted key came back with its secret"
    assert not os.path.exists(os.path.join(env.data_dir, "access-keys.journal"))


def test_an_undo_never_reverts_a_change_made_meanwhile(env):
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    other = admin.create_access_key(UserName="partner")["AccessKey"]
    answers = {}

    def call(name, client, **kw):
        try:
            client.update_access_key(UserName="partner", **kw)
            answers[name] = 200
        except ClientError as e:
            answers[name] = e.response["Error"]["Code"]

    # A's record is refused; B asks for the same change while A waits on the audit log.
    with WriteLock(env):
        a = threading.Thread(target=call, args=("A", iam(env, failing=True)),
                             kwargs=dict(AccessKeyId=key["AccessKeyId"], Status="Inactive"))
        a.start()
        time.sleep(0.5)
        b = threading.Thread(target=call, args=("B", iam(env)), kwargs=dict(AccessKeyId=key["AccessKeyId"], Status="Inactive"))
        b.start()
        time.sleep(0.5)
    a.join(20)
    b.join(20)
    assert answers == {"A": "InternalFailure", "B": 200}
    assert statuses(env, "partner")[key["AccessKeyId"]] == "Inactive", "B's answered change was undone by A's undo"
    assert signs(env, key) == "InvalidClientTokenId"

    # A deletion undone while a key for the same user is made meanwhile: the quota still holds.
    answers.clear()
    with WriteLock(env):
        a = threading.Thread(target=lambda: answers.setdefault(
            "A", code_of(iam(env, failing=True).delete_access_key, UserName="partner", AccessKeyId=other["AccessKeyId"])))
        a.start()
        time.sleep(0.5)
        b = threading.Thread(target=lambda: answers.setdefault(
            "B", code_of(iam(env).create_access_key, UserName="partner")))
        b.start()
        time.sleep(0.5)
    a.join(20)
    b.join(20)
    assert answers == {"A": ("InternalFailure", 500), "B": ("LimitExceeded", 409)}
    assert len(statuses(env, "partner")) == 2


def test_a_change_interrupted_before_its_record_is_taken_back_at_the_next_start(env):
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    admin.update_access_key(UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    journal = kill_while_journaled(env, lambda: admin.update_access_key(
        UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Active"))
    assert journal["change"]["accessKeyId"] == key["AccessKeyId"]
    env.start()
    journal = os.path.join(env.data_dir, "access-keys.journal")
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Inactive"}
    assert signs(env, key) == "InvalidClientTokenId"
    assert not os.path.exists(journal)
    assert b"interrupted before its record was written: taken back" in env.logs()
    events = boto3.session.Session().client(
        "cloudtrail", endpoint_url=env.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UpdateAccessKey"}])["Events"]
    assert [json.loads(e["CloudTrailEvent"])["requestParameters"]["status"] for e in events] == ["Inactive"]


def test_a_recorded_change_interrupted_before_its_journal_was_removed_is_kept(env):
    """The journal of a change that was recorded is settled at the next start without undoing it."""
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    admin.update_access_key(UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    events = boto3.session.Session().client(
        "cloudtrail", endpoint_url=env.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UpdateAccessKey"}])["Events"]
    request_id = json.loads(events[0]["CloudTrailEvent"])["requestID"]
    env.stop()
    # The journal as the change left it, as if the daemon had died before removing it.
    with open(os.path.join(env.data_dir, "access-keys.json")) as f:
        stored = next(k for k in json.load(f)["AccessKeys"] if k["Key"]["AccessKeyId"] == key["AccessKeyId"])
    before = json.loads(json.dumps(stored))
    before["Key"]["Status"] = "Active"
    journal = os.path.join(env.data_dir, "access-keys.journal")
    with open(journal, "w") as f:
        json.dump({"tag": request_id, "change": {"accessKeyId": key["AccessKeyId"], "before": before, "after": stored}}, f)
    os.chmod(journal, 0o600)
    env.start()
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Inactive"}
    assert not os.path.exists(journal)
    assert b"interrupted before its record" not in env.logs()


def test_an_undo_never_reverts_what_the_cli_wrote_meanwhile(env):
    """An operator's `sealq principals disable` counts even when it leaves the key as an
    unrecorded API change left it: the API change's undo leaves the key disabled."""
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    answers = {}
    with WriteLock(env):
        a = threading.Thread(target=lambda: answers.setdefault("A", code_of(
            iam(env, failing=True).update_access_key, UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Inactive")))
        a.start()
        time.sleep(0.5)
        principals_cli("disable", key["AccessKeyId"], data_dir=env.data_dir)
    a.join(20)
    assert answers == {"A": ("InternalFailure", 500)}
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Inactive"} and signs(env, key) == "InvalidClientTokenId"


def test_a_cli_change_made_while_the_daemon_was_down_is_not_undone_at_start(env):
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    kill_while_journaled(env, lambda: admin.update_access_key(
        UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Inactive"))
    journal = os.path.join(env.data_dir, "access-keys.journal")
    principals_cli("disable", key["AccessKeyId"], data_dir=env.data_dir)
    env.start()
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Inactive"} and signs(env, key) == "InvalidClientTokenId"
    assert b"interrupted before its record was written: left, as the key changed since" in env.logs()
    assert not os.path.exists(journal)


def test_a_change_whose_undo_failed_is_taken_back_as_soon_as_the_file_can_be_written(env):
    admin = iam(env)
    key = admin.create_access_key(UserName="partner")["AccessKey"]
    admin.update_access_key(UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    # The undo's temporary file cannot be made while a directory sits where it goes.
    blocker = os.path.join(env.data_dir, f"access-keys.json.{env.proc.pid}.tmp")
    answers = {}
    with WriteLock(env):
        a = threading.Thread(target=lambda: answers.setdefault("A", code_of(
            iam(env, failing=True).update_access_key, UserName="partner", AccessKeyId=key["AccessKeyId"], Status="Active")))
        a.start()
        time.sleep(0.5)
        os.mkdir(blocker)
    a.join(20)
    os.rmdir(blocker)
    assert answers == {"A": ("InternalFailure", 500)}
    journal = os.path.join(env.data_dir, "access-keys.journal")
    assert os.path.exists(journal), "the failed undo's change stays journaled"
    assert b"could not be undone either" in env.logs()
    # Retried every second: the unrecorded enabling is taken back without waiting for another change.
    deadline = time.monotonic() + 5
    while os.path.exists(journal) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert statuses(env, "partner") == {key["AccessKeyId"]: "Inactive"} and signs(env, key) == "InvalidClientTokenId"
    assert not os.path.exists(journal)
    assert b"interrupted before its record was written: taken back" in env.logs()
    other = admin.create_access_key(UserName="producer")["AccessKey"]
    assert signs(env, other) == user_arn("producer")


def test_the_error_record_of_an_undone_create_names_no_key(env):
    """Only the success record is refused here: the error record that follows the undo is written."""
    db = sqlite3.connect(os.path.join(env.data_dir, "sealq.sqlite"), timeout=10)
    db.execute("CREATE TRIGGER e2e_refuse_created BEFORE INSERT ON audit_templates "
               "WHEN NEW.template LIKE '%FAILCREATE%' AND NEW.template LIKE '%\"accessKey\"%' "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    db.commit()
    db.close()
    cfg = Config(retries={"total_max_attempts": 1}, user_agent_extra="FAILCREATE")
    failing = boto3.session.Session().client("iam", endpoint_url=env.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
                                             aws_secret_access_key=ADMIN_SECRET, config=cfg)
    assert code_of(failing.create_access_key, UserName="partner") == ("InternalFailure", 500)
    assert statuses(env, "partner") == {}
    events = boto3.session.Session().client(
        "cloudtrail", endpoint_url=env.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateAccessKey"}])["Events"]
    records = [json.loads(e["CloudTrailEvent"]) for e in events]
    assert [(r["errorCode"], r["responseElements"]) for r in records] == [("InternalFailure", None)]


def test_a_stalled_key_file_holds_up_only_key_changes(env):
    """Another process holding the key file's lock blocks the changes waiting for it, not the
    daemon: health checks and other calls still answer."""
    import fcntl
    with open(os.path.join(env.data_dir, "access-keys.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = {}
        waiting = [threading.Thread(target=lambda user=user: made.setdefault(user, iam(env).create_access_key(UserName=user)))
                   for user in ("partner", "producer")]
        for t in waiting:
            t.start()
        time.sleep(0.5)
        started = time.monotonic()
        assert requests.get(env.url + "/health", timeout=10).status_code == 200
        assert iam(env).get_user()["User"]["UserName"] == "admin"
        assert time.monotonic() - started < 2
        fcntl.flock(lock, fcntl.LOCK_UN)
    for t in waiting:
        t.join(20)
    assert set(made) == {"partner", "producer"}
    assert len(statuses(env, "partner")) == 1 and len(statuses(env, "producer")) == 1


def test_the_admin_keys_date_stays_across_restarts(env):
    before = [k["CreateDate"] for k in iam(env).list_access_keys()["AccessKeyMetadata"]]
    time.sleep(1.1)
    env.restart()
    assert [k["CreateDate"] for k in iam(env).list_access_keys()["AccessKeyMetadata"]] == before
