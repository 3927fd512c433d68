"""What the teacher tools say: /stats, the import preview, /deck list and /deck show, and their lines.

Pure functions of store records, the language and a :class:`bot.content.Markup`. The importer's
explanations are translated (a ``DeckError`` or ``DeckWarning`` describes itself in the guild's language)
and, since they quote the file, go through ``markup.text`` like every other user text (file names, deck
titles, questions, items).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.content import PLAIN, Content, Field, Image, Markup, fit_lines
from bot.decks import Card, Deck, DeckWarning
from bot.decks.review import warnings_by_card
from bot.i18n import format_number, format_percent, t, tn
from bot.store import DeckInfo, ItemStat, PostStats, RegradeNotice, TaughtAlias

if TYPE_CHECKING:
    from .aliases import AliasChange
    from .editing import SavedCard
    from .phrases import Phrase
    from .results import DeckAlias, ImportPreview, StatsView

#: An item found by fewer participants than this share is "what the class keeps forgetting".
FORGOTTEN_BELOW = 0.5
# Runs of whitespace other than the no-break space.
_SPACES = re.compile(r"[^\S\u00a0]+")
# Discord's embed limits, with room to spare.
_DESCRIPTION = 3800
_FIELD = 1000
#: Discord's limit on a select option's label.
OPTION_LABEL = 100


# ------------------------------------------------------------------------------------------- deck texts


def cards_text(count: int, lang: str) -> str:
    return tn("teacher.deck.cards", count, lang, count=format_number(count, lang))


def items_text(count: int, lang: str) -> str:
    return tn("teacher.deck.items", count, lang, count=format_number(count, lang))


def language_name(code: str, lang: str) -> str:
    if code == "fr":
        return t("teacher.deck.language.fr", lang)
    if code == "en":
        return t("teacher.deck.language.en", lang)
    return code


def _shorten(text: str, limit: int) -> str:
    # One line; French no-break spaces (« », before ":") stay, so a colon never starts a wrapped line.
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def card_lines(
    cards: Sequence[Card], lang: str, markup: Markup = PLAIN, *, answers: bool = False
) -> list[str]:
    """``1. Question — 4 items`` per card; with ``answers``, the items' keys follow on the same line."""
    lines = []
    for number, card in enumerate(cards, start=1):
        line = t(
            "teacher.deck.card_line",
            lang,
            number=number,
            question=markup.text(_shorten(card.question, 90)),
            items=items_text(len(card.items), lang),
        )
        if answers:
            keys = " · ".join(markup.text(_shorten(item.answer, 40)) for item in card.items)
            line = f"{line}\n  {keys}"
        lines.append(line)
    return lines


def warning_lines(deck: Deck, lang: str, markup: Markup = PLAIN) -> list[str]:
    """The importer's warnings in ``lang``, each with its line when known: those about the whole file first,
    then those of each card under the card they concern."""

    def line(warning: DeckWarning) -> str:
        message = markup.text(_shorten(warning.describe(lang), 180))
        if not warning.line:
            return message
        return t("teacher.deck.warning_line", lang, line=warning.line, message=message)

    general, by_card = warnings_by_card(deck)
    lines = [line(warning) for warning in general]
    for index in sorted(by_card):
        question = markup.text(_shorten(deck.cards[index].question, 60))
        lines.append(t("teacher.deck.warning_card", lang, number=index + 1, question=question))
        lines += [f"  {line(warning)}" for warning in by_card[index]]
    return lines


def deck_line(info: DeckInfo, lang: str, markup: Markup = PLAIN, *, active: bool = False) -> str:
    """``“name” — Title (12 cards)``, marked when it is the guild's active deck."""
    line = t(
        "teacher.deck.list_line",
        lang,
        name=markup.text(info.name),
        title=markup.text(_shorten(info.title, 60)),
        cards=cards_text(info.card_count, lang),
    )
    return t("teacher.deck.list_active", lang, line=line) if active else line


# ------------------------------------------------------------------------------------------------ stats


def item_labels(card: Card | None, count: int, lang: str) -> list[str]:
    """The key of each item of a posted card; ``Item 3`` for items of a card that no longer exists."""
    labels = []
    for position in range(count):
        if card is not None and position < len(card.items):
            labels.append(card.items[position].answer)
        else:
            labels.append(t("teacher.stats.item_unknown", lang, number=position + 1))
    return labels


