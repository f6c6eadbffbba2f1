"""The GDP outlook: FRED fetches and their checks, features, the vintage store, the
forecast cache, the refresh schedule and the routes."""
