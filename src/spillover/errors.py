"""Errors that reach the user as one line: what is wrong, where, and how to fix it."""

from __future__ import annotations


class SpilloverError(Exception):
    """Base of the project's errors; the CLI prints str(error) and exits with `exit_status`."""

    exit_status = 1


class InputError(SpilloverError):
    """Bad input or usage (a file, an annotation, a parameter): exit status 2."""

    exit_status = 2


class AnnotationError(InputError):
    """An annotation file that is malformed or points at text that is not in the article."""


class ParameterError(InputError):
    """An unknown parameter, or a value of the wrong type or out of range."""
