"""The audit trail (issue 7, as far as it is built): one CloudTrail record per request, allowed,
denied or failed, and per SSE-KMS key use, in an append-only table, with signed Merkle
checkpoints that `sealq audit verify` checks offline, naming the first damaged event."""

import base64
import datetime
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
import subprocess
import uuid

import boto3
import pytest
import requests

from conftest import (ACCOUNT, ADMIN_KEY, ADMIN_SECRET, REGION, Daemon, create_access_key, expect_error, kms_client, make_client,
                      run_sealq, user_arn, write_policies_dir)

PRINCIPALS = {"Users": [
    {"Name": "admin", "Policies": ["administrator"]},
    {"Name": "producer", "Policies": ["producer"]},
], "Roles": [], "Groups": []}
POLICIES = {
    "administrator": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "producer": {"Version": "2012-10-17", "Statement": [
        {"Sid": "SendToOrders", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:orders-*"},
        {"Sid": "NeverToSecret", "Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:secret-*"}]},
}


def records(data_dir):
    db = sqlite3.connect(f"file:{data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        return [(position, json.loads(record)) for position, record in
                db.execute("SELECT position, record FROM audit_records ORDER BY position")]
    finally:
        db.close()


def verify(data_dir, *extra):
    return run_sealq("audit", "verify", "--data-dir", data_dir, *extra)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """A daemon with a producer, after mixed traffic; stopped, so the log is complete."""
    base = tmp_path_factory.mktemp("sealq-audit")
    policies = write_policies_dir(str(base / "policies"), PRINCIPALS, POLICIES)
    d = Daemon(str(base), policies_dir=policies)
    producer_key = create_access_key("producer", d.data_dir, policies)
    d.start()
    admin, producer = make_client(d), make_client(d, *producer_key)
    marker = f"AUDIT-PLAINTEXT-{uuid.uuid4().hex}"
    orders = admin.create_queue(QueueName="orders-eu")["QueueUrl"]
    secret = admin.create_queue(QueueName="secret-plans")["QueueUrl"]
    sealed = admin.create_queue(QueueName="orders-kms", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    producer.send_message(QueueUrl=orders, MessageBody=marker)
    producer.send_message(QueueUrl=orders, MessageBody="a second send that reads alike in the log")
    with pytest.raises(Exception):
        producer.send_message(QueueUrl=secret, MessageBody=marker)
    admin.send_message(QueueUrl=sealed, MessageBody=marker)
    admin.receive_message(QueueUrl=sealed)
    with pytest.raises(Exception):
        admin.get_queue_url(QueueName="no-such-queue")
    d.stop()
    # A second run adds to the log and to the checkpoints (one is signed at each shutdown).
    d.start()
    make_client(d).list_queues()
    d.stop()
    yield d, marker


def test_every_request_has_a_cloudtrail_record(audited):
    d, _ = audited
    events = [r for _, r in records(d.data_dir)]
    names = [(e["eventSource"], e["eventName"]) for e in events]
    for expected in [("sqs.amazonaws.com", "CreateQueue"), ("sqs.amazonaws.com", "SendMessage"),
                     ("sqs.amazonaws.com", "ReceiveMessage"), ("sqs.amazonaws.com", "GetQueueUrl"),
                     ("kms.amazonaws.com", "GenerateDataKey"), ("kms.amazonaws.com", "Decrypt")]:
        assert expected in names, expected
    for e in events:
        assert e["eventVersion"] == "1.11" and e["recipientAccountId"] == ACCOUNT and e["awsRegion"] == "us-east-1"
        assert set(["userIdentity", "eventTime", "eventSource", "eventName", "sourceIPAddress", "requestID", "eventID",
                    "readOnly", "eventType", "managementEvent", "eventCategory"]) <= set(e)
    send = next(e for e in events if e["eventName"] == "SendMessage" and "errorCode" not in e)
    assert send["eventCategory"] == "Data" and send["managementEvent"] is False
    assert send["requestParameters"]["messageBody"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    missing = next(e for e in events if e["eventName"] == "GetQueueUrl")
    assert missing["errorCode"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_a_denied_send_names_the_user_and_the_deciding_statement(audited):
    d, _ = audited
    denied = [e for _, e in records(d.data_dir) if e["eventName"] == "SendMessage" and e.get("errorCode") == "AccessDenied"]
    assert len(denied) == 1
    e = denied[0]
    assert e["userIdentity"]["userName"] == "producer" and e["userIdentity"]["arn"] == user_arn("producer")
    assert e["userIdentity"]["type"] == "IAMUser" and e["userIdentity"]["accessKeyId"].startswith("AKIA")
    authorization = e["additionalEventData"]["authorization"]
    assert authorization["decision"] == "explicitDeny"
    assert [s["sid"] for s in authorization["decidingStatements"]] == ["NeverToSecret"]
    assert e["resources"] == [{"accountId": ACCOUNT, "type": "AWS::SQS::Queue",
                               "ARN": f"arn:aws:sqs:us-east-1:{ACCOUNT}:secret-plans"}]


def test_key_uses_are_recorded_for_the_caller_invoked_by_sqs(audited):
    d, _ = audited
    uses = [e for _, e in records(d.data_dir) if e["eventSource"] == "kms.amazonaws.com"]
    assert {e["eventName"] for e in uses} == {"GenerateDataKey", "Decrypt"}
    for e in uses:
        assert e["userIdentity"]["invokedBy"] == "sqs.amazonaws.com"
        assert e["userIdentity"]["arn"] == user_arn("admin")
        assert e["userIdentity"]["accessKeyId"] == "AKIAE2ETESTADMIN0001", "the caller's key, as on its other records"
        assert e["sourceIPAddress"] == "sqs.amazonaws.com"
        assert e["requestParameters"]["encryptionContext"] == {"aws:sqs:arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-kms"}
        assert e["resources"][0]["type"] == "AWS::KMS::Key"
        # As KMS's own GenerateDataKey records: key, key spec and context, no algorithm.
        if e["eventName"] == "GenerateDataKey":
            assert sorted(e["requestParameters"]) == ["encryptionContext", "keyId", "keySpec"], e["requestParameters"]
        else:
            assert e["requestParameters"]["encryptionAlgorithm"] == "SYMMETRIC_DEFAULT"


def test_no_plaintext_secret_or_signature_reaches_the_log(audited):
    d, marker = audited
    raw = "\n".join(json.dumps(r) for _, r in records(d.data_dir))
    assert marker not in raw
    assert ADMIN_SECRET not in raw
    assert "Signature=" not in raw and "Credential=" not in raw


def test_an_untouched_log_verifies_with_the_exported_public_key(audited, tmp_path):
    d, _ = audited
    p = verify(d.data_dir)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout + p.stderr
    # The daemon's file beside the log copies its newest checkpoint: each checkpoint counts once.
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"))
    (stored,) = db.execute("SELECT COUNT(*) FROM audit_checkpoints").fetchone()
    db.close()
    assert f" {stored} signed checkpoint{'' if stored == 1 else 's'}," in p.stdout, (stored, p.stdout)
    key = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()
    assert len(key) == 64
    elsewhere = tmp_path / "trusted.pub"
    elsewhere.write_text(key + "\n")
    assert verify(d.data_dir, "--public-key", str(elsewhere)).returncode == 0
    wrong = run_sealq("audit", "verify", "--data-dir", d.data_dir, "--public-key", "00" * 32)
    assert wrong.returncode == 1 and "not signed" in wrong.stdout


def test_the_schema_refuses_updates_and_deletes(audited, tmp_path):
    d, _ = audited
    copy = tmp_path / "data"
    shutil.copytree(d.data_dir, copy)
    db = sqlite3.connect(str(copy / "sealq.sqlite"))
    for sql in ["UPDATE audit_events SET record = x'00' WHERE position = 1", "DELETE FROM audit_events WHERE position = 1",
                "DELETE FROM audit_checkpoints", "UPDATE audit_templates SET template = 'x'", "DELETE FROM audit_templates"]:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    # An archive cut lets the events and checkpoints behind it be deleted: none past the stored events.
    with pytest.raises(sqlite3.DatabaseError, match="cannot pass the stored events"):
        db.execute("INSERT INTO audit_archive (through_position, tree_state, archived_at) VALUES (1000000, x'00', 0)")
    db.close()


def run_statements(path, *statements):
    """Runs `statements` on the database at `path` in one transaction, with sqlite3 as any
    holder of the file could."""
    db = sqlite3.connect(str(path))
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def tampered_copy(d, tmp_path, *statements):
    """A copy of the data directory changed by `statements` with the append-only triggers dropped."""
    copy = tmp_path / f"data-{uuid.uuid4().hex[:6]}"
    shutil.copytree(d.data_dir, copy)
    triggers = ["audit_events_no_update", "audit_events_no_delete", "audit_checkpoints_no_update", "audit_checkpoints_no_delete",
                "audit_templates_no_update", "audit_templates_no_delete"]
    run_statements(copy / "sealq.sqlite", *[f"DROP TRIGGER {trigger}" for trigger in triggers], *statements)
    return str(copy)


def leaf_hash_sql(record):
    return "x'" + hashlib.sha256(b"\x00" + record).hexdigest() + "'"


@pytest.mark.parametrize("statements,expected", [
    # The record written whole in place of its template, with one value changed.
    (["UPDATE audit_events SET template_id = NULL, record = "
      "(SELECT replace(record, '127.0.0.1', '10.9.9.9') FROM audit_records WHERE position = 3) WHERE position = 3"],
     "event 3 was modified"),
    # The record written whole and unchanged (the same leaf hash), with the event_time column that
    # LookupEvents and retention select by moved out of its time.
    (["UPDATE audit_events SET template_id = NULL, event_time = 0, "
      "record = (SELECT record FROM audit_records WHERE position = 3) WHERE position = 3"],
     "event 3 was modified"),
    # A shared template changed: the first event built from it is named.
    (["UPDATE audit_templates SET template = replace(template, '127.0.0.1', '10.9.9.9') "
      "WHERE id = (SELECT template_id FROM audit_events WHERE position = 3)"], "was modified"),
    (["DELETE FROM audit_templates WHERE id = (SELECT template_id FROM audit_events WHERE position = 3)"], "was modified"),
    (["DELETE FROM audit_events WHERE position = 2"], "event 2 is missing"),
    (["UPDATE audit_events SET position = position + 1000 WHERE position >= 4",
      "UPDATE audit_events SET position = position - 999 WHERE position >= 1004"], "event 4 is missing"),
])
def test_tampering_with_a_copy_is_detected_and_named(audited, tmp_path, statements, expected):
    d, _ = audited
    copy = tampered_copy(d, tmp_path, *statements)
    p = verify(copy)
    assert p.returncode == 1 and "damaged" in p.stdout and expected in p.stdout, p.stdout


def test_a_start_restores_dropped_or_weakened_append_only_triggers_and_says_so(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    make_client(d).create_queue(QueueName="guarded")
    assert d.stop()
    path = os.path.join(d.data_dir, "sealq.sqlite")
    run_statements(path, "DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_checkpoints_no_delete",
                   "CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT 1; END")
    d.start()
    assert d.stop()
    said = d.stderr_tail(20000)
    assert "append-only triggers or its records view were dropped, changed or added to" in said, said
    assert "audit_events_no_update,audit_checkpoints_no_delete" in said, said
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_events SET event_time = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_checkpoints")
    db.close()
    d.start()
    assert d.stop()
    assert "append-only triggers" not in d.stderr_tail(20000), "an untouched database starts without the warning"


def test_added_triggers_and_a_changed_records_view_are_undone_at_start_and_an_ignored_append_fails_the_call(tmp_path):
    """A trigger of someone else's on the audit tables (RAISE(IGNORE) makes every append do
    nothing, so requests would be answered with no record) is dropped at start, and the records
    view LookupEvents reads is put back; one added while the daemon runs fails the calls whose
    record it swallows instead of letting them through unrecorded."""
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    sqs.create_queue(QueueName="watched")
    assert d.stop()
    path = os.path.join(d.data_dir, "sealq.sqlite")
    run_statements(path, "CREATE TRIGGER swallow BEFORE INSERT ON audit_events BEGIN SELECT RAISE(IGNORE); END",
                   "CREATE TRIGGER shout BEFORE INSERT ON AUDIT_CHECKPOINTS BEGIN SELECT RAISE(IGNORE); END",
                   "DROP VIEW audit_records",
                   "CREATE TABLE audit_records (position, event_id, event_time, leaf_hash, record)")
    d.start()
    try:
        url = sqs.get_queue_url(QueueName="watched")["QueueUrl"]
        sent = sqs.send_message(QueueUrl=url, MessageBody="recorded")["MessageId"]
        said = d.stderr_tail(20000)
        assert "were dropped, changed or added to" in said and "swallow" in said and "shout" in said and "audit_records" in said, said
        found = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "EventName=SendMessage")
        assert sent in found.stdout, found.stdout[-2000:]
        # Behind the running daemon's back: the call fails rather than go unrecorded.
        db = sqlite3.connect(path, timeout=10)
        db.execute("CREATE TRIGGER swallow_again BEFORE INSERT ON audit_events BEGIN SELECT RAISE(IGNORE); END")
        db.commit()
        db.close()
        expect_error(sqs.send_message, "InternalFailure", 500, QueueUrl=url, MessageBody="not without a record")
    finally:
        d.stop()
    db = sqlite3.connect(path)
    try:
        # The refused send stored nothing: only the first message is there.
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (1,)
    finally:
        db.close()


def test_a_planted_checkpoint_stops_the_start_instead_of_being_signed_over(tmp_path):
    """The daemon resumes its tree from the newest checkpoint: one it did not sign (a row put in
    by whoever could write the file, claiming some other history) stops the start, with a
    sentence, rather than be extended and signed."""
    d = Daemon(str(tmp_path))
    d.start()
    make_client(d).create_queue(QueueName="signed")
    assert d.stop()
    path = os.path.join(d.data_dir, "sealq.sqlite")
    db = sqlite3.connect(path)
    size, root, state = db.execute(
        "SELECT tree_size, root_hash, tree_state FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1").fetchone()
    db.execute("INSERT INTO audit_checkpoints (tree_size, root_hash, created_at, signature, tree_state) VALUES (?, ?, ?, ?, ?)",
               (size + 1, root, 0, os.urandom(64), state))
    db.commit()
    db.close()
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "is not signed by this log's key" in err and "sealq audit verify" in err, err


def test_a_planted_archive_cut_stops_the_start_instead_of_being_signed_over(tmp_path):
    """The tree may resume from the archive cut, which archiving makes only at a signed
    checkpoint: a cut with a tree state no checkpoint signed stops the start."""
    d = Daemon(str(tmp_path))
    d.start()
    make_client(d).create_queue(QueueName="archived")
    assert d.stop()
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"))
    forged_state = (1).to_bytes(8, "big") + os.urandom(32)
    db.execute("INSERT INTO audit_archive (through_position, tree_state, archived_at) VALUES (1, ?, 0)", (forged_state,))
    db.commit()
    db.close()
    rc, err = d.start_expecting_failure()
    assert rc != 0 and "archive cut (through event 1) is not a tree this log signed" in err, err


def test_an_event_put_in_behind_a_running_daemons_back_is_never_signed(tmp_path):
    """A record inserted into the database while the daemon runs (inserts pass the triggers)
    must not be signed into a checkpoint, or verify would vouch for it: the daemon stops
    signing, says why, and verify reports the unsigned events."""
    import time
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="watched")["QueueUrl"]
    time.sleep(1.5)  # the checkpoint service has looked at the log once
    path = os.path.join(d.data_dir, "sealq.sqlite")
    db = sqlite3.connect(path, timeout=10)
    position, template, request = db.execute(
        "SELECT position, template_id, request_id FROM audit_events ORDER BY position DESC LIMIT 1").fetchone()
    forged = str(uuid.uuid4())
    db.execute("INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash, template_id, request_id) "
               "SELECT ?, ?, event_time, X'', leaf_hash, template_id, request_id FROM audit_events WHERE position = ?",
               (position + 1, forged, position))
    db.commit()
    db.close()
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"after-{i}")
    d.stop()
    said = d.stderr_tail(20000)
    assert f"audit event {position + 1} was put into the database by something other than the daemon" in said, said
    p = verify(d.data_dir, "--unsigned-grace", "0")
    assert p.returncode == 1 and "damaged" in p.stdout, p.stdout


def test_key_deletions_due_at_start_are_not_taken_for_unsigned_events_of_an_earlier_run(tmp_path):
    """Keys whose deletion falls due while the daemon is stopped are deleted as it starts, and
    those deletions are recorded: they are this run's events, not ones an earlier run left
    unsigned, so a start after a clean stop does not warn, and the next stop signs them."""
    import time
    d = Daemon(str(tmp_path), extra_args=["--kms-deletion-day-seconds", "1"])
    d.start()
    kms = kms_client(d)
    for _ in range(30):
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert d.stop()
    time.sleep(8)  # seven "days" of one second each
    d.start()
    time.sleep(1)
    assert d.stop()
    said = d.stderr_tail(20000)
    assert "key deleted" in said or "DeleteKey" in said or "destroyed" in said, said
    assert "covered by no signed checkpoint" not in said, said
    p = verify(d.data_dir, "--unsigned-grace", "0")
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout


def test_a_start_puts_back_a_replaced_public_key_and_says_so(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    assert d.stop()
    path = os.path.join(d.data_dir, "audit-public.key")
    real = open(path).read()
    open(path, "w").write("ab" * 32 + "\n")
    d.start()
    assert d.stop()
    said = d.stderr_tail(20000)
    assert "audit-public.key did not hold the audit log's public key" in said and real.strip() in said, said
    assert open(path).read() == real
    d.start()
    assert d.stop()
    assert "did not hold" not in d.stderr_tail(20000)


def test_a_start_names_the_events_no_checkpoint_covers(tmp_path):
    """After a kill the events since the last checkpoint are signed at the next one, as they
    stand; the start says which they are, since deleted checkpoints would look the same."""
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="unsigned")["QueueUrl"]
    assert d.stop()
    d.start()
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    d.kill()  # the daemon signs every 10 s: these three are not signed yet
    d.start()
    said = d.stderr_tail(20000)
    assert "covered by no signed checkpoint" in said, said
    match = re.search(r"audit.positions=(\d+)-(\d+)", said)
    assert match and int(match.group(2)) - int(match.group(1)) + 1 == 3, said
    assert d.stop()
    d.start()
    assert d.stop()
    assert "covered by no signed checkpoint" not in d.stderr_tail(20000), "a clean stop left nothing unsigned"


def test_events_that_read_alike_share_one_stored_template(audited):
    d, _ = audited
    db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True, timeout=10)
    try:
        events, whole, templated = db.execute(
            "SELECT COUNT(*), SUM(length(record) > 0), SUM(template_id IS NOT NULL) FROM audit_events").fetchone()
        templates, = db.execute("SELECT COUNT(*) FROM audit_templates").fetchone()
        rows = db.execute("SELECT r.record, e.template_id, e.request_id FROM audit_records r JOIN audit_events e USING (position)")
        sends = [(json.loads(r), h, q) for r, h, q in rows if json.loads(r)["eventName"] == "SendMessage"]
    finally:
        db.close()
    assert whole == 0 and templated == events, "every new event stores only its own values beside a template"
    assert templates < events
    # The same caller sending to the same queue: one template, and each record still whole and distinct.
    allowed = [(r, h, q) for r, h, q in sends if r.get("errorCode") is None]
    by_template, sends_per_pair = {}, {}
    for record, template_id, request_id in allowed:
        assert record["requestID"] == request_id
        pair = (record["userIdentity"].get("arn"), record["requestParameters"]["queueUrl"])
        by_template.setdefault(pair, set()).add(template_id)
        sends_per_pair[pair] = sends_per_pair.get(pair, 0) + 1
    assert max(sends_per_pair.values()) >= 2
    assert all(len(hashes) == 1 for hashes in by_template.values()), by_template
    assert len({record["eventID"] for record, _, _ in allowed}) == len(allowed)


def test_a_modified_event_with_a_recomputed_hash_fails_its_signed_checkpoint(audited, tmp_path):
    d, _ = audited
    position, record = records(d.data_dir)[2]
    forged = json.dumps(record, separators=(",", ":")).replace("127.0.0.1", "10.9.9.9").encode()
    copy = tampered_copy(d, tmp_path, f"UPDATE audit_events SET record = x'{forged.hex()}', leaf_hash = {leaf_hash_sql(forged)}, "
                                      f"template_id = NULL WHERE position = {position}")
    p = verify(copy)
    assert p.returncode == 1 and "do not match signed checkpoint" in p.stdout, p.stdout


def test_an_inserted_event_fails_its_signed_checkpoint(audited, tmp_path):
    d, _ = audited
    _, record = records(d.data_dir)[0]
    record["eventID"] = str(uuid.uuid4())
    forged = json.dumps(record, separators=(",", ":")).encode()
    copy = tampered_copy(
        d, tmp_path,
        "UPDATE audit_events SET position = position + 100000 WHERE position >= 2",
        "UPDATE audit_events SET position = position - 99999 WHERE position >= 100002",
        f"INSERT INTO audit_events (position, event_id, event_time, record, leaf_hash) VALUES "
        f"(2, '{record['eventID']}', (SELECT event_time FROM audit_events WHERE position = 1), x'{forged.hex()}', "
        f"{leaf_hash_sql(forged)})")
    p = verify(copy)
    assert p.returncode == 1 and "checkpoint" in p.stdout, p.stdout


def test_a_reordered_log_with_consistent_hashes_fails_its_signed_checkpoint(audited, tmp_path):
    d, _ = audited
    copy = tampered_copy(d, tmp_path,
                         "UPDATE audit_events SET position = -1 WHERE position = 2",
                         "UPDATE audit_events SET position = 2 WHERE position = 3",
                         "UPDATE audit_events SET position = 3 WHERE position = -1")
    p = verify(copy)
    assert p.returncode == 1 and "do not match signed checkpoint" in p.stdout, p.stdout


def test_a_truncated_log_is_detected(audited, tmp_path):
    d, _ = audited
    last = records(d.data_dir)[-1][0]
    copy = tampered_copy(d, tmp_path, f"DELETE FROM audit_events WHERE position = {last}")
    p = verify(copy)
    assert p.returncode == 1 and "truncated" in p.stdout, p.stdout


def test_deleted_checkpoints_cannot_hide_a_rewrite_or_a_truncation(audited, tmp_path):
    """Whoever can write the database can delete every checkpoint and rewrite what they covered.
    The events left unsigned are too old to be awaiting a checkpoint, and a checkpoint saved
    elsewhere with `sealq audit checkpoint` no longer matches."""
    d, _ = audited
    events = records(d.data_dir)
    saved = run_sealq("audit", "checkpoint", "--data-dir", d.data_dir)
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert json.loads(saved.stdout)["treeSize"] == len(events), "the daemon signed everything at shutdown"
    kept = tmp_path / "kept-checkpoint.json"
    kept.write_text(saved.stdout)
    assert verify(d.data_dir, "--checkpoint", str(kept)).returncode == 0

    position, record = events[3]
    record["sourceIPAddress"] = "10.9.9.9"
    text = json.dumps(record, separators=(",", ":")).encode()
    leaf = hashlib.sha256(b"\x00" + text).hexdigest()
    rewritten = tampered_copy(d, tmp_path, "DELETE FROM audit_checkpoints",
                              f"UPDATE audit_events SET record = X'{text.hex()}', template_id = NULL, "
                              f"leaf_hash = X'{leaf}' WHERE position = {position}")
    # The daemon's own copy of its newest checkpoint, outside the database, pins the log.
    p = verify(rewritten)
    assert p.returncode == 1 and "do not match signed checkpoint" in p.stdout, p.stdout
    os.remove(os.path.join(rewritten, "audit-checkpoint.json"))  # as a forger would
    p = verify(rewritten, "--unsigned-grace", "0")
    assert p.returncode == 1 and "checkpoints were deleted" in p.stdout, p.stdout
    p = verify(rewritten, "--checkpoint", str(kept))
    assert p.returncode == 1 and "do not match signed checkpoint" in p.stdout, p.stdout
    refused = run_sealq("audit", "checkpoint", "--data-dir", rewritten, "--public-key",
                        run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip())
    assert refused.returncode != 0 and "treeSize" not in refused.stdout, "no signed checkpoint is left to print"
    if "no signed checkpoint yet" in refused.stderr:
        assert refused.returncode == 1 and "Usage" not in refused.stderr, "not a usage error"

    truncated = tampered_copy(d, tmp_path, "DELETE FROM audit_checkpoints",
                              f"DELETE FROM audit_events WHERE position > {len(events) - 3}")
    p = verify(truncated, "--checkpoint", str(kept))
    assert p.returncode == 1 and "truncated" in p.stdout, p.stdout


def test_a_database_put_back_to_an_older_copy_fails_verify_and_the_start_says_so(tmp_path):
    """The daemon keeps its newest checkpoint in DATA/audit-checkpoint.json too: a database
    rolled back to an earlier copy of itself (its later events and checkpoints gone) no longer
    reaches it."""
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="rolled")["QueueUrl"]
    assert d.stop()
    saved = run_sealq("audit", "checkpoint", "--data-dir", d.data_dir)
    kept = json.loads(open(os.path.join(d.data_dir, "audit-checkpoint.json")).read())
    assert kept == json.loads(saved.stdout), "the file holds the newest checkpoint, as sealq audit checkpoint prints it"
    older = tmp_path / "older.sqlite"
    shutil.copy(os.path.join(d.data_dir, "sealq.sqlite"), older)
    d.start()
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"later-{i}")
    assert d.stop()
    assert verify(d.data_dir).returncode == 0
    newest = json.loads(open(os.path.join(d.data_dir, "audit-checkpoint.json")).read())
    assert newest["treeSize"] > kept["treeSize"]
    for suffix in ("-wal", "-shm"):
        if os.path.exists(os.path.join(d.data_dir, "sealq.sqlite" + suffix)):
            os.remove(os.path.join(d.data_dir, "sealq.sqlite" + suffix))
    shutil.copy(older, os.path.join(d.data_dir, "sealq.sqlite"))
    p = verify(d.data_dir)
    assert p.returncode == 1 and "truncated" in p.stdout, p.stdout
    d.start()
    sqs.send_message(QueueUrl=url, MessageBody="after the rollback")
    assert d.stop()
    said = d.stderr_tail(20000)
    assert "the database holds less of the audit log than its last checkpoint" in said, said
    # The daemon signed on, but left the file alone: the gap is still reported.
    assert json.loads(open(os.path.join(d.data_dir, "audit-checkpoint.json")).read()) == newest
    p = verify(d.data_dir)
    assert p.returncode == 1, p.stdout


