"""The layers in front of FastAPI: request context, token, content type, hot paths."""
