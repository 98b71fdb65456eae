"""workstream-db harness: the offline schema model, checks and tools behind the `wsdb` command."""

__version__ = "0.1.0"
