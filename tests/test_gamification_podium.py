"""The podium shows one side's first three: sales and marketing are ranked on their own."""

from __future__ import annotations

import pandas as pd

from sla_core.gamification.charts import podium_frame


def _board(with_side: bool) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4, 1, 2],
            "name": ["Ava", "Bo", "Cy", "Di", "Mo", "Ny"],
            "points": [30, 20, 10, 5, 25, 15],
            "side": ["sales"] * 4 + ["marketing"] * 2,
        }
    )
    return frame if with_side else frame.drop(columns="side")


def test_the_podium_holds_one_side_only() -> None:
    # before: Ava and Mo shared the first step, Bo and Ny the second (two names stacked)
    assert podium_frame(_board(True))["name"].tolist() == ["Bo", "Ava", "Cy"]
    assert podium_frame(_board(True), "marketing")["name"].tolist() == ["Ny", "Mo"]


def test_stored_standings_without_a_side_show_their_first_block() -> None:
    assert podium_frame(_board(False))["name"].tolist() == ["Bo", "Ava", "Cy"]


def test_nobody_stands_on_the_podium_without_points() -> None:
    """Early in a period the tie rule alone orders people with no points: three of them on
    the podium would read as winners. Only people with points stand on it; with nobody,
    the page says so instead of drawing it."""
    board = _board(True)
    board["points"] = [30, 0, -5, 0, 0, 0]  # Bo ranked 2nd on no points, Cy 3rd on a penalty
    assert podium_frame(board)["name"].tolist() == ["Ava"]
    assert podium_frame(board, "marketing").empty
