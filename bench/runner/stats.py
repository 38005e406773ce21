"""Spread of repeated measurements."""
import statistics


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


def spread(values):
    """{'n', 'min', 'median', 'max'} of a non-empty list."""
    return {"n": len(values), "min": min(values), "median": statistics.median(values),
            "max": max(values)}


def fmt_spread(s, digits=0, unit=""):
    f = "%%.%df" % digits
    u = (" " + unit) if unit else ""
    if s["min"] == s["max"]:
        return (f % s["min"]) + u + " (all %d)" % s["n"]
    return "%s / %s / %s%s" % (f % s["min"], f % s["median"], f % s["max"], u)
