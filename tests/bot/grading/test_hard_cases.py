"""The issue's hard cases on decks of other subjects: numbers, near-neighbours, negation scope, detail terms,
and bad input (hostile sizes, other scripts) that must always get a grade, quickly bounded."""

from pathlib import Path

import pytest

from bot.decks import Item, load_deck
from bot.grading import MAX_REPLY_CHARS, grade_lexical, grade_reply, prepare_card
from bot.grading.grader import MAX_HITS_PER_PHRASE, MAX_PHRASE_WORDS

DECKS = Path(__file__).parent / "labelled_new" / "decks"


def graded(deck: str, question_part: str, reply: str) -> list[int]:
    loaded = load_deck(DECKS / f"{deck}.yaml")
    card = next(c for c in loaded.cards if question_part.lower() in c.question.lower())
    others = [c.items for c in loaded.cards if c is not card]
    return grade_reply(card.items, reply, question=card.question, others=others).matched


@pytest.mark.parametrize(
    ("deck", "card", "reply", "expected"),
    [
        # Numbers alone name nothing when several items carry numbers; with a word of the item they do.
        ("histoire-qc", "lois constitutionnelles", "1763, 1774, 1791", []),
        ("histoire-qc", "lois constitutionnelles", "acte 1774, proclamation 1763", [0, 1]),
        ("histoire-qc", "conscription", "1917, 1942", []),
        ("computing", "storage", "8, 1024", []),
        # Near-neighbours: the shared word names neither; the item named is the one credited.
        ("histoire-qc", "Rébellions", "Nelson", []),
        ("histoire-qc", "Rébellions", "Robert Nelson", [2]),
        ("histoire-qc", "Rébellions", "la bataille de Saint-Denis", [5]),
        ("histoire-qc", "Charte", "droit à la vie privée", [5]),
        ("histoire-qc", "Charte", "droit à la vie, liberté d'expression", [0, 2]),
        ("computing", "protocols", "HTTPS", [1]),
        ("computing", "protocols", "HTTP", [0]),
        ("ecologie", "chaîne alimentaire", "consommateurs", []),
        ("ecologie", "chaîne alimentaire", "consommateurs primaires, secondaires, tertiaires", [1, 2, 3]),
        ("chem-bio", "organelles", "smooth ER and rough ER", [8, 9]),
        # Negation scope.
        ("chem-bio", "water cycle", "not only evaporation but also condensation", [0, 1]),
        ("ecologie", "chaîne alimentaire", "pas juste les producteurs, y'a aussi les décomposeurs", [0, 4]),
        ("histoire-qc", "1791", "tous sauf le gouverneur et le conseil législatif", []),
        ("chem-bio", "water cycle", "all of them except evaporation and condensation", []),
        ("chem-bio", "water cycle", "everything except evaporation", []),
        ("ecologie", "chaîne alimentaire", "pas les producteurs, mais les décomposeurs oui", [4]),
        ("computing", "security", "don't bother with a password manager, just do backups", [5]),
        ("ecologie", "biodiversité", "à part la pollution je sais pas", [1]),
        # One negative habit among good ones: its negation is required, the others keep theirs.
        ("computing", "security", "never reuse passwords", [3]),
        ("computing", "security", "reuse passwords", []),
        # Terse notes: an acronym in parentheses and a detail's short terms name their item.
        ("computing", "storage", "KB, MB, GB", [2, 3, 4]),
        ("computing", "parts", "PSU, SSD", [3, 6]),
        ("chem-bio", "water cycle", "runoff", [3]),
        # Definition cards: one loose word of the definition is not the definition.
        ("chem-bio", "photosynthesis?", "energy", []),
        ("computing", "algorithm", "steps", []),
        ("computing", "algorithm", "a list of steps to solve a problem", [0]),
    ],
)
def test_hard_cases(deck, card, reply, expected):
    assert graded(deck, card, reply) == expected


def test_a_detail_written_as_sentences_gives_no_terms():
    notes = [Item("Faibles coûts", "Ouvrir un compte est gratuit; la présence coûte peu."), Item("Viral")]
    terse = [Item("Faibles coûts", "gratuit, peu cher"), Item("Viral")]
    assert grade_reply(notes, "gratuit", semantic=False).matched == []
    assert grade_reply(terse, "gratuit", semantic=False).matched == [0]
    assert grade_reply(terse, "gratuit", semantic=False).credits[0].via == "detail"


