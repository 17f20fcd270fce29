"""Rotation plans, reminders before the move, the readiness check, check-ins after it."""
