"""The page at GET / and its assets."""
