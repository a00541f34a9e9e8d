"""Backup and restore of the database and the media folder (the archived documents) as one set.

A backup is one tar file, ``waw-backup-<UTC time>.tar`` (``.tar.gpg`` when encrypted):

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online backup API, a consistent copy of a running database);
- ``media/…``: every file of MEDIA_ROOT;
- ``manifest.json`` last: the SHA-256 and size of every other member, the database vendor and
  the time of the snapshot.

One consistent set: the database is copied first, from one snapshot (PostgreSQL: an exported
snapshot that pg_dump uses and that this module keeps open; SQLite: the copy itself). Archived
files are written before the issue that refers to them commits and never change afterwards, so
every file the snapshot refers to is on disk when the media folder is copied. A file of the
archive folder that the snapshot does not refer to (an issue that committed after the snapshot,
or one that never committed) is left out, so the restored set has no orphans.

Restore reads the whole backup and checks every member against the manifest before it changes
anything; a corrupt or truncated file is refused. The database is replaced in one transaction
(PostgreSQL: psql --single-transaction; SQLite: the backup API), the media folder by renaming a
fully written copy into place (the replaced one is kept beside it, ``media-vervangen-<time>``).
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from billing import archive
from billing.models import Invoice
from waw.iterables import chunks

FORMAT = 1
MANIFEST = "manifest.json"
BLOCK = 1024 * 1024
MEMBER_CHUNK = 1000
DATABASE_MEMBERS = {"database.dump", "database.sqlite3"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


# --- helpers ----------------------------------------------------------------------------------


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    """pg_dump, pg_restore, psql of the server's major version (PG_BIN), else from PATH."""
    folder = settings.BACKUP_PG_BIN
    if folder:
        return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            _("%(tool)s ontbreekt: installeer postgresql-client-15 (apt-get).") % {"tool": name}
        )
    return found


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL tools; the password goes in PGPASSWORD, never
    on a command line that every user of the machine can read."""
    database = settings.DATABASES["default"]
    arguments = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        arguments += ["--host", database["HOST"]]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", database["USER"]]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment


def _run(command: list[str], *, environment=None, stdin=None, what: str) -> None:
    completed = subprocess.run(  # noqa: S603 - fixed tool paths, no shell
        command, env=environment, stdin=stdin, capture_output=True, check=False
    )
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(_("%(what)s mislukt: %(error)s") % {"what": what, "error": error})


def _media_files(root: Path):
    """(relative POSIX name, path) of every file under root, folder by folder."""
    for directory, folders, files in os.walk(root):
        folders.sort()
        for file in sorted(files):
            path = Path(directory) / file
            yield path.relative_to(root).as_posix(), path


def _referenced_in(cursor, names: list[str]) -> set[str]:
    """Which of ``names`` the snapshot's invoices refer to (pdf or xml)."""
    table = Invoice._meta.db_table
    marks = ", ".join(["%s" if connection.vendor == "postgresql" else "?"] * len(names))
    cursor.execute(
        f"SELECT pdf, xml FROM {table} WHERE pdf IN ({marks}) OR xml IN ({marks})",  # noqa: S608
        [*names, *names],
    )
    return {name for row in cursor.fetchall() for name in row if name}


# --- encryption -------------------------------------------------------------------------------


def _passphrase_file() -> str:
    path = settings.BACKUP_PASSPHRASE_FILE
    if not path or not Path(path).is_file():
        raise BackupError(
            _(
                "Versleutelen kan niet: zet BACKUP_PASSPHRASE_FILE op een bestand met het "
                "wachtwoord (alleen leesbaar voor de beheerder)."
            )
        )
    return path


def _gpg(arguments: list[str], *, source: Path, target: Path, what: str) -> None:
    gpg = shutil.which("gpg")
    if not gpg:
        raise BackupError(_("gpg ontbreekt: installeer gnupg (apt-get)."))
    with tempfile.TemporaryDirectory() as home:
        _run(
            [
                gpg, "--batch", "--yes", "--quiet", "--homedir", home, "--pinentry-mode",
                "loopback", "--passphrase-file", _passphrase_file(), *arguments,
                "--output", str(target), str(source),
            ],
            what=what,
        )  # fmt: skip


def encrypt(*, source: Path, target: Path) -> None:
    _gpg(
        ["--symmetric", "--cipher-algo", "AES256"],
        source=source,
        target=target,
        what=_("Versleutelen"),
    )


