# Asisten Karier ASN: one image for `asnbot run` (long polling or webhook) and every other
# `asnbot` command. Build: docker build -t asnbot . — run with compose.yaml, or see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 asnbot

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p bot handlers db content && touch bot/__init__.py handlers/__init__.py \
        db/__init__.py content/__init__.py \
    && pip install -e . \
    && rm -rf bot handlers db content

COPY bot ./bot
COPY handlers ./handlers
COPY db ./db
COPY content ./content
COPY config.toml ./

# data/: the SQLite database (if used), the secret key file, the index cache, console files.
# content/drafts/: HR's answered questions turned into draft entries.
RUN mkdir -p data content/drafts && chown -R asnbot:asnbot data content/drafts
USER asnbot
VOLUME ["/app/data", "/app/content/drafts"]

# 8443: webhook (behind an HTTPS reverse proxy); 8444: GET /health in webhook mode.
EXPOSE 8443 8444
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s CMD ["asnbot", "health"]
CMD ["asnbot", "run"]
