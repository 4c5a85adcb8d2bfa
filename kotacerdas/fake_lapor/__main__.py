"""`python -m kotacerdas.fake_lapor --port 8765 [--outage] [--slow S] [--duplicate-replies] [--error-rate P]`."""

from __future__ import annotations

import argparse

from kotacerdas.fake_lapor.server import FakeLapor, Switches, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kotacerdas.fake_lapor",
                                     description="Fake SP4N-LAPOR! server for development and tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="token-uji-lapor", help="the Bearer token clients must send")
    parser.add_argument("--outage", action="store_true", help="answer every API call with 503")
    parser.add_argument("--slow", type=float, default=0.0, metavar="SECONDS",
                        help="do the work, then wait this long before answering")
    parser.add_argument("--duplicate-replies", action="store_true",
                        help="deliver every change twice, newest first")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of API calls failing with 500")
    parser.add_argument("--seed", type=int, default=1311, help="seed for --error-rate")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if not 0.0 <= args.error_rate <= 1.0:
        parser.error("--error-rate must be between 0 and 1")
    switches = Switches(outage=args.outage, slow=args.slow, duplicate_replies=args.duplicate_replies,
                        error_rate=args.error_rate, seed=args.seed)
    serve(args.host, args.port, FakeLapor(token=args.token, switches=switches), verbose=not args.quiet)


if __name__ == "__main__":
    main()
