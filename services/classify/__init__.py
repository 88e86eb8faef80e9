"""The classify stage."""

VERSION = "1.0.0"