def test_after_a_clean_stop_the_checkpoint_file_holds_the_newest_checkpoint(tmp_path):
    """Under load the file takes a checkpoint at most every 10 s; a stop with nothing left to
    sign must still leave the newest one there, or a rollback to just before it would pass."""
    import concurrent.futures
    import time
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)

    def burst(count):
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: sqs.list_queues(), range(count)))
        time.sleep(1.5)  # the checkpoint service signs every 1,000 events, looking once a second

    burst(1050)  # the first checkpoint, which the file takes
    burst(1050)  # a second one within 10 s of it: the file waits
    assert d.stop()
    newest = json.loads(run_sealq("audit", "checkpoint", "--data-dir", d.data_dir).stdout)
    assert newest["treeSize"] >= 2100
    kept = json.loads(open(os.path.join(d.data_dir, "audit-checkpoint.json")).read())
    assert kept == newest


def test_inclusion_and_consistency_proofs_check_with_the_public_key_alone(audited, tmp_path):
    d, _ = audited
    events = records(d.data_dir)
    key = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()
    position, record = events[len(events) // 2]
    p = run_sealq("audit", "prove", record["eventID"], "--data-dir", d.data_dir)
    assert p.returncode == 0, p.stderr
    proof = json.loads(p.stdout)
    assert proof["position"] == position and proof["checkpoint"]["treeSize"] >= position
    proof_file = tmp_path / "inclusion.json"
    proof_file.write_text(p.stdout)
    checked = run_sealq("audit", "check-proof", str(proof_file), "--public-key", key)
    assert checked.returncode == 0 and f"is event {position}" in checked.stdout, checked.stdout + checked.stderr
    assert json.loads(proof["record"]) == record, "the proof carries the record it proves"
    # A proof for another event's leaf, naming another event, with an edited record, or under
    # another key, does not hold.
    other_id = events[len(events) // 2 + 1][1]["eventID"]
    edited = json.loads(proof["record"])
    edited["eventName"] = "Forged"
    for forged in (dict(proof, leafHash=hashlib.sha256(b"\x00forged").hexdigest()),
                   dict(proof, eventID=other_id),
                   dict(proof, eventID="anything I like"),
                   dict(proof, record=json.dumps(edited, separators=(",", ":")))):
        proof_file.write_text(json.dumps(forged))
        refused = run_sealq("audit", "check-proof", str(proof_file), "--public-key", key)
        assert refused.returncode == 1 and "does not" in refused.stdout, refused.stdout
    # A proof from before proofs carried their record is named as such, not called a forgery.
    proof_file.write_text(json.dumps({k: v for k, v in proof.items() if k != "record"}))
    old = run_sealq("audit", "check-proof", str(proof_file), "--public-key", key)
    assert old.returncode == 1 and "from an older SealQ" in old.stdout + old.stderr, old.stdout + old.stderr
    proof_file.write_text(p.stdout)
    assert run_sealq("audit", "check-proof", str(proof_file), "--public-key", "11" * 32).returncode == 1
    # Consistency between the first and the last checkpoint.
    db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True)
    sizes = [size for (size,) in db.execute("SELECT tree_size FROM audit_checkpoints ORDER BY tree_size")]
    db.close()
    assert len(sizes) >= 2 and sizes[0] < sizes[-1]
    p = run_sealq("audit", "prove", "--consistency", str(sizes[0]), str(sizes[-1]), "--data-dir", d.data_dir)
    assert p.returncode == 0, p.stderr
    proof_file.write_text(p.stdout)
    checked = run_sealq("audit", "check-proof", str(proof_file), "--public-key", key)
    assert checked.returncode == 0 and "extends" in checked.stdout, checked.stdout
    consistency = json.loads(p.stdout)
    assert consistency["proof"], "sizes differ, so the proof has nodes"
    consistency["proof"][0] = "00" * 32
    proof_file.write_text(json.dumps(consistency))
    assert run_sealq("audit", "check-proof", str(proof_file), "--public-key", key).returncode == 1
    unknown = run_sealq("audit", "prove", "no-such-event", "--data-dir", d.data_dir)
    assert unknown.returncode != 0 and "No event" in unknown.stderr + unknown.stdout


def test_key_usage_report_matches_the_traffic(tmp_path):
    policies = write_policies_dir(str(tmp_path / "policies"), {"Users": [
        {"Name": "admin", "Policies": ["administrator"]},
        {"Name": "producer", "Policies": ["kms-user"]}, {"Name": "consumer", "Policies": ["kms-user"]},
    ], "Roles": [], "Groups": []}, {
        "administrator": POLICIES["administrator"],
        "kms-user": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sqs:*", "kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}})
    d = Daemon(str(tmp_path), policies_dir=policies)
    keys = {n: create_access_key(n, d.data_dir, policies) for n in ("producer", "consumer")}
    d.start()
    try:
        import boto3
        from botocore.config import Config
        kms = boto3.session.Session().client(
            "kms", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id="AKIAE2ETESTADMIN0001",
            aws_secret_access_key=ADMIN_SECRET, config=Config(retries={"max_attempts": 1}))
        key = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/usage", TargetKeyId=key["KeyId"])
        admin = make_client(d)
        queue = admin.create_queue(QueueName="usage", Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
        producer, consumer = make_client(d, *keys["producer"]), make_client(d, *keys["consumer"])
        for i in range(5):
            producer.send_message(QueueUrl=queue, MessageBody=f"m{i}")
        got = 0
        while got < 5:
            got += len(consumer.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []))
        for _ in range(2):
            kms.encrypt(KeyId=key["KeyId"], Plaintext=b"direct")
        # A direct call carrying the queue's context is not a use the queue service made.
        producer_kms = boto3.session.Session().client(
            "kms", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id=keys["producer"][0],
            aws_secret_access_key=keys["producer"][1], config=Config(retries={"max_attempts": 1}))
        producer_kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256",
                                       EncryptionContext={"aws:sqs:arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:usage"})
    finally:
        d.stop()
    p = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--key", key["KeyId"], "--output", "json")
    assert p.returncode == 0, p.stderr
    assert "\\/" not in p.stdout and ":user/producer" in p.stdout, "ARNs as written, slashes not escaped"
    rows = {(r["principalArn"].rsplit("/", 1)[1], r.get("queueArn"), r["operation"]): r["count"] for r in json.loads(p.stdout)}
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:usage"
    assert rows == {("producer", queue_arn, "GenerateDataKey"): 1, ("producer", queue_arn, "Decrypt"): 1,
                    ("consumer", queue_arn, "Decrypt"): 1,
                    ("admin", None, "Encrypt"): 2, ("producer", None, "GenerateDataKey"): 1}, rows
    by_alias = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--key", "alias/usage", "--output", "json")
    assert by_alias.returncode == 0 and json.loads(by_alias.stdout) == json.loads(p.stdout), by_alias.stdout + by_alias.stderr
    alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/usage"
    by_alias_arn = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--key", alias_arn, "--output", "json")
    assert json.loads(by_alias_arn.stdout) == json.loads(p.stdout), by_alias_arn.stdout + by_alias_arn.stderr
    unknown = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--key", "alias/nothing")
    assert unknown.returncode != 0 and "No alias alias/nothing" in unknown.stderr, unknown.stderr
    later = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--since", "2999-01-01T00:00:00Z")
    assert "No key uses recorded" in later.stdout
    text = run_sealq("audit", "key-usage", "--data-dir", d.data_dir).stdout
    assert key["Arn"] in text and "GenerateDataKey" in text


