"""Messages the bot sends on its own: one outbox in the database, one paced sender."""
