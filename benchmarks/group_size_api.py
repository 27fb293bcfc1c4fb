"""Benchmark: what the minimum organisations per group costs a restricted role on the API
(issue 14, item 2).

``GET /api/v1/metrics?by=place,segment`` (every metric and month) through the Django test
client, for an analyst (every organisation's figures: no rule applied), a programme lead (no
organisation's own figures) and an organisation's data lead (their own organisation's figures:
the first partner in secondary care, as the demo's); the accounts are made if missing. Each
measurement runs in a child process; with ``--baseline-src`` and ``--baseline-home`` the
children alternate, repeat by repeat, between this checkout on
``--home`` and an older source tree on its own copy of the data directory (the rule read
organisation-level results files to count each group's contributors; here they are stored
with the results), so the machine's changing load falls on both alike. In each child the
first request of a role is a warm-up (reported apart); the median of the others is reported.
The answers of the two are compared: the same rows, values and withheld cells.

    python benchmarks/group_size_api.py --home DIR [--baseline-src DIR --baseline-home DIR]
        [--repeats 5] [--calls 3] [--by place,segment] [--write-cost]

``--write-cost``: instead, time what storing the contributors adds to a full rebuild (working
them out for every stored result and SPC point of ``--home``, in this process, ``--repeats``
times), check the answer is what is stored, and write
benchmarks/results/group_size_write_cost.json.

``--home`` (and ``--baseline-home``): an ``ics`` demo (``oneworkforce demo --no-serve``).
Writes benchmarks/results/group_size_api.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "group_size_api.json"
WRITE_COST = RESULTS.with_name("group_size_write_cost.json")
ROLES = ("analyst", "programme_lead", "org_data_lead")


def child(home: Path, by: str, calls: int) -> dict:
    """Time the API for each role in this process (the code on ``sys.path``)."""
    os.environ["ONEWORKFORCE_HOME"] = str(home)
    os.environ.pop("ONEWORKFORCE_REDIS_URL", None)
    os.environ.setdefault("ONEWORKFORCE_SECRET_KEY", "benchmark-only")
    os.environ["ONEWORKFORCE_CACHE_PREFIX"] = f"group-size-bench-{os.getpid()}"
    from oneworkforce import opstore
    from oneworkforce.config import Home

    opstore.setup(Home.resolve(home))
    from django.test import Client

    from oneworkforce.data.lake import Lake
    from oneworkforce.web.accounts.service import create_user

    # the organisation of the demo's data lead: the first partner in secondary care
    orgs = [
        str(o["org_code"])
        for o in Lake(Home.resolve(home)).organisations()
        if o.get("partner") and o["segment"] == "secondary_care"
    ]
    out: dict = {"first": {}, "times": {}, "answer": {}, "rows": {}, "withheld": {}}
    for role in ROLES:
        user = create_user(
            f"bench-{role.replace('_', '-')}",
            role,
            password=None,
            organisations=orgs[:1] if role == "org_data_lead" else (),
            actor="benchmark",
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        times = []
        for i in range(calls + 1):
            began = time.perf_counter()
            response = client.get(f"/api/v1/metrics?by={by}")
            took = time.perf_counter() - began
            assert response.status_code == 200, (role, response.status_code)
            if i == 0:
                out["first"][role] = took
                rows = response.json()
                out["answer"][role] = hashlib.sha256(response.content).hexdigest()
                out["rows"][role] = len(rows)
                out["withheld"][role] = sum(1 for r in rows if r.get("withheld"))
            else:
                times.append(took)
        out["times"][role] = times
    return out


def write_cost(home: Path, repeats: int) -> dict:
    """What working out the contributors adds to a rebuild: :func:`with_contributors` over
    every stored (split, metric) pair of ``home``'s store, as a rebuild calls it."""
    import pyarrow.parquet as pq

    from oneworkforce.config import Home
    from oneworkforce.data.lake import Lake
    from oneworkforce.metrics.contributors import with_contributors
    from oneworkforce.metrics.results_layout import read_index, results_root

    lake = Home.resolve(home).lake
    index = read_index(lake)
    assert index is not None, f"no results store of this format in {home}"
    root = results_root(lake)
    tables = {
        split: {
            code: (pq.read_table(root / f["results"]), pq.read_table(root / f["spc"]))
            for code, f in info["metrics"].items()
        }
        for split, info in index["splits"].items()
    }
    register = {
        str(o["org_code"]): (o["place"], o["segment"])
        for o in Lake(Home.resolve(home)).organisations()
        if o.get("partner")
    }
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        out = with_contributors(tables, register, lake, lambda split, code: None)
        times.append(time.perf_counter() - began)
    same = all(
        out[split][code][0]["contributors"].equals(rows["contributors"])
        and out[split][code][1]["contributors"].equals(points["contributors"])
        for split, metrics in tables.items()
        for code, (rows, points) in metrics.items()
    )
    return {
        "median_s": round(statistics.median(times), 2),
        "results_rows": sum(r.num_rows for m in tables.values() for r, _ in m.values()),
        "spc_points": sum(p.num_rows for m in tables.values() for _, p in m.values()),
        "same_as_stored": same,
    }


def run_child(src: Path | None, home: Path, by: str, calls: int) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    args = [sys.executable, __file__, "--child", "--home", str(home), "--by", by]
    done = subprocess.run(
        [*args, "--calls", str(calls)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"child failed on {home}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--baseline-home", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--by", default="place,segment")
    parser.add_argument(
        "--write-cost", action="store_true", help="time the contributors of every figure instead"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.home, args.by, args.calls)))
        return
    if args.write_cost:
        load = os.getloadavg()
        cost = {
            "benchmark": "group_size_write_cost",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other work",
            "load_average_before": [round(x, 2) for x in load],
            "contributors_of_the_whole_store": write_cost(args.home, args.repeats),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
        WRITE_COST.write_text(json.dumps(cost, indent=2) + "\n")
        print(json.dumps(cost, indent=2))
        return
    runs: dict[str, list[dict]] = {"current": []}
    if args.baseline_src:
        runs["baseline"] = []
    load_before = os.getloadavg()
    for _ in range(args.repeats):
        if args.baseline_src:
            runs["baseline"].append(
                run_child(args.baseline_src, args.baseline_home, args.by, args.calls)
            )
        runs["current"].append(run_child(None, args.home, args.by, args.calls))
    load_after = os.getloadavg()

    def summary(children: list[dict]) -> dict:
        first = children[0]
        return {
            role: {
                "median_s": round(
                    statistics.median(t for c in children for t in c["times"][role]), 3
                ),
                "first_call_median_s": round(
                    statistics.median(c["first"][role] for c in children), 3
                ),
                "rows": first["rows"][role],
                "withheld": first["withheld"][role],
            }
            for role in ROLES
        }

    result: dict = {
        "benchmark": "group_size_api",
        "request": f"GET /api/v1/metrics?by={args.by}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other work",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "repeats": args.repeats,
        "calls_per_repeat": args.calls,
        "current": summary(runs["current"]),
    }
    if args.baseline_src:
        result["baseline"] = summary(runs["baseline"])
        result["same_answers"] = {
            role: runs["baseline"][0]["answer"][role] == runs["current"][0]["answer"][role]
            for role in ROLES
        }
        result["speedup"] = {
            role: round(
                result["baseline"][role]["median_s"] / result["current"][role]["median_s"], 1
            )
            for role in ROLES
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
