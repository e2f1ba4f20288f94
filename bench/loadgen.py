"""A small HTTP load generator and latency meter (standard library only).

* ``throughput``: several client processes, each with its own Bearer token and one keep-alive
  connection (``http.client`` reconnects by itself when gunicorn's sync workers close it),
  send the same kind of request in a loop; after a common warm-up every process counts the
  answers with the expected status that complete inside the same measuring window.
* ``latencies``: one client, sequential requests, wall time per request in milliseconds.

Every request carries a fresh ``Request-ID`` (a UUID 4), as the API requires.
"""

import http.client
import json
import multiprocessing
import statistics
import time
import uuid
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None = None
    expect: int = 200


@dataclass
class Client:
    host: str
    port: int
    token: str
    connection: http.client.HTTPConnection = field(init=False)

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def send(self, request: Request) -> tuple[int, bytes]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Request-ID": str(uuid.uuid4()),
            "Accept": "application/json",
        }
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(request.method, request.path, request.body, headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.HTTPException):
            self.connection.close()  # the next request reconnects
            return 0, b""


def _throughput_worker(args) -> dict:
    host, port, token, requests, start_at, warmup, duration = args
    client = Client(host, port, token)
    measure_from = start_at + warmup
    measure_to = measure_from + duration
    ok = errors = 0
    statuses: dict[int, int] = {}
    latencies = []
    index = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while True:
        sent = time.time()
        if sent >= measure_to:
            break
        request = requests[index % len(requests)]
        index += 1
        status, _ = client.send(request)
        done = time.time()
        if measure_from <= sent and done <= measure_to:
            if status == request.expect:
                ok += 1
                latencies.append((done - sent) * 1000)
            else:
                errors += 1
                statuses[status] = statuses.get(status, 0) + 1
    client.connection.close()
    return {"ok": ok, "errors": errors, "statuses": statuses, "latencies": latencies}


def throughput(
    *,
    host: str,
    port: int,
    tokens: list[str],
    requests_per_client: list[list[Request]],
    warmup: float,
    duration: float,
) -> dict:
    """Successful requests per second of ``len(tokens)`` concurrent clients."""
    start_at = time.time() + 1.0
    jobs = [
        (host, port, token, requests, start_at, warmup, duration)
        for token, requests in zip(tokens, requests_per_client, strict=True)
    ]
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        results = pool.map(_throughput_worker, jobs)
    ok = sum(r["ok"] for r in results)
    latencies = [ms for r in results for ms in r["latencies"]]
    statuses: dict[int, int] = {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "clients": len(jobs),
        "seconds": duration,
        "ok": ok,
        "errors": sum(r["errors"] for r in results),
        "error_statuses": statuses,
        "rps": round(ok / duration, 1),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def latencies(
    client: Client, requests: list[Request], *, warmups: int, runs: int, max_seconds: float
) -> dict:
    """Sequential requests: *warmups* unmeasured, then up to *runs* measured (fewer if
    *max_seconds* runs out, but at least 5)."""
    for index in range(warmups):
        client.send(requests[index % len(requests)])
    times = []
    failures: dict[int, int] = {}
    body = b""
    deadline = time.perf_counter() + max_seconds
    for index in range(runs):
        request = requests[index % len(requests)]
        start = time.perf_counter()
        status, body = client.send(request)
        times.append((time.perf_counter() - start) * 1000)
        if status != request.expect:
            failures[status] = failures.get(status, 0) + 1
        if time.perf_counter() > deadline and len(times) >= 5:
            break
    result = {
        "n": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": round(max(times), 1),
    }
    if failures:
        result["failures"] = failures
    try:
        total = json.loads(body).get("totalCount")
    except (ValueError, AttributeError):
        total = None
    if total is not None:
        result["totalCount"] = total
    return result


def percentile(values: list[float], pct: float) -> float | None:
    """The *pct* percentile (nearest rank on the sorted values; p50 is the median)."""
    if not values:
        return None
    if pct == 50:
        return round(statistics.median(values), 1)
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 1)
