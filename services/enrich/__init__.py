"""The enrich stage."""

VERSION = "1.2.0"
