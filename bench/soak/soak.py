#!/usr/bin/env python3
"""Soak of issue 10: `orgs` sfsim orgs of `users` integration users each, watched by one
`sfwarden run` in enforce mode, while every org's virtual clock is advanced one simulated
hour per step for `hours` steps. Each step brings, per org, logins from new source IPs and
one permission drift by another admin (so a journal entry). After each step the script
waits until sfwarden has counted every login and put every drift back, then samples
sfwarden's resident memory (/proc/<pid>/status VmRSS) and the state database (file sizes
and row counts). Results go to stdout as JSON lines and, with --results, into a Markdown
file. See README.md (why the retention sees the simulated week: the retention clock)."""
import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time


# bench/run's process helpers (one copy of them for every benchmark script).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from runner.procs import free_port, http, proc_status_kb  # noqa: E402


def status_kb(pid, key):
    value = proc_status_kb(pid, key)
    if value is None:
        raise RuntimeError("no %s in /proc/%d/status" % (key, pid))
    return value


def metric_sum(text, name, **labels):
    total = 0.0
    for line in text.splitlines():
        if not (line.startswith(name + "{") or line.startswith(name + " ")):
            continue
        if all('%s="%s"' % kv in line for kv in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


class Sim:
    """One sfsim process with a generated org, plus a second admin who makes the drift
    (changes by sfwarden's own user would not count as someone else's)."""

    def __init__(self, build, users, tmp, index):
        sfsim = os.path.join(build, "sim/sfsim")
        org = subprocess.run([sfsim, "--generate", str(users), "--humans", "0", "--print-org"],
                             capture_output=True, text=True, check=True).stdout
        org, n = re.subn(r"(?m)^limits: .*$", "limits: { DailyApiRequests: 1000000000 }", org)
        org, m = re.subn(r"(?m)^(  - \{ username: admin@bench\.example.*)$",
                         r"\1\n  - { username: other.admin@bench.example, name: Other Admin, "
                         r"profile: System Administrator }", org)
        if n != 1 or m != 1:
            raise RuntimeError("sfsim --print-org: unexpected layout")
        path = os.path.join(tmp, "org%d.yaml" % index)
        with open(path, "w") as f:
            f.write(org)
        self.proc = subprocess.Popen([sfsim, "--org", path, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("sfsim did not start: %r" % line)
        self.url = "http://127.0.0.1:" + line.strip().rsplit(":", 1)[1]

    def post(self, path, body):
        return json.loads(http(self.url + path, body))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def org_config(name, url, users, secret, args):
    out = ["  - name: %s" % name,
           "    login_url: %s" % url,
           "    auth: { flow: client_credentials, client_id: bench-client, "
           "client_secret_file: %s, username: admin@bench.example }" % secret,
           "    mode: enforce",
           "    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }",
           "    poll: { logins: 1s, audit_trail: 1s, limits: 1m, oauth_tokens: 1m, "
           "api_usage_logs: 1h, full_reconcile: 1h }",
           "    seen_ip_retention: %s" % args.seen_ip_retention,
           "    journal_retention: %s" % args.journal_retention,
           "    enforcement: { max_changes_per_cycle: 100, enforce: [permission_sets, groups], "
           "flapping: { window: 1h, threshold: 1000 } }",
           "    integration_users:"]
    for i in range(1, users + 1):
        out.append("      - { username: integration%d@bench.example, baseline: "
                   "{ permission_sets: [Integration_%d_Access], "
                   "public_groups: [Integration_%d_Group] } }" % (i, i, i))
    out.append("    permission_sets:")  # as sfsim --generate makes them
    for i in range(1, users + 1):
        out.append("      Integration_%d_Access: { system: { ApiEnabled: true } }" % i)
    return "\n".join(out)


def db_sample(state_dir):
    db = os.path.join(state_dir, "sfwarden.db")
    size = {suffix: os.path.getsize(db + suffix) if os.path.exists(db + suffix) else 0
            for suffix in ("", "-wal")}
    rows = {}
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
    try:
        for table in ("seen_ips", "remediation_journal", "seen_records", "login_counts",
                      "drift_seen", "cursors", "alerts"):
            rows[table] = con.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
    finally:
        con.close()
    return {"db_bytes": size[""], "wal_bytes": size["-wal"], "rows": rows}


def slope_per_day(points):
    """Least-squares slope of (hour, value) points, per 24 hours."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    return 24 * sxy / sxx if sxx else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build-web")
    ap.add_argument("--orgs", type=int, default=10)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--hours", type=int, default=168, help="simulated hours (168: a week)")
    ap.add_argument("--logins-per-hour", type=int, default=20, help="per org")
    ap.add_argument("--step-hours", type=int, default=1,
                    help="simulated hours per step (one drift per org and step)")
    ap.add_argument("--seen-ip-retention", default="1d")
    ap.add_argument("--journal-retention", default="1d")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--results", help="write the Markdown summary here")
    ap.add_argument("--max-wall", type=float, default=0,
                    help="stop after this many seconds of wall time (0: run every hour); the "
                    "summary says how many simulated hours were run")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="sfwarden-soak-")
    sims, sfw = [], None
    started = time.monotonic()
    try:
        sims = [Sim(args.build, args.users, tmp.name, i + 1) for i in range(args.orgs)]
        secret = os.path.join(tmp.name, "secret")
        with open(secret, "w") as f:
            f.write("bench-secret\n")
        os.chmod(secret, 0o600)
        config = os.path.join(tmp.name, "sfwarden.yml")
        with open(config, "w") as f:
            f.write("global: { log: { level: warn } }\norgs:\n" +
                    "\n".join(org_config("org%d" % (i + 1), s.url, args.users, secret, args)
                              for i, s in enumerate(sims)) + "\n")
        state = os.path.join(tmp.name, "state")
        port = free_port()
        log = open(os.path.join(tmp.name, "sfwarden.log"), "w+")
        sfw = subprocess.Popen(
            [os.path.join(args.build, "daemon/sfwarden"), "run", "--config.file=" + config,
             "--web.listen-address=127.0.0.1:%d" % port, "--state.dir=" + state],
            stdout=log, stderr=subprocess.STDOUT)
        metrics_url = "http://127.0.0.1:%d/metrics" % port

        def wait(what, ok, timeout=1800):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if sfw.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("sfwarden exited: " + log.read()[-3000:])
                try:
                    text = http(metrics_url)
                    if ok(text):
                        return text
                except OSError:
                    pass
                time.sleep(0.2)
            raise RuntimeError("timed out waiting for " + what)

        wait("every org's first permission read",
             lambda m: all(metric_sum(m, "sfwarden_journal_pending_entries", org="org%d" % (i + 1))
                           == 0 and 'sfwarden_journal_pending_entries{org="org%d"}' % (i + 1) in m
                           for i in range(args.orgs)))
        logins = [0] * args.orgs
        drifts = [0] * args.orgs
        next_ip = [0] * args.orgs
        samples = []
        for hour in range(args.step_hours, args.hours + 1, args.step_hours):
            if args.max_wall and time.monotonic() - started > args.max_wall:
                break
            for o, sim in enumerate(sims):
                sim.post("/__sim/clock", {"advance": "%dh" % args.step_hours})
                for _ in range(args.logins_per_hour * args.step_hours):
                    next_ip[o] += 1  # every login from an IP never used before
                    ip = "10.%d.%d.%d" % (o, next_ip[o] // 256 % 256, next_ip[o] % 256)
                    sim.post("/__sim/logins",
                             {"username": "integration%d@bench.example" %
                              rng.randint(1, args.users), "source_ip": ip})
                    logins[o] += 1
                sim.post("/__sim/act", {"actor": "other.admin@bench.example",
                                        "action": "unassign_permission_set",
                                        "username": "integration%d@bench.example" %
                                        (i := rng.randint(1, args.users)),
                                        "permission_set": "Integration_%d_Access" % i})
                drifts[o] += 1
            text = wait("hour %d taken" % hour, lambda m: all(
                metric_sum(m, "sfwarden_logins_total", org="org%d" % (o + 1)) == logins[o] and
                metric_sum(m, "sfwarden_remediations_total", org="org%d" % (o + 1),
                           result="done") == drifts[o] for o in range(args.orgs)))
            sample = {"hour": hour, "wall_s": round(time.monotonic() - started, 1),
                      "rss_kb": status_kb(sfw.pid, "VmRSS"), "hwm_kb": status_kb(sfw.pid, "VmHWM")}
            sample.update(db_sample(state))
            sample["pending"] = metric_sum(text, "sfwarden_journal_pending_entries")
            samples.append(sample)
            print(json.dumps(sample), flush=True)
        sfw.terminate()
        code = sfw.wait(timeout=30)
        log.seek(0)
        errors = [l for l in log.read().splitlines() if " error" in l.lower()]
    finally:
        if sfw and sfw.poll() is None:
            sfw.kill()
        for s in sims:
            s.stop()
    summary = summarize(args, samples, code, errors, time.monotonic() - started)
    print(summary)
    if args.results:
        with open(args.results, "w") as f:
            f.write(summary)


def summarize(args, samples, exit_code, errors, wall):
    hours = samples[-1]["hour"]
    warm = [s for s in samples if s["hour"] > hours // 4]  # after a quarter: warmed up
    rss = [s["rss_kb"] for s in samples]
    lines = [
        "# Soak results",
        "",
        "Command: `python3 bench/soak/soak.py --build %s --orgs %d --users %d --hours %d "
        "--logins-per-hour %d --step-hours %d --seen-ip-retention %s --journal-retention %s "
        "--seed %d --max-wall %g`" %
        (args.build, args.orgs, args.users, args.hours, args.logins_per_hour, args.step_hours,
         args.seen_ip_retention, args.journal_retention, args.seed, args.max_wall),
        "",
        "%d orgs x %d integration users, %d simulated hours (%.1f days; %d asked) in %.0f s of "
        "wall time; sfwarden exit code on SIGTERM: %d; error lines in its log: %d." %
        (args.orgs, args.users, samples[-1]["hour"], samples[-1]["hour"] / 24, args.hours, wall,
         exit_code, len(errors)),
        "",
        "## Resident memory (VmRSS)",
        "",
        "| first | last | max | slope after the first quarter |",
        "|---:|---:|---:|---:|",
        "| %.1f MiB | %.1f MiB | %.1f MiB | %+.2f MiB per simulated day |" %
        (rss[0] / 1024, rss[-1] / 1024, max(rss) / 1024,
         slope_per_day([(s["hour"], s["rss_kb"]) for s in warm]) / 1024),
        "",
        "## State database over time",
        "",
        "Sizes in KiB (file and WAL); rows per table.",
        "",
        "| sim. hour | wall s | RSS MiB | db KiB | wal KiB | seen_ips | journal | seen_records "
        "| drift_seen | alerts |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    step = max(1, len(samples) // 14)
    for s in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
        r = s["rows"]
        lines.append("| %d | %.0f | %.1f | %d | %d | %d | %d | %d | %d | %d |" % (
            s["hour"], s["wall_s"], s["rss_kb"] / 1024, s["db_bytes"] // 1024,
            s["wal_bytes"] // 1024, r["seen_ips"], r["remediation_journal"], r["seen_records"],
            r["drift_seen"], r["alerts"]))
    lines += ["", "Slopes after the first quarter, per simulated day: seen_ips %+.0f rows, "
              "journal %+.0f rows, seen_records %+.0f rows, db file %+.0f KiB." % (
                  slope_per_day([(s["hour"], s["rows"]["seen_ips"]) for s in warm]),
                  slope_per_day([(s["hour"], s["rows"]["remediation_journal"]) for s in warm]),
                  slope_per_day([(s["hour"], s["rows"]["seen_records"]) for s in warm]),
                  slope_per_day([(s["hour"], s["db_bytes"]) for s in warm]) / 1024), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
