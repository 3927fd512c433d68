"""The terminal practice session (``tutorbot practice``, and ``make run`` without a token): questions from a
deck, multi-line answers, the same grader and the same database as in Discord.

``run_session`` is synchronous (it reads the terminal) and knows nothing of storage: each graded attempt goes
to a ``record`` callback. ``run_terminal_practice`` wires it to the store and spaced repetition: the deck is
stored as a bundled deck (re-importing keeps card ids, so reviews survive edits); the person at the terminal
is member 0 with no guild. Cards due for review come first, then new ones.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.clock import utc_now
from bot.decks import Card, Deck, deck_name, load_deck
from bot.grading import Grade, grade_reply
from bot.i18n import format_percent, format_score, t, tn
from bot.rules.spaced import practice_order, review
from bot.settings import Settings
from bot.store import Store, StoreError

Recorder = Callable[[int, str, Grade], None]


#: Cards the summary lists as the weakest (as in Discord, bot.practice.service.WEAKEST_SHOWN).
WEAKEST_SHOWN = 3


@dataclass
class SessionSummary:
    answered: int = 0
    scores: list[float] = field(default_factory=list)
    #: The question of each score, in the same order.
    questions: list[str] = field(default_factory=list)

    @property
    def weakest(self) -> list[tuple[str, float]]:
        """The cards that went worst (missed something), worst first."""
        weak = sorted((score, i) for i, score in enumerate(self.scores) if score < 1)
        return [(self.questions[i], score) for score, i in weak[:WEAKEST_SHOWN]]

    @property
    def average(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0


def read_answer(lines: Iterator[str]) -> str | None:
    """Lines until an empty one; ``None`` at end of input before anything was typed."""
    typed: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if typed:
                break
            continue
        typed.append(line)
    else:
        if not typed:
            return None
    return "\n".join(typed)


def feedback_lines(card: Card, grade: Grade, lang: str) -> list[str]:
    """Full practice feedback: found items with the part that earned them, missed items with details."""
    out = [t("cli.found_header", lang, count=grade.found) if grade.credits else t("cli.found_none", lang)]
    for credit in grade.credits:
        item = card.items[credit.item]
        how = f" {t('cli.by_meaning', lang)}" if credit.via == "meaning" else ""
        out.append(t("cli.found_item", lang, item=f"{item.answer}  ← « {credit.part} »{how}"))
    missed = [i for i in range(len(card.items)) if i not in grade.matched]
    if missed:
        out.append(t("cli.missed_header", lang, count=len(missed)))
        for index in missed:
            item = card.items[index]
            if item.detail:
                out.append(t("cli.missed_item_detail", lang, item=item.answer, detail=item.detail))
            else:
                out.append(t("cli.missed_item", lang, item=item.answer))
    if grade.unmatched:
        out.append(t("cli.unmatched_header", lang))
        out.extend(t("cli.unmatched_item", lang, part=part[:200]) for part in grade.unmatched)
    if grade.penalty:
        extra = len(grade.unmatched)
        out.append(tn("cli.penalty", grade.penalty, lang, extra=extra, cost=grade.penalty))
    if grade.penalty:
        score = format_score(
            grade.found, grade.total, grade.score, lang, cost=grade.penalty, wrong=len(grade.unmatched)
        )
        out.append(t("cli.score_penalised", lang, score=score))
    else:
        out.append(
            t(
                "cli.score",
                lang,
                found=grade.found,
                total=grade.total,
                percent=format_percent(grade.score, lang),
            )
        )
    return out


def choose_cards(deck: Deck, count: int | None, rng: random.Random) -> list[int]:
    order = list(range(len(deck.cards)))
    rng.shuffle(order)
    return order[: count or len(order)]


def run_session(
    deck: Deck,
    *,
    lang: str,
    stdin: TextIO,
    stdout: TextIO,
    count: int | None = None,
    record: Recorder | None = None,
    rng: random.Random | None = None,
    order: list[int] | None = None,
    next_review: Callable[[], datetime | None] | None = None,
) -> SessionSummary:
    """Ask ``count`` cards (all by default) in ``order`` (card indices; random by default).

    Ctrl-C or end of input ends the session with its summary: the weakest cards, and when the next review
    is due (``next_review``, from the spaced repetition the caller keeps).
    """
    summary = SessionSummary()

    def say(text: str = "") -> None:
        print(text, file=stdout, flush=True)

    if not deck.cards:
        say(t("cli.error.empty_deck", lang, deck=deck.title))
        return summary
    order = order[: count or len(order)] if order else choose_cards(deck, count, rng or random.Random())
    say(tn("cli.session_start", len(order), lang, deck=deck.title))
    lines = iter(stdin.readline, "")
    try:
        for number, index in enumerate(order, start=1):
            card = deck.cards[index]
            say()
            say(t("cli.question_header", lang, n=number, total=len(order), deck=deck.title))
            say(card.question)
            say(tn("cli.expected_count", len(card.items), lang))
            say(t("cli.prompt", lang))
            reply = read_answer(lines)
            if reply is None:
                break
            others = [other.items for j, other in enumerate(deck.cards) if j != index]  # calibrates meaning
            grade = grade_reply(card.items, reply, question=card.question, others=others)
            for line in feedback_lines(card, grade, lang):
                say(line)
            summary.answered += 1
            summary.scores.append(grade.score)
            summary.questions.append(card.question)
            if record is not None:
                record(index, reply, grade)
    except KeyboardInterrupt:
        say()
    say()
    if summary.answered:
        say(
            tn(
                "cli.summary",
                summary.answered,
                lang,
                answered=summary.answered,
                percent=format_percent(summary.average, lang),
                best=format_percent(max(summary.scores), lang),
            )
        )
        if summary.weakest:
            say(t("cli.weakest_header", lang))
            for question, score in summary.weakest:
                say(t("cli.weakest_item", lang, question=question, percent=format_percent(score, lang)))
    else:
        say(t("cli.summary_none", lang))
    due = next_review() if next_review is not None else None
    if due is not None and due <= utc_now():  # overdue since an earlier session: not a time in the past
        say(t("cli.review_due_now", lang))
    elif due is not None:
        say(t("cli.next_review", lang, when=f"{due.astimezone():%Y-%m-%d %H:%M}"))
    return summary


#: The person at the terminal: member 0, with no guild.
TERMINAL_MEMBER = 0


def database_path(explicit: str | None) -> str:
    """``--db``, else the bot's own database (``TUTOR_DB`` from the environment or ``.env``)."""
    return explicit or Settings.from_env().db_target


