"""What a practice session says: the question, the full feedback, the summary, an ended session.

Pure functions of :mod:`bot.practice.service`'s steps, the language and a :class:`bot.content.Markup`.
"""

from __future__ import annotations

from datetime import datetime

from bot.content import PLAIN, Content, Markup, score_kind
from bot.i18n import format_percent, format_score, t, tn

from .service import Feedback, Gone, Question, Started, Summary


def started(started: Started, lang: str, markup: Markup = PLAIN) -> Content:
    """The first question of a new session, introduced by what the session holds (due, new, ahead; or the
    member's recent mistakes)."""
    deck = f"**{markup.text(started.question.deck_title, 150)}**"
    if started.mode == "mistakes":
        intro = t("practice.started_mistakes", lang, deck=deck, count=started.question.total)
    else:
        mix = t(
            "practice.started_mix",
            lang,
            due=tn("practice.count_due", started.due, lang),
            new=tn("practice.count_new", started.new, lang),
            ahead=tn("practice.count_ahead", started.ahead, lang),
        )
        intro = tn("practice.started", started.question.total, lang, deck=deck, mix=mix)
    return question(started.question, lang, markup, intro=intro)


def question(question: Question, lang: str, markup: Markup = PLAIN, *, intro: str | None = None) -> Content:
    lines = [intro, ""] if intro else []
    lines += [f"**{markup.text(question.question, 1500)}**", "", t("practice.how_to", lang)]
    return Content(
        title=t(
            "practice.question_title",
            lang,
            n=question.number,
            total=question.total,
            deck=markup.text(question.deck_title, 150),
        ),
        description="\n".join(lines),
        footer=tn("practice.expected", question.item_count, lang),
    ).clipped()


def feedback(feedback: Feedback, lang: str, markup: Markup = PLAIN) -> Content:
    q = feedback.question
    lines = [f"**{markup.text(q.question, 1000)}**", ""]
    if feedback.gave_up:
        lines += [t("practice.gave_up", lang), ""]
    lines.append(f"**{t('practice.found_header', lang, count=feedback.found_count)}**")
    if not feedback.found:
        lines.append(t("practice.found_none", lang))
    for found in feedback.found:
        values = {"item": f"**{markup.text(found.answer, 200)}**", "part": markup.text(found.part, 200)}
        if found.via == "alias":
            lines.append(t("practice.found_item_alias", lang, **values))
        elif found.via == "detail":
            lines.append(t("practice.found_item_detail", lang, **values))
        elif found.via == "meaning":
            lines.append(t("practice.found_item_meaning", lang, **values))
        else:
            lines.append(t("practice.found_item", lang, **values))
    lines.append("")
    if feedback.missed:
        lines.append(f"**{t('practice.missed_header', lang, count=len(feedback.missed))}**")
        for missed in feedback.missed:
            item = f"**{markup.text(missed.answer, 200)}**"
            if missed.detail:
                lines.append(
                    t("practice.missed_item_detail", lang, item=item, detail=markup.text(missed.detail, 400))
                )
            else:
                lines.append(t("practice.missed_item", lang, item=item))
    else:
        lines.append(t("practice.all_found", lang))
    if feedback.unmatched:
        lines += ["", f"**{t('practice.unmatched_header', lang)}**"]
        lines += [
            t("practice.unmatched_item", lang, part=markup.text(part, 200))
            for part in feedback.unmatched[:10]
        ]
    if feedback.penalty:
        score = format_score(
            feedback.found_count,
            feedback.total,
            feedback.score,
            lang,
            cost=feedback.penalty,
            wrong=len(feedback.unmatched),
        )
        score_line = t("practice.score_penalised", lang, score=score)
        title = t("practice.feedback_title_penalised", lang, n=q.number, total=q.total, score=score)
    else:
        score_line = t(
            "practice.score",
            lang,
            found=feedback.found_count,
            total=feedback.total,
            percent=format_percent(feedback.score, lang),
        )
        title = t(
            "practice.feedback_title",
            lang,
            n=q.number,
            total=q.total,
            found=feedback.found_count,
            count=feedback.total,
            percent=format_percent(feedback.score, lang),
        )
    if feedback.penalty:
        lines.append(
            tn(
                "practice.penalty",
                feedback.penalty,
                lang,
                extra=len(feedback.unmatched),
                cost=feedback.penalty,
            )
        )
    lines += [
        "",
        score_line,
        t(
            "practice.points",
            lang,
            points=tn("common.points", feedback.points, lang),
            total=tn("common.points", feedback.practice_points, lang),
        ),
        t("practice.next_review", lang, when=markup.time(feedback.due, "R")),
    ]
    return Content(
        title=title,
        description="\n".join(lines),
        kind=score_kind(feedback.score),
    ).clipped()


def summary(summary: Summary, lang: str, markup: Markup = PLAIN) -> Content:
    if summary.answered:
        text = tn(
            "practice.summary_answered",
            summary.total,
            lang,
            answered=summary.answered,
            average=format_percent(summary.average, lang),
            best=format_percent(summary.best, lang),
            points=tn("common.points", summary.points, lang),
        )
    else:
        text = t("practice.summary_none", lang)
    lines = [text]
    if summary.weakest:
        lines += ["", f"**{t('practice.weakest_header', lang)}**"]
        lines += [
            t(
                "practice.weakest_item",
                lang,
                question=markup.text(weak.question, 200),
                percent=format_percent(weak.score, lang),
            )
            for weak in summary.weakest
        ]
    if summary.next_review is not None:
        lines += ["", t("practice.next_due", lang, when=when(markup, summary.next_review))]
    lines += ["", t("practice.again", lang)]
    return Content(
        title=t("practice.summary_title", lang, deck=markup.text(summary.deck_title, 150)),
        description="\n".join(lines),
    ).clipped()


def when(markup: Markup, moment: datetime) -> str:
    """A review time as the surface shows it: full, then relative."""
    return f"{markup.time(moment, 'f')} ({markup.time(moment, 'R')})"


def gone(gone: Gone, lang: str, lifetime_minutes: int) -> str:
    if gone.reason == "expired":
        return t("practice.error.expired", lang, minutes=lifetime_minutes)
    return t("practice.error.ended", lang)
