"""schema_pkg: the Alawein platform's PostgreSQL schema, kept as code."""

__version__ = "0.1.0"
