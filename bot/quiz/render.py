"""What a live quiz says in its channel: the announcement, each round's question and results, the final
scoreboard, and each member's private receipt. Pure functions of :mod:`bot.quiz.game`'s records.
"""

from __future__ import annotations

from datetime import datetime

from bot.content import PLAIN, Content, Markup
from bot.i18n import format_number, t, tn
from bot.store import UnfinishedQuiz

from .game import ITEM_POINTS, SPEED_BONUS, Quiz, QuizAnswer, QuizRound, RoundResult, Standing

#: Lines of a round's scoreboard and of the standings shown; the rest are counted.
SHOWN = 10
_MEDALS = ("🥇", "🥈", "🥉")


def announce(quiz: Quiz, lang: str, markup: Markup = PLAIN) -> Content:
    starter = markup.member(quiz.starter_id) if quiz.starter_id is not None else "—"
    return Content(
        title=t("quiz.announce_title", lang, deck=markup.text(quiz.deck_title, 150)),
        description="\n\n".join(
            (
                tn(
                    "quiz.announce",
                    quiz.rounds_total,
                    lang,
                    starter=starter,
                    seconds=format_number(quiz.round_seconds, lang),
                ),
                t("quiz.rules", lang, item_points=ITEM_POINTS, bonus=SPEED_BONUS),
            )
        ),
        kind="quiz",
    ).clipped()


def question(
    quiz: Quiz, played: QuizRound, lang: str, markup: Markup = PLAIN, *, open_: bool = True
) -> Content:
    ends = (
        t("quiz.round_ends", lang, when=markup.time(played.ends_at, "R"))
        if open_
        else t("quiz.round_closed", lang)
    )
    return Content(
        title=t("quiz.round_title", lang, n=played.number, total=quiz.rounds_total),
        description="\n".join([f"**{markup.text(played.card.question, 1500)}**", "", ends]),
        footer=tn("quiz.expected", len(played.card.items), lang),
        kind="quiz" if open_ else "closed",
    ).clipped()


def _standing_lines(standings: tuple[Standing, ...], lang: str, markup: Markup) -> list[str]:
    lines = [
        t(
            "quiz.standing_line",
            lang,
            place=_MEDALS[row.rank - 1] if row.rank <= len(_MEDALS) else f"{row.rank}.",
            member=markup.member(row.member_id),
            points=tn("common.points", row.points, lang),
        )
        for row in standings[:SHOWN]
    ]
    if len(standings) > SHOWN:
        lines.append(tn("quiz.more", len(standings) - SHOWN, lang))
    return lines


def _answer_line(rank: int, answer: QuizAnswer, lang: str, markup: Markup) -> str:
    return t(
        "quiz.round_line",
        lang,
        rank=rank,
        member=markup.member(answer.member_id),
        found=answer.credited,
        total=answer.total,
        points=tn("common.points", answer.points, lang),
        bonus=answer.bonus,
        seconds=format_number(answer.seconds, lang, decimals=1),
    )


def round_result(
    quiz: Quiz, result: RoundResult, lang: str, next_at: datetime | None, markup: Markup = PLAIN
) -> Content:
    played = result.round
    lines = [f"**{markup.text(played.card.question, 1000)}**", "", f"**{t('quiz.key_header', lang)}**"]
    for item in played.card.items:
        if item.detail:
            lines.append(
                t(
                    "quiz.key_item_detail",
                    lang,
                    item=f"**{markup.text(item.answer, 200)}**",
                    detail=markup.text(item.detail, 300),
                )
            )
        else:
            lines.append(t("quiz.key_item", lang, item=f"**{markup.text(item.answer, 200)}**"))
    lines += ["", f"**{t('quiz.round_header', lang)}**"]
    if result.ranking:
        lines += [
            _answer_line(rank, a, lang, markup) for rank, a in enumerate(result.ranking[:SHOWN], start=1)
        ]
        if len(result.ranking) > SHOWN:
            lines.append(tn("quiz.more", len(result.ranking) - SHOWN, lang))
    else:
        lines.append(t("quiz.round_nobody", lang))
    if result.standings and not result.last:
        lines += [
            "",
            f"**{t('quiz.standings_header', lang)}**",
            *_standing_lines(result.standings, lang, markup),
        ]
    if next_at is not None:
        lines += ["", t("quiz.next_round", lang, when=markup.time(next_at, "R"))]
    return Content(
        title=t("quiz.round_over_title", lang, n=played.number, total=quiz.rounds_total),
        description="\n".join(lines),
        kind="closed",
    ).clipped()


def final(quiz: Quiz, lang: str, markup: Markup = PLAIN) -> Content:
    standings = quiz.standings()
    lines = [tn("quiz.final_rounds", quiz.played, lang), ""]
    if standings:
        lines += [*_standing_lines(standings, lang, markup), "", t("quiz.final_saved", lang)]
    else:
        lines.append(t("quiz.final_nobody", lang))
    return Content(
        title=t("quiz.final_title", lang, deck=markup.text(quiz.deck_title, 150)),
        description="\n".join(lines),
        kind="leaderboard",
    ).clipped()


def interrupted(quiz: UnfinishedQuiz, deck_title: str, lang: str, markup: Markup = PLAIN) -> Content:
    """A quiz cut short by a restart of the bot, ended with the rounds it played."""
    standings: list[Standing] = []
    for row in quiz.results:
        tied = standings and standings[-1].points == row.points
        rank = standings[-1].rank if tied else len(standings) + 1
        standings.append(Standing(rank, row.member_id, row.points, row.rounds, 0, 0.0))
    lines = [t("quiz.interrupted", lang), tn("quiz.final_rounds", quiz.rounds, lang), ""]
    if standings:
        lines += [*_standing_lines(tuple(standings), lang, markup), "", t("quiz.final_saved", lang)]
    else:
        lines.append(t("quiz.final_nobody", lang))
    return Content(
        title=t("quiz.final_title", lang, deck=markup.text(deck_title, 150)),
        description="\n".join(lines),
        kind="leaderboard",
    ).clipped()


def receipt(answer: QuizAnswer, lang: str, markup: Markup = PLAIN) -> str:
    if not answer.credited:
        return t("quiz.received_none", lang, n=answer.round_number)
    return t(
        "quiz.received",
        lang,
        n=answer.round_number,
        found=answer.credited,
        total=answer.total,
        items=markup.text(", ".join(answer.found_items), 500),
        points=tn("common.points", answer.points, lang),
        base=answer.base,
        bonus=answer.bonus,
    )
