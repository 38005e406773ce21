#!/usr/bin/env python3
"""Drift-to-restored latency of `sfwarden run` in enforce mode against sfsim.

Another admin removes the integration user from its public group through sfsim's control
API; sfwarden sees it in the setup audit trail (polled every --poll, 2 s by default), reads
the permissions, puts the membership back and confirms it with a re-read. The time from
the change to sfwarden_remediations_total moving is one sample. Prints p50/p95/max and
the command line. Not part of the test suite (timing belongs in bench/, STYLE.md).

  python3 bench/remediation/drift_to_restored.py --build build-remed --samples 20
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ORG = """organization: { name: Bench }
limits: { DailyApiRequests: 100000000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Sim Admin, profile: System Administrator }
  - { username: other.admin@acme.example, name: Other Admin, profile: System Administrator }
  - username: hubspot.integration@acme.example
    name: HubSpot Integration
    profile: Salesforce API Only System Integrations
    groups: [HubSpot_Integration_Group]
groups:
  - { name: HubSpot_Integration_Group, label: HubSpot Integration Group, type: Regular }
connected_apps:
  - { name: sfwarden, client_id: sfwarden-client-id, client_secret: sfwarden-client-secret,
      execution_user: admin@acme.example }
"""

CONFIG = """global: {{ log: {{ level: info }} }}
orgs:
  - name: bench
    login_url: {url}
    auth:
      flow: client_credentials
      client_id: sfwarden-client-id
      client_secret_file: {secret}
    api_budget: {{ max_daily_share: 1.0, stop_below_remaining: 0.0 }}
    poll: {{ logins: 1h, audit_trail: {poll}, limits: 1h, oauth_tokens: 1h, api_usage_logs: 1h }}
    mode: enforce
    enforcement: {{ flapping: {{ window: 1h, threshold: 1000 }} }}
    integration_users:
      - username: hubspot.integration@acme.example
        baseline: {{ public_groups: [ HubSpot_Integration_Group ] }}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def restored(metrics_url):
    m = re.search(r'^sfwarden_remediations_total\{[^}]*result="done"[^}]*\} (\S+)$',
                  http(metrics_url), re.M)
    return float(m.group(1)) if m else 0.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default="build")
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--poll", default="2s")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="sfwarden-bench-")
    org = os.path.join(tmp, "org.yaml")
    open(org, "w").write(ORG)
    secret = os.path.join(tmp, "secret")
    open(secret, "w").write("sfwarden-client-secret\n")
    os.chmod(secret, 0o600)
    sim = subprocess.Popen([os.path.join(a.build, "sim/sfsim"), "--org", org, "--listen",
                            "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    line = sim.stdout.readline()
    sim_url = "http://127.0.0.1:" + line.strip().rsplit(":", 1)[1]
    config = os.path.join(tmp, "sfwarden.yml")
    open(config, "w").write(CONFIG.format(url=sim_url, secret=secret, poll=a.poll))
    port = free_port()
    sfw = subprocess.Popen([os.path.join(a.build, "daemon/sfwarden"), "run",
                            "--config.file=" + config,
                            "--web.listen-address=127.0.0.1:%d" % port,
                            "--state.dir=" + os.path.join(tmp, "state")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = "http://127.0.0.1:%d/metrics" % port
    samples = []
    try:
        for _ in range(100):
            try:
                if "sfwarden_journal_pending_entries" in http(metrics):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        for _ in range(a.samples):
            before = restored(metrics)
            start = time.monotonic()
            http(sim_url + "/__sim/act", {"actor": "other.admin@acme.example",
                                         "action": "remove_group_member",
                                         "username": "hubspot.integration@acme.example",
                                         "group": "HubSpot_Integration_Group"})
            while restored(metrics) <= before:
                if time.monotonic() - start > 30:
                    sys.exit("not restored within 30 s")
                time.sleep(0.02)
            samples.append(time.monotonic() - start)
            time.sleep(0.5)  # sfwarden's own audit entry is read before the next change
    finally:
        sfw.terminate()
        sim.terminate()
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    print("command: python3 bench/remediation/drift_to_restored.py --build %s --samples %d "
          "--poll %s" % (a.build, a.samples, a.poll))
    print("drift to restored over %d changes: p50 %.2f s, p95 %.2f s, max %.2f s" %
          (len(samples), statistics.median(samples), p95, samples[-1]))


if __name__ == "__main__":
    main()
