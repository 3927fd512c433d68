"""The test suite, a package so that its support code is importable from the repository root.

``bench/`` reaches the fake Discord as ``tests.fakediscord`` (``python -m bench`` runs from the root), with
no ``sys.path`` editing.
"""
