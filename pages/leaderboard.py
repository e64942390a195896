"""Leaderboard: points for service levels met, per person and per team, by month or quarter."""

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
import streamlit as st

from sla_core.access import Permission, PermissionDenied, can
from sla_core.agreement.rules_text import POINT_LEVELS
from sla_core.charts.parts import ChartParts
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.gamification import adjustments, charts, closing, service, trace
from sla_core.gamification import leaderboard as lb
from sla_core.gamification.advice import UNITS
from sla_core.gamification.standings import MARKETING_SIDE, SALES_SIDE, TIE_RULE
from sla_core.models import Role
from sla_core.org import load_org_settings
from sla_core.periods import PeriodKind, parse_period
from sla_core.terms import PointLevel
from ui import tables
from ui.amounts import amount_input
from ui.charts import memo_chart
from ui.data import STORAGE_ERRORS, current_snapshot, current_user, get_engine, storage_problem
from ui.i18n import (
    _,
    _n,
    day,
    digits,
    num,
    period_name,
    stage_label,
    stored_period_name,
)
from ui.lead_view import LEAD_PAGE
from ui.navigation import framed
from ui.tables import badge_words, for_reading
from ui.widgets import plain

framed()


def level_name(level: str) -> str:
    """A service level points are earned on, as the agreement names it."""
    return _(POINT_LEVELS.get(str(level), str(level)))


engine = get_engine()
with session_scope(engine) as session:
    user = current_user(session)
    org = load_org_settings(session=session)

st.title(_("Leaderboard"))
kind_col, period_col = st.columns([1, 2])
kind = PeriodKind(
    kind_col.segmented_control(
        _("Period"),
        options=[PeriodKind.MONTH.value, PeriodKind.QUARTER.value],
        format_func={"month": _("Month"), "quarter": _("Quarter")}.__getitem__,
        default=PeriodKind.MONTH.value,
        key="leaderboard_kind",
    )
    or PeriodKind.MONTH.value
)
choices = lb.period_choices(
    kind, ref=pd.Timestamp(now()), zone=org.time_zone, calendar=org.calendar
)
# Names computed now, in this run's language (a format_func may be called after the run).
choice_names = {choice: period_name(choice) for choice in choices}
period = period_col.selectbox(
    _("Which one"), options=choices, format_func=choice_names.__getitem__, key=f"leaderboard_{kind}"
)

snap = current_snapshot()
frame = snap.frame.copy(deep=False)  # a view: adding a column leaves the shared one alone
with session_scope(engine) as session:
    view = lb.leaderboard(session=session, leads=frame, period=period, viewer=user, shared=snap)
board = view.board


def spec(name: str, build: Callable[[], ChartParts], *extra: Hashable) -> dict[str, Any]:
    """A chart's Vega-Lite spec for this reader, kept per board, language and minute; the
    caller gets its own copy. `view.key` names the
    counts the board is scored from, so a write that leaves them as they were carries the
    spec over to the next data revision (`reads=()`)."""
    return memo_chart(
        snap.memo,
        ("leaderboard_chart", name, view.key, *extra),
        build,
        stamp=view.stamp,
        reads=(),
    )


for note in board.notes:
    st.caption(_(note))
frozen = view.frozen  # a closed period shows what was stored, never the live board
if frozen is not None:
    st.info(
        _(
            "Closed on {day} (revision {revision}): the standings and badges below are the "
            "ones stored then."
        ).format(day=day(frozen.close.closed_at.date()), revision=num(frozen.close.revision)),
        icon=":material/lock:",
    )
    if frozen.changed:
        st.warning(
            _(
                "This period's data changed since it was closed ({count} leads changed): "
                "the stored standings stay until it is closed again."
            ).format(count=num(len(frozen.leads))),
            icon=":material/warning:",
        )
        if not frozen.leads.empty:
            changed = frozen.leads.assign(stage=frozen.leads["stage"].map(stage_label))
            changed_table = lb.table(changed, {k: _(v) for k, v in lb.CHANGED_TABLE.items()})
            tables.dataframe(
                changed_table,
                hide_index=True,
                key="leaderboard_changed_leads",
            )
