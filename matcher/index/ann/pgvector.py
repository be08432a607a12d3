"""Vector search in PostgreSQL with the pgvector extension, so several app servers share one
store: the vectors live in a table of the store's database, searched through an HNSW index
(``vector_ip_ops``, inner product) with ``hnsw.ef_search`` set per query transaction.

The table is ``{name}`` with columns ``id bigint primary key, embedding vector(dim)``; ``name``
tells contract vectors from supplier-profile vectors. Saving writes only the table name and
the parameters: the data is already in PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...exceptions import InvalidInputError
from .base import HnswParams, as_ids, params_dict, read_meta, write_meta

__all__ = ["PgVectorIndex", "is_postgres_url", "pgvector_available", "psycopg_dsn"]

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def is_postgres_url(url: str) -> bool:
    """Whether the SQLAlchemy ``url`` names a PostgreSQL database."""
    return url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}


def psycopg_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (drops the ``+psycopg`` driver)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if is_postgres_url(scheme + ":") else url


def _literal(vector: np.ndarray) -> str:
    # pgvector's text form; float32 repr round-trips through it exactly.
    return "[" + ",".join(map(repr, np.asarray(vector, np.float32).tolist())) + "]"


def _parse(text: str) -> np.ndarray:
    return np.array(text.strip("[]").split(","), dtype=np.float32)


def _in_order(ids: np.ndarray, got: dict[int, Any]) -> list[Any]:
    """The values of ``got`` in the order of ``ids``; every id must be there."""
    missing = [int(i) for i in ids if int(i) not in got]
    if missing:
        raise KeyError(f"ids not in the index: {missing[:5]}")
    return [got[int(i)] for i in ids.tolist()]


def _rows(vectors: np.ndarray, n: int, dim: int = -1) -> np.ndarray:
    """``vectors`` as ``n`` float32 rows: ``(0, dim)`` when there are none (numpy cannot infer
    the width of an empty array; a corpus without supplier profiles has no profile vectors)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors if vectors.ndim == 2 and len(vectors) == n else vectors.reshape(n, dim)


def _table_sql(name: str, dim: int) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {name} "
            f"(id bigint PRIMARY KEY, embedding vector({int(dim)}) NOT NULL)")  # fmt: skip


def _index_sql(name: str, p: HnswParams) -> str:
    return (f"CREATE INDEX IF NOT EXISTS {name}_hnsw ON {name} USING hnsw "
            f"(embedding vector_ip_ops) WITH (m = {int(p.m)}, "
            f"ef_construction = {int(p.ef_construction)})")  # fmt: skip


