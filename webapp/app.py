"""create_app(): the Starlette application, its middleware and lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.types import ASGIApp

from webapp.account import routes as account_routes
from webapp.activities import routes as activity_routes
from webapp.applications import routes as application_routes
from webapp.auth import reset_routes
from webapp.auth import routes as auth_routes
from webapp.auth.middleware import SessionUserMiddleware
from webapp.clock import Clock
from webapp.closing import routes as closing_routes
from webapp.config import Settings
from webapp.daily import DailyRound
from webapp.db import AppDatabase, ConnectionPerRequest, create_database, migrate_async
from webapp.direct_requests import routes as direct_request_routes
from webapp.employer import postings as employer_postings
from webapp.employer import routes as employer_routes
from webapp.errors import ErrorPages, error_page, http_exception, server_error
from webapp.jobs import favourites
from webapp.jobs import routes as job_routes
from webapp.mail.catcher import MailCatcher
from webapp.mail.outbox import WakeSenderAfterResponse
from webapp.mail.sender import OutboxSender, SmtpTarget
from webapp.mailbox import routes as mailbox_routes
from webapp.messages import routes as message_routes
from webapp.mydata import routes as mydata_routes
from webapp.mypage import routes as mypage_routes
from webapp.mypage import service as mypage_service
from webapp.mypage.header import HeaderCountsMiddleware
from webapp.notices import routes as notice_routes
from webapp.page_cache import PageCacheMiddleware
from webapp.pages import routes as page_routes
from webapp.profile import routes as profile_routes
from webapp.publishing import routes as publishing_routes
from webapp.referrals import routes as referral_routes
from webapp.registration import online_corrections
from webapp.registration import online_routes as apply_routes
from webapp.registration import routes as registration_routes
from webapp.route_index import SegmentRouter
from webapp.security import passwords
from webapp.security.csrf import CSRFMiddleware, allowed_origin, cookie_name
from webapp.security.headers import SecurityHeadersMiddleware
from webapp.staff import online_registrants, posting_review
from webapp.staff import routes as staff_routes
from webapp.staff import seekers as staff_seekers
from webapp.static_assets import static_assets

log = logging.getLogger(__name__)


class App(Starlette):
    """Starlette, with `outer_middleware` around its ServerErrorMiddleware too (Starlette
    puts every other middleware inside it): what must reach every response, the 500
    page of a bug included, goes there. Its router tries only the routes a path's first
    segment can reach (route_index)."""

    def __init__(self, *args, outer_middleware: Sequence[Middleware] = (), **kwargs) -> None:
        self.outer_middleware = list(outer_middleware)
        super().__init__(*args, **kwargs)
        self.router = SegmentRouter(self.router.routes, lifespan=kwargs.get("lifespan"))

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for cls, args, kwargs in reversed(self.outer_middleware):
            app = cls(app, *args, **kwargs)
        return app


async def _mail_target(
    db: AppDatabase, settings: Settings
) -> tuple[MailCatcher | None, SmtpTarget]:
    """The SMTP server mail goes to: the configured one, or the built-in catcher (started
    here) when SMTP_HOST is unset."""
    if not settings.mail_catcher:
        target = SmtpTarget(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_tls,
            settings.mail_from,
        )
        return None, target
    catcher = MailCatcher(db, settings.mail_catcher_port)
    await catcher.start()
    log.info("mail catcher on 127.0.0.1:%s; mailbox at /mailbox", catcher.port)
    return catcher, SmtpTarget("127.0.0.1", catcher.port, mail_from=settings.mail_from)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    clock = clock or Clock()
    passwords.configure_from(settings)
    db = create_database(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if settings.migrate_on_start:
            await migrate_async(settings.database_url)
        await db.connect()
        await passwords.warm_up()
        catcher, target = await _mail_target(db, settings)
        sender = OutboxSender(
            db,
            target,
            clock,
            settings.outbox_poll_seconds,
            settings.outbox_wake_delay,
            max_attempts=settings.outbox_max_attempts,
        )
        sender.start()
        app.state.wake_outbox = sender.wake
        app.state.mail_catcher = catcher
        # 検索条件の新着求人メール and 有効期限 reminders, each once a day at most.
        daily = None
        if settings.daily_round_seconds > 0:
            daily = DailyRound(
                db,
                clock,
                settings.base_url,
                wake_outbox=sender.wake,
                poll_seconds=settings.daily_round_seconds,
            )
            daily.start()
        try:
            yield
        finally:
            if daily:
                await daily.stop()
            await sender.stop()
            if catcher:
                await catcher.stop()
            await db.disconnect()

    async def csrf_error(scope, status_code: int, message: str):
        return await error_page(Request(scope), status_code, message)

    app = App(
        routes=[
            *page_routes.routes,
            *registration_routes.routes,
            *apply_routes.routes,
            *auth_routes.routes,
            *reset_routes.routes,
            *account_routes.routes,
            *closing_routes.routes,
            *mypage_routes.routes,
            *mydata_routes.routes,
            *mailbox_routes.routes,
            *job_routes.routes,
            *staff_routes.routes,
            *employer_routes.routes,
            *publishing_routes.routes,
            *direct_request_routes.routes,
            *employer_postings.routes,
            *posting_review.routes,
            *application_routes.routes,
            *profile_routes.routes,
            *activity_routes.routes,
            *referral_routes.routes,
            *notice_routes.routes,
            *message_routes.routes,
            *staff_seekers.routes,
            *online_registrants.routes,
            *online_corrections.routes,
            Mount("/static", static_assets(), name="static"),
        ],
        outer_middleware=[
            # Outermost: its wake-up comes after the response has gone out completely.
            Middleware(WakeSenderAfterResponse),
            # Every response, the 500 page included (Starlette's ServerErrorMiddleware,
            # which renders it, is inside this one).
            Middleware(SecurityHeadersMiddleware, https=settings.https, htmx_cdn=settings.htmx_cdn),
        ],
        middleware=[
            # What the middleware below raise: an HTTPException, the database away (503).
            Middleware(ErrorPages),
            Middleware(
                CSRFMiddleware,
                secret_key=settings.secret_key,
                https=settings.https,
                allowed_origin=allowed_origin(settings.base_url),
                error_page=csrf_error,
            ),
            # Signed-out public pages from memory, before a connection or a session lookup.
            Middleware(
                PageCacheMiddleware,
                session_cookie=cookie_name(settings.https, "session"),
                clock=clock,
            ),
            Middleware(ConnectionPerRequest, database=db),
            Middleware(
                SessionUserMiddleware,
                db=db,
                secret_key=settings.secret_key,
                cookie=cookie_name(settings.https, "session"),
                clock=clock,
                # The My Page menu's counts, read with the session (one query).
                seeker_counts=mypage_service.count_columns,
                # The search page's ☆ (which results are the job-seeker's favourites).
                page_extras={"/jobs/search": favourites.session_columns},
            ),
            # The unread counts in a signed-in job-seeker's header menu.
            Middleware(HeaderCountsMiddleware),
        ],
        exception_handlers={HTTPException: http_exception, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.db = db
    app.state.wake_outbox = lambda: None
    return app
