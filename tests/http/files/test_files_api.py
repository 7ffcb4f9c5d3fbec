"""Files over HTTP: every row of the contract's Files table, for the owner, another user, a
superuser and an anonymous caller; bytes on local disk under generated names."""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.assertions import assert_error, assert_validation_error
from tests.support.people import person, superuser

FILES = "/api/v1/files"
LIMIT = 64 * 1024


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url, max_upload_bytes=LIMIT)


def stored(api) -> list[Path]:
    """Every file under UPLOAD_DIR/files, temporary ones included."""
    folder = Path(api.container.settings().upload_dir) / "files"
    return sorted(folder.iterdir()) if folder.exists() else []


async def upload(api, headers, *files: tuple[str, bytes, str]):
    return await api.post(FILES, headers=headers, files=[("files", f) for f in files])


async def one(api, person_, content=b"hello", name="notes.txt", kind="text/plain") -> dict:
    response = await upload(api, person_.headers, (name, content, kind))
    assert response.status_code == 201, response.text
    [file] = response.json()
    return file


async def test_an_upload_returns_the_files_as_stored(api) -> None:
    ann = await person(api)
    response = await upload(
        api, ann.headers, ("a.txt", b"first", "text/plain"), ("b.bin", b"\x00\xff", "")
    )
    assert response.status_code == 201, response.text
    first, second = response.json()
    assert set(first) == {
        "id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "owner_id",
        "created_at",
    }
    assert (first["filename"], first["content_type"], first["size"]) == ("a.txt", "text/plain", 5)
    assert first["sha256"] == hashlib.sha256(b"first").hexdigest()
    assert first["owner_id"] == ann.id
    assert datetime.fromisoformat(first["created_at"]).utcoffset() == timedelta(0)
    assert second["content_type"] == "application/octet-stream"
    assert [p.read_bytes() for p in stored(api)] in (
        [b"first", b"\x00\xff"],
        [b"\x00\xff", b"first"],
    )
    assert all(p.name != "a" and "." not in p.name for p in stored(api))  # generated names
    assert (await api.get(f"{FILES}/{first['id']}", headers=ann.headers)).json() == first


async def test_ten_files_in_one_request_are_accepted_and_eleven_or_none_are_422(api) -> None:
    ann = await person(api)
    ten = [(f"f{i}.txt", f"file {i}".encode(), "text/plain") for i in range(10)]
    response = await upload(api, ann.headers, *ten)
    assert response.status_code == 201, response.text
    assert [f["filename"] for f in response.json()] == [f"f{i}.txt" for i in range(10)]
    assert len(stored(api)) == 10
    assert_validation_error(await upload(api, ann.headers, *ten, ("x.txt", b"x", "text/plain")))
    empty = await api.post(
        FILES,
        headers={**ann.headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=b"--b--\r\n",
    )
    assert_validation_error(empty)
    assert len(stored(api)) == 10
    listed = await api.get(FILES, headers=ann.headers, params={"size": 100})
    assert listed.json()["total"] == 10


async def test_exactly_the_limit_is_accepted_and_one_byte_more_is_413(api) -> None:
    ann = await person(api)
    largest = b"a" * LIMIT
    assert (await one(api, ann, largest))["size"] == LIMIT
    too_large = await upload(
        api, ann.headers, ("ok.txt", b"fine", "text/plain"), ("big.bin", largest + b"b", "")
    )
    assert_error(too_large, 413, "payload_too_large")
    # The refused request kept nothing: not even its first, acceptable file.
    assert [p.stat().st_size for p in stored(api)] == [LIMIT]
    assert (await api.get(FILES, headers=ann.headers)).json()["total"] == 1


async def test_a_too_large_file_is_refused_while_it_streams_in(api) -> None:
    ann = await person(api)
    boundary, chunk, sent = "x-b", b"\0" * 8192, 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a"\r\n\r\n'
        ).encode()
        for _ in range(100 * LIMIT // len(chunk)):
            sent += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**ann.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    assert_error(await api.post(FILES, headers=headers, content=body()), 413, "payload_too_large")
    assert sent <= LIMIT + 4 * len(chunk)
    assert stored(api) == []


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"files": [("file", ("a.txt", b"a", "text/plain"))]},  # not named `files`
        {"files": [("files", ("a.txt", b"a", "text/plain"))], "data": {"note": "extra"}},
        {"json": {"files": ["aGVsbG8="]}},
        {
            "content": b"--b\r\nContent-Disposition: form-data; name=files; filename=a\r\n\r\nab",
            "headers": {"Content-Type": "multipart/form-data; boundary=b"},
        },  # cut short
    ],
)
async def test_a_body_that_breaks_the_rules_is_422_and_keeps_nothing(api, request_kwargs) -> None:
    ann = await person(api)
    headers = {**ann.headers, **request_kwargs.pop("headers", {})}
    assert_validation_error(await api.post(FILES, headers=headers, **request_kwargs))
    assert stored(api) == []
    assert (await api.get(FILES, headers=ann.headers)).json()["total"] == 0


