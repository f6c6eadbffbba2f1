"""Sentiment towards each company a headline names (SEntFiN's entity labels)."""
