"""The projector: folds the fact log into read models."""

VERSION = "1.0.0"
