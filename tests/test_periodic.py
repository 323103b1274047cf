"""The background loop the outbox sender and the daily round share (webapp/periodic.py)."""

from __future__ import annotations

import asyncio
import logging

from webapp.periodic import PeriodicTask


class Rounds(PeriodicTask):
    """Counts its rounds; the first one fails when asked to."""

    name = "counting"

    def __init__(self, *, fail_first: bool = False, **timing: float) -> None:
        super().__init__(**timing)
        self.fail_first = fail_first
        self.rounds = 0

    async def run_round(self) -> None:
        self.rounds += 1
        if self.fail_first and self.rounds == 1:
            raise RuntimeError("the database is away")


async def _until(condition, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_failed_round_is_logged_and_the_loop_goes_on(caplog):
    task = Rounds(fail_first=True, poll_seconds=0.01)
    with caplog.at_level(logging.ERROR, logger="webapp.periodic"):
        task.start()
        await _until(lambda: task.rounds >= 3)
        await task.stop()
    (record,) = [r for r in caplog.records if r.name == "webapp.periodic"]
    assert record.getMessage() == "counting round failed"
    assert "the database is away" in record.exc_text


async def test_a_round_runs_at_start_and_again_when_woken_after_the_delay():
    task = Rounds(poll_seconds=60, wake_delay=0.2)
    task.start()
    try:
        await _until(lambda: task.rounds == 1)
        task.wake()
        await asyncio.sleep(0.05)
        assert task.rounds == 1  # not before wake_delay
        await _until(lambda: task.rounds == 2)
    finally:
        await task.stop()


async def test_stop_ends_a_loop_waiting_for_its_next_poll_at_once():
    task = Rounds(poll_seconds=60)
    task.start()
    await _until(lambda: task.rounds == 1)
    async with asyncio.timeout(1):
        await task.stop()
    assert task._task.done() and task.rounds == 1
