"""The statistics page: charts of the cases, drawn from the live store (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Pages"])
