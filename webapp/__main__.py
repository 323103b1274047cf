"""`python -m webapp …`: serve, counter registration (seeker add), demo data, migrate."""

from __future__ import annotations

import argparse
import asyncio
import sys

from webapp.clock import Clock
from webapp.config import Settings
from webapp.db import create_database, migrate_async
from webapp.seekers import service as seekers

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m webapp", description="ハローワーク求職者マイページ"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

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

    demo = commands.add_parser("demo", help="fill the database with demo data")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--jobs", type=int, default=0, help="also load N demo postings (求人票), e.g. 100000"
    )

    commands.add_parser(
        "digest", help="send the due daily mails of saved searches (検索条件の新着求人メール) once"
    )
    return parser


async def _with_db(settings: Settings, work):
    await migrate_async(settings.database_url)
    db = create_database(settings.database_url)
    await db.connect()
    try:
        async with db.connection() as conn:
            return await work(conn)
    finally:
        await db.disconnect()


async def _seeker_add(settings: Settings, args) -> int:
    now = Clock().now()
    try:
        new = seekers.validate_new_seeker(
            name=args.name,
            kana=args.kana,
            birthdate=args.birthdate,
            email=args.email,
            today=now.date(),
        )
        number = await _with_db(
            settings, lambda conn: seekers.register(conn, new, office_code=args.office, now=now)
        )
    except seekers.RegistrationError as error:
        print(f"登録できません: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(number)
    return 0


async def _demo(settings: Settings, args) -> int:
    from webapp.demo import load_demo

    summary = await _with_db(
        settings, lambda conn: load_demo(conn, seed=args.seed, jobs=max(args.jobs, 0))
    )
    print(summary)
    return 0


async def _digest(settings: Settings) -> int:
    """Queue the due digests; the server's outbox sender (or the next run) delivers them."""
    from webapp.jobs.digest import run_once

    await migrate_async(settings.database_url)
    db = create_database(settings.database_url)
    await db.connect()
    try:
        queued = await run_once(db, Clock(), settings.base_url)
    finally:
        await db.disconnect()
    print(f"saved-search mails queued: {queued}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        import uvicorn

        from webapp import create_app

        uvicorn.run(create_app(settings), host=args.host, port=args.port, proxy_headers=True)
        return 0
    if args.command == "migrate":
        asyncio.run(migrate_async(settings.database_url))
        return 0
    if args.command == "seeker":
        return asyncio.run(_seeker_add(settings, args))
    if args.command == "demo":
        return asyncio.run(_demo(settings, args))
    if args.command == "digest":
        return asyncio.run(_digest(settings))
    return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