def test_lookup_events_finds_the_denied_send_by_user_name_with_aws_cli_and_boto3(audited):
    d, _ = audited
    d.start()
    try:
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAE2ETESTADMIN0001", AWS_SECRET_ACCESS_KEY=ADMIN_SECRET,
                   AWS_DEFAULT_REGION="us-east-1")
        p = subprocess.run([shutil.which("aws"), "cloudtrail", "lookup-events", "--endpoint-url", d.url,
                            "--lookup-attributes", "AttributeKey=Username,AttributeValue=producer", "--output", "json"],
                           capture_output=True, text=True, env=env, timeout=60)
        assert p.returncode == 0, p.stderr
        events = json.loads(p.stdout)["Events"]
        assert {e["EventName"] for e in events} == {"SendMessage"} and len(events) == 3
        denied = [json.loads(e["CloudTrailEvent"]) for e in events if "AccessDenied" in e["CloudTrailEvent"]]
        assert len(denied) == 1 and denied[0]["additionalEventData"]["authorization"]["decidingStatements"][0]["sid"] == "NeverToSecret"
        assert all(e["Username"] == "producer" for e in events)
        assert events[0]["EventTime"] >= events[1]["EventTime"], "newest first"

        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError
        trail = boto3.session.Session().client(
            "cloudtrail", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id="AKIAE2ETESTADMIN0001",
            aws_secret_access_key=ADMIN_SECRET, config=Config(retries={"max_attempts": 1}))
        # Several attributes combine (beyond CloudTrail), data events included.
        both = trail.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "SendMessage"},
            {"AttributeKey": "ResourceName", "AttributeValue": "secret-plans"}])["Events"]
        assert len(both) == 1 and both[0]["Resources"][0]["ResourceType"] == "AWS::SQS::Queue"
        # Paging: every event exactly once, newest first.
        everything, token = [], None
        while True:
            page = trail.lookup_events(MaxResults=3, **({"NextToken": token} if token else {}))
            everything += page["Events"]
            token = page.get("NextToken")
            if not token:
                break
        ids = [e["EventId"] for e in everything]
        assert len(ids) == len(set(ids)) >= 10
        assert sorted(ids) == sorted(r["eventID"] for _, r in records(d.data_dir) if r["eventID"] in ids)
        for kwargs, code in [
            ({"LookupAttributes": [{"AttributeKey": "Colour", "AttributeValue": "blue"}]}, "InvalidLookupAttributesException"),
            ({"StartTime": 2_000_000_000, "EndTime": 1_000_000_000}, "InvalidTimeRangeException"),
            ({"MaxResults": 51}, "InvalidMaxResultsException"),
            ({"NextToken": "bm90IGEgdG9rZW4="}, "InvalidNextTokenException"),
            ({"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "yes"}]}, "InvalidLookupAttributesException"),
            # A token made up to look like ours (right filters, a position no page ended at).
            ({"NextToken": base64.b64encode(b"v1:999999:" + hashlib.sha256(b"\n-\n-").hexdigest()[:16].encode()).decode()},
             "InvalidNextTokenException"),
        ]:
            with pytest.raises(ClientError) as error:
                trail.lookup_events(**kwargs)
            assert error.value.response["Error"]["Code"] == code, (kwargs, error.value.response)
        # ReadOnly matches either case; eventTime has whole seconds, and a bound of that second includes it.
        read_only = trail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "True"}])["Events"]
        assert read_only and all(e["ReadOnly"] == "true" for e in read_only)
        newest = trail.lookup_events(MaxResults=1)["Events"][0]
        same_second = trail.lookup_events(StartTime=newest["EventTime"], EndTime=newest["EventTime"])["Events"]
        assert newest["EventId"] in [e["EventId"] for e in same_second]
        # A token from one query does not continue another.
        token = trail.lookup_events(MaxResults=1)["NextToken"]
        with pytest.raises(ClientError) as error:
            trail.lookup_events(MaxResults=1, NextToken=token,
                                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateQueue"}])
        assert error.value.response["Error"]["Code"] == "InvalidNextTokenException"
        # Signatures are checked as everywhere else.
        forged = boto3.session.Session().client(
            "cloudtrail", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id="AKIAE2ETESTADMIN0001",
            aws_secret_access_key="wrong", config=Config(retries={"max_attempts": 1}))
        with pytest.raises(ClientError) as error:
            forged.lookup_events()
        assert error.value.response["Error"]["Code"] == "InvalidSignatureException"
    finally:
        d.stop()


def test_sealq_audit_lookup_on_the_command_line(audited):
    d, _ = audited
    p = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "Username=producer",
                  "--attribute", "EventName=SendMessage")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(lines) == 3 and all(e["userIdentity"]["userName"] == "producer" for e in lines)
    assert [e.get("errorCode") for e in lines].count("AccessDenied") == 1
    limited = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--max-results", "3")
    assert len(limited.stdout.splitlines()) == 3
    bad = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "Colour=blue")
    assert bad.returncode != 0 and "InvalidLookupAttributesException" in bad.stderr


