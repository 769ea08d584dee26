"""Widgets of the pipeline board."""
