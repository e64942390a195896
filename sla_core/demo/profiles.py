"""Who the demo leads are: names, companies, countries, sources and the six MQL criteria.

Each lead has a hidden 'fit' (how close it is to the ideal customer profile) that depends
on the marketer and the channel; every criterion is met with a probability that grows with
fit, so roughly two leads in five reach the default MQL threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sla_core.clock import micros_to_series
from sla_core.i18n.dates import calendar_parts, display_calendar, month_names
from sla_core.i18n.languages import Language
from sla_core.i18n.numbers import local_digits
from sla_core.periods import Calendar

if TYPE_CHECKING:
    from sla_core.demo.vocabulary import Vocabulary

SOURCES = ("Web form", "Webinar", "Paid search", "Event", "Referral", "Content download")
SOURCE_FIT = np.array([0.03, 0.05, -0.08, 0.02, 0.12, -0.04])
SOURCE_ENGAGEMENT = np.array([0.0, 0.12, -0.08, 0.08, 0.05, 0.02])
CAMPAIGNS = (
    ("Demo request", "Contact us", "Pricing page"),
    ("Webinar: Fixing the MQL hand-off", "Webinar: Pipeline reviews that work"),
    ("Google Ads: SLA software", "LinkedIn Ads: Sales ops leaders", "Google Ads: lead routing"),
    ("GITEX Global Dubai", "Web Summit Lisbon", "SaaStr Europa", "Iran Tech Expo"),
    ("Customer referral", "Partner referral"),
    ("E-book: The SLA playbook", "Report: State of lead management", "Template: MQL scorecard"),
)

# marketer style -> (share of the leads, fit shift, weights over SOURCES)
MARKETER_STYLE: dict[str, tuple[float, float, tuple[float, ...]]] = {
    "volume": (0.34, -0.04, (0.15, 0.05, 0.40, 0.05, 0.05, 0.30)),
    "quality": (0.22, 0.08, (0.20, 0.25, 0.05, 0.25, 0.20, 0.05)),
    "steady": (0.26, 0.0, (0.35, 0.25, 0.10, 0.10, 0.05, 0.15)),
    "junior": (0.18, -0.07, (0.20, 0.05, 0.30, 0.05, 0.05, 0.35)),
}

GOOD_INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Manufacturing", "Retail")
OTHER_INDUSTRIES = ("Education", "Government", "Non-profit", "Hospitality", "Construction",
                    "Media", "Telecommunications", "Logistics", "Energy", "Real Estate")  # fmt: skip
GOOD_DEPARTMENTS = ("Sales", "Marketing", "Operations", "IT")
OTHER_DEPARTMENTS = ("Finance", "Human Resources", "Legal", "Procurement", "Engineering",
                     "Customer Support", "Product")  # fmt: skip
SENIOR_TITLES = ("VP of Sales", "Head of Marketing", "Director of Operations", "IT Manager",
                 "Chief Revenue Officer", "Marketing Manager", "Sales Manager", "Head of Growth",
                 "Chief Information Officer", "Director of Sales Operations",
                 "Regional Sales Manager", "VP Marketing")  # fmt: skip
OTHER_TITLES = ("Marketing Specialist", "Business Analyst", "Software Engineer",
                "Account Executive", "Sales Development Representative", "Consultant",
                "Operations Coordinator", "Founder", "Student", "Data Analyst")  # fmt: skip
CRMS = ("Salesforce", "HubSpot", "Dynamics 365", "Pipedrive")
TOOLS = ("Slack", "Zoom", "Google Workspace", "Microsoft 365", "Jira", "Mailchimp", "Zoho CRM",
         "Zendesk", "Shopify", "Tableau")  # fmt: skip
INDUSTRY_SUFFIX = {
    "Software": ("Labs", "Software", "Systems"), "Financial Services": ("Capital", "Finance"),
    "Healthcare": ("Health", "Medical"), "Manufacturing": ("Industries", "Manufacturing"),
    "Retail": ("Retail", "Stores"),
}  # fmt: skip
COMPANY_ROOTS = ("Apex", "Nordlicht", "Zagros", "Al Noor", "Blue River", "Atlas", "Pars",
                 "Silverline", "Cedar", "Oasis", "Kavir", "Meridian", "Helios", "Alborz",
                 "Northwind", "Sahel", "Lumen", "Tigris", "Granite", "Falcon", "Damavand",
                 "Orchid", "Vertex", "Nile", "Sapphire", "Harbor", "Azar", "Summit")  # fmt: skip

# region -> (weight, countries, first names, last names); Persian and Arabic names carry
# their own script too, used for a share of those leads as real CRM exports do.
REGIONS: tuple[tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (0.28, ("United States", "Canada"),
     ("Emily", "Michael", "Jessica", "David", "Ashley", "Chris", "Megan", "Ryan", "Olivia"),
     ("Johnson", "Miller", "Brown", "Davis", "Wilson", "Taylor", "Clark", "Lewis", "Walker")),
    (0.27, ("Germany", "United Kingdom", "France", "Netherlands", "Sweden", "Spain"),
     ("Anna", "Lukas", "Sophie", "Thomas", "Camille", "Jan", "Elif", "Marco", "Ingrid"),
     ("Schmidt", "Smith", "Dubois", "de Vries", "Johansson", "García", "Weber", "Moreau")),
    (0.15, ("Iran",),
     ("Sara|سارا", "Ali|علی", "Maryam|مریم", "Hossein|حسین", "Niloufar|نیلوفر", "Arash|آرش",
      "Zahra|زهرا", "Babak|بابک"),
     ("Ahmadi|احمدی", "Mohammadi|محمدی", "Rezaei|رضایی", "Karimi|کریمی", "Moradi|مرادی",
      "Jafari|جعفری", "Sadeghi|صادقی")),
    (0.18, ("United Arab Emirates", "Saudi Arabia", "Egypt", "Jordan", "Qatar"),
     ("Ahmed|أحمد", "Fatima|فاطمة", "Mohammed|محمد", "Noura|نورة", "Khaled|خالد",
      "Huda|هدى", "Tariq|طارق", "Rania|رانيا"),
     ("Al-Harbi|الحربي", "Hassan|حسن", "Al-Zahrani|الزهراني", "Saleh|صالح",
      "Abdullah|عبدالله", "Nasser|ناصر", "Haddad|حداد")),
    (0.12, ("India", "Singapore", "Turkey", "Japan"),
     ("Arjun", "Ananya", "Wei Ling", "Mehmet", "Ayşe", "Haruto", "Kavya", "Rahul"),
     ("Sharma", "Patel", "Tan", "Yılmaz", "Demir", "Sato", "Iyer", "Lim")),
)  # fmt: skip
NATIVE_SHARE = 0.3
NA = np.array(None, dtype=object)


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _names(rng: np.random.Generator, n: int, words: Vocabulary) -> pd.DataFrame:
    regions = words.regions
    weight = np.array([r[0] for r in regions])
    region = rng.choice(len(regions), n, p=weight / weight.sum())
    country = np.empty(n, dtype=object)
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for i, (_, countries, firsts, lasts) in enumerate(regions):  # five regions
        at = np.flatnonzero(region == i)
        country[at] = _pick(rng, countries, len(at))
        first[at] = _pick(rng, firsts, len(at))
        last[at] = _pick(rng, lasts, len(at))
    split_first = pd.Series(first).str.split("|", expand=True).reindex(columns=[0, 1])
    split_last = pd.Series(last).str.split("|", expand=True).reindex(columns=[0, 1])
    native = (rng.random(n) < words.native_share) & split_first[1].notna().to_numpy()
    return pd.DataFrame(
        {
            "latin_first": split_first[0],
            "latin_last": split_last[0],
            "first_name": split_first[1].where(native, split_first[0]),
            "last_name": split_last[1].where(native, split_last[0]),
            "country": country,
        }
    )


def _stack(rng: np.random.Generator, hit: np.ndarray, words: Vocabulary) -> np.ndarray:
    """Technographics as CRM exports write them: 'Salesforce; Slack; Zoom'."""
    n = len(hit)
    tools = words.tools
    extra = _pick(rng, tools, n) + np.where(rng.random(n) < 0.5, "; " + _pick(rng, tools, n), "")
    crm = _pick(rng, words.crms, n)
    with_crm = np.where(rng.random(n) < 0.5, crm + "; " + extra, crm)
    return np.where(hit, with_crm, extra)


def profiles(
    rng: np.random.Generator,
    marketer_styles: tuple[str, ...],
    created: np.ndarray,
    words: Vocabulary | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each lead's marketer (index into marketer_styles) and its profile columns, in the
    words of `words` (the English demo's by default)."""
    if words is None:
        from sla_core.demo.vocabulary import ENGLISH

        words = ENGLISH
    n = len(created)
    marketer, source, fit = _marketers(rng, marketer_styles, n)
    criteria, size_hit = _criteria(rng, fit, source, words)
    people = _names(rng, n, words)
    company, email = _company_and_email(rng, people, criteria["industry"], words)
    frame = pd.DataFrame(
        {
            "email": email,
            "first_name": people["first_name"],
            "last_name": people["last_name"],
            "company": company,
            "country": people["country"],
            "industry": criteria["industry"],
            "company_size": pd.array(criteria["size"], dtype="Int64"),
            "department": criteria["department"],
            "job_title": criteria["title"],
            "technographics": criteria["tech"],
            "engagement": criteria["engagement"].astype(np.int64),
            "source": np.array(words.sources, dtype=object)[source],
            "campaign": _campaigns(rng, source, created, words),
        }
    )
    # a few web forms do not ask for company size
    frame["company_size"] = frame["company_size"].mask(~size_hit & (rng.random(n) < 0.05))
    for name in ("email", "first_name", "last_name", "company", "country", "industry",
                 "department", "job_title", "technographics", "source", "campaign"):  # fmt: skip
        frame[name] = frame[name].astype("string")
    return marketer, frame


