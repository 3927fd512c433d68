"""What every cog shares, and nothing else: the services and the language (:mod:`.access`), Discord's markup
(:mod:`.markup`), embeds from the core's Content (:mod:`.embeds`), private replies (:mod:`.replies`), the
one error reporter (:mod:`.errors`), the one answer form (:mod:`.forms`), the one confirmation view and
pager (:mod:`.views`), the one deck autocomplete (:mod:`.autocomplete`) and the lanes interaction responses
take under load (:mod:`.lanes`). Not a cog itself: it has no
``setup``."""
