"""Reading rules the dev sets justified (second round): one behaviour a student notices per test."""

from bot.decks import Item
from bot.grading import grade_reply

SECURITY = [
    Item("Long passwords", "12+ characters, passphrase"),
    Item("Two-factor authentication", "2FA, a code on your phone as well as the password"),
    Item("Password manager"),
    Item("Never reuse passwords", "a different password for every site"),
    Item("Install updates", "patches fix security holes"),
    Item("Backups", "copies of your files somewhere else (3-2-1)"),
]


def test_a_negative_key_s_detail_is_read_in_its_own_polarity() -> None:
    # "Never reuse passwords: a different password for every site": saying the detail is naming the habit
    assert grade_reply(SECURITY, "a different password for every site").matched == [3]
    # the key's own negation still holds for the key: reusing passwords is the opposite habit
    assert grade_reply(SECURITY, "reuse passwords").matched == []


GUIDE = ["Contexte", "Description des réseaux et Lexique", "Logique de chaque réseau"]
DEFIS = [
    "Intégrer les médias sociaux dans la stratégie globale de l’entreprise",
    "Affecter les ressources nécessaires pour qu’ils soient bien utilisés",
    "Accepter la critique",
    "Rester authentique",
]


def test_k_spelled_for_qu_is_the_same_word() -> None:
    # students spell "que" as it sounds: "lexik", "critik"
    assert grade_reply(GUIDE, "contexte, lexik").matched == [0, 1]
    assert grade_reply(DEFIS, "acepter la critik, rester autentique").matched == [2, 3]


EDITORIALE = ["Qui", "Quoi", "Où", "Comment", "Résultats"]


def test_a_typo_of_a_short_one_word_key_names_it_as_a_whole_part() -> None:
    assert grade_reply(EDITORIALE, "quio, quoii, où, commnet, résultas").matched == [0, 1, 2, 3, 4]
    # inside a sentence the same typo is just a word of the sentence
    assert grade_reply(EDITORIALE, "un commnet sur la page").matched == []


RELATIONS = [
    Item("Prédation", "un animal en chasse et mange un autre"),
    Item("Compétition", "pour les mêmes ressources (nourriture, territoire)"),
    Item("Mutualisme", "les deux espèces y gagnent (abeille + fleur)"),
    Item("Commensalisme", "une y gagne, l'autre n'y gagne rien et n'y perd rien"),
    Item("Parasitisme", "un vit aux dépens de l'autre (tique, ver solitaire)"),
]


def test_the_same_root_with_another_prefix_is_another_term() -> None:
    # amensalism is a real relation, just not commensalism: close in letters, not in meaning
    assert grade_reply(RELATIONS, "neutralisme, amensalisme").matched == []
    # the same term in the other language still earns it
    assert grade_reply(RELATIONS, "commensalism, mutualism").matched == [2, 3]


IDENTITE = [
    "Ensemble des informations sur Internet vous concernant",
    "Mélange de ce que je montre, ce que je cache, ce que les autres perçoivent et ce qui m’échappe",
]


def test_a_question_word_does_not_name_a_long_key_it_appears_in() -> None:
    # "qui" in "ce qui m'échappe" is a pronoun: a pasted "Qui" names no part of the definition
    assert grade_reply(IDENTITE, "informations sur Internet, Qui, Quoi").matched == [0]
    # a card of question words still takes them
    assert grade_reply(EDITORIALE, "qui, quoi, où").matched == [0, 1, 2]
