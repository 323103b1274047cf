"""`python -m webapp …`: serve, counter registration (seeker add), offices, staff and
employer accounts, demo data, migrate, the daily mails, the outbox and the purge."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys

from webapp import validation
from webapp.clock import Clock
from webapp.config import Settings, served_base_url
from webapp.db import create_database, migrate_async, with_connection
from webapp.members import service as members
from webapp.security import passwords
from webapp.seekers import service as seekers

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webapp", description="ハローワーク求職者マイページ"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the web app (uvicorn); BASE_URL unset, links in mails and QR codes point"
        " to the address it serves on (for --host 0.0.0.0 the machine's LAN address)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument(
        "--port", type=int, default=None, help="default: the PORT variable, else 8000"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes serving requests, each with its own connection pool"
        " (default: the number of CPU cores)",
    )

    commands.add_parser("migrate", help="apply the database migrations")

    seeker = commands.add_parser("seeker", help="job-seekers registered at the counter")
    seeker_commands = seeker.add_subparsers(dest="action", required=True)
    add = seeker_commands.add_parser(
        "add", help="求職申込み: create a job-seeker, print the 求職番号"
    )
    add.add_argument("--name", required=True, help="氏名 (例: 山田太郎)")
    add.add_argument("--kana", required=True, help="フリガナ (例: ヤマダタロウ)")
    add.add_argument("--birthdate", required=True, help="生年月日 YYYY-MM-DD")
    add.add_argument("--email", required=True, help="メールアドレス (My Page の ID)")
    add.add_argument("--office", default=None, help="安定所番号 (5桁; 省略時は最初の安定所)")
    add.add_argument("--phone", default="", help="電話番号 (例: 0763-32-2914)")
    add.add_argument("--address", default="", help="住所")
    add.add_argument("--occupation", default="", help="希望職種: 職業分類の記号 A〜K か名称")
    add.add_argument("--prefecture", default="", help="希望勤務地の都道府県: 番号 (16) か名称")
    add.add_argument("--municipality", default="", help="希望勤務地の市区町村 (例: 砺波市)")
    add.add_argument(
        "--employment-type", default="", help="希望雇用形態: regular, part など、か名称 (正社員)"
    )

    office = commands.add_parser("office", help="Hello Work offices (安定所)")
    office_add = office.add_subparsers(dest="action", required=True).add_parser(
        "add", help="register an office"
    )
    office_add.add_argument("--code", required=True, help="安定所番号 (5桁)")
    office_add.add_argument("--name", required=True, help="例: ハローワーク飯田橋")
    office_add.add_argument("--phone", required=True, help="電話番号")

    staff = commands.add_parser("staff", help="Hello Work staff accounts (職員)")
    staff_add = staff.add_subparsers(dest="action", required=True).add_parser(
        "add", help="create a staff account (password from the terminal, or stdin)"
    )
    staff_add.add_argument("--name", required=True, help="氏名")
    staff_add.add_argument("--email", required=True, help="メールアドレス (ログインID)")
    staff_add.add_argument("--office", default=None, help="安定所番号 (省略時は最初の安定所)")

    employer = commands.add_parser("employer", help="employers (事業所) and their users")
    employer_commands = employer.add_subparsers(dest="action", required=True)
    employer_add = employer_commands.add_parser(
        "add", help="register a 事業所 and its first user; prints the 事業所番号"
    )
    employer_add.add_argument("--name", required=True, help="事業所名")
    employer_add.add_argument("--kana", default="", help="事業所名フリガナ")
    employer_add.add_argument("--address", default="", help="所在地")
    employer_add.add_argument("--phone", default="", help="電話番号")
    employer_add.add_argument("--business", default="", help="事業内容")
    employer_add.add_argument("--office", default=None, help="管轄の安定所番号")
    employer_add.add_argument("--user-name", required=True, help="担当者の氏名")
    employer_add.add_argument("--email", required=True, help="担当者のメールアドレス (ログインID)")
    user_add = employer_commands.add_parser("user-add", help="another user for a 事業所")
    user_add.add_argument("--employer", required=True, help="事業所番号")
    user_add.add_argument("--name", required=True, help="担当者の氏名")
    user_add.add_argument("--email", required=True, help="メールアドレス (ログインID)")

    demo = commands.add_parser("demo", help="fill the database with demo data")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--jobs", type=int, default=0, help="also load N demo postings (求人票), e.g. 100000"
    )

    outbox = commands.add_parser(
        "outbox",
        help="mail waiting, failed and sent today, with each failed mail and its reason;"
        " `retry ID` sends a failed mail again, `drop ID` deletes an unsent one",
    )
    outbox_actions = outbox.add_subparsers(dest="action")
    for action, text in (
        ("retry", "send these unsent mails at the sender's next round (attempts afresh)"),
        ("drop", "delete these unsent mails for good"),
    ):
        outbox_actions.add_parser(action, help=text).add_argument(
            "ids", nargs="+", type=int, metavar="ID", help="the mail's id (from the list)"
        )

    commands.add_parser(
        "digest",
        help="queue the due daily mails once: saved searches (検索条件の新着求人メール) and"
        " the 7-day reminders of lapsing registrations (有効期限)",
    )
    commands.add_parser(
        "purge",
        help="delete what is past its retention period (RETAIN_* settings): closed accounts"
        " with everything held about them and the mail sent to them, and the documents and"
        " messages of ended applications; one transaction per person",
    )
    return parser


async def _with_db(settings: Settings, work):
    await migrate_async(settings.database_url)
    return await with_connection(settings.database_url, work)


async def _seeker_add(settings: Settings, args) -> int:
    clock = Clock()
    now = clock.now()
    try:
        new = seekers.validate_new_seeker(
            name=args.name,
            kana=args.kana,
            birthdate=args.birthdate,
            email=args.email,
            today=clock.today(),
            phone=args.phone,
            address=args.address,
            desired_occupation=args.occupation,
            desired_prefecture=args.prefecture,
            desired_municipality=args.municipality,
            desired_employment_type=args.employment_type,
        )
        number = await _with_db(
            settings, lambda conn: seekers.register(conn, new, office_code=args.office, now=now)
        )
    except seekers.RegistrationError as error:
        print(f"登録できません: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(number)
    return 0


def _read_password() -> str:
    """Typed twice at a terminal; one line on stdin otherwise (for scripts). Never an
    argument: those end up in shell history and the process list."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("パスワード: ")
        if first != getpass.getpass("パスワード（確認）: "):
            raise members.MemberError("パスワードが一致しません。")
        return first
    return sys.stdin.readline().rstrip("\n")


