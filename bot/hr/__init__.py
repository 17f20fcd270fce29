"""HR's side: the question queue and its delivery, imports, statistics."""