quarter_name = period_name(
    parse_period(view.quarter_label, zone=org.time_zone, calendar=org.calendar)
)
for side_text, winner in (
    (_("Leading sales team of {quarter}: {team}"), view.quarter_winner),
    (_("Leading marketing team of {quarter}: {team}"), view.marketing_winner),
):  # each side has its own winner: teams are ranked within their side
    if winner:
        st.success(
            side_text.format(quarter=quarter_name, team=plain(winner)),
            icon=":material/emoji_events:",
        )

stored_me = frozen.people[frozen.people["subject_id"] == user.id] if frozen is not None else None
if stored_me is not None and not stored_me.empty:
    rank, points = st.columns(2)
    rank.metric(
        _("Your rank"),
        digits(f"{int(stored_me.iloc[0]['rank'])} / {len(frozen.people)}"),  # type: ignore[union-attr]
        border=True,
    )
    points.metric(_("Your points"), digits(f"{stored_me.iloc[0]['points']:g}"), border=True)
if view.mine is not None:
    mine = view.mine
    rank, points, gap = st.columns(3)
    rank.metric(_("Your rank"), digits(f"{mine.rank} / {mine.of}"), border=True)
    points.metric(_("Your points"), digits(f"{mine.points:g}"), border=True)
    gap.metric(
        _("Points to the next place"),
        "—" if mine.gap is None else digits(f"{mine.gap:g}"),
        help=None
        if mine.above_name is None
        else _("Behind {name}; on equal points the tie rule below decides.").format(
            name=plain(mine.above_name)
        ),
        border=True,
    )
    st.subheader(_("What would move you up"))
    if mine.moves.empty:
        st.caption(_("Every level you are scored on is at its highest tier."))
    for move in mine.moves.itertuples(index=False):
        what = _n(*UNITS[move.level], int(move.needed)).format(count=num(move.needed))
        st.text(
            _n(
                "{what}: +{points} point ({level})",
                "{what}: +{points} points ({level})",
                int(move.points),
            ).format(what=what, points=digits(f"{move.points:g}"), level=level_name(move.level))
        )

people_tab, teams_tab, badges_tab = st.tabs([_("People"), _("Teams"), _("Badges")])
# each side is ranked on its own: the podium shows the reader's side, the tables list it first
my_side = MARKETING_SIDE if user.role in (Role.MARKETER, Role.MARKETING_MANAGER) else SALES_SIDE
shown_people = charts.reader_first(board.people if frozen is None else frozen.people, my_side)
shown_teams = charts.reader_first(board.teams if frozen is None else frozen.teams, my_side)


def podium(name: str, standings: pd.DataFrame, nobody: str) -> None:
    """The reader's side's podium, or `nobody` when no one on it has earned points."""
    if charts.podium_frame(standings, my_side).empty:
        st.info(nobody)
        return
    st.vega_lite_chart(
        spec=spec(name, lambda: charts.podium(standings, my_side), frozen is None, my_side),
        key=f"leaderboard_{name}",
    )


