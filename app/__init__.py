"""The inference service: headline sentiment and the GDP growth outlook over HTTP."""