async def test_a_part_with_another_name_after_a_good_one_keeps_nothing(api) -> None:
    ann = await person(api)
    response = await api.post(
        FILES,
        headers=ann.headers,
        files=[("files", ("a.txt", b"a" * 1000, "text/plain")), ("other", ("b", b"b", ""))],
    )
    assert_validation_error(response)
    assert stored(api) == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\evil.exe", "evil.exe"),
        ("a\tb\x1fc\u202etxt.exe", "abctxt.exe"),
        ("..", "file"),
        ("x" * 10_000, "x" * 255),
        ("تقرير.pdf", "تقرير.pdf"),
        ("🎉 party.png", "🎉 party.png"),
    ],
)
async def test_hostile_names_are_sanitised_and_never_name_the_stored_file(api, sent, kept) -> None:
    ann = await person(api)
    # Written by hand: httpx would percent-encode the control characters of a name.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="'
        + sent.encode()
        + b'"\r\n\r\nx\r\n--b--\r\n'
    )
    headers = {**ann.headers, "Content-Type": "multipart/form-data; boundary=b"}
    response = await api.post(FILES, headers=headers, content=body)
    assert response.status_code == 201, response.text
    [file] = response.json()
    assert file["filename"] == kept
    [path] = stored(api)
    assert path.parent.name == "files" and path.name not in sent


