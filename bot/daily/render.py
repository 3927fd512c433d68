"""What the daily question says: the post, private feedback, the reveal, the set-up summary and the status.

Pure functions of the service's records, the language and a :class:`bot.content.Markup` (Discord's, from the
cogs' kit, or plain text): every sentence comes from the catalogue (``daily.*`` and ``tutor.*`` keys), and
user text (a member's words, a deck's question, a name) goes through ``markup.text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content import PLAIN, Content, Field, Markup, clip, score_kind
from bot.decks import Card
from bot.i18n import format_days, format_number, format_percent, format_score, join_list, t, tn
from bot.rules import timezones
from bot.rules.scheduling import MAX_POST_ATTEMPTS, format_local
from bot.store import Post

from .results import AnswerOutcome, PreparedPost, Reminder, Reveal, SetupResult, Status
from .rules import explain_failure

MEDALS = ("🥇", "🥈", "🥉")
#: How much of a queued card's question /tutor status shows.
QUEUED_QUESTION_CHARS = 120
# A credited part is quoted in the feedback; a pasted paragraph should not fill the embed.
_PART_LIMIT = 80


def when(markup: Markup, moment: datetime) -> str:
    """A deadline or a post time as the surface shows it: full, then relative (``in 3 hours``)."""
    return f"{markup.time(moment, 'F')} ({markup.time(moment, 'R')})"


def message_url(markup: Markup, post: Post) -> str | None:
    if post.channel_id is None or post.message_id is None:
        return None
    return markup.message_url(post.guild_id, post.channel_id, post.message_id)


def question(
    card: Card, deadline: datetime, lang: str, markup: Markup = PLAIN, *, closed: bool = False
) -> Content:
    """The daily post: the question, how many items are expected, the deadline."""
    fields = (
        Field(t("daily.post.expected", lang), tn("daily.post.items", len(card.items), lang), inline=True),
        Field(
            t("daily.post.closed_label" if closed else "daily.post.deadline", lang),
            when(markup, deadline),
            inline=True,
        ),
    )
    return Content(
        title=t("daily.post.title", lang),
        description=f"**{markup.text(card.question)}**",
        fields=fields,
        footer=t("daily.post.footer_closed" if closed else "daily.post.footer", lang),
        kind="closed" if closed else "question",
    ).clipped()


def feedback(outcome: AnswerOutcome, lang: str, markup: Markup = PLAIN) -> Content:
    """Private feedback: the score, the items found (with the words that earned them), how many were
    missed (not which: the answer key waits for the reveal), points and streak."""
    card, result = outcome.card, outcome.result
    percent = format_percent(result.score, lang)
    lines: list[str] = []
    if outcome.already_answered:
        lines.append(t("daily.feedback.already", lang, when=markup.time(result.answered_at, "R")))
    matched = sorted(set(result.matched))
    if matched:
        lines.append(tn("daily.feedback.found", len(matched), lang))
        for index in matched:
            if index >= len(card.items):
                continue
            answer = markup.text(card.items[index].answer)
            credit = outcome.grade.credit_for(index) if outcome.grade is not None else None
            if credit is not None and credit.part.strip():
                part = markup.text(clip(" ".join(credit.part.split()), _PART_LIMIT))
                key = (
                    "daily.feedback.found_item_meaning"
                    if credit.via == "meaning"
                    else "daily.feedback.found_item_words"
                )
                lines.append(t(key, lang, item=answer, words=part))
            else:
                lines.append(t("daily.feedback.found_item", lang, item=answer))
    else:
        lines.append(t("daily.feedback.none_found", lang))
    missed = outcome.total - len([i for i in matched if i < outcome.total])
    if missed and outcome.closed:
        lines.append(tn("daily.feedback.missed_closed", missed, lang))
    elif missed:
        lines.append(tn("daily.feedback.missed", missed, lang, when=markup.time(outcome.post.closes_at, "R")))
    else:
        lines.append(t("daily.feedback.all_found", lang))
    if outcome.grade is not None and outcome.grade.penalty:
        lines.append(
            tn("daily.feedback.penalty", outcome.grade.penalty, lang, extra=len(outcome.grade.unmatched))
        )
    fields = (
        Field(
            t("common.points_label", lang),
            t(
                "daily.feedback.points",
                lang,
                points=format_number(result.points, lang),
                total=tn(
                    "common.points",
                    result.total_points,
                    lang,
                    count=format_number(result.total_points, lang),
                ),
            ),
            inline=True,
        ),
        Field(t("common.streak_label", lang), tn("common.streak", result.streak, lang), inline=True),
    )
    found = len([i for i in matched if i < outcome.total])
    cost = max(0, found - outcome.shown_score)  # items' worth the anti-spray rule removed
    if cost:
        grade = outcome.grade
        score = format_score(
            found,
            outcome.total,
            result.score,
            lang,
            cost=grade.penalty if grade is not None else cost,
            wrong=len(grade.unmatched) if grade is not None else None,
        )
        title = t("daily.feedback.title_penalised", lang, score=score)
    else:
        title = t(
            "daily.feedback.title", lang, score=f"{outcome.shown_score}/{outcome.total}", percent=percent
        )
    return Content(
        title=title,
        description="\n".join(lines),
        fields=fields,
        footer=markup.text(clip(card.question, 200)),
        kind=score_kind(result.score),  # the colour follows the score
    ).clipped()


def reveal(revealed: Reveal, names: Mapping[int, str], markup: Markup = PLAIN) -> Content:
    """The answer key with details and each item's hit rate, participation, the average, top scorers."""
    lang, stats, card = revealed.lang, revealed.stats, revealed.card
    participants = stats.participants
    lines: list[str] = []
    if card is None:
        lines.append(t("daily.reveal.card_removed", lang))
    else:
        lines.append(f"**{markup.text(card.question)}**")
        lines.append("")
        for index, item in enumerate(card.items):
            hits = stats.items[index].hits if index < len(stats.items) else 0
            rate = hits / participants if participants else 0.0
            key = "daily.reveal.item_detail" if item.detail else "daily.reveal.item"
            lines.append(
                t(key, lang, n=index + 1, answer=markup.text(item.answer), detail=markup.text(item.detail))
            )
            if participants:
                lines.append(
                    t(
                        "daily.reveal.item_rate",
                        lang,
                        percent=format_percent(rate, lang),
                        hits=hits,
                        participants=participants,
                    )
                )
    fields: list[Field] = []
    if participants:
        fields.append(
            Field(
                t("daily.reveal.class_label", lang),
                t(
                    "daily.reveal.class",
                    lang,
                    participants=tn("daily.reveal.participants", participants, lang),
                    average=format_percent(stats.average_score, lang),
                ),
            )
        )
        if card is not None:
            forgotten = [
                markup.text(card.items[s.position].answer)
                for s in sorted(stats.items, key=lambda s: (s.rate, s.position))
                if s.position < len(card.items) and s.rate < 0.5
            ][:3]
            if forgotten:
                fields.append(Field(t("daily.reveal.forgotten_label", lang), join_list(forgotten, lang)))
        top = []
        for medal, scorer in zip(MEDALS, stats.top, strict=False):
            name = markup.text(names.get(scorer.member_id) or t("daily.reveal.someone", lang))
            top.append(
                t(
                    "daily.reveal.top_row",
                    lang,
                    medal=medal,
                    name=name,
                    percent=format_percent(scorer.score, lang),
                    points=tn("common.points", scorer.points, lang),
                )
            )
        fields.append(Field(t("daily.reveal.top_label", lang), "\n".join(top)))
    else:
        fields.append(Field(t("daily.reveal.class_label", lang), t("daily.reveal.nobody", lang)))
    return Content(
        title=t("daily.reveal.title", lang),
        description="\n".join(lines),
        fields=tuple(fields),
        footer=t("daily.reveal.footer", lang),
        url=message_url(markup, revealed.post),
        kind="reveal",
    ).clipped()


