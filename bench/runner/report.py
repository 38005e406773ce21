"""bench/RESULTS.md: the machine, the command and every figure with its spread, target
and PASS or MISS."""
import datetime
import os
import platform
import subprocess

from runner import api_cost, footprint
from runner.stats import fmt_spread, spread

MB = 1_000_000  # targets in MB are decimal megabytes


def _git(*args):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except OSError:
        return ""


def machine(build):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    build_type = "unknown"
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    build_type = line.split("=", 1)[1].strip()
    except OSError:
        pass
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    try:  # the revision the binaries were built from, which may differ from HEAD
        version = subprocess.run([os.path.join(build, "daemon/sfwarden"), "--version"],
                                 capture_output=True, text=True, timeout=20).stdout
        version = " ".join(version.split())
    except OSError:
        version = "unknown"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short=12", "HEAD") +
                  (" with uncommitted changes in %d tracked files (a build of this work tree "
                   "includes them)" % len(dirty.splitlines()) if dirty else ""),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "load_start": "%.2f %.2f %.2f" % os.getloadavg(),
        "build": "%s (%s); `sfwarden --version`: %s" % (
            os.path.basename(build.rstrip("/")), build_type, version),
    }


def _verdict(ok):
    return "PASS" if ok else "MISS"


class Report:
    def __init__(self, machine_info, command, smoke=False):
        self.m = machine_info
        self.command = command
        self.smoke = smoke
        self.summary = []  # (figure, target, measured, verdict)
        self.sections = []

    # --- figures -----------------------------------------------------------------------

    def api_cost(self, results, cfg):
        rows = ["| integration users | sfwarden: calls per steady-state cycle (min / median / "
                "max) | sfwarden: polls in that cycle (/composite calls) | per-user exporter: "
                "calls per cycle (computed reference) | sfwarden: calls per full permission "
                "reconcile (min / median / max) | per-user exporter: calls per full read "
                "(computed reference) |",
                "|---:|---|---|---:|---|---:|"]
        worst = 0
        for users, r in results.items():
            s = spread([c["total"] for c in r["steady"]])
            polls = spread([c["composite"] for c in r["steady"]])
            c = spread([c["total"] for c in r["reconcile"]])
            worst = max(worst, s["max"])
            means = ", ".join("%.2f" % m for m in r.get("window_means", []))
            rows.append("| %s | %s (run means %s) | %s | %s | %s | %s |" % (
                f"{users:,}", fmt_spread(s, 1), means, fmt_spread(polls, 1),
                f"{api_cost.reference_steady(users):,}", fmt_spread(c, 1),
                f"{api_cost.reference_reconcile(users):,}"))
        ok = worst <= 2
        sizes = ", ".join(f"{u:,}" for u in results)
        self.summary.append(("API calls per steady-state cycle (%s users)" % sizes,
                             "at most 2 at every size", "at most %g" % worst, _verdict(ok)))
        self.sections.append("\n".join([
            "## 1. Salesforce API calls per poll cycle and per full reconcile",
            "",
            "Counted by sfsim (`/__sim/counters` `total`: a `/composite` is one call, as in "
            "Salesforce) around each cycle of a real `sfwarden run` against a generated org "
            "(`sfsim --generate N --humans %d`; every integration user watched with its "
            "permission set, public group and sharing rule). Steady state: all sources polled "
            "every %s (a cycle: from one GET /limits to the next), %d cycles per run after the "
            "first (which reads the initial lookback), 2 new logins injected per cycle. Full "
            "reconcile: `full_reconcile: %s` with the "
            "polls an hour apart, %d reconciles per run after the start read. %d run(s), each "
            "a fresh sfwarden (new state directory) against the same sfsim." % (
                cfg["humans"], cfg["interval"], cfg["cycles"], cfg["interval"], cfg["reads"],
                cfg["runs"]),
            "",
            *rows,
            "",
            "Target: at most 2 calls per steady-state cycle at every size — **%s** (worst "
            "cycle: %g). A run's mean (its calls over all its cycles) is exact; a single "
            "cycle's count can borrow from its neighbour when a poll is still in flight at "
            "the boundary, which happens on a loaded machine." % (_verdict(ok), worst),
            "",
            "**Reference, computed — not measured:** a straightforward exporter that polls "
            "one query per user per data source. Per cycle: %d × users + %d (per user: %s; "
            "once: %s). Per full read: %d × users + %d (per user, or per the user's own "
            "permission set and group: %s; once: %s). This is arithmetic from the query "
            "plan, not a run of such an exporter." % (
                len(api_cost.STEADY_PER_USER), len(api_cost.STEADY_ORG_WIDE),
                ", ".join(api_cost.STEADY_PER_USER), ", ".join(api_cost.STEADY_ORG_WIDE),
                len(api_cost.RECONCILE_PER_USER), len(api_cost.RECONCILE_ORG_WIDE),
                ", ".join(api_cost.RECONCILE_PER_USER), ", ".join(api_cost.RECONCILE_ORG_WIDE)),
        ]))

    def footprint(self, results, cfg):
        cpu = spread([r["cpu_ms_per_cycle"] for r in results])
        hwm = spread([r["hwm_kb"] * 1024 / MB for r in results])
        rss = spread([r["rss_kb"] * 1024 / MB for r in results])
        ok = hwm["max"] < 30
        label = "%d orgs × %s users" % (cfg["orgs"], f"{cfg['org_users']:,}")
        self.summary.append(("Peak resident memory, " + label, "under 30 MB",
                             fmt_spread(hwm, 1, "MB"), _verdict(ok)))
        self.summary.append(("Daemon CPU time per org poll cycle, " + label, "(none)",
                             fmt_spread(cpu, 2, "ms"), "—"))
        last = results[-1]
        mapping = "\n".join("| %s | %.1f MB |" % (k, v * 1024 / MB)
                            for k, v in last["by_mapping"].items())
        per_run = "\n".join(
            "| %d | %.0f s | %d | %.1f s | %.2f s | %.2f ms | %.1f MB | %.1f MB | %s | %s |" % (
                i + 1, r["start_s"], r["cycles"], r["window_s"], r["cpu_s"], r["cpu_ms_per_cycle"],
                r["hwm_kb"] * 1024 / MB, r["rss_kb"] * 1024 / MB, f"{r['series']:,}",
                "%.1f s" % r["stop_s"] if r["stop_s"] is not None
                else "over %d s (killed)" % footprint.STOP_TIMEOUT_S)
            for i, r in enumerate(results))
        self.sections.append("\n".join([
            "## 2. CPU time per cycle and peak memory, %s" % label,
            "",
            "One `sfwarden run` watching %d sfsim processes (one org each, %s integration "
            "users and %s humans), all sources polled every %s. CPU: utime + stime from "
            "`/proc/<pid>/stat` over a window of %d intervals after every org's start read "
            "and first polls, divided by the org poll cycles completed in it (GET /limits "
            "calls in sfwarden's own `sfwarden_salesforce_calls_total`); /metrics is read "
            "only outside the window. Memory: `VmHWM` (peak RSS) and `VmRSS` from "
            "`/proc/<pid>/status` at the end, after one scrape. %d run(s), each a fresh "
            "sfwarden." % (cfg["orgs"], f"{cfg['org_users']:,}", f"{cfg['humans']:,}",
                           "2s" if not self.smoke else "500ms", cfg["fp_cycles"], cfg["fp_runs"]),
            "",
            "| run | start to first polls of every org | org cycles | window | CPU | CPU per "
            "org cycle | VmHWM | VmRSS at end | series on /metrics | SIGTERM to exit |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            per_run,
            "",
            "CPU per org poll cycle: %s (min / median / max); per round of all %d orgs: "
            "%.1f ms (median). Peak RSS: %s; RSS at end: %s. Target under 30 MB resident — "
            "**%s**%s." % (fmt_spread(cpu, 2, "ms"), cfg["orgs"], cpu["median"] * cfg["orgs"],
                           fmt_spread(hwm, 1, "MB"), fmt_spread(rss, 1, "MB"), _verdict(ok),
                           "" if ok else ": the worst run is %.1f MB over (%.1f× the target); "
                           "bench/README.md says where it goes" % (hwm["max"] - 30,
                                                                   hwm["max"] / 30)),
            "",
            "Where the resident memory is at the end of the last run (`/proc/<pid>/smaps`, "
            "Rss by mapping):",
            "",
            "| mapping | resident |",
            "|---|---:|",
            mapping,
        ]))

    def drift(self, results, cfg):
        p50 = spread([r["p50_s"] for r in results])
        p95 = spread([r["p95_s"] for r in results])
        ok = p95["max"] < 5
        self.summary.append(("Drift to restored p95 (poll %s)" % cfg["drift_poll"],
                             "under 5 s", fmt_spread(p95, 2, "s"), _verdict(ok)))
        per_run = "\n".join("| %d | %d | %.2f s | %.2f s | %.2f s |" % (
            i + 1, r["samples"], r["p50_s"], r["p95_s"], r["max_s"]) for i, r in enumerate(results))
        self.sections.append("\n".join([
            "## 3. Drift to restored latency",
            "",
            "`bench/remediation/drift_to_restored.py --samples %d --poll %s`, once per run: "
            "sfsim + `sfwarden run` in enforce mode, another admin removes the integration "
            "user from its public group, timed until `sfwarden_remediations_total"
            "{result=\"done\"}` moves (bench/remediation/README.md)." % (
                cfg["drift_samples"], cfg["drift_poll"]),
            "",
            "| run | changes | p50 | p95 | max |",
            "|---:|---:|---:|---:|---:|",
            per_run,
            "",
            "p50 %s, p95 %s (min / median / max over runs). Target p95 under 5 s — **%s**." % (
                fmt_spread(p50, 2, "s"), fmt_spread(p95, 2, "s"), _verdict(ok)),
        ]))

    def ingest(self, results, cfg):
        cpu = spread([r["rows_per_cpu_s"] for r in results])
        wall = spread([r["rows_per_s"] for r in results])
        ok = cpu["median"] >= 100_000
        self.summary.append(("Login-history ingest, rows per CPU second (one thread)",
                             "at least 100,000 rows/s on one core",
                             fmt_spread(cpu, 0, "rows/s"), _verdict(ok)))
        users, pages, polls = cfg["ingest"]
        per_run = "\n".join("| %d | %s | %.2f s | %.2f s | %s | %s |" % (
            i + 1, f"{r['rows']:,}", r["wall_s"], r["cpu_s"], f"{r['rows_per_s']:,.0f}",
            f"{r['rows_per_cpu_s']:,.0f}") for i, r in enumerate(results))
        self.sections.append("\n".join([
            "## 4. Login-history ingest",
            "",
            "`bench/ingest/login_ingest_bench --users %d --pages-per-poll %d --polls %d`: "
            "2,000-row LoginHistory pages (JSON as Salesforce sends them, from an in-memory "
            "transport) through the real `salesforce::Client` (composite + queryMore "
            "decoding), `collectors::Poll`, `StateStore::RecordLogins` (SQLite in a temp "
            "directory: de-duplication, counters, seen IPs and cursor in one transaction) "
            "and `OrgMetrics::Login`/`SeenIps` (the per-user series the daemon serves on "
            "/metrics, daemon/user_series.h), on one thread. Every row is new (it is "
            "checked). The pages are rendered before each timed poll. "
            "Wall time includes waiting for a core on a busy machine; CPU "
            "time (`CLOCK_PROCESS_CPUTIME_ID`) is the cost on one core, which the target "
            "is judged on." % (users, pages, polls),
            "",
            "| run | rows | wall | CPU | rows/s (wall) | rows/s (CPU) |",
            "|---:|---:|---:|---:|---:|---:|",
            per_run,
            "",
            "Rows per CPU second %s; per wall second %s (min / median / max). Target at "
            "least 100,000 rows/s on one core (median, CPU) — **%s**." % (
                fmt_spread(cpu, 0), fmt_spread(wall, 0), _verdict(ok)),
        ]))

    def scrape(self, results, cfg):
        p50 = spread([r["p50_ms"] for r in results])
        p99 = spread([r["p99_ms"] for r in results])
        ok = p99["max"] < 50
        self.summary.append(("/metrics scrape p99, %s users" % f"{cfg['scrape_users']:,}",
                             "under 50 ms", fmt_spread(p99, 1, "ms"), _verdict(ok)))
        per_run = "\n".join("| %d | %d | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %s | %s |" % (
            i + 1, r["gets"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["cpu_ms"],
            f"{r['bytes']:,}", f"{r['series']:,}") for i, r in enumerate(results))
        self.sections.append("\n".join([
            "## 5. /metrics scrape time",
            "",
            "`sfwarden run` watching one org of %s integration users, after the start read "
            "and the first polls (every per-user series exists); %d GETs of /metrics per "
            "run, one after another over loopback, each timed by the Python client from "
            "connect to the last byte. sfwarden CPU per GET: its utime + stime over the GETs "
            "divided by their number (the few polls in that window included): what a scrape "
            "costs the daemon whatever else the machine runs." % (
                f"{cfg['scrape_users']:,}", cfg["gets"]),
            "",
            "| run | GETs | p50 | p99 | max | sfwarden CPU per GET | bytes | series |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            per_run,
            "",
            "p50 %s, p99 %s (min / median / max over runs). Target p99 under 50 ms — "
            "**%s**." % (fmt_spread(p50, 1, "ms"), fmt_spread(p99, 1, "ms"), _verdict(ok)),
        ]))

    def not_measured(self, figure, why):
        self.summary.append((figure, "", "not measured: " + why, "NOT MEASURED"))

    # --- output ------------------------------------------------------------------------

    def finish(self, seconds, complete=True):
        self.m["load_end"] = "%.2f %.2f %.2f" % os.getloadavg()
        self.m["duration"] = "%.0f s" % seconds
        self.complete = complete

    def text(self):
        m = self.m
        head = [
            "# sfwarden benchmark results",
            "",
            "Written by `bench/run` (bench/README.md says what each figure means and how it "
            "is measured). Spreads are min / median / max over all samples unless a column "
            "says otherwise.",
            "",
        ]
        if not getattr(self, "complete", True):
            head += ["**Incomplete: the run was still going (or was interrupted) when this was "
                     "written; figures missing from the summary were not measured.**", ""]
        if self.smoke:
            head += ["**Smoke run (tiny sizes, one repetition): it checks that bench/run "
                     "works, the figures mean nothing.**", ""]
        head += [
            "| | |",
            "|---|---|",
            "| date | %s |" % m["date"],
            "| commit (work tree) | %s |" % m["commit"],
            "| command | `%s` |" % self.command,
            "| build | %s |" % m["build"],
            "| machine | %s CPUs (`nproc`), %s, Linux %s |" % (m["nproc"], m["cpu"], m["kernel"]),
            "| load average (1, 5, 15 min) | %s at start, %s at end |" % (
                m["load_start"], m.get("load_end", "?")),
            "| duration | %s |" % m.get("duration", "?"),
            "",
            "## Summary",
            "",
            "| figure | target | measured | result |",
            "|---|---|---|---|",
        ]
        head += ["| %s | %s | %s | %s |" % row for row in self.summary]
        return "\n".join(head) + "\n\n" + "\n\n".join(sorted(self.sections)) + "\n"
