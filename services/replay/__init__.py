"""Replay: rebuild read models from the log, as of now or as of a point in the past."""
