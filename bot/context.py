"""The services container and the typed callback context handlers receive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot

from bot.access import Access
from bot.accounts.dialogs import DialogService
from bot.accounts.linking import LinkService
from bot.accounts.server_key import server_key
from bot.accounts.users import UserInfo, UserService
from bot.broadcast import sending
from bot.broadcast.store import Broadcasts
from bot.career.profile import ProfileService
from bot.clock import Clock
from bot.config import Config
from bot.hr import notices
from bot.hr.audit import AuditLog
from bot.hr.handoff import HandoffService
from bot.hr.questions import HrQueue
from bot.hr.roles import Roles
from bot.i18n import Translator
from bot.knowledge.answering import Knowledge, Thresholds
from bot.knowledge.ratings import RatingService
from bot.offload import CpuPool
from bot.outbox.sender import Sender
from bot.outbox.store import Outbox
from bot.rotation import messages
from bot.rotation.mentoring import Mentoring
from bot.rotation.plans import RotationPlans
from bot.rotation.readiness import Readiness
from bot.rotation.reminders import Reminders
from bot.rotation.report import ReadinessReport
from bot.rotation.schedule import Planner
from db.session import SessionFactory, autocommit, create_engine, session_factory

SERVICES_KEY = "services"
# bot_data key: a language that wins over every user's choice (``asnbot chat --lang`` only).
LANGUAGE_OVERRIDE = "language_override"
# bot_data key: the console chat's id; the sweep job then leaves sending to the console.
CONSOLE_CHAT = "console_chat"


@dataclass
class Services:
    """Everything handlers and jobs need, built once per process."""

    config: Config
    engine: AsyncEngine
    sessions: SessionFactory
    translate: Translator
    users: UserService
    dialogs: DialogService
    handoff: HandoffService
    knowledge: Knowledge
    ratings: RatingService
    hr_queue: HrQueue
    links: LinkService
    profiles: ProfileService
    cpu: CpuPool
    planner: Planner
    rotations: RotationPlans
    clock: Clock
    outbox: Outbox
    sender: Sender
    reminders: Reminders
    readiness: Readiness
    readiness_report: ReadinessReport
    mentoring: Mentoring
    roles: Roles
    audit: AuditLog
    broadcasts: Broadcasts

    @classmethod
    def create(cls, config: Config) -> Services:
        """Build the engine and the services on it (no I/O yet)."""
        engine = create_engine(
            config.database_url, config.database_echo, config.sqlite_busy_timeout_ms
        )
        sessions = session_factory(engine)
        dialogs = DialogService(sessions, config.dialog_ttl_minutes)
        planner = Planner.of(config)
        clock = Clock()
        outbox = Outbox(sessions, config.claim_seconds)
        services = cls(
            config=config,
            engine=engine,
            sessions=sessions,
            translate=Translator(config.timezone, config.default_language),
            users=UserService(sessions, config.default_language, autocommit(engine)),
            dialogs=dialogs,
            handoff=HandoffService(sessions, dialogs, lambda: config.superadmins),
            knowledge=Knowledge(
                Thresholds(
                    config.knowledge.confident_score,
                    config.knowledge.ambiguous_score,
                    config.knowledge.margin,
                ),
                cache_dir=config.cache_dir,
            ),
            ratings=RatingService(sessions),
            hr_queue=HrQueue(sessions, lambda: config.superadmins),
            links=LinkService(sessions, server_key(config), config.link_code_hours),
            profiles=ProfileService(sessions),
            cpu=CpuPool(),
            planner=planner,
            rotations=RotationPlans(sessions, planner),
            clock=clock,
            outbox=outbox,
            sender=Sender(outbox, config.messages_per_second, clock),
            reminders=Reminders(sessions, planner, clock),
            readiness=Readiness(sessions, planner, lambda: config.superadmins, clock),
            readiness_report=ReadinessReport(sessions),
            mentoring=Mentoring(sessions, clock),
            roles=Roles(sessions),
            audit=AuditLog(sessions),
            broadcasts=Broadcasts(sessions, clock),
        )
        messages.register(services)
        notices.register(services)
        sending.register(services)
        return services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with typed access to the services and to the current user."""

    user_info: UserInfo | None = None

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], **kwargs: Any):
        super().__init__(application, **kwargs)
        self.user_info = None

    @property
    def services(self) -> Services:
        services: Services = self.bot_data[SERVICES_KEY]
        return services

    @property
    def access(self) -> Access | None:
        """The current user's admin role, read by the gate; None for everyone else."""
        return self.user_info.access if self.user_info else None

    @property
    def admin(self) -> Access:
        """The admin role of the current user, for handlers behind the role check only."""
        access = self.access
        if access is None:
            raise PermissionError("an admin handler ran for someone without a role")
        return access

    @property
    def lang(self) -> str:
        """The current user's language (set by the group -1 handler)."""
        return self.user_info.language if self.user_info else self.services.config.default_language
