"""The benchmark runner behind ``make bench`` and ``make bench-quick`` (see bench/README.md).

    .venv/bin/python bench/run.py --invoices 100000 [--undo-fixes]

In one run, against its own PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/invbench``; the name must contain ``bench``):

1. migrate and seed N invoices (``manage.py seed_bench_data``), optionally apply index SQL;
2. count SQL queries per request in-process (Django test client, ``CaptureQueriesContext``);
3. start gunicorn with the production settings (``DJANGO_DEBUG=false``) plus the bare view
   (``bench/settings_bench.py``) on the local PostgreSQL and Redis;
4. create-invoice throughput against the bare view, same server and load generator;
5. search latency per filter, sort and deep page; GET invoice latency;
6. PDF render times (``bench/pdf_render.py`` when present, else ``bench/pdf_fallback.py``);
7. write ``--output`` (JSON) and the results table in docs/performance.md.

Timings vary with what else the machine runs: the load average is recorded with the results.
"""

import argparse
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/invbench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
DOCS = ROOT / "docs" / "performance.md"
DOCS_START = "<!-- bench-results:start -->"
DOCS_END = "<!-- bench-results:end -->"
TARGETS = {
    "create_ratio_vs_bare": ">= 0.5",
    "search_p95_ms": "<= 50 at 1,000,000 invoices",
    "pdf_ms_median": "< 100",
    "pdf_speedup_2_workers": ">= 1.7",
}


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- environment -------------------------------------------------------------------------------


def bench_environment(args) -> dict[str, str]:
    """The production settings, made runnable on this machine (no TLS, no mail server, no
    throttling of the load generator)."""
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"BENCH_DATABASE_URL names database {name!r}; its name must contain 'bench'.")
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "API_THROTTLE_RATE": "100000000/s",
        "DJANGO_LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": "/tmp/invbench-media",
        # The product sets random_page_cost per connection (DATABASE_RANDOM_PAGE_COST); a
        # "before" run (--undo-fixes) gets PostgreSQL's default back.
        "DATABASE_RANDOM_PAGE_COST": "4" if args.undo_fixes else "1.1",
    }
    os.environ.update(env)
    return env


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def machine(env: dict[str, str]) -> dict:
    from django.db import connection

    with open("/proc/meminfo") as meminfo:
        memory_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read()).group(1))
    with open("/proc/cpuinfo") as cpuinfo:
        model = re.search(r"model name\s*:\s*(.+)", cpuinfo.read())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "autovacuum", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    import gunicorn

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model.group(1).strip() if model else "?",
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "postgresql_settings": settings,
        "redis": redis_version(env["REDIS_URL"]),
        "gunicorn": gunicorn.__version__,
        "cpu_reference_ms": cpu_reference_ms(),
    }


def cpu_reference_ms() -> float:
    """How fast this host runs Python now: milliseconds for a fixed loop, best of five.

    The same machine has run at 40-100 % of its own speed on different days
    (docs/performance.md, round four); this figure tells runs on a slow day from slow code."""
    import timeit

    timer = timeit.Timer("sum(i * i for i in range(100_000))")
    return round(min(timer.repeat(repeat=5, number=20)) / 20 * 1000, 2)


