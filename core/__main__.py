"""Command line: ``python -m core <command>``.

Commands
--------
seed     create the schema and fill an empty database with the demo county
upgrade  create the schema or bring it to the newest migration
prepare  what ``make run`` does: upgrade, and seed the demo county when the database is empty
"""
from __future__ import annotations

import argparse
import sys
from datetime import date

from core import config


def _positive(text: str) -> int:
    value = int(text)
    if value < 100:
        raise argparse.ArgumentTypeError("must be at least 100")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="网格化营销管理 命令行")
    sub = parser.add_subparsers(dest="command", required=True)
    url_help = "database URL (default: the DATABASE_URL setting)"
    s = sub.add_parser("seed", help="fill an empty database with the demo county")
    s.add_argument("--customers", type=_positive, default=None,
                   help="individual customers (default: GM_DEMO_CUSTOMERS)")
    s.add_argument("--seed", type=int, default=None, help="random seed (default: GM_DEMO_SEED)")
    s.add_argument("--as-of", type=date.fromisoformat, default=None,
                   help="date the demo history ends (YYYY-MM-DD, default: today)")
    s.add_argument("--database-url", default=None, help=url_help)
    for name, text in (("upgrade", "create or upgrade the schema"),
                       ("prepare", "upgrade, and seed when the database is empty")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--database-url", default=None, help=url_help)
    args = parser.parse_args(argv)

    from core.db import is_empty, make_engine, upgrade

    try:
        engine = make_engine(args.database_url or config.database_url())
        if args.command == "upgrade":
            upgrade(engine)
            print("schema up to date")
            return 0
        if args.command == "prepare":
            upgrade(engine)
            if not is_empty(engine):
                print("database ready (schema up to date, data kept)")
                return 0
        from core.demo.seed import seed

        n = getattr(args, "customers", None) or int(config.get("GM_DEMO_CUSTOMERS"))
        seed_value = getattr(args, "seed", None)
        counts = seed(engine, n, seed_value if seed_value is not None
                      else int(config.get("GM_DEMO_SEED")), getattr(args, "as_of", None))
        print("  ".join(f"{k}={v:,}" for k, v in counts.items()))
        return 0
    except (RuntimeError, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
