"""Every page module is imported here so Reflex compiles it."""

from . import admin, login, today

__all__ = ["admin", "login", "today"]
