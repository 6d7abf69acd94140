"""Editions of the graph: building a store from every source, revising it by one, the lock a server holds on
it, and the index files (search and networks) kept beside it. Imports graph.network, graph.search,
graph.query, graph.validation, graph.store and the foundation modules."""
