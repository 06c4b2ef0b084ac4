"""Backups of the database, the only thing the product stores: it keeps no uploaded file (the
KPI CSV import reads its file and forgets it) and static files come with the code.

PostgreSQL: `pg_dump --format=custom`, one consistent snapshot even while people work, restored
with `pg_restore` in a single transaction (all or nothing). SQLite (the embedded default): the
online backup API, consistent too. Credentials go to pg_dump and pg_restore through libpq's
environment (PGPASSWORD…), never on a command line that `ps` shows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils import timezone

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for a person."""


def _engine() -> str:
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _libpq_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} was not found: install the PostgreSQL client tools "
            "(apt-get install postgresql-client), in the version of the server or newer."
        )
    result = subprocess.run(args, env=_libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed:\n{result.stderr.strip()}")


def backup_create(*, directory: Path) -> Path:
    """Write a backup of the whole database into `directory` and return its path.

    The file is written under a temporary name and renamed when complete, so a copy or a
    retention job never picks up half a backup. Only its owner may read it: it holds every
    person's password hash.
    """
    engine = _engine()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"okr-{stamp}.{'dump' if engine == 'postgresql' else 'sqlite3'}"
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if engine == "postgresql":
            _run(["pg_dump", "--format=custom", f"--file={partial}"])
        else:
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    return path


def database_is_empty() -> bool:
    """No table at all: a database just created, before `migrate`."""
    return not connection.introspection.table_names()


def backup_restore(*, path: Path, force: bool = False) -> None:
    """Restore a backup of `backup_create` into the configured database.

    1. The file must be a backup of this engine (PostgreSQL custom format, or SQLite).
    2. The database must be empty, unless `force`: then what the backup holds replaces what
       is there (tables of the backup dropped and recreated).
    3. PostgreSQL: pg_restore in one transaction, so a failure leaves the database as it was;
       objects owned by whoever restores (--no-owner), which lets another server's backup in.
    """
    engine = _engine()
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_MAGIC))
    magic = POSTGRES_MAGIC if engine == "postgresql" else SQLITE_MAGIC
    if not header.startswith(magic):
        raise BackupError(f"{path} is not a backup of a {engine} database.")
    if not force and not database_is_empty():
        raise BackupError(
            "The database is not empty: restore into a new, empty database "
            "(createdb), or pass --force to replace what it holds."
        )
    if engine == "postgresql":
        connection.close()
        args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction"]
        if force:
            args += ["--clean", "--if-exists"]
        _run([*args, f"--dbname={connection.settings_dict['NAME']}", str(path)])
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