def item_lines(stats: PostStats, labels: Sequence[str], lang: str, markup: Markup = PLAIN) -> list[str]:
    """``83 % — Transparence (5/6)`` per item, in card order."""
    return [
        t(
            "teacher.stats.item_line",
            lang,
            rate=format_percent(item.rate, lang),
            item=markup.text(_shorten(labels[item.position], 60)),
            hits=item.hits,
            participants=stats.participants,
        )
        for item in stats.items
    ]


def forgotten(items: Sequence[ItemStat], limit: int = 3) -> list[ItemStat]:
    """The items found by fewer than half the participants, least found first (ties in card order)."""
    low = [item for item in items if item.rate < FORGOTTEN_BELOW]
    return sorted(low, key=lambda item: (item.rate, item.position))[:limit]


def forgotten_lines(stats: PostStats, labels: Sequence[str], lang: str, markup: Markup = PLAIN) -> list[str]:
    """What the class keeps forgetting, or one line saying nothing stands out."""
    low = forgotten(stats.items)
    if not low:
        return [t("teacher.stats.nothing_forgotten", lang)]
    return [
        f"**{markup.text(_shorten(labels[item.position], 60))}** — {format_percent(item.rate, lang)}"
        for item in low
    ]


def question_choice(slot: datetime, question: str | None, tz: ZoneInfo, lang: str) -> str:
    """An autocomplete label for a posted question: its local date and the question, within 100 characters."""
    local = slot.astimezone(tz)
    text = question if question is not None else t("teacher.stats.removed_question", lang)
    date = local.date().isoformat()
    room = 100 - len(t("teacher.stats.choice", lang, date=date, question=""))
    return t("teacher.stats.choice", lang, date=date, question=_shorten(text, room))


# ------------------------------------------------------------------------------------------------ messages


def stats(view: StatsView, lang: str, markup: Markup = PLAIN) -> Content:
    """/stats: when it was posted, participation, the average, each item's hit rate, what the class forgets,
    the top scorers and the hit-rate chart."""
    shown, card, labels, post = view.stats, view.card, view.labels, view.stats.post
    question = card.question if card is not None else t("teacher.stats.removed_question", lang)
    when = {
        "posted": markup.time(post.posted_at or post.slot, "f"),
        "closes": markup.time(post.closes_at, "f"),
    }
    key = "teacher.stats.posted_open" if view.open else "teacher.stats.posted_closed"
    description = t(key, lang, **when)
    if not shown.participants:
        description += "\n\n" + t("teacher.stats.no_answers", lang)
    fields = [
        Field(t("teacher.stats.participants_label", lang), format_number(shown.participants, lang), True)
    ]
    if shown.participants:
        fields.append(
            Field(t("teacher.stats.average_label", lang), format_percent(shown.average_score, lang), True)
        )
        fields.append(
            Field(
                t("teacher.stats.items_label", lang),
                fit_lines(item_lines(shown, labels, lang, markup), _FIELD, lambda left: "…"),
            )
        )
        fields.append(
            Field(
                t("teacher.stats.forgotten_label", lang),
                "\n".join(forgotten_lines(shown, labels, lang, markup)),
            )
        )
        if view.loop is not None and view.loop.card is not None:
            fields.append(
                Field(
                    t("teacher.stats.unmatched_label", lang), unmatched_text(view.loop.phrases, lang, markup)
                )
            )
        if shown.top:
            top = [
                t(
                    "teacher.stats.top_line",
                    lang,
                    member=markup.member(s.member_id),
                    score=format_percent(s.score, lang),
                )
                for s in shown.top
            ]
            fields.append(Field(t("teacher.stats.top_label", lang), "\n".join(top)))
    if view.loop is not None and view.loop.taught:
        lines = [taught_line(taught, lang, markup) for taught in view.loop.taught]
        fields.append(
            Field(t("teacher.stats.taught_label", lang), fit_lines(lines, _FIELD, lambda left: "…"))
        )
    return Content(
        title=t("teacher.stats.title", lang, question=markup.text(question, 200)),
        description=description,
        fields=tuple(fields),
        kind="teacher",
        image=Image(view.chart_png, "stats.png") if view.chart_png is not None else None,
    ).clipped()


# ------------------------------------------------------------------------------- closing the loop (aliases)


