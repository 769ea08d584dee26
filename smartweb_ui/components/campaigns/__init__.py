"""The campaign pages: the list with its form (``campaigns_content``) and the live monitor
(``monitor_content``)."""

from .list_page import campaigns_content
from .monitor_page import monitor_content

__all__ = ["campaigns_content", "monitor_content"]