def run_terminal_practice(*, deck_path: Path, count: int | None, lang: str | None, db: str | None) -> int:
    deck = load_deck(deck_path)
    language = lang or deck.language
    if not deck.cards:
        print(t("cli.error.empty_deck", language, deck=deck.title), file=sys.stderr)
        return 1
    with asyncio.Runner() as runner:
        try:
            store = runner.run(Store.connect(database_path(db)))
        except StoreError as exc:
            print(f"tutorbot: {exc}", file=sys.stderr)
            return 1
        try:
            deck_id = runner.run(store.save_deck(None, deck_name(str(deck_path)), deck))
            stored = runner.run(store.load_deck(deck_id))
            reviews = {r.card_id: r for r in runner.run(store.deck_reviews(TERMINAL_MEMBER, deck_id))}
            now = utc_now()
            ordered_ids = practice_order(stored.card_ids, {c: r.due for c, r in reviews.items()}, now)
            index_of = {card_id: index for index, card_id in enumerate(stored.card_ids)}

            def record(index: int, _reply: str, grade: Grade) -> None:
                card_id = stored.card_ids[index]
                previous = reviews.get(card_id)
                answered_at = utc_now()
                state, due = review(previous.state if previous else None, grade.score, answered_at)
                runner.run(
                    store.record_practice(
                        None, TERMINAL_MEMBER, card_id, state=state, due=due, score=grade.score,
                        answered_at=answered_at,
                    )
                )  # fmt: skip

            run_session(
                stored.deck,
                lang=language,
                stdin=sys.stdin,
                stdout=sys.stdout,
                count=count,
                record=record,
                order=[index_of[c] for c in ordered_ids],
                next_review=lambda: next(
                    (r.due for r in runner.run(store.deck_reviews(TERMINAL_MEMBER, deck_id))), None
                ),
            )
        except StoreError as exc:
            print(f"tutorbot: {exc}", file=sys.stderr)
            return 1
        finally:
            runner.run(store.close())
    return 0
