from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from application.health import CheckReadiness
from entrypoints.http.dependencies import Use

router = APIRouter(tags=["health"])


class Liveness(BaseModel):
    status: Literal["healthy"] = "healthy"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"


class NotReady(BaseModel):
    status: Literal["unavailable"] = "unavailable"
    database: Literal["error"] = "error"


@router.get("/health")
async def health() -> Liveness:
    """Liveness: the process answers. Touches nothing else."""
    return Liveness()


@router.get(
    "/health/ready",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "The database does not answer."}},
    description=CheckReadiness.__doc__,
)
async def ready(check: Use[CheckReadiness]) -> Ready | JSONResponse:
    if await check():
        return Ready()
    return JSONResponse(NotReady().model_dump(), status_code=503)
