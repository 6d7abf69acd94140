"""Relationship networks built from the store: views, ego networks, explained paths, measures, and their file
formats. Imports graph.search, graph.query, graph.store and the foundation modules."""

from graph.network.files import load_views, save_views

__all__ = ["load_views", "save_views"]
