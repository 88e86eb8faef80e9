"""The read models in PostgreSQL (psycopg 3): migrations, the fold's statements in its dialect, search."""
