"""Messages of the practice feature (its embeds, feedback and command descriptions)."""

MESSAGES: dict[str, dict[str, str]] = {}
