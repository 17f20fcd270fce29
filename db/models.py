"""Typed SQLAlchemy models: Telegram users, dialogue state, units and employees."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Timestamps, UtcDateTime, utcnow


class User(Timestamps, Base):
    """A Telegram user who has talked to the bot."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(5))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    is_blocked: Mapped[bool] = mapped_column(default=False)


class DialogState(Base):
    """Where a user stands in a multi-step conversation; survives restarts."""

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Unit(Base):
    """A work unit: a provincial OPD or an OPD of a regency or city."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(80), index=True)


class Employee(Timestamps, Base):
    """An ASN (PNS or PPPK) as HR keeps them."""

    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    employment_type: Mapped[str] = mapped_column(String(4))
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position_name: Mapped[str] = mapped_column(String(200))
    position_type: Mapped[str] = mapped_column(String(20), index=True)
    functional_level: Mapped[str | None] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(6))
    grade_tmt: Mapped[date] = mapped_column(Date)
    position_tmt: Mapped[date] = mapped_column(Date)
    cpns_tmt: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(8))
    contract_end: Mapped[date | None] = mapped_column(Date)  # PPPK: end of the work agreement

    unit: Mapped[Unit] = relationship(lazy="raise")


class PerformanceRating(Base):
    """The yearly SKP predicate of an employee."""

    __tablename__ = "performance_ratings"
    __table_args__ = (UniqueConstraint("employee_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    predicate: Mapped[str] = mapped_column(String(20))


class CompetencyScore(Base):
    """The assessed level (1-5) of one competency of an employee."""

    __tablename__ = "competency_scores"
    __table_args__ = (UniqueConstraint("employee_id", "competency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    competency: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(SmallInteger)
    assessed_on: Mapped[date] = mapped_column(Date)


class TelegramLink(Base):
    """One Telegram account linked to one employee record."""

    __tablename__ = "telegram_links"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), unique=True
    )
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HrQuestion(Base):
    """A question the bot could not answer, queued for a person at BKD/BKPSDM."""

    __tablename__ = "hr_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(BigInteger)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivery_attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Routing: the government whose queue holds it (the asker's, or the province's) and the
    # asker's unit when linked; HR may pass it to another government's queue.
    region_code: Mapped[str | None] = mapped_column(String(20), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(String(12))  # spam, duplicate, entry


class AnswerRating(Base):
    """A user's 👍 (+1) or 👎 (-1) on a knowledge entry; the latest press counts."""

    __tablename__ = "answer_ratings"
    __table_args__ = (UniqueConstraint("user_id", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    entry_id: Mapped[str] = mapped_column(String(60), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DevelopmentHours(Base):
    """Competency-development hours (JP) an employee completed in a year."""

    __tablename__ = "development_hours"
    __table_args__ = (UniqueConstraint("employee_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(SmallInteger)
    hours: Mapped[int] = mapped_column(SmallInteger)


class LinkCode(Base):
    """A one-time code HR issued for an NIP; only its hash is kept."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[int | None] = mapped_column(BigInteger)


class LinkGuard(Base):
    """Failed linking attempts in the current window, per account or per NIP (keyed hash).

    A security record, not chat data: it outlives /hapus_data and is purged once its window ends.
    """

    __tablename__ = "link_guards"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    failures: Mapped[int] = mapped_column(SmallInteger, default=0)


class AuditEntry(Base):
    """Who did what to whose data: admin views of a person, codes issued, imports."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    action: Mapped[str] = mapped_column(String(40))
    employee_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ImportRun(Base):
    """One spreadsheet import: its rows are staged in short transactions, then switched in."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="staging", index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StagedEmployee(Base):
    """An employee row of an import, waiting for the switch."""

    __tablename__ = "staged_employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"))
    nip: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(120))
    employment_type: Mapped[str] = mapped_column(String(4))
    gender: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    unit_code: Mapped[str] = mapped_column(String(40))
    position_name: Mapped[str] = mapped_column(String(200))
    position_type: Mapped[str] = mapped_column(String(20))
    functional_level: Mapped[str | None] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(6))
    grade_tmt: Mapped[date] = mapped_column(Date)
    position_tmt: Mapped[date] = mapped_column(Date)
    cpns_tmt: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(8))
    contract_end: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_staged_employees_run_nip", "run_id", "nip"),)


class StagedYearly(Base):
    """A yearly value of an import: an SKP predicate or development hours (JP)."""

    __tablename__ = "staged_yearly"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"))
    nip: Mapped[str] = mapped_column(String(18))
    year: Mapped[int] = mapped_column(SmallInteger)
    predicate: Mapped[str | None] = mapped_column(String(20))
    hours: Mapped[int | None] = mapped_column(SmallInteger)

    __table_args__ = (Index("ix_staged_yearly_run_nip", "run_id", "nip"),)


class StagedCompetency(Base):
    """An assessed competency level of an import."""

    __tablename__ = "staged_competencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"))
    nip: Mapped[str] = mapped_column(String(18))
    competency: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(SmallInteger)
    assessed_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_staged_competencies_run_nip", "run_id", "nip"),)


class Rotation(Timestamps, Base):
    """One person's planned move in a cohort: where from, where to, from which date (TMT)."""

    __tablename__ = "rotations"
    __table_args__ = (UniqueConstraint("cohort", "employee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort: Mapped[str] = mapped_column(String(80), index=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True
    )
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    from_position_name: Mapped[str] = mapped_column(String(200), default="")
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_position_name: Mapped[str] = mapped_column(String(200))
    to_position_type: Mapped[str] = mapped_column(String(20))
    to_functional_level: Mapped[str | None] = mapped_column(String(20))
    tmt: Mapped[date] = mapped_column(Date, index=True)
    sk_number: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="planned")  # or "cancelled"


class RotationMessage(Base):
    """A reminder before the TMT or a check-in after it: planned, then queued once (or skipped).

    Rows are kept per TMT, so moving a TMT plans new ones and keeps what was sent.
    """

    __tablename__ = "rotation_messages"
    __table_args__ = (
        UniqueConstraint("rotation_id", "kind", "offset_days", "tmt"),
        Index("ix_rotation_messages_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("rotations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "reminder" or "checkin"
    offset_days: Mapped[int] = mapped_column(SmallInteger)  # before (reminder) / after the TMT
    tmt: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), default="planned")
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReadinessAnswer(Base):
    """One answer to "ready for this rotation?"; the latest per rotation counts, all are kept."""

    __tablename__ = "readiness_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(
        ForeignKey("rotations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))  # ready, support, not_ready
    blocks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    barrier: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    mentor_requested: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CheckinAnswer(Base):
    """How the new post is going, asked some days after the TMT."""

    __tablename__ = "checkin_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(
        ForeignKey("rotations.id", ondelete="CASCADE"), index=True
    )
    offset_days: Mapped[int] = mapped_column(SmallInteger)
    answer: Mapped[str] = mapped_column(String(10))  # smooth, issue, help
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Mentorship(Base):
    """A mentor HR assigned to a person in a rotation; the mentor accepts or declines."""

    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(
        ForeignKey("rotations.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    assigned_by: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="offered")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxMessage(Base):
    """A message the bot sends on its own (reminder, check-in, alert): sent once by the sender.

    ``kind`` and ``ref_id`` name what to render at sending time; the unique key makes queueing
    the same message twice a no-op.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "chat_id"),
        Index("ix_outbox_state_not_before", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    not_before: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Lease(Base):
    """Who holds a shared duty (the outbox sender) until when: one holder across processes."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str] = mapped_column(String(32))
    until: Mapped[datetime] = mapped_column(UtcDateTime)


class AdminRole(Base):
    """An HR admin below the superadmins: of a government (all its units) or of one unit."""

    __tablename__ = "admin_roles"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(8))  # "gov" (BKD/BKPSDM) or "unit" (OPD)
    region_code: Mapped[str] = mapped_column(String(20))  # the government, from units.toml
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    granted_by: Mapped[int | None] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Broadcast(Base):
    """An announcement to an audience: one outbox row per recipient carries it out."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # None: the CLI
    text: Mapped[str] = mapped_column(Text)  # Telegram HTML
    media_kind: Mapped[str | None] = mapped_column(String(10))  # "photo" or "document"
    media_file_id: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ack: Mapped[bool] = mapped_column(default=False)
    # A re-send to those who have not acknowledged points at the first broadcast.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    send_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BroadcastAck(Base):
    """A recipient pressed "Saya sudah membaca" (counted once, for the first broadcast)."""

    __tablename__ = "broadcast_acks"

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
