"""The classify stage."""

VERSION = "1.2.0"
