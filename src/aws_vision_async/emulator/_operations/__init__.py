"""The emulated operations, one module per family of operations over one account's state.

A family is a subclass of ``_base.StateBase`` (or of the family whose resources it
works on, as ``ModelVersions`` extends ``ProjectsAndDatasets``). ``State`` in
``emulator/_state.py`` composes every family; see there how to add one.
"""
