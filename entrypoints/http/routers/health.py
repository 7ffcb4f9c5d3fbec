from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Liveness(BaseModel):
    status: Literal["healthy"] = "healthy"


@router.get("/health")
async def health() -> Liveness:
    """Liveness: the process answers. Touches nothing else."""
    return Liveness()
