"""A person's own career: NIP, ranks, the rules, profile, charts and rendering."""
