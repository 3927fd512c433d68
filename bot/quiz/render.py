"""What a live quiz says in its channel: the announcement, each round's question and results, the final
scoreboard, and each member's private receipt. Pure functions of :mod:`bot.quiz.game`'s records and the
players' display names (``names``: member id → name, shown escaped through ``markup.text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.content import PLAIN, Content, Markup
from bot.i18n import format_number, format_score, t, tn
from bot.store import UnfinishedQuiz

from .game import ITEM_POINTS, SPEED_BONUS, Quiz, QuizAnswer, QuizRound, RoundResult, Standing

#: Lines of a round's scoreboard and of the standings shown; the rest are counted.
SHOWN = 10
_MEDALS = ("🥇", "🥈", "🥉")


def player(member_id: int, names: Mapping[int, str] | None, lang: str, markup: Markup) -> str:
    """A player as the channel sees them: their display name, escaped (never a mention, which shows as a raw
    id to whoever has not loaded that member)."""
    name = (names or {}).get(member_id)
    return markup.text(name, 100) if name else t("quiz.someone", lang)


def announce(
    quiz: Quiz, lang: str, markup: Markup = PLAIN, names: Mapping[int, str] | None = None
) -> Content:
    starter = player(quiz.starter_id, names, lang, markup) if quiz.starter_id is not None else "—"
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
                *(
                    [t("quiz.announce_target", lang, target=format_number(quiz.target, lang))]
                    if quiz.target is not None
                    else []
                ),
                t("quiz.announce_early", lang),
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


def _standing_lines(
    standings: tuple[Standing, ...], lang: str, markup: Markup, names: Mapping[int, str] | None
) -> list[str]:
    lines = [
        t(
            "quiz.standing_line",
            lang,
            place=_MEDALS[row.rank - 1] if row.rank <= len(_MEDALS) else f"{row.rank}.",
            member=player(row.member_id, names, lang, markup),
            points=tn("common.points", row.points, lang),
        )
        for row in standings[:SHOWN]
    ]
    if len(standings) > SHOWN:
        lines.append(tn("quiz.more", len(standings) - SHOWN, lang))
    return lines


def _answer_line(
    rank: int, answer: QuizAnswer, lang: str, markup: Markup, names: Mapping[int, str] | None
) -> str:
    return t(
        "quiz.round_line",
        lang,
        rank=rank,
        member=player(answer.member_id, names, lang, markup),
        found=answer.credited,
        total=answer.total,
        points=tn("common.points", answer.points, lang),
        bonus=answer.bonus,
        seconds=format_number(answer.seconds, lang, decimals=1),
    )


def round_result(
    quiz: Quiz,
    result: RoundResult,
    lang: str,
    next_at: datetime | None,
    markup: Markup = PLAIN,
    names: Mapping[int, str] | None = None,
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
            _answer_line(rank, a, lang, markup, names)
            for rank, a in enumerate(result.ranking[:SHOWN], start=1)
        ]
        if len(result.ranking) > SHOWN:
            lines.append(tn("quiz.more", len(result.ranking) - SHOWN, lang))
    else:
        lines.append(t("quiz.round_nobody", lang))
    if result.standings and not result.last:
        lines += [
            "",
            f"**{t('quiz.standings_header', lang)}**",
            *_standing_lines(result.standings, lang, markup, names),
        ]
    if next_at is not None:
        lines += ["", t("quiz.next_round", lang, when=markup.time(next_at, "R"))]
    return Content(
        title=t("quiz.round_over_title", lang, n=played.number, total=quiz.rounds_total),
        description="\n".join(lines),
        kind="closed",
    ).clipped()


def final(quiz: Quiz, lang: str, markup: Markup = PLAIN, names: Mapping[int, str] | None = None) -> Content:
    standings = quiz.standings()
    lines = [tn("quiz.final_rounds", quiz.played, lang), ""]
    winner = quiz.winner
    if winner is not None and quiz.target is not None:
        target = format_number(quiz.target, lang)
        lines[1:1] = [
            t("quiz.final_target", lang, member=player(winner.member_id, names, lang, markup), target=target)
        ]
    if standings:
        lines += [*_standing_lines(standings, lang, markup, names), "", t("quiz.final_saved", lang)]
    else:
        lines.append(t("quiz.final_nobody", lang))
    return Content(
        title=t("quiz.final_title", lang, deck=markup.text(quiz.deck_title, 150)),
        description="\n".join(lines),
        kind="leaderboard",
    ).clipped()


def interrupted(
    quiz: UnfinishedQuiz,
    deck_title: str,
    lang: str,
    markup: Markup = PLAIN,
    names: Mapping[int, str] | None = None,
) -> Content:
    """A quiz cut short by a restart of the bot, ended with the rounds it played."""
    standings: list[Standing] = []
    for row in quiz.results:
        tied = standings and standings[-1].points == row.points
        rank = standings[-1].rank if tied else len(standings) + 1
        standings.append(Standing(rank, row.member_id, row.points, row.rounds, 0, 0.0))
    lines = [t("quiz.interrupted", lang), tn("quiz.final_rounds", quiz.rounds, lang), ""]
    if standings:
        lines += [*_standing_lines(tuple(standings), lang, markup, names), "", t("quiz.final_saved", lang)]
    else:
        lines.append(t("quiz.final_nobody", lang))
    return Content(
        title=t("quiz.final_title", lang, deck=markup.text(deck_title, 150)),
        description="\n".join(lines),
        kind="leaderboard",
    ).clipped()


def receipt(answer: QuizAnswer, lang: str, markup: Markup = PLAIN) -> str:
    if not answer.found:
        return t("quiz.received_none", lang, n=answer.round_number)
    if answer.credited < answer.found:  # the anti-spray rule took some back
        score = format_score(
            answer.found,
            answer.total,
            answer.credited / answer.total if answer.total else 0.0,
            lang,
            cost=answer.found - answer.credited,
            wrong=answer.wrong,
        )
        return t(
            "quiz.received_penalised",
            lang,
            n=answer.round_number,
            score=score,
            items=markup.text(", ".join(answer.found_items), 500),
            points=tn("common.points", answer.points, lang),
            base=answer.base,
            bonus=answer.bonus,
        )
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