with people_tab:
    if shown_people.empty:
        st.info(_("Nobody is on the board for this period."))
    else:
        podium(
            "podium", shown_people, _("Nobody on this side has earned points in this period yet.")
        )
        people_table = lb.table(
            shown_people,
            {k: _(v) for k, v in (lb.PEOPLE_TABLE if frozen is None else lb.STORED_TABLE).items()},
        )
        picked = tables.dataframe(
            people_table,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key="leaderboard_people",
        )
        st.caption(_(TIE_RULE))
        top = shown_people["name"].head(5).tolist()
        if view.mine is not None:
            me = board.people.loc[board.people["subject_id"] == user.id, "name"].tolist()
            top = list(dict.fromkeys([*top[:4], *me]))
        st.vega_lite_chart(
            spec=spec("trend", lambda: charts.trend(view.trend_people, top, _), tuple(top)),
            key="leaderboard_trend",
        )
        rows = picked.selection.rows if picked else []
        if rows:
            person = shown_people.iloc[rows[0]]
            subject = int(person["subject_id"])
            st.subheader(_("Where {name}'s points come from").format(name=plain(person["name"])))
            try:
                trace.check_trace_access(user, subject)
            except PermissionDenied as exc:
                st.info(plain(exc))
            else:
                with session_scope(engine) as session:
                    levels = lb.levels_of(board, subject, session=session, frozen=frozen)
                if levels is None:  # closed before the levels were kept with the standings
                    st.info(
                        _(
                            "This period was closed before its points per level were kept: "
                            "the levels below are computed from today's data."
                        )
                    )
                    levels = lb.levels_of(board, subject)
                assert levels is not None  # live levels always exist
                named = lb.LEVEL_TABLE["level"]
                levels = levels.assign(**{named: levels[named].map(level_name)}).rename(columns=_)
                tables.dataframe(
                    levels,
                    hide_index=True,
                    key="leaderboard_levels",
                )
                scored = board.scored[board.scored["subject_id"] == subject]["level"].tolist()
                level = st.selectbox(
                    _("Show the leads behind"),
                    options=scored,
                    format_func=level_name,
                    key="leaderboard_trace_level",
                )
                with session_scope(engine) as session:
                    setup = service.work_setup(session=session)
                    kept = service.kept_of(session=session, leads=frame, memo=snap.memo)
                if frozen is not None:
                    stored_note = (
                        _(
                            "{count} of this period's leads changed since it was closed (listed "
                            "above): the leads below are today's data and may not add up to "
                            "the stored points."
                        ).format(count=num(len(frozen.leads)))
                        if frozen.changed
                        else _("The leads below are today's data; they match what was stored.")
                    )
                    st.caption(stored_note)
                behind = trace.leads_behind(
                    frame, board.rules.content, period, now(), subject, PointLevel(level), setup,
                    kept,
                )  # fmt: skip
                lead_pick = tables.dataframe(
                    for_reading(behind),
                    hide_index=True,
                    on_select="rerun",
                    selection_mode="single-row",
                    key="leaderboard_trace_leads",
                )
                lead_rows = lead_pick.selection.rows if lead_pick else []
                if lead_rows:
                    lead_id = int(behind.iloc[lead_rows[0]]["id"])
                    st.page_link(
                        LEAD_PAGE,
                        label=_("Open lead {id}").format(id=num(lead_id)),
                        icon=":material/person:",
                        query_params={"id": str(lead_id)},
                    )
                    with session_scope(engine) as session:
                        events = trace.events_of(session=session, lead_id=lead_id)
                    tables.dataframe(
                        for_reading(events), hide_index=True, key="leaderboard_trace_events"
                    )
with teams_tab:
    if shown_teams.empty:
        st.info(_("No team has anyone on the board for this period."))
    else:
        podium(
            "team_podium",
            shown_teams,
            _("No team on this side has earned points in this period yet."),
        )
        team_table = lb.table(
            shown_teams,
            {
                k: _(v)
                for k, v in (lb.TEAM_TABLE if frozen is None else lb.STORED_TEAM_TABLE).items()
            },
        )
        tables.dataframe(
            team_table,
            hide_index=True,
            key="leaderboard_teams",
        )
        teams = board.teams["name"].tolist()
        st.vega_lite_chart(
            spec=spec("team_trend", lambda: charts.trend(view.trend_teams, teams, _)),
            key="leaderboard_team_trend",
        )