async def _members(settings: Settings, args) -> int:
    now = Clock().now()
    try:
        if args.command == "office":
            await _with_db(
                settings,
                lambda conn: members.add_office(
                    conn, code=args.code, name=args.name, phone=args.phone
                ),
            )
            print(args.code)
            return 0
        name = args.user_name if args.command == "employer" and args.action == "add" else args.name
        new = members.validate_member(name=name, email=args.email, password=_read_password())
        if args.command == "staff":
            await _with_db(
                settings,
                lambda conn: members.add_staff(conn, new, office_code=args.office, now=now),
            )
            print(new.email)
        elif args.action == "add":
            employer = members.validate_employer(
                name=args.name,
                kana=args.kana,
                address=args.address,
                phone=args.phone,
                business=args.business,
            )
            print(
                await _with_db(
                    settings,
                    lambda conn: members.add_employer(
                        conn, employer, new, office_code=args.office, now=now
                    ),
                )
            )
        else:
            await _with_db(
                settings,
                lambda conn: members.add_employer_user(
                    conn, new, employer_number=args.employer, now=now
                ),
            )
            print(new.email)
    except members.MemberError as error:
        print(f"登録できません: {error}", file=sys.stderr)
        return USAGE_ERROR
    return 0


async def _demo(settings: Settings, args) -> int:
    from webapp.demo import load_demo

    summary = await _with_db(
        settings, lambda conn: load_demo(conn, seed=args.seed, jobs=max(args.jobs, 0))
    )
    print(summary)
    return 0


