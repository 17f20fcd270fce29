"""Database layer: models, sessions, repositories and Alembic migrations."""
