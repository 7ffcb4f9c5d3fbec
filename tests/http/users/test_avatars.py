"""Avatars over HTTP: judged by their bytes, at most 2 MiB (enforced while the body streams
in), stored under generated names, and the old bytes removed on replacement or deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.images import MAX_AVATAR_BYTES
from tests.support.assertions import assert_error, assert_validation_error
from tests.support.images import GIF, IMAGES, JPEG, PNG, WEBP
from tests.support.people import person, superuser

USERS = "/api/v1/users"
AVATAR = f"{USERS}/me/avatar"


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url)


def stored_avatars(api) -> list[Path]:
    folder = Path(api.container.settings().upload_dir) / "avatars"
    return sorted(folder.iterdir()) if folder.exists() else []


async def upload(api, headers, content: bytes, filename="avatar.png", content_type="image/png"):
    return await api.put(AVATAR, headers=headers, files={"file": (filename, content, content_type)})


@pytest.mark.parametrize("media_type", sorted(IMAGES))
async def test_each_accepted_format_round_trips_with_its_type(api, media_type) -> None:
    ann, bob = await person(api), await person(api)
    content = IMAGES[media_type]
    response = await upload(api, ann.headers, content, "whatever.bin", "application/octet-stream")
    assert response.status_code == 200, response.text
    profile = response.json()
    assert profile["avatar_url"].startswith(f"/api/v1/users/{ann.id}/avatar?v=")
    assert (await api.get(f"{USERS}/me/profile", headers=ann.headers)).json() == profile
    image = await api.get(profile["avatar_url"], headers=bob.headers)  # any user may see it
    assert image.status_code == 200
    assert image.headers["content-type"] == media_type
    assert image.content == content
    [path] = stored_avatars(api)
    assert path.read_bytes() == content
    assert "whatever" not in path.name and path.suffix == ""  # a generated name


async def test_a_png_named_txt_is_accepted_and_a_text_named_png_is_415(api) -> None:
    ann = await person(api)
    accepted = await upload(api, ann.headers, PNG, "notes.txt", "text/plain")
    assert accepted.status_code == 200
    refused = await upload(api, ann.headers, b"just some text\n", "photo.png", "image/png")
    assert_error(refused, 415, "unsupported_media_type")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert_error(
        await upload(api, ann.headers, svg, "a.svg", "image/svg+xml"), 415, "unsupported_media_type"
    )
    assert_error(await upload(api, ann.headers, b""), 415, "unsupported_media_type")
    # The refused uploads left the accepted avatar alone.
    image = await api.get(accepted.json()["avatar_url"], headers=ann.headers)
    assert image.content == PNG and len(stored_avatars(api)) == 1


async def test_exactly_2_mib_is_accepted_and_one_byte_more_is_413(api) -> None:
    ann = await person(api)
    largest = PNG + b"\0" * (MAX_AVATAR_BYTES - len(PNG))
    assert (await upload(api, ann.headers, largest)).status_code == 200
    too_large = await upload(api, ann.headers, largest + b"\0")
    assert_error(too_large, 413, "payload_too_large")
    [path] = stored_avatars(api)
    assert path.stat().st_size == MAX_AVATAR_BYTES


async def test_a_too_large_upload_is_refused_while_it_streams_in(api) -> None:
    """Chunked, with no Content-Length: the server stops reading soon after 2 MiB."""
    ann = await person(api)
    boundary = "x-boundary-x"
    sent = 0
    chunk = b"\0" * 65536

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        yield head + PNG
        for _ in range(10 * 1024 * 1024 // len(chunk)):  # 10 MiB on offer
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**ann.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = await api.put(AVATAR, headers=headers, content=body())
    assert_error(response, 413, "payload_too_large")
    assert sent <= MAX_AVATAR_BYTES + 2 * len(chunk)
    assert stored_avatars(api) == []


async def test_a_declared_length_over_the_limit_is_refused_before_reading(api) -> None:
    ann = await person(api)
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        pulled += 1
        yield b"never read"

    headers = {
        **ann.headers,
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(5 * MAX_AVATAR_BYTES),
    }
    assert_error(await api.put(AVATAR, headers=headers, content=body()), 413, "payload_too_large")
    assert pulled == 0


async def test_replacing_an_avatar_removes_the_old_bytes_and_changes_the_url(api) -> None:
    ann = await person(api)
    first = (await upload(api, ann.headers, PNG)).json()["avatar_url"]
    [first_file] = stored_avatars(api)
    second = (await upload(api, ann.headers, JPEG)).json()["avatar_url"]
    [second_file] = stored_avatars(api)
    assert first != second and first_file != second_file and not first_file.exists()
    image = await api.get(second, headers=ann.headers)
    assert (image.headers["content-type"], image.content) == ("image/jpeg", JPEG)


async def test_deleting_the_account_removes_its_avatar(api) -> None:
    root, ann = await superuser(api), await person(api)
    await upload(api, ann.headers, GIF)
    assert len(stored_avatars(api)) == 1
    assert (await api.delete(f"{USERS}/{ann.id}", headers=root.headers)).status_code == 204
    assert stored_avatars(api) == []
    assert_error(await api.get(f"{USERS}/{ann.id}/avatar", headers=root.headers), 404, "not_found")


async def test_no_avatar_and_inactive_or_unknown_accounts_are_404(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    assert_error(await api.get(f"{USERS}/{ann.id}/avatar", headers=bob.headers), 404, "not_found")
    await upload(api, ann.headers, WEBP)
    assert (await api.get(f"{USERS}/{ann.id}/avatar", headers=bob.headers)).status_code == 200
    await api.patch(f"{USERS}/{ann.id}", headers=root.headers, json={"is_active": False})
    assert_error(await api.get(f"{USERS}/{ann.id}/avatar", headers=bob.headers), 404, "not_found")


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"files": {"image": ("a.png", PNG, "image/png")}},  # wrong field name
        {"files": [("file", ("a.png", PNG, "image/png")), ("file", ("b.png", PNG, "image/png"))]},
        {"files": {"file": ("a.png", PNG, "image/png")}, "data": {"note": "extra"}},
        {"json": {"file": "iVBORw0KGgo="}},  # not multipart
        {"content": b"\x89PNG\r\n\x1a\n", "headers": {"Content-Type": "image/png"}},
        {
            "content": b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n\x89PNG',
            "headers": {"Content-Type": "multipart/form-data; boundary=b"},
        },  # cut short
    ],
)
async def test_anything_but_one_file_field_is_422(api, request_kwargs) -> None:
    ann = await person(api)
    headers = {**ann.headers, **request_kwargs.pop("headers", {})}
    response = await api.put(AVATAR, headers=headers, **request_kwargs)
    assert_validation_error(response)
    assert stored_avatars(api) == []


async def test_the_avatar_url_works_in_a_page_without_a_token_and_may_be_cached(api) -> None:
    ann = await person(api)
    url = (await upload(api, ann.headers, PNG)).json()["avatar_url"]
    image = await api.get(url)  # as <img src> would: no Authorization header
    assert (image.status_code, image.content) == (200, PNG)
    assert image.headers["cache-control"] == "private, max-age=86400"
    with_token = await api.get(f"{USERS}/{ann.id}/avatar", headers=ann.headers)
    assert with_token.headers["cache-control"] == "no-store"
    profile = await api.get(f"{USERS}/{ann.id}/profile", headers=ann.headers)
    assert profile.json()["avatar_url"] == url


async def test_a_tampered_or_stale_avatar_url_needs_a_token(api) -> None:
    ann, bob = await person(api), await person(api)
    old = (await upload(api, ann.headers, PNG)).json()["avatar_url"]
    bobs = (await upload(api, bob.headers, GIF)).json()["avatar_url"]
    tampered = old.replace("sig=", "sig=x")
    foreign = bobs.replace(str(bob.id), str(ann.id))  # bob's signature on ann's avatar
    await upload(api, ann.headers, JPEG)
    for url in (tampered, foreign, old):
        assert_error(await api.get(url), 401, "not_authenticated")
        image = await api.get(url, headers=bob.headers)
        assert (image.status_code, image.content) == (200, JPEG)


async def test_an_inactive_accounts_avatar_url_is_404(api) -> None:
    root, ann = await superuser(api), await person(api)
    url = (await upload(api, ann.headers, PNG)).json()["avatar_url"]
    await api.patch(f"{USERS}/{ann.id}", headers=root.headers, json={"is_active": False})
    assert_error(await api.get(url), 404, "not_found")


async def test_a_body_of_many_parts_is_refused_as_the_second_begins(api) -> None:
    """39,500 parts once cost 6.6 s of CPU in the parser: the route takes one part, so the
    body is refused when the second one begins, and the rest is never read."""
    ann = await person(api)
    boundary = "b0undary"
    part = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
        "Content-Type: image/png\r\n\r\nxx\r\n"
    ).encode()
    parts, pulled = 39_500, 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(parts):
            pulled += 1
            yield part
        yield f"--{boundary}--\r\n".encode()

    headers = {**ann.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = await api.put(AVATAR, headers=headers, content=body())
    assert_validation_error(response)
    assert pulled < 100, f"{pulled} of {parts} parts were read"
    assert stored_avatars(api) == []
