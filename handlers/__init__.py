"""Telegram adapters, registered in a fixed order.

Group -1 remembers the user first. In group 0 the first matching handler wins, so commands and
buttons come before the catch-all, which must stay last.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram.ext import Application

from bot.config import Config
from handlers import (
    admin,
    errors,
    fallback,
    handoff,
    hr,
    imports,
    knowledge,
    personal,
    start,
    users,
)
from handlers.fallback import FlowStep


def register_all(
    app: Application,  # type: ignore[type-arg]
    config: Config,
    flows: Mapping[str, FlowStep] | None = None,
) -> None:
    """Add every handler to the application, in order."""
    users.register(app)
    admin.register(app, config)
    start.register(app)
    handoff.register(app)
    knowledge.register(app)
    hr.register(app, config)
    personal.register(app, config)
    imports.register(app, config)
    product_flows = {**knowledge.FLOWS, **hr.FLOWS, **personal.FLOWS}
    fallback.register(app, {**product_flows, **(flows or {})})
    errors.register(app)
