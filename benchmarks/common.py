"""Shared by the benchmarks: the server, scratch databases, medians."""

from __future__ import annotations

import os
import statistics

from schema_pkg.scratch import ScratchDatabases
from schema_pkg.settings import normalize_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def scratch_databases() -> ScratchDatabases:
    """Scratch databases on DATABASE_URL's server (else the local default); close() them."""
    server = normalize_url(os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    return ScratchDatabases(server)


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def machine() -> str:
    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return f"{cores} cores, {total_kb / 1024 / 1024:.0f} GiB"
