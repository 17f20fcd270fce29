"""Telegram accounts: users, consent, linking to an NIP, dialogue state."""
