"""The HTTP API: a thin FastAPI layer over ``matcher.service``."""
