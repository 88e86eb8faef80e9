"""The enrich stage."""

VERSION = "1.1.0"