def decrypt(*, source: Path, target: Path) -> None:
    try:
        _gpg(["--decrypt"], source=source, target=target, what=_("Ontsleutelen"))
    except BackupError:
        raise BackupError(
            _(
                "De back-up %(name)s is niet te ontsleutelen (verkeerd wachtwoord, of het bestand "
                "is beschadigd). Er is niets veranderd."
            )
            % {"name": source.name}
        ) from None


# --- backup -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _database_snapshot(work: Path):
    """Copy the database into ``work`` and yield (member name, file, cursor on the copied state)."""
    if connection.vendor == "postgresql":
        target = work / "database.dump"
        connection.ensure_connection()
        raw = connection.connection
        previous = raw.autocommit
        raw.autocommit = False
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                arguments, environment = _pg_environment()
                _run(
                    [
                        _pg_tool("pg_dump"), *arguments, "--format=custom", "--no-owner",
                        "--no-privileges", f"--snapshot={snapshot}", "--file", str(target),
                    ],
                    environment=environment,
                    what="pg_dump",
                )  # fmt: skip
                yield "database.dump", target, cursor
        finally:
            raw.rollback()
            raw.autocommit = previous
    elif connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            yield "database.sqlite3", target, copy.cursor()
        finally:
            copy.close()
    else:
        raise BackupError(_("Back-up kan alleen van PostgreSQL of SQLite."))


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    return info


def create(*, output_dir: Path, encrypted: bool = False) -> Path:
    """Write a backup set into ``output_dir`` and return its path. The file appears under its
    final name only when it is complete."""
    output_dir.mkdir(parents=True, exist_ok=True)
    if encrypted:
        _passphrase_file()  # refuse before the work, not after
    now = dt.datetime.now(dt.UTC)
    name = f"waw-backup-{now:%Y%m%dT%H%M%SZ}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    members = {}
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work_name:
        work = Path(work_name)
        tar_path = work / name
        with tarfile.open(tar_path, "w") as tar, _database_snapshot(work) as (dump, path, cursor):
            members[dump] = {"sha256": _hash_file(path), "size": path.stat().st_size}
            tar.add(path, arcname=dump)
            path.unlink()
            archive_prefix = archive.ROOT + "/"
            for chunk in chunks(_media_files(media_root), MEMBER_CHUNK):
                in_archive = [n for n, _p in chunk if n.startswith(archive_prefix)]
                referenced = _referenced_in(cursor, in_archive) if in_archive else set()
                for relative, file_path in chunk:
                    if relative.startswith(archive_prefix) and relative not in referenced:
                        continue  # not part of the snapshot (see the module's docstring)
                    arcname = posixpath.join("media", relative)
                    digest = hashlib.sha256()
                    with open(file_path, "rb") as file:
                        size = os.fstat(file.fileno()).st_size
                        reader = _HashingReader(file, digest)
                        tar.addfile(_tarinfo(arcname, size), reader)
                    members[arcname] = {"sha256": digest.hexdigest(), "size": size}
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "database": connection.vendor,
                "members": members,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            tar.addfile(_tarinfo(MANIFEST, len(data)), io.BytesIO(data))
        if encrypted:
            final = output_dir / f"{name}.gpg"
            encrypted_path = work / final.name
            encrypt(source=tar_path, target=encrypted_path)
            os.replace(encrypted_path, final)
        else:
            final = output_dir / name
            os.replace(tar_path, final)
    final.chmod(0o600)  # personal data: readable by the application's user only
    return final


class _HashingReader:
    def __init__(self, file, digest):
        self.file = file
        self.digest = digest

    def read(self, size=-1):
        block = self.file.read(size)
        self.digest.update(block)
        return block


# --- restore ----------------------------------------------------------------------------------


def _corrupt(path: Path, detail: str) -> BackupError:
    return BackupError(
        _(
            "De back-up %(name)s is beschadigd of onvolledig (%(detail)s); er is niets "
            "veranderd. Neem een andere back-up."
        )
        % {"name": path.name, "detail": detail}
    )


def _members(tar: tarfile.TarFile):
    """The members one by one, without tarfile's list of every member read so far."""
    while (member := tar.next()) is not None:
        tar.members.clear()
        yield member


