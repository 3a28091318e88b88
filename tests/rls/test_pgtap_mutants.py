"""pg_prove over the pgTAP export kills the RLS mutants the pytest suite kills.

A fixed sample of the mutants tests/rls/mutants.py generates (the generator of
``make mutants``), at least 30 the pytest suite kills and at least one for every
table: pg_prove runs the exported files of the tables and functions the mutant
touches on a clone of a head database (pgTAP installed in its own schema), each file
with the mutant's DDL right after its BEGIN, so the file proves the mutated schema and
its rollback restores the clone for the next mutant.  Any mutant one side kills and the
other does not is reported.
"""

from __future__ import annotations

import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

import psycopg
import pytest

from schema_pkg.settings import libpq_url
from tests.rls import mutation, pgtap
from tests.rls.conftest import record_figure
from tests.rls.expectations import EXPECTATIONS
from tests.rls.mutants import Mutant, generate
from tests.rls.pgprove import pg_prove

MINIMUM_KILLED = 30
PROVERS = 4  # pg_prove runs at once, each on a clone of its own
TABLES = [key for key in EXPECTATIONS if not key.endswith("()")]


@dataclass(frozen=True)
class Verdicts:
    mutant: Mutant
    pytest: str  # mutation.py's verdict: killed, equivalent, survived, invalid
    pgtap_killed: bool
    output: str

    @property
    def agree(self) -> bool:
        return (self.pytest == "killed") == self.pgtap_killed


def in_turn(mutants: list[Mutant]) -> list[Mutant]:
    """The mutants ordered to cover every table early: one per table in turn, each table's
    own mutants in a fixed shuffled order (seeded, so every run takes the same sample)."""
    rng = random.Random(18)
    queues = []
    for table in TABLES:
        mine = sorted((m for m in mutants if table in m.tables), key=lambda m: m.id)
        rng.shuffle(mine)
        queues.append(mine)
    ordered, seen = [], set()
    while any(queues):
        for queue in queues:
            while queue and queue[0].id in seen:
                queue.pop(0)
            if queue:
                seen.add(queue[0].id)
                ordered.append(queue.pop(0))
    return ordered


@pytest.fixture(scope="session")
def pgtap_head(pgtap_server, schema_pkg_scratch):
    """A template at head with pgTAP installed in schema pgtap (the files then skip installing it)."""
    url = schema_pkg_scratch.create(template=schema_pkg_scratch.template("head"), as_template=True)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("CREATE SCHEMA pgtap")
        conn.execute("CREATE EXTENSION pgtap WITH SCHEMA pgtap")
    return url


def with_mutant(mutant: Mutant, exported: Path, folder: Path) -> Path:
    """A copy of an exported file with the mutant's DDL first in its transaction."""
    text = exported.read_text()
    begin = text.index("\nBEGIN;\n") + len("\nBEGIN;\n")
    copy = folder / exported.name
    copy.write_text(f"{text[:begin]}\n-- the mutant: {mutant.id}\n{mutant.ddl};\n{text[begin:]}")
    return copy


def pgtap_kills(clones: Queue, mutant: Mutant) -> tuple[bool, str]:
    """Whether pg_prove fails the files of the tables the mutant touches, on a clone no
    other prover uses meanwhile (the files lock the world's tables)."""
    clone = clones.get()
    try:
        with psycopg.connect(libpq_url(clone)) as conn:  # the DDL is valid here; undone
            conn.execute(mutant.ddl)
            conn.rollback()
        with tempfile.TemporaryDirectory() as folder:
            files = [with_mutant(mutant, pgtap.COMMITTED / pgtap.file_name(key), Path(folder))
                     for key in sorted(mutant.tables) if key in EXPECTATIONS]
            proof = pg_prove(clone, files)
        return not proof.passed, proof.output
    finally:
        clones.put(clone)


@pytest.fixture(scope="session")
def sample(rls_conn, pgtap_head, schema_pkg_scratch, request):
    started = time.perf_counter()
    grouped = mutation.cases_by_key()
    results: list[mutation.Result] = []
    covered: set[str] = set()
    for mutant in in_turn(generate(rls_conn)):
        if sum(r.verdict == "killed" for r in results) >= MINIMUM_KILLED and covered >= set(TABLES):
            break
        results.append(mutation.run_mutant(rls_conn, mutant, grouped))
        if results[-1].verdict == "killed":
            covered |= mutant.tables
    # The sample depends on the pytest verdicts alone, so pg_prove runs over several clones
    # at once (it and the server mostly wait), each clone serving one prover at a time.
    clones: Queue = Queue()
    for _ in range(PROVERS):
        clones.put(schema_pkg_scratch.create(template=pgtap_head))
    try:
        with ThreadPoolExecutor(max_workers=PROVERS) as pool:
            proofs = list(pool.map(lambda r: pgtap_kills(clones, r.mutant), results))
    finally:
        while not clones.empty():
            schema_pkg_scratch.drop(clones.get())
    verdicts = [Verdicts(r.mutant, r.verdict, killed, output)
                for r, (killed, output) in zip(results, proofs, strict=True)]
    both = sum(v.pytest == "killed" and v.pgtap_killed for v in verdicts)
    record_figure(request.config, f"pgTAP export vs RLS mutants: {len(verdicts)} sampled, {both} killed by "
                  f"both, {sum(not v.agree for v in verdicts)} disagreements, "
                  f"in {time.perf_counter() - started:.1f} s")
    return verdicts


def test_sample_has_30_killed_mutants_covering_every_table(sample):
    killed = [v for v in sample if v.pytest == "killed"]
    assert len(killed) >= MINIMUM_KILLED
    assert set(TABLES) <= {table for v in killed for table in v.mutant.tables}


def test_pg_prove_kills_every_sampled_mutant_the_pytest_suite_kills_and_no_other(sample):
    disagreements = [f"{v.mutant.id}: pytest {v.pytest}, pgTAP {'killed' if v.pgtap_killed else 'survived'}"
                     for v in sample if not v.agree]
    assert disagreements == []
