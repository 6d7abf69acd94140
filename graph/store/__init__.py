"""The store and the files it is built from: the store seam (seam.py) with its embedded Oxigraph implementation
(store.py), opened through opening.py; source documents as TriG files, and the digest of what a store holds.
Imports only graph's foundation modules (errors, paths, settings, namespaces, iris, files)."""
