"""Public intake throughput: N complaint POSTs to /lapor/ over HTTP, as citizens' browsers send them.

Starts uvicorn in a subprocess against a throw-away database with a small city (regions, OPD, categories),
then each client thread fetches the form once (CSRF cookie and token, like a browser) and posts complaints
with a point inside a Medan kelurahan. Prints requests/s and latency p50/p99 of the POSTs.

    .venv/bin/python bench/intake.py [--db postgres] [-n 400] [--threads 4]
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=400, help="number of complaints to post (400)")
    p.add_argument("--threads", type=int, default=4, help="concurrent clients (4)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    import requests

    from kotacerdas.complaints.models import Category, Complaint
    from kotacerdas.regions.models import Region

    codes = list(Category.objects.values_list("code", flat=True))
    points = [(r.lat, r.lon) for r in Region.objects.filter(code__startswith="12.71.", level="kelurahan",
                                                              lat__isnull=False)]
    engine = common.engine_label(args.db)
    server = common.Server(workers=args.workers)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_thread = [args.n // args.threads + (1 if i < args.n % args.threads else 0) for i in range(args.threads)]

    def client(index: int, count: int) -> None:
        rng = random.Random(index)
        session = requests.Session()
        form = session.get(f"{server.url}/lapor/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        if form.status_code != 200 or token is None:
            with lock:
                failures.append(f"GET /lapor/ -> {form.status_code}")
            return
        for k in range(count):
            lat, lon = rng.choice(points)  # kelurahan centroids: inside the city
            data = {
                "csrfmiddlewaretoken": token.group(1), "title": f"Uji beban aduan {index}-{k}",
                "description": "Sampah menumpuk di pinggir jalan sudah tiga hari tidak diangkut petugas.",
                "category": rng.choice(codes), "classification": "pengaduan", "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}", "address": "Jl. Gatot Subroto", "reporter_name": "Penguji Beban",
                "reporter_phone": f"0812{rng.randint(10000000, 99999999)}",
            }
            began = time.perf_counter()
            response = session.post(f"{server.url}/lapor/", data=data, allow_redirects=False, timeout=60,
                                    headers={"Referer": f"{server.url}/lapor/"})
            elapsed = time.perf_counter() - began
            with lock:
                if response.status_code == 302:
                    latencies.append(elapsed)
                else:
                    failures.append(f"POST /lapor/ -> {response.status_code}")

    threads = [threading.Thread(target=client, args=(i, n)) for i, n in enumerate(per_thread)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    server.stop()

    stored = Complaint.objects.count()
    print(f"intake: {engine}, {args.threads} klien, {args.workers} worker uvicorn")
    print(f"  {len(latencies)} aduan diterima (302), {len(failures)} gagal, {stored} tersimpan di basis data")
    if failures:
        print(f"  contoh kegagalan: {sorted(set(failures))[:3]}")
    if latencies:
        p50, p99 = common.percentile(latencies, 50) * 1000, common.percentile(latencies, 99) * 1000
        print(f"  throughput {len(latencies) / wall:.1f} req/s; latensi p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    if failures or stored != len(latencies):
        sys.exit(1)


if __name__ == "__main__":
    main()
