"""The signed-in user's day (the Today page)."""

from .agenda import Today, TodayDeal, TodayLead, TodayTask, complete_task_and_refresh, today_for

__all__ = [
    "Today",
    "TodayDeal",
    "TodayLead",
    "TodayTask",
    "complete_task_and_refresh",
    "today_for",
]