def phrase_line(phrase: Phrase, lang: str, markup: Markup = PLAIN, limit: int = 60) -> str:
    """``“pas cher” ×7``: what the class typed and how many replies had it."""
    return t(
        "teacher.stats.unmatched_line",
        lang,
        phrase=markup.text(_shorten(phrase.text, limit)),
        count=phrase.count,
    )


def unmatched_text(phrases: Sequence[Phrase], lang: str, markup: Markup = PLAIN) -> str:
    """What the class typed that earned nothing, most frequent first, and how to accept it; or why nothing."""
    if not phrases:
        return t("teacher.stats.unmatched_none", lang)
    hint = "\n" + t("teacher.stats.unmatched_hint", lang)
    lines = [phrase_line(phrase, lang, markup) for phrase in phrases]
    return fit_lines(lines, _FIELD - len(hint), lambda left: "…") + hint


def taught_line(taught: TaughtAlias, lang: str, markup: Markup = PLAIN, limit: int = 40) -> str:
    """``“pas cher” → Transparence``: an alias accepted for an item."""
    return t(
        "teacher.stats.taught_line",
        lang,
        alias=markup.text(_shorten(taught.alias, limit)),
        item=markup.text(_shorten(taught.answer, limit)),
    )


def phrase_option(phrase: Phrase, lang: str) -> str:
    """A select option for a phrase (plain text: Discord shows option labels as typed)."""
    return _shorten(phrase_line(phrase, lang, PLAIN, limit=80), OPTION_LABEL)


def item_option(card: Card, index: int) -> str:
    return _shorten(card.items[index].answer, OPTION_LABEL)


def taught_option(taught: TaughtAlias, lang: str) -> str:
    return _shorten(taught_line(taught, lang, PLAIN), OPTION_LABEL)


def choose_item(phrase: Phrase, lang: str, markup: Markup = PLAIN) -> str:
    """The question asked once the teacher picked a phrase: which item it names."""
    return t("teacher.alias.choose_item", lang, phrase=markup.text(_shorten(phrase.text, 80)))


def alias_change(change: AliasChange, lang: str, markup: Markup = PLAIN) -> str:
    """What accepting or removing an alias did: how many answers were re-graded, how many went up (down)."""
    values = {
        "alias": markup.text(_shorten(change.alias, 80)),
        "item": markup.text(_shorten(change.item, 80)),
    }
    if not change.changed:
        return t("teacher.alias.already" if change.added else "teacher.alias.not_there", lang, **values)
    regraded = tn("teacher.alias.regraded", change.regraded, lang, count=format_number(change.regraded, lang))
    if change.added:
        return t(
            "teacher.alias.accepted",
            lang,
            regraded=regraded,
            raised=format_number(change.raised, lang),
            **values,
        )
    return t(
        "teacher.alias.removed",
        lang,
        regraded=regraded,
        lowered=format_number(change.lowered, lang),
        **values,
    )


def regrade_notices(notices: Sequence[RegradeNotice], lang: str, markup: Markup = PLAIN) -> str:
    """For a member: each of their answers a teacher's accepted alias re-graded upwards, old grade → new."""
    lines = []
    for notice in notices:
        question = (
            notice.question if notice.question is not None else t("teacher.stats.removed_question", lang)
        )
        lines.append(
            t(
                "teacher.regrade.notice",
                lang,
                question=markup.text(_shorten(question, 120)),
                old=format_percent(notice.old_score, lang),
                new=format_percent(notice.new_score, lang),
            )
        )
    return fit_lines(lines, 1900, lambda left: "…")


def preview(view: ImportPreview, lang: str, markup: Markup = PLAIN) -> Content:
    """The private preview of an import: cards, item counts, what it replaces, and every warning."""
    deck, name, existing = view.deck, view.name, view.existing
    items = sum(len(card.items) for card in deck.cards)
    intro = [
        t(
            "teacher.deck.preview_intro",
            lang,
            file=markup.text(view.filename, 100),
            name=markup.text(name),
            cards=cards_text(len(deck.cards), lang),
            items=items_text(items, lang),
        )
    ]
    if name != Path(view.filename).stem:
        intro.append(t("teacher.deck.renamed", lang, name=markup.text(name)))
    if existing is not None and existing.guild_id == view.guild_id:
        intro.append(
            t(
                "teacher.deck.replaces",
                lang,
                name=markup.text(name),
                cards=cards_text(existing.card_count, lang),
            )
        )
    elif existing is not None:
        intro.append(t("teacher.deck.shadows_bundled", lang, name=markup.text(name)))
    head = "\n".join(intro) + "\n\n"
    cards = fit_lines(
        card_lines(deck.cards, lang, markup),
        _DESCRIPTION - len(head),
        lambda left: tn("teacher.deck.more_cards", left, lang, count=format_number(left, lang)),
    )
    warnings = warning_lines(deck, lang, markup)
    return Content(
        title=t("teacher.deck.preview_title", lang, title=markup.text(deck.title, 200)),
        description=head + cards,
        fields=(
            Field(t("teacher.deck.language_label", lang), language_name(deck.language, lang), True),
            Field(
                t("teacher.deck.warnings_label", lang, count=len(deck.warnings)),
                fit_lines(
                    warnings,
                    _FIELD,
                    lambda left: tn(
                        "teacher.deck.more_warnings", left, lang, count=format_number(left, lang)
                    ),
                )
                if warnings
                else t("teacher.deck.no_warnings", lang),
            ),
        ),
        kind="teacher",
    ).clipped()


