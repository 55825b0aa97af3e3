"""Exercise checkers: each tells a reader whether an answer is right, and if not, why.

One module per notebook topic; every checker returns a ``CheckResult`` that prints as a
one-line verdict and is truthy when the answer is right.
"""

from course_nn.exercises.result import CheckResult

__all__ = ["CheckResult"]
