"""A model evaluated with compile=True (and so one trained with `fit(..., compile=True)`) is
freed when the user lets go of it: its cached forward pass held it, so it never was."""
import gc
import weakref

from nn import MLP, accuracy, evaluate, fit, make_moons, predict

X, Y = make_moons(16, seed=0)


def test_models_evaluated_compiled_are_freed():
    refs = []
    for seed, call in enumerate([lambda m: accuracy(m, X, Y, compile=True),
                                 lambda m: evaluate(m, X, Y, loss="hinge", compile=True),
                                 lambda m: predict(m, X, compile=True),
                                 lambda m: fit(m, X, Y, "hinge", epochs=1, compile=True, verbose=False)]):
        model = MLP(2, [4, 1], seed=seed)
        call(model)
        refs.append(weakref.ref(model))
        del model
    gc.collect()
    assert [r() for r in refs] == [None] * 4


def test_the_cached_pass_still_serves_a_live_model():
    model = MLP(2, [4, 1], seed=0)
    assert accuracy(model, X, Y, compile=True) == accuracy(model, X, Y)
    gc.collect()
    assert predict(model, X, compile=True) == predict(model, X)