def deck_list(
    decks: Sequence[DeckInfo], guild_id: int, active: int | None, lang: str, markup: Markup = PLAIN
) -> Content:
    """/deck list: the server's own decks, then the bundled ones, the active one marked."""
    fields = []
    for label, infos in (
        (t("teacher.deck.list_server", lang), [d for d in decks if d.guild_id == guild_id]),
        (t("teacher.deck.list_bundled", lang), [d for d in decks if d.guild_id is None]),
    ):
        lines = [deck_line(info, lang, markup, active=info.id == active) for info in infos]
        value = (
            fit_lines(
                lines,
                _FIELD,
                lambda left: tn("teacher.deck.list_more", left, lang, count=format_number(left, lang)),
            )
            if lines
            else t("teacher.deck.list_none", lang)
        )
        fields.append(Field(label, value))
    return Content(title=t("teacher.deck.list_title", lang), fields=tuple(fields), kind="teacher").clipped()


def deck_show(
    info: DeckInfo,
    deck: Deck,
    *,
    answers: bool,
    lang: str,
    markup: Markup = PLAIN,
    taught: Sequence[DeckAlias] = (),
) -> Content:
    """/deck show: the deck's questions, and for teachers only (a class must not read the key of tomorrow's
    question) their items and the aliases the server's teachers accepted."""
    about = {
        "name": markup.text(info.name),
        "cards": cards_text(len(deck.cards), lang),
        "language": language_name(deck.language, lang),
    }
    head = t(
        "teacher.deck.show_bundled" if info.guild_id is None else "teacher.deck.show_server", lang, **about
    )
    if not answers:
        head += "\n" + t("teacher.deck.show_answers_hidden", lang)
    head += "\n\n"
    body = fit_lines(
        card_lines(deck.cards, lang, markup, answers=answers),
        _DESCRIPTION - len(head),
        lambda left: tn("teacher.deck.show_more", left, lang, count=format_number(left, lang)),
    )
    fields: tuple[Field, ...] = ()
    if answers and taught:
        grouped: dict[tuple[int, str], list[str]] = {}
        for alias in taught:
            grouped.setdefault((alias.card_number, alias.answer), []).append(
                markup.text(_shorten(alias.alias, 60))
            )
        lines = [
            t(
                "teacher.deck.taught_line",
                lang,
                number=number,
                item=markup.text(_shorten(answer, 60)),
                aliases=", ".join(aliases),
            )
            for (number, answer), aliases in grouped.items()
        ]
        fields = (Field(t("teacher.deck.taught_label", lang), fit_lines(lines, _FIELD, lambda left: "…")),)
    return Content(
        title=markup.text(deck.title, 250), description=head + body, fields=fields, kind="teacher"
    ).clipped()


def saved_card(saved: SavedCard, lang: str, markup: Markup = PLAIN) -> str:
    """What a teacher is told after saving a card form: the card, and what it changes for the class."""
    ref = saved.ref
    key = "teacher.edit.added" if saved.added else "teacher.edit.saved"
    lines = [
        t(
            key,
            lang,
            number=ref.number,
            name=markup.text(saved.deck.name),
            question=markup.text(_shorten(ref.card.question, 200)),
            items=items_text(len(ref.card.items), lang),
        )
    ]
    if saved.open_question:
        lines.append(t("teacher.edit.open_note", lang))
    elif saved.active:
        lines.append(t("teacher.edit.active_note", lang))
    return "\n".join(lines)
