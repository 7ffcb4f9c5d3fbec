"""WebSocket fan-out: N members in one room, one of them speaking; delivery latency to all.

    python -m bench.fanout BASE_URL ACCESS_TOKEN [--members 100] [--seconds 10] [--rate 10]

Prints one JSON line: members, deliveries, p50_ms, p99_ms. Every message carries the time it
was sent; each member notes when it arrives (same machine, same clock).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import websockets


async def _member(url: str, headers: dict[str, str], latencies: list[float], ready) -> None:  # type: ignore[no-untyped-def]
    async with websockets.connect(url, additional_headers=headers, max_queue=None) as ws:
        ready.release()
        async for frame in ws:
            message = json.loads(frame)
            if message.get("type") == "message" and message.get("text", "").startswith("t="):
                latencies.append(time.perf_counter() - float(message["text"][2:]))


async def run(base: str, token: str, members: int, seconds: float, rate: float) -> dict:  # type: ignore[type-arg]
    url = base.replace("http://", "ws://") + "/api/v1/ws/rooms/bench-fanout"
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    ready = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(_member(url, headers, latencies, ready)) for _ in range(members)]
    for _ in range(members):
        await asyncio.wait_for(ready.acquire(), 30)
    await asyncio.sleep(0.5)  # the join frames settle
    async with websockets.connect(url, additional_headers=headers) as speaker:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            await speaker.send(json.dumps({"text": f"t={time.perf_counter()!r}"}))
            await asyncio.sleep(1 / rate)
        await asyncio.sleep(2)  # the last messages arrive
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(latencies)
    return {
        "members": members,
        "deliveries": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=10, help="messages per second (< 20)")
    args = parser.parse_args()
    print(
        json.dumps(asyncio.run(run(args.base, args.token, args.members, args.seconds, args.rate)))
    )


if __name__ == "__main__":
    main()
