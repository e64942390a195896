"""The agreement's rules in words, exactly as the engine applies them: the gauge colour
bands (`sla.gauges`) and the points per level (`PointRules.rules()`), for the PDF."""

from __future__ import annotations

from sla_core.agreement.wording import Wording
from sla_core.i18n.languages import N_
from sla_core.terms import AgreementContent

# Each gauge's name, as the Compliance page writes it.
BAND_LEVELS = (
    ("disposition", N_("Dispositioned within the window")),
    ("worked", N_("Worked within the window")),
    ("follow_up", N_("Follow-up attempts made")),
    ("conversion", N_("Conversion")),
    ("opportunities", N_("Opportunities opened")),
    ("unworked", N_("MQLs left unworked")),
    ("mql_volume", N_("MQL volume")),
)
POINT_LEVELS = {
    "disposition": N_("Dispositioned within the window"),
    "worked": N_("Worked within the window"),
    "follow_up": N_("Follow-up attempts made"),
    "conversion": N_("Conversion"),
    "opportunities": N_("Opportunities opened"),
    "mql_volume": N_("MQL volume"),
    "acceptance": N_("MQL quality (accepted by sales)"),
}


def band_rows(content: AgreementContent, w: Wording) -> tuple[tuple[str, str], ...]:
    """The gauge colours as the engine applies them (attainment of the target; for MQLs
    left unworked the most allowed)."""
    bands = content.service.bands
    rows = []
    for key, title in BAND_LEVELS:
        band = getattr(bands, key)
        if key == "unworked":
            rule = N_("green up to {green}, amber up to {amber}, red above")
            values = {"green": w.n(band.green), "amber": w.n(band.amber)}
        else:
            rule = N_("green from {green} of the target, amber from {amber}, red below")
            values = {"green": w.pct(band.green), "amber": w.pct(band.amber)}
        rows.append((w.t(N_("Colours: {level}"), level=w.t(title)), w.t(rule, **values)))
    return tuple(rows)


def signed_points(points: int, w: Wording) -> str:
    """Points with their sign: "+10", "-5", "0"."""
    if points == 0:
        return w.n(0)
    return ("+" if points > 0 else "-") + w.n(abs(points))


def point_rows(content: AgreementContent, w: Wording) -> tuple[tuple[str, str], ...]:
    """Per level: the points for meeting it, the bonus tiers, the penalty with its minus
    sign (only when the stick is on), then the minimum load before a level is scored."""
    p = content.points
    stick = p.penalties_apply()
    rows = []
    for rule in p.rules():
        tiers = [
            w.t(
                N_("{points} from {share}"),
                points=signed_points(t.points, w),
                share=w.pct(t.at_pct),
            )
            for t in rule.tiers
        ]
        rows.append(
            (
                w.t(POINT_LEVELS[rule.level.value]),
                w.t(
                    N_("met {met}; {tiers}; missed {missed}"),
                    met=signed_points(rule.met, w),
                    tiers=w.listing(tiers) or w.t(N_("no bonus")),
                    missed=signed_points(-rule.penalty if stick else 0, w),
                ),
            )
        )
    rows.append((w.t(N_("A level is scored once this many leads were due on it")), w.n(p.min_load)))
    return tuple(rows)
