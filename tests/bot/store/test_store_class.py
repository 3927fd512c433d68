"""What migration 5 keeps: the class settings of a guild, each post's thread and reminder (once), members'
display names, and the cards a member got wrong most recently. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_support import GUILD, MONDAY, MakePost

from bot.store import GuildSettings, InvalidValue, Store

OTHER_GUILD = GUILD + 1


async def test_the_class_settings_are_kept(store: Store, guild: GuildSettings) -> None:
    assert (guild.ping_role_id, guild.open_thread, guild.reminder_hours) == (None, False, None)
    saved = await store.update_guild(GUILD, ping_role_id=77, open_thread=True, reminder_hours=3)
    assert (saved.ping_role_id, saved.open_thread, saved.reminder_hours) == (77, True, 3)
    again = await store.get_guild(GUILD)
    assert again == saved
    with pytest.raises(InvalidValue, match="reminder"):
        await store.update_guild(GUILD, reminder_hours=168)


async def test_a_thread_and_a_reminder_are_recorded_once(store: Store, make_post: MakePost) -> None:
    post = await make_post(MONDAY)
    assert (post.thread_id, post.reminded_at) == (None, None)
    assert [p.id for p in await store.posts_needing_thread(GUILD)] == [post.id]
    assert await store.set_post_thread(post.id, post.message_id or 0)
    assert not await store.set_post_thread(post.id, 123)  # a second thread is not recorded
    assert await store.posts_needing_thread(GUILD) == []
    at = MONDAY + timedelta(hours=20)
    assert await store.mark_reminded(post.id, at)
    assert not await store.mark_reminded(post.id, at + timedelta(minutes=1))
    stored = await store.get_post(post.id)
    assert stored is not None and stored.thread_id == post.message_id and stored.reminded_at == at
    # A revealed post needs no thread any more.
    later = await make_post(MONDAY + timedelta(days=1))
    await store.mark_revealed(later.id, MONDAY + timedelta(days=2))
    assert await store.posts_needing_thread(GUILD) == []


async def test_display_names_newest_wins_per_guild(store: Store) -> None:
    assert await store.save_member_names([]) == 0
    await store.save_member_names([(GUILD, 7, "Alice"), (GUILD, 8, "Bob"), (OTHER_GUILD, 7, "Alice B.")])
    await store.save_member_names([(GUILD, 7, "Alice Martin"), (GUILD, 9, "x" * 300)])
    names = await store.member_names(GUILD, [7, 8, 9, 10])
    assert names == {7: "Alice Martin", 8: "Bob", 9: "x" * 100}
    assert await store.member_names(OTHER_GUILD, [7, 8]) == {7: "Alice B."}
    assert await store.member_names(GUILD, []) == {}


async def test_the_cards_got_wrong_most_recently(
    store: Store, make_post: MakePost, card_ids: tuple[int, ...], deck_id: int
) -> None:
    first, second, third = card_ids[:3]
    at = MONDAY + timedelta(hours=1)

    async def practise(card: int, score: float, minutes: int, guild: int | None = GUILD) -> None:
        moment = at + timedelta(minutes=minutes)
        await store.record_practice(guild, 7, card, state="{}", due=moment, score=score, answered_at=moment)

    assert await store.recent_mistakes(GUILD, 7, deck_id) == []
    await practise(first, 0.25, 1)
    await practise(second, 0.0, 2)
    await practise(third, 0.5, 3)
    await practise(third, 1.0, 4)  # right the last time: not a mistake any more
    await practise(first, 0.0, 5, guild=OTHER_GUILD)  # another server's practice is not this one's
    assert await store.recent_mistakes(GUILD, 7, deck_id) == [second, first]
    # A daily answer counts too: the first card was answered wrong even later, the second right.
    post = await make_post(MONDAY, card=0)
    await store.record_answer(post.id, 7, "x", [], 0.0, at + timedelta(minutes=10))
    other = await make_post(MONDAY + timedelta(days=1), card=1)
    await store.record_answer(other.id, 7, "x", [0, 1], 1.0, MONDAY + timedelta(days=1, minutes=1))
    assert await store.recent_mistakes(GUILD, 7, deck_id) == [first]
    assert await store.recent_mistakes(GUILD, 8, deck_id) == []
    assert await store.recent_mistakes(None, 7, deck_id) == []  # the terminal's practice is apart
    assert await store.recent_mistakes(GUILD, 7, deck_id, limit=0) == []
