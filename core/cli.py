"""Command line: ``python -m core <command>`` (``core/__main__.py`` runs :func:`main`).

Commands
--------
seed     create the schema and fill an empty database with the demo county
upgrade  create the schema or bring it to the newest migration
prepare  what ``make run`` does: upgrade, and seed the demo county when the database is empty
assign   re-assign every customer to the grids as they are now
import-grids FILE --crs WGS84|GCJ02|CGCS2000 --level 1|2 [--branch CODE]
         replace the first-level grids, or one branch's second-level grids, with a file's
         polygons (GeoJSON, zipped Shapefile, KML); checked first, nothing written on a problem
segment  [--k K] [--seed S] [--as-of DATE]
         recompute every customer's tags and segment (k chosen by silhouette unless given)
actuals  [--as-of YYYY-MM-DD] recompute every computed actual from the data (run daily);
         [--import FILE.xlsx] import the imported metrics (NPL recovery, fee income) instead
targets  --export FILE.xlsx [--year Y] | --import FILE.xlsx
         the bank's and branches' targets as the Excel template, or from it (head office);
         checked first, nothing written on a problem
users    add NAME --role hq|branch|manager [--org CODE] [--display-name N] [--email E]
         [--password-stdin] | passwd NAME [--password-stdin] | deactivate NAME |
         reactivate NAME | unlock NAME | list
         user accounts (creates the schema first, so a bank's first head-office user can be
         made on an empty database); without --password-stdin a one-time password is printed
         that must be changed at the first sign-in
template DIR
         write empty templates of a bank's data files and the field guide (字段说明.xlsx)
demo-files DIR --customers N [--seed S] [--as-of DATE]
         write the demo county as a bank's data files (for tests and benchmarks)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from core import config
from core.problems import ProblemError


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
    s.add_argument(
        "--customers",
        type=_positive,
        default=None,
        help="individual customers (default: GM_DEMO_CUSTOMERS)",
    )
    s.add_argument("--seed", type=int, default=None, help="random seed (default: GM_DEMO_SEED)")
    s.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="date the demo history ends (YYYY-MM-DD, default: today)",
    )
    s.add_argument("--database-url", default=None, help=url_help)
    for name, text in (
        ("upgrade", "create or upgrade the schema"),
        ("prepare", "upgrade, and seed when the database is empty"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--database-url", default=None, help=url_help)
    a = sub.add_parser("assign", help="re-assign every customer to the current grids")
    a.add_argument("--database-url", default=None, help=url_help)
    g = sub.add_parser("import-grids", help="replace grids with a file's polygons")
    g.add_argument("file", help="GeoJSON, zipped Shapefile or KML")
    g.add_argument(
        "--crs",
        required=True,
        choices=("WGS84", "GCJ02", "CGCS2000"),
        help="the coordinate system the file is in",
    )
    g.add_argument("--level", type=int, required=True, choices=(1, 2))
    g.add_argument("--branch", default=None, help="branch code (level 2)")
    g.add_argument("--database-url", default=None, help=url_help)
    sg = sub.add_parser("segment", help="recompute tags and segments for every customer")
    sg.add_argument(
        "--k",
        type=int,
        default=None,
        help="number of segments (default: chosen by silhouette, 4-10)",
    )
    sg.add_argument("--seed", type=int, default=None, help="random seed of the clustering")
    sg.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="date the tags are computed for (YYYY-MM-DD, default: today)",
    )
    sg.add_argument("--database-url", default=None, help=url_help)
    c = sub.add_parser("actuals", help="recompute actuals from the data, or import them")
    c.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="date the actuals are as of (YYYY-MM-DD, default: today)",
    )
    c.add_argument(
        "--import",
        dest="import_file",
        default=None,
        help="an actuals workbook (.xlsx) of the imported metrics",
    )
    c.add_argument("--database-url", default=None, help=url_help)
    t = sub.add_parser("targets", help="export or import the targets workbook (head office)")
    io = t.add_mutually_exclusive_group(required=True)
    io.add_argument("--export", dest="export_file", default=None, help="write the template")
    io.add_argument("--import", dest="import_file", default=None, help="read a workbook")
    t.add_argument(
        "--year",
        type=int,
        default=None,
        help="year to export (default: the year of the newest actuals)",
    )
    t.add_argument("--database-url", default=None, help=url_help)
    _users_parser(sub, url_help)
    _load_parsers(sub, url_help)
    _bank_files_parser(sub)
    args = parser.parse_args(argv)
    if args.command in ("template", "demo-files"):  # files only: no database
        return _bank_files(args)

    from core.db import DatabaseBusy, holds_users, is_empty, make_engine, upgrade

    try:
        engine = make_engine(args.database_url or config.database_url())
        if args.command == "upgrade":
            upgrade(engine)
            print("schema up to date")
            return 0
        if args.command == "assign":
            from core.grids.assignment import reassign

            result = reassign(engine)
            print(
                f"customers={result.customers:,} changed={result.changed:,} "
                f"blind_spots={result.blind_spots:,} "
                f"placed_by_village={result.placed_by_village:,}"
            )
            return 0
        if args.command == "import-grids":
            return _import_grids(engine, args)
        if args.command == "segment":
            return _segment(engine, args)
        if args.command in ("actuals", "targets"):
            return _targets_and_actuals(engine, args)
        if args.command == "users":
            return _users(engine, args)
        if args.command in ("load", "nightly"):
            return _load(engine, args)
        if args.command == "prepare":
            upgrade(engine)
            if not is_empty(engine) or holds_users(engine):  # a bank's own accounts: no demo
                print("database ready (schema up to date, data kept)")
                return 0
        from core.demo.seed import seed

        n = getattr(args, "customers", None) or int(config.get("GM_DEMO_CUSTOMERS"))
        seed_value = getattr(args, "seed", None)
        counts = seed(
            engine,
            n,
            seed_value if seed_value is not None else int(config.get("GM_DEMO_SEED")),
            getattr(args, "as_of", None),
        )
        print("  ".join(f"{k}={v:,}" for k, v in counts.items()))
        return 0
    except (RuntimeError, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except DatabaseBusy:
        print(
            "错误 / error: 数据库繁忙或无法连接,请稍后重试 / database busy or unreachable, try again later",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a message, never a traceback (cron mails what is printed)
        print(
            f"错误 / error: 命令意外中止 / the command stopped unexpectedly: {_brief(exc)}",
            file=sys.stderr,
        )
        return 1


def _brief(exc: BaseException) -> str:
    """An unexpected error in one line: its kind and the first line of its text (a database
    error's own message, without the SQL and parameters SQLAlchemy adds).

    Examples
    --------
    >>> _brief(OSError(28, "No space left on device"))
    'OSError: [Errno 28] No space left on device'
    """
    said = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {said[0][:300] if said else ''}".rstrip(": ")


def _load_parsers(sub, url_help: str) -> None:
    """``load DIR`` and ``nightly INBOX``: a bank's own files (core.bank_data)."""
    load = sub.add_parser("load", help="load a bank's data folder (all or nothing by default)")
    load.add_argument("folder", help="the folder of the bank's files (customers.csv, ...)")
    night = sub.add_parser("nightly", help="load each dated batch of an inbox once, in order")
    night.add_argument("folder", help="the inbox: one sub-folder per batch with a done-marker")
    for p in (load, night):
        p.add_argument("--database-url", default=None, help=url_help)
        p.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        p.add_argument("--crs", default="WGS84", help="WGS84 / GCJ02 / CGCS2000 / EPSG:xxxx")
        p.add_argument("--profile", default=None, help="a saved header-mapping profile")
        p.add_argument(
            "--max-bad-rows",
            type=float,
            default=0.0,
            metavar="PCT",
            help="load the good rows when at most PCT %% are bad (default 0: all or nothing)",
        )
        p.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        p.add_argument("--delta", action="store_true", help="customers file holds changes only")
        p.add_argument("--recluster", action="store_true", help="fit the segments anew")
        p.add_argument("--report", default=None, help="write the problems to this .xlsx")


def _load(engine, args) -> int:
    from pathlib import Path

    from core.bank_data import commands

    upgrade_needed = args.command == "load"
    return commands.run(engine, args, Path(args.folder), upgrade_needed)


def _bank_files_parser(sub) -> None:
    t = sub.add_parser(
        "template", help="写空白模板和字段说明 / write empty templates and the field guide"
    )
    t.add_argument("dir", help="文件夹 / folder to write into")
    d = sub.add_parser(
        "demo-files", help="把演示县写成银行数据文件 / write the demo county as bank files"
    )
    d.add_argument("dir", help="文件夹 / folder to write into")
    d.add_argument(
        "--customers", type=_positive, required=True, help="个人客户数 / individual customers"
    )
    d.add_argument(
        "--seed", type=int, default=None, help="随机种子 / random seed (default: GM_DEMO_SEED)"
    )
    d.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="演示数据截至日 / date the demo history ends (YYYY-MM-DD, default: today)",
    )