def redis_version(url: str) -> str:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2) as sock:
            sock.sendall(b"INFO server\r\n")
            data = b""
            while b"redis_version" not in data or not data.endswith(b"\r\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        match = re.search(rb"redis_version:([\d.]+)", data)
        return match.group(1).decode() if match else "?"
    except OSError:
        return "unreachable"


# --- data --------------------------------------------------------------------------------------


def seed(invoices: int) -> dict:
    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("seed_bench_data", invoices=invoices, stdout=out)
    seconds = time.perf_counter() - started
    text = out.getvalue().strip()
    log(text)
    rate = re.search(r"= ([\d,]+) invoices/second", text)
    return {
        "seconds": round(seconds, 1),
        "invoices_per_second": int(rate.group(1).replace(",", "")) if rate else None,
        "report": text,
    }


def apply_sql(path: Path) -> float:
    """Run an SQL file (``;``-separated statements, autocommit: CREATE INDEX CONCURRENTLY is
    allowed) against the bench database."""
    from django.db import connection

    started = time.perf_counter()
    statements = split_sql(path.read_text())
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for statement in statements:
            log(f"  {statement.splitlines()[0][:90]}")
            cursor.execute(statement)
    return round(time.perf_counter() - started, 1)


def split_sql(sql: str) -> list[str]:
    """Statements of an SQL file: ``;`` at the end of a line ends one, outside ``$$`` blocks."""
    statements, current, quoted = [], [], False
    for line in sql.splitlines():
        if not quoted and line.lstrip().startswith("--"):
            continue
        current.append(line)
        quoted ^= line.count("$$") % 2 == 1
        if not quoted and line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


def issue_tokens(count: int) -> list[str]:
    from offices.authentication import token_issue
    from offices.models import Agent

    agents = list(
        Agent.objects.filter(username__startswith="bench.client").order_by("username")[:count]
    )
    if len(agents) < count:
        sys.exit(f"Only {len(agents)} bench agents; seed with --clients {count} or more.")
    return [token_issue(agent=agent)[0] for agent in agents]


def sample_values() -> dict:
    """Realistic filter values taken from the seeded data."""
    from django.db import connection

    values: dict = {}
    with connection.cursor() as cursor:

        def one(sql: str, params=()):
            cursor.execute(sql, params)
            row = cursor.fetchone()
            return row[0] if row else None

        values["invoice_ids"] = [
            str(row[0])
            for row in _all(
                cursor,
                "SELECT id FROM invoices_invoice TABLESAMPLE SYSTEM (5) REPEATABLE (7) LIMIT 400",
            )
        ]
        random.Random(7).shuffle(values["invoice_ids"])
        values["office_id"] = str(one("SELECT id FROM offices_agencyoffice ORDER BY name LIMIT 1"))
        values["invoice_number"] = one(
            "SELECT invoice_number FROM invoices_invoice WHERE invoice_number IS NOT NULL "
            "ORDER BY created_at DESC OFFSET 1234 LIMIT 1"
        )
        for column in ("assignment_id", "trade_settlement_id", "rental_settlement_id", "realty_id"):
            values[column] = str(
                one(
                    f"SELECT {column} FROM invoices_invoice WHERE {column} IS NOT NULL "
                    "ORDER BY created_at DESC OFFSET 500 LIMIT 1"
                )
            )
        values["party_id"] = str(
            one(
                "SELECT party_id FROM invoices_invoiceparty GROUP BY party_id "
                "ORDER BY count(*) DESC, party_id LIMIT 1"
            )
        )
        values["agent_id"] = str(
            one("SELECT responsible_agent_id FROM invoices_invoice ORDER BY created_at LIMIT 1")
        )
        values["street"] = one(
            "SELECT billing_street_address FROM invoices_invoice ORDER BY created_at DESC "
            "OFFSET 777 LIMIT 1"
        )
        cursor.execute("SELECT max(created_at) FROM invoices_invoice")
        values["latest"] = cursor.fetchone()[0]
    return values


def _all(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()


def create_body(office: dict, rng: random.Random, lines: int) -> dict:
    """A realistic create request: an assignment invoice with *lines* costs for a party."""
    costs = [
        {
            "amount": rng.randrange(5000, 900000),
            "costTypeCode": rng.choice(["COMMISSION", "MARKETING", "DOCUMENT_MANAGEMENT"]),
            "description": f"Bench cost {index + 1}",
            "vatPercentage": 25.5,
            "includesVat": index == 0,
            "includedInCommission": index == 0,
        }
        for index in range(lines)
    ]
    return {
        "invoicingReasonCode": "ASSIGNMENT",
        "assignmentId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "invoice": {
            "agencyOfficeId": office["id"],
            "invoicedParties": {"parties": [{"partyId": rng.choice(office["parties"])}]},
            "costs": costs,
            "terms": {"paymentTerms": {"paymentTermsCode": "NET_14"}},
        },
    }


def offices_with_parties() -> list[dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, array_agg(p.id ORDER BY p.id) FROM offices_agencyoffice o "
            "JOIN LATERAL (SELECT id FROM parties_party WHERE office_id = o.id LIMIT 50) p "
            "ON true GROUP BY o.id ORDER BY o.id"
        )
        return [{"id": str(o), "parties": [str(p) for p in ps]} for o, ps in cursor.fetchall()]


# --- query counts (in-process) -----------------------------------------------------------------


def query_counts(token: str, values: dict) -> dict:
    """SQL queries per request with the Django test client, through the whole middleware."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    offices = offices_with_parties()

    def count(method: str, path: str, body: dict | None = None, expect: int = 200):
        call = getattr(client, method)
        kwargs = {"headers": headers | {"Request-ID": str(uuid.uuid4())}}
        if body is not None:
            kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        with CaptureQueriesContext(connection) as captured:
            response = call(path, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(
                f"{method.upper()} {path}: {response.status_code} {response.content}"
            )
        return len(captured.captured_queries), response

    rng = random.Random(11)
    results: dict = {}
    created = {}
    counts = {}
    for lines in (1, 8):
        counts[f"lines_{lines}"], response = count(
            "post", "/api/v1/invoices", create_body(offices[0], rng, lines), expect=201
        )
        created[lines] = response.json()["invoiceId"]
    results["create_invoice"] = _constant(counts)
    results["search_invoices"] = _constant(
        {f"size_{size}": count("get", f"/api/v1/invoices?size={size}")[0] for size in (5, 40)}
    )
    results["get_invoice"] = _constant(
        {f"lines_{n}": count("get", f"/api/v1/invoices/{created[n]}")[0] for n in (1, 8)}
    )
    from invoices.models import InvoiceEvent

    many_events = (
        InvoiceEvent.objects.filter(action_type_code="MARK_AS_PAID").values_list(
            "invoice_id", flat=True
        )
    ).first()
    results["invoice_history"] = _constant(
        {
            "events_1": count("get", f"/api/v1/invoices/{created[1]}/history")[0],
            "events_4": count("get", f"/api/v1/invoices/{many_events}/history")[0],
        }
    )
    results["list_parties"] = _constant(
        {f"size_{size}": count("get", f"/api/v1/parties?size={size}")[0] for size in (5, 40)}
    )
    results["list_agency_offices"] = _constant(
        {f"size_{size}": count("get", f"/api/v1/agencyOffices?size={size}")[0] for size in (2, 40)}
    )
    results["me"] = {"queries": count("get", "/api/v1/me")[0], "constant": True}
    return results


def _constant(counts: dict[str, int]) -> dict:
    return counts | {"constant": len(set(counts.values())) == 1}


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "invoicing_project.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "1",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    log(f"starting gunicorn ({workers} workers) on port {port}")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ | env,
        start_new_session=True,  # its own process group, stopped as one
    )
    return process


def wait_until_up(port: int, token: str, process: subprocess.Popen, timeout: float = 60) -> None:
    client = loadgen.Client("127.0.0.1", port, token)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        status, _ = client.send(loadgen.Request("GET", "/api/v1/me"))
        if status == 200:
            return
        time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- measurements ------------------------------------------------------------------------------


def measure_create(args, port: int, tokens: list[str]) -> dict:
    """Create-invoice (five lines) against the bare view: alternating rounds, same clients."""
    offices = offices_with_parties()
    per_client_create, per_client_bare = [], []
    for index in range(args.clients):
        rng = random.Random(100 + index)
        bodies = [
            json.dumps(create_body(offices[(index + i) % len(offices)], rng, 5)).encode()
            for i in range(50)
        ]
        per_client_create.append(
            [loadgen.Request("POST", "/api/v1/invoices", body, 201) for body in bodies]
        )
        per_client_bare.append(
            [loadgen.Request("POST", "/bench/bare", body, 201) for body in bodies[:5]]
        )
    rounds = {"bare": [], "create": []}
    order = ["bare", "create", "create", "bare"][: 2 * args.rounds]
    for kind in order:
        result = loadgen.throughput(
            host="127.0.0.1",
            port=port,
            tokens=tokens,
            requests_per_client=per_client_bare if kind == "bare" else per_client_create,
            warmup=args.warmup,
            duration=args.duration / args.rounds,
        )
        log(f"  {kind}: {result['rps']} req/s ({result['ok']} ok, {result['errors']} errors)")
        rounds[kind].append(result)
    summary = {}
    for kind, results in rounds.items():
        seconds = sum(r["seconds"] for r in results)
        summary[kind] = {
            "rps": round(sum(r["ok"] for r in results) / seconds, 1),
            "errors": sum(r["errors"] for r in results),
            "latency_p50_ms": _mean([r["latency_p50_ms"] for r in results]),
            "latency_p95_ms": _mean([r["latency_p95_ms"] for r in results]),
            "rounds": results,
        }
    summary["ratio"] = round(summary["create"]["rps"] / summary["bare"]["rps"], 3)
    summary["clients"] = args.clients
    summary["lines_per_invoice"] = 5
    return summary


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def search_scenarios(values: dict, invoices: int) -> list[tuple[str, dict]]:
    """Every documented filter with a realistic value, every sort both ways, deep pages."""
    latest: datetime = values["latest"]
    month_start = (latest - timedelta(days=400)).date().replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    surname = "Virtanen"
    scenarios = [
        ("default", {}),
        ("statusCode=APPROVED", {"statusCode": "APPROVED"}),
        ("statusCode=DRAFT", {"statusCode": "DRAFT"}),
        ("invoiceNumber", {"invoiceNumber": values["invoice_number"]}),
        ("partyName", {"partyName": surname}),
        ("agencyOfficeId", {"agencyOfficeId": values["office_id"]}),
        ("assignmentId", {"assignmentId": values["assignment_id"]}),
        ("tradeSettlementId", {"tradeSettlementId": values["trade_settlement_id"]}),
        ("rentalSettlementId", {"rentalSettlementId": values["rental_settlement_id"]}),
        ("partyId", {"partyId": values["party_id"]}),
        ("realtyId", {"realtyId": values["realty_id"]}),
        ("responsibleAgentId", {"responsibleAgentId": values["agent_id"]}),
        ("freeTextSearch=name", {"freeTextSearch": surname}),
        ("freeTextSearch=street", {"freeTextSearch": values["street"]}),
        ("freeTextSearch=number", {"freeTextSearch": values["invoice_number"][-7:]}),
        (
            "modifiedAfter",
            {"modifiedAfter": (latest - timedelta(days=7)).astimezone(UTC).isoformat()},
        ),
        ("invoiceTypeCode=CREDIT_NOTE", {"invoiceTypeCode": "CREDIT_NOTE"}),
        ("invoicingReasonCode=CLEARING_RENTAL", {"invoicingReasonCode": "CLEARING_RENTAL"}),
        (
            "issueDateAfter+Before",
            {"issueDateAfter": month_start.isoformat(), "issueDateBefore": month_end.isoformat()},
        ),
        (
            "dueDateAfter+Before",
            {"dueDateAfter": month_start.isoformat(), "dueDateBefore": month_end.isoformat()},
        ),
        ("isPaid=false", {"isPaid": "false"}),
        ("direction=PURCHASE", {"direction": "PURCHASE"}),
    ]
    from invoices.filters import SORT_FIELDS  # every documented sort

    for field in SORT_FIELDS:
        for direction in ("asc", "desc"):
            scenarios.append((f"sort={field}|{direction}", {"sort": f"{field}|{direction}"}))
    for start in (10_000, 100_000):
        start = min(start, max(0, invoices - 40))
        scenarios.append((f"startIndex={start}", {"startIndex": start}))
    return scenarios


def measure_search(args, port: int, token: str, values: dict) -> dict:
    client = loadgen.Client("127.0.0.1", port, token)
    results = {}
    chosen = {name for name in args.scenarios.split(",") if name}
    for name, params in search_scenarios(values, args.invoices):
        if chosen and name not in chosen:
            continue
        path = "/api/v1/invoices?" + urlencode(params)
        result = loadgen.latencies(
            client,
            [loadgen.Request("GET", path)],
            warmups=args.warmups,
            runs=args.search_runs,
            max_seconds=args.scenario_seconds,
        )
        result["query"] = params
        results[name] = result
        log(
            f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
            f"(n={result['n']}, totalCount={result.get('totalCount')})"
        )
    return results


def measure_get(args, port: int, token: str, values: dict) -> dict:
    client = loadgen.Client("127.0.0.1", port, token)
    requests = [loadgen.Request("GET", f"/api/v1/invoices/{i}") for i in values["invoice_ids"]]
    result = loadgen.latencies(
        client, requests, warmups=args.warmups, runs=args.get_runs, max_seconds=60
    )
    log(f"  GET invoice: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms (n={result['n']})")
    return result


def measure_pdf() -> dict:
    """The PDF figures from another engineer's bench/pdf_render.py (run as is), or from
    bench/pdf_fallback.py if that script is absent."""
    script = ROOT / "bench" / "pdf_render.py"
    if not script.exists():
        script = ROOT / "bench" / "pdf_fallback.py"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DATABASE_RANDOM_PAGE_COST"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "invoicing_project.settings"
    env["DJANGO_DEBUG"] = "true"  # its throw-away SQLite set-up; rendering is the same code
    log(f"PDF: {script.relative_to(ROOT)}")
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode:
        log(f"PDF script failed: {completed.stderr[-2000:]}")
        return {"error": completed.stderr[-2000:], "script": str(script.relative_to(ROOT))}
    output = completed.stdout
    data = json.loads(output[output.index("{") :])
    per_second = data["pdfs_per_second"]
    return {
        "script": str(script.relative_to(ROOT)),
        "ms_median_one_page": data["one_page"]["median_ms"],
        "cpu_ms_median_one_page": data["one_page"].get("median_cpu_ms"),
        "pdfs_per_second_1_worker": per_second["processes_1"],
        "pdfs_per_second_2_workers": per_second["processes_2"],
        "speedup_2_workers": round(per_second["processes_2"] / per_second["processes_1"], 2),
        "raw": data,
    }


# --- results -----------------------------------------------------------------------------------


def markdown_table(results: dict) -> str:
    create = results["create"]
    pdf = results.get("pdf", {})
    rows = [
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| invoices seeded | {results['invoices']:,} | |",
        f"| seed rate | {_thousands(results['seed'].get('invoices_per_second'))} invoices/s | "
        ">= 20,000 |",
        f"| create (5 lines) / bare view | {create['create']['rps']} / {create['bare']['rps']} "
        f"req/s = **{results['create_ratio_vs_bare']}** | >= 0.5 |",
        f"| GET invoice p50 / p95 | {results['get_p50_ms']} / **{results['get_p95_ms']}** ms | |",
        f"| PDF one page (median) | **{results.get('pdf_ms_median')}** ms | < 100 |",
        f"| PDFs/s 1 worker / 2 workers | {pdf.get('pdfs_per_second_1_worker')} / "
        f"{pdf.get('pdfs_per_second_2_workers')} = **{results.get('pdf_speedup_2_workers')}x** "
        "| >= 1.7x |",
    ]
    rows += ["", "| search scenario | p50 ms | p95 ms | totalCount |", "| --- | --- | --- | --- |"]
    for name, result in results["search"].items():
        rows.append(
            f"| `{name}` | {result['p50_ms']} | **{result['p95_ms']}** | "
            f"{result.get('totalCount', '')} |"
        )
    rows += ["", "| endpoint | SQL queries | constant |", "| --- | --- | --- |"]
    for endpoint, counts in results["queries"].items():
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "constant")
        rows.append(f"| {endpoint} | {shown} | {'yes' if counts['constant'] else '**no**'} |")
    header = (
        f"Run of {results['finished_at']} ({results['label']}), {results['duration_s']} s, "
        f"load average {results['load_average']['before']} before / "
        f"{results['load_average']['after']} after; CPU reference loop "
        f"{results['machine'].get('cpu_reference_ms', '-')} ms (`machine.cpu_reference_ms`, lower "
        "is faster)."
    )
    return header + "\n\n" + "\n".join(rows)


def _thousands(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "-"


def update_docs(results: dict) -> None:
    if not DOCS.exists():
        return
    text = DOCS.read_text()
    if DOCS_START not in text or DOCS_END not in text:
        return
    before, rest = text.split(DOCS_START, 1)
    _, after = rest.split(DOCS_END, 1)
    DOCS.write_text(f"{before}{DOCS_START}\n{markdown_table(results)}\n{DOCS_END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--label", default="", help="a name for this run (e.g. before, after)")
    parser.add_argument("--skip-seed", action="store_true", help="keep the seeded data")
    parser.add_argument(
        "--undo-fixes",
        action="store_true",
        help="a 'before' run: drop the search indexes (fixes-undo.sql), random_page_cost 4",
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=16, help="seconds per endpoint")
    parser.add_argument("--rounds", type=int, default=2, choices=[1, 2])
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--warmups", type=int, default=2, help="unmeasured requests")
    parser.add_argument("--search-runs", type=int, default=25)
    parser.add_argument("--scenario-seconds", type=float, default=4)
    parser.add_argument("--get-runs", type=int, default=100)
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/performance.md")
    parser.add_argument(
        "--only",
        choices=["search"],
        help="measure only this phase (search: no query counts, create, GET or PDF; "
        "implies --no-docs)",
    )
    parser.add_argument(
        "--scenarios", default="", help="comma-separated search scenario names (default: all)"
    )
    args = parser.parse_args()
    if args.only:
        args.skip_pdf = args.no_docs = True

    started = time.perf_counter()
    load_before = round(os.getloadavg()[0], 2)
    env = bench_environment(args)
    ensure_database(env["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0, interactive=False)
    results: dict = {
        "label": args.label or ("before" if args.undo_fixes else "as is"),
        "invoices": args.invoices,
        "undo_fixes": args.undo_fixes,
        "machine": machine(env),
        "gunicorn_workers": args.gunicorn_workers,
        "clients": args.clients,
    }
    phases = {}
    if args.undo_fixes:
        log("applying bench/fixes-undo.sql")
        phases["undo_fixes"] = apply_sql(ROOT / "bench" / "fixes-undo.sql")
    if args.skip_seed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM invoices_invoice")
            results["invoices"] = cursor.fetchone()[0]
        results["seed"] = {"skipped": True}
    else:
        log(f"seeding {args.invoices:,} invoices")
        results["seed"] = seed(args.invoices)
        phases["seed"] = results["seed"]["seconds"]
    with connection.cursor() as cursor:
        from bench.bare_urls import BARE_TABLE, BARE_TABLE_SQL

        cursor.execute(BARE_TABLE_SQL)
        cursor.execute(f"TRUNCATE {BARE_TABLE}")
    tokens = issue_tokens(args.clients)
    values = sample_values()

    if not args.only:  # it creates invoices, which would move the sampled values
        mark = time.perf_counter()
        log("SQL queries per request")
        results["queries"] = query_counts(tokens[0], values)
        log(f"  {results['queries']}")
        phases["queries"] = round(time.perf_counter() - mark, 1)
    connections.close_all()

    port = free_port()
    server = start_server(env, port, args.gunicorn_workers)
    try:
        wait_until_up(port, tokens[0], server)
        if not args.only:
            mark = time.perf_counter()
            log(f"create vs bare: {args.clients} clients, {args.duration:g} s each")
            results["create"] = measure_create(args, port, tokens)
            phases["create"] = round(time.perf_counter() - mark, 1)
        mark = time.perf_counter()
        log("search latency")
        results["search"] = measure_search(args, port, tokens[0], values)
        phases["search"] = round(time.perf_counter() - mark, 1)
        if not args.only:
            mark = time.perf_counter()
            results["get"] = measure_get(args, port, tokens[0], values)
            phases["get"] = round(time.perf_counter() - mark, 1)
    finally:
        stop_server(server)
    if not args.skip_pdf:
        mark = time.perf_counter()
        results["pdf"] = measure_pdf()
        phases["pdf"] = round(time.perf_counter() - mark, 1)
        log(f"  { ({k: v for k, v in results['pdf'].items() if k != 'raw'}) }")

    results["create_ratio_vs_bare"] = results.get("create", {}).get("ratio")
    results["search_p95_ms"] = {name: r["p95_ms"] for name, r in results["search"].items()}
    results["search_p50_ms"] = {name: r["p50_ms"] for name, r in results["search"].items()}
    results["get_p50_ms"] = results.get("get", {}).get("p50_ms")
    results["get_p95_ms"] = results.get("get", {}).get("p95_ms")
    pdf = results.get("pdf", {})
    results["pdf_ms_median"] = pdf.get("ms_median_one_page")
    results["pdf_speedup_2_workers"] = pdf.get("speedup_2_workers")
    results["targets"] = TARGETS
    results["phases_s"] = phases
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["load_average"] = {"before": load_before, "after": round(os.getloadavg()[0], 2)}
    results["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    results["date"] = date.today().isoformat()

    ordered = {
        key: results.pop(key)
        for key in (
            "invoices",
            "create_ratio_vs_bare",
            "search_p95_ms",
            "get_p95_ms",
            "pdf_ms_median",
            "pdf_speedup_2_workers",
            "queries",
        )
        if key in results  # --only search measures no queries
    }
    results = ordered | results
    Path(args.output).write_text(json.dumps(results, indent=2, default=str) + "\n")
    log(f"wrote {args.output} ({results['duration_s']} s in all)")
    if not args.no_docs:
        update_docs(results)
    if not args.only:
        print(markdown_table(results))


if __name__ == "__main__":
    main()
