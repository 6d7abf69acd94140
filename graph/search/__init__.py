"""Text search over every name and label, and the forms under which a name is found across scripts.
Imports graph.query, graph.store and the foundation modules."""