def _bank_files(args) -> int:
    from pathlib import Path

    try:
        if args.command == "template":
            from core.bank_data.templates import write_templates

            for path in write_templates(Path(args.dir)):
                print(path)
            return 0
        from core.demo.bank_files import write_demo_files

        seed = args.seed if args.seed is not None else int(config.get("GM_DEMO_SEED"))
        rows = write_demo_files(Path(args.dir), args.customers, seed, args.as_of)
    except OSError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    for name, count in rows.items():
        print(f"{name}: {count:,}")
    return 0


def _users_parser(sub, url_help: str) -> None:
    u = sub.add_parser(
        "users", help="user accounts: add, passwd, deactivate, reactivate, unlock, list"
    )
    usub = u.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="create an account (prints a one-time password)")
    add.add_argument("name", help="username")
    add.add_argument("--role", required=True, choices=("hq", "branch", "manager"))
    add.add_argument(
        "--org",
        default=None,
        help="branch code (branch leaders) or manager code (customer managers)",
    )
    add.add_argument("--display-name", default=None, help="name shown (default: from --org)")
    add.add_argument("--email", default=None, help="e-mail address (single sign-on match)")
    for p in (add, usub.add_parser("passwd", help="reset a password (prints a one-time one)")):
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input instead "
            "of printing a one-time password",
        )
    passwd = usub.choices["passwd"]
    passwd.add_argument("name", help="username")
    for name, text in (
        ("deactivate", "deactivate an account and end its sessions"),
        ("reactivate", "reactivate an account (prints a one-time password)"),
        ("unlock", "lift a lock-out"),
    ):
        usub.add_parser(name, help=text).add_argument("name", help="username")
    usub.add_parser("list", help="every account with its state")
    for p in usub.choices.values():
        p.add_argument("--database-url", default=None, help=url_help)


