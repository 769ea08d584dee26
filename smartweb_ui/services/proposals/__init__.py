"""Proposals: the product catalog, contacts, priced proposals with versions, their delivery and contracts."""
