"""Mail queued during a request wakes the sender by itself, once the response has gone out;
a request that queues nothing wakes nothing. No handler calls the sender."""

from __future__ import annotations

import dataclasses

from starlette.testclient import TestClient

from tests import factories
from tests.helpers import submit
from webapp import create_app

ADDRESS_STEP = {"email": "taro@example.com", "year": "1990", "month": "4", "day": "1"}


def _ask_for_a_key(client, email: str = "taro@example.com"):
    submit(client, "/register", {"agree": "yes"})
    return submit(client, "/register/email", {**ADDRESS_STEP, "email": email})


def _count_wakes(client) -> list:
    """The sender's wake-ups from now on (each still wakes the real sender)."""
    wakes = []
    wake = client.app.state.wake_outbox

    def counted() -> None:
        wakes.append(1)
        wake()

    client.app.state.wake_outbox = counted
    return wakes


def test_mail_a_request_queued_goes_out_long_before_the_next_poll(settings, clock, smtp):
    # An hour between polls: only the wake-up after the request can send the key this soon.
    settings = dataclasses.replace(settings, outbox_poll_seconds=3600)
    with TestClient(create_app(settings, clock=clock), base_url="http://testserver") as client:
        factories.seeker(client)
        _ask_for_a_key(client)
        (mail,) = smtp.wait_for("taro@example.com", timeout=10)
    assert mail["Subject"] == "【ハローワーク】パスワード登録申込受付通知"


class _RecordResponseSent:
    """Outermost: notes when the last piece of a response has been handed to the server."""

    def __init__(self, app, events: list) -> None:
        self.app = app
        self.events = events

    async def __call__(self, scope, receive, send):
        async def recording_send(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.events.append(f"response sent {scope['method']} {scope['path']}")

        await self.app(scope, receive, recording_send)


def test_the_sender_is_woken_after_the_response_has_been_sent(settings, clock, smtp):
    events = []
    app = create_app(settings, clock=clock)
    app.add_middleware(_RecordResponseSent, events=events)
    with TestClient(app, base_url="http://testserver") as client:
        factories.seeker(client)
        submit(client, "/register", {"agree": "yes"})
        wake = client.app.state.wake_outbox
        client.app.state.wake_outbox = lambda: (events.append("wake"), wake())
        events.clear()
        answer = submit(client, "/register/email", ADDRESS_STEP, follow_redirects=False)
        assert answer.status_code == 303
        smtp.wait_for("taro@example.com")
    # The CSRF token's page, then the POST that queued the key, then (only then) the wake.
    assert events == [
        "response sent GET /register/email",
        "response sent POST /register/email",
        "wake",
    ]


def test_a_request_that_queues_mail_wakes_the_sender_once(client):
    factories.seeker(client)
    submit(client, "/register", {"agree": "yes"})
    wakes = _count_wakes(client)
    submit(client, "/register/email", ADDRESS_STEP)
    assert len(wakes) == 1


def test_a_request_that_queues_no_mail_does_not_wake_the_sender(client):
    factories.seeker(client)
    wakes = _count_wakes(client)
    assert client.get("/").status_code == 200
    assert client.get("/jobs/search").status_code == 200
    assert submit(client, "/register", {"agree": "no"}).status_code == 422
    # An address no job-seeker has: the same page, the same work, but no mail and no wake.
    _ask_for_a_key(client, email="nobody@example.com")
    assert client.get("/register/password").status_code == 200
    assert wakes == []
