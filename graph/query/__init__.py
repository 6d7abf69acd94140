"""SPARQL over the store: the protocol's checks from the parsed query, named queries, result formats, and the
confined worker processes that run queries. Imports graph.store and the foundation modules."""
