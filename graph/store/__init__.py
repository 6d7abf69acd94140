"""The store and the files it is built from: the embedded Oxigraph store, source documents as TriG files, and
the digest of what a store holds. Imports only graph's foundation modules (errors, paths, settings, namespaces,
iris, files)."""
