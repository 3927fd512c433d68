"""The daily post reaches the class, end to end against the fake Discord: the answer form shows the question,
the post pings the configured role and nothing else, a thread per question, one reminder before the
deadline, and members shown by their display names (reveal, export), in French and English.
"""

from __future__ import annotations

import pytest

from cogs.kit.forms import QUESTION_LIMIT
from tests.fakediscord.validate import ApiError, validate_modal
from tests.support.classroom import POST_AT, Class


@pytest.mark.parametrize(
    ("lang", "label", "hint"),
    [("en", "Your answer", "4 items expected"), ("fr", "Votre réponse", "4 éléments attendus")],
)
async def test_the_answer_form_shows_the_question(klass: Class, lang: str, label: str, hint: str) -> None:
    fake = klass.fake
    alice = klass.students["alice"]
    await klass.start()
    await klass.setup(language=lang)
    await klass.tick_at(POST_AT)
    (post_message,) = klass.posts()
    _, card = await klass.card_of(post_message)

    opened = await fake.click(alice, post_message, label="Answer" if lang == "en" else "Répondre")
    assert opened.kind == "modal"
    form = opened.modal
    # The question itself, in the form (nobody answers blind on a phone), then the one answer input.
    assert card.question in form.text
    assert [i.label for i in form.inputs] == [label]
    assert form.components[0]["type"] == 10 and form.components[1]["type"] == 18
    assert form.components[1].get("description") == hint
    graded = await form.submit({label: card.items[0].answer})
    assert graded.ephemeral and f"1/{len(card.items)}" in graded.text


def test_the_fake_refuses_what_discord_refuses_in_a_form() -> None:
    label = {"type": 18, "label": "Answer", "component": {"type": 4, "custom_id": "a", "style": 2}}
    validate_modal({"custom_id": "m", "title": "T", "components": [{"type": 10, "content": "Q?"}, label]})
    for bad in (
        [{"type": 10, "content": ""}, label],
        [{"type": 10, "content": "x" * (QUESTION_LIMIT + 1)}, label],
        [{"type": 2, "custom_id": "b", "style": 1, "label": "no"}, label],
        [{**label, "description": "d" * 101}],
    ):
        with pytest.raises(ApiError) as refused:
            validate_modal({"custom_id": "m", "title": "T", "components": bad})
        assert refused.value.code == 50035
