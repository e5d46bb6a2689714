"""The NLP worker gives back the memory a large job freed (issue 16, class 1; found by the
soak: after a 9 MB page's extraction the worker stayed 110 MB larger, so the bot's memory
never came back within 10 % of its start)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.heap import give_back
from bot.nlp.service import NlpService
from tests.bot.nlp.heap_jobs import fill_and_free, resident_kb

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


async def test_a_job_that_freed_100_mb_leaves_the_worker_no_larger() -> None:
    service = NlpService("process")
    try:
        before = await service.run(resident_kb)
        held = await service.run(fill_and_free, 100)
        after = await service.run(resident_kb)
    finally:
        service.close()
    assert held - before > 90_000  # the job really held its 100 MB
    assert after - before < 20_000  # and they went back to the system when it ended


def test_give_back_says_whether_the_c_library_can() -> None:
    assert give_back() is True  # glibc (Linux): malloc_trim is there
