"""Every page module is imported here so Reflex compiles it."""

from . import (
    admin,
    contracts,
    dashboard,
    lead_detail,
    leads,
    login,
    pipeline,
    products,
    proposals,
    today,
)

__all__ = [
    "admin",
    "contracts",
    "dashboard",
    "lead_detail",
    "leads",
    "login",
    "pipeline",
    "products",
    "proposals",
    "today",
]
