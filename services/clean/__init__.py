"""The clean stage."""

VERSION = "1.0.0"