async def _digest(settings: Settings) -> int:
    """Run the daily round once: queue the due mails; the server's outbox sender (or the
    next run) delivers them."""
    from webapp import daily

    await migrate_async(settings.database_url)
    db = create_database(settings.database_url)
    await db.connect()
    try:
        queued = await daily.run_once(db, Clock(), settings.base_url)
    finally:
        await db.disconnect()
    print(f"saved-search mails queued: {queued.digests}")
    print(f"registration lapse reminders queued: {queued.reminders}")
    return 0


async def _purge(settings: Settings) -> int:
    """Run the purge once and say what it deleted; a person it could not purge is named
    (by id) and left as they were, and the exit status says so."""
    from webapp.closing import service as closing

    retention = closing.Retention.from_settings(settings)
    report = await _with_db(settings, lambda conn: closing.purge(conn, Clock().now(), retention))
    print(f"closed accounts deleted: {report.accounts}")
    print(f"documents deleted: {report.documents}")
    print(f"messages deleted: {report.messages}")
    for seeker_id, reason in report.failed:
        print(f"job-seeker {seeker_id}: not purged: {_visible(reason, 300)}", file=sys.stderr)
    return 1 if report.failed else 0


def uvicorn_options(settings: Settings) -> dict:
    """Whose X-Forwarded-For uvicorn believes: FORWARDED_ALLOW_IPS unset, nobody's (the
    socket's peer is the client, whatever headers it sends); set, only those proxies'."""
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


def _serve_port(given: int | None) -> int | None:
    """--port, else the PORT variable (as `make run PORT=…` and many hosts set it), else
    8000; None for a value that is not a port."""
    if given is None:
        value = os.environ.get("PORT", "").strip() or "8000"
        given = int(value) if value.isdigit() else 0
    return given if 0 < given < 65536 else None


def _served_settings(settings: Settings, host: str, port: int) -> Settings:
    """BASE_URL unset: the address this server is reached at (see served_base_url), so a
    mail's link, the counter sheet's QR code and the allowed Origin name the port and host
    it really runs on. The address is printed: it is where phones and tablets go."""
    if os.environ.get("BASE_URL", "").strip():
        print(f"BASE_URL: {settings.base_url}", flush=True)
        return settings
    settings = dataclasses.replace(settings, base_url=served_base_url(host, port))
    print(
        f"BASE_URL unset: links in mails and QR codes point to {settings.base_url}"
        " (set BASE_URL behind a proxy or under a public name)",
        flush=True,
    )
    return settings


