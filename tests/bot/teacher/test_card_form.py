"""The card form's format (issue 10): every stored card round-trips through the form's two boxes, items
are read as teachers write them, and a wrong form is refused whole, each wrong line named, in French and
English."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.decks import Card, Item, load_deck
from bot.i18n import NBSP, t
from bot.rules.scheduling import choose_card
from bot.teacher.card_form import CardFormError, format_items, parse_card, parse_item, version_of

DECKS = Path(__file__).resolve().parents[3] / "data" / "decks"


@pytest.mark.parametrize("path", sorted(DECKS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_card_round_trips_through_the_form(path: Path) -> None:
    for card in load_deck(path).cards:
        back = parse_card(card.question, format_items(card))
        assert (back.question, back.items) == (card.question, card.items)


def test_separators_inside_values_are_escaped_and_read_back() -> None:
    card = Card(
        "Formats ?",
        (
            Item("16:9", "écran large | cinéma", ("seize neuvièmes, large", "wide|screen", "a\\b")),
            Item("- tiret"),
            Item("Plain"),
        ),
    )
    text = format_items(card)
    assert (
        text.splitlines()[0]
        == "16\\:9: écran large \\| cinéma | seize neuvièmes\\, large, wide\\|screen, a\\\\b"
    )
    assert text.splitlines()[1] == "\\- tiret"
    assert parse_card(card.question, text).items == card.items


def test_items_are_read_as_teachers_write_them() -> None:
    assert parse_item("- Transparence: tout se voit | transparent, transparency") == Item(
        "Transparence", "tout se voit", ("transparent", "transparency")
    )
    assert parse_item("• Viral | viralité | buzz,  , Viralité") == Item("Viral", "", ("viralité", "buzz"))
    assert parse_item("  Note: voir: page 3  ") == Item("Note", "voir: page 3")
    assert parse_item("Ctrl\x07char") == Item("Ctrl char")
    card = parse_card("  Les 4 forces ?  \n", "\n\nA\n\n  B: b \n")
    assert card == Card("Les 4 forces ?", (Item("A"), Item("B", "b")))


def test_a_wrong_form_names_every_line_in_english_and_french() -> None:
    with pytest.raises(CardFormError) as caught:
        parse_card("", "Viral\n: sans réponse\n| alias\nviral")
    error = caught.value
    english = error.message("en")
    assert english.splitlines()[0].startswith("Nothing was saved")
    assert "The question is empty" in english
    assert "Line 2 of the items, “: sans réponse”, has no answer" in english
    assert "Line 3 of the items, “| alias”" in english
    assert "Line 4 of the items names “viral” again (already on line 1)" in english
    french = error.message("fr")
    assert french.startswith(f"Rien n'a été enregistré{NBSP}:")
    assert "La ligne 2 des éléments, « : sans réponse »" in french.replace(NBSP, " ")
    assert "`réponse: détail | alias, alias`" in french  # the syntax, in the teacher's words
    assert "`answer: detail | alias, alias`" in english

    with pytest.raises(CardFormError, match=r"teacher\.form\.invalid") as empty:
        parse_card("Q ?", "  \n\n")
    assert "There are no items" in empty.value.message("en")


def test_the_version_changes_with_the_content_only() -> None:
    card = Card("Q ?", (Item("A", "a", ("x",)),), line=3)
    assert version_of(card) == version_of(Card("Q ?", (Item("A", "a", ("x",)),), line=99))
    for other in (
        Card("Q  ?", card.items),
        Card("Q ?", (Item("A", "a"),)),
        Card("Q ?", (Item("A", "b", ("x",)),)),
    ):
        assert version_of(other) != version_of(card)


def test_a_queued_card_comes_first_once() -> None:
    deck = [11, 12, 13, 14]
    assert choose_card(deck, [], seed=1, queued=13) == 13
    assert choose_card(deck, [11, 12], seed=1, queued=12) == 12  # even one already posted this cycle
    assert choose_card(deck, [], seed=1, queued=99) == choose_card(deck, [], seed=1)  # not in the deck
    # Once posted, the cycle goes on without repeating it.
    history = [13]
    for _ in range(3):
        history.append(choose_card(deck, history, seed=1))
    assert sorted(history) == deck


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_form_fits_discord_limits_in_both_languages(lang: str) -> None:
    for key in ("teacher.form.question_label", "teacher.form.items_label"):
        assert len(t(key, lang)) <= 45  # Discord's limit for an input's label
    for key in ("teacher.form.question_placeholder", "teacher.form.items_placeholder"):
        assert len(t(key, lang)) <= 100


def test_boxes_longer_than_discord_sends_are_refused_at_once() -> None:
    with pytest.raises(CardFormError) as caught:
        parse_card("Q ?", "x" * 100_000)
    assert "The items have 100,000 characters; the form holds at most 4,000" in caught.value.message("en")
