"""Checking documents before anything keeps them: the SHACL shapes, the closed world of terms, and references
to records already in the graph. Imports graph.store and the foundation modules."""
