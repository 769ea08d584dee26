"""The signed-in user's day (the Today page)."""

from .agenda import Today, TodayDeal, TodayLead, TodayTask, complete_task_and_refresh, today_for
from .team import RepLine, RevenueLine, StuckDeal

__all__ = [
    "RepLine",
    "RevenueLine",
    "StuckDeal",
    "Today",
    "TodayDeal",
    "TodayLead",
    "TodayTask",
    "complete_task_and_refresh",
    "today_for",
]
