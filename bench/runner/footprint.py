"""Figure 2: sfwarden's CPU time per poll cycle and peak resident memory watching
`orgs` sfsim orgs (one sfsim process each) of `users` integration users.

CPU: utime + stime of the sfwarden process (/proc/<pid>/stat) over a window of steady
cycles after every org's start read, divided by the cycles completed in the window
(sfwarden_salesforce_calls_total{kind="limits"} summed over the orgs: one GET /limits per
cycle). /metrics is read only at the window's two ends, before the CPU reading at the
start and after it at the end, so that scrapes do not count. Memory: VmHWM (peak RSS)
from /proc/<pid>/status at the end, after one scrape, and where it goes from
/proc/<pid>/smaps (by mapping)."""
import time

from runner.procs import Sfwarden, cpu_seconds, metric_sum, proc_status_kb, start_sims, wait_for


STOP_TIMEOUT_S = 60  # then it is killed, and the report says so


def _cycles(sfw):
    return metric_sum(sfw.metrics(), "sfwarden_salesforce_calls_total", kind="limits",
                      outcome="success")


def rss_by_mapping(pid):
    """Resident kB by kind of mapping: heap (brk + anonymous), the sfwarden binary,
    shared libraries, other files, stacks."""
    out = {"heap and anonymous": 0, "sfwarden binary": 0, "shared libraries": 0,
           "stack": 0, "other files": 0}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if not parts[0].endswith(":") or "-" in parts[0]:
                path = parts[5] if len(parts) > 5 else ""
                if path in ("", "[heap]"):
                    name = "heap and anonymous"
                elif path.endswith("/sfwarden"):
                    name = "sfwarden binary"
                elif ".so" in path:
                    name = "shared libraries"
                elif path.startswith("[stack"):
                    name = "stack"
                else:
                    name = "other files"
            elif parts[0] == "Rss:":
                out[name] += int(parts[1])
    return out


def measure(build, orgs, users, humans, cycles, interval, runs, log):
    """Per run: {'cpu_ms_per_cycle', 'cycles', 'hwm_kb', 'rss_kb', 'series', 'by_mapping'}."""
    results = []
    sims = start_sims(build, users, humans, orgs)
    try:
        for run in range(runs):
            started_at = time.monotonic()
            sfw = Sfwarden(build, sims, poll=interval, full_reconcile="1h")
            try:
                def started():
                    sfw.check_alive()
                    m = sfw.metrics()
                    return all(metric_sum(m, "sfwarden_collector_last_success_timestamp_seconds",
                                          org="org%d" % (i + 1), source="permissions") > 0 and
                               metric_sum(m, "sfwarden_salesforce_calls_total", kind="limits",
                                          org="org%d" % (i + 1)) >= 2 for i in range(orgs))
                wait_for("every org's start read and first polls", started, 1200, interval=0.5)
                start_s = time.monotonic() - started_at
                c0 = _cycles(sfw)
                cpu0 = cpu_seconds(sfw.pid)
                # Every org runs `cycles` more cycles (the interval, with its ±10 % jitter).
                time.sleep(cycles * _seconds(interval))
                sfw.check_alive()
                cpu1 = cpu_seconds(sfw.pid)
                c1 = _cycles(sfw)
                text = sfw.metrics_text()
                hwm = proc_status_kb(sfw.pid, "VmHWM")
                rss = proc_status_kb(sfw.pid, "VmRSS")
                series = sum(1 for line in text.splitlines() if line and line[0] != "#")
                by_mapping = rss_by_mapping(sfw.pid)
                if c1 <= c0:
                    raise RuntimeError("no cycle completed in the window")
                r = {"cpu_ms_per_cycle": 1000 * (cpu1 - cpu0) / (c1 - c0), "cycles": c1 - c0,
                     "window_s": cycles * _seconds(interval), "cpu_s": cpu1 - cpu0,
                     "start_s": start_s, "hwm_kb": hwm, "rss_kb": rss, "series": series,
                     "by_mapping": by_mapping}
            finally:
                stop_s = sfw.stop(timeout=STOP_TIMEOUT_S)
            r["stop_s"] = stop_s
            stopped = "%.1f s" % stop_s if stop_s is not None else "over %d s" % STOP_TIMEOUT_S
            log("footprint: %d orgs x %d users, run %d/%d: %.2f ms CPU per org cycle over "
                "%d cycles, VmHWM %d kB, start %.0f s, SIGTERM to exit %s" % (
                    orgs, users, run + 1, runs, r["cpu_ms_per_cycle"], r["cycles"], hwm,
                    r["start_s"], stopped))
            results.append(r)
    finally:
        for s in sims:
            s.stop()
    return results


def _seconds(duration):
    if duration.endswith("ms"):
        return int(duration[:-2]) / 1000
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]
