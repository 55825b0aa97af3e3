"""Data sets that ship inside the package, each with a ``*_PROVENANCE.md`` file beside it
(source, licence, how it was made, checksum)."""
