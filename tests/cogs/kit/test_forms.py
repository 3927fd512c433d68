"""The one answer form: the question shown above the input, escaped and within Discord's limits."""

from __future__ import annotations

import discord

from cogs.kit.forms import ANSWER_INPUT, QUESTION_LIMIT, answer_form, submitted_text
from tests.fakediscord.validate import validate_modal


def payload(modal: discord.ui.Modal) -> dict[str, object]:
    return {"custom_id": modal.custom_id, "title": modal.title, "components": modal.to_components()}


def test_the_form_shows_the_question_escaped_then_the_input() -> None:
    modal = answer_form(
        "daily:modal:1",
        title="Your answer",
        question="Name **two** things @everyone",
        label="Your answer",
        hint="2 items expected",
        placeholder="One per line",
        max_length=4000,
    )
    data = payload(modal)
    validate_modal(data)
    display, label = modal.to_components()
    assert display["type"] == 10
    assert "\\*\\*two\\*\\*" in display["content"] and "@\u200beveryone" in display["content"]
    assert (
        label["type"] == 18 and label["label"] == "Your answer" and label["description"] == "2 items expected"
    )
    assert label["component"]["custom_id"] == ANSWER_INPUT


def test_a_very_long_question_is_cut_to_what_discord_accepts() -> None:
    modal = answer_form(
        "quiz:m:0123456789ab:1",
        title="Round 1" * 10,
        question="why " * 2000,
        label="L" * 60,
        placeholder="p" * 200,
        max_length=4000,
    )
    validate_modal(payload(modal))
    display = modal.to_components()[0]
    assert len(display["content"]) <= QUESTION_LIMIT and display["content"].endswith("…**")


def test_the_answer_is_read_from_a_submitted_label() -> None:
    submitted = [
        {"type": 10, "id": 1},
        {"type": 18, "id": 2, "component": {"type": 4, "custom_id": ANSWER_INPUT, "value": "Spring"}},
    ]
    assert submitted_text(submitted, ANSWER_INPUT) == "Spring"
