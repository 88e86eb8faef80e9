"""Versioned schema migrations of the PostgreSQL read store: ``NNNN_name.sql``, applied in order, once."""