def pgvector_available(url: str) -> bool:
    """Whether the PostgreSQL at ``url`` answers and can create the ``vector`` extension."""
    import psycopg

    try:
        with psycopg.connect(psycopg_dsn(url), connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    except psycopg.Error:
        return False
    return row is not None


class PgVectorIndex:
    """A pgvector table with an HNSW index, behind :class:`~.base.VectorIndex`.

    Args:
        url: SQLAlchemy or libpq URL of a PostgreSQL database where ``CREATE EXTENSION vector``
            is allowed (or already done).
        name: table name (lower-case letters, digits, ``_``).
        dim: vector length.
        params: HNSW graph parameters (``m``, ``ef_construction`` when the index is created;
            ``ef_search`` on every query).
        create: create the extension, table and index if missing.
    """

    backend = "pgvector"

    def __init__(self, url: str, name: str, dim: int, params: HnswParams | None = None,
                 create: bool = True) -> None:
        if not _NAME.match(name):
            raise InvalidInputError(f"bad pgvector table name {name!r}")
        self.url, self.name, self._dim = url, name, int(dim)
        self.params = params or HnswParams()
        self._conn: Any = None
        self._ef = 0
        if create:
            self._create()

    def __getstate__(self) -> dict[str, object]:
        # A pickled index (inside the joblib index file) reconnects on first use.
        return {k: v for k, v in self.__dict__.items() if k != "_conn"} | {"_conn": None}

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(psycopg_dsn(self.url), autocommit=True)
            self._ef = 0  # the new session's ef_search is the server's default
        return self._conn

    def _create(self) -> None:
        with self._connection().cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS vector")
            cur.execute(_table_sql(self.name, self._dim))
            cur.execute(_index_sql(self.name, self.params))

    @classmethod
    def build(cls, url: str, name: str, ids: np.ndarray, vectors: np.ndarray,
              params: HnswParams | None = None) -> PgVectorIndex:
        """Fill a new table with ``vectors`` and put it in the place of ``name`` at once.

        The rows are copied before the HNSW index is made (much faster than inserting into an
        indexed table); servers searching the old table meanwhile see it until the switch,
        which happens in one transaction.
        """
        vectors = _rows(vectors, len(ids))
        new = cls(url, f"{name}_new"[:63], vectors.shape[1], params, create=False)
        conn = new._connection()
        with conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS vector")
            cur.execute(f"DROP TABLE IF EXISTS {new.name}")
            cur.execute(_table_sql(new.name, new.dim))
        new._copy_in(new.name, as_ids(ids), vectors)
        with conn.transaction(), conn.cursor() as cur:
            # The graph builds far faster when it fits in maintenance memory.
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cur.execute(_index_sql(new.name, new.params))
            cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(f"ALTER TABLE {new.name} RENAME TO {name}")
            cur.execute(f"ALTER INDEX {new.name}_hnsw RENAME TO {name}_hnsw")
            cur.execute(f"ALTER INDEX {new.name}_pkey RENAME TO {name}_pkey")
        new.name = name
        return new

    def _copy_in(self, table: str, ids: np.ndarray, vectors: np.ndarray) -> None:
        with self._connection().cursor() as cur, \
                cur.copy(f"COPY {table} (id, embedding) FROM STDIN") as copy:  # fmt: skip
            for i, v in zip(ids.tolist(), vectors, strict=True):
                copy.write_row((i, _literal(v)))

    def close(self) -> None:
        """Close the connection (a later call reconnects)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __len__(self) -> int:
        with self._connection().cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {self.name}")
            return int(cur.fetchone()[0])

    @property
    def dim(self) -> int:
        """Length of each vector."""
        return self._dim

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, scores)`` of the ``k`` nearest vectors, best first (HNSW, approximate)."""
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ef = max(int(self.params.ef_search), k)
        with self._connection().cursor() as cur:
            # One round trip per query: the session's ef_search is set only when it changes.
            if ef != self._ef:
                cur.execute(f"SET hnsw.ef_search = {ef}")
                self._ef = ef
            # ``<#>`` is the negative inner product; ordering by it walks the HNSW index.
            cur.execute(f"SELECT id, embedding <#> %s::vector AS d FROM {self.name} "
                        "ORDER BY d LIMIT %s", (_literal(query), int(k)))  # fmt: skip
            rows = cur.fetchall()
        return np.array([r[0] for r in rows], np.int64), -np.array([r[1] for r in rows], np.float32)

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids``, in that order."""
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dim), np.float32)
        with self._connection().cursor() as cur:
            cur.execute(f"SELECT id, embedding::text FROM {self.name} WHERE id = ANY(%s)",
                        (ids.tolist(),))  # fmt: skip
            got = {int(i): _parse(v) for i, v in cur.fetchall()}
        return np.stack(_in_order(ids, got))

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner product of ``query`` with the vectors of ``ids`` only (exact), computed in
        the database: only one number per id travels back."""
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros(0, np.float32)
        with self._connection().cursor() as cur:
            cur.execute(f"SELECT id, embedding <#> %s::vector FROM {self.name} "
                        "WHERE id = ANY(%s)", (_literal(query), ids.tolist()))  # fmt: skip
            got = {int(i): -float(d) for i, d in cur.fetchall()}
        return np.array(_in_order(ids, got), np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert ``vectors`` under ``ids`` (an id present is replaced), by ``COPY``."""
        ids = as_ids(ids)
        vectors = _rows(vectors, len(ids), self._dim)
        conn = self._connection()
        with conn.transaction():
            with conn.cursor() as cur:
                cur.execute(f"CREATE TEMP TABLE _load (LIKE {self.name}) ON COMMIT DROP")
            self._copy_in("_load", ids, vectors)
            with conn.cursor() as cur:
                cur.execute(f"INSERT INTO {self.name} SELECT * FROM _load ON CONFLICT (id) "
                            "DO UPDATE SET embedding = EXCLUDED.embedding")  # fmt: skip

    def remove(self, ids: np.ndarray) -> None:
        """Drop ``ids`` (absent ones are ignored)."""
        with self._connection().cursor() as cur:
            cur.execute(f"DELETE FROM {self.name} WHERE id = ANY(%s)", (as_ids(ids).tolist(),))

    def drop(self) -> None:
        """Drop the table (tests, and a full rebuild)."""
        with self._connection().cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.name}")

    def save(self, folder: Path) -> None:
        """Record the table and parameters under ``folder`` (the vectors stay in PostgreSQL)."""
        write_meta(folder, self.backend, name=self.name, dim=self._dim, **params_dict(self.params))

    @classmethod
    def load(cls, folder: Path, url: str) -> PgVectorIndex:
        """Reopen the table that :meth:`save` recorded, in the database at ``url``."""
        meta: dict[str, Any] = read_meta(folder)
        params = HnswParams(m=meta["m"], ef_construction=meta["ef_construction"],
                            ef_search=meta["ef_search"])  # fmt: skip
        return cls(url, str(meta["name"]), int(meta["dim"]), params)
