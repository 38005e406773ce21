"""Figure 3: drift to restored latency, by bench/remediation/drift_to_restored.py (one
run of it per repetition; its own README says what it does)."""
import os
import re
import subprocess
import sys

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "remediation", "drift_to_restored.py")
_LINE = re.compile(r"over (\d+) changes: p50 ([\d.]+) s, p95 ([\d.]+) s, max ([\d.]+) s")


def measure(build, samples, poll, runs, log):
    """Per run: {'samples', 'p50_s', 'p95_s', 'max_s'}."""
    results = []
    for run in range(runs):
        out = subprocess.run([sys.executable, SCRIPT, "--build", build, "--samples", str(samples),
                              "--poll", poll], capture_output=True, text=True, timeout=600)
        m = _LINE.search(out.stdout)
        if out.returncode != 0 or not m:
            raise RuntimeError("drift_to_restored.py failed (%d): %s" %
                               (out.returncode, (out.stdout + out.stderr)[-1000:]))
        r = {"samples": int(m.group(1)), "p50_s": float(m.group(2)), "p95_s": float(m.group(3)),
             "max_s": float(m.group(4))}
        log("drift: run %d/%d: %s" % (run + 1, runs, m.group(0)))
        results.append(r)
    return results
