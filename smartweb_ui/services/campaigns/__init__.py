"""AI call campaigns: campaigns over lead lists, the dialer, call events and their effects on leads."""
