"""Rule questions: the knowledge base, normalisation, search, refusals and answers."""
