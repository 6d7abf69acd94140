"""The case form, read from the SHACL shapes: which records a source document may hold, and the fields of each.

The form is a plain description (records, fields, kinds of value) that the service renders; a shape
changed in shapes/ changes the form with it. The submitted fields come back here, and the document
is built as an RDF graph with rdflib, never by pasting text into Turtle.
"""
