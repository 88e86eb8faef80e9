"""The classify stage."""

VERSION = "1.3.0"
