"""Widgets of the lead inbox and the lead page."""
