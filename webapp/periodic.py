"""A background loop in the app's lifespan: one round at start, then one every
`poll_seconds`, or sooner when woken. The outbox sender (webapp/mail/sender.py) and the
daily round (webapp/daily.py) are two of them.

A round that fails is logged and the loop goes on: the database may be briefly away, and
the next round tries again. Each round is safe on several instances at once (their rows
are claimed by compare-and-set UPDATEs), so no loop needs to be the only one.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging

from webapp.db import is_database_unavailable

log = logging.getLogger(__name__)


class PeriodicTask(abc.ABC):
    """Subclasses give `name` (the asyncio task's, and the log's) and `run_round()`."""

    name = "periodic"

    def __init__(self, poll_seconds: float, wake_delay: float = 0.0) -> None:
        self.poll_seconds = poll_seconds
        self.wake_delay = wake_delay
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    @abc.abstractmethod
    async def run_round(self) -> None:
        """One round of the loop's work."""

    def wake(self) -> None:
        """Run the next round `wake_delay` seconds from now rather than at the next poll."""
        asyncio.get_running_loop().call_later(self.wake_delay, self._wake.set)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        # A flag, not only cancel(): Python 3.11's wait_for can swallow a cancellation
        # that lands as the event fires, leaving shutdown waiting forever.
        self._stopping = True
        self._wake.set()
        if self._task:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.run_round()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not is_database_unavailable(error):
                    log.exception("%s round failed", self.name)
                else:  # briefly away: the next round tries again, nothing is lost
                    log.warning("%s round skipped, database unavailable: %s", self.name, error)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            self._wake.clear()