def check(path: Path) -> dict:
    """Read the whole backup and compare every member with the manifest; returns the manifest.
    Raises BackupError for anything that does not match, before anything is changed."""
    actual = {}
    manifest = None
    try:
        with tarfile.open(path, "r:") as tar:
            for member in _members(tar):
                if not member.isfile():
                    raise _corrupt(path, _("onverwacht onderdeel %s") % member.name)
                file = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(file.read())
                    continue
                digest = hashlib.sha256()
                size = 0
                while block := file.read(BLOCK):
                    digest.update(block)
                    size += len(block)
                if size != member.size:
                    raise _corrupt(path, _("%s is afgekapt") % member.name)
                actual[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeDecodeError) as error:
        raise _corrupt(path, str(error) or error.__class__.__name__) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _corrupt(path, _("geen geldig manifest"))
    expected = manifest.get("members") or {}
    if actual != expected:
        different = sorted(
            name for name in set(actual) | set(expected) if actual.get(name) != expected.get(name)
        )
        raise _corrupt(path, _("klopt niet met het manifest: %s") % ", ".join(different[:5]))
    for name in expected:
        parts = name.split("/")
        safe = name in DATABASE_MEMBERS or (
            parts[0] == "media" and len(parts) > 1 and not {"", ".", ".."} & set(parts)
        )
        if not safe:
            raise _corrupt(path, _("onverwachte bestandsnaam %s") % name)
    return manifest


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def media_is_empty() -> bool:
    """No file in the media folder (empty folders, such as the health page's probe folder, do
    not count)."""
    return next(_media_files(Path(settings.MEDIA_ROOT)), None) is None


def _restore_database(*, manifest: dict, work: Path) -> None:
    if manifest["database"] != connection.vendor:
        raise BackupError(
            _("Deze back-up is van een %(source)s-database en kan niet in %(target)s.")
            % {"source": manifest["database"], "target": connection.vendor}
        )
    if connection.vendor == "postgresql":
        dump = work / "database.dump"
        connection.close()
        arguments, environment = _pg_environment()
        script = work / "database.sql"
        _run(
            [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script),
             str(dump)],
            environment=environment,
            what="pg_restore",
        )  # fmt: skip
        # One transaction: the old schema is dropped and the backup's created together, so a
        # failure anywhere leaves the database as it was.
        _run(
            [
                _pg_tool("psql"), *arguments, "--quiet", "--no-psqlrc", "--single-transaction",
                "--set", "ON_ERROR_STOP=1",
                "--command", "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
                "--file", str(script),
            ],
            environment=environment,
            what=_("Terugzetten van de database"),
        )  # fmt: skip
    else:
        copy_path = work / "database.sqlite3"
        source = sqlite3.connect(copy_path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()


def restore(*, path: Path, replace: bool = False) -> dict:
    """Restore the set in ``path`` over the database and MEDIA_ROOT; returns the manifest, with
    ``replaced_media``: where the media folder that was replaced now is (when it held files).

    Refuses a damaged backup, and a non-empty database or media folder unless ``replace``;
    in both cases nothing is changed."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".restore-") as work_name:
        work = Path(work_name)
        if path.suffix == ".gpg":
            plain = work / path.stem
            decrypt(source=path, target=plain)
        else:
            plain = path
        manifest = check(plain)
        if not replace and not (database_is_empty() and media_is_empty()):
            raise BackupError(
                _(
                    "De database of de mediamap is niet leeg. Terugzetten vervangt alles wat er "
                    "staat: geef --replace mee als dat de bedoeling is. Er is niets veranderd."
                )
            )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=f".{media_root.name}-new-"))
        try:
            with tarfile.open(plain, "r:") as tar:
                for member in _members(tar):
                    if member.name.startswith("media/"):
                        target = staging.joinpath(*member.name.split("/")[1:])
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with open(target, "wb") as file:
                            shutil.copyfileobj(tar.extractfile(member), file, BLOCK)
                    elif member.name != MANIFEST:
                        with open(work / member.name, "wb") as file:
                            shutil.copyfileobj(tar.extractfile(member), file, BLOCK)
            _restore_database(manifest=manifest, work=work)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # The replaced folder is kept beside the new one (deleting a million files takes longer
        # than the restore, and it undoes a restore over the wrong folder); an empty one goes.
        if media_root.exists():
            if not media_is_empty():
                moment = dt.datetime.now(dt.UTC)
                replaced = media_root.with_name(
                    f"{media_root.name}-vervangen-{moment:%Y%m%dT%H%M%SZ}"
                )
                os.replace(media_root, replaced)
                manifest["replaced_media"] = str(replaced)
            else:
                shutil.rmtree(media_root)
        os.replace(staging, media_root)
    return manifest


def check_file(path: Path) -> dict:
    """``check`` for a plain or an encrypted backup."""
    if path.suffix != ".gpg":
        return check(path)
    with tempfile.TemporaryDirectory(prefix=".check-") as work:
        plain = Path(work) / path.stem
        decrypt(source=path, target=plain)
        return check(plain)
