"""The one confirmation view, the one pager and the one menu view: buttons and select menus under a private
or public message that only the member who asked may use, which stop with the bot and take themselves away
when they expire."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.errors import UserError
from bot.i18n import t

from .errors import report_error
from .markup import DISCORD
from .replies import NO_PINGS, send_private

#: Seconds a preview or a confirmation waits for a click (an interaction token lasts 15 minutes).
CONFIRM_TIMEOUT = 600.0
#: Seconds page buttons keep working.
PAGER_TIMEOUT = 300.0
#: Discord's bounds on a select menu: options, label and value lengths, placeholder length.
MAX_OPTIONS, MAX_LABEL, MAX_VALUE, MAX_PLACEHOLDER = 25, 100, 100, 150


class LiveViews:
    """The views a cog has running, stopped with the cog (so no timeout task outlives the bot)."""

    def __init__(self) -> None:
        self._views: set[discord.ui.View] = set()

    def add(self, view: discord.ui.View) -> None:
        self._views.add(view)

    def discard(self, view: discord.ui.View) -> None:
        self._views.discard(view)

    def stop_all(self) -> None:
        for view in self._views:
            view.stop()
        self._views.clear()


class OwnedView(discord.ui.View):
    """A view only ``owner_id`` may click (anyone else is told privately), registered in ``live``."""

    def __init__(self, *, owner_id: int, lang: str, live: LiveViews, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.lang = lang
        self.live = live
        live.add(self)
        #: The interaction whose response carries the view (to take the buttons away at the timeout).
        self.origin: discord.Interaction | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_private(interaction, t("common.error.not_yours", self.lang))
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error, self.lang)

    def finish(self) -> None:
        self.stop()  # one decision: later clicks reach nothing
        self.live.discard(self)


class ConfirmView(OwnedView):
    """Confirm / Cancel under a private preview; nothing happens until the member who asked clicks."""

    def __init__(
        self,
        *,
        owner_id: int,
        lang: str,
        confirm_label: str,
        on_confirm: Callable[[discord.Interaction], Awaitable[None]],
        live: LiveViews,
        danger: bool = False,
        expired_key: str = "common.error.expired",
    ) -> None:
        super().__init__(owner_id=owner_id, lang=lang, live=live, timeout=CONFIRM_TIMEOUT)
        self.on_confirm = on_confirm
        self.expired_key = expired_key
        self.confirm.label = confirm_label
        self.confirm.style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.success
        self.cancel.label = t("common.cancel", lang)

    @discord.ui.button(style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.finish()
        await self.on_confirm(interaction)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.finish()
        await interaction.response.edit_message(
            content=t("common.cancelled", self.lang), embed=None, view=None, allowed_mentions=NO_PINGS
        )

    async def on_timeout(self) -> None:
        self.live.discard(self)
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(
                    content=t(self.expired_key, self.lang), embed=None, view=None
                )


async def confirm_then(
    interaction: discord.Interaction,
    prompt: str,
    *,
    lang: str,
    confirm_label: str,
    action: Callable[[], Awaitable[str]],
    live: LiveViews,
    expired_key: str = "common.error.expired",
) -> None:
    """Ask privately for a confirmation, then do ``action`` and show what it says (or the user error that
    stopped it: made active, removed meanwhile...). A destructive action: the button is red."""

    async def on_confirm(click: discord.Interaction) -> None:
        try:
            text = await action()
        except UserError as error:
            text = error.message(lang, DISCORD)
        await click.response.edit_message(content=text, embed=None, view=None, allowed_mentions=NO_PINGS)

    view = ConfirmView(
        owner_id=interaction.user.id,
        lang=lang,
        confirm_label=confirm_label,
        on_confirm=on_confirm,
        live=live,
        danger=True,
        expired_key=expired_key,
    )
    view.origin = interaction
    await send_private(interaction, prompt, view=view)


#: Renders a 0-based page: (embed, the page actually shown, pages).
PageRenderer = Callable[[int], Awaitable[tuple[discord.Embed, int, int]]]


class Pager(OwnedView):
    """Previous/Next under a message; only the member who asked may turn the pages."""

    def __init__(
        self, *, owner_id: int, lang: str, render: PageRenderer, page: int, pages: int, live: LiveViews
    ) -> None:
        super().__init__(owner_id=owner_id, lang=lang, live=live, timeout=PAGER_TIMEOUT)
        self.render = render
        self.page = page
        self.previous_page.label = t("common.previous_page", lang)
        self.next_page.label = t("common.next_page", lang)
        self._update(pages)

    def _update(self, pages: int) -> None:
        self.previous_page.disabled = self.page <= 0
        self.next_page.disabled = self.page >= pages - 1

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        embed, self.page, pages = await self.render(self.page + step)
        self._update(pages)
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_PINGS)

    @discord.ui.button(style=discord.ButtonStyle.secondary, emoji="◀️")
    async def previous_page(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(style=discord.ButtonStyle.secondary, emoji="▶️")
    async def next_page(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, +1)

    async def on_timeout(self) -> None:
        self.live.discard(self)
        # Take the buttons away rather than leave ones that no longer answer.
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None)


@dataclass(frozen=True, slots=True)
class Menu:
    """A select menu: its fixed custom id, its placeholder, its options as (label, value), and what choosing
    one does (given the interaction and the value chosen)."""

    custom_id: str
    placeholder: str
    options: Sequence[tuple[str, str]]
    on_choose: Callable[[discord.Interaction, str], Awaitable[None]]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MenuView(OwnedView):
    """Select menus (one per row, at most 5) and an optional Cancel button under a message: only the member
    who asked may choose. Menus without options are left out; each shows at most 25 options."""

    def __init__(
        self,
        *,
        owner_id: int,
        lang: str,
        live: LiveViews,
        menus: Sequence[Menu],
        on_cancel: Callable[[discord.Interaction], Awaitable[None]] | None = None,
        timeout: float = CONFIRM_TIMEOUT,
    ) -> None:
        super().__init__(owner_id=owner_id, lang=lang, live=live, timeout=timeout)
        shown = [menu for menu in menus if menu.options]
        if len(shown) > 4:
            raise ValueError("a message holds at most 4 select menus and a row of buttons")
        for row, menu in enumerate(shown):
            select: discord.ui.Select[MenuView] = discord.ui.Select(
                custom_id=menu.custom_id,
                placeholder=_clip(menu.placeholder, MAX_PLACEHOLDER),
                options=[
                    discord.SelectOption(label=_clip(label, MAX_LABEL), value=value[:MAX_VALUE])
                    for label, value in menu.options[:MAX_OPTIONS]
                ],
                row=row,
            )
            select.callback = self._chosen(select, menu)  # type: ignore[method-assign]
            self.add_item(select)
        if on_cancel is not None:
            button: discord.ui.Button[MenuView] = discord.ui.Button(
                label=t("common.cancel", lang), style=discord.ButtonStyle.secondary, row=4
            )

            async def cancel(interaction: discord.Interaction) -> None:
                await on_cancel(interaction)

            button.callback = cancel  # type: ignore[method-assign]
            self.add_item(button)

    @property
    def empty(self) -> bool:
        return not self.children

    def _chosen(
        self, select: discord.ui.Select[MenuView], menu: Menu
    ) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def chosen(interaction: discord.Interaction) -> None:
            self.finish()  # one choice per menu message: the next view replaces this one
            await menu.on_choose(interaction, select.values[0])

        return chosen

    async def on_timeout(self) -> None:
        self.live.discard(self)
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None)
