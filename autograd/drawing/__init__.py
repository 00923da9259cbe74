"""Drawing: the graph behind a `Value` as DOT, SVG or PNG (`autograd.draw`)."""
from .dot import draw
from .render import RenderError, RendererNotFoundError

__all__ = ["draw", "RenderError", "RendererNotFoundError"]
