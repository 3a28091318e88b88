"""Alembic's entry point for schema_pkg: a shim.

Alembic executes this file as a module of its own; everything it does lives in
:mod:`schema_pkg.migration_env`, where it can be imported and tested.
"""

from schema_pkg.migration_env import main

main()
