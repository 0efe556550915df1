"""The side-by-side table of bench/scale: each request's p50 at every scale measured, and the largest
scale's p95 and query count, from the BENCH_JSON files bench_scale.py wrote (one per scale, in order).

    python bench/side_by_side.py /tmp/bench-20000.json /tmp/bench-300000.json
"""

from __future__ import annotations

import sys

import orjson


def table(runs: list[dict]) -> str:
    runs = sorted(runs, key=lambda run: run["pairings"])
    largest = runs[-1]
    scales = [f"{run['pairings']:,}" for run in runs]
    lines = [
        "| request | " + " | ".join(f"{s} p50 ms" for s in scales) + f" | {scales[-1]} p95 ms | queries |",
        "|---|" + "---|" * (len(runs) + 2),
    ]
    for i, last in enumerate(largest["rows"]):
        labels = list(dict.fromkeys(run["rows"][i]["label"] for run in runs if i < len(run["rows"])))
        cells = [f"{run['rows'][i]['p50']:.1f}" if i < len(run["rows"]) else "—" for run in runs]
        lines.append(f"| {' / '.join(labels)} | " + " | ".join(cells) + f" | {last['p95']:.1f} | {last['queries']} |")
    lines.append("| full CSV export (s) | " + " | ".join(f"{run['export_s']:.1f}" for run in runs) + " | | |")
    if all(run.get("crawl_s") is not None for run in runs):
        lines.append("| cursor crawl of every pairing (s) | " + " | ".join(f"{run['crawl_s']:.1f}" for run in runs) + " | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    runs = []
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            runs.append(orjson.loads(f.read()))
    if runs:
        print(table(runs))
