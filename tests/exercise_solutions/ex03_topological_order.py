"""Reference solution of exercise 3 (for the test suite; never handed out)."""


def topological_order(root):
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            for parent in reversed(node.inputs):
                if parent not in seen:
                    stack.append((parent, False))
    return order
