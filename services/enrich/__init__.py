"""The enrich stage."""

VERSION = "1.3.0"
