"""Load test of `vntransfer serve` on loopback: latency percentiles and errors under 1, 4 and 16 clients.

    python benchmarks/load.py [--model DIR] [--clients 1,4,16] [--requests 5] [--max-seconds 300]
    python benchmarks/load.py --url http://127.0.0.1:8000 [--api-key KEY]   # a server already running
    python benchmarks/load.py --readme        # README's load table from benchmarks/load.json

Each client sends --requests requests one after another (POST /predict, one typical article of about
1,500 characters cut from a seed text at a sentence end); every level stops early past --max-seconds.
Without --url it starts its own server on a free loopback port and stops it at the end. Only loopback
addresses are accepted. Writes benchmarks/load.json (or --out).
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "load.json"
README = ROOT / "README.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"


def article(chars: int = 1500) -> str:
    """About `chars` characters of a seed article, ending at a sentence end."""
    text = sorted((ROOT / "data").glob("*.txt"))[0].read_text(encoding="utf-8")
    cut = text[:chars + 200]
    ends = [m.end() for m in re.finditer(r"[.!?…](\s|$)", cut) if m.end() <= chars + 100]
    return cut[:ends[-1]].strip() if ends else text[:chars]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def level(url: str, text: str, clients: int, requests: int, max_seconds: float, headers: dict) -> dict:
    latencies, errors = [], []
    stop_at = time.perf_counter() + max_seconds

    async def client(http: httpx.AsyncClient):
        for _ in range(requests):
            if time.perf_counter() > stop_at:
                return
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/predict", json={"text": text}, headers=headers)
                if r.status_code == 200 and r.json().get("entities") is not None:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors.append(str(r.status_code))
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=max(60.0, max_seconds), limits=limits) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        wall = time.perf_counter() - t0
    ms = [x * 1000 for x in latencies]
    return {"clients": clients, "requests": len(latencies) + len(errors), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "p50_ms": round(percentile(ms, 0.5), 1),
            "p95_ms": round(percentile(ms, 0.95), 1), "p99_ms": round(percentile(ms, 0.99), 1),
            "req_per_s": round(len(latencies) / wall, 2) if wall else 0.0, "wall_s": round(wall, 2)}


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_server(model: str | None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "vntransfer", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if model:
        cmd += ["--model", model]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 180 s")


def run(url: str | None, model: str | None, clients: list[int], requests: int, max_seconds: float,
        api_key: str | None) -> dict:
    proc = None
    if url is None:
        proc, url = start_server(model)
    elif not _loopback(url):
        raise SystemExit(f"{url}: only loopback addresses are load-tested")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    text = article()
    try:
        httpx.post(f"{url}/predict", json={"text": text}, headers=headers, timeout=120)  # warm-up
        levels = [asyncio.run(level(url, text, c, requests, max_seconds, headers)) for c in clients]
        version = httpx.get(f"{url}/version", headers=headers, timeout=10).json()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
    return {"text_chars": len(text), "requests_per_client": requests, "max_seconds_per_level": max_seconds,
            "model": version.get("model"), "package_version": version.get("package_version"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
                       f"{platform.python_version()}", "levels": levels}


def table(results: dict) -> str:
    lines = [f"Load test (`python benchmarks/load.py`): POST /predict with a {results['text_chars']}-character "
             f"article (the same each time: the word segmenter's cache answers repeats), "
             f"{results['requests_per_client']} requests per client, loopback, {results['machine']}.",
             "", "| clients | requests | errors | p50 ms | p95 ms | p99 ms | req/s |", "|---|---|---|---|---|---|---|"]
    for x in results["levels"]:
        lines.append(f"| {x['clients']} | {x['requests']} | {x['errors']} | {x['p50_ms']} | {x['p95_ms']} | "
                     f"{x['p99_ms']} | {x['req_per_s']} |")
    return "\n".join(lines)


def update_readme(readme: Path, results: dict) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no {START} ... {END} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table(results)}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--model", help="model directory for the server started here")
    parser.add_argument("--api-key", default=os.environ.get("VNTRANSFER_API_KEY"))
    parser.add_argument("--clients", default="1,4,16", help="comma-separated concurrency levels")
    parser.add_argument("--requests", type=int, default=5, help="requests per client at each level")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="time bound per level")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--readme", nargs="?", const=README, type=Path,
                        help="write the table from --out into README.md (or the file given) and stop")
    args = parser.parse_args(argv)
    if args.readme:
        update_readme(args.readme, json.loads(args.out.read_text(encoding="utf-8")))
        return 0
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if not clients or min(clients) < 1 or args.requests < 1:
        parser.error("--clients and --requests must be whole numbers >= 1")
    results = run(args.url, args.model, clients, args.requests, args.max_seconds, args.api_key)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
