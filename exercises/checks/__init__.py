"""One module per exercise (`ex01` ... `ex08`), each with `run(learner)`: the checks, in order."""
