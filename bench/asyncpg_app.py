"""The hand-written ceiling for `GET /api/v1/users/me`: bare FastAPI + asyncpg, no middleware.

It does the same work hexapi must do, by hand: decode and check the access token (PyJWT,
the same key, algorithm, issuer and audience), read the user by primary key through an
asyncpg pool (its statement prepared once per connection, as asyncpg caches it), and answer
with a Pydantic model of the same fields. Started by the runner with DATABASE_URL and
SECRET_KEY in the environment, exactly as hexapi is.
"""

from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg
import jwt
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel

SELECT_USER = (
    "SELECT id, email, name, is_active, is_superuser, created_at, updated_at"
    " FROM users WHERE id = $1"
)


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    is_active: bool
    is_superuser: bool
    created_at: datetime
    updated_at: datetime


@asynccontextmanager
async def lifespan(app: FastAPI):
    dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    app.state.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)
KEY = os.environ.get("SECRET_KEY", "")


@app.get("/api/v1/users/me")
async def me(authorization: str = Header("")) -> UserOut:
    _, _, token = authorization.partition(" ")
    try:
        claims = jwt.decode(token, KEY, algorithms=["HS256"], audience="hexapi", issuer="hexapi")
    except jwt.PyJWTError as exc:
        raise HTTPException(401, "invalid token") from exc
    row = await app.state.pool.fetchrow(SELECT_USER, uuid.UUID(claims["sub"]))
    if row is None or not row["is_active"]:
        raise HTTPException(401, "invalid token")
    return UserOut(**row)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "healthy"}