def test_oversized_values_of_refused_calls_are_cut_in_the_record(tmp_path):
    """An unsigned caller's 200 KB queue name and user agent must not land in the append-only log
    (or the template cache) whole: texts of failed or refused calls are cut to 1 KiB, marked."""
    import requests
    d = Daemon(str(tmp_path))
    d.start()
    try:
        huge = "q" * 200_000
        for headers, body in (({"X-Amz-Target": "AmazonSQS.GetQueueUrl", "Content-Type": "application/x-amz-json-1.0",
                                "User-Agent": "ua-" + "u" * 20_000}, json.dumps({"QueueName": huge})),
                              ({"Content-Type": "application/x-www-form-urlencoded"},
                               f"Action=SendMessage&Version=2012-11-05&QueueUrl={d.url}/{ACCOUNT}/{huge}&MessageBody=x")):
            r = requests.post(d.url + "/", data=body, headers=headers, timeout=30)
            assert 400 <= r.status_code < 500, r.status_code
        signed = make_client(d)
        with pytest.raises(Exception):
            signed.get_queue_url(QueueName=huge)
    finally:
        d.stop()
    texts = [json.dumps(e) for _, e in records(d.data_dir)]
    assert all(len(text) < 8_000 for text in texts), max(len(text) for text in texts)
    assert sum("bytes cut]" in text for text in texts) == 3, [t[:300] for t in texts]
    db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True)
    (size,) = db.execute("SELECT SUM(LENGTH(template)) FROM audit_templates").fetchone()
    db.close()
    assert size < 100_000, size


def test_sigkill_under_load_loses_no_record_of_an_acknowledged_request(tmp_path):
    import threading
    import time
    d = Daemon(str(tmp_path))
    d.start()
    url = make_client(d).create_queue(QueueName="crash")["QueueUrl"]
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    def send(worker):
        client = make_client(d, connect_timeout=2, read_timeout=5)
        n = 0
        while not stop.is_set():
            try:
                response = client.send_message(QueueUrl=url, MessageBody=f"w{worker}-{n}")
            except Exception:
                return
            with lock:
                acknowledged.append(response["ResponseMetadata"]["RequestId"])
            n += 1

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    d.kill()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acknowledged) > 50
    d.start()
    try:
        stored = int(make_client(d).get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])
    finally:
        d.stop()
    events = [r for _, r in records(d.data_dir)]
    sent = {e["requestID"] for e in events if e["eventName"] == "SendMessage" and "errorCode" not in e}
    missing = set(acknowledged) - sent
    assert not missing, f"{len(missing)} acknowledged sends have no record"
    # Each stored message committed together with its record: no change without a record.
    assert stored == len(sent), (stored, len(sent))
    p = verify(d.data_dir)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout


def test_export_writes_cloudtrail_files_that_verify_and_tampering_is_found(audited, tmp_path):
    d, marker = audited
    out = tmp_path / "export"
    p = run_sealq("audit", "export", str(out), "--data-dir", d.data_dir)
    assert p.returncode == 0 and "Exported" in p.stdout, p.stdout + p.stderr
    again = run_sealq("audit", "export", str(out), "--data-dir", d.data_dir)
    assert "0 events in 0 new files" in again.stdout
    # A destination that is a file, or cannot be made, is said in one plain line.
    for bad in (tmp_path / "a-file", "/proc/no-such-dir", tmp_path / "a-file" / "below"):
        if bad == tmp_path / "a-file":
            bad.write_text("x")
        refused = run_sealq("audit", "export", str(bad), "--data-dir", d.data_dir)
        assert refused.returncode == 1 and str(bad) in refused.stderr, refused.stderr
        assert "Domain" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    files = sorted(os.listdir(out))
    gz = [f for f in files if f.endswith(".json.gz")]
    assert gz and len(gz) * 2 == len(files)
    exported = []
    packed = unpacked = 0
    for name in gz:
        with gzip.open(out / name) as f:
            body = f.read()
        exported += json.loads(body)["Records"]
        packed, unpacked = packed + os.path.getsize(out / name), unpacked + len(body)
    # Compressed, as CloudTrail's log files are: records repeat their field names and values.
    assert packed * 3 < unpacked, (packed, unpacked)
    assert [r["eventID"] for r in exported] == [r["eventID"] for _, r in records(d.data_dir)][:len(exported)]
    assert marker not in json.dumps(exported)
    key = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()

    def check(directory, key=key):
        return run_sealq("audit", "verify", "--export", str(directory), "--public-key", key, "--data-dir", d.data_dir)

    p = check(out)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout

    def copy():
        target = tmp_path / f"copy-{uuid.uuid4().hex[:6]}"
        shutil.copytree(out, target)
        return target

    first = gz[0]
    digest_of = lambda name: name[:-len(".json.gz")] + ".digest.json"
    # A changed record (file rewritten).
    c = copy()
    with gzip.open(c / first) as f:
        body = f.read().replace(b"127.0.0.1", b"10.9.9.9", 1)
    with gzip.open(c / first, "wb") as f:
        f.write(body)
    p = check(c)
    assert p.returncode == 1 and "modified" in p.stdout, p.stdout
    # ...with its digest's hash updated too: the signed root catches it.
    digest = json.loads((c / digest_of(first)).read_text())
    digest["fileSHA256"] = hashlib.sha256((c / first).read_bytes()).hexdigest()
    (c / digest_of(first)).write_text(json.dumps(digest))
    p = check(c)
    assert p.returncode == 1 and ("checkpoint" in p.stdout or "not a SealQ export" in p.stdout), p.stdout
    # A truncated file, a foreign file, a missing digest, a wrong key.
    c = copy()
    data = (c / first).read_bytes()
    (c / first).write_bytes(data[: len(data) // 2])
    assert check(c).returncode == 1
    c = copy()
    (c / "notes.txt").write_text("hello")
    p = check(c)
    assert p.returncode == 1 and "notes.txt" in p.stdout, p.stdout
    c = copy()
    os.remove(c / digest_of(first))
    assert check(c).returncode == 1
    assert check(out, key="22" * 32).returncode == 1
    # The newest files removed: only a checkpoint kept elsewhere can tell.
    kept = tmp_path / "kept.json"
    kept.write_text(run_sealq("audit", "checkpoint", "--data-dir", d.data_dir).stdout)
    c = copy()
    os.remove(c / gz[-1])
    os.remove(c / digest_of(gz[-1]))
    assert check(c).returncode == 0
    p = run_sealq("audit", "verify", "--export", str(c), "--public-key", key, "--checkpoint", str(kept))
    assert p.returncode == 1 and "truncated" in p.stdout, p.stdout
    # An empty or missing directory is not a sound export.
    empty = tmp_path / "empty"
    empty.mkdir()
    p = check(empty)
    assert p.returncode == 1 and "holds no audit export" in p.stdout, p.stdout
    p = check(tmp_path / "no-such-dir")
    assert p.returncode != 0 and "Cannot read" in p.stderr and "NSCocoaErrorDomain" not in p.stderr, p.stderr


def test_the_cloudtrail_layout_files_a_span_under_the_daemons_region_whatever_its_first_record(tmp_path):
    """IAM's records say us-east-1 (a global service); a daemon serving eu-west-1 whose span
    starts with an IAM call still files that span under eu-west-1, where its SQS events belong."""
    d = Daemon(str(tmp_path / "d"), extra_args=["--region", "eu-west-1"])
    d.start()
    try:
        boto3.client("iam", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id=ADMIN_KEY,
                     aws_secret_access_key=ADMIN_SECRET).list_access_keys()
        sqs = boto3.client("sqs", endpoint_url=d.url, region_name="eu-west-1", aws_access_key_id=ADMIN_KEY,
                           aws_secret_access_key=ADMIN_SECRET)
        sqs.send_message(QueueUrl=sqs.create_queue(QueueName="regional")["QueueUrl"], MessageBody="x")
    finally:
        d.stop()
    out = tmp_path / "trail"
    p = run_sealq("audit", "export", str(out), "--data-dir", d.data_dir, "--layout", "cloudtrail")
    assert p.returncode == 0, p.stdout + p.stderr
    files = [json.loads((out / n).read_text())["file"] for n in os.listdir(out) if n.endswith(".digest.json")]
    assert files and all(f.startswith(f"AWSLogs/{ACCOUNT}/CloudTrail/eu-west-1/") and "_CloudTrail_eu-west-1_" in f
                         for f in files), files
    names = []
    for f in files:
        with gzip.open(out / f) as records_file:
            names += [r["eventName"] for r in json.load(records_file)["Records"]]
    assert "ListAccessKeys" in names and "SendMessage" in names, names


def test_export_in_cloudtrail_layout_puts_records_where_cloudtrail_delivers_them_and_verifies(audited, tmp_path):
    d, marker = audited
    out = tmp_path / "trail"
    p = run_sealq("audit", "export", str(out), "--data-dir", d.data_dir, "--layout", "cloudtrail")
    assert p.returncode == 0 and "Exported" in p.stdout, p.stdout + p.stderr
    digests = sorted(name for name in os.listdir(out) if name.endswith(".digest.json"))
    assert digests and sorted(os.listdir(out)) == sorted(digests + ["AWSLogs"])
    pattern = re.compile(rf"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/(\d{{4}})/(\d{{2}})/(\d{{2}})/"
                         rf"{ACCOUNT}_CloudTrail_{REGION}_(\d{{4}})(\d{{2}})(\d{{2}})T\d{{4}}Z_[0-9A-Z]{{16}}\.json\.gz")
    exported = []
    for name in digests:
        digest = json.loads((out / name).read_text())
        found = pattern.fullmatch(digest["file"])
        assert found, digest["file"]
        assert found.group(1, 2, 3) == found.group(4, 5, 6), "the folders carry the file name's date"
        assert digest["checkpoint"]["timestamp"] // 1000 // 86400 == (
            datetime.date(*map(int, found.group(1, 2, 3))) - datetime.date(1970, 1, 1)).days
        with gzip.open(out / digest["file"]) as f:
            exported += json.load(f)["Records"]
    assert [r["eventID"] for r in exported] == [r["eventID"] for _, r in records(d.data_dir)][:len(exported)]
    assert marker not in json.dumps(exported)
    key = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()
    p = run_sealq("audit", "verify", "--export", str(out), "--public-key", key)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout
    # The export moved elsewhere and reached through a link still verifies.
    linked = tmp_path / "linked-trail"
    os.symlink(out, linked)
    p = run_sealq("audit", "verify", "--export", str(linked), "--public-key", key)
    assert p.returncode == 0 and "sound" in p.stdout, p.stdout
    # A link in the tree is not followed: it is a file no digest names.
    os.symlink("/etc", out / "AWSLogs" / "elsewhere")
    p = run_sealq("audit", "verify", "--export", str(out), "--public-key", key)
    assert p.returncode == 1 and "elsewhere" in p.stdout, p.stdout
    os.unlink(out / "AWSLogs" / "elsewhere")
    # A file dropped into the tree, or a digest sent outside the export, is damage.
    first = json.loads((out / digests[0]).read_text())["file"]
    stray = out / os.path.dirname(first) / "extra.json.gz"
    stray.write_bytes(b"")
    p = run_sealq("audit", "verify", "--export", str(out), "--public-key", key)
    assert p.returncode == 1 and "extra.json.gz" in p.stdout, p.stdout
    stray.unlink()
    digest = json.loads((out / digests[0]).read_text())
    digest["file"] = "../" + digest["file"]
    (out / digests[0]).write_text(json.dumps(digest))
    p = run_sealq("audit", "verify", "--export", str(out), "--public-key", key)
    assert p.returncode == 1 and "outside the export" in p.stdout, p.stdout


def test_retention_archives_old_events_and_both_halves_still_verify(tmp_path):
    import time
    # About 13 seconds: longer than the 10 s a first checkpoint may wait, so the events are
    # still young when it is signed and only the idle daemon's own look archives them.
    d = Daemon(str(tmp_path), extra_args=["--audit-retention-days", "0.00015"])
    d.start()
    try:
        sqs = make_client(d)
        url = sqs.create_queue(QueueName="kept")["QueueUrl"]
        for i in range(20):
            sqs.send_message(QueueUrl=url, MessageBody=f"old-{i}")
        # No request from here on: an idle daemon archives too, once the events have aged.
        archive = os.path.join(d.data_dir, "audit-archive")
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (os.path.isdir(archive) and os.listdir(archive)):
            time.sleep(0.5)
        time.sleep(1)
        assert os.listdir(archive), "nothing was archived"
        for i in range(5):
            sqs.send_message(QueueUrl=url, MessageBody=f"new-{i}")
    finally:
        d.stop()
    db = sqlite3.connect(f"file:{d.data_dir}/sealq.sqlite?mode=ro", uri=True)
    (first,), = db.execute("SELECT MIN(position) FROM audit_events")
    (through,), = db.execute("SELECT MAX(through_position) FROM audit_archive")
    db.close()
    assert first == through + 1 and through >= 21
    live = verify(d.data_dir)
    assert live.returncode == 0 and "sound" in live.stdout, live.stdout
    key = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()
    exported = run_sealq("audit", "verify", "--export", archive, "--public-key", key)
    assert exported.returncode == 0 and "sound" in exported.stdout, exported.stdout
    # Only archived events may go; the rest stay append-only.
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_events WHERE position = ?", (first,))
    db.close()
    # The archived events are part of the log: without their export, the log does not verify.
    moved = archive + ".elsewhere"
    os.rename(archive, moved)
    gone = verify(d.data_dir)
    assert gone.returncode == 1 and "marked archived" in gone.stdout, gone.stdout
    found = run_sealq("audit", "verify", "--data-dir", d.data_dir, "--archive", moved)
    assert found.returncode == 0 and "sound" in found.stdout, found.stdout


def test_retention_prunes_what_only_archived_events_needed_and_the_log_still_verifies(tmp_path):
    """Each Encrypt with a new encryption context stores a new record template. Once its events
    are archived, the template goes (with the checkpoints behind the cut); a later call alike
    stores it again, and its record reads back whole."""
    import boto3
    d = Daemon(str(tmp_path), extra_args=["--audit-retention-days", "0.00015"], env={"SEALQ_AUDIT_ARCHIVE_LAYOUT": "cloudtrail"})
    d.start()
    path = os.path.join(d.data_dir, "sealq.sqlite")

    def count(sql):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            (n,), = db.execute(sql)
            return n
        finally:
            db.close()

    try:
        kms = kms_client(d)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for i in range(40):
            kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"case": f"c{i}"})
        before = count("SELECT COUNT(*) FROM audit_templates")
        assert before >= 40
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and count("SELECT COUNT(*) FROM audit_templates") > before - 40:
            time.sleep(0.5)
        assert count("SELECT COUNT(*) FROM audit_templates") <= before - 40, "the archived events' templates are still stored"
        cut = count("SELECT MAX(through_position) FROM audit_archive")
        assert count("SELECT COUNT(*) FROM audit_archive") == 1
        assert count(f"SELECT COUNT(*) FROM audit_checkpoints WHERE tree_size < {cut}") == 0
        assert count(f"SELECT COUNT(*) FROM audit_checkpoints WHERE tree_size = {cut}") == 1
        # The same call as an archived one: its template was known to the daemon, and is gone.
        kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"case": "c7"})
        trail = boto3.client("cloudtrail", endpoint_url=d.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
                             aws_secret_access_key=ADMIN_SECRET)
        found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "Encrypt"}])["Events"]
        assert len(found) == 1, [e["EventName"] for e in found]
        record = json.loads(found[0]["CloudTrailEvent"])
        assert record["requestParameters"]["encryptionContext"] == {"case": "c7"}
    finally:
        d.stop()
    assert b"audit log pruned behind the archive cut" in d.logs()
    live = verify(d.data_dir)
    assert live.returncode == 0 and "sound" in live.stdout, live.stdout
    # Every checkpoint kept counts, the one at the cut included.
    assert f" {count('SELECT COUNT(*) FROM audit_checkpoints')} signed checkpoints" in live.stdout, live.stdout
    key_hex = run_sealq("audit", "public-key", "--data-dir", d.data_dir).stdout.strip()
    archive = os.path.join(d.data_dir, "audit-archive")
    exported = run_sealq("audit", "verify", "--export", archive, "--public-key", key_hex)
    assert exported.returncode == 0 and "sound" in exported.stdout, exported.stdout
    assert os.path.isdir(os.path.join(archive, "AWSLogs", ACCOUNT, "CloudTrail", REGION)), os.listdir(archive)