def closed_question(revealed: Reveal, markup: Markup = PLAIN) -> Content | None:
    """The daily post as it reads once closed (its button removed), or None without its card."""
    if revealed.card is None:
        return None
    return question(revealed.card, revealed.post.closes_at, revealed.lang, markup, closed=True)


def setup_summary(result: SetupResult, lang: str, markup: Markup = PLAIN) -> Content:
    s = result.settings
    tz = ZoneInfo(s.timezone)
    lines = [
        t(
            "tutor.setup.done",
            lang,
            channel=markup.channel(s.channel_id) if s.channel_id is not None else "—",
            time=s.post_time,
            timezone=s.timezone,
            days=format_days(s.weekdays, lang),
        ),
        t(
            "tutor.setup.deck",
            lang,
            deck=markup.text(result.deck.name),
            title=markup.text(result.deck.title),
            cards=tn("tutor.cards", result.deck.card_count, lang),
        ),
        tn("tutor.setup.window", s.answer_window_hours, lang),
        t(
            "tutor.setup.next",
            lang,
            when=when(markup, result.next_post),
            local=format_local(result.next_post, tz),
        ),
    ]
    extra = [t("tutor.setup.language", lang, language=t(f"tutor.language.{s.language}", lang))]
    if s.teacher_role_id is not None:
        extra.append(t("tutor.setup.teacher_role", lang, role=markup.role(s.teacher_role_id)))
    extra.append(t("tutor.setup.private_on" if s.private_answers else "tutor.setup.private_off", lang))
    if s.ping_role_id is not None:
        extra.append(t("tutor.setup.ping_role", lang, role=markup.role(s.ping_role_id)))
    if s.open_thread:
        extra.append(t("tutor.setup.thread_on", lang))
    if s.reminder_hours is not None:
        extra.append(tn("tutor.setup.reminder", s.reminder_hours, lang))
    if s.paused:
        extra.append(t("tutor.setup.still_paused", lang))
    return Content(
        title=t("tutor.setup.title", lang), description="\n".join([*lines, "", *extra]), kind="info"
    ).clipped()


