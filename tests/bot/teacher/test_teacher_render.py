"""Teacher tools without Discord: upload checks, deck names, previews, /stats texts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import content
from bot.decks import MAX_DECK_BYTES, Card, Deck, DeckWarning, Item, names
from bot.i18n import NBSP
from bot.store import ItemStat, Post, PostStats
from bot.teacher import render, upload
from tests.support import MARK

NOTES = "Les 4 forces ?\n- Transparence\n- Rapidité\n- Interactivité\n- Mobilisation\n".encode()


def refusal(data: bytes, filename: str) -> upload.UploadError:
    with pytest.raises(upload.UploadError) as caught:
        upload.parse_upload(data, filename)
    return caught.value


def test_a_good_upload_is_a_deck():
    deck = upload.parse_upload(NOTES, "cours.txt")
    assert [len(card.items) for card in deck.cards] == [4]


def test_files_refused_before_download():
    with pytest.raises(upload.UploadError) as caught:
        upload.check_upload("big.txt", MAX_DECK_BYTES + 1)
    assert caught.value.message("en") == (
        "**big.txt** is 1.01 MB; a deck may be at most 1 MB. Split the course into several decks. "
        "Nothing was saved."
    )
    assert f"1,01 Mo{NBSP}; un paquet peut faire au plus 1 Mo." in caught.value.message("fr")
    with pytest.raises(upload.UploadError) as caught:
        upload.check_upload("photo.png", 10)
    assert caught.value.key == "teacher.deck.bad_extension"
    upload.check_upload("deck.YAML", MAX_DECK_BYTES)  # exactly the limit is fine


NO_LINE = "teacher.deck.invalid_no_line"


@pytest.mark.parametrize(
    ("data", "filename", "key", "reason", "expected"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "notes.txt",
            NO_LINE,
            "decks.source.image",
            "is not a deck I can import: this is an image, not a text deck",
        ),
        (
            b"PK" + bytes(range(1, 32)) * 3,
            "notes.csv",
            NO_LINE,
            "decks.source.control_characters",
            "is not a deck I can import: the file is full of control characters; it is not a text deck",
        ),
        (
            b"\xff\xfe" + "Question ?\n- a\n".encode("utf-16-le") + b"\x00\xd8",
            "notes.txt",
            "teacher.deck.invalid",
            "decks.source.bad_unicode",
            "line 3, is not a deck I can import: the file says it is UTF-16 but is not valid UTF-16",
        ),
        (
            b"  \n\n",
            "notes.txt",
            NO_LINE,
            "decks.source.empty",
            "is not a deck I can import: the file is empty",
        ),
        (b"hello\nnot a deck\n", "notes.txt", NO_LINE, "decks.text.no_question_found", "no question found"),
        (
            b"title: x\ncards:\n  - question: Q?\n",
            "deck.yaml",
            "teacher.deck.invalid",
            "decks.yaml.no_items",
            "line 3, is not a deck I can import: card 1 ('Q?') has no items",
        ),
    ],
)
def test_bad_uploads_name_the_file_and_line(data: bytes, filename: str, key: str, reason: str, expected: str):
    error = refusal(data, filename)
    assert error.key == key
    assert error.values["error"].key == reason  # the importer's own DeckError, not a second check
    text = error.message("en")
    assert filename in text and expected in text and "Nothing was saved." in text
    french = error.message("fr")
    assert french != text and error.values["error"].describe("fr") in french
    assert "Rien n'a été enregistré." in french


def test_refusals_explain_in_the_guild_language():
    error = refusal(b"title: x\ncards:\n  - question: Q?\n", "deck.yaml")
    assert error.message("fr") == (
        f"**deck.yaml**, ligne 3, n'est pas un paquet que je peux importer{NBSP}: "
        f"la carte 1 («{NBSP}Q?{NBSP}») n'a aucun élément (ajoutez «{NBSP}items:{NBSP}» avec au moins un "
        f"«{NBSP}- answer: ...{NBSP}»). Rien n'a été enregistré."
    )
    error = refusal(b"\xff\xfe" + "Question ?\n- a\n".encode("utf-16-le") + b"\x00\xd8", "unicode.txt")
    assert error.message("fr").startswith(
        f"**unicode.txt**, ligne 3, n'est pas un paquet que je peux importer{NBSP}: "
        "le fichier se dit en UTF-16, mais n'est pas du UTF-16 valide"
    )


def test_user_text_in_refusals_is_escaped():
    error = refusal(b"\x00", "@everyone **x**.txt")
    assert error.message("en", MARK).startswith(
        "**[@everyone **x**.txt]** is not a deck I can import: [this is a binary file"
    )
    # The importer's explanation quotes the file: it is escaped too.
    error = refusal(b"Q **gras** @everyone ?\n", "notes.txt")
    assert "[the question 'Q **gras** @everyone ?' has no answers" in error.message("en", MARK)


def test_deck_names():
    assert upload.import_name("Cours 2 **final** @everyone.TXT") == "cours-2-final-everyone"
    assert upload.import_name("<@123>.yaml") == "123"
    assert upload.import_name("🎉.csv") == "deck"
    for good in ("cours-2", "Cours 2", "anglais", "  cours-2 ", "économie-101", "a-"):
        assert names.check_deck_name(good) == " ".join(good.split())
    for bad in ("**bold**", "@everyone", "<@123>", "a_b", "`x`", "||s||", "🎉", "", "#general", "x" * 65):
        with pytest.raises(names.BadDeckName):
            names.check_deck_name(bad)


def test_preview_lines():
    deck = Deck(
        title="T",
        cards=(
            Card("Les 4 forces ? **gras**", (Item("A"), Item("B"))),
            Card("Q2", (Item("Seul"),)),
        ),
        warnings=(
            DeckWarning("decks.text.count_mismatch", 4, expected=3, found=2),
            DeckWarning("decks.csv.extra_columns"),
            DeckWarning("decks.text.duplicate_answer", 7, answer="**A**"),
        ),
    )
    assert render.card_lines(deck.cards, "en", MARK) == [
        "1. [Les 4 forces ? **gras**] — 2 items",
        "2. [Q2] — 1 item",
    ]
    assert (
        render.card_lines(deck.cards, "fr", answers=True)[0]
        == "1. Les 4 forces ? **gras** — 2 éléments\n  A · B"
    )
    assert render.warning_lines(deck, "fr") == [
        f"Ligne 4{NBSP}: la question annonce 3 réponses, mais j'en trouve 2",
        "les colonnes après la deuxième sont ignorées",
        f"Ligne 7{NBSP}: la réponse «{NBSP}**A**{NBSP}» figure deux fois",
    ]
    assert render.warning_lines(deck, "en", MARK)[2] == "Line 7: [the answer '**A**' is listed twice]"
    assert render.cards_text(0, "fr") == "0 carte"
    assert render.language_name("fr", "en") == "French"


def test_fit_lines_stays_under_the_limit():
    lines = [f"line {n:03d}" for n in range(100)]
    text = content.fit_lines(lines, 100, lambda left: f"+{left} more")
    assert len(text) <= 100
    kept = text.split("\n")
    assert kept[-1] == f"+{100 - (len(kept) - 1)} more"
    assert content.fit_lines(lines[:3], 100, lambda left: "never") == "line 000\nline 001\nline 002"


def post_stats(rates: list[tuple[int, float]], participants: int) -> PostStats:
    at = datetime(2024, 3, 4, 13, tzinfo=UTC)
    post = Post(1, 1, 1, 1, 5, 6, at, at, at, at, None)
    items = tuple(ItemStat(position, hits, rate) for position, (hits, rate) in enumerate(rates))
    return PostStats(post=post, participants=participants, average_score=0.5, items=items, top=())


def test_stats_lines_and_what_the_class_forgets():
    stats = post_stats([(4, 1.0), (1, 0.25), (2, 0.5), (0, 0.0)], 4)
    card = Card("Q", (Item("Transparence"), Item("Rapidité"), Item("Interactivité")))
    labels = render.item_labels(card, 4, "en")
    assert labels == ["Transparence", "Rapidité", "Interactivité", "Item 4"]
    assert render.item_lines(stats, labels, "en")[1] == "25% — Rapidité (1/4)"
    assert [item.position for item in render.forgotten(stats.items)] == [3, 1]
    assert render.forgotten_lines(stats, labels, "fr", MARK) == [
        f"**[Item 4]** — 0{NBSP}%",
        f"**[Rapidité]** — 25{NBSP}%",
    ]
    assert render.forgotten_lines(post_stats([(3, 0.75)], 4), ["A"], "en") == [
        "Nothing stands out: at least half of the participants found every item."
    ]
    assert render.item_labels(None, 2, "fr") == ["Élément 1", "Élément 2"]


def test_question_choices_fit_discord():
    slot = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)
    label = render.question_choice(slot, "Q" * 300, ZoneInfo("America/Montreal"), "en")
    assert label.startswith("2024-03-04 — QQQ") and label.endswith("…") and len(label) == 100
    assert (
        render.question_choice(slot, None, ZoneInfo("UTC"), "en")
        == "2024-03-05 — (question removed with its deck)"
    )


def test_every_problem_of_a_deck_is_listed_in_one_refusal():
    data = b"title: x\ncards:\n  - question: Q?\n  - question: R?\n    items: [a]\n  - answer B\n"
    error = refusal(data, "d.yaml")
    assert error.key == "teacher.deck.invalid_many"
    text = error.message("en", MARK)
    assert text.startswith("**[d.yaml]** is not a deck I can import. Every problem found, to fix in one go:")
    assert "• [line 3: card 1 ('Q?') has no items" in text
    assert "• [line 6: card 3 reads 'answer B': it looks like the key 'answer' without its colon" in text
    assert text.endswith("Nothing was saved.")
    assert "Rien n'a été enregistré." in error.message("fr", MARK)
