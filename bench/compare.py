"""A before/after table (Markdown) from two result files of ``bench/run.py``.

.venv/bin/python bench/compare.py bench/results-before-1m.json bench/results-after-1m.json
"""

import json
import sys
from pathlib import Path


def _cell(value, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def compare(before: dict, after: dict) -> str:
    rows = [
        f"| measure | before ({before['invoices']:,} invoices) | "
        f"after ({after['invoices']:,} invoices) | target |",
        "| --- | --- | --- | --- |",
    ]

    def row(name: str, key_before, key_after=None, target: str = "", unit: str = "") -> None:
        get_after = key_after or key_before
        rows.append(
            f"| {name} | {_cell(key_before(before), unit)} | {_cell(get_after(after), unit)} "
            f"| {target} |"
        )

    row("create req/s (5 lines)", lambda r: r["create"]["create"]["rps"])
    row("bare view req/s", lambda r: r["create"]["bare"]["rps"])
    row("create / bare", lambda r: r["create_ratio_vs_bare"], target=">= 0.5")
    row("GET invoice p50", lambda r: r["get_p50_ms"], unit=" ms")
    row("GET invoice p95", lambda r: r["get_p95_ms"], unit=" ms")
    row("PDF one page, median", lambda r: r["pdf_ms_median"], target="< 100 ms", unit=" ms")
    row("PDF 2 workers / 1 worker", lambda r: r["pdf_speedup_2_workers"], target=">= 1.7")
    for name in before["search_p95_ms"]:
        row(
            f"search `{name}` p50 / p95",
            lambda r, n=name: _pair(r, n),
            target="p95 <= 50 ms",
        )
    rows.append("")
    rows.append("| endpoint | SQL queries before | after |")
    rows.append("| --- | --- | --- |")
    for endpoint, counts in before["queries"].items():
        rows.append(
            f"| {endpoint} | {_counts(counts)} | {_counts(after['queries'].get(endpoint, {}))} |"
        )
    return "\n".join(rows)


def _pair(results: dict, name: str) -> str:
    p50 = results.get("search_p50_ms", {}).get(name)
    p95 = results["search_p95_ms"].get(name)
    total = results["search"].get(name, {}).get("totalCount")
    shown = f"{p50} / **{p95}** ms"
    return f"{shown} ({total:,})" if isinstance(total, int) else shown


def _counts(counts: dict) -> str:
    if not counts:
        return "-"
    shown = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "constant")
    return shown + ("" if counts.get("constant") else " (not constant)")


if __name__ == "__main__":
    first, second = (json.loads(Path(p).read_text()) for p in sys.argv[1:3])
    print(compare(first, second))
