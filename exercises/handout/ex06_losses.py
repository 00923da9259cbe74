"""Exercise 6: mean squared error, and cross-entropy that never overflows.

WHAT TO DO
A loss turns the network's outputs into one number saying how wrong they are; training
makes it smaller. Both functions take Values (chainrule's) and plain-number targets and
return a Value, so that `loss.backward()` reaches the network.
1. `mse(outputs, targets)`: the mean of (output - target)**2 over the list.
2. `cross_entropy(logits, target)`: for one sample, a list of raw scores (logits) and the
   index of the right class: -log of the softmax probability of that class.

THE MATHS
    mse = (1/n) * sum_i (o_i - t_i)**2
    softmax_k = exp(z_k) / sum_j exp(z_j)
    cross_entropy = -log(softmax_target) = log(sum_j exp(z_j)) - z_target
                  = m + log(sum_j exp(z_j - m)) - z_target     for any m: take m = max_j z_j
With m the largest logit, every exp gets a number <= 0: no overflow, and the largest term
is exp(0) = 1, so the log never sees 0.

HINT
`exp(1000)` overflows (chainrule raises OverflowError): subtract the largest logit first.
m can be a plain number (the largest `.data`): the result does not depend on m, so its
gradient needs no path through it. Values have `.exp()` and `.log()`.

HOW IT IS CHECKED
`python -m exercises check 6` compares values and gradients with chainrule's
`nn.mse_loss` and `nn.cross_entropy`, with logits such as [1000, 0] and [-1000, 5, 3].

ПО-РУССКИ
Среднеквадратичная ошибка (среднее, не сумма) и перекрёстная энтропия для одного примера:
-log(softmax) правильного класса. Чтобы exp не переполнялся, вычтите наибольший логит
(log-sum-exp). Возвращайте Value, чтобы backward() дошёл до сети.
"""
from autograd import Value  # noqa: F401  (outputs and logits are chainrule Values)


def mse(outputs, targets):
    """Mean of (output - target)**2: outputs a list of Values, targets a list of numbers."""
    raise NotImplementedError


def cross_entropy(logits, target):
    """-log softmax(logits)[target] for a list of Values and a class index, as a Value."""
    raise NotImplementedError
