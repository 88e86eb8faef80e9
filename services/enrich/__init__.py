"""The enrich stage."""

VERSION = "1.0.0"
