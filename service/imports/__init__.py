"""Importing tables from other systems: the waiting list from the case system's export, units and homes.

No database here: `tables.py` reads a CSV or Excel (.xlsx) file into rows that
carry their line numbers; `mapping.py` reads the column mapping (kolonneoppsett,
`rutine/import-*.yaml`) and turns each row's cells into the values of our fields.
The use case, which validates every row through the casework's commands and the
rules vocabulary and writes all rows or none, is service/casework/imports.py.
"""
