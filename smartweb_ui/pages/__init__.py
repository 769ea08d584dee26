"""Every page module is imported here so Reflex compiles it."""

from . import login, today

__all__ = ["login", "today"]
