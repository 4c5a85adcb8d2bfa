"""E-parking payments: signed webhook throughput over HTTP, and reconciliation of a month of settlement files.

Builds the leakage benchmark's registry (--points points, default 152), then:

1. Webhook: starts uvicorn (--workers) and sends --payments simulated payments of yesterday (the simulator's
   references, points, jukir, classes, methods, the operator's merchant id) as `POST
   /api/v1/parking/webhook/<provider>` with `X-Kc-Signature: sha256=<HMAC-SHA256 of the raw body>` and
   `X-Kc-Timestamp`, from --threads client threads. Prints payments/s and p50/p99 latency, checks every answer was
   `accepted` and every payment is stored once; then resends 200 of them and checks each answer is `duplicate`.
2. Reconciliation: simulates --days days (default 30) before those for every point with the simulator's bulk writer
   (one month of webhook transactions), writes one settlement CSV per day from the stored transactions (fee 0.7 %
   MDR) with planted mismatches: 0.1 % of the transactions left out (unmatched on the platform side), 0.05 % of the
   lines with a changed amount, and 5 lines per file for references the platform never saw; imports each through
   actions.do_import_settlement and prints seconds per file and for the month, checks the matched/unmatched counts
   against what was planted, and times a re-import of every file (must change nothing).

    .venv/bin/python bench/parking_payments.py [--db postgres] [--points 152] [--payments 3000] [--threads 4]
                                                [--workers 1] [--days 30]
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import common  # noqa: E402
from parking_leakage import make_registry  # noqa: E402


def webhook_load(base: str, provider: str, secret: str, payments: list, threads: int) -> tuple[list[float],
                                                                                               list[str], float]:
    import requests

    from kotacerdas.parking.actions import sign_webhook

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    chunks = [payments[i::threads] for i in range(threads)]

    def client(items: list) -> None:
        session = requests.Session()
        for p in items:
            body = json.dumps(p.webhook_body(), separators=(",", ":")).encode()
            headers = {"Content-Type": "application/json", "X-Kc-Signature": sign_webhook(secret, body),
                       "X-Kc-Timestamp": str(int(time.time()))}
            began = time.perf_counter()
            answer = session.post(f"{base}/api/v1/parking/webhook/{provider}", data=body, headers=headers, timeout=60)
            elapsed = time.perf_counter() - began
            with lock:
                status = answer.json().get("status") if answer.status_code == 200 else None
                if status == "accepted":
                    latencies.append(elapsed)
                else:
                    failures.append(f"HTTP {answer.status_code}: {answer.text[:200]}")

    workers = [threading.Thread(target=client, args=(c,)) for c in chunks]
    began = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return latencies, failures, time.perf_counter() - began


def settlement_csv(rows: list[tuple[str, str, int, object]], rng: random.Random, day: object,
                   drop: float, change: float, foreign: int) -> tuple[bytes, int, int, int]:
    """CSV of the day's transactions with planted mismatches -> (bytes, dropped, changed, foreign lines)."""
    out = io.StringIO()
    out.write("reference,merchant_id,amount,fee,paid_at,settlement_date\n")
    dropped = changed = 0
    for reference, merchant_id, amount, paid_at in rows:
        if rng.random() < drop:
            dropped += 1
            continue
        if rng.random() < change:
            changed += 1
            amount += 1000
        out.write(f"{reference},{merchant_id},{amount},{round(amount * 0.007)},"
                  f"{paid_at.isoformat()},{day}\n")  # type: ignore[attr-defined]
    for k in range(foreign):
        out.write(f"XTRA-{day}-{k},ID1021000000001,3000,21,,{day}\n")
    return out.getvalue().encode(), dropped, changed, foreign


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=152)
    p.add_argument("--payments", type=int, default=3000)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seed", type=int, default=5)
    args = p.parse_args()
    common.prepare(args.db)
    common.setup_django()
    common.small_city()

    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from kotacerdas.parking import actions, selectors, tariffs
    from kotacerdas.parking import simulator as sim
    from kotacerdas.parking.models import ParkingTransaction, SettlementLine, SettlementLineStatus

    engine = common.engine_label(args.db)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"parking_payments: {engine}; {os.cpu_count()} CPU, load average {load} (mesin dipakai bersama: angka "
          "berisik)")
    make_registry(args.points)
    registry = sim.Registry()
    provider = registry.provider
    today = timezone.localdate()
    topology = sim.topology_from_db(today)

    # 1. Webhook throughput --------------------------------------------------------------------------------------
    yesterday = today - timedelta(days=1)
    output = sim.simulate_day(topology, yesterday, seed=args.seed, leaks={}, tariffs=tariffs.tariffs_on(yesterday))
    payments = output.payments[:args.payments]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    server = common.Server(workers=args.workers)
    latencies, failures, wall = webhook_load(server.url, provider.code, provider.webhook_secret, payments,
                                             args.threads)
    stored = ParkingTransaction.objects.filter(origin=provider.code).count()
    print(f"  webhook: {len(latencies):,}/{len(payments):,} diterima dalam {wall:.1f} dtk = "
          f"{len(latencies) / wall:.0f} pembayaran/dtk ({args.threads} thread, {args.workers} worker uvicorn); "
          f"p50 {common.percentile(latencies, 50) * 1000:.0f} ms, p99 {common.percentile(latencies, 99) * 1000:.0f} "
          f"ms; tersimpan {stored:,}" + (f"; GAGAL {len(failures)}: {failures[:3]}" if failures else ""))
    resend, resend_fail, resend_wall = webhook_load(server.url, provider.code, provider.webhook_secret,
                                                    payments[:200], args.threads)
    duplicates = len(resend_fail) == 200 and all("duplicate" in f for f in resend_fail)
    print(f"  kirim ulang 200: {'semua duplicate' if duplicates else 'TIDAK semua duplicate'}, tersimpan tetap "
          f"{ParkingTransaction.objects.filter(origin=provider.code).count():,}")
    server.stop()

    # 2. Reconciliation of a month ------------------------------------------------------------------------------
    stats = sim.WriteStats()
    writer = sim.BulkWriter(registry, stats)
    first = yesterday - timedelta(days=args.days)
    began = time.perf_counter()
    for k in range(args.days):
        day = first + timedelta(days=k)
        writer.day(sim.simulate_day(topology, day, seed=args.seed, leaks={}, tariffs=tariffs.tariffs_on(day)))
    print(f"  {stats.accepted:,} transaksi webhook selama {args.days} hari untuk {len(topology.points)} titik "
          f"disimulasikan dalam {time.perf_counter() - began:.0f} dtk")
    rng = random.Random(args.seed)
    files: list[tuple[object, bytes, int, int, int, int]] = []
    for k in range(args.days):
        day = first + timedelta(days=k)
        lo, hi = selectors.day_bounds(day)
        rows = list(ParkingTransaction.objects.filter(provider=provider, paid_at__gte=lo, paid_at__lt=hi)
                    .order_by("paid_at").values_list("reference", "merchant_id", "amount", "paid_at"))
        data, dropped, changed, foreign = settlement_csv(rows, rng, day, 0.001, 0.0005, 5)
        files.append((day, data, len(rows), dropped, changed, foreign))
    times = []
    ok = True
    for day, data, n, dropped, changed, foreign in files:
        t0 = time.perf_counter()
        f = actions.do_import_settlement(provider=provider, data=data, filename=f"settlement-{day}.csv")
        times.append(time.perf_counter() - t0)
        statuses = dict(SettlementLine.objects.filter(file=f).order_by().values_list("status")
                        .annotate(n=Count("id")))
        unmatched_tx = selectors.unmatched_transactions(provider, day).count()
        expected = {SettlementLineStatus.MATCHED: n - dropped - changed, SettlementLineStatus.AMOUNT_MISMATCH: changed,
                    SettlementLineStatus.UNMATCHED: foreign}
        if any(statuses.get(k, 0) != v for k, v in expected.items()) or unmatched_tx != dropped:
            ok = False
            print(f"    {day}: berbeda dari yang ditanam: {statuses}, tak tercocokkan {unmatched_tx} (ditanam "
                  f"{dropped} hilang, {changed} selisih, {foreign} asing)")
    lines = sum(n for _d, _b, n, *_r in files)
    t0 = time.perf_counter()
    before = SettlementLine.objects.count()
    for day, data, *_rest in files:
        actions.do_import_settlement(provider=provider, data=data, filename=f"settlement-{day}.csv")
    again = time.perf_counter() - t0
    print(f"  rekonsiliasi: {len(files)} berkas, {lines:,} transaksi; {sum(times):.1f} dtk sebulan, "
          f"{sum(times) / len(times):.2f} dtk per berkas harian (maks {max(times):.2f}), "
          f"{lines / sum(times):,.0f} baris/dtk; hasil {'sesuai' if ok else 'TIDAK sesuai'} dengan yang ditanam "
          f"(tak tercocokkan di kedua sisi terdaftar); impor ulang {len(files)} berkas {again:.2f} dtk, baris "
          f"bertambah {SettlementLine.objects.count() - before}")


if __name__ == "__main__":
    main()
