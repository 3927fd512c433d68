"""Messages of the leaderboard feature (its embeds, feedback and command descriptions)."""

MESSAGES: dict[str, dict[str, str]] = {}
