"""Headline sentiment: limits, the micro-batcher, scoring and the route."""
