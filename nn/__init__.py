"""nn: neural-network building blocks on top of the autograd engine."""
