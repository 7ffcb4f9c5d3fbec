"""A front end's auth flow, written against the client that openapi-python-client generates
from /openapi.json (the package `hexapi_client`), with no hand-written type or header.

tests/e2e/test_generated_client.py generates the client, checks this file with
`mypy --strict` and runs it against `hexapi serve`: `python flow.py BASE_URL`.
"""

from __future__ import annotations

import asyncio
import io
import sys
import zlib

from hexapi_client import AuthenticatedClient, Client
from hexapi_client.api.auth import auth_login, auth_logout, auth_refresh, auth_register
from hexapi_client.api.users import (
    users_get_avatar,
    users_get_me,
    users_set_my_avatar,
    users_update_me,
)
from hexapi_client.models import (
    AvatarUpload,
    ConflictError,
    ConflictErrorCode,
    LoginForm,
    ProfileOut,
    RefreshRequest,
    RegisterRequest,
    Token,
    UnauthorizedError,
    UnauthorizedErrorCode,
    UserOut,
    UserUpdateMe,
)
from hexapi_client.types import File

EMAIL = "flow@example.com"
PASSWORD = "Correct-Horse-7"


def png() -> bytes:
    """A one-pixel PNG, made here so the flow needs no file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def flow(base_url: str) -> None:
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    account = RegisterRequest(email=EMAIL, name="Flow", password=PASSWORD)
    registered = await auth_register.asyncio(client=anonymous, body=account)
    assert isinstance(registered, UserOut), registered

    again = await auth_register.asyncio(client=anonymous, body=account)
    assert isinstance(again, ConflictError), again
    assert again.code is ConflictErrorCode.EMAIL_TAKEN  # an error narrowed by its code

    token = await auth_login.asyncio(
        client=anonymous, body=LoginForm(username=EMAIL, password=PASSWORD)
    )
    assert isinstance(token, Token), token
    assert token.token_type == "bearer"

    refreshed = await auth_refresh.asyncio(
        client=anonymous, body=RefreshRequest(refresh_token=token.refresh_token)
    )
    assert isinstance(refreshed, Token), refreshed
    client = AuthenticatedClient(
        base_url=base_url, token=refreshed.access_token, raise_on_unexpected_status=True
    )

    me = await users_get_me.asyncio(client=client)
    assert isinstance(me, UserOut) and me.email == EMAIL, me
    renamed = await users_update_me.asyncio(client=client, body=UserUpdateMe(name="Flow Renamed"))
    assert isinstance(renamed, UserOut) and renamed.name == "Flow Renamed", renamed

    image = png()
    upload = AvatarUpload(
        file=File(payload=io.BytesIO(image), file_name="me.png", mime_type="image/png")
    )
    profile = await users_set_my_avatar.asyncio(client=client, body=upload)
    assert isinstance(profile, ProfileOut) and profile.avatar_url, profile
    avatar = await users_get_avatar.asyncio(user_id=me.id, client=client)
    assert isinstance(avatar, File), avatar
    assert avatar.payload.read() == image

    gone = await auth_logout.asyncio_detailed(
        client=anonymous, body=RefreshRequest(refresh_token=refreshed.refresh_token)
    )
    assert gone.status_code == 204, gone
    refused = await users_get_me.asyncio(client=client)
    assert isinstance(refused, UnauthorizedError), refused
    assert refused.code is UnauthorizedErrorCode.INVALID_TOKEN


if __name__ == "__main__":
    asyncio.run(flow(sys.argv[1]))
    print("flow: ok")
