"""The lexicon data files and their readers (name, post and body lists, unit registries, gazetteer)."""
