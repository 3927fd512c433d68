"""Messages of the quiz feature (its embeds, feedback and command descriptions)."""

MESSAGES: dict[str, dict[str, str]] = {}
