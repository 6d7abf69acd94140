"""Third-party browser assets, installed from the npm registry into service/node_modules and served locally."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

NODE_MODULES = Path(__file__).parent / "node_modules"
# URL name under /static/vendor/ -> npm package (declared in service/package.json)
PACKAGES = {"codemirror": "codemirror", "swagger-ui": "swagger-ui-dist", "cytoscape": "cytoscape"}


def installed(name: str) -> bool:
    """Whether the package served under this name was installed."""
    return (NODE_MODULES / PACKAGES[name]).is_dir()


def mount(app: FastAPI) -> None:
    """Serve each installed package at /static/vendor/{name}; a package not installed is left out."""
    for name, package in PACKAGES.items():
        if installed(name):
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=NODE_MODULES / package), name=f"vendor-{name}")
