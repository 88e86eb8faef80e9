"""The index stage."""

VERSION = "1.0.0"
