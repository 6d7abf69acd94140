"""Documenters' writes: checking and keeping posted documents, drafts waiting for review, and the case form
read from the shapes. Imports graph.ingest and everything below it."""
