"""Broadcasts: an announcement to an audience, carried out by the outbox's sender."""