with badges_tab:
    if frozen is not None:
        st.subheader(_("Stored when {period} was closed").format(period=period_name(period)))
        if frozen.badges.empty:
            st.caption(_("No badge was earned in this period."))
        else:
            stored_badges = lb.table(
                badge_words(frozen.badges), {k: _(v) for k, v in lb.BADGE_TABLE.items()}
            )
            tables.dataframe(stored_badges, hide_index=True, key="leaderboard_stored_badges")
    else:
        st.subheader(_("Earned in {period} so far").format(period=period_name(period)))
        if view.earning.empty:
            st.caption(_("No badge earned in this period yet."))
        else:
            earning = lb.table(
                badge_words(view.earning), {k: _(v) for k, v in lb.BADGE_TABLE.items()}
            )
            tables.dataframe(earning, hide_index=True, key="leaderboard_earning")
        st.caption(_("Badges are stored when a manager closes the period."))
    if view.mine is not None:
        st.subheader(_("Your badges"))
        if view.my_badges.empty:
            st.caption(_("None yet: they are awarded when a period is closed."))
        else:
            named = view.my_badges.assign(  # each period in the reader's words and calendar
                period=[
                    stored_period_name(label, calendar, zone=org.time_zone)
                    for label, calendar in zip(
                        view.my_badges["period"], view.my_badges["calendar"], strict=True
                    )
                ]
            )
            my_badges = lb.table(
                badge_words(named), {k: _(v) for k, v in lb.MY_BADGE_TABLE.items()}
            )
            tables.dataframe(
                my_badges,
                hide_index=True,
                key="leaderboard_badges",
            )

if can(user, Permission.MANAGE_POINTS):
    with st.expander(_("Bonus or correction")), st.form("leaderboard_adjust_form"):
        names = dict(zip(board.people["subject_id"], board.people["name"], strict=True))
        who = st.selectbox(
            _("Person"),
            options=list(names),
            format_func=names.__getitem__,
            key="leaderboard_adjust_who",
        )
        amount = amount_input(  # in the reader's digits
            _("Points (negative for a correction)"),
            step=1,
            value=5,
            whole=True,
            key="leaderboard_adjust_points",
        )
        reason = st.text_input(_("Reason (required)"), key="leaderboard_adjust_reason")
        recorded = st.form_submit_button(_("Record"))
        if recorded and who is None:  # no one on the board yet
            st.error(_("Pick the person the points are for."))
        elif recorded and who is not None and amount is not None:
            try:
                with session_scope(engine) as session:
                    adjustments.add_adjustment(
                        session=session, period=period, user_id=int(who), points=int(amount),
                        reason=reason, actor=user,
                    )  # fmt: skip
                st.success(_("Recorded. It shows on the board and in the audit trail."))
            except (ValueError, PermissionDenied) as exc:
                st.error(plain(exc))
            except STORAGE_ERRORS as exc:
                st.error(storage_problem(exc))
    closing_allowed = can(user, Permission.CLOSE_PERIODS)  # an admin: it freezes both teams
    close_label = _("Close this period") if frozen is None else _("Close again")
    if closing_allowed and st.button(close_label, key="leaderboard_close"):
        try:
            with session_scope(engine) as session:
                outcome = closing.close_period(
                    session=session, leads=frame, period=period, actor=user
                )
            if outcome.stored:
                st.success(
                    _("Closed: revision {revision} stored.").format(revision=outcome.close.revision)
                )
                if outcome.change:
                    moved = {k: _(v) for k, v in lb.MOVED_TABLE.items()}
                    tables.dataframe(
                        lb.table(pd.DataFrame(outcome.change), moved),
                        hide_index=True,
                        key="leaderboard_change",
                    )
            else:
                st.info(_("Nothing changed since the last close; nothing stored."))
        except (ValueError, PermissionDenied) as exc:
            st.error(plain(exc))
        except STORAGE_ERRORS as exc:
            st.error(storage_problem(exc))
