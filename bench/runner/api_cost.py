"""Figure 1: Salesforce API calls sfwarden spends per steady-state poll cycle and per full
permission reconcile, counted by sfsim (/__sim/counters `total`, which counts as
Salesforce does: a /composite is one call), with `sfwarden run` as a process.

Cycle boundaries come from sfwarden's own /metrics: a steady-state cycle ends with its
GET /limits (sfwarden_salesforce_calls_total{kind="limits"}), a permission read with
sfwarden_collector_api_calls_total{operation="permission_read"} moving. Between two
boundaries sfwarden is idle for most of a second, so sfsim's counter read there belongs
to exactly one cycle."""
import random

from runner.procs import Sfwarden, metric_sum, start_sims, wait_for

# The per-user polling exporter users compare with (computed, not run): one query per
# user per per-user source, plus one call per org-wide source.
STEADY_PER_USER = ("LoginHistory", "OAuthToken")
STEADY_ORG_WIDE = ("SetupAuditTrail", "EventLogFile listing", "GET /limits")
RECONCILE_PER_USER = ("User", "UserLogin", "PermissionSetAssignment", "GroupMember", "OAuthToken",
                      "PermissionSet", "ObjectPermissions", "FieldPermissions")
RECONCILE_ORG_WIDE = ("Group", "Organization", "readMetadata SharingRules")


def reference_steady(users):
    return len(STEADY_PER_USER) * users + len(STEADY_ORG_WIDE)


def reference_reconcile(users):
    return len(RECONCILE_PER_USER) * users + len(RECONCILE_ORG_WIDE)


def _limits_calls(sfw):
    return metric_sum(sfw.metrics(), "sfwarden_salesforce_calls_total", kind="limits")


def _reads_done(sfw):
    # Set to the time of each successful read (the count of reads started moves too early).
    return metric_sum(sfw.metrics(), "sfwarden_collector_last_success_timestamp_seconds",
                      source="permissions")


def _calls(sim):
    """sfsim's count of all calls, and of /composite calls (one per sfwarden poll)."""
    c = sim.counters()
    return {"total": c["total"], "composite": c["per_endpoint"].get("POST composite", 0)}


def _per_boundary(sfw, sim, marker, count, timeout, between=None, counts=False):
    """sfsim calls between consecutive moves of `marker`, one value per move (`count`).
    `counts`: the marker counts the events (a missed boundary is divided out)."""
    last = marker(sfw)
    at = _calls(sim)
    out = []
    while len(out) < count:
        def moved():
            sfw.check_alive()
            return marker(sfw) > last
        wait_for("the next cycle", moved, timeout, interval=0.02)
        now = marker(sfw)
        calls = _calls(sim)
        moves = now - last if counts else 1
        out.append({k: (calls[k] - at[k]) / moves for k in calls})
        last = now
        at = calls
        if between:
            between()
    return out


def steady_cycles(build, sim, cycles, interval):
    sfw = Sfwarden(build, [sim], poll=interval, full_reconcile="1h")
    try:
        # The first poll after the start reads the initial lookback; steady state after it.
        wait_for("sfwarden's first polls", lambda: (sfw.check_alive(), _limits_calls(sfw))[1] >= 2,
                 180)
        rng = random.Random(7)

        def new_logins():  # a little traffic, as in production: 2 logins per cycle
            for _ in range(2):
                sim.login("integration%d@bench.example" % rng.randint(1, sim.users),
                          "203.0.113.%d" % rng.randint(1, 250))
        return _per_boundary(sfw, sim, _limits_calls, cycles, 30, new_logins, counts=True)
    finally:
        sfw.stop()


def full_reads(build, sim, reads, interval):
    sfw = Sfwarden(build, [sim], poll="1h", full_reconcile=interval)
    try:
        wait_for("sfwarden's start read", lambda: (sfw.check_alive(), _reads_done(sfw))[1] > 0, 180)
        # The start read is followed at once by the first poll of every source; from the
        # first reconcile on, only reconciles run (the polls are due in an hour).
        last = _reads_done(sfw)
        wait_for("the first reconcile", lambda: _reads_done(sfw) > last, 60, interval=0.02)
        return _per_boundary(sfw, sim, _reads_done, reads, 60)
    finally:
        sfw.stop()


def measure(build, sizes, runs, cycles, reads, humans, interval, log):
    """{users: {'steady': [...], 'reconcile': [...]}} over `runs` fresh sfwarden starts."""
    results = {}
    for users in sizes:
        sim = start_sims(build, users, humans)[0]
        try:
            steady, reconcile, window_means = [], [], []
            for run in range(runs):
                steady += steady_cycles(build, sim, cycles, interval)
                reconcile += full_reads(build, sim, reads, interval)
                # Consecutive cycles: their sum is exact even when a poll still in flight
                # at a boundary moves a call into the next cycle (a loaded machine).
                window_means.append(sum(c["total"] for c in steady[-cycles:]) / cycles)
                log("api cost: %d users, run %d/%d: steady %s, reconcile %s" %
                    (users, run + 1, runs, [c["total"] for c in steady[-cycles:]],
                     [c["total"] for c in reconcile[-reads:]]))
            results[users] = {"steady": steady, "reconcile": reconcile,
                              "window_means": window_means}
        finally:
            sim.stop()
    return results
