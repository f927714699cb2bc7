"""A worker process of the RedisSemaphore tests: many tasks taking one semaphore's slots, or one slot held until killed.

``python _sem_workers.py URL KEY LIMIT LEASE BACKEND churn TASKS ROUNDS HOLD``: ``TASKS``
tasks each take a slot ``ROUNDS`` times and hold it ``HOLD`` seconds; while holding, a
task counts itself in Redis (``{KEY}:now``, and the most seen in ``{KEY}:most``), so
that the test reads the most holders at once across every process.

``python _sem_workers.py URL KEY LIMIT LEASE BACKEND hold``: take one slot and hold it
until the process is killed.
"""

from __future__ import annotations

import sys

import anyio
import coredis
from coredis.commands import Script

from aws_vision_async._fleet.semaphore import RedisSemaphore

# Count one more holder and keep the most seen, atomically.
_ENTER = """
local now = redis.call('INCR', KEYS[1])
if now > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], now) end
redis.call('INCR', KEYS[3])
return now
"""


async def churn(sem: RedisSemaphore, url: str, *, tasks: int, rounds: int, hold: float) -> None:
    enter = Script[bytes](script=_ENTER)
    keys = [f"{sem.key}:now", f"{sem.key}:most", f"{sem.key}:entries"]

    async def one(client: coredis.Redis[bytes]) -> None:
        for _ in range(rounds):
            async with sem:
                await enter(keys=keys, args=[], client=client, callback=int)
                await anyio.sleep(hold)
                await client.decr(keys[0])

    async with coredis.Redis.from_url(url) as client, anyio.create_task_group() as group:
        for _ in range(tasks):
            group.start_soon(one, client)


async def main(argv: list[str]) -> None:
    url, key, limit, lease, _backend, mode, *rest = argv
    sem = RedisSemaphore(url, key=key, limit=int(limit), lease=float(lease))
    if mode == "churn":
        tasks, rounds, hold = rest
        await churn(sem, url, tasks=int(tasks), rounds=int(rounds), hold=float(hold))
    else:
        async with sem:
            await anyio.sleep_forever()


if __name__ == "__main__":
    anyio.run(main, sys.argv[1:], backend=sys.argv[5])