@pytest.mark.parametrize(
    "reply",
    [
        "😅🔥🎉🤷‍♂️💯" * 50,
        "x" * 20_000,
        "évaporation " * 2_500,
        "التبخر والتكثيف وهطول الأمطار",
        "蒸发、凝结、降水和径流",
        "1 2 3 4 5 6 7 8 9 10 1024 1763",
        "١٢٣ ٤٥٦",
        "\ud800\udfff lone surrogates \udc00",
    ],
)
def test_bad_input_always_gets_a_grade(reply):
    for semantic in (True, False):
        grade = grade_reply(
            ["Evaporation", "Condensation", "Precipitation"],
            reply,
            others=[["Solid", "Liquid"]],
            semantic=semantic,
        )
        assert 0.0 <= grade.score <= 1.0
        assert grade.total == 3


def test_a_hostile_item_is_read_within_bounds():
    item = ("viral " * 117).strip()  # 701 characters
    card = prepare_card([item, "Recrutement"])
    assert all(len(p.words) <= MAX_PHRASE_WORDS for p in card.phrases)
    assert len(card.phrases[0].words) == 1  # one word repeated is one word to find


def test_a_hostile_reply_is_graded_on_bounded_work():
    # 700 characters of one word against 4,000 of it: the case that took 11 s, with the square of the repeats.
    many = ["viral " * 20 + f"mot{index}" for index in range(40)]
    grade = grade_reply([*many, "Recrutement"], ("viral " * 700)[:4000], semantic=False)
    assert grade.total == 41
    lexical = grade_lexical(many, "viral " * 5000)
    assert lexical.read is not None and len(lexical.read.tokens) <= MAX_REPLY_CHARS


def test_out_of_time_the_grade_holds_what_was_found():
    items = [f"terme{index} commun" for index in range(60)]
    reply = ", ".join(f"terme{index} commun" for index in range(60))
    rushed = grade_lexical(items, reply, budget=0.0)
    full = grade_lexical(items, reply)
    assert rushed.truncated and not full.truncated
    assert set(rushed.credited) < set(full.credited)
    assert len(full.credited) == 60
    assert MAX_HITS_PER_PHRASE >= 1_000  # a normal reply never reaches the bound


def words_only(deck: str, question_part: str, reply: str) -> list[int]:
    loaded = load_deck(DECKS / f"{deck}.yaml")
    card = next(c for c in loaded.cards if question_part.lower() in c.question.lower())
    return grade_reply(card.items, reply, question=card.question, semantic=False).matched


@pytest.mark.parametrize(
    ("deck", "card", "reply", "expected"),
    [
        # A key named whole is credited though its words repeat the question ("lois constitutionnelles");
        # the question's word alone still names nothing.
        ("histoire-qc", "lois constitutionnelles", "Acte constitutionnel", [2]),
        ("histoire-qc", "lois constitutionnelles", "proclamation royale, acte constitutionnel", [0, 2]),
        ("histoire-qc", "lois constitutionnelles", "constitutionnel", []),
        # A detail's term with a number glued to letters names its item; the number alone does not.
        ("computing", "security", "2FA, backups", [1, 5]),
        ("computing", "security", "2, backups", [5]),
        # A key taken whole wins over another item's detail term inside it ("Québec" in the AANB's provinces).
        ("histoire-qc", "lois constitutionnelles", "proclamation royal 1763, acte de quebec 1774", [0, 1]),
        ("histoire-qc", "lois constitutionnelles", "Québec, Ontario", [4]),
    ],
)
def test_lexical_rules_on_new_decks(deck: str, card: str, reply: str, expected: list[int]) -> None:
    assert words_only(deck, card, reply) == expected


def test_a_truncation_takes_a_plural_s() -> None:
    card = ["Coordonnées", "Emploi", "Publications"]
    assert grade_reply(card, "coords, publis", semantic=False).matched == [0, 2]
    assert grade_reply(card, "cos", semantic=False).matched == []


def test_spoilers_side_by_side_are_list_entries() -> None:
    card = ["Contexte", "Description des réseaux et lexique", "Logique de chaque réseau"]
    assert grade_reply(card, "||contexte|| ||lexique|| ||logique||", semantic=False).matched == [0, 1, 2]
    # One spoiler holding the three words is one part: "logique" glued to other words names nothing.
    assert 2 not in grade_reply(card, "||contexte lexique logique||", semantic=False).matched


def test_an_abbreviation_without_vowels_is_the_skeleton_of_its_word() -> None:
    assert words_only("computing", "data types", "int, str, bool") == [0, 2, 3]
    assert words_only("computing", "data types", "rts") == []  # the letters out of order name nothing
    assert grade_reply(["Montréal", "Québec"], "mtl", semantic=False).matched == [0]
