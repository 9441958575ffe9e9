"""Invented contents of the sample reports: SPF, ICB, collaborative, finance and quality papers."""

from __future__ import annotations

from samples.sample_papers import Section


def _s(number: str | None, heading: str, *paragraphs: str) -> Section:
    return Section(number, heading, tuple(paragraphs))


SPF_REF = "SPF 0049"
SPF_TITLE = "Principles for managing workforce change in integrated care boards"
SPF_HEADER = (
    "Social Partnership Forum",
    f"Paper reference: {SPF_REF}",
    "Meeting of the Social Partnership Forum, 3 December 2025",
    SPF_TITLE,
)
SPF_SECTIONS: tuple[Section, ...] = (
    _s(
        "1",
        "Introduction",
        "1.1 This paper sets out principles agreed by the Social Partnership Forum's Workforce "
        "Issues Group for managing the workforce consequences of the reduction in ICB running "
        "costs announced in March 2025.",
        "1.2 The principles apply to integrated care boards and to NHS England staff affected "
        "by the transfer of functions.",
    ),
    _s(
        "2",
        "Context",
        "2.1 ICBs have been asked to reduce running costs by 50%. Many will merge or cluster, "
        "and some functions will move to providers or to regional teams.",
        "2.2 Early and genuine engagement with trade unions is the basis of the 'no surprises' "
        "commitment made by all SPF partners.",
    ),
    _s(
        "3",
        "Principles",
        "3.1 Employers will share proposals with staff side representatives before decisions "
        "are taken and while they can still be influenced.",
        "3.2 Organisational change will follow local policies agreed in partnership, and "
        "consultation periods will not be shortened without agreement.",
        "3.3 Employers will seek to minimise compulsory redundancies through redeployment "
        "across the NHS, using the national mutually agreed resignation scheme where "
        "appropriate.",
        "3.4 Where functions transfer between NHS bodies, staff will transfer on their existing "
        "terms and conditions in line with the Cabinet Office statement of practice.",
    ),
    _s(
        "4",
        "Support for staff",
        "4.1 Partners will publish joint guidance on redeployment registers and on protecting "
        "continuity of service for staff moving between NHS employers.",
    ),
    _s(
        "5",
        "Monitoring",
        "5.1 Regional social partnership forums will report progress to the Workforce Issues "
        "Group quarterly, including the number of staff at risk and redeployed.",
    ),
    _s(
        "6",
        "Recommendation",
        "6.1 The Forum is asked to endorse the principles and agree their publication.",
    ),
)

ICB_TITLE = "ICB operating model: outcome of consultation and implementation"
ICB_COVER: tuple[tuple[str, str], ...] = (
    ("Meeting", "NHS South Yorkshire Integrated Care Board - Board meeting in public"),
    ("Date of meeting", "5 November 2025"),
    ("Agenda item", "ICB 25/118"),
    ("Report title", ICB_TITLE),
    ("Executive lead", "Chief People Officer"),
    ("Author", "Deputy Director of Organisational Development"),
    ("Purpose", "For decision"),
    ("Staff side consulted", "Yes - formal consultation 1 August to 30 September 2025"),
)
ICB_SECTIONS: tuple[Section, ...] = (
    _s(
        "1",
        "Purpose",
        "This report sets out the outcome of consultation on the ICB's new operating model and "
        "asks the Board to approve implementation.",
    ),
    _s(
        "2",
        "Consultation",
        "Consultation with staff and trade unions ran for 60 days. 312 individual responses "
        "were received and 14 meetings held with UNISON, Unite, GMB and Managers in "
        "Partnership representatives.",
        "Changes made in response include a longer trial period for redeployed staff and a "
        "review of the proposed band 8b roles in the place teams.",
    ),
    _s(
        "3",
        "The new structure",
        "The ICB will reduce from 784 to 412 whole time equivalent posts. Place teams in "
        "Barnsley, Doncaster, Rotherham and Sheffield will be combined into two place "
        "partnerships, and the commissioning support functions will be shared with NHS "
        "Humber and North Yorkshire Integrated Care Board.",
        "Staff will be matched to new posts from January 2026; those not matched will be placed "
        "on the redeployment register and may apply for voluntary redundancy.",
    ),
    _s(
        "4",
        "Financial impact",
        "The running cost allowance falls by £21.5m in 2026/27. One-off redundancy costs are "
        "estimated at £14.0m and will be funded nationally.",
    ),
    _s(
        "5",
        "Recommendation",
        "The Board is asked to approve implementation of the new structure from 1 January 2026.",
    ),
)

