"""The stage glossary in English, Persian and Arabic, in the source articles' own terms.

The Persian article calls a lead سرنخ, an MQL سرنخ مطلوب بازاریابی and an opportunity
فرصت فروش; the Arabic one speaks of العملاء المحتملين, العملاء المتوقعين المؤهلين للتسويق
and العملاء المتوقعين المقبولين في المبيعات. Both teams must agree on what every stage
means, so the agreement can carry these names and definitions in the team's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sla_core.i18n.languages import Language
from sla_core.stages import Stage


@dataclass(frozen=True)
class Term:
    """One glossary entry: its name and definition in every interface language."""

    names: dict[Language, str]
    definitions: dict[Language, str]


def _term(en: str, fa: str, ar: str, en_def: str, fa_def: str, ar_def: str) -> Term:
    names = {Language.ENGLISH: en, Language.PERSIAN: fa, Language.ARABIC: ar}
    definitions = {Language.ENGLISH: en_def, Language.PERSIAN: fa_def, Language.ARABIC: ar_def}
    return Term(names, definitions)


STAGES: dict[Stage, Term] = {
    Stage.LEAD: _term(
        "Lead", "سرنخ", "عميل محتمل",
        "Any contact captured by a marketing channel.",
        "هر مخاطبی که از یکی از کانال‌های بازاریابی به دست آمده است.",
        "أي جهة اتصال حصلت عليها إحدى قنوات التسويق.",
    ),
    Stage.MQL: _term(
        "MQL (marketing qualified lead)",
        "سرنخ مطلوب بازاریابی (MQL)",
        "عميل محتمل مؤهل للتسويق (MQL)",
        "A lead whose profile score reaches the MQL threshold.",
        "سرنخی که امتیاز پروفایل آن به آستانه MQL رسیده است.",
        "عميل محتمل بلغت درجة ملفه التعريفي حد التأهيل للتسويق.",
    ),
    Stage.SAL: _term(
        "SAL (sales accepted lead)",
        "سرنخ پذیرفته‌شده فروش (SAL)",
        "عميل محتمل مقبول في المبيعات (SAL)",
        "An MQL a rep has accepted and is working.",
        "سرنخ مطلوبی که فروشنده آن را پذیرفته و روی آن کار می‌کند.",
        "عميل محتمل مؤهل للتسويق قبله مندوب المبيعات ويعمل عليه.",
    ),
    Stage.SQL: _term(
        "SQL (sales qualified lead)",
        "سرنخ واجد شرایط فروش (SQL)",
        "عميل محتمل مؤهل للمبيعات (SQL)",
        "A lead sales has qualified: need, budget, authority and timing confirmed.",
        "سرنخی که تیم فروش آن را تأیید کرده است: نیاز، بودجه، اختیار تصمیم و زمان‌بندی روشن است.",
        "عميل محتمل أهّله فريق المبيعات: تأكدت الحاجة والميزانية وصلاحية القرار والتوقيت.",
    ),
    Stage.OPPORTUNITY: _term(
        "Opportunity", "فرصت فروش", "فرصة بيع",
        "A qualified lead with an open deal in the pipeline.",
        "سرنخ واجد شرایطی که معامله‌ای باز در قیف فروش دارد.",
        "عميل محتمل مؤهل لديه صفقة مفتوحة في مسار المبيعات.",
    ),
    Stage.WON: _term(
        "Won", "معامله موفق", "صفقة رابحة",
        "A closed deal the customer signed.",
        "معامله‌ای بسته‌شده که مشتری آن را امضا کرده است.",
        "صفقة مغلقة وقّعها العميل.",
    ),
    Stage.LOST: _term(
        "Lost", "معامله ناموفق", "صفقة خاسرة",
        "A deal that closed without a sale.",
        "معامله‌ای که بدون فروش بسته شده است.",
        "صفقة أُغلقت دون بيع.",
    ),
    Stage.NURTURE: _term(
        "Nurture (back to marketing)",
        "پرورش (بازگشت به بازاریابی)",
        "رعاية (إعادة إلى التسويق)",
        "Returned to marketing with a reason, to be nurtured and recycled.",
        "با ذکر دلیل به بازاریابی بازگردانده شده تا پرورش یابد و دوباره به چرخه بازگردد.",
        "أُعيد إلى قسم التسويق مع ذكر السبب لرعايته وإعادة تدويره.",
    ),
    Stage.DISQUALIFIED: _term(
        "Disqualified", "ردصلاحیت‌شده", "مستبعد",
        "Not a fit, with a recorded reason.",
        "مناسب نیست؛ دلیل آن ثبت شده است.",
        "غير مناسب، مع تسجيل السبب.",
    ),
}  # fmt: skip

# Other words of the agreement that both articles use.
WORDS: dict[str, Term] = {
    "sla": _term(
        "Service level agreement (SLA)",
        "توافق‌نامه سطح خدمات (SLA)",
        "اتفاقية مستوى الخدمة (SLA)",
        "The written promises between sales and marketing, with numbers, that both measure.",
        "سندی که تعهدهای عددی تیم‌های فروش و بازاریابی را به یکدیگر می‌نویسد و می‌سنجد.",
        "وعود مكتوبة بالأرقام بين المبيعات والتسويق يقيسها الطرفان.",
    ),
    "disposition": _term(
        "Disposition", "تعیین وضعیت", "التصرف في العميل المحتمل",
        "Changing a new lead's status: qualified, disqualified, or back to marketing.",
        "تغییر وضعیت سرنخ تازه: واجد شرایط، ردصلاحیت یا بازگشت به بازاریابی.",
        "تغيير حالة العميل المحتمل الجديد: مؤهل أو مستبعد أو معاد إلى التسويق.",
    ),
    "follow_up": _term(
        "Follow-up attempt", "تلاش پیگیری", "محاولة متابعة",
        "A short, polite touch: a voicemail or a brief e-mail.",
        "یک تماس کوتاه و مؤدبانه: پیام صوتی یا ایمیلی کوتاه.",
        "تواصل قصير ومهذب: رسالة صوتية أو بريد إلكتروني موجز.",
    ),
    "conversion": _term(
        "Conversion rate", "نرخ تبدیل", "معدل التحويل",
        "Deals won divided by MQLs in the same period.",
        "تعداد معاملات موفق تقسیم بر تعداد MQLها در همان دوره.",
        "الصفقات الرابحة مقسومة على العملاء المؤهلين للتسويق في الفترة نفسها.",
    ),
    "leaderboard": _term(
        "Leaderboard", "جدول امتیازات", "لوحة المتصدرين",
        "Points for every service level met or exceeded, ranked per month and quarter.",
        "امتیاز برای هر سطح خدمتی که محقق یا از آن فراتر رفته است، به ترتیب ماه و فصل.",
        "نقاط لكل مستوى خدمة تم الوفاء به أو تجاوزه، مرتبة شهريًا وربع سنويًا.",
    ),
}  # fmt: skip


def stage_name(stage: Stage, language: Language) -> str:
    """The name of `stage` in `language`, as the glossary writes it."""
    return STAGES[stage].names[language]


def stage_definitions(language: Language) -> dict[str, str]:
    """Every stage's agreed definition in `language`, keyed like the agreement's content."""
    return {stage.value: term.definitions[language] for stage, term in STAGES.items()}
