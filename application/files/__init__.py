"""Uploaded files: streaming them in and out of file storage, links to them, and the
housekeeping of bytes whose rows are gone (keys.py, shared with avatars)."""

from application.files.keys import check_file_key, discard_files, new_file_key

__all__ = ["check_file_key", "discard_files", "new_file_key"]
