"""Typed dependencies: the settings and the open store, overridable in tests."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from casegraph.settings import Settings
from casegraph.store import CaseStore


def get_store(request: Request) -> CaseStore:
    """The store the application opened at start-up."""
    store: CaseStore = request.app.state.store
    return store


def get_app_settings(request: Request) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[CaseStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
