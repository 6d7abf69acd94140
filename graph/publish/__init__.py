"""What the graph publishes: entity documents, exports and dumps, the VoID description and its linksets, the
ontology as documentation and JSON-LD context, charts and the home page's overview. Imports graph.editions
and everything below it."""
