"""Fixture files uploaded in the admin, kept between the dry run and the editor's confirmation.

A file is stored under its SHA-256, so the confirmation names the very bytes the editor saw
checked: the hash is verified again when the file is read back, and a name that is not a
hash never reaches the file system.
"""

import hashlib
import re
import time
from pathlib import Path

from django.conf import settings

from .read import FixtureFile

SHA256 = re.compile(r"^[0-9a-f]{64}$")
KEEP_SECONDS = 24 * 3600  # unconfirmed uploads older than this are removed


class UploadMissing(Exception):
    """The upload to confirm is gone, or is not what was checked."""


def _folder():
    folder = Path(settings.FIXTURE_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage_upload(upload):
    """Store an uploaded file under its SHA-256; returns it as a ``FixtureFile``."""
    content = upload.read()
    sha256 = hashlib.sha256(content).hexdigest()
    folder = _folder()
    _remove_stale(folder)
    path = folder / f"{sha256}.json"
    partial = path.with_suffix(".part")
    partial.write_bytes(content)
    partial.replace(path)
    return FixtureFile(Path(upload.name).name, content)


def staged_fixture(sha256, name):
    """The staged upload with this SHA-256, under the name it was uploaded with."""
    if not SHA256.match(sha256 or ""):
        raise UploadMissing("That is not a SHA-256.")
    path = _folder() / f"{sha256}.json"
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise UploadMissing("The uploaded file is no longer here; upload it again.") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise UploadMissing("The uploaded file has changed since it was checked.")
    return FixtureFile(Path(name).name or "upload.json", content)


def discard_upload(sha256):
    if SHA256.match(sha256 or ""):
        (_folder() / f"{sha256}.json").unlink(missing_ok=True)


def _remove_stale(folder):
    limit = time.time() - KEEP_SECONDS
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:  # not a folder left there
                path.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent upload