def _users(engine, args) -> int:
    from core.access import users
    from core.db import upgrade
    from core.permissions import SYSTEM

    upgrade(engine)  # an empty database gets its schema, so the first account can be made
    command = args.users_command
    try:
        if command == "list":
            df = users.list_users(engine, SYSTEM)
            for r in df.itertuples():
                last = (
                    "-"
                    if r.last_sign_in_at is None or r.last_sign_in_at != r.last_sign_in_at
                    else f"{r.last_sign_in_at:%Y-%m-%d %H:%M}"
                )
                state = "active" if r.active else "deactivated"
                flags = [
                    f
                    for f, on in (
                        ("locked", r.locked),
                        ("must-change", r.must_change_password),
                        ("demo", r.is_demo),
                    )
                    if on
                ]
                print(
                    f"{r.username}\t{r.role}\t{r.org or '-'}\t{state}"
                    f"{' ' + ','.join(flags) if flags else ''}\tlast sign-in {last}"
                )
            print(f"users={len(df)}")
            return 0
        password = None
        if getattr(args, "password_stdin", False):
            password = sys.stdin.readline().rstrip("\r\n")
        if command == "add":
            otp = users.create_user(
                engine,
                SYSTEM,
                args.name,
                args.role,
                args.org,
                args.display_name,
                password,
                args.email,
            )
            print(f"created {args.name.strip()} ({args.role})")
        elif command == "passwd":
            otp = users.reset_password(engine, SYSTEM, args.name, password)
            print(f"password of {args.name.strip()} reset; its sessions ended")
        elif command == "reactivate":
            otp = users.reactivate(engine, SYSTEM, args.name)
            print(f"{args.name.strip()} reactivated")
        elif command == "deactivate":
            otp, ended = None, users.deactivate(engine, SYSTEM, args.name)
            print(f"{args.name.strip()} deactivated; sessions ended={ended}")
        else:
            otp = users.unlock(engine, SYSTEM, args.name)
            print(f"{args.name.strip()} unlocked")
    except ProblemError as exc:
        for p in exc.problems:
            print(f"错误 / error: {p}", file=sys.stderr)
        return 2
    if otp:
        print("一次性密码 / one-time password (must be changed at the first sign-in):")
        print(otp)
    return 0


