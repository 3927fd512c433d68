"""Messages of the leaderboard feature: /leaderboard, /rank, their chart and command descriptions.

``{member}`` values are escaped display names (never mentions, which show as raw ids to a reader whose
client has not loaded that member), or ``leaderboard.unknown_member``.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # Command and option descriptions (Discord: at most 100 characters).
    "leaderboard.cmd.leaderboard": {
        "en": "The class leaderboard: top 10 with medals, and your own rank",
        "fr": "Le classement de la classe : les 10 premiers avec médailles, et votre rang",
    },
    "leaderboard.cmd.leaderboard.period": {
        "en": "This week, this month or all time (default: all time)",
        "fr": "Cette semaine, ce mois-ci ou depuis le début (par défaut : depuis le début)",
    },
    "leaderboard.cmd.leaderboard.deck": {
        "en": "Only the points earned on this deck",
        "fr": "Seulement les points gagnés sur ce paquet",
    },
    "leaderboard.cmd.rank": {
        "en": "Points, rank, answers, average, streaks and a chart of recent scores",
        "fr": "Points, rang, réponses, moyenne, séries et un graphique des scores récents",
    },
    "leaderboard.cmd.rank.member": {
        "en": "Whose rank to show (default: yours)",
        "fr": "Le rang de qui afficher (par défaut : le vôtre)",
    },
    "leaderboard.cmd.leaderboard.category": {
        "en": "The daily question, practice or live quizzes (default: the daily question)",
        "fr": "La question du jour, l'entraînement ou les quiz en direct (par défaut : la question du jour)",
    },
    # Categories: choice names and titles.
    "leaderboard.category.daily": {"en": "Daily question", "fr": "Question du jour"},
    "leaderboard.category.practice": {"en": "Practice", "fr": "Entraînement"},
    "leaderboard.category.quiz": {"en": "Quiz", "fr": "Quiz"},
    "leaderboard.title_category": {
        "en": "Leaderboard — {category} — {period}",
        "fr": "Classement — {category} — {period}",
    },
    "leaderboard.title_category_deck": {
        "en": "Leaderboard — {category} — {period} — {deck}",
        "fr": "Classement — {category} — {period} — {deck}",
    },
    "leaderboard.quizzes.one": {"en": "{count} quiz", "fr": "{count} quiz"},
    "leaderboard.quizzes.other": {"en": "{count} quizzes", "fr": "{count} quiz"},
    "leaderboard.unknown_member": {"en": "a former member", "fr": "un ancien membre"},
    "leaderboard.empty_practice": {
        "en": "Nobody has practice points for this period yet. Start a session with /practice!",
        "fr": "Personne n'a encore de points d'entraînement pour cette période. Lancez-vous avec /practice !",
    },
    "leaderboard.empty_quiz": {
        "en": "Nobody has quiz points for this period yet. Start a race with /quiz start!",
        "fr": "Personne n'a encore de points de quiz pour cette période. "
        "Lancez une course avec /quiz start !",
    },
    # Periods: choice names and titles.
    "leaderboard.period.week": {"en": "This week", "fr": "Cette semaine"},
    "leaderboard.period.month": {"en": "This month", "fr": "Ce mois-ci"},
    "leaderboard.period.all": {"en": "All time", "fr": "Depuis le début"},
    # The leaderboard embed.
    "leaderboard.title": {"en": "Leaderboard — {period}", "fr": "Classement — {period}"},
    "leaderboard.title_deck": {
        "en": "Leaderboard — {period} — {deck}",
        "fr": "Classement — {period} — {deck}",
    },
    "leaderboard.range": {"en": "From {start} to {end}", "fr": "Du {start} au {end}"},
    "leaderboard.row": {
        "en": "{medal} {member} — {points} · {answers}",
        "fr": "{medal} {member} — {points} · {answers}",
    },
    "leaderboard.answers.one": {"en": "{count} answer", "fr": "{count} réponse"},
    "leaderboard.answers.other": {"en": "{count} answers", "fr": "{count} réponses"},
    "leaderboard.caller": {
        "en": "{member}: rank **{rank}** of {total} — {points}",
        "fr": "{member} : rang **{rank}** sur {total} — {points}",
    },
    "leaderboard.caller_unranked": {
        "en": "{member} has no points for this period yet.",
        "fr": "{member} n'a pas encore de points pour cette période.",
    },
    "leaderboard.footer": {"en": "Page {page}/{pages} · {members}", "fr": "Page {page}/{pages} · {members}"},
    "leaderboard.members.one": {"en": "{count} member ranked", "fr": "{count} membre classé"},
    "leaderboard.members.other": {"en": "{count} members ranked", "fr": "{count} membres classés"},
    "leaderboard.empty": {
        "en": "Nobody has points for this period yet. Answer the daily question to open the leaderboard!",
        "fr": "Personne n'a encore de points pour cette période. "
        "Répondez à la question du jour pour ouvrir le classement !",
    },
    "leaderboard.empty_deck": {
        "en": "Nobody has points on the deck “{deck}” for this period yet.",
        "fr": "Personne n'a encore de points sur le paquet « {deck} » pour cette période.",
    },
    # /rank
    # "Alice's rank" / "Rang d'Alice" (elided before a vowel) / "Rang de Bob".
    "leaderboard.rank.title_of": {"en": "{member}'s rank", "fr": "Rang de {member}"},
    "leaderboard.rank.title_of_vowel": {"en": "{member}'s rank", "fr": "Rang d'{member}"},
    "leaderboard.rank.title": {"en": "Rank of {member}", "fr": "Rang de {member}"},
    "leaderboard.rank.rank_label": {"en": "Rank", "fr": "Rang"},
    "leaderboard.rank.rank_value": {"en": "#{rank} of {total}", "fr": "{rank} sur {total}"},
    "leaderboard.rank.answers_label": {"en": "Answers", "fr": "Réponses"},
    "leaderboard.rank.average_label": {"en": "Average score", "fr": "Score moyen"},
    "leaderboard.rank.streak_label": {"en": "Current streak", "fr": "Série en cours"},
    "leaderboard.rank.best_streak_label": {"en": "Best streak", "fr": "Meilleure série"},
    "leaderboard.rank.in_a_row.one": {"en": "{count} question in a row", "fr": "{count} question d'affilée"},
    "leaderboard.rank.in_a_row.other": {
        "en": "{count} questions in a row",
        "fr": "{count} questions d'affilée",
    },
    "leaderboard.rank.last_answer_label": {"en": "Last answer", "fr": "Dernière réponse"},
    "leaderboard.rank.chart_caption.one": {
        "en": "The chart shows the score of the last answer.",
        "fr": "Le graphique montre le score de la dernière réponse.",
    },
    "leaderboard.rank.chart_caption.other": {
        "en": "The chart shows the scores of the last {count} answers.",
        "fr": "Le graphique montre les scores des {count} dernières réponses.",
    },
    "leaderboard.rank.never_self": {
        "en": "You haven't answered a daily question yet, so you have no rank. "
        "Answer the daily question to get on the leaderboard!",
        "fr": "Vous n'avez encore répondu à aucune question du jour : vous n'avez donc pas de rang. "
        "Répondez à la question du jour pour entrer au classement !",
    },
    "leaderboard.rank.never_other": {
        "en": "{member} hasn't answered a daily question yet, so they have no rank.",
        "fr": "{member} n'a encore répondu à aucune question du jour : pas encore de rang.",
    },
    # The chart of recent scores (bot/charts.py).
    "leaderboard.chart.title": {"en": "Recent scores", "fr": "Scores récents"},
    "leaderboard.chart.y_axis": {"en": "Score (%)", "fr": "Score (%)"},
    "leaderboard.chart.average": {"en": "Average {percent}", "fr": "Moyenne {percent}"},
    "leaderboard.chart.date": {"en": "{month}/{day}", "fr": "{day}/{month}"},
}