def status(shown: Status, lang: str, markup: Markup = PLAIN) -> Content:
    s = shown.settings
    tz = ZoneInfo(s.timezone)
    channel = markup.channel(s.channel_id) if s.channel_id else "—"
    deck = (
        t(
            "tutor.status.deck_value",
            lang,
            deck=markup.text(shown.deck.name),
            cards=tn("tutor.cards", shown.deck.card_count, lang),
        )
        if shown.deck is not None
        # The database could not be read (shown.outage): the deck is unknown, not missing.
        else "—"
        if shown.outage is not None and s.active_deck_id is not None
        else t("tutor.status.no_deck", lang)
    )
    fields = [
        Field(t("tutor.status.channel", lang), channel, inline=True),
        Field(
            t("tutor.status.schedule", lang),
            t(
                "tutor.status.schedule_value",
                lang,
                time=s.post_time,
                timezone=s.timezone,
                days=format_days(s.weekdays, lang),
            ),
            inline=True,
        ),
        Field(t("tutor.status.deck", lang), deck, inline=True),
        Field(t("tutor.status.window", lang), tn("tutor.hours", s.answer_window_hours, lang), inline=True),
        Field(t("tutor.status.language", lang), t(f"tutor.language.{s.language}", lang), inline=True),
        Field(
            t("tutor.status.private", lang),
            t("common.yes" if s.private_answers else "common.no", lang),
            inline=True,
        ),
    ]
    if s.teacher_role_id is not None:
        fields.append(
            Field(t("tutor.status.teacher_role", lang), markup.role(s.teacher_role_id), inline=True)
        )
    if s.ping_role_id is not None:
        fields.append(Field(t("tutor.status.ping_role", lang), markup.role(s.ping_role_id), inline=True))
    fields.append(
        Field(
            t("tutor.status.thread", lang),
            t("common.yes" if s.open_thread else "common.no", lang),
            inline=True,
        )
    )
    reminder = (
        tn("tutor.status.reminder_value", s.reminder_hours, lang)
        if s.reminder_hours is not None
        else t("tutor.status.reminder_off", lang)
    )
    fields.append(Field(t("tutor.status.reminder", lang), reminder, inline=True))
    if s.paused:
        state = t("tutor.status.paused", lang)
    elif shown.next_post is not None:
        state = t(
            "tutor.status.next",
            lang,
            when=when(markup, shown.next_post),
            local=format_local(shown.next_post, tz),
        )
    else:
        state = t("tutor.status.not_ready", lang)
    if shown.queued_question is not None:
        question = markup.text(clip(shown.queued_question, QUEUED_QUESTION_CHARS))
        state += "\n" + t("tutor.status.queued", lang, question=question)
    fields.append(Field(t("tutor.status.next_label", lang), state))
    drift = timezones.refusal(s.timezone)  # a zone stored before abbreviations were refused at set-up
    if drift is not None:
        fields.append(
            Field(
                t("tutor.status.timezone_drift_label", lang),
                t(
                    "tutor.status.timezone_drift",
                    lang,
                    timezone=markup.text(s.timezone),
                    suggestions=markup.text(str(drift[1]["suggestions"])),
                ),
            )
        )
    if shown.open_post is not None:
        url = message_url(markup, shown.open_post) or ""
        fields.append(
            Field(
                t("tutor.status.open_label", lang),
                t(
                    "tutor.status.open",
                    lang,
                    url=url,
                    when=when(markup, shown.open_post.closes_at),
                    answers=tn("tutor.answers", shown.answers, lang),
                ),
            )
        )
    if s.failure_count:
        lines = [
            tn(
                "tutor.status.failures",
                s.failure_count,
                lang,
                when=markup.time(s.last_failure_at, "R") if s.last_failure_at else "—",
            ),
            explain_failure(s.last_error, lang, channel=channel),
        ]
        if shown.gave_up:
            lines.append(t("tutor.status.gave_up", lang, attempts=MAX_POST_ATTEMPTS))
        elif shown.retry_at is not None:
            lines.append(t("tutor.status.retry", lang, when=markup.time(shown.retry_at, "R")))
        fields.append(Field(t("tutor.status.failures_label", lang), "\n".join(lines)))
    fields.append(
        Field(
            t("tutor.status.semantic_label", lang), t(f"tutor.status.semantic.{shown.semantic}", lang), True
        )
    )
    if shown.outage is not None:
        fields.insert(
            0, Field(t("tutor.status.outage_label", lang), t(f"tutor.status.outage.{shown.outage}", lang))
        )
    return Content(title=t("tutor.status.title", lang), fields=tuple(fields), kind="info").clipped()


