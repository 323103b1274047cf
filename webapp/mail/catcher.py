"""Built-in SMTP catcher (aiosmtpd on loopback) for running with SMTP_HOST unset.

Mail takes the same path as in production (outbox → sender → SMTP); this server stores
what arrives, and the mailbox page shows it: the stand-in for a phone's mail app.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from email import message_from_bytes, policy
from email.header import decode_header, make_header

from aiosmtpd.smtp import SMTP

from webapp.db import AppDatabase
from webapp.schema import caught_mail


def _address_header(message, name: str, default: str) -> str:
    """An address header as the mail app shows it. A long display name is sent as two
    encoded-words on two lines; the email package's address parser keeps a space between
    them (「ハローワークインターネットサー ビス」, issue 12), where RFC 2047 §6.2 drops it,
    as mail apps do. decode_header follows the RFC."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(make_header(decode_header(str(value))))
    return default


class _StoreHandler:
    def __init__(self, db: AppDatabase) -> None:
        self.db = db

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part else ""
        async with self.db.connection() as conn:
            for rcpt in envelope.rcpt_tos:
                await conn.execute(
                    caught_mail.insert().values(
                        received_at=dt.datetime.now(dt.UTC),
                        mail_from=_address_header(message, "From", envelope.mail_from),
                        to_addr=rcpt,
                        subject=str(message.get("Subject", "")),
                        body=body,
                    )
                )
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(self, db: AppDatabase, port: int = 0) -> None:
        self.db = db
        self.requested_port = port
        self.port = 0
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        handler = _StoreHandler(self.db)
        self._server = await loop.create_server(
            lambda: SMTP(handler, hostname="mailcatcher.localhost"),
            host="127.0.0.1",
            port=self.requested_port,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()
