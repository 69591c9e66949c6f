"""Fixture files uploaded in the admin, kept between the dry run and the editor's confirmation.

Each upload waits under a random token, beside what was checked: the file's own name, its
SHA-256, the reason given and who uploaded it. The confirmation names the token alone, so
the name, the hash and the bytes imported are the server's, never the form's; the hash is
verified again when the file is read back. A token is taken once: a second confirmation
(a double click, a resubmitted form) is refused, saying what became of the first. The files
are readable by the app alone.
"""

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .read import FixtureFile

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
KEEP_SECONDS = 24 * 3600  # unconfirmed uploads older than this are removed


class UploadMissing(Exception):
    """The upload to confirm is gone, was taken already, or is not what was checked."""


@dataclass
class StagedUpload:
    token: str
    fixture: FixtureFile
    reason: str
    user_id: int | None


def _folder():
    folder = Path(settings.FIXTURE_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _write_private(path, content):
    """Write a new file that only the app's own user may read."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)


def stage_upload(upload, *, reason, user):
    """Keep an uploaded file and what was checked of it; returns the ``StagedUpload``."""
    content = upload.read()
    folder = _folder()
    _remove_stale(folder)
    token = secrets.token_urlsafe(32)
    fixture = FixtureFile(Path(upload.name).name or "upload.json", content)
    about = {"name": fixture.name, "sha256": fixture.sha256, "reason": reason, "user": user.pk}
    _write_private(folder / f"{token}.meta", json.dumps(about).encode())
    _write_private(folder / f"{token}.json", content)
    return StagedUpload(token, fixture, reason, user.pk)


def take_upload(token, user):
    """The staged upload of ``token``, taken for its import: nobody can take it again.

    Raises ``UploadMissing`` saying why when it is gone, was taken (imported, or being
    imported), was uploaded by someone else, or no longer has the bytes that were checked.
    """
    folder = _folder()
    if not TOKEN.match(token or ""):
        raise UploadMissing("That is not an upload of this desk; upload the file again.")
    staged, taken = folder / f"{token}.json", folder / f"{token}.taken"
    try:
        about = json.loads((folder / f"{token}.meta").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UploadMissing("The uploaded file is no longer here; upload it again.") from None
    if about["user"] != user.pk:
        raise UploadMissing("This upload was checked by another login; upload it yourself.")
    try:
        staged.rename(taken)  # atomic: of two confirmations, one takes it
    except FileNotFoundError:
        raise UploadMissing(_what_became_of(folder, token, about["name"])) from None
    content = taken.read_bytes()
    if hashlib.sha256(content).hexdigest() != about["sha256"]:
        taken.unlink()
        raise UploadMissing("The uploaded file has changed since it was checked.")
    return StagedUpload(token, FixtureFile(about["name"], content), about["reason"], user.pk)


def _what_became_of(folder, token, name):
    done = folder / f"{token}.done"
    if done.exists():
        run = done.read_text(encoding="utf-8")
        outcome = f"as import run #{run}" if run else "(it changed nothing)"
        return (
            f"This upload of {name} was imported already {outcome}; confirming it again "
            "imports nothing."
        )
    if (folder / f"{token}.taken").exists():
        return f"This upload of {name} is being imported now; confirming it again imports nothing."
    return "The uploaded file is no longer here; upload it again."


def finish_upload(staged, run):
    """The import of ``staged`` is written (as ``run``, or None when it changed nothing):
    the bytes go, and a note stays for a second confirmation to be told."""
    folder = _folder()
    _write_private(folder / f"{staged.token}.done", str(run.pk if run else "").encode())
    (folder / f"{staged.token}.taken").unlink(missing_ok=True)


def discard_upload(staged):
    """The import of ``staged`` was refused: the upload is gone, to be fixed and sent again."""
    folder = _folder()
    for suffix in (".taken", ".meta"):
        (folder / f"{staged.token}{suffix}").unlink(missing_ok=True)


def _remove_stale(folder):
    limit = time.time() - KEEP_SECONDS
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:  # not a folder left there
                path.unlink()
        except FileNotFoundError:
            pass  # removed by a concurrent upload
