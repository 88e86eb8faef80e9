"""The classify stage."""

VERSION = "1.1.0"
