"""The daily question: the service (:mod:`.service`), its records (:mod:`.results`), what it says
(:mod:`.render`) and its pure rules (:mod:`.rules`)."""
