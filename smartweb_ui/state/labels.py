"""The enum labels the pages show (one table, from the services)."""

from ..services.core.labels import LABELS, label

__all__ = ["LABELS", "label"]
