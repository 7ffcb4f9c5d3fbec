"""JSON bodies whose numbers stay exact: a route class for the routes that take money.

FastAPI reads a JSON body with `json.loads`, which turns `19.90` into a float before any
validator sees it, and pydantic's Decimal would then round `0.1 + 0.2`-style values rather
than refuse them. Here numbers with a fraction or exponent are parsed straight into
`Decimal`, so a price is the number the client wrote, or a 422.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class ExactNumbersRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


class ExactNumbersRoute(APIRoute):
    """An APIRoute that hands its endpoint JSON numbers as int or Decimal, never float."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact_handler(request: Request) -> Response:
            return await handler(ExactNumbersRequest(request.scope, request.receive))

        return exact_handler
