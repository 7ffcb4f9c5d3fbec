"""Running a request at most once per user and `Idempotency-Key`.

The first request with a key claims it (an insert under the unique key, committed at once so
that twins see it), does its work in a unit of work of its own, and keeps its response in
that same unit of work: the effect and the response commit together or not at all. A domain
error's response is kept too (in a transaction of its own, since the work's was rolled
back); anything that would be a 5xx releases the claim, so a retry does the work.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.errors import DomainError, RequestInProgress
from domain.idempotency import (
    CLAIM_LEASE,
    RETENTION,
    StoredResponse,
    check_key,
    replay_or_refuse,
)

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)


class ResponseRenderer(Protocol[T_contra]):
    """Turns an outcome into the response that will be kept (and sent) for it."""

    def success(self, value: T_contra) -> StoredResponse: ...

    def failure(self, error: DomainError) -> StoredResponse | None:
        """The response for a domain error, or None for one that is not kept (5xx)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Replayed:
    """The response kept from the first request with this key."""

    response: StoredResponse


@dataclass(frozen=True, slots=True, kw_only=True)
class IdempotentRequest(Generic[T]):
    user_id: uuid.UUID
    key: str
    fingerprint: str
    renderer: ResponseRenderer[T]


class IdempotentRunner:
    """Runs `work` once per user and key; see the module docstring."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def run(
        self, request: IdempotentRequest[T], work: Callable[[UnitOfWork], Awaitable[T]]
    ) -> T | Replayed:
        check_key(request.key)
        token = uuid.uuid4()
        replay = await self._claim(request, token)
        if replay is not None:
            return replay
        try:
            async with self._uow() as uow:
                value = await work(uow)
                kept = await uow.idempotency.complete(
                    request.user_id, request.key, token, request.renderer.success(value)
                )
                if not kept:  # the claim ran out and another request took the key over
                    raise RequestInProgress()
                await uow.commit()
            return value
        except DomainError as error:
            response = request.renderer.failure(error)
            if response is None:
                await self._release(request, token)
            else:
                async with self._uow() as uow:
                    await uow.idempotency.complete(request.user_id, request.key, token, response)
                    await uow.commit()
            raise
        except BaseException:
            await self._release(request, token)
            raise

    async def _claim(self, request: IdempotentRequest[T], token: uuid.UUID) -> Replayed | None:
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.idempotency.insert_claim(
                request.user_id, request.key, request.fingerprint, token, now, now + CLAIM_LEASE
            )
            if found is not None:
                if not replay_or_refuse(found, request.fingerprint, now):
                    assert found.response is not None
                    return Replayed(response=found.response)
                taken = await uow.idempotency.take_over(
                    found, request.fingerprint, token, now, now + CLAIM_LEASE
                )
                if not taken:  # a twin took it over first
                    raise RequestInProgress()
            await uow.commit()
        return None

    async def _release(self, request: IdempotentRequest[T], token: uuid.UUID) -> None:
        # Best effort: when the database is gone, the claim's lease frees the key later.
        with contextlib.suppress(Exception):
            async with self._uow() as uow:
                await uow.idempotency.release(request.user_id, request.key, token)
                await uow.commit()


class PruneIdempotencyKeys:
    """Forget idempotency keys older than their 24 hours; returns how many went."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self) -> int:
        async with self._uow() as uow:
            pruned = await uow.idempotency.prune(self._clock.now() - RETENTION)
            await uow.commit()
        return pruned
