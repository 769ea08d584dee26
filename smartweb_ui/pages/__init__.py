"""Every page module is imported here so Reflex compiles it."""

from . import admin, login, pipeline, today

__all__ = ["admin", "login", "pipeline", "today"]
