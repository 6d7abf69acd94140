"""The casegraph web service: a thin FastAPI layer over the casegraph library."""
