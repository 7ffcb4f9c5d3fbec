from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from application.health import CheckReadiness
from entrypoints.http.dependencies import Use
from entrypoints.http.schemas.common import ResponseModel

router = APIRouter(tags=["health"])


class Liveness(ResponseModel):
    status: Literal["healthy"] = "healthy"


class Ready(ResponseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"


class NotReady(ResponseModel):
    status: Literal["unavailable"] = "unavailable"
    database: Literal["error"] = "error"


@router.get("/health")
async def health_live() -> Liveness:
    """Liveness: the process answers. Touches nothing else."""
    return Liveness()


@router.get(
    "/health/ready",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "The database does not answer."}},
    description=CheckReadiness.__doc__,
)
async def health_ready(check: Use[CheckReadiness]) -> Ready | JSONResponse:
    if await check():
        return Ready()
    return JSONResponse(NotReady().model_dump(), status_code=503)
