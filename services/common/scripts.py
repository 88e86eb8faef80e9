"""The Lua scripts shipped beside this module, with the shared dead-letter functions prepended."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def lua(name: str) -> str:
    """The text of ``<name>.lua``, after ``redrive.lua`` (the functions that keep dead letters exact)."""
    folder = files("services.common")
    return folder.joinpath("redrive.lua").read_text() + folder.joinpath(f"{name}.lua").read_text()
