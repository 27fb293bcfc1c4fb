"""Benchmark: latency and throughput of the dashboard and drill-down pages (issue 4, item 11).

The ``ics`` demo (built here with ``oneworkforce demo --no-serve --scale ics``, or reused with
``--home``) is served by ``oneworkforce serve`` (gunicorn gthread; SQLite in the data
directory) on loopback. Clients sign in through the form (CSRF token and all) and then, for a
bounded time, each requests pages one after another on its own keep-alive connection: the
People Story matrix ``/`` and drill-downs ``/metrics/<metric>/?segment=...`` over the six
People Story metrics and several segments (and the whole system), alternately. Every
response must be 200 and be the page asked for, or the run fails.

Beside it, in the same run: the same clients requesting ``/healthz`` for the same time, the
server's floor (routing, middleware, a trivial response, the network round trip).

The cache (issue 16): the same load against three servers over the same data directory,
started together and measured in turn within each repeat, so the machine's changing load
falls on all three alike: ``files`` (the embedded default, the shared cache in the data
directory), ``redis`` (``--redis-url``, default ``redis://127.0.0.1:6379/0``) and the
baseline ``per-process`` (each worker's own memory, as before issue 16;
benchmarks/per_process_settings.py). ``--caches`` picks which. Each run
is repeated (``--repeats``) and the median of each figure reported; the machine is small
and shared, so its load average is recorded with every run.

    python benchmarks/web_latency.py [--home DIR] [--seconds 30] [--clients 20] [--repeats 3]

Goal: 95th percentile under 150 ms for the pages.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from machine import machine

HERE = Path(__file__).resolve().parent
USERNAME = "benchmark-analyst"
PASSWORD = "Kq7v-latency-measure-2026"
METRICS = (
    "staff_in_post_fte",
    "vacancy_rate",
    "sickness_absence_rate",
    "agency_share_of_paybill",
    "turnover_rate",
    "leaver_rate",
)
SEGMENTS = ("", "secondary_care", "general_practice", "nhs_mental_health", "care_homes")
#: what each page kind must contain to count as the page asked for
MARKERS = {
    "dashboard": b'id="people-story"',
    "drilldown": b"Statistical process control chart",
    "healthz": b"ok",
}
GOAL_P95_MS = 150.0


# --- the server ------------------------------------------------------------------------


def _env(cache: str = "files", redis: str = "") -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "ONEWORKFORCE_HOME",
            "ONEWORKFORCE_REDIS_URL",
        }
    }
    env.setdefault("ONEWORKFORCE_SECRET_KEY", "benchmark-only")
    env["ONEWORKFORCE_CACHE_PREFIX"] = f"web-latency-{os.getpid()}-{cache}"
    if cache == "redis":
        env["ONEWORKFORCE_REDIS_URL"] = redis
    elif cache == "per-process":
        env["DJANGO_SETTINGS_MODULE"] = "per_process_settings"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return env


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "oneworkforce", "--home", str(home), *args]


def prepare(home: Path) -> None:
    """The ``ics`` demo in ``home`` (built unless it is there) and the benchmark's analyst."""
    if not (home / "demo-data" / "ics-seed1" / "organisations.csv").exists():
        print(f"building the ics demo in {home} ...", file=sys.stderr)
        subprocess.run(
            _cli(home, "demo", "--no-serve", "--scale", "ics"),
            env=_env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(
        _cli(
            home,
            "createuser",
            USERNAME,
            "--role",
            "analyst",
            "--password-stdin",
            "--reset-password",
        ),
        env=_env(),
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``oneworkforce serve`` in a subprocess, stopped (by its id) on exit."""

    def __init__(self, home: Path, workers: int, threads: int, env: dict[str, str]):
        self.port = free_port()
        # the server's log lives as long as the server, so it is closed in __exit__
        self.log = tempfile.NamedTemporaryFile(prefix="web-latency-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            _cli(
                home,
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ),
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share its process group, stopped together
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                status, _ = request(http.client.HTTPConnection("127.0.0.1", self.port), "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not answer /healthz in 2 minutes")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        stop(self.process)
        self.log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop the server: gunicorn's master stops its workers on SIGTERM; whatever of its
    process group (the master and its workers) is left after 10 seconds is killed."""
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # ProcessLookupError: all gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# --- the clients -------------------------------------------------------------------------


def request(
    conn: http.client.HTTPConnection, path: str, *, method="GET", body=None, headers=None
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read()


def sign_in(port: int) -> str:
    """Sign in through the form as the benchmark's analyst; returns the Cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = response.getheader("Set-Cookie", "")
    session = re.search(r"sessionid=([^;]+)", cookies)
    if response.status != 302 or session is None:
        raise RuntimeError(f"sign-in failed: {response.status}")
    conn.close()
    return f"sessionid={session.group(1)}; csrftoken={csrf_cookie}"


def page_mix(offset: int) -> itertools.cycle:
    """(kind, path) pairs: the matrix and a drill-down alternately, the drill-downs going
    round every metric and segment, each client starting at its own place."""
    drilldowns = [
        f"/metrics/{m}/" + (f"?segment={s}" if s else "") for m in METRICS for s in SEGMENTS
    ]
    drilldowns = drilldowns[offset % len(drilldowns) :] + drilldowns[: offset % len(drilldowns)]
    pairs = []
    for path in drilldowns:
        pairs += [("dashboard", "/"), ("drilldown", path)]
    return itertools.cycle(pairs)


def cold(port: int, cookie: str) -> dict:
    """Cold latency: each distinct page requested once, one after another, by one client on a
    server just started, before any load (what the first reader of a new data version waits,
    unless a shared cache already holds that generation's fragments from an earlier run). The
    warm figures are the load runs after it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies: dict[str, list[float]] = {}
    seen = set()
    for kind, path in page_mix(0):
        if path in seen:
            if len(seen) == len(METRICS) * len(SEGMENTS) + 1:
                break
            continue
        seen.add(path)
        t = time.perf_counter()
        status, body = request(conn, path, headers={"Cookie": cookie})
        latencies.setdefault(kind, []).append(time.perf_counter() - t)
        if status != 200 or MARKERS[kind] not in body:
            raise RuntimeError(f"cold {path}: {status}")
    conn.close()
    everything = [x for values in latencies.values() for x in values]
    out = {
        "dashboard": {"first_ms": round(latencies["dashboard"][0] * 1000, 1)},
        "drilldown": summary(latencies["drilldown"], 1.0),
        "overall": summary(everything, 1.0),
    }
    for figures in out.values():
        figures.pop("requests_per_second", None)
    return out


def health_mix(offset: int) -> itertools.cycle:
    return itertools.cycle([("healthz", "/healthz")])


@dataclass
class Client:
    port: int
    cookie: str
    paths: itertools.cycle
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def run(self, start: float, warm_until: float, stop: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie}
        while time.perf_counter() < start:
            time.sleep(0.001)
        while (now := time.perf_counter()) < stop:
            kind, path = next(self.paths)
            try:
                status, body = request(conn, path, headers=headers)
            except (http.client.HTTPException, OSError):  # the server closed the connection
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status, body = request(conn, path, headers=headers)
            took = time.perf_counter() - now
            if status != 200 or MARKERS[kind] not in body:
                self.errors.append(f"{path}: {status}")
            elif now >= warm_until:
                self.latencies.setdefault(kind, []).append(took)
        conn.close()


def load(port: int, cookies: list[str], mix, seconds: float, warm_up: float) -> dict:
    clients = [Client(port, c, mix(i * 7)) for i, c in enumerate(cookies)]
    start = time.perf_counter() + 0.2
    warm_until = start + warm_up
    stop = warm_until + seconds
    threads = [threading.Thread(target=c.run, args=(start, warm_until, stop)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [e for c in clients for e in c.errors]
    if errors:
        raise RuntimeError(f"{len(errors)} bad responses, e.g. {errors[:3]}")
    by_kind: dict[str, list[float]] = {}
    for c in clients:
        for kind, values in c.latencies.items():
            by_kind.setdefault(kind, []).extend(values)
    figures = {kind: summary(values, seconds) for kind, values in sorted(by_kind.items())}
    if len(by_kind) > 1:
        figures["overall"] = summary([v for vs in by_kind.values() for v in vs], seconds)
    return figures


def summary(latencies: list[float], seconds: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "requests_per_second": round(len(latencies) / seconds, 1),
    }


# --- the run -----------------------------------------------------------------------------


def medians(runs: list[dict]) -> dict:
    """The median of each figure over the runs."""
    out: dict = {}
    for kind in runs[0]:
        out[kind] = {
            key: round(statistics.median(r[kind][key] for r in runs), 1) for key in runs[0][kind]
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an ics demo data directory to reuse")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per load")
    parser.add_argument("--warm-up", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    cores = os.cpu_count() or 1
    # the views are CPU-bound Python: one process per core beats serve's default of two
    # (measured on 2 cores: p95 ~200 ms with 2 workers, ~330 ms with 4)
    parser.add_argument("--workers", type=int, default=cores, help="default: one per core")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--caches",
        default="per-process,files,redis",
        help="which caches to serve with, measured in turn: per-process, files, redis",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "web_latency.json")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="web-latency-")) / "home"
    prepare(home)
    caches = [c.strip() for c in args.caches.split(",") if c.strip()]
    runs: dict[str, list[dict]] = {c: [] for c in caches}
    with contextlib.ExitStack() as servers:
        started = {
            c: servers.enter_context(
                Server(home, args.workers, args.threads, _env(c, args.redis_url))
            )
            for c in caches
        }
        cookies = {c: [sign_in(s.port) for _ in range(args.clients)] for c, s in started.items()}
        # cold: each page once, before any load, on servers just started
        colds = {c: cold(s.port, cookies[c][0]) for c, s in started.items()}
        for i in range(args.repeats):
            for c, server in started.items():  # each cache in turn, within each repeat
                load_before = os.getloadavg()[0]
                pages = load(server.port, cookies[c], page_mix, args.seconds, args.warm_up)
                floor = load(server.port, cookies[c], health_mix, args.seconds, args.warm_up)
                runs[c].append(
                    {"pages": pages, "healthz": floor["healthz"], "load_average": load_before}
                )
                print(f"run {i + 1} {c}: {json.dumps(runs[c][-1])}", file=sys.stderr)
    by_cache = {}
    for c in caches:
        pages = medians([r["pages"] for r in runs[c]])
        floor = medians([{"healthz": r["healthz"]} for r in runs[c]])["healthz"]
        overall = pages["overall"]
        by_cache[c] = {
            "cold": colds[c],
            "pages": pages,
            "healthz": floor,
            "ratio_to_floor": {
                "median": round(overall["median_ms"] / floor["median_ms"], 1),
                "p95": round(overall["p95_ms"] / floor["p95_ms"], 1),
                "throughput": round(
                    floor["requests_per_second"] / overall["requests_per_second"], 1
                ),
            },
            "goal": {"p95_ms_under": GOAL_P95_MS, "met": overall["p95_ms"] < GOAL_P95_MS},
            "runs": runs[c],
        }
    shared_cost = {}
    if "per-process" in by_cache:
        base = by_cache["per-process"]["pages"]["overall"]
        for c in caches:
            if c == "per-process":
                continue
            o = by_cache[c]["pages"]["overall"]
            shared_cost[c] = {
                # above 1: the shared cache is slower; issue 16 allows at most 1.2
                "p95_ratio": round(o["p95_ms"] / base["p95_ms"], 2),
                # below 1: the shared cache serves fewer pages a second; at least 1 / 1.2
                "throughput_ratio": round(
                    o["requests_per_second"] / base["requests_per_second"], 2
                ),
            }
    result = {
        "benchmark": "web_latency",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "settings": {
            "demo": "ics, seed 1",
            "database": "SQLite in the data directory",
            "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads",
            "clients": args.clients,
            "seconds": args.seconds,
            "warm_up_seconds": args.warm_up,
            "repeats": args.repeats,
            "caches": caches,
            "metrics": list(METRICS),
            "segments": [s or "(whole system)" for s in SEGMENTS],
        },
        "caches": by_cache,
        "shared_cache_against_per_process": shared_cost,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        json.dumps(
            {
                "cold": {c: v["cold"]["overall"] for c, v in by_cache.items()},
                "pages": {c: v["pages"]["overall"] for c, v in by_cache.items()},
                "healthz": {c: v["healthz"] for c, v in by_cache.items()},
                "shared_cache_against_per_process": shared_cost,
            }
        )
    )


if __name__ == "__main__":
    main()