def post(prepared: PreparedPost, markup: Markup = PLAIN) -> Content:
    return question(prepared.card, prepared.closes_at, prepared.lang, markup)


#: Discord's limit on a thread's name.
THREAD_NAME_LIMIT = 100


def thread_name(card: Card, lang: str) -> str:
    """The name of the thread a question opens (plain text: Discord shows a name as typed)."""
    empty = t("daily.thread.name", lang, question="")
    question_text = " ".join(card.question.split())
    return t("daily.thread.name", lang, question=clip(question_text, THREAD_NAME_LIMIT - len(empty)))


def reminder(shown: Reminder, markup: Markup = PLAIN) -> Content:
    """The one reminder before the deadline: when the question closes and how many answered (a count,
    never who has not)."""
    lang, post = shown.lang, shown.post
    answered = (
        tn("daily.reminder.answered", shown.answered, lang)
        if shown.answered
        else t("daily.reminder.nobody", lang)
    )
    lines = [
        t("daily.reminder.closes", lang, when=markup.time(post.closes_at, "R")),
        answered,
        "",
        t("daily.reminder.how", lang),
    ]
    return Content(
        title=t("daily.reminder.title", lang),
        description="\n".join(lines),
        url=message_url(markup, post),
        kind="question",
    ).clipped()
