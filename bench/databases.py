"""Fresh databases for each benchmark run: a SQLite file under bench/data/, or the PostgreSQL
database ``bench`` (dropped and created again; never the ``test`` database the tests use)."""

import os
from pathlib import Path

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
# BENCH_POSTGRES_DB lets engineers sharing one server bench side by side without dropping each
# other's database.
POSTGRES_DB = os.environ.get("BENCH_POSTGRES_DB", "bench")


def sqlite_url(data_dir: Path, label: str) -> str:
    return f"sqlite:///{(data_dir / f'bench-{label}.sqlite3').resolve()}"


def sqlite_fresh(data_dir: Path, label: str) -> str:
    path = data_dir / f"bench-{label}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return sqlite_url(data_dir, label)


def postgres_url() -> str:
    return f"{POSTGRES_SERVER}/{POSTGRES_DB}"


def postgres_fresh() -> str:
    """Drop and create the ``bench`` database; raises if the server is unreachable."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return postgres_url()


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False