def _visible(text: str, limit: int = 80) -> str:
    """One line for a terminal: control characters shown as escapes (\\r, \\n …)."""
    import unicodedata

    hidden = ("Cc", "Cf", "Zl", "Zp")
    shown = "".join(repr(c)[1:-1] if unicodedata.category(c) in hidden else c for c in text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


async def _outbox(settings: Settings, args) -> int:
    """The outbox for operators: counts and failed mails, or retry / drop by id."""
    import datetime as dt

    from webapp.clock import JST, to_jst
    from webapp.mail import outbox

    clock = Clock()

    async def work(conn) -> int:
        if args.action in ("retry", "drop"):
            status = 0
            for mail_id in args.ids:
                try:
                    if args.action == "retry":
                        await outbox.retry(conn, mail_id, now=clock.now())
                        print(f"mail {mail_id}: queued again")
                    else:
                        await outbox.drop(conn, mail_id, now=clock.now())
                        print(f"mail {mail_id}: dropped")
                except outbox.NotSettled as refused:
                    print(refused, file=sys.stderr)
                    status = USAGE_ERROR
            return status
        midnight = dt.datetime.combine(clock.today(), dt.time(), tzinfo=JST)
        counts = await outbox.counts(conn, since=midnight)
        print(f"waiting: {counts['waiting']}")
        print(f"failed: {counts['failed']}")
        print(f"sent today: {counts['sent']}")
        for row in await outbox.failed(conn):
            when = to_jst(row["failed_at"]).strftime("%Y-%m-%d %H:%M JST")
            masked = outbox.mask_address(row["to_addr"])
            print(f"\n#{row['id']}  {masked}  failed {when}  attempts {row['attempts']}")
            print(f"  subject: {_visible(row['subject'])}")
            # The server's answer often repeats the address: masked there too.
            reason = (row["last_error"] or "").replace(row["to_addr"], masked)
            print(f"  reason: {_visible(reason, 300)}")
        return 0

    return await _with_db(settings, work)


def _control_in(args) -> str | None:
    """Every argument is one line: the first one holding a control character, as its
    option (--name), or None. Checked here once, for every command and option."""
    for name, value in vars(args).items():
        if isinstance(value, str) and validation.has_control(value):
            return "--" + name.replace("_", "-")
    return None


def server_config(app, *, host: str, port: int, **options):
    """uvicorn's settings for the app: no Server header (it names the server and invites
    aiming at it); `options` as uvicorn takes them (`uvicorn_options(settings)` for whose
    X-Forwarded-For to believe: nobody's unless FORWARDED_ALLOW_IPS names proxies)."""
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, server_header=False, **{"proxy_headers": False, **options}
    )


def default_workers() -> int:
    """One worker per CPU core: each is one event loop, so one core's worth of Python."""
    return os.cpu_count() or 1


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """uvicorn on host:port. One worker: this process. Several: the migrations run here,
    once, then uvicorn starts `workers` processes on the one socket, each creating the app
    (webapp.app:create_app, its settings from the environment, which carries the base URL
    worked out here) with its own connection pool; none migrates again. The outbox sender
    and the daily round run in every worker: their rows are claimed by compare-and-set
    UPDATEs (mail/sender.py, daily.py), so no mail goes twice."""
    import uvicorn

    from webapp import create_app

    options = uvicorn_options(settings)
    if workers == 1:
        config = server_config(create_app(settings), host=host, port=port, **options)
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    if settings.migrate_on_start:
        asyncio.run(migrate_async(settings.database_url))
    os.environ.update(BASE_URL=settings.base_url, MIGRATE_ON_START="0")
    print(f"{workers} workers", flush=True)
    config = server_config(
        "webapp.app:create_app", host=host, port=port, factory=True, workers=workers, **options
    )
    sock = config.bind_socket()
    # Listening before the workers start: a connection waits in the backlog until one is
    # ready (uvicorn says "running" now), rather than being refused.
    sock.listen(config.backlog)
    Multiprocess(config, sockets=[sock]).run()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    refused = _control_in(args)
    if refused:
        print(f"{refused}: {validation.ONE_LINE}", file=sys.stderr)
        return USAGE_ERROR
    settings = Settings.from_env()
    passwords.configure_from(settings)
    if args.command == "serve":
        port = _serve_port(args.port)
        if port is None:
            print("PORT: 1〜65535 の数字を指定してください。", file=sys.stderr)
            return USAGE_ERROR
        workers = default_workers() if args.workers is None else args.workers
        if workers < 1:
            print("--workers: 1 以上の数字を指定してください。", file=sys.stderr)
            return USAGE_ERROR
        _serve(_served_settings(settings, args.host, port), args.host, port, workers)
        return 0
    if args.command == "migrate":
        asyncio.run(migrate_async(settings.database_url))
        return 0
    if args.command == "seeker":
        return asyncio.run(_seeker_add(settings, args))
    if args.command in ("office", "staff", "employer"):
        return asyncio.run(_members(settings, args))
    if args.command == "demo":
        return asyncio.run(_demo(settings, args))
    if args.command == "outbox":
        return asyncio.run(_outbox(settings, args))
    if args.command == "digest":
        return asyncio.run(_digest(settings))
    if args.command == "purge":
        return asyncio.run(_purge(settings))
    return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
