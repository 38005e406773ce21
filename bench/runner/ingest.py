"""Figure 4: login-history ingest rows per second, by bench/ingest/login_ingest_bench (a
C++ binary, not part of `all`: build it with --target login_ingest_bench)."""
import json
import os
import subprocess


def binary(build):
    return os.path.join(build, "bench/ingest/login_ingest_bench")


def measure(build, users, pages_per_poll, polls, runs, log):
    """Per run: {'rows', 'wall_s', 'cpu_s', 'rows_per_s', 'rows_per_cpu_s'}."""
    out = subprocess.run([binary(build), "--users", str(users), "--pages-per-poll",
                          str(pages_per_poll), "--polls", str(polls), "--runs", str(runs)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError("login_ingest_bench failed (%d): %s" %
                           (out.returncode, out.stderr[-1000:]))
    results = []
    for run in json.loads(out.stdout)["runs"]:
        run["rows_per_s"] = run["rows"] / run["wall_s"]
        run["rows_per_cpu_s"] = run["rows"] / run["cpu_s"]
        results.append(run)
        log("ingest: %d rows in %.2f s wall (%.2f s CPU): %.0f rows/s" %
            (run["rows"], run["wall_s"], run["cpu_s"], run["rows_per_s"]))
    return results
