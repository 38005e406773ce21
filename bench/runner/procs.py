"""sfsim and sfwarden as processes on loopback, and what bench/run reads from them:
sfsim's API counters (/__sim/counters) and sfwarden's /metrics."""
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request


def http(url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:  # the process is not listening yet (or is busy): try again
            value = None
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError("timed out after %.0f s waiting for %s" % (timeout, what))


class Sfsim:
    """One sfsim process serving a generated org of `users` integration users (sfsim
    --generate; sim/generator.h names them integration<i>@bench.example). Starting is
    split from waiting (ready()) so that several sfsims generate their orgs at once."""

    def __init__(self, build, users, humans):
        self.users = users
        self.url = None
        sfsim = os.path.join(build, "sim/sfsim")
        org = subprocess.run([sfsim, "--generate", str(users), "--humans", str(humans),
                              "--print-org"], capture_output=True, text=True, check=True).stdout
        # The generated allowance (about 100,000 calls a day) is a real org's; polling every
        # second would make sfwarden's budget planner stretch the intervals, so the bench
        # org gets a far larger one.
        org, n = re.subn(r"(?m)^limits: .*$", "limits: { DailyApiRequests: 1000000000 }", org)
        if n != 1:
            raise RuntimeError("sfsim --print-org: no limits line to raise")
        self.tmp = tempfile.TemporaryDirectory(prefix="sfsim-bench-")
        path = os.path.join(self.tmp.name, "org.yaml")
        with open(path, "w") as f:
            f.write(org)
        self.proc = subprocess.Popen([sfsim, "--org", path, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def ready(self):
        if self.url is None:
            line = self.proc.stdout.readline()
            if "listening on" not in line:
                self.stop()
                raise RuntimeError("sfsim did not start: %r" % line)
            self.url = "http://127.0.0.1:" + line.strip().rsplit(":", 1)[1]
        return self

    def counters(self):
        return json.loads(http(self.url + "/__sim/counters"))

    def total_calls(self):
        return self.counters()["total"]

    def login(self, username, source_ip):
        http(self.url + "/__sim/logins", {"username": username, "source_ip": source_ip})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.tmp.cleanup()


def start_sims(build, users, humans, count=1):
    sims = [Sfsim(build, users, humans) for _ in range(count)]
    try:
        return [s.ready() for s in sims]
    except Exception:
        for s in sims:
            s.stop()
        raise


def org_config(name, sim_url, users, secret, poll, full_reconcile):
    """One org of sfwarden's config watching every integration user of a generated org
    with the baseline the generator gave it (permission set, group, sharing rule)."""
    out = ["  - name: %s" % name,
           "    login_url: %s" % sim_url,
           "    auth: { flow: client_credentials, client_id: bench-client, "
           "client_secret_file: %s, username: admin@bench.example }" % secret,
           "    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }",
           "    poll: { logins: %s, audit_trail: %s, limits: %s, oauth_tokens: %s, "
           "api_usage_logs: %s, full_reconcile: %s }" % ((poll,) * 5 + (full_reconcile,)),
           "    integration_users:"]
    for i in range(1, users + 1):
        out.append("      - { username: integration%d@bench.example, baseline: "
                   "{ permission_sets: [Integration_%d_Access], "
                   "public_groups: [Integration_%d_Group] } }" % (i, i, i))
    out.append("    permission_sets:")
    for i in range(1, users + 1):
        out.append("      Integration_%d_Access: { system: { ApiEnabled: true }, objects: "
                   "{ Account: [read, edit], Contact: [read] }, fields: "
                   "{ Account.AnnualRevenue: [read] } }" % i)
    out.append("    sharing_rules:")
    out.append("      Account:")
    for i in range(1, users + 1):
        out.append("        - { name: Share_To_Integration_%d, access: Edit, shared_to: "
                   "{ group: Integration_%d_Group }, criteria: [ { field: Integration_Target__c, "
                   "operation: equals, value: Int%d } ] }" % (i, i, i))
    out.append("    org_wide_defaults: { Account: Private, Contact: ControlledByParent }")
    return "\n".join(out)


class Sfwarden:
    """`sfwarden run` watching the given sfsim processes (one org each, named org1…),
    with a fresh state directory."""

    def __init__(self, build, sims, poll="1s", full_reconcile="1h", log_level="warn"):
        sims = [s.ready() for s in sims]
        self.tmp = tempfile.TemporaryDirectory(prefix="sfwarden-bench-")
        secret = os.path.join(self.tmp.name, "secret")
        with open(secret, "w") as f:
            f.write("bench-secret\n")
        os.chmod(secret, 0o600)
        orgs = [org_config("org%d" % (i + 1), s.url, s.users, secret, poll, full_reconcile)
                for i, s in enumerate(sims)]
        config = os.path.join(self.tmp.name, "sfwarden.yml")
        with open(config, "w") as f:
            f.write("global: { log: { level: %s } }\norgs:\n%s\n" % (log_level, "\n".join(orgs)))
        self.port = free_port()
        self.metrics_url = "http://127.0.0.1:%d/metrics" % self.port
        self.log = open(os.path.join(self.tmp.name, "sfwarden.log"), "w+")
        self.proc = subprocess.Popen(
            [os.path.join(build, "daemon/sfwarden"), "run", "--config.file=" + config,
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--state.dir=" + os.path.join(self.tmp.name, "state")],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid

    def metrics_text(self):
        return http(self.metrics_url)

    def metrics(self):
        return parse_metrics(self.metrics_text())

    def check_alive(self):
        if self.proc.poll() is not None:
            self.log.seek(0)
            raise RuntimeError("sfwarden exited %d: %s" % (self.proc.returncode,
                                                           self.log.read()[-2000:]))

    def stop(self, timeout=120):
        """SIGTERM and wait; returns how long the exit took (s), or None when it had to
        be killed after `timeout`."""
        took = 0.0
        if self.proc.poll() is None:
            start = time.monotonic()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
                took = time.monotonic() - start
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                took = None
        self.log.close()
        self.tmp.cleanup()
        return took


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format -> {(name, frozenset(labels)): value}."""
    out = {}
    for line in text.splitlines():
        m = _SAMPLE.match(line)
        if m:
            labels = frozenset(_LABEL.findall(m.group(2) or ""))
            out[(m.group(1), labels)] = float(m.group(3))
    return out


def metric_sum(metrics, name, **labels):
    """Sum of `name` over the series whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, l), v in metrics.items() if n == name and want <= l)


def cpu_seconds(pid):
    """utime + stime of a process from /proc/<pid>/stat, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None
