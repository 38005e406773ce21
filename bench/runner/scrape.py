"""Figure 5: how long a GET /metrics takes with sfwarden watching one org of `users`
integration users, after the start read and the first polls (so every per-user series
exists). Each GET is timed by the client (connect, request, whole body), one after the
other, on loopback; the exposition's size and series count come with it, and sfwarden's
own CPU time per GET (/proc/<pid>/stat over the GETs, divided by their number; it also
holds the few polls that fall in the window), which a busy machine does not inflate."""
import time
import urllib.request

from runner.procs import Sfwarden, cpu_seconds, metric_sum, start_sims, wait_for
from runner.stats import percentile


def measure(build, users, humans, gets, interval, runs, log):
    """Per run: {'p50_ms', 'p99_ms', 'max_ms', 'bytes', 'series'}."""
    results = []
    sim = start_sims(build, users, humans)[0]
    sfw = Sfwarden(build, [sim], poll=interval, full_reconcile="1h")
    try:
        def ready():
            sfw.check_alive()
            m = sfw.metrics()
            return (metric_sum(m, "sfwarden_salesforce_calls_total", kind="limits") >= 2 and
                    metric_sum(m, "sfwarden_collector_last_success_timestamp_seconds",
                               source="permissions") > 0)
        wait_for("the start read and the first polls", ready, 300, interval=0.2)
        for run in range(runs):
            times = []
            size = 0
            text = b""
            cpu0 = cpu_seconds(sfw.pid)
            for _ in range(gets):
                start = time.perf_counter()
                with urllib.request.urlopen(sfw.metrics_url, timeout=30) as r:
                    text = r.read()
                times.append(1000 * (time.perf_counter() - start))
                size = len(text)
            cpu_ms = 1000 * (cpu_seconds(sfw.pid) - cpu0) / gets
            series = sum(1 for line in text.decode().splitlines() if line and line[0] != "#")
            r = {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99),
                 "max_ms": max(times), "bytes": size, "series": series, "gets": gets,
                 "cpu_ms": cpu_ms}
            log("scrape: %d users, run %d/%d: p50 %.1f ms, p99 %.1f ms, %d bytes, %d series" %
                (users, run + 1, runs, r["p50_ms"], r["p99_ms"], size, series))
            results.append(r)
    finally:
        sfw.stop()
        sim.stop()
    return results
