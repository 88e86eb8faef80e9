"""The index stage."""

VERSION = "1.1.0"
