"""The daily question's set-up, checked: every value /tutor setup was given, against the current set-up and
the chosen deck. Pure: what it returns is what the service saves; what it refuses, it refuses all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.errors import ChannelRef, RoleRef, UserError, UserErrors
from bot.i18n import SUPPORTED_LANGUAGES, language_from_locale
from bot.rules.scheduling import (
    EmptyDeckError,
    ScheduleError,
    answer_window_from_hours,
    parse_days,
    parse_post_time,
    parse_timezone,
)
from bot.store import DeckInfo, GuildSettings

from .results import SetupRequest
from .rules import DEFAULT_WINDOW_HOURS, days_mask, permission_names


def checked_setup(
    request: SetupRequest, current: GuildSettings | None, deck: DeckInfo | None
) -> GuildSettings:
    """The set-up to save, or :class:`UserErrors` listing every problem (so the teacher fixes them in one go).

    Values not given keep the current set-up's, else the defaults.
    """
    problems: list[UserError] = []

    def check(parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except ScheduleError as error:
            # Text values are what the teacher typed (escaped when shown); numbers are the bot's bounds.
            typed = {k: v for k, v in error.values.items() if isinstance(v, str)}
            bounds = {k: v for k, v in error.values.items() if not isinstance(v, str)}
            problems.append(UserError(error.key, user=typed, **bounds))
            return None

    post_time = check(lambda: parse_post_time(request.time))
    zone = check(lambda: parse_timezone(request.timezone))
    days = None
    if request.days is not None:
        days = check(lambda: parse_days(request.days or ""))
    hours = None
    if request.window_hours is not None:
        window = check(lambda: answer_window_from_hours(float(request.window_hours or 0)))
        if window is not None:
            # The store keeps whole hours.
            hours = max(1, round(window.total_seconds() / 3600))
    language = request.language
    if language is not None and language not in SUPPORTED_LANGUAGES:
        problems.append(UserError("tutor.setup.error.language", user={"value": language}))
        language = None
    if request.teacher_role_refused in ("everyone", "managed"):
        problems.append(UserError(f"tutor.setup.error.teacher_role_{request.teacher_role_refused}"))
    if deck is None:
        problems.append(UserError("common.error.unknown_deck", user={"name": request.deck}))
    elif deck.card_count == 0:
        problems.append(UserError(EmptyDeckError().key))
    if request.missing_permissions:
        names = request.missing_permissions
        problems.append(
            UserError(
                "tutor.setup.error.permissions",
                channel=ChannelRef(request.channel_id),
                permissions=lambda lang: permission_names(names, lang),
            )
        )
    ping_role_id = current.ping_role_id if current is not None else None
    role = request.ping_role
    if role is not None:
        if role.is_everyone:
            problems.append(UserError("tutor.setup.error.ping_everyone"))
        elif role.managed:
            problems.append(UserError("tutor.setup.error.ping_managed", role=RoleRef(role.id)))
        elif not role.pingable:
            problems.append(
                UserError(
                    "tutor.setup.error.ping_unpingable",
                    role=RoleRef(role.id),
                    channel=ChannelRef(request.channel_id),
                )
            )
        else:
            ping_role_id = role.id
    open_thread = request.thread if request.thread is not None else bool(current and current.open_thread)
    if open_thread and request.missing_thread_permissions:
        lacking = request.missing_thread_permissions
        problems.append(
            UserError(
                "tutor.setup.error.thread_permissions",
                channel=ChannelRef(request.channel_id),
                permissions=lambda lang: permission_names(lacking, lang),
            )
        )
    reminder = current.reminder_hours if current is not None else None
    if request.reminder_hours is not None:
        reminder = request.reminder_hours or None  # 0: no reminder
    window_hours = hours if hours is not None else (current.answer_window_hours if current else None)
    window_hours = window_hours or DEFAULT_WINDOW_HOURS
    if reminder is not None and not 1 <= reminder < window_hours:
        problems.append(UserError("tutor.setup.error.reminder", hours=reminder, window=window_hours))
    if problems:
        raise UserErrors("tutor.setup.error.header", problems)
    assert post_time is not None and zone is not None and deck is not None
    if language is None:
        language = current.language if current is not None else language_from_locale(request.guild_locale)
    settings = GuildSettings(
        guild_id=request.guild_id,
        channel_id=request.channel_id,
        post_time=f"{post_time:%H:%M}",
        timezone=zone.key,
        days_mask=days_mask(days) if days is not None else (current.days_mask if current else 0b1111111),
        active_deck_id=deck.id,
        answer_window_hours=hours
        if hours is not None
        else (current.answer_window_hours if current else DEFAULT_WINDOW_HOURS),
        language=language,
        teacher_role_id=request.teacher_role_id
        if request.teacher_role_id is not None
        else (current.teacher_role_id if current else None),
        private_answers=request.private_answers
        if request.private_answers is not None
        else (current.private_answers if current else False),
        paused=current.paused if current is not None else False,
        ping_role_id=ping_role_id,
        open_thread=open_thread,
        reminder_hours=reminder,
    )
    return settings