def _segment(engine, args) -> int:
    from core.customers.tagging_run import DEFAULT_SEED, load_segments, profile_customers

    if args.k is not None and not 2 <= args.k <= 30:
        print("错误 / error: --k: must be between 2 and 30", file=sys.stderr)
        return 2
    from core.permissions import SYSTEM

    result = profile_customers(
        engine, SYSTEM, args.as_of, args.k, DEFAULT_SEED if args.seed is None else args.seed
    )
    print(
        f"customers={result.customers:,} k={result.k} silhouette="
        f"{result.silhouette if result.silhouette is None else round(result.silhouette, 3)} "
        f"segment_changes={result.segments_written:,} "
        f"profiles_written={result.profiles_written:,} seconds={result.seconds:.1f}"
    )
    for s in load_segments(engine).itertuples():
        print(
            f"  {s.code} {s.name_zh} / {s.name_en}: {s.size:,} customers, "
            f"{s.deposit_share:.1%} of deposits"
        )
    return 0


def _import_grids(engine, args) -> int:
    from pathlib import Path

    from sqlalchemy import text

    from core.grids.changes import apply, change_from_file, check_change, preview
    from core.territory import service_area
    from geo.io import read_polygons

    branch_id = None
    if args.level == 2:
        with engine.connect() as conn:
            branch_id = conn.execute(
                text("SELECT id FROM branch WHERE code = :c"), {"c": args.branch or ""}
            ).scalar()
        if branch_id is None:
            print(f"错误 / error: --branch: unknown branch code {args.branch!r}", file=sys.stderr)
            return 2
    path = Path(args.file)
    try:
        frame = read_polygons(path.read_bytes(), path.name, args.crs, boundary=service_area(engine))
    except (OSError, ProblemError) as exc:
        problems = getattr(exc, "problems", None) or [exc]
        for p in problems:
            print(f"错误 / error: {p}", file=sys.stderr)
        return 2
    change, problems = change_from_file(engine, frame, args.level, branch_id)
    problems += check_change(engine, change)
    for p in problems:
        print(f"错误 / error: {p}", file=sys.stderr)
    if problems:
        return 2
    from core.permissions import SYSTEM

    impact = preview(engine, change, SYSTEM)
    version = apply(engine, change, SYSTEM)
    print(
        f"version={version} grids={len(change.grids)} customers_moved={impact.customers:,} "
        f"blind_spots={impact.blind_spots_after:,}"
    )
    return 0


def _targets_and_actuals(engine, args) -> int:
    from pathlib import Path

    from core.db import is_empty
    from core.performance import sheet_imports
    from core.performance import target_sheets as excel
    from core.performance.actuals import recompute_actuals
    from core.performance.progress import actuals_as_of
    from core.permissions import SYSTEM
    from core.scope import Scope

    if is_empty(engine):
        print("错误 / error: the database holds no bank yet (run seed or prepare)", file=sys.stderr)
        return 2
    try:
        if args.command == "actuals" and args.import_file is None:
            result = recompute_actuals(engine, SYSTEM, args.as_of)
            print(f"as_of={result.as_of} rows={result.rows:,} seconds={result.seconds:.1f}")
            return 0
        if args.command == "targets" and args.export_file:
            year = args.year or (actuals_as_of(engine) or date.today()).year
            from core.files.downloads import data_rows, log_download, watermark
            from core.permissions import SYSTEM

            data = excel.target_template(
                engine, Scope("hq"), year, watermark("python -m core targets")
            )
            Path(args.export_file).write_bytes(data)
            log_download(engine, SYSTEM, "target_template", data_rows(data), {"year": year})
            print(f"written {args.export_file} (year {year})")
            return 0
        data = Path(args.import_file).read_bytes()
        if args.command == "actuals":
            print(f"actual rows={sheet_imports.import_actuals(engine, SYSTEM, data):,}")
        else:
            print(f"changed cells={sheet_imports.import_targets(engine, SYSTEM, data):,}")
        return 0
    except OSError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except ProblemError as exc:
        for p in exc.problems:
            print(f"错误 / error: {p}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
