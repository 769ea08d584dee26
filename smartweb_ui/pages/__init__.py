"""Every page module is imported here; ``add_pages`` puts them on the app (once)."""

from . import (
    admin,
    campaigns,
    contracts,
    dashboard,
    lead_detail,
    leads,
    login,
    not_found,
    pipeline,
    products,
    proposals,
    today,
)
from .registry import add_pages

__all__ = [
    "add_pages",
    "admin",
    "campaigns",
    "contracts",
    "dashboard",
    "lead_detail",
    "leads",
    "login",
    "not_found",
    "pipeline",
    "products",
    "proposals",
    "today",
]
