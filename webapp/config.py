"""Settings, read once from the environment, each with an embedded default."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from argon2 import profiles
from starlette.config import Config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"

# htmx 2.0.x from the CDN, with the vendored copy in static/js/ as fallback.
HTMX_VERSION = "2.0.11"
HTMX_CDN_URL = f"https://unpkg.com/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def _secret_key_from_file(var_dir: Path) -> str:
    """Generate the key once and keep it under var/, so restarts keep sessions valid."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two instances starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


DEFAULT_BASE_URL = "http://localhost:8000"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ALL_INTERFACES = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    # BASE_URL; unset, `python -m webapp serve` puts the address it serves on here
    # (served_base_url), and anything else (the CLI, a bare create_app()) keeps this.
    base_url: str = DEFAULT_BASE_URL
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: str = "none"  # none | starttls | tls
    mail_from: str = "ハローワークインターネットサービス <system@mail.hellowork.example.jp>"
    mail_catcher_port: int = 0  # 0: any free loopback port
    # OFFICE_HOURS: when the offices answer the phone (お問い合わせ); one text for all.
    office_hours: str = (
        "平日（月曜日～金曜日）8時30分～17時15分（土曜日・日曜日・祝日・年末年始を除く）"
    )
    htmx_cdn: bool = True
    outbox_poll_seconds: float = 2.0
    # How long after a request queued mail the sender wakes (see mail/sender.py: the
    # answer must not tell, by its timing, whether a mail was queued).
    outbox_wake_delay: float = 0.2
    # Tries before a mail the server keeps deferring (4xx, no connection) is given up and
    # listed by `python -m webapp outbox`: 48 is about a day and a half (5 s doubling to
    # an hour, then hourly), enough to outlast an outage of the mail server.
    outbox_max_attempts: int = 48
    # argon2id cost; argon2-cffi's default profile (RFC 9106 low-memory: t=3, 64 MiB, p=4).
    argon2_time_cost: int = profiles.RFC_9106_LOW_MEMORY.time_cost
    argon2_memory_cost: int = profiles.RFC_9106_LOW_MEMORY.memory_cost  # KiB
    argon2_parallelism: int = profiles.RFC_9106_LOW_MEMORY.parallelism
    # Apply migrations in the lifespan; off when a deploy step runs `python -m webapp migrate`.
    migrate_on_start: bool = True
    # The daily round (saved-search mails, 有効期限 reminders) runs in the app every this
    # many seconds; 0 leaves it to `python -m webapp digest` (cron, or one instance only).
    daily_round_seconds: float = 600.0
    # The reverse proxies / load balancers whose X-Forwarded-For names the client (IPs and
    # CIDRs, comma-separated, as uvicorn reads them); empty: none, the socket's peer is it.
    forwarded_allow_ips: str = ""
    # Retention (保存期間), in days, for `python -m webapp purge`: a closed account (退会,
    # 就職, 取消) and everything held about the person is deleted this long after it closed;
    # the 応募書類 and the messages of an application that ended (不採用, 辞退) this long
    # after it ended, whoever's it is.
    retain_closed_account_days: int = 365
    retain_document_days: int = 180
    retain_message_days: int = 365

    @property
    def https(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @property
    def mail_catcher(self) -> bool:
        """Unset SMTP_HOST: run the built-in SMTP catcher and its mailbox page."""
        return not self.smtp_host

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> Settings:
        config = Config(environ=environ if environ is not None else os.environ)
        var_dir = Path(config("VAR_DIR", default=str(VAR_DIR)))
        secret = config("SECRET_KEY", default="") or _secret_key_from_file(var_dir)
        default_db = f"sqlite:///{var_dir / 'hellowork.db'}"
        return cls(
            database_url=config("DATABASE_URL", default=default_db),
            secret_key=secret,
            base_url=config("BASE_URL", default=DEFAULT_BASE_URL).rstrip("/"),
            smtp_host=config("SMTP_HOST", default=""),
            smtp_port=config("SMTP_PORT", cast=int, default=25),
            smtp_username=config("SMTP_USERNAME", default=""),
            smtp_password=config("SMTP_PASSWORD", default=""),
            smtp_tls=config("SMTP_TLS", default="none").lower(),
            mail_from=config("MAIL_FROM", default=cls.mail_from),
            mail_catcher_port=config("MAIL_CATCHER_PORT", cast=int, default=0),
            office_hours=config("OFFICE_HOURS", default=cls.office_hours),
            htmx_cdn=config("HTMX_CDN", cast=bool, default=True),
            outbox_wake_delay=config(
                "OUTBOX_WAKE_DELAY", cast=float, default=cls.outbox_wake_delay
            ),
            outbox_max_attempts=config(
                "OUTBOX_MAX_ATTEMPTS", cast=int, default=cls.outbox_max_attempts
            ),
            argon2_time_cost=config("ARGON2_TIME_COST", cast=int, default=cls.argon2_time_cost),
            argon2_memory_cost=config(
                "ARGON2_MEMORY_COST", cast=int, default=cls.argon2_memory_cost
            ),
            argon2_parallelism=config(
                "ARGON2_PARALLELISM", cast=int, default=cls.argon2_parallelism
            ),
            migrate_on_start=config("MIGRATE_ON_START", cast=bool, default=True),
            daily_round_seconds=config(
                "DAILY_ROUND_SECONDS", cast=float, default=cls.daily_round_seconds
            ),
            forwarded_allow_ips=trusted_proxies(config("FORWARDED_ALLOW_IPS", default="")),
            retain_closed_account_days=config(
                "RETAIN_CLOSED_ACCOUNT_DAYS", cast=int, default=cls.retain_closed_account_days
            ),
            retain_document_days=config(
                "RETAIN_DOCUMENT_DAYS", cast=int, default=cls.retain_document_days
            ),
            retain_message_days=config(
                "RETAIN_MESSAGE_DAYS", cast=int, default=cls.retain_message_days
            ),
        )


def trusted_proxies(value: str) -> str:
    """FORWARDED_ALLOW_IPS checked and tidied: IP addresses and networks (10.0.0.0/8), or
    `*` (every peer is a proxy: only where nothing but the proxy can reach the app).
    uvicorn would take a mistyped entry as a name no peer ever has, silently trusting no
    proxy, so a mistake stops the start instead."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    for item in items:
        if item == "*":
            continue
        try:
            if "/" in item:
                ipaddress.ip_network(item)
            else:
                ipaddress.ip_address(item)
        except ValueError:
            raise ValueError(
                f"FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network "
                "(for example 10.0.0.5 or 10.0.0.0/8, host bits zero)"
            ) from None
    return ",".join(items)


def lan_address() -> str | None:
    """This machine's address on its network (the one its default route leaves from), for
    a phone or tablet on the same LAN; None when there is none but loopback. Connecting a
    UDP socket sends nothing: it only makes the kernel choose the outgoing address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1 (RFC 5737): never reached
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        try:
            address = socket.gethostbyname(socket.gethostname())
        except OSError:
            return None
    return None if address.startswith("127.") else address


def served_base_url(host: str, port: int, lan: Callable[[], str | None] = lan_address) -> str:
    """The address a server started on `host`:`port` is reached at, for BASE_URL left
    unset: loopback is http://localhost:PORT (this machine only); all interfaces
    (0.0.0.0, ::) the machine's LAN address, so a phone scanning the counter sheet's QR
    code or opening a mail's link reaches it; any other host as given."""
    host = host.strip()
    if host in ALL_INTERFACES:
        host = lan() or "localhost"
    elif host in LOOPBACK_NAMES or host.startswith("127."):
        host = "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}" + ("" if port == 80 else f":{port}")
