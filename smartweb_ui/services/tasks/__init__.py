"""Follow-up tasks on leads and deals: one add, one complete, one list for every page."""

from .followups import PRIORITIES, TaskRow, add_task, complete_task, task_list

__all__ = ["PRIORITIES", "TaskRow", "add_task", "complete_task", "task_list"]
