"""Teacher tools: /stats and the deck library (:mod:`.service`), uploads (:mod:`.upload`), what they say
(:mod:`.render`)."""
