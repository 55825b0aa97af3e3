"""Plot helpers with one look across the course: decision boundaries, error surfaces, curves.

Every helper draws on a matplotlib ``Axes`` it is given and returns it, so notebooks compose
them into figures. Colours: class 0 is blue circles, class 1 is orange triangles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from course_nn.validation import as_float_array, check_int

CLASS_COLORS = ("#1f77b4", "#ff7f0e")
CLASS_MARKERS = ("o", "^")


def use_course_style() -> None:
    """Set matplotlib defaults sized for the website's text column (about 700 px wide)."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.constrained_layout.use": True,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "image.cmap": "viridis",
        }
    )


def scatter_classes(ax, X, t, *, labels: Sequence[str] = ("class 0", "class 1"), **kwargs):
    """Scatter 2-D points X (N, 2) coloured by 0/1 targets t (N,)."""
    X = as_float_array(X, "X", ndim=2)
    t = as_float_array(t, "t", ndim=1)
    if X.shape != (t.size, 2):
        raise ValueError(f"X must have shape (N, 2) with N={t.size} matching t, got {X.shape}")
    for cls in (0, 1):
        mask = t == cls
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            c=CLASS_COLORS[cls],
            marker=CLASS_MARKERS[cls],
            edgecolors="k",
            linewidths=0.5,
            label=labels[cls],
            zorder=3,
            **kwargs,
        )
    return ax


def plot_decision_boundary(
    ax,
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    t,
    *,
    resolution: int = 200,
    padding: float = 0.3,
    title: str | None = None,
):
    """Shade the plane by ``predict`` (M, 2) -> (M,) values in [0, 1] and draw the data.

    The 0.5 contour is the decision boundary; for a threshold unit the shading is two flat
    regions, for a sigmoid unit it shows the confidence.
    """
    X = as_float_array(X, "X", ndim=2)
    resolution = check_int(resolution, "resolution", minimum=2)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g0, g1 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    values = np.asarray(predict(grid), dtype=np.float64).reshape(g0.shape)
    ax.contourf(g0, g1, values, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    if np.ptp(values) > 0:
        ax.contour(g0, g1, values, levels=[0.5], colors="k", linewidths=1.5)
    scatter_classes(ax, X, t)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_linear_boundary(ax, w, *, label: str | None = None, **kwargs):
    """Draw the line ``w[0] + w[1] x1 + w[2] x2 = 0`` across the current axis limits."""
    w = as_float_array(w, "w", ndim=1)
    if w.shape != (3,):
        raise ValueError(f"w must have shape (3,) (bias, w1, w2), got {w.shape}")
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    if abs(w[2]) > 1e-12:
        xs = np.array([x_lo, x_hi])
        ax.plot(xs, -(w[0] + w[1] * xs) / w[2], label=label, **kwargs)
    elif abs(w[1]) > 1e-12:
        ax.plot([-w[0] / w[1]] * 2, [y_lo, y_hi], label=label, **kwargs)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    return ax


def plot_error_surface(
    ax,
    error: Callable[[np.ndarray], float],
    w0_range: tuple[float, float],
    w1_range: tuple[float, float],
    *,
    path=None,
    resolution: int = 80,
    levels: int = 25,
    path_label: str | None = None,
    path_color: str = "C3",
):
    """Contours of ``error(w)`` over a grid of 2-D weights, with an optional descent path.

    error: maps a weight vector of shape (2,) to a number; path: (steps, 2) weights visited.
    Contour levels are spaced logarithmically so both the bowl's floor and rim show.
    """
    resolution = check_int(resolution, "resolution", minimum=2)
    a = np.linspace(*w0_range, resolution)
    b = np.linspace(*w1_range, resolution)
    A, B = np.meshgrid(a, b)
    Z = np.array([error(np.array([p, q])) for p, q in zip(A.ravel(), B.ravel(), strict=True)])
    Z = Z.reshape(A.shape)
    lo, hi = max(Z.min(), 1e-12), Z.max()
    contour = ax.contour(A, B, Z, levels=np.geomspace(lo * 1.01, hi, levels), cmap="viridis")
    if path is not None:
        path = as_float_array(path, "path", ndim=2)
        ax.plot(path[:, 0], path[:, 1], ".-", color=path_color, ms=3, lw=1, label=path_label)
        ax.plot(*path[0], "o", color=path_color, ms=6)
        ax.plot(*path[-1], "*", color=path_color, ms=10)
    ax.set_xlim(*w0_range)
    ax.set_ylim(*w1_range)
    ax.set_xlabel("$w_0$ (bias)")
    ax.set_ylabel("$w_1$")
    return contour


def plot_learning_curves(
    ax,
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "epoch",
    ylabel: str = "error",
    logy: bool = False,
    title: str | None = None,
):
    """Plot named curves (e.g. ``{"train": [...], "validation": [...]}``) against the epoch.

    Epochs are counted from 1, as ``fit``'s ``History.best_epoch`` is: the first value is drawn
    at x = 1, so a marker at the printed best epoch lands on its point.
    """
    for name, values in curves.items():
        values = np.asarray(values, dtype=np.float64)
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def plot_graph(ax, nodes: Mapping[str, tuple[float, float]], edges, *, title: str | None = None):
    """Draw a small computation graph: labelled circles joined by arrows.

    nodes: ``{label: (x, y)}``; edges: ``(from, to)`` or ``(from, to, edge_label)`` tuples.
    Labels may use matplotlib mathtext (``"$x$"``).
    """
    for edge in edges:
        start, end = nodes[edge[0]], nodes[edge[1]]
        ax.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={
                "arrowstyle": "-|>",
                "color": "0.3",
                "lw": 1.2,
                "shrinkA": 16,
                "shrinkB": 16,
            },
        )
        if len(edge) > 2:
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            ax.text(
                *mid,
                edge[2],
                fontsize=10,
                color="C3",
                ha="center",
                va="bottom",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            )
    for label, (x, y) in nodes.items():
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=12,
            zorder=3,
            bbox={"boxstyle": "circle,pad=0.35", "fc": "#e8f0fb", "ec": "C0"},
        )
    xs = [p[0] for p in nodes.values()]
    ys = [p[1] for p in nodes.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