def test_a_forged_archive_cut_cannot_hide_deleted_events(tmp_path):
    """Writing an archive cut (at a real checkpoint's state) lets the start of the log be
    deleted through the schema's one door; the missing export gives it away."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        url = sqs.create_queue(QueueName="evidence")["QueueUrl"]
        for i in range(10):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
        import time
        time.sleep(2.5)  # a checkpoint a second
        for i in range(10):
            sqs.send_message(QueueUrl=url, MessageBody=f"n{i}")
    finally:
        d.stop()
    assert verify(d.data_dir).returncode == 0
    db = sqlite3.connect(os.path.join(d.data_dir, "sealq.sqlite"))
    size, state = db.execute("SELECT tree_size, tree_state FROM audit_checkpoints WHERE tree_state IS NOT NULL "
                             "ORDER BY tree_size LIMIT 1").fetchone()
    db.execute("INSERT INTO audit_archive (through_position, tree_state, archived_at) VALUES (?, ?, 0)", (size, state))
    db.execute("DELETE FROM audit_events WHERE position <= ?", (size,))
    db.commit()
    db.close()
    forged = verify(d.data_dir)
    assert forged.returncode == 1 and "marked archived" in forged.stdout, forged.stdout


def test_direct_kms_calls_record_their_parameters_but_no_plaintext(tmp_path):
    import boto3
    from botocore.config import Config
    d = Daemon(str(tmp_path))
    d.start()
    try:
        kms = boto3.session.Session().client(
            "kms", endpoint_url=d.url, region_name="us-east-1", aws_access_key_id="AKIAE2ETESTADMIN0001",
            aws_secret_access_key=ADMIN_SECRET, config=Config(retries={"max_attempts": 1}))
        key = kms.create_key(Description="audited")["KeyMetadata"]["KeyId"]
        secret = b"PLAINTEXT-NEVER-IN-THE-LOG"
        blob = kms.encrypt(KeyId=key, Plaintext=secret, EncryptionContext={"purpose": "audit"})["CiphertextBlob"]
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "audit"})
        kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        grantee = f"arn:aws:iam::{ACCOUNT}:user/consumer"
        grant = kms.create_grant(KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"], Name="reader",
                                 Constraints={"EncryptionContextSubset": {"purpose": "audit"}})
        kms.revoke_grant(KeyId=key, GrantId=grant["GrantId"])
        policy = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]})
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy)
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        sqs = make_client(d)
        url = sqs.create_queue(QueueName="audited-settings", Attributes={"DelaySeconds": "5"}, tags={"team": "blue"})["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
        sqs.tag_queue(QueueUrl=url, Tags={"cost": "7"})
        sqs.untag_queue(QueueUrl=url, TagKeys=["cost"])
    finally:
        d.stop()
    everything = [e for _, e in records(d.data_dir)]
    sqs_events = {e["eventName"]: e for e in everything if e["eventSource"] == "sqs.amazonaws.com"}
    assert sqs_events["CreateQueue"]["requestParameters"] == {
        "queueName": "audited-settings", "attributes": {"DelaySeconds": "5"}, "tags": {"team": "blue"}}
    assert sqs_events["SetQueueAttributes"]["requestParameters"] == {"queueUrl": url, "attributes": {"VisibilityTimeout": "60"}}
    assert sqs_events["TagQueue"]["requestParameters"]["tags"] == {"cost": "7"}
    assert sqs_events["UntagQueue"]["requestParameters"]["tagKeys"] == ["cost"]
    events = {e["eventName"]: e for e in everything if e["eventSource"] == "kms.amazonaws.com"}
    # Who was granted what (never the grant token), and the policy that was put.
    assert events["CreateGrant"]["requestParameters"] == {
        "keyId": key, "granteePrincipal": grantee, "operations": ["Decrypt"],
        "constraints": {"encryptionContextSubset": {"purpose": "audit"}}, "name": "reader"}
    assert grant["GrantToken"] not in json.dumps(everything)
    # ct-creategrant.md: the record names the grant a later RevokeGrant or RetireGrant names.
    assert events["CreateGrant"]["responseElements"] == {"grantId": grant["GrantId"]}
    assert events["RevokeGrant"]["requestParameters"] == {"keyId": key, "grantId": grant["GrantId"]}
    assert events["PutKeyPolicy"]["requestParameters"] == {
        "keyId": key, "policyName": "default", "policy": policy, "bypassPolicyLockoutSafetyCheck": False}
    assert events["Encrypt"]["requestParameters"] == {
        "keyId": key, "encryptionContext": {"purpose": "audit"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    assert events["Decrypt"]["requestParameters"]["encryptionContext"] == {"purpose": "audit"}
    assert events["GenerateDataKey"]["requestParameters"] == {"keyId": key, "keySpec": "AES_256"}
    assert events["ScheduleKeyDeletion"]["requestParameters"] == {"keyId": key, "pendingWindowInDays": 7}
    assert events["CreateKey"]["requestParameters"]["description"] == "audited"
    assert [events[n]["readOnly"] for n in ("Encrypt", "Decrypt", "GenerateDataKey", "ScheduleKeyDeletion", "CreateKey")] \
        == [True, True, True, False, False]
    assert b"PLAINTEXT-NEVER-IN-THE-LOG" not in json.dumps(list(events.values())).encode()


def test_a_refused_signature_is_recorded_with_the_access_key_it_claimed(tmp_path):
    """Who tried a leaked key with the wrong secret: the record of the refused call names the key
    it claimed, so a lookup by AccessKeyId finds the attempts."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        forged = make_client(d, "AKIAE2ETESTADMIN0001", "not-the-secret")
        with pytest.raises(Exception):
            forged.list_queues()
    finally:
        d.stop()
    refused = [r for _, r in records(d.data_dir) if r.get("errorCode") == "SignatureDoesNotMatch"]
    assert len(refused) == 1
    assert refused[0]["userIdentity"] == {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL",
                                          "accessKeyId": "AKIAE2ETESTADMIN0001"}, refused[0]["userIdentity"]
    p = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "AccessKeyId=AKIAE2ETESTADMIN0001")
    assert any(json.loads(line).get("errorCode") == "SignatureDoesNotMatch" for line in p.stdout.splitlines()), p.stdout


def test_a_long_poll_is_recorded_when_it_completes(tmp_path):
    """CloudTrail's eventTime is "the date and time the request was completed": a receive that
    waits for a message is recorded after the send that woke it, at its end, once; a wait that
    ends empty likewise; and one the daemon dies in the middle of leaves no record of success."""
    import threading
    d = Daemon(str(tmp_path))
    d.start()
    sqs = make_client(d)
    url = sqs.create_queue(QueueName="long-poll", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    got = {}
    waiter = threading.Thread(target=lambda: got.update(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)))
    waiter.start()
    time.sleep(2.5)
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    waiter.join()
    assert [m["Body"] for m in got["Messages"]] == ["wake up"]
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)  # ends empty
    def wait_until_killed():
        with pytest.raises(Exception):  # the daemon dies under it
            make_client(d).receive_message(QueueUrl=url, WaitTimeSeconds=20)
    hanging = threading.Thread(target=wait_until_killed, daemon=True)
    hanging.start()
    time.sleep(1.5)
    d.kill()
    events = [(pos, r) for pos, r in records(d.data_dir) if r["eventName"] in ("SendMessage", "ReceiveMessage")]
    assert [r["eventName"] for _, r in events] == ["SendMessage", "ReceiveMessage", "ReceiveMessage"], events
    (_, sent), (_, woken), (_, empty) = events
    parse = lambda r: datetime.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
    assert parse(woken) >= parse(sent), (sent["eventTime"], woken["eventTime"])
    assert (parse(empty) - parse(woken)).total_seconds() >= 1, "the empty wait is recorded at its end"
    assert len({r["requestID"] for _, r in events}) == 3 and all("errorCode" not in r for _, r in events)


