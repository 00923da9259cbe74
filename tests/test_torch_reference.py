"""Values and gradients against PyTorch in float64 (skipped when torch is not installed)."""
import pytest

torch = pytest.importorskip("torch")

from autograd import Value, grad  # noqa: E402
from op_table import cases  # noqa: E402

CASES = list(cases())


def _torch_version(f):
    """Run the same lambda on torch tensors; builtins like abs() work on both."""
    def g(*tensors):
        return f(*[_TorchValue(t) for t in tensors]).t
    return g


class _TorchValue:
    """Wraps a tensor so the op table's Value lambdas (v.tanh(), v.relu(), ...) run on torch."""

    def __init__(self, t):
        self.t = t

    def _w(self, other):
        return other.t if isinstance(other, _TorchValue) else other

    def __add__(self, o): return _TorchValue(self.t + self._w(o))
    def __radd__(self, o): return _TorchValue(self._w(o) + self.t)
    def __sub__(self, o): return _TorchValue(self.t - self._w(o))
    def __rsub__(self, o): return _TorchValue(self._w(o) - self.t)
    def __mul__(self, o): return _TorchValue(self.t * self._w(o))
    def __rmul__(self, o): return _TorchValue(self._w(o) * self.t)
    def __truediv__(self, o): return _TorchValue(self.t / self._w(o))
    def __rtruediv__(self, o): return _TorchValue(self._w(o) / self.t)
    def __pow__(self, o): return _TorchValue(self.t ** self._w(o))
    def __rpow__(self, o): return _TorchValue(torch.tensor(float(o), dtype=torch.float64) ** self.t)
    def __neg__(self): return _TorchValue(-self.t)
    def __abs__(self): return _TorchValue(self.t.abs())
    def exp(self): return _TorchValue(self.t.exp())
    def log(self): return _TorchValue(self.t.log())
    def tanh(self): return _TorchValue(self.t.tanh())
    def sigmoid(self): return _TorchValue(self.t.sigmoid())
    def relu(self): return _TorchValue(self.t.relu())
    def abs(self): return _TorchValue(self.t.abs())
    def sqrt(self): return _TorchValue(self.t.sqrt())
    def softplus(self): return _TorchValue(torch.nn.functional.softplus(self.t))
    def maximum(self, o): return _TorchValue(torch.maximum(self.t, torch.as_tensor(self._w(o), dtype=torch.float64)))
    def leaky_relu(self, slope=0.01): return _TorchValue(torch.nn.functional.leaky_relu(self.t, slope))
    def bce(self, o): return _TorchValue(torch.nn.functional.binary_cross_entropy(self.t, self._w(o)))


@pytest.mark.parametrize("name,f,ref,xs", CASES, ids=[f"{c[0]}{c[3]}" for c in CASES])
def test_value_and_gradient_match_torch(name, f, ref, xs):
    ours = [Value(x) for x in xs]
    out = f(*ours)
    out.backward()
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    t_out = _torch_version(f)(*theirs)
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(ours, theirs):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)


def test_second_derivative_matches_torch():
    x = Value(0.7)
    f = lambda v: (v * v.exp()).tanh() + v ** 3  # noqa: E731
    (d1,) = grad(f(x), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (t1,) = torch.autograd.grad(f(_TorchValue(t)).t, t, create_graph=True)
    (t2,) = torch.autograd.grad(t1, t)
    assert d1.data == pytest.approx(t1.item(), rel=1e-12)
    assert d2 == pytest.approx(t2.item(), rel=1e-10)


def test_accumulation_semantics_match_torch():
    a, b = Value(3.0), Value(2.0)
    d = a * b + a
    d.backward()
    d.backward()
    ta = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    td = ta * tb + ta
    td.backward(retain_graph=True)
    td.backward()
    assert (a.grad, b.grad) == (ta.grad.item(), tb.grad.item())
