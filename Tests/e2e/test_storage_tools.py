"""`sealq storage compact` and `sealq storage backup`.

Compaction: a drained backlog's free pages go back to the disk. SQLite reuses
freed pages but never returns them, so the file kept its peak size for good. The command runs
with the daemon stopped, keeps every queue, message, receipt-handle number and audit record,
and refuses while a daemon or another reader has the database open."""

import json
import os
import shutil
import sqlite3
import threading
import time
from contextlib import closing

import boto3

from conftest import (REGION, REPO_POLICIES, Daemon, kms_client, make_client, principals_cli, run_sealq,
                      wait_until)


def file_bytes(data_dir):
    return sum(os.path.getsize(os.path.join(data_dir, n)) for n in os.listdir(data_dir)
               if n.startswith("sealq.sqlite") and not n.endswith(".compacting"))


def read_one(data_dir, sql):
    """The first column of the first row `sql` reads, the connection closed again (a `with`
    block would leave it open, and an open reader makes compaction refuse)."""
    with closing(sqlite3.connect(f"file:{data_dir}/sealq.sqlite?mode=ro", uri=True)) as db:
        return db.execute(sql).fetchone()[0]


def test_compact_returns_free_pages_and_keeps_everything(tmp_path):
    d = Daemon(str(tmp_path))
    d.start()
    try:
        sqs = make_client(d)
        kept = sqs.create_queue(QueueName="kept")["QueueUrl"]
        drained = sqs.create_queue(QueueName="drained", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
        body = "x" * 60_000
        for i in range(40):
            sqs.send_message_batch(QueueUrl=drained, Entries=[{"Id": str(j), "MessageBody": body} for j in range(4)])
        for i in range(3):
            sqs.send_message(QueueUrl=kept, MessageBody=f"keep {i}", MessageAttributes={
                "n": {"DataType": "Number", "StringValue": str(i)}})
        # The newest message of all is deleted: AUTOINCREMENT must not hand its number out again.
        newest = sqs.send_message(QueueUrl=kept, MessageBody="gone")["MessageId"]
        got = sqs.receive_message(QueueUrl=kept, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
        for m in got:
            if m["MessageId"] == newest:
                sqs.delete_message(QueueUrl=kept, ReceiptHandle=m["ReceiptHandle"])
        sqs.purge_queue(QueueUrl=drained)
        # The purged space is emptied by the once-a-second sweep.
        assert wait_until(lambda: read_one(d.data_dir, "PRAGMA freelist_count") > 800, timeout=20)
        top = read_one(d.data_dir, "SELECT seq FROM sqlite_sequence WHERE name = 'messages'")
        # While the daemon runs, the command refuses and changes nothing.
        p = run_sealq("storage", "compact", "--data-dir", d.data_dir)
        assert p.returncode == 1 and "stop the daemon" in p.stderr, (p.returncode, p.stdout, p.stderr)
    finally:
        d.stop()
    before = file_bytes(d.data_dir)
    assert before > 8_000_000, before

    # A reader holding the file open (an sqlite3 shell) makes it refuse too.
    reader = sqlite3.connect(f"{d.data_dir}/sealq.sqlite")
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM queues").fetchone()
    p = run_sealq("storage", "compact", "--data-dir", d.data_dir)
    reader.close()
    assert p.returncode == 1 and "another process" in p.stderr, (p.returncode, p.stdout, p.stderr)
    assert not os.path.exists(f"{d.data_dir}/sealq.sqlite.compacting")

    # Compacted by root, the file stays its owner's (the daemon's user must still write it).
    os.chown(f"{d.data_dir}/sealq.sqlite", 65534, 65534)
    # A data directory of another user's is theirs to compact (as root, what they put there
    # would be rewritten with root's rights).
    os.chown(d.data_dir, 65534, 65534)
    p = run_sealq("storage", "compact", "--data-dir", d.data_dir)
    assert p.returncode == 1 and "belongs to another user" in p.stderr, (p.stdout, p.stderr)
    os.chown(d.data_dir, os.getuid(), os.getgid())
    p = run_sealq("storage", "compact", "--data-dir", d.data_dir)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "returned to the disk" in p.stdout, p.stdout
    owner = os.stat(f"{d.data_dir}/sealq.sqlite")
    assert (owner.st_uid, owner.st_gid) == (65534, 65534), (owner.st_uid, owner.st_gid)
    os.chown(f"{d.data_dir}/sealq.sqlite", os.getuid(), os.getgid())
    after = file_bytes(d.data_dir)
    assert after < before / 4, (before, after)
    assert oct(os.stat(f"{d.data_dir}/sealq.sqlite").st_mode & 0o777) == "0o600"
    assert not os.path.exists(f"{d.data_dir}/sealq.sqlite.compacting")

    v = run_sealq("audit", "verify", "--data-dir", d.data_dir)
    assert v.returncode == 0, (v.stdout, v.stderr)
    d.start()
    try:
        sqs = make_client(d)
        assert sorted(u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"]) == ["drained", "kept"]
        got = sqs.receive_message(QueueUrl=kept, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
        assert sorted(m["Body"] for m in got) == ["keep 0", "keep 1", "keep 2"]
        assert all(m["MessageAttributes"]["n"]["StringValue"] == m["Body"][-1] for m in got)
        for m in got:
            sqs.delete_message(QueueUrl=kept, ReceiptHandle=m["ReceiptHandle"])
        sqs.send_message(QueueUrl=kept, MessageBody="after")
        seq = read_one(d.data_dir, "SELECT MAX(seq) FROM messages")
        assert seq > top, (seq, top)
    finally:
        d.stop()
    v = run_sealq("audit", "verify", "--data-dir", d.data_dir)
    assert v.returncode == 0, (v.stdout, v.stderr)


def test_compact_on_a_directory_never_set_up_fails(tmp_path):
    p = run_sealq("storage", "compact", "--data-dir", str(tmp_path / "nothing"))
    assert p.returncode == 1 and "does not exist" in p.stderr, (p.stdout, p.stderr)
    assert not (tmp_path / "nothing").exists()


def test_backup_while_serving_is_a_consistent_directory_a_daemon_starts_on(tmp_path):
    """`sealq storage backup` while sends go on: the copy starts as a daemon of its own, holds
    every message acknowledged before the backup began (SSE-SQS, SSE-KMS and unencrypted), the
    KMS keys and a principal's access key, passes `sealq audit verify`, and keeps its files 0600."""
    base = tmp_path / "live"
    policies = str(base / "policies")
    shutil.copytree(REPO_POLICIES, policies)
    d = Daemon(str(base), policies_dir=policies)
    d.start()
    backup = tmp_path / "backup"
    try:
        sqs = make_client(d)
        kms = kms_client(d)
        key_id = kms.create_key(Description="backup test")["KeyMetadata"]["KeyId"]
        urls = {
            "sqs-managed": sqs.create_queue(QueueName="sse-sqs")["QueueUrl"],
            "kms": sqs.create_queue(QueueName="sse-kms", Attributes={"KmsMasterKeyId": key_id})["QueueUrl"],
            "plain": sqs.create_queue(QueueName="plain", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"],
        }
        before = {kind: {sqs.send_message(QueueUrl=url, MessageBody=f"{kind} {i}")["MessageId"] for i in range(20)}
                  for kind, url in urls.items()}
        secret = kms.encrypt(KeyId=key_id, Plaintext=b"wrapped before the backup")["CiphertextBlob"]
        access_key = json.loads(principals_cli("create-access-key", "queue-reader", data_dir=d.data_dir,
                                               policies_dir=policies).stdout)["AccessKey"]
        # What is not SealQ's is left out: a link (to a file only root may read) and a pipe
        # (which held the backup up for good).
        root_only = tmp_path / "root-only"
        root_only.write_text("not for the backup")
        os.symlink(root_only, os.path.join(d.data_dir, "planted-link"))
        os.mkfifo(os.path.join(d.data_dir, "planted-pipe"))
        # Sends go on from another thread while the backup runs.
        stop, during = threading.Event(), []
        def keep_sending():
            client = make_client(d)
            while not stop.is_set():
                during.append(client.send_message(QueueUrl=urls["plain"], MessageBody="during")["MessageId"])
        sender = threading.Thread(target=keep_sending)
        sender.start()
        try:
            time.sleep(0.3)
            p = run_sealq("storage", "backup", "--data-dir", d.data_dir, "--to", str(backup))
            time.sleep(0.3)
        finally:
            stop.set()
            sender.join(timeout=30)
        assert p.returncode == 0, (p.stdout, p.stderr)
        assert "Backed up" in p.stdout and "snapshot" in p.stdout, p.stdout
        assert during, "sends went on during the backup"
        # A backup into a directory that is not empty is refused, and one inside the data
        # directory (which copied the directory into itself until names grew too long).
        again = run_sealq("storage", "backup", "--data-dir", d.data_dir, "--to", str(backup))
        assert again.returncode == 1 and "not empty" in again.stderr, (again.stdout, again.stderr)
        for inside in (os.path.join(d.data_dir, "bk"), d.data_dir, os.path.join(str(base), "via-link", "bk")):
            os.symlink(d.data_dir, os.path.join(str(base), "via-link")) if "via-link" in inside else None
            refused = run_sealq("storage", "backup", "--data-dir", d.data_dir, "--to", inside)
            assert refused.returncode == 1 and "inside the data directory" in refused.stderr, (inside, refused.stderr)
        assert not os.path.exists(os.path.join(d.data_dir, "bk"))
        # An empty target of another user's is refused (they could plant a link at sealq.sqlite);
        # one of ours that others may write loses their write permission.
        theirs = tmp_path / "theirs"
        theirs.mkdir(mode=0o777)
        os.chown(theirs, 65534, 65534)
        refused = run_sealq("storage", "backup", "--data-dir", d.data_dir, "--to", str(theirs))
        assert refused.returncode == 1 and "another user" in refused.stderr and os.listdir(theirs) == [], refused.stderr
        open_target = tmp_path / "open"
        open_target.mkdir()
        os.chmod(open_target, 0o777)
        assert run_sealq("storage", "backup", "--data-dir", d.data_dir, "--to", str(open_target)).returncode == 0
        assert os.stat(open_target).st_mode & 0o777 == 0o755
    finally:
        d.stop()

    names = set(os.listdir(backup))
    assert not names & {"planted-link", "planted-pipe"}, names
    assert {"sealq.sqlite", "admin-credentials", "receipt-handle.key", "audit-signing.key", "identity.json",
            "access-keys.json", "access-keys.key", "root-key.check"} <= names, names
    assert not names & {"sealq.lock", "sealq.sqlite-wal", "sealq.sqlite-shm", "access-keys.lock"}, names
    for name in names:
        mode = os.stat(backup / name).st_mode & 0o777
        assert mode in (0o600, 0o700), (name, oct(mode))
    v = run_sealq("audit", "verify", "--data-dir", str(backup))
    assert v.returncode == 0, (v.stdout, v.stderr)

    # The restored directory: the backup in a data directory's place, beside the same root key.
    restored_base = tmp_path / "restored"
    restored_base.mkdir()
    shutil.copytree(base / "keys", restored_base / "keys")
    shutil.copytree(backup, restored_base / "data")
    r = Daemon(str(restored_base), policies_dir=policies)
    r.start()
    try:
        sqs = make_client(r)
        for kind, url in urls.items():
            url = url.replace(f":{d.port}/", f":{r.port}/")
            got = set()
            while True:
                batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
                if not batch:
                    break
                got |= {m["MessageId"] for m in batch if m["Body"] != "during"}
            assert got == before[kind], (kind, len(got), len(before[kind]))
        assert kms_client(r).decrypt(CiphertextBlob=secret)["Plaintext"] == b"wrapped before the backup"
        reader = boto3.session.Session().client(
            "sts", endpoint_url=r.url, region_name=REGION, aws_access_key_id=access_key["AccessKeyId"],
            aws_secret_access_key=access_key["SecretAccessKey"])
        assert "/queue-reader" in reader.get_caller_identity()["Arn"]
    finally:
        r.stop()
    v = run_sealq("audit", "verify", "--data-dir", str(restored_base / "data"))
    assert v.returncode == 0, (v.stdout, v.stderr)