FEDERATION_HEADER = (
    "South Yorkshire and Bassetlaw Acute Federation",
    "Committee in Common - 20 October 2025",
    "Clinical support services: shared pathology operating model",
)
FEDERATION_MEMBERS = (
    "Barnsley Hospital NHS Foundation Trust",
    "Chesterfield Royal Hospital NHS Foundation Trust",
    "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust",
    "The Rotherham NHS Foundation Trust",
    "Sheffield Children's NHS Foundation Trust",
    "Sheffield Teaching Hospitals NHS Foundation Trust",
)
FEDERATION_SECTIONS: tuple[Section, ...] = (
    _s(
        None,
        "Summary",
        "The Committee in Common is asked to approve the shared pathology operating model for "
        "the six member trusts of the Acute Federation. The model creates one hub laboratory "
        "with essential services laboratories at each hospital.",
    ),
    _s(
        None,
        "Proposed model",
        "Routine blood sciences and all microbiology will move to the hub laboratory at the "
        "Northern General Hospital. Essential services laboratories at Barnsley, Rotherham, "
        "Doncaster Royal Infirmary and Chesterfield will handle urgent work.",
        "Sheffield Teaching Hospitals would act as host employer for the network. Staff working "
        "in the other five trusts' laboratories would transfer to the host under TUPE, "
        "estimated at 410 whole time equivalent staff.",
    ),
    _s(
        None,
        "Engagement",
        "A joint staff side forum for pathology has been set up with representatives of "
        "UNISON, Unite and the Federation of Clinical Scientists from each trust.",
    ),
    _s(
        None,
        "Governance",
        "Each trust board will be asked to approve the full business case in March 2026. The "
        "Committee in Common will oversee implementation through a pathology network board.",
    ),
    _s(
        None,
        "Recommendation",
        "The Committee in Common is asked to approve the operating model and the development "
        "of the full business case.",
    ),
)

LTHT_FINANCE_TITLE = "Finance report: month 6 2025/26"
LTHT_FINANCE_HEADER = (
    "Leeds Teaching Hospitals NHS Trust",
    "Finance and Investment Committee - 23 October 2025",
    LTHT_FINANCE_TITLE,
)
LTHT_FINANCE_SECTIONS: tuple[Section, ...] = (
    _s(
        None,
        "Executive summary",
        "At month 6 the Trust reports a surplus of £1.3m, in line with plan. The forecast "
        "remains break-even for the year.",
    ),
    _s(
        None,
        "Income",
        "Clinical income is £3.4m above plan year to date, mainly from elective activity above "
        "the 2019/20 baseline. Research and education income is in line with plan.",
    ),
    Section(
        None,
        "Expenditure",
        (
            "Drugs expenditure is £2.1m above plan because of high-cost cancer drugs, offset by "
            "pass-through income. Clinical supplies are £0.8m above plan.",
        ),
        (
            ("Category", "Plan £m", "Actual £m", "Variance £m"),
            ("Clinical income", "812.4", "815.8", "3.4"),
            ("Drugs", "96.2", "98.3", "-2.1"),
            ("Clinical supplies", "61.0", "61.8", "-0.8"),
            ("Surplus", "1.3", "1.3", "0.0"),
        ),
    ),
    _s(
        None,
        "Capital",
        "Capital expenditure of £48.2m has been incurred, including £19.6m on the Building the "
        "Leeds Way programme. The programme is forecast to be fully spent.",
    ),
    _s(
        None,
        "Cash",
        "The cash balance is £112.5m. Better Payment Practice Code performance is 94% by value.",
    ),
)

DBTH_QUALITY_HEADER = (
    "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust",
    "Quality and Effectiveness Committee",
    "27 October 2025",
    "Quality report: September 2025",
)
DBTH_QUALITY_SECTIONS: tuple[Section, ...] = (
    _s(
        None,
        "Mortality",
        "The summary hospital-level mortality indicator is 98.6, within the expected range. "
        "Medical examiner scrutiny covered 99% of inpatient deaths.",
    ),
    _s(
        None,
        "Harm-free care",
        "Pressure ulcer incidence fell to 0.9 per 1,000 bed days. Venous thromboembolism risk "
        "assessment compliance was 96%.",
    ),
    _s(
        None,
        "Patient experience",
        "Complaints fell by 12% compared with the previous quarter. The most common theme was "
        "communication about discharge.",
    ),
    _s(
        None,
        "Clinical effectiveness",
        "The Trust participated in all eligible national clinical audits. The hip fracture "
        "audit shows time to surgery within 36 hours at 74%.",
    ),
)

ROTHERHAM_OCP_HEADER = (
    "The Rotherham NHS Foundation Trust",
    "Joint Negotiating and Consultative Committee",
    "Meeting date: 15 March 2012",
    "Review of the Organisational Change Policy",
)
ROTHERHAM_OCP_SECTIONS: tuple[Section, ...] = (
    _s(
        "1",
        "Purpose",
        "To seek the committee's agreement to the revised Organisational Change Policy.",
    ),
    _s(
        "2",
        "Background",
        "The policy was last reviewed in 2008. Since then the Trust has merged with community "
        "services from NHS Rotherham and the number of change programmes has increased.",
    ),
    _s(
        "3",
        "Main changes",
        "Consultation periods will be 30 days for changes affecting fewer than 20 staff and 45 "
        "days otherwise. Pay protection for staff moved to a lower band will last for two "
        "years, reduced from three. Staff at risk will be given priority consideration for "
        "vacancies for twelve weeks.",
    ),
    _s(
        "4",
        "Staff side position",
        "UNISON and the RCN do not agree the reduction in pay protection and have asked for "
        "the matter to be referred to the partnership forum.",
    ),
    _s(
        "5",
        "Recommendation",
        "The committee is asked to agree the policy, subject to further discussion of pay "
        "protection.",
    ),
)
