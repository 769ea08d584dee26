"""Every page module is imported here so Reflex compiles it."""

from . import admin, campaigns, dashboard, lead_detail, leads, login, pipeline, today

__all__ = ["admin", "campaigns", "dashboard", "lead_detail", "leads", "login", "pipeline", "today"]
