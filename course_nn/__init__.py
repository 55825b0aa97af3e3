"""course_nn: the tested NumPy (and PyTorch) code behind the course notebooks.

Each module covers one topic and names the notebook that introduces it:

- ``seeding``, ``device``, ``validation``, ``gradcheck``, ``progress``, ``plotting``,
  ``data`` and ``notebook``: foundations every notebook uses;
- ``threshold_units`` and ``linear_rules``: notebook 01 (threshold units and linear
  learning rules);
- ``logistic``: notebook 02 (one logistic unit and its two losses);
- ``layers`` (forward/backward kernels), ``modules`` (layers holding parameters), ``optim``
  (SGD and Adam), ``training`` (``fit`` and its stopping rules), ``backprop`` (the slides'
  algorithm and its vectorised form) and ``torch_bridge`` (the same models in PyTorch):
  notebook 03 onwards;
- ``regularisation``, ``model_selection`` and ``projection``: notebook 04;
- ``autoencoders``, ``sparsity`` and ``stacking``: notebook 05;
- ``conv`` and ``pooling``: notebook 06;
- ``text`` (vocabulary, embedding, pooling over time; data in ``datasets``) and ``text_cnn``:
  notebook 07;
- ``recurrent`` (RNN layers and BPTT) and ``tagging`` (the Brown corpus and taggers):
  notebook 08;
- ``clipping``, ``lstm``, ``adding_problem`` and ``vanishing``: notebook 09;
- ``parallel`` (data-parallel training with torch.distributed): the appendix, notebook 10;
- ``exercises``: the checkers that tell a reader whether an exercise answer is right.
"""

from course_nn.device import choose_device
from course_nn.seeding import seed, torch_generator

__all__ = ["choose_device", "seed", "torch_generator"]
__version__ = "0.1.0"