def _marketers(
    rng: np.random.Generator, marketer_styles: tuple[str, ...], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each lead's marketer, its source from that marketer's mix, and how well it fits."""
    style = [MARKETER_STYLE[s] for s in marketer_styles]
    share = np.array([s[0] for s in style])
    marketer = rng.choice(len(style), n, p=share / share.sum())
    source_p = np.array([s[2] for s in style])
    # sample a source per lead from its marketer's mix: inverse CDF on a uniform
    cdf = np.cumsum(source_p / source_p.sum(axis=1, keepdims=True), axis=1)[marketer]
    source = np.minimum((rng.random(n)[:, None] > cdf).sum(axis=1), len(SOURCES) - 1)
    shift = np.array([s[1] for s in style])[marketer] + SOURCE_FIT[source]
    fit = np.clip(rng.normal(0.5 + shift, 0.2, n), 0.0, 1.0)
    return marketer, source, fit


def _criteria(
    rng: np.random.Generator, fit: np.ndarray, source: np.ndarray, words: Vocabulary
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The six MQL profile values (a better fit meets more criteria) and who met the size."""
    n = len(fit)

    def met(base: float, slope: float) -> np.ndarray:
        return rng.random(n) < np.clip(base + slope * fit, 0.02, 0.98)

    def missing(share: float) -> np.ndarray:
        return rng.random(n) < share

    industry_hit, size_hit, dept_hit = met(0.2, 0.75), met(0.3, 0.65), met(0.25, 0.65)
    title_hit, tech_hit = met(0.15, 0.7), met(0.15, 0.6)
    engaged = rng.random(n) < np.clip(0.1 + 0.7 * fit + SOURCE_ENGAGEMENT[source], 0.02, 0.98)

    industry = np.where(
        industry_hit, _pick(rng, words.good_industries, n), _pick(rng, words.other_industries, n)
    )
    industry = np.where(~industry_hit & missing(0.1), NA, industry)
    small = rng.random(n) < 0.7
    size = np.where(
        size_hit,
        np.exp(rng.uniform(np.log(50), np.log(5000), n)),
        np.where(small, rng.integers(2, 50, n), rng.integers(5001, 60_000, n)),
    ).astype(np.int64)
    department = np.where(
        dept_hit, _pick(rng, words.good_departments, n), _pick(rng, words.other_departments, n)
    )
    department = np.where(~dept_hit & missing(0.15), NA, department)
    title = np.where(
        title_hit, _pick(rng, words.senior_titles, n), _pick(rng, words.other_titles, n)
    )
    title = np.where(~title_hit & missing(0.08), NA, title)
    tech = np.where(~tech_hit & missing(0.25), NA, _stack(rng, tech_hit, words))
    engagement = np.where(engaged, rng.integers(40, 101, n), rng.integers(0, 40, n))

    values = {"industry": industry, "size": size, "department": department, "title": title}
    return values | {"tech": tech, "engagement": engagement}, size_hit


def _company_and_email(
    rng: np.random.Generator, people: pd.DataFrame, industry: np.ndarray, words: Vocabulary
) -> tuple[pd.Series, pd.Series]:
    """A company named for its industry, and the person's ASCII address at its domain."""
    n = len(industry)
    industries = words.good_industries + words.other_industries
    industry_code = pd.Series(industry).map({name: k for k, name in enumerate(industries)})
    root = _pick(rng, words.company_roots, n)
    suffix = np.array(words.company_suffixes, dtype=object)[
        industry_code.fillna(len(industries)).astype(int)
    ]
    if all("|" not in r for r in words.company_roots):  # the English demo: 'Apex Labs'
        company = pd.Series(root + " " + suffix)
        latin = company
    else:  # 'Zagros Software|نرم‌افزار {root}' -> نرم‌افزار زاگرس, at zagrossoftware
        root_parts = [r.split("|", 1) for r in root]
        suffix_parts = [s.split("|", 1) for s in suffix]
        company = pd.Series(
            [t[-1].format(root=r[-1]) for r, t in zip(root_parts, suffix_parts, strict=True)]
        )
        latin = pd.Series([f"{r[0]} {t[0]}" for r, t in zip(root_parts, suffix_parts, strict=True)])
    slug = latin.str.lower().str.replace(r"[^a-z]", "", regex=True)
    person = (people["latin_first"] + "." + people["latin_last"]).str.lower()
    # mailbox names are ASCII: García -> garcia, Yılmaz -> yilmaz
    ascii_person = (
        person.str.replace("ı", "i")
        .str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
    )
    email = ascii_person.str.replace(r"[^a-z.]", "", regex=True) + "@" + slug + ".example"
    return company, email


def _month_labels(created: np.ndarray, language: Language) -> pd.Series:
    """The month each lead arrived as its campaign names it: 'Mar 2026', fa 'اسفند ۱۴۰۴'."""
    days = micros_to_series(pd.Series(created))
    if language is Language.ENGLISH:
        return days.dt.strftime("%b %Y")
    calendar = display_calendar(language, Calendar.GREGORIAN)
    names = month_names(language, calendar)
    labels: dict[object, str] = {}
    for day in pd.unique(days.dt.date):  # some 180 days, not one call per lead
        year, month, _ = calendar_parts(day, calendar)
        labels[day] = local_digits(f"{names[month - 1]} {year}", language)
    return days.dt.date.map(labels)


def _campaigns(
    rng: np.random.Generator, source: np.ndarray, created: np.ndarray, words: Vocabulary
) -> pd.Series:
    """A campaign of the lead's source, labelled with the month the lead arrived."""
    n = len(source)
    campaigns = words.campaigns
    campaign_pool = [c for cs in campaigns for c in cs]
    first_campaign = np.cumsum([0] + [len(cs) for cs in campaigns])[:-1]
    campaign_idx = first_campaign[source] + (
        rng.random(n) * np.array([len(c) for c in campaigns])[source]
    ).astype(int)
    month = _month_labels(created, words.language)
    return pd.Series(np.array(campaign_pool, dtype=object)[campaign_idx]) + " · " + month
