"""The one answer form (a modal: the question itself, then one paragraph input), the card form (two inputs),
and reading a submitted form by its custom id.

The question is shown in the answer form (a text display), so nobody answers blind on a phone, where the form
covers the post.

Forms are recognised by their custom id, not by a Modal object kept in memory (discord.py is told not to keep
them), so a form opened before a restart of the bot is still answered after it.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from .markup import safe

#: The answer input's custom id, the same in every form.
ANSWER_INPUT = "answer:text"
#: The card form's inputs: the question and the items, one a line.
QUESTION_INPUT = "card:question"
ITEMS_INPUT = "card:items"
#: Discord's limit for one text input.
MAX_INPUT = 4000
#: What a modal's text display holds at most (Discord: 4,000 characters).
QUESTION_LIMIT = 4000


def answer_form(
    custom_id: str,
    *,
    title: str,
    question: str,
    label: str,
    placeholder: str,
    max_length: int,
    hint: str | None = None,
) -> discord.ui.Modal:
    """The answer form: the ``question`` (a deck's text, escaped here) as a text display, then one paragraph
    input labelled ``label`` with ``hint`` under it (titles and labels at most 45 characters, hints 100)."""
    modal = discord.ui.Modal(title=title[:45], custom_id=custom_id, timeout=None)
    modal.add_item(discord.ui.TextDisplay(f"**{safe(question, QUESTION_LIMIT - 4)}**"))
    text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        placeholder=placeholder[:100],
        max_length=max_length,
        custom_id=ANSWER_INPUT,
    )
    modal.add_item(
        discord.ui.Label(text=label[:45], description=hint[:100] if hint else None, component=text_input)
    )
    # Stopped before it is sent, discord.py does not keep it: the submission reaches the cog's
    # on_interaction, which also works for a form opened before a restart.
    modal.stop()
    return modal


def card_form(
    custom_id: str,
    *,
    title: str,
    question: tuple[str, str, str],
    items: tuple[str, str, str],
) -> discord.ui.Modal:
    """The card form: the question and the items, each ``(label, value, placeholder)``, pre-filled."""
    modal = discord.ui.Modal(title=title[:45], custom_id=custom_id, timeout=None)
    for input_id, (label, value, placeholder) in ((QUESTION_INPUT, question), (ITEMS_INPUT, items)):
        modal.add_item(
            discord.ui.TextInput(
                label=label[:45],
                style=discord.TextStyle.paragraph,
                default=value[:MAX_INPUT] or None,
                placeholder=placeholder[:100],
                max_length=MAX_INPUT,
                custom_id=input_id,
            )
        )
    modal.stop()  # answered by custom id, as the answer form
    return modal


def submitted_card(
    interaction: discord.Interaction, custom_id: re.Pattern[str]
) -> tuple[re.Match[str], str, str] | None:
    """For a submitted card form whose custom id matches: the match, the question and the items typed."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    match = custom_id.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    components = list(data.get("components") or ())
    return match, submitted_text(components, QUESTION_INPUT), submitted_text(components, ITEMS_INPUT)


def submitted_text(components: list[dict[str, Any]], custom_id: str) -> str:
    """The value of text input ``custom_id`` in a modal submission (rows or labels, at any depth)."""
    for component in components:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component.get("value") or "")
        children = list(component.get("components") or ())
        if isinstance(component.get("component"), dict):
            children.append(component["component"])
        found = submitted_text(children, custom_id)
        if found:
            return found
    return ""


def submitted_answer(
    interaction: discord.Interaction, custom_id: re.Pattern[str]
) -> tuple[re.Match[str], str] | None:
    """For a submitted answer form whose custom id matches ``custom_id``: the match and the text typed;
    None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
    match = custom_id.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    return match, submitted_text(list(data.get("components") or ()), ANSWER_INPUT)
