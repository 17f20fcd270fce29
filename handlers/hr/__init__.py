"""HR admins' handlers: overview, question queue, hand-off, imports."""
