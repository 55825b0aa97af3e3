"""course_nn: the tested NumPy (and PyTorch) code behind the course notebooks.

Each module covers one topic and names the notebook that introduces it:

- ``seeding``, ``device``, ``validation``, ``gradcheck``, ``progress``, ``plotting``,
  ``data`` and ``notebook``: foundations every notebook uses;
- ``threshold_units`` and ``linear_rules``: notebook 01 (threshold units and linear
  learning rules);
- ``exercises``: the checkers that tell a reader whether an exercise answer is right.
"""

from course_nn.device import choose_device
from course_nn.seeding import seed, torch_generator

__all__ = ["choose_device", "seed", "torch_generator"]
__version__ = "0.1.0"
