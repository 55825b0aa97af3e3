"""course_nn.plotting, course_nn.progress and course_nn.notebook."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet

from course_nn.notebook import show_source, versions_report
from course_nn.plotting import (
    CLASS_COLORS,
    plot_decision_boundary,
    plot_error_surface,
    plot_learning_curves,
    plot_linear_boundary,
    scatter_classes,
    use_course_style,
)
from course_nn.progress import progress, progress_enabled


@pytest.fixture
def ax():
    fig, axes = plt.subplots()
    yield axes
    plt.close(fig)


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


# --- plotting ---------------------------------------------------------------------------------


def test_agg_backend_in_use():
    assert mpl.get_backend().lower() == "agg"


def test_scatter_classes_draws_each_class(ax):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    t = np.array([0.0, 1.0, 1.0])
    assert scatter_classes(ax, X, t) is ax
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [1, 2]
    np.testing.assert_array_equal(ax.collections[1].get_offsets(), X[1:])
    np.testing.assert_allclose(
        ax.collections[0].get_facecolor()[0][:3], mpl.colors.to_rgb(CLASS_COLORS[0])
    )


def test_scatter_classes_rejects_mismatch(ax):
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\) with N=2 matching t"):
        scatter_classes(ax, np.zeros((3, 2)), np.zeros(2))


def test_plot_decision_boundary_adds_contours(ax):
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    t = np.array([0.0, 1.0, 0.0, 1.0])
    seen = []

    def predict(grid):
        seen.append(grid.shape)
        return (grid[:, 0] > 0).astype(float)

    assert plot_decision_boundary(ax, predict, X, t, resolution=30, title="x1 > 0") is ax
    assert seen == [(900, 2)]
    contours = _contour_sets(ax)
    assert len(contours) == 2  # the shading and the 0.5 boundary
    assert list(contours[1].levels) == [0.5]
    assert ax.get_title() == "x1 > 0"
    np.testing.assert_allclose(ax.get_xlim(), (-1.3, 1.3))


def test_plot_decision_boundary_constant_prediction_has_no_boundary(ax):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    plot_decision_boundary(ax, lambda g: np.ones(len(g)), X, [0.0, 1.0], resolution=10)
    assert len(_contour_sets(ax)) == 1  # only the shading


def test_plot_linear_boundary_draws_the_line(ax):
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    w = np.array([0.5, 1.0, -2.0])
    assert plot_linear_boundary(ax, w, label="b") is ax
    (line,) = ax.lines
    xs, ys = line.get_data()
    np.testing.assert_allclose(w[0] + w[1] * np.asarray(xs) + w[2] * np.asarray(ys), 0,
                               atol=1e-12)
    assert ax.get_xlim() == (-2, 2) and ax.get_ylim() == (-2, 2)


def test_plot_linear_boundary_vertical_line(ax):
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    plot_linear_boundary(ax, [1.0, 2.0, 0.0])  # 1 + 2 x1 = 0: x1 = -0.5
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_allclose(xs, [-0.5, -0.5])
    np.testing.assert_allclose(ys, [-1, 3])


@pytest.mark.parametrize("w", [[1.0, 2.0], [1.0, 2.0, 3.0, 4.0], [[1.0, 2.0, 3.0]]])
def test_plot_linear_boundary_rejects_wrong_shape(ax, w):
    with pytest.raises(ValueError, match="w must"):
        plot_linear_boundary(ax, w)


def test_plot_error_surface_draws_contours_and_path(ax):
    def error(w):
        return (w[0] - 1) ** 2 + 2 * (w[1] + 0.5) ** 2

    path = np.array([[-2.0, 1.5], [-1.0, 0.5], [0.0, 0.0], [1.0, -0.5]])
    contour = plot_error_surface(ax, error, (-3, 3), (-2, 2), path=path, resolution=20,
                                 path_label="descent")
    assert isinstance(contour, ContourSet)
    assert len(contour.levels) == 25
    assert contour.levels.min() > 0 and contour.levels.max() <= 32.5
    path_lines = [line for line in ax.lines if line.get_label() == "descent"]
    assert len(path_lines) == 1
    xs, ys = path_lines[0].get_data()
    np.testing.assert_array_equal(np.column_stack([xs, ys]), path)
    assert len(ax.lines) == 3  # the path, its start and its end
    assert ax.get_xlim() == (-3, 3)


def test_plot_error_surface_without_path(ax):
    contour = plot_error_surface(ax, lambda w: float(w @ w) + 1, (-1, 1), (-1, 1),
                                 resolution=10, levels=5)
    assert len(contour.levels) == 5
    assert len(ax.lines) == 0


def test_plot_learning_curves(ax):
    curves = {"train": [3.0, 2.0, 1.0], "validation": [3.5, 2.5, 2.0, 1.8]}
    assert plot_learning_curves(ax, curves, logy=True, title="t") is ax
    assert [line.get_label() for line in ax.lines] == ["train", "validation"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), np.arange(1, 5))  # epochs from 1
    assert ax.get_yscale() == "log"
    assert ax.get_legend() is not None


def test_use_course_style_sets_rcparams():
    with mpl.rc_context():
        use_course_style()
        assert mpl.rcParams["axes.grid"] is True
        assert list(mpl.rcParams["figure.figsize"]) == [6.4, 4.0]


# --- progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["off", "0", "false", "no", " OFF ", "False"])
def test_progress_disabled_by_environment(monkeypatch, value):
    monkeypatch.setenv("COURSE_NN_PROGRESS", value)
    assert progress_enabled() is False


@pytest.mark.parametrize("value", ["on", "1", "yes"])
def test_progress_enabled_by_environment(monkeypatch, value):
    monkeypatch.setenv("COURSE_NN_PROGRESS", value)
    assert progress_enabled() is True


def test_progress_enabled_when_unset(monkeypatch):
    monkeypatch.delenv("COURSE_NN_PROGRESS", raising=False)
    assert progress_enabled() is True


@pytest.mark.parametrize("value", [None, "off"])
def test_progress_yields_every_item(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("COURSE_NN_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("COURSE_NN_PROGRESS", value)
    items = list(range(17))
    bar = progress(iter(items), desc="test", total=len(items))
    assert bar.disable is (value == "off")
    assert list(bar) == items


# --- notebook helpers -------------------------------------------------------------------------


def test_versions_report_lists_components():
    import torch

    report = versions_report()
    lines = report.splitlines()
    assert lines[0].startswith("python ")
    assert f"numpy {np.__version__}" in lines
    assert f"torch {torch.__version__}" in lines
    assert "device" not in report
    assert "device cpu" in versions_report("cpu").splitlines()


def test_show_source_displays_the_function(monkeypatch):
    import inspect

    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    show_source(progress_enabled)
    (markdown,) = shown
    assert isinstance(markdown, IPython.display.Markdown)
    assert markdown.data.startswith("```python\ndef progress_enabled")
    assert markdown.data.endswith("\n```")
    assert inspect.getsource(progress_enabled).rstrip() in markdown.data


def test_show_source_runs_with_real_display(capsys):
    show_source(versions_report)  # outside a notebook IPython prints the object's repr
    assert "Markdown" in capsys.readouterr().out


def test_live_interact_is_off_when_told(monkeypatch, capsys):
    from course_nn.notebook import live_interact, widgets_enabled

    calls = []
    monkeypatch.setenv("COURSE_NN_WIDGETS", "off")
    assert not widgets_enabled()
    assert live_interact(lambda x=1: calls.append(x), x=(0, 5)) is None
    out = capsys.readouterr().out
    assert "Run this cell to get the sliders" in out
    assert "COURSE_NN_WIDGETS" not in out  # a reader is told what to do, not a variable
    assert calls == []


def test_live_interact_builds_sliders_and_draws_the_default(monkeypatch):
    from ipywidgets import IntSlider

    from course_nn.notebook import live_interact, widgets_enabled

    calls = []
    monkeypatch.delenv("COURSE_NN_WIDGETS", raising=False)
    assert widgets_enabled()
    result = live_interact(lambda x: calls.append(x), x=IntSlider(value=3, min=0, max=5))
    assert result is not None
    assert calls == [3]  # interact calls the function once at the slider's default


def test_live_interact_drops_the_drawing_functions_return_value(monkeypatch):
    from ipywidgets import IntSlider

    from course_nn.notebook import live_interact

    monkeypatch.delenv("COURSE_NN_WIDGETS", raising=False)
    widget = live_interact(lambda x: f"axes {x}", x=IntSlider(value=2, min=0, max=5))
    # interact shows a non-None return value under the figure (the stray "<Axes: ...>" line)
    assert widget.widget.result is None


def test_finish_ends_an_early_stopped_bar_with_its_reason(monkeypatch):
    from course_nn.progress import finish, progress

    monkeypatch.setenv("COURSE_NN_PROGRESS", "on")
    bar = progress(total=150, desc="epochs", file=__import__("io").StringIO())
    for _ in range(57):
        bar.update()
    finish(bar, "validation loss rose for 10 epochs")
    assert bar.total == bar.n == 57
    assert "validation loss rose" in bar.postfix


def test_finish_ignores_a_disabled_bar(monkeypatch):
    from course_nn.progress import finish, progress

    monkeypatch.setenv("COURSE_NN_PROGRESS", "off")
    bar = progress(total=3)
    finish(bar, "done")  # nothing to close, nothing raised
