"""Uploaded files: their use cases, signed links, the orphan sweep and the account hook."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.security.signing import HmacSigner
from application.files.deletion import DeleteFile, OwnedFiles
from application.files.links import CreateFileLink, FileLinks
from application.files.reading import GetFile, GetFileContent, ListFiles
from application.files.sweep import SweepOrphanFiles
from application.files.uploads import UploadFiles


class FilesContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    links = providers.Singleton(
        FileLinks,
        signer=providers.Singleton(
            HmacSigner,
            secret_key=core.secret_key,
            previous_keys=core.previous_secret_keys,
            purpose="file link",
        ),
        clock=core.clock,
        minutes=core.settings.provided.file_link_minutes,
    )
    upload_files = providers.Factory(
        UploadFiles,
        uow=core.uow.provider,
        files=core.file_storage,
        clock=core.clock,
        max_bytes=core.settings.provided.max_upload_bytes,
    )
    list_files = providers.Factory(ListFiles, uow=core.uow.provider, paginator=core.paginator)
    get_file = providers.Factory(GetFile, uow=core.uow.provider)
    get_file_content = providers.Factory(
        GetFileContent, uow=core.uow.provider, files=core.file_storage, links=links
    )
    create_file_link = providers.Factory(CreateFileLink, uow=core.uow.provider, links=links)
    delete_file = providers.Factory(DeleteFile, uow=core.uow.provider, files=core.file_storage)
    owned_files = providers.Singleton(OwnedFiles, core.file_storage)
    sweep_orphan_files = providers.Factory(
        SweepOrphanFiles,
        uow=core.uow.provider,
        files=core.file_storage,
        clock=core.clock,
        grace_seconds=core.settings.provided.file_orphan_grace_seconds,
    )
