"""Relationship networks over HTTP (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Networks"])