def test_a_receive_that_cannot_open_its_messages_has_one_record_with_its_error(tmp_path):
    """A receive whose messages are under a disabled key gives its claim back and fails with
    KMS.DisabledException: one ReceiveMessage record, with that error and after the refused key
    use, never a record of a success that did not happen."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs, kms = make_client(d), kms_client(d)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        url = sqs.create_queue(QueueName="unreadable", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="sealed")
        kms.disable_key(KeyId=key)
        with pytest.raises(Exception) as refused:
            sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert "KMS.DisabledException" in str(refused.value)
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "1", "the claim was given back"
    finally:
        d.stop()
    events = [r for _, r in records(d.data_dir)]
    receives = [r for r in events if r["eventName"] == "ReceiveMessage"]
    assert len(receives) == 1 and receives[0]["errorCode"] == "KMS.DisabledException", receives
    same = [r["eventName"] for r in events if r["requestID"] == receives[0]["requestID"]]
    assert same == ["Decrypt", "ReceiveMessage"], same


def test_a_secret_claimed_as_the_access_key_id_is_never_recorded(tmp_path):
    """A client with its key id and secret swapped signs with its secret in the Credential's key
    id place: the refused call is recorded without it (no part of it), not in the append-only log."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        for secret in ("f0aZVZzZcSyFizAChyZi0jG5IYkZ+Z9Y3S9DZ0Nm", "wJalrXUtnFEMIK7MDENG/bPxRfiCYEXAMPLEKEY"):
            with pytest.raises(Exception):
                make_client(d, secret, "AKIAE2ETESTADMIN0001").list_queues()
        lookup = run_sealq("audit", "lookup", "--data-dir", d.data_dir).stdout
    finally:
        d.stop()
    refused = [r for _, r in records(d.data_dir) if r["eventName"] == "ListQueues"]
    assert len(refused) == 2 and all(r.get("errorCode") for r in refused), refused
    assert all("accessKeyId" not in r["userIdentity"] for r in refused), refused
    stored = json.dumps([r for _, r in records(d.data_dir)]) + lookup
    for part in ("f0aZVZzZcSyFizAChyZi0jG5IYkZ", "wJalrXUtnFEMIK7MDENG", "bPxRfiCYEXAMPLEKEY"):
        assert part not in stored


def test_calls_that_fail_to_decode_or_authenticate_keep_their_action_and_queue(tmp_path):
    """A call that fails validation or its signature is recorded under the action it named
    (not "Unknown"), SQS message calls as data events with their queue, so a search by event
    name or resource finds failed attempts too; KMS operations this service lacks likewise."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        url = sqs.create_queue(QueueName="failed-attempts")["QueueUrl"]
        bad = requests.post(d.url + "/", data=json.dumps({"QueueUrl": url, "MessageBody": "x", "DelaySeconds": "ten"}),
                            headers={"X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"})
        assert bad.status_code in (400, 403)
        with pytest.raises(Exception):
            make_client(d, "AKIAE2ETESTADMIN0001", "not-the-secret").send_message(QueueUrl=url, MessageBody="x")
        requests.post(d.url + "/", data=b"{}", headers={
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + "E" * 3000,
            "Content-Type": "application/x-amz-json-1.1"})
        with pytest.raises(Exception) as sign:
            kms_client(d).sign(KeyId="alias/aws/sqs", Message=b"x", SigningAlgorithm="RSASSA_PSS_SHA_256")
        assert sign.value.response["Error"]["Code"] == "UnsupportedOperationException"
    finally:
        d.stop()
    failed = [r for _, r in records(d.data_dir) if r.get("errorCode") and r["eventName"] != "Unknown"]
    sends = [r for r in failed if r["eventName"] == "SendMessage"]
    assert {r["errorCode"] for r in sends} == {"SerializationException", "SignatureDoesNotMatch"}, sends
    for r in sends:
        assert r["eventCategory"] == "Data" and r["managementEvent"] is False, r
    refused = [r for r in sends if r["errorCode"] == "SignatureDoesNotMatch"][0]
    assert [res["ARN"] for res in refused["resources"]] == ["arn:aws:sqs:us-east-1:000000000000:failed-attempts"], refused
    assert [r["errorCode"] for r in failed if r["eventName"] == "Sign"] == ["UnsupportedOperationException"]
    # A name the caller made up is not written as an event name.
    assert not [r for _, r in records(d.data_dir) if len(r["eventName"]) > 64]


def test_a_roles_calls_name_the_role_as_session_issuer(tmp_path):
    """As CloudTrail records an AssumedRole: the session's ARN at the top, the role (with its
    path) as sessionContext.sessionIssuer, and no top-level userName; LookupEvents still finds
    the calls by the role's name."""
    principals = {"Users": [], "Roles": [{"Name": "reader", "Path": "/ops/", "Policies": ["reader"]}], "Groups": []}
    policies = {"reader": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}}
    policies_dir = write_policies_dir(str(tmp_path / "policies"), principals, policies)
    d = Daemon(str(tmp_path), policies_dir=policies_dir)
    key = create_access_key("reader", d.data_dir, policies_dir)
    d.start()
    try:
        make_client(d, *key).list_queues()
    finally:
        d.stop()
    calls = [r for _, r in records(d.data_dir) if r["eventName"] == "ListQueues"]
    assert len(calls) == 1
    identity = calls[0]["userIdentity"]
    assert identity["type"] == "AssumedRole" and "userName" not in identity, identity
    assert identity["arn"] == "arn:aws:sts::000000000000:assumed-role/reader/sealq", identity
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert issuer["type"] == "Role" and issuer["userName"] == "reader", issuer
    assert issuer["arn"] == "arn:aws:iam::000000000000:role/ops/reader", issuer
    assert issuer["accountId"] == "000000000000" and identity["principalId"].startswith(issuer["principalId"] + ":"), identity
    assert identity["accessKeyId"] == key[0]
    p = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", "Username=reader")
    assert any(json.loads(line)["eventName"] == "ListQueues" for line in p.stdout.splitlines()), p.stdout


def test_a_create_key_record_names_the_key_it_made(tmp_path):
    """Who created key X: the CreateKey record names the new key in resources and in
    responseElements.keyMetadata, as CloudTrail's do, so a lookup by the key's ARN finds it;
    a refused CreateKey names no key."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        kms = kms_client(d)
        made = kms.create_key(Description="audited")["KeyMetadata"]
        with pytest.raises(Exception):
            kms.create_key(Tags=[{"TagKey": "aws:reserved", "TagValue": "x"}])
    finally:
        d.stop()
    creates = [r for _, r in records(d.data_dir) if r["eventName"] == "CreateKey"]
    ok = [r for r in creates if not r.get("errorCode")]
    assert len(ok) == 1, creates
    assert [res["ARN"] for res in ok[0]["resources"]] == [made["Arn"]]
    logged = ok[0]["responseElements"]["keyMetadata"]
    assert (logged["keyId"], logged["arn"], logged["AWSAccountId"]) == (made["KeyId"], made["Arn"], made["AWSAccountId"])
    # The whole metadata, as CloudTrail's CreateKey records log it (its date in their own form).
    assert {k: logged[k] for k in ("enabled", "description", "keyUsage", "keyState", "origin", "keyManager",
                                   "customerMasterKeySpec", "keySpec", "encryptionAlgorithms", "multiRegion")} == {
        "enabled": True, "description": "audited", "keyUsage": "ENCRYPT_DECRYPT", "keyState": "Enabled",
        "origin": "AWS_KMS", "keyManager": "CUSTOMER", "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "keySpec": "SYMMETRIC_DEFAULT", "encryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "multiRegion": False}
    assert logged["creationDate"] == made["CreationDate"].astimezone(datetime.timezone.utc).strftime(
        "%b %-d, %Y, %-I:%M:%S %p"), logged["creationDate"]
    refused = [r for r in creates if r.get("errorCode")]
    assert len(refused) == 1 and not refused[0].get("resources") and refused[0]["responseElements"] is None, refused
    p = run_sealq("audit", "lookup", "--data-dir", d.data_dir, "--attribute", f"ResourceName={made['Arn']}")
    assert any(json.loads(line)["eventName"] == "CreateKey" for line in p.stdout.splitlines()), p.stdout
    assert verify(d.data_dir).returncode == 0


def test_a_dead_letter_moves_key_uses_belong_to_the_receive_that_caused_them(tmp_path):
    """A receive that moves a message into an SSE-KMS dead-letter queue re-encrypts it with the
    receiver's GenerateDataKey/Decrypt: those key-use records carry the receive's requestID and
    are committed before its record, like the key uses of a send."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs, kms = make_client(d), kms_client(d)
        key = kms.create_key()["KeyMetadata"]
        dlq = sqs.create_queue(QueueName="moved-dlq", Attributes={"KmsMasterKeyId": key["KeyId"]})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        source = sqs.create_queue(QueueName="moved-src", Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
        sqs.send_message(QueueUrl=source, MessageBody="to be dead-lettered")
        assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]) == 1
        moving = sqs.receive_message(QueueUrl=source)
        assert not moving.get("Messages")
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2)["Messages"]] == ["to be dead-lettered"]
    finally:
        d.stop()
    request_id = moving["ResponseMetadata"]["RequestId"]
    logged = [(position, r) for position, r in records(d.data_dir) if r["requestID"] == request_id]
    names = [r["eventName"] for _, r in logged]
    assert names[-1] == "ReceiveMessage" and "GenerateDataKey" in names, names
    for _, use in logged[:-1]:
        assert use["eventSource"] == "kms.amazonaws.com" and use["userIdentity"]["invokedBy"] == "sqs.amazonaws.com"
        assert use["resources"][0]["ARN"] == key["Arn"]
    positions = [position for position, _ in logged]
    assert positions == list(range(positions[0], positions[0] + len(positions))), "the move's key uses and the receive are one run"


