"""The ingest stage."""

VERSION = "1.0.0"