async def test_the_content_streams_back_as_an_attachment_with_its_headers(api) -> None:
    ann = await person(api)
    content = bytes(range(256)) * 40
    file = await one(api, ann, content, "report.html", "text/html")
    response = await api.get(
        f"{FILES}/{file['id']}/content", headers={**ann.headers, "Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.content == content
    assert hashlib.sha256(response.content).hexdigest() == file["sha256"]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == 'attachment; filename="report.html"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-length"] == str(len(content))
    assert "content-encoding" not in response.headers  # downloads are never re-encoded
    head = await api.head(f"{FILES}/{file['id']}/content", headers=ann.headers)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(content))


async def test_a_name_that_is_not_ascii_is_sent_as_rfc_6266_filename_star(api) -> None:
    ann = await person(api)
    file = await one(api, ann, b"x", "تقرير 🎉.pdf", "application/pdf")
    response = await api.get(f"{FILES}/{file['id']}/content", headers=ann.headers)
    disposition = response.headers["content-disposition"]
    plain, star = disposition.split("; filename*=")
    assert plain.startswith('attachment; filename="') and plain.isascii()
    assert star.startswith("UTF-8''")
    assert urllib.parse.unquote(star.removeprefix("UTF-8''")) == "تقرير 🎉.pdf"


async def test_only_the_owner_and_superusers_see_a_file_others_get_404(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    file = await one(api, ann)
    url = f"{FILES}/{file['id']}"
    for path in (url, f"{url}/content"):
        assert (await api.get(path, headers=ann.headers)).status_code == 200
        assert (await api.get(path, headers=root.headers)).status_code == 200
        assert_error(await api.get(path, headers=bob.headers), 404, "not_found")
        assert_error(await api.get(path), 401, "not_authenticated")
    assert (await api.post(f"{url}/link", headers=root.headers)).status_code == 201
    assert_error(await api.post(f"{url}/link", headers=bob.headers), 404, "not_found")
    assert_error(await api.post(f"{url}/link"), 401, "not_authenticated")
    assert_error(await api.delete(url, headers=bob.headers), 404, "not_found")
    assert_error(await api.delete(url), 401, "not_authenticated")
    assert len(stored(api)) == 1
    assert_error(
        await api.post(FILES, files=[("files", ("a", b"a", ""))]), 401, "not_authenticated"
    )
    assert_error(await api.get(FILES), 401, "not_authenticated")
    missing = f"{FILES}/00000000-0000-0000-0000-000000000000"
    assert_error(await api.get(missing, headers=root.headers), 404, "not_found")
    assert_validation_error(await api.get(f"{FILES}/not-a-uuid", headers=ann.headers))


async def test_the_list_is_own_files_newest_first_and_everyones_for_a_superuser(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    anns = [await one(api, ann, name=f"a{i}") for i in range(3)]
    bobs = await one(api, bob, name="b")
    mine = (await api.get(FILES, headers=ann.headers)).json()
    assert [f["id"] for f in mine["items"]] == [f["id"] for f in reversed(anns)]
    assert (mine["total"], mine["page"], mine["pages"], mine["next_cursor"]) == (3, 1, 1, None)
    everyone = (await api.get(FILES, headers=root.headers)).json()
    assert {f["id"] for f in everyone["items"]} == {*(f["id"] for f in anns), bobs["id"]}
    first = (await api.get(FILES, headers=ann.headers, params={"size": 2})).json()
    assert first["next_cursor"] and first["pages"] == 2
    rest = await api.get(
        FILES, headers=ann.headers, params={"size": 2, "cursor": first["next_cursor"]}
    )
    assert [f["id"] for f in rest.json()["items"]] == [anns[0]["id"]]
    assert rest.json()["page"] is None and rest.json()["total"] == 3
    # A cursor is bound to its listing: bob's listing refuses ann's cursor.
    refused = await api.get(
        FILES, headers=bob.headers, params={"size": 2, "cursor": first["next_cursor"]}
    )
    assert_validation_error(refused)
    assert_validation_error(await api.get(FILES, headers=ann.headers, params={"size": 0}))


async def test_delete_removes_the_row_and_the_bytes(api) -> None:
    root, ann = await superuser(api), await person(api)
    mine, other = await one(api, ann), await one(api, ann)
    assert (await api.delete(f"{FILES}/{mine['id']}", headers=ann.headers)).status_code == 204
    assert (await api.delete(f"{FILES}/{other['id']}", headers=root.headers)).status_code == 204
    assert stored(api) == []
    for file in (mine, other):
        assert_error(await api.get(f"{FILES}/{file['id']}", headers=ann.headers), 404, "not_found")
        assert_error(
            await api.delete(f"{FILES}/{file['id']}", headers=ann.headers), 404, "not_found"
        )


async def test_deleting_the_account_removes_its_files_and_bytes(api) -> None:
    root, ann, bob = await superuser(api), await person(api), await person(api)
    await one(api, ann)
    await one(api, ann)
    kept = await one(api, bob)
    assert (await api.delete(f"/api/v1/users/{ann.id}", headers=root.headers)).status_code == 204
    assert len(stored(api)) == 1
    everyone = (await api.get(FILES, headers=root.headers)).json()
    assert [f["id"] for f in everyone["items"]] == [kept["id"]]


async def test_a_link_downloads_without_a_token_until_it_expires(api) -> None:
    ann = await person(api)
    file = await one(api, ann, b"linked bytes", "a.txt")
    response = await api.post(f"{FILES}/{file['id']}/link", headers=ann.headers)
    assert response.status_code == 201, response.text
    link = response.json()
    assert set(link) == {"url", "expires_at"}
    assert link["url"].startswith(f"{FILES}/{file['id']}/content?")
    expires_at = datetime.fromisoformat(link["expires_at"])
    assert timedelta(minutes=14) < expires_at - datetime.now(UTC) <= timedelta(minutes=15)
    download = await api.get(link["url"])
    assert (download.status_code, download.content) == (200, b"linked bytes")
    assert download.headers["content-disposition"] == 'attachment; filename="a.txt"'


async def test_a_tampered_or_foreign_link_needs_a_token(api) -> None:
    ann = await person(api)
    first, second = await one(api, ann, b"one"), await one(api, ann, b"two")
    url = (await api.post(f"{FILES}/{first['id']}/link", headers=ann.headers)).json()["url"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    later = int(query["expires"][0]) + 3600
    tampered = [
        url.replace("sig=", "sig=x"),
        url.replace(f"expires={query['expires'][0]}", f"expires={later}"),
        url.replace(first["id"], second["id"]),  # first's signature on second
        url.split("&sig=")[0],
    ]
    for bad in tampered:
        assert_error(await api.get(bad), 401, "not_authenticated")
        assert (await api.get(bad, headers=ann.headers)).status_code == 200


async def test_an_expired_link_needs_a_token(make_client, sqlite_url) -> None:
    api = await make_client(sqlite_url)
    ann = await person(api)
    file = await one(api, ann)
    clock = api.container.core.clock()
    url = (await api.post(f"{FILES}/{file['id']}/link", headers=ann.headers)).json()["url"]
    assert (await api.get(url)).status_code == 200
    real_now = clock.now
    clock.now = lambda: real_now() + timedelta(minutes=15, seconds=1)  # type: ignore[method-assign]
    try:
        assert_error(await api.get(url), 401, "not_authenticated")
    finally:
        clock.now = real_now  # type: ignore[method-assign]


async def test_a_link_to_a_deleted_file_is_404(api) -> None:
    ann = await person(api)
    file = await one(api, ann)
    url = (await api.post(f"{FILES}/{file['id']}/link", headers=ann.headers)).json()["url"]
    await api.delete(f"{FILES}/{file['id']}", headers=ann.headers)
    assert_error(await api.get(url), 404, "not_found")
    assert_error(await api.get(url, headers=ann.headers), 404, "not_found")


async def test_files_work_on_the_memory_backend(make_client) -> None:
    api = await make_client("memory://")
    ann = await person(api)
    file = await one(api, ann, b"in memory")
    download = await api.get(f"{FILES}/{file['id']}/content", headers=ann.headers)
    assert download.content == b"in memory"
    assert (await api.delete(f"{FILES}/{file['id']}", headers=ann.headers)).status_code == 204
    assert api.container.core.file_storage().files == {}
