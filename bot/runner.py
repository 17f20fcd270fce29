"""Running the Telegram bot until told to stop: long polling or a webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram.error import NetworkError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot import health
from bot.app import App, services_of, shutdown, startup
from bot.config import Config, ConfigError
from bot.safe_updates import ALLOWED_UPDATES

if TYPE_CHECKING:
    from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)


async def serve(
    app: App, config: Config, stop: asyncio.Event, started: asyncio.Event | None = None
) -> None:
    """Start the application, take updates until ``stop`` is set, then finish the work in hand.

    ``started`` is set once updates flow (the webhook is registered or polling has begun).
    """
    tg = config.telegram
    if tg.mode == "webhook" and not tg.webhook.url:
        raise ConfigError("telegram.webhook.url", "webhook mode needs the public URL")
    await _initialize(app)
    async with app:
        await startup(app)
        await app.start()
        health_server = None
        try:
            await _start_updater(app, config)
            health_server = _start_health(app, config)
            log.info("bot started (%s)", tg.mode)
            if started is not None:
                started.set()
            await stop.wait()
            log.info("stopping: finishing the updates in hand")
            services_of(app).sender.stop()  # the messages in flight finish, no more start
        finally:
            if health_server is not None:
                health_server.stop()
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
            await shutdown(app)


async def _start_updater(app: App, config: Config) -> None:
    tg = config.telegram
    assert app.updater is not None
    if tg.mode == "webhook":
        await app.updater.start_webhook(
            listen=tg.webhook.listen,
            port=tg.webhook.port,
            url_path=_url_path(tg.webhook.url),
            webhook_url=tg.webhook.url,
            secret_token=tg.webhook.secret_token or None,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=3,
        )
    else:
        await app.updater.start_polling(
            timeout=timedelta(seconds=tg.poll_timeout),
            bootstrap_retries=3,
            allowed_updates=ALLOWED_UPDATES,
        )


def _start_health(app: App, config: Config) -> HTTPServer | None:
    """The health endpoint, in webhook mode (polling has no web server to put it beside)."""
    hook = config.telegram.webhook
    if config.telegram.mode != "webhook" or not hook.health_port:
        return None
    services = services_of(app)
    return health.serve_http(
        services.outbox, app.bot, services.clock, hook.listen, hook.health_port
    )


@retry(
    retry=retry_if_exception_type(NetworkError),
    wait=wait_exponential(multiplier=1, max=60),
    stop=stop_after_attempt(20),
    before_sleep=lambda state: log.warning(
        "Bot API unreachable at start-up (attempt %d), retrying", state.attempt_number
    ),
    reraise=True,
)
async def _initialize(app: App) -> None:
    """getMe and friends; a network that is not up yet after a reboot is waited for."""
    await app.initialize()


def _url_path(url: str) -> str:
    """The path part of the public webhook URL, which the local server listens on."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[1] if "/" in rest else ""


def run_forever(app: App, config: Config) -> None:
    """Serve until SIGINT or SIGTERM."""

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, config, stop)

    asyncio.run(_main())
