"""Telegram adapters, registered in a fixed order.

Group -1 (the gate) drops what the bot does not serve and remembers the user. In group 0 the
first matching handler wins, so commands and buttons come before the catch-all, which must stay
last. The modules mirror bot/'s packages: knowledge, accounts, career, hr.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram.ext import Application

from bot.config import Config
from handlers import accounts, career, errors, fallback, gate, knowledge, rotation, start
from handlers.fallback import FlowStep
from handlers.hr import admin, broadcast, handoff, imports, questions
from handlers.hr import rotation as hr_rotation


def register_all(
    app: Application,  # type: ignore[type-arg]
    config: Config,
    flows: Mapping[str, FlowStep] | None = None,
) -> None:
    """Add every handler to the application, in order."""
    gate.register(app)
    admin.register(app)
    start.register(app)
    handoff.register(app)
    knowledge.register(app)
    questions.register(app)
    accounts.register(app, config)
    career.register(app, config)
    imports.register(app)
    rotation.register(app)
    hr_rotation.register(app)
    broadcast.register(app)
    product_flows = {**knowledge.FLOWS, **questions.FLOWS, **accounts.FLOWS, **rotation.FLOWS,
                     **broadcast.FLOWS}  # fmt: skip
    fallback.register(app, {**product_flows, **(flows or {})}, broadcast.MEDIA_FLOWS)
    errors.register(app)
    admin.enforce_declarations(app)
