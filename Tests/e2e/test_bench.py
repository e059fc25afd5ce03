"""`sealq bench` against the real daemon: the shipped load generator runs its scenarios, reports
without errors and cleans up its queues; sse-compare pairs unencrypted and encrypted queues."""

import re
import subprocess

from conftest import ADMIN_KEY, ADMIN_SECRET, SEALQ_BIN, make_client


def bench(daemon, *args, timeout=180):
    return subprocess.run(
        [SEALQ_BIN, "bench", "--endpoint", daemon.url, "--access-key-id", ADMIN_KEY,
         "--secret-access-key", ADMIN_SECRET, "--duration", "1", "--connections", "4", *args],
        capture_output=True, text=True, timeout=timeout)


def number(text):
    return float(text.replace(",", ""))


def assert_no_bench_queues_left(daemon):
    assert make_client(daemon).list_queues(QueueNamePrefix="sealq-bench").get("QueueUrls", []) == []


def test_all_reports_each_rate_beside_the_health_ceiling(fresh_daemon):
    daemon = fresh_daemon()
    result = bench(daemon, "--scenario", "all")
    assert result.returncode == 0, result.stderr[-2000:]
    table = result.stdout[result.stdout.index("scenario  "):]
    rows = {line.split()[0]: line.split() for line in table.splitlines()[1:]}
    assert set(rows) == {"health", "send", "batch", "pipeline"}
    for name, cells in rows.items():
        assert number(cells[1]) > 0, f"{name} answered requests"
        assert cells[5] == "0", f"{name} had errors: {result.stdout}"
    assert rows["health"][6] == "100.0"
    for name in ("send", "batch", "pipeline"):
        assert number(rows[name][2]) > 0, f"{name} moved messages"
    assert_no_bench_queues_left(daemon)


def test_sse_compare_pairs_an_unencrypted_and_an_encrypted_queue_per_round(fresh_daemon):
    daemon = fresh_daemon()
    result = bench(daemon, "--scenario", "sse-compare", "--rounds", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count(", SSE off") == 6, "one unencrypted queue per scenario and round"
    table = result.stdout[result.stdout.index("scenario     round"):]
    rows = [line.split() for line in table.splitlines()[1:]]
    for scenario in ("send", "batch", "pipeline"):
        rounds = [row for row in rows if row[0] == scenario and row[1] in ("1", "2")]
        assert len(rounds) == 2
        ratios = []
        for row in rounds:
            off, on, ratio, errors = number(row[2]), number(row[3]), number(row[4]), row[5]
            assert off > 0 and on > 0 and errors == "0"
            assert abs(ratio - on / off) < 0.01
            ratios.append(ratio)
        median = next(row for row in rows if row[0] == scenario and row[1] == "median")
        assert abs(number(median[2]) - sum(ratios) / 2) < 0.002
        pooled = next(row for row in rows if row[0] == scenario and row[1] == "pooled")
        assert abs(number(pooled[4]) - number(pooled[3]) / number(pooled[2])) < 0.01
    assert_no_bench_queues_left(daemon)


def test_sse_compare_refuses_settings_that_leave_nothing_to_compare(fresh_daemon):
    daemon = fresh_daemon()
    result = bench(daemon, "--scenario", "sse-compare", "--queue-attribute", "SqsManagedSseEnabled=false")
    assert result.returncode != 0
    assert "sse-compare sets SSE off on its unencrypted queues itself" in result.stderr
    result = bench(daemon, "--scenario", "send", "--rounds", "2")
    assert result.returncode != 0
    assert re.search(r"--rounds applies only to --scenario sse-compare", result.stderr)
