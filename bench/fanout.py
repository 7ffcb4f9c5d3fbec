"""WebSocket fan-out: N members in one room, one of them speaking; delivery latency to all.

    python -m bench.fanout BASE_URL ACCESS_TOKEN [--members 100] [--seconds 10] [--rate 10]
                                                 [--speakers 1]

Prints one JSON line: members, rate, deliveries, p50_ms, p99_ms. Every message carries the
time it was sent; each member notes when it arrives (same machine, same clock). A room's rate
beyond 20 messages a second needs several speakers: one client may send at most 20 frames a
second, so the rate is shared among `--speakers` connections.
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


async def _speak(url: str, headers: dict[str, str], seconds: float, rate: float) -> None:
    async with websockets.connect(url, additional_headers=headers) as speaker:
        reading = asyncio.create_task(_drain(speaker))
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            await speaker.send(json.dumps({"text": f"t={time.perf_counter()!r}"}))
            await asyncio.sleep(1 / rate)
        await asyncio.sleep(2)  # the last messages arrive
        reading.cancel()


async def _drain(ws) -> None:  # type: ignore[no-untyped-def]
    """A speaker reads its own room too, or its receive buffer would fill and close it."""
    async for _ in ws:
        pass


async def run(  # type: ignore[type-arg]
    base: str, token: str, members: int, seconds: float, rate: float, speakers: int = 1
) -> dict:
    url = base.replace("http://", "ws://") + "/api/v1/ws/rooms/bench-fanout"
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    ready = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(_member(url, headers, latencies, ready)) for _ in range(members)]
    for _ in range(members):
        await asyncio.wait_for(ready.acquire(), 30)
    await asyncio.sleep(0.5)  # the join frames settle
    await asyncio.gather(*(_speak(url, headers, seconds, rate / speakers) for _ in range(speakers)))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ordered = sorted(latencies)
    return {
        "members": members,
        "rate": rate,
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
    parser.add_argument("--rate", type=float, default=10, help="messages per second in the room")
    parser.add_argument("--speakers", type=int, default=1, help="sharing the rate (<= 20/s each)")
    args = parser.parse_args()
    print(
        json.dumps(
            asyncio.run(
                run(args.base, args.token, args.members, args.seconds, args.rate, args.speakers)
            )
        )
    )


if __name__ == "__main__":
    main()