def test_lookup_events_records_what_was_searched_and_takes_null_as_absent(tmp_path):
    """A LookupEvents record says what was searched for; a JSON null member is not a value."""
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    d = Daemon(str(tmp_path))
    d.start()
    try:
        trail = boto3.client("cloudtrail", endpoint_url=d.url, region_name=REGION, aws_access_key_id=ADMIN_KEY,
                             aws_secret_access_key=ADMIN_SECRET)
        found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateQueue"}],
                                    StartTime=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), MaxResults=5)
        request_id = found["ResponseMetadata"]["RequestId"]
        raw = AWSRequest(method="POST", url=d.url + "/", data=json.dumps({"MaxResults": None, "EventCategory": None}), headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"})
        SigV4Auth(Credentials(ADMIN_KEY, ADMIN_SECRET), "cloudtrail", REGION).add_auth(raw)
        prepared = raw.prepare()
        answer = requests.post(prepared.url, headers=dict(prepared.headers.items()), data=prepared.body, timeout=30)
        assert answer.status_code == 200, answer.text
        assert "Events" in answer.json()
    finally:
        d.stop()
    record = next(r for _, r in records(d.data_dir) if r["requestID"] == request_id)
    assert record["eventName"] == "LookupEvents" and record["eventSource"] == "cloudtrail.amazonaws.com"
    assert record["requestParameters"] == {
        "lookupAttributes": [{"attributeKey": "EventName", "attributeValue": "CreateQueue"}],
        "startTime": "2026-01-01T00:00:00Z", "maxResults": 5}


@pytest.mark.parametrize("command", [
    ["lookup"], ["key-usage"], ["export", "OUT"], ["prove", "--consistency", "1", "2"], ["checkpoint"], ["verify"],
])
def test_audit_tools_refuse_a_data_directory_that_was_never_set_up(tmp_path, command):
    """A mistyped --data-dir is refused with the way out, not made (nor the export directory
    beside it) and not answered with a raw SQLite error."""
    typo = str(tmp_path / "typo-dir")
    out = str(tmp_path / "out")
    p = run_sealq("audit", *[out if word == "OUT" else word for word in command], "--data-dir", typo)
    # verify says "could not check" with 2, as 1 would mean a damaged log
    assert p.returncode == (2 if command == ["verify"] else 1), (p.returncode, p.stdout, p.stderr)
    assert f"{typo}/sealq.sqlite does not exist: start the daemon on {typo} once first" in p.stderr
    assert "SQLite error" not in p.stderr
    assert not os.path.exists(typo) and not os.path.exists(out)


def test_key_usage_since_reads_iso_8601_times_with_offsets_and_refuses_others(tmp_path):
    """--since was compared as text with eventTime: 10:41+01:00 (09:41Z) was taken as later
    than 09:50Z, and 'yesterday' as later than every time. It is now a time: the same instant
    in any offset counts the same uses, and what is not ISO 8601 (or an unknown --output) is refused."""
    d = Daemon(str(tmp_path))
    d.start()
    try:
        kms = kms_client(d)
        key = kms.create_key()["KeyMetadata"]
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"direct")
    finally:
        d.stop()

    def uses(since):
        p = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--key", key["KeyId"], "--output", "json", "--since", since)
        assert p.returncode == 0, p.stderr
        return sum(row["count"] for row in json.loads(p.stdout))

    first = json.loads(run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--output", "json").stdout)
    used = datetime.datetime.strptime(first[0]["firstUse"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    minus_ten = datetime.timezone(datetime.timedelta(hours=-10))
    assert uses(used.isoformat().replace("+00:00", "Z")) == 1
    assert uses(used.astimezone(plus_one).isoformat()) == 1
    assert uses((used + datetime.timedelta(seconds=1)).astimezone(plus_one).isoformat()) == 0
    assert uses((used - datetime.timedelta(minutes=1)).astimezone(minus_ten).isoformat()) == 1
    assert uses((used + datetime.timedelta(minutes=1)).astimezone(minus_ten).isoformat()) == 0
    for since in ("yesterday", "2026-13-01T00:00:00Z", "1764150000", "2026-02-30", "2026-11-31T00:00:00Z",
                  "2026-11-27T00:00:00+99:00", "2026-11-27T24:00:00Z"):
        p = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--since", since)
        assert p.returncode == 64 and f"--since must be an ISO 8601 time" in p.stderr, (since, p.returncode, p.stdout, p.stderr)
    p = run_sealq("audit", "key-usage", "--data-dir", d.data_dir, "--output", "yaml")
    assert p.returncode == 64 and "--output is text or json" in p.stderr, p.stdout + p.stderr


def test_verify_and_checkpoint_find_the_archive_where_serve_put_it_by_environment(tmp_path):
    """serve read SEALQ_AUDIT_ARCHIVE_DIR but verify did not, so a log archived elsewhere was
    reported damaged. Both read it now; --archive still wins over it."""
    import time
    archive = str(tmp_path / "elsewhere")
    d = Daemon(str(tmp_path), env={"SEALQ_AUDIT_RETENTION_DAYS": "0.00003", "SEALQ_AUDIT_ARCHIVE_DIR": archive})
    d.start()
    try:
        sqs = make_client(d)
        for _ in range(5):
            sqs.list_queues()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (os.path.isdir(archive) and os.listdir(archive)):
            time.sleep(0.5)
        assert os.path.isdir(archive) and os.listdir(archive), "nothing was archived"
    finally:
        d.stop()
    with_env = dict(os.environ, SEALQ_AUDIT_ARCHIVE_DIR=archive)
    for command in ("verify", "checkpoint"):
        found = run_sealq("audit", command, "--data-dir", d.data_dir, env=with_env)
        assert found.returncode == 0 and "damaged" not in found.stdout, (command, found.stdout, found.stderr)
    wrong = dict(os.environ, SEALQ_AUDIT_ARCHIVE_DIR=str(tmp_path / "nothing-here"))
    assert run_sealq("audit", "verify", "--data-dir", d.data_dir, env=wrong).returncode == 1
    flag_wins = run_sealq("audit", "verify", "--data-dir", d.data_dir, "--archive", archive, env=wrong)
    assert flag_wins.returncode == 0 and "sound" in flag_wins.stdout, flag_wins.stdout


def test_verify_tells_a_check_that_could_not_run_from_a_damaged_log(audited, tmp_path):
    """Exit 1 means the log is damaged; a check that could not run (an unreadable public key
    file, a directory that holds no log) exits 2, so monitoring can tell the two apart."""
    d, _ = audited
    data_dir = d.data_dir
    missing_key = verify(data_dir, "--public-key", str(tmp_path / "nowhere.pub"))
    assert missing_key.returncode == 2, (missing_key.returncode, missing_key.stderr)
    assert "neither 64 hex digits nor a readable file" in missing_key.stderr
    nothing = verify(str(tmp_path / "empty"))
    assert nothing.returncode == 2 and "does not exist" in nothing.stderr, (nothing.returncode, nothing.stderr)


def test_kms_records_say_which_statements_decided(tmp_path):
    """additionalEventData.authorization holds the decision and the statements that decided it,
    for KMS calls as for SQS ones: an explicit deny names its Deny, an allow its Allow."""
    policies = write_policies_dir(str(tmp_path / "policies"), {"Users": [
        {"Name": "admin", "Policies": ["administrator"]}, {"Name": "reader", "Policies": ["kms-no-decrypt"]}]}, {
        "administrator": POLICIES["administrator"],
        "kms-no-decrypt": {"Version": "2012-10-17", "Statement": [
            {"Sid": "UseKeys", "Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {"Sid": "NeverDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}})
    d = Daemon(str(tmp_path), policies_dir=policies)
    reader_keys = create_access_key("reader", d.data_dir, policies)
    d.start()
    try:
        kms = kms_client(d)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        reader = kms_client(d, *reader_keys)
        blob = reader.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
        with pytest.raises(Exception):
            reader.decrypt(CiphertextBlob=blob)
    finally:
        d.stop()
    events = {e["eventName"]: e for _, e in records(d.data_dir)
              if e["eventSource"] == "kms.amazonaws.com" and e["userIdentity"].get("userName") == "reader"}
    denied = events["Decrypt"]["additionalEventData"]["authorization"]
    assert denied["decision"] == "explicitDeny"
    assert [s["sid"] for s in denied["decidingStatements"]] == ["NeverDecrypt"]
    allowed = events["Encrypt"]["additionalEventData"]["authorization"]
    assert allowed["decision"] == "allowed"
    assert "UseKeys" in [s["sid"] for s in allowed["decidingStatements"]]


def test_crypto_records_name_the_key_material_used_as_cloudtrail_does(tmp_path):
    """KMS's records of Encrypt, Decrypt, ReEncrypt and GenerateDataKey carry
    additionalEventData.keyMaterialId (ReEncrypt: sourceKeyMaterialId and
    destinationKeyMaterialId), and so do the uses SQS makes for a caller: after a rotation an
    auditor can tell which material each use touched. A failed use names none."""
    d = Daemon(str(tmp_path)).start()
    try:
        kms, sqs = kms_client(d), make_client(d)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        first = kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
        old_blob = kms.encrypt(KeyId=key, Plaintext=b"before", EncryptionContext={"n": "1"})["CiphertextBlob"]
        kms.rotate_key_on_demand(KeyId=key)
        second = kms.describe_key(KeyId=key)["KeyMetadata"]["CurrentKeyMaterialId"]
        assert first != second
        new_blob = kms.encrypt(KeyId=key, Plaintext=b"after")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=old_blob, EncryptionContext={"n": "1"})["KeyMaterialId"] == first
        kms.decrypt(CiphertextBlob=new_blob)
        kms.re_encrypt(CiphertextBlob=old_blob, SourceEncryptionContext={"n": "1"}, DestinationKeyId=key)
        kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        expect_error(kms.decrypt, "InvalidCiphertextException", 400, CiphertextBlob=old_blob)  # context missing
        url = sqs.create_queue(QueueName="material", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="m")
    finally:
        d.stop()
    kms_events = [e for _, e in records(d.data_dir) if e["eventSource"] == "kms.amazonaws.com"]
    direct = [e for e in kms_events if "invokedBy" not in e["userIdentity"]]
    materials = [(e["eventName"], {k: v for k, v in e.get("additionalEventData", {}).items() if k != "authorization"})
                 for e in direct if e["eventName"] in ("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey")]
    assert materials == [
        ("Encrypt", {"keyMaterialId": first}),
        ("Encrypt", {"keyMaterialId": second}),
        ("Decrypt", {"keyMaterialId": first}),
        ("Decrypt", {"keyMaterialId": second}),
        ("ReEncrypt", {"destinationKeyMaterialId": second, "sourceKeyMaterialId": first}),
        ("GenerateDataKey", {"keyMaterialId": second}),
        ("Decrypt", {}),
    ], materials
    assert all(e["additionalEventData"]["authorization"]["decision"] == "allowed" for e in direct
               if e["eventName"] in ("Encrypt", "ReEncrypt", "GenerateDataKey"))
    by_sqs = [e for e in kms_events if e["userIdentity"].get("invokedBy") == "sqs.amazonaws.com"]
    assert [(e["eventName"], e["additionalEventData"]) for e in by_sqs] == [
        ("GenerateDataKey", {"keyMaterialId": second}), ("Decrypt", {"keyMaterialId": second})], by_sqs
