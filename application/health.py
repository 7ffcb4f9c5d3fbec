"""Health of the service as load balancers and orchestrators ask about it."""

from __future__ import annotations

from application.ports import DatabaseProbe


class CheckReadiness:
    """Readiness: whether the database answers, within about 2 seconds whatever it does.

    200 while it does; 503 when it is down, refusing, hung or too slow, so a load balancer
    sends traffic elsewhere until it is back.
    """

    def __init__(self, database: DatabaseProbe) -> None:
        self._database = database

    async def __call__(self) -> bool:
        return await self._database.is_available()
