"""Every page module is imported here so Reflex compiles it."""

from . import admin, dashboard, login, pipeline, today

__all__ = ["admin", "dashboard", "login", "pipeline", "today"]
