"""`/files`: uploads that stream into file storage, downloads that stream out, and signed
download links. Owner or superuser; 404 for anyone else."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import StreamingResponse

from application.auth.sessions import Authenticate
from application.files.deletion import DeleteFile
from application.files.links import CreateFileLink, FileLink
from application.files.reading import GetFile, GetFileContent, ListFiles
from application.files.uploads import UploadFiles
from domain.files import MAX_FILES_PER_UPLOAD
from entrypoints.http.dependencies import AppSettings, CurrentUser, Use, current_user, oauth2_scheme
from entrypoints.http.errors import responses
from entrypoints.http.openapi import multipart_body
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.files import FileLinkOut, FileOut, FilePage, content_disposition
from entrypoints.http.uploads import MultipartStream

router = APIRouter(prefix="/files", tags=["files"])

_FILES_UPLOAD = multipart_body(
    "FilesUpload",
    {
        "files": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "minItems": 1,
            "maxItems": MAX_FILES_PER_UPLOAD,
            "description": f"1 to {MAX_FILES_PER_UPLOAD} files, each at most MAX_UPLOAD_BYTES.",
        }
    },
    required=["files"],
)
_CONTENT_PATH = "/api/v1/files/{file_id}/content"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 413, 422),
    description=UploadFiles.__doc__,
    openapi_extra=_FILES_UPLOAD,
)
async def files_upload(
    request: Request, actor: CurrentUser, settings: AppSettings, upload_files: Use[UploadFiles]
) -> list[FileOut]:
    stream = MultipartStream(
        request,
        field_name="files",
        max_parts=MAX_FILES_PER_UPLOAD,
        max_part_bytes=settings.max_upload_bytes,
    )
    return [FileOut.from_file(file) for file in await upload_files(actor, stream.parts())]


@router.get("", responses=responses(401, 422), description=ListFiles.__doc__)
async def files_list(actor: CurrentUser, page: PageParams, list_files: Use[ListFiles]) -> FilePage:
    return FilePage.of(await list_files(actor, page), FileOut.from_file)


@router.get("/{file_id}", responses=responses(401, 404, 422), description=GetFile.__doc__)
async def files_get(file_id: uuid.UUID, actor: CurrentUser, get_file: Use[GetFile]) -> FileOut:
    return FileOut.from_file(await get_file(actor, file_id))


@router.get(
    "/{file_id}/content",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file's bytes.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                "Content-Disposition": {"schema": {"type": "string"}},
                "Content-Length": {"schema": {"type": "integer"}},
            },
        },
        **responses(401, 404, 422),
    },
    description=GetFileContent.__doc__,
    # A signed link needs no token: say that the scheme is optional here.
    openapi_extra={"security": [{}, {"OAuth2PasswordBearer": []}]},
)
async def files_content(
    file_id: uuid.UUID,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    authenticate: Use[Authenticate],
    get_file_content: Use[GetFileContent],
    expires: Annotated[
        int | None,
        Query(ge=0, le=2**40, description="The link's expiry, Unix seconds (from its `url`)."),
    ] = None,
    sig: Annotated[
        str | None, Query(max_length=512, description="The server's signature (from `url`).")
    ] = None,
) -> StreamingResponse:
    link = FileLink(expires, sig) if expires is not None and sig else None
    found = await get_file_content(file_id, link, lambda: current_user(token, authenticate))
    file, content = found.file, found.content
    return StreamingResponse(
        content.chunks,
        media_type=file.content_type,
        headers={
            "Content-Length": str(content.size),
            "Content-Disposition": content_disposition(file.filename),
            "X-Content-Type-Options": "nosniff",
            # Personal data, possibly fetched through a link: no shared cache keeps it.
            "Cache-Control": "private, no-store",
        },
    )


@router.delete(
    "/{file_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 422),
    description=DeleteFile.__doc__,
)
async def files_delete(
    file_id: uuid.UUID, actor: CurrentUser, delete_file: Use[DeleteFile]
) -> None:
    await delete_file(actor, file_id)


@router.post(
    "/{file_id}/link",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 404, 422),
    description=CreateFileLink.__doc__,
)
async def files_link(
    file_id: uuid.UUID, actor: CurrentUser, create_file_link: Use[CreateFileLink]
) -> FileLinkOut:
    link = await create_file_link(actor, file_id)
    url = f"{_CONTENT_PATH.format(file_id=file_id)}?expires={link.expires}&sig={link.signature}"
    return FileLinkOut.of(url, link.expires_at)
